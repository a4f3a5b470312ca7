"""Pinned results of the efficiency fact-check corrections (December 2026).

These tests tie the ledger wording for C10 and C11 to the numbers the data give,
so that a data change which moves them is noticed.
"""

import pandas as pd
import pytest

from omcc import chips, load
from omcc import efficiency as ef

RIVALS = ["gpt5", "claude_sonnet_45"]


@pytest.fixture(scope="module")
def bench():
    return load("benchmarks")


@pytest.fixture(scope="module")
def h2h(bench):
    return ef.head_to_head(bench, "kimi_k2_thinking", RIVALS, "moonshot2025k2thinking")


def uses_tools(setting: str) -> bool:
    """A Moonshot card setting uses tools unless it is 'no tools' (a plain
    substring test for 'tools' would wrongly count 'no tools')."""
    return not setting.startswith("no tools") and setting != "heavy"


def test_wins_over_both_rivals_split_by_tools(h2h):
    wins = h2h[h2h["beats_all"]].reset_index()
    with_tools = sorted(wins.loc[wins["setting"].map(uses_tools), "benchmark"])
    without = sorted(wins.loc[~wins["setting"].map(uses_tools), "benchmark"])
    assert with_tools == ["BrowseComp", "Frames", "HLE (text-only)", "Seal-0"]
    assert without == ["IMO-AnswerBench", "SciCode"]
    # the substring test the chapter used counts all six as 'with tools'
    assert int(wins["setting"].str.contains("tools").sum()) == 6


def test_card_settings_are_the_cards_own_labels(bench):
    card = bench[(bench["source"] == "moonshot2025k2thinking") & (bench["model_id"] == "kimi_k2_thinking")]
    settings = card.set_index("benchmark")["setting"]
    assert settings["IMO-AnswerBench"] == "no tools"
    assert settings["SciCode"] == "no tools"
    assert set(card.loc[card["benchmark"].isin(["BrowseComp", "Seal-0", "Frames"]), "setting"]) == {"w/ tools"}


def test_rival_retests_in_winning_settings(bench, h2h):
    card = bench[(bench["source"] == "moonshot2025k2thinking") & bench["model_id"].isin(RIVALS)]
    wins = h2h[h2h["beats_all"]].index
    in_wins = card[card.set_index(["benchmark", "setting"]).index.isin(wins)]
    assert len(in_wins) == 12
    assert int((in_wins["reporter_type"] == "vendor_retest").sum()) == 8


@pytest.fixture(scope="module")
def pairs():
    peak = chips.spec_table(load("accelerator_specs"))["bf16_dense_tflops"]
    models = ef.add_estimates(ef.model_table(load("training_runs")), peak)
    pairs = ef.matched_pairs(models, ef.capability(load("benchmarks")))
    open_us = models.index[models["open_weights"].fillna(False).astype(bool)]
    return pairs, pairs[~pairs["us_model"].isin(open_us)]


def test_c10_medians_match_ledger_wording(pairs):
    everything, closed = pairs
    # ledger C10: 14 pairs, median about 50x; 10 closed-model pairs, about 100x, 3x to 120x
    assert len(everything) == 14 and len(closed) == 10
    assert 45 < everything["ratio"].median() < 60
    assert 90 < closed["ratio"].median() < 110
    assert 3 < closed["ratio"].min() < 4 and 115 < closed["ratio"].max() < 125
    claims = load("claims").set_index("claim_id")
    assert "order of magnitude" not in claims.at["C10", "data_shows"]
    assert "about 50 times" in claims.at["C10", "data_shows"]


def test_h100_quotes_from_epoch_price_table():
    prices = load("gpu_rental_prices")
    h100 = prices[prices["chip_id"] == "h100_sxm"]["price_usd_per_gpu_hour"]
    assert len(h100) == 8
    assert h100.min() == pytest.approx(1.99) and h100.max() == pytest.approx(10.0)
    assert h100.median() == pytest.approx(4.58)


def test_deepseek_r1_gpu_count_from_deepseeks_own_supplement():
    runs = load("training_runs").set_index("run_id")
    row = runs.loc["deepseek_r1_paper"]
    assert row["gpu_count"] == 512 and row["chip_id"] == "h800"
    assert pd.isna(row["reported_cost_usd"])
