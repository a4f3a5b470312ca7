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


# --- the chapter's prose and verdicts (corrections and briefing edition) --------------------

import re  # noqa: E402

from omcc.paths import CHAPTERS  # noqa: E402

PAGE = (CHAPTERS / "energy.md").read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """The chapter without its code cells."""
    return re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)


def test_cost_gap_says_costs_more_not_delivers_more():
    prose = _prose(PAGE)
    assert "delivers compute at" not in prose
    assert re.search(r"costs\s+\{glue:text\}`cost_gap_910c_sub` more per unit of compute", prose)


def test_no_claim_that_no_source_places_data_centres_in_deserts():
    prose = _prose(PAGE).lower()
    assert "no source placing" not in prose and "found no source" not in prose
    for key in ["xinhua2023zhongwei", "hami2025computing", "bloomberg2025desert", "qhnews2025hainan", "pvmagazine2026datang"]:
        assert key in PAGE, key


def test_chapter_shows_the_breakeven_and_the_sourced_price_range(model):
    inputs, _, xs, scen = model
    prose = _prose(PAGE)
    for name in ["breakeven_910c", "p910c", "p910c_ft_low", "p910c_ft_high", "cn910s_at_low", "cost_gap_910c_low"]:
        assert f"{{glue:text}}`{name}`" in prose, name
    assert "sign of the US-China comparison depends on" in prose
    # the WSJ price, not Kocka's, is the one the cost comparison uses
    assert 'rows=rows(inputs, "price_910c_wsj")' in PAGE and "kocka2025ascend" not in prose


def test_tornado_varies_the_huawei_chip_price(model):
    inputs, prices, xs, _ = model
    ranges = energy.sensitivity_ranges(inputs, prices, "ascend_910c", ["cn_west_subsidised_2025", "cn_industrial_2024"])
    lo, hi = ranges["chip_price"]
    assert lo == inputs.set_index("id").at["price_910c_ft_cm384", "value_low"]
    assert hi == inputs.set_index("id").at["price_910c_wsj", "value_central"]
    t = energy.tornado(xs["cn_910c_subsidy"], ranges).set_index("input")
    assert t["swing"].idxmax() == "chip_price"  # the chip price, not electricity, moves the 910C cluster most
    # and the tornado's bars are not orange (orange means China)
    fig_cell = PAGE[PAGE.index("name: fig-energy-tornado"):PAGE.index('show(fig, "fig-energy-tornado"')]
    assert "vermillion" not in fig_cell and "CHINA" not in fig_cell


def test_electricity_figure_explains_the_scenario_names_on_the_chart():
    cell = PAGE[PAGE.index("name: fig-energy-electricity"):PAGE.index('show(fig, "fig-energy-electricity"')]
    for name in ["Lift-Off", "Base", "High Efficiency", "Headwinds"]:
        assert re.search(rf'"{name}", [^\n]*, "[a-z][^"]+"\)', cell), name  # a name and its explanation
    assert "ax1.text(" in cell  # drawn inside the chart, not only in the caption


def test_c12_c13_reasons_are_two_sentences_and_agree_with_the_chapter():
    claims = load("claims").set_index("claim_id")
    for cid in ["C12", "C13"]:
        reasons = claims.at[cid, "reasons"]
        assert len(re.findall(r"[.!?](?:\s|$)", reasons)) == 2, cid
        assert len(re.findall(r"[.!?](?:\s|$)", claims.at[cid, "data_shows"])) == 1, cid
        assert f"**Verdict on {cid}: {claims.at[cid, 'verdict']}.**" in PAGE
    assert "Chinese chips" in claims.at["C13", "reasons"] and "coal" in claims.at["C13", "reasons"]


def test_each_claim_has_a_trip_wire_on_a_number_the_chapter_glues():
    checks = load("claim_checks")
    mine = checks[checks["page"] == "energy"]
    assert {"C12", "C13"} <= set(mine["claim_id"])
    for name in mine["key_number"]:
        assert re.search(rf'glue_number\(\s*"{name}"', PAGE) or f'("{name}",' in PAGE, name


def test_every_glued_number_has_description_formula_and_rows():
    sites = list(re.finditer(r"glue_number\(", PAGE))
    assert len(sites) > 40
    for match in sites:  # each call passes the three provenance fields
        depth, i = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(PAGE[i], 0)
            i += 1
        call = PAGE[match.end():i]
        for field in ("description=", "formula=", "rows="):
            assert field in call, call[:80]


