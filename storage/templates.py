"""Which template, in which version, a round asks and prints.

A round pins the version of its template when it opens (Repository.open_round), so that a
template edited or re-imported later never changes the questions, codes or answers of a round
already open, nor how an old round exports. Every part of the bot that needs a round's
template asks here, never the template file by its name.

Versions are immutable, so a parsed version is kept in the process by its digest: a cache
that can never be stale, whichever process wrote the version.
"""

from __future__ import annotations

from flows import catalog
from flows.catalog import Template
from storage.errors import UnknownTemplate
from storage.models import Round, TemplateVersion
from storage.repository import Repository

_parsed: dict[str, Template] = {}


def for_round(repo: Repository, round_: Round) -> Template:
    if round_.template_version is None:  # opened before templates had versions
        return catalog.load(round_.template)
    row = repo.template_version(round_.template, round_.template_version)
    if row is None:
        raise UnknownTemplate(f"{round_.template} v{round_.template_version}", [])
    return parse(row)


def latest(repo: Repository, template_id: str) -> Template:
    """The version new rounds would get: the latest stored, else the shipped file."""
    row = repo.latest_template_version(template_id)
    if row is not None:
        return parse(row)
    try:
        return catalog.load(template_id)
    except catalog.TemplateError:
        stored = {v.template_id for v in repo.template_versions()}
        raise UnknownTemplate(template_id, stored | set(catalog.available())) from None


def parse(row: TemplateVersion) -> Template:
    template = _parsed.get(row.digest)
    if template is None:
        template = _parsed[row.digest] = catalog.from_json(row.body)
    return template


def level_of(repo: Repository, round_: Round) -> str:
    return for_round(repo, round_).level


def known(repo: Repository) -> list[str]:
    """Every template a round can be opened with: stored ones and shipped files."""
    return sorted({v.template_id for v in repo.template_versions()} | set(catalog.available()))
