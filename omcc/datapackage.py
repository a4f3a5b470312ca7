"""Load and validate the tables of the Frictionless data package in `data/`.

`load("accelerators")` reads one table, checks it and returns a typed DataFrame.
Any broken rule raises `DataValidationError`, whose message names the file, the
CSV line, the column, the value and the rule, so an analyst who edits a table can
fix it at once.

The standard part of the checks (types, constraints, primary and foreign keys,
header and row shape, the descriptor itself) is done by `frictionless`, the
reference implementation of the Data Package standard. On top of it sit the
book's own rules:

- the file is plain UTF-8 CSV (no byte-order mark), no cell is longer than
  `MAX_CELL` characters, no cell has stray spaces, and the table has data rows;
- every table carries the provenance columns `source`, `locator` and `accessed`,
  filled on every row; every `source` names keys of `references.bib`, and no
  `accessed` date lies in the future;
- every numeric field has a plausible range: `minimum` and `maximum` in its
  constraints, or, in a long table where one column holds values of several
  kinds, a range per kind in the resource's `x-omcc-checks.bounds`;
- where several sources give the same quantity (`x-omcc-checks.crossCheck`),
  the preferred value may not be more than `maxRatio` times off any other.

A unit slip (148,000 TFLOPS for 148) therefore stops the build with the file,
line, column, value and the bound it broke.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from omcc import inputs
from omcc.bib import bib_keys
from omcc.paths import ROOT

PROVENANCE = ("source", "locator", "accessed")
MAX_CELL = 10_000  # characters: a cell longer than this is a paste gone wrong
MAX_PROBLEMS_SHOWN = 20
CHECKS_KEY = "x-omcc-checks"
CONSTRAINT_KEYS = {"required", "unique", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                   "enum", "pattern", "minLength", "maxLength"}
NUMERIC = ("number", "integer", "year")
csv.field_size_limit(1 << 30)  # long cells are reported by our own rule, not by a csv crash


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
        value = "" if self.value is None else f": value {_short(self.value)!r}"
        return f"{where}{value}: {self.rule}"


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


class DataValidationError(ValueError):
    """A table does not match its schema; `problems` lists every broken rule."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(self.problems) - len(shown)
        if more > 0:
            shown.append(f"... and {more} more problems")
        super().__init__("data validation failed:\n  " + "\n  ".join(shown))


# --- the descriptor -------------------------------------------------------------

DESCRIPTOR = "data/datapackage.json"


def read_descriptor(root: Path = ROOT) -> dict:
    """The parsed datapackage.json; a syntax error raises DataValidationError
    naming the line and column."""
    path = Path(root) / DESCRIPTOR
    text = path.read_bytes()
    return _parse_descriptor(text)


@lru_cache(maxsize=8)
def _parse_descriptor(text: bytes) -> dict:
    try:
        return json.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = text[: exc.start].count(b"\n") + 1
        raise DataValidationError([Problem(DESCRIPTOR, line, None, None, "is not valid UTF-8; save it as UTF-8")]) from None
    except json.JSONDecodeError as exc:
        raise DataValidationError([Problem(DESCRIPTOR, exc.lineno, None, None,
                                           f"is not valid JSON ({exc.msg}, column {exc.colno})")]) from None


def resource_names(root: Path = ROOT) -> list[str]:
    """Names of every table in the data package, in descriptor order."""
    return [r["name"] for r in read_descriptor(root)["resources"]]


def resource(name: str, root: Path = ROOT) -> dict:
    for res in read_descriptor(root)["resources"]:
        if res["name"] == name:
            return res
    raise KeyError(f"no table named {name!r} in data/datapackage.json; tables: {resource_names(root)}")


def descriptor_problems(root: Path = ROOT) -> list[Problem]:
    """Problems with datapackage.json itself: the standard's (from frictionless)
    and the book's (every table described, documented and bounded)."""
    try:
        descriptor = read_descriptor(root)
    except DataValidationError as exc:
        return exc.problems
    problems = [Problem(DESCRIPTOR, None, None, None, msg) for msg in _standard_descriptor_errors(root)]
    for res in descriptor.get("resources", []):
        where = f"data/{res.get('path', '?')}"
        for key in ("name", "path", "schema", "licenses", "sources", "description"):
            if key not in res:
                problems.append(Problem(DESCRIPTOR, None, None, None, f"the entry for {where} lacks '{key}'"))
        fields = res.get("schema", {}).get("fields", [])
        names = [f.get("name") for f in fields]
        for col in PROVENANCE:
            if col not in names:
                problems.append(Problem(where, None, col, None, "schema lacks a provenance column every table must have"))
        for field in fields:
            problems += _field_problems(res, field, where)
        problems += _checks_problems(res, names, where)
    return problems


