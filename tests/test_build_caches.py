"""What the build keeps between runs to make an edit quick, and why it cannot show
stale work: a drawn figure, a table found valid, a formatted bibliography entry and
an assembled notebook are reused only while everything they were made from is
unchanged, and a damaged or half-written record is made afresh."""

import csv
import json
import re

import pandas as pd
import pytest

from omcc import datapackage, figures
from omcc.figures import FIGURE_KEY, finish, new_figure

SOURCE = "vneconomy2025startups"


# --- figures ------------------------------------------------------------------------


def _figure(value: float = 3.0, title: str = "Two bars", note: str = ""):
    fig, ax = new_figure(title, "Units, 2025")
    ax.bar(["a", "b"], [1.0, value])
    finish(fig, [SOURCE], note=note)
    return fig


@pytest.fixture
def show(monkeypatch, tmp_path):
    """figures.show() with the cache in a temporary folder, counting real drawings
    and returning the files the page would publish."""
    monkeypatch.setattr("omcc.paths.BUILD", tmp_path)
    monkeypatch.delenv("OMCC_RENDER_CACHE", raising=False)
    drawn = []
    real = figures._render
    monkeypatch.setattr(figures, "_render", lambda fig, name: drawn.append(name) or real(fig, name))
    published = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: published.append(k["metadata"][FIGURE_KEY]))

    def _show(fig, name="fig-cache-test"):
        figures.show(fig, name)
        return published[-1]

    _show.drawn = drawn
    _show.folder = tmp_path / "cache" / "figures"
    return _show


def test_an_unchanged_figure_is_drawn_once_and_gives_the_files_of_a_fresh_drawing(show, monkeypatch):
    first = show(_figure())
    again = show(_figure())
    assert show.drawn == ["fig-cache-test"]  # the second came from the cache
    assert again["files"] == first["files"] and again["report"] == first["report"]
    monkeypatch.setenv("OMCC_RENDER_CACHE", "off")
    fresh = show(_figure())
    assert len(show.drawn) == 2
    assert fresh["files"] == first["files"], "a cached figure differs from the same figure drawn afresh"


@pytest.mark.parametrize("change", [{"value": 4.0}, {"title": "Another finding"}, {"note": "A note on method."}])
def test_a_changed_value_title_or_note_is_drawn_again(show, change):
    before = show(_figure())
    after = show(_figure(**change))
    assert len(show.drawn) == 2
    assert after["files"]["png"] != before["files"]["png"]


def test_a_damaged_cache_entry_is_drawn_again(show):
    first = show(_figure())
    (entry,) = show.folder.glob("*.json")
    entry.write_text(entry.read_text()[:100])  # cut short, as by a full disk
    again = show(_figure())
    assert len(show.drawn) == 2
    assert again["files"] == first["files"]


def test_the_cache_keeps_the_most_recently_used_entries(show):
    for value in (2.0, 3.0, 4.0):
        show(_figure(value))
    assert len(list(show.folder.glob("*.json"))) == 3
    figures._RENDERED.prune(keep=1)
    assert len(list(show.folder.glob("*.json"))) == 1


# --- tables found valid -----------------------------------------------------------------


def test_a_valid_table_is_read_without_checking_until_it_changes(repo_copy, monkeypatch):
    assert datapackage.validate_package(repo_copy) == []
    checked = []
    real = datapackage._check_table
    monkeypatch.setattr(datapackage, "_check_table", lambda name, root: checked.append(name) or real(name, root))

    frame = datapackage.load("accelerators", repo_copy)
    assert checked == []
    pd.testing.assert_frame_equal(frame, real("accelerators", repo_copy)[0], check_like=False)

    path = repo_copy / "data" / "accelerators.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("accessed")] = "2999-01-01"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(datapackage.DataValidationError, match="is in the future"):
        datapackage.load("accelerators", repo_copy)
    assert checked == ["accelerators"]
    with pytest.raises(datapackage.DataValidationError):  # a broken table is never remembered as valid
        datapackage.load("accelerators", repo_copy)
    assert checked == ["accelerators", "accelerators"]


