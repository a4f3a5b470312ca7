"""Execute the pages that need it in parallel, before Sphinx reads them.

Sphinx (through MyST-NB) executes notebooks one after another while it reads
the pages. Each execution starts a kernel and imports pandas and matplotlib,
so most of a clean build is spent waiting for kernels, one at a time. This
step finds the pages whose executed version is not in the execution cache,
runs them in parallel worker processes, and stores the results in the same
cache, in the same way MyST-NB does. When Sphinx then reads the pages, it
finds them cached. A page that fails here is simply not cached: Sphinx runs
it again and reports the error with its traceback, as it always does.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml

from omcc.paths import ROOT


def toc_pages(root: Path = ROOT) -> list[Path]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [root / f"{f}.md" for f in files]


def read_notebook(path: Path):
    """The page as MyST-NB reads it (None if it is plain Markdown, not a notebook)."""
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    text = path.read_text(encoding="utf-8")
    if not is_myst_markdown_notebook(text):
        return None
    return read_myst_markdown_notebook(text, add_source_map=True, path=str(path))


def pages_to_execute(cache_path: Path, root: Path = ROOT) -> list[Path]:
    """Notebook pages with code whose executed version is not in the cache."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    todo = []
    for path in toc_pages(root):
        nb = read_notebook(path)
        if nb is None or not any(c.cell_type == "code" for c in nb.cells):
            continue
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            todo.append(path)
    return todo


def _execute(path_str: str, timeout: int) -> tuple[str, str | None, float, str | None]:
    """Worker: execute one page; return (path, executed notebook JSON or None, seconds, error)."""
    from jupyter_cache.executors.utils import single_nb_execution

    path = Path(path_str)
    problem = None
    for _attempt in range(2):  # a kernel can die at start-up when two start at once: try again
        nb = read_notebook(path)
        try:
            result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False, meta_override=True)
        except Exception as exc:  # noqa: BLE001 - any failure here falls back to Sphinx's own run
            problem = f"{type(exc).__name__}: {exc}"
            continue
        if result.err:
            return path_str, None, result.time, result.exc_string or str(result.err)
        return path_str, nbformat.writes(result.nb), result.time, None
    return path_str, None, 0.0, problem


def execute_pending(cache_path: Path, timeout: int = 300, workers: int | None = None, log=print) -> list[str]:
    """Execute every page that needs it, in parallel; cache the successes.

    Returns the pages executed successfully (repository-relative, without .md).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    todo = pages_to_execute(cache_path)
    if not todo:
        return []
    workers = workers or max(1, min(len(todo), os.cpu_count() or 1))
    log(f"executing {len(todo)} page(s) in {workers} parallel worker(s)")
    start = time.perf_counter()
    cache = get_cache(str(cache_path))
    done = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_execute, str(p), timeout) for p in todo]
        for future in futures:
            try:
                path_str, nb_json, seconds, error = future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker: Sphinx runs the page instead
                log(f"a pre-execution worker failed ({type(exc).__name__}); Sphinx will run its page")
                continue
            page = Path(path_str).relative_to(ROOT).with_suffix("").as_posix()
            if error:
                log(f"{page}: failed in pre-execution; Sphinx will run it again and report the error")
                continue
            # the cached notebook must hash like the one MyST-NB reads: cache the
            # freshly read page with the outputs of the executed copy
            nb = read_notebook(Path(path_str))
            executed = nbformat.reads(nb_json, as_version=4)
            for cell, done_cell in zip(nb.cells, executed.cells):
                if cell.cell_type == "code":
                    cell.outputs = done_cell.outputs
                    cell.execution_count = done_cell.get("execution_count")
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, path_str, data={"execution_seconds": seconds}), check_validity=False, overwrite=True
            )
            done.append(page)
            log(f"{page}: executed in {seconds:.1f} s")
    log(f"pre-execution took {time.perf_counter() - start:.1f} s")
    return done