def _standard_descriptor_errors(root: Path) -> list[str]:
    from frictionless import FrictionlessException

    try:
        _package(str(Path(root) / "data"), (Path(root) / DESCRIPTOR).read_bytes())
    except FrictionlessException as exc:
        reasons = [r.message for r in exc.reasons] or [exc.error.message]
        return [f"does not follow the Data Package standard: {r}" for r in reasons]
    return []


def _field_problems(res: dict, field: dict, where: str) -> list[Problem]:
    name, kind = field.get("name"), field.get("type", "string")
    out = []
    constraints = field.get("constraints", {})
    unknown = sorted(set(constraints) - CONSTRAINT_KEYS)
    if unknown:
        out.append(Problem(DESCRIPTOR, None, name, None,
                           f"unknown constraint {', '.join(map(repr, unknown))} in table '{res.get('name')}' "
                           f"(known: {', '.join(sorted(CONSTRAINT_KEYS))})"))
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if key in constraints and kind in NUMERIC and not _is_number(constraints[key]):
            out.append(Problem(DESCRIPTOR, None, name, None,
                               f"constraint '{key}' of a {kind} field must be a number, not {constraints[key]!r} "
                               f"(table '{res.get('name')}')"))
    if kind in NUMERIC:
        if not (field.get("unit") or field.get("description")):
            out.append(Problem(where, None, name, None, "numeric field has neither a unit nor a description"))
        bounded = "minimum" in constraints and "maximum" in constraints
        by_kind = any(b.get("field") == name for b in res.get(CHECKS_KEY, {}).get("bounds", []))
        if not (bounded or by_kind):
            out.append(Problem(DESCRIPTOR, None, name, None,
                               f"numeric field of table '{res.get('name')}' has no plausible range: give it "
                               "'minimum' and 'maximum' constraints (or ranges in x-omcc-checks.bounds)"))
    return out


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _checks_problems(res: dict, names: list[str], where: str) -> list[Problem]:
    checks = res.get(CHECKS_KEY, {})
    out = []
    for spec in checks.get("bounds", []):
        for key in ("field", "by"):
            if spec.get(key) not in names:
                out.append(Problem(DESCRIPTOR, None, spec.get(key), None,
                                   f"x-omcc-checks.bounds of table '{res.get('name')}' names a column that is not in its schema"))
        for kind, rng in spec.get("ranges", {}).items():
            if not (isinstance(rng, list) and len(rng) == 2 and all(map(_is_number, rng)) and rng[0] <= rng[1]):
                out.append(Problem(DESCRIPTOR, None, spec.get("field"), None,
                                   f"range for {kind!r} in table '{res.get('name')}' must be [low, high] numbers"))
    for spec in checks.get("crossCheck", []):
        cols = list(spec.get("group", [])) + [spec.get("field"), spec.get("preferred")]
        if any(c not in names for c in cols) or not _is_number(spec.get("maxRatio")):
            out.append(Problem(DESCRIPTOR, None, None, None,
                               f"x-omcc-checks.crossCheck of table '{res.get('name')}' needs group, field, preferred "
                               "(columns of the table) and a numeric maxRatio"))
    return out


@lru_cache(maxsize=8)
def _package(basepath: str, descriptor_bytes: bytes):
    """The frictionless Package for a descriptor (built once per descriptor text)."""
    from frictionless import Package

    descriptor = json.loads(descriptor_bytes.decode("utf-8"))
    for res in descriptor.get("resources", []):
        res.pop(CHECKS_KEY, None)  # the book's own rules; frictionless need not see them
    return Package(descriptor, basepath=basepath)


# --- one table --------------------------------------------------------------------


