"""Execute the chapter notebooks, and keep their results only while they are true.

Each page (a MyST Markdown notebook) is executed in a forked copy of the build
process, which has already imported pandas, matplotlib and the package: a page
starts in milliseconds instead of waiting for a Jupyter kernel and its imports
(measured: see bench/build_times.py and the README). The cells run in an IPython
shell, and their outputs are captured as a Jupyter kernel would send them.

The result of a page is cached under `_build/cache/`, keyed on the page's code,
and it records what the page read (`omcc.inputs`): the content hash of every
table, file and of the package code. A cached result is used only while every
one of those hashes is unchanged. So:

- a data edit re-executes exactly the pages that read the edited table;
- a failed or interrupted build stores nothing for the pages it did not finish,
  and what it did store is re-checked against the data before use;
- a copied or moved project folder behaves like the original, because nothing
  is keyed on paths or times.

Pages whose front matter says `omcc: {reads_key_numbers: true}` (the summary,
the ledger, the front page) read the key numbers of the other pages, so they run
in a second round, after the chapters.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from omcc import inputs
from omcc.paths import ROOT

CACHE_DIR_NAME = "cache"
TIMEOUT = 300  # seconds per page


@dataclass
class Page:
    docname: str  # e.g. "chapters/adoption"
    path: Path
    nb: object = None  # nbformat notebook as MyST-NB reads it, or None for plain Markdown
    code_key: str = ""
    second_round: bool = False

    @property
    def is_notebook(self) -> bool:
        return self.nb is not None and any(c.cell_type == "code" for c in self.nb.cells)


@dataclass
class Result:
    outputs: list = field(default_factory=list)  # one list of outputs per code cell
    counts: list = field(default_factory=list)
    inputs: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: dict | None = None
    digest: str = ""  # hash of the cache entry holding this result ("" before it is cached)


class PageFailed(RuntimeError):
    """A page's code raised: the message holds the page, the cell and the traceback."""


# --- pages -------------------------------------------------------------------------


