#!/usr/bin/env python3
"""Benchmark: how fast and accessible the built site is, page by page, as readers get it.

    .venv/bin/python bench/site_speed.py [HTML_DIR] [--runs 1] [--pages chapters/index.html ...]

Runs the site harness of ../shared/tools/site (Debian's Chromium, offline) on the
built book: Lighthouse on a phone profile (slow 4G, 4x CPU) with a host that
gzips (as GitHub Pages does) and with one that does not, axe-core, and the page
weight. Prints one Markdown table (a row per page: the four Lighthouse scores
with gzip, performance without, LCP, first-visit transfer in KB, axe violations)
and the targets of the edition. Re-run after `make book`; noisy on a busy
machine: use --runs 3 for decisions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT.parent / "shared" / "tools" / "site"
TARGETS = {"perf_gzip": 95, "perf_plain": 90, "a11y": 100, "bp": 100, "seo": 100, "lcp_s": 2.5, "kb": 350, "axe": 0}


def lighthouse(site: Path, server: str, runs: int, pages: list[str]) -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, LH_SERVER=server, LH_RUNS=str(runs), LH_OUT=out, LH_MIN="0")
        subprocess.run([str(HARNESS / "serve_and_lighthouse.sh"), str(site), *pages], env=env,
                       capture_output=True, text=True)
        results = {}
        for report in Path(out).glob("**/*.json"):
            try:
                data = json.loads(report.read_text())
            except ValueError:
                continue
            if "categories" not in data:
                continue
            page = _page_of(data.get("finalDisplayedUrl") or data.get("requestedUrl", ""))
            audits = data["audits"]
            results.setdefault(page, []).append({
                "perf": round(100 * (data["categories"]["performance"]["score"] or 0)),
                "a11y": round(100 * (data["categories"]["accessibility"]["score"] or 0)),
                "bp": round(100 * (data["categories"]["best-practices"]["score"] or 0)),
                "seo": round(100 * (data["categories"]["seo"]["score"] or 0)),
                "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
                "kb": audits["total-byte-weight"]["numericValue"] / 1024,
            })
    return {page: _median(rows) for page, rows in results.items()}


def _page_of(url: str) -> str:
    path = re.sub(r"^https?://[^/]+/", "", url).split("?")[0].split("#")[0]
    return path or "index.html"


def _median(rows: list[dict]) -> dict:
    out = {}
    for key in rows[0]:
        values = sorted(r[key] for r in rows)
        out[key] = values[len(values) // 2]
    return out


def axe(site: Path, pages: list[str]) -> dict[str, int]:
    done = subprocess.run([str(HARNESS / "axe_check.sh"), str(site), *pages], capture_output=True, text=True,
                          env=dict(os.environ, AXE_MAX_VIOLATIONS="100000"))
    counts = {}
    for line in done.stdout.splitlines():
        m = re.match(r"^(\S+\.html)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", line)
        if m:
            counts[m.group(1)] = int(m.group(6))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", nargs="*", default=[])
    args = parser.parse_args()
    site = Path(args.site)
    gz = lighthouse(site, "gzip", args.runs, args.pages)
    plain = lighthouse(site, "plain", args.runs, args.pages)
    violations = axe(site, args.pages)
    print("| page | perf (gzip) | perf (no gzip) | a11y | best practices | SEO | LCP (s) | first visit (KB) | axe |")
    print("|---|---|---|---|---|---|---|---|---|")
    worst = {}
    for page in sorted(gz):
        g, p = gz[page], plain.get(page, {})
        row = [page, g["perf"], p.get("perf", "?"), g["a11y"], g["bp"], g["seo"], f"{g['lcp_s']:.1f}",
               f"{g['kb']:.0f}", violations.get(page, "?")]
        print("| " + " | ".join(map(str, row)) + " |")
        for key, value in (("perf_gzip", g["perf"]), ("perf_plain", p.get("perf", 0)), ("a11y", g["a11y"]),
                           ("bp", g["bp"]), ("seo", g["seo"])):
            worst[key] = min(worst.get(key, 100), value)
        worst["lcp_s"] = max(worst.get("lcp_s", 0), g["lcp_s"])
        worst["kb"] = max(worst.get("kb", 0), g["kb"])
        worst["axe"] = max(worst.get("axe", 0), violations.get(page, 0))
    print()
    print("worst page: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in worst.items()))
    print("targets:    " + ", ".join(f"{k} {v}" for k, v in TARGETS.items()))
    ok = (worst.get("perf_gzip", 0) >= TARGETS["perf_gzip"] and worst.get("perf_plain", 0) >= TARGETS["perf_plain"]
          and all(worst.get(k, 0) >= TARGETS[k] for k in ("a11y", "bp", "seo"))
          and worst.get("lcp_s", 99) < TARGETS["lcp_s"] and worst.get("kb", 1e9) < TARGETS["kb"] and worst.get("axe", 1) == 0)
    print("SITE SPEED: " + ("all targets met" if ok else "some target missed"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
