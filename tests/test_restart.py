"""Killing the bot between two answers loses nothing: a new process resumes at the next question."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from flows import answers, catalog
from storage.db import Store

pytestmark = pytest.mark.slow

UNITS = Path(__file__).parent.parent / "examples" / "units.csv"
TIMEOUT = 60


class Process:
    """`cchc-bot chat` in its own process, fed line by line, its output watched as it comes."""

    def __init__(self, env: dict[str, str], cwd: Path, user: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "chat", "--user", user],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            text=True,
            encoding="utf-8",
        )
        self.output = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        while ch := self.proc.stdout.read(1):
            with self._lock:
                self.output += ch

    def wait_for(self, text: str, after: int = 0) -> int:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self._lock:
                found = self.output.find(text, after)
            if found >= 0:
                return found + len(text)
            if self.proc.poll() is not None and text not in self.output[after:]:
                break
            time.sleep(0.02)
        raise AssertionError(f"never printed {text!r}; output so far:\n{self.output[-2000:]}")

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(TIMEOUT)


def cli(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return done.stdout


def test_killed_between_two_answers_resumes_at_the_next_question(tmp_path):
    url = f"sqlite:///{tmp_path / 'cchc.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = str(Path(__file__).parent.parent)
    cli(env, tmp_path, "units", "import", str(UNITS))
    cli(env, tmp_path, "round", "open", "--template", "xa", "--period", "2024-Q3")
    code = cli(env, tmp_path, "invite", "--unit", "SONTRUNG", "--role", "officer").split()[-1]

    first = Process(env, tmp_path, "an")
    mark = first.wait_for("Anh/chị chưa được đăng ký")
    first.type(f"/start {code}")
    mark = first.wait_for("Bắt đầu", mark)
    first.type("Bắt đầu")
    mark = first.wait_for("Câu 1/48", mark)
    first.type("3")
    mark = first.wait_for("Câu 2/48", mark)
    first.type("37")
    first.wait_for("Câu 3/48", mark)  # the reply is printed only after the answer is committed
    first.kill()

    second = Process(env, tmp_path, "an")
    mark = second.wait_for("Đã trả lời 2/48 câu.")
    second.type("Tiếp tục")
    mark = second.wait_for("Câu 3/48 · I. Công tác chỉ đạo điều hành CCHC", mark)
    second.wait_for("I.2.2  Số nhiệm vụ đã hoàn thành (Nhiệm vụ)", mark)
    second.type("35")
    second.wait_for("94,59 %", mark)
    second.type("/thoat")
    assert second.proc.wait(TIMEOUT) == 0

    store = Store(url)
    xa = catalog.load("xa")
    with store.transaction() as repo:
        round_ = repo.round_by_period("xa", "2024-Q3")
        unit = repo.unit_by_code("SONTRUNG")
        stored = repo.answers(repo.submission(round_.id, unit.id).id)
    store.dispose()
    values = {c: answers.decode(xa.by_code[c], a.value) for c, a in stored.items()}
    assert values["I.1"] == Decimal(3)
    assert values["I.2.1"] == Decimal(37)
    assert values["I.2.2"] == Decimal(35)
    assert values["I.2"] == Decimal("94.59")
