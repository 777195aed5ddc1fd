"""One print setup for every sheet: A4, table header on each page, page numbers, sane margins.

Reviewers print these and file them with the signed report, so a sheet must come out of the
printer readable without anyone touching page setup first.
"""

from __future__ import annotations

from typing import Literal

from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from exports import words

CM = 1 / 2.54  # openpyxl's margins are in inches
MARGINS = PageMargins(
    left=2.0 * CM, right=1.5 * CM, top=1.5 * CM, bottom=1.5 * CM, header=0.8 * CM, footer=0.8 * CM
)


def set_up_page(
    ws: Worksheet,
    *,
    header_rows: tuple[int, int],
    first_data_cell: str,
    orientation: Literal["portrait", "landscape"] = "portrait",
    pages_wide: int = 1,
    repeat_columns: str | None = None,
) -> None:
    """Fit to the page width (as many pages tall as needed) and repeat the header rows.

    ``pages_wide`` is more than one only for a table too wide to shrink onto one page legibly
    (a province's communes side by side); ``repeat_columns`` then puts the indicator labels
    on each of those pages.
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.page_margins = MARGINS
    ws.print_options.horizontalCentered = True
    first, last = header_rows
    ws.print_title_rows = f"{first}:{last}"
    if repeat_columns:
        ws.print_title_cols = repeat_columns
    ws.oddFooter.center.text = words.PAGE_FOOTER
    ws.freeze_panes = first_data_cell
