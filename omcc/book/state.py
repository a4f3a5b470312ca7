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


def records(results: dict) -> dict[str, dict[str, dict]]:
    """page -> name -> record, from executed results (docname -> Result)."""
    out: dict[str, dict[str, dict]] = {}
    for page, result in sorted(results.items()):
        for cell in result.outputs:
            for output in cell:
                record = (output.get("metadata") or {}).get(RECORD_KEY)
                if record:
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
    return checks


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
