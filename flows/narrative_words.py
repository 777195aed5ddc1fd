"""Every Vietnamese word the Word draft prints that is not a template's phrase, in one place.

The layout follows Nghị định 30/2020/NĐ-CP (letterhead, Nơi nhận, signature) and the sections
the seeds' reports follow; the bracketed hints are the marked places the officer writes.
"""

from __future__ import annotations

from flows import periods
from flows.texts import LEVEL_NAMES, ROMAN, lower_first

# --- letterhead and title
COMMITTEE = "ỦY BAN NHÂN DÂN"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER = "Số:        /BC-UBND"
REPORT = "BÁO CÁO"
# Unit names as registered ("Xã Sơn Trung"), their level word first: the place name follows.
LEVEL_PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")


def place_name(unit_name: str) -> str:
    """'Xã Sơn Trung' → 'Sơn Trung', the địa danh before the date."""
    for prefix in LEVEL_PREFIXES:
        if unit_name.lower().startswith(prefix.lower() + " "):
            return unit_name[len(prefix) + 1 :].strip()
    return unit_name


def place_date(unit_name: str) -> str:
    """The date is written by hand when the report is signed."""
    return f"{place_name(unit_name)}, ngày …… tháng …… năm ……"


def committee_of(unit_name: str) -> str:
    """'Xã Sơn Trung' → 'UBND xã Sơn Trung', as a sentence names the committee."""
    return f"UBND {lower_first(unit_name)}"


def period_words(period_code: str, *, year_of: int | None = None) -> str:
    """'quý III năm 2024'; a quarter of ``year_of`` is 'quý II' alone, as in 'so với quý II'."""
    period = periods.parse(period_code)
    if period.kind.startswith("Q"):
        quarter = f"quý {ROMAN[int(period.kind[1])]}"
        return quarter if period.year == year_of else f"{quarter} năm {period.year}"
    if period.kind == "H1":
        return f"6 tháng đầu năm {period.year}"
    if period.kind == "9M":
        return f"9 tháng năm {period.year}"
    return f"năm {period.year}"


def next_period_words(period_code: str) -> str:
    """What the tasks ahead are for: the quarter after, the rest of the year, the next year."""
    period = periods.parse(period_code)
    if period.kind == "Q4":
        return f"quý I năm {period.year + 1}"
    if period.kind.startswith("Q"):
        return f"quý {ROMAN[int(period.kind[1]) + 1]} năm {period.year}"
    if period.kind == "H1":
        return f"6 tháng cuối năm {period.year}"
    if period.kind == "9M":
        return f"quý IV năm {period.year}"
    return f"năm {period.year + 1}"


def report_title(period_code: str) -> str:
    return f"Kết quả thực hiện công tác cải cách hành chính {period_words(period_code)}"


def summary_title(period_code: str, level: str, top_name: str) -> str:
    return (
        f"Tổng hợp kết quả thực hiện công tác cải cách hành chính {period_words(period_code)} "
        f"của các {units_word(level)} thuộc {lower_first(top_name)}"
    )


def units_word(level: str) -> str:
    """The reporting units by their level: 'xã', 'huyện'."""
    return LEVEL_NAMES.get(level, "đơn vị")


# --- body
BASIS = "[Căn cứ văn bản chỉ đạo, yêu cầu báo cáo: số, ngày, trích yếu]"


def opening(unit_name: str, period_code: str) -> str:
    return (
        f"; {committee_of(unit_name)} báo cáo kết quả thực hiện công tác cải cách hành chính "
        f"{period_words(period_code)} như sau:"
    )


def summary_opening(top_name: str, level: str, period_code: str) -> str:
    return (
        f"; {committee_of(top_name)} tổng hợp kết quả thực hiện công tác cải cách hành chính "
        f"{period_words(period_code)} của các {units_word(level)} như sau:"
    )


RESULTS = "KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"
SECTION_HINT = (
    "[Bổ sung kết quả nổi bật, văn bản đã ban hành (số, ngày, trích yếu) và cách làm mới "
    "trong lĩnh vực này]"
)
MISSING = "[…]"
NOTE = "Ghi chú: "


def note_on(label: str) -> str:
    return f"Ghi chú về {lower_first(label)}: "


ASSESSMENT = "ĐÁNH GIÁ CHUNG"
ACHIEVED = "Những kết quả tích cực đã đạt được"
ACHIEVED_HINT = "[Những kết quả tích cực, nổi bật đã đạt được trong kỳ]"
SHORTCOMINGS = "Tồn tại, hạn chế và nguyên nhân"
SHORTCOMINGS_HINT = "[Những tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân]"
PROPOSALS = "KIẾN NGHỊ, ĐỀ XUẤT"
PROPOSALS_HINT = "[Kiến nghị, đề xuất với cấp trên (nếu có)]"
DIRECTIONS_HINT = "[Phương hướng, nhiệm vụ trọng tâm kỳ tới]"


def directions(period_code: str) -> str:
    return f"PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM {next_period_words(period_code).upper()}"


ROMAN_PARTS = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}


def part(number: int, heading: str) -> str:
    return f"{ROMAN_PARTS[number]}. {heading}"


