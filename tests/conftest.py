"""Shared fixtures: a throw-away copy of the repository for tests that edit or build it."""

import shutil
import subprocess
from pathlib import Path

import pytest

from omcc.paths import ROOT


def repo_files(root: Path = ROOT) -> list[str]:
    """Files a fresh clone would have: tracked plus untracked-but-not-ignored."""
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