@dataclass
class _Raw:
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # physical line on which each data row starts

    def cell(self, i: int, column: str) -> str:
        """The text of column `column` in the i-th non-blank data row."""
        filled = [row for row in self.rows if any(c.strip() for c in row)]
        j = self.header.index(column)
        return filled[i][j] if j < len(filled[i]) else ""


def _read_raw(path: Path, rel: str, problems: list[Problem]) -> tuple[_Raw | None, bytes]:
    """Read the CSV ourselves first: encoding, BOM, cell length and stray
    spaces get a clear message here, and each row gets its real line number."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(rel, 1, None, None,
                                "file starts with a byte-order mark (Excel's 'CSV UTF-8' writes one): "
                                "save it as CSV in UTF-8 without BOM"))
        return None, data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(rel, line, None, None,
                                f"is not valid UTF-8 (byte 0x{data[exc.start]:02x}; perhaps saved as Latin-1 or "
                                "Windows-1252): save the file as CSV in UTF-8"))
        return None, data
    reader = csv.reader(text.splitlines(keepends=True))
    rows, lines, previous_end = [], [], 0
    try:
        for row in reader:
            rows.append(row)
            lines.append(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as exc:
        problems.append(Problem(rel, previous_end + 1, None, None, f"is not valid CSV ({exc})"))
        return None, data
    if not rows:
        problems.append(Problem(rel, 1, None, None, "file is empty (no header line)"))
        return None, data
    header = rows[0]
    seen = {}
    for col in header:
        if col in seen:
            problems.append(Problem(rel, 1, col, None, "column name appears twice in the header: rename or delete one"))
        seen[col] = True
    raw = _Raw(header, rows[1:], lines[1:])
    for row, line in zip(raw.rows, raw.lines):
        for i, cell in enumerate(row):
            col = header[i] if i < len(header) else f"#{i + 1}"
            if len(cell) > MAX_CELL:
                problems.append(Problem(rel, line, col, cell,
                                        f"cell is {len(cell):,} characters long, above the limit of {MAX_CELL:,}: "
                                        "shorten it (long text belongs in the notes)"))
            elif cell != cell.strip():
                problems.append(Problem(rel, line, col, cell, "has leading or trailing spaces"))
    if not any(any(c.strip() for c in row) for row in raw.rows):
        problems.append(Problem(rel, 1, None, None, "table has a header but no data rows"))
    return raw, data


_FRICTIONLESS_RULES = {
    "type-error": lambda e, f: _TYPE_HINT.get(f.get("type"), f"is not a valid {f.get('type', 'value')}"),
    "constraint-error": lambda e, f: _constraint_rule(e.note, f),
    "missing-cell": lambda e, f: "the row has fewer cells than the header",
    "extra-cell": lambda e, f: "the row has more cells than the header",
    "blank-row": lambda e, f: "the line is empty: delete it",
    "unique-error": lambda e, f: "duplicates a value on an earlier line (must be unique)",
    "primary-key": lambda e, f: "duplicates the primary key of an earlier line (must be unique)",
    "foreign-key": lambda e, f: "has no match in the table it refers to (" + e.note + ")",
    "missing-label": lambda e, f: "column required by the schema is missing from the header",
    "extra-label": lambda e, f: "column is not described in datapackage.json",
    "duplicate-label": lambda e, f: "column name appears twice in the header: rename or delete one",
    "incorrect-label": lambda e, f: "column is not in the place or under the name the schema gives",
    "blank-label": lambda e, f: "a column has no name in the header",
}
_TYPE_HINT = {
    "number": "is not a number (type number: plain digits, '.' as decimal mark, no units or thousands separators)",
    "integer": "is not an integer (type integer: a whole number, no separators)",
    "date": "is not a valid date (type date: YYYY-MM-DD, a real calendar date)",
    "boolean": "is not a boolean (type boolean: true or false)",
    "year": "is not a year (type year: YYYY)",
}


def _constraint_rule(note: str, field: dict) -> str:
    c = field.get("constraints", {})
    for key, words in (("required", "is empty but the column is required"),
                       ("enum", f"is not one of the allowed values {c.get('enum')}"),
                       ("minimum", f"is below the minimum {c.get('minimum')}"),
                       ("maximum", f"is above the maximum {c.get('maximum')}"),
                       ("pattern", f"does not match the pattern {c.get('pattern')!r}"),
                       ("minLength", f"is shorter than {c.get('minLength')} characters"),
                       ("maxLength", f"is longer than {c.get('maxLength')} characters"),
                       ("unique", "duplicates a value on an earlier line (must be unique)")):
        if f'"{key}"' in note:
            return words
    return note


def validate_table(name: str, root: Path = ROOT) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check one table; return the typed frame and every problem found.

    A table found valid is remembered (`_Validated`): while its bytes and everything
    its checks read are unchanged, it is read without checking again."""
    root = Path(root)
    key = _Validated.key(name, root)
    if key is not None and _Validated.has(key, root):
        res = resource(name, root)
        raw, _ = _read_raw(root / "data" / res["path"], f"data/{res['path']}", [])
        return _typed_frame(raw, res["schema"]["fields"]), []
    frame, problems = _check_table(name, root)
    if key is not None and not problems:
        _Validated.remember(key, root)
    return frame, problems


