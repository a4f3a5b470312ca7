"""Read the keys of references.bib (the only bibliography of the book)."""

import re
from functools import lru_cache
from pathlib import Path

from omcc.paths import BIB

_ENTRY = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


@lru_cache(maxsize=4)
def _keys_cached(path: str, mtime: float) -> frozenset:
    text = Path(path).read_text(encoding="utf-8")
    return frozenset(
        key for kind, key in _ENTRY.findall(text) if kind.lower() not in {"comment", "string", "preamble"}
    )


def bib_keys(path: Path = BIB) -> frozenset:
    """All entry keys in a BibTeX file (cached until the file changes)."""
    path = Path(path)
    return _keys_cached(str(path), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _entries_cached(path: str, mtime: float) -> dict:
    from pybtex.database import parse_file

    return dict(parse_file(path, bib_format="bibtex").entries)


def entry(key: str, path: Path = BIB):
    """The pybtex entry for `key` (KeyError if absent)."""
    path = Path(path)
    return _entries_cached(str(path), path.stat().st_mtime)[key]


def short_cite(key: str, path: Path = BIB) -> str:
    """Author-year label such as 'NVIDIA (2024)' or 'Liu et al. (2024)'."""
    e = entry(key, path)
    people = e.persons.get("author") or e.persons.get("editor") or []
    if people:
        last = " ".join(people[0].last_names) or " ".join(people[0].first_names)
        last = last.replace("{", "").replace("}", "")
        if len(people) == 2:
            second = " ".join(people[1].last_names).replace("{", "").replace("}", "")
            last = f"{last} and {second}"
        elif len(people) > 2:
            last += " et al."
    else:
        last = e.fields.get("organization") or e.fields.get("institution") or e.fields.get("publisher") or key
        last = str(last).replace("{", "").replace("}", "")
    year = e.fields.get("year", "n.d.")
    return f"{last} ({year})"


def source_keys(rows) -> list[str]:
    """Sorted bibliography keys behind some data rows.

    `rows` is a DataFrame with a `source` column, a Series of source cells, an
    iterable of cells, or one cell; a cell may join several keys with ';'.
    """
    if hasattr(rows, "columns"):
        rows = rows["source"]
    if isinstance(rows, str):
        rows = [rows]
    keys = set()
    for cell in rows:
        if cell is None or (isinstance(cell, float) and cell != cell) or str(cell) == "<NA>":
            continue
        keys.update(k.strip() for k in str(cell).split(";") if k.strip())
    return sorted(keys)
