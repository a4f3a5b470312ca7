"""Every figure in the chapters has a caption, a name, alt text and a source line."""

import re

import pytest

from omcc.figures import caption_sources, source_text
from omcc.paths import CHAPTERS

CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.DOTALL)


def figure_cells():
    for page in sorted(CHAPTERS.glob("*.md")):
        for body in CELL.findall(page.read_text(encoding="utf-8")):
            if ":  figure:" in body or "figure:" in body.split("\n\n")[0] and ":mystnb:" in body:
                yield page.name, body


def test_there_are_figures_to_check():
    assert list(figure_cells()), "no figure cells found: the checks below would pass vacuously"


@pytest.mark.parametrize("page, body", list(figure_cells()), ids=lambda v: v if isinstance(v, str) and v.endswith(".md") else "")
def test_figure_cell_is_complete(page, body):
    header = "\n".join(line for line in body.splitlines() if line.startswith(":"))
    assert re.search(r":\s+name: fig-[a-z0-9-]+", header), f"{page}: figure without a fig-... name"
    assert re.search(r":\s+caption:", header), f"{page}: figure without a caption"
    alt = re.search(r":\s+alt: (.+)", header)
    assert alt and len(alt.group(1).strip()) > 40, f"{page}: figure without a descriptive alt text"
    assert "{glue:md}" in header, f"{page}: caption without a glued source line"
    assert re.search(r"\bfinish\(fig, ", body), f"{page}: figure without a source line drawn by finish()"
    assert re.search(r"\bshow\(fig, \"fig-", body), f"{page}: figure not saved for download with show()"


def test_source_line_names_each_source_once():
    text = source_text(["vneconomy2025startups", "vneconomy2025startups"])
    assert text == "Source: VnEconomy (2025). Analysis: Open Models, Closed Chips."
    assert caption_sources(["vneconomy2025startups"]).startswith("Source: {cite:t}`vneconomy2025startups`")


def test_a_figure_without_sources_is_refused():
    with pytest.raises(ValueError):
        source_text([])
