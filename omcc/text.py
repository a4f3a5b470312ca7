"""Text from data, made safe to place in MyST Markdown.

A data cell may hold any characters. Pasted into Markdown unescaped, `<img ...>`
would become HTML on the page, `{cite}` a role and `*x*` emphasis. `md_escape`
turns every such character into its literal form, so the reader sees exactly the
text of the cell and nothing else.
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$:=])")


def md_escape(text) -> str:
    """`text` as literal MyST Markdown: HTML characters as entities, Markdown and
    MyST punctuation backslash-escaped, line breaks as spaces."""
    text = " ".join(str(text).split())
    text = html.escape(text, quote=False)  # & < > as entities: never markup
    return _MD_SPECIAL.sub(r"\\\1", text)
