"""Every word `cchc-bot` prints is Vietnamese, the framework's own words included."""

from __future__ import annotations

import re

import pytest
import typer.main
import typer.testing

from bot.cli import app

# What Typer and its Click print in English when left alone.
ENGLISH = re.compile(
    r"Usage|Options|Commands|Arguments|\brequired\b|\bdefault\b|Show this message|Try '|"
    r"Error|Missing|Invalid value|is not one of|No such|Choose from|Did you mean|Possible|"
    r"unexpected|requires an|does not|COMMAND|OPTIONS|ARGS|<str>|<int>|<bool>|<path>|"
    r"completion|Aborted|Input should"
)


def command_paths(command, path=()):
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*path, name))


PATHS = list(command_paths(typer.main.get_command(app)))


def invoke(*args: str) -> typer.testing.Result:
    return typer.testing.CliRunner().invoke(app, list(args))


def english_in(text: str) -> list[str]:
    return ENGLISH.findall(text)


def test_every_command_is_walked():
    assert ("round", "close") in PATHS and ("units", "list") in PATHS and len(PATHS) > 15


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "cchc-bot")
def test_the_help_of_every_command_has_no_english_framework_words(path):
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Cách dùng: " in result.output
    assert english_in(result.output) == [], result.output


def test_the_top_level_help_lists_commands_in_the_order_they_are_used():
    out = invoke("--help").output
    listed = re.findall(r"^│ (\w+) ", out, flags=re.MULTILINE)
    assert listed == [
        "db",
        "units",
        "template",
        "invite",
        "people",
        "round",
        "prefill",
        "export",
        "chat",
        "run",
        "demo",
    ]


def test_there_are_no_shell_completion_options():
    assert "--install-completion" not in invoke("--help").output
    assert invoke("--show-completion").exit_code != 0


@pytest.mark.parametrize(
    ("args", "vietnamese"),
    [
        (["round", "open"], "Thiếu tùy chọn '--template'."),
        (["invite", "--unit", "QNG", "--role", "chief"], "không phải một trong các giá trị"),
        (["invite", "--unit", "QNG", "--role", "officer", "--days", "ba"], "cần một số nguyên"),
        (["demoo"], "Không có lệnh 'demoo'. Có phải là 'demo'?"),
        (["round", "list", "--all"], "Không có tùy chọn --all"),
        (["template", "show", "xa", "huyen"], "Thừa tham số: huyen"),
        (["round", "open", "--template"], "Tùy chọn '--template' cần một giá trị."),
        (["template", "show"], "Thiếu tham số 'BIỂU'."),
        (["demo", "--fresh=1"], "Tùy chọn '--fresh' không nhận giá trị."),
    ],
)
def test_a_usage_error_is_said_in_vietnamese(args, vietnamese):
    result = invoke(*args)
    assert result.exit_code == 2
    flat = " ".join(result.output.replace("│", " ").split())
    assert vietnamese in flat, result.output
    assert "─ Lỗi ─" in result.output
    assert english_in(result.output) == [], result.output


def test_a_usage_error_shows_the_usage_and_where_to_find_help():
    out = invoke("round", "open").output
    assert "Cách dùng: root round open [TÙY CHỌN]" in out  # CliRunner names the program "root"
    assert "Gõ 'root round open --help' để xem hướng dẫn." in out
