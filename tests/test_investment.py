"""The revenue-gap model: hand-worked examples, edge cases, and pinned headline numbers."""

import pytest

from omcc import investment as inv
from omcc import load

# --- hand-worked examples -------------------------------------------------------


def test_capital_recovery_factor_by_hand():
    # r = 10%, L = 5: 1.1**5 = 1.61051, 1 - 1/1.61051 = 0.379079, 0.1 / 0.379079 = 0.263797
    assert inv.capital_recovery_factor(0.10, 5) == pytest.approx(0.263797, abs=1e-6)
    # no cost of capital: straight-line depreciation, 1/L
    assert inv.capital_recovery_factor(0.0, 4) == 0.25


def test_crf_pays_back_the_capital_with_interest():
    # five payments of 26.3797 on 100 at 10%: their present value is 100
    pmt = 100 * inv.capital_recovery_factor(0.10, 5)
    pv = sum(pmt / 1.1**k for k in range(1, 6))
    assert pv == pytest.approx(100, rel=1e-9)


def test_required_revenue_by_hand():
    # C = 100, r = 10%, L = 5, m = 0.5, s = 1: 100 * 0.263797 / 0.5 = 52.759
    assert inv.required_revenue(100, 0.10, 5, 0.5) == pytest.approx(52.759, abs=1e-3)
    # AI share 0.8 scales the need: 0.8 * 52.759 = 42.208
    assert inv.required_revenue(100, 0.10, 5, 0.5, ai_share=0.8) == pytest.approx(42.208, abs=1e-3)
    # no cost of capital, full margin: depreciation only, 100 / 4 = 25
    assert inv.required_revenue(100, 0.0, 4, 1.0) == 25.0


def test_required_revenue_moves_the_right_way():
    base = inv.required_revenue(100, 0.10, 5, 0.5)
    assert inv.required_revenue(100, 0.12, 5, 0.5) > base  # dearer capital
    assert inv.required_revenue(100, 0.10, 4, 0.5) > base  # shorter life
    assert inv.required_revenue(100, 0.10, 5, 0.4) > base  # thinner margin


@pytest.mark.parametrize("kwargs", [dict(margin=0), dict(margin=1.2), dict(ai_share=1.5), dict(rate=-0.1), dict(life=0)])
def test_bad_parameters_are_refused(kwargs):
    args = dict(capex=100, rate=0.1, life=5, margin=0.5, ai_share=1.0) | kwargs
    with pytest.raises(ValueError):
        inv.required_revenue(**args)


def test_vintage_weights_by_hand():
    # a 5.5-year life: nothing in the year of spending, full charges in years 1-5, half in year 6
    assert [inv.vintage_weight(k, 5.5) for k in range(0, 8)] == [0, 1, 1, 1, 1, 1, 0.5, 0]


def test_required_revenue_path_by_hand():
    # two vintages of 100 (2020) and 200 (2021), r = 0, L = 2, m = 1: charge = C / 2 a year
    path = inv.required_revenue_path({2020: 100, 2021: 200}, range(2020, 2025), rate=0, life=2, margin=1)
    # 2020: nothing yet; 2021: 50; 2022: 50 + 100; 2023: 100; 2024: 0
    assert path.tolist() == [0, 50, 150, 100, 0]


def test_scenario_revenue_by_hand():
    # R0 = 10, g = 2 a year, d = 0.5: (2 * 0.5) = 1, so revenue stays at 10
    assert inv.scenario_revenue(10, 2.0, 0.5, 3).tolist() == [10, 10, 10, 10]
    # d = 0: 10, 20, 40
    assert inv.scenario_revenue(10, 2.0, 0.0, 2).tolist() == [10, 20, 40]
    with pytest.raises(ValueError):
        inv.scenario_revenue(10, 2.0, 1.0, 2)


def test_growth_and_decline_by_hand():
    # 4.7 -> 70 in 3 years: (70 / 4.7) ** (1/3) = 14.894 ** 0.3333 = 2.4604
    assert inv.growth_factor(4.7, 70, 3) == pytest.approx(2.4604, abs=1e-4)
    # 100 -> 25 in 2 years: halves each year
    assert inv.annual_decline(100, 25, 2) == pytest.approx(0.5)
    # a tenfold fall per year is a 90% cut
    assert inv.factor_to_decline(10) == pytest.approx(0.9)


