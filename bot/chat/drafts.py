"""The reviewer's /duthao: the summary report of its units, drafted in Word from their figures.

/duthao gives the summary of every open round the reviewer's units file; /duthao 2024-Q3 that
period's; /duthao <mã> one unit's own draft (as its officer gets it), in either order, as
/xuat reads its words. The file is named by a spec and built after the reply's transaction
(bot/chat/documents), like the compiled workbook.
"""

from __future__ import annotations

from bot.chat import documents
from bot.review.scope import scopes_for_period
from flows import periods, texts
from flows.engine import Reply
from storage.models import Unit
from storage.repository import Repository


def summary_drafts(repo: Repository, tops: list[Unit], args: str) -> list[Reply]:
    period, unit_code = None, None
    for word in args.split():
        if periods.PATTERN.match(word.upper()):
            period = periods.parse(word).code
        else:
            unit_code = word.upper()
    replies = []
    for top in tops:
        for scope in scopes_for_period(repo, top, period):
            assert scope.round.id is not None and top.id is not None
            if unit_code is None:
                file_spec = documents.spec(documents.DRAFT, scope.round.id, top.id)
                replies.append(Reply(texts.SUMMARY_DRAFT_CAPTION, attachment=file_spec))
                continue
            unit = next((u for u in scope.units if u.code == unit_code), None)
            if unit is not None and unit.id is not None:
                file_spec = documents.spec(documents.DRAFT, scope.round.id, unit.id)
                replies.append(Reply(texts.DRAFT_CAPTION, attachment=file_spec))
    if replies:
        return replies
    if unit_code is not None:
        return [Reply(texts.unit_out_of_scope(unit_code))]
    if period is not None:
        return [Reply(texts.no_round_for_period(period))]
    return [Reply(texts.NO_ROUND_FOR_REVIEW)]
