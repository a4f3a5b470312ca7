"""Build the book into `_build/html`, atomically.

    python -m omcc.build            # what `make book` runs

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
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from omcc.datapackage import validate_package
from omcc.numbers import RECORD_KEY
from omcc.paths import BUILD, ROOT

STAGING = BUILD / "staging"
SITE = BUILD / "html"
CACHE = BUILD / ".jupyter_cache"
FINGERPRINT = STAGING / "inputs.sha256"
KEY_NUMBER_COLUMNS = ["page", "name", "value", "unit", "text", "sources"]


def log(msg: str) -> None:
    print(f"[book] {msg}", flush=True)


def inputs_fingerprint(root: Path = ROOT) -> str:
    """Hash of everything a notebook reads besides its own code: the data,
    the bibliography and the package. Code cells are keyed by the cache itself."""
    h = hashlib.sha256()
    files = sorted((root / "data").rglob("*")) + [root / "references.bib"] + sorted((root / "omcc").rglob("*.py"))
    for path in files:
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def invalidate_if_inputs_changed() -> bool:
    """When data, bibliography or package changed, drop the execution cache and
    force Sphinx to re-read every page: stale numbers are worse than slow builds."""
    now = inputs_fingerprint()
    before = FINGERPRINT.read_text().strip() if FINGERPRINT.exists() else None
    if now != before:
        log("data, bibliography or package changed since the last build: re-executing every page")
        shutil.rmtree(CACHE, ignore_errors=True)
        return True
    return False


def run_jupyter_book(full: bool) -> int:
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
        "--path-output", str(STAGING), "--builder", "html",
        "-n", "-W", "--keep-going",
    ]
    if full:
        cmd.append("--all")
    log("jupyter-book " + " ".join(cmd[1:]))
    env = dict(os.environ, PYTHONHASHSEED="0")
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


def copy_figure_files(staged_site: Path) -> None:
    """Put the PNG/SVG files that `omcc.figures.show` saved into the site."""
    source = BUILD / "figures"
    if source.exists():
        shutil.copytree(source, staged_site / "figures", dirs_exist_ok=True)


def publish(staged_site: Path) -> None:
    """Swap the staged site into place: copy next to the live site, then two renames."""
    incoming = BUILD / "html.incoming"
    outgoing = BUILD / "html.outgoing"
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.rmtree(outgoing, ignore_errors=True)
    shutil.copytree(staged_site, incoming)
    if SITE.exists():
        SITE.rename(outgoing)
    incoming.rename(SITE)
    shutil.rmtree(outgoing, ignore_errors=True)


def main() -> int:
    log("validating data/datapackage.json and every table")
    problems = validate_package()
    if problems:
        print("\n".join(str(p) for p in problems), file=sys.stderr)
        log(f"build stopped: {len(problems)} data problem(s); the previous site in _build/html is untouched")
        return 1
    STAGING.mkdir(parents=True, exist_ok=True)
    full = invalidate_if_inputs_changed()
    status = run_jupyter_book(full)
    staged_site = STAGING / "_build" / "html"
    if status != 0 or not (staged_site / "index.html").exists():
        show_failure_reports()
        # Sphinx would not re-read a page whose warnings failed this build, so the
        # next build would pass silently: forget the environment to force a re-read.
        (STAGING / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        log(f"build failed (exit {status}); the previous site in _build/html is untouched")
        return status or 1
    FINGERPRINT.write_text(inputs_fingerprint() + "\n")
    collect_key_numbers(staged_site)
    copy_figure_files(staged_site)
    publish(staged_site)
    log(f"site published to {SITE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
