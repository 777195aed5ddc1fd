"""The officer's conversation as a pure state machine: ``step(state, event) -> (state, replies)``.

No I/O and no chat framework here (sans-IO, in the manner of h11): the shell loads the report
and the officer's place in it from the database, calls ``step``, stores what changed and only
then delivers the replies. Telegram, Zalo and the console are skins over this one module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from flows import answers as ans
from flows import conditions, formulas, rules, texts
from flows.answers import Value
from flows.catalog import Indicator, Kind, Template
from flows.spoken import spoken

EDITABLE = frozenset({"draft", "returned"})
APPENDIX = "appendix"
DRAFT = "draft"  # the Word draft of the narrative report, written from the figures
NOTE_LIMIT = 500  # characters: a note is a remark beside a figure, not a report of its own


# --- data
@dataclass(frozen=True)
class Answer:
    value: Value | None = None
    skipped: bool = False
    note: str | None = None

    @property
    def done(self) -> bool:
        """Answered or deliberately skipped: the engine will not ask it again by itself."""
        return self.value is not None or self.skipped


@dataclass(frozen=True)
class Report:
    """One unit's submission for one round, as the engine needs it."""

    template: Template
    unit_name: str
    period_label: str
    deadline: date
    answers: Mapping[str, Answer] = field(default_factory=dict)
    previous: Mapping[str, Value] = field(default_factory=dict)
    status: str = "draft"
    status_note: str | None = None
    submitted_at: datetime | None = None
    today: date | None = None  # the shell's clock, for "còn 3 ngày"; None in pure tests
    reviewer: str | None = None  # who returns a report on request, named in what officers read

    def value(self, code: str) -> Value | None:
        a = self.answers.get(code)
        return a.value if a else None

    def values(self) -> dict[str, Value | None]:
        return {code: a.value for code, a in self.answers.items()}

    @property
    def asked(self) -> tuple[Indicator, ...]:
        """The questions this report asks now: the template's, less rows whose condition does
        not hold (``relevant``), which are neither asked nor missing and print empty."""
        template = self.template
        if not template.conditional:
            return template.asked
        values = self.values()
        return tuple(
            i
            for i in template.asked
            if not i.relevant or conditions.parse(i.relevant).holds(values)
        )

    @property
    def answered(self) -> int:
        """Answered or skipped: the questions the officer has been through."""
        return sum(1 for i in self.asked if self._done(i.code))

    @property
    def filled(self) -> int:
        """Questions with a figure (or a choice, a text): what "đã trả lời" counts."""
        return sum(1 for i in self.asked if self.value(i.code) is not None)

    @property
    def skipped(self) -> int:
        return self.answered - self.filled

    def _done(self, code: str) -> bool:
        a = self.answers.get(code)
        return bool(a and a.done)

    def missing(self) -> list[str]:
        return [i.code for i in self.asked if not self._done(i.code)]


PendingKind = Literal["intro", "soft", "unclear", "submit"]


@dataclass(frozen=True)
class Pending:
    """A question put to the officer that is not an indicator (confirm, pick a reading)."""

    kind: PendingKind
    readings: tuple[str, ...] = ()  # plain decimals for "soft" (one) and "unclear" (one or more)
    why: str = ""  # for "soft": "previous", or "above:<code>" for a soft part-of-whole rule


@dataclass(frozen=True)
class Session:
    """Where this officer is: the indicator on screen and any confirmation awaited.

    ``answered`` is the indicator the last message saved (or skipped), so that a /ghichu sent
    right after an answer goes to it rather than to the next question just put on screen.
    """

    code: str | None = None
    pending: Pending | None = None
    answered: str | None = None

    def to_json(self) -> dict[str, object]:
        p = self.pending
        pending = p and {"kind": p.kind, "readings": list(p.readings), "why": p.why}
        return {"code": self.code, "pending": pending, "answered": self.answered}

    @classmethod
    def from_json(cls, data: Mapping[str, object] | None) -> Session:
        if not data:
            return cls()
        p = data.get("pending")
        pending = (
            Pending(p["kind"], tuple(p.get("readings", ())), str(p.get("why") or ""))  # type: ignore[index,union-attr,arg-type]
            if isinstance(p, dict)
            else None
        )
        code, answered = data.get("code"), data.get("answered")
        return cls(
            code if isinstance(code, str) else None,
            pending,
            answered if isinstance(answered, str) else None,
        )