def test_a_table_is_checked_again_when_a_key_it_cites_leaves_the_bibliography(repo_copy):
    assert datapackage.validate_package(repo_copy) == []
    key = str(datapackage.load("accelerators", repo_copy)["source"].iloc[0]).split(";")[0].strip()
    bib = repo_copy / "references.bib"
    text = bib.read_text(encoding="utf-8")
    entry = re.search(r"^@\w+\{" + re.escape(key) + r",.*?(?=^@|\Z)", text, re.M | re.S)
    assert entry, key
    bib.write_text(text[: entry.start()] + text[entry.end():], encoding="utf-8")
    problems = [str(p) for p in datapackage.validate_package(repo_copy)]
    assert any("data/accelerators.csv" in p and f"'{key}'" in p and "not a key in references.bib" in p for p in problems), problems[:5]


# --- formatted bibliography entries ------------------------------------------------------


@pytest.fixture
def fresh_bibstyle(monkeypatch, tmp_path):
    from omcc.book import bibstyle

    monkeypatch.setattr("omcc.paths.BUILD", tmp_path)

    def new_process():
        monkeypatch.setattr(bibstyle, "_cache", {})
        monkeypatch.setattr(bibstyle, "_used", set())

    new_process()
    bibstyle.new_process = new_process
    yield bibstyle
    del bibstyle.new_process


def test_formatted_entries_are_kept_between_builds_and_an_edited_entry_is_formatted_again(fresh_bibstyle, monkeypatch):
    """Each build is a new process: the second one reads the first one's entries."""
    from pybtex.database import parse_file
    from pybtex.style.formatting.plain import Style as PlainStyle

    from omcc.paths import ROOT

    bibstyle = fresh_bibstyle
    entry = parse_file(str(ROOT / "references.bib")).entries[SOURCE]
    first = bibstyle.BookStyle().format_entry("1", entry).text.render_as("text")
    bibstyle._save()

    bibstyle.new_process()
    with monkeypatch.context() as m:
        m.setattr(PlainStyle, "format_entry", lambda *a, **k: pytest.fail("formatted again"))
        assert bibstyle.BookStyle().format_entry("1", entry).text.render_as("text") == first

    entry.fields["title"] = "A title the source never had"
    edited = bibstyle.BookStyle().format_entry("1", entry).text.render_as("text")
    assert "A title the source never had" in edited and edited != first


# --- notebooks written for Sphinx ---------------------------------------------------------


def test_an_interrupted_source_write_leaves_no_stamps_to_trust(repo_copy, monkeypatch):
    from omcc.book import build, execute

    monkeypatch.setattr(build, "SRC", repo_copy / "_build" / "src")
    monkeypatch.setattr(build, "SRC_STAMPS", repo_copy / "_build" / "src-stamps.json")
    pages = execute.load_pages(repo_copy)
    done = {}
    for page in pages:
        if page.is_notebook:
            n = sum(c.cell_type == "code" for c in page.nb.cells)
            done[page.docname] = (page, execute.Result([[] for _ in range(n)], list(range(1, n + 1)), digest="first"))
    build.write_sources(done, repo_copy, pages)
    stamps = json.loads(build.SRC_STAMPS.read_text())
    assert set(stamps) == {f"{name}.ipynb" for name in done}

    real = execute.merge_outputs
    monkeypatch.setattr(execute, "merge_outputs", lambda *a: pytest.fail("assembled again"))
    build.write_sources(done, repo_copy, pages)  # same pages, same results: nothing assembled

    name = next(iter(done))
    done[name][1].digest = "second"

    def interrupted(*a):
        raise KeyboardInterrupt

    monkeypatch.setattr(execute, "merge_outputs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.write_sources(done, repo_copy, pages)
    assert not build.SRC_STAMPS.exists(), "stamps survived a write that did not finish"

    assembled = []
    monkeypatch.setattr(execute, "merge_outputs", lambda *a: assembled.append(a[0].docname) or real(*a))
    build.write_sources(done, repo_copy, pages)
    assert sorted(assembled) == sorted(done)  # without stamps every notebook is assembled afresh
    assert json.loads(build.SRC_STAMPS.read_text()).keys() == stamps.keys()
