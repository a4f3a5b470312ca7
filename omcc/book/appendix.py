"""Generated appendices: the data tables (from datapackage.json), the data zip,
and the methods' assumption tables. Nothing here is typed by hand: it all comes
from the descriptor, the tables, references.bib and CITATION.cff."""

from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from pathlib import Path

from omcc.book import citation
from omcc.bib import entry
from omcc.datapackage import load, read_descriptor
from omcc.paths import DATA, ROOT

ZIP_NAME = "open-models-closed-chips-data.zip"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def licence_of(key: str) -> str:
    """The licence a source's bib entry records in its note ('Licence: ...')."""
    note = str(entry(key).fields.get("note", ""))
    found = re.search(r"Licen[cs]e:\s*([^.;]+(?:\([^)]*\))?)", note)
    return found.group(1).strip() if found else "not stated"


def table_sources(name: str) -> list[str]:
    frame = load(name)
    keys = set()
    for cell in frame["source"].dropna():
        keys.update(k.strip() for k in str(cell).split(";") if k.strip())
    return sorted(keys)


CHAPTER_NAMES = {"adoption": "adoption", "export controls": "export_controls", "efficiency": "efficiency",
                 "energy": "energy", "investment": "investment"}


def data_appendix_markdown(root: Path = ROOT) -> str:
    """MyST for the data appendix: for each table, what it measures, where it comes
    from and its limits (the descriptor's description), its sources and licence,
    its size, its download and its citation. Field types and constraints stay in
    datapackage.json, for machines. Text from the descriptor and the bibliography
    is escaped."""
    from omcc.text import md_escape

    descriptor = read_descriptor(root)
    parts = []
    for res in descriptor["resources"]:
        name = res["name"]
        path = DATA / res["path"]
        frame = load(name)
        keys = table_sources(name)
        sources = "; ".join(f"{{cite:t}}`{k}` ({md_escape(licence_of(k))})" for k in keys)
        licences = ", ".join(md_escape(lic.get("title", lic["name"])) for lic in res.get("licenses", []))
        title = md_escape(res.get("title", name))
        where = f"chapters/appendix_data.html#table-{name.replace('_', '-')}"
        apa = md_escape(citation.apa(f"Data table '{name}': {res.get('title', name)}", path=where))
        parts.append(
            f"""({"table-" + name.replace("_", "-")})=
### {title}

{md_escape(res.get("description", ""))}

- **Size:** {len(frame):,} rows, from {len(keys)} sources. **File:** <a href="../data/{res["path"]}" download>{res["path"]}</a> (SHA-256 `{sha256(path)[:16]}…`)
- **Licence:** {licences}
- **Sources:** {sources}
- **Cite this table:** {apa}
"""
        )
    return "\n".join(parts)


def _fixed_zipinfo(name: str, epoch: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.gmtime(max(epoch, 315532800))[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_data_zip(target: Path, epoch: int, root: Path = ROOT) -> Path:
    """The whole data package as one zip, byte-identical for the same inputs:
    datapackage.json, every CSV, references.bib and a README with citation and licence."""
    descriptor = read_descriptor(root)
    b = citation.book()
    readme = (
        f"# {b.title}: data package\n\nVersion {b.version}, {b.date}.\n\n"
        f"Cite as: {citation.apa('Data package')}\n\n```bibtex\n{citation.bibtex('Data package')}\n```\n\n"
        "Licence: the compilation is released under CC BY 4.0 "
        "(https://creativecommons.org/licenses/by/4.0/). Each row names its source (a key of "
        "references.bib), which keeps its own terms; datapackage.json describes every table, "
        "its fields, units and constraints.\n"
    )
    files = [("README.md", readme.encode()), ("datapackage.json", (root / "data" / "datapackage.json").read_bytes()),
             ("references.bib", (root / "references.bib").read_bytes())]
    files += [(res["path"], (root / "data" / res["path"]).read_bytes()) for res in descriptor["resources"]]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in sorted(files):
            z.writestr(_fixed_zipinfo(f"open-models-closed-chips-data/{name}", epoch), data)
    target.write_bytes(buffer.getvalue())
    return target


def descriptor_summary(root: Path = ROOT) -> dict:
    d = read_descriptor(root)
    return {"tables": len(d["resources"]), "rows": sum(len(load(r["name"])) for r in d["resources"])}
