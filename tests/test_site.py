"""The published site, as a reader meets it: in a real browser (Chromium via Playwright).

For every page: no console errors, no failed requests, no request leaving the site,
every image loads and has alt text, no serious or critical accessibility violation
(axe-core). Links and anchors are checked across the whole site, and the search page
must find a known term.
"""

import functools
import re
import shutil
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

from omcc.paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")


def site_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{f}.html" for f in files] + ["search.html", "genindex.html"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    return built_book / "_build" / "html"


@pytest.fixture(scope="module")
def server(site):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: install it (Debian: apt-get install chromium), see README"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _visit(browser, server, path):
    """Load one page; return what a reader's browser saw."""
    seen = {"console": [], "failed": [], "outside": [], "bad_status": []}
    context = browser.new_context()
    page = context.new_page()
    host = urlparse(server).netloc

    def route(r):
        url = urlparse(r.request.url)
        if url.scheme in ("data", "blob") or url.netloc == host:
            r.continue_()
        else:
            seen["outside"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["console"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(r.url) if urlparse(r.url).netloc == host else None)
    page.on("response", lambda r: seen["bad_status"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{server}/{path}", wait_until="networkidle")
    # images below the first screen load lazily: ask for all of them, as a reader scrolling would
    page.evaluate("() => Promise.all([...document.images].map(img => { img.loading = 'eager'; "
                  "return img.complete ? null : new Promise(r => { img.onload = img.onerror = r; }); }))")
    seen["images"] = page.eval_on_selector_all(
        "img", "els => els.map(e => ({src: e.getAttribute('src'), alt: e.getAttribute('alt'), ok: e.complete && e.naturalWidth > 0}))"
    )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, preload: false})"
    )
    seen["axe"] = [  # every impact counts: minor, moderate, serious, critical
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]
    context.close()
    return seen


@pytest.mark.parametrize("path", site_pages())
def test_page_in_a_real_browser(browser, server, path):
    seen = _visit(browser, server, path)
    assert seen["outside"] == [], f"requests leaving the site: {seen['outside']}"
    assert seen["console"] == [], (seen["console"], seen["bad_status"], seen["failed"])
    assert seen["failed"] == [] and seen["bad_status"] == [], seen["failed"] + seen["bad_status"]
    for img in seen["images"]:
        assert img["ok"], f"image did not load: {img['src']}"
        assert img["alt"] and img["alt"].strip(), f"image without alt text: {img['src']}"
    assert seen["axe"] == [], "\n".join(seen["axe"])


def test_a_number_opens_its_provenance_from_the_keyboard(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/chapters/export_controls.html", wait_until="networkidle")
    button = page.locator("button.kn-num").first
    button.focus()
    page.keyboard.press("Enter")
    target = button.get_attribute("popovertarget")
    opened = page.evaluate(f"() => document.getElementById('{target}').matches(':popover-open')")
    text = page.locator(f"#{target}").inner_text()
    page.keyboard.press("Escape")
    closed = page.evaluate(f"() => !document.getElementById('{target}').matches(':popover-open')")
    role = page.locator(f"#{target}").get_attribute("role")
    page.close()
    assert opened and closed, "the number's box did not open with Enter and close with Escape"
    assert "Permanent link" in text and "Value:" in text
    assert role == "dialog"


def test_a_box_fills_in_all_its_data_rows_when_it_opens(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/chapters/efficiency.html", wait_until="networkidle")
    target = page.evaluate("() => document.querySelector('.kn-pop [data-kn-rows]').closest('.kn-pop').id")
    label = page.locator(f"#{target} .kn-label").inner_text()
    expected = int(re.search(r"\((\d+)\)", label).group(1))
    before = page.locator(f"#{target} .kn-row:not(.kn-more)").count()
    page.locator(f'button[popovertarget="{target}"]').first.click()
    page.wait_for_function(f"() => !document.querySelector('#{target} [data-kn-rows]')", timeout=10000)
    after = page.locator(f"#{target} .kn-row").count()
    page.close()
    assert before < expected and after == expected, (target, before, after, expected)


def test_the_key_numbers_filter_finds_a_row_by_a_list_it_shares(browser, server):
    """A row whose long source list points to an earlier row's is still found by that list."""
    page = browser.new_page()
    page.goto(f"{server}/chapters/key_numbers.html", wait_until="networkidle")
    row_id, word = page.evaluate("""() => {
        const td = document.querySelector('td[data-same]');
        const first = document.getElementById(td.dataset.same).children[td.cellIndex].textContent;
        const rowText = td.closest('tr').textContent;
        const word = first.split(/[;:,]/).map(w => w.trim()).find(w => w.length > 6 && !rowText.includes(w));
        return [td.closest('tr').id, word];
    }""")
    page.fill("#key-number-filter", word)
    shown = page.evaluate(f"() => !document.getElementById('{row_id}').hidden")
    page.fill("#key-number-filter", "no number has this text xyz")
    hidden = page.evaluate(f"() => document.getElementById('{row_id}').hidden")
    page.close()
    assert shown and hidden, (row_id, word)


def test_search_finds_a_known_term(browser, server):
    page = browser.new_page()
    page.goto(f"{server}/search.html?q=Blackwell", wait_until="networkidle")
    page.wait_for_selector("#search-results li, ul.search li", timeout=15000)
    links = page.eval_on_selector_all("#search-results a, ul.search a", "els => els.map(e => e.getAttribute('href'))")
    page.close()
    assert any("export_controls" in (h or "") for h in links), links


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "link", "script"):
                self.hrefs.append(a[key])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def test_every_link_and_anchor_resolves(site):
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
    parsed = {p: _parse(p) for p in pages}
    broken = []
    checked = 0
    for page, links in parsed.items():
        base = "http://site/" + page.relative_to(site).as_posix()
        for href in links.hrefs:
            url = urlparse(urljoin(base, href))
            if url.scheme not in ("http", "https") or url.netloc != "site":
                continue  # external links are not loaded by the site (checked by the browser test)
            target = site / unquote(url.path.lstrip("/"))
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href} (no file)")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if url.fragment not in ids:
                    broken.append(f"{page.relative_to(site)}: {href} (no anchor)")
    assert checked > 50
    assert not broken, "\n".join(broken[:40])


def test_every_figure_offers_png_svg_csv_and_a_citation(site):
    figures = 0
    for page in (site / "chapters").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for name in re.findall(r'<figure class="[^"]*" id="(fig-[a-z0-9-]+)"', text):
            figures += 1
            block = re.search(rf'id="{name}-downloads">(.*?)</div>', text, re.DOTALL)
            assert block, f"{name}: no download block"
            for ext in ("png", "svg", "csv"):
                assert f"../figures/{name}.{ext}" in block.group(1), f"{name}: no {ext} download"
                assert (site / "figures" / f"{name}.{ext}").exists()
            assert ("Trích dẫn hình này" if page.stem.endswith("_vi") else "Cite this figure") in block.group(1)
            csv_head = (site / "figures" / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
            assert csv_head.startswith(f"# {name}: data as plotted. Source: "), csv_head
    assert figures >= 4


def test_page_weight_is_reasonable(site):
    for png in (site / "figures").glob("*.png"):
        assert png.stat().st_size < 600_000, f"{png.name} is {png.stat().st_size} bytes"
