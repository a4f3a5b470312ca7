"""Build the book into `_build/html`: checked, locked, atomic.

    python -m omcc.book.build            # what `make book` runs

1. Take the build lock (`_build/.lock`): a second build started meanwhile waits
   for the first, then finds the site up to date or builds on top of it.
2. Check the inputs before anything runs: the bibliography, the data package's
   descriptor and every table (`omcc.datapackage`). A broken input stops the
   build with one line per problem naming the file, line, column and rule.
3. Execute the pages that need it (`omcc.book.execute`): cached results are used
   only while the code and every input they read are unchanged.
4. Write the executed pages as notebooks into a source folder for Sphinx
   (`_build/src`), only those that changed, and build the HTML with Jupyter Book
   into `_build/staging` (warnings are errors).
5. Assemble the site in a fresh folder (only the files this build produced),
   add key numbers, figure and data downloads and, when XeLaTeX is installed, the
   PDF edition; then swap it into `_build/html` with two renames.

Any failure, Ctrl-C or SIGTERM stops the runners the build started and leaves
the previous `_build/html` exactly as it was. The site is published only if the
inputs did not change while the build ran.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import yaml

from omcc.book.publish import PDF_NAME
from omcc.paths import BUILD, ROOT

SRC = BUILD / "src"
SRC_STAMPS = BUILD / "src-stamps.json"  # outside SRC: Sphinx reads every file there
STAGING = BUILD / "staging"
SITE = BUILD / "html"
CACHE = BUILD / "cache"
STATE = BUILD / "state"
LOCK = BUILD / ".lock"
SITE_INPUTS = BUILD / "site-inputs.sha256"
SITE_INPUT_GLOBS = ["chapters/**/*.md", "data/**/*", "omcc/**/*.py", "_static/**/*", "_config.yml", "_toc.yml",
                    "references.bib", "CITATION.cff", "requirements.txt", "editions/**/*"]


def log(msg: str) -> None:
    print(f"[book] {msg}", flush=True)


class BuildStopped(Exception):
    """The build cannot go on; the message says why and what to do."""


class Interrupted(BaseException):
    """Ctrl-C, SIGTERM or SIGHUP arrived."""


# --- inputs ------------------------------------------------------------------------


def site_fingerprint(root: Path = ROOT, with_pdf: bool = False) -> str:
    """One hash of every file that can change the published site."""
    h = hashlib.sha256(b"pdf" if with_pdf else b"html")
    for pattern in SITE_INPUT_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def check_inputs(root: Path = ROOT) -> list[str]:
    """Every problem with the bibliography and the data, one line each."""
    from omcc import bib
    from omcc.datapackage import validate_package

    problems = bib.problems(root / "references.bib")
    if problems:
        return problems  # the data's source keys cannot be checked against a broken bibliography
    return [str(p) for p in validate_package(root)]


def source_date_epoch(root: Path = ROOT) -> str:
    """Build date as seconds since 1970, taken from the last commit (or, outside
    a git checkout, from CITATION.cff's date-released), so two builds of the
    same commit carry the same dates."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=True)
        if out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    import datetime as dt

    released = re.search(r'^date-released:\s*"?(\d{4}-\d{2}-\d{2})', (root / "CITATION.cff").read_text(), re.M)
    day = dt.date.fromisoformat(released.group(1)) if released else dt.date(2026, 1, 1)
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()))


# --- lock and signals ----------------------------------------------------------------


@contextlib.contextmanager
def build_lock():
    """Hold `_build/.lock` for the whole build; wait if another build has it."""
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            log(f"another build (process {holder}) is running in this folder; waiting for it to finish")
            fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def stop_on_signals():
    """Turn Ctrl-C, SIGTERM and SIGHUP into `Interrupted`, and on the way out stop
    every process the build started (page runners, Sphinx, LaTeX)."""
    from omcc.book import execute

    def handler(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, signal.SIG_IGN)  # no second signal in the middle of cleaning up
        execute.kill_children()
        _kill_descendants()
        for s, h in old.items():
            signal.signal(s, h)


def _kill_descendants() -> None:
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=3)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


_sub: list[subprocess.Popen] = []


def run(cmd: list[str], **kwargs) -> int:
    """Run a command as a child the signal handler can stop."""
    proc = subprocess.Popen(cmd, **kwargs)
    _sub.append(proc)
    try:
        return proc.wait()
    finally:
        _sub.remove(proc)


# --- the steps ------------------------------------------------------------------------


