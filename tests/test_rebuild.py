"""Rebuilds: a data edit refreshes exactly the pages that read it, and two
clean builds of the same files are byte-identical where it matters."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import copy_repo


def _build(root: Path, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "omcc.book.build"], cwd=root, capture_output=True, text=True,
        env=dict(os.environ, PYTHONPATH=str(root), SOURCE_DATE_EPOCH="1767225600", **env),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def _executed_pages(log: str) -> set[str]:
    """Pages executed by the build, in parallel pre-execution or by Sphinx itself."""
    found = re.findall(r"\[book\] chapters/(\w+): executed in|chapters/(\w+)\.md: Executing notebook", log)
    return {a or b for a, b in found}


def _second_round_pages(root: Path) -> set[str]:
    """Pages whose front matter has them read the chapters' key numbers."""
    return {p.stem for p in (root / "chapters").glob("*.md")
            if re.search(r"^omcc:\s*\n\s+reads_key_numbers:\s*true", p.read_text(encoding="utf-8"), re.M)}


def _pages_reading(root: Path) -> dict[str, set[str]]:
    import json

    out = {}
    for path in (root / "_build" / "cache").glob("*.json"):
        entry = json.loads(path.read_text())
        page = entry["page"].removeprefix("chapters/")
        out[page] = {k.removeprefix("table:") for k in entry["inputs"] if k.startswith("table:")}
    return out


@pytest.fixture(scope="module")
def twice_built(tmp_path_factory):
    roots = []
    for name in ("first", "second"):
        root = copy_repo(tmp_path_factory.mktemp(name) / "repo")
        _build(root)
        roots.append(root)
    return roots


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_clean_builds_are_byte_identical(twice_built):
    first, second = twice_built
    figures = sorted((first / "_build" / "html" / "figures").glob("*"))
    assert figures, "no figure files to compare"
    compared = figures + [first / "_build" / "html" / "key_numbers.csv"]
    for path in compared:
        twin = second / path.relative_to(first)
        assert twin.exists(), twin
        assert _digest(path) == _digest(twin), f"{path.name} differs between two clean builds"


def test_data_edit_reexecutes_exactly_the_pages_that_read_it(twice_built):
    root = twice_built[0]
    readers = _pages_reading(root)
    dependent = {p for p, tables in readers.items() if "accelerator_specs" in tables}
    unrelated = {p for p, tables in readers.items() if tables and "accelerator_specs" not in tables}
    assert "export_controls" in dependent
    assert unrelated, "no page reads other tables only: the test could not show that unrelated pages are spared"

    numbers = lambda: pd.read_csv(root / "_build" / "html" / "key_numbers.csv").set_index("name")  # noqa: E731
    figure = root / "_build" / "html" / "figures" / "fig-h20-vs-blackwell.png"
    before_value = numbers().at["h20_bf16", "value"]
    before_text = numbers().at["h20_b200_bf16_pct", "text"]
    before_figure = _digest(figure)

    path = root / "data" / "accelerator_specs.csv"
    original = path.read_text(encoding="utf-8")
    edited = re.sub(r"^(h20,bf16_dense_tflops,)148(,TFLOPS,true,)", r"\g<1>200\g<2>", original, flags=re.M)
    assert edited != original, "the row to edit was not found"
    path.write_text(edited, encoding="utf-8")
    try:
        log = _build(root)
    finally:
        path.write_text(original, encoding="utf-8")

    executed = _executed_pages(log)
    # The summarising pages (second round) read the chapters' key numbers, which this
    # edit changes: they re-run too, and no other page does.
    second = _second_round_pages(root)
    assert executed - second == dependent - second, (executed, dependent)
    assert {"summary", "ledger"} <= executed & second
    assert not (executed & (unrelated - second))
    # Sphinx reads again exactly the pages that ran (their sources are rewritten only
    # when they changed: no random cell ids)
    reread = re.search(r"updating environment: .*?(\d+) added, (\d+) changed", re.sub(r"\x1b\[[0-9;]*m", "", log))
    assert reread and 0 < int(reread.group(2)) <= len(executed), (reread and reread.group(0), sorted(executed))
    assert numbers().at["h20_bf16", "value"] == 200
    assert numbers().at["h20_b200_bf16_pct", "text"] != before_text
    assert numbers().at["h20_b200_bf16_pct", "text"] in (root / "_build/html/chapters/export_controls.html").read_text()
    assert _digest(figure) != before_figure
    assert before_value == 148

    # a no-op rebuild afterwards (data restored) re-executes the dependent page once more, then nothing
    _build(root)
    assert _executed_pages(_build(root)) == set()


def test_an_edit_and_its_undo_publish_the_site_of_a_clean_build(twice_built):
    """What a build keeps from the one before (executed pages, drawn figures, tables
    found valid, formatted references, Sphinx's environment and search index) leaves
    no trace: after an edit and its undo, every published file is the one a clean
    build of the same files publishes."""
    root, clean = twice_built
    path = root / "data" / "accelerator_specs.csv"
    original = path.read_text(encoding="utf-8")
    edited = re.sub(r"^(h20,bf16_dense_tflops,)148(,TFLOPS,true,)", r"\g<1>150\g<2>", original, flags=re.M)
    assert edited != original, "the row to edit was not found"
    path.write_text(edited, encoding="utf-8")
    try:
        _build(root)
    finally:
        path.write_text(original, encoding="utf-8")
    _build(root)
    site, reference = root / "_build" / "html", clean / "_build" / "html"
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(reference) for p in reference.rglob("*") if p.is_file())
    # the PDF's own reproducibility is LaTeX's business, not the build's caches
    differ = [str(rel) for rel in files if rel.suffix != ".pdf" and _digest(site / rel) != _digest(reference / rel)]
    assert not differ, f"differ from a clean build: {differ[:10]}"
