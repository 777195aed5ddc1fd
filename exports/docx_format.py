"""Word formatting the drafts share: Nghị định 30's page and font, and the few things python-docx
does not say directly (document defaults, short rules, repeated table headers, page numbers).

Nghị định 30/2020/NĐ-CP, Phụ lục I: A4; margins top and bottom 20–25 mm, left 30–35 mm, right
15–20 mm; Times New Roman, body 13–14 pt; page numbers centred at the top from the second page.
The font is set in the document defaults, not only on the Normal style, so that no theme font
(Calibri in python-docx's own template) is left for Word or LibreOffice to fall back on.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from exports.safe_cells import printable

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
TABLE_SIZE = Pt(13)
LANGUAGE = "vi-VN"
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
MARGINS = {"top": Cm(2), "bottom": Cm(2), "left": Cm(3), "right": Cm(1.5)}
FIRST_LINE = Cm(1)
MARK = WD_COLOR_INDEX.YELLOW  # the places the officer writes
NO_SPACE = Pt(0)


def set_up(document: Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance = section.footer_distance = Cm(1)
    _defaults(document)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    _page_numbers(document)


def _defaults(document: Document) -> None:
    """Times New Roman for every script and Vietnamese as the language, for every run."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))  # type: ignore[union-attr]
    fonts = rpr.find(qn("w:rFonts"))
    for name in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(name), None)
    for name in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(name), FONT)
    for size in ("w:sz", "w:szCs"):
        rpr.find(qn(size)).set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _page_numbers(document: Document) -> None:
    """The page number centred at the top, from the second page on."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    header._p.append(field)


def write(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: Length | None = None,
    marked: bool = False,
) -> None:
    run = paragraph.add_run(printable(text))  # text stored before the door checked it
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    if marked:
        run.font.highlight_color = MARK


def centred(paragraph: Paragraph, *, after: Length = NO_SPACE) -> Paragraph:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_after = after
    paragraph.paragraph_format.line_spacing = 1.0
    return paragraph


def short_rule(paragraph: Paragraph, column: Length, width: Length) -> None:
    """The short line Nghị định 30 draws under the issuer and the motto: the bottom border of
    an empty paragraph one point tall, indented to the line's width, centred in its column."""
    side = Length(max(0, (column - width) // 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(1)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def column_widths(table: Table, widths: tuple[Length, ...]) -> None:
    """Widths on every cell: Word reads a cell's width, LibreOffice the grid; both are set."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def repeat_as_header(row: _Row) -> None:
    """A header row printed again at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def keep_row_together(row: _Row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
