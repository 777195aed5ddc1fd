"""The console's pages: each reads through bot/review inside the viewer's scope and renders.

URLs name rounds by id and units by code; a unit or round outside the viewer's scope raises
NotFound (404), exactly as one that does not exist.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from bot.chat import documents
from bot.chat import outbox as chat_outbox
from bot.review import across, decisions, reminding
from bot.review.report import unit_view
from bot.review.scope import Scope, scope_of, scopes
from bot.review.status import RoundStatus, UnitStatus, round_status
from bot.web.console import charts
from bot.web.console.app import CONTEXT, Context, NotFound
from bot.web.console.sign_in import PREFIX
from exports import flat, names
from exports.data import load_round_report
from flows import periods
from flows.review import State
from storage.models import Round
from storage.repository import Repository

if TYPE_CHECKING:
    from bot.web.console.app import WebConsole

# Filters and sort keys, by the words people see in the page's address.
STATE_FILTERS = {
    "chua-bat-dau": lambda u: u.state is State.NOT_STARTED,
    "dang-nhap": lambda u: u.state is State.DRAFT,
    "da-nop": lambda u: u.state.is_submitted,
    "tra-lai": lambda u: u.state is State.RETURNED,
    "da-duyet": lambda u: u.state is State.APPROVED,
    "qua-han": lambda u: u.overdue,
}
STATE_ORDER = {
    State.RETURNED: 0,
    State.NOT_STARTED: 1,
    State.DRAFT: 2,
    State.SUBMITTED: 3,
    State.APPROVED: 4,
}
SORTS = {
    "ma": lambda u: u.unit.code,
    "ten": lambda u: u.unit.name,
    "trang-thai": lambda u: (STATE_ORDER[u.state], u.unit.code),
    "tien-do": lambda u: (u.answered, u.unit.code),
    "nop-luc": lambda u: (u.submitted_at is None, u.submitted_at or datetime.min, u.unit.code),
}


def register(console: WebConsole) -> None:
    pages = Pages(console)
    add = console.app.router
    add.add_get("/", pages.landing)
    add.add_get("/ky/{round_id:\\d+}", pages.round_page)
    add.add_post("/nhac", pages.remind)
    add.add_get("/ky/{round_id:\\d+}/don-vi/{code}", pages.unit_page)
    add.add_post("/ky/{round_id:\\d+}/don-vi/{code}/tra-lai", pages.return_report)
    add.add_post("/ky/{round_id:\\d+}/don-vi/{code}/duyet", pages.approve)
    add.add_get("/ky/{round_id:\\d+}/chi-tieu", pages.indicator_page)
    add.add_get("/ky/{round_id:\\d+}/tai/tong-hop.xlsx", pages.compiled)
    add.add_get("/ky/{round_id:\\d+}/tai/don-vi/{code}.xlsx", pages.appendix)
    add.add_get("/ky/{round_id:\\d+}/tai/du-thao.docx", pages.summary_draft)
    add.add_get("/ky/{round_id:\\d+}/tai/don-vi/{code}.docx", pages.unit_draft)
    add.add_get("/ky/{round_id:\\d+}/tai/so-lieu.{fmt:csv|json}", pages.flat_file)
    add.add_get("/lich-su", pages.history)


@dataclass(frozen=True)
class Table:
    """One round's status as the landing page shows it, filtered and sorted."""

    status: RoundStatus
    rows: list[UnitStatus]


def _context(request: web.Request) -> Context:
    return request[CONTEXT]


def _round_scopes(repo: Repository, context: Context, round_id: int) -> list[Scope]:
    round_ = repo.session.get(Round, round_id)
    if round_ is None:
        raise NotFound
    found = [s for top in context.viewer.tops for s in scopes(repo, top, [round_])]
    if not found:
        raise NotFound
    return found


def _unit_scope(repo: Repository, context: Context, round_id: int, code: str) -> Scope:
    unit = repo.unit_by_code(code.upper())
    if unit is None or repo.session.get(Round, round_id) is None:
        raise NotFound
    scope = scope_of(repo, context.viewer.tops, unit, round_id)
    if scope is None:
        raise NotFound
    return scope


def attachment(
    data: bytes, filename: str, content_type: str, charset: str | None = None
) -> web.Response:
    return web.Response(
        body=data,
        content_type=content_type,
        charset=charset,
        headers={
            "Content-Disposition": (
                f'attachment; filename="{filename.encode("ascii", "replace").decode()}"; '
                f"filename*=UTF-8''{quote(filename)}"
            ),
            "Cache-Control": "no-store",
        },
    )


