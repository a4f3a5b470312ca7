"""Bad input gets one clear line naming the file, the line and what to do.

Each case edits a copy of the repository the way an analyst might (a spreadsheet
export, a unit slip, a typo in the descriptor or the bibliography) and checks the
message the build's input check (`omcc.book.build.check_inputs`) gives, which
`make book` runs before anything executes.
"""

import csv
import json
import re
from datetime import date, timedelta

import pytest

from omcc.book.build import check_inputs
from omcc.datapackage import DataValidationError, load
from omcc.numbers import NOT_AVAILABLE, format_value


def _problems(root) -> str:
    problems = check_inputs(root)
    assert problems, "the broken input was accepted"
    return "\n".join(problems)


def _rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _line_of(rows, predicate) -> int:
    """CSV line (header = 1) of the first row for which predicate(row dict) holds."""
    header = rows[0]
    for n, row in enumerate(rows[1:], start=2):
        if predicate(dict(zip(header, row))):
            return n
    raise AssertionError("no such row")


def test_unit_slip_is_stopped_with_the_bound_it_broke(repo_copy):
    path = repo_copy / "data" / "accelerator_specs.csv"
    rows = _rows(path)
    line = _line_of(rows, lambda r: r["chip_id"] == "h20" and r["metric"] == "bf16_dense_tflops" and r["preferred"] == "true")
    rows[line - 1][rows[0].index("value")] = "148000"
    _write(path, rows)
    message = _problems(repo_copy)
    assert f"data/accelerator_specs.csv, line {line}, column 'value': value '148000': is outside the plausible range" in message
    assert "bf16_dense_tflops" in message


def test_a_preferred_value_far_from_its_alternatives_is_stopped(repo_copy):
    path = repo_copy / "data" / "accelerator_specs.csv"
    rows = _rows(path)
    line = _line_of(rows, lambda r: r["chip_id"] == "h20" and r["metric"] == "bf16_dense_tflops" and r["preferred"] == "true")
    rows[line - 1][rows[0].index("value")] = "1480"  # inside the range, ten times the other sources
    _write(path, rows)
    message = _problems(repo_copy)
    assert f"line {line}, column 'value'" in message and "times the value" in message


def test_excel_byte_order_mark_is_named(repo_copy):
    path = repo_copy / "data" / "usage_shares.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    message = _problems(repo_copy)
    assert "data/usage_shares.csv, line 1: file starts with a byte-order mark" in message
    assert "without BOM" in message


def test_latin1_file_names_the_line(repo_copy):
    path = repo_copy / "data" / "qwen_ecosystem.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",", ",é", 1)
    first = next(n for n, line in enumerate(text, start=1) if not line.isascii())
    path.write_bytes(("\n".join(text) + "\n").encode("latin-1", errors="replace"))
    message = _problems(repo_copy)
    assert f"data/qwen_ecosystem.csv, line {first}: is not valid UTF-8" in message
    assert "save the file as CSV in UTF-8" in message


def test_a_huge_cell_is_named_not_a_csv_crash(repo_copy):
    path = repo_copy / "data" / "accelerators.csv"
    rows = _rows(path)
    rows[2][rows[0].index("note")] = "x" * 200_000
    _write(path, rows)
    message = _problems(repo_copy)
    assert "data/accelerators.csv, line 3, column 'note'" in message and "200,000 characters" in message


def test_a_header_only_table_is_stopped_before_any_page_runs(repo_copy):
    path = repo_copy / "data" / "gpu_rental_prices.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert "data/gpu_rental_prices.csv, line 1: table has a header but no data rows" in _problems(repo_copy)


def test_a_repeated_header_name_is_stopped(repo_copy):
    path = repo_copy / "data" / "model_scores.csv"
    rows = _rows(path)
    rows[0].append("score")
    for row in rows[1:]:
        row.append("1")
    _write(path, rows)
    assert "data/model_scores.csv, line 1, column 'score': column name appears twice in the header" in _problems(repo_copy)


def test_accessed_in_the_future_is_stopped(repo_copy):
    path = repo_copy / "data" / "accelerators.csv"
    rows = _rows(path)
    later = (date.today() + timedelta(days=30)).isoformat()
    rows[1][rows[0].index("accessed")] = later
    _write(path, rows)
    assert f"data/accelerators.csv, line 2, column 'accessed': value '{later}': is in the future" in _problems(repo_copy)


def _descriptor_edit(root, edit):
    path = root / "data" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def _field(descriptor, table, field):
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    return next(f for f in res["schema"]["fields"] if f["name"] == field)


def test_a_mistyped_constraint_is_named(repo_copy):
    _descriptor_edit(repo_copy, lambda d: _field(d, "usage_shares", "share")["constraints"].update(minimun=0))
    message = _problems(repo_copy)
    assert "minimun" in message and "data/datapackage.json" in message


def test_a_bound_written_as_text_is_named(repo_copy):
    _descriptor_edit(repo_copy, lambda d: _field(d, "usage_shares", "share")["constraints"].update(minimum="0"))
    message = _problems(repo_copy)
    assert "constraint 'minimum' of a number field must be a number, not '0'" in message


def test_a_numeric_field_without_a_plausible_range_is_named(repo_copy):
    _descriptor_edit(repo_copy, lambda d: _field(d, "ai_revenue", "value_usd_bn")["constraints"].pop("maximum"))
    assert "numeric field of table 'ai_revenue' has no plausible range" in _problems(repo_copy)


def test_malformed_descriptor_names_line_and_column(repo_copy):
    path = repo_copy / "data" / "datapackage.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].rstrip(",")  # drop a comma
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _problems(repo_copy)
    assert re.search(r"data/datapackage.json, line \d+: is not valid JSON \(.*column \d+\)", message), message


def test_duplicate_bibliography_key_names_both_lines(repo_copy):
    path = repo_copy / "references.bib"
    text = path.read_text(encoding="utf-8")
    first = re.search(r"^@misc\{(\w+),.*?^\}\n", text, re.M | re.S)
    path.write_text(text + "\n" + first.group(0), encoding="utf-8")
    message = _problems(repo_copy)
    assert f"references.bib, line" in message and f"entry key '{first.group(1)}' is already used on line" in message


def test_broken_bibliography_entry_is_named_before_anything_runs(repo_copy):
    path = repo_copy / "references.bib"
    path.write_text(path.read_text(encoding="utf-8") + "\n@misc{broken2026entry,\n  title = {Unclosed,\n  year = {2026}\n}\n",
                    encoding="utf-8")
    message = _problems(repo_copy)
    assert message.startswith("references.bib") and "cannot be read as BibTeX" in message


def test_a_model_id_typo_is_stopped_by_its_foreign_key(repo_copy):
    for table in ("model_scores", "model_prices"):
        path = repo_copy / "data" / f"{table}.csv"
        rows = _rows(path)
        rows[1][rows[0].index("model_id")] = "kimi_k2_thinkng"
        _write(path, rows)
    message = _problems(repo_copy)
    assert "data/model_prices.csv, line 2, column 'model_id': value 'kimi_k2_thinkng': has no match" in message
    assert "data/model_scores.csv, line 2, column 'model_id': value 'kimi_k2_thinkng': has no match" in message


def test_load_raises_the_same_clear_error(repo_copy):
    path = repo_copy / "data" / "usage_shares.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(DataValidationError, match="byte-order mark"):
        load("usage_shares", root=repo_copy)


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_a_missing_value_reads_not_available(missing):
    assert format_value(missing, "percent") == NOT_AVAILABLE
    assert format_value(missing, "money_bn") == NOT_AVAILABLE
