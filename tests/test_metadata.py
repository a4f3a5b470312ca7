"""The book's metadata: CITATION.cff follows the Citation File Format, the Zenodo
record agrees with it, and every citation the site offers carries the address."""

import json
from pathlib import Path

import jsonschema
import yaml

from omcc.book import citation
from omcc.paths import ROOT

SCHEMA = Path(__file__).with_name("schemas") / "cff-1.2.0.json"


def _cff() -> dict:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    cff["date-released"] = str(cff["date-released"])
    return cff


def test_citation_cff_follows_the_schema():
    jsonschema.validate(_cff(), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_citation_cff_rejects_what_the_schema_forbids():
    broken = dict(_cff(), type="book")  # CFF 1.2.0 knows only 'dataset' and 'software' here
    try:
        jsonschema.validate(broken, json.loads(SCHEMA.read_text(encoding="utf-8")))
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an invalid type: the check above proves nothing")


def test_zenodo_record_agrees_with_citation_cff():
    cff = _cff()
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["title"] == cff["title"]
    assert zenodo["version"] == cff["version"]
    assert zenodo["publication_date"] == cff["date-released"]
    assert zenodo["license"] == cff["license"]
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in cff["authors"]]
    assert any(r["identifier"] == cff["url"] for r in zenodo["related_identifiers"])


def test_every_citation_format_carries_the_address():
    url = _cff()["url"].rstrip("/")
    for text in (citation.apa(), citation.chicago(), citation.bibtex(), citation.ris(),
                 citation.apa("Figure 2.1: X", path="chapters/export_controls.html#fig-x"),
                 citation.bibtex("Figure 2.1: X", path="chapters/export_controls.html#fig-x")):
        assert url in text, text
    assert "chapters/export_controls.html#fig-x" in citation.apa("Figure 2.1: X", path="chapters/export_controls.html#fig-x")
