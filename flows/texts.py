"""Every sentence an officer or reviewer reads, in one place so wording is reviewed together.

Kept as small functions rather than format strings scattered in the engine: a reviewer of the
Vietnamese can read this file top to bottom without reading code paths.
"""

from __future__ import annotations

from datetime import date, datetime

# --- buttons
START = "Bắt đầu"
CONTINUE = "Tiếp tục"
SKIP = "Bỏ qua"
BACK = "Quay lại"
CONFIRM_SUBMIT = "Xác nhận nộp"
CANCEL = "Hủy"
SUBMIT = "Nộp báo cáo"
REVIEW = "Xem lại"
RETYPE = "Nhập lại"


def keep_previous(value: str) -> str:
    return f"Giữ như kỳ trước: {value}"


def keep_current(value: str) -> str:
    return f"Giữ nguyên: {value}"


def confirm_value(value: str) -> str:
    return f"Đúng, lưu {value}"


# --- registration
LEVEL_NAMES = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}
ROLE_NAMES = {"officer": "cán bộ nhập liệu", "reviewer": "người duyệt", "admin": "quản trị"}


def registered(unit_name: str, role: str) -> str:
    return f"✓ Đã đăng ký: {ROLE_NAMES.get(role, role)} của {unit_name}."


NOT_REGISTERED = (
    "Anh/chị chưa được đăng ký. Hãy xin mã mời từ Phòng Nội vụ (hoặc người quản trị) rồi gõ\n"
    "/start MÃ-MỜI\nví dụ: /start CCHC-7KQ2XH"
)
INVITE_UNKNOWN = "✗ Mã mời không đúng. Kiểm tra lại mã (ví dụ CCHC-7KQ2XH) hoặc xin mã mới."
INVITE_USED = "✗ Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; hãy xin mã mới."
INVITE_EXPIRED = "✗ Mã mời đã hết hạn. Hãy xin mã mới từ Phòng Nội vụ."


def revoked(unit_name: str, role: str, on: str) -> str:
    """Someone whose role an admin ended (a lost phone, an officer who left) writes again."""
    return (
        f"Quyền {ROLE_NAMES.get(role, role)} của anh/chị ở {unit_name} đã được thu hồi ngày "
        f"{on}, nên bot không nhận tin nhắn này. Số liệu anh/chị đã nhập vẫn được giữ nguyên.\n"
        "Nếu anh/chị vẫn phụ trách đơn vị, hãy xin mã mời mới từ Phòng Nội vụ (hoặc người "
        "quản trị) rồi gõ /start MÃ-MỜI."
    )


def invite_paused(until: str, *, just_now: bool) -> str:
    """After too many wrong codes from one account (see storage/repository)."""
    head = "✗ Mã mời không đúng. " if just_now else ""
    return (
        f"{head}Tài khoản này đã nhập sai mã mời nhiều lần nên tạm thời bị khóa nhập mã đến "
        f"{until}, để bảo vệ mã của các đơn vị. Hãy kiểm tra lại mã trên giấy mời rồi thử lại "
        "sau thời gian đó."
    )


NO_OPEN_ROUND = (
    "Hiện chưa có kỳ báo cáo nào đang mở cho đơn vị của anh/chị. Bot sẽ báo khi có kỳ mới."
)
REVIEWER_HELP = (
    "Lệnh dành cho người duyệt:\n"
    "/tinhhinh — tình hình nộp báo cáo của các đơn vị\n"
    "/tralai <mã đơn vị> <lý do> — trả lại báo cáo để đơn vị sửa\n"
    "/duyet <mã đơn vị> — duyệt báo cáo (đơn vị không sửa được nữa)\n"
    "/xuat — tải bảng tổng hợp (Excel) của kỳ đang mở; /xuat 2024-Q3 cho một kỳ khác; "
    "/xuat <mã đơn vị> cho phụ lục của một đơn vị\n"
    "/nhac — nhắc ngay các đơn vị chưa nộp\n"
    "/duthao — tải dự thảo báo cáo tổng hợp (Word) của kỳ đang mở; /duthao 2024-Q3 cho một kỳ "
    "khác; /duthao <mã đơn vị> cho dự thảo của một đơn vị\n"
    "/web — nhận liên kết đăng nhập trang quản lý trên máy tính\n"
    "/trogiup — xem hướng dẫn này"
)
SORRY = (
    "Xin lỗi, bot gặp lỗi khi trả lời. Số liệu đã lưu không bị mất; anh/chị thử lại sau ít phút."
)


