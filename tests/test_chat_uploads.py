"""The conversation's side of a sent appendix: held until "Lưu", taken once, never over figures."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from appendix_sheets import seed_000_sheet
from telegram_runner import invite

from bot.chat.conversations import Conversations, Sender
from bot.chat.uploads import Upload
from flows.engine import Press, parse_event
from storage.db import Store

OFFICER = Sender("telegram", "77", "Cán bộ")
REVIEWER = Sender("telegram", "78", "Người duyệt")


def chat(url: str) -> Conversations:
    return Conversations(Store(url), ZoneInfo("Asia/Ho_Chi_Minh"))


def register(conversations: Conversations, url: str, who: Sender, unit: str, role: str) -> None:
    conversations.handle(who, parse_event(f"/start {invite(url, unit, role)}"))


def sent(conversations: Conversations) -> tuple[str, str]:
    outcome = conversations.handle(OFFICER, Upload("phu-luc.xlsx", seed_000_sheet(extras=False)))
    [reply] = outcome.replies
    save, cancel = reply.options
    return save.id, cancel.id


def test_the_same_press_twice_stores_once(url):
    conversations = chat(url)
    register(conversations, url, OFFICER, "SONTRUNG", "officer")
    save, _ = sent(conversations)
    first = conversations.handle(OFFICER, Press(save))
    again = conversations.handle(OFFICER, Press(save))
    assert first.replies[0].text.startswith("✓ Đã lưu 42 chỉ tiêu làm số liệu Quý II/2024")
    assert again.replies[0].text == "Số liệu của tệp này đã được lưu hoặc huỷ rồi."


def test_after_saving_the_current_question_comes_back_with_last_period(url):
    conversations = chat(url)
    register(conversations, url, OFFICER, "SONTRUNG", "officer")
    save, _ = sent(conversations)
    replies = conversations.handle(OFFICER, Press(save)).replies
    assert "Quý III/2024" in replies[1].text


def test_a_second_file_for_a_period_already_in_the_bot_is_refused_on_saving(url):
    conversations = chat(url)
    register(conversations, url, OFFICER, "SONTRUNG", "officer")
    save, _ = sent(conversations)
    conversations.handle(OFFICER, Press(save))
    save_again, _ = sent(conversations)
    refused = conversations.handle(OFFICER, Press(save_again)).replies[0].text
    assert "Xã Sơn Trung đã có 50 chỉ tiêu kỳ 2024-Q2 trong bot; không ghi đè" in refused


def test_a_reviewer_cannot_send_figures(url):
    conversations = chat(url)
    register(conversations, url, REVIEWER, "SONHA", "reviewer")
    outcome = conversations.handle(REVIEWER, Upload("phu-luc.xlsx", seed_000_sheet()))
    assert outcome.replies[0].text.startswith("Chỉ cán bộ nhập liệu gửi phụ lục kỳ trước")


def test_another_persons_press_takes_nothing(url):
    conversations = chat(url)
    register(conversations, url, OFFICER, "SONTRUNG", "officer")
    other = Sender("telegram", "79", "Cán bộ khác")
    register(conversations, url, other, "SONTHANH", "officer")
    save, _ = sent(conversations)
    assert "đã được lưu hoặc huỷ" in conversations.handle(other, Press(save)).replies[0].text
    assert conversations.handle(OFFICER, Press(save)).replies[0].text.startswith("✓ Đã lưu")


def test_the_press_may_reach_another_bot_process_than_the_file(url):
    """What was read is held in the database, not in the process that read it."""
    first, second = chat(url), chat(url)
    register(first, url, OFFICER, "SONTRUNG", "officer")
    save, _ = sent(first)
    assert second.handle(OFFICER, Press(save)).replies[0].text.startswith("✓ Đã lưu 42 chỉ tiêu")
