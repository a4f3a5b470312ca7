"""Sphinx extension of the book: what the theme and MyST-NB do not do on their own.

- Every number glued with `omcc.numbers.glue_number` becomes a button that opens
  a small box (a native HTML popover: keyboard and screen-reader friendly, no
  script) saying what the number is, how it was computed, the data rows behind
  it and a permanent link to its entry on the key-numbers page.
- A "Cite this page" box on every chapter and appendix.
- No request leaves the site (the Thebe launcher is dropped).
"""

import html
import json
import zlib

from docutils import nodes

from omcc.numbers import RECORD_KEY

KEY_NUMBERS_PAGE = "chapters/key_numbers"


class key_number(nodes.inline):
    """A glued number with its provenance record (attribute 'record')."""


def anchor(page: str, name: str) -> str:
    """The id of a key number on the key-numbers page."""
    return f"kn-{page.rsplit('/', 1)[-1]}-{name}".replace("_", "-")


def _make_role():
    from myst_nb.ext.glue.roles import PasteTextRole
    from myst_nb.ext.glue.utils import retrieve_glue_data

    class KeyNumberRole(PasteTextRole):
        """`{glue:text}`: as MyST-NB's, plus the record of a key number."""

        def run(self):
            pasted, messages = super().run()
            key = self.text.rsplit(":", 1)[0] if self.text.count(":") else self.text
            if len(pasted) != 1 or "::" in key:
                return pasted, messages
            try:
                record = retrieve_glue_data(self.document, key).metadata.get(RECORD_KEY)
            except Exception:  # noqa: BLE001 - not glued here: MyST-NB already warned
                return pasted, messages
            if not record:
                return pasted, messages
            node = key_number("", "", *pasted[0].children, classes=["kn"])
            node["record"] = {k: v for k, v in record.items() if k != "rows"}
            # The data rows travel packed: Sphinx unpickles a page's doctree for every
            # cross-reference to it, and thousands of small row dicts made that most of
            # its time (bench/build_times.py).
            node["rows"] = zlib.compress(json.dumps(record.get("rows", [])).encode())
            return [node], messages

    return KeyNumberRole


def _short(key: str) -> str:
    from omcc.bib import short_cite

    try:
        return short_cite(key)
    except KeyError:
        return key


POPOVER_ROWS = 0  # data rows written into the page; the others load when a box opens

# docname -> popover id -> the HTML of all its data rows, for the page being written
_ALL_ROWS: dict[str, dict[str, str]] = {}


def _row_html(r: dict) -> str:
    e = html.escape
    cite = "; ".join(_short(k.strip()) for k in str(r.get("source", "")).split(";") if k.strip())
    return (f'<span class="kn-row"><span class="kn-table">{e(r.get("table", ""))}</span> '
            f'<span class="kn-key">{e(r.get("key", ""))}</span>: {e(cite)}'
            + (f', {e(r.get("locator", ""))}' if r.get("locator") else "")
            + (f' (accessed {e(r.get("accessed", ""))})' if r.get("accessed") else "") + "</span>")


