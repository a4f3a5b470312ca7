"""The claims ledger: the verdict scale, validation and rendering helpers.

The scale is fixed and documented here; `data/datapackage.json` repeats it as
the enum of claims.verdict (a test keeps the two equal).
"""

from __future__ import annotations

import re
import textwrap

import pandas as pd

from omcc.bib import source_keys
from omcc.paths import CHAPTERS

# Verdict -> what it means. Order: from best-supported to least.
VERDICTS = {
    "supported": "The data back the claim as the article states it.",
    "partly supported": "True in part, or true only under a narrower reading than the article's.",
    "misleading": "The figure may be accurate, but the framing leads a reader to a wrong conclusion.",
    "unsupported": "Checked and found wanting: the evidence contradicts the claim, or the source it names, once read, does not say it.",
    "unverifiable": "Could not be checked: the source it names could not be read, and no public data bear on the claim either way.",
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


def badge(verdict: str, label: str | None = None) -> str:
    """MyST for a verdict badge (sphinx-design), optionally with a translated label."""
    return f"{{bdg-{BADGE[verdict]}}}`{label or verdict}`"


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
    from omcc.numbers import vi_text

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
            "text_vi": vi_text(record),
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

    from omcc.i18n import VERDICTS_VI

    frame = claims.set_index("claim_id", drop=False) if "claim_id" in claims.columns else claims
    for cid in ids:
        row = frame.loc[cid]
        glue(f"verdict_{cid.lower()}", Markdown(badge(row["verdict"])), display=False)
        glue(f"verdict_{cid.lower()}__vi", Markdown(badge(row["verdict"], VERDICTS_VI[row["verdict"]])), display=False)


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


# --- rendering the ledger, the scorecard and the summaries ---------------------------------

CHAPTER_TITLES = {
    "adoption": "Adoption of open models",
    "export_controls": "Export controls and smuggling",
    "efficiency": "Algorithmic efficiency",
    "energy": "Data-centre energy and subsidies",
    "investment": "Investment risk",
}
REVIEW_BADGE = "{bdg-dark}`under review`"


def _short_number(value) -> str:
    return "not available" if value is None else f"{value:g}"


ENTRY_WORDS = {
    "en": {"says": "The article says", "names": "source it names", "why": "Why this verdict",
           "original": "Original source", "read": "read at the publisher",
           "not_read": "identified, but not read at the publisher; the chapter names what was read instead",
           "not_found": "not found", "evidence": "Evidence", "in": "in", "tier": "strongest evidence",
           "rests": "This verdict rests on", "holds": "holds", "broken": "broken: verdict under review",
           "now": "now", "zero": "none", "none": "no condition recorded yet"},
    "vi": {"says": "Bài báo viết", "names": "nguồn bài báo dẫn", "why": "Lý do của kết luận",
           "original": "Nguồn gốc", "read": "đã đọc tại nơi công bố",
           "not_read": "đã xác định nhưng không đọc được tại nơi công bố; chương tương ứng ghi rõ đã đọc bản nào thay thế",
           "not_found": "không tìm thấy", "evidence": "Bằng chứng (tiếng Anh)", "in": "trong chương",
           "tier": "loại bằng chứng mạnh nhất", "rests": "Kết luận dựa trên các điều kiện sau (tiếng Anh)",
           "holds": "vẫn đúng", "broken": "không còn đúng: kết luận đang được xem xét lại", "now": "hiện là",
           "zero": "không có", "none": "chưa có điều kiện nào"},
}


def entry_markdown(row, results: list[dict], figures: list[str], lang: str = "en") -> str:
    """MyST for one claim's ledger entry, in English or Vietnamese. Every text
    from data is escaped; only identifiers (keys, labels, figure names) become markup."""
    from omcc.text import md_escape

    w = ENTRY_WORDS[lang]
    cid = row["claim_id"]
    review = status({cid: results}, cid) == UNDER_REVIEW
    if lang == "vi":
        from omcc.i18n import VERDICTS_VI

        head = badge(row["verdict"], VERDICTS_VI[row["verdict"]]) + (
            " {bdg-dark}`" + VERDICTS_VI[UNDER_REVIEW] + "`" if review else "")
        claim, reasons, named = row["claim_vi"], row["reasons_vi"], row["article_source_vi"]
    else:
        head = badge(row["verdict"]) + (" " + REVIEW_BADGE if review else "")
        claim, reasons, named = row["claim"], row["reasons"], row["article_source"]
    lines = [head, ""]
    lines.append(f"**{w['says']}:** {md_escape(claim)} ({w['names']}: {md_escape(named)})")
    lines.append("")
    lines.append(f"**{w['why']}:** {md_escape(reasons)}")
    lines.append("")
    original = row["original_source"]
    if pd.notna(original) and str(original).strip():
        how = w["read"] if row["original_found"] else w["not_read"]
        lines.append(f"**{w['original']}:** {{cite:t}}`{original}` ({how}).")
    else:
        lines.append(f"**{w['original']}:** {w['not_found']}.")
    lines.append("")
    titles = CHAPTER_TITLES
    tier = str(row["evidence_tier"]).replace("_", " ")
    if lang == "vi":
        from omcc.i18n import CHAPTER_TITLES_VI, EVIDENCE_TIERS_VI

        titles, tier = CHAPTER_TITLES_VI, EVIDENCE_TIERS_VI.get(str(row["evidence_tier"]), tier)
    evidence = f"**{w['evidence']}:** {{ref}}`{row['section']}` {w['in']} {{doc}}`{titles.get(row['chapter'], row['chapter'])} <{row['chapter']}>`"
    if figures:
        evidence += "; " + ", ".join(f"{{numref}}`{f}`" for f in figures)
    lines.append(evidence + f" ({w['tier']}: {md_escape(tier)}).")
    lines.append("")
    if results:
        lines.append(f"**{w['rests']}:**")
        lines.append("")
        for r in results:
            mark = w["holds"] if r["holds"] else f"**{w['broken']}**"
            shown = r.get("text_vi", r["text"]) if lang == "vi" else r["text"]
            shown = w["zero"] if r["value"] == 0 else shown  # "now none", not "now 0"
            lines.append(f"- {md_escape(r['condition'])}: {w['now']} {md_escape(shown)} ({mark}).")
    else:
        lines.append(f"**{w['rests']}:** {w['none']}.")
    return "\n".join(lines)


def short_title(row) -> str:
    """The claim's short title (claims.title), or its text."""
    title = row.get("title") if hasattr(row, "get") else None
    return str(title) if title is not None and not pd.isna(title) and str(title).strip() else str(row["claim"])


def scorecard_grid(claims: pd.DataFrame, checks: dict) -> pd.DataFrame:
    """The scorecard: a row per chapter (in book order), a column per step of the
    verdict scale, and in each cell the claims of that chapter with that verdict,
    each a link to its ledger entry (a claim under review is marked). Cells hold
    identifiers and escaped titles only."""
    from omcc.text import md_escape

    rows = []
    for chapter, title in CHAPTER_TITLES.items():
        mine = claims[claims["chapter"] == chapter].copy()
        mine["_n"] = mine["claim_id"].str[1:].astype(int)
        out = {"Chapter": f"{{doc}}`{title} <{chapter}>`"}
        for verdict in VERDICTS:
            cells = []
            for _, row in mine[mine["verdict"] == verdict].sort_values("_n").iterrows():
                cid = row["claim_id"]
                mark = " (under review)" if status(checks, cid) == UNDER_REVIEW else ""
                cells.append(f"[{cid}: {md_escape(short_title(row))}{mark}](#{cid.lower()})")
            out[verdict.capitalize()] = " · ".join(cells)
        rows.append(out)
    return pd.DataFrame(rows)


SCORECARD_MIME = "application/vnd.omcc.scorecard+json"


def scorecard_data(claims: pd.DataFrame, checks: dict, labels: dict | None = None) -> dict:
    """The scorecard's content: chapters in book order, each with its claims (id,
    short title, verdict, whether under review). `labels` translates the chapter
    titles, claim titles and verdict names (Vietnamese edition)."""
    labels = labels or {}
    data = {"scale": [{"verdict": v, "label": labels.get(v, v)} for v in VERDICTS], "chapters": [],
            "review": labels.get(UNDER_REVIEW, UNDER_REVIEW), "scale_label": labels.get("scale", "Verdict scale")}
    for chapter, title in CHAPTER_TITLES.items():
        mine = claims[claims["chapter"] == chapter].copy()
        mine["_n"] = mine["claim_id"].str[1:].astype(int)
        data["chapters"].append({
            "chapter": chapter, "title": labels.get(chapter, title),
            "claims": [{"id": r["claim_id"], "title": str(labels.get(("title", r["claim_id"]), short_title(r))),
                        "verdict": r["verdict"], "review": status(checks, r["claim_id"]) == UNDER_REVIEW}
                       for _, r in mine.sort_values("_n").iterrows()],
        })
    return data


def glue_scorecard(name: str, claims: pd.DataFrame, checks: dict, labels: dict | None = None) -> dict:
    """Glue the scorecard (shown by the `scorecard` directive) and return its data."""
    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    data = scorecard_data(claims, checks, labels)
    display({GLUE_PREFIX + SCORECARD_MIME: data, GLUE_PREFIX + "text/plain": "scorecard"}, raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}})
    return data


