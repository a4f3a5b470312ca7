"""Every figure, as drawn, survives being pasted into a briefing slide.

The layout report each figure carries (`omcc.figures.layout_report`, measured on
the drawn figure) and the files the site publishes are checked for every figure
of the built book: full source line, figure number and address on the image, no
overlapping text, no text under 12 px as displayed, orange only for China, the
16:9 frame, and the 16:9 slide export.
"""

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from omcc.figures import FIGURE_KEY, MIN_DISPLAY_PX, layout_report, new_figure, finish


def _records(root: Path) -> dict[str, dict]:
    found = {}
    for path in (root / "_build" / "cache").glob("*.json"):
        entry = json.loads(path.read_text(encoding="utf-8"))
        for cell in entry["outputs"]:
            for out in cell:
                rec = (out.get("metadata") or {}).get(FIGURE_KEY)
                if rec:
                    found[rec["name"]] = {**rec, "page": entry["page"]}
    return found


@pytest.fixture(scope="module")
def figures(built_book):
    records = _records(built_book)
    assert len(records) >= 15, f"only {len(records)} figures found: the checks would prove little"
    return records


def test_every_figure_has_a_clean_layout(figures):
    problems = []
    for name, rec in sorted(figures.items()):
        report = rec["report"]
        for key in ("frame", "small_text", "overlaps", "orange_not_china"):
            problems += [f"{name}: {key}: {item}" for item in report[key]]
        if report["min_font_px"] is not None and report["min_font_px"] < MIN_DISPLAY_PX:
            problems.append(f"{name}: smallest text {report['min_font_px']} px")
    assert not problems, "\n".join(problems)


def test_every_image_carries_its_full_sources_number_and_address(figures, built_book):
    site = built_book / "_build" / "html"
    for name, rec in figures.items():
        report = rec["report"]
        # a figure of a Vietnamese page says "Nguồn:" (its footer is in Vietnamese)
        opening = "Nguồn: " if rec["page"].endswith("_vi") else "Source: "
        assert "other sources" not in report["source_line"] and report["source_line"].startswith(opening)
        assert report["address"].endswith(f"{rec['page']}.html#{name}"), report["address"]
        page = (site / f"{rec['page']}.html").read_text(encoding="utf-8")
        caption = re.search(rf'<figure[^>]*id="{name}".*?<span class="caption-number">([^<]+)</span>', page, re.S)
        assert caption, f"{name}: no numbered caption on {rec['page']}"
        assert caption.group(1).strip() == report["number"], (name, caption.group(1), report["number"])


def test_every_figure_offers_a_slide(figures, built_book):
    site = built_book / "_build" / "html"
    for name in figures:
        slide = site / "figures" / f"{name}.slide.png"
        assert slide.exists(), name
        assert Image.open(slide).size == (1920, 1080), name
        for ext in ("png", "svg"):
            assert (site / "figures" / f"{name}.{ext}").exists(), (name, ext)


def test_the_checks_can_fail():
    fig, ax = new_figure("A title", "A subtitle", figsize=(8, 6))
    ax.plot([0, 1], [0, 1], marker="o", color="#E69F00", label="series")
    ax.text(0, 0, "label on the point", fontsize=7)
    ax.text(0.02, 0.02, "another label", fontsize=7)
    finish(fig, ["vneconomy2025startups"])
    report = layout_report(fig)
    assert report["frame"], "a figure taller than 16:9 was not reported"
    assert report["small_text"], "7 pt text was not reported"
    assert report["overlaps"], "labels on a marker were not reported"
    assert report["orange_not_china"], "orange for a series that is not China was not reported"
