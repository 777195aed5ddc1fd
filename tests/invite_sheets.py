"""Reading the invite files back as a person would: the xlsx rows, each card's text and QR code.

The PDF is read by PDFium (the engine of Chrome's viewer): the text of each card's quarter of
the page, and the page rendered to an image in which zxing-cpp, a QR reader, finds each code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pypdfium2
import zxingcpp

POINTS_PER_MM = 72 / 25.4
CARD_WIDTH, CARD_HEIGHT = 105 * POINTS_PER_MM, 148.5 * POINTS_PER_MM
PER_PAGE = 4
RENDER_SCALE = 2  # 144 dpi: a QR module is six pixels or more


@dataclass(frozen=True)
class Card:
    page: int
    text: str
    qr: str | None  # what the QR code on the card decodes to, None when it has none


def rows(path: Path) -> list[dict[str, str]]:
    """The list's rows by header, with every cell checked to be a text cell."""
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header, *body = list(sheet.iter_rows())
    names = [str(cell.value) for cell in header]
    found = []
    for line in body:
        assert all(cell.data_type == "s" or cell.value is None for cell in line), line
        found.append({name: cell.value or "" for name, cell in zip(names, line, strict=True)})
    return found


def cards(path: Path) -> list[Card]:
    document = pypdfium2.PdfDocument(path)
    found = []
    try:
        for number in range(len(document)):
            page = document[number]
            height = page.get_height()
            codes = _qr_codes(page)
            text_page = page.get_textpage()
            for slot in range(PER_PAGE):
                column, row = slot % 2, slot // 2
                left, top = column * CARD_WIDTH, height - row * CARD_HEIGHT
                text = text_page.get_text_bounded(left, top - CARD_HEIGHT, left + CARD_WIDTH, top)
                if text.strip():
                    found.append(Card(number, " ".join(text.split()), codes.get((column, row))))
    finally:
        document.close()
    return found


def page_count(path: Path) -> int:
    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def _qr_codes(page: pypdfium2.PdfPage) -> dict[tuple[int, int], str]:
    """Each QR code on the page by the card (column, row) its centre falls in."""
    image = page.render(scale=RENDER_SCALE).to_pil()
    width, height = image.size
    found = {}
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        corners = barcode.position
        x = (corners.top_left.x + corners.bottom_right.x) / 2
        y = (corners.top_left.y + corners.bottom_right.y) / 2
        slot = (int(x >= width / 2), int(y >= height / 2))
        assert slot not in found, "two QR codes on one card"
        found[slot] = barcode.text
    return found
