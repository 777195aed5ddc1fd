"""/duthao in the chat: the officer's draft of its own report, the reviewer's summary of its units.

`make demo`'s world through the shared chat shell (bot/chat/conversations, as every transport
calls it): last quarter filed with seed 000's figures, so what the officer types now is
compared with it; the file each reply names is then built as the transports build it.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest

from bot.chat import documents
from bot.chat.conversations import Conversations, Sender
from bot.transports.console import demo
from flows import texts
from flows.engine import Command, Press, Reply, Text
from storage.db import Store

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 9, 10, 9, 30, tzinfo=ZONE)  # Quý III/2024 is open; Quý II was filed
OFFICER = Sender("console", "can-bo-son-trung", "Cán bộ Sơn Trung")
REVIEWER = Sender("console", "chuyen-vien-son-ha", "Chuyên viên Sơn Hà")


@pytest.fixture
def store(tmp_path: Path):
    store = demo.prepare(
        f"sqlite:///{tmp_path / 'demo.sqlite3'}", OFFICER.external_id, fresh=True, now=NOW
    )
    yield store
    store.dispose()


@pytest.fixture
def chat(store: Store) -> Conversations:
    return Conversations(store, ZONE, clock=lambda: NOW)


@pytest.fixture
def reviewer(store: Store, chat: Conversations) -> Sender:
    with store.transaction() as repo:
        code = repo.create_invite("SONHA", "reviewer", NOW, timedelta(days=1)).code
    said(chat, REVIEWER, Command("start", code))
    return REVIEWER


def said(chat: Conversations, who: Sender, event) -> list[Reply]:
    return chat.handle(who, event).replies


def ids(store: Store, period: str, *codes: str) -> tuple[int, ...]:
    with store.reading() as repo:
        round_ = repo.round_by_period("xa", period)
        assert round_ is not None and round_.id is not None
        units = [repo.unit_by_code(code) for code in codes]
        return (round_.id, *(u.id for u in units if u is not None and u.id is not None))


def paragraphs(chat: Conversations, file_spec: str) -> tuple[str, list[str]]:
    built = chat.document(file_spec)
    return built.filename, [p.text for p in docx.Document(io.BytesIO(built.data)).paragraphs]


# --- the officer ---------------------------------------------------------------------------------
def test_the_officers_duthao_names_the_draft_of_its_own_report(store, chat):
    [reply] = said(chat, OFFICER, Command("duthao"))
    round_id, unit_id = ids(store, "2024-Q3", "SONTRUNG")
    assert reply.text == texts.DRAFT_CAPTION
    assert reply.attachment == f"draft:{round_id}:{unit_id}"
    filename, written = paragraphs(chat, reply.attachment)
    assert filename == "CCHC_2024-Q3_xa-son-trung.docx"
    assert written[:2] == [
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý III năm 2024",
    ]


def test_the_draft_compares_what_was_just_typed_with_last_quarter(chat):
    said(chat, OFFICER, Command("sua", "III.2.2"))
    said(chat, OFFICER, Text("802"))
    said(chat, OFFICER, Text("795"))  # III.2.3, the next question
    [reply] = said(chat, OFFICER, Command("duthao"))
    _, written = paragraphs(chat, reply.attachment or "")
    sentence = next(t for t in written if "802 hồ sơ" in t)
    assert sentence == (
        "- Tổng số hồ sơ TTHC đã giải quyết xong là 802 hồ sơ, tăng 12 hồ sơ so với quý II, "
        "trong đó giải quyết đúng hạn 795 hồ sơ, đạt tỷ lệ 99,13 %."
    )


def test_submitting_sends_the_appendix_then_the_draft(store, chat):
    said(chat, OFFICER, Command("nop"))
    replies = said(chat, OFFICER, Press("submit"))
    round_id, unit_id = ids(store, "2024-Q3", "SONTRUNG")
    assert [r.attachment for r in replies if r.attachment] == [
        f"appendix:{round_id}:{unit_id}",
        f"draft:{round_id}:{unit_id}",
    ]


def test_the_officers_help_lists_duthao():
    assert "/duthao — nhận dự thảo báo cáo (tệp Word)" in texts.HELP
    assert "duthao" in dict(texts.OFFICER_COMMANDS)


# --- the reviewer --------------------------------------------------------------------------------
def test_the_reviewers_duthao_names_the_summary_of_its_district(store, chat, reviewer):
    [reply] = said(chat, reviewer, Command("duthao"))
    round_id, district = ids(store, "2024-Q3", "SONHA")
    assert (reply.text, reply.attachment) == (
        texts.SUMMARY_DRAFT_CAPTION,
        f"draft:{round_id}:{district}",
    )
    filename, written = paragraphs(chat, reply.attachment or "")
    assert filename == "CCHC_2024-Q3_tong-hop_huyen-son-ha.docx"
    assert "- Chưa nộp (3): Xã Sơn Thành (chưa bắt đầu); Xã Sơn Thượng (chưa bắt đầu); " in (
        "\n".join(written)
    )


def test_last_quarters_summary_counts_the_commune_that_filed_it(store, chat, reviewer):
    [reply] = said(chat, reviewer, Command("duthao", "2024-Q2"))
    _, written = paragraphs(chat, reply.attachment or "")
    # the demo files Quý II sixty days before "now", three weeks after its deadline
    assert "- Nộp quá hạn (1): Xã Sơn Trung (nộp ngày 12/07/2024)." in written
    assert (
        "- Tổng số hồ sơ TTHC đã giải quyết xong là 790 hồ sơ, trong đó giải quyết đúng hạn "
        "785 hồ sơ, đạt tỷ lệ 99,37 %."
    ) in written


def test_a_reviewer_gets_one_communes_draft_by_its_code(store, chat, reviewer):
    [reply] = said(chat, reviewer, Command("duthao", "SONTRUNG"))
    round_id, unit_id = ids(store, "2024-Q3", "SONTRUNG")
    assert (reply.text, reply.attachment) == (texts.DRAFT_CAPTION, f"draft:{round_id}:{unit_id}")


def test_a_commune_outside_the_district_is_refused(chat, reviewer):
    [reply] = said(chat, reviewer, Command("duthao", "PHOAN"))
    assert reply == Reply(texts.unit_out_of_scope("PHOAN"))


def test_the_reviewers_help_lists_duthao():
    assert "/duthao — tải dự thảo báo cáo tổng hợp (Word)" in texts.REVIEWER_HELP
    assert "duthao" in dict(texts.REVIEWER_COMMANDS)


# --- who may open which draft --------------------------------------------------------------------
def test_an_officer_opens_its_own_draft_only(store):
    round_id, own, other = ids(store, "2024-Q3", "SONTRUNG", "SONTHANH")
    with store.reading() as repo:
        mine = documents.may_open(repo, "console", OFFICER.external_id, f"draft:{round_id}:{own}")
        theirs = documents.may_open(
            repo, "console", OFFICER.external_id, f"draft:{round_id}:{other}"
        )
    assert (mine, theirs) == (True, False)


def test_a_reviewer_opens_the_drafts_of_its_district_and_below_only(store, reviewer):
    round_id, district, commune, elsewhere = ids(store, "2024-Q3", "SONHA", "SONTRUNG", "PHOAN")
    with store.reading() as repo:
        allowed = [
            documents.may_open(repo, "console", reviewer.external_id, f"draft:{round_id}:{u}")
            for u in (district, commune, elsewhere)
        ]
    assert allowed == [True, True, False]


def test_a_draft_is_served_as_a_word_document_and_the_rest_as_workbooks():
    assert documents.media_type("draft:3:17") == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    for spec in ("appendix:3:17", "compiled:3:2"):
        assert documents.media_type(spec) == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