class _Validated:
    """Tables that passed every check, as empty marker files named by a hash of what
    the checks read: the table's bytes, the descriptor, the tables its foreign keys
    point to, references.bib, and the package code with its environment lock (the
    rules and the frictionless version). Any change to any of them gives a new name,
    so the table is checked again; a marker is only written after a clean check.
    (Validating every table took a second per build and half a second per page.)"""

    @staticmethod
    def folder(root: Path) -> Path:
        return root / "_build" / "cache" / "valid"

    @staticmethod
    def key(name: str, root: Path) -> str | None:
        import hashlib

        try:
            descriptor = (root / DESCRIPTOR).read_bytes()
            res = resource(name, root)
            h = hashlib.sha256(inputs.code_digest(root).encode() + b"\0" + descriptor + b"\0" + (root / "references.bib").read_bytes())
            names = [name] + [fk["reference"]["resource"] for fk in res["schema"].get("foreignKeys", [])]
            for other in names:
                h.update(b"\0" + other.encode() + b"\0" + (root / "data" / resource(other or name, root)["path"]).read_bytes())
        except (OSError, KeyError, ValueError, TypeError):
            return None  # unreadable: check the table (and report why)
        return h.hexdigest()

    @staticmethod
    def has(key: str, root: Path) -> bool:
        return (_Validated.folder(root) / key).exists()

    @staticmethod
    def remember(key: str, root: Path) -> None:
        try:
            folder = _Validated.folder(root)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / key).touch()
        except OSError:
            pass  # not remembering only costs time

    @staticmethod
    def prune(keep: set[str], root: Path) -> None:
        folder = _Validated.folder(root)
        if folder.exists():
            for path in folder.iterdir():
                if path.name not in keep:
                    path.unlink(missing_ok=True)


def _check_table(name: str, root: Path) -> tuple[pd.DataFrame, list[Problem]]:
    res = resource(name, root)
    rel = f"data/{res['path']}"
    path = root / "data" / res["path"]
    fields = res["schema"]["fields"]
    names = [f["name"] for f in fields]
    if not path.exists():
        return pd.DataFrame(columns=names), [Problem(rel, None, None, None, "file listed in datapackage.json does not exist")]
    problems: list[Problem] = []
    raw, data = _read_raw(path, rel, problems)
    if raw is None or problems:
        return pd.DataFrame(columns=names), problems
    for col in PROVENANCE:
        if col not in names:
            problems.append(Problem(rel, None, col, None, "schema lacks a provenance column every table must have"))
    for col in names:
        if col not in raw.header:
            problems.append(Problem(rel, 1, col, None, "column required by the schema is missing from the header"))
    for col in raw.header:
        if col not in names:
            problems.append(Problem(rel, 1, col or "(no name)", None, "column is not described in datapackage.json"))
    if not problems and raw.header != names:
        problems.append(Problem(rel, 1, None, None, "columns are not in the order datapackage.json lists them; "
                                f"restore the order: {', '.join(names)}"))
    if problems:  # header problems: the cells cannot be read reliably
        return pd.DataFrame(columns=names), problems
    problems += _standard_problems(name, root, raw, rel, fields)
    if any(p.line == 1 for p in problems):
        return pd.DataFrame(columns=names), problems
    frame = _typed_frame(raw, fields)
    problems += _book_problems(res, frame, raw, rel, root)
    return frame, problems


