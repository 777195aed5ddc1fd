"""`cchc-bot people …` and the people in `units list`: who is registered, and revoking a role.

Run on SQLite and PostgreSQL, the set-up through the real command line and the chat through
the same `Conversations.handle` every chat app calls.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.chat.conversations import Conversations, Sender
from bot.cli import app
from bot.clock import utc_now
from flows import texts
from flows.engine import Command, Press, Text
from storage.db import Store
from storage.models import User

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = Path(__file__).parent.parent / "examples" / "units.csv"
HUNG = Sender("telegram", "5550001", "Đinh Văn Hùng")
LAN = Sender("zalo", "7770002", "Phạm Thị Lan")
WHEN = r"\d\d/\d\d/\d{4} \d\d:\d\d"
OPEN_ROUND = (
    "round",
    "open",
    "--template",
    "xa",
    "--period",
    "2024-Q3",
    "--deadline",
    "20/09/2024",
)


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "")
    invoke(CliRunner(), "units", "import", str(UNITS))
    return CliRunner()


def invoke(cli: CliRunner, *args: str, ok: bool = True) -> str:
    result = cli.invoke(app, list(args))
    assert (result.exit_code == 0) is ok, result.output
    return result.output


class Chat:
    """People writing to the bot, each message numbered as Telegram and Zalo number theirs."""

    def __init__(self, database_url: str) -> None:
        self.store = Store(database_url)
        self.conversations = Conversations(self.store, ZONE)
        self.seq = 100

    def send(self, sender: Sender, event) -> list[str]:
        self.seq += 1
        outcome = self.conversations.handle(
            sender, event, update_key=f"{sender.external_id}-{self.seq}", seq=self.seq
        )
        return [reply.text for reply in outcome.replies]

    def register(self, cli: CliRunner, sender: Sender, unit: str, role: str) -> None:
        code = invoke(cli, "invite", "--unit", unit, "--role", role).strip().splitlines()[-1]
        assert self.send(sender, Command("start", code))[0].startswith("✓ Đã đăng ký")

    def user_id(self, sender: Sender) -> int:
        with self.store.reading() as repo:
            user = repo.user(sender.platform, sender.external_id)
        assert user is not None and user.id is not None
        return user.id

    def close(self) -> None:
        self.store.dispose()


@pytest.fixture
def chat(database_url: str):
    chat = Chat(database_url)
    yield chat
    chat.close()


@pytest.fixture
def officer_at_work(cli, chat):
    """Xã Sơn Trung's officer has typed the first figure of Quý III/2024."""
    invoke(cli, *OPEN_ROUND)
    chat.register(cli, HUNG, "SONTRUNG", "officer")
    chat.send(HUNG, Press("start"))
    assert any("✓ Đã lưu" in text for text in chat.send(HUNG, Text("2")))
    return chat


# --- who is registered ------------------------------------------------------------------------
def test_people_list_shows_unit_role_app_since_when_and_last_active(cli, chat):
    chat.register(cli, HUNG, "SONTRUNG", "officer")
    chat.register(cli, LAN, "SONHA", "reviewer")
    hung, lan = chat.user_id(HUNG), chat.user_id(LAN)

    out = invoke(cli, "people", "list").splitlines()

    assert re.match(r"^Số\s+Người\s+Ứng dụng\s+Vai trò\s+Đơn vị\s+Đăng ký từ\s+Hoạt động", out[0])
    assert re.match(
        rf"^{lan}\s+Phạm Thị Lan\s+Zalo\s+người duyệt\s+SONHA Huyện Sơn Hà\s+{WHEN}\s+{WHEN}$",
        out[1],
    )
    assert re.match(
        rf"^{hung}\s+Đinh Văn Hùng\s+Telegram\s+cán bộ nhập liệu\s+SONTRUNG Xã Sơn Trung\s+"
        rf"{WHEN}\s+{WHEN}$",
        out[2],
    )
    assert out[-1] == "2 người, 2 vai trò."


def test_people_list_under_a_unit_shows_its_branch_only(cli, chat):
    chat.register(cli, HUNG, "SONTRUNG", "officer")
    chat.register(cli, LAN, "PHOAN", "officer")
    out = invoke(cli, "people", "list", "--under", "SONHA")
    assert "Đinh Văn Hùng" in out and "Phạm Thị Lan" not in out


