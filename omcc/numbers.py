"""Numbers in prose: format once, glue, and record in the key-numbers registry.

`glue_number("h20_b200_bf16", 0.066, unit="share", style="fraction", sources=[...])`
formats the value, glues the text for ``{glue:text}`h20_b200_bf16` `` in the
prose, and attaches a record (value, unit, text, sources) to the same output.
After the build, `omcc.book.build` collects these records from the executed
notebooks into `key_numbers.csv`, so every number a reader sees can be traced.
"""

from __future__ import annotations

import math
from fractions import Fraction

RECORD_KEY = "omcc_key_number"


def format_value(value: float, style: str = "number", digits: int = 1, unit: str = "") -> str:
    """Format a value for prose. Styles: number, integer, percent, multiple,
    one_in (1/15-style), money_bn, money."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("cannot format a missing value; leave the number out of the prose instead")
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


def glue_number(
    name: str,
    value: float,
    unit: str = "",
    style: str = "number",
    digits: int = 1,
    sources: list[str] | tuple[str, ...] = (),
    text: str | None = None,
) -> str:
    """Glue a formatted number under `name` and record it as a key number.

    `sources` are the references.bib keys behind the value; pass the keys of
    the rows the value was computed from.
    """
    shown = text if text is not None else format_value(value, style, digits, unit)
    record = {
        "name": name,
        "value": float(value),
        "unit": unit,
        "text": shown,
        "sources": ";".join(sorted(set(sources))),
    }
    _glue_with_record(name, shown, record)
    return shown


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
