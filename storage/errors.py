"""What the repository refuses, in words an admin or officer can act on.

Each refusal is its own class so that callers choose a reply by type, never by parsing text; the
message itself is Vietnamese because the command line and the chat show it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime


class RepositoryError(Exception):
    """A request the data does not allow; nothing has been written for it."""


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
