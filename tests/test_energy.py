"""The cluster cost model (omcc.energy): hand-worked example, headline numbers, failures."""

from dataclasses import replace

import pandas as pd
import pytest

from omcc import chips, energy, load

# Hand-worked example (numbers chosen to be checked on paper):
#   capex per chip  = 30,000 x 1.5 / (1 - 0.25)           = 60,000 USD
#   hours of life   = 5 x 8,760                            = 43,800 h
#   chips           = 30,000 / 43,800                      = 0.684932 USD/h
#   rest of server  = (45,000 - 30,000) / 43,800           = 0.342466 USD/h
#   interconnect    = (60,000 - 45,000) / 43,800           = 0.342466 USD/h
#   energy          = 2.0 kW x 0.5 x 1.5 (PUE) x 0.10 USD  = 0.15 USD/h
#   total           = 60,000 / 43,800 + 0.15               = 1.519863 USD/h
#   delivered       = 1,000 TFLOPS / 1000 x 0.5            = 0.5 PFLOP/s
#   per PFLOP-hour  = 1.519863 / 0.5                       = 3.039726 USD
#   energy share    = 0.15 / 1.519863                      = 0.098693
#   annual, 1,024   = (60,000 / 5 + 0.15 x 8,760) x 1,024  = 13,314 x 1,024 = 13,633,536 USD
HAND = energy.ClusterInputs(
    chip_price=30000, server_cost_multiplier=1.5, interconnect_share=0.25, life_years=5,
    system_kw_per_chip=2.0, power_draw_fraction=0.5, pue=1.5, price_usd_per_kwh=0.10,
    peak_tflops=1000, utilisation=0.5,
)


def test_hand_worked_hourly_costs():
    h = energy.hourly_costs(HAND)
    assert energy.capex_per_chip(HAND) == pytest.approx(60000)
    assert h["chips"] == pytest.approx(30000 / 43800)
    assert h["rest_of_server"] == pytest.approx(15000 / 43800)
    assert h["interconnect"] == pytest.approx(15000 / 43800)
    assert h["energy"] == pytest.approx(0.15)
    assert h["total"] == pytest.approx(1.519863, rel=1e-6)


def test_hand_worked_summary():
    s = energy.summary(HAND, n_chips=1024)
    assert s["per_pflop_hour"] == pytest.approx(3.039726, rel=1e-6)
    assert s["energy_share"] == pytest.approx(0.098693, rel=1e-5)
    assert s["annual_cost"] == pytest.approx(13_633_536, rel=1e-9)
    assert s["capex"] == pytest.approx(60000 * 1024)
    assert s["facility_mw"] == pytest.approx(1.5 * 1024 / 1000)


def test_price_change_is_energy_share_times_relative_price_change():
    # halving the price: change = 0.098693 x (0.5 - 1) = -0.049346
    assert energy.price_change_effect(HAND, 0.05) == pytest.approx(-0.049346, rel=1e-4)
    assert energy.price_change_effect(HAND, 0.10) == 0


def test_breakeven_chip_price_round_trips():
    target = energy.summary(HAND)["per_pflop_hour"]
    assert energy.breakeven_chip_price(HAND, target) == pytest.approx(30000)
    # a target below the energy cost alone cannot be met at any chip price
    assert energy.breakeven_chip_price(HAND, 0.1) < 0


def test_tornado_moves_one_input_at_a_time_and_sorts_by_swing():
    t = energy.tornado(HAND, {"chip_price": (15000, 45000), "price_usd_per_kwh": (0.05, 0.15)})
    assert list(t["input"]) == ["chip_price", "price_usd_per_kwh"]
    # chip price 15,000 -> capex 30,000 -> (30,000/43,800 + 0.15) / 0.5 = 1.669863
    assert t.loc[0, "metric_at_low"] == pytest.approx((30000 / 43800 + 0.15) / 0.5)
    assert list(t["base"]) == pytest.approx([3.039726, 3.039726], rel=1e-6)


