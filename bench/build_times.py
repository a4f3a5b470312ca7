#!/usr/bin/env python3
"""Benchmark: clean build, no-op rebuild and one-CSV-edit rebuild of the book.

    .venv/bin/python bench/build_times.py [--runs 3]

Runs in a throw-away copy of the repository (your _build is untouched) and
prints the median wall time of each scenario, with the number of pages
executed (read from the build's own log). The virtual environment is reused,
so its creation is not timed. The site is built without the PDF edition (as
`make html`), unless --pdf is given.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.conftest import copy_repo  # noqa: E402


HTML_ONLY = ["--html-only"]  # the analyst's loop (`make html`); --pdf times `make book` with the PDF edition


def build(root: Path) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(root))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "omcc.book.build", *HTML_ONLY], cwd=root, env=env,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    log = result.stdout + result.stderr
    executed = len(re.findall(r"\[book\] \S+: executed in|\.md: Executing notebook", log))
    return elapsed, executed


def edit_a_csv(root: Path, run: int) -> None:
    """Change one value of one table (a different value each run)."""
    path = root / "data" / "accelerator_specs.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    target = next(i for i, line in enumerate(lines) if line.startswith("h20,bf16_dense_tflops,") and ",true," in line)
    cells = lines[target].split(",")
    cells[header.index("value")] = str(148 + (run % 2))  # alternate so every run is an edit
    lines[target] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="build the PDF edition too (make book with XeLaTeX)")
    args = parser.parse_args()
    if args.pdf:
        HTML_ONLY.clear()
    results: dict[str, list[tuple[float, int]]] = {"clean": [], "no-op": [], "one CSV edit": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_repo(Path(tmp) / "repo", ROOT)
        for run in range(args.runs):
            shutil.rmtree(root / "_build", ignore_errors=True)
            results["clean"].append(build(root))
            results["no-op"].append(build(root))
            edit_a_csv(root, run + 1)
            results["one CSV edit"].append(build(root))
    print(f"build times over {args.runs} runs (machine: {os.cpu_count()} cores)")
    print(f"{'scenario':<14} {'median s':>9} {'min s':>7} {'max s':>7} {'pages executed':>15}")
    for name, rows in results.items():
        times = [t for t, _ in rows]
        pages = statistics.median(n for _, n in rows)
        print(f"{name:<14} {statistics.median(times):>9.1f} {min(times):>7.1f} {max(times):>7.1f} {pages:>15.0f}")


if __name__ == "__main__":
    main()
