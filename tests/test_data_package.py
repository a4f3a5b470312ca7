"""The data package is valid, and broken copies fail with file, line and column."""

import csv

import pytest

from omcc import chips
from omcc.datapackage import DataValidationError, load, read_descriptor, resource_names, validate_package


def test_real_data_package_is_valid():
    problems = validate_package()
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("name", resource_names())
def test_every_table_loads_with_rows_and_typed_columns(name):
    frame = load(name)
    assert len(frame) > 0
    fields = {f["name"]: f["type"] for f in next(r for r in read_descriptor()["resources"] if r["name"] == name)["schema"]["fields"]}
    for col, kind in fields.items():
        if kind == "number":
            assert frame[col].dtype == "float64", col
        if kind == "date":
            assert str(frame[col].dtype).startswith("datetime64"), col


def test_metric_enum_matches_the_units_the_code_expects():
    res = next(r for r in read_descriptor()["resources"] if r["name"] == "accelerator_specs")
    metric = next(f for f in res["schema"]["fields"] if f["name"] == "metric")
    assert set(metric["constraints"]["enum"]) == set(chips.METRIC_UNITS)


# --- deliberately broken copies ----------------------------------------------


def _rewrite(path, edit):
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _set(rows, line, column, value):
    """Set a cell by CSV line number (header is line 1) and column name."""
    rows[line - 1][rows[0].index(column)] = value


def _a_numeric_row(rows, column):
    """First data line (1-based) whose `column` cell is filled."""
    i = rows[0].index(column)
    return next(n for n, row in enumerate(rows[1:], start=2) if row[i])


BROKEN = {
    # name: (table, edit(rows) -> (line, column), expected words in the rule)
    "wrong type": ("accelerator_specs", lambda rows: (_set(rows, 3, "value", "1,979"), (3, "value"))[1], "not a number"),
    "missing source": ("accelerators", lambda rows: (_set(rows, 2, "source", ""), (2, "source"))[1], "required"),
    "unknown source key": ("accelerators", lambda rows: (_set(rows, 4, "source", "nobody2099nothing"), (4, "source"))[1], "references.bib"),
    "duplicate id": ("accelerators", lambda rows: (rows.__setitem__(2, list(rows[1])), (3, "chip_id"))[1], "unique"),
    "out of range": ("accelerator_specs", lambda rows: (_set(rows, 2, "value", "-5"), (2, "value"))[1], "minimum"),
    "bad date": ("accelerators", lambda rows: (_set(rows, 2, "announced", "2024-13-45"), (2, "announced"))[1], "date"),
    "not in enum": ("accelerators", lambda rows: (_set(rows, 3, "vendor_country", "XX"), (3, "vendor_country"))[1], "allowed values"),
    "unknown chip": ("accelerator_specs", lambda rows: (_set(rows, 5, "chip_id", "no_such_chip"), (5, "chip_id"))[1], "no match"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_copy_names_file_line_and_column(repo_copy, case):
    table, edit, words = BROKEN[case]
    path = repo_copy / "data" / f"{table}.csv"
    holder = {}
    _rewrite(path, lambda rows: holder.setdefault("where", edit(rows)))
    line, column = holder["where"]
    with pytest.raises(DataValidationError) as err:
        load(table, root=repo_copy)
    message = str(err.value)
    assert f"data/{table}.csv, line {line}, column '{column}'" in message, message
    assert words in message, message


def test_missing_column_is_reported_on_the_header_line(repo_copy):
    path = repo_copy / "data" / "accelerators.csv"
    _rewrite(path, lambda rows: [row.pop(rows[0].index("vendor")) for row in rows[::-1]] and None)
    with pytest.raises(DataValidationError, match=r"data/accelerators.csv, line 1, column 'vendor'.*missing"):
        load("accelerators", root=repo_copy)


def test_line_numbers_count_multiline_quoted_cells(repo_copy):
    # A locator with an embedded newline spans two physical lines; the next
    # row's error must still point at its real line in the file.
    path = repo_copy / "data" / "accelerators.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    # put a quoted two-line note on line 2, break the row after it
    rows = list(csv.reader(text))
    rows[1][header.index("note")] = "first line\nsecond line"
    rows[2][header.index("announced")] = "yesterday"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError, match=r"line 4, column 'announced'"):
        load("accelerators", root=repo_copy)


def test_unlisted_csv_is_a_problem(repo_copy):
    (repo_copy / "data" / "stray.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    problems = validate_package(repo_copy)
    assert any("stray.csv" in str(p) and "not described" in str(p) for p in problems)


def test_descriptor_fields_have_units_or_descriptions():
    for res in read_descriptor()["resources"]:
        for field in res["schema"]["fields"]:
            if field["type"] in ("number", "integer"):
                assert field.get("unit") or field.get("description"), (res["name"], field["name"])
