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
from storage.models import Role
from storage.repository import Repository

APPENDIX = "appendix"
COMPILED = "compiled"


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes


def spec(kind: str, round_id: int, unit_id: int) -> str:
    return f"{kind}:{round_id}:{unit_id}"


def parse_spec(file_spec: str) -> tuple[str, int, int] | None:
    """(kind, round id, unit id) of a well-formed spec, else None."""
    kind, _, rest = file_spec.partition(":")
    round_id, _, unit_id = rest.partition(":")
    if kind not in (APPENDIX, COMPILED) or not (round_id.isdigit() and unit_id.isdigit()):
        return None
    return kind, int(round_id), int(unit_id)


def may_open(repo: Repository, platform: str, external_id: str, file_spec: str) -> bool:
    """Whether this chat account may open the file now, by the same rule as the chat's /xuat.

    An officer opens their own unit's appendix; a reviewer or admin a unit's appendix or the
    compiled workbook of its own unit or of any unit below it. Checked when a link is opened,
    so a link stops working once its owner has lost the role.
    """
    parsed = parse_spec(file_spec)
    user = repo.user(platform, external_id)
    if parsed is None or user is None or user.id is None:
        return False
    kind, _, unit_id = parsed
    for membership, unit in repo.memberships(user.id):
        if membership.role == Role.OFFICER:
            if kind == APPENDIX and unit.id == unit_id:
                return True
            continue
        if unit.id == unit_id or any(u.id == unit_id for u in repo.descendants(unit.id)):  # type: ignore[arg-type]
            return True
    return False


def build(store: Store, file_spec: str, zone: ZoneInfo) -> Document:
    parsed = parse_spec(file_spec)
    if parsed is None:
        raise ValueError(f"not a file spec: {file_spec!r}")
    kind, round_id, unit_id = parsed
    with store.reading() as repo:  # load the figures; the workbook is built after
        round_ = repo.round(round_id)
        unit = repo.unit(unit_id)
        if kind == APPENDIX:
            report = load_unit_report(repo, round_, unit)
        else:
            whole = load_round_report(repo, round_, unit)
    if kind == APPENDIX:
        name = names.unit_file_name(round_.period, unit.name, "xlsx")
        return Document(name, appendix.appendix_bytes(report))
    name = names.compiled_file_name(round_.period, unit.name, "xlsx")
    return Document(name, compiled.compiled_bytes(whole, zone))
