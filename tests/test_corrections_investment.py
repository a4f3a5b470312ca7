"""Corrections of 2026-12-02 to the investment chapter's data: Nvidia's China revenue from
its FY2026 10-K, quarterly capex for calendar alignment, and the C2/C14 ledger rows."""

import pandas as pd
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
        assert pd.isna(row["share_of_total"]), "a share computable from the row is derived in the chapter, not stored"
        assert row["evidence_tier"] == "company_filing" and row["source"] == "nvidia2026tenk"
        assert "headquarters" in row["region_definition"]


def test_the_two_fy2025_bases_differ_and_are_labelled():
    nv = _nvidia()
    billing, hq = nv.loc["fy2025_share"], nv.loc["fy2025_china_hq"]
    # 13% on the billing basis (press) against 19% on the recast headquarters basis (10-K)
    assert billing["share_of_total"] < hq["value_usd_bn"] / hq["total_revenue_usd_bn"]
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
    # the FT text was read in a full-text copy of the ft.com page, not at the publisher: not the original
    assert bool(claims.at["C2", "original_found"]) is False
    assert "accessarticlenow.com" in claims.at["C2", "locator"]
    assert bool(claims.at["C14", "original_found"]) is False
    assert claims.at["C14", "verdict"] == "partly supported"


# --- corrections of the chapter edition (issues 14, 15, 16) ------------------------------

import re  # noqa: E402
from pathlib import Path  # noqa: E402

CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "investment.md"


def _chapter() -> str:
    return CHAPTER.read_text(encoding="utf-8")


def test_fiscal_year_ends_come_from_the_data():
    ends = inv.fiscal_year_end(load("ai_capex"))
    assert ends == {"Alphabet": "December", "Amazon": "December", "Meta": "December",
                    "Microsoft": "June", "Oracle": "May"}


def test_calendar_2025_capex_is_built_from_quarters_where_sourced():
    capex = load("ai_capex")
    cal = inv.calendar_year_capex(capex, 2025).set_index("company")
    rows = capex.set_index("id")
    # December companies: their fiscal year is the calendar year
    for company, rid in [("Alphabet", "alphabet_2025"), ("Amazon", "amazon_2025"), ("Meta", "meta_2025")]:
        assert cal.at[company, "value"] == pytest.approx(rows.at[rid, "capex_usd_bn"])
    # Microsoft: its four quarters January to December 2025, all on the cash definition of its fiscal-year figure
    quarters = rows.loc[list(inv.CALENDAR_QUARTERS[2025]["Microsoft"])]
    months = sorted(re.search(r"(\w{3})-(\w{3}) 2025", n).group(1) for n in quarters["fiscal_year_note"])
    assert months == sorted(["Jan", "Apr", "Jul", "Oct"])
    assert quarters["definition"].str.contains("excluding finance leases|excludes finance leases").all()
    assert cal.at["Microsoft", "value"] == pytest.approx(83.094, abs=0.01)  # vendor trailing twelve months
    # Oracle's calendar 2025 cannot be built from sourced quarters
    assert cal.at["Oracle", "basis"] == "not available" and cal["value"].isna().sum() == 1
    # the four with a calendar figure: 91.4 + 131.82 + 72.22 + 83.098 = 378.538
    assert cal["value"].sum() == pytest.approx(378.538, abs=0.01)


def test_fiscal_total_understates_calendar_2025_by_at_least_microsofts_gap():
    capex = load("ai_capex")
    cal = inv.calendar_year_capex(capex, 2025).set_index("company")
    fiscal = inv.capex_by_year(capex).set_index(["company", "fiscal_year"])
    gap = cal.at["Microsoft", "value"] - fiscal.at[("Microsoft", 2025), "value"]
    assert gap == pytest.approx(83.098 - 64.551, abs=0.01)  # about $18.5bn


def test_growth_compares_the_same_companies():
    capex = load("ai_capex")
    by_year = inv.capex_by_year(capex)
    in_2023 = set(by_year.loc[by_year["fiscal_year"] == 2023, "company"])
    assert "Oracle" not in in_2023  # so the 2023-25 growth must leave Oracle out of 2025 too
    assert 'rows=inv.capex_rows(capex, [2023, 2025], in_2023)' in _chapter()


def test_capex_rows_are_the_rows_behind_the_vintage():
    capex = load("ai_capex")
    rows = inv.capex_rows(capex, [2025])
    assert rows.attrs["omcc_table"] == "ai_capex"
    assert sorted(rows["id"]) == ["alphabet_2025", "amazon_2025", "meta_2025", "microsoft_fy2025", "oracle_fy2025"]
    assert rows["capex_usd_bn"].sum() == pytest.approx(inv.vintages(capex, [2025])[2025])
    with pytest.raises(KeyError):
        inv.rows_by_id(capex, ["no_such_row"])


def test_chapter_states_the_basis_of_every_capex_total():
    text = _chapter()
    # the fiscal-year total is glued with its basis, and the calendar-2025 figure beside it
    assert "capex_fy2025_basis" in text and "capex_cy2025_four" in text and "capex_cy_minus_fy" in text
    assert "Fiscal years end in June (Microsoft) and May (Oracle)" in text  # on the capex figure


def test_chapter_nvidia_prose_uses_both_bases_and_the_recast_series():
    text = _chapter()
    assert "nv_fy25_hq_share" in text and "nv_fy25_billing_share" in text and "nv_fy26_hq_share" in text
    assert "breaks the series" not in text
    assert "recast the two previous" in text


