"""Build the book into `_build/html`, atomically.

    python -m omcc.build            # what `make book` runs
    python -m omcc.build --pdf      # what `make pdf` runs: also the PDF edition

1. Validate the whole data package first: a broken CSV stops the build with a
   message naming file, line, column, value and rule, before anything is touched.
2. Build with Jupyter Book into a staging folder (`_build/staging`), executing
   notebooks (`-n -W --keep-going`, cell errors fail the build).
3. Collect the glued key numbers into `key_numbers.csv` inside the staged site.
4. Only if all of that succeeded, swap the staged site into `_build/html`.
   A failed build leaves the previous `_build/html` exactly as it was.

The staging folder persists between builds, so Sphinx and the execution cache
can skip pages whose inputs did not change.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import shutil
import re
import subprocess
import sys
from pathlib import Path

from omcc import citation
from omcc.datapackage import TABLE_READ_KEY, validate_package
from omcc.numbers import RECORD_KEY
from omcc.paths import BUILD, ROOT

STAGING = BUILD / "staging"
SITE = BUILD / "html"
CACHE = BUILD / ".jupyter_cache"
FINGERPRINT = STAGING / "inputs.json"
REREAD = STAGING / "reread.json"
PDF_NAME = "open-models-closed-chips.pdf"
KEY_NUMBER_COLUMNS = ["page", "name", "value", "unit", "text", "sources"]


def log(msg: str) -> None:
    print(f"[book] {msg}", flush=True)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs_fingerprint(root: Path = ROOT) -> dict:
    """Hashes of everything a page reads besides its own code (which the
    execution cache keys on): each table (CSV and its descriptor entry), the
    rest of the descriptor, the bibliography and the package code."""
    descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for res in descriptor["resources"]:
        csv_path = root / "data" / res["path"]
        body = csv_path.read_bytes() if csv_path.exists() else b""
        tables[res["name"]] = _sha(body + json.dumps(res, sort_keys=True).encode())
    rest = {k: v for k, v in descriptor.items() if k != "resources"}
    code = hashlib.sha256()
    for path in sorted((root / "omcc").rglob("*.py")):
        code.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return {
        "tables": tables,
        "descriptor": _sha(json.dumps(rest, sort_keys=True).encode()),
        "bibliography": _sha((root / "references.bib").read_bytes()),
        "code": code.hexdigest(),
    }


def page_inputs() -> dict[str, set[str]]:
    """Tables each executed page read, from the records `omcc.load` left in
    its glue data (page name -> set of table names)."""
    executed = STAGING / "_build" / "jupyter_execute"
    pages = {}
    for glue_path in executed.rglob("*.glue.json") if executed.exists() else []:
        page = glue_path.relative_to(executed).as_posix().removesuffix(".glue.json")
        outputs = json.loads(glue_path.read_text(encoding="utf-8")).values()
        pages[page] = {o.get("metadata", {}).get(TABLE_READ_KEY) for o in outputs} - {None}
    return pages


SITE_INPUTS = BUILD / "site-inputs.sha256"
SITE_INPUT_GLOBS = ["chapters/**/*.md", "data/**/*", "omcc/**/*.py", "_static/**/*", "_config.yml", "_toc.yml",
                    "references.bib", "CITATION.cff", "requirements.txt"]


def site_fingerprint(root: Path = ROOT, with_pdf: bool = False) -> str:
    """One hash of every file that can change the published site."""
    h = hashlib.sha256(b"pdf" if with_pdf else b"html")
    for pattern in SITE_INPUT_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def plan_reexecution(before: dict | None, now: dict) -> tuple[bool, list[str]]:
    """Decide what must run again: (everything?, pages to re-execute).

    Everything, when there is no record of the last build or when the package
    code, the bibliography or the descriptor's shared part changed (when in
    doubt, re-execute). Otherwise the pages that read a changed table.
    """
    if before is None or any(before.get(k) != now[k] for k in ("code", "bibliography", "descriptor")):
        return True, []
    changed = {t for t in set(before["tables"]) | set(now["tables"]) if before["tables"].get(t) != now["tables"].get(t)}
    if not changed:
        return False, []
    return False, sorted(page for page, tables in page_inputs().items() if tables & changed)


def forget_pages(pages: list[str]) -> None:
    """Drop the cached executions of `pages` and ask Sphinx to re-read them."""
    from jupyter_cache import get_cache

    if CACHE.exists():
        cache = get_cache(str(CACHE))
        uris = {str(ROOT / f"{page}.md") for page in pages}
        for record in cache.list_cache_records():
            if record.uri in uris:
                cache.remove_cache(record.pk)
    REREAD.write_text(json.dumps(pages), encoding="utf-8")


def source_date_epoch(root: Path = ROOT) -> str:
    """Build date as seconds since 1970, taken from the last commit (or, outside
    a git checkout, from CITATION.cff's date-released), so two builds of the
    same commit carry the same dates."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True)
        if out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    import datetime as dt

    released = re.search(r'^date-released:\s*"?(\d{4}-\d{2}-\d{2})', (root / "CITATION.cff").read_text(), re.M)
    day = dt.date.fromisoformat(released.group(1)) if released else dt.date(2026, 1, 1)
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()))


