"""Adoption chapter arithmetic: workload cost, Pareto frontier, leaderboard composition,
and the headline numbers pinned against the curated tables."""

import pandas as pd
import pytest

from omcc import adoption, load

# --- hand-worked examples -----------------------------------------------------


def test_blended_price_is_the_weighted_mix():
    # 3:1 mix of $1.25 in and $10 out: 0.75 * 1.25 + 0.25 * 10 = 0.9375 + 2.5 = 3.4375
    assert adoption.blended_price(1.25, 10.0, 0.75) == pytest.approx(3.4375)
    # all input -> the input price; all output -> the output price
    assert adoption.blended_price(2.0, 8.0, 1.0) == 2.0
    assert adoption.blended_price(2.0, 8.0, 0.0) == 8.0
    with pytest.raises(ValueError):
        adoption.blended_price(1.0, 1.0, 1.5)


def test_monthly_cost_hand_worked():
    # 100 million tokens, 3:1, $0.30 in / $1.20 out:
    # 100 * (0.75 * 0.30 + 0.25 * 1.20) = 100 * (0.225 + 0.30) = 100 * 0.525 = $52.50
    assert adoption.monthly_cost(0.30, 1.20, 100_000_000, 0.75) == pytest.approx(52.5)
    # 10 million tokens, 1:1, $3 in / $15 out: 10 * 9 = $90
    assert adoption.monthly_cost(3.0, 15.0, 10_000_000, 0.5) == pytest.approx(90.0)
    # from a blended price: 100 million tokens at $3.44 = $344
    assert adoption.monthly_cost_from_blended(3.44, 100_000_000) == pytest.approx(344.0)


def test_the_scenario_is_stated_as_constants():
    assert adoption.WORKLOAD_TOKENS_PER_MONTH == 100_000_000
    assert adoption.WORKLOAD_INPUT_SHARE == 0.75
    # the default workload uses the constants: 100 * 3.4375 = 343.75
    assert adoption.monthly_cost(1.25, 10.0) == pytest.approx(343.75)


def test_pareto_frontier_hand_worked():
    # a: cheap and weak; b: dearer and better; c: dearer than b and worse (dominated by b);
    # d: same price as a but worse (dominated by a); e: dearest and best.
    frame = pd.DataFrame({"price": [1.0, 2.0, 3.0, 1.0, 5.0], "score": [50, 60, 55, 40, 70]}, index=list("abcde"))
    on = adoption.pareto_frontier(frame, "price", "score")
    assert on.to_dict() == {"a": True, "b": True, "c": False, "d": False, "e": True}


def test_pareto_frontier_ties_and_missing():
    frame = pd.DataFrame({"price": [1.0, 1.0, None], "score": [50, 50, 99]}, index=["x", "y", "z"])
    on = adoption.pareto_frontier(frame, "price", "score")
    assert bool(on["x"]) and bool(on["y"])  # identical points do not dominate each other
    assert not bool(on["z"])  # no price: never on the frontier


def _toy_models():
    return pd.DataFrame({
        "developer_country": ["US", "US", "CN", "CN", "CN"],
        "open_weights": [False, False, True, True, True],
        "score": [68, 60, 67, 61, 50],
        "cost": [344.0, 344.0, 107.5, 52.5, 10.0],
    }, index=["gpt", "gem", "kimi", "mini", "weak"])


def test_cheapest_capable_skips_models_below_the_floor():
    t = _toy_models()
    assert adoption.capability_floor(t) == 60  # lowest US closed score
    # 'weak' is cheapest but scores 50 < 60; 'mini' (61) is the cheapest capable one
    assert adoption.cheapest_capable(t) == "mini"
    assert adoption.cheapest_capable(t, floor=65) == "kimi"
    with pytest.raises(ValueError):
        adoption.cheapest_capable(t, floor=99)


def test_cost_ratios_hand_worked():
    t = _toy_models()
    r = adoption.cost_ratios(t, "mini")
    # 344 / 52.5 = 6.552...
    assert r["gpt"] == pytest.approx(344 / 52.5)
    assert set(r.index) == {"gpt", "gem"}  # only US closed models


def _toy_boards():
    rows = [
        ("b", "2025-01-01", 1, "m1", "CN"), ("b", "2025-01-01", 2, "m2", "CN"), ("b", "2025-01-01", 3, "gpt-oss-x", "US"),
        ("b", "2025-01-01", 5, "m5", "CN"),  # rank 4 missing: only the top 3 is complete
        ("c", "2025-02-01", 1, "n1", "US"),
    ]
    frame = pd.DataFrame(rows, columns=["leaderboard", "snapshot_date", "rank_open_weights", "model", "developer_country"])
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    frame["open_weights"] = True
    return frame


