"""Assemble the site a reader gets, and swap it into place.

The site is put together in a fresh folder from what this build produced: the
HTML pages of the book, the images they show, the key numbers, the figure files
and the data downloads from this build's executed pages, and the PDF edition when
it was built. Nothing left over from an earlier build can reach it.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import signal
from pathlib import Path

from omcc.book import citation
from omcc.book.execute import toc_docnames
from omcc.book.sphinx_ext import ROWS_FOLDER
from omcc.figures import FIGURE_KEY
from omcc.numbers import RECORD_KEY
from omcc.paths import BUILD, ROOT

KEY_NUMBER_COLUMNS = ["page", "name", "value", "unit", "text", "description", "formula", "sources", "rows", "url"]
PDF_NAME = "open-models-closed-chips.pdf"
PDF_PLACEHOLDER = '<p id="omcc-pdf-edition"></p>'


def assemble(staged: Path, done: dict, pdf: Path | None) -> Path:
    """A complete site in `_build/html.incoming`, from the staged HTML and this
    build's results (docname -> (page, result))."""
    incoming = BUILD / "html.incoming"
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(staged, incoming, ignore=shutil.ignore_patterns(".buildinfo", "_sources", "reports", ".doctrees"))
    prune(incoming)
    results = {name: result for name, (_, result) in done.items()}
    write_key_numbers(incoming, results)
    write_figure_files(incoming, results)
    vietnamese_labels(incoming)  # before the downloads, which cite a figure by its number
    add_figure_downloads(incoming)
    add_data_downloads(incoming)
    add_key_numbers_table(incoming, results)
    add_pdf_edition(incoming, pdf)
    from omcc.book.optimize import optimize

    optimize(incoming, small_renders(results))
    return incoming


_NUMBERED = re.compile(r'(<span class="(?:caption-number|std std-numref)">)(Figure|Table) ([0-9.]+)')


def vietnamese_labels(site: Path) -> None:
    """A Vietnamese page numbers its figures and tables as its English counterpart
    does, in Vietnamese ("Hình 1", "Bảng 1"): Sphinx numbers them through the whole
    book, so the translation's would otherwise continue from the English pages'.
    The n-th figure (table) of the Vietnamese page takes the number of the n-th
    figure (table) of the English page."""
    from omcc.book.sphinx_ext import VIETNAMESE

    words = {"Figure": "Hình", "Table": "Bảng"}
    for docname, english in VIETNAMESE.items():
        page, source = site / f"{docname}.html", site / f"{english}.html"
        if not page.exists():
            continue
        theirs: dict[str, list[str]] = {"Figure": [], "Table": []}
        if source.exists():
            for m in re.finditer(r'<span class="caption-number">(Figure|Table) ([0-9.]+)',
                                 source.read_text(encoding="utf-8")):
                theirs[m.group(1)].append(m.group(2))
        text = page.read_text(encoding="utf-8")
        # the page's own numbers, in order of their captions, mapped to the English ones
        mapping: dict[tuple[str, str], str] = {}
        for kind in theirs:
            own = [m.group(1) for m in re.finditer(rf'<span class="caption-number">{kind} ([0-9.]+)', text)]
            for i, number in enumerate(own):
                mapping[(kind, number)] = theirs[kind][i] if i < len(theirs[kind]) else str(i + 1)

        def renumber(m: re.Match) -> str:
            kind, number = m.group(2), m.group(3)
            return f"{m.group(1)}{words[kind]} {mapping.get((kind, number), number)}"

        page.write_text(_NUMBERED.sub(renumber, text), encoding="utf-8")


def swap(incoming: Path, site: Path) -> None:
    """Put `incoming` in place of `site` with two renames, signals held back."""
    outgoing = site.with_name(site.name + ".outgoing")
    shutil.rmtree(outgoing, ignore_errors=True)
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    try:
        if site.exists():
            site.rename(outgoing)
        incoming.rename(site)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    shutil.rmtree(outgoing, ignore_errors=True)


