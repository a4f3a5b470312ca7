"""The bibliography's style: pybtex's `unsrt` (author-year sorted as `plain`),
keeping each title as the source writes it, and showing the address and the date
the source was read for every entry.

`plain` lower-cases titles ("Ai's \\$600b question") unless every capital is
braced in the .bib file; here titles are printed as written, LaTeX escapes that
mean plain characters (\\$ \\& \\% \\_ \\#, quotes and dashes) become those
characters, and the access date reads "accessed 2026-11-29". (`\\%` is left to pybtex, which reads it as a per cent sign.)
"""

from __future__ import annotations

import re

from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.template import field, href, optional, sentence, words

_ESCAPES = [(r"\$", "$"), (r"\&", "&"), (r"\_", "_"), (r"\#", "#"), ("``", "“"), ("''", "”"),
            ("---", "—"), ("--", "–")]


def plain_text(value: str) -> str:
    """A field's LaTeX as the plain text a reader should see."""
    for latex, char in _ESCAPES:
        value = value.replace(latex, char)
    value = re.sub(r"`([^`']*)'", r"‘\1’", value)
    return value


class BookStyle(PlainStyle):
    default_sorting_style = "author_year_title"

    def format_title(self, e, which_field, as_sentence=True):
        title = field(which_field)  # as the source writes it: no change of case
        return sentence[title] if as_sentence else title

    def format_web_refs(self, e):
        return sentence[
            optional[self.format_url(e), optional[" (accessed ", field("urldate"), ")"]],
            optional[self.format_eprint(e)],
            optional[self.format_doi(e)],
        ]

    def format_url(self, e):
        url = field("url", raw=True)
        return words["URL:", href(url)[url]]

    def format_entry(self, label, entry, bib_data=None):
        # a copy with plain-text fields: the entry itself is shared with citations elsewhere
        import copy

        clean = copy.copy(entry)
        clean.fields = type(entry.fields)((k, v if k.lower() in ("url", "doi", "eprint") else plain_text(v))
                                          for k, v in entry.fields.items())
        return super().format_entry(label, clean, bib_data=bib_data)


def register() -> None:
    from pybtex.backends.plaintext import Backend as PlainText
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.style.formatting", "omcc", BookStyle)
    # sphinxcontrib-bibtex asks pybtex for its plain-text backend once per citation, and
    # pybtex then scans the entry points of every installed package: 900 scans were a third
    # of Sphinx's time (bench/build_times.py). Registered at run time, the same class is
    # found at once.
    register_plugin("pybtex.backends", "plaintext", PlainText, force=True)