@dataclass(frozen=True)
class State:
    report: Report
    session: Session = Session()


# --- events
@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Press:
    option_id: str


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""


Event = Text | Press | Command


def parse_event(text: str) -> Event:
    """A typed line: '/sua III.2.3' is a command (with or without '@botname'), else text."""
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        head, _, rest = stripped[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        return Command(name, rest.strip())
    return Text(text)


# --- replies
@dataclass(frozen=True)
class Option:
    """A choice offered with a reply; each transport decides how to show it.

    ``key`` is what a text-only chat types for it (a choice's code, or 1/2 for a confirmation);
    options without a key are typed by their label. ``id`` is short enough for Telegram's
    64-byte callback data and names the indicator, so a stale button cannot act on another one.
    """

    id: str
    label: str
    key: str | None = None


@dataclass(frozen=True)
class Reply:
    """``asks`` marks a question awaiting a typed value, so options read as alternatives.

    ``attachment`` asks the shell for a file to go with the text ("appendix": this unit's
    appendix spreadsheet; "draft": its report drafted in Word); the engine names it, the shell
    builds it, the transport sends it.
    """

    text: str
    options: tuple[Option, ...] = ()
    asks: bool = False
    attachment: str | None = None


# --- the step
def step(state: State, event: Event, now: datetime) -> tuple[State, list[Reply]]:
    state = _settled(state)
    if isinstance(event, Command):
        return _command(state, event, now)
    if isinstance(event, Press):
        option = _find_option(state, event.option_id)
        if option is None:
            return state, [_with_prompt(state, texts.STALE_CHOICE)]
        return _choose(state, option.id, now)
    option = _match_typed(state, event.text)
    if option is not None:
        return _choose(state, option.id, now)
    return _typed(state, event.text)


def _settled(state: State) -> State:
    """A question no longer asked (its condition stopped holding) is left for the next one."""
    code = state.session.code
    if code is None or any(i.code == code for i in state.report.asked):
        return state
    return replace(state, session=Session(_next_code(state.report, code)))


def offers(state: State, option_id: str) -> bool:
    """Whether a pressed button still means something (an old question's button does not)."""
    return _find_option(state, option_id) is not None


def prompt(state: State, *, hint: bool | None = None) -> Reply:
    """What the officer should be looking at now; re-sent after errors and on resume."""
    state = _settled(state)
    report, session = state.report, state.session
    pending = session.pending
    if report.status not in EDITABLE:
        return Reply(
            texts.locked(report.status, report.submitted_at, report.reviewer),
            (_review_option(),),
        )
    if pending and pending.kind == "intro":
        return _intro(state)
    if pending and pending.kind == "submit":
        return _submit_prompt(report)
    if session.code is None:
        if not report.missing():
            return _done_prompt(report)
        return _intro(state)
    ind = report.template.by_code[session.code]
    if pending and pending.kind == "soft":
        return _soft_prompt(report, ind, pending)
    if pending and pending.kind == "unclear":
        return _unclear_prompt(ind, pending)
    return _question(report, ind, hint=hint)


def _offered(state: State) -> tuple[Option, ...]:
    """The options of ``prompt(state)``; a question's without writing out its text."""
    settled = _settled(state)
    report, session = settled.report, settled.session
    if report.status in EDITABLE and session.code is not None and session.pending is None:
        ind = report.template.by_code[session.code]
        return _question_options(report, ind, _position(report, ind))
    return prompt(settled).options


def _soft_prompt(report: Report, ind: Indicator, pending: Pending) -> Reply:
    shown = ans.show(ind, _decimal(pending.readings[0]))
    if pending.why.startswith("above:"):
        whole = report.template.by_code[pending.why.removeprefix("above:")]
        text = texts.above_usual(
            ind.full_label, shown, whole.full_label, ans.show(whole, report.value(whole.code))
        )
    else:
        text = texts.far_from_previous(shown, ans.show(ind, report.previous.get(ind.code)))
    return Reply(
        f"{ind.code}  {ind.full_label}\n{text}",
        (
            Option(f"ok:{ind.code}", texts.confirm_value(shown), "1"),
            Option(f"re:{ind.code}", texts.RETYPE, "2"),
        ),
    )


def _unclear_prompt(ind: Indicator, pending: Pending) -> Reply:
    """Readings spelled out in words, so "5.404" and "5,404" cannot be mistaken on a phone."""
    readings = [_decimal(r) for r in pending.readings]
    shown = [ans.show(ind, r) for r in readings]
    spelled = [spoken(r) for r in readings]
    if len(readings) == 1:
        return Reply(
            f"{ind.code}  {ind.full_label}\n{texts.did_you_mean(shown[0], spelled[0])}",
            (
                Option(f"pick:{ind.code}:0", texts.confirm_value(shown[0]), "1"),
                Option(f"re:{ind.code}", texts.RETYPE, "2"),
            ),
        )
    return Reply(
        f"{ind.code}  {ind.full_label}\n{texts.ambiguous(list(zip(shown, spelled, strict=True)))}",
        tuple(Option(f"pick:{ind.code}:{n}", shown[n], str(n + 1)) for n in range(len(readings))),
    )


def _intro(state: State) -> Reply:
    report = state.report
    lines = [
        texts.intro(
            report.unit_name,
            report.period_label,
            report.deadline,
            report.today,
            report.filled,
            report.skipped,
            len(report.asked),
        )
    ]
    if report.status == "returned":
        lines.append(texts.returned(report.status_note))
    label = texts.CONTINUE if report.answered else texts.START
    return Reply("\n".join(lines), (Option("start", label),))


def _question(report: Report, ind: Indicator, *, hint: bool | None = None) -> Reply:
    """The question; the input hint once per section (or kind), and again after an error."""
    template = report.template
    asked = report.asked
    index = _position(report, ind)
    section = template.section(ind.section)
    unit = f" ({ind.unit})" if ind.unit and ind.kind is not Kind.CHOICE else ""
    lines = [
        texts.question_header(index, len(asked), f"{section.code}. {section.label}"),
        f"{ind.code}  {ind.full_label}{unit}",
    ]
    previous = report.previous.get(ind.code)
    current = report.answers.get(ind.code, Answer())
    offers_previous = ind.carry_over and current.value is None
    if previous is not None and not offers_previous:  # the button says it otherwise
        lines.append(texts.previous_line(ans.show(ind, previous)))
    if current.value is not None:
        lines.append(texts.current_line(ans.show(ind, current.value)))
    elif current.skipped:
        lines.append(texts.current_line(texts.SKIPPED))
    if current.note:
        lines.append(texts.note_line(current.note))
    if ind.hint:
        lines.append(f"💡 {ind.hint}")
    if hint if hint is not None else _starts_a_kind(asked, index - 1):
        lines.append(texts.INPUT_HINTS[ind.kind.value])
    return Reply("\n".join(lines), _question_options(report, ind, index), asks=True)


def _position(report: Report, ind: Indicator) -> int:
    """The question's number among those asked, from 1."""
    return next(n for n, i in enumerate(report.asked, 1) if i.code == ind.code)


def _question_options(report: Report, ind: Indicator, index: int) -> tuple[Option, ...]:
    """A question's buttons, apart from its text: typed words and presses are matched
    against them without writing out the question they belong to."""
    previous = report.previous.get(ind.code)
    current = report.answers.get(ind.code, Answer())
    options: list[Option] = [
        Option(f"set:{ind.code}:{c.code}", f"{c.code} = {c.label}", str(c.code))
        for c in ind.choices
    ]
    if current.value is not None:
        options.append(Option(f"same:{ind.code}", texts.keep_current(ans.show(ind, current.value))))
    elif ind.carry_over and previous is not None:
        options.append(Option(f"keep:{ind.code}", texts.keep_previous(ans.show(ind, previous))))
    options.append(Option(f"skip:{ind.code}", texts.SKIP))
    if index > 1:
        options.append(Option(f"back:{ind.code}", texts.BACK))
    return tuple(options)


def _starts_a_kind(asked: tuple[Indicator, ...], position: int) -> bool:
    """The first question of its section, or the first of its kind after another kind."""
    if position == 0:
        return True
    before, this = asked[position - 1], asked[position]
    return before.section != this.section or before.kind is not this.kind


def _done_prompt(report: Report) -> Reply:
    return Reply(
        texts.all_answered(report.filled, report.skipped, len(report.asked)),
        (Option("nop", texts.SUBMIT, "1"), _review_option("2")),
    )


def _review_option(key: str | None = None) -> Option:
    return Option("xem", texts.REVIEW, key)


def _submit_prompt(report: Report) -> Reply:
    missing = report.missing()
    return Reply(
        texts.submit_question(
            report.period_label,
            report.unit_name,
            report.filled,
            report.skipped,
            len(report.asked),
            missing,
            report.reviewer,
        ),
        (Option("submit", texts.CONFIRM_SUBMIT, "1"), Option("cancel", texts.CANCEL, "2")),
    )


def _with_prompt(state: State, message: str, *, hint: bool | None = None) -> Reply:
    """A message, then the question still open (its text and its choices), so the officer
    never has to scroll back to see what is being asked."""
    p = prompt(state, hint=hint)
    return Reply(f"{message}\n\n{p.text}", p.options, p.asks)


def refusal(state: State, message: str) -> Reply:
    """A message the shell refused before reading it, then the question still open."""
    return _with_prompt(state, message)


# Options not tied to an indicator (in the intro, the review's footer, after submitting) stay
# valid whatever is on screen; indicator-bound ones only while their question is current.
ANYTIME = {"start": texts.CONTINUE, "xem": texts.REVIEW, "nop": texts.SUBMIT}
ANYTIME_WORDS = {
    ans.fold(label): option_id for option_id, label in (*ANYTIME.items(), ("start", texts.START))
}


def _find_option(state: State, option_id: str) -> Option | None:
    if option_id in ANYTIME:
        return Option(option_id, ANYTIME[option_id])
    return next((o for o in _offered(state) if o.id == option_id), None)


def _match_typed(state: State, typed: str) -> Option | None:
    """Typed text that names an offered option acts as pressing it ('bo qua', '1' for a key)."""
    wanted = ans.fold(typed)
    if not wanted:
        return None
    options = _offered(state)
    for option in options:
        if option.key is not None and wanted == option.key:
            return option
        if wanted in (ans.fold(option.label), ans.fold(option.label.split(":")[0])):
            return option
    if len(wanted) >= 3:  # "giu", "quay": a unique start of a word-option is enough
        hits = [o for o in options if o.key is None and ans.fold(o.label).startswith(wanted)]
        if len(hits) == 1:
            return hits[0]
    if wanted in ANYTIME_WORDS:
        return _find_option(state, ANYTIME_WORDS[wanted])
    return None


# --- pressing an option
def _choose(state: State, option_id: str, now: datetime) -> tuple[State, list[Reply]]:
    action, _, rest = option_id.partition(":")
    report, session = state.report, state.session
    if action == "start":
        code = session.code if session.code and _editable(report) else _next_code(report, None)
        new = replace(state, session=Session(code))
        return new, [prompt(new)]
    if action == "xem":
        return state, _review(report, "")
    if action == "nop":
        return _command(state, Command("nop"), now)
    if action == "submit":
        return _submit(state, now)
    if action == "cancel":
        new = replace(state, session=Session(_next_code(report, None)))
        return new, [_with_prompt(new, texts.SUBMIT_CANCELLED)]
    code, _, arg = rest.partition(":")
    ind = report.template.by_code[code]
    if action == "set":
        return _save(state, ind, int(arg), [])
    if action == "keep":
        return _save(state, ind, report.previous[code], [], check_soft=False)
    if action == "same":
        return _advance(state, code, [])
    if action == "skip":
        return _skip(state, ind)
    if action == "back":
        return _back(state, code)
    if action == "ok":
        return _save(state, ind, _decimal(session.pending.readings[0]), [], check_soft=False)  # type: ignore[union-attr]
    if action == "re":
        new = replace(state, session=Session(code))
        return new, [prompt(new)]
    if action == "pick":
        value = _decimal(session.pending.readings[int(arg)])  # type: ignore[union-attr]
        return _save(replace(state, session=Session(code)), ind, value, [])
    raise ValueError(f"unknown option {option_id}")


def _typed(state: State, typed: str) -> tuple[State, list[Reply]]:
    report, session = state.report, state.session
    if not _editable(report):
        return state, [prompt(state)]
    if session.code is None or (session.pending and session.pending.kind in ("intro", "submit")):
        # Nothing on screen to answer: show where the officer is rather than guess.
        code = session.code or _next_code(report, None)
        new = replace(state, session=Session(code))
        return new, [prompt(new)]
    ind = report.template.by_code[session.code]
    if ans.fold(typed) in BACK_WORDS:  # "quay lại" where no button offers it: the first question
        return _back(state, ind.code)
    reading = ans.read(ind, typed)
    if isinstance(reading, ans.Rejected):
        fresh = replace(state, session=Session(ind.code))
        return fresh, [_with_prompt(fresh, reading.message, hint=False)]  # it says what to type
    if isinstance(reading, ans.Unclear):
        return _ask_reading(state, ind, reading.readings)
    value, other = reading.value, reading.alternative
    if other is not None and isinstance(value, Decimal) and _doubtful(report, ind, value, other):
        return _ask_reading(state, ind, (value, other))
    return _save(replace(state, session=Session(ind.code)), ind, value, [])


BACK_WORDS = frozenset({ans.fold(texts.BACK), "quay lai", "lui", "lui lai", "tro lai"})


def _ask_reading(
    state: State, ind: Indicator, readings: tuple[Decimal, ...]
) -> tuple[State, list[Reply]]:
    pending = Pending("unclear", tuple(ans.plain(r) for r in readings))
    new = replace(state, session=Session(ind.code, pending))
    return new, [prompt(new)]


def _doubtful(report: Report, ind: Indicator, value: Decimal, other: Decimal) -> bool:
    """Whether "5.404" read as 5.404 thousand is the doubtful reading, and so worth a question.

    Read the Vietnamese way unless that breaks a rule the other reading keeps, or last period's
    figure is close to the other reading and far from this one.
    """
    values = report.values()
    template = report.template
    if rules.violation(template, ind.code, value, values) and not rules.violation(
        template, ind.code, other, values
    ):
        return True
    previous = report.previous.get(ind.code)
    return (
        isinstance(previous, Decimal)
        and rules.far_from_previous(ind, value, previous)
        and not rules.far_from_previous(ind, other, previous)
    )


# --- saving
def _save(
    state: State,
    ind: Indicator,
    value: Value,
    lines: list[str],
    *,
    check_soft: bool = True,
) -> tuple[State, list[Reply]]:
    report = state.report
    if not _editable(report):
        return state, [prompt(state)]
    value = ans.normalise(ind, value)
    problem = rules.violation(report.template, ind.code, value, report.values())
    if problem:
        fresh = replace(state, session=Session(ind.code))
        return fresh, [_with_prompt(fresh, problem, hint=False)]
    why = _soft_reason(report, ind, value) if check_soft else None
    if why is not None:
        assert isinstance(value, Decimal)
        pending = Pending("soft", (ans.plain(value),), why)
        new = replace(state, session=Session(ind.code, pending))
        return new, [prompt(new)]
    old = report.answers.get(ind.code, Answer())
    updated = _with_answer(report, ind.code, replace(old, value=value, skipped=False))
    announcements = _announce(updated, ind.code)
    return _advance(
        replace(state, report=updated),
        ind.code,
        [*lines, texts.saved(ind.code, ans.show(ind, value)), *announcements],
    )


def _soft_reason(report: Report, ind: Indicator, value: Value) -> str | None:
    """Why a figure is worth confirming (once, never blocking), or None."""
    if not isinstance(value, Decimal):
        return None
    if rules.far_from_previous(ind, value, report.previous.get(ind.code)):
        return "previous"
    for whole in ind.soft_at_most:
        other = report.value(whole)
        if isinstance(other, Decimal) and value > other:
            return f"above:{whole}"
    return None


def _skip(state: State, ind: Indicator) -> tuple[State, list[Reply]]:
    report = state.report
    if not _editable(report):
        return state, [prompt(state)]
    old = report.answers.get(ind.code, Answer())
    updated = _with_answer(report, ind.code, replace(old, value=None, skipped=True))
    return _advance(replace(state, report=updated), ind.code, [texts.SKIP_SAVED])


def _with_answer(report: Report, code: str, answer: Answer) -> Report:
    answers = {**report.answers, code: answer}
    report = replace(report, answers=answers)
    return recompute(report, code)


def recompute(report: Report, changed: str | None = None) -> Report:
    """Computed ratios always equal their parts: recomputed after every change, never asked.

    Given the one figure that ``changed``, only the ratios resting on it are recomputed (the
    others were equal to their parts before and still are).
    """
    template = report.template
    leaf_refs = template.leaf_refs
    computed = [
        (i.code, i.formula)
        for i in template.computed
        if changed is None or changed in leaf_refs[i.code]
    ]
    if not computed:
        return report
    known = {c: v for c, v in report.values().items() if isinstance(v, Decimal)}
    results = formulas.evaluate_all(computed, known)
    answers = dict(report.answers)
    for code, value in results.items():
        current = answers.get(code)
        if (current.value if current else None) != value:
            answers[code] = Answer(value=value, note=current.note if current else None)
    return replace(report, answers=answers)


def _announce(report: Report, changed: str) -> list[str]:
    """Ratios that the change completed, once all their parts are known."""
    out: list[str] = []
    template = report.template
    for ind in template.computed:
        refs = template.leaf_refs[ind.code]
        if changed not in refs:
            continue
        if not all(isinstance(report.value(r), Decimal) for r in refs):
            continue
        value = report.value(ind.code)
        if value is None:
            out.append(texts.ratio_empty(ind.code, ind.label))
        else:
            out.append(texts.ratio_announced(ind.code, ind.label, ans.show(ind, value)))
    return out


# --- moving
def _advance(state: State, after: str, lines: list[str]) -> tuple[State, list[Reply]]:
    """On to the next open question; ``after`` was just answered (a note may follow for it)."""
    code = _next_code(state.report, after)
    new = replace(state, session=Session(code, answered=after))
    p = prompt(new)
    text = "\n".join([*lines, "", p.text]) if lines else p.text
    return new, [Reply(text, p.options, p.asks)]


def _next_code(report: Report, after: str | None) -> str | None:
    """The next question not yet answered, after ``after`` first, then from the top."""
    asked = [i.code for i in report.asked]
    start = asked.index(after) + 1 if after in asked else 0
    for code in [*asked[start:], *asked[:start]]:
        a = report.answers.get(code)
        if not (a and a.done):
            return code
    return None


def _back(state: State, code: str) -> tuple[State, list[Reply]]:
    asked = [i.code for i in state.report.asked]
    index = asked.index(code) if code in asked else len(asked)
    if index == 0:
        return state, [_with_prompt(state, texts.FIRST_QUESTION)]
    new = replace(state, session=Session(asked[index - 1]))
    return new, [prompt(new)]


def _editable(report: Report) -> bool:
    return report.status in EDITABLE


# --- commands
def _command(state: State, command: Command, now: datetime) -> tuple[State, list[Reply]]:
    name, args = command.name, command.args
    report, session = state.report, state.session
    if name in ("baocao", "start", "batdau", "tieptuc"):
        if not _editable(report):
            return state, [prompt(state)]
        new = replace(state, session=Session(session.code, Pending("intro")))
        return new, [prompt(new)]
    if name == "xuat":
        return state, [Reply(texts.APPENDIX_CAPTION, attachment=APPENDIX)]
    if name == "duthao":
        return state, [Reply(texts.DRAFT_CAPTION, attachment=DRAFT)]
    if name in ("trogiup", "help"):
        return state, [_with_prompt(state, texts.HELP)]
    if name == "xem":
        return state, _review(report, args)
    if name == "sua":
        return _jump(state, args)
    if name == "ghichu":
        return _note(state, args)
    if name == "nop":
        if not _editable(report):
            return state, [prompt(state)]
        new = replace(state, session=Session(session.code, Pending("submit")))
        return new, [prompt(new)]
    return state, [_with_prompt(state, texts.unknown_command(name))]


def _jump(state: State, args: str) -> tuple[State, list[Reply]]:
    report = state.report
    if not _editable(report):
        return state, [prompt(state)]
    wanted = args.strip().upper().rstrip(".")
    if not wanted:
        return state, [Reply(texts.SUA_USAGE)]
    template = report.template
    ind = template.by_code.get(wanted)
    if ind is None:
        return state, [Reply(texts.unknown_code(args.strip()))]
    lines: list[str] = []
    if ind.kind is Kind.RATIO_COMPUTED:
        parts = sorted(template.leaf_refs[ind.code], key=_order(template))
        lines.append(texts.computed_not_asked(ind.code, ind.label, ", ".join(parts)))
        ind = template.by_code[parts[0]]
    elif ind.kind is Kind.GROUP:
        child = next(
            (
                i
                for i in report.asked
                if i.section == ind.section and i.stt.startswith(ind.stt + ".")
            ),
            None,
        )
        if child is None:
            return state, [_with_prompt(state, texts.group_not_asked(ind.code))]
        ind = child
    if not any(i.code == ind.code for i in report.asked):
        message = (
            texts.not_relevant(ind.code, ind.relevant) if ind.ask else texts.not_for_level(ind.code)
        )
        return state, [_with_prompt(state, message)]
    new = replace(state, session=Session(ind.code))
    p = prompt(new)
    return new, [Reply("\n\n".join([*lines, p.text]), p.options, p.asks)]


def _order(template: Template):
    position = {i.code: n for n, i in enumerate(template.indicators)}
    return lambda code: position[code]


def _note(state: State, args: str) -> tuple[State, list[Reply]]:
    """/ghichu [mã] <nội dung>, or "-" to remove: for the indicator named, else the one just
    answered, else the one on screen; the reply names which, and the open question follows."""
    report, session = state.report, state.session
    if not _editable(report):
        return state, [prompt(state)]
    template = report.template
    head, _, rest = args.strip().partition(" ")
    named = template.by_code.get(head.upper().rstrip("."))
    code = named.code if named is not None else session.answered or session.code
    note = " ".join((rest if named is not None else args).split())
    if code is None:
        return state, [Reply(texts.GHICHU_NO_QUESTION)]
    ind = template.by_code[code]
    if not note:
        return state, [_with_prompt(state, texts.GHICHU_USAGE)]
    if ind.kind is Kind.GROUP:
        return state, [_with_prompt(state, texts.note_on_group(ind.code))]
    if len(note) > NOTE_LIMIT:
        return state, [_with_prompt(state, texts.note_too_long(len(note), NOTE_LIMIT))]
    old = report.answers.get(code, Answer())
    if note == "-":
        if old.note is None:
            return state, [_with_prompt(state, texts.no_note(code, ind.full_label))]
        updated, message = replace(old, note=None), texts.note_removed(code, ind.full_label)
    else:
        updated, message = replace(old, note=note), texts.note_saved(code, ind.full_label, note)
    new = replace(state, report=replace(report, answers={**report.answers, code: updated}))
    return new, [_with_prompt(new, message)]


def _review(report: Report, args: str) -> list[Reply]:
    """/xem: a header, what is missing first, then one short line per indicator by section."""
    template = report.template
    wanted = args.strip().upper().rstrip(".")
    sections = template.sections
    if wanted:
        sections = tuple(s for s in sections if s.code == wanted)
        if not sections:
            codes = ", ".join(s.code for s in template.sections)
            return [Reply(texts.review_unknown_section(args.strip(), codes))]
    missing = [
        code for code in report.missing() if any(code.startswith(f"{s.code}.") for s in sections)
    ]
    head = [
        texts.review_header(
            report.unit_name,
            report.period_label,
            report.filled,
            report.skipped,
            len(report.asked),
        )
    ]
    head.append(texts.review_missing(missing) if missing else texts.REVIEW_COMPLETE)
    replies = [Reply("\n".join(head))]
    for section in sections:
        inds = [i for i in template.indicators if i.section == section.code]
        asked = [i for i in inds if i.kind.is_asked and i.ask]
        done = sum(1 for i in asked if report.answers.get(i.code, Answer()).done)
        lines = [texts.review_section(f"{section.code}. {section.label}", done, len(asked))]
        for ind in inds:
            if ind.kind is Kind.GROUP:
                lines.append(f"{ind.code} {_short(ind.label)}")
                continue
            a = report.answers.get(ind.code, Answer())
            note = f" ({a.note})" if a.note else ""
            lines.append(f"{ind.code} {_short(ind.label)}: {_shown(report, ind, a)}{note}")
        replies.append(Reply("\n".join(lines)))
    options: tuple[Option, ...] = ()
    if _editable(report):
        options = (Option("start", texts.CONTINUE), Option("nop", texts.SUBMIT))
    replies.append(Reply(texts.REVIEW_FOOTER, options))
    return replies


def _shown(report: Report, ind: Indicator, answer: Answer) -> str:
    if answer.value is not None:
        return ans.show(ind, answer.value)
    if ind.kind is Kind.RATIO_COMPUTED:
        parts = report.template.leaf_refs[ind.code]
        if all(isinstance(report.value(p), Decimal) for p in parts):
            return texts.EMPTY_RATIO  # every part is there: the denominator is 0
        return texts.RATIO_INCOMPLETE
    if not ind.ask:
        return texts.NOT_ASKED
    return texts.SKIPPED if answer.skipped else texts.MISSING


def _short(label: str, limit: int = 42) -> str:
    """At most ``limit`` characters, cut between words, never inside one."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:(") + "…"


def _submit(state: State, now: datetime) -> tuple[State, list[Reply]]:
    report = state.report
    if not _editable(report):
        return state, [prompt(state)]
    updated = replace(report, status="submitted", submitted_at=now, status_note=None)
    new = State(updated, Session())
    reply = Reply(texts.submitted(report.period_label, now), (_review_option(),))
    appendix = Reply(texts.APPENDIX_CAPTION, attachment=APPENDIX)
    return new, [reply, appendix, Reply(texts.DRAFT_CAPTION, attachment=DRAFT)]


def _decimal(text: str) -> Decimal:
    return Decimal(text)