@pytest.mark.parametrize("field, value", [("interconnect_share", 1.0), ("utilisation", 0), ("pue", -1), ("chip_price", float("nan"))])
def test_invalid_inputs_are_refused(field, value):
    with pytest.raises(ValueError):
        replace(HAND, **{field: value})


def test_central_takes_midpoint_only_when_no_central_value():
    row = pd.Series({"id": "x", "value_low": 25000.0, "value_central": float("nan"), "value_high": 30000.0})
    assert energy.central(row) == 27500
    assert energy.central(row.copy().fillna(29000.0)) == 29000
    with pytest.raises(ValueError):
        energy.central(pd.Series({"id": "x", "value_low": float("nan"), "value_central": float("nan"), "value_high": 1.0}))


# --- the book's data ------------------------------------------------------------


@pytest.fixture(scope="module")
def book():
    inputs, prices = load("cluster_cost_inputs"), load("electricity_prices")
    table = chips.spec_table(load("accelerator_specs"))
    return inputs, prices, table, energy.scenario_table(inputs, table, prices)


def test_cluster_size_is_a_named_constant():
    assert energy.CLUSTER_ACCELERATORS == 1024


def test_one_preferred_row_per_parameter_used(book):
    inputs, prices, table, _ = book
    for _, _, chip, region, price_id in energy.SCENARIOS:
        energy.build_inputs(inputs, table, prices, chip, region, price_id)  # raises if 0 or 2 preferred rows


def test_headline_energy_share_us_h100(book):
    # capex 27,500 x 1.64 / 0.81 = 55,679 USD -> 1.2712 USD/h; energy 1.275 kW x 0.75 x 1.32 x 0.0771 = 0.0973 USD/h
    t = book[3]
    assert t.at["us_h100", "energy_share"] == pytest.approx(0.0711, abs=0.002)
    assert t.at["us_h100", "per_chip_hour"] == pytest.approx(1.3685, abs=0.002)


def test_headline_subsidy_moves_total_cost_by_a_few_percent(book):
    t = book[3]
    change = t.at["cn_910c_subsidy", "per_chip_hour"] / t.at["cn_910c", "per_chip_hour"] - 1
    # 910C central price 28,571 USD (WSJ, Aug 2024: ~$2bn for 70,000+ chips); was 28,000 (Kocka) before 2026-12-02
    assert change == pytest.approx(-0.0358, abs=0.002)
    # the subsidised domestic cluster still costs more per unit of compute than the US H100 cluster
    assert t.at["cn_910c_subsidy", "per_pflop_hour"] > t.at["us_h100", "per_pflop_hour"]


def test_energy_share_is_small_in_every_scenario(book):
    t = book[3]
    assert (t["energy_share"] < 0.25).all() and (t["energy_share"] > 0.02).all()


def test_us_leads_china_on_every_measure_but_by_very_different_margins():
    ratios = energy.us_china_ratios(load("dc_capacity"), load("dc_electricity"))
    assert (ratios["ratio"] > 1).all()
    by = ratios.set_index("metric")["ratio"]
    assert by["facilities_listed"] == pytest.approx(5427 / 449)
    assert by["electricity_twh"] == pytest.approx(183 / 102)
    assert by["facilities_listed"] > 5 * by["installed_capacity_gw"]


# --- provenance and chip-price helpers ----------------------------------------------------


@pytest.fixture(scope="module")
def data():
    inputs, prices, specs = load("cluster_cost_inputs"), load("electricity_prices"), load("accelerator_specs")
    return inputs, prices, specs, energy.scenario_inputs(inputs, chips.spec_table(specs), prices)


def test_rows_returns_the_named_rows_and_refuses_unknown_ids():
    prices = load("electricity_prices")
    part = energy.rows(prices, "us_industrial_2024", "cn_industrial_2024")
    assert set(part["id"]) == {"us_industrial_2024", "cn_industrial_2024"}
    assert part.attrs["omcc_table"] == "electricity_prices"  # still traceable to its table
    with pytest.raises(KeyError):
        energy.rows(prices, "no_such_row")


