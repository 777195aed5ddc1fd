"""How long a province's compiled workbook takes, and how much memory: 300 communes × xa.

A reviewer's /xuat must come back while they wait, on the same small server that runs the bot,
so the compiled workbook of a whole province is timed (best of three) and its peak Python
memory measured (tracemalloc, a separate run: tracing slows the code it measures).

    .venv/bin/python bench/export_bench.py [--units 300]
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from exports.appendix import appendix_bytes
from exports.compiled import compiled_bytes
from exports.data import RoundInfo, RoundReport, Stored, UnitInfo, UnitReport, build_unit_report
from exports.flat import to_csv
from flows import catalog
from flows.catalog import Indicator, Kind

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ROUND = RoundInfo(
    "xa", "2024-Q3", "Quý III/2024", date(2024, 9, 20), (date(2024, 6, 15), date(2024, 9, 14))
)
TEXTS = (
    "Sắp xếp, kiện toàn tổ chức bộ máy theo kế hoạch của huyện",
    "Sáp nhập 2 thôn, giảm 1 tổ dân phố",
    "Đã rà soát vị trí việc làm của công chức cấp xã",
    "Tuyển dụng 1 công chức Văn hóa - Xã hội",
)
NOTES = ("VHXH, TP-HT", "Số liệu lũy kế", "Chờ số liệu của Bưu điện")


def synthetic_unit(n: int, rng: random.Random) -> UnitReport:
    """A plausible commune: parts never above their wholes, a few skips, notes and late ones."""
    template = catalog.load("xa")
    stored: dict[str, Stored] = {}
    figures: dict[str, int] = {}
    for indicator in template.asked:
        if rng.random() < 0.08:
            stored[indicator.code] = Stored(None, skipped=True)
            continue
        value = _value(indicator, figures, rng)
        note = rng.choice(NOTES) if rng.random() < 0.04 else None
        stored[indicator.code] = Stored(value, note=note)
    status = rng.choice(["submitted"] * 6 + ["approved", "returned", "draft"])
    submitted = datetime(2024, 9, 14, 2, tzinfo=UTC) + timedelta(hours=rng.randint(0, 240))
    return build_unit_report(
        template,
        UnitInfo(f"XA{n:04d}", f"Xã Thử Nghiệm {n}", "xa"),
        ROUND,
        stored if status != "draft" or n % 2 else {},
        status=status,
        submitted_at=submitted if status != "draft" else None,
        submitted_by=f"Cán bộ {n}" if status != "draft" else None,
    )


def _value(indicator: Indicator, figures: dict[str, int], rng: random.Random) -> str:
    kind = indicator.kind
    if kind is Kind.CHOICE:
        return str(rng.choice(indicator.choice_codes))
    if kind is Kind.TEXT:
        return rng.choice(TEXTS)
    if kind is Kind.RATIO_ENTERED:
        return str(Decimal(rng.randint(5000, 10000)) / 100)
    if kind is Kind.AMOUNT:
        return str(Decimal(rng.randint(1000, 900000)) / 10)
    ceiling = min((figures.get(whole, 0) for whole in indicator.at_most), default=None)
    count = rng.randint(0, ceiling) if ceiling is not None else rng.randint(0, 9000)
    figures[indicator.code] = count
    return str(count)


def province(units: int) -> RoundReport:
    rng = random.Random(2024)
    return RoundReport(
        ROUND,
        UnitInfo("QNG", "Tỉnh Quảng Ngãi", "tinh"),
        tuple(synthetic_unit(n, rng) for n in range(1, units + 1)),
        datetime(2024, 9, 25, 3, tzinfo=UTC),
    )


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    units = parser.parse_args().units

    start = time.perf_counter()
    report = province(units)
    loaded = time.perf_counter() - start
    size = len(compiled_bytes(report, ZONE))
    rows = len(report.template.indicators)
    print(f"data        {units} communes × {rows} rows built in {loaded:.2f} s")
    seconds = best_of(3, lambda: compiled_bytes(report, ZONE))
    print(f"compiled    {seconds:.2f} s best of 3, {size / 1024:.0f} KiB, {units + 2} sheets")
    peak = peak_memory(lambda: compiled_bytes(report, ZONE))
    print(f"memory      {peak / 2**20:.0f} MiB peak (tracemalloc) for the compiled workbook")
    one = best_of(3, lambda: appendix_bytes(report.units[0]))
    print(f"appendix    {one * 1000:.0f} ms best of 3 for one commune")
    flat = best_of(3, lambda: to_csv(report))
    print(f"csv         {flat * 1000:.0f} ms best of 3, {len(to_csv(report)) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