def prune(site: Path) -> None:
    """Keep only the pages of the table of contents (and search, index) and the
    images those pages show: Sphinx keeps files of earlier builds in its output."""
    keep_pages = {f"{d}.html" for d in toc_docnames()} | {"index.html", "search.html", "genindex.html"}
    pages = []
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        if rel not in keep_pages:
            path.unlink()
        else:
            pages.append(path)
    used = set()
    for page in pages:
        used.update(re.findall(r'_images/([^"\'\s)?#]+)', page.read_text(encoding="utf-8")))
    images = site / "_images"
    if images.exists():
        for path in images.iterdir():
            if path.name not in used:
                path.unlink()
    rows = site / ROWS_FOLDER  # the data rows of the number boxes: only those of this build's pages
    if rows.exists():
        for path in rows.iterdir():
            if not any(f"{ROWS_FOLDER}/{path.name}" in page.read_text(encoding="utf-8") for page in pages):
                path.unlink()


def write_key_numbers(site: Path, results: dict) -> Path:
    """key_numbers.csv: every glued number, with what it is, how it was computed,
    its sources, the data rows behind it (table: key; ...) and its address."""
    target = site / "key_numbers.csv"
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=KEY_NUMBER_COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        for row in key_number_rows(results):
            row = dict(row, rows="; ".join(f'{x["table"]}: {x["key"]}' for x in row.get("rows", [])))
            row["value"] = "" if row.get("value") is None else row["value"]
            writer.writerow({k: row.get(k, "") for k in KEY_NUMBER_COLUMNS})
    return target


def figure_records(results: dict) -> dict[str, dict]:
    found = {}
    for result in results.values():
        for cell in result.outputs:
            for out in cell:
                record = (out.get("metadata") or {}).get(FIGURE_KEY)
                if record:
                    found[record["name"]] = record["files"]
    return found


def small_renders(results: dict) -> dict[str, bytes]:
    """sha256 of each figure's page PNG -> the same figure drawn 720 px wide."""
    import base64
    import hashlib

    out = {}
    for files in figure_records(results).values():
        if "720.png" in files:
            out[hashlib.sha256(base64.b64decode(files["png"])).hexdigest()] = base64.b64decode(files["720.png"])
    return out


def write_figure_files(site: Path, results: dict) -> None:
    """The PNG, SVG and CSV of every figure, as this build's pages drew them."""
    import base64

    folder = site / "figures"
    folder.mkdir(exist_ok=True)
    for name, files in sorted(figure_records(results).items()):
        for ext, content in files.items():
            if ext == "720.png":
                continue  # served on the page (as WebP), not a download
            data = base64.b64decode(content) if ext.endswith("png") else content.encode("utf-8")
            (folder / f"{name}.{ext}").write_bytes(data)


_FIGURE = re.compile(r'<figure class="[^"]*" id="(fig-[a-z0-9-]+)">(.*?)</figure>', re.DOTALL)
_CAPTION_NUMBER = re.compile(r'<span class="caption-number">([^<]*)</span>')
_CAPTION_TEXT = re.compile(r'<span class="caption-text">(.*?)</span>\s*(?:<a class="headerlink"|</p>)', re.DOTALL)


DOWNLOAD_WORDS = {
    "en": {"download": "Download", "png": "PNG", "slide.png": "slide (16:9 PNG)", "svg": "SVG",
           "csv": "data (CSV)", "cite": "Cite this figure", "bibtex": "BibTeX for this figure"},
    "vi": {"download": "Tải về", "png": "PNG", "slide.png": "trang chiếu (PNG 16:9)", "svg": "SVG",
           "csv": "dữ liệu (CSV)", "cite": "Trích dẫn hình này", "bibtex": "BibTeX cho hình này"},
}


