"""The briefing edition as a reader meets it: the front page's scorecard says what
the claims table says, the glossary is linked from every chapter, tables are
numbered, and the Vietnamese pages carry the same verdicts and numbers."""

import csv
import json
import re
from pathlib import Path

import pytest

from omcc import load
from omcc.i18n import VERDICTS_VI
from omcc.numbers import RECORD_KEY

CHAPTERS = ("adoption", "export_controls", "efficiency", "energy", "investment")


@pytest.fixture(scope="module")
def site(built_book):
    return built_book / "_build" / "html"


def _scorecard(html: str) -> dict[str, tuple[str, str]]:
    """claim id -> (verdict class, link) from a scorecard."""
    pills = re.findall(r'<a class="sc-pill" href="([^"]+)"><span class="sc-id">(C\d+)</span>.*?'
                       r'<span class="sc-verdict verdict-([a-z-]+)">', html, re.S)
    return {cid: (verdict.replace("-", " "), href) for href, cid, verdict in pills}


def test_the_scorecard_says_what_the_claims_table_says(site):
    claims = load("claims").set_index("claim_id")
    card = _scorecard((site / "chapters" / "index.html").read_text(encoding="utf-8"))
    assert set(card) == set(claims.index), "every claim, once"
    for cid, (verdict, href) in card.items():
        assert verdict == claims.at[cid, "verdict"], cid
        assert href == f"ledger.html#{cid.lower()}", href


def test_the_vietnamese_scorecard_says_the_same(site):
    claims = load("claims").set_index("claim_id")
    html = (site / "chapters" / "index_vi.html").read_text(encoding="utf-8")
    card = _scorecard(html)
    assert set(card) == set(claims.index)
    for cid, (verdict, href) in card.items():
        assert verdict == claims.at[cid, "verdict"], cid
        assert href == f"ledger_vi.html#vi-{cid.lower()}", href
        assert f"vi-{cid.lower()}" in (site / "chapters" / "ledger_vi.html").read_text(encoding="utf-8")
    for verdict in set(claims["verdict"]):
        assert VERDICTS_VI[verdict] in html


def test_vietnamese_numbers_are_the_english_numbers(built_book):
    """Through the data: every Vietnamese number glued on any page is the same
    value as the number it translates."""
    pairs = 0
    for path in (built_book / "_build" / "cache").glob("*.json"):
        entry = json.loads(path.read_text(encoding="utf-8"))
        records = [(o.get("metadata") or {}).get(RECORD_KEY) for cell in entry["outputs"] for o in cell]
        by_name = {r["name"]: r for r in records if r and not r.get("lang")}
        for r in records:
            if r and r.get("lang") == "vi":
                assert r["value"] == by_name[r["of"]]["value"], (entry["page"], r["name"])
                pairs += 1
    assert pairs > 300


def test_vietnamese_pages_are_marked_vietnamese_and_linked(site):
    for page in ("index", "summary", "ledger", "glossary"):
        vi = (site / "chapters" / f"{page}_vi.html").read_text(encoding="utf-8")
        en = (site / "chapters" / f"{page}.html").read_text(encoding="utf-8")
        assert re.search(r'<html[^>]*\blang="vi"', vi), page
        assert f'href="{page}_vi.html" hreflang="vi"' in en, page
        assert f'href="{page}.html" hreflang="en"' in vi, page
    for chapter in CHAPTERS:
        html = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert re.search(r'<details lang="vi" class="vi-abstract">', html), chapter


def test_the_ledger_entries_link_to_the_english_evidence(site):
    ledger_vi = (site / "chapters" / "ledger_vi.html").read_text(encoding="utf-8")
    claims = load("claims")
    for _, row in claims.iterrows():
        assert f'href="{row["chapter"]}.html#{row["section"]}"' in ledger_vi, row["claim_id"]


def test_glossary_has_the_terms_and_every_chapter_links_them(site):
    glossary = (site / "chapters" / "glossary.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-([^"]+)"', glossary)
    assert len(terms) >= 25
    for chapter in CHAPTERS:
        html = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert len(re.findall(r'href="glossary\.html#term-', html)) >= 5, chapter


def test_reader_tables_are_numbered_and_captioned(site):
    for chapter in CHAPTERS:
        html = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        for table in re.findall(r"<table\b.*?</table>", html, re.S):
            if "omcc-table" in table:
                assert re.search(r'<span class="caption-number">Table \d+\.\d+ </span>', table), chapter
            header = " ".join(re.findall(r"<th[^>]*>(.*?)</th>", table, re.S))
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", re.sub(r"<[^>]+>", "", header)), (chapter, header[:200])
