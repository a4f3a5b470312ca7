"""Tables for readers, numbered and captioned, in both editions.

In a hidden cell, a chapter glues a table:

    table("tbl-h20-ratios", frame, columns={"label": "Metric", "ratio": "H20 / B200"},
          formats={"H20 / B200": "{:.0%}"})

and shows it where it belongs, with its caption (MyST, citations allowed):

    ```{data-table} tbl-h20-ratios
    The H20 against the B200, metric by metric.
    ```

The book's Sphinx extension turns it into a real table: numbered ("Table 2.1",
so it can be cited), captioned, with readable column names, every cell from data
escaped, and printed as a table in the PDF edition too. Cells are plain text,
except in columns listed in `markup`, which the chapter builds itself (links,
badges) from identifiers, never from free text.

A pandas Styler still displays as HTML and, through `register()`, as a Markdown
table in the PDF; every Styler escapes its cells (`styler.format.escape`).
"""

from __future__ import annotations

import html
import re

SEP = "\x1f"


def styler_markdown(styler) -> str:
    """The Styler's formatted cells as a Markdown pipe table (HTML tags stripped)."""
    text = styler.to_string(delimiter=SEP)
    rows = [line.split(SEP) for line in text.splitlines() if line.strip()]
    if not rows:
        return ""

    def clean(cell: str) -> str:
        cell = html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        return cell.replace("|", "\\|") or " "

    width = max(len(r) for r in rows)
    rows = [[clean(c) for c in r] + [" "] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    caption = getattr(styler, "caption", None)
    return (f"*{clean(str(caption))}*\n\n" if caption else "") + "\n".join(lines)


def register() -> None:
    """In a running notebook kernel, add the Markdown form to every Styler's
    display, and make every Styler escape its cells (text from data must never
    become markup on a page)."""
    import pandas as pd

    pd.set_option("styler.format.escape", "html")
    try:
        from IPython import get_ipython
        from pandas.io.formats.style import Styler
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.display_formatter.formatters["text/markdown"].for_type(Styler, styler_markdown)


TABLE_MIME = "application/vnd.omcc.table+json"


def table(name: str, frame, columns: dict | None = None, formats: dict | None = None,
          markup: tuple | list = (), na: str = "not available") -> dict:
    """Glue `frame` as a reader table under `name` (which starts with 'tbl-').

    `columns` renames (and, if given, selects and orders) columns for readers;
    `formats` maps a shown column name to a format string or a function;
    missing values show as `na`. Returns the glued table (columns and rows).
    """
    import math

    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    if not name.startswith("tbl-"):
        raise ValueError(f"table names start with 'tbl-' (stable anchors), got {name!r}")
    if columns:
        frame = frame[list(columns)].rename(columns=columns)
    formats = formats or {}
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in frame.columns:
            value = row[col]
            missing = value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT", "nan")
            if missing:
                cells.append(na)
            elif col in formats:
                fmt = formats[col]
                cells.append(fmt(value) if callable(fmt) else fmt.format(value))
            else:
                cells.append(str(value))
        rows.append(cells)
    data = {"columns": [str(c) for c in frame.columns], "rows": rows, "markup": [c for c in markup]}
    numeric = [all(_looks_numeric(r[i]) for r in rows if r[i] != na) and any(r[i] != na for r in rows)
               for i in range(len(data["columns"]))]
    data["align"] = ["right" if n else "left" for n in numeric]
    display({GLUE_PREFIX + TABLE_MIME: data, GLUE_PREFIX + "text/plain": f"table {name}"}, raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}})
    return data


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+−]?[$€¥]?[\d.,]+\s?(%|×|x|bn|m|k|TFLOPS|GB|TB/s|W)?", text.strip()))
