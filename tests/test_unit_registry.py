"""The official 2025 unit list, read from `vietnam-provinces` itself and found as admins type it."""

from __future__ import annotations

import pytest
from vietnam_provinces import Province, Ward

from flows import unit_registry
from flows.unit_registry import UnknownProvince


def test_the_list_has_the_34_provinces_and_3321_communes_of_1_july_2025():
    provinces = unit_registry.provinces()
    assert len(provinces) == 34
    assert sum(len(p.communes) for p in provinces) == 3321


def test_every_province_holds_exactly_the_communes_the_package_lists_under_it():
    for province in unit_registry.provinces():
        package = sorted(Ward.iter_by_province(int(province.code)), key=lambda w: int(w.code))
        assert [(c.code, c.name) for c in province.communes] == [
            (f"{int(w.code):05d}", w.name) for w in package
        ]


def test_codes_keep_the_leading_zeros_of_the_official_list():
    ha_noi = unit_registry.find("01")
    assert ha_noi.name == "Thành phố Hà Nội"
    assert ("00070", "Phường Hoàn Kiếm") in [(c.code, c.name) for c in ha_noi.communes]


@pytest.mark.parametrize(
    "typed", ["Quảng Ngãi", "quang ngai", "QUANG NGAI", "Tỉnh Quảng Ngãi", "51"]
)
def test_a_province_is_found_with_or_without_diacritics_or_by_its_code(typed):
    assert unit_registry.find(typed).code == "51"
    assert unit_registry.find(typed).name == Province.from_code(51).name == "Quảng Ngãi"


@pytest.mark.parametrize("typed", ["Hồ Chí Minh", "TP Hồ Chí Minh", "thanh pho ho chi minh"])
def test_a_city_is_found_with_or_without_thanh_pho(typed):
    assert unit_registry.find(typed).name == "Thành phố Hồ Chí Minh"


def test_wards_and_special_zones_are_communes_too():
    kinds = {c.kind for c in unit_registry.find("Quảng Ngãi").communes}
    assert kinds == {"xã", "phường", "đặc khu"}
    assert "Đặc khu Lý Sơn" in [c.name for c in unit_registry.find("Quảng Ngãi").communes]


def test_a_misspelt_province_is_refused_with_the_closest_names():
    with pytest.raises(UnknownProvince) as refused:
        unit_registry.find("Quang Ngai xyz")
    assert "Không tìm thấy tỉnh, thành phố 'Quang Ngai xyz'" in str(refused.value)
    assert "Có phải: Quảng Ngãi (51)" in str(refused.value)
    assert "cchc-bot units registry --list" in str(refused.value)


def test_an_unknown_code_is_refused_with_the_codes_there_are():
    with pytest.raises(UnknownProvince) as refused:
        unit_registry.find("50")
    assert str(refused.value).startswith("Không có tỉnh, thành phố nào mã 50. Các mã: 01, 04, ")
