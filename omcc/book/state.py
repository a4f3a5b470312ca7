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


def write(folder: Path, results: dict, root: Path = ROOT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / KEY_NUMBERS
    data = json.dumps(records(results), indent=1, sort_keys=True).encode()
    if not target.exists() or target.read_bytes() != data:
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target


def key_numbers(root: Path = ROOT) -> dict[str, dict[str, dict]]:
    """The chapters' key numbers (page -> name -> record); only in a page that
    runs in the second round (front matter `omcc: {reads_key_numbers: true}`)."""
    path = Path(root) / BUILD.relative_to(ROOT) / "state" / KEY_NUMBERS
    if not path.exists():
        raise RuntimeError("the chapters' key numbers are not available: this page must run after the chapters "
                           "(front matter omcc: {reads_key_numbers: true}) in `make book`")
    return json.loads(inputs.record_file(path, root=root).decode("utf-8"))
