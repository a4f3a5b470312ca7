"""Pins for the export-controls corrections of 2026-12-02: the H800 link rate, the
23 October 2023 licence date, chip classes behind the smuggling rows and their
conversion to H100-equivalents, and the C8/C9 ledger wording."""

import re

import pandas as pd
import pytest

from omcc import chips, load
from omcc.paths import DATA

# Which chip's specs convert each chip-count row of smuggling_estimates to
# H100-equivalents (dense BF16). None: the source names no chip type, so a
# conversion needs an assumption about the mix. Kept here independently of
# chips.ESTIMATE_CHIP, which the chapter uses; a test keeps the two equal.
CHIP_OF_ROW = {
    "cnas2025_smuggled_2024": None,  # 'AI chips', type not stated
    "cnas2025_h100_in_prc_claim": "h100_sxm",
    "cnas2025_order_2400_h100": "h100_sxm",
    "doj2025_tampa_a100": "a100_sxm_80gb",
    "ft2023_a800_orders": "a800",
    "ft2024_h20_1m": "h20",
    "reuters2026_h200_orders": "h200",
    "highflyer2021_a100": "a100_sxm_80gb",  # PCIe A100: same 312 TFLOPS dense BF16 as SXM per the datasheet
    "deepseek2024_v3_h800": "h800",
    "semianalysis2025_deepseek_50k": None,  # mix: 10k H800, 10k H100, rest H20
}
H100 = "h100_sxm"


@pytest.fixture(scope="module")
def table():
    return chips.spec_table(load("accelerator_specs"))


def test_h800_link_is_deepseeks_400(table):
    specs = load("accelerator_specs")
    row = specs[(specs["chip_id"] == "h800") & (specs["metric"] == "interconnect_gbs") & specs["preferred"].astype(bool)]
    assert len(row) == 1
    assert row.iloc[0]["value"] == 400 and row.iloc[0]["source"] == "deepseek2025isca"
    assert table.at["h800", "interconnect_gbs"] == 400


def test_licence_date_for_h800_is_23_october_and_rule_date_is_kept():
    rules = load("export_control_rules").set_index("rule_id")
    assert rules.at["oct2023_acr_update", "effective_date"] == pd.Timestamp("2023-11-17")
    nv = rules.loc["oct2023_nvidia_immediate"]
    assert nv["effective_date"] == pd.Timestamp("2023-10-23")
    assert nv["date_announced"] == pd.Timestamp("2023-10-24")
    assert nv["kind"] == "licence_decision"
    assert {"a800", "h800"} <= set(nv["chips"].split(";"))
    assert "h20" not in nv["chips"]  # the chapter picks H20 events by substring


def test_every_chip_count_row_is_mapped_and_has_dense_bf16(table):
    sm = load("smuggling_estimates").set_index("id")
    counted = sm[(sm["unit"] == "chips") & sm[["quantity_low", "quantity_central", "quantity_high"]].notna().any(axis=1)]
    assert set(counted.index) == set(CHIP_OF_ROW)
    for rid, chip in CHIP_OF_ROW.items():
        assert str(sm.at[rid, "chips"]).strip() and str(sm.at[rid, "locator"]).strip(), rid
        if chip is not None:
            assert pd.notna(table.at[chip, "bf16_dense_tflops"]), chip
    assert pd.notna(table.at[H100, "bf16_dense_tflops"])


def test_h20_forecast_in_h100_equivalents(table):
    sm = load("smuggling_estimates").set_index("id")
    h20 = sm.at["ft2024_h20_1m", "quantity_low"] * table.at["h20", "bf16_dense_tflops"] / table.at[H100, "bf16_dense_tflops"]
    assert h20 == pytest.approx(1_000_000 * 148 / 989.4, rel=1e-6)  # about 150,000 H100-equivalents
    cnas = sm.at["cnas2025_smuggled_2024", "quantity_central"]
    assert 0.8 < cnas / h20 < 1.2  # if the smuggled chips were H100-class, the median matches legal H20 sales


def test_c8_c9_wording_agrees_with_data(table):
    claims = load("claims").set_index("claim_id")
    c8 = claims.at["C8", "data_shows"]
    for chip in ["h20", "b200", "b100"]:
        value = table.at[chip, "bf16_dense_tflops"]
        assert f"{value:,.0f}" in c8, chip
    assert round(table.at["b200", "bf16_dense_tflops"] / table.at["h20", "bf16_dense_tflops"]) == 15
    assert round(table.at["b100", "bf16_dense_tflops"] / table.at["h20", "bf16_dense_tflops"]) == 12
    c9 = claims.loc["C9"]
    sm = load("smuggling_estimates").set_index("id")
    assert f"{sm.at['cnas2025_smuggled_2024', 'quantity_low']:,.0f}" in c9["data_shows"]
    assert "tens of thousands" not in c9["data_shows"]
    assert "23 October 2023" in c9["data_shows"]
    assert not bool(c9["original_found"])
    assert not bool(claims.at["C8", "original_found"])


