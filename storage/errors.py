"""What the repository refuses, in words an admin or officer can act on.

Each refusal is its own class so that callers choose a reply by type, never by parsing text; the
message itself is Vietnamese because the command line and the chat show it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flows.texts import LEVEL_NAMES  # how a level reads in a sentence ("tinh" → "tỉnh")


class RepositoryError(Exception):
    """A request the data does not allow; nothing has been written for it.

    ``row`` is set by ``Repository.import_units`` to the position, in the rows it was given, of
    the row refused, so that a caller reading a file can name the file's line.
    """

    row: int | None = None


class UnknownUnit(RepositoryError):
    def __init__(self, ref: str | int) -> None:
        self.code = ref if isinstance(ref, str) else None
        if isinstance(ref, str):
            super().__init__(f"Không tìm thấy đơn vị có mã '{ref}'.")
        else:
            super().__init__(f"Không tìm thấy đơn vị số {ref}.")


class UnknownRound(RepositoryError):
    def __init__(self, round_id: int) -> None:
        self.round_id = round_id
        super().__init__(f"Không tìm thấy kỳ báo cáo số {round_id}.")


class UnknownSubmission(RepositoryError):
    def __init__(self, submission_id: int) -> None:
        self.submission_id = submission_id
        super().__init__(f"Không tìm thấy báo cáo số {submission_id}.")


class RoundExists(RepositoryError):
    def __init__(self, template: str, period: str) -> None:
        self.template = template
        self.period = period
        super().__init__(f"Kỳ báo cáo {period} của biểu '{template}' đã được mở trước đó.")


class RoundStillOpen(RepositoryError):
    """An earlier round of the template is still open: officers report on one round at a time."""

    def __init__(self, template: str, open_periods: Sequence[str], *, name_template: bool) -> None:
        self.template = template
        self.open_periods = list(open_periods)
        option = f" --template {template}" if name_template else ""
        listed = ", ".join(self.open_periods)
        closes = "; ".join(f"cchc-bot round close {p}{option}" for p in self.open_periods)
        super().__init__(
            f"Kỳ {listed} của biểu '{template}' vẫn đang mở. "
            f"Hãy đóng kỳ đó trước khi mở kỳ mới: {closes}"
        )


class RoundClosed(RepositoryError):
    def __init__(self, template: str, period: str) -> None:
        self.template = template
        self.period = period
        super().__init__(f"Kỳ báo cáo {period} của biểu '{template}' đã đóng.")


class DeadlineBeforeCutoff(RepositoryError):
    """Officers report once the cut-off window has ended, so a deadline inside it cannot be met."""

    def __init__(self, deadline: date, cutoff_end: date) -> None:
        self.deadline = deadline
        self.cutoff_end = cutoff_end
        super().__init__(
            f"Hạn nộp {deadline:%d/%m/%Y} sớm hơn ngày kết thúc chốt số liệu "
            f"{cutoff_end:%d/%m/%Y}: hạn nộp phải từ ngày {cutoff_end:%d/%m/%Y} trở đi."
        )


class UnitLevelMismatch(RepositoryError):
    """A unit placed under one of the same or a lower level (a commune under a commune)."""

    def __init__(self, code: str, level: str, parent_code: str, parent_level: str) -> None:
        self.code = code
        self.parent_code = parent_code
        allowed = {"xa": "huyện hoặc tỉnh", "huyen": "tỉnh"}.get(level)
        rule = f"{LEVEL_NAMES[level]} chỉ thuộc {allowed}" if allowed else "tỉnh là cấp cao nhất"
        super().__init__(
            f"Không thể đặt {LEVEL_NAMES[level]} '{code}' dưới {LEVEL_NAMES[parent_level]} "
            f"'{parent_code}': {rule}."
        )


class InviteError(RepositoryError):
    """The code cannot bind anyone; the chat tells the user which of the reasons applies."""


class InviteUnknown(InviteError):
    def __init__(self) -> None:
        super().__init__("Mã mời không đúng. Hãy kiểm tra lại mã đã nhận.")


class InviteUsed(InviteError):
    def __init__(self) -> None:
        super().__init__("Mã mời này đã được sử dụng.")


class InviteBlocked(InviteError):
    """Too many wrong codes from this chat account: it must wait until ``until``."""

    def __init__(self, until: datetime, *, just_now: bool = False) -> None:
        self.until = until
        self.just_now = just_now  # this wrong code was the one that reached the limit
        super().__init__("Nhập sai mã mời quá nhiều lần; hãy thử lại sau.")


class InviteExpired(InviteError):
    def __init__(self) -> None:
        super().__init__("Mã mời này đã hết hạn.")


class InvalidChoice(RepositoryError):
    """A level, role, status or platform outside the fixed list; the message lists the list."""

    def __init__(self, what: str, value: str, allowed: Iterable[str]) -> None:
        self.value = value
        super().__init__(f"{what} '{value}' không hợp lệ (chỉ nhận: {', '.join(allowed)}).")


class UnknownTemplate(RepositoryError):
    def __init__(self, template_id: str, available: Iterable[str]) -> None:
        self.template_id = template_id
        names = ", ".join(sorted(available)) or "chưa có"
        super().__init__(
            f"Không có biểu mẫu '{template_id}'. Có: {names} "
            "(xem cchc-bot template list; nhập biểu mới: cchc-bot template import)."
        )
