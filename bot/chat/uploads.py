"""An officer sends last period's hand-made appendix as a file; the bot reads it and asks first.

The same reading as `cchc-bot prefill` (flows/prefill) and the same rule for storing it
(storage/prefills): the figures are held until the officer presses "Lưu", and a report that
already has figures is never overwritten. The file is the period before the round the officer
is working on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from exports import appendix_reader
from flows import answers, periods, prefill, texts
from flows.engine import Option, Reply
from flows.template_inference import SheetRow
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


@dataclass(frozen=True)
class Sheet:
    """The file read, before the transaction that handles it: reading a workbook takes tens
    of milliseconds, which the person's lock and the database need not wait for."""

    rows: list[SheetRow] = field(default_factory=list)
    codes: dict[int, str] = field(default_factory=dict)
    problem: str | None = None  # why it cannot be read, said to the officer


def read(upload: Upload) -> Sheet:
    if not upload.filename.lower().endswith(".xlsx"):
        return Sheet(problem=texts.UPLOAD_NOT_XLSX)
    if upload.content is None or len(upload.content) > MAX_BYTES:
        return Sheet(problem=texts.UPLOAD_TOO_LARGE)
    try:
        title, rows = appendix_reader.read(upload.content)
    except appendix_reader.SheetError as exc:
        return Sheet(problem=texts.upload_unreadable(str(exc)))
    return Sheet(rows, prefill.sheet_codes(rows, title))


def is_answer(option_id: str) -> bool:
    return option_id.startswith(PREFIX)


def receive(
    repo: Repository, user: User, unit: Unit, current: Round, sheet: Sheet, now: datetime
) -> list[Reply]:
    if sheet.problem is not None:
        return [Reply(sheet.problem)]
    period = periods.parse(current.period).previous_quarter()
    form = templates.for_round(repo, current)
    read = prefill.read_figures(form, sheet.rows, sheet.codes)
    typed = read.typed(form)
    if not typed:
        return [Reply(texts.upload_no_figures(form.name))]
    values = {code: answers.encode(value) for code, value in read.values.items()}
    held = prefills.hold(repo, user.id, unit.id, form.id, period.code, values, now)  # type: ignore[arg-type]
    by_code = form.by_code
    examples = [
        texts.prefill_example(code, by_code[code].label, answers.show(by_code[code], value))
        for code, value in list(typed.items())[:EXAMPLES]
    ]
    differ = [
        texts.prefill_ratio_differs(
            r.code,
            answers.show(by_code[r.code], r.written),
            answers.show(by_code[r.code], r.computed),
        )
        for r in read.ratios_differ
    ]
    skipped = [texts.prefill_unmatched(m.line, m.label) for m in read.unmatched] + [
        texts.prefill_unreadable(u.line, u.code, u.typed) for u in read.unreadable
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
        prefills.store(repo, unit, round_, values, now)
    except prefills.PrefillRefused as exc:
        return [Reply(str(exc))]
    by_code = templates.for_round(repo, round_).by_code
    typed = sum(1 for code in values if code in by_code and by_code[code].kind.is_asked)
    return [Reply(texts.prefill_saved(typed, period.label))]