# --- report intro and status
def day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def moment(dt: datetime) -> str:
    return dt.strftime("%H:%M %d/%m/%Y")


def time_left(deadline: date, today: date) -> str:
    days = (deadline - today).days
    if days > 1:
        return f"còn {days} ngày"
    if days == 1:
        return "còn 1 ngày"
    if days == 0:
        return "hạn là hôm nay"
    return f"đã quá hạn {-days} ngày"


def progress(filled: int, skipped: int, total: int) -> str:
    """Answered and skipped apart: "đủ 53/53" must never be said when eight are empty."""
    text = f"Đã trả lời {filled}/{total} câu"
    return f"{text}, bỏ qua {skipped}" if skipped else text


def intro(
    unit: str,
    period: str,
    deadline: date,
    today: date | None,
    filled: int,
    skipped: int,
    total: int,
) -> str:
    left = f" ({time_left(deadline, today)})" if today else ""
    return (
        f"{unit} — báo cáo CCHC {period}\n"
        f"Hạn nộp {day(deadline)}{left}. {progress(filled, skipped, total)}."
    )


def returned(note: str | None) -> str:
    reason = f" Lý do: {note}" if note else ""
    return f"↩ Báo cáo đã bị trả lại để sửa.{reason}"


def locked(status: str, at: datetime | None, reviewer: str | None = None) -> str:
    if status == "approved":
        return "Báo cáo đã được duyệt, không sửa được nữa."
    when = f" lúc {moment(at)}" if at else ""
    return (
        f"Báo cáo đã nộp{when}. Muốn sửa, hãy đề nghị {reviewer or 'người duyệt'} trả lại báo "
        "cáo.\nGõ /xem để xem lại số liệu đã nộp."
    )


def reviewer_of(unit: str, names: list[str]) -> str:
    """Who returns a report: "người duyệt của Huyện Sơn Hà (Nguyễn Văn Chi)"."""
    people = f" ({', '.join(names)})" if names else ""
    return f"người duyệt của {unit}{people}"


# --- questions
def question_header(index: int, total: int, section: str) -> str:
    return f"Câu {index}/{total} · {section}"


def previous_line(value: str) -> str:
    return f"Kỳ trước: {value}"


def current_line(value: str) -> str:
    return f"Hiện tại: {value}"


def note_line(note: str) -> str:
    return f"Ghi chú: {note}"


SKIPPED = "(bỏ qua)"
MISSING = "— chưa nhập"
EMPTY_RATIO = "để trống (mẫu số bằng 0)"

INPUT_HINTS = {
    "count": "Nhập số nguyên, ví dụ 8.803 hoặc 0.",
    "amount": "Nhập số tiền, ví dụ 4.318,9.",
    "ratio_entered": "Nhập tỷ lệ % từ 0 đến 100, ví dụ 99,37.",
    "choice": "Chọn một mã bên dưới.",
    "text": "Nhập nội dung ngắn.",
}


# --- answers
def saved(code: str, value: str) -> str:
    """Names the indicator, so a confirmation can never be read as belonging to another one."""
    return f"✓ Đã lưu {code}: {value}"


SKIP_SAVED = "✓ Đã bỏ qua (để trống)."


def ratio_announced(code: str, label: str, value: str) -> str:
    return f"→ {code} {label}: {value}"


def ratio_empty(code: str, label: str) -> str:
    return f"→ {code} {label}: để trống (mẫu số bằng 0)"


# Invalid numbers: say what to type, with an example of the kind asked.
EXAMPLES = {
    "count": "1.234 hoặc 0",
    "amount": "4.318,9 hoặc 0",
    "ratio_entered": "99,37",
}


def not_a_number(kind: str) -> str:
    example = EXAMPLES.get(kind, "1.234")
    return f"✗ Chưa hiểu số liệu này. Hãy nhập một số, ví dụ {example}."


