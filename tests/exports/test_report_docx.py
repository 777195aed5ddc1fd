"""The Word draft of seed 000 (Xã Sơn Trung, Quý III/2024), read back with python-docx."""

from __future__ import annotations

import io

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from son_trung_draft import XA, son_trung_draft

from bot.transports.console.demo import SON_TRUNG_2024_Q3, seed_values
from exports.data import Stored
from exports.draft_data import Previous

SECTION_HEADINGS = [
    "I. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
    *(f"{n}. {s.label}" for n, s in enumerate(XA.sections, 1)),
    "II. ĐÁNH GIÁ CHUNG",
    "III. KIẾN NGHỊ, ĐỀ XUẤT",
    "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2024",
]


@pytest.fixture(scope="module")
def document() -> Document:
    return docx.Document(io.BytesIO(son_trung_draft()))


def body_texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def every_text(document: Document) -> list[str]:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [*body_texts(document), *cells]


def paragraph(document: Document, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text == text)


# --- the letterhead and title --------------------------------------------------------------------
def test_the_letterhead_has_the_commune_left_and_the_national_motto_right(document):
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "ỦY BAN NHÂN DÂN",
        "XÃ SƠN TRUNG",
        "Số:        /BC-UBND",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Sơn Trung, ngày …… tháng …… năm ……",
    ]


def test_the_title_names_the_report_and_its_period(document):
    assert body_texts(document)[:2] == [
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý III năm 2024",
    ]
    assert all(run.bold for run in paragraph(document, "BÁO CÁO").runs)


def test_every_section_heading_is_there_in_order_and_bold(document):
    texts = body_texts(document)
    found = [t for t in texts if t in SECTION_HEADINGS]
    assert found == SECTION_HEADINGS
    for heading in SECTION_HEADINGS:
        assert all(run.bold for run in paragraph(document, heading).runs), heading


# --- the figures in the text ---------------------------------------------------------------------
def test_the_procedures_sentence_carries_790_785_and_99_37(document):
    assert (
        "- Tổng số hồ sơ TTHC đã giải quyết xong là 790 hồ sơ, trong đó giải quyết đúng hạn "
        "785 hồ sơ, đạt tỷ lệ 99,37 %."
    ) in body_texts(document)


def test_the_plan_sentence_carries_37_35_and_94_59(document):
    assert (
        "- Kế hoạch CCHC năm 2024 đề ra 37 nhiệm vụ, đã hoàn thành 35 nhiệm vụ, đạt 94,59 %."
    ) in body_texts(document)


def test_the_stored_slip_90_9_is_printed_nowhere(document):
    assert not [t for t in every_text(document) if "90,9" in t or "90.9" in t]


def test_the_note_is_under_its_indicator_in_italics(document):
    texts = body_texts(document)
    at = texts.index("- Đã kiểm tra công tác CCHC đối với 02 ngành, công chức chuyên môn.")
    note = document.paragraphs[at + 1]
    assert note.text == "Ghi chú: VHXH, TP-HT"
    assert all(run.italic for run in note.runs)


def test_last_quarters_figures_make_the_comparison(document):
    previous = {c: a.value for c, a in seed_values(SON_TRUNG_2024_Q3).items()}
    previous["III.2.2"] = previous["III.2.2"] - 12  # type: ignore[operator]
    draft = docx.Document(io.BytesIO(son_trung_draft(Previous(previous, "2024-Q2"))))
    sentence = next(t for t in body_texts(draft) if "790 hồ sơ" in t)
    assert "là 790 hồ sơ, tăng 12 hồ sơ so với quý II, trong đó" in sentence


def test_every_marked_place_is_highlighted_and_nothing_else_is(document):
    cells = [c for t in document.tables for row in t.rows for c in row.cells]
    paragraphs = [*document.paragraphs, *(p for c in cells for p in c.paragraphs)]
    runs = [r for p in paragraphs for r in p.runs]
    marked = [r for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert marked and all(r.text.startswith("[") or r.text.startswith("- [") for r in marked)
    assert not [r for r in runs if "[" in r.text and r not in marked]
    assert "[…]" in [r.text for r in marked]  # I.1, blank in seed 000


def test_text_stored_with_a_control_character_is_written_without_it():
    stored = {"IV.1": Stored("Vị trí\x01việc làm")}  # stored before the door refused such text
    draft = docx.Document(io.BytesIO(son_trung_draft(extra=stored)))
    sentence = next(t for t in body_texts(draft) if t.startswith("- Sắp xếp, kiện toàn"))
    assert sentence == "- Sắp xếp, kiện toàn tổ chức bộ máy: Vị tríviệc làm."


# --- Nơi nhận and signature ----------------------------------------------------------------------
def test_recipients_and_the_chairs_signature_close_the_report(document):
    left, right = document.tables[1].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "Nơi nhận:",
        "- UBND huyện Sơn Hà;",
        "- Phòng Nội vụ;",
        "- […];",
        "- Lưu: VT.",
    ]
    signed = [p.text for p in right.paragraphs if p.text]
    assert signed[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert "KT. CHỦ TỊCH" in signed[2] and signed[-1] == "[Họ và tên người ký]"


# --- the appendix --------------------------------------------------------------------------------
def test_the_appendix_starts_on_a_page_of_its_own_with_its_title(document):
    heading = paragraph(document, "Phụ lục")
    assert heading.paragraph_format.page_break_before
    texts = body_texts(document)
    after = texts[texts.index("Phụ lục") + 1 :]
    assert after[:3] == [
        "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2024 CỦA XÃ SƠN TRUNG",
        "(Kèm theo Báo cáo số        /BC-UBND ngày …… tháng …… năm …… của UBND xã Sơn Trung)",
        "Biểu 1",
    ]


def test_the_appendix_table_has_every_row_of_xa_in_order(document):
    table = document.tables[2]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
    expected = []
    for section in XA.sections:
        expected.append((section.code, section.label))
        expected += [(i.stt, i.label) for i in XA.indicators if i.section == section.code]
    assert [(r[0], r[1]) for r in rows[1:]] == expected


def test_the_appendix_table_carries_the_spreadsheets_figures(document):
    rows = {(r.cells[0].text, r.cells[1].text): r.cells for r in document.tables[2].rows}
    by = XA.by_code
    assert rows[("2", by["I.2"].label)][3].text == "94,59"
    assert rows[("2.2", by["III.2.2"].label)][3].text == "790"
    assert rows[("2.3", by["III.2.3"].label)][3].text == "785"
    assert rows[("2.1", by["III.2.1"].label)][3].text == "99,37"
    assert rows[("3.1", by["I.3.1"].label)][4].text == "VHXH, TP-HT"


def test_the_appendix_header_repeats_on_every_page(document):
    header = document.tables[2].rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None


# --- page and type -------------------------------------------------------------------------------
def test_the_page_is_a4_portrait_with_the_margins_of_decree_30(document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20


def test_the_type_is_times_new_roman_13_to_14_pt_everywhere(document):
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 14)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {
        "Times New Roman"
    }
    assert fonts.get(qn("w:asciiTheme")) is None  # no theme font (Calibri) to fall back on
    sizes = {r.font.size.pt for p in document.paragraphs for r in p.runs if r.font.size}
    assert sizes <= {13.0, 14.0}
    assert not {r.font.name for p in document.paragraphs for r in p.runs} - {None}


def test_the_document_says_it_is_vietnamese(document):
    assert document.core_properties.language == "vi-VN"
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "vi-VN"