def _standard_problems(name, root, raw: _Raw, rel, fields) -> list[Problem]:
    """Everything the Table Schema standard checks, by frictionless."""
    from frictionless import FrictionlessException

    try:
        package = _package(str(root / "data"), (root / DESCRIPTOR).read_bytes())
        report = package.get_resource(name).validate(limit_errors=1000)
    except FrictionlessException as exc:
        return [Problem(rel, None, None, None, f"could not be checked: {exc.error.message}")]
    by_name = {f["name"]: f for f in fields}
    out = []
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            line = 1 if error.type.endswith("-label") else (raw.lines[row - 2] if row and 2 <= row <= len(raw.lines) + 1 else row)
            column = getattr(error, "field_name", None) or getattr(error, "label", None) or None
            field = by_name.get(column, {})
            cell = getattr(error, "cell", None)
            rule = _FRICTIONLESS_RULES.get(error.type, lambda e, f: f"{e.title}: {e.note}")(error, field)
            if error.type in ("foreign-key", "primary-key"):
                column = column or "+".join(error.note.split('"')[1:2]) or None
                cell = _cells_of(raw, row, error) or cell
            out.append(Problem(rel, line, column, cell if cell not in (None, "") or error.type == "constraint-error" else None, rule))
    return out


def _cells_of(raw: _Raw, row: int | None, error) -> str | None:
    """The key values a key error is about, from frictionless' note."""
    import re

    found = re.search(r'values? "([^"]*)"', error.note)
    return found.group(1) if found else None


