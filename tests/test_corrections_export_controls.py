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
# conversion needs an assumption about the mix.
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