def test_scenario_rows_are_the_rows_the_model_reads(data):
    inputs, prices, specs, xs = data
    used_inputs, used_prices, used_specs = energy.scenario_rows(inputs, prices, specs, ["cn_910c_subsidy"])
    x = xs["cn_910c_subsidy"]
    price_rows = used_inputs[used_inputs["parameter"] == "chip_price"]
    assert list(price_rows["id"]) == ["price_910c_wsj"] and energy.central(price_rows.iloc[0]) == x.chip_price
    assert set(used_inputs["parameter"]) == {"chip_price", "server_cost_multiplier", "interconnect_share", "depreciation_years",
                                             "system_power_kw", "power_draw_fraction", "pue", "utilisation"}
    assert list(used_prices["id"]) == ["cn_west_subsidised_2025"]
    assert list(used_specs["value"]) == [x.peak_tflops]


def test_sensitivity_rows_cover_every_910c_price_source(data):
    inputs, prices, _, _ = data
    used_inputs, used_prices = energy.sensitivity_rows(inputs, prices, "ascend_910c", ["cn_industrial_2024"])
    chip = used_inputs[used_inputs["parameter"] == "chip_price"]
    assert set(chip["id"]) == set(inputs.loc[(inputs["parameter"] == "chip_price") & (inputs["applies_to"] == "ascend_910c"), "id"])
    assert list(used_prices["id"]) == ["cn_industrial_2024"]


def test_chip_price_curve_is_linear_and_matches_the_summary():
    curve = energy.chip_price_curve(HAND, [15000, 30000, 45000])
    assert list(curve["per_pflop_hour"]) == pytest.approx([(30000 / 43800 + 0.15) / 0.5, 3.039726, (90000 / 43800 + 0.15) / 0.5], rel=1e-6)
    step = curve["per_pflop_hour"].diff().dropna()
    assert step.iloc[0] == pytest.approx(step.iloc[1])


def test_subsidy_effect_is_one_minus_the_cost_ratio():
    # halving the price: 1 - (60,000 / 43,800 + 0.075) / (60,000 / 43,800 + 0.15)
    cheap = replace(HAND, price_usd_per_kwh=0.05)
    assert energy.subsidy_effect(HAND, cheap) == pytest.approx(1 - (60000 / 43800 + 0.075) / (60000 / 43800 + 0.15))
    assert energy.subsidy_effect(HAND, cheap) == pytest.approx(-energy.price_change_effect(HAND, 0.05))


def test_kwh_per_pflop_is_system_power_per_peak_compute():
    # 2.0 kW x 0.5 / 1.0 PFLOP/s = 1.0 kWh per peak PFLOP-hour (PUE not included)
    assert energy.kwh_per_pflop(HAND) == pytest.approx(1.0)


def test_subsidy_kind_separates_measures_from_documented_sites():
    sub = load("energy_subsidies")
    kind = energy.subsidy_kind(sub).set_axis(sub["id"])
    assert kind["ft2025_bill_cut"] == "measure"
    assert kind["xinhua2023_zhongwei_gobi"] == "siting" and kind["bloomberg2025_desert_sites"] == "siting"
    assert kind["datang2026_zhongwei_direct"] == "supply"


def test_us_china_ratios_name_the_rows_they_divide():
    capacity, electricity = load("dc_capacity"), load("dc_electricity")
    ratios = energy.us_china_ratios(capacity, electricity).set_index("metric")
    for metric, row in ratios.iterrows():
        used = pd.concat(energy.ratio_rows(capacity, electricity, row["ids"]))
        assert len(used) == 2, metric
        values = used.set_index("id").reindex(row["ids"])
        value = values["value"] if metric != "electricity_twh" else values["twh"]
        assert value.iloc[0] / value.iloc[1] == pytest.approx(row["ratio"]), metric