def popover_html(record: dict, page: str, pop_id: str, link: str) -> str:
    """The box a key number opens; every text from data is escaped. The page holds
    what the number is, its value, how it is computed, its sources and a count of its
    data rows; the rows themselves (table, row, source, locator, date read) are filled
    in when the box opens, from the page's rows file (`rows_script`), and the
    permanent link lists them too. Some numbers rest on 70 rows: written into the
    page, their rows made a chapter weigh half a megabyte."""
    e = html.escape
    all_rows = record.get("rows", [])
    shown = [_row_html(r) for r in all_rows[:POPOVER_ROWS]]
    more = all_rows[POPOVER_ROWS:]
    if more:
        tables = ", ".join(dict.fromkeys(str(r.get("table", "")) for r in more))
        lead = f"and {len(more)} more rows" if shown else f"{len(more)} row{'s' if len(more) > 1 else ''}"
        shown.append(f'<span class="kn-row kn-more">{lead} ({e(tables)}), listed at the link below</span>')
    value = record.get("value")
    unit = record.get("unit") or ""
    value_text = "not available" if value is None else f"{value:,.6g}" + (f" {unit}" if unit else "")
    # the box is named by its first line (aria-labelledby), not by a second copy of it
    parts = [f'<span class="kn-what" id="{pop_id}-what">{e(record.get("description") or record.get("name", ""))}</span>',
             f'<span class="kn-val">Value: {e(value_text)}</span>']
    if record.get("formula"):
        parts.append(f'<span class="kn-how">How: {e(record["formula"])}</span>')
    sources = record.get("sources") or ";".join(str(r.get("source", "")) for r in all_rows)
    cites = "; ".join(dict.fromkeys(_short(k.strip()) for k in sources.split(";") if k.strip()))
    if cites:
        parts.append(f'<span class="kn-sources">Sources: {e(cites)}</span>')
    if all_rows:
        fill = ' data-kn-rows=""' if more else ""
        parts.append(f'<span class="kn-rows"{fill}><span class="kn-label">Data rows ({len(all_rows)}):</span>'
                     f'<span class="kn-list">{"".join(shown)}</span></span>')
    parts.append(f'<a class="kn-link" href="{e(link)}">Permanent link to this number</a>')
    return (f'<span id="{pop_id}" popover class="kn-pop" role="dialog" aria-labelledby="{pop_id}-what">'
            + "".join(parts) + "</span>")


def visit_key_number_html(self, node):
    record = dict(node["record"], rows=json.loads(zlib.decompress(node["rows"])))
    page = self.builder.current_docname
    origin = record.get("quoted_from") or {"page": page, "name": record.get("of") or record["name"]}
    target = self.builder.get_relative_uri(page, KEY_NUMBERS_PAGE) + "#" + anchor(origin["page"], origin["name"])
    # one translator per page: ids stable from build to build; a number used twice on a
    # page opens the same box
    boxes = self.__dict__.setdefault("_omcc_boxes", {})
    box_key = (target, record.get("value"), record.get("description"))
    node["omcc_popover"] = ""
    if box_key not in boxes:
        pop_id = boxes[box_key] = f"kn-pop-{len(boxes) + 1}"
        node["omcc_popover"] = popover_html(record, page, pop_id, target)
        if len(record.get("rows", [])) > POPOVER_ROWS:
            _ALL_ROWS.setdefault(page, {})[pop_id] = "".join(_row_html(r) for r in record["rows"])
    self.body.append(f'<button type="button" class="kn-num" popovertarget="{boxes[box_key]}">')


ROWS_FOLDER = "_static/kn-rows"
# Fills a box's data rows when it first opens, from the page's rows file: a <script>
# element rather than fetch(), so that it works from a copy of the site opened as files.
_ROWS_LOADER = """<script>(function () {
  var page = PAGE, src = SRC, asked = false;
  function fill() {
    var rows = (window.omccKnRows || {})[page] || {};
    document.querySelectorAll(".kn-pop [data-kn-rows]").forEach(function (box) {
      var html = rows[box.closest(".kn-pop").id];
      if (html) { box.querySelector(".kn-list").innerHTML = html; box.removeAttribute("data-kn-rows"); }
    });
  }
  document.addEventListener("toggle", function (event) {
    var box = event.target;
    if (event.newState !== "open" || !box.classList || !box.classList.contains("kn-pop")) { return; }
    if (window.omccKnRows && window.omccKnRows[page]) { fill(); return; }
    if (asked) { return; }
    asked = true;
    var script = document.createElement("script");
    script.src = src;
    script.onload = fill;
    document.head.appendChild(script);
  }, true);
})();</script>"""