EMPTY_ANSWER = "✗ Chưa có số liệu. Hãy nhập một số, hoặc chọn Bỏ qua."
NEGATIVE = "✗ Số liệu không được âm. Hãy nhập số từ 0 trở lên."
TOO_LARGE = "✗ Số quá lớn, có lẽ gõ nhầm. Kiểm tra lại và nhập lại."
TOO_PRECISE = "✗ Quá nhiều chữ số thập phân. Nhập tối đa 6 chữ số sau dấu phẩy."


def not_whole(unit: str) -> str:
    unit_text = lower_first(unit) if unit else "số lượng"
    return (
        f"✗ Số {unit_text} phải là số nguyên. Dấu phẩy là dấu thập phân: "
        "một nghìn hai trăm ba mươi tư viết là 1.234 hoặc 1234."
    )


def ratio_out_of_range(value: str) -> str:
    return f"✗ Tỷ lệ phải từ 0 đến 100 (anh/chị nhập {value}). Nhập lại, ví dụ 99,37."


BAD_CHOICE = "✗ Chưa đúng mã. Chọn một trong các mã dưới đây."


TEXT_TOO_LONG = "✗ Nội dung quá dài (tối đa 1.000 ký tự). Hãy viết ngắn gọn hơn."


# --- what is refused at the door, before anything is read (flows/safe_text)
def control_character(code_point: str) -> str:
    return (
        f"✗ Tin nhắn có ký tự điều khiển không nhìn thấy được ({code_point}), thường do dán "
        "từ một tệp khác. Chưa lưu gì; hãy gõ lại bằng bàn phím."
    )


BLANK_MESSAGE = "✗ Tin nhắn không có chữ hay số nào nhìn thấy được. Chưa lưu gì; hãy gõ lại."


# --- a late message put back in its place (flows/reorder)
def reordered(lines: list[str]) -> str:
    head = (
        "↻ Một thao tác của anh/chị đến bot chậm hơn tin nhắn gửi sau nó. Bot đã xếp lại "
        "đúng thứ tự gửi"
    )
    if not lines:
        return f"{head}; số liệu không thay đổi."
    return f"{head}; số liệu bây giờ là:\n" + "\n".join(lines)


def reordered_line(code: str, label: str, shown: str) -> str:
    short = label if len(label) <= 50 else label[:49].rstrip() + "…"
    return f"• {code} {short}: {shown}"


def late_text(typed: str) -> str:
    shown = typed if len(typed) <= 40 else typed[:39] + "…"
    return (
        f"✗ Tin nhắn «{shown}» đến bot quá muộn, sau những thao tác gửi sau nó, nên chưa được "
        "lưu để khỏi ghi nhầm chỉ tiêu. Nếu cần, hãy gõ lại cho câu đang hỏi."
    )


def ambiguous(readings: list[tuple[str, str]]) -> str:
    """Each reading spelled out; the buttons (or numbered lines) below only name them."""
    lines = [f"• {shown}: {words}" for shown, words in readings]
    return "\n".join(
        ["Số vừa nhập có thể hiểu theo hai cách:", *lines, "Anh/chị muốn nhập số nào?"]
    )


def did_you_mean(shown: str, words: str) -> str:
    return f"Có phải anh/chị muốn nhập {shown} ({words})?"


# Hard rules: name both figures.
def not_above(part: str, part_value: str, whole: str, whole_value: str) -> str:
    return (
        f"✗ {part} ({part_value}) không thể lớn hơn {lower_first(whole)} ({whole_value}). Nhập lại."
    )


def not_below(whole: str, whole_value: str, part: str, part_value: str) -> str:
    return (
        f"✗ {whole} ({whole_value}) không thể nhỏ hơn {lower_first(part)} ({part_value}) "
        "đã nhập. Nhập lại."
    )


def sum_mismatch(total: str, total_value: str, parts: str, parts_sum: str) -> str:
    return (
        f"✗ Các dòng chi tiết ({parts} = {parts_sum}) phải cộng lại bằng "
        f"{lower_first(total)} ({total_value}). Nhập lại."
    )


def not_relevant(code: str, condition: str) -> str:
    return f"{code} chỉ hỏi khi {condition}; với số liệu hiện tại, không cần nhập."


def not_for_level(code: str) -> str:
    return f"{code} không áp dụng cho cấp của đơn vị mình: dòng này để trống trong phụ lục."


