"""`cchc-bot invite`: who may be invited where, and for how long, in the admin's words."""

from __future__ import annotations

import pytest
import test_cli

run = test_cli.run  # the fixture: the command line against a new SQLite file


@pytest.fixture
def units(run):
    run("units", "import", str(test_cli.UNITS))


@pytest.mark.parametrize("days", ["0", "-3"])
def test_a_validity_of_zero_or_fewer_days_is_refused(run, units, days):
    out = run("invite", "--unit", "SONTRUNG", "--role", "officer", "--days", days, ok=False)
    assert f"Lỗi: số ngày hiệu lực (--days) phải lớn hơn 0, không được là {days}." in out


def test_the_role_is_named_in_vietnamese(run, units):
    out = run("invite", "--unit", "SONHA", "--role", "reviewer", "--days", "3")
    assert out.startswith("Mã mời người duyệt cho Huyện Sơn Hà, hạn dùng đến ")
    out = run("invite", "--unit", "SONTRUNG", "--role", "officer")
    assert out.startswith("Mã mời cán bộ nhập liệu cho Xã Sơn Trung")


def test_the_unit_code_may_be_typed_in_any_case(run, units):
    out = run("invite", "--unit", "sontrung", "--role", "officer")
    assert "cho Xã Sơn Trung" in out


def test_a_reviewer_for_a_commune_is_refused_with_the_reason(run, units):
    out = run("invite", "--unit", "SONTRUNG", "--role", "reviewer", ok=False)
    assert (
        "Lỗi: Xã Sơn Trung là xã, không có đơn vị cấp dưới để người duyệt theo dõi: "
        "hãy mời người duyệt ở huyện hoặc tỉnh (ví dụ --unit SONHA, Huyện Sơn Hà); "
        "xã thì mời cán bộ nhập liệu (--role officer)."
    ) in out
    assert "/start" not in out