def rows_script(app, pagename, templatename, context, doctree):
    """Write the page's rows file (every data row of each of its boxes) and add the
    script that fills a box from it when the box opens."""
    from pathlib import Path

    rows = _ALL_ROWS.pop(pagename, None)
    if not rows or "body" not in context:
        return
    name = pagename.replace("/", "-") + ".js"
    target = Path(app.outdir) / ROWS_FOLDER / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("window.omccKnRows = window.omccKnRows || {};\n"
                      f"window.omccKnRows[{json.dumps(pagename)}] = "
                      f"{json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=0)};\n", encoding="utf-8")
    src = context["pathto"](f"{ROWS_FOLDER}/{name}", 1)
    context["body"] += _ROWS_LOADER.replace("PAGE", json.dumps(pagename)).replace("SRC", json.dumps(src))


def depart_key_number_html(self, node):
    self.body.append("</button>" + node["omcc_popover"])


def visit_key_number_plain(self, node):
    pass


def depart_key_number_plain(self, node):
    pass


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
    apa = html.escape(citation.apa(title, path=f"{pagename}.html"))
    bib = html.escape(citation.bibtex(title, path=f"{pagename}.html"))
    context["body"] = body + (
        f'<div class="cite-box" id="cite-this-page"><p><strong>Cite this page.</strong> {apa}</p>'
        f"<details><summary>BibTeX</summary><pre>{bib}</pre></details></div>"
    )


def _make_table_directive():
    from docutils.parsers.rst import Directive, directives
    from myst_nb.ext.glue.utils import retrieve_glue_data

    from omcc.tables import TABLE_MIME

    class DataTable(Directive):
        """```{data-table} tbl-name
        Caption (MyST).
        ```
        A numbered, captioned table from a table glued with `omcc.tables.table`."""

        required_arguments = 1
        has_content = True
        option_spec = {"class": directives.class_option}

        def run(self):
            name = self.arguments[0]
            try:
                glued = retrieve_glue_data(self.state.document, name).data
            except Exception as exc:  # noqa: BLE001
                raise self.error(f"data-table: {exc}") from None
            data = glued.get(TABLE_MIME)
            if data is None:
                raise self.error(f"data-table: {name!r} was not glued with omcc.tables.table")
            caption = " ".join(self.content).strip()
            if not caption:
                raise self.error(f"data-table {name}: a reader table needs a caption")
            table = nodes.table(classes=["omcc-table"] + self.options.get("class", []))
            title_nodes, messages = self.state.inline_text(caption, self.lineno)
            table += nodes.title(caption, "", *title_nodes)
            columns = data["columns"]
            markup = set(data.get("markup", []))
            group = nodes.tgroup(cols=len(columns))
            table += group
            for _ in columns:
                group += nodes.colspec(colwidth=1)
            head = nodes.thead()
            group += head
            head += self._row(columns, [False] * len(columns), data.get("align"))
            body = nodes.tbody()
            group += body
            for cells in data["rows"]:
                body += self._row(cells, [c in markup for c in columns], data.get("align"))
            table["names"].append(name)
            self.state.document.note_explicit_target(table, table)
            return self._latex_widths(columns, data["rows"]) + [table] + messages

        @staticmethod
        def _latex_widths(columns, rows):
            """Column widths for the PDF when the table is long. Sphinx sets a table of
            more than 30 rows as a longtable of unwrapped columns, which runs off the
            page (and takes its centred caption with it); shares of the line width by
            each column's longest text, capped, let long text wrap. The website ignores this."""
            from sphinx import addnodes

            if len(rows) <= 30:
                return []
            longest = [min(max([len(str(col))] + [len(str(r[i])) for r in rows]), 48) + 4
                       for i, col in enumerate(columns)]
            usable = 0.97 - 0.02 * len(columns)  # room for the column separators
            spec = addnodes.tabular_col_spec()
            spec["spec"] = "".join(rf">{{\raggedright\arraybackslash}}\Y{{{usable * n / sum(longest):.3f}}}" for n in longest)
            return [spec]

        def _row(self, cells, parse, align):
            row = nodes.row()
            for i, (cell, markup) in enumerate(zip(cells, parse)):
                entry = nodes.entry(classes=[f"text-{align[i]}"] if align else [])
                if markup:
                    inline, _ = self.state.inline_text(str(cell), self.lineno)
                    entry += nodes.paragraph("", "", *inline)
                else:
                    entry += nodes.paragraph(str(cell), str(cell))  # text node: escaped by every writer
                row += entry
            return row

    return DataTable


