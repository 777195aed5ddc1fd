"""Invite cards to print on A4 and cut in four: one A6 card per unit, with its code and QR code.

A province hands a hundred communes their codes at once, on paper: the code must read at a
glance (large monospaced capitals, in an alphabet without 0/O or 1/I) and the QR code must
open the bot on a phone in one scan. The QR code is drawn as vector squares, one rectangle per
run of dark modules, so it stays sharp on any printer and adds little to the file.

The fonts ship with the bot (exports/fonts): a server without a Vietnamese font still prints
every diacritic right.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import segno
from fpdf import FPDF

from exports import words
from exports.printed_invites import PrintedInvite

FONTS = Path(__file__).resolve().parent / "fonts"
SANS, MONO = "DejaVuSans", "DejaVuSansMono"

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4, millimetres
COLUMNS, ROWS = 2, 2
CARD_WIDTH, CARD_HEIGHT = PAGE_WIDTH / COLUMNS, PAGE_HEIGHT / ROWS  # A6
PADDING = 9.0
INNER = CARD_WIDTH - 2 * PADDING
QR_SIZE = 48.0  # mm with the quiet zone: a module near 1 mm, read from arm's length
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
NAME_SIZES = (15.0, 13.0, 11.0)  # the unit's name shrinks until it fits on two lines
NAME_LINES = 2
GREY, BLACK, CUT = (110, 110, 110), (0, 0, 0), (170, 170, 170)


def cards_per_page() -> int:
    return COLUMNS * ROWS


def cards_pdf(
    invites: Sequence[PrintedInvite],
    *,
    telegram_bot: str | None,
    zalo_bot: str | None,
) -> bytes:
    """The cards in the order given, four to a page, with dashed lines to cut along."""
    pdf = _document()
    for index, invite in enumerate(invites):
        if index % cards_per_page() == 0:
            pdf.add_page()
            _cut_lines(pdf)
        column, row = index % COLUMNS, (index // COLUMNS) % ROWS
        _card(pdf, invite, column * CARD_WIDTH, row * CARD_HEIGHT, telegram_bot, zalo_bot)
    return bytes(pdf.output())


def _document() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(SANS, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(SANS, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.add_font(MONO, "B", FONTS / "DejaVuSansMono-Bold.ttf")
    pdf.set_title(words.CARDS_TITLE)
    pdf.set_creator("CCHC Bot")
    pdf.set_lang("vi-VN")
    return pdf


def _cut_lines(pdf: FPDF) -> None:
    pdf.set_draw_color(*CUT)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=2)
        for column in range(1, COLUMNS):
            pdf.line(column * CARD_WIDTH, 0, column * CARD_WIDTH, PAGE_HEIGHT)
        for row in range(1, ROWS):
            pdf.line(0, row * CARD_HEIGHT, PAGE_WIDTH, row * CARD_HEIGHT)


def _card(
    pdf: FPDF,
    invite: PrintedInvite,
    left: float,
    top: float,
    telegram_bot: str | None,
    zalo_bot: str | None,
) -> None:
    x, y = left + PADDING, top + PADDING
    y = _line(pdf, x, y, words.CARD_HEADER, SANS, "", 8, GREY, 4.5)
    y = _line(pdf, x, y, words.card_role(invite.role_name), SANS, "B", 9, BLACK, 6)
    y = _name(pdf, x, y, invite.unit_name)
    if invite.above:
        y = _line(pdf, x, y, invite.above, SANS, "", 10, BLACK, 5)
    y = _line(pdf, x, y, words.card_unit_code(invite.unit_code), SANS, "", 8, GREY, 5)
    y = _line(pdf, x, y + 3, invite.code, MONO, "B", 22, BLACK, 11)
    if invite.link is not None:
        _qr(pdf, invite.link, left + (CARD_WIDTH - QR_SIZE) / 2, y)
        y += QR_SIZE
    else:
        y += 6
    for paragraph in (
        words.card_telegram(telegram_bot, invite.code),
        words.card_zalo(zalo_bot, invite.code),
    ):
        for text in paragraph:
            y = _wrapped(pdf, x, y, text, 8.5, 4.4)
        y += 2
    _wrapped(pdf, x, y + 1, words.card_expiry(invite.expires), 8, 4.4, GREY)


def _line(
    pdf: FPDF,
    x: float,
    y: float,
    text: str,
    family: str,
    style: str,
    size: float,
    colour: tuple[int, int, int],
    height: float,
) -> float:
    """One centred line across the card; returns where the next line starts."""
    pdf.set_font(family, style, size)
    pdf.set_text_color(*colour)
    pdf.set_xy(x, y)
    pdf.cell(INNER, height, text, align="C")
    return y + height


def _wrapped(
    pdf: FPDF,
    x: float,
    y: float,
    text: str,
    size: float,
    height: float,
    colour: tuple[int, int, int] = BLACK,
) -> float:
    """A line of instructions, wrapped should a long bot name make it wider than the card."""
    pdf.set_font(SANS, "", size)
    pdf.set_text_color(*colour)
    lines = pdf.multi_cell(INNER, height, text, align="C", dry_run=True, output="LINES")
    pdf.set_xy(x, y)
    pdf.multi_cell(INNER, height, text, align="C")
    return y + height * len(lines)


def _name(pdf: FPDF, x: float, y: float, name: str) -> float:
    """The unit's name in the largest size that keeps it on two lines."""
    for size in NAME_SIZES:
        pdf.set_font(SANS, "B", size)
        lines = pdf.multi_cell(INNER, size * 0.45, name, align="C", dry_run=True, output="LINES")
        if len(lines) <= NAME_LINES:
            break
    height = size * 0.45
    pdf.set_text_color(*BLACK)
    pdf.set_xy(x, y)
    pdf.multi_cell(INNER, height, name, align="C", max_line_height=height)
    return y + height * min(len(lines), NAME_LINES) + 1


def _qr(pdf: FPDF, link: str, left: float, top: float) -> None:
    """The link as a QR code inside its quiet zone, one rectangle per run of dark modules."""
    matrix = segno.make(link, error="m", micro=False).matrix
    module = QR_SIZE / (len(matrix) + 2 * QUIET_ZONE)
    left, top = left + QUIET_ZONE * module, top + QUIET_ZONE * module
    pdf.set_fill_color(*BLACK)
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            pdf.rect(left + start * module, top + y * module, (x - start) * module, module, "F")
