"""The PDF edition: it exists, holds every chapter and every figure, and the site links it."""

import re
import subprocess


from omcc.book.build import PDF_NAME


def _pdf_text(pdf):
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_exists_and_the_site_links_it(built_book):
    pdf = built_book / "_build" / "html" / PDF_NAME
    assert pdf.exists() and pdf.stat().st_size > 50_000
    landing = (built_book / "_build" / "html" / "chapters" / "index.html").read_text(encoding="utf-8")
    assert f'href="../{PDF_NAME}"' in landing


def test_pdf_has_every_chapter(built_book):
    import yaml

    text = _pdf_text(built_book / "_build" / "html" / PDF_NAME)
    toc = yaml.safe_load((built_book / "_toc.yml").read_text())
    titles = []
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            md = (built_book / f"{chapter['file']}.md").read_text(encoding="utf-8")
            titles.append(re.search(r"^# (.+)$", md, re.M).group(1).strip())
    flat = re.sub(r"\s+", " ", text)
    missing = [t for t in titles if t not in flat]
    assert not missing, missing


def test_pdf_has_every_figure(built_book):
    html_figures = set()
    for page in (built_book / "_build" / "html" / "chapters").glob("*.html"):
        html_figures |= set(re.findall(r'<figure class="[^"]*" id="(fig-[a-z0-9-]+)"', page.read_text(encoding="utf-8")))
    html_figures -= {"fig-scorecard", "fig-scorecard-vi"}  # drawn in HTML on the page; a table in print
    listing = subprocess.run(["pdfimages", "-list", str(built_book / "_build" / "html" / PDF_NAME)],
                             capture_output=True, text=True, check=True).stdout
    images = [line for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert html_figures, "no figures in the site"
    assert len(images) >= len(html_figures), (len(images), sorted(html_figures))
    text = re.sub(r"\s+", " ", _pdf_text(built_book / "_build" / "html" / PDF_NAME))
    assert "Bibliography" in text
    assert text.count("Figure ") >= len(html_figures)
