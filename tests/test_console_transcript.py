"""The whole report as an officer reads it in the console, kept as a golden file.

`make demo`'s world (last quarter filed with seed 000's figures, so each question shows what
was reported before), seed 000's figures typed in, with a slip refused, a note and a /sua. The
transcript is compared with tests/golden/console_report.txt, so any change of wording is a
visible diff in review. After an intended change: CCHC_UPDATE_GOLDEN=1 make test, then read
the diff of the golden file before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from seed_000 import officer_lines

from bot.chat.conversations import Conversations
from bot.transports.console import chat as console
from bot.transports.console import demo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 9, 10, 9, 30, tzinfo=ZONE)  # ten days before Quý III
GOLDEN = Path(__file__).parent / "golden" / "console_report.txt"
USER = "can-bo-son-trung"


def transcript(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    store = demo.prepare(url, USER, fresh=True, now=NOW)
    conversations = Conversations(store, ZONE, clock=lambda: NOW)
    feed: Iterator[str] = iter(["Bắt đầu", *officer_lines()])
    out: list[str] = []

    def read(_prompt: str) -> str:
        try:
            line = next(feed)
        except StopIteration:
            raise EOFError from None
        out.append(f"> {line}")
        return line

    files = tmp_path / "files"
    greeting = demo.welcome(demo.officer_unit_name(store, USER), USER)
    console.run(conversations, USER, read=read, write=out.append, greeting=greeting, files=files)
    store.dispose()
    return "\n".join(out).replace(str(files), "data/files") + "\n"


def test_the_console_transcript_of_a_whole_report_matches_the_golden_file(tmp_path):
    text = transcript(tmp_path)
    if os.environ.get("CCHC_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_golden_transcript_fits_a_phone(tmp_path):
    """No reply so long that an officer scrolls through a screenful for one question."""
    blocks = GOLDEN.read_text(encoding="utf-8").split("\n> ")
    questions = [b for b in blocks if "Câu " in b and "/sua" not in b and "/xem" not in b]
    assert questions
    assert max(len(b.splitlines()) for b in questions) <= 14