@pytest.mark.parametrize("name", ["accelerators", "accelerator_specs", "export_control_rules",
                                  "export_control_thresholds", "smuggling_estimates"])
def test_provenance_cells_describe_sources_not_lookups(name):
    text = (DATA / f"{name}.csv").read_text(encoding="utf-8").lower()
    for pattern in [r"\bstored\b", r"\bindex ids?\b"]:
        assert not re.search(pattern, text), (name, pattern)


# --- the chapter rewrite of the corrections and briefing edition --------------------------

import ast

from omcc.paths import CHAPTERS

PAGE = CHAPTERS / "export_controls.md"


def _code_cells(text):
    return re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.DOTALL)


def _prose(text):
    return re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.DOTALL)


def test_model_mapping_matches_the_pinned_one():
    assert chips.ESTIMATE_CHIP == CHIP_OF_ROW


def test_h100_equivalents_follow_the_spec_table(table):
    sm = load("smuggling_estimates")
    out = chips.estimates_in_h100e(sm, table)
    h100 = table.at[H100, "bf16_dense_tflops"]
    for rid, chip in CHIP_OF_ROW.items():
        row = out.loc[rid]
        if chip is None:
            assert pd.isna(row["quantity_low_h100e"]), rid  # no chip named: no conversion without an assumption
            continue
        expected = row["quantity_low"] * table.at[chip, "bf16_dense_tflops"] / h100
        assert row["quantity_low_h100e"] == pytest.approx(expected), rid
    assumed = chips.estimates_in_h100e(sm, table, assume=H100)
    assert assumed.at["cnas2025_smuggled_2024", "assumed"]
    assert assumed.at["cnas2025_smuggled_2024", "quantity_central_h100e"] == pytest.approx(140_000)
    assert not assumed.at["ft2024_h20_1m", "assumed"]
    # a smuggled H100-class chip has several times an H20's compute
    assert table.at[H100, "bf16_dense_tflops"] / table.at["h20", "bf16_dense_tflops"] > 5


def test_open_ranges_are_only_the_more_than_rows():
    sm = load("smuggling_estimates").set_index("id")
    assert chips.open_at_top(sm.loc["cnas2025_smuggled_2024"])  # 'several hundred thousand'
    assert chips.open_at_top(sm.loc["ft2024_h20_1m"])  # 'more than one million'
    assert chips.open_at_top(sm.loc["cnas2025_h100_in_prc_claim"])  # 'more than 100,000'
    assert not chips.open_at_top(sm.loc["ft2023_a800_orders"])  # 'approximately 100,000'
    assert not chips.open_at_top(sm.loc["semianalysis2025_deepseek_50k"])  # 'approximately 50,000'
    assert sm.at["semianalysis2025_deepseek_50k", "quantity_low"] == 50_000  # the efficiency chapter reads it


def test_h20_sits_just_under_the_notification_band_not_the_control_line(table):
    metrics = chips.chip_metrics(table, load("accelerators").set_index("chip_id"))
    th = load("export_control_thresholds").set_index(["rule_id", "clause"])
    h20 = metrics.at["h20", "tpp"]
    notify = th.at[("oct2023_acr_update", "3A090.b.1"), "tpp_min"]
    control = th.at[("oct2023_acr_update", "3A090.a.1"), "tpp_min"]
    assert 0.95 * notify < h20 < notify
    assert h20 < control / 2
    assert metrics.at["h20", "performance_density"] < th.at[("oct2023_acr_update", "3A090.b.2"), "performance_density_min"]
    text = PAGE.read_text(encoding="utf-8")
    assert "{glue:text}`notify_tpp_min` at which" in text


def test_last_us_decision_on_the_h20_before_the_article_is_the_licence_with_revenue_share():
    rules = load("export_control_rules")
    rules = rules.assign(actor=rules["agency"].map(chips.rule_actor))
    h20 = rules[rules["chips"].fillna("").str.contains("h20") & (rules["actor"] == "US")]
    last = h20[h20["date_announced"] <= pd.Timestamp("2025-11-25")].sort_values("date_announced").iloc[-1]
    assert last["rule_id"] == "aug2025_h20_resumption"
    by_id = rules.set_index("rule_id")["actor"]
    assert by_id["aug2025_china_h20_guidance"] == "China" and by_id["jul2025_malaysia_permit"] == "third country"
    assert 'rules["actor"] == "US"' in PAGE.read_text(encoding="utf-8")


def test_chapter_text_matches_the_corrected_data():
    text = PAGE.read_text(encoding="utf-8")
    prose = _prose(text)
    assert "23 October" in prose and "techdator2023nvidiahalt" in prose
    assert "deepseek2025isca" in prose  # the H800's 400 GB/s
    assert "h20_2024_h100e" in prose and "CNAS does not say which chips it counts" in prose
    assert "tens of thousands" not in prose
    assert ".style" not in text


def test_every_glued_number_has_description_formula_and_rows():
    calls = 0
    for cell in _code_cells(PAGE.read_text(encoding="utf-8")):
        source = "\n".join(line for line in cell.splitlines() if not line.startswith(":"))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "glue_number":
                calls += 1
                given = {k.arg for k in node.keywords}
                assert {"description", "formula", "rows"} <= given, ast.unparse(node)[:120]
    assert calls > 20


