"""Numbers in prose: format once, glue, and say where each one comes from.

    glue_number("h20_b200_bf16", ratio, style="one_in",
                description="H20's peak dense BF16 compute as a share of the B200's",
                formula="H20 dense BF16 TFLOPS ÷ B200 dense BF16 TFLOPS",
                rows=chips.rows_for(specs, ["h20", "b200"], ["bf16_dense_tflops"]))

formats the value, glues the text for ``{glue:text}`h20_b200_bf16` `` in the
prose, and attaches a record to the same output: the value, its unit and text,
what it is in plain words, how it was computed, and the data rows behind it
(table, key, source, locator, access date). The build collects the records into
`key_numbers.csv` and the key-numbers page; on every page, each glued number
opens a small box with its record and a permanent link.

A missing value (an empty optional cell) is shown as "not available" rather
than stopping the page; the record says which rows lack it.
"""

from __future__ import annotations

import hashlib
import json
import math
from fractions import Fraction

RECORD_KEY = "omcc_key_number"
NOT_AVAILABLE = "not available"


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(value, float) and math.isnan(value)


def format_value(value, style: str = "number", digits: int = 1, unit: str = "") -> str:
    """Format a value for prose. Styles: number, integer, percent, multiple,
    one_in (1/15-style), fraction, money_bn, money. A missing value is
    "not available"."""
    if is_missing(value):
        return NOT_AVAILABLE
    if style == "number":
        text = f"{value:,.{digits}f}"
    elif style == "integer":
        text = f"{round(value):,}"
    elif style == "percent":
        text = f"{100 * value:,.{digits}f}%"
    elif style == "multiple":
        text = f"{value:,.{digits}f}×"
    elif style == "one_in":
        # a share as "1/N", N rounded to `digits` decimals (0 gives 1/15)
        if value <= 0:
            raise ValueError("one_in needs a positive share")
        n = 1 / value
        text = f"1/{n:,.{digits}f}" if digits else f"1/{round(n)}"
    elif style == "fraction":
        frac = Fraction(value).limit_denominator(20)
        text = f"{frac.numerator}/{frac.denominator}"
    elif style == "money_bn":
        text = f"${value:,.{digits}f} billion"
    elif style == "money":
        text = f"${value:,.{digits}f}"
    else:
        raise ValueError(f"unknown style {style!r}")
    if unit and style not in ("percent", "multiple", "one_in", "fraction", "money_bn", "money"):
        text = f"{text} {unit}"
    return text


# --- the rows behind a number -----------------------------------------------------


def _plain(value) -> str:
    if is_missing(value):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


def rows_of(*frames) -> list[dict]:
    """Provenance of data rows: one dict per row (table, key, source, locator,
    accessed, and a hash of the row's cells) for each DataFrame or row (Series)
    that came from `omcc.load` (filtered, indexed or sliced; not merged)."""
    import pandas as pd

    out: list[dict] = []
    for frame in frames:
        if frame is None:
            continue
        if isinstance(frame, (list, tuple)):
            out += rows_of(*frame)
            continue
        table = frame.attrs.get("omcc_table")
        keys = list(frame.attrs.get("omcc_key", []))
        if not table:
            raise ValueError("rows must come from omcc.load(...) (filtered, indexed or sliced, but not merged or "
                             "pivoted): this one has lost the name of its table")
        if isinstance(frame, pd.Series):
            name = frame.name  # a row taken by its index label, e.g. frame.loc["id"]
            frame = frame.to_frame().T
            missing = [k for k in keys if k not in frame.columns]
            if len(missing) == 1 and name is not None:
                frame[missing[0]] = [name]
            frame.attrs.update(omcc_table=table, omcc_key=keys)
        if any(k not in frame.columns for k in keys):
            frame = frame.reset_index()
        for _, row in frame.iterrows():
            cells = {c: _plain(row[c]) for c in frame.columns if c != "index"}
            out.append({
                "table": table,
                "key": " / ".join(cells.get(k, "") for k in keys),
                "source": cells.get("source", ""),
                "locator": cells.get("locator", ""),
                "accessed": cells.get("accessed", ""),
                "digest": hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:16],
            })
    unique = {(r["table"], r["key"], r["digest"]): r for r in out}
    return sorted(unique.values(), key=lambda r: (r["table"], r["key"]))


# --- glue ----------------------------------------------------------------------------


def glue_number(
    name: str,
    value,
    unit: str = "",
    style: str = "number",
    digits: int = 1,
    sources: list[str] | tuple[str, ...] = (),
    text: str | None = None,
    *,
    description: str = "",
    formula: str = "",
    rows=None,
) -> str:
    """Glue a formatted number under `name` and record it as a key number.

    `description` says what the number is in plain words, `formula` how it was
    computed (one line), and `rows` the data rows it was computed from (frames
    or rows from `omcc.load`, see `rows_of`); `sources` adds bibliography keys
    of sources that are not data rows. Returns the text shown.
    """
    from omcc.bib import source_keys

    provenance = rows_of(rows) if rows is not None else []
    keys = sorted(set(source_keys(list(sources))) | set(source_keys([r["source"] for r in provenance])))
    shown = text if text is not None and not is_missing(value) else format_value(value, style, digits, unit)
    record = {
        "name": name,
        "value": None if is_missing(value) else float(value),
        "unit": unit,
        "text": shown,
        "style": style,
        "digits": digits,
        "custom_text": text is not None and not is_missing(value),
        "description": description,
        "formula": formula,
        "sources": ";".join(keys),
        "rows": provenance,
    }
    _glue_with_record(name, shown, record)
    _glue_vi(record)
    return shown


def vi_text(record: dict) -> str:
    """A recorded number written the Vietnamese way: from its value and style, or,
    for a number the page wrote out itself, from that text."""
    from omcc.i18n import format_value_vi, vi_from_english_text

    if record.get("custom_text") or "style" not in record:
        return vi_from_english_text(record["text"])
    return format_value_vi(record["value"], record.get("style", "number"), record.get("digits", 1), record.get("unit", ""))


def _glue_vi(record: dict) -> None:
    """The same number, written the Vietnamese way, under `<name>__vi`."""
    text = vi_text(record)
    _glue_with_record(f"{record['name']}__vi", text, dict(record, text=text, lang="vi", of=record["name"]))


def glue_text(name: str, text: str) -> str:
    """Glue a piece of text that is not a number (e.g. a chip name); not recorded."""
    _glue_with_record(name, text, None)
    return text


def _glue_with_record(name: str, text: str, record: dict | None) -> None:
    # Same output as myst_nb.glue(name, text, display=False), with the record
    # carried in the output's metadata where the build can read it back.
    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    metadata = {"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}}
    if record is not None:
        metadata[RECORD_KEY] = record
    display({GLUE_PREFIX + "text/plain": repr(text)}, raw=True, metadata=metadata)


def glue_quoted(name: str, record: dict, page: str) -> str:
    """Glue, on a summary page, a number a chapter computed: the same text, value
    and provenance as the chapter's record (from `omcc.book.state.key_numbers()`),
    so the two pages cannot disagree; also its Vietnamese form, `<name>__vi`."""
    quoted = {k: v for k, v in record.items() if k not in ("lang", "of")}
    quoted["name"] = name
    quoted["quoted_from"] = {"page": page, "name": record.get("of") or record["name"]}
    if page:
        quoted["formula"] = (record.get("formula") or "") + f" (computed in {page.rsplit('/', 1)[-1].replace('_', ' ')})"
    _glue_with_record(name, quoted["text"], quoted)
    _glue_vi(quoted)
    return quoted["text"]
