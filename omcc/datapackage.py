"""Load and validate the tables of the Frictionless data package in `data/`.

`load("accelerators")` reads one table, checks every cell against the schema in
`data/datapackage.json` and returns a typed DataFrame. Any broken rule raises
`DataValidationError`, whose message names the file, the CSV line, the column,
the value and the rule, so an analyst who edits a table can fix it at once.

Only the part of the Table Schema spec that the book uses is implemented: types
string, number, integer, boolean, date, year; constraints required, unique,
minimum, maximum, enum, pattern, minLength, maxLength; primaryKey; foreignKeys.
Two rules are the book's own: every table carries the provenance columns
`source`, `locator` and `accessed`, and every `source` names keys of
`references.bib` (several keys may be joined with ";").
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from omcc.bib import bib_keys
from omcc.paths import ROOT

PROVENANCE = ("source", "locator", "accessed")
TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One broken rule in one cell (or one header, or one whole file)."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f": value {self.value!r}"
        return f"{where}{value}: {self.rule}"


class DataValidationError(ValueError):
    """A table does not match its schema; `problems` lists every broken rule."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more problems")
        super().__init__("data validation failed:\n  " + "\n  ".join(shown))


def read_descriptor(root: Path = ROOT) -> dict:
    path = Path(root) / "data" / "datapackage.json"
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def resource_names(root: Path = ROOT) -> list[str]:
    """Names of every table in the data package, in descriptor order."""
    return [r["name"] for r in read_descriptor(root)["resources"]]


def resource(name: str, root: Path = ROOT) -> dict:
    for res in read_descriptor(root)["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no table named {name!r} in data/datapackage.json; tables: {resource_names(root)}")


# --- cell parsing -----------------------------------------------------------


def _parse(raw: str, field: dict):
    """Convert one non-empty cell to its Python value, or raise ValueError(rule)."""
    kind = field.get("type", "string")
    if kind == "string":
        return raw
    if kind == "number":
        if not _NUMBER.match(raw):
            raise ValueError("is not a number (type number: plain digits, '.' as decimal mark, no units or separators)")
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError("is not a finite number")
        return value
    if kind == "integer":
        if not _INTEGER.match(raw):
            raise ValueError("is not an integer (type integer)")
        return int(raw)
    if kind == "boolean":
        if raw in TRUE_VALUES:
            return True
        if raw in FALSE_VALUES:
            return False
        raise ValueError("is not a boolean (type boolean: true or false)")
    if kind == "date":
        if not _ISO_DATE.match(raw):
            raise ValueError("is not an ISO date (type date: YYYY-MM-DD)")
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError("is not a valid calendar date (type date: YYYY-MM-DD)") from None
    if kind == "year":
        if not re.match(r"^\d{4}$", raw):
            raise ValueError("is not a year (type year: YYYY)")
        return int(raw)
    raise ValueError(f"has unsupported schema type {kind!r}")


def _check_constraints(value, raw: str, field: dict) -> list[str]:
    """Rules broken by one parsed, non-empty value."""
    c = field.get("constraints", {})
    broken = []
    if "minimum" in c and value < _bound(c["minimum"], field):
        broken.append(f"is below the minimum {c['minimum']}")
    if "maximum" in c and value > _bound(c["maximum"], field):
        broken.append(f"is above the maximum {c['maximum']}")
    if "enum" in c and raw not in [str(e) for e in c["enum"]]:
        broken.append(f"is not one of the allowed values {c['enum']}")
    if "pattern" in c and not re.fullmatch(c["pattern"], raw):
        broken.append(f"does not match the pattern {c['pattern']!r}")
    if "minLength" in c and len(raw) < c["minLength"]:
        broken.append(f"is shorter than {c['minLength']} characters")
    if "maxLength" in c and len(raw) > c["maxLength"]:
        broken.append(f"is longer than {c['maxLength']} characters")
    return broken


def _bound(bound, field):
    if field.get("type") == "date":
        return date.fromisoformat(bound)
    return bound


# --- table validation -------------------------------------------------------


def _read_rows(path: Path):
    """Yield (line number, row) for each data row; the header is returned first."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        previous_end = 0
        for row in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            yield start, row


def validate_table(name: str, root: Path = ROOT, _seen: frozenset = frozenset()) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check one table; return the typed frame and every problem found."""
    root = Path(root)
    res = resource(name, root)
    rel = f"data/{res['path']}"
    path = root / "data" / res["path"]
    problems: list[Problem] = []
    if not path.exists():
        return pd.DataFrame(), [Problem(rel, None, None, None, "file listed in datapackage.json does not exist")]
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    missing_values = set(res["schema"].get("missingValues", [""]))

    for col in PROVENANCE:
        if col not in names:
            problems.append(Problem(rel, None, col, None, "schema lacks a provenance column every table must have"))

    rows = _read_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        return pd.DataFrame(columns=names), [Problem(rel, 1, None, None, "file is empty (no header line)")]
    for col in names:
        if col not in header:
            problems.append(Problem(rel, 1, col, None, "column required by the schema is missing from the header"))
    for col in header:
        if col not in names:
            problems.append(Problem(rel, 1, col, None, "column is not described in datapackage.json"))
    if problems:
        return pd.DataFrame(columns=names), problems

    index = {col: header.index(col) for col in names}
    known_keys = bib_keys(root / "references.bib")
    records, lines = [], []
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(header):
            problems.append(
                Problem(rel, line, None, None, f"row has {len(row)} cells but the header has {len(header)}")
            )
            continue
        record = {}
        for field in fields:
            col = field["name"]
            raw = row[index[col]]
            if raw in missing_values or raw.strip() == "":
                if field.get("constraints", {}).get("required") or col in PROVENANCE:
                    problems.append(Problem(rel, line, col, raw, "is empty but the column is required"))
                record[col] = None
                continue
            if raw != raw.strip():
                problems.append(Problem(rel, line, col, raw, "has leading or trailing spaces"))
                raw = raw.strip()
            try:
                value = _parse(raw, field)
            except ValueError as exc:
                problems.append(Problem(rel, line, col, raw, str(exc)))
                record[col] = None
                continue
            for rule in _check_constraints(value, raw, field):
                problems.append(Problem(rel, line, col, raw, rule))
            if col == "source":
                for key in (k.strip() for k in raw.split(";")):
                    if key not in known_keys:
                        problems.append(Problem(rel, line, col, key, "is not a key in references.bib"))
            record[col] = value
        records.append(record)
        lines.append(line)

    _check_unique(res, fields, records, lines, rel, problems)
    _check_foreign_keys(res, records, lines, rel, root, problems, _seen | {name})
    return _typed_frame(records, fields), problems


