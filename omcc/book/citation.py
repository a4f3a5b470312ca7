"""Citations the site offers, all built from one metadata source: CITATION.cff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from omcc.paths import ROOT


@dataclass(frozen=True)
class BookMeta:
    title: str
    short_title: str
    authors: str
    version: str
    date: str
    year: str
    licence: str
    url: str


@lru_cache(maxsize=1)
def book() -> BookMeta:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    names = []
    for a in cff["authors"]:
        names.append(a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", "))
    date = str(cff["date-released"])
    return BookMeta(
        title=cff["title"],
        short_title=cff["title"].split(":")[0],
        authors=" and ".join(names),
        version=str(cff["version"]),
        date=date,
        year=date[:4],
        licence=cff["license"],
        url=str(cff.get("url", "")),
    )


def apa(part: str | None = None, kind: str = "book") -> str:
    """APA-style reference for the book, or for a part of it (a chapter, figure or table)."""
    b = book()
    if part is None:
        return f"{b.authors}. ({b.year}). {b.title} (Version {b.version}, {b.date})."
    return f"{b.authors}. ({b.year}). {part}. In {b.title} (Version {b.version}, {b.date})."


def bibtex_key(part: str | None = None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "", (part or "").lower())[:24]
    return f"omcc{book().year}{slug}" if slug else f"omcc{book().year}"


def bibtex(part: str | None = None, kind: str = "book") -> str:
    """BibTeX entry for the book (@book) or a part of it (@incollection)."""
    b = book()
    fields = [("author", "{" + b.authors + "}"), ("year", b.year), ("version", b.version), ("note", f"Version {b.version}, {b.date}")]
    if part is None:
        entry_type, fields = "book", [("title", b.title)] + fields
    else:
        entry_type, fields = "incollection", [("title", part), ("booktitle", b.title)] + fields
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{entry_type}{{{bibtex_key(part)},\n{body}\n}}"
