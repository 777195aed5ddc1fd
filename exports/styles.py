"""How cells look: fonts, borders, alignment and number formats, shared across a workbook.

Numbers are stored as numbers (a reviewer must be able to sum them) and shown the Vietnamese
way, "8.803" and "99,37". A spreadsheet file cannot carry separators of its own: Excel and
LibreOffice draw them from a locale. Every number format here is therefore tagged with the
Vietnamese locale, ``[$-42A]`` (LCID 0x042A, vi-VN). LibreOffice honours a format's locale
for its separators, so the file shows 8.803 and 99,37 on any computer (checked by rendering to
PDF). Excel takes separators from the viewer's Windows settings whatever the tag says: on a
Vietnamese Windows it shows the same, on an English one 8,803 and 99.37. Formatting numbers
as text would show "8.803" everywhere but would break every sum a reviewer makes, so it is
not done; text tricks with literal dots cannot place a decimal comma at all.

Styles are registered once per workbook as named styles: a 300-commune workbook has some
150,000 styled cells, and assigning Font and Border objects one cell at a time hashes each
object on every assignment (three times slower than named styles, measured in bench/).
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook import Workbook

FONT_NAME = "Times New Roman"  # the font of Vietnamese administrative documents (Decree 30/2020)
FONT_SIZE = 12
TITLE_SIZE = 14

VIETNAMESE = "[$-42A]"
COUNT_FORMAT = f"{VIETNAMESE}#,##0"
RATIO_FORMAT = f"{VIETNAMESE}#,##0.00"  # computed ratios: always two decimals, as in the seeds
CODE_FORMAT = "0"  # a choice's code is a label, not a quantity: no grouping
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TEXT_FORMAT = "General"
MAX_PLACES = 6  # flows.numbers accepts no more decimals than this


def decimal_format(places: int) -> str:
    """Amounts and entered ratios keep the decimals they were typed with: 4.318,9 not 4.318,90."""
    places = max(0, min(places, MAX_PLACES))
    return COUNT_FORMAT + ("." + "0" * places if places else "")


def places_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Look:
    """Everything a cell's appearance depends on; each distinct Look is one named style."""

    align: Align = "left"
    bold: bool = False
    italic: bool = False
    border: bool = True
    size: int = FONT_SIZE
    number_format: str = TEXT_FORMAT
    vertical: Literal["top", "center"] = "center"

    @property
    def style_name(self) -> str:
        """Readable and unique per Look, so a second sheet finds the styles the first added."""
        shown_format = self.number_format.removeprefix(VIETNAMESE)
        parts = [
            self.align,
            "bold" if self.bold else "",
            "italic" if self.italic else "",
            "" if self.border else "plain",
            f"{self.size}pt" if self.size != FONT_SIZE else "",
            self.vertical if self.vertical != "center" else "",
            "" if self.number_format == TEXT_FORMAT else shown_format,
        ]
        return " ".join(["CCHC", *(p for p in parts if p)])

    def named_style(self, name: str) -> NamedStyle:
        side = Side(style="thin")
        border = Border(left=side, right=side, top=side, bottom=side) if self.border else Border()
        return NamedStyle(
            name=name,
            font=Font(name=FONT_NAME, size=self.size, bold=self.bold, italic=self.italic),
            border=border,
            alignment=Alignment(horizontal=self.align, vertical=self.vertical, wrap_text=True),
            number_format=self.number_format,
        )


class Styles:
    """The named styles of one workbook, registered the first time a Look is used.

    openpyxl looks a named style up by scanning the workbook's list on every assignment, which
    was most of the time of a 300-commune workbook; so the first cell of each Look is styled
    through the public API and later cells get a copy of its style record, exactly what
    openpyxl's own named-style assignment stores.
    """

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.records: dict[Look, StyleArray] = {}

    def apply(self, cell: Cell | MergedCell, look: Look) -> None:
        record = self.records.get(look)
        if record is None:
            name = look.style_name
            if name not in self.workbook.named_styles:
                self.workbook.add_named_style(look.named_style(name))
            cell.style = name
            self.records[look] = copy(cell._style)
        else:
            cell._style = copy(record)


@lru_cache(maxsize=256)
def look(
    align: Align, bold: bool = False, italic: bool = False, number_format: str = TEXT_FORMAT
) -> Look:
    """A bordered table cell's Look, shared rather than rebuilt for each of 150,000 cells."""
    return Look(align, bold=bold, italic=italic, number_format=number_format)


# The looks the sheets use, named by role.
HEADING = Look("center", bold=True, border=False)
TITLE = Look("center", bold=True, border=False, size=TITLE_SIZE)
SUBTITLE = Look("center", italic=True, border=False)
FORM = Look("center", bold=True, border=False)
HEADER = Look("center", bold=True)
