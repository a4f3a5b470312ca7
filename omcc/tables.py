"""Tables for readers in both editions.

A chapter shows a table as a pandas Styler (formatted, index hidden). The HTML
edition uses the Styler's HTML; the PDF edition cannot, and would print the
object's name instead. `register()` teaches the notebook to also offer each
Styler as a Markdown pipe table, built from the same formatted cells, which
MyST-NB renders as a real table in the LaTeX/PDF build.
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
    """In a running notebook kernel, add the Markdown form to every Styler's display."""
    try:
        from IPython import get_ipython
        from pandas.io.formats.style import Styler
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.display_formatter.formatters["text/markdown"].for_type(Styler, styler_markdown)