def test_someone_registered_who_never_wrote_since_shows_as_never_active(cli, database_url):
    store = Store(database_url)
    with store.transaction() as repo:
        code = repo.create_invite("SONTRUNG", "officer", utc_now(), timedelta(days=1)).code
        repo.redeem_invite(code, "zalo", "7770002", "Phạm Thị Lan", utc_now())
    store.dispose()
    row = invoke(cli, "people", "list").splitlines()[1]
    assert re.search(rf"SONTRUNG Xã Sơn Trung\s+{WHEN}\s+chưa$", row)


def test_people_list_with_nobody_says_how_to_invite(cli):
    assert "Chưa có ai đăng ký (tạo mã mời: cchc-bot invite --under MÃ" in invoke(
        cli, "people", "list"
    )


def test_units_list_names_the_officers_and_reviewers_of_each_unit(cli, chat):
    chat.register(cli, HUNG, "SONTRUNG", "officer")
    chat.register(cli, LAN, "SONHA", "reviewer")

    out = invoke(cli, "units", "list", "--under", "SONHA").splitlines()

    assert out[0] == "SONHA  Huyện Sơn Hà (huyện) — người duyệt: Phạm Thị Lan (Zalo)"
    assert "  SONTRUNG  Xã Sơn Trung (xã) — cán bộ nhập liệu: Đinh Văn Hùng (Telegram)" in out
    assert "  SONTHANH  Xã Sơn Thành (xã)" in out
    assert out[-1] == "Chưa có cán bộ nhập liệu: 1 huyện, 2 xã."


# --- revoking ---------------------------------------------------------------------------------
def test_a_revoked_officers_next_message_is_refused_politely(cli, officer_at_work):
    chat = officer_at_work
    out = invoke(cli, "people", "revoke", str(chat.user_id(HUNG)))

    assert out.startswith(
        f"✓ Đã thu hồi quyền cán bộ nhập liệu của Đinh Văn Hùng (Telegram, số "
        f"{chat.user_id(HUNG)}) ở Xã Sơn Trung (SONTRUNG)."
    )
    today = utc_now().astimezone(ZONE).strftime("%d/%m/%Y")
    assert chat.send(HUNG, Text("5")) == [texts.revoked("Xã Sơn Trung", "officer", today)]
    assert chat.send(HUNG, Command("baocao"))[0].startswith(
        "Quyền cán bộ nhập liệu của anh/chị ở Xã Sơn Trung đã được thu hồi ngày "
    )


def test_what_a_revoked_officer_saved_stays_exported_and_named_in_the_audit_trail(
    cli, officer_at_work, tmp_path
):
    chat = officer_at_work
    invoke(cli, "people", "revoke", str(chat.user_id(HUNG)))
    chat.send(HUNG, Text("7"))  # refused: changes nothing

    with chat.store.reading() as repo:
        unit = repo.unit_by_code("SONTRUNG")
        [submission] = [s for r in repo.rounds() for s in repo.submissions(r.id)]
        assert repo.answers(submission.id)["I.1"].value == "2"
        authors = {
            repo.session.get(User, h.user_id).display_name for h in repo.history(submission.id)
        }
        assert unit is not None and not repo.members(unit.id)
    assert authors == {"Đinh Văn Hùng"}
    csv = tmp_path / "so-lieu.csv"
    invoke(
        cli, "export", "--round", "2024-Q3", "--unit", "SONTRUNG", "--format", "csv", "-o", str(csv)
    )
    assert "SONTRUNG,Xã Sơn Trung,I.1,2," in csv.read_text(encoding="utf-8-sig")


