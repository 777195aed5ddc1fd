"""Every Vietnamese word the spreadsheets print, so the wording is reviewed in one place.

Chat sentences live in flows/texts.py; these are the printed forms' words (titles, headers,
sheet names, states), which follow the paper appendix rather than the conversation.
"""

from __future__ import annotations

from datetime import date, datetime

from flows import periods
from flows.texts import ROMAN, lower_first

# --- the appendix (one unit), as on the seeds' "Phụ lục"
APPENDIX_HEADING = "Phụ lục"
APPENDIX_SHEET = "Phụ lục"
STT = "STT"
INDICATOR = "Chỉ tiêu thống kê"
UNIT = "Đơn vị tính"
VALUE = "Số liệu"
NOTE = "Ghi chú"
RESULTS = "Kết quả thống kê"  # the district forms group Đơn vị tính and Số liệu under it


def period_title(period_code: str) -> str:
    """The period as the printed titles write it: 'QUÝ III NĂM 2024', '6 THÁNG ĐẦU NĂM 2024'."""
    period = periods.parse(period_code)
    if period.kind.startswith("Q"):
        return f"QUÝ {ROMAN[int(period.kind[1])]} NĂM {period.year}"
    if period.kind == "H1":
        return f"6 THÁNG ĐẦU NĂM {period.year}"
    if period.kind == "9M":
        return f"9 THÁNG NĂM {period.year}"
    return f"NĂM {period.year}"


def appendix_title(template_title: str, period_code: str, unit_name: str) -> str:
    return f"{template_title} {period_title(period_code)} CỦA {unit_name.upper()}"


def attached_to(unit_name: str) -> str:
    """The line under the title; number and date are written by hand once the report is signed."""
    return (
        f"(Kèm theo Báo cáo số        /BC-UBND ngày …… tháng …… năm …… "
        f"của UBND {lower_first(unit_name)})"
    )


# --- the compiled workbook (a reviewer's units)
SUMMARY_SHEET = "Tổng hợp"
STATUS_SHEET = "Tình hình nộp"
TOTAL = "Tổng cộng"
SUMMARY_TITLE = "TỔNG HỢP SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH"
STATUS_TITLE = "TÌNH HÌNH NỘP BÁO CÁO CẢI CÁCH HÀNH CHÍNH"
UNIT_SHEET_FALLBACK = "Đơn vị"


def summary_title(period_code: str, top_name: str) -> str:
    return f"{SUMMARY_TITLE} {period_title(period_code)} CỦA CÁC ĐƠN VỊ THUỘC {top_name.upper()}"


def status_title(period_code: str, top_name: str) -> str:
    return f"{STATUS_TITLE} {period_title(period_code)} — {top_name.upper()}"


def as_of_line(as_of: datetime, deadline: date, submitted: int, total: int) -> str:
    return (
        f"Số liệu đến {as_of:%H:%M %d/%m/%Y}; hạn nộp {deadline:%d/%m/%Y}; "
        f"{submitted}/{total} đơn vị đã nộp."
    )


# "Tình hình nộp" columns
UNIT_CODE = "Mã đơn vị"
UNIT_NAME = "Tên đơn vị"
STATE = "Trạng thái"
SUBMITTED_AT = "Thời điểm nộp"
SUBMITTED_BY = "Người nộp"
TIMELINESS = "Thời hạn"
ANSWERED = "Số chỉ tiêu đã nhập"

STATE_NAMES = {
    "not_started": "chưa bắt đầu",
    "draft": "đang nhập",
    "submitted": "đã nộp",
    "returned": "trả lại",
    "approved": "đã duyệt",
}
ON_TIME = "đúng hạn"
LATE = "quá hạn"


def answered(filled: int, skipped: int, total: int) -> str:
    """Answered and skipped apart: a report with eight empty rows is never shown as full."""
    return f"{filled}/{total}, bỏ qua {skipped}" if skipped else f"{filled}/{total}"


# --- printing
PAGE_FOOTER = "Trang &P/&N"  # &P and &N are the page number and count in Excel's header codes

# --- file names (ASCII on purpose: they travel through chat apps and e-mail)
FILE_PREFIX = "CCHC"
COMPILED_FILE_PART = "tong-hop"

# --- invite cards (PDF) and the invite list (xlsx), for onboarding a province
CARD_HEADER = "CCHC Bot · Báo cáo cải cách hành chính"
CARDS_TITLE = "Mã mời đăng ký CCHC Bot"
LIST_SHEET = "Mã mời"
LIST_HEADERS = ("Mã đơn vị", "Tên đơn vị", "Mã mời", "Liên kết Telegram", "Hạn dùng")
ANY_ZALO_BOT = "CCHC Bot của tỉnh"


def card_role(role_name: str) -> str:
    return f"MÃ MỜI {role_name.upper()}"


def card_unit_code(code: str) -> str:
    return f"Mã đơn vị: {code}"


def card_telegram(username: str | None, code: str) -> tuple[str, ...]:
    """With a bot username the card has a QR code of the deep link, and the link spelled out."""
    if username is None:
        return ("Telegram: mở bot CCHC của tỉnh trên Telegram,", f"gõ /start {code}")
    return (
        "Telegram: quét mã QR bằng camera điện thoại,",
        f"hoặc mở t.me/{username}",
        f"rồi gõ /start {code}",
    )


def card_zalo(bot_name: str | None, code: str) -> tuple[str, str]:
    """Zalo links cannot carry the code, so the officer types it: the same code works there."""
    return (
        f"Zalo: mở {bot_name or ANY_ZALO_BOT} trên Zalo, gửi tin nhắn",
        f"/start {code} (hoặc chỉ gửi mã này).",
    )


def card_expiry(expires: str) -> str:
    return f"Mỗi mã dùng một lần, hạn dùng đến {expires}."
