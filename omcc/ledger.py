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
        from omcc import inputs

        text = inputs.record_file(page).decode("utf-8")  # the page that checks this re-runs when the chapter changes
        if not re.search(rf"^\({re.escape(row['section'])}\)=\s*$", text, re.M):
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


# --- trip-wires -------------------------------------------------------------------------

UNDER_REVIEW = "under review"


def evaluate_checks(checks: pd.DataFrame, numbers: dict) -> dict[str, list[dict]]:
    """Evaluate every condition of `checks` (the claim_checks table) against the
    chapters' key numbers (page -> name -> record). Returns claim_id -> list of
    results, each with the condition, the number's value and text, and `holds`.
    A condition naming a number no page computes raises ValueError."""
    out: dict[str, list[dict]] = {}
    for _, row in checks.iterrows():
        page = f"chapters/{row['page']}"
        record = numbers.get(page, {}).get(row["key_number"])
        if record is None:
            raise ValueError(f"data/claim_checks.csv: condition {row['check_id']} names key number "
                             f"'{row['key_number']}', which chapters/{row['page']}.md does not glue")
        value = record.get("value")
        low = None if pd.isna(row["low"]) else float(row["low"])
        high = None if pd.isna(row["high"]) else float(row["high"])
        holds = value is not None and (low is None or value >= low) and (high is None or value <= high)
        out.setdefault(row["claim_id"], []).append({
            "check_id": row["check_id"], "condition": row["condition"], "page": row["page"],
            "key_number": row["key_number"], "value": value, "text": record.get("text", ""),
            "low": low, "high": high, "holds": bool(holds),
        })
    return out


def status(results: dict[str, list[dict]], claim_id: str) -> str:
    """'holds', 'under review' (a condition broke) or 'no condition'."""
    mine = results.get(claim_id, [])
    if not mine:
        return "no condition"
    return "holds" if all(r["holds"] for r in mine) else UNDER_REVIEW


def glue_verdicts(claims: pd.DataFrame, ids: list[str]) -> None:
    """For a chapter's opening: glue `verdict_c8` (the badge, Markdown) and
    `claim_c8` (the claim in short) for each claim in `ids`."""
    from IPython.display import Markdown
    from myst_nb import glue

    frame = claims.set_index("claim_id", drop=False) if "claim_id" in claims.columns else claims
    for cid in ids:
        row = frame.loc[cid]
        glue(f"verdict_{cid.lower()}", Markdown(badge(row["verdict"])), display=False)


def figures_in_section(chapter: str, section: str, chapters_dir=CHAPTERS) -> list[str]:
    """Names of the figures (fig-...) in a chapter's section: from its label
    `(section)=` to the next section label of the same or higher level."""
    from omcc import inputs

    text = inputs.record_file(chapters_dir / f"{chapter}.md").decode("utf-8")
    start = re.search(rf"^\({re.escape(section)}\)=\s*\n(#+) ", text, re.M)
    if not start:
        return []
    level = len(start.group(1))
    rest = text[start.end():]
    end = re.search(rf"^\([a-z0-9-]+\)=\s*\n#{{1,{level}}} ", rest, re.M)
    body = rest[: end.start()] if end else rest
    return re.findall(r"name:\s*(fig-[a-z0-9-]+)", body)
