"""`cchc-bot invite --under`: a code for every commune of a province, as cards and as a list.

The files are read back as a person would read them (tests/invite_sheets): each card's text,
each QR code decoded from the rendered page, each row of the xlsx; and every code is then
typed into the console chat.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import invite_sheets
import pytest
import test_cli
from sqlalchemy import Engine, event
from typer.testing import CliRunner
from vietnam_provinces import Ward

from bot.chat.conversations import Conversations, Sender
from bot.cli import app
from flows import texts
from flows.engine import Command
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BOT = "cchc_quangngai_bot"
QUANG_NGAI = {f"{int(w.code):05d}": w.name for w in Ward.iter_by_province(51)}
HA_NOI = {f"{int(w.code):05d}": w.name for w in Ward.iter_by_province(1)}

run = test_cli.run  # the command line against a new SQLite file


@pytest.fixture
def bot_name(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", f"@{BOT}")
    monkeypatch.setenv("ZALO_BOT_NAME", "CCHC Quảng Ngãi")
    return BOT


@pytest.fixture
def no_bot_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "")
    monkeypatch.setenv("ZALO_BOT_NAME", "")


@pytest.fixture
def quang_ngai(run):
    run("units", "registry", "--province", "Quảng Ngãi")


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", BOT)
    return CliRunner()


def invoke(cli: CliRunner, *args: str, ok: bool = True) -> str:
    result = cli.invoke(app, list(args))
    assert (result.exit_code == 0) is ok, result.output
    return result.output


def sheets(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    pdf, xlsx = tmp_path / "in" / "the-moi.pdf", tmp_path / "in" / "ma-moi.xlsx"
    return pdf, xlsx, ["--pdf", str(pdf), "--xlsx", str(xlsx)]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- the cards and the list ------------------------------------------------------------------
def test_every_commune_gets_a_card_with_its_name_its_code_and_a_qr_code_of_its_link(
    run, quang_ngai, bot_name, tmp_path
):
    pdf, xlsx, files = sheets(tmp_path)
    out = run("invite", "--under", "51", "--role", "officer", *files)

    assert out.startswith(
        f"✓ Đã tạo {len(QUANG_NGAI)} mã mời cán bộ nhập liệu cho {len(QUANG_NGAI)} đơn vị cấp "
        "xã thuộc Quảng Ngãi, hạn dùng đến "
    )
    assert f"Thẻ in (A4, 4 thẻ một trang, 24 trang): {pdf}" in out
    listed = invite_sheets.rows(xlsx)
    cards = invite_sheets.cards(pdf)
    assert invite_sheets.page_count(pdf) == 24 and len(cards) == len(listed) == len(QUANG_NGAI)
    for card, row in zip(cards, listed, strict=True):
        code, link = row["Mã mời"], row["Liên kết Telegram"]
        assert link == f"https://t.me/{BOT}?start={code}"
        assert card.qr == link
        text = nfc(card.text)
        assert f"MÃ MỜI CÁN BỘ NHẬP LIỆU {QUANG_NGAI[row['Mã đơn vị']]} Quảng Ngãi" in text
        assert f"Mã đơn vị: {row['Mã đơn vị']} {code}" in text
        assert f"hoặc mở t.me/{BOT} rồi gõ /start {code}" in text
        assert f"Zalo: mở CCHC Quảng Ngãi trên Zalo, gửi tin nhắn /start {code}" in text
        assert f"Mỗi mã dùng một lần, hạn dùng đến {row['Hạn dùng']}." in text


def test_the_list_holds_unit_code_name_invite_code_link_and_expiry_all_as_text(
    run, bot_name, tmp_path
):
    run("units", "registry", "--province", "Hà Nội")
    _, xlsx, _ = sheets(tmp_path)
    run("invite", "--under", "01", "--role", "officer", "--xlsx", str(xlsx))

    listed = invite_sheets.rows(xlsx)  # checks that every cell is a text cell
    assert list(listed[0]) == ["Mã đơn vị", "Tên đơn vị", "Mã mời", "Liên kết Telegram", "Hạn dùng"]
    assert {row["Mã đơn vị"]: row["Tên đơn vị"] for row in listed} == HA_NOI
    hoan_kiem = next(row for row in listed if row["Mã đơn vị"] == "00070")
    assert hoan_kiem["Tên đơn vị"] == "Phường Hoàn Kiếm"
    assert hoan_kiem["Mã mời"].startswith("CCHC-") and len(hoan_kiem["Mã mời"]) == 14


def test_without_a_telegram_bot_name_the_cards_have_no_qr_code_and_the_admin_is_told(
    run, quang_ngai, no_bot_name, tmp_path
):
    pdf, xlsx, files = sheets(tmp_path)
    out = run("invite", "--under", "51", "--role", "officer", *files)

    assert "Chưa đặt TELEGRAM_BOT_USERNAME nên thẻ không có mã QR" in out
    cards = invite_sheets.cards(pdf)
    listed = invite_sheets.rows(xlsx)
    assert len(cards) == len(QUANG_NGAI) and all(card.qr is None for card in cards)
    assert all(row["Liên kết Telegram"] == "" for row in listed)
    code = listed[0]["Mã mời"]
    assert f"gõ /start {code} Zalo: mở CCHC Bot của tỉnh trên Zalo" in nfc(cards[0].text)


def test_without_files_the_codes_are_printed_one_per_line(run, quang_ngai, bot_name):
    out = run("invite", "--under", "51", "--role", "officer").splitlines()
    first, *_ = sorted(QUANG_NGAI)
    line = next(line for line in out if line.endswith(f"  {first}  {QUANG_NGAI[first]}"))
    assert line.startswith("CCHC-")


# --- who gets a code --------------------------------------------------------------------------
def test_every_code_in_the_list_registers_in_the_console_chat_exactly_once(
    cli, database_url, tmp_path
):
    invoke(cli, "units", "registry", "--province", "Quảng Ngãi")
    _, xlsx, _ = sheets(tmp_path)
    invoke(cli, "invite", "--under", "51", "--role", "officer", "--xlsx", str(xlsx))

    store = Store(database_url)
    conversations = Conversations(store, ZONE)
    for row in invite_sheets.rows(xlsx):
        officer = Sender("console", f"can-bo-{row['Mã đơn vị']}", "Cán bộ")
        stranger = Sender("console", f"nguoi-khac-{row['Mã đơn vị']}", "Người khác")
        first = conversations.handle(officer, Command("start", row["Mã mời"])).replies
        again = conversations.handle(stranger, Command("start", row["Mã mời"])).replies
        assert first[0].text == f"✓ Đã đăng ký: cán bộ nhập liệu của {row['Tên đơn vị']}."
        assert [reply.text for reply in again] == [texts.INVITE_USED]
    store.dispose()

    out = invoke(cli, "invite", "--under", "51", "--role", "officer", "--xlsx", str(xlsx))
    assert out.startswith(
        "Mọi đơn vị cấp xã thuộc Quảng Ngãi đều đã có cán bộ nhập liệu: không tạo mã nào"
    )


def test_units_with_an_officer_are_left_out_unless_all_is_asked(cli, database_url):
    invoke(cli, "units", "registry", "--province", "Quảng Ngãi")
    first, *_ = sorted(QUANG_NGAI)
    code = invoke(cli, "invite", "--unit", first, "--role", "officer").strip().splitlines()[-1]
    store = Store(database_url)
    Conversations(store, ZONE).handle(Sender("zalo", "an", "An"), Command("start", code))
    store.dispose()

    some = invoke(cli, "invite", "--under", "51", "--role", "officer")
    every = invoke(cli, "invite", "--under", "51", "--role", "officer", "--all")

    assert f"✓ Đã tạo {len(QUANG_NGAI) - 1} mã mời" in some
    assert "Bỏ qua 1 đơn vị đã có cán bộ nhập liệu (thêm --all" in some
    assert f"  {first}  " not in some
    assert f"✓ Đã tạo {len(QUANG_NGAI)} mã mời" in every and f"  {first}  " in every


def test_a_new_sheet_replaces_the_codes_of_the_one_before_that_were_not_used(
    cli, database_url, tmp_path
):
    invoke(cli, "units", "registry", "--province", "Quảng Ngãi")
    old, new = tmp_path / "cu.xlsx", tmp_path / "moi.xlsx"
    invoke(cli, "invite", "--under", "51", "--role", "officer", "--xlsx", str(old))
    out = invoke(cli, "invite", "--under", "51", "--role", "officer", "--xlsx", str(new))

    assert f"Đã hủy {len(QUANG_NGAI)} mã cũ chưa dùng của các đơn vị này" in out
    store = Store(database_url)
    conversations = Conversations(store, ZONE)
    old_code = invite_sheets.rows(old)[0]["Mã mời"]
    new_code = invite_sheets.rows(new)[0]["Mã mời"]
    late = conversations.handle(Sender("zalo", "an", "An"), Command("start", old_code)).replies
    fresh = conversations.handle(Sender("zalo", "an", "An"), Command("start", new_code)).replies
    store.dispose()
    assert [reply.text for reply in late] == [texts.INVITE_EXPIRED]
    assert fresh[0].text.startswith("✓ Đã đăng ký: cán bộ nhập liệu của ")


def test_invites_for_a_province_take_a_few_dozen_statements_not_hundreds(
    run, quang_ngai, bot_name, tmp_path
):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    _, _, files = sheets(tmp_path)
    event.listen(Engine, "before_cursor_execute", count)
    try:
        run("invite", "--under", "51", "--role", "officer", *files)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO INVITES")]
    assert len(inserts) == 1  # one batch for 96 codes
    assert len(statements) < 40, statements


# --- refusals ---------------------------------------------------------------------------------
@pytest.mark.parametrize("option", [["--all"], ["--level", "xa"], ["--pdf", "the.pdf"]])
def test_the_sheet_options_belong_to_under(run, quang_ngai, option):
    out = run("invite", "--unit", "51", "--role", "reviewer", *option, ok=False)
    assert "Lỗi: --level, --all, --pdf và --xlsx chỉ dùng với --under MÃ" in out


def test_unit_and_under_together_are_refused(run, quang_ngai):
    out = run("invite", "--unit", "51", "--under", "51", "--role", "officer", ok=False)
    assert "Lỗi: chọn --unit (một đơn vị) hoặc --under (mọi đơn vị bên dưới)" in out


def test_neither_unit_nor_under_says_what_is_needed(run, quang_ngai):
    out = run("invite", "--role", "officer", ok=False)
    assert "Lỗi: cần --unit MÃ (một mã mời) hoặc --under MÃ (mỗi đơn vị bên dưới một mã)." in out


def test_reviewers_for_every_commune_are_refused_with_the_reason(run, quang_ngai):
    out = run("invite", "--under", "51", "--role", "reviewer", ok=False)
    assert "Lỗi: xã không có đơn vị cấp dưới để người duyệt theo dõi" in out


def test_a_unit_with_nothing_of_that_level_below_says_how_to_import_some(run, quang_ngai):
    out = run("invite", "--under", "51", "--role", "officer", "--level", "huyen", ok=False)
    assert "Lỗi: Không có đơn vị cấp huyện nào thuộc Quảng Ngãi (51)." in out


def test_a_pdf_must_be_named_pdf(run, quang_ngai, tmp_path):
    out = run("invite", "--under", "51", "--role", "officer", "--pdf", "the.xlsx", ok=False)
    assert "Lỗi: tệp the.xlsx phải có đuôi .pdf." in out


def test_a_sheet_that_cannot_be_written_leaves_no_code_behind(run, quang_ngai, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    target = blocker / "the-moi.pdf"

    out = run("invite", "--under", "51", "--role", "officer", "--pdf", str(target), ok=False)

    assert f"Lỗi: không ghi được tệp {target}: " in out and "Chưa tạo mã mời nào." in out
    store = Store(run.url)
    with store.reading() as repo:
        assert all(not repo.members(u.id) for u in repo.units())
        assert repo.session.exec(_invites()).first() is None
    store.dispose()
    assert list(tmp_path.glob("**/.the-moi.pdf.*")) == []


def _invites():
    from sqlmodel import select

    from storage.models import Invite

    return select(Invite)
