"""Every number on every page says where it comes from.

Each number a page glues with `glue_number` carries a record (what it is, how it
was computed, the data rows behind it); on the page it is a button that opens
that record and links to its permanent entry on the key-numbers page.
"""

import csv
import json
import re
from pathlib import Path

import pytest

from omcc.numbers import RECORD_KEY

CHAPTERS = ("adoption", "export_controls", "efficiency", "energy", "investment")
GLUE_TEXT = re.compile(r"\{glue:text\}`([a-z0-9_]+)`")


def _records(root: Path) -> dict[str, dict[str, dict]]:
    """page -> glued name -> record, from the build's cached pages."""
    out: dict[str, dict[str, dict]] = {}
    for path in (root / "_build" / "cache").glob("*.json"):
        entry = json.loads(path.read_text(encoding="utf-8"))
        for cell in entry["outputs"]:
            for o in cell:
                rec = (o.get("metadata") or {}).get(RECORD_KEY)
                if rec:
                    out.setdefault(entry["page"], {})[rec["name"]] = rec
    return out


@pytest.fixture(scope="module")
def records(built_book):
    found = _records(built_book)
    assert sum(len(v) for v in found.values()) > 300
    return found


def test_every_number_says_what_it_is_and_how_it_was_computed(records):
    missing = [f"{page}: {name}" for page, named in records.items() for name, r in named.items()
               if not (r.get("description") and r.get("formula"))]
    assert not missing, "\n".join(missing[:40])


def test_every_chapter_number_names_its_data_rows(records):
    missing = [f"{page}: {name}" for page, named in records.items() if page.removeprefix("chapters/") in CHAPTERS
               for name, r in named.items() if not r.get("lang") and not r.get("rows")]
    assert not missing, "\n".join(missing[:40])


def test_every_glued_number_on_every_page_opens_its_provenance(records, built_book):
    site = built_book / "_build" / "html"
    without = []
    for page, named in records.items():
        source = (built_book / f"{page}.md").read_text(encoding="utf-8")
        prose = re.sub(r"```\{code-cell\}.*?```", "", source, flags=re.S)
        glued = [n for n in GLUE_TEXT.findall(prose) if n in named]
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        targets = re.findall(r'class="kn-num" popovertarget="(kn-pop-\d+)"', html)
        popovers = re.findall(r'<span id="(kn-pop-\d+)" popover class="kn-pop" role="dialog"', html)
        # a number used twice on a page opens the same box: no box without a button, no button without a box
        if len(targets) < len(glued) or set(targets) != set(popovers) or len(popovers) != len(set(popovers)):
            without.append(f"{page}: {len(glued)} glued numbers, {len(targets)} buttons, {len(popovers)} popovers")
    assert not without, "\n".join(without)


def test_every_permanent_link_has_its_entry(built_book):
    site = built_book / "_build" / "html"
    page = (site / "chapters" / "key_numbers.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<tr id="(kn-[a-z0-9-]+)">', page))
    with (site / "key_numbers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["url"].rsplit("#", 1)[1] in anchors for r in rows)
    for chapter in CHAPTERS:
        html = (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        for target in re.findall(r'class="kn-link" href="key_numbers\.html#([a-z0-9-]+)"', html):
            assert target in anchors, (chapter, target)


def test_key_numbers_csv_describes_every_number(built_book):
    with (built_book / "_build" / "html" / "key_numbers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) >= {"page", "name", "value", "text", "description", "formula", "sources", "rows", "url"}
    assert all(r["description"] and r["formula"] for r in rows)


def test_a_numbers_box_names_its_sources_and_counts_its_rows():
    from omcc.book.sphinx_ext import POPOVER_ROWS, popover_html

    rows = [{"table": "benchmarks" if i < POPOVER_ROWS + 3 else "training_runs", "key": f"model_{i}",
             "source": "epoch2026eci", "locator": "row <b>", "accessed": "2026-12-02"} for i in range(POPOVER_ROWS + 6)]
    box = popover_html({"name": "n", "description": "A median", "value": 53.4, "formula": "median", "rows": rows},
                       "chapters/efficiency", "kn-pop-1", "key_numbers.html#kn-efficiency-n")
    listed = re.findall(r'<span class="kn-key">(model_\d+)</span>', box)
    assert listed == [f"model_{i}" for i in range(POPOVER_ROWS)]
    assert f"Data rows ({POPOVER_ROWS + 6})" in box and "data-kn-rows" in box
    more = "and 6 more rows" if POPOVER_ROWS else "6 rows"
    assert f"{more} (benchmarks, training_runs), listed at the link below" in box
    assert "Sources: Epoch AI (2026)" in box and "<b>" not in box


def test_every_box_row_is_in_its_pages_rows_file(records, built_book):
    """The rows a box does not show at first are in the page's rows file, all of them, escaped."""
    import json

    site = built_book / "_build" / "html"
    checked = 0
    for page, named in records.items():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        boxes = re.findall(r'<span id="(kn-pop-\d+)" popover[^>]*>.*?Data rows \((\d+)\):</span>'
                           r'<span class="kn-list">(.*?)</span></span><a class="kn-link"', html)
        waiting = [(pop_id, int(n)) for pop_id, n, listed in boxes if "kn-more" in listed]
        if not waiting:
            continue
        src = re.search(r'var page = "[^"]+", src = "([^"]+)"', html).group(1)
        script = (site / page).parent.joinpath(src).resolve().read_text(encoding="utf-8")
        rows = json.loads(re.search(r"omccKnRows\[[^\]]+\] = (.*);\s*$", script, re.S).group(1))
        for pop_id, n in waiting:
            assert rows[pop_id].count('<span class="kn-row">') == n, (page, pop_id)
            assert "<script" not in rows[pop_id]
            checked += 1
    assert checked > 50, checked
