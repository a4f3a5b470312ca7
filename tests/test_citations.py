"""Every citation in the chapters, and every source in the data, is in references.bib."""

import re

from omcc.bib import bib_keys, short_cite
from omcc.paths import BIB, CHAPTERS

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def cited_keys(text: str) -> set[str]:
    keys = set()
    for group in CITE.findall(text):
        keys.update(k.strip() for k in group.split(","))
    return keys


def test_cite_pattern_finds_keys():
    assert cited_keys("see {cite:p}`a2020x, b2021y` and {cite}`c`") == {"a2020x", "b2021y", "c"}


def test_every_cited_key_exists():
    known = bib_keys()
    missing = {}
    for page in CHAPTERS.glob("*.md"):
        unknown = cited_keys(page.read_text(encoding="utf-8")) - known
        if unknown:
            missing[page.name] = sorted(unknown)
    assert not missing, missing


def test_bib_keys_are_unique():
    text = BIB.read_text(encoding="utf-8")
    keys = re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, re.MULTILINE)
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, duplicates


def test_every_bib_entry_has_url_or_doi_and_year():
    from omcc.bib import entry

    for key in bib_keys():
        fields = entry(key).fields
        assert "year" in fields, key
        assert "url" in fields or "doi" in fields, key


def test_short_cite_names_organisation_and_year():
    assert short_cite("vneconomy2025startups") == "VnEconomy (2025)"


def test_source_keys_splits_joins_and_skips_missing():
    import pandas as pd

    from omcc.bib import source_keys

    frame = pd.DataFrame({"source": ["b2020x;a2019y", "a2019y", None]})
    assert source_keys(frame) == ["a2019y", "b2020x"]
    assert source_keys("c2021z; a2019y") == ["a2019y", "c2021z"]
    assert source_keys(pd.Series(["<NA>"])) == []
