"""A late message is applied where the officer was when they sent it, the later ones after it."""

from __future__ import annotations

from decimal import Decimal

from engine_states import NOW, XA, report
from engine_states import at as on

from flows import engine, reorder
from flows.engine import Answer, Command, Press, Session, State, Text

SID = 7


def at(code: str, answers: dict[str, Answer] | None = None) -> State:
    return on(code, report(answers))


def apply(state: State, event: engine.Event) -> tuple[State, reorder.Applied]:
    after, _ = engine.step(state, event, NOW)
    return after, reorder.Applied(event, reorder.undo_of(SID, state, after))


def test_a_skip_overtaken_by_the_next_figure_is_put_back_before_it() -> None:
    # On III.2.2 the officer presses "Bỏ qua" and at once types 785 for III.2.3; the 785
    # reached the bot first and was stored in III.2.2.
    start = at("III.2.2")
    wrong, typed = apply(start, Text("785"))
    assert wrong.report.value("III.2.2") == Decimal(785)
    result = reorder.replay(wrong, Press("skip:III.2.2"), SID, [typed], NOW)
    answers = result.state.report.answers
    assert answers["III.2.2"] == Answer(skipped=True)
    assert result.state.report.value("III.2.3") == Decimal(785)
    assert result.state.session.code == "III.2.5"


def test_rewinding_restores_the_report_and_the_place_before_the_later_messages() -> None:
    start = at("I.1", {"I.1": Answer(Decimal(2))})
    one, first = apply(start, Text("3"))
    two, second = apply(one, Text("37"))
    back = reorder.rewind(two, [first, second])
    assert back.report.answers == start.report.answers
    assert back.session == start.session


def test_a_late_figure_goes_to_the_question_on_screen_before_the_later_ones() -> None:
    # 3 for I.1 arrives after 37, which was meant for I.2.1 but landed in I.1.
    start = at("I.1")
    wrong, typed = apply(start, Text("37"))
    result = reorder.replay(wrong, Text("3"), SID, [typed], NOW)
    assert result.state.report.value("I.1") == Decimal(3)
    assert result.state.report.value("I.2.1") == Decimal(37)


def test_the_undo_of_a_replayed_message_describes_what_it_does_now() -> None:
    start = at("III.2.2")
    wrong, typed = apply(start, Text("785"))
    result = reorder.replay(wrong, Press("skip:III.2.2"), SID, [typed], NOW)
    [undo] = result.later_undos
    assert set(undo.answers) == {"III.2.3"}
    assert undo.session == Session("III.2.3", answered="III.2.2")


def test_the_summary_lists_what_changed_against_what_the_officer_saw() -> None:
    start = at("III.2.2")
    wrong, typed = apply(start, Text("785"))
    result = reorder.replay(wrong, Press("skip:III.2.2"), SID, [typed], NOW)
    text = reorder.summary(wrong, result.state).text
    assert "↻" in text
    assert "• III.2.2 " in text and "(bỏ qua)" in text
    assert "• III.2.3 " in text and "785 Hồ sơ" in text
    assert "III.2.5" in text  # then the question now open


def test_a_submission_in_between_is_never_replayed() -> None:
    start = at("I.1")
    _, submit = apply(start, Press("submit"))
    assert not reorder.can_replay(SID, [submit])


def test_another_report_is_never_replayed() -> None:
    start = at("I.1")
    _, typed = apply(start, Text("3"))
    assert not reorder.can_replay(SID + 1, [typed])


def test_commands_that_only_show_have_no_place_in_the_order() -> None:
    assert not reorder.has_place(Command("xem"))
    assert reorder.has_place(Command("sua", "III.2.3"))
    assert reorder.has_place(Text("7")) and reorder.has_place(Press("skip:I.1"))


def test_events_and_undos_survive_their_json() -> None:
    for event in (Text("99,37"), Press("set:VII.2:2"), Command("ghichu", "VHXH, TP-HT")):
        assert reorder.event_from_json(reorder.event_to_json(event)) == event
    start = at("VII.2", {"I.1": Answer(Decimal(3), note="Ghi chú")})
    _, applied = apply(start, Text("2"))
    again = reorder.undo_from_json(reorder.undo_to_json(applied.undo), XA)
    assert again == applied.undo
