"""The narrative report as plain data: what the Word writer lays out, built by flows/narrative.

A draft is made of paragraphs of spans; a marked span is a place the bot cannot fill (what only
the officer knows, or a figure not given) and is printed highlighted, so the officer finds
every one of them before signing. Keeping the document as data keeps the wording testable
without Word, and lets another writer (a PDF, the web console's preview) reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Span:
    text: str
    marked: bool = False


class Style(StrEnum):
    PART = "part"  # "I. KẾT QUẢ THỰC HIỆN …": the report's main divisions
    SECTION = "section"  # "3. Cải cách thủ tục hành chính": one section of the form
    SUBSECTION = "subsection"  # "1. Những kết quả tích cực đã đạt được"
    BODY = "body"  # a justified paragraph with a first-line indent
    NOTE = "note"  # the officer's note on an indicator, under its sentence


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    style: Style = Style.BODY

    @property
    def text(self) -> str:
        return "".join(span.text for span in self.spans)

    @property
    def marked(self) -> tuple[str, ...]:
        return tuple(span.text for span in self.spans if span.marked)


def paragraph(text: str, style: Style = Style.BODY, *, marked: bool = False) -> Paragraph:
    return Paragraph((Span(text, marked),), style)


class RowKind(StrEnum):
    FORM = "form"  # "Biểu mẫu 2" inside the table
    SECTION = "section"  # "I | Công tác chỉ đạo điều hành CCHC"
    GROUP = "group"  # a header row of the form, no value
    ROW = "row"


@dataclass(frozen=True)
class TableRow:
    """STT, label, unit, value, note as printed (numbers already written the Vietnamese way)."""

    cells: tuple[str, str, str, str, str]
    kind: RowKind = RowKind.ROW
    italic: bool = False


@dataclass(frozen=True)
class Appendix:
    heading: str  # "Phụ lục"
    title: str
    attached: str  # "(Kèm theo Báo cáo số …)"
    form: str  # "Biểu 1" above the table, or ""
    headers: tuple[str, str, str, str, str]
    grouped_by: str  # "Kết quả thống kê" over Đơn vị tính and Số liệu (district forms), or ""
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Letterhead:
    """The two columns above the title (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""

    issuer: tuple[str, ...]  # "ỦY BAN NHÂN DÂN", "XÃ SƠN TRUNG"
    number: str  # "Số: …/BC-UBND"
    nation: str
    motto: str
    place_date: str  # "Sơn Trung, ngày …… tháng …… năm ……"


@dataclass(frozen=True)
class Signature:
    on_behalf: str  # "TM. ỦY BAN NHÂN DÂN"
    title: str  # "CHỦ TỊCH"
    hint: str  # how a vice-chair signs instead (KT. CHỦ TỊCH), marked
    name: str  # where the signer's name goes, marked


@dataclass(frozen=True)
class Draft:
    letterhead: Letterhead
    kind: str  # "BÁO CÁO"
    title: str
    body: tuple[Paragraph, ...]
    recipients_heading: str
    recipients: tuple[Paragraph, ...]
    signature: Signature
    appendix: Appendix

    @property
    def headings(self) -> tuple[str, ...]:
        heads = (Style.PART, Style.SECTION, Style.SUBSECTION)
        return tuple(p.text for p in self.body if p.style in heads)