def test_a_unit_whose_officer_was_revoked_has_none_and_gets_a_new_invite(cli, officer_at_work):
    chat = officer_at_work
    out = invoke(cli, "people", "revoke", str(chat.user_id(HUNG)))
    assert (
        "Xã Sơn Trung hiện không còn cán bộ nhập liệu. Tạo mã mời mới: "
        "cchc-bot invite --unit SONTRUNG --role officer"
    ) in out
    assert invoke(cli, "units", "list", "--under", "SONTRUNG").splitlines()[0] == (
        "SONTRUNG  Xã Sơn Trung (xã)"
    )
    assert "Đinh Văn Hùng" not in invoke(cli, "people", "list")

    invited = invoke(cli, "invite", "--under", "SONHA", "--role", "officer")
    assert "✓ Đã tạo 3 mã mời cán bộ nhập liệu cho 3 đơn vị cấp xã thuộc Huyện Sơn Hà" in invited
    code = next(line for line in invited.splitlines() if "SONTRUNG" in line).split()[0]

    replies = chat.send(LAN, Command("start", code))
    assert replies[0] == "✓ Đã đăng ký: cán bộ nhập liệu của Xã Sơn Trung."
    with chat.store.reading() as repo:
        [submission] = [s for r in repo.rounds() for s in repo.submissions(r.id)]
        assert repo.answers(submission.id)["I.1"].value == "2"  # the report goes on


def test_revoke_with_invite_prints_a_new_code_for_the_same_unit_and_role(cli, chat):
    chat.register(cli, HUNG, "SONTRUNG", "officer")
    out = invoke(cli, "people", "revoke", str(chat.user_id(HUNG)), "--invite")

    code = re.search(
        r"Mã mời mới \(cán bộ nhập liệu của Xã Sơn Trung, hạn dùng đến .+\): "
        r"/start (CCHC-\S+)",
        out,
    )
    assert code is not None
    assert chat.send(HUNG, Command("start", code.group(1)))[0] == (
        "✓ Đã đăng ký: cán bộ nhập liệu của Xã Sơn Trung."
    )  # the same person, on a new phone, is back


def test_revoke_at_one_unit_leaves_the_persons_other_roles(cli, chat):
    chat.register(cli, LAN, "SONHA", "reviewer")
    chat.register(cli, LAN, "DUCPHO", "reviewer")

    invoke(cli, "people", "revoke", str(chat.user_id(LAN)), "--unit", "DUCPHO")

    out = invoke(cli, "people", "list")
    assert "SONHA Huyện Sơn Hà" in out and "DUCPHO" not in out
    assert not chat.send(LAN, Command("tinhhinh"))[0].startswith("Quyền")


def test_a_revoked_reviewer_can_no_longer_see_the_round(cli, chat):
    invoke(cli, *OPEN_ROUND)
    chat.register(cli, LAN, "SONHA", "reviewer")
    invoke(cli, "people", "revoke", str(chat.user_id(LAN)))
    assert chat.send(LAN, Command("tinhhinh"))[0].startswith(
        "Quyền người duyệt của anh/chị ở Huyện Sơn Hà đã được thu hồi ngày "
    )


def test_revoking_an_unknown_number_is_refused(cli):
    out = invoke(cli, "people", "revoke", "999", ok=False)
    assert "Lỗi: Không có người dùng số 999 (xem số ở cột đầu của: cchc-bot people list)." in out


def test_revoking_at_a_unit_where_the_person_has_no_role_is_refused(cli, chat):
    chat.register(cli, HUNG, "SONTRUNG", "officer")
    out = invoke(cli, "people", "revoke", str(chat.user_id(HUNG)), "--unit", "PHOAN", ok=False)
    assert "không giữ vai trò nào ở Xã Phổ An." in out
    assert "Đinh Văn Hùng" in invoke(cli, "people", "list")


def test_revoking_twice_says_there_is_nothing_left(cli, chat):
    chat.register(cli, HUNG, "SONTRUNG", "officer")
    invoke(cli, "people", "revoke", str(chat.user_id(HUNG)))
    out = invoke(cli, "people", "revoke", str(chat.user_id(HUNG)))
    assert "không còn giữ vai trò nào: không có gì để thu hồi." in out


def test_the_old_code_does_not_let_a_revoked_person_back_in(cli, chat):
    code = invoke(cli, "invite", "--unit", "SONTRUNG", "--role", "officer").strip().splitlines()[-1]
    chat.send(HUNG, Command("start", code))
    invoke(cli, "people", "revoke", str(chat.user_id(HUNG)))
    assert chat.send(HUNG, Command("start", code)) == [texts.INVITE_USED]
