"""Editions: what a published edition said, and what has changed since.

A published edition leaves a snapshot in `editions/<version>/` (in the repository):

- `key_numbers.csv`: every number the text glued (page, name, value, unit, text,
  and the data rows it was computed from);
- `verdicts.csv`: each claim's verdict;
- `figures.csv`: for each figure, a hash of the data it plots and of its image;
- `rows.csv`: a hash of every data row (table, key), to say *why* a number moved.

    python -m omcc.book.edition freeze 0.2.0   # after `make book`, when publishing

The changelog page and the build compare the current build with the newest
snapshot: each number that changed (old, new, and the rows behind it that were
edited), each verdict that changed, each figure redrawn.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

from omcc.paths import ROOT

EDITIONS = ROOT / "editions"
NUMBER_COLUMNS = ["page", "name", "value", "unit", "text", "rows"]


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.-]", version))


def latest(before: str | None = None, folder: Path = EDITIONS) -> Path | None:
    """The newest snapshot (older than `before`, if given)."""
    versions = [p for p in folder.iterdir() if p.is_dir()] if folder.exists() else []
    if before:
        versions = [p for p in versions if _version_key(p.name) < _version_key(before)]
    return max(versions, key=lambda p: _version_key(p.name), default=None)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


# --- what a build or an edition holds ---------------------------------------------------


def row_digests(root: Path = ROOT) -> dict[tuple[str, str], str]:
    """(table, key) -> hash of the row, for every row of the data package."""
    from omcc.datapackage import read_descriptor, validate_table
    from omcc.numbers import rows_of

    out = {}
    for res in read_descriptor(root)["resources"]:
        frame, _ = validate_table(res["name"], root)
        pk = res["schema"].get("primaryKey", [])
        frame.attrs.update(omcc_table=res["name"], omcc_key=[pk] if isinstance(pk, str) else list(pk))
        for row in rows_of(frame):
            out[(row["table"], row["key"])] = row["digest"]
    return out


def figure_digests(site: Path) -> dict[str, dict]:
    """name -> hashes of the plotted data (CSV without its header lines) and image."""
    out = {}
    for png in sorted((site / "figures").glob("fig-*.png")):
        if png.name.endswith(".slide.png"):
            continue
        name = png.name.removesuffix(".png")
        data = png.with_suffix(".csv")
        body = "".join(line for line in data.read_text(encoding="utf-8").splitlines(True)
                       if not line.startswith("#")) if data.exists() else ""
        out[name] = {"data": hashlib.sha256(body.encode()).hexdigest(), "image": hashlib.sha256(png.read_bytes()).hexdigest()}
    return out


def freeze(version: str, site: Path, root: Path = ROOT, folder: Path = EDITIONS) -> Path:
    """Write the snapshot of the edition built in `site` from the files in `root`."""
    target = folder / version
    target.mkdir(parents=True, exist_ok=True)
    numbers = read_csv(site / "key_numbers.csv")
    write_csv(target / "key_numbers.csv", numbers, NUMBER_COLUMNS)
    claims = read_csv(root / "data" / "claims.csv")
    write_csv(target / "verdicts.csv", claims, ["claim_id", "verdict"])
    figures = [{"name": n, **d} for n, d in figure_digests(site).items()]
    write_csv(target / "figures.csv", figures, ["name", "data", "image"])
    rows = [{"table": t, "key": k, "digest": d} for (t, k), d in sorted(row_digests(root).items())]
    write_csv(target / "rows.csv", rows, ["table", "key", "digest"])
    return target


# --- what changed -----------------------------------------------------------------------------


def _number_rows(cell: str) -> list[tuple[str, str]]:
    out = []
    for part in filter(None, (p.strip() for p in (cell or "").split(";"))):
        table, _, key = part.partition(": ")
        out.append((table, key))
    return out


def compare(previous: Path, numbers: list[dict], verdicts: dict[str, str], figures: dict[str, dict],
            rows_now: dict[tuple[str, str], str]) -> dict:
    """Differences between the snapshot in `previous` and the current build.

    `numbers` are the current key-number rows (as in key_numbers.csv), `verdicts`
    claim -> verdict, `figures` name -> hashes, `rows_now` (table, key) -> hash."""
    old_numbers = {(r["page"], r["name"]): r for r in read_csv(previous / "key_numbers.csv")}
    new_numbers = {(r["page"], r["name"]): r for r in numbers}
    old_rows = {(r["table"], r["key"]): r["digest"] for r in read_csv(previous / "rows.csv")}
    changed_rows = {k for k, d in rows_now.items() if old_rows.get(k) != d}
    changed, added, removed = [], [], []
    for key, new in sorted(new_numbers.items()):
        old = old_numbers.get(key)
        if old is None:
            added.append(new)
            continue
        if _same(old.get("value"), new.get("value")) and old.get("text") == new.get("text"):
            continue
        behind = [r for r in _number_rows(new.get("rows", "")) if r in changed_rows]
        changed.append({"page": key[0], "name": key[1], "old": old.get("text", ""), "new": new.get("text", ""),
                        "rows": behind})
    removed = [old_numbers[k] for k in sorted(set(old_numbers) - set(new_numbers))]
    old_verdicts = {r["claim_id"]: r["verdict"] for r in read_csv(previous / "verdicts.csv")}
    verdict_changes = [{"claim_id": c, "old": old_verdicts.get(c, ""), "new": v}
                       for c, v in sorted(verdicts.items(), key=lambda kv: int(kv[0][1:])) if old_verdicts.get(c) != v]
    old_figures = {r["name"]: r for r in read_csv(previous / "figures.csv")}
    redrawn = []
    for name, new in sorted(figures.items()):
        old = old_figures.get(name)
        if old is None:
            redrawn.append({"name": name, "why": "new figure"})
        elif old["data"] != new["data"]:
            redrawn.append({"name": name, "why": "its data changed"})
        elif old["image"] != new["image"]:
            redrawn.append({"name": name, "why": "redrawn (same data)"})
    return {"edition": previous.name, "changed": changed, "added": added, "removed": removed,
            "verdicts": verdict_changes, "figures": redrawn, "rows_edited": sorted(changed_rows)}


def _same(a, b) -> bool:
    try:
        return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(a)))
    except (TypeError, ValueError):
        return (a or "") == (b or "")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] != "freeze":
        print("usage: python -m omcc.book.edition freeze <version>   (after make book)", file=sys.stderr)
        return 2
    site = ROOT / "_build" / "html"
    if not (site / "key_numbers.csv").exists():
        print("build the book first (make book)", file=sys.stderr)
        return 1
    print(f"snapshot written to {freeze(argv[1], site).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