def closing(unit_name: str, period_code: str, superior: str | None) -> str:
    to = f", kính báo cáo {superior} theo dõi, chỉ đạo" if superior else ""
    return (
        f"Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính "
        f"{period_words(period_code)} của {committee_of(unit_name)}{to}./."
    )


# --- comparisons with last period
def change(amount: str, unit: str, previous: str, *, up: bool) -> str:
    word = "tăng" if up else "giảm"
    return f", {word} {amount}{' ' + unit if unit else ''} so với {previous}"


def same_as(previous: str) -> str:
    return f", bằng {previous}"


PERCENTAGE_POINTS = "điểm phần trăm"

# --- Nơi nhận and signature
RECIPIENTS = "Nơi nhận:"
KEEP = "- Lưu: VT."
OTHER_RECIPIENTS = "- […];"
ON_BEHALF = "TM. ỦY BAN NHÂN DÂN"
CHAIR = "CHỦ TỊCH"
DEPUTY_SIGNS = "[Phó Chủ tịch ký thay: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH]"
SIGNER = "[Họ và tên người ký]"


def recipient(unit_name: str) -> str:
    return f"- {committee_of(unit_name)};"


def home_affairs(level: str) -> str:
    """The office that follows administrative reform at the superior: Phòng or Sở Nội vụ."""
    return "- Sở Nội vụ;" if level == "tinh" else "- Phòng Nội vụ;"


# --- the reviewer's summary
SUBMISSIONS = "TÌNH HÌNH NỘP BÁO CÁO"


def submitted_count(submitted: int, total: int, level: str, as_of: str, deadline: str) -> str:
    return (
        f"Đến {as_of}, {submitted}/{total} {units_word(level)} đã nộp báo cáo (hạn nộp {deadline})."
    )


def on_time(names: list[str]) -> str:
    return f"Nộp đúng hạn ({len(names)}): {_listed(names)}."


def late(names: list[str]) -> str:
    return f"Nộp quá hạn ({len(names)}): {_listed(names)}."


def missing(names: list[str]) -> str:
    return f"Chưa nộp ({len(names)}): {_listed(names)}."


def _listed(names: list[str]) -> str:
    return "; ".join(names) if names else "không có"


def submitted_on(name: str, day: str) -> str:
    return f"{name} (nộp ngày {day})"


STATE_WORDS = {
    "not_started": "chưa bắt đầu",
    "draft": "đang nhập",
    "returned": "đã trả lại để sửa",
}


def not_submitted(name: str, state: str, filled: int, total: int) -> str:
    words = STATE_WORDS.get(state, state)
    progress = f" {filled}/{total} chỉ tiêu" if state != "not_started" else ""
    return f"{name} ({words}{progress})"


def figures_from(submitted: int, level: str) -> str:
    return (
        f"Số liệu dưới đây tổng hợp từ báo cáo của {submitted} {units_word(level)} đã nộp; "
        "tỷ lệ tính lại từ tổng các số liệu thành phần."
    )


NO_FIGURES = "[Chưa có đơn vị nào nộp báo cáo: chưa có số liệu để tổng hợp.]"


def tally(label: str, counts: list[tuple[str, int]], level: str) -> str:
    parts = "; ".join(f"{lower_first(choice)} {n} {units_word(level)}" for choice, n in counts)
    return f"{label}: {parts}."


UNITS_WROTE = "Các đơn vị ghi:"


def unit_wrote(unit_name: str, label: str, text: str) -> str:
    return f"- {unit_name} ({lower_first(label)}): {text}"


SUMMARY_SECTION_HINT = "[Tổng hợp kết quả nổi bật của các đơn vị trong lĩnh vực này]"
SUMMARY_ACHIEVED_HINT = "[Những kết quả tích cực, nổi bật của các đơn vị trong kỳ]"
SUMMARY_SHORTCOMINGS_HINT = (
    "[Những tồn tại, hạn chế và nguyên nhân; các đơn vị nộp chậm, chưa nộp và lý do]"
)


def summary_closing(top_name: str, period_code: str, superior: str | None) -> str:
    to = f", kính báo cáo {superior} theo dõi, chỉ đạo" if superior else ""
    return (
        f"Trên đây là báo cáo tổng hợp kết quả thực hiện công tác cải cách hành chính "
        f"{period_words(period_code)} của {committee_of(top_name)}{to}./."
    )


# --- the appendix
APPENDIX = "Phụ lục"


def attached_to(unit_name: str) -> str:
    """Number and date are written by hand once the report is signed."""
    return (
        f"(Kèm theo Báo cáo số        /BC-UBND ngày …… tháng …… năm …… "
        f"của {committee_of(unit_name)})"
    )


def appendix_title(template_title: str, period_code: str, unit_name: str) -> str:
    return f"{template_title} {period_words(period_code).upper()} CỦA {unit_name.upper()}"


def summary_appendix_title(period_code: str, level: str, top_name: str) -> str:
    return (
        f"TỔNG HỢP SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH {period_words(period_code).upper()} "
        f"CỦA CÁC {units_word(level).upper()} THUỘC {top_name.upper()}"
    )


HEADERS = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
SUMMARY_VALUE = "Tổng cộng"
RESULTS_GROUP = "Kết quả thống kê"
