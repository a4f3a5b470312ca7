"""Citations built from CITATION.cff, and the generated data appendix and zip."""

import hashlib
import re
import zipfile

import yaml

from omcc.book import citation
from omcc.book.appendix import ZIP_NAME
from omcc.datapackage import read_descriptor
from omcc.paths import ROOT


def test_citations_come_from_citation_cff():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    apa = citation.apa()
    assert cff["title"] in apa and str(cff["version"]) in apa and str(cff["date-released"]) in apa
    bib = citation.bibtex("Figure 3: Something")
    assert bib.startswith("@incollection{") and f"version = {{{cff['version']}}}" in bib
    assert citation.bibtex().startswith("@book{")


def test_every_chapter_page_has_a_cite_box(built_book):
    chapters = sorted((built_book / "_build" / "html" / "chapters").glob("*.html"))
    boxed = [p.name for p in chapters if 'id="cite-this-page"' in p.read_text(encoding="utf-8")]
    for name in ("summary.html", "export_controls.html", "ledger.html", "appendix_data.html"):
        assert name in boxed
    text = (built_book / "_build" / "html" / "chapters" / "energy.html").read_text(encoding="utf-8")
    box = text[text.index('id="cite-this-page"'):]
    assert "@incollection{" in box and citation.book().version in box


def test_ledger_page_has_anchors_and_badges_for_all_claims(built_book):
    text = (built_book / "_build" / "html" / "chapters" / "ledger.html").read_text(encoding="utf-8")
    for i in range(1, 15):
        assert f'id="c{i}"' in text, f"no anchor #c{i}"
    assert len(re.findall(r'class="[^"]*\bsd-badge\b[^"]*"', text)) >= 14


def test_data_appendix_and_zip_are_generated(built_book):
    site = built_book / "_build" / "html"
    page = (site / "chapters" / "appendix_data.html").read_text(encoding="utf-8")
    resources = read_descriptor(built_book)["resources"]
    with zipfile.ZipFile(site / ZIP_NAME) as z:
        names = set(z.namelist())
        readme = z.read("open-models-closed-chips-data/README.md").decode()
    assert citation.book().version in readme and "CC BY 4.0" in readme
    for res in resources:
        csv_path = site / "data" / res["path"]
        assert csv_path.exists(), res["path"]
        digest = hashlib.sha256(csv_path.read_bytes()).hexdigest()
        assert digest[:16] in page, f"checksum of {res['path']} not on the data appendix"
        assert f'href="../data/{res["path"]}"' in page
        assert f"open-models-closed-chips-data/{res['path']}" in names
    assert "open-models-closed-chips-data/datapackage.json" in names


def test_key_numbers_are_rendered_as_a_searchable_table(built_book):
    import csv

    text = (built_book / "_build" / "html" / "chapters" / "key_numbers.html").read_text(encoding="utf-8")
    assert 'id="key-number-filter"' in text
    with (built_book / "_build" / "html" / "key_numbers.csv").open(encoding="utf-8") as fh:
        numbers = list(csv.DictReader(fh))
    assert numbers
    for row in numbers:  # every number has its permanent anchor on the page
        anchor = row["url"].rsplit("#", 1)[1]
        assert f'<tr id="{anchor}">' in text, anchor


def test_summary_prose_has_no_typed_numbers():
    text = (ROOT / "chapters" / "summary.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.S)  # drop code cells
    prose = re.sub(r"\{[a-z:]+\}`[^`]*`", "", prose)  # drop roles ({glue:text}, {ref}, ...)
    prose = re.sub(r"^---.*?^---$", "", prose, flags=re.S | re.M)
    prose = re.sub(r'"[^"]*"|“[^”]*”', "", prose)  # quotations of the article
    prose = re.sub(r"\b(19|20)\d\d\b", "", prose)  # years
    prose = re.sub(r"\bC\d+\b|\bB\d{3}s?\b|\bH\d{2,3}s?\b|\b\d\.\s", "", prose)  # claim ids, chip names, list numbers
    prose = re.sub(r"Llama 3\.1 405B|DeepSeek-V3|S&P 500", "", prose)  # names
    assert not re.search(r"\d", prose), re.findall(r".{20}\d.{20}", prose)
