"""Corrections to the adoption chapter's data (fact-check of 2026-12-02), pinned."""

from datetime import datetime, timezone

import pytest

from omcc import adoption, load
from omcc.bib import entry


@pytest.fixture(scope="module")
def usage():
    return load("usage_shares").set_index("id")


def test_closed_share_of_the_openrouter_study_is_computed_from_its_two_open_averages(usage):
    # the study splits tokens into closed, Chinese open and other open: 1 - 0.130 - 0.137 = 0.733
    cn = usage.loc["openrouter_cn_2025_average"]
    other = usage.loc["openrouter_row_open_2025_average"]
    assert adoption.closed_share_average(usage) == pytest.approx(1 - cn["share"] - other["share"])
    assert adoption.closed_share_average(usage) == pytest.approx(0.733, abs=5e-4)
    # both averages cover the same window, so the difference is a share of that window
    assert (cn["period_start"], cn["period_end"]) == (other["period_start"], other["period_end"])
    # a derived value is computed, not stored as a data row
    assert "openrouter_closed_study_average" not in usage.index


def test_closed_share_figures_are_labelled_by_basis(usage):
    closed = usage[(usage["platform"] == "openrouter_tokens") & (usage["origin"] == "closed_all_origins")]
    # SCMP's 70% describes the a16z x OpenRouter study; Nagle and Yue's 80% is another analysis
    assert "Nagle and Yue" in closed.at["openrouter_closed_nagle", "definition"]
    assert "not the a16z x OpenRouter study" in closed.at["openrouter_closed_nagle", "definition"]
    assert closed.at["openrouter_closed_scmp", "date_precision"] == "approximate"


def test_open_share_late_2025_implies_closed_two_thirds(usage):
    open_late = usage.loc["openrouter_open_late_2025"]
    assert open_late["origin"] == "open_all_origins" and bool(open_late["secondary"])
    assert 1 - open_late["share"] == pytest.approx(0.67)
    assert adoption.closed_share_late_2025(usage) == pytest.approx(0.67)


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
    # the named source could not be found and no data bear on it: 'unverifiable' on the scale
    assert claims.at["C5", "verdict"] == "unverifiable"
    assert "could not be found" in claims.at["C5", "reasons"]
    assert not bool(claims.at["C5", "original_found"])


def test_second_hand_sources_say_so():
    assert "NOT read" in str(entry("economist2025openmodels").fields["howpublished"])
    assert "8 Dec 2025" in str(entry("scmp2025openrouter").fields["howpublished"])
    assert "not read" in str(entry("openrouter2025stateofai").fields["note"])


# --- the chapter's wording and figures (corrections and briefing edition) ----------------

import re

from omcc.paths import CHAPTERS

CHAPTER = (CHAPTERS / "adoption.md").read_text(encoding="utf-8")


def _calls(source, name):
    """The argument text of every call `name(...)` in the source (balanced parentheses)."""
    out = []
    for m in re.finditer(rf"\b{name}\(", source):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(source[i], 0)
            i += 1
        out.append(source[m.end():i - 1])
    return out


def test_closed_share_is_one_figure_per_basis_not_a_range():
    # the study's closed average is glued from the computation; Nagle and Yue's 80% is stated apart
    assert '"openrouter_closed_study_average", closed_avg' in CHAPTER and "adoption.closed_share_average(usage)" in CHAPTER
    assert "{glue:text}`openrouter_closed_scmp` to {glue:text}`openrouter_closed_nagle`" not in CHAPTER
    assert "openrouter_closed_scmp` to" not in CHAPTER
    assert "A separate analysis of OpenRouter data by Nagle and Yue" in CHAPTER
    assert "70-80%" not in CHAPTER and "70%-80%" not in CHAPTER


def test_c5_reasoning_matches_the_verdict():
    section = CHAPTER[CHAPTER.index("(c5-evidence)="):CHAPTER.index("(c6-evidence)=")]
    assert "the claim cannot be checked" in section and "unsupported" not in section
    claims = load("claims").set_index("claim_id")
    assert claims.at["C5", "verdict"] == "unverifiable"


def test_prose_changes_of_the_research_report():
    assert "one verbatim quotation on a forum {cite:p}`futurology2025casado`" in CHAPTER
    assert "translated re-reports {cite:p}`itiger2025casado,kr36_2025startups`" in CHAPTER
    assert "read as quoted by third parties" in CHAPTER
    assert "dates the same figure to mid-December" in CHAPTER
    assert "so \"17th\" cannot hold there" in CHAPTER


def test_kimi_is_labelled_at_its_own_price():
    prices = load("model_prices")
    pp = adoption.price_performance(prices, load("model_scores"), "aa_intelligence_index_v3")
    # Kimi K2 Thinking sits at about $1.07 blended, DeepSeek V3.2 at $0.32: distinct points
    assert pp.at["kimi_k2_thinking", "blended"] == pytest.approx(1.07)
    assert pp.at["deepseek_v32", "blended"] == pytest.approx(0.32)
    # every label is an offset from its own model's marker, with a placement for every model in both panels
    assert 'ax.annotate(name, (row["blended"], row["score"]), xytext=(dx, dy), textcoords="offset points"' in CHAPTER
    placed = re.findall(r'"(\w+)": (?:[RLAB]\b|\()', CHAPTER[CHAPTER.index("LABEL_AT = {"):CHAPTER.index("for ax, frame, ylabel, panel")])
    lm = adoption.price_performance(prices, load("model_scores"), "lmarena_text")
    priced = [m for frame in (pp, lm) for m in frame[frame["blended"].notna()].index]
    assert sorted(placed) == sorted(priced)


