"""Training-compute estimators, run costs, matched pairs and the pinned C10/C11 numbers."""

import pandas as pd
import pytest

from omcc import chips, load
from omcc import efficiency as ef
from omcc import figures


def test_six_n_d_by_hand():
    # 10B active parameters x 1T tokens x 6 = 6e22 FLOP
    assert ef.compute_from_params(10e9, 1e12) == pytest.approx(6e22)
    with pytest.raises(ValueError):
        ef.compute_from_params(0, 1e12)


def test_hardware_estimate_by_hand():
    # 1,000 GPU-hours x 3,600 s x 1,000 TFLOPS x 50% = 1.8e21 FLOP
    assert ef.compute_from_hardware(1000, 1000, 0.5) == pytest.approx(1.8e21)
    # and the utilisation that 9e20 FLOP would imply on the same hardware is 25%
    assert ef.implied_utilisation(9e20, 1000, 1000) == pytest.approx(0.25)
    with pytest.raises(ValueError):
        ef.compute_from_hardware(1000, 1000, 1.5)


def test_run_cost_by_hand_and_deepseek_v3_reported_cost():
    assert ef.run_cost(1000, 2.5) == 2500
    # DeepSeek-V3: 2.788M H800 GPU-hours at the assumed $2 = $5.576M (the paper's own figure)
    runs = load("training_runs").set_index("run_id")
    row = runs.loc["deepseek_v3_report"]
    assert ef.run_cost(row["gpu_hours"], 2.0) == pytest.approx(row["reported_cost_usd"])


def test_confidence_band():
    assert ef.confidence_band(1e24, "Likely") == pytest.approx((1e24 / 3, 3e24))
    with pytest.raises(ValueError):
        ef.confidence_band(1e24, "Unknown")


@pytest.fixture(scope="module")
def models():
    peak = chips.spec_table(load("accelerator_specs"))["bf16_dense_tflops"]
    return ef.add_estimates(ef.model_table(load("training_runs")), peak)


def test_deepseek_v3_estimators_against_published_figures(models):
    v3 = models.loc["deepseek_v3"]
    # 6 x 37e9 x 14.8e12 = 3.2856e24, within 5% of Epoch's published 3.41e24 and 3.3e24
    assert v3["params_flop"] == pytest.approx(3.2856e24)
    assert v3["params_flop"] == pytest.approx(v3["published_flop"], rel=0.05)
    assert v3["published_min"] == pytest.approx(3.3e24)
    # 2.788e6 h x 3600 x 989e12 = 9.926e24 FLOP at full peak -> about 33% utilisation
    assert v3["util_params"] == pytest.approx(3.2856e24 / (2.788e6 * 3600 * 989e12))
    assert 0.30 < v3["util_params"] < 0.36
    # the assumed utilisation range brackets the published estimate
    assert v3["hardware_flop_low"] < v3["published_flop"] < v3["hardware_flop_high"]


def test_llama_31_405b_implied_utilisation(models):
    llama = models.loc["llama31_405b"]
    # 6 x 405e9 x 15.6e12 = 3.79e25 over 30.84M H100-hours: about 35% of peak
    assert llama["params_flop"] == pytest.approx(3.7908e25)
    assert llama["util_params"] == pytest.approx(0.345, abs=0.005)


def test_no_hardware_estimate_for_kimi_k2_thinking(models):
    k2t = models.loc["kimi_k2_thinking"]
    assert pd.isna(k2t["gpu_hours"]) and pd.isna(k2t["hardware_flop_central"])
    assert k2t["published_flop"] == pytest.approx(4.2e24)


def test_matched_pairs_by_hand():
    frame = pd.DataFrame({
        "country": ["US", "CN", "CN"],
        "published_flop": [1e25, 1e24, 1e26],
        "published_low": [5e24, 5e23, 5e25],
        "published_high": [2e25, 2e24, 2e26],
    }, index=["u", "c1", "c2"])
    scores = pd.Series({"u": 140.0, "c1": 141.5, "c2": 150.0})
    pairs = ef.matched_pairs(frame, scores, gap=2.0)
    assert len(pairs) == 1  # c2 is 10 points away
    row = pairs.iloc[0]
    assert row["ratio"] == pytest.approx(10.0)
    assert row["ratio_low"] == pytest.approx(5e24 / 2e24)
    assert row["ratio_high"] == pytest.approx(2e25 / 5e23)


def test_kimi_head_to_head_counts_pinned():
    bench = load("benchmarks")
    h2h = ef.head_to_head(bench, "kimi_k2_thinking", ["gpt5", "claude_sonnet_45"], "moonshot2025k2thinking")
    assert len(h2h) == 24
    assert int(h2h["beats_all"].sum()) == 6
    assert int(h2h["loses_all"].sum()) == 4
    assert int(h2h["beats_gpt5"].sum()) == 10
    # independent composite: K2 Thinking below both rivals
    eci = ef.capability(bench)
    assert eci["kimi_k2_thinking"] < eci["claude_sonnet_45"] < eci["gpt5"]


