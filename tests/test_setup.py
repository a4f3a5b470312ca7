"""From a fresh machine: `make test` installs (or names) what it needs; the site
ships the PDF edition when XeLaTeX is present and says nothing of it when not;
the pages stay light (no Font Awesome script, a weight budget per page)."""

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from omcc.book import system_deps
from omcc.book.publish import PDF_NAME
from omcc.paths import ROOT


def _path_without(tmp_path: Path, *missing: str) -> str:
    """A PATH holding every program of the current one except `missing`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if not entry or not Path(entry).is_dir():
            continue
        for program in Path(entry).iterdir():
            target = folder / program.name
            if program.name not in missing and not target.exists() and os.access(program, os.X_OK):
                target.symlink_to(program)
    return str(folder)


def test_the_set_up_names_what_is_missing(tmp_path):
    env = dict(os.environ, PATH=_path_without(tmp_path, "xelatex", "chromium"), OMCC_SYSTEM_DEPS="check")
    done = subprocess.run([sys.executable, "-m", "omcc.book.system_deps"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    line = done.stdout.strip()
    assert "texlive-xetex" in line and "chromium" in line and "apt-get install" in line, line
    assert len(line.splitlines()) == 1


def test_a_machine_without_tex_is_told_every_tex_package_at_once(tmp_path):
    """Without TeX its files cannot be looked up: every package that provides one is
    named in the first round, not discovered missing after the first install."""
    env = dict(os.environ, PATH=_path_without(tmp_path, "xelatex", "kpsewhich", "latexmk", "xindy"),
               OMCC_SYSTEM_DEPS="check")
    done = subprocess.run([sys.executable, "-m", "omcc.book.system_deps"], env=env, capture_output=True, text=True)
    assert done.returncode == 1
    for package in set(system_deps.LATEX_FILES.values()):
        assert package in done.stdout, (package, done.stdout)


def test_this_machine_has_what_the_tests_need():
    assert system_deps.missing_packages() == [], "run `make test` (it installs them) or `make system-deps`"


def test_without_xelatex_the_site_builds_alone_and_says_so_once(built_book, tmp_path):
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(built_book, root, symlinks=True)  # its build too: only the PDF step differs
    env = dict(os.environ, PATH=_path_without(tmp_path, "xelatex", "latexmk"), PYTHONPATH=str(root))
    done = subprocess.run([sys.executable, "-m", "omcc.book.build"], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    notes = [line for line in done.stdout.splitlines() if "without the PDF edition" in line]
    assert len(notes) == 1, done.stdout[-2000:]
    site = root / "_build" / "html"
    assert not (site / PDF_NAME).exists()
    for page in site.rglob("*.html"):
        assert "PDF edition" not in page.read_text(encoding="utf-8"), page


def test_the_site_ships_and_links_the_pdf(built_book):
    site = built_book / "_build" / "html"
    assert (site / PDF_NAME).stat().st_size > 100_000
    front = (site / "chapters" / "index.html").read_text(encoding="utf-8")
    assert f'href="../{PDF_NAME}" download' in front


def test_the_bibliography_renders_titles_as_written_with_address_and_date(built_book):
    page = (built_book / "_build" / "html" / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "AI's $600B Question" in text and "\\$" not in text
    assert "Insights into DeepSeek-V3" in text
    assert "https://arxiv.org/abs/2505.09343" in page and "accessed 2026-12-02" in text
    assert "80% startup AI Mỹ" in text
    entries = re.findall(r'<div class="citation" id="[^"]+" role="listitem">(.*?)</div>', page, re.S)
    assert entries and all("URL:" in e or "doi" in e for e in entries)


PAGE_BUDGET_KB = 350


def test_no_page_loads_the_font_awesome_script_and_pages_stay_light(built_book):
    site = built_book / "_build" / "html"
    assert not list(site.rglob("fontawesome.js"))
    heavy = []
    for page in sorted((site / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert "fontawesome" not in html, page.name
        total = len(gzip.compress(html.encode(), 6))
        for ref in set(re.findall(r'(?:src|href)="([^"#?]+\.(?:css|js))', html)):
            total += len(gzip.compress((page.parent / ref).resolve().read_bytes(), 6))
        # images a phone fetches on arrival: the eager ones, at their smallest size
        for tag in re.findall(r"<img\b[^>]*>", html):
            if 'loading="lazy"' not in tag:
                src = re.search(r'src="([^"]+)"', tag).group(1)
                total += (page.parent / src).resolve().stat().st_size
        if total > PAGE_BUDGET_KB * 1024:
            heavy.append(f"{page.name}: {total / 1024:.0f} KB")
    assert not heavy, heavy


def test_css_pruning_keeps_what_a_page_or_script_names_and_drops_the_rest(tmp_path):
    from omcc.book.prune_css import prune_css, site_words

    (tmp_path / "p.html").write_text('<div class="card used" id="main"><script>x.classList.add("shown")</script></div>')
    (tmp_path / "app.js").write_text('el.classList.toggle("open-menu")')
    words = site_words(tmp_path)
    css = ("/*! licence */ .used{color:red} .unused{color:blue} .used,.gone{margin:0} #main .shown{top:0} "
           ".open-menu:hover{x:1} .never:not(.used){y:2} a:not(.absent){z:3} [data-theme=dark] .used{w:4} "
           "@media (min-width:1px){.unused{a:1}.card{b:2}} @media print{.gone{c:3}} "
           "@font-face{font-family:X;src:url(x.woff2)} .esc\\:aped{d:4}")
    out = prune_css(css, words)
    for kept in ("/*! licence */", ".used{color:red}", ".used{margin:0}", "#main .shown", ".open-menu:hover",
                 "a:not(.absent)", "[data-theme=dark] .used", ".card{b:2}", "@font-face", ".esc\\:aped"):
        assert kept in out, (kept, out)
    for dropped in (".unused", ".gone", ".never", "@media print"):
        assert dropped not in out, (dropped, out)


def test_the_published_stylesheet_is_pruned_but_keeps_every_class_the_pages_style(built_book):
    site = built_book / "_build" / "html"
    bundle = (site / "_static" / "omcc-bundle.css").read_text(encoding="utf-8")
    assert len(bundle) < 250_000, f"{len(bundle)} bytes: the pruning dropped little"
    for selector in (".bd-sidebar-primary", ".kn-pop", ".verdict-supported", ".sd-badge", ".dropdown-menu",
                     "html[data-theme=dark]", ".pst-scrollable-table-container"):
        assert selector in bundle, selector
    for unused in (".sd-accordion", ".ablog-post", ".alert-dismissible"):  # in the theme, on no page
        assert unused not in bundle, unused


def test_a_script_for_a_feature_is_kept_only_where_the_feature_is_used():
    from omcc.book.optimize import FEATURE_SCRIPTS

    toggles = FEATURE_SCRIPTS["togglebutton.js"]
    assert re.search(toggles, '<div class="cell toggle">') and re.search(toggles, '<div class="admonition note dropdown">')
    assert not re.search(toggles, '<button class="primary-toggle btn">')  # the theme's own buttons
    assert re.search(FEATURE_SCRIPTS["design-tabs.js"], '<div class="sd-tab-set docutils">')
    assert not re.search(FEATURE_SCRIPTS["design-tabs.js"], '<div class="sd-card">')


def test_pages_are_drawn_in_their_colours_before_the_theme_script_arrives(built_book):
    """The theme's script comes after the text; the page's head resolves "auto" to light or
    dark itself, or the first screen is drawn without the theme's colours."""
    site = built_book / "_build" / "html"
    for page in sorted((site / "chapters").glob("*.html")):
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert 'localStorage.getItem("theme") || "auto"' not in head, page.name
        assert 'matchMedia("(prefers-color-scheme: dark)")' in head, page.name