def test_usage_figure_shows_points_not_lines():
    cell = CHAPTER[CHAPTER.index("name: fig-adoption-usage"):CHAPTER.index('show(fig, "fig-adoption-usage"')]
    assert "ax.plot(" not in cell and "hlines(" not in cell and "vlines(" not in cell
    assert "ax.scatter(" in cell


def test_figures_name_countries_and_models():
    assert adoption.country_name("CN") == "China" and adoption.country_name("KR") == "South Korea"
    boards_cell = CHAPTER[CHAPTER.index("name: fig-adoption-leaderboards"):CHAPTER.index('show(fig, "fig-adoption-leaderboards"')]
    assert '"CN" if c == "CN"' not in boards_cell  # no country codes drawn on the markers
    assert "adoption.short_model_name(row[\"model\"])" in boards_cell
    patents_cell = CHAPTER[CHAPTER.index("name: fig-adoption-patents"):CHAPTER.index('show(fig, "fig-adoption-patents"')]
    assert "adoption.country_name(c) for c in bars[\"country\"]" in patents_cell


def test_reader_tables_are_numbered_and_readable():
    assert ".style" not in CHAPTER
    for name in ("tbl-adoption-prices", "tbl-adoption-qwen"):
        assert f"```{{data-table}} {name}" in CHAPTER and f'table("{name}"' in CHAPTER
    assert "adoption.WORKLOAD_" not in CHAPTER


def test_every_glued_number_has_description_formula_and_rows():
    calls = _calls(CHAPTER, "glue_number")
    assert calls
    for args in calls:
        if args.startswith("name, "):  # the chapter's helpers pass their own arguments through
            continue
        for field in ("description=", "formula=", "rows="):
            assert field in args, f"glue_number({args[:60]}...) lacks {field}"
    for helper in ("share", "qv", "price_glue"):
        body = CHAPTER[CHAPTER.index(f"def {helper}("):]
        body = body[:body.index("\n\n")]
        assert all(f in body for f in ("description=", "formula=", "rows=")), helper


def test_every_claim_of_the_chapter_has_a_trip_wire_on_a_glued_number():
    checks = load("claim_checks")
    mine = checks[checks["page"] == "adoption"]
    assert set(mine["claim_id"]) == {"C1", "C3", "C4", "C5", "C6", "C7"}
    for name in mine["key_number"]:
        assert re.search(rf'"{name}"', CHAPTER), f"{name} is not glued by the chapter"


def test_claims_reasons_are_two_sentences():
    claims = load("claims").set_index("claim_id")
    for cid in ["C1", "C3", "C4", "C5", "C6", "C7"]:
        reasons = claims.at[cid, "reasons"]
        assert len(re.findall(r"[.!?](?:\s|$)", reasons)) == 2, cid
        assert len(re.findall(r"[.!?](?:\s|$)", claims.at[cid, "data_shows"])) == 1, cid


# --- editor's review of the built book (adoption, chapter 1) ------------------------------


def _prose(text):
    text = re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)
    return "\n".join(line for line in text.splitlines() if not line.startswith(":"))


def test_china_among_open_models_is_one_qualified_formulation(usage):
    half = adoption.cn_share_of_open_average(usage)
    assert half == pytest.approx(0.13 / (0.13 + 0.137))  # Chinese 13% against other open 13.7%: about even
    assert adoption.share_words(half) == "about half"
    assert adoption.share_words(usage.at["openrouter_top10open_cn_2026_01", "share"]) == "most"
    assert ("{glue:text}`cn_open_share_words` of {term}`open-model <open-weight model>` use on average over the\n"
            "study year; {glue:text}`cn_open_share_words_2026` of it by early 2026") in CHAPTER
    prose = _prose(CHAPTER).lower()
    assert "lead among open" not in prose and "leads among open" not in prose and "among open models china leads" not in prose
    assert "lead among open" not in CHAPTER.lower()  # nor in the figure's title
    assert 'f"Chinese models: {adoption.share_words(cn_of_open)} of open-model use, "' in CHAPTER


def test_usage_figure_labels_each_value_on_its_own_row():
    cell = CHAPTER[CHAPTER.index("USAGE_GROUPS = ["):CHAPTER.index('show(fig, "fig-adoption-usage"')]
    assert '"above"' not in cell and '"below"' not in cell  # no label set over a neighbouring marker
    assert 'xytext=(7, 0), textcoords="offset points", ha="left"' in cell


def test_zero_counts_read_none():
    assert 'glue_number("n_downloader_geo", len(geo), text=adoption.count_text(len(geo))' in CHAPTER
    assert len(adoption.downloader_country_rows(load("usage_shares"))) == 0


def test_unnamed_leaderboard_entry_says_what_is_known():
    assert "Chinese model, not named" not in CHAPTER
    cell = CHAPTER[CHAPTER.index("name: fig-adoption-leaderboards"):CHAPTER.index('show(fig, "fig-adoption-leaderboards"')]
    assert 'f"name not reported ({adoption.country_name(c)})"' in cell
    assert "fourth model is Chinese, but the re-reports of it do not name it" in cell


def test_examples_and_services_described_as_the_sources_allow():
    prose = _prose(CHAPTER)
    assert "Global South" not in prose  # Singapore is a high-income economy
    assert "OpenRouter`, a service that routes requests to many models" in prose
    assert "over-represents open and Chinese models" in prose
    assert "marketplace" not in prose.lower()
    first = prose.index("LMArena")
    assert prose[first:first + 120].startswith("LMArena`, a public board ranking models by\nvisitors' votes")
