"""What the first round of pages computed, for the pages that summarise them.

After the chapters run, the build writes `_build/state/key_numbers.json`: every
number each chapter glued, with its record (value, unit, text, sources). The
summary, the ledger and the front page run in a second round and read it with
`key_numbers()`, which records the file as an input of the reading page, so
they re-run whenever a number they quote changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from omcc import inputs
from omcc.numbers import RECORD_KEY
from omcc.paths import BUILD, ROOT

KEY_NUMBERS = "key_numbers.json"
CHECKS = "checks.json"
FIGURES = "figures.json"
PUBLISHED = "published_key_numbers.json"  # the numbers of the last published site


def records(results: dict) -> dict[str, dict[str, dict]]:
    """page -> name -> record, from executed results (docname -> Result)."""
    out: dict[str, dict[str, dict]] = {}
    for page, result in sorted(results.items()):
        for cell in result.outputs:
            for output in cell:
                record = (output.get("metadata") or {}).get(RECORD_KEY)
                if record and not record.get("lang"):  # the Vietnamese forms are the same numbers
                    out.setdefault(page, {})[record["name"]] = record
    return out


def _put(target: Path, obj) -> None:
    data = json.dumps(obj, indent=1, sort_keys=True).encode()
    if not target.exists() or target.read_bytes() != data:  # unchanged: keep it, and its readers' results
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)


def write(folder: Path, results: dict, root: Path = ROOT) -> dict:
    """Write the chapters' key numbers and the verdict conditions evaluated on
    them; return claim_id -> condition results."""
    from omcc import ledger
    from omcc.datapackage import load

    folder.mkdir(parents=True, exist_ok=True)
    numbers = records(results)
    _put(folder / KEY_NUMBERS, numbers)
    checks = ledger.evaluate_checks(load("claim_checks", root), numbers)
    _put(folder / CHECKS, checks)
    _put(folder / FIGURES, figure_digests(results))
    return checks


def figure_digests(results: dict) -> dict[str, dict]:
    """name -> hashes of each figure's plotted data and image, as in editions/*/figures.csv."""
    import base64
    import hashlib

    from omcc.figures import FIGURE_KEY

    out = {}
    for result in results.values():
        for cell in result.outputs:
            for output in cell:
                record = (output.get("metadata") or {}).get(FIGURE_KEY)
                if record:
                    files = record["files"]
                    body = "".join(line for line in files.get("csv", "").splitlines(True) if not line.startswith("#"))
                    out[record["name"]] = {"data": hashlib.sha256(body.encode()).hexdigest(),
                                           "image": hashlib.sha256(base64.b64decode(files["png"])).hexdigest()}
    return out


def flat_numbers(numbers: dict[str, dict[str, dict]]) -> list[dict]:
    """page -> name -> record, as the rows of key_numbers.csv."""
    rows = []
    for page, named in sorted(numbers.items()):
        for name, r in sorted(named.items()):
            rows.append({"page": page, "name": name, "value": "" if r.get("value") is None else r["value"],
                         "unit": r.get("unit", ""), "text": r.get("text", ""),
                         "rows": "; ".join(f'{x["table"]}: {x["key"]}' for x in r.get("rows", []))})
    return rows


def changes_since_last_build(folder: Path) -> list[str]:
    """One line per number that moved since the last published build."""
    now_path, before_path = folder / KEY_NUMBERS, folder / PUBLISHED
    if not (now_path.exists() and before_path.exists()):
        return []
    now, before = json.loads(now_path.read_text()), json.loads(before_path.read_text())
    lines = []
    for page in sorted(set(now) | set(before)):
        for name in sorted(set(now.get(page, {})) | set(before.get(page, {}))):
            a, b = before.get(page, {}).get(name), now.get(page, {}).get(name)
            if a is None or b is None:
                lines.append(f"{page}: {name} {'added' if a is None else 'removed'}")
            elif a.get("text") != b.get("text"):
                old = {(r["table"], r["key"]): r.get("digest") for r in a.get("rows", [])}
                moved = sorted(f"{r['table']}: {r['key']}" for r in b.get("rows", [])
                               if old.get((r["table"], r["key"])) != r.get("digest"))
                lines.append(f"{page}: {name} {a.get('text')} -> {b.get('text')}"
                             + (f" (rows edited: {'; '.join(moved)})" if moved else ""))
    return lines


def mark_published(folder: Path) -> None:
    """Remember the numbers of the site just published, for the next build's report."""
    source = folder / KEY_NUMBERS
    if source.exists():
        (folder / PUBLISHED).write_bytes(source.read_bytes())


def key_numbers(root: Path = ROOT) -> dict[str, dict[str, dict]]:
    """The chapters' key numbers (page -> name -> record); only in a page that
    runs in the second round (front matter `omcc: {reads_key_numbers: true}`)."""
    path = Path(root) / BUILD.relative_to(ROOT) / "state" / KEY_NUMBERS
    if not path.exists():
        raise RuntimeError("the chapters' key numbers are not available: this page must run after the chapters "
                           "(front matter omcc: {reads_key_numbers: true}) in `make book`")
    return json.loads(inputs.record_file(path, root=root).decode("utf-8"))


def checks(root: Path = ROOT) -> dict[str, list[dict]]:
    """The verdict conditions as evaluated in this build (claim_id -> results);
    only in a second-round page."""
    path = Path(root) / BUILD.relative_to(ROOT) / "state" / CHECKS
    if not path.exists():
        raise RuntimeError("the verdict conditions are not available: this page must run after the chapters "
                           "(front matter omcc: {reads_key_numbers: true}) in `make book`")
    return json.loads(inputs.record_file(path, root=root).decode("utf-8"))


def figures(root: Path = ROOT) -> dict[str, dict]:
    """The figures' hashes in this build; only in a second-round page."""
    path = Path(root) / BUILD.relative_to(ROOT) / "state" / FIGURES
    return json.loads(inputs.record_file(path, root=root).decode("utf-8"))
