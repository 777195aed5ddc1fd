"""Files that go with replies: built after the answer's transaction, from a small spec.

A reply names its file as "appendix:<round>:<unit>" or "compiled:<round>:<unit>"; the spec is
stored with the replies of a handled update, so a redelivered update gets the same file. The
workbook is built in a read transaction of its own: building a province's compiled workbook
takes seconds, and no officer's answer should wait on SQLite's write lock meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from exports import appendix, compiled, names
from exports.data import load_round_report, load_unit_report
from storage.db import Store

APPENDIX = "appendix"
COMPILED = "compiled"


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes


def spec(kind: str, round_id: int, unit_id: int) -> str:
    return f"{kind}:{round_id}:{unit_id}"


def build(store: Store, file_spec: str, zone: ZoneInfo) -> Document:
    kind, round_id, unit_id = file_spec.split(":")
    if kind not in (APPENDIX, COMPILED):
        raise ValueError(f"unknown file kind {kind!r}")
    with store.reading() as repo:  # load the figures; the workbook is built after
        round_ = repo.round(int(round_id))
        unit = repo.unit(int(unit_id))
        if kind == APPENDIX:
            report = load_unit_report(repo, round_, unit)
        else:
            whole = load_round_report(repo, round_, unit)
    if kind == APPENDIX:
        name = names.unit_file_name(round_.period, unit.name, "xlsx")
        return Document(name, appendix.appendix_bytes(report))
    name = names.compiled_file_name(round_.period, unit.name, "xlsx")
    return Document(name, compiled.compiled_bytes(whole, zone))
