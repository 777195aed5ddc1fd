"""The console's charts, drawn on the server as SVG (pygal): readable without JavaScript, in
print, and on a phone. No script is embedded; the figures are also in the table beside them."""

from __future__ import annotations

from decimal import Decimal

import pygal
from pygal.style import Style

from bot.review.across import Across
from flows import answers as ans
from flows.catalog import Indicator, Kind

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#555555",
    colors=("#1f5aa6", "#b3261e"),
    font_family="system-ui, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    title_font_size=15,
)


def _options(title: str, ind: Indicator) -> dict[str, object]:
    percent = ind.kind in (Kind.RATIO_COMPUTED, Kind.RATIO_ENTERED)
    return {
        **({"range": (0, 100)} if percent else {}),
        "js": [],  # pygal links its tooltip script from the internet by default
        "disable_xml_declaration": True,  # inline in the page
        "style": STYLE,
        "title": title,
        "show_legend": False,
        "print_values": True,
        "width": 720,
        "height": 420,
    }


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, Decimal) else None


def by_unit(data: Across) -> str:
    ind = data.indicator
    chart = pygal.HorizontalBar(
        **_options(f"{ind.code} theo đơn vị — {data.scope.top.name}", ind),
        value_formatter=lambda v: ans.show(ind, Decimal(str(v)), with_unit=False),
    )
    shown = list(reversed(data.units))  # pygal stacks bars from the bottom: first unit on top
    chart.x_labels = [u.unit.name for u in shown]
    chart.add(ind.code, [_number(u.value) for u in shown])
    return chart.render(is_unicode=True)


def over_periods(data: Across) -> str:
    ind = data.indicator
    chart = pygal.Line(
        **_options(f"{ind.code} qua các kỳ — {data.scope.top.name}", ind),
        value_formatter=lambda v: ans.show(ind, Decimal(str(v)), with_unit=False),
    )
    chart.x_labels = [p.label for p in data.periods]
    chart.add(ind.code, [_number(p.total) for p in data.periods])
    return chart.render(is_unicode=True)
