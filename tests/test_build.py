"""A full build of a clean copy of the repository, then two broken builds.

The build runs in a copy (so it never touches the developer's own _build) with
the copy first on the Python path, so the copy's own package and data are used.
"""

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import build_copy, copy_repo


def _toc_files(root: Path) -> list[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


def _build(root: Path) -> subprocess.CompletedProcess:
    return build_copy(root)


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    # a private build: the tests below break and rebuild it
    root = copy_repo(tmp_path_factory.mktemp("clean") / "repo")
    result = _build(root)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return root


def test_site_has_every_page_of_the_toc(built):
    site = built / "_build" / "html"
    for page in _toc_files(built):
        assert (site / f"{page}.html").exists(), page


def test_every_image_in_chapter_pages_has_alt_text(built):
    pages = list((built / "_build" / "html" / "chapters").glob("*.html"))
    images = 0
    for page in pages:
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            images += 1
            alt = re.search(r'\balt="([^"]*)"', tag)
            assert alt and alt.group(1).strip(), f"{page.name}: image without alt text: {tag[:120]}"
    assert images > 0, "no images found: the check would pass vacuously"


def test_no_glue_key_left_unresolved(built):
    for page in (built / "_build" / "html" / "chapters").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "{glue" not in text, page.name
        assert "glue:text" not in text, page.name


def test_key_numbers_csv_holds_the_h20_b200_ratio(built):
    import pandas as pd

    numbers = pd.read_csv(built / "_build" / "html" / "key_numbers.csv")
    assert list(numbers.columns) == ["page", "name", "value", "unit", "text", "description", "formula", "sources", "rows", "url"]
    row = numbers[numbers["name"] == "h20_b200_bf16_pct"].iloc[0]
    assert row["page"] == "chapters/export_controls"
    assert 0.05 < row["value"] < 0.08
    assert row["text"] in (built / "_build" / "html" / "chapters" / "export_controls.html").read_text(encoding="utf-8")
    assert row["sources"], "a key number without sources"


def test_corrupted_csv_fails_with_file_line_column_and_keeps_the_site(built):
    site = built / "_build" / "html"
    before = _tree_digest(site)
    path = built / "data" / "accelerator_specs.csv"
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines()
    cells = lines[2].split(",")
    cells[2] = "lots"  # the value column
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        result = _build(built)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert "data/accelerator_specs.csv, line 3, column 'value'" in result.stderr + result.stdout
    assert _tree_digest(site) == before


def test_failing_cell_fails_the_build_with_traceback_and_keeps_the_site(built):
    site = built / "_build" / "html"
    before = _tree_digest(site)
    page = built / "chapters" / "export_controls.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n```{code-cell} ipython3\nraise RuntimeError('deliberate failure for the test')\n```\n", encoding="utf-8")
    try:
        result = _build(built)
    finally:
        page.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert "deliberate failure for the test" in result.stdout + result.stderr
    assert _tree_digest(site) == before


def test_citations_do_not_scan_every_installed_package(monkeypatch):
    """sphinxcontrib-bibtex asks pybtex for its plain-text backend once per citation;
    registered at run time, pybtex finds it without scanning the entry points of every
    installed package (900 scans were a third of Sphinx's time)."""
    import pybtex.plugin

    from omcc.book import bibstyle

    bibstyle.register()
    scans = []
    monkeypatch.setattr(pybtex.plugin, "entry_points", lambda **kw: scans.append(kw) or [])
    backend = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    from pybtex.backends.plaintext import Backend

    assert backend is Backend and scans == []