def run_jupyter_book(full: bool, builder: str = "html", output: Path = STAGING) -> int:
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
        "--path-output", str(output), "--builder", builder,
        "-n", "-W", "--keep-going",
    ]
    if full:
        cmd.append("--all")
    log("jupyter-book " + " ".join(cmd[1:]))
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=source_date_epoch())
    return subprocess.call(cmd, cwd=ROOT, env=env)


def show_failure_reports() -> None:
    reports = STAGING / "_build" / "html" / "reports"
    for log_file in sorted(reports.rglob("*.err.log")) if reports.exists() else []:
        print(f"\n----- notebook error: {log_file.relative_to(STAGING)} -----")
        print(log_file.read_text(encoding="utf-8", errors="replace")[-6000:])


def collect_key_numbers(staged_site: Path) -> Path:
    """Read the glue records of every executed page into key_numbers.csv.

    MyST-NB moves a page's glued outputs into `<page>.glue.json` next to the
    executed notebook; `omcc.numbers.glue_number` put each record in an
    output's metadata there.
    """
    executed = STAGING / "_build" / "jupyter_execute"
    rows = []
    for glue_path in sorted(executed.rglob("*.glue.json")):
        page = glue_path.relative_to(executed).as_posix().removesuffix(".glue.json")
        for out in json.loads(glue_path.read_text(encoding="utf-8")).values():
            record = out.get("metadata", {}).get(RECORD_KEY)
            if record:
                rows.append({"page": page, **record})
    rows.sort(key=lambda r: (r["page"], r["name"]))
    target = staged_site / "key_numbers.csv"
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=KEY_NUMBER_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in KEY_NUMBER_COLUMNS})
    return target


def copy_figure_files(site: Path) -> None:
    """Put the PNG/SVG/CSV files that `omcc.figures.show` saved into the site."""
    source = BUILD / "figures"
    if source.exists():
        shutil.copytree(source, site / "figures", dirs_exist_ok=True)


_FIGURE = re.compile(r'<figure class="[^"]*" id="(fig-[a-z0-9-]+)">(.*?)</figure>', re.DOTALL)
_CAPTION_NUMBER = re.compile(r'<span class="caption-number">([^<]*)</span>')
_CAPTION_TEXT = re.compile(r'<span class="caption-text">(.*?)</span>\s*(?:<a class="headerlink"|</p>)', re.DOTALL)


