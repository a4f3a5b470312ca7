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


# --- editor's review of the built book (efficiency, chapter 3) ----------------------------


def _prose(text: str) -> str:
    """The chapter's reader text: code cells and directive options removed."""
    import re

    text = re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)
    return "\n".join(line for line in text.splitlines() if not line.startswith(":"))


def test_kimi_gap_reads_in_whole_points_beside_scores_shown_to_one_decimal():
    eci = ef.capability(load("benchmarks"))
    gap = eci[RIVALS].min() - eci["kimi_k2_thinking"]
    # the scores read 145.5 and 146.5, so the gap must not read 0.9
    assert f"{eci['kimi_k2_thinking']:.1f}" == "145.5" and f"{eci[RIVALS].min():.1f}" == "146.5"
    assert ef.points_text(gap) == "about 1 point"
    text = CHAPTER.read_text(encoding="utf-8")
    assert 'glue_number("eci_k2t_below", k2t_eci_gap, text=ef.points_text(k2t_eci_gap)' in text


def test_wins_without_tools_are_listed_once_from_the_data(h2h):
    margins = ef.win_margins(h2h, "kimi_k2_thinking", RIVALS)
    plain = margins[[not ef.uses_tools(s) for _, s in margins.index]]
    assert plain.index[0] == ("SciCode", "no tools") and round(plain.iloc[0], 1) == 0.1
    text = CHAPTER.read_text(encoding="utf-8")
    assert "({glue:text}`k2t_wins_plain_list`, by {glue:text}`k2t_narrowest_plain_margin`)" in text
    assert 'glue_text("k2t_wins_plain_list", "; ".join([*plain_wins, narrowest[0]]))' in text
    assert "SciCode by" not in _prose(text)


def test_benchmarks_spelled_out_at_first_use():
    text = CHAPTER.read_text(encoding="utf-8")
    for what in ("{term}`BrowseComp` (", '"Seal-0": "{term}`Seal-0` (', '"Frames": "{term}`Frames` (', "{term}`SWE-bench Verified` ("):
        assert what in text, what
    # the Hugging Face caveat names its benchmark
    assert "rather than {glue:text}`hle_k2t` on HLE with tools if" in text
    prose = _prose(text)
    first = prose.index("k2t_wins_tools_list")  # the glued list spells the benchmarks out
    for name in ("BrowseComp", "Seal-0", "Frames", "SWE-bench"):
        assert name not in prose[:first], name


def test_figure_periods_and_names_come_from_the_data():
    runs = load("training_runs")
    peak = chips.spec_table(load("accelerator_specs"))["bf16_dense_tflops"]
    models = ef.add_estimates(ef.model_table(runs), peak)
    shown = models.dropna(subset=["published_flop"])
    shown = shown[shown["release_date"] >= "2024-01-01"]
    assert ef.month_year(shown["release_date"].min()) == "April 2024"
    text = CHAPTER.read_text(encoding="utf-8")
    assert "January 2024" not in text
    assert "{glue:text}`fig1_first_month` to {glue:text}`fig1_last_month`" in text
    assert "Multiling." not in text and "ax.set_ylim(1e23" not in text
    assert "DODGE[m]" in text  # equal scores in Moonshot's table no longer hide each other
    assert 'span = with_eci["eci"]' in text  # the index chart's axis spans every model's score


def test_three_pair_medians_are_described_for_the_front_page(pairs):
    everything, closed = pairs
    peak = chips.spec_table(load("accelerator_specs"))["bf16_dense_tflops"]
    models = ef.add_estimates(ef.model_table(load("training_runs")), peak)
    counts = ef.confidence_counts(models, sorted(set(closed["us_model"])))
    assert counts.to_dict() == {"Likely": 3, "Speculative": 2}  # no closed US model's estimate is 'Confident'
    text = CHAPTER.read_text(encoding="utf-8")
    for name, words in [("pairs_median", "All matched pairs"), ("closed_pairs_median", "Matched pairs with a closed US model"),
                        ("open_pairs_median", "Matched pairs with a US open-weight model")]:
        call = text[text.index(f'glue_number("{name}"'):]
        call = call[:call.index("formula=")]
        assert words in call, name
    assert "The large ratios rest on Epoch's indirect estimates for closed models" in text
    assert "{glue:text}`n_closed_us_speculative` of the {glue:text}`n_closed_us_in_pairs`" in text
