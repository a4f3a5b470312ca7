"""Make the published pages light and fast on a phone, without changing the theme.

Applied to the assembled site (`omcc.book.publish`), measured with
`bench/site_speed.py`:

- the theme's Font Awesome script (1.5 MB, run on every page to draw a dozen
  icons) is dropped; those icons are drawn by a few lines of CSS from the same
  icon paths (Font Awesome Free, CC BY 4.0);
- every stylesheet of a page is served as one file, so the first paint waits for
  one request instead of nine, without the rules no page uses
  (`omcc.book.prune_css`); the theme's scripts are fetched after the page has
  loaded (none blocks it or competes with the stylesheet and the first figure),
  and a script for a feature the page does not use (tabs, toggles) is dropped;
- the search index and its scripts load only on the search page;
- figures are served at the size they are shown: 720 and 1440 pixels wide, as
  lossless WebP, with their width and height, and lazily below the first screen;
- every text file also gets a gzip copy (`.gz`) for hosts that serve them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from omcc.book.prune_css import prune_css, site_words

ICONS = Path(__file__).with_name("assets") / "fa_icons.json"
BUNDLE = "_static/omcc-bundle.css"
KEEP_SYNC = ("documentation_options.js",)  # inline scripts right after it read its global
SEARCH_ONLY = ("searchtools.js", "language_data.js", "searchindex.js")
# The theme's scripts make the page's controls work (menus, theme switch, copy buttons,
# search highlighting) but draw none of its text or figures. They are fetched after the
# page has loaded, in their order, so that on a slow connection they do not share the
# bandwidth with the stylesheet, the text and the first figure: at the reader's first
# touch, key or scroll, or AFTER_LOAD_DELAY_MS after the page has loaded. Each of them
# starts its work at once when the document is already complete.
AFTER_LOAD_DELAY_MS = 2000
AFTER_LOAD = ("doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js", "sphinx-book-theme.js",
              "togglebutton.js", "bootstrap.js", "pydata-sphinx-theme.js")
# Scripts for one feature, dropped from a page that does not use it (pattern: its markup).
FEATURE_SCRIPTS = {"design-tabs.js": r'class="(?:[^"]*\s)?sd-tab-set[\s"]',
                   "togglebutton.js": r'class="(?:(?:[^"]*\s)?toggle|admonition(?:\s[^"]*)?\sdropdown)[\s"]'}
FIGURE_WIDTHS = (720, 1440)
DISPLAY_WIDTH = 720
GZIP_SUFFIXES = {".html", ".css", ".js", ".svg", ".csv", ".json", ".txt", ".xml", ".bib"}


# --- icons -------------------------------------------------------------------------------


def icon_css() -> str:
    icons = json.loads(ICONS.read_text(encoding="utf-8"))
    licence = icons.pop("_licence")
    rules = [f"/*! Icons: {licence}. */",
             ".fa-solid, .fa-regular, .fa-brands, .fas, .far, .fab { display: inline-block; height: 1em; width: 1em; "
             "vertical-align: -0.125em; background-color: currentColor; "
             "-webkit-mask: var(--omcc-icon) no-repeat center / contain; mask: var(--omcc-icon) no-repeat center / contain; }",
             ".fa-solid::before, .fa-regular::before, .fa-brands::before, .fas::before, .far::before, .fab::before "
             "{ content: none !important; }",
             # icons the theme draws with the icon font in pseudo-elements: drawn from the same paths
             "div.admonition > .admonition-title::after, .admonition > .admonition-title::after { content: '' !important; "
             "font: inherit !important; width: 1rem; height: 1rem; top: 50%; transform: translateY(-50%); "
             "background-color: currentColor; -webkit-mask: var(--omcc-icon-circle-info) no-repeat center / contain; "
             "mask: var(--omcc-icon-circle-info) no-repeat center / contain; }",
             ".nav-link.nav-external::after, nav.bd-links li > a.reference.external::after, a.reference.download::before, "
             ".bd-sidebar-secondary.hide:not(:hover) .onthispage::after, .breadcrumb-item:not(.breadcrumb-home)::before "
             "{ content: none !important; }",
             ".fa-lg { font-size: 1.25em; line-height: 0.05em; vertical-align: -0.2em; }"]
    variables = []
    for name, icon in sorted(icons.items()):
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {icon["w"]} {icon["h"]}"><path d="{icon["path"]}"/></svg>'
        url = f'url("data:image/svg+xml,{quote(svg, safe=" /=:,.-")}")'
        variables.append(f"--omcc-icon-{name}: {url};")
        rules.append(f'.fa-{name} {{ width: {icon["w"] / icon["h"]:.3f}em; --omcc-icon: var(--omcc-icon-{name}); }}')
    rules.insert(1, ":root { " + " ".join(variables) + " }")
    return "\n".join(rules) + "\n"


# --- stylesheets and scripts ---------------------------------------------------------------

_LINK = re.compile(r'<link\b[^>]*rel="stylesheet"[^>]*>\s*')
_HREF = re.compile(r'href="([^"]+)"')
_SCRIPT = re.compile(r'<script\b([^>]*)\bsrc="([^"]+)"([^>]*)>\s*</script>')


def _site_path(page: Path, site: Path, href: str) -> Path:
    return (page.parent / href.split("?")[0]).resolve().relative_to(site.resolve())


def bundle_css(site: Path, pages: list[Path]) -> str | None:
    """Concatenate the stylesheets the pages link (same list on every page) into
    one file with the icon rules; return its path from the site root."""
    first = next((p for p in pages if _LINK.search(p.read_text(encoding="utf-8"))), None)
    if first is None:
        return None
    parts = []
    for tag in _LINK.findall(first.read_text(encoding="utf-8")):
        href = _HREF.search(tag).group(1)
        rel = _site_path(first, site, href)
        css = _inline_imports(site, rel)
        css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
        # the icon fonts: the icons are drawn by the rules of icon_css() instead
        css = re.sub(r"@font-face\s*\{[^}]*Font Awesome[^}]*\}", "", css)
        css = re.sub(r"(?:\.fa-[a-z0-9-]+:+before,?)+\{content:\"\\\\?[^\"]*\"\}", "", css)  # 2,000 glyph rules
        # url(...) in a stylesheet is relative to that stylesheet: make it relative to the bundle
        css = re.sub(r"url\((['\"]?)(?!data:|https?:|/)([^'\")]+)\1\)",
                     lambda m: f"url({m.group(1)}{_rebase(rel.parent, m.group(2))}{m.group(1)})", css)
        parts.append(f"/* {rel.as_posix()} */\n{css}")
    parts.append(icon_css())
    (site / BUNDLE).write_text(prune_css("\n".join(parts), site_words(site)), encoding="utf-8")
    return BUNDLE


def _inline_imports(site: Path, rel: Path) -> str:
    """A stylesheet with its @import-ed stylesheets written in place (their url()s
    rebased to the importing sheet's folder)."""
    import posixpath

    css = (site / rel).read_text(encoding="utf-8")

    def inline(m: re.Match) -> str:
        target = Path(posixpath.normpath(posixpath.join(rel.parent.as_posix(), m.group(2))))
        if not (site / target).exists():
            return ""
        inner = _inline_imports(site, target)
        return re.sub(r"url\((['\"]?)(?!data:|https?:|/)([^'\")]+)\1\)",
                      lambda u: f"url({u.group(1)}{posixpath.relpath(posixpath.normpath(posixpath.join(target.parent.as_posix(), u.group(2))), rel.parent.as_posix())}{u.group(1)})",
                      inner)

    return re.sub(r"@import\s+(?:url\()?(['\"])([^'\"]+)\1\)?\s*;", inline, css)


def _rebase(folder: Path, url: str) -> str:
    import posixpath

    target = posixpath.normpath(posixpath.join(folder.as_posix(), url))
    return posixpath.relpath(target, Path(BUNDLE).parent.as_posix())


def rewrite_page(page: Path, site: Path, bundle: str | None) -> None:
    text = page.read_text(encoding="utf-8")
    rel_root = "../" * (len(page.relative_to(site).parts) - 1)
    is_search = page.name == "search.html"
    if bundle:
        digest = hashlib.sha256((site / bundle).read_bytes()).hexdigest()[:12]
        links = _LINK.findall(text)
        if links:
            text = text.replace(links[0], f'<link rel="stylesheet" href="{rel_root}{bundle}?v={digest}" />\n', 1)
            for tag in links[1:]:
                text = text.replace(tag, "", 1)

    unused = {name for name, used in FEATURE_SCRIPTS.items() if not re.search(used, text)}
    after_load: list[str] = []

    def script(m: re.Match) -> str:
        before, src, after = m.groups()
        name = src.split("?")[0].rsplit("/", 1)[-1]
        if name == "fontawesome.js" or name in unused or (name in SEARCH_ONLY and not is_search):
            return ""
        if name in AFTER_LOAD and not is_search:
            after_load.append(src)
            return ""
        attrs = before + after
        if "defer" not in attrs and "async" not in attrs and name not in KEEP_SYNC:
            attrs = " defer" + attrs
        return f'<script{attrs.rstrip()} src="{src}"></script>'

    text = _SCRIPT.sub(script, text)
    if "togglebutton.js" in unused:  # and its settings
        text = re.sub(r"<script>(?:let toggle\w+ = [^<]*|var togglebuttonSelector = [^<]*)</script>\s*", "", text)
    if after_load:
        text = text.replace("</body>", _after_load_script(after_load) + "\n</body>", 1)
    text = re.sub(r'<link rel="preload" as="script" href="[^"]*"\s*/?>\s*', "", text)
    # The theme resolves "auto" to light or dark in its script, which now arrives after the
    # text: resolve it at once, as the theme does, so the page is drawn in its colours.
    text = text.replace(_THEME_LINE, _THEME_RESOLVED)
    # Jupyter Book's Thebe settings: this book runs no code in the browser
    text = re.sub(r'<script type="text/x-thebe-config">.*?</script>\s*', "", text, flags=re.S)
    text = re.sub(r"<script>kernelName = '[^']*'</script>\s*", "", text)
    # the theme's search buttons: their accessible name must contain their visible text
    text = re.sub(r'(<button[^>]*class="[^"]*search-button[^"]*"[^>]*?)\s+aria-label="Search"', r"\1", text)
    # the left sidebar (book title, search, contents) as one landmark, so that no content
    # of the page lies outside a landmark (the theme leaves the title and search bare)
    text = text.replace('<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">',
                        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="navigation" '
                        'aria-label="Book">', 1)
    # a table wider than the screen scrolls sideways: reachable by keyboard without the
    # theme's script (which adds the same tab stop once it runs)
    text = text.replace('<div class="pst-scrollable-table-container">',
                        '<div class="pst-scrollable-table-container" tabindex="0">')
    text = _CITE_TITLE.sub(_short_title, text)
    page.write_text(text, encoding="utf-8")


# A citation's link carries its whole bibliography entry as a tooltip: on the data
# appendix, 400 of them were 200 KB of the page. The tooltip keeps the entry's start
# (author, title, year); the link leads to the whole entry.
_CITE_TITLE = re.compile(r'(<a class="reference internal" href="[^"]*bibliography\.html#[^"]*" title=")([^"]*)(")')
TOOLTIP_CHARS = 120


def _short_title(m: re.Match) -> str:
    import html

    title = html.unescape(m.group(2))
    if len(title) > TOOLTIP_CHARS:
        title = title[:TOOLTIP_CHARS].rsplit(" ", 1)[0].rstrip(" .,;:") + " …"
    return m.group(1) + html.escape(title) + m.group(3)


_THEME_LINE = 'document.documentElement.dataset.theme = localStorage.getItem("theme") || "auto";'
_THEME_RESOLVED = ('document.documentElement.dataset.theme = document.documentElement.dataset.mode !== "auto" '
                   '&& localStorage.getItem("theme") || (matchMedia("(prefers-color-scheme: dark)").matches '
                   '? "dark" : "light");')


def _after_load_script(sources: list[str]) -> str:
    """Fetch the theme's scripts, in order, at the reader's first touch, key or
    scroll, or two seconds after the page has loaded, whichever comes first."""
    urls = json.dumps(sources)
    return ("<script>(function () { var done = false, events = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'scroll'];"
            " function run() { if (done) { return; } done = true;"
            " events.forEach(function (e) { removeEventListener(e, run, true); });"
            f" {urls}.forEach(function (src) {{ var s = document.createElement('script'); s.src = src;"
            " s.async = false; document.body.appendChild(s); }); }"
            " events.forEach(function (e) { addEventListener(e, run, {capture: true, passive: true}); });"
            f" addEventListener('load', function () {{ setTimeout(run, {AFTER_LOAD_DELAY_MS}); }}); }})();</script>")


# --- figures ---------------------------------------------------------------------------------

_IMG = re.compile(r'<img\b([^>]*?)src="((?:\.\./)*_images/([^"/]+)\.png)"([^>]*)>')


def responsive_images(site: Path, pages: list[Path], renders: dict[str, bytes]) -> set[str]:
    """Serve each figure at the width it is shown: 720 px for ordinary screens and
    phones, 1440 px for sharp screens, both drawn at that size by matplotlib
    (`renders` maps the hash of a page PNG to its 720-px drawing) and stored as
    lossless WebP (charts are flat colours: lossless is small and exact). The first
    image of a page loads at once if it stands in the page's opening (before its first
    section), and every other one when the reader scrolls near it."""
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    images = site / "_images"
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    stems = sorted({m.group(3) for text in texts.values() for m in _IMG.finditer(text)
                    if (images / f"{m.group(3)}.png").exists()})
    # Pillow encodes outside Python's lock: the figures are encoded side by side, one per core
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        sizes_found = pool.map(lambda stem: _variants(Image, images / f"{stem}.png", renders), stems)
        made: dict[str, tuple[int, int]] = dict(zip(stems, sizes_found))
    for page in pages:
        text = texts[page]
        count = 0
        article = text.find("<article")
        opening_end = text.find("<h2", article) if article >= 0 else -1
        opening_end = len(text) if opening_end < 0 else opening_end

        def picture(m: re.Match) -> str:
            nonlocal count
            before, src, stem, after = m.groups()
            if stem not in made:
                return m.group(0)
            width, height = made[stem]
            base = src[: -len(f"{stem}.png")]
            attrs = re.sub(r'\s(width|height|loading|decoding|fetchpriority)="[^"]*"', "", before + after)
            # the theme's fixed inline width and the XHTML-style "/" go: the width and height
            # attributes give the aspect ratio, and the CSS scales the image down on phones
            attrs = re.sub(r'\sstyle="width:\s*\d+px;?"', "", attrs)
            attrs = re.sub(r"\s*/\s*$", "", attrs).strip()
            count += 1
            # only a figure in the page's opening (before its first section) can be on the
            # first screen; the others wait until the reader scrolls near them
            lazy = ' fetchpriority="high"' if count == 1 and m.start() < opening_end else ' loading="lazy"'
            # on a phone the figure spans the screen less the page's margins: a 412-px phone at
            # 1.75 dppx then takes the 720-px file, not the 1440-px one
            sizes = f'(max-width: {DISPLAY_WIDTH + 40}px) calc(100vw - 2rem), {DISPLAY_WIDTH}px'
            srcset = f"{base}{stem}-720.webp 720w, {base}{stem}-1440.webp {width}w"
            return (f'<img {attrs} src="{base}{stem}-720.webp" srcset="{srcset}" sizes="{sizes}" '
                    f'width="{DISPLAY_WIDTH}" height="{round(DISPLAY_WIDTH * height / width)}"{lazy} decoding="async">')

        new = _IMG.sub(picture, text)
        for stem in made:  # links to the full-size image point at the sharp copy
            new = re.sub(rf'href="((?:\.\./)*_images/){stem}\.png"', rf'href="\g<1>{stem}-1440.webp"', new)
        if new != text:
            page.write_text(new, encoding="utf-8")
    return set(made)


IMAGE_CACHE = Path("_build") / "cache" / "images"


def _variants(Image, source: Path, renders: dict[str, bytes]) -> tuple[int, int]:
    """Write <stem>-720.webp and <stem>-1440.webp (lossless); return the PNG's size.
    Encoding is slow and its result depends only on the pictures: it is kept in
    _build/cache/images, under a hash of both, for the next build."""
    from omcc.paths import ROOT

    data = source.read_bytes()
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    small = renders.get(hashlib.sha256(data).hexdigest())
    key = hashlib.sha256(data + b"\0" + (small or b"")).hexdigest()
    cache = ROOT / IMAGE_CACHE
    cached = {w: cache / f"{key}-{w}.webp" for w in (720, 1440)}
    if not all(p.exists() for p in cached.values()):
        cache.mkdir(parents=True, exist_ok=True)
        image = image.convert("RGB")
        if small is not None:
            image720 = Image.open(io.BytesIO(small)).convert("RGB")
        else:  # an image that is not one of the book's figures: scale it
            image720 = image.resize((720, round(height * 720 / width)), Image.LANCZOS) if width > 720 else image
        for w, img in ((1440, image), (720, image720)):
            tmp = cached[w].with_suffix(".tmp")
            img.save(tmp, format="WEBP", lossless=True, method=4)
            tmp.replace(cached[w])
    for w, path in cached.items():
        source.with_name(f"{source.stem}-{w}.webp").write_bytes(path.read_bytes())
    return width, height


# --- compression -----------------------------------------------------------------------------


def precompress(site: Path) -> None:
    """A .gz beside every text file, byte-identical from build to build."""
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in GZIP_SUFFIXES and path.stat().st_size > 1024:
            buffer = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
                gz.write(path.read_bytes())
            path.with_name(path.name + ".gz").write_bytes(buffer.getvalue())


def site_pages(site: Path) -> list[Path]:
    """The pages of the site (not the theme's template fragments under _static)."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def optimize(site: Path, renders: dict[str, bytes] | None = None) -> None:
    pages = site_pages(site)
    for path in (site / "_static" / "scripts").glob("fontawesome.js*"):  # before the bundle reads the scripts
        path.unlink()
    bundle = bundle_css(site, pages)
    for page in pages:
        rewrite_page(page, site, bundle)
    converted = responsive_images(site, [p for p in pages if p.parent.name == "chapters"], renders or {})
    for stem in converted:  # every page now points at the sized copies
        (site / "_images" / f"{stem}.png").unlink(missing_ok=True)
    for path in site.rglob("*.map"):  # source maps are for the theme's developers
        path.unlink()
    precompress(site)