def group_not_asked(code: str) -> str:
    return f"Nhóm {code} hiện không có câu nào cần nhập."


def parts_exceed(whole: str, whole_value: str, parts: str, parts_sum: str) -> str:
    return (
        f"✗ Các dòng chi tiết ({parts} = {parts_sum}) không thể lớn hơn {lower_first(whole)} "
        f"({whole_value}). Nhập lại."
    )


def sum_exceeded(total: str, total_value: str, parts: str, parts_sum: str) -> str:
    return (
        f"✗ Các dòng chi tiết ({parts} = {parts_sum}) đã vượt {lower_first(total)} "
        f"({total_value}). Nhập lại."
    )


def far_from_previous(value: str, previous: str) -> str:
    return f"⚠ {value} khác xa kỳ trước ({previous}). Số liệu này có đúng không?"


def above_usual(part: str, part_value: str, whole: str, whole_value: str) -> str:
    return (
        f"⚠ {part} ({part_value}) lớn hơn {lower_first(whole)} ({whole_value}). Việc này có "
        "thể xảy ra; số liệu có đúng không?"
    )


# --- navigation and commands
FIRST_QUESTION = "Đây là câu đầu tiên."
STALE_CHOICE = "Nút này thuộc câu hỏi cũ. Câu đang nhập:"


def unknown_code(code: str) -> str:
    return f"✗ Không có chỉ tiêu “{code}”. Gõ /xem để xem danh sách mã, rồi /sua <mã>."


SUA_USAGE = "Gõ /sua kèm mã chỉ tiêu, ví dụ: /sua III.2.3"


def computed_not_asked(code: str, label: str, parts: str) -> str:
    return f"{code} {label} được tính tự động từ {parts}. Hãy sửa các số liệu đó:"


GHICHU_USAGE = (
    "Gõ /ghichu kèm nội dung để ghi chú cho câu vừa trả lời (hoặc câu đang hỏi), ví dụ: "
    "/ghichu VHXH, TP-HT. Ghi cho một chỉ tiêu khác: /ghichu III.2.3 nội dung. "
    "Xóa ghi chú: /ghichu - (hoặc /ghichu III.2.3 -)."
)
GHICHU_NO_QUESTION = "Chưa có câu đang nhập. Gõ /ghichu <mã> <nội dung>, ví dụ /ghichu III.2.3 …"


def note_saved(code: str, label: str, note: str) -> str:
    return f"✓ Đã ghi chú cho {code} {label}: {note}"


def no_note(code: str, label: str) -> str:
    return f"{code} {label} chưa có ghi chú nào để xóa."


def note_on_group(code: str) -> str:
    return (
        f"✗ {code} là tên nhóm, không có số liệu để ghi chú. Hãy ghi cho một chỉ tiêu trong nhóm."
    )


