"""An officer sends last period's hand-made appendix as a file; the bot reads it and asks first.

The same reading as `cchc-bot prefill` (flows/prefill) and the same rule for storing it
(storage/prefills): the figures are held until the officer presses "Lưu", and a report that
already has figures is never overwritten. The file is the period before the round the officer
is working on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from exports import appendix_reader
from flows import answers, periods, prefill, texts
from flows.engine import Option, Reply
from storage import prefills, templates
from storage.models import Round, Unit, User
from storage.repository import Repository

PREFIX = "pf:"  # the buttons' callback data: pf:<held id>:1 to save, pf:<held id>:0 to cancel
MAX_BYTES = 2 * 1024 * 1024
EXAMPLES = 3


@dataclass(frozen=True)
class Upload:
    """A file a person sent; ``content`` None when it was too large to fetch."""

    filename: str
    content: bytes | None


def is_answer(option_id: str) -> bool:
    return option_id.startswith(PREFIX)


def receive(
    repo: Repository, user: User, unit: Unit, current: Round, upload: Upload, now: datetime
) -> list[Reply]:
    if not upload.filename.lower().endswith(".xlsx"):
        return [Reply(texts.UPLOAD_NOT_XLSX)]
    if upload.content is None or len(upload.content) > MAX_BYTES:
        return [Reply(texts.UPLOAD_TOO_LARGE)]
    period = periods.parse(current.period).previous_quarter()
    form = templates.for_round(repo, current)
    try:
        title, rows = appendix_reader.read(upload.content)
    except appendix_reader.SheetError as exc:
        return [Reply(texts.upload_unreadable(str(exc)))]
    read = prefill.read_figures(form, rows, prefill.sheet_codes(rows, form.level, title))
    typed = read.typed(form)
    if not typed:
        return [Reply(texts.upload_unreadable(f"không có số liệu nào của biểu {form.name}."))]
    values = {code: answers.encode(value) for code, value in read.values.items()}
    held = prefills.hold(repo, user.id, unit.id, form.id, period.code, values, now)  # type: ignore[arg-type]
    by_code = form.by_code
    examples = [
        f"{code} {by_code[code].label}: {answers.show(by_code[code], value)}"
        for code, value in list(typed.items())[:EXAMPLES]
    ]
    differ = [
        f"{r.code}: bảng ghi {answers.show(by_code[r.code], r.written)}, "
        f"tính được {answers.show(by_code[r.code], r.computed)}"
        for r in read.ratios_differ
    ]
    skipped = [f"dòng {m.line}: {m.label}" for m in read.unmatched] + [
        f"dòng {u.line} ({u.code}): “{u.typed}”" for u in read.unreadable
    ]
    text = texts.prefill_read(period.label, len(typed), skipped, differ, examples)
    options = (
        Option(f"{PREFIX}{held}:1", texts.PREFILL_SAVE),
        Option(f"{PREFIX}{held}:0", texts.PREFILL_CANCEL),
    )
    return [Reply(text, options)]


def confirm(repo: Repository, user: User, unit: Unit, option_id: str, now: datetime) -> list[Reply]:
    """The officer's "Lưu" or "Huỷ"; a second press of either finds nothing held."""
    held_id, _, answer = option_id.removeprefix(PREFIX).partition(":")
    taken = prefills.take(repo, int(held_id), user.id) if held_id.isdigit() else None  # type: ignore[arg-type]
    if taken is None:
        return [Reply(texts.PREFILL_GONE)]
    row, values = taken
    if answer != "1":
        return [Reply(texts.PREFILL_CANCELLED)]
    period = periods.parse(row.period)
    try:
        round_ = prefills.round_for(repo, row.template, period, now)
        count = prefills.store(repo, unit, round_, values, now)
    except prefills.PrefillRefused as exc:
        return [Reply(str(exc))]
    asked = templates.for_round(repo, round_).by_code
    typed = sum(1 for code in values if code in asked and asked[code].kind.is_asked)
    return [Reply(texts.prefill_saved(typed if count else 0, period.label))]
