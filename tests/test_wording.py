"""Reader pages speak of the subject; sources are described as documents.

- No reader page mentions the build, its cache or the software tests (those belong
  in the README and on the page about how the edition was produced).
- No file of the repository and no built page describes how a source was looked
  up (search corpora, stored copies, look-up commands): it names the document, the
  version read, and whether the original or a named re-report was read.
- The five chapters are at least a quarter shorter than in edition 0.1.0.
- The ledger copies no paragraph of a chapter.
"""

import re
from pathlib import Path

import pytest
import yaml

from omcc.book.prose import prose_words
from omcc.paths import ROOT
from tests.conftest import repo_files

BUILD_WORDS = re.compile(
    r"\b(make (book|test|html)|the build|this build|rebuild\w*|build (time|status|log)|(the|execution|build) cache|"
    r"cached (page|result|output)s?|pytest|unit tests?|test suite|software tests?|jupyter[- ]book|sphinx|\bmyst\b|"
    r"\bglued?\b|\bomcc\b)",
    re.I,
)
LOOKUP_WORDS = re.compile(
    r"(stored cop|stored version|stored page|stored excerpt|stored commit|stored corpus|in the store\b|not in the store|"
    r"\bcorpus\b|\bcorpora\b|search-index id|index ids?\b|the search tool|look-?up command|find_string|read_file|"
    r"find_repos|find_files|found by search\b|search results?\b)",
    re.I,
)
NOT_READER_PAGES = {"chapters/appendix_build"}  # how this edition was produced: about the software, by design


def _reader_pages(site: Path) -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [site / f"{n}.html" for n in names if n not in NOT_READER_PAGES]


def _visible_text(html: str) -> str:
    article = re.search(r"<article.*?</article>", html, re.S)
    text = article.group(0) if article else html
    text = re.sub(r"<(script|style|pre|code)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r'<[^>]+class="[^"]*(cite-box|figure-downloads)[^"]*".*?</div>', " ", text, flags=re.S)
    # the box a number opens lists its data rows, whose locators name the sources' own files
    text = re.sub(r'<span id="kn-pop-\d+" popover.*?</a></span>', " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def site(built_book):
    return built_book / "_build" / "html"


def test_reader_pages_do_not_speak_of_the_build(site):
    found = []
    for page in _reader_pages(site):
        for m in BUILD_WORDS.finditer(_visible_text(page.read_text(encoding="utf-8"))):
            found.append(f"{page.name}: …{m.string[max(0, m.start() - 40):m.end() + 40]}…")
    assert not found, "\n".join(found[:30])


def test_the_check_above_can_fail():
    assert BUILD_WORDS.search("Every number is glued when the book is built with make book")
    assert LOOKUP_WORDS.search("read in the stored copy of the 10-K")


def test_no_page_describes_how_sources_were_looked_up(site):
    found = []
    for page in site.rglob("*.html"):
        for m in LOOKUP_WORDS.finditer(page.read_text(encoding="utf-8")):
            found.append(f"{page.relative_to(site)}: …{m.string[max(0, m.start() - 50):m.end() + 50]}…")
    assert not found, "\n".join(found[:30])


def test_no_repository_file_describes_how_sources_were_looked_up():
    found = []
    for rel in repo_files():
        # what readers and maintainers read: pages, data, bibliography, notes, README
        if not (rel.startswith(("chapters/", "data/", "notes/", "editions/")) or rel in ("references.bib", "README.md")):
            continue
        text = (ROOT / rel).read_text(encoding="utf-8", errors="replace")
        for m in LOOKUP_WORDS.finditer(text):
            found.append(f"{rel}: …{text[max(0, m.start() - 50):m.end() + 50]}…")
    assert not found, "\n".join(found[:40])


# Words of reader prose in the five chapters of edition 0.1.0, counted with
# omcc.book.prose.prose_words on that edition's published pages (commit a02ffd8).
BASELINE_WORDS = {"adoption": 2834, "export_controls": 1447, "efficiency": 2287, "energy": 2713, "investment": 2988}


def test_chapters_are_a_quarter_shorter(site):
    now = {c: prose_words((site / "chapters" / f"{c}.html").read_text(encoding="utf-8")) for c in BASELINE_WORDS}
    assert sum(now.values()) <= 0.75 * sum(BASELINE_WORDS.values()), now
    for chapter, words in now.items():
        assert words <= 0.8 * BASELINE_WORDS[chapter], (chapter, words)


def _sentences(html: str) -> set[str]:
    text = _visible_text(html)
    return {s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 12}


def test_the_ledger_copies_no_chapter_sentence(site):
    ledger = _sentences((site / "chapters" / "ledger.html").read_text(encoding="utf-8"))
    for chapter in BASELINE_WORDS:
        shared = ledger & _sentences((site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8"))
        assert not shared, (chapter, sorted(shared)[:3])