def scorecard_html(data: dict, ledger_uri: str, prefix: str = "") -> str:
    """The scorecard as a grid: a row per chapter, each claim a pill in its verdict's
    colour, naming the verdict and linking to the ledger entry. All text escaped."""
    e = html.escape
    labels = {s["verdict"]: s["label"] for s in data["scale"]}
    rows = []
    for chapter in data["chapters"]:
        pills = []
        for c in chapter["claims"]:
            slug = c["verdict"].replace(" ", "-")
            review = f' <span class="sc-review">{e(data["review"])}</span>' if c["review"] else ""
            pills.append(
                f'<li><a class="sc-pill" href="{e(ledger_uri)}#{prefix}{c["id"].lower()}">'
                f'<span class="sc-id">{e(c["id"])}</span> <span class="sc-title">{e(c["title"])}</span>{review} '
                f'<span class="sc-verdict verdict-{slug}">{e(labels[c["verdict"]])}</span></a></li>')
        rows.append(f'<div class="sc-row"><p class="sc-chapter">{e(chapter["title"])}</p>'
                    f'<ul class="sc-claims">{"".join(pills)}</ul></div>')
    legend = "".join(f'<li><span class="sc-swatch verdict-{s["verdict"].replace(" ", "-")}"></span>{e(s["label"])}</li>'
                     for s in data["scale"])
    return f'<div class="scorecard">{"".join(rows)}<ul class="sc-legend" aria-label="{e(data.get("scale_label", "Verdict scale"))}">{legend}</ul></div>'


def _make_scorecard_directive():
    from docutils.parsers.rst import Directive
    from myst_nb.ext.glue.utils import retrieve_glue_data
    from sphinx import addnodes

    from omcc.ledger import SCORECARD_MIME

    class Scorecard(Directive):
        """```{scorecard} name
        Caption (MyST).
        ```
        The verdict scorecard glued with `omcc.ledger.glue_scorecard`: a numbered
        figure on the web page, a table in the PDF."""

        required_arguments = 1
        has_content = True
        option_spec = {"ledger": str, "anchor-prefix": str}

        def run(self):
            name = self.arguments[0]
            try:
                data = retrieve_glue_data(self.state.document, name).data[SCORECARD_MIME]
            except Exception as exc:  # noqa: BLE001
                raise self.error(f"scorecard: {exc}") from None
            env = self.state.document.settings.env
            ledger_doc = self.options.get("ledger", "chapters/ledger")
            caption = " ".join(self.content).strip()
            title_nodes, messages = self.state.inline_text(caption, self.lineno)
            figure = nodes.figure(classes=["scorecard-figure"])
            html_part = addnodes.only(expr="html")
            html_part += nodes.raw("", scorecard_html(data, _relative(env.docname, ledger_doc) + ".html",
                                                      self.options.get("anchor-prefix", "")), format="html")
            figure += html_part
            figure += nodes.caption(caption, "", *title_nodes)
            figure["names"].append(name)
            self.state.document.note_explicit_target(figure, figure)
            latex_part = addnodes.only(expr="latex")
            latex_part += self._table(data)
            return [figure, latex_part] + messages

        def _table(self, data):
            labels = {s["verdict"]: s["label"] for s in data["scale"]}
            table = nodes.table()
            group = nodes.tgroup(cols=3)
            table += group
            for _ in range(3):
                group += nodes.colspec(colwidth=1)
            body = nodes.tbody()
            group += body
            for chapter in data["chapters"]:
                for c in chapter["claims"]:
                    row = nodes.row()
                    for text in (c["id"], c["title"], labels[c["verdict"]] + (" (" + data["review"] + ")" if c["review"] else "")):
                        entry = nodes.entry()
                        entry += nodes.paragraph(text, text)
                        row += entry
                    body += row
            return table

    return Scorecard