def test_reporter_types_are_kept_apart():
    bench = load("benchmarks")
    card = bench[bench["source"] == "moonshot2025k2thinking"]
    own = card[card["model_id"] == "kimi_k2_thinking"]
    assert set(own["reporter_type"]) == {"self_report"}
    assert "vendor_retest" in set(card["reporter_type"])


def test_uses_tools_and_wins_by_tools_by_hand():
    h2h = pd.DataFrame({"beats_all": [True, True, True, False]},
                       index=pd.MultiIndex.from_tuples([("A", "no tools"), ("B", "w/ tools"), ("C", "w/ python"), ("D", "w/ tools")],
                                                       names=["benchmark", "setting"]))
    wins = ef.wins_by_tools(h2h)
    assert list(wins["benchmark"]) == ["A", "B", "C"]
    assert list(wins["with_tools"]) == [False, True, True]


def test_split_pairs_by_kind_of_us_model():
    models = pd.DataFrame({"open_weights": [True, False, True]}, index=["us_open", "us_closed", "cn"])
    pairs = pd.DataFrame({"us_model": ["us_open", "us_closed"], "cn_model": ["cn", "cn"], "ratio": [1.0, 50.0]})
    closed, opened = ef.split_pairs(pairs, models)
    assert list(closed["us_model"]) == ["us_closed"] and list(opened["us_model"]) == ["us_open"]


def test_provenance_helpers_keep_their_table(models):
    runs, bench, specs = load("training_runs"), load("benchmarks"), load("accelerator_specs")
    rows = ef.published_rows(runs, models, ["gpt5", "deepseek_v3"])
    assert rows.attrs["omcc_table"] == "training_runs"
    assert set(rows["run_id"]) == {"gpt5_eci", "gpt5_notable", "deepseek_v3_eci"}  # chosen estimate + stated interval
    assert set(ef.eci_rows(bench, ["gpt5"])["source"]) == {"epoch2026eci"}
    peak = ef.spec_rows(specs, ["h800"])
    assert len(peak) == 1 and peak["value"].iloc[0] == pytest.approx(989)


def test_place_labels_leaves_no_label_on_a_marker_or_a_label():
    """A crowded synthetic scatter: every point labelled, and the layout report clean."""
    import numpy as np

    from omcc import figures

    rng = np.random.default_rng(0)
    xs = np.concatenate([rng.uniform(0, 10, 8), rng.uniform(6, 7, 10)])
    ys = np.concatenate([rng.uniform(0, 10, 8), rng.uniform(3, 5, 10)])
    fig, ax = figures.new_figure("A crowded scatter", "every point named")
    ax.scatter(xs, ys, s=40)
    ax.set_xlim(-1, 11)
    ax.set_ylim(-1, 11)
    figures.finish(fig, ["epoch2026eci"])
    figures.settle_layout(fig, "fig-test-labels")
    missed = figures.place_labels(ax, xs, ys, [f"model {i}" for i in range(len(xs))])
    assert missed == []
    figures._lay_out(fig, "fig-test-labels")
    report = figures.layout_report(fig)
    assert report["overlaps"] == [] and report["small_text"] == []


# --- wording helpers (editor's review, efficiency and adoption) --------------------------


def test_win_margins_by_hand():
    h2h = pd.DataFrame({"k": [50.0, 44.9, 30.0], "a": [40.0, 44.8, 35.0], "b": [45.0, 43.0, 20.0],
                        "beats_all": [True, True, False]},
                       index=pd.MultiIndex.from_tuples([("X", "no tools"), ("Y", "no tools"), ("Z", "w/ tools")],
                                                       names=["benchmark", "setting"]))
    margins = ef.win_margins(h2h, "k", ["a", "b"])
    assert list(margins.index) == [("Y", "no tools"), ("X", "no tools")]  # smallest lead first, losses left out
    assert margins.iloc[0] == pytest.approx(0.1) and margins.iloc[1] == pytest.approx(5.0)


def test_confidence_counts_and_month_year():
    models = pd.DataFrame({"published_confidence": ["Likely", "Speculative", "Likely", None]}, index=["a", "b", "c", "d"])
    counts = ef.confidence_counts(models, ["a", "b", "c", "d"])
    assert counts.to_dict() == {"Likely": 2, "Speculative": 1, "none": 1}
    assert ef.month_year("2024-04-18") == "April 2024"


def test_points_text_rounds_to_whole_points():
    assert ef.points_text(0.93) == "about 1 point"
    assert ef.points_text(4.47) == "about 4 points"
    assert ef.points_text(0.2) == "less than half a point"
