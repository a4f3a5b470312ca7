"""The claims ledger: the verdict scale, validation and rendering helpers.

The scale is fixed and documented here; `data/datapackage.json` repeats it as
the enum of claims.verdict (a test keeps the two equal).
"""

from __future__ import annotations

import re

import pandas as pd

from omcc.bib import source_keys
from omcc.paths import CHAPTERS

# Verdict -> what it means. Order: from best-supported to least.
VERDICTS = {
    "supported": "The data back the claim as the article states it.",
    "partly supported": "True in part, or true only under a narrower reading than the article's.",
    "misleading": "The figure may be accurate, but the framing leads a reader to a wrong conclusion.",
    "unsupported": "The evidence contradicts the claim, or nothing backs it.",
    "unverifiable": "No public evidence either way.",
}
# sphinx-design badge colour for each verdict (the text always names the verdict:
# colour is never the only cue). Colours are set for contrast in _static/custom.css.
BADGE = {
    "supported": "success",
    "partly supported": "info",
    "misleading": "warning",
    "unsupported": "danger",
    "unverifiable": "secondary",
}
CLAIM_IDS = [f"C{i}" for i in range(1, 15)]


def validate(claims: pd.DataFrame, chapters_dir=CHAPTERS) -> None:
    """Raise ValueError unless every claim C1..C14 is present once, with a verdict on
    the scale, and its evidence section label exists in its chapter."""
    ids = list(claims["claim_id"])
    missing = [c for c in CLAIM_IDS if c not in ids]
    if missing:
        raise ValueError(f"claims ledger: no row for {', '.join(missing)}")
    for _, row in claims.iterrows():
        verdict = row["verdict"]
        if pd.isna(verdict) or verdict not in VERDICTS:
            raise ValueError(f"claims ledger: {row['claim_id']} has verdict {verdict!r}, not one of {list(VERDICTS)}")
        page = chapters_dir / f"{row['chapter']}.md"
        if not page.exists():
            raise ValueError(f"claims ledger: {row['claim_id']} points to a missing chapter {row['chapter']!r}")
        if not re.search(rf"^\({re.escape(row['section'])}\)=\s*$", page.read_text(encoding="utf-8"), re.M):
            raise ValueError(f"claims ledger: {row['claim_id']} points to section {row['section']!r}, "
                             f"which is not a label in chapters/{row['chapter']}.md")


def tally(claims: pd.DataFrame) -> pd.Series:
    """Number of claims per verdict, in scale order (zeros included)."""
    return claims["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


def badge(verdict: str) -> str:
    """MyST for a verdict badge (sphinx-design)."""
    return f"{{bdg-{BADGE[verdict]}}}`{verdict}`"


def keys(cell) -> list[str]:
    """Bib keys in one source cell."""
    return source_keys(cell)
