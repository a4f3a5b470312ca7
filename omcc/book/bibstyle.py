"""The bibliography's style: pybtex's `unsrt` (author-year sorted as `plain`),
keeping each title as the source writes it, and showing the address and the date
the source was read for every entry.

`plain` lower-cases titles ("Ai's \\$600b question") unless every capital is
braced in the .bib file; here titles are printed as written, LaTeX escapes that
mean plain characters (\\$ \\& \\% \\_ \\#, quotes and dashes) become those
characters, and the access date reads "accessed 2026-11-29". (`\\%` is left to pybtex, which reads it as a per cent sign.)
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

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


_STYLE_CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


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
        key = _entry_key(label, entry)
        formatted = _formatted().get(key)
        if formatted is None:
            # a copy with plain-text fields: the entry itself is shared with citations elsewhere
            import copy

            clean = copy.copy(entry)
            clean.fields = type(entry.fields)((k, v if k.lower() in ("url", "doi", "eprint") else plain_text(v))
                                              for k, v in entry.fields.items())
            formatted = super().format_entry(label, clean, bib_data=bib_data)
            _formatted()[key] = formatted
        _used.add(key)
        return formatted


# --- formatted entries, kept between builds ------------------------------------------------
#
# Sphinx formats all 250 entries twice per build (list and tooltips), about a second,
# even when one page changed. The formatted entries are kept in `_build/cache`, keyed
# on the entry's type, fields, people and label, on this file and on pybtex's version:
# an edited entry or style is formatted afresh.

_cache: dict = {}
_used: set = set()


def _cache_path():
    from omcc.paths import BUILD

    return BUILD / "cache" / "bibliography.pickle"


def _entry_key(label, entry) -> str:
    import pybtex

    persons = sorted((role, [str(p) for p in people]) for role, people in entry.persons.items())
    parts = [_STYLE_CODE, pybtex.__version__, label, entry.key, entry.type,
             repr(sorted(entry.fields.items())), repr(persons)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _formatted() -> dict:
    if not _cache.get("loaded"):
        import atexit
        import pickle

        _cache.update(loaded=True, entries={})
        try:
            _cache["entries"] = pickle.loads(_cache_path().read_bytes())
        except Exception:  # noqa: BLE001 - missing, truncated or from another pybtex: start afresh
            pass
        _cache["stored"] = set(_cache["entries"])
        atexit.register(_save)
    return _cache["entries"]


def _save() -> None:
    """Write the entries this build used (those of deleted or edited entries go)."""
    import os
    import pickle
    import tempfile

    if not _cache.get("loaded"):
        return
    entries = _cache["entries"]
    if _cache["stored"] == _used:
        return  # the file already holds exactly these
    path = _cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump({key: entries[key] for key in _used}, fh)
        os.replace(tmp, path)
    except OSError:
        pass  # not keeping them only costs time


def register() -> None:
    from pybtex.backends.plaintext import Backend as PlainText
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.style.formatting", "omcc", BookStyle)
    # sphinxcontrib-bibtex asks pybtex for its plain-text backend once per citation, and
    # pybtex then scans the entry points of every installed package: 900 scans were a third
    # of Sphinx's time (bench/build_times.py). Registered at run time, the same class is
    # found at once.
    register_plugin("pybtex.backends", "plaintext", PlainText, force=True)