VERDICT_COLOURS = {  # as on the pages (_static/custom.css); none is orange, which means China
    "supported": "#1a7f37",
    "partly supported": "#0b5cad",
    "misleading": "#7a3fc0",
    "unsupported": "#b42318",
    "unverifiable": "#57606a",
}


def _text_width(fig, text: str, **font) -> float:
    """Width of `text` drawn with `font`, as a fraction of the figure's width."""
    renderer = fig.canvas.get_renderer()
    probe = fig.text(0, 0, text, **font)
    wide = probe.get_window_extent(renderer).width
    probe.remove()
    return wide / (fig.get_figwidth() * fig.dpi)


def _wrap_to_width(fig, text: str, width: float, **font) -> str:
    """`text` wrapped at word breaks so that no line is wider than `width` (a
    fraction of the figure's width) when drawn with `font`."""
    full = _text_width(fig, text, **font)
    if full <= width:
        return text
    # start from the proportional estimate, then narrow until it fits (a few measurements)
    for chars in range(min(len(text), int(len(text) * width / full) + 3), 8, -1):
        wrapped = textwrap.fill(text, width=chars)
        if _text_width(fig, wrapped, **font) <= width:
            return wrapped
    return textwrap.fill(text, width=8)


def scorecard_figure(data: dict, title: str, subtitle: str, lang: str = "en"):
    """The scorecard (from `glue_scorecard`'s data) drawn as an image, for the
    downloads and slides: the chapter at the left, a row per claim, the verdict in
    its colour at the right. Long titles wrap (never truncate) and take a taller row."""
    from omcc.figures import INK, MUTED, new_figure

    fig, ax = new_figure(title, subtitle, lang=lang)
    ax.axis("off")
    labels = {s["verdict"]: s["label"] for s in data["scale"]}
    body = dict(fontsize=10, color=INK, linespacing=1.0)
    pill = dict(fontsize=10, fontweight="bold")  # the verdict, in its colour, named in words
    # The axes span about the figure's width once laid out; widths below are
    # fractions of it. The verdict column is as wide as its widest label.
    span = 0.95
    pill_labels = ["\u25a0 " + labels[c["verdict"]] + (f" ({data['review']})" if c["review"] else "")
                   for ch in data["chapters"] for c in ch["claims"]]
    pill_width = max(_text_width(fig, t, **pill) for t in pill_labels) / span
    x_verdict = 1 - pill_width
    chapter_width, x_id, x_title = 0.14, 0.197, 0.207  # the ids right-aligned against the titles
    title_width = (x_verdict - 0.02 - x_title) * span
    groups = []  # (chapter heading, [(claim, wrapped title, height)], height), heights in line units
    for chapter in data["chapters"]:
        heading = _wrap_to_width(fig, chapter["title"], chapter_width * span, fontsize=10, fontweight="bold")
        rows = []
        for c in chapter["claims"]:
            wrapped = _wrap_to_width(fig, c["title"], title_width, **body)
            rows.append((c, wrapped, 1.0 + 0.85 * wrapped.count("\n")))
        height = max(sum(r[2] for r in rows), 0.95 * (heading.count("\n") + 1))
        groups.append((heading, rows, height))
    gap = 0.4
    total = sum(g[2] for g in groups) + gap * (len(groups) - 1)
    top = 1.0
    for n, (heading, rows, height) in enumerate(groups):
        if n:
            ax.plot([0, 1], [top + gap / 2 / total] * 2, color="#d0d7de", linewidth=0.8, transform=ax.transAxes,
                    clip_on=False)
        ax.text(0, top, heading, fontsize=10, fontweight="bold", color=MUTED, va="top", linespacing=1.0,
                transform=ax.transAxes)
        y0 = top
        for c, wrapped, h in rows:
            y = y0 - h / 2 / total
            ax.text(x_id, y, c["id"], fontweight="bold", va="center", ha="right", **body, transform=ax.transAxes)
            ax.text(x_title, y, wrapped, va="center", **body, transform=ax.transAxes)
            label = labels[c["verdict"]] + (f" ({data['review']})" if c["review"] else "")
            ax.text(x_verdict, y, "\u25a0 " + label, va="center", **pill, color=VERDICT_COLOURS[c["verdict"]],
                    transform=ax.transAxes)
            y0 -= h / total
        top -= (height + gap) / total
    return fig