def toc_docnames(root: Path = ROOT) -> list[str]:
    """The book's pages: those of the table of contents, then any other page in
    chapters/ (pages outside the contents, marked `orphan: true`)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [c["file"] for c in part.get("chapters", [])]
    others = sorted(p.relative_to(root).with_suffix("").as_posix() for p in (root / "chapters").glob("*.md"))
    return names + [n for n in others if n not in names]


def read_notebook(path: Path):
    """The page as MyST-NB reads it (None if it is plain Markdown)."""
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    text = path.read_text(encoding="utf-8")
    if not is_myst_markdown_notebook(text):
        return None
    nb = read_myst_markdown_notebook(text, add_source_map=False, path=str(path))
    # nbformat gives each cell a random id: number them instead, so an unchanged page
    # writes the same notebook and Sphinx does not read it again
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


def code_key(nb) -> str:
    """What the outputs of a notebook depend on besides its inputs: its code."""
    h = hashlib.sha256(f"{sys.version_info[:2]}\0{nb.metadata.get('kernelspec', {}).get('name', '')}".encode())
    for cell in nb.cells:
        if cell.cell_type == "code":
            h.update(b"\0cell\0" + cell.source.encode())
    return h.hexdigest()


def load_pages(root: Path = ROOT) -> list[Page]:
    pages = []
    for docname in toc_docnames(root):
        path = root / f"{docname}.md"
        nb = read_notebook(path)
        page = Page(docname, path, nb)
        if nb is not None:
            page.code_key = code_key(nb)
            page.second_round = bool((nb.metadata.get("omcc") or {}).get("reads_key_numbers"))
        pages.append(page)
    return pages


# --- the cache ---------------------------------------------------------------------


class Cache:
    """One JSON file per page code: the outputs and the inputs they were computed from."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, page: Page, root: Path = ROOT) -> Result | None:
        path = self._path(page.code_key)
        try:
            text = path.read_text(encoding="utf-8")
            entry = json.loads(text)
        except (OSError, ValueError):
            return None
        if entry.get("code_key") != page.code_key or not entry.get("complete"):
            return None
        if inputs.stale_inputs(entry["inputs"], root):
            return None
        return Result(entry["outputs"], entry["counts"], entry["inputs"], entry.get("seconds", 0.0),
                      digest=hashlib.sha256(text.encode()).hexdigest())

    def put(self, page: Page, result: Result) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {"code_key": page.code_key, "page": page.docname, "inputs": result.inputs, "outputs": result.outputs,
                 "counts": result.counts, "seconds": result.seconds, "complete": True}
        text = json.dumps(entry)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self._path(page.code_key))  # atomic: a reader sees the old entry or the new one
        result.digest = hashlib.sha256(text.encode()).hexdigest()

    def prune(self, keep: set[str]) -> None:
        """Delete entries of code that no page has any more."""
        if not self.folder.exists():
            return
        for path in self.folder.glob("*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
        for path in self.folder.glob("*.tmp"):
            path.unlink(missing_ok=True)


# --- running one page (in a forked child) --------------------------------------------


def preload() -> None:
    """Import what every page imports, once, before forking the page runners."""
    os.environ.setdefault("MPLBACKEND", "agg")
    import matplotlib

    matplotlib.use("agg")
    import IPython.core.interactiveshell  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import nbformat  # noqa: F401
    import adjustText  # noqa: F401 (places labels when a figure is drawn)
    import pandas  # noqa: F401

    import omcc  # noqa: F401
    from omcc import adoption, chips, efficiency, energy, figures, investment, ledger, numbers  # noqa: F401


def _json_safe(data: dict) -> dict:
    out = {}
    for mime, value in data.items():
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        out[mime] = value
    return out


def run_notebook(nb, cwd: Path) -> Result:
    """Execute the code cells of `nb` in a fresh IPython shell; capture outputs
    the way a Jupyter kernel reports them. Stops at the first error."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    sink: list[dict] = []

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            sink.append({"output_type": "display_data", "data": _json_safe(data), "metadata": metadata or {}})

        def clear_output(self, wait=False):
            sink.clear()

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            sink.append({"output_type": "execute_result", "data": _json_safe(format_dict),
                         "metadata": md_dict or {}, "execution_count": self.prompt_count})

        def finish_displayhook(self):
            pass

    class Stream:
        def __init__(self, name):
            self.name = name

        def write(self, text):
            if not text:
                return 0
            if sink and sink[-1]["output_type"] == "stream" and sink[-1]["name"] == self.name:
                sink[-1]["text"] += text
            else:
                sink.append({"output_type": "stream", "name": self.name, "text": text})
            return len(text)

        def flush(self):
            pass

        def isatty(self):
            return False

    error: dict = {}

    class Shell(InteractiveShell):
        def _showtraceback(self, etype, evalue, stb):
            error.update(ename=getattr(etype, "__name__", str(etype)), evalue=str(evalue), traceback=list(stb))

    os.chdir(cwd)
    shell = Shell.instance(colors="nocolor")
    from omcc import tables

    tables.register()  # import-time hooks ran in the parent, before this shell existed
    shell.display_pub = Publisher(shell=shell)
    shell.displayhook = Hook(shell=shell, cache_size=shell.cache_size)
    shell.display_trap.hook = shell.displayhook  # run_cell installs the trap's hook as sys.displayhook
    shell.display_formatter.active_types = list(shell.display_formatter.formatters)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Stream("stdout"), Stream("stderr")
    try:
        return _run_cells(nb, shell, sink, error)
    finally:
        sys.stdout, sys.stderr = saved


def _run_cells(nb, shell, sink: list, error: dict) -> Result:
    result = Result()
    start = time.perf_counter()
    count = 0
    for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        sink.clear()
        count += 1
        shell.execution_count = count
        outcome = shell.run_cell(cell.source, store_history=True)
        outputs = list(sink)
        if not outcome.success:
            if not error:  # a syntax error, or a failure IPython did not report
                exc = outcome.error_before_exec or outcome.error_in_exec
                error.update(ename=type(exc).__name__, evalue=str(exc),
                             traceback=traceback.format_exception(type(exc), exc, exc.__traceback__))
            outputs.append({"output_type": "error", **error})
            result.outputs.append(outputs)
            result.counts.append(count)
            result.error = {"cell": index, **error}
            break
        result.outputs.append(outputs)
        result.counts.append(count)
    result.seconds = time.perf_counter() - start
    result.inputs = inputs.recorded_inputs(o for cell in result.outputs for o in cell)
    return result


# --- running many pages --------------------------------------------------------------


_children: set[int] = set()  # process groups of running page runners


def kill_children() -> None:
    """Stop every page runner and whatever it started (each runs in its own group)."""
    for pgid in list(_children):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
        try:
            os.waitpid(pgid, 0)
        except ChildProcessError:
            pass
        _children.discard(pgid)


def _fork_page(page: Page, out_path: Path) -> int:
    pid = os.fork()
    if pid == 0:  # child: run the page, write the result, never return
        status = 1
        try:
            os.setpgid(0, 0)
            os.environ["OMCC_DOCNAME"] = page.docname  # figures number themselves from it
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            result = run_notebook(page.nb, page.path.parent)
            payload = {"outputs": result.outputs, "counts": result.counts, "inputs": result.inputs,
                       "seconds": result.seconds, "error": result.error}
            tmp = out_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(payload), encoding="utf-8")
            os.replace(tmp, out_path)
            status = 0
        except BaseException:  # noqa: BLE001 - report anything, then leave
            try:
                out_path.with_suffix(".crash").write_text(traceback.format_exc(), encoding="utf-8")
            except OSError:
                pass
        finally:
            os._exit(status)
    try:
        os.setpgid(pid, pid)  # also from the parent, so the group exists before we could signal it
    except (ProcessLookupError, PermissionError):
        pass
    _children.add(pid)
    return pid


def execute(pages: list[Page], workers: int | None = None, log=print, timeout: int = TIMEOUT,
            on_result=None) -> dict[str, Result]:
    """Execute `pages` in parallel forked runners; return docname -> Result.
    `on_result(page, result)` is called for each success as it arrives (the
    build caches it at once). Raises PageFailed, after all pages finished,
    naming every page whose code raised."""
    if not pages:
        return {}
    preload()
    workers = workers or max(1, min(len(pages), os.cpu_count() or 1))
    results: dict[str, Result] = {}
    failures: list[str] = []
    queue = list(pages)
    running: dict[int, tuple[Page, Path, float]] = {}
    with tempfile.TemporaryDirectory(prefix="omcc-exec-") as tmp:
        while queue or running:
            while queue and len(running) < workers:
                page = queue.pop(0)
                out = Path(tmp) / (page.docname.replace("/", "__") + ".json")
                pid = _fork_page(page, out)
                running[pid] = (page, out, time.perf_counter())
            pid, status = _wait_any(running, timeout)
            page, out, started = running.pop(pid)
            _children.discard(pid)
            if status is None or not out.exists():
                crash = out.with_suffix(".crash")
                why = crash.read_text(encoding="utf-8") if crash.exists() else (
                    f"timed out after {timeout} s" if status is None else f"the page runner died (status {status})")
                failures.append(f"{page.docname}: could not be executed: {why}")
                continue
            payload = json.loads(out.read_text(encoding="utf-8"))
            result = Result(payload["outputs"], payload["counts"], payload["inputs"], payload["seconds"], payload["error"])
            if result.error:
                failures.append(_describe_failure(page, result))
                continue
            results[page.docname] = result
            if on_result is not None:
                on_result(page, result)
            log(f"{page.docname}: executed in {time.perf_counter() - started:.1f} s")
    if failures:
        raise PageFailed("\n\n".join(failures))
    return results


def _wait_any(running: dict, timeout: int) -> tuple[int, int | None]:
    """Wait for one runner to end: (pid, exit status), or (pid, None) for a runner
    that ran over `timeout` and was killed."""
    while True:
        for pid, (_, _, started) in running.items():
            if time.perf_counter() - started > timeout:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(pid, 0)
                return pid, None
        for pid in running:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return pid, status
        time.sleep(0.02)


def _describe_failure(page: Page, result: Result) -> str:
    err = result.error
    cells = [c for c in page.nb.cells if c.cell_type == "code"]
    cell = cells[err["cell"]]
    line = _cell_line(page.path, cell.source)
    where = f"{page.path.relative_to(ROOT).as_posix() if page.path.is_relative_to(ROOT) else page.path}"
    where += f", code cell {err['cell'] + 1}" + (f" (line {line})" if line else "")
    tb = "\n".join(err.get("traceback", []))
    return f"{where}: {err['ename']}: {err['evalue']}\n{tb}"


def _cell_line(path: Path, source: str) -> int | None:
    text = path.read_text(encoding="utf-8")
    first = source.strip().splitlines()[0] if source.strip() else ""
    pos = text.find(first) if first else -1
    return text[:pos].count("\n") + 1 if pos >= 0 else None


def merge_outputs(page: Page, result: Result):
    """The page's notebook (current text and metadata) with the result's outputs."""
    import copy

    import nbformat

    nb = copy.deepcopy(page.nb)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for cell, outputs, count in zip(cells, result.outputs, result.counts):
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        cell.execution_count = count
    return nb