def _typed_frame(raw: _Raw, fields: list[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with the schema's types (cells already checked)."""
    index = {col: i for i, col in enumerate(raw.header)}
    columns = {}
    for f in fields:
        i = index.get(f["name"])
        cells = [(row[i] if i is not None and i < len(row) else "") for row in raw.rows if any(c.strip() for c in row)]
        cells = [None if c.strip() == "" else c.strip() for c in cells]
        kind = f.get("type", "string")
        series = pd.Series(cells, dtype="object")
        if kind == "number":
            series = pd.to_numeric(series, errors="coerce").astype("float64")
        elif kind in ("integer", "year"):
            series = pd.to_numeric(series, errors="coerce").astype("Int64")
        elif kind == "boolean":
            series = series.map(lambda c: None if c is None else c in ("true", "True", "TRUE", "1")).astype("boolean")
        elif kind == "date":
            series = pd.to_datetime(series, errors="coerce", format="%Y-%m-%d")
        else:
            series = series.astype("string")
        columns[f["name"]] = series
    return pd.DataFrame(columns)


# Columns that hold references.bib keys (several joined with ';'): the pages cite them.
BIB_KEY_COLUMNS = ("source", "original_source")


def _book_problems(res: dict, frame: pd.DataFrame, raw: _Raw, rel: str, root: Path) -> list[Problem]:
    """The book's own rules: provenance, bibliography keys, dates, ranges, cross-checks."""
    lines = [line for row, line in zip(raw.rows, raw.lines) if any(c.strip() for c in row)]
    out = []
    known = bib_keys(root / "references.bib")
    required = {f["name"] for f in res["schema"]["fields"] if f.get("constraints", {}).get("required")}
    today = pd.Timestamp(date.today())
    for i, line in enumerate(lines):
        for col in PROVENANCE:
            if col in frame and col not in required and pd.isna(frame.at[i, col]):
                out.append(Problem(rel, line, col, "", "is empty but every row must say its source, locator and access date"))
        for col in BIB_KEY_COLUMNS:
            if col in frame and not pd.isna(frame.at[i, col]) and str(frame.at[i, col]).strip():
                for key in (k.strip() for k in str(frame.at[i, col]).split(";")):
                    if key not in known:
                        out.append(Problem(rel, line, col, key, "is not a key in references.bib"))
        if "accessed" in frame and not pd.isna(frame.at[i, "accessed"]) and frame.at[i, "accessed"] > today:
            out.append(Problem(rel, line, "accessed", str(frame.at[i, "accessed"].date()),
                               "is in the future: give the date the source was read"))
    checks = res.get(CHECKS_KEY, {})
    for spec in checks.get("bounds", []):
        field, by, ranges = spec["field"], spec["by"], spec.get("ranges", {})
        for i, line in enumerate(lines):
            value, kind = frame.at[i, field], frame.at[i, by]
            if pd.isna(value):
                continue
            kind = str(kind)
            if kind not in ranges:
                out.append(Problem(rel, line, by, kind, f"has no plausible range for '{field}' in datapackage.json "
                                   f"(x-omcc-checks.bounds of table '{res['name']}'): add one"))
                continue
            low, high = ranges[kind]
            if not low <= value <= high:
                out.append(Problem(rel, line, field, raw.cell(i, field),
                                   f"is outside the plausible range [{_plain(low)}, {_plain(high)}] for {by} '{kind}' "
                                   "(a unit slip?); if the value is right, widen the range in datapackage.json"))
    for spec in checks.get("crossCheck", []):
        out += _cross_check(spec, frame, lines, rel, raw)
    return out


def _cross_check(spec: dict, frame: pd.DataFrame, lines: list[int], rel: str, raw: "_Raw | None" = None) -> list[Problem]:
    group, field, preferred, max_ratio = list(spec["group"]), spec["field"], spec["preferred"], spec["maxRatio"]
    out = []
    work = frame.assign(_line=lines)
    for key, part in work.groupby(group, dropna=True):
        pref = part[part[preferred].fillna(False).astype(bool) & part[field].notna()]
        others = part[~part[preferred].fillna(False).astype(bool) & part[field].notna()]
        for _, p in pref.iterrows():
            for _, o in others.iterrows():
                a, b = float(p[field]), float(o[field])
                if a <= 0 or b <= 0:
                    continue
                if max(a / b, b / a) > max_ratio:
                    label = " / ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
                    out.append(Problem(rel, int(p["_line"]), field, _plain(a) if raw is None else raw.cell(int(p.name), field),
                                       f"preferred value for {label} is {max(a / b, b / a):.1f} times the value "
                                       f"{_plain(b)} on line {int(o['_line'])} (more than {max_ratio}x apart: "
                                       "a unit slip, or a source that measures something else)"))
    return out


def _plain(value) -> str:
    value = float(value)
    return f"{value:,.0f}" if value == int(value) and abs(value) < 1e15 else f"{value:g}"


# --- public entry points ----------------------------------------------------------


def load(name: str, root: Path = ROOT) -> pd.DataFrame:
    """Read table `name`, validate it, and return a typed DataFrame.

    Raises DataValidationError naming file, line, column, value and rule.
    In a notebook, also records the table's content hash as an input of the page
    (see `omcc.inputs`), so the build re-executes the page when it changes.
    """
    root = Path(root)
    res = resource(name, root)
    frame, problems = validate_table(name, root)
    if problems:
        raise DataValidationError(problems)
    csv_bytes = (root / "data" / res["path"]).read_bytes()
    inputs.record(f"table:{name}", inputs.table_digest(csv_bytes, res))
    for fk in res["schema"].get("foreignKeys", []):  # a lookup table decides whether this one is valid
        other = resource(fk["reference"]["resource"], root)
        inputs.record(f"table:{other['name']}", inputs.table_digest((root / "data" / other["path"]).read_bytes(), other))
    frame.attrs["omcc_table"] = name
    frame.attrs["omcc_key"] = _primary_key(res)
    return frame


def _primary_key(res: dict) -> list[str]:
    pk = res["schema"].get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


def validate_package(root: Path = ROOT) -> list[Problem]:
    """Every problem in the descriptor and in every table, plus CSV files the
    descriptor does not list."""
    root = Path(root)
    problems = descriptor_problems(root)
    if problems:
        return problems  # tables cannot be checked against a broken descriptor
    listed = set()
    for res in read_descriptor(root)["resources"]:
        listed.add(res["path"])
        problems.extend(validate_table(res["name"], root)[1])
    if not problems:  # forget tables as they were before this edit
        _Validated.prune({_Validated.key(res["name"], root) for res in read_descriptor(root)["resources"]}, root)
    for csv_path in sorted((root / "data").rglob("*.csv")):
        rel = csv_path.relative_to(root / "data").as_posix()
        if rel not in listed:
            problems.append(Problem(f"data/{rel}", None, None, None, "CSV file is not described in datapackage.json"))
    return problems
