"""What the console's pages show and do, read from their HTML and files (the browser test
walks the same journey in Chromium)."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from console_harness import Console
from console_world import join

from flows import texts
from storage.models import SubmissionStatus

pytestmark = pytest.mark.asyncio

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def row(html: str, attribute: str) -> str:
    """The table row carrying ``data-unit="…"`` or ``data-code="…"``, as text without tags."""
    found = re.search(rf"<tr {attribute}>(.*?)</tr>", html, re.S)
    assert found is not None, attribute
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


async def page(console: Console, path: str) -> str:
    response = await console.client.get(path)
    assert response.status == 200, path
    return await response.text()


async def post(console: Console, path: str, **data: str) -> str:
    token = CSRF.search(await page(console, "/web/"))
    assert token is not None
    response = await console.client.post(path, data={"csrf": token.group(1), **data})
    assert response.status == 200, path
    return await response.text()


def status_of(console: Console, unit: str) -> tuple[str, str | None]:
    with console.store.reading() as repo:
        found = repo.unit_by_code(unit)
        sub = repo.submission(console.people.round_id, found.id, create=False)  # type: ignore[union-attr, arg-type]
        return sub.status, sub.status_note  # type: ignore[union-attr]


async def test_the_landing_page_shows_each_communes_state_progress_and_submitter(console):
    await console.sign_in(console.people.reviewer)
    html = await page(console, "/web/")
    assert "Quý III/2024 — Huyện Sơn Hà" in html
    assert "Hạn nộp: <strong>20/09/2024</strong>" in html and "(còn 2 ngày)" in html
    trung = row(html, 'data-unit="SONTRUNG"')
    assert "Đã nộp" in trung and "Nguyễn Thị Lan" in trung and "đúng hạn" in trung
    assert "10:00 18/09/2024" in trung
    assert "Chưa bắt đầu" in row(html, 'data-unit="SONHAI"')
    assert re.search(r"<b>4</b> đơn vị", html) and re.search(r"<b>1</b> đã nộp", html)
    assert re.search(r"<b>3</b> chưa bắt đầu", html)


async def test_the_landing_page_filters_and_sorts_units(console):
    await console.sign_in(console.people.reviewer)
    html = await page(console, "/web/?loc=chua-bat-dau&sap=ten")
    assert 'data-unit="SONTRUNG"' not in html
    order = re.findall(r'data-unit="(\w+)"', html)
    assert order == ["SONHAI", "SONTHANH", "SONTHUONG"]  # Hải, Thành, Thượng


async def test_a_units_report_shows_values_last_period_notes_and_history(console):
    await console.sign_in(console.people.reviewer)
    html = await page(console, f"/web/ky/{console.people.round_id}/don-vi/SONTRUNG")
    assert row(html, 'data-code="III.2.1"').split()[-1] != ""  # the row exists
    assert "99,37" in row(html, 'data-code="III.2.1"')
    assert "790" in row(html, 'data-code="III.2.2"')
    assert "785" in row(html, 'data-code="III.2.3"')
    assert "94,59" in row(html, 'data-code="I.2"') and "90,9" not in html
    assert "Ghi chú: VHXH, TP-HT" in row(html, 'data-code="I.3.1"')
    assert "Nguyễn Thị Lan" in row(html, 'data-code="III.2.2"')  # who entered it
    assert "Trả lại" in html and "Duyệt" in html


async def test_returning_from_the_page_tells_the_officer_and_the_resubmission_is_approved(console):
    await console.sign_in(console.people.reviewer)
    base = f"/web/ky/{console.people.round_id}/don-vi/SONTRUNG"
    html = await post(console, base + "/tra-lai", ly_do="Thiếu số hồ sơ III.2.2")
    assert "Đã trả lại báo cáo" in html
    assert status_of(console, "SONTRUNG") == (SubmissionStatus.RETURNED, "Thiếu số hồ sơ III.2.2")
    [told] = console.delivered
    assert told.external_id == console.people.officer_external
    assert "Lý do: Thiếu số hồ sơ III.2.2" in told.reply.text and told.outbox_id is not None
    refused = await post(console, base + "/duyet")
    assert "chưa nộp báo cáo này" in refused

    with console.store.transaction() as repo:
        sub = repo.submission(console.people.round_id, repo.unit_by_code("SONTRUNG").id)  # type: ignore[union-attr, arg-type]
        repo.set_status(sub.id, "submitted", console.people.officer, console.clock())  # type: ignore[union-attr, arg-type]
    approved = await post(console, base + "/duyet")
    assert "Đã duyệt báo cáo" in approved
    assert status_of(console, "SONTRUNG")[0] == SubmissionStatus.APPROVED
    assert texts.notice_approved("Quý III/2024", "Xã Sơn Trung") == console.delivered[-1].reply.text


async def test_returning_without_a_reason_is_refused(console):
    await console.sign_in(console.people.reviewer)
    html = await post(
        console, f"/web/ky/{console.people.round_id}/don-vi/SONTRUNG/tra-lai", ly_do="   "
    )
    assert "Cần ghi lý do trả lại" in html
    assert status_of(console, "SONTRUNG")[0] == SubmissionStatus.SUBMITTED
    assert console.delivered == []


async def test_remind_now_reaches_officers_of_units_not_submitted_once_an_hour(console):
    with console.store.transaction() as repo:
        join(repo, "SONHAI", "officer", "5550002", "Đinh Văn Tú", console.clock())
    await console.sign_in(console.people.reviewer)
    first = await post(console, "/web/nhac")
    assert "Đã gửi 1 lời nhắc tới cán bộ của 1 đơn vị chưa nộp." in first
    assert [n.external_id for n in console.delivered] == ["5550002"]
    again = await post(console, "/web/nhac")
    assert "đã được nhắc trong giờ này" in again
    assert len(console.delivered) == 1


async def test_an_indicator_across_units_recomputes_the_total_ratio_and_draws_charts(console):
    await console.sign_in(console.people.reviewer)
    html = await page(console, f"/web/ky/{console.people.round_id}/chi-tieu?ma=III.2.1")
    assert "99,37" in row(html, 'data-unit="SONTRUNG"')
    total = re.search(r"<td class=\"num\" data-total>(.*?)</td>", html)
    assert total is not None and total.group(1) == "99,37"  # only Sơn Trung has figures
    assert html.count("<svg") == 2 and "Xã Sơn Trung" in html
    assert "<script src" not in html and "cdn" not in html.lower()


async def test_downloads_give_the_compiled_workbook_and_the_rounds_figures(console):
    await console.sign_in(console.people.reviewer)
    round_id = console.people.round_id
    response = await console.client.get(f"/web/ky/{round_id}/tai/tong-hop.xlsx")
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(await response.read()))
    assert (
        book.sheetnames[:2] == ["Tổng hợp", "Tình hình nộp"] and "Xã Sơn Trung" in book.sheetnames
    )
    assert book["Tổng hợp"]["G25"].value == 99.37  # III.2.1 of Sơn Trung
    csv_text = await (await console.client.get(f"/web/ky/{round_id}/tai/so-lieu.csv")).text()
    assert "SONTRUNG,Xã Sơn Trung,III.2.1,99.37," in csv_text
    figures = json.loads(
        await (await console.client.get(f"/web/ky/{round_id}/tai/so-lieu.json")).text()
    )
    assert {
        "unit_code": "SONTRUNG",
        "unit_name": "Xã Sơn Trung",
        "indicator_code": "III.2.2",
        "value": "790",
        "note": None,
    } in figures
    one = await console.client.get(f"/web/ky/{round_id}/tai/don-vi/SONTRUNG.xlsx")
    assert one.status == 200
    assert openpyxl.load_workbook(io.BytesIO(await one.read())).worksheets


async def test_history_lists_past_rounds_with_their_counts(console):
    await console.sign_in(console.people.admin)
    html = await page(console, "/web/lich-su")
    assert "Quý III/2024" in html and "Tỉnh Quảng Ngãi" in html
    assert "1/6" in html  # six communes under the province, one submitted


async def test_a_whole_section_across_units_has_a_column_per_figure_and_totals(console):
    await console.sign_in(console.people.reviewer)
    html = await page(console, f"/web/ky/{console.people.round_id}/chi-tieu?phan=III")
    assert "Phần III." in html
    header = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert header is not None and ">III.2.1<" in header.group(1) and ">III.2.2<" in header.group(1)
    trung = row(html, 'data-unit="SONTRUNG"')
    assert "99,37" in trung and "790" in trung and "785" in trung
    assert "99,37" in row(html, "data-total")


async def test_a_units_report_is_headed_by_the_forms_sections_in_order(console):
    await console.sign_in(console.people.reviewer)
    html = await page(console, f"/web/ky/{console.people.round_id}/don-vi/SONTRUNG")
    headings = re.findall(r'<th scope="rowgroup" colspan="6">([IVX]+)\. ', html)
    assert headings == ["I", "II", "III", "IV", "V", "VI", "VII"]


async def test_the_word_drafts_download_from_the_round_and_the_units_page(console):
    import docx

    await console.sign_in(console.people.reviewer)
    round_id = console.people.round_id
    one = await console.client.get(f"/web/ky/{round_id}/tai/don-vi/SONTRUNG.docx")
    assert one.status == 200 and one.content_type.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(await one.read())).paragraphs)
    assert "785" in text and "790" in text and "99,37" in text and "90,9 " not in text
    summary = await console.client.get(f"/web/ky/{round_id}/tai/du-thao.docx")
    assert summary.status == 200
    paragraphs = docx.Document(io.BytesIO(await summary.read())).paragraphs
    assert any("HUYỆN SƠN HÀ" in p.text.upper() for p in paragraphs)