def test_complete_top_counts_consecutive_ranks():
    assert adoption.complete_top([1, 2, 3, 5]) == 3
    assert adoption.complete_top([2, 3]) == 0
    assert adoption.complete_top([1, 1, 2]) == 2  # ties share a rank


def test_composition_uses_only_the_complete_top():
    comp = adoption.composition(_toy_boards())
    b = comp[comp["leaderboard"] == "b"].set_index("developer_country")
    assert b.at["CN", "count"] == 2 and b.at["US", "count"] == 1 and b.at["CN", "n"] == 3
    assert b.at["CN", "share"] == pytest.approx(2 / 3)
    capped = adoption.composition(_toy_boards(), top_n=2)
    assert capped[capped["leaderboard"] == "b"]["count"].sum() == 2


def test_open_rank_of():
    boards = _toy_boards()
    assert adoption.open_rank_of(boards, "b", "2025-01-01", "GPT-OSS") == 3
    with pytest.raises(KeyError):
        adoption.open_rank_of(boards, "b", "2025-01-01", "nothing")


# --- headline numbers, pinned against the data ----------------------------------


@pytest.fixture(scope="module")
def priced():
    t = adoption.price_performance(load("model_prices"), load("model_scores"), "aa_intelligence_index_v3")
    t = t[t["blended"].notna()].copy()
    t["cost"] = adoption.workload_costs(t)
    t["frontier"] = adoption.pareto_frontier(t, "blended", "score")
    return t


def test_first_party_prices_agree_with_the_published_blended_price(priced):
    # our 3:1 mix of input/output prices should match Artificial Analysis's blended price
    both = priced.dropna(subset=["input_usd_per_mtok", "blended_usd_per_mtok_3to1"])
    both = both[both.index != "gpt_oss_120b"]  # host prices differ for the open-weight gpt-oss
    computed = adoption.blended_price(both["input_usd_per_mtok"], both["output_usd_per_mtok"], 0.75)
    assert ((computed - both["blended_usd_per_mtok_3to1"]).abs() / both["blended_usd_per_mtok_3to1"] < 0.12).all()


def test_headline_cost_ratio(priced):
    cheap = adoption.cheapest_capable(priced)
    assert cheap == "minimax_m2"
    r = adoption.cost_ratios(priced, cheap)
    # GPT-5: 343.75 / 52.5 = 6.5; Claude Sonnet 4.5: 600 / 52.5 = 11.4
    assert r.min() == pytest.approx(6.55, abs=0.05)
    assert r.max() == pytest.approx(11.43, abs=0.05)


def test_frontier_on_the_aa_index(priced):
    assert set(priced[priced["frontier"]].index) == {"gpt_oss_120b", "kimi_k2_thinking", "gpt5"}


def test_casado_restated_range():
    u = load("usage_shares").set_index("id")
    lo = u.at["a16z_pitches_open_low", "share"] * u.at["a16z_pitches_cn_among_open", "share"]
    hi = u.at["a16z_pitches_open_high", "share"] * u.at["a16z_pitches_cn_among_open", "share"]
    assert (lo, hi) == pytest.approx((0.16, 0.24))


def test_patent_share_recomputes():
    p = load("ai_patents").set_index("id")
    share = p.at["jiangsu_2025_cn", "count"] / p.at["jiangsu_2025_world", "count"]
    assert share == pytest.approx(p.at["jiangsu_2025_cn", "share"], abs=5e-5)  # 0.38583...


def test_leaderboard_composition_and_gpt_oss_rank():
    boards = load("leaderboard_snapshots")
    comp = adoption.composition(boards, top_n=10)
    aa = comp[comp["leaderboard"] == "artificial_analysis"].set_index("developer_country")
    assert (aa.at["CN", "count"], aa.at["US", "count"], aa.at["CN", "n"]) == (8, 2, 10)
    assert adoption.open_rank_of(boards, "artificial_analysis", "2025-11-20", "gpt-oss-120b") == 3


# --- wording helpers (editor's review) ----------------------------------------------------


def test_share_words_by_hand():
    assert adoption.share_words(0.487) == "about half"
    assert adoption.share_words(0.727) == "most"
    assert adoption.share_words(0.95) == "nearly all"
    assert adoption.share_words(0.33) == "about a third"
    assert adoption.share_words(0.24) == "about a quarter"
    assert adoption.share_words(0.05) == "a small part"
    with pytest.raises(ValueError):
        adoption.share_words(1.2)


def test_count_text_says_none_for_zero():
    assert adoption.count_text(0) == "none"
    assert adoption.count_text(4) == "4" and adoption.count_text(1200) == "1,200"


def test_cn_share_of_open_average_by_hand():
    usage = pd.DataFrame({"share": [0.13, 0.137]}, index=[adoption.CN_OPEN_AVERAGE, adoption.OTHER_OPEN_AVERAGE])
    assert adoption.cn_share_of_open_average(usage) == pytest.approx(0.13 / 0.267)