def execute_pages(root: Path = ROOT, pages: list | None = None) -> dict:
    """Run what the cache cannot answer; return docname -> (page, result)."""
    from omcc.book import execute, state

    pages = execute.load_pages(root) if pages is None else pages
    cache = execute.Cache(CACHE)
    done: dict[str, tuple] = {}
    executed = False
    for second, round_pages in ((False, [p for p in pages if p.is_notebook and not p.second_round]),
                                (True, [p for p in pages if p.is_notebook and p.second_round])):
        if second:  # the chapters are done: their numbers and the verdict conditions, for the summaries
            try:
                checks = state.write(STATE, {name: res for name, (_, res) in done.items()}, root)
            except ValueError as exc:
                raise BuildStopped(str(exc)) from None
            for line in state.changes_since_last_build(STATE):
                log(f"changed since the last build: {line}")
            for claim, results in sorted(checks.items()):
                for r in results:
                    if not r["holds"]:
                        log(f"{claim} is under review: {r['key_number']} on {r['page']} is {r['text']}, "
                            f"outside [{r['low']}, {r['high']}] ({r['condition']})")
        todo = []
        for page in round_pages:
            cached = cache.get(page, root)
            if cached is None:
                todo.append(page)
            else:
                done[page.docname] = (page, cached)
        if todo:
            executed = True
            log(f"executing {len(todo)} page(s): {', '.join(p.docname for p in todo)}")
            start = time.perf_counter()
            results = execute.execute(todo, log=log, on_result=cache.put)
            for page in todo:
                done[page.docname] = (page, results[page.docname])
            log(f"execution took {time.perf_counter() - start:.1f} s")
    cache.prune({p.code_key for p in pages if p.is_notebook})
    if executed:  # pages drew figures: keep the drawing cache to its size
        from omcc import figures

        figures.prune_render_cache()
    stale = {name: sorted(_stale(res.inputs, root)) for name, (_, res) in done.items()}
    stale = {k: v for k, v in stale.items() if v}
    if stale:
        raise BuildStopped("inputs changed while the build ran ("
                           + "; ".join(f"{k}: {', '.join(v)}" for k, v in stale.items())
                           + "): nothing was published; run `make book` again")
    return done


def _stale(recorded: dict, root: Path) -> list[str]:
    from omcc import inputs

    return inputs.stale_inputs(recorded, root)