def test_blend_reproduces_epochs_stated_prices():
    # Epoch's blended prices are 3:1 input:output: (3*10 + 30) / 4 = 15; (3*0.27 + 1.10) / 4 = 0.4775
    prices = load("llm_api_prices")
    both = prices.dropna(subset=["input_usd_per_mtok", "output_usd_per_mtok", "blended_usd_per_mtok"])
    assert len(both) >= 3
    for _, row in both.iterrows():
        computed = inv.blended_price(row["input_usd_per_mtok"], row["output_usd_per_mtok"])
        assert computed == pytest.approx(row["blended_usd_per_mtok"], rel=0.005), row["model"]
    assert inv.blended_price(0.27, 1.10) == pytest.approx(0.4775)


# --- bands, sensitivity and the data ------------------------------------------------


def _bands():
    return inv.parameter_bands(load("investment_assumptions"))


def test_bands_come_from_the_sourced_rows():
    bands = _bands()
    assert (bands["asset_life"].low, bands["asset_life"].central, bands["asset_life"].high) == (4, 5.5, 6)
    assert bands["margin"].central == 0.5
    assert bands["cost_of_capital"].central == inv.COST_OF_CAPITAL[1]


def test_band_brackets_the_central_value():
    band = inv.required_revenue_band(100, _bands())
    assert band.low < band.central < band.high


def test_sensitivity_is_one_at_a_time_and_sorted():
    table = inv.sensitivity(100, _bands())
    assert set(table["parameter"]) == {"cost_of_capital", "asset_life", "margin", "ai_share"}
    assert table["swing"].is_monotonic_decreasing
    # at the central value of every parameter the need is the same
    assert table["central_required"].nunique() == 1


def test_capex_prefers_reported_over_guidance_and_headline_over_alternative():
    capex = load("ai_capex")
    by_year = inv.capex_by_year(capex).set_index(["company", "fiscal_year"])
    assert by_year.at[("Alphabet", 2025), "kind"] == "reported"
    assert by_year.at[("Alphabet", 2025), "value"] == pytest.approx(91.4)
    assert by_year.at[("Meta", 2024), "value"] == pytest.approx(39.2)  # headline, with finance leases
    assert by_year.at[("Alphabet", 2026), "value"] == pytest.approx(180)  # midpoint of 175-185
    assert by_year.at[("Oracle", 2026), "value"] == pytest.approx(50)  # the raised forecast, not 35
    # a single quarter is never taken as a year
    assert ("Microsoft", 2026) not in by_year.index


# --- pinned headline numbers ------------------------------------------------------------


def test_pinned_2025_capex_total():
    # 91.4 + 131.82 + 72.22 + 64.551 + 21.2 = 381.191
    assert inv.vintages(load("ai_capex"), [2025])[2025] == pytest.approx(381.191, abs=0.01)


def test_pinned_revenue_needed_for_2025_capex():
    total = inv.vintages(load("ai_capex"), [2025])[2025]
    band = inv.required_revenue_band(total, _bands())
    # central: 0.8 * 381.191 * CRF(10%, 5.5) / 0.5 = about 149.5 ($bn a year)
    assert band.central == pytest.approx(149.5, abs=0.5)
    assert band.low == pytest.approx(82.5, abs=0.5)
    assert band.high == pytest.approx(313.8, abs=0.5)


def test_scenarios_are_named_and_ordered():
    declines = [s["price_decline"] for s in inv.SCENARIOS.values()]
    assert declines == sorted(declines) and declines[0] == 0
    assert all(isinstance(s["story"], str) and s["story"] for s in inv.SCENARIOS.values())


def test_path_band_is_ordered_while_all_vintages_are_paid_for():
    v = inv.vintages(load("ai_capex"), [2023, 2024, 2025, 2026])
    band = inv.path_band(v, range(2025, 2029), _bands())
    assert not band.isna().any().any()
    assert (band["low"] < band["central"]).all() and (band["central"] < band["high"]).all()


# --- fiscal and calendar years ----------------------------------------------------------


def test_fiscal_year_end_is_read_from_the_note():
    import pandas as pd

    frame = pd.DataFrame({"company": ["A", "B", "C"], "period": ["full_year"] * 3,
                          "fiscal_year_note": ["calendar year", "fiscal year to 30 June (Jul 2024-Jun 2025)",
                                               "fiscal year to 31 May (Jun 2024-May 2025)"]})
    assert inv.fiscal_year_end(frame) == {"A": "December", "B": "June", "C": "May"}
    with pytest.raises(ValueError):
        inv.fiscal_year_end(frame.assign(fiscal_year_note="some year"))


def test_calendar_year_without_sourced_quarters_is_not_available():
    cal = inv.calendar_year_capex(load("ai_capex"), 2024).set_index("company")
    # no quarter rows are listed for 2024: the June and May companies have no calendar figure
    assert cal.loc[["Microsoft", "Oracle"], "value"].isna().all()
    assert cal.at["Alphabet", "value"] == pytest.approx(52.535)
