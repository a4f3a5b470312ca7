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


def _field_row(field: dict) -> str:
    unit = field.get("unit", "")
    c = field.get("constraints", {})
    rules = []
    if c.get("required"):
        rules.append("required")
    if c.get("unique"):
        rules.append("unique")
    if "minimum" in c:
        rules.append(f"≥ {c['minimum']}")
    if "maximum" in c:
        rules.append(f"≤ {c['maximum']}")
    if "enum" in c:
        rules.append("one of: " + ", ".join(map(str, c["enum"])))
    if "pattern" in c:
        rules.append(f"pattern `{c['pattern']}`")
    desc = field.get("description", "").replace("|", "/").replace("\n", " ")
    return f"| `{field['name']}` | {field.get('type', 'string')} | {unit} | {desc} | {'; '.join(rules)} |"


def data_appendix_markdown(root: Path = ROOT) -> str:
    """MyST for the data appendix: one section per table."""
    descriptor = read_descriptor(root)
    parts = []
    for res in descriptor["resources"]:
        name = res["name"]
        path = DATA / res["path"]
        frame = load(name)
        keys = table_sources(name)
        sources = "; ".join(f"{{cite:t}}`{k}` ({licence_of(k)})" for k in keys)
        licences = ", ".join(lic.get("title", lic["name"]) for lic in res.get("licenses", []))
        title = res.get("title", name)
        fields = "\n".join(_field_row(f) for f in res["schema"]["fields"])
        where = f"chapters/appendix_data.html#table-{name.replace('_', '-')}"
        apa = citation.apa(f"Data table '{name}': {title}", path=where)
        bib = citation.bibtex(f"Data table {name}: {title}", path=where)
        parts.append(
            f"""({"table-" + name.replace("_", "-")})=
### `{name}`: {title}

{res.get("description", "")}

- **Rows:** {len(frame):,} · **File:** <a href="../data/{res["path"]}" download>{res["path"]}</a> · **SHA-256:** `{sha256(path)}`
- **Licence:** {licences}
- **Sources ({len(keys)}):** {sources}
- **Cite this table:** {apa}

```{{dropdown}} Fields and BibTeX
| field | type | unit | description | constraints |
|---|---|---|---|---|
{fields}

    {bib.replace(chr(10), chr(10) + "    ")}
```
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
