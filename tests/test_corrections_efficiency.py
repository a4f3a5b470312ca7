"""Pinned results of the efficiency fact-check corrections (December 2026).

These tests tie the ledger wording for C10 and C11 to the numbers the data give,
so that a data change which moves them is noticed.
"""

import pandas as pd
import pytest

from omcc import chips, load
from omcc import efficiency as ef
from omcc.paths import CHAPTERS

CHAPTER = CHAPTERS / "efficiency.md"

RIVALS = ["gpt5", "claude_sonnet_45"]


@pytest.fixture(scope="module")
def bench():
    return load("benchmarks")


@pytest.fixture(scope="module")
def h2h(bench):
    return ef.head_to_head(bench, "kimi_k2_thinking", RIVALS, "moonshot2025k2thinking")


def test_wins_over_both_rivals_split_by_tools(h2h):
    """Issue 14: the chapter said all six wins used 'search or other tools'; two are
    'no tools' settings. The count is made in code (ef.wins_by_tools), not by hand."""
    wins = ef.wins_by_tools(h2h)
    assert sorted(wins.loc[wins["with_tools"], "benchmark"]) == ["BrowseComp", "Frames", "HLE (text-only)", "Seal-0"]
    assert sorted(wins.loc[~wins["with_tools"], "benchmark"]) == ["IMO-AnswerBench", "SciCode"]
    assert int(wins["with_tools"].sum()) == 4 and int((~wins["with_tools"]).sum()) == 2
    # the substring test the chapter used to make counts all six as 'with tools'
    assert int(wins["setting"].str.contains("tools").sum()) == 6


def test_uses_tools_reads_no_tools_as_without():
    assert not ef.uses_tools("no tools")
    assert ef.uses_tools("w/ tools") and ef.uses_tools("w/ python") and ef.uses_tools("w/ simulated tools (JSON)")
    assert ef.uses_tools("w/ tools, Hugging Face not blocked")
    assert not ef.uses_tools("heavy")  # Moonshot's 'heavy' mode is not a tools setting


def test_chapter_counts_tools_in_code_and_says_so():
    text = CHAPTER.read_text(encoding="utf-8")
    assert 'str.contains("tools")' not in text
    assert "ef.wins_by_tools(h2h)" in text
    # the prose gives both counts, glued
    assert "wins {glue:text}`k2t_wins_with_tools` settings with search or other tools" in text
    assert "and {glue:text}`k2t_wins_without_tools` without" in text


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
    assert "about 100 times in the 10 pairs with a closed US model" in claims.at["C10", "data_shows"]
    # the chapter glues exactly these medians, and never speaks of an order of magnitude
    text = CHAPTER.read_text(encoding="utf-8")
    assert "order of magnitude" not in text
    for name in ("pairs_median", "closed_pairs_median", "open_pairs_median"):
        assert f'glue_number("{name}"' in text and f"{{glue:text}}`{name}`" in text
    open_pairs = everything[~everything.index.isin(closed.index)]
    assert len(open_pairs) == 4 and 1.2 < open_pairs["ratio"].median() < 1.6
    assert "about 1.4 times in the 4 pairs with a US open-weight model" in claims.at["C10", "data_shows"]


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


def _sentences(text: str) -> int:
    import re

    return len([p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z'\u2018\u201c])", text.strip()) if p])


def test_ledger_text_is_short_and_agrees_with_the_chapter():
    claims = load("claims").set_index("claim_id")
    for cid in ("C10", "C11"):
        assert _sentences(claims.at[cid, "reasons"]) == 2, cid
        assert _sentences(claims.at[cid, "data_shows"]) == 1, cid
    assert "6 of 24 settings" in claims.at["C11", "reasons"] and "in 4 of them both rival scores" in claims.at["C11", "reasons"]
    assert claims.at["C10", "original_source"] == "chathamhouse2025lowcost" and not claims.at["C10", "original_found"]


def test_trip_wires_for_c10_and_c11_hold_on_todays_data(h2h, pairs):
    checks = load("claim_checks")
    mine = checks[checks["claim_id"].isin(["C10", "C11"])]
    assert set(mine["claim_id"]) == {"C10", "C11"}
    text = CHAPTER.read_text(encoding="utf-8")
    everything, closed = pairs
    open_pairs = everything[~everything.index.isin(closed.index)]
    eci = ef.capability(load("benchmarks"))
    values = {
        "closed_pairs_median": closed["ratio"].median(),
        "open_pairs_median": open_pairs["ratio"].median(),
        "pairs_median": everything["ratio"].median(),
        "k2t_beats_all": int(h2h["beats_all"].sum()),
        "eci_k2t_below": eci[RIVALS].min() - eci["kimi_k2_thinking"],
    }
    for _, row in mine.iterrows():
        assert f'glue_number("{row["key_number"]}"' in text, row["key_number"]
        value = values[row["key_number"]]
        assert pd.isna(row["low"]) or value >= row["low"], row["check_id"]
        assert pd.isna(row["high"]) or value <= row["high"], row["check_id"]


def test_r1_gpu_count_and_h100_quotes_in_the_chapter_are_glued():
    text = CHAPTER.read_text(encoding="utf-8")
    assert "{glue:text}`r1_gpus` H800s" in text and "deepseek2025r1nature" in text
    assert "US clouds" not in text and "US list prices" not in text
    assert "cloud list prices" in text