def add_figure_downloads(site: Path) -> None:
    """Under each figure: links to its PNG, SVG and data CSV, and its citation."""
    for page in sorted((site / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")

        def block(match: re.Match) -> str:
            name, inner = match.group(1), match.group(2)
            number = _CAPTION_NUMBER.search(inner)
            label = number.group(1).strip() if number else name
            caption = _CAPTION_TEXT.search(inner)
            first = re.sub(r"<[^>]+>", "", caption.group(1)).split(". ")[0].strip() if caption else name
            links = []
            for ext, word in (("png", "PNG"), ("svg", "SVG"), ("csv", "data (CSV)")):
                if (site / "figures" / f"{name}.{ext}").exists():
                    links.append(f'<a href="../figures/{name}.{ext}" download>{word}</a>')
            cite = html.escape(citation.apa(f"{label}: {first}"))
            bib = html.escape(citation.bibtex(f"{label}: {first}"))
            return (
                match.group(0)
                + f'\n<div class="figure-downloads" id="{name}-downloads"><p>Download: {" · ".join(links)}</p>'
                + f'<p class="figure-cite">Cite this figure: {cite} <a href="#{name}">#{name}</a></p>'
                + f"<details><summary>BibTeX for this figure</summary><pre>{bib}</pre></details></div>"
            )

        new = _FIGURE.sub(block, text)
        if new != text:
            page.write_text(new, encoding="utf-8")


PDF_PLACEHOLDER = '<p id="omcc-pdf-edition"></p>'


KEY_NUMBERS_PLACEHOLDER = re.compile(r'<div id="omcc-key-numbers">.*?</div>', re.DOTALL)
FILTER_SCRIPT = """<script>
document.getElementById('key-number-filter').addEventListener('input', function () {
  var q = this.value.toLowerCase();
  document.querySelectorAll('#key-number-table tbody tr').forEach(function (tr) {
    tr.hidden = q && tr.textContent.toLowerCase().indexOf(q) === -1;
  });
});
</script>"""


def add_key_numbers_table(site: Path) -> None:
    """Render key_numbers.csv as a searchable table on the build-status page."""
    page = site / "chapters" / "appendix_build.html"
    if not page.exists():
        return
    with (site / "key_numbers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cells = []
    for r in rows:
        page_name = r["page"].split("/")[-1]
        cells.append(
            "<tr>" + f'<td><a href="{page_name}.html">{html.escape(page_name)}</a></td>'
            + "".join(f"<td>{html.escape(r[k])}</td>" for k in ("name", "text", "unit", "sources")) + "</tr>"
        )
    table = (
        '<div id="omcc-key-numbers"><p><label for="key-number-filter">Filter the '
        f'{len(rows)} key numbers: </label><input id="key-number-filter" type="search"></p>'
        '<table id="key-number-table" class="table"><thead><tr><th>page</th><th>name</th>'
        "<th>as shown</th><th>unit</th><th>sources</th></tr></thead><tbody>"
        + "".join(cells) + "</tbody></table></div>" + FILTER_SCRIPT
    )
    text = page.read_text(encoding="utf-8")
    page.write_text(KEY_NUMBERS_PLACEHOLDER.sub(lambda _: table, text, count=1), encoding="utf-8")


def add_data_downloads(site: Path) -> None:
    """Every table (as in data/), the descriptor, and one zip of the whole package."""
    from omcc.appendix import ZIP_NAME, write_data_zip

    target = site / "data"
    target.mkdir(exist_ok=True)
    for path in sorted((ROOT / "data").iterdir()):
        if path.suffix in (".csv", ".json"):
            shutil.copy2(path, target / path.name)
    write_data_zip(site / ZIP_NAME, int(source_date_epoch()))


def add_pdf_edition(site: Path) -> None:
    """Copy the PDF edition into the site, and link it from the landing page,
    when `make pdf` has built it."""
    pdf = BUILD / "pdf" / PDF_NAME
    landing = site / "chapters" / "index.html"
    if pdf.exists():
        shutil.copy2(pdf, site / PDF_NAME)
        link = (f'<p id="omcc-pdf-edition">The whole book is also available as a '
                f'<a href="../{PDF_NAME}" download>PDF edition</a> '
                f'(version {html.escape(citation.book().version)}).</p>')
    else:
        link = '<p id="omcc-pdf-edition">A PDF edition is built with <code>make pdf</code>.</p>'
    if landing.exists():
        text = landing.read_text(encoding="utf-8")
        landing.write_text(text.replace(PDF_PLACEHOLDER, link), encoding="utf-8")


def build_pdf() -> int:
    """Build the PDF edition with Jupyter Book's LaTeX builder (XeLaTeX) into
    _build/pdf; the executed notebooks come from the cache of the HTML build."""
    output = BUILD / "pdfstage"
    status = run_jupyter_book(False, builder="pdflatex", output=output)
    built = output / "_build" / "latex" / PDF_NAME
    if status != 0 or not built.exists():
        log(f"PDF build failed (exit {status}); see {output.relative_to(ROOT)}/_build/latex/*.log")
        return status or 1
    (BUILD / "pdf").mkdir(parents=True, exist_ok=True)
    shutil.copy2(built, BUILD / "pdf" / PDF_NAME)
    log(f"PDF edition written to _build/pdf/{PDF_NAME}")
    return 0


def publish(staged_site: Path) -> None:
    """Swap the staged site into place: copy next to the live site, add what the
    build adds (key numbers, figure files and downloads, PDF), then two renames."""
    incoming = BUILD / "html.incoming"
    outgoing = BUILD / "html.outgoing"
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.rmtree(outgoing, ignore_errors=True)
    shutil.copytree(staged_site, incoming)
    collect_key_numbers(incoming)
    copy_figure_files(incoming)
    add_figure_downloads(incoming)
    add_data_downloads(incoming)
    add_key_numbers_table(incoming)
    add_pdf_edition(incoming)
    if SITE.exists():
        SITE.rename(outgoing)
    incoming.rename(SITE)
    shutil.rmtree(outgoing, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with_pdf = "--pdf" in argv
    inputs_now = site_fingerprint(with_pdf=with_pdf)
    if SITE.exists() and SITE_INPUTS.exists() and SITE_INPUTS.read_text().strip() == inputs_now:
        log("nothing changed since the last build: the site in _build/html is up to date")
        return 0
    log("validating data/datapackage.json and every table")
    problems = validate_package()
    if problems:
        print("\n".join(str(p) for p in problems), file=sys.stderr)
        log(f"build stopped: {len(problems)} data problem(s); the previous site in _build/html is untouched")
        return 1
    STAGING.mkdir(parents=True, exist_ok=True)
    now = inputs_fingerprint()
    before = json.loads(FINGERPRINT.read_text()) if FINGERPRINT.exists() else None
    full, pages = plan_reexecution(before, now)
    REREAD.unlink(missing_ok=True)
    if full:
        log("package, bibliography or descriptor changed, or no earlier build: re-executing every page")
        shutil.rmtree(CACHE, ignore_errors=True)
    elif pages:
        log(f"data changed: re-executing {', '.join(pages)}")
        forget_pages(pages)
    from omcc.preexecute import execute_pending

    execute_pending(CACHE, log=log)
    status = run_jupyter_book(full)
    staged_site = STAGING / "_build" / "html"
    if status != 0 or not (staged_site / "index.html").exists():
        show_failure_reports()
        # Sphinx would not re-read a page whose warnings failed this build, so the
        # next build would pass silently: forget the environment to force a re-read.
        (STAGING / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        log(f"build failed (exit {status}); the previous site in _build/html is untouched")
        return status or 1
    FINGERPRINT.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
    if with_pdf and build_pdf() != 0:
        log("the previous site in _build/html is untouched")
        return 1
    publish(staged_site)
    SITE_INPUTS.write_text(inputs_now + "\n")
    log(f"site published to {SITE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
