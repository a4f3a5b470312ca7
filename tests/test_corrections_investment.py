"""Corrections of 2026-12-02 to the investment chapter's data: Nvidia's China revenue from
its FY2026 10-K, quarterly capex for calendar alignment, and the C2/C14 ledger rows."""

import pytest

from omcc import investment as inv
from omcc import load


def _nvidia():
    return load("nvidia_china_revenue").set_index("id")


def test_nvidia_hq_rows_reproduce_note_16():
    nv = _nvidia()
    # FY2026 10-K, Note 16, 'Geographic Revenue based upon Customer Headquarters Location' ($ million)
    expected = {"fy2026_china_hq": (19_677, 215_938), "fy2025_china_hq": (25_048, 130_497), "fy2024_china_hq": (12_330, 60_922)}
    for rid, (china, total) in expected.items():
        row = nv.loc[rid]
        assert row["value_usd_bn"] == pytest.approx(china / 1000)
        assert row["total_revenue_usd_bn"] == pytest.approx(total / 1000)
        assert row["share_of_total"] == pytest.approx(china / total, abs=5e-5)
        assert row["evidence_tier"] == "company_filing" and row["source"] == "nvidia2026tenk"
        assert "headquarters" in row["region_definition"]


def test_the_two_fy2025_bases_differ_and_are_labelled():
    nv = _nvidia()
    billing, hq = nv.loc["fy2025_share"], nv.loc["fy2025_china_hq"]
    # 13% on the billing basis (press) against 19% on the recast headquarters basis (10-K)
    assert billing["share_of_total"] < hq["share_of_total"]
    assert "billing" in billing["region_definition"]
    assert billing["evidence_tier"] == "investigative_press"


def test_quarter_rows_never_enter_the_model():
    capex = load("ai_capex")
    quarters = capex[capex["period"] == "quarter"]
    assert len(quarters) >= 10
    assert quarters["fiscal_year_note"].str.contains("quarter only").all()
    # the fiscal-year vintage is unchanged by the added quarters
    assert inv.vintages(capex, [2025])[2025] == pytest.approx(381.191, abs=0.01)


def test_microsoft_fiscal_q4_is_derived_by_hand():
    row = load("ai_capex").set_index("id").loc["microsoft_fy2025_q4_derived"]
    # 64.551 - (14.923 + 15.804 + 16.745) = 17.079
    assert row["capex_usd_bn"] == pytest.approx(64.551 - 14.923 - 15.804 - 16.745, abs=1e-9)


def test_microsoft_calendar_2025_cash_capex():
    c = load("ai_capex").set_index("id")
    ids = ["microsoft_fy2025_q3", "microsoft_fy2025_q4_derived", "microsoft_fy2026_q1_cash", "microsoft_fy2026_q2"]
    total = c.loc[ids, "capex_usd_bn"].sum()
    # the data vendor's trailing twelve months to Dec 2025: 83,094 ($ million); 29.88 is rounded
    assert total == pytest.approx(83.094, abs=0.01)
    # calendar 2025 exceeds the fiscal-2025 figure the model uses
    assert total > c.at["microsoft_fy2025", "capex_usd_bn"] + 18


def test_meta_quarters_fit_the_year():
    c = load("ai_capex").set_index("id")
    # Q3 + Q4 cannot exceed the year; what is left (30.71) is Q1 + Q2
    rest = c.at["meta_2025", "capex_usd_bn"] - c.at["meta_2025_q3", "capex_usd_bn"] - c.at["meta_2025_q4", "capex_usd_bn"]
    assert rest == pytest.approx(30.71, abs=0.005)


def test_epoch_trend_rows_match_the_repository_snapshot():
    t = load("llm_price_trends").set_index("id")
    # lowest_price_models_results.csv at commit 2fdd9a8
    assert t.at["gpqa_gpt4", "factor_per_year"] == pytest.approx(42.0189988368494, rel=1e-3)
    assert t.at["humaneval_gpt35", "factor_per_year"] == pytest.approx(9.240250279099344, rel=1e-3)
    assert t.at["gpqa_gpt4o", "factor_per_year"] == pytest.approx(851.1622038749446, rel=1e-3)
    epoch = t[t["source"] == "epoch2025inferencedata"]
    assert (epoch["accessed"] == epoch["accessed"].max()).all()


def test_ledger_rows_for_c2_and_c14():
    claims = load("claims").set_index("claim_id")
    assert "nvidia2025xstatement" in claims.at["C2", "source"]
    assert bool(claims.at["C2", "original_found"]) is True
    assert bool(claims.at["C14", "original_found"]) is False
    assert claims.at["C14", "verdict"] == "partly supported"
