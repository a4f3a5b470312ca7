"""The PDF edition numbers chapters, figures and tables as the website does.

Sphinx's LaTeX writer makes every page a numbered chapter, so the PDF would call
the executive summary chapter 1, the adoption chapter 2 and its first figure
"Figure 2.1", while the website (and the footer drawn into every figure image)
says "Figure 1.1". `number_like_the_site` rewrites the generated .tex before it
is compiled:

* only the pages of the numbered part of `_toc.yml` are numbered chapters, with
  figures and tables "chapter.n";
* every other page is an unnumbered chapter (still in the contents), its sections
  unnumbered, and its figures and tables take plain numbers from one sequence
  running through the book, as Sphinx numbers them on the website;
* a Vietnamese page shows the numbers of its English counterpart, as on the
  website, while the sequence still counts its floats.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from omcc.paths import ROOT

# LaTeX put after \begin{document}: the counters and the three page openings.
MACROS = r"""
\makeatletter
\newcounter{omccfigure}\newcounter{omcctable}\newcounter{omccsecnumdepth}
\setcounter{omccsecnumdepth}{\value{secnumdepth}}
\newif\ifomcc@plain \omcc@plaintrue
\def\omcc@open{}
\renewcommand{\thefigure}{\arabic{figure}}\renewcommand{\thetable}{\arabic{table}}
\expandafter\xdef\csname omcc@fig@chapters/index\endcsname{0}
\expandafter\xdef\csname omcc@tab@chapters/index\endcsname{0}
% close the page before a new chapter or part
\newcommand{\omccend}{%
  \ifx\omcc@open\@empty\else
    \setcounter{figure}{\numexpr\value{omccfigure}+\value{figure}-\csname omcc@fig@\omcc@open\endcsname\relax}%
    \setcounter{table}{\numexpr\value{omcctable}+\value{table}-\csname omcc@tab@\omcc@open\endcsname\relax}%
    \gdef\omcc@open{}%
  \fi
  \ifomcc@plain\setcounter{omccfigure}{\value{figure}}\setcounter{omcctable}{\value{table}}\fi}
% a chapter of the numbered part: figures and tables "chapter.n"
\newcommand{\omccnumbered}{\omccend\omcc@plainfalse
  \setcounter{secnumdepth}{\value{omccsecnumdepth}}%
  \renewcommand{\thefigure}{\thechapter.\arabic{figure}}\renewcommand{\thetable}{\thechapter.\arabic{table}}}
% any other page (#1 its docname): plain numbers from the book's one sequence
\newcommand{\omccunnumbered}[1]{\omccend\omcc@plaintrue
  \setcounter{secnumdepth}{-1}%
  \renewcommand{\thefigure}{\arabic{figure}}\renewcommand{\thetable}{\arabic{table}}%
  \setcounter{figure}{\value{omccfigure}}\setcounter{table}{\value{omcctable}}%
  \expandafter\xdef\csname omcc@fig@#1\endcsname{\the\value{figure}}%
  \expandafter\xdef\csname omcc@tab@#1\endcsname{\the\value{table}}}
% a Vietnamese page (#1) shows the numbers of its English page (#2) when that came first
\newcommand{\omccvietnamese}[2]{\omccunnumbered{#1}%
  \@ifundefined{omcc@fig@#2}{}{%
    \setcounter{figure}{\csname omcc@fig@#2\endcsname}\setcounter{table}{\csname omcc@tab@#2\endcsname}%
    \gdef\omcc@open{#2}}}
\makeatother
"""

_CHAPTER = re.compile(r"\\chapter\{((?:[^{}]|\{[^{}]*\})*)\}\n\\label\{\\detokenize\{([^:}]+):")


def numbered_docs(root: Path = ROOT) -> set[str]:
    """Docnames in the parts of `_toc.yml` marked `numbered: true`."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    out: set[str] = set()

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                out.add(str(entry["file"]).removesuffix(".md"))
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        if part.get("numbered"):
            walk(part.get("chapters"))
    return out


def number_like_the_site(tex: str, numbered: set[str], translations: dict[str, str]) -> str:
    """The .tex with chapters, figures and tables numbered as on the website
    (`translations`: English docname -> Vietnamese docname)."""
    english_of = {vi: en for en, vi in translations.items()}

    def chapter(m: re.Match) -> str:
        title, docname = m.group(1), m.group(2)
        rest = m.group(0)[m.group(0).index("\n"):]
        if docname in numbered:
            return rf"\omccnumbered\chapter{{{title}}}" + rest
        opening = (rf"\omccvietnamese{{{docname}}}{{{english_of[docname]}}}" if docname in english_of
                   else rf"\omccunnumbered{{{docname}}}")
        return (opening + rf"\chapter*{{{title}}}\phantomsection\addcontentsline{{toc}}{{chapter}}{{{title}}}"
                + rf"\markboth{{{title}}}{{{title}}}" + rest)

    if "\\begin{document}" not in tex:
        raise ValueError("no \\begin{document} in the LaTeX source")
    out, count = _CHAPTER.subn(chapter, tex)
    if not count:
        raise ValueError("no \\chapter with a page label in the LaTeX source")
    out = out.replace("\\part{", "\\omccend\\part{")
    return out.replace("\\begin{document}", "\\begin{document}\n" + MACROS, 1)


def patch(latex_dir: Path, root: Path = ROOT) -> Path:
    """Rewrite the book's .tex in `latex_dir` in place; return its path."""
    from omcc.book.sphinx_ext import TRANSLATIONS

    sources = sorted(latex_dir.glob("*.tex"))
    if len(sources) != 1:
        raise ValueError(f"expected one .tex file in {latex_dir}, found {len(sources)}")
    source = sources[0]
    source.write_text(number_like_the_site(source.read_text(encoding="utf-8"), numbered_docs(root), TRANSLATIONS),
                      encoding="utf-8")
    return source