class Pages:
    def __init__(self, console: WebConsole) -> None:
        self.console = console

    # --- Tình hình nộp ------------------------------------------------------------------------
    async def landing(self, request: web.Request) -> web.Response:
        context = _context(request)
        now = self.console.clock()

        def read(repo: Repository) -> list[RoundStatus]:
            return [
                round_status(repo, scope, now, self.console.zone)
                for top in context.viewer.tops
                for scope in scopes(repo, top)
            ]

        return self._status_page(request, await self.console.read(read), current=True)

    async def round_page(self, request: web.Request) -> web.Response:
        context = _context(request)
        round_id = int(request.match_info["round_id"])
        now = self.console.clock()

        def read(repo: Repository) -> list[RoundStatus]:
            return [
                round_status(repo, s, now, self.console.zone)
                for s in _round_scopes(repo, context, round_id)
            ]

        return self._status_page(request, await self.console.read(read), current=False)

    def _status_page(
        self, request: web.Request, statuses: list[RoundStatus], *, current: bool
    ) -> web.Response:
        chosen = request.query.get("loc", "")
        sort = request.query.get("sap", "ma")
        keep = STATE_FILTERS.get(chosen, lambda _u: True)
        key = SORTS.get(sort, SORTS["ma"])
        tables = [Table(s, sorted((u for u in s.units if keep(u)), key=key)) for s in statuses]
        data = {
            "tables": tables,
            "current": current,
            "filter": chosen if chosen in STATE_FILTERS else "",
            "sort": sort if sort in SORTS else "ma",
            "notice": request.query.get("tb", ""),
            "periods": periods,
        }
        return self.console.page(request, "status.html", data)

    async def remind(self, request: web.Request) -> web.StreamResponse:
        context = _context(request)
        now = self.console.clock()

        def act(repo: Repository) -> tuple[str, list[Any]]:
            every = [s for top in context.viewer.tops for s in scopes(repo, top)]
            if not every:
                return "khong-co-ky", []
            done = reminding.remind_now(repo, context.viewer.key, every, now, self.console.zone)
            if not done.pending:
                return "da-nop-het", []
            if done.already:
                return "da-nhac", []
            return f"nhac-{len(done.notices)}-{done.units}", chat_outbox.queue(
                repo, list(done.notices), now
            )

        outcome, notices = await self.console.write(act)
        await self.console.deliver(notices)
        raise web.HTTPSeeOther(f"{PREFIX}/?tb={outcome}")

    # --- a unit's report ----------------------------------------------------------------------
    async def unit_page(self, request: web.Request) -> web.Response:
        context = _context(request)
        round_id, code = int(request.match_info["round_id"]), request.match_info["code"]
        now = self.console.clock()

        def read(repo: Repository) -> Any:
            scope = _unit_scope(repo, context, round_id, code)
            unit = next(u for u in scope.units if u.code == code.upper())
            return unit_view(repo, scope, unit, now, self.console.zone)

        view = await self.console.read(read)
        data = {
            "view": view,
            "period": periods.parse(view.scope.round.period).label,
            "notice": request.query.get("tb", ""),
            "State": State,
        }
        return self.console.page(request, "unit.html", data)

    async def return_report(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        reason = form.get("ly_do")
        return await self._decide(request, returning=True, reason=str(reason or ""))

    async def approve(self, request: web.Request) -> web.StreamResponse:
        return await self._decide(request, returning=False, reason="")

    async def _decide(
        self, request: web.Request, *, returning: bool, reason: str
    ) -> web.StreamResponse:
        context = _context(request)
        round_id, code = int(request.match_info["round_id"]), request.match_info["code"]
        now = self.console.clock()

        def act(repo: Repository) -> tuple[decisions.Decision, list[Any]]:
            _unit_scope(repo, context, round_id, code)  # 404 outside the viewer's scope
            decision = decisions.decide(
                repo,
                context.viewer.user_id,
                context.viewer.tops,
                code,
                returning=returning,
                reason=reason,
                now=now,
                round_id=round_id,
            )
            return decision, chat_outbox.queue(repo, list(decision.notices), now)

        decision, notices = await self.console.write(act)
        await self.console.deliver(notices)
        if decision.refused is not None:
            outcome = decision.refused.value
        else:
            outcome = "tra-lai" if returning else "duyet"
        prefix = PREFIX
        raise web.HTTPSeeOther(f"{prefix}/ky/{round_id}/don-vi/{quote(code.upper())}?tb={outcome}")

    # --- an indicator across units ------------------------------------------------------------
    async def indicator_page(self, request: web.Request) -> web.Response:
        """One figure across units (``ma``), with charts; or a whole section (``phan``)."""
        context = _context(request)
        round_id = int(request.match_info["round_id"])
        code = request.query.get("ma", "").strip()
        part = request.query.get("phan", "").strip()
        now = self.console.clock()

        def read(repo: Repository) -> dict[str, Any]:
            found = _round_scopes(repo, context, round_id)
            options = across.choices(repo, found[0])
            parts = across.sections(repo, found[0])
            if part:
                tables = [across.section(repo, scope, part, now) for scope in found]
                return {
                    "options": options,
                    "parts": parts,
                    "chosen": "",
                    "part": part,
                    "figures": [],
                    "tables": [t for t in tables if t is not None],
                }
            chosen = code or options[0].code
            figures = [across.across(repo, scope, chosen, now) for scope in found]
            return {
                "options": options,
                "parts": parts,
                "chosen": chosen,
                "part": "",
                "figures": [f for f in figures if f is not None],
                "tables": [],
            }

        data = await self.console.read(read)
        if not data["figures"] and not data["tables"]:
            raise NotFound
        first = (data["figures"] or data["tables"])[0]
        data["figures"] = [(f, charts.by_unit(f), charts.over_periods(f)) for f in data["figures"]]
        data["round_id"] = round_id
        data["period"] = periods.parse(first.scope.round.period).label
        return self.console.page(request, "indicator.html", data)

    # --- downloads ----------------------------------------------------------------------------
    async def compiled(self, request: web.Request) -> web.Response:
        context = _context(request)
        round_id = int(request.match_info["round_id"])
        top = await self.console.read(lambda repo: _round_scopes(repo, context, round_id)[0].top)
        return await self._document(documents.spec(documents.COMPILED, round_id, top.id))

    async def summary_draft(self, request: web.Request) -> web.Response:
        """The Word draft of the summary report over the viewer's units (as /duthao)."""
        context = _context(request)
        round_id = int(request.match_info["round_id"])
        top = await self.console.read(lambda repo: _round_scopes(repo, context, round_id)[0].top)
        return await self._document(documents.spec(documents.DRAFT, round_id, top.id))

    async def appendix(self, request: web.Request) -> web.Response:
        return await self._unit_file(request, documents.APPENDIX)

    async def unit_draft(self, request: web.Request) -> web.Response:
        return await self._unit_file(request, documents.DRAFT)

    async def _unit_file(self, request: web.Request, kind: str) -> web.Response:
        context = _context(request)
        round_id, code = int(request.match_info["round_id"]), request.match_info["code"]

        def read(repo: Repository) -> int:
            scope = _unit_scope(repo, context, round_id, code)
            return next(u.id for u in scope.units if u.code == code.upper())  # type: ignore[return-value]

        unit_id = await self.console.read(read)
        return await self._document(documents.spec(kind, round_id, unit_id))

    async def _document(self, file_spec: str) -> web.Response:
        assert self.console.document is not None
        document = await asyncio.to_thread(self.console.document, file_spec)
        return attachment(document.data, document.filename, documents.media_type(file_spec))

    async def flat_file(self, request: web.Request) -> web.Response:
        context = _context(request)
        round_id, fmt = int(request.match_info["round_id"]), request.match_info["fmt"]
        now = self.console.clock()

        def read(repo: Repository) -> tuple[str, str]:
            scope = _round_scopes(repo, context, round_id)[0]
            report = load_round_report(repo, scope.round, scope.top, now=now)
            text = flat.to_csv(report) if fmt == "csv" else flat.to_json(report)
            return text, names.compiled_file_name(scope.round.period, scope.top.name, fmt)

        text, filename = await self.console.read(read)
        media = "text/csv" if fmt == "csv" else "application/json"
        return attachment(text.encode("utf-8"), filename, media, "utf-8")

    # --- Lịch sử -------------------------------------------------------------------------------
    async def history(self, request: web.Request) -> web.Response:
        context = _context(request)
        now = self.console.clock()

        def read(repo: Repository) -> list[RoundStatus]:
            rounds = sorted(repo.rounds(), key=lambda r: (r.cutoff_end, r.id), reverse=True)
            return [
                round_status(repo, scope, now, self.console.zone)
                for round_ in rounds
                for top in context.viewer.tops
                for scope in scopes(repo, top, [round_])
            ]

        data = {"statuses": await self.console.read(read), "periods": periods}
        return self.console.page(request, "history.html", data)