def write_sources(done: dict, root: Path = ROOT, pages: list | None = None) -> None:
    """The book as Sphinx reads it: executed notebooks, plain pages and the
    configuration, in `_build/src`. Files are rewritten only when their content
    changed, so Sphinx re-reads exactly the pages whose text or results changed.
    A notebook whose page text and cached result are those it was written from
    is not assembled again (`SRC_STAMPS`: serialising the notebooks took a second)."""
    import nbformat

    from omcc.book import execute

    SRC.mkdir(parents=True, exist_ok=True)
    wanted: set[Path] = set()
    try:
        stamps = json.loads(SRC_STAMPS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    # written again only once every file below is in place: an interrupted write leaves no
    # stamps, so the next build assembles every notebook afresh
    SRC_STAMPS.unlink(missing_ok=True)
    new_stamps: dict[str, str] = {}

    def put(rel: str, data: bytes) -> None:
        target = SRC / rel
        wanted.add(target)
        if target.exists() and target.read_bytes() == data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"  # executed above
    put("_config.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True).encode())
    put("_toc.yml", (root / "_toc.yml").read_bytes())
    put("references.bib", (root / "references.bib").read_bytes())
    for path in sorted((root / "_static").rglob("*")):
        if path.is_file():
            put(path.relative_to(root).as_posix(), path.read_bytes())
    for page in execute.load_pages(root) if pages is None else pages:
        if page.docname in done:
            rel = f"{page.docname}.ipynb"
            result = done[page.docname][1]
            stamp = hashlib.sha256(page.path.read_bytes() + b"\0" + result.digest.encode()).hexdigest() if result.digest else ""
            if stamp and stamps.get(rel) == stamp and (SRC / rel).is_file():
                wanted.add(SRC / rel)
            else:
                nb = execute.merge_outputs(page, result)
                _drop_build_records(nb)
                put(rel, nbformat.writes(nb).encode())
            if stamp:
                new_stamps[rel] = stamp
        else:
            put(f"{page.docname}.md", page.path.read_bytes())
    for path in sorted(SRC.rglob("*")):
        if path.is_file() and path not in wanted:
            path.unlink()
    SRC_STAMPS.write_text(json.dumps(new_stamps, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _drop_build_records(nb) -> None:
    """Remove the outputs that are for the build only (inputs read, figure files)."""
    from omcc.figures import FIGURE_KEY
    from omcc.inputs import INPUT_KEY

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (INPUT_KEY in o.get("metadata", {}) or FIGURE_KEY in o.get("metadata", {}))]


def sphinx_code_digest(root: Path = ROOT) -> str:
    """Hash of what shapes every page's HTML besides its source: the book's Sphinx
    code (omcc/book/*.py, as the extension imports it) and the bibliography style."""
    h = hashlib.sha256()
    for path in sorted((root / "omcc" / "book").glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def forget_stale_rendering(output: Path = STAGING, root: Path = ROOT) -> None:
    """Sphinx re-renders only pages whose source changed; when the book's own Sphinx
    code changed, every page must be rendered again (forget its environment)."""
    stamp = output / "_build" / "omcc-sphinx-code.sha256"
    digest = sphinx_code_digest(root)
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    (output / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest + "\n")


def run_jupyter_book(builder: str = "html", output: Path = STAGING) -> int:
    # `python -c` rather than the venv's jupyter-book script, whose first line names the
    # folder the venv was made in: a moved or copied project must use its own files.
    cmd = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
           "build", str(SRC), "--path-output", str(output), "--builder", builder, "-n", "-W", "--keep-going"]
    log("jupyter-book " + " ".join(cmd[3:]).replace(str(ROOT) + "/", ""))
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=source_date_epoch(),
               PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    return run(cmd, cwd=ROOT, env=env)


def pdf_tools_missing() -> list[str]:
    return [tool for tool in ("xelatex", "latexmk") if shutil.which(tool) is None]


def build_pdf() -> Path | None:
    """The PDF edition with Jupyter Book's LaTeX builder (XeLaTeX), from the same
    sources as the HTML; None when it fails (the log says where to look)."""
    from omcc.book import pdf

    output = BUILD / "pdfstage"
    latex = output / "_build" / "latex"
    built = latex / PDF_NAME
    built.unlink(missing_ok=True)
    status = run_jupyter_book(builder="latex", output=output)
    if status == 0:
        # number chapters, figures and tables as the website does, then compile
        pdf.patch(latex)
        # latexmk remembers a failed run and, with the .tex unchanged, would report it
        # again without trying (say after a missing font is installed): start afresh.
        for stale in latex.glob("*.fdb_latexmk"):
            stale.unlink()
        status = run(["make", "all-pdf"], cwd=latex, env=dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch()))
    if status != 0 or not built.exists():
        log(f"the PDF edition failed (exit {status}); see {output.relative_to(ROOT)}/_build/latex/*.log")
        return None
    return built


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    html_only = "--html-only" in argv
    with_pdf = not html_only and not pdf_tools_missing()
    try:
        with build_lock(), stop_on_signals():
            return _build(with_pdf, html_only)
    except Interrupted as why:
        log(f"build interrupted ({why}); the previous site in _build/html is untouched")
        return 130
    except BuildStopped as why:
        print(str(why), file=sys.stderr)
        log("build failed; the previous site in _build/html is untouched")
        return 1


def _build(with_pdf: bool, html_only: bool) -> int:
    from omcc.book import publish
    from omcc.book.execute import PageFailed

    inputs_now = site_fingerprint(with_pdf=with_pdf)
    if SITE.exists() and SITE_INPUTS.exists() and SITE_INPUTS.read_text().strip() == inputs_now:
        log("nothing changed since the last build: the site in _build/html is up to date")
        return 0
    log("checking references.bib, data/datapackage.json and every table")
    problems = check_inputs()
    if problems:
        raise BuildStopped("\n".join(problems[:40]) + (f"\n... and {len(problems) - 40} more" if len(problems) > 40 else "")
                           + f"\n[book] build stopped: {len(problems)} problem(s) in the data or the bibliography")
    from omcc.book import execute

    pages = execute.load_pages()
    try:
        done = execute_pages(pages=pages)
    except PageFailed as failure:
        raise BuildStopped(f"{failure}\n[book] a page failed to execute") from None
    write_sources(done, pages=pages)
    start = time.perf_counter()
    forget_stale_rendering()
    status = run_jupyter_book()
    log(f"jupyter-book took {time.perf_counter() - start:.1f} s")
    staged = STAGING / "_build" / "html"
    if status != 0 or not (staged / "index.html").exists():
        # Sphinx would not re-read a page whose warnings failed this build: forget
        # its environment, so the next build reads every page again.
        (STAGING / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        raise BuildStopped(f"jupyter-book failed (exit {status}); its messages are above")
    pdf = None
    if with_pdf:
        pdf = build_pdf()
        if pdf is None:
            raise BuildStopped("the PDF edition failed to build")
    elif html_only:
        log("HTML only (--html-only): the PDF edition is not built")
    else:
        log(f"{' and '.join(pdf_tools_missing())} not installed: the HTML site is built without the PDF edition")
    start = time.perf_counter()
    incoming = publish.assemble(staged, done, pdf)
    log(f"assembling the site took {time.perf_counter() - start:.1f} s")
    if site_fingerprint(with_pdf=with_pdf) != inputs_now:
        shutil.rmtree(incoming, ignore_errors=True)
        raise BuildStopped("files changed while the build ran: nothing was published; run `make book` again")
    publish.swap(incoming, SITE)
    SITE_INPUTS.write_text(inputs_now + "\n")
    from omcc.book import state

    state.mark_published(STATE)
    log(f"site published to {SITE.relative_to(ROOT)}" + (" with the PDF edition" if pdf else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