def add_figure_downloads(site: Path) -> None:
    """Under each figure: links to its PNG, SVG and data CSV, and its citation (in
    Vietnamese on the Vietnamese pages)."""
    from omcc.book.sphinx_ext import VIETNAMESE

    for page in sorted((site / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        words = DOWNLOAD_WORDS["vi" if f"chapters/{page.stem}" in VIETNAMESE else "en"]

        def block(match: re.Match) -> str:
            name, inner = match.group(1), match.group(2)
            number = _CAPTION_NUMBER.search(inner)
            label = number.group(1).strip() if number else name
            caption = _CAPTION_TEXT.search(inner)
            first = html.unescape(re.sub(r"<[^>]+>", "", caption.group(1))).split(". ")[0].strip() if caption else name
            links = []
            for ext in ("png", "slide.png", "svg", "csv"):
                if (site / "figures" / f"{name}.{ext}").exists():
                    links.append(f'<a href="../figures/{name}.{ext}" download>{words[ext]}</a>')
            where = f"{page.relative_to(site).as_posix()}#{name}"
            cite = html.escape(citation.apa(f"{label}: {first}", path=where))
            bib = html.escape(citation.bibtex(f"{label}: {first}", path=where))
            return (
                match.group(0)
                + f'\n<div class="figure-downloads" id="{name}-downloads">'
                + (f'<p>{words["download"]}: {" · ".join(links)}</p>' if links else "")
                + f'<p class="figure-cite">{words["cite"]}: {cite} <a href="#{name}">#{name}</a></p>'
                + f"<details><summary>{words['bibtex']}</summary><pre>{bib}</pre></details></div>"
            )

        new = _FIGURE.sub(block, text)
        if new != text:
            page.write_text(new, encoding="utf-8")


SAME_AS_MIN_CHARS = 300  # a cell this long, repeated, is written once and pointed to
KEY_NUMBERS_PLACEHOLDER = re.compile(r'<div id="omcc-key-numbers">.*?</div>', re.DOTALL)
FILTER_SCRIPT = """<script>
document.getElementById('key-number-filter').addEventListener('input', function () {
  var q = this.value.toLowerCase();
  document.querySelectorAll('#omcc-key-numbers .kn-group').forEach(function (group) {
    var shown = 0;
    group.querySelectorAll('tbody tr').forEach(function (tr) {
      var text = tr.textContent;
      tr.querySelectorAll('td[data-same]').forEach(function (td) {
        var first = document.getElementById(td.getAttribute('data-same'));
        if (first) { text += ' ' + first.children[td.cellIndex].textContent; }
      });
      tr.hidden = q && text.toLowerCase().indexOf(q) === -1;
      if (!tr.hidden) { shown += 1; }
    });
    group.hidden = shown === 0;
  });
});
</script>"""


def key_number_rows(results: dict) -> list[dict]:
    """Every key number of this build: page, record and its anchor and address."""
    from omcc.book.sphinx_ext import anchor

    base = citation.book().url.rstrip("/")
    rows = []
    for page, result in sorted(results.items()):
        for cell in result.outputs:
            for out in cell:
                record = (out.get("metadata") or {}).get(RECORD_KEY)
                # the Vietnamese forms and the summaries' quotations are the same numbers
                if record and not record.get("lang") and not record.get("quoted_from"):
                    a = anchor(page, record["name"])
                    rows.append({"page": page, "anchor": a, "url": f"{base}/chapters/key_numbers.html#{a}", **record})
    rows.sort(key=lambda r: (r["page"], r["name"]))
    return rows


def compact_rows(rows: list[dict]) -> str:
    """The data rows of a number, grouped by table, each key part that all rows of a
    table share written once: "benchmarks (16 rows; all: ECI / epoch2026eci): gpt45,
    grok4, ..." rather than the whole key sixteen times."""
    groups: dict[str, list[list[str]]] = {}
    for row in rows:
        groups.setdefault(str(row.get("table", "")), []).append(str(row.get("key", "")).split(" / "))
    out = []
    for table, keys in groups.items():
        width = len(keys[0])
        shared = [i for i in range(width) if len(keys) > 1 and all(len(k) == width and k[i] == keys[0][i] for k in keys)]
        if len(shared) == width:  # the same key twice: nothing varies
            shared = []
        varying = [" / ".join(p for i, p in enumerate(k) if i not in shared) for k in keys]
        head = f"{table} ({len(keys)} rows; all: {' / '.join(keys[0][i] for i in shared)})" if shared else (
            f"{table} ({len(keys)} rows)" if len(keys) > 1 else table)
        out.append(f"{head}: {', '.join(varying)}")
    return "; ".join(out)


def add_key_numbers_table(site: Path, results: dict) -> None:
    """The key-numbers page: every number, searchable, each with a permanent anchor."""
    from omcc.book.sphinx_ext import _short

    page = site / "chapters" / "key_numbers.html"
    if not page.exists():
        return
    text = page.read_text(encoding="utf-8")
    e = html.escape
    groups: dict[str, list[str]] = {}
    first_with: dict[str, tuple[str, str]] = {}  # a long cell's text -> the first row that has it

    def cell(text: str, r: dict) -> str:
        """A cell; a long list (sources, data rows) already given in full for an earlier
        number points to it instead (the filter still finds this row by that text)."""
        if len(text) > SAME_AS_MIN_CHARS and text in first_with:
            anchor_id, shown = first_with[text]
            return f'<td data-same="{e(anchor_id)}">same as for <a href="#{e(anchor_id)}">{e(shown)}</a></td>'
        first_with.setdefault(text, (r["anchor"], r["text"]))
        return f"<td>{e(text)}</td>"

    for r in key_number_rows(results):
        cites = "; ".join(dict.fromkeys(_short(k.strip()) for k in r.get("sources", "").split(";") if k.strip()))
        groups.setdefault(r["page"].split("/")[-1], []).append(
            f'<tr id="{e(r["anchor"])}"><td><a href="#{e(r["anchor"])}">{e(r["text"])}</a></td>'
            f'<td>{e(r.get("description") or r["name"])}</td>'
            f'<td>{e(r.get("formula", ""))}</td>{cell(cites, r)}{cell(compact_rows(r.get("rows", [])), r)}</tr>'
        )
    # One table per page of the book, each in a section the browser lays out only when it
    # scrolls into view (a single table of 440 rows kept a phone busy for over a second).
    sections = []
    for doc, rows in groups.items():
        title = _page_title(site / "chapters" / f"{doc}.html") or doc.replace("_", " ")
        sections.append(
            f'<section class="kn-group" aria-labelledby="kn-group-{e(doc)}"><h2 id="kn-group-{e(doc)}">'
            f'<a href="{e(doc)}.html">{e(title)}</a> ({len(rows)})</h2>'
            '<div class="table-wrapper"><table class="table kn-table"><thead><tr><th>Number</th><th>What it is</th>'
            "<th>How it is computed</th><th>Sources</th><th>Data rows</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div></section>")
    count = sum(len(rows) for rows in groups.values())
    table = (
        '<div id="omcc-key-numbers"><p><label for="key-number-filter">Filter the '
        f'{count} key numbers: </label><input id="key-number-filter" type="search"></p>'
        + "".join(sections) + "</div>" + FILTER_SCRIPT
    )
    page.write_text(KEY_NUMBERS_PLACEHOLDER.sub(lambda _: table, text, count=1), encoding="utf-8")


def _page_title(page: Path) -> str:
    """A built page's title as its heading reads (without the book's name)."""
    if not page.exists():
        return ""
    found = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
    return html.unescape(found.group(1)).split(" — ")[0].strip() if found else ""


def add_data_downloads(site: Path) -> None:
    """Every table (as in data/), the descriptor, and one zip of the whole package."""
    from omcc.book.appendix import ZIP_NAME, write_data_zip
    from omcc.book.build import source_date_epoch

    target = site / "data"
    target.mkdir(exist_ok=True)
    for path in sorted((ROOT / "data").iterdir()):
        if path.suffix in (".csv", ".json"):
            shutil.copy2(path, target / path.name)
    write_data_zip(site / ZIP_NAME, int(source_date_epoch()))


def add_pdf_edition(site: Path, pdf: Path | None) -> None:
    """Publish the PDF edition beside the site and link it from the front page;
    without one, the placeholder simply disappears."""
    landing = site / "chapters" / "index.html"
    if pdf is not None:
        shutil.copy2(pdf, site / PDF_NAME)
        size = pdf.stat().st_size / 1e6
        link = (f'<p id="omcc-pdf-edition">Download the whole book as a '
                f'<a href="../{PDF_NAME}" download>PDF edition</a> ({size:.1f} MB, '
                f'version {html.escape(citation.book().version)}).</p>')
    else:
        link = ""
    if landing.exists():
        text = landing.read_text(encoding="utf-8")
        landing.write_text(text.replace(PDF_PLACEHOLDER, link), encoding="utf-8")
