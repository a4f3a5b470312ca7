"""What the front page, the summary and the ledger quote from the chapters.

These pages never recompute a chapter's number: they quote the chapter's own
record (value, text and provenance) from the build's list of key numbers, so a
summary cannot disagree with the chapter it summarises. A quotation names the
chapter and the number; if a chapter stops computing it, the page stops with a
message that says which.
"""

from __future__ import annotations

import pandas as pd

from omcc import ledger, load
from omcc.numbers import glue_number, glue_quoted


def quote(quotes: dict[str, tuple[str, str]]) -> dict[str, dict]:
    """Glue each quoted number: local name -> (chapter, name there). Returns the records."""
    from omcc.book import state

    numbers = state.key_numbers()
    out = {}
    for local, (chapter, name) in quotes.items():
        page = f"chapters/{chapter}"
        record = numbers.get(page, {}).get(name)
        if record is None:
            raise KeyError(f"this page quotes '{name}' from chapters/{chapter}.md, which no longer computes it: "
                           "quote another number or restore it in the chapter")
        glue_quoted(local, record, page)
        out[local] = record
    return out


def verdicts() -> tuple[pd.DataFrame, dict]:
    """The claims (validated) and the verdict conditions as evaluated in this build."""
    from omcc.book import state

    claims = load("claims")
    ledger.validate(claims)
    return claims, state.checks()


def glue_tally(claims: pd.DataFrame, checks: dict) -> None:
    """Counts for the verdict sentence: claims, per verdict, under review."""
    tally = ledger.tally(claims)
    rows = claims
    glue_number("n_claims", len(claims), style="integer", rows=rows,
                description="Claims of the article checked", formula="rows of the claims table")
    for verdict, count in tally.items():
        glue_number(f"tally_{verdict.replace(' ', '_')}", count, style="integer", rows=claims[claims["verdict"] == verdict],
                    description=f"Claims judged '{verdict}'", formula=f"claims whose verdict is '{verdict}'")
    backed = claims[claims["verdict"].isin(["supported", "partly supported"])]
    glue_number("n_backed", len(backed), style="integer", rows=backed,
                description="Claims judged supported or partly supported",
                formula="claims whose verdict is 'supported' or 'partly supported'")
    review = [c for c in claims["claim_id"] if ledger.status(checks, c) == ledger.UNDER_REVIEW]
    glue_number("n_under_review", len(review), style="integer", rows=claims,
                description="Claims whose verdict is under review because a number it rests on moved",
                formula="claims with a broken condition in claim_checks")
    checks_table = load("claim_checks")
    glue_number("n_conditions", len(checks_table), style="integer", rows=checks_table,
                description="Conditions the verdicts rest on, checked on every edition",
                formula="rows of the claim_checks table")


def data_as_of() -> pd.Timestamp:
    """The latest date on which a source behind the data was read."""
    from omcc.datapackage import resource_names

    latest = None
    for name in resource_names():
        dates = load(name)["accessed"].dropna()
        if len(dates) and (latest is None or dates.max() > latest):
            latest = dates.max()
    return latest