def test_reasons_are_two_sentences_and_checks_name_glued_numbers():
    claims = load("claims").set_index("claim_id")
    for cid in ["C8", "C9"]:
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", claims.at[cid, "reasons"].strip())
        assert len(sentences) == 2, (cid, sentences)
        assert len(re.split(r"(?<=[.!?])\s+(?=[A-Z])", claims.at[cid, "data_shows"].strip())) == 1, cid
    checks = load("claim_checks")
    text = PAGE.read_text(encoding="utf-8")
    for cid in ["C8", "C9"]:
        mine = checks[checks["claim_id"] == cid]
        assert len(mine) >= 1, cid
        for name in mine["key_number"]:
            assert re.search(rf'glue_number\(\s*f?"{name}"', text) or f'("{name}"' in text, name


# --- editor's review of the built book (fix/energy-investment-export) ----------------------


def test_rtx_4090_is_notification_in_the_table_and_not_drawn_as_controlled():
    specs, accelerators = load("accelerator_specs"), load("accelerators").set_index("chip_id")
    metrics = chips.chip_metrics(chips.spec_table(specs), accelerators)
    thresholds = load("export_control_thresholds")
    assert not metrics.at["rtx4090", "datacenter"] and metrics.at["rtx4090", "tpp"] >= 4800
    assert chips.classify(metrics.loc["rtx4090"], thresholds, "oct2023_acr_update") == "notification"
    text = PAGE.read_text(encoding="utf-8")
    cell = text[text.index("name: fig-tpp-density"):text.index('show(fig, "fig-tpp-density"')]
    # not made for data centres: an open marker labelled with its class, and the rule explained on the chart
    assert 'GAMING = " (gaming card):\\nnotification only"' in cell
    assert 'color=US if dc else "white"' in cell
    assert "so the shading does not apply" in cell
    assert "the RTX 4090 gaming card (open marker) is in the\n:      notification class" in cell
    table_caption = text[text.index("```{data-table} tbl-chip-classes"):]
    assert "need only a notification above it" in table_caption[:table_caption.index("```\n")]


def test_figure_labels_sit_beside_the_line_and_millions_are_capital_m():
    text = PAGE.read_text(encoding="utf-8")
    h20 = text[text.index("name: fig-h20-vs-blackwell"):text.index('show(fig, "fig-h20-vs-blackwell"')]
    label = h20[h20.index("""ax.annotate('article: "1/15"'"""):][:220]
    assert "xytext=(6, 0)" in label and 'ha="left"' in label  # right of the dashed line, not on it
    smug = text[text.index("name: fig-smuggling-ranges"):text.index('show(fig, "fig-smuggling-ranges"')]
    assert "M = million" in smug and "m = million" not in smug
    assert '"1M"' in smug and '"1m"' not in smug and 'e6:.1f}M"' in smug


def test_eccn_cac_and_nac_are_spelled_out_at_first_use():
    prose = _prose(PAGE.read_text(encoding="utf-8"))
    body = prose[prose.index("(c8-evidence)="):]
    for short, spelled in [("ECCN", "Export Control Classification Number ({term}`ECCN 3A090`)"),
                           ("CAC", "Cyberspace Administration\nof China ({term}`CAC`)"),
                           ("NAC", "Notified Advanced Computing ({term}`NAC`)")]:
        first = re.search(rf"\b{short}\b", body)
        assert first is not None and spelled in body, short
        assert body.index(spelled) <= first.start() <= body.index(spelled) + len(spelled), short


def test_h100_against_h20_in_compute_and_in_memory_bandwidth(table):
    compute = table.at[H100, "bf16_dense_tflops"] / table.at["h20", "bf16_dense_tflops"]
    bandwidth = table.at[H100, "memory_bandwidth_tbs"] / table.at["h20", "memory_bandwidth_tbs"]
    assert 6 < compute < 7.5  # one H100-class chip does the training compute of several H20s
    assert 0.7 < bandwidth < 1.1  # but serves models about as fast as one
    text = PAGE.read_text(encoding="utf-8")
    for name in ("h100_over_h20_bf16", "h100_over_h20_bandwidth"):
        call = text[text.index(f'glue_number("{name}"'):]
        call = call[:call.index("\nglue_number(") if "\nglue_number(" in call else len(call)]
        assert "description=" in call and "formula=" in call and "rows=spec_rows(" in call, name
        assert f"{{glue:text}}`{name}`" in _prose(text), name


def test_legal_h20_sales_are_called_forecast_wherever_the_2024_forecast_is_meant():
    text = PAGE.read_text(encoding="utf-8")
    prose = _prose(text)
    for m in re.finditer(r"legal\s+H20\s+sales", prose):
        assert re.search(r"forecast\s+$", prose[max(0, m.start() - 12):m.start()]), prose[m.start() - 60:m.end()]
    assert "Smuggling trails forecast legal H20 sales" in text
