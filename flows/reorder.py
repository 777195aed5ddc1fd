"""A person's late message put back in its place: undo what came after it, apply it, redo.

Chat apps number each person's messages (Telegram's update_id), and the bot applies them in
that order. Yet two of them can still reach the bot the wrong way round: Telegram delivers a
person's button presses and typed messages through separate queues, and with several bot
processes behind a load balancer one can be slower than the other. An officer who presses
"Bỏ qua" on III.2.3 and at once types the figure for III.2.4 means the figure for III.2.4,
whichever arrives first.

So every applied message keeps how to undo what it did (its ``Undo``: the place on screen and
the answers it changed, as they were before it). When a message arrives numbered before ones
already applied, the later ones are undone, the late one is applied where the officer was when
they sent it, and the later ones are applied again on top, each to the question it was meant
for. That is how "the question on screen when it was typed" is decided: the question the
conversation was at once every message numbered before it had been applied, which is what the
officer saw or, typing ahead, was about to see.

Pure: events and states in, states and replies out; the shell stores and loads them as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flows import answers as ans
from flows import engine, texts
from flows.catalog import Template
from flows.engine import Answer, Command, Event, Press, Reply, Session, State, Text

# Commands that only show something: a late one is answered where the officer is now.
SHOWS_ONLY = frozenset({"xem", "trogiup", "help", "xuat"})
# Commands that move or change the report, and so have a place in the order.
PLACED_COMMANDS = frozenset({"sua", "ghichu", "nop", "baocao", "start", "batdau", "tieptuc"})


# --- events as data
def event_to_json(event: Event) -> str:
    if isinstance(event, Text):
        data: dict[str, str] = {"type": "text", "text": event.text}
    elif isinstance(event, Press):
        data = {"type": "press", "option_id": event.option_id}
    else:
        data = {"type": "command", "name": event.name, "args": event.args}
    return json.dumps(data, ensure_ascii=False)


def event_from_json(raw: str) -> Event | None:
    try:
        data = json.loads(raw)
        kind = data["type"]
        if kind == "text":
            return Text(str(data["text"]))
        if kind == "press":
            return Press(str(data["option_id"]))
        if kind == "command":
            return Command(str(data["name"]), str(data.get("args", "")))
    except (ValueError, KeyError, TypeError):
        pass
    return None


def has_place(event: Event) -> bool:
    """Whether the order matters: answers, presses and commands that move or change things."""
    return not isinstance(event, Command) or event.name in PLACED_COMMANDS


# --- undoing one message
@dataclass(frozen=True)
class Undo:
    """What one applied message changed in one report, as it was before the message."""

    submission_id: int
    session: Session
    answers: Mapping[str, Answer]  # every answer it changed; Answer() for one that was absent
    status: str


def undo_of(submission_id: int, before: State, after: State) -> Undo:
    old, new = before.report.answers, after.report.answers
    changed = {
        code: old.get(code, Answer())
        for code in set(old) | set(new)
        if old.get(code, Answer()) != new.get(code, Answer())
    }
    return Undo(submission_id, before.session, changed, before.report.status)


def undo_to_json(undo: Undo) -> str:
    return json.dumps(
        {
            "submission": undo.submission_id,
            "session": undo.session.to_json(),
            "answers": {
                code: [ans.encode(a.value), a.skipped, a.note] for code, a in undo.answers.items()
            },
            "status": undo.status,
        },
        ensure_ascii=False,
    )


def undo_from_json(raw: str, template: Template) -> Undo | None:
    try:
        data: dict[str, Any] = json.loads(raw)
        answers = {}
        for code, (value, skipped, note) in data["answers"].items():
            indicator = template.by_code.get(code)
            if indicator is None:
                return None
            answers[code] = Answer(ans.decode(indicator, value), bool(skipped), note)
        return Undo(
            int(data["submission"]),
            Session.from_json(data["session"]),
            answers,
            str(data["status"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


# --- replaying
@dataclass(frozen=True)
class Applied:
    """A message applied after the late one, with how to undo what it did."""

    event: Event
    undo: Undo


@dataclass(frozen=True)
class Replayed:
    state: State  # after the late message and every later one, in their order
    late_undo: Undo  # how to undo the late message, where it now stands
    later_undos: list[Undo]  # the same for each later message, replayed


def can_replay(submission_id: int, later: Sequence[Applied]) -> bool:
    """Only within one report, and never across a submission: a sent report stays as sent."""
    return bool(later) and all(
        a.undo.submission_id == submission_id
        and a.undo.status in engine.EDITABLE
        and not (isinstance(a.event, Press) and a.event.option_id == "submit")
        for a in later
    )


def rewind(current: State, later: Sequence[Applied]) -> State:
    """The state before the first of ``later``: their undos applied, the last one first."""
    answers = dict(current.report.answers)
    for applied in reversed(later):
        answers.update(applied.undo.answers)
    answers = {code: a for code, a in answers.items() if a != Answer()}  # absent, as before
    first = later[0].undo
    report = replace(current.report, answers=answers, status=first.status)
    return State(report, first.session)


def replay(
    current: State, late: Event, submission_id: int, later: Sequence[Applied], now: datetime
) -> Replayed:
    state = rewind(current, later)
    after, _ = engine.step(state, late, now)
    late_undo = undo_of(submission_id, state, after)
    undos = []
    for applied in later:
        following, _ = engine.step(after, applied.event, now)
        undos.append(undo_of(submission_id, after, following))
        after = following
    return Replayed(after, late_undo, undos)


def summary(before: State, after: State) -> Reply:
    """What the reordering changed, against what the officer last saw, then where they are."""
    template = before.report.template
    lines = []
    for ind in template.asked:
        old = before.report.answers.get(ind.code, Answer())
        new = after.report.answers.get(ind.code, Answer())
        if (old.value, old.skipped) == (new.value, new.skipped):
            continue
        if new.value is not None:
            shown = ans.show(ind, new.value)
        else:
            shown = texts.SKIPPED if new.skipped else texts.MISSING
        lines.append(texts.reordered_line(ind.code, ind.label, shown))
    prompt = engine.prompt(after)
    head = texts.reordered(lines)
    return Reply(f"{head}\n\n{prompt.text}", prompt.options, prompt.asks)
