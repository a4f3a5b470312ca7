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


def test_pdf_numbers_figures_and_tables_as_the_site_does(built_book):
    """Every caption number on the website ("Figure 1.1", "Table 3") is the number the
    PDF gives the same caption, and the numbered chapters are the site's."""
    import html as htmlmod

    text = re.sub(r"\s+", " ", _pdf_text(built_book / "_build" / "html" / PDF_NAME))
    checked = 0
    for page in sorted((built_book / "_build" / "html" / "chapters").glob("*.html")):
        if page.stem.endswith("_vi"):
            continue  # the Vietnamese captions read "Hình" on the site
        source = page.read_text(encoding="utf-8")
        for number, caption in re.findall(
                r'<span class="caption-number">((?:Figure|Table) [0-9.]+) </span><span class="caption-text">(.*?)</span>',
                source, re.S):
            words = re.sub(r"\s+", " ", htmlmod.unescape(re.sub(r"<[^>]+>", "", caption))).strip().split(" ")[:4]
            start = " ".join(words).replace("'", "’")
            assert f"{number}: {start}" in text.replace("'", "’"), (page.name, number, start)
            checked += 1
    assert checked >= 20
    # the contents number the chapters as the site does: the summary before them is unnumbered
    assert "1 Adoption of open models" in text and "2 Adoption of open models" not in text


def test_latex_numbering_rewrite():
    from omcc.book.pdf import number_like_the_site

    tex = ("\\begin{document}\n\\part{Summary}\n\n\\chapter{Executive summary}\n\\label{\\detokenize{chapters/summary:s}}\n"
           "\\chapter{Data\\sphinxhyphen{}centre energy}\n\\label{\\detokenize{chapters/energy:e}}\n"
           "\\chapter{Bảng kiểm chứng}\n\\label{\\detokenize{chapters/ledger_vi:l}}\n\\end{document}\n")
    out = number_like_the_site(tex, {"chapters/energy"}, {"chapters/ledger": "chapters/ledger_vi"})
    assert "\\omccend\\part{Summary}" in out
    assert "\\omccunnumbered{chapters/summary}\\chapter*{Executive summary}" in out
    assert "\\omccnumbered\\chapter{Data\\sphinxhyphen{}centre energy}" in out
    assert "\\omccvietnamese{chapters/ledger_vi}{chapters/ledger}\\chapter*{Bảng kiểm chứng}" in out
    assert out.index("\\newcommand{\\omccnumbered}") > out.index("\\begin{document}")
    import pytest

    with pytest.raises(ValueError):
        number_like_the_site("\\chapter{x}", set(), {})


def test_pdf_sets_apostrophes_without_a_gap(built_book):
    # xeCJK would set ’ and ” full-width from the CJK font: "Huawei’ s", "data) ”"
    text = _pdf_text(built_book / "_build" / "html" / PDF_NAME)
    assert "’s" in text
    assert not re.search(r"\w’ s\b", text)
