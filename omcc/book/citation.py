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


def address(path: str = "") -> str:
    """The book's address, or a page's or anchor's (path relative to the site root)."""
    base = book().url.rstrip("/")
    return f"{base}/{path.lstrip('/')}" if path else f"{base}/"


def apa(part: str | None = None, kind: str = "book", path: str = "") -> str:
    """APA-style reference for the book, or for a part of it (a chapter, figure or
    table, whose address is `path` from the site root), with its URL."""
    b = book()
    if part is None:
        return f"{b.authors}. ({b.year}). {b.title} (Version {b.version}, {b.date}). {address()}"
    return f"{b.authors}. ({b.year}). {part}. In {b.title} (Version {b.version}, {b.date}). {address(path)}"


def bibtex_key(part: str | None = None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "", (part or "").lower())[:24]
    return f"omcc{book().year}{slug}" if slug else f"omcc{book().year}"


def bibtex(part: str | None = None, kind: str = "book", path: str = "") -> str:
    """BibTeX entry for the book (@book) or a part of it (@incollection), with its URL."""
    b = book()
    fields = [("author", "{" + b.authors + "}"), ("year", b.year), ("version", b.version),
              ("note", f"Version {b.version}, {b.date}"), ("url", address(path if part else ""))]
    if part is None:
        entry_type, fields = "book", [("title", b.title)] + fields
    else:
        entry_type, fields = "incollection", [("title", part), ("booktitle", b.title)] + fields
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{entry_type}{{{bibtex_key(part)},\n{body}\n}}"


def chicago(part: str | None = None, path: str = "") -> str:
    """Chicago author-date style, with the URL."""
    b = book()
    if part is None:
        return f"{b.authors}. {b.year}. {b.title}. Version {b.version}, {b.date}. {address()}."
    return f"{b.authors}. {b.year}. \u201c{part}.\u201d In {b.title}, version {b.version}, {b.date}. {address(path)}."


def ris(part: str | None = None, path: str = "") -> str:
    """RIS record (for reference managers such as Zotero or EndNote), with the URL."""
    b = book()
    lines = ["TY  - BOOK" if part is None else "TY  - CHAP", f"AU  - {b.authors}", f"PY  - {b.year}",
             f"TI  - {b.title if part is None else part}"]
    if part is not None:
        lines.append(f"T2  - {b.title}")
    lines += [f"ET  - {b.version}", f"DA  - {b.date}", f"UR  - {address(path if part else '')}", "ER  - "]
    return "\n".join(lines)
