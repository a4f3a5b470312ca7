"""Read references.bib, the only bibliography of the book.

Every read is recorded as an input of the executing page (`omcc.inputs`): a
page that formats citations from the bibliography is re-executed when it changes.
"""

import re
from functools import lru_cache
from pathlib import Path

from omcc import inputs
from omcc.paths import BIB

_ENTRY = re.compile(r"^\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
NOT_ENTRIES = {"comment", "string", "preamble"}


_last_read: dict = {}


def _read(path: Path) -> bytes:
    # A page or the site's citations look the file up thousands of times: read it
    # again only when its size or modification time changed.
    stat = path.stat()
    signature = (str(path), stat.st_mtime_ns, stat.st_size)
    if _last_read.get("signature") != signature:
        _last_read.update(signature=signature, data=path.read_bytes())
    return inputs.record_file(path, _last_read["data"])


@lru_cache(maxsize=4)
def _keys_cached(data: bytes) -> frozenset:
    text = data.decode("utf-8")
    return frozenset(key for kind, key in _ENTRY.findall(text) if kind.lower() not in NOT_ENTRIES)


def bib_keys(path: Path = BIB) -> frozenset:
    """All entry keys in a BibTeX file."""
    return _keys_cached(_read(Path(path)))


@lru_cache(maxsize=4)
def _entries_cached(data: bytes) -> dict:
    from pybtex.database import parse_string

    return dict(parse_string(data.decode("utf-8"), bib_format="bibtex").entries)


def entries(path: Path = BIB) -> dict:
    """key -> pybtex entry, for every entry of the file."""
    return _entries_cached(_read(Path(path)))


def entry(key: str, path: Path = BIB):
    """The pybtex entry for `key` (KeyError if absent)."""
    return entries(path)[key]


def problems(path: Path = BIB) -> list[str]:
    """What is wrong with the bibliography, one line each, naming the line:
    unreadable text, a duplicate key, or an entry pybtex cannot parse."""
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexError

    path = Path(path)
    rel = path.name
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [f"{rel}, line {line}: is not valid UTF-8: save the file as UTF-8"]
    found = []
    first: dict[str, int] = {}
    for match in _ENTRY.finditer(text):
        kind, key = match.group(1), match.group(2)
        if kind.lower() in NOT_ENTRIES:
            continue
        line = text[: match.start()].count("\n") + 1
        if key in first:
            found.append(f"{rel}, line {line}: entry key '{key}' is already used on line {first[key]}: "
                         "rename or delete one of them")
        else:
            first[key] = line
    if found:
        return found
    try:
        parse_string(text, bib_format="bibtex")
    except PybtexError as exc:
        line = getattr(exc, "lineno", None)
        where = f", line {line}" if line else ""
        return [f"{rel}{where}: cannot be read as BibTeX ({exc}): check the braces and commas of that entry"]
    return []


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