def test_one_box_lists_the_sources_not_read():
    assert PAGE.count(":class: unread") == 1
    prose = _prose(PAGE).lower()
    for phrase in ("stored cop", "corpus", "parsed copy of the iea", "third-party parsed"):
        assert phrase not in prose


# --- editor's review of the built book (fix/energy-investment-export) ----------------------


def test_one_h100_price_range_in_the_tornado_and_the_chip_price_chart(model):
    inputs, prices, xs, _ = model
    lo, hi, used = energy.chip_price_range(inputs, "h100_sxm")
    h100_rows = inputs[(inputs["parameter"] == "chip_price") & (inputs["applies_to"] == "h100_sxm")]
    assert sorted(used["id"]) == sorted(h100_rows["id"]) == ["price_h100_raymondjames", "price_h100_stratrix"]
    assert (lo, hi) == (25000, 40000)
    us_ids = ["us_industrial_2024", "us_va_industrial_2023", "us_va_commercial_2023", "us_tx_industrial_2023", "us_tx_commercial_2023"]
    assert energy.sensitivity_ranges(inputs, prices, "h100_sxm", us_ids)["chip_price"] == (lo, hi)
    # the central case keeps the preferred analyst row's midpoint
    assert xs["us_h100"].chip_price == (25000 + 30000) / 2
    # the chart's H100 band uses the same range, not the analyst row alone, and says so
    assert 'energy.chip_price_range(inputs, "h100_sxm")' in PAGE
    assert 'inp.at["price_h100_raymondjames", "value_high"]' not in PAGE
    for name in ("h100_price_low", "h100_price_high"):
        assert PAGE.count(f"{{glue:text}}`{name}`") >= 3, name  # text, chip-price caption, tornado caption


def test_tornado_value_labels_keep_clear_of_the_bars():
    cell = PAGE[PAGE.index("name: fig-energy-tornado"):PAGE.index('show(fig, "fig-energy-tornado"')]
    assert "BAR_H, GAP_PT = 0.5, 5" in cell and "height=0.62" not in cell
    assert "xytext=(GAP_PT if right else -GAP_PT, 0)" in cell


def test_measures_table_spells_out_its_abbreviations_and_names_xinhua():
    caption = PAGE[PAGE.index("```{data-table} tbl-energy-measures"):]
    caption = caption[:caption.index("```\n")]
    for short, long in [("NDRC", "National Development and Reform Commission"), ("MIIT", "Ministry of Industry and"),
                        ("NEA", "National Energy Administration"), ("NDA", "National Data Administration"),
                        ("{term}`PUE`", "power usage effectiveness"), ("PFLOPS", "({term}`FLOP/s`)")]:
        assert short in caption and long in caption, short
    sub = load("energy_subsidies").set_index("id")
    assert sub.at["xinhua2023_zhongwei_gobi", "size_text"] == "not quantified in Xinhua's article"
    assert sub.at["xinhua2023_zhongwei_gobi", "source"] == "xinhua2023zhongwei"


def test_electricity_share_is_of_the_cost_of_owning_and_running_a_cluster():
    prose = _prose(PAGE)
    for name in ("energy_share_min", "energy_share_max", "cn910_energy_share"):
        for m in re.finditer(rf"\{{glue:text\}}`{name}`", prose):
            assert "owning and\n" in prose[m.end():m.end() + 90] or "owning and running" in prose[m.end():m.end() + 90], name


def test_the_subsidy_effect_is_one_number_and_the_breakeven_is_named(model):
    _, _, xs, _ = model
    effect = energy.subsidy_effect(xs["cn_910c"], xs["cn_910c_subsidy"])
    assert round(effect, 3) == 0.036  # 3.6%, shown with one decimal
    assert re.search(r'glue_number\("sub_change_ft", sub_change, style="percent", digits=1', PAGE)
    assert "swing_cn_price_pct" not in PAGE  # the tornado's 4% swing (on another base) is no longer quoted
    assert "about 4%" not in PAGE
    prose = _prose(PAGE)
    assert "the\nsubsidy by {glue:text}`sub_change_ft`" in prose
    assert "breaks\n  even at about {glue:text}`breakeven_910c`" in prose and "turns on" not in prose