def test_chapter_speaks_of_sources_not_of_searching():
    text = _chapter().lower()
    for phrase in ("stored cop", "could search", "second search", "corpus", "search for it"):
        assert phrase not in text, phrase
    assert "sources we could not read" in text
    assert "accessarticlenow.com" in text  # which copy of the FT page was read


def test_c14_does_not_say_the_boe_or_imf_named_chinese_competition():
    claims = load("claims").set_index("claim_id")
    for text in (claims.at["C14", "reasons"], _chapter()):
        assert not re.search(r"(Bank of England|BoE|IMF)[^.]*competition", text)


def test_ledger_reasons_are_two_sentences():
    claims = load("claims").set_index("claim_id")
    for cid in ("C2", "C14"):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", claims.at[cid, "reasons"].strip()) if s]
        assert len(sentences) == 2, (cid, sentences)


def test_trip_wires_name_numbers_the_chapter_glues():
    checks = load("claim_checks")
    mine = checks[checks["claim_id"].isin(["C2", "C14"])]
    assert set(mine["claim_id"]) == {"C2", "C14"}
    text = _chapter()
    for name in mine["key_number"]:
        assert f'"{name}"' in text, name


def test_figures_say_what_the_issue_asked():
    text = _chapter()
    assert "no capex\\nafter 2026 is counted" in text  # the 2027-28 plateau, explained on the gap chart
    assert '"deepseek": ("DeepSeek (China)", CHINA' in text  # DeepSeek in the China colour
    assert "OKABE_ITO[\"orange\"]" not in text  # no orange for anything but China


# --- editor's review of the built book (fix/energy-investment-export) ----------------------


def _prose() -> str:
    """The chapter without its code cells."""
    return re.sub(r"```\{code-cell\}.*?\n```", "", _chapter(), flags=re.S)


def test_concentration_is_the_highest_since_the_1960s_not_a_record():
    conc = load("market_concentration")
    top10 = conc[(conc["group_name"] == "top 10") & (conc["measure"] == "share_of_market_cap")].set_index("id")["value"]
    # the mid-2025 share tops every point of the series since 1950, but S&P DJI says "since the mid-1960s"
    assert top10["top10_2025_spdji"] > top10.drop("top10_2025_spdji").max()
    prose, text = _prose(), _chapter()
    assert "record share" not in prose and "record share" not in text.split("(investment-prices)=")[0]
    assert "since the 1960s" in prose
    assert "since the 1960s" in text[text.index('new_figure("AI giants'):][:120]  # the figure title
    # the 2000 value is end-of-year, after the dot-com peak
    assert str(conc.set_index("id").at["top10_2000", "date"].date()) == "2000-12-31"
    assert "dot-com peak of 2000" not in prose and "at the end of\n  2000" in prose


def test_concentration_chart_draws_points_and_separates_the_2025_groups():
    text = _chapter()
    cell = text[text.index("name: fig-investment-concentration"):text.index('show(fig, "fig-investment-concentration"')]
    assert "ax.plot(top10" not in cell and "ax.scatter(top10" in cell  # no line across the gaps
    assert "ax2.barh(y, value" in cell  # the 2025 groups each get their own bar, not one x position


def test_gap_chart_2025_point_is_owed_on_the_2023_and_2024_capex():
    capex, assumptions = load("ai_capex"), load("investment_assumptions")
    bands = inv.parameter_bands(assumptions)
    vint = inv.vintages(capex, [2023, 2024, 2025, 2026])
    path = inv.path_band(vint, [2025, 2026], bands)
    only_earlier = inv.path_band({y: vint[y] for y in (2023, 2024)}, [2025], bands)
    assert path.at[2025, "central"] == pytest.approx(only_earlier.at[2025, "central"])
    need_2025 = inv.required_revenue_band(vint[2025], bands).central
    assert abs(path.at[2025, "central"] - need_2025) > 1  # two quantities, so the caption explains them
    text = _chapter()
    caption = text[text.index("name: fig-investment-gap"):text.index(":  image:", text.index("name: fig-investment-gap"))]
    assert "need_path_2025" in caption and "need_2025_central" in caption
    assert 'glue_number("need_path_2025"' in text


def test_lead_says_the_revenue_gap_is_an_upper_bound():
    prose = _prose()
    lead = prose[prose.index("Is America's artificial intelligence"):prose.index("```{vi-abstract}")]
    sentence = next(s for s in re.split(r"(?<=\.)\s+", lead) if "need_vs_earned" in s)
    assert "upper bound <c14-evidence>" in sentence and "do not disclose their\nown AI revenue" in sentence
    # the argument itself lives once, in the section the lead links to
    assert prose.count("do not report their own AI revenue") == 1


def test_calendar_2025_capex_of_the_four_is_set_beside_their_fiscal_total():
    capex = load("ai_capex")
    cal = inv.calendar_year_capex(capex, 2025)
    four = cal.loc[cal["value"].notna(), "company"]
    by_year = inv.capex_by_year(capex)
    fiscal_four = by_year[(by_year["fiscal_year"] == 2025) & by_year["company"].isin(four)]["value"].sum()
    assert cal["value"].sum() > fiscal_four  # the calendar figure is the higher one
    assert cal["value"].sum() - fiscal_four == pytest.approx(83.098 - 64.551, abs=0.01)  # only Microsoft's differ
    prose = _prose()
    assert "{glue:text}`capex_cy2025_four`, more than the\n{glue:text}`capex_fy2025_four`" in prose
    assert 'glue_number("capex_fy2025_four"' in _chapter()