def _relative(from_doc: str, to_doc: str) -> str:
    import posixpath

    return posixpath.relpath(to_doc, posixpath.dirname(from_doc) or ".")


def _meta_description(app, pagename, templatename, context, doctree):
    """A meta description for search engines and link previews: the page's lead
    (its first paragraph of prose), shortened at a word to about 155 characters."""
    text = ""
    for para in doctree.findall(nodes.paragraph) if doctree is not None else []:
        if any(isinstance(p, (nodes.admonition, nodes.table, nodes.figure, nodes.caption)) for p in _ancestors(para)):
            continue
        candidate = " ".join(para.astext().split())
        if len(candidate) >= 60:
            text = candidate
            break
    if not text:
        text = f"{context.get('title', '')}: Open Models, Closed Chips, an open policy-analysis book."
    if len(text) > 160:
        text = text[:155].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{html.escape(text, quote=True)}" />'


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


# English page -> its Vietnamese counterpart (the pages written for Vietnamese readers)
TRANSLATIONS = {
    "chapters/index": "chapters/index_vi",
    "chapters/summary": "chapters/summary_vi",
    "chapters/ledger": "chapters/ledger_vi",
    "chapters/glossary": "chapters/glossary_vi",
}
VIETNAMESE = {vi: en for en, vi in TRANSLATIONS.items()}


def _language(app, pagename, templatename, context, doctree):
    """Vietnamese pages say so (`lang="vi"`, for screen readers and search engines);
    a page that has a counterpart in the other language links to it at the top."""
    import posixpath

    body = context.get("body")
    if pagename in VIETNAMESE:
        context["language"] = "vi"
        other, label, lang = VIETNAMESE[pagename], "English", "en"
    elif pagename in TRANSLATIONS and TRANSLATIONS[pagename] in app.env.found_docs:
        other, label, lang = TRANSLATIONS[pagename], "Tiếng Việt", "vi"
    else:
        return
    href = posixpath.relpath(other, posixpath.dirname(pagename)) + ".html"
    # search engines want absolute addresses, and the page's own language listed too
    from omcc.book.citation import address

    own = "vi" if lang == "en" else "en"
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{own}" href="{address(pagename + ".html")}" />'
        f'\n<link rel="alternate" hreflang="{lang}" href="{address(other + ".html")}" />')
    if body is not None:
        context["body"] = (f'<p class="lang-switch"><a href="{href}" hreflang="{lang}" lang="{lang}">{label}</a></p>\n'
                           + body)


class lang_block(nodes.container):
    """A block in another language than the page's (HTML: `<div lang="...">`)."""


def visit_lang_block_html(self, node):
    # folded under one line, so the English chapter still opens with its own answer
    self.body.append(f'<details lang="{node["lang"]}" class="{" ".join(node["classes"])}">'
                     f'<summary>{html.escape(node.get("summary", ""))}</summary>')


def depart_lang_block_html(self, node):
    self.body.append("</details>")


def _make_lang_directive():
    from docutils.parsers.rst import Directive

    class VietnameseAbstract(Directive):
        """```{vi-abstract}
        Tóm tắt ... (MyST, with {glue:text}`name__vi` numbers)
        ```
        A short abstract in Vietnamese at the top of an English chapter."""

        has_content = True

        def run(self):
            node = lang_block(classes=["vi-abstract"])
            node["lang"] = "vi"
            node["summary"] = "Tóm tắt bằng tiếng Việt"
            self.state.nested_parse(self.content, self.content_offset, node)
            return [node]

    return VietnameseAbstract


# Doctrees read to resolve "Figure 2.1" references, during one writing phase (see below).
_NUMREF_DOCTREES: dict[str, object] = {}


