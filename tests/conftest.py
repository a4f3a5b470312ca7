"""Shared fixtures: a throw-away copy of the repository for tests that edit or build it."""

import shutil
import subprocess
from pathlib import Path

import pytest

from omcc.paths import ROOT


SKIP_DIRS = {".git", ".venv", "_build", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def repo_files(root: Path = ROOT) -> list[str]:
    """Files a fresh clone would have: tracked plus untracked-but-not-ignored
    (outside a git checkout: every file but build products and caches)."""
    if not (root / ".git").exists():
        return sorted(
            p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and not SKIP_DIRS & set(p.relative_to(root).parts)
        )
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    return sorted({line for line in out.splitlines() if line and (root / line).is_file()})


def copy_repo(dest: Path, root: Path = ROOT) -> Path:
    for rel in repo_files(root):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    return dest


@pytest.fixture
def repo_copy(tmp_path):
    """A copy of the repository's files (no build, no venv) to break on purpose."""
    return copy_repo(tmp_path / "repo")


def build_copy(root: Path, *args: str):
    """Run the book's build in a copy `root`, with the copy first on the path."""
    import os
    import sys

    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([sys.executable, "-m", "omcc.book.build", *args], cwd=root, env=env, capture_output=True, text=True)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """One clean copy of the repository, built with the PDF edition, shared by
    the tests that only read the result."""
    root = copy_repo(tmp_path_factory.mktemp("clean") / "repo")
    result = build_copy(root)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return root
