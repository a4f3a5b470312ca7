"""Paths resolved from the repository root, never from the working directory.

A notebook runs with its own folder as working directory in the build and
wherever the reader started JupyterLab; both must find the same files.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DATAPACKAGE = DATA / "datapackage.json"
BIB = ROOT / "references.bib"
CHAPTERS = ROOT / "chapters"
BUILD = ROOT / "_build"
