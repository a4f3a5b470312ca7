"""Sphinx extension: re-read the pages whose data inputs changed.

`omcc.book.build` writes the names of those pages to `reread.json` in the build's
output folder before Sphinx runs. Sphinx only re-reads a page when its source
file changed; a page whose *data* changed must be re-read too, or it keeps its
old numbers and figures.
"""

import json
from pathlib import Path

REREAD_FILE = "reread.json"


def _outdated(app, env, added, changed, removed):
    path = Path(app.outdir).parent.parent / REREAD_FILE  # <staging>/_build/html -> <staging>
    if not path.exists():
        return []
    wanted = set(json.loads(path.read_text(encoding="utf-8")))
    return sorted(d for d in wanted if d in env.found_docs)


def _drop_remote_scripts(app, pagename, templatename, context, doctree):
    """Remove the Thebe launcher that Jupyter Book always adds: it points at a
    CDN, and this book must read offline and make no request outside the site."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    kept = []
    for js in scripts:
        name = str(js.filename if hasattr(js, "filename") else js) or ""
        body = str(getattr(js, "attributes", {}).get("body", ""))
        if "thebe" in name.lower() or "THEBE" in body or name.startswith(("http://", "https://")):
            continue
        kept.append(js)
    context["script_files"] = kept


def _fix_bibliography_roles(app, pagename, templatename, context, doctree):
    """docutils marks the bibliography `role="list"` but its entries
    `role="doc-biblioentry"`, which screen readers (and axe-core) reject as a
    list without list items: make the entries list items."""
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


NO_CITE_BOX = {"chapters/index", "chapters/bibliography", "search", "genindex"}


def _cite_box(app, pagename, templatename, context, doctree):
    """A "Cite this page" box at the end of every chapter and appendix: APA text
    and BibTeX, with the version and date, all from CITATION.cff."""
    import html
    import re

    from omcc.book import citation

    body = context.get("body")
    if body is None or pagename in NO_CITE_BOX or not pagename.startswith("chapters/"):
        return
    title = re.sub(r"<[^>]+>", "", context.get("title", "")).strip() or pagename
    title = html.unescape(title)
    apa = html.escape(citation.apa(title))
    bib = html.escape(citation.bibtex(title))
    context["body"] = body + (
        f'<div class="cite-box" id="cite-this-page"><p><strong>Cite this page.</strong> {apa}</p>'
        f"<details><summary>BibTeX</summary><pre>{bib}</pre></details></div>"
    )


def setup(app):
    app.connect("html-page-context", _cite_box)
    app.connect("html-page-context", _fix_bibliography_roles)
    app.connect("html-page-context", _drop_remote_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
