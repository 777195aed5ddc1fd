"""Files that go with replies: built after the answer's transaction, from a small spec.

A reply names its file as "appendix:<round>:<unit>", "compiled:<round>:<unit>" or
"draft:<round>:<unit>" (the Word draft of the narrative report: a unit's own for a unit that
files the round's form, the summary of its units for a district or province); the spec is
stored with the replies of a handled update, so a redelivered update gets the same file. The
file is built after a read transaction of its own: building a province's compiled workbook
takes seconds, and no officer's answer should wait on SQLite's write lock meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.review import scope
from exports import appendix, compiled, names
from exports.data import load_round_report, load_unit_report
from exports.draft_data import load_summary_draft, load_unit_draft
from exports.report_docx import summary_draft_bytes, unit_draft_bytes
from flows import engine
from storage import templates
from storage.db import Store
from storage.models import Role
from storage.repository import Repository

APPENDIX = "appendix"
COMPILED = "compiled"
DRAFT = "draft"
KINDS = (APPENDIX, COMPILED, DRAFT)
OFFICERS_OWN = (APPENDIX, DRAFT)  # what an officer may open, of their own unit only
# The engine names the officer's files by these markers; the shell adds round and unit.
OWN_FILES = {engine.APPENDIX: APPENDIX, engine.DRAFT: DRAFT}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Document:
    filename: str
    data: bytes


def spec(kind: str, round_id: int, unit_id: int) -> str:
    return f"{kind}:{round_id}:{unit_id}"


def own_file(marker: str, round_id: int, unit_id: int) -> str:
    """The spec of the file an officer's reply asks for ("appendix", "draft")."""
    return spec(OWN_FILES[marker], round_id, unit_id)


def parse_spec(file_spec: str) -> tuple[str, int, int] | None:
    """(kind, round id, unit id) of a well-formed spec, else None."""
    kind, _, rest = file_spec.partition(":")
    round_id, _, unit_id = rest.partition(":")
    if kind not in KINDS or not (round_id.isdigit() and unit_id.isdigit()):
        return None
    return kind, int(round_id), int(unit_id)


def media_type(file_spec: str) -> str:
    """What a download link serves: a Word document for a draft, else a workbook."""
    parsed = parse_spec(file_spec)
    return DOCX if parsed is not None and parsed[0] == DRAFT else XLSX


def may_open(repo: Repository, platform: str, external_id: str, file_spec: str) -> bool:
    """Whether this chat account may open the file now, by the same rule as the chat's /xuat.

    An officer opens their own unit's appendix and draft; a reviewer or admin any file of its
    own unit or of any unit below it. Checked when a link is opened,
    so a link stops working once its owner has lost the role.
    """
    parsed = parse_spec(file_spec)
    user = repo.user(platform, external_id)
    if parsed is None or user is None or user.id is None:
        return False
    kind, _, unit_id = parsed
    for membership, unit in repo.memberships(user.id):
        if membership.role == Role.OFFICER and kind in OFFICERS_OWN and unit.id == unit_id:
            return True
    return scope.may_see(repo, scope.reviewer_tops(repo, user.id), unit_id)


def build(store: Store, file_spec: str, zone: ZoneInfo) -> Document:
    parsed = parse_spec(file_spec)
    if parsed is None:
        raise ValueError(f"not a file spec: {file_spec!r}")
    kind, round_id, unit_id = parsed
    if kind == DRAFT:
        return _draft(store, round_id, unit_id, zone)
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


def _draft(store: Store, round_id: int, unit_id: int, zone: ZoneInfo) -> Document:
    """A unit that files the round's form gets its own draft; one above, its units' summary."""
    with store.reading() as repo:
        round_ = repo.round(round_id)
        unit = repo.unit(unit_id)
        own = unit.level == templates.level_of(repo, round_)
        data = load_unit_draft(repo, round_, unit) if own else None
        whole = None if own else load_summary_draft(repo, round_, unit)
    if data is not None:
        name = names.unit_file_name(round_.period, unit.name, "docx")
        return Document(name, unit_draft_bytes(data))
    assert whole is not None
    name = names.compiled_file_name(round_.period, unit.name, "docx")
    return Document(name, summary_draft_bytes(whole, zone))
