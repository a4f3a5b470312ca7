"""Corrections of 2026-12-02 to the energy chapter's data: 910C price range, desert
siting (C13), IEA rows, and the provenance of the new rows."""

from dataclasses import replace

import pytest

from omcc import chips, energy, load


@pytest.fixture(scope="module")
def model():
    inputs, prices = load("cluster_cost_inputs"), load("electricity_prices")
    table = chips.spec_table(load("accelerator_specs"))
    return inputs, prices, energy.scenario_inputs(inputs, table, prices), energy.scenario_table(inputs, table, prices)


def test_910c_preferred_price_is_the_wsj_order_value():
    inp = load("cluster_cost_inputs").set_index("id")
    assert bool(inp.at["price_910c_wsj", "preferred"]) and not bool(inp.at["price_910c_kocka", "preferred"])
    # about $2 billion for 70,000 chips
    assert inp.at["price_910c_wsj", "value_central"] == round(2_000_000_000 / 70_000)


def test_cloudmatrix_row_is_the_system_price_per_chip_and_its_chip_equivalent():
    inp = load("cluster_cost_inputs").set_index("id")
    row = inp.loc["price_910c_ft_cm384"]
    per_chip_system = 8_200_000 / 384
    assert row["value_high"] == round(per_chip_system)
    multiplier = inp.at["server_multiplier_epoch", "value_central"] / (1 - inp.at["interconnect_share_epoch", "value_central"])
    assert row["value_low"] == round(per_chip_system / multiplier)


def test_910c_price_range_straddles_the_breakeven_with_the_us_h100(model):
    inputs, _, xs, scen = model
    lo, hi = energy.value_range(inputs, "chip_price", "ascend_910c")
    breakeven = energy.breakeven_chip_price(xs["cn_910c_subsidy"], scen.at["us_h100", "per_pflop_hour"])
    assert lo < breakeven < hi  # the US-China cost ranking depends on which 910C price is right
    cheap = energy.summary(replace(xs["cn_910c_subsidy"], chip_price=lo))["per_pflop_hour"]
    assert cheap < scen.at["us_h100", "per_pflop_hour"]


def test_subsidy_effect_stays_small_across_the_910c_price_range(model):
    inputs, _, xs, _ = model
    for price in energy.value_range(inputs, "chip_price", "ascend_910c"):
        plain = energy.summary(replace(xs["cn_910c"], chip_price=price))["per_chip_hour"]
        subsidised = energy.summary(replace(xs["cn_910c_subsidy"], chip_price=price))["per_chip_hour"]
        assert 0.02 < 1 - subsidised / plain < 0.10


def test_desert_siting_rows_exist_and_are_sourced():
    sub = load("energy_subsidies").set_index("id")
    for rid, key in [("bloomberg2025_desert_sites", "bloomberg2025desert"), ("hami2025_yiwu_computing", "hami2025computing"),
                     ("xinhua2023_zhongwei_gobi", "xinhua2023zhongwei"), ("qinghai2025_hainan_awards", "qhnews2025hainan"),
                     ("datang2026_zhongwei_direct", "pvmagazine2026datang")]:
        assert key in sub.at[rid, "source"].split(";")
        assert str(sub.at[rid, "accessed"].date()) == "2026-12-02"
    # the only direct solar supply to a data-centre cluster found began after the article (2025-11-25)
    assert sub.at["datang2026_zhongwei_direct", "date_reported"] > sub.at["ft2025_bill_cut", "date_reported"]


def test_iea_rows_match_the_data_file_values():
    el = load("dc_electricity").set_index("id")["twh"]
    expected = {"iea_world_2024": 416, "iea_world_base_2030": 946, "iea_world_lift_off_2035": 1719, "iea_world_high_efficiency_2030": 792,
                "iea_world_headwinds_2035": 707, "iea_us_2024": 183, "iea_cn_2024": 102, "iea_us_2030": 426, "iea_cn_2030": 277}
    for rid, twh in expected.items():
        assert el[rid] == twh, rid


def test_c13_verdict_and_sources_follow_the_new_rows():
    claims = load("claims").set_index("claim_id")
    assert claims.at["C13", "verdict"] == "supported"
    assert "bloomberg2025desert" in claims.at["C13", "source"]
    assert "no source" not in claims.at["C13", "data_shows"]
