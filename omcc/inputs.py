"""What a page read: content hashes of every input, recorded in its outputs.

A page's executed output is a function of its code and of what it read. The
code is in the page; the reads are recorded here. Every time the package reads
a table (`omcc.load`), the bibliography, the descriptor or another file on a
page's behalf, it calls `record(key, digest)`, which leaves a hidden output in
the executing notebook: `{"omcc_input": {"key": ..., "sha256": ...}}`.

The build keeps an executed page only while every recorded input still has the
same hash (`current_digest(key)` recomputes it from the files). Hashes are of
contents, never of paths or times, so a copied or moved folder, an interrupted
build or a failed one can never make a page show numbers its data no longer give.

Keys:
    table:<name>  a table's CSV bytes and its entry in datapackage.json
    file:<path>   any other file, by repository-relative path
    code          the package's own code and the environment lock
    git:HEAD      the commit checked out (the build's own record of itself)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from omcc.paths import ROOT

INPUT_KEY = "omcc_input"
_recorded: set[str] = set()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table_digest(csv_bytes: bytes, resource: dict) -> str:
    """Hash of one table: its CSV bytes and its schema entry."""
    entry = json.dumps(resource, sort_keys=True, ensure_ascii=False).encode()
    return sha256(sha256(csv_bytes).encode() + b"\0" + entry)


def code_digest(root: Path = ROOT) -> str:
    """Hash of the package code (every .py under omcc/) and requirements.txt."""
    h = hashlib.sha256()
    for path in sorted((root / "omcc").rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    lock = root / "requirements.txt"
    h.update(lock.read_bytes() if lock.exists() else b"")
    return h.hexdigest()


def file_digest(rel: str, root: Path = ROOT) -> str:
    path = root / rel
    return sha256(path.read_bytes()) if path.is_file() else "missing"


def git_head(root: Path = ROOT) -> str:
    """The commit checked out at `root`, or "" outside a git checkout."""
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def read_git_head(root: Path = ROOT) -> str:
    """`git_head`, recorded as an input: a page that shows the commit is run again
    after every commit."""
    head = git_head(root)
    record("git:HEAD", head or "none")
    return head


def current_digest(key: str, root: Path = ROOT, _descriptor: dict | None = None) -> str:
    """The hash `key` has now, computed from the files under `root`."""
    if key == "code":
        return code_digest(root)
    if key == "git:HEAD":
        return git_head(root) or "none"
    kind, _, name = key.partition(":")
    if kind == "file":
        return file_digest(name, root)
    if kind == "table":
        try:
            descriptor = _descriptor or json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "unreadable"
        for res in descriptor.get("resources", []):
            if res.get("name") == name:
                path = root / "data" / str(res.get("path", ""))
                return table_digest(path.read_bytes() if path.is_file() else b"", res)
        return "missing"
    raise ValueError(f"unknown input key {key!r}")


def stale_inputs(recorded: dict[str, str], root: Path = ROOT) -> list[str]:
    """Keys among `recorded` (key -> hash at execution) whose hash changed since."""
    try:
        descriptor = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        descriptor = None
    cache: dict[str, str] = {}
    stale = []
    for key, digest in sorted(recorded.items()):
        if key not in cache:
            try:
                cache[key] = current_digest(key, root, descriptor)
            except ValueError:
                cache[key] = "unknown"
        if cache[key] != digest:
            stale.append(key)
    return stale


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the book's environment
        return None
    return get_ipython()


def record(key: str, digest: str) -> None:
    """In an executing notebook, leave a hidden record that the page read `key`
    with content hash `digest` (once per key and page). Elsewhere, do nothing."""
    shell = _shell()
    if shell is None:
        return
    if not _recorded:  # the first read of a page also pins the package code
        _emit("code", code_digest())
    if key in _recorded:
        return
    _emit(key, digest)


def _emit(key: str, digest: str) -> None:
    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    _recorded.add(key)
    name = "omcc_input_" + sha256(key.encode())[:16]
    metadata = {"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}, INPUT_KEY: {"key": key, "sha256": digest}}
    display({GLUE_PREFIX + "text/plain": repr(key)}, raw=True, metadata=metadata)


def record_file(path: Path, data: bytes | None = None, root: Path = ROOT) -> bytes:
    """Read (or take) a file's bytes and record them as an input; return the bytes."""
    path = Path(path)
    data = path.read_bytes() if data is None else data
    if _shell() is None:
        return data  # not in an executing page: nothing to record
    try:
        rel = path.resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return data  # outside the book: not an input the build can re-check
    if f"file:{rel}" not in _recorded:  # once per page: hashing is the costly part
        record(f"file:{rel}", sha256(data))
    return data


def recorded_inputs(outputs) -> dict[str, str]:
    """key -> hash from the outputs of an executed notebook (a list of output dicts)."""
    found = {}
    for out in outputs:
        rec = (out.get("metadata") or {}).get(INPUT_KEY)
        if rec:
            found[rec["key"]] = rec["sha256"]
    return found