def _numbered_reference_domain():
    """Sphinx's standard domain, except that a reference to a numbered figure or table
    reads the target page's doctree once per build, not once per reference (130
    references unpickled the same few pages again and again: a quarter of Sphinx's
    time). The doctree is only read there, never changed."""
    from sphinx.domains.std import StandardDomain

    class BookStandardDomain(StandardDomain):
        def _resolve_numref_xref(self, env, *args, **kwargs):
            read = env.get_doctree

            def cached(docname):
                if docname not in _NUMREF_DOCTREES:
                    _NUMREF_DOCTREES[docname] = read(docname)
                return _NUMREF_DOCTREES[docname]

            env.get_doctree = cached
            try:
                return super()._resolve_numref_xref(env, *args, **kwargs)
            finally:
                del env.get_doctree  # back to the class's method

    return BookStandardDomain


def _forget_numref_doctrees(*_args):
    _NUMREF_DOCTREES.clear()


def _search_index_kept_across_builds() -> None:
    """Sphinx 7.4 rebuilds the search index of a partial build from the previous
    searchindex.js, but forgets the index entries (the glossary's terms) of every page
    it did not rebuild, and keeps words that no page has any more. So after an edit the
    search found fewer terms than after a clean build. Patched here: the entries of the
    pages not rebuilt are restored, empty words dropped and entries ordered by page, so
    an edited-then-restored book has the search index of a clean build (tested)."""
    import io

    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder, "_omcc_patched", False):
        return
    load, prune, freeze = IndexBuilder.load, IndexBuilder.prune, IndexBuilder.freeze

    def load_entries(self, stream, format):
        data = stream.read()
        again = (lambda: io.StringIO(data)) if isinstance(data, str) else (lambda: io.BytesIO(data))
        load(self, again(), format)
        frozen = (self.formats[format] if isinstance(format, str) else format).load(again())
        names = frozen["docnames"]
        restored: dict[str, list] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, target, main in places:
                restored.setdefault(names[doc], []).append((entry, target, "main" if main else ""))
        self._index_entries.clear()
        self._index_entries.update({doc: sorted(entries) for doc, entries in restored.items()})

    def prune_entries(self, docnames):
        keep = set(docnames)
        prune(self, keep)
        for mapping in (self._mapping, self._title_mapping):
            for word in [w for w, pages in mapping.items() if not pages]:
                del mapping[word]
        for doc in [d for d in self._index_entries if d not in keep]:
            del self._index_entries[doc]

    def freeze_sorted(self):
        frozen = freeze(self)
        frozen["indexentries"] = {k: sorted(v) for k, v in frozen["indexentries"].items()}
        return frozen

    IndexBuilder.load, IndexBuilder.prune, IndexBuilder.freeze = load_entries, prune_entries, freeze_sorted
    IndexBuilder._omcc_patched = True


def setup(app):
    from omcc.book import bibstyle

    _search_index_kept_across_builds()
    app.add_domain(_numbered_reference_domain(), override=True)
    # the pages are read again (and may change) between builds: a fresh cache for each writing phase
    app.connect("env-updated", _forget_numref_doctrees)
    app.connect("build-finished", _forget_numref_doctrees)

    bibstyle.register()
    app.add_directive("data-table", _make_table_directive())
    app.add_directive("scorecard", _make_scorecard_directive())
    app.add_directive("vi-abstract", _make_lang_directive())
    app.add_node(lang_block, html=(visit_lang_block_html, depart_lang_block_html),
                 latex=(lambda self, node: None, lambda self, node: None),
                 text=(lambda self, node: None, lambda self, node: None))
    app.connect("html-page-context", _language)
    app.connect("html-page-context", _meta_description)
    app.connect("html-page-context", rows_script)
    from myst_nb.ext.glue.domain import NbGlueDomain

    class BookGlueDomain(NbGlueDomain):
        roles = {**NbGlueDomain.roles, "text": _make_role()()}

    app.add_domain(BookGlueDomain, override=True)
    app.add_node(key_number, html=(visit_key_number_html, depart_key_number_html),
                 latex=(visit_key_number_plain, depart_key_number_plain),
                 text=(visit_key_number_plain, depart_key_number_plain))
    app.connect("html-page-context", _cite_box)
    app.connect("html-page-context", _fix_bibliography_roles)
    app.connect("html-page-context", _drop_remote_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
