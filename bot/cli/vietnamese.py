"""The command line's framework words in Vietnamese: Typer's help layout and Click's errors.

Admins read every word `cchc-bot` prints, the framework's own included ("Usage", "Options",
"Missing option"). Typer 0.29 marks a few of its strings for gettext (typer.core and
typer.rich_utils call `_()`), but the click it vendors as typer._click builds its messages with
f-strings, so there is no catalogue to install and no locale to switch. Everything is done here
instead, by install(), which bot.cli.main calls once before any command is built:

- the strings Typer passes through `_()` are looked up in GETTEXT, and the ones typer.rich_utils
  froze into constants at its own import are set again;
- every message of a Click exception goes through MESSAGES, patterns over the final English
  text, so a message composed of parts ("Invalid value for '--role': 'x' is not one of …") is
  translated part by part, whichever module built it;
- the usage line, the --help option and the type column are patched where they are produced.

tests/test_cli_vietnamese.py walks the help of every command and a sample of errors, so an
upgrade that moves one of these strings fails there, not in front of an admin.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

import typer.core
import typer.rich_utils
from typer import _click
from typer._click import exceptions as click_exceptions
from typer._click.formatting import HelpFormatter

USAGE_PREFIX = "Cách dùng: "
OPTIONS_METAVAR = "[TÙY CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [THAM SỐ]..."
HELP_OPTION_TEXT = "Xem hướng dẫn này rồi thoát."

# Strings Typer marks with gettext's `_()`, as Typer writes them.
GETTEXT = {
    "(dynamic)": "(tùy lúc chạy)",
    "Aborted!": "Đã hủy.",
    "Aborted.": "Đã hủy.",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "env var: {var}": "biến môi trường: {var}",
    "Arguments": "Tham số",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Error": "Lỗi",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "(deprecated) ": "(không còn dùng) ",
    "[default: {}]": "[mặc định: {}]",
    "[env var: {}]": "[biến môi trường: {}]",
    "[required]": "[bắt buộc]",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Gõ [blue]'{command_path} {help_option}'[/] để xem hướng dẫn."
    ),
}

# Click's messages, matched on the text it built; applied in order, each to what is left.
MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern, re.DOTALL), replacement)
    for pattern, replacement in [
        (r"^Invalid value for (.+?): ", r"Giá trị không hợp lệ cho \1: "),
        (r"^Invalid value: ", "Giá trị không hợp lệ: "),
        (r"Value error, ", ""),
        (r"(\S+) is not one of (.+?)\.$", r"\1 không phải một trong các giá trị \2."),
        (r"Input should be a valid integer.*$", "cần một số nguyên."),
        (r"Input should be a valid number.*$", "cần một số."),
        (r"Input should be a valid boolean.*$", "cần có (yes/true/1) hoặc không (no/false/0)."),
        (r"^Missing option (.+?)\.", r"Thiếu tùy chọn \1."),
        (r"^Missing argument (.+?)\.", r"Thiếu tham số \1."),
        (r"^Missing parameter (.+?)\.", r"Thiếu tham số \1."),
        (r"^Missing parameter: (.+)$", r"Thiếu tham số \1."),
        (r"Choose from:", "Chọn một trong:"),
        (r"^No such option: (\S+)", r"Không có tùy chọn \1"),
        (r"\(Possible options: (.+)\)", r"(có thể là: \1)"),
        (r"Did you mean (.+)\?$", r"Có phải là \1?"),
        (r"^No such command (.+?)\.", r"Không có lệnh \1."),
        (r"^Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$", r"Thừa tham số: \1"),
        (r"^Option (.+?) requires an argument\.$", r"Tùy chọn \1 cần một giá trị."),
        (r"^Option (.+?) requires (\d+) arguments\.$", r"Tùy chọn \1 cần \2 giá trị."),
        (r"^Option (.+?) does not take a value\.$", r"Tùy chọn \1 không nhận giá trị."),
        (r"^Argument (.+?) takes (\d+) values\.$", r"Tham số \1 cần \2 giá trị."),
        (r"^(?:File|Directory|Path) (.+?) does not exist\.$", r"Không tìm thấy \1."),
        (r"^(?:File|Directory|Path) (.+?) is a file\.$", r"\1 là một tệp, cần một thư mục."),
        (r"^(?:File|Directory|Path) (.+?) is a directory\.$", r"\1 là một thư mục, cần một tệp."),
        (r"^(?:File|Directory|Path) (.+?) is not readable\.$", r"Không đọc được \1."),
        (r"^(?:File|Directory|Path) (.+?) is not writable\.$", r"Không ghi được vào \1."),
        (r"^Could not open file (.+?): ", r"Không mở được tệp \1: "),
        (r"^Value (.+?) is not a valid (.+)\.$", r"Giá trị \1 không hợp lệ."),
    ]
]

# The type column of the help ("<str>"), for options and arguments without a metavar.
TYPE_WORDS = {"<str>": "<chữ>", "<int>": "<số>", "<float>": "<số>", "<path>": "<đường dẫn>"}


def gettext(message: str) -> str:
    return GETTEXT.get(message, message)


def translate(message: str) -> str:
    for pattern, replacement in MESSAGES:
        message = pattern.sub(replacement, message)
    return message


def _translating(format_message: Callable[[Any], str]) -> Callable[[Any], str]:
    @wraps(format_message)
    def wrapper(self: Any) -> str:
        return translate(format_message(self))

    return wrapper


_installed = False


def install() -> None:
    """Patch Typer and its Click once; what is patched is read when help or an error is shown."""
    global _installed
    if _installed:
        return
    _installed = True
    typer.core._ = gettext  # type: ignore[attr-defined]  # looked up at each call
    rich = typer.rich_utils
    for name in (
        "DEPRECATED_STRING",
        "DEFAULT_STRING",
        "ENVVAR_STRING",
        "REQUIRED_LONG_STRING",
        "ARGUMENTS_PANEL_TITLE",
        "OPTIONS_PANEL_TITLE",
        "COMMANDS_PANEL_TITLE",
        "ERRORS_PANEL_TITLE",
        "ABORTED_TEXT",
        "RICH_HELP",
    ):
        setattr(rich, name, gettext(getattr(rich, name)))
    rich.OptionHighlighter.highlights = [
        pattern.replace("Usage: ", USAGE_PREFIX) for pattern in rich.OptionHighlighter.highlights
    ]
    for exception in vars(click_exceptions).values():
        if (
            isinstance(exception, type)
            and issubclass(exception, click_exceptions.ClickException)
            and "format_message" in vars(exception)
        ):
            exception.format_message = _translating(exception.format_message)  # type: ignore[method-assign]
    if "format_message" not in vars(click_exceptions.ClickException):
        click_exceptions.ClickException.format_message = _translating(  # type: ignore[method-assign]
            click_exceptions.ClickException.format_message
        )
    _patch_usage()
    _patch_help_option()
    _patch_type_column()


def _patch_usage() -> None:
    write_usage = HelpFormatter.write_usage

    @wraps(write_usage)
    def vietnamese_write_usage(
        self: HelpFormatter, prog: str, args: str = "", prefix: str | None = None
    ) -> None:
        write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    HelpFormatter.write_usage = vietnamese_write_usage  # type: ignore[method-assign]
    words = {"[OPTIONS]": OPTIONS_METAVAR, "COMMAND [ARGS]...": SUBCOMMAND_METAVAR}
    for command_class in (_click.core.Command, typer.core.TyperGroup):
        collect = command_class.collect_usage_pieces

        def vietnamese_pieces(
            self: Any, ctx: Any, _collect: Callable[[Any, Any], list[str]] = collect
        ) -> list[str]:
            return [words.get(piece, piece) for piece in _collect(self, ctx)]

        command_class.collect_usage_pieces = vietnamese_pieces  # type: ignore[method-assign]


def _patch_help_option() -> None:
    get_help_option = _click.core.Command.get_help_option

    @wraps(get_help_option)
    def vietnamese_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    _click.core.Command.get_help_option = vietnamese_help_option  # type: ignore[method-assign]


def _patch_type_column() -> None:
    """A flag takes no value, so it shows no type; other types get a Vietnamese word."""
    parameter = typer.core._TyperParameter
    display_type = parameter.display_type

    @wraps(display_type)
    def vietnamese_display_type(self: Any, ctx: Any) -> str:
        if getattr(self, "is_flag", False):
            return ""
        label = display_type(self, ctx)
        return TYPE_WORDS.get(label, label)

    parameter.display_type = vietnamese_display_type  # type: ignore[method-assign]

    argument = typer.core.TyperArgument
    argument_type = argument.display_type_rich

    @wraps(argument_type)
    def named_argument_type(self: Any, ctx: Any) -> str | None:
        # An argument with a metavar is already named by it ("TỆP"): no "<path>" beside it.
        return None if self.metavar is not None else argument_type(self, ctx)

    argument.display_type_rich = named_argument_type  # type: ignore[method-assign]
