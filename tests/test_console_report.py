"""End to end: an officer files seed 000's whole appendix through the console chat.

Set-up goes through the real command line (units, invite, round), the chat through the console
transport and real storage; then every stored value is checked against the seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from seed_000 import assert_seed_000_stored, officer_lines, stored_report
from typer.testing import CliRunner

from bot.chat.conversations import Conversations
from bot.cli import app
from bot.transports.console import chat as console
from flows import catalog
from storage.db import Store

XA = catalog.load("xa")
UNITS = Path(__file__).parent.parent / "examples" / "units.csv"


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner()


def invoke(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


class Chat:
    """A scripted officer at the console: types lines, keeps everything the bot printed."""

    def __init__(self, store: Store, user: str, files: Path | None = None) -> None:
        self.store, self.user, self.files = store, user, files or Path("data/files")
        self.lines: list[str] = []
        self.output: list[str] = []

    def run(self, lines: list[str]) -> str:
        feed: Iterator[str] = iter(lines)

        def read(_prompt: str) -> str:
            try:
                line = next(feed)
            except StopIteration:
                raise EOFError from None
            self.output.append(f"> {line}")
            return line

        start = len(self.output)
        console.run(
            Conversations(self.store, _zone()),
            self.user,
            read=read,
            write=self.output.append,
            files=self.files,
        )
        return "\n".join(self.output[start:])


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Ho_Chi_Minh")


def test_officer_files_the_whole_xa_report_from_seed_000(cli, database_url, tmp_path):
    invoke(cli, "units", "import", str(UNITS))
    invoke(
        cli, "round", "open", "--template", "xa", "--period", "2024-Q3", "--deadline", "2024-09-20"
    )
    code = invoke(cli, "invite", "--unit", "SONTRUNG", "--role", "officer").strip().splitlines()[-1]

    store = Store(database_url)
    chat = Chat(store, "an", files=tmp_path)
    transcript = chat.run([f"/start {code}", "Bắt đầu", *officer_lines()])

    assert "✓ Đã đăng ký: cán bộ nhập liệu của Xã Sơn Trung." in transcript
    assert (
        "✗ Số hồ sơ TTHC giải quyết đúng hạn (800) không thể lớn hơn "
        "tổng số hồ sơ TTHC đã giải quyết xong (790). Nhập lại."
    ) in transcript
    assert (
        "→ III.2.1 Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn: 99,37 %"
        in (transcript)
    )
    assert "→ I.2 Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo): 94,59 %" in (
        transcript
    )
    assert "✓ Đã nộp báo cáo Quý III/2024 lúc" in transcript
    saved = tmp_path / "CCHC_2024-Q3_xa-son-trung.xlsx"
    assert f"📎 Đã lưu tệp: {saved}" in transcript
    sheet = openpyxl.load_workbook(saved).active
    label = XA.by_code["III.2.1"].label
    [value] = [row[3].value for row in sheet.iter_rows() if row[1].value == label]
    assert value == 99.37  # a number, computed from 785 / 790

    submission, stored, history = stored_report(store)
    store.dispose()

    assert submission.status == "submitted"
    assert_seed_000_stored(stored)

    edits = [(h.old, h.new) for h in history if h.code == "I.4.1" and h.field == "value"]
    assert edits == [(None, "8"), ("8", "7")]
    assert [h.new for h in history if h.field == "status"] == ["submitted"]


def test_unregistered_console_user_is_told_how_to_register(database_url):
    store = Store(database_url)
    transcript = Chat(store, "ai-do").run(["5"])
    store.dispose()
    assert transcript.count("Anh/chị chưa được đăng ký") == 2
    assert "/start MÃ-MỜI" in transcript


def test_used_invite_binds_nothing(cli, database_url):
    invoke(cli, "units", "import", str(UNITS))
    code = invoke(cli, "invite", "--unit", "SONTRUNG", "--role", "officer").strip().splitlines()[-1]
    store = Store(database_url)
    Chat(store, "an").run([f"/start {code}"])
    transcript = Chat(store, "binh").run([f"/start {code}", "5"])
    with store.transaction() as repo:
        assert repo.user("console", "binh") is None
    store.dispose()
    assert "Mã mời này đã được dùng" in transcript