def note_too_long(length: int, limit: int) -> str:
    def grouped(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    return (
        f"✗ Ghi chú dài {grouped(length)} ký tự, quá giới hạn {grouped(limit)} ký tự nên chưa "
        "được lưu. Hãy viết ngắn gọn hơn rồi gửi lại /ghichu …"
    )


def note_removed(code: str, label: str) -> str:
    return f"✓ Đã xóa ghi chú của {code} {label}."


def all_answered(filled: int, skipped: int, total: int) -> str:
    if skipped:
        head = f"✓ Đã đi hết {total} câu: trả lời {filled}, bỏ qua {skipped}."
    else:
        head = f"✓ Đã trả lời đủ {total}/{total} câu."
    return f"{head} Gõ /xem để rà soát, /nop để nộp báo cáo."


def review_section(label: str, answered: int, total: int) -> str:
    return f"【{label}】 {answered}/{total}"


def review_header(unit: str, period: str, filled: int, skipped: int, total: int) -> str:
    return f"{unit} · {period}\n{progress(filled, skipped, total)}."


def review_missing(codes: list[str]) -> str:
    shown = ", ".join(codes[:15]) + (" …" if len(codes) > 15 else "")
    return f"Còn {len(codes)} câu chưa nhập: {shown}. Gõ /sua <mã> để nhập."


REVIEW_COMPLETE = "✓ Không còn câu nào chưa nhập."
REVIEW_FOOTER = "Gõ /sua <mã> để sửa một chỉ tiêu, /xem <mục> để xem một mục (ví dụ /xem III)."
RATIO_INCOMPLETE = "chưa đủ số liệu"
NOT_ASKED = "không áp dụng cho cấp xã"


def review_unknown_section(code: str, sections: str) -> str:
    return f"✗ Không có mục “{code}”. Các mục: {sections}."


def submit_question(
    period: str,
    unit: str,
    filled: int,
    skipped: int,
    total: int,
    missing: list[str],
    reviewer: str | None = None,
) -> str:
    text = f"Nộp báo cáo {period} của {unit}? {progress(filled, skipped, total)}."
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        text += f"\nCòn {len(missing)} câu chưa nhập sẽ để trống: {shown}"
    return text + f"\nSau khi nộp, muốn sửa phải đề nghị {reviewer or 'người duyệt'} trả lại."


def submitted(period: str, at: datetime) -> str:
    return f"✓ Đã nộp báo cáo {period} lúc {moment(at)}. Cảm ơn anh/chị!"


SUBMIT_CANCELLED = "Chưa nộp. Anh/chị có thể tiếp tục sửa số liệu."
APPENDIX_CAPTION = "📎 Phụ lục thống kê số liệu CCHC của đơn vị (tệp Excel)."
COMPILED_CAPTION = "📎 Bảng tổng hợp số liệu CCHC các đơn vị (tệp Excel)."
DRAFT_CAPTION = (
    "📝 Dự thảo báo cáo CCHC (tệp Word), viết từ số liệu đã nhập. Anh/chị viết thêm vào các "
    "chỗ tô vàng […] (kết quả nổi bật, tồn tại, kiến nghị, nhiệm vụ kỳ tới) rồi trình ký."
)
SUMMARY_DRAFT_CAPTION = (
    "📝 Dự thảo báo cáo tổng hợp CCHC (tệp Word): đơn vị nộp đúng hạn, quá hạn, chưa nộp; số "
    "liệu cộng từ các báo cáo đã nộp. Các chỗ tô vàng […] để anh/chị viết."
)

HELP = (
    "Các lệnh:\n"
    "/baocao — bắt đầu hoặc tiếp tục nhập báo cáo\n"
    "/xem — xem lại số liệu theo từng mục và những câu còn thiếu (/xem III để xem một mục)\n"
    "/sua <mã> — chuyển đến một chỉ tiêu, ví dụ /sua III.2.3\n"
    "/ghichu <nội dung> — ghi chú cho câu vừa trả lời; /ghichu III.2.3 <nội dung> cho một "
    "chỉ tiêu; /ghichu - để xóa\n"
    "/nop — nộp báo cáo (có bước xác nhận)\n"
    "/xuat — nhận phụ lục số liệu (tệp Excel)\n"
    "/duthao — nhận dự thảo báo cáo (tệp Word) viết từ số liệu đã nhập\n"
    "/trogiup — xem hướng dẫn này\n"
    "Khi trả lời: gõ số theo kiểu Việt Nam (8.803; 99,37), hoặc chọn "
    "Bỏ qua / Quay lại / Giữ như kỳ trước."
)


def unknown_command(name: str) -> str:
    return f"Không có lệnh /{name}. Gõ /trogiup để xem các lệnh."


# --- text-only chats (console, Zalo)
def typed_options(labels: list[str], *, alternative: bool) -> str:
    return ("Hoặc gõ: " if alternative else "Gõ: ") + " · ".join(labels)


# --- helpers
def lower_first(label: str) -> str:
    """Lower-case a label's first letter inside a sentence, but never an acronym (TTHC, PAKN)."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


# --- periods
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_label(year: int, quarter: int) -> str:
    return f"Quý {ROMAN[quarter]}/{year}"


def half_label(year: int) -> str:
    return f"6 tháng đầu năm {year}"


def nine_months_label(year: int) -> str:
    return f"9 tháng năm {year}"


def year_label(year: int) -> str:
    return f"năm {year}"


# --- console
CONSOLE_BYE = "Tạm biệt. Số liệu đã được lưu; chạy lại để tiếp tục."


def demo_welcome(unit: str, user: str) -> str:
    return (
        "══ CCHC Bot — bản chạy thử (console) ══\n"
        f"Anh/chị đang đăng nhập là “{user}”, cán bộ CCHC của {unit}.\n"
        "Gõ số liệu rồi Enter để trả lời từng câu, theo kiểu Việt Nam: 8.803 hoặc 99,37.\n"
        "Gõ “bỏ qua”, “quay lại”, hoặc số của lựa chọn. Lệnh: /xem, /sua III.2.3, /ghichu …, "
        "/nop, /trogiup. Gõ /thoat để thoát (số liệu đã lưu, lần sau chạy lại sẽ tiếp tục)."
    )


# --- reviewers -------------------------------------------------------------------------------
STATE_NOT_STARTED = "chưa bắt đầu"


def state_in_progress(filled: int, skipped: int, total: int) -> str:
    return f"đang nhập {filled}/{total}" + (f", bỏ qua {skipped}" if skipped else "")


def state_submitted(at: datetime | None, late: bool) -> str:
    when = f" lúc {moment(at)}" if at else ""
    return f"đã nộp{when}" + (" (quá hạn)" if late else "")


def state_returned(filled: int, skipped: int, total: int) -> str:
    return f"trả lại, đang sửa {filled}/{total}" + (f", bỏ qua {skipped}" if skipped else "")


STATE_APPROVED = "đã duyệt"


def overview_header(period: str, unit: str, deadline: date, today: date) -> str:
    left = time_left(deadline, today)
    return f"Tình hình nộp báo cáo {period} — {unit}\nHạn nộp {day(deadline)} ({left})."


def overview_counts(submitted: int, total: int, approved: int, returned: int, started: int) -> str:
    return (
        f"Đã nộp {submitted}/{total} · đã duyệt {approved} · trả lại {returned} · "
        f"đang nhập {started} · chưa bắt đầu {total - submitted - returned - started}"
    )


def overview_line(code: str, name: str, state: str) -> str:
    return f"• {code} {name}: {state}"


OVERVIEW_FOOTER = "Gõ /tralai <mã> <lý do> để trả lại, /duyet <mã> để duyệt."
NO_ROUND_FOR_REVIEW = "Hiện không có kỳ báo cáo nào đang mở cho các đơn vị anh/chị phụ trách."


def no_round_for_period(period: str) -> str:
    return f"✗ Không có kỳ báo cáo {period} cho các đơn vị anh/chị phụ trách."


def file_saved(path: str) -> str:
    return f"📎 Đã lưu tệp: {path}"


TRALAI_USAGE = "Gõ /tralai <mã đơn vị> <lý do>, ví dụ: /tralai SONTRUNG Số hồ sơ III.2.2 chưa khớp"
DUYET_USAGE = "Gõ /duyet <mã đơn vị>, ví dụ: /duyet SONTRUNG"


def unit_out_of_scope(code: str) -> str:
    return f"✗ Không có đơn vị “{code}” trong phạm vi anh/chị phụ trách. Gõ /tinhhinh để xem mã."


def not_submitted_yet(unit: str) -> str:
    return f"✗ {unit} chưa nộp báo cáo, chưa thể trả lại hay duyệt."


def already_approved(unit: str) -> str:
    return f"✗ Báo cáo của {unit} đã được duyệt, không trả lại được."


def returned_done(period: str, unit: str, reason: str) -> str:
    return f"↩ Đã trả lại báo cáo {period} của {unit}. Lý do: {reason}"


def approved_done(period: str, unit: str) -> str:
    return f"✓ Đã duyệt báo cáo {period} của {unit}."


def notice_returned(period: str, unit: str, reason: str) -> str:
    return (
        f"↩ Báo cáo {period} của {unit} đã bị trả lại để sửa. Lý do: {reason}\n"
        "Gõ /baocao để sửa, rồi /nop để nộp lại."
    )


def notice_approved(period: str, unit: str) -> str:
    return f"✓ Báo cáo {period} của {unit} đã được duyệt. Cảm ơn anh/chị!"


def notice_submitted(unit: str, code: str, period: str, at: datetime, late: bool) -> str:
    timing = "quá hạn" if late else "đúng hạn"
    return (
        f"📥 {unit} đã nộp báo cáo {period} lúc {moment(at)} ({timing}).\n"
        f"Gõ /tinhhinh để xem tình hình, /duyet {code} để duyệt "
        f"hoặc /tralai {code} <lý do> để trả lại."
    )


# --- chat menus (Telegram's command list) ----------------------------------------------------
OFFICER_COMMANDS = (
    ("baocao", "Bắt đầu hoặc tiếp tục nhập báo cáo"),
    ("xem", "Xem lại số liệu và câu còn thiếu"),
    ("sua", "Sửa một chỉ tiêu, ví dụ /sua III.2.3"),
    ("ghichu", "Ghi chú cho câu đang nhập"),
    ("nop", "Nộp báo cáo"),
    ("xuat", "Nhận phụ lục số liệu (Excel)"),
    ("duthao", "Nhận dự thảo báo cáo (Word)"),
    ("trogiup", "Hướng dẫn"),
)
REVIEWER_COMMANDS = (
    ("tinhhinh", "Tình hình nộp báo cáo của các đơn vị"),
    ("tralai", "Trả lại báo cáo: /tralai <mã> <lý do>"),
    ("duyet", "Duyệt báo cáo: /duyet <mã>"),
    ("xuat", "Tải bảng tổng hợp, hoặc /xuat <mã> cho một đơn vị"),
    ("nhac", "Nhắc ngay các đơn vị chưa nộp"),
    ("duthao", "Tải dự thảo báo cáo tổng hợp (Word)"),
    ("trogiup", "Hướng dẫn"),
)


# --- reminders -------------------------------------------------------------------------------
def remind_open(period: str, unit: str, deadline: date, today: date) -> str:
    return (
        f"📣 Đã mở kỳ báo cáo CCHC {period} cho {unit}. "
        f"Hạn nộp {day(deadline)} ({time_left(deadline, today)})."
    )


def remind_due(
    period: str, unit: str, deadline: date, today: date, filled: int, skipped: int, total: int
) -> str:
    return (
        f"⏰ Nhắc nộp báo cáo CCHC {period} của {unit}: hạn nộp {day(deadline)} "
        f"({time_left(deadline, today)}). {progress(filled, skipped, total)}."
    )


def remind_returned(period: str, unit: str, deadline: date, today: date) -> str:
    return (
        f"⏰ Báo cáo {period} của {unit} đã bị trả lại và chưa được nộp lại "
        f"(hạn {day(deadline)}, {time_left(deadline, today)}). Gõ /baocao để sửa rồi /nop."
    )


def remind_digest(period: str, deadline: date, today: date, lines: list[str]) -> str:
    return "\n".join(
        [
            f"📋 Đơn vị chưa nộp báo cáo {period} (hạn {day(deadline)}, "
            f"{time_left(deadline, today)}): {len(lines)}",
            *lines,
            "Gõ /nhac để nhắc các đơn vị này ngay.",
        ]
    )


def reminded_now(people: int, units: int) -> str:
    return f"✓ Đã nhắc {people} cán bộ của {units} đơn vị chưa nộp."


NOTHING_TO_REMIND = "Tất cả đơn vị đã nộp báo cáo; không cần nhắc."
ALREADY_REMINDED = "Anh/chị vừa nhắc các đơn vị này trong giờ này; mỗi giờ chỉ nhắc một lần."


# --- Zalo and download links -------------------------------------------------------------------
ZALO_TEXT_ONLY = (
    "Bot chỉ đọc được tin nhắn chữ. Hãy gõ số liệu hoặc lệnh, ví dụ /baocao hoặc /trogiup."
)


def download_link(url: str, hours: float) -> str:
    lifetime = f"{hours:g} giờ".replace(".", ",")
    return f"📎 Tải tệp tại: {url}\n(Liên kết dành riêng cho anh/chị, dùng được trong {lifetime}.)"


DOWNLOADS_OFF = (
    "Bot chưa được cấu hình để gửi tệp qua Zalo. Hãy nhờ quản trị viên đặt PUBLIC_BASE_URL, "
    "hoặc tải tệp qua Telegram."
)
DOWNLOAD_EXPIRED = "Liên kết tải tệp đã hết hạn. Gõ /xuat trong Zalo để nhận liên kết mới."
DOWNLOAD_FORGED = "Liên kết tải tệp không hợp lệ. Gõ /xuat trong Zalo để nhận liên kết đúng."
DOWNLOAD_FAILED = "Không tạo được tệp lúc này. Anh/chị thử lại sau ít phút."
DOWNLOAD_NOT_ALLOWED = (
    "Tài khoản nhận liên kết này không còn quyền xem tệp (vai trò đã thay đổi hoặc bị thu "
    "hồi). Hãy liên hệ Phòng Nội vụ."
)


# --- last period's appendix sent as a file (Telegram) ------------------------------------------
UPLOAD_NOT_XLSX = (
    "Bot chỉ đọc được phụ lục dạng Excel (.xlsx). Anh/chị lưu tệp dưới dạng .xlsx rồi gửi lại."
)
UPLOAD_TOO_LARGE = "Tệp quá lớn (tối đa 2 MB); một phụ lục thường chỉ vài chục KB."
UPLOAD_FAILED = "Không tải được tệp từ Telegram lúc này. Anh/chị gửi lại sau ít phút."
UPLOAD_OFFICERS_ONLY = "Chỉ cán bộ nhập liệu gửi phụ lục kỳ trước để bot đọc số liệu."
PREFILL_SAVE = "Lưu làm số liệu kỳ trước"
PREFILL_CANCEL = "Huỷ"
PREFILL_GONE = "Số liệu của tệp này đã được lưu hoặc huỷ rồi."
PREFILL_CANCELLED = "Đã huỷ, không lưu gì."
PREFILL_NOT_A_CHOICE = "không phải mã lựa chọn của dòng này"
PREFILL_UNCLEAR = "không rõ là số nào (ghi rõ, ví dụ 1.234 hoặc 99,37)"


def upload_unreadable(why: str) -> str:
    return f"Không đọc được tệp này: {why}"


def upload_no_figures(form_name: str) -> str:
    return upload_unreadable(f"không có số liệu nào của biểu {form_name}.")


def prefill_example(code: str, label: str, value: str) -> str:
    return f"{code} {label}: {value}"


def prefill_ratio_differs(code: str, written: str, computed: str) -> str:
    return f"{code}: bảng ghi {written}, tính được {computed}"


def prefill_unmatched(line: int, label: str) -> str:
    return f"dòng {line}: {label}"


def prefill_unreadable(line: int, code: str, typed: str) -> str:
    return f"dòng {line} ({code}): “{typed}”"


def prefill_read(
    period_label: str, count: int, skipped: list[str], differ: list[str], examples: list[str]
) -> str:
    """What the bot read from the officer's file, short enough for a phone, before "Lưu"."""
    lines = [f"📄 Đọc được {count} chỉ tiêu của phụ lục {period_label}, ví dụ:"]
    lines += [f"• {e}" for e in examples]
    if differ:
        lines.append("Tỷ lệ bảng ghi khác với tỷ lệ tính từ số liệu (bot lưu tỷ lệ tính được):")
        lines += [f"• {d}" for d in differ]
    if skipped:
        lines.append(f"Không lưu {len(skipped)} dòng không khớp hoặc không đọc được:")
        lines += [f"• {s}" for s in skipped[:5]]
        if len(skipped) > 5:
            lines.append(f"• … và {len(skipped) - 5} dòng khác")
    lines.append("Lưu các số liệu này làm số liệu kỳ trước?")
    return "\n".join(lines)


def prefill_saved(count: int, period_label: str) -> str:
    return (
        f"✓ Đã lưu {count} chỉ tiêu làm số liệu {period_label}. "
        "Từ nay các câu hỏi có “Kỳ trước” để so sánh."
    )


# --- the web console's sign-in, from the chat
WEB_NOT_SERVED = (
    "Trang quản lý trên web chưa được bật cho hệ thống này (cần đặt PUBLIC_BASE_URL). "
    "Anh/chị vẫn dùng được các lệnh trong chat: /tinhhinh, /xuat, /nhac."
)
WEB_REVIEWERS_ONLY = (
    "Trang quản lý trên web dành cho cán bộ theo dõi và quản trị. Anh/chị nhập báo cáo ngay "
    "trong chat này: /baocao."
)


def web_sign_in(link: str) -> str:
    return (
        "Liên kết đăng nhập trang quản lý (dùng một lần, trong 10 phút, chỉ cho anh/chị; "
        f"đừng chuyển cho người khác):\n{link}"
    )
