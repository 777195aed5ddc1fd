"""The admin's pages: the unit tree with its people, invites in bulk, revoking a role."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import invite_sheets
import pytest
from console_harness import Console
from console_world import join

from bot.chat.conversations import Conversations, Sender
from flows import texts
from flows.engine import Command
from storage.models import Role

pytestmark = pytest.mark.asyncio
UNIT_COLUMN, CODE_COLUMN = "Mã đơn vị", "Mã mời"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


async def token(console: Console) -> str:
    found = CSRF.search(await (await console.client.get("/web/quan-tri")).text())
    assert found is not None
    return found.group(1)


async def test_a_reviewer_who_is_not_an_admin_gets_404_on_the_admin_pages(console: Console):
    await console.sign_in(console.people.reviewer)
    assert (await console.client.get("/web/quan-tri")).status == 404
    landing = await (await console.client.get("/web/")).text()
    assert "Quản trị</a>" not in landing


async def test_the_admin_sees_the_unit_tree_with_who_holds_each_role(console: Console):
    await console.sign_in(console.people.admin)
    html = await (await console.client.get("/web/quan-tri")).text()
    codes = re.findall(r'<tr data-unit="(\w+)"', html)
    assert codes[:3] == ["QNG", "DUCPHO", "PHOAN"] and "SONTRUNG" in codes
    trung = html.split('data-unit="SONTRUNG"')[1].split("</tr>")[0]
    assert "Nguyễn Thị Lan — cán bộ nhập liệu" in trung and "Thu hồi" in trung
    assert "chưa có ai" in html.split('data-unit="SONHAI"')[1].split("</tr>")[0]


async def test_invites_in_bulk_give_a_card_for_each_commune_without_an_officer(
    console: Console, tmp_path: Path
):
    await console.sign_in(console.people.admin)
    form = {"duoi": "SONHA", "cap": "xa", "vai_tro": "officer", "dang": "pdf"}
    response = await console.client.post(
        "/web/quan-tri/moi", data={"csrf": await token(console), **form}
    )
    assert response.status == 200 and response.content_type == "application/pdf"
    pdf = tmp_path / "the.pdf"
    pdf.write_bytes(await response.read())
    cards = invite_sheets.cards(pdf)
    assert [c for c in cards if "Xã Sơn Trung" in c.text] == []  # it has its officer
    assert {
        n
        for n in ("Xã Sơn Hải", "Xã Sơn Thành", "Xã Sơn Thượng")
        if any(n in c.text for c in cards)
    } == {
        "Xã Sơn Hải",
        "Xã Sơn Thành",
        "Xã Sơn Thượng",
    }

    form["dang"] = "xlsx"
    again = await console.client.post(
        "/web/quan-tri/moi", data={"csrf": await token(console), **form}
    )
    sheet = tmp_path / "ds.xlsx"
    sheet.write_bytes(await again.read())
    rows = invite_sheets.rows(sheet)
    assert sorted(r[UNIT_COLUMN] for r in rows) == ["SONHAI", "SONTHANH", "SONTHUONG"]
    chat = Conversations(console.store, ZoneInfo("Asia/Ho_Chi_Minh"), console.clock)
    for number, row in enumerate(rows):  # the sheet's codes; the PDF's were withdrawn
        first = chat.handle(
            Sender("telegram", f"77{number}", "Mới"), Command("start", row[CODE_COLUMN])
        )
        assert first.replies[0].text.startswith("✓ Đã đăng ký: cán bộ nhập liệu của Xã Sơn")
        second = chat.handle(
            Sender("telegram", f"88{number}", "Khác"), Command("start", row[CODE_COLUMN])
        )
        assert second.replies[0].text == texts.INVITE_USED


async def test_a_reviewer_at_a_commune_is_refused_with_the_reason(console: Console):
    await console.sign_in(console.people.admin)
    form = {"duoi": "SONHA", "cap": "xa", "vai_tro": "reviewer", "dang": "pdf"}
    response = await console.client.post(
        "/web/quan-tri/moi", data={"csrf": await token(console), **form}
    )
    assert response.status == 400
    assert "xã không có đơn vị cấp dưới để người duyệt theo dõi" in await response.text()


async def test_revoking_asks_first_then_ends_the_role_and_keeps_the_figures(console: Console):
    await console.sign_in(console.people.admin)
    officer = console.people.officer
    confirm = await console.client.get(f"/web/quan-tri/thu-hoi?nguoi={officer}&don-vi=SONTRUNG")
    html = await confirm.text()
    assert "Thu hồi quyền?" in html and "Nguyễn Thị Lan" in html
    with console.store.reading() as repo:
        assert repo.memberships(officer)  # nothing happens on the confirmation page
    done = await console.client.post(
        "/web/quan-tri/thu-hoi",
        data={"csrf": await token(console), "nguoi": str(officer), "don_vi": "SONTRUNG"},
    )
    assert "Đã thu hồi quyền" in await done.text()
    with console.store.reading() as repo:
        assert repo.memberships(officer) == []
        unit = repo.unit_by_code("SONTRUNG")
        sub = repo.submission(console.people.round_id, unit.id, create=False)  # type: ignore[union-attr, arg-type]
        assert repo.answers(sub.id)["III.2.2"].value == "790"  # type: ignore[union-attr, arg-type]


async def test_an_admin_cannot_revoke_or_invite_outside_its_units(console: Console):
    with console.store.transaction() as repo:
        admin = join(repo, "DUCPHO", Role.ADMIN, "5550012", "Võ Hà", console.clock())
    await console.sign_in(admin)
    officer = console.people.officer
    assert (
        await console.client.get(f"/web/quan-tri/thu-hoi?nguoi={officer}&don-vi=SONTRUNG")
    ).status == 404
    csrf = await token(console)
    refused = await console.client.post(
        "/web/quan-tri/thu-hoi", data={"csrf": csrf, "nguoi": str(officer), "don_vi": "SONTRUNG"}
    )
    assert refused.status == 404
    invited = await console.client.post(
        "/web/quan-tri/moi",
        data={"csrf": csrf, "duoi": "SONHA", "cap": "xa", "vai_tro": "officer", "dang": "pdf"},
    )
    assert invited.status == 404
    with console.store.reading() as repo:
        assert repo.memberships(officer)