def _check_unique(res, fields, records, lines, rel, problems):
    groups = [[f["name"]] for f in fields if f.get("constraints", {}).get("unique")]
    pk = res["schema"].get("primaryKey")
    if pk:
        groups.append([pk] if isinstance(pk, str) else list(pk))
    for cols in groups:
        first_line = {}
        for record, line in zip(records, lines):
            key = tuple(record.get(c) for c in cols)
            if any(k is None for k in key):
                continue
            if key in first_line:
                label = cols[0] if len(cols) == 1 else "+".join(cols)
                shown = key[0] if len(key) == 1 else key
                problems.append(
                    Problem(rel, line, label, str(shown), f"duplicates the value on line {first_line[key]} (must be unique)")
                )
            else:
                first_line[key] = line


def _check_foreign_keys(res, records, lines, rel, root, problems, seen):
    for fk in res["schema"].get("foreignKeys", []):
        cols = [fk["fields"]] if isinstance(fk["fields"], str) else list(fk["fields"])
        ref = fk["reference"]
        ref_cols = [ref["fields"]] if isinstance(ref["fields"], str) else list(ref["fields"])
        if ref["resource"] in seen:
            continue
        other, _ = validate_table(ref["resource"], root, seen)
        allowed = set(map(tuple, other[ref_cols].astype(object).itertuples(index=False, name=None)))
        for record, line in zip(records, lines):
            key = tuple(record.get(c) for c in cols)
            if any(k is None for k in key):
                continue
            if key not in allowed:
                problems.append(
                    Problem(
                        rel, line, "+".join(cols), str(key[0] if len(key) == 1 else key),
                        f"has no match in table '{ref['resource']}' ({', '.join(ref_cols)})",
                    )
                )


def _typed_frame(records: list[dict], fields: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=[f["name"] for f in fields])
    for f in fields:
        col, kind = f["name"], f.get("type", "string")
        if kind == "number":
            frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
        elif kind in ("integer", "year"):
            frame[col] = frame[col].astype("Int64")
        elif kind == "boolean":
            frame[col] = frame[col].astype("boolean")
        elif kind == "date":
            frame[col] = pd.to_datetime(frame[col])
        else:
            frame[col] = frame[col].astype("string")
    return frame


# --- public entry points ----------------------------------------------------


def load(name: str, root: Path = ROOT) -> pd.DataFrame:
    """Read table `name`, validate it, and return a typed DataFrame.

    Raises DataValidationError naming file, line, column, value and rule.
    In a notebook, also records that the page read this table (see
    `record_table_read`), so the build re-executes the page when it changes.
    """
    frame, problems = validate_table(name, root)
    if problems:
        raise DataValidationError(problems)
    record_table_read(name)
    return frame


TABLE_READ_KEY = "omcc_table_read"
_tables_recorded: set[str] = set()


def record_table_read(name: str) -> None:
    """Leave a hidden record in the executing notebook that it read table `name`.

    The record is a glue output (never displayed) carrying the table name in its
    metadata. It is stored with the executed notebook and its cache entry, so the
    build knows each page's data inputs without the page declaring them.
    Outside a running kernel this does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always installed with the book
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel") or name in _tables_recorded:
        return
    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    _tables_recorded.add(name)
    key = f"omcc_reads_{name}"
    metadata = {"scrapbook": {"name": key, "mime_prefix": GLUE_PREFIX}, TABLE_READ_KEY: name}
    display({GLUE_PREFIX + "text/plain": repr(name)}, raw=True, metadata=metadata)


def validate_package(root: Path = ROOT) -> list[Problem]:
    """Every problem in every table, plus CSV files the descriptor does not list."""
    root = Path(root)
    problems: list[Problem] = []
    listed = set()
    for res in read_descriptor(root)["resources"]:
        listed.add(res["path"])
        for key in ("name", "path", "schema", "licenses", "sources", "description"):
            if key not in res:
                problems.append(Problem(f"data/{res.get('path', '?')}", None, None, None,
                                        f"datapackage.json entry lacks '{key}'"))
        for field in res.get("schema", {}).get("fields", []):
            if field.get("type") in ("number", "integer") and not (field.get("unit") or field.get("description")):
                problems.append(Problem(f"data/{res['path']}", None, field["name"], None,
                                        "numeric field has neither a unit nor a description"))
        problems.extend(validate_table(res["name"], root)[1])
    for csv_path in sorted((root / "data").rglob("*.csv")):
        rel = csv_path.relative_to(root / "data").as_posix()
        if rel not in listed:
            problems.append(Problem(f"data/{rel}", None, None, None, "CSV file is not described in datapackage.json"))
    return problems
