"""Corrections to the adoption chapter's data (fact-check of 2026-12-02), pinned."""

from datetime import datetime, timezone

import pytest

from omcc import adoption, load
from omcc.bib import entry


@pytest.fixture(scope="module")
def usage():
    return load("usage_shares").set_index("id")


def test_closed_share_of_the_openrouter_study_is_derived_from_its_two_open_averages(usage):
    # the study splits tokens into closed, Chinese open and other open: 1 - 0.130 - 0.137 = 0.733
    cn = usage.at["openrouter_cn_2025_average", "share"]
    row = usage.at["openrouter_row_open_2025_average", "share"]
    closed = usage.loc["openrouter_closed_study_average"]
    assert closed["share"] == pytest.approx(1 - cn - row, abs=5e-4)
    assert closed["statistic"] == "period_average" and closed["origin"] == "closed_all_origins"
    # same window as the Chinese average it is computed from
    assert closed["period_start"] == usage.at["openrouter_cn_2025_average", "period_start"]
    assert closed["period_end"] == usage.at["openrouter_cn_2025_average", "period_end"]


def test_closed_share_figures_are_labelled_by_basis(usage):
    closed = usage[(usage["platform"] == "openrouter_tokens") & (usage["origin"] == "closed_all_origins")]
    # SCMP's 70% and the derived 73% describe the a16z x OpenRouter study; Nagle and Yue's 80% is another analysis
    assert "Nagle and Yue" in closed.at["openrouter_closed_nagle", "definition"]
    assert "not the a16z x OpenRouter study" in closed.at["openrouter_closed_nagle", "definition"]
    assert closed.at["openrouter_closed_scmp", "date_precision"] == "approximate"
    # the chapter's range is unchanged by the derived row: it lies inside 70-80%
    assert (closed["share"].min(), closed["share"].max()) == (0.7, 0.8)


def test_open_share_late_2025_implies_closed_two_thirds(usage):
    open_late = usage.loc["openrouter_open_late_2025"]
    assert open_late["origin"] == "open_all_origins" and bool(open_late["secondary"])
    assert 1 - open_late["share"] == pytest.approx(0.67)


def test_peak_week_is_flagged_as_read_in_a_re_report(usage):
    assert bool(usage.at["openrouter_cn_2025_peak", "secondary"])


def test_kimi_blended_price_matches_moonshot_list_prices():
    prices = load("model_prices").set_index("id")
    first = prices.loc["first_party_kimi_k2_thinking"]
    blended = adoption.blended_price(first["input_usd_per_mtok"], first["output_usd_per_mtok"], 0.75)
    # (3 x 0.60 + 2.50) / 4 = 1.075; Artificial Analysis lists $1.07
    assert blended == pytest.approx(1.075)
    assert prices.at["aa_kimi_k2_thinking", "blended_usd_per_mtok_3to1"] == pytest.approx(blended, abs=0.01)


def test_casado_post_date_decodes_from_its_id():
    # X post ids carry milliseconds since 2010-11-04 01:42:54.657 UTC in their upper bits
    post_id = 1990462245541982546
    when = datetime.fromtimestamp(((post_id >> 22) + 1288834974657) / 1000, tz=timezone.utc)
    assert when.date().isoformat() == "2025-11-17"
    # eight days before the VnEconomy article of 25 November 2025
    assert (datetime(2025, 11, 25, tzinfo=timezone.utc).date() - when.date()).days == 8


def test_gpt_oss_launch_score_is_dated_to_the_artificial_analysis_post():
    boards = load("leaderboard_snapshots")
    row = boards[boards["source"] == "artificialanalysis2025gptoss"].iloc[0]
    assert str(row["snapshot_date"])[:10] == "2025-08-06" and row["score"] == 58
    assert "artificialanalysis.ai/articles" in str(entry("artificialanalysis2025gptoss").fields["url"])


def test_c5_verdict_follows_the_scale():
    claims = load("claims").set_index("claim_id")
    # nothing backs the claim: on the scale that is 'unsupported', not 'unverifiable'
    assert claims.at["C5", "verdict"] == "unsupported"
    assert claims.at["C5", "reasons"].startswith("Nothing backs it")
    assert not bool(claims.at["C5", "original_found"])


def test_second_hand_sources_say_so():
    assert "NOT read" in str(entry("economist2025openmodels").fields["howpublished"])
    assert "8 Dec 2025" in str(entry("scmp2025openrouter").fields["howpublished"])
    assert "not read" in str(entry("openrouter2025stateofai").fields["note"])
