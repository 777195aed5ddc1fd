"""The district's summary draft over three communes: Sơn Trung on time, Sơn Thành a day late,
Sơn Thượng not started — loaded through the real storage, read back with python-docx."""

from __future__ import annotations

import io

import docx
import pytest
from docx.document import Document
from export_world import AS_OF, ZONE, World, file_report, officer

from exports.draft_data import load_summary_draft
from exports.report_docx import summary_draft_bytes
from flows import catalog

XA = catalog.load("xa")


def summary(world: World) -> Document:
    with world.store.reading() as repo:
        round_ = repo.round(world.round_id)
        district = repo.unit_by_code("SONHA")
        assert district is not None
        data = load_summary_draft(repo, round_, district, now=AS_OF)
    return docx.Document(io.BytesIO(summary_draft_bytes(data, ZONE)))


@pytest.fixture
def document(world: World) -> Document:
    return summary(world)


def texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def under(document: Document, heading: str, until: str) -> list[str]:
    all_texts = texts(document)
    start = all_texts.index(heading)
    return all_texts[start + 1 : all_texts.index(until, start)]


def test_it_is_the_districts_report_on_its_communes(document):
    left, _ = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:2] == ["ỦY BAN NHÂN DÂN", "HUYỆN SƠN HÀ"]
    assert texts(document)[1] == (
        "Tổng hợp kết quả thực hiện công tác cải cách hành chính quý III năm 2024 "
        "của các xã thuộc huyện Sơn Hà"
    )


def test_it_says_who_submitted_on_time_late_and_not_at_all(document):
    results = "II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH"
    assert under(document, "I. TÌNH HÌNH NỘP BÁO CÁO", results) == [
        "Đến 10:00 ngày 25/09/2024, 2/3 xã đã nộp báo cáo (hạn nộp 20/09/2024).",
        "- Nộp đúng hạn (1): Xã Sơn Trung.",
        "- Nộp quá hạn (1): Xã Sơn Thành (nộp ngày 21/09/2024).",
        "- Chưa nộp (1): Xã Sơn Thượng (chưa bắt đầu).",
    ]


def test_totals_add_up_the_submitted_communes_and_recompute_their_ratios(document):
    written = texts(document)
    assert (
        "- Tổng số hồ sơ TTHC đã giải quyết xong là 1.200 hồ sơ, trong đó giải quyết đúng hạn "
        "1.185 hồ sơ, đạt tỷ lệ 98,75 %."
    ) in written  # 790 + 410 solved, 785 + 400 on time: 1185/1200, not the mean of two ratios
    assert (
        "- Kế hoạch CCHC năm 2024 đề ra 57 nhiệm vụ, đã hoàn thành 53 nhiệm vụ, đạt 92,98 %."
    ) in written


def test_what_the_communes_wrote_is_gathered_under_its_section(document):
    first = under(document, "1. Công tác chỉ đạo điều hành CCHC", "2. Cải cách thể chế")
    assert first[first.index("Các đơn vị ghi:") + 1] == (
        "- Xã Sơn Trung (số ngành, công chức chuyên môn đã kiểm tra): VHXH, TP-HT"
    )
    fourth = under(document, "4. Cải cách tổ chức bộ máy", "5. Cải cách chế độ công vụ")
    merged = "Sáp nhập thôn Gò Da vào thôn Tà Bần"  # Sơn Thành's answer to IV.1, a text row
    assert f"- Xã Sơn Thành (sắp xếp, kiện toàn tổ chức bộ máy): {merged}" in fourth
    assert fourth[-1] == "[Tổng hợp kết quả nổi bật của các đơn vị trong lĩnh vực này]"


def test_a_coded_row_is_told_as_how_many_communes_chose_each_code(document):
    assert (
        "- Cập nhật Kiến trúc chính quyền điện tử phiên bản mới nhất: chưa 1 xã; hoàn thành 1 xã."
    ) in texts(document)


def test_the_appendix_prints_the_totals_in_every_row_of_the_form(document):
    table = document.tables[2]
    assert [c.text for c in table.rows[0].cells] == [
        "STT",
        "Chỉ tiêu thống kê",
        "Đơn vị tính",
        "Tổng cộng",
        "Ghi chú",
    ]
    rows = {(r.cells[0].text, r.cells[1].text): r.cells[3].text for r in table.rows[1:]}
    assert len(table.rows) - 1 == len(XA.sections) + len(XA.indicators)
    assert rows[("2.2", XA.by_code["III.2.2"].label)] == "1.200"
    assert rows[("2.1", XA.by_code["III.2.1"].label)] == "98,75"


def test_a_report_still_being_typed_is_not_added_up(world: World):
    with world.store.transaction() as repo:
        thuong = officer(repo, "SONTHUONG", "5550003", "Lê Văn Cường")
        file_report(repo, world.round_id, "SONTHUONG", {"III.2.2": "100"}, user_id=thuong)
    document = summary(world)
    assert "- Chưa nộp (1): Xã Sơn Thượng (đang nhập 1/48 chỉ tiêu)." in texts(document)
    solved = [t for t in texts(document) if t.startswith("- Tổng số hồ sơ TTHC đã giải quyết")]
    assert solved[0].startswith("- Tổng số hồ sơ TTHC đã giải quyết xong là 1.200 hồ sơ,")
