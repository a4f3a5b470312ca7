"""Count the words a reader reads on a built page: the prose of the article,
without tables, figure and table captions, code, collapsed notes, the boxes a
key number opens, figure downloads, the cite box and the Vietnamese abstract."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP_TAGS = {"table", "figcaption", "caption", "pre", "code", "script", "style", "nav", "header", "footer", "svg"}
SKIP_CLASSES = {"kn-pop", "figure-downloads", "cite-box", "headerlink", "caption-number", "sd-badge",
                "vi-abstract", "lang-switch"}


class _Words(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth_article = 0
        self.stack: list[tuple[str, bool]] = []
        self.skipping = 0
        self.words = 0
        self.in_summary = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "hr", "meta", "link", "input", "wbr", "source"):
            return
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        skip = tag in SKIP_TAGS or bool(classes & SKIP_CLASSES) or tag == "details" or "popover" in attrs
        if tag == "article":
            self.depth_article += 1
        if tag == "summary" and self.skipping == 1 and self.stack and self.stack[-1][0] == "details":
            self.in_summary += 1  # the visible line of a collapsed note counts
        self.stack.append((tag, skip))
        if skip:
            self.skipping += 1

    def handle_startendtag(self, tag, attrs):
        pass  # <img/>, <br/>: nothing to read, nothing to close

    def handle_endtag(self, tag):
        if tag in ("br", "img", "hr", "meta", "link", "input", "wbr", "source"):
            return
        while self.stack:
            name, skip = self.stack.pop()
            if skip:
                self.skipping -= 1
            if name == "article":
                self.depth_article -= 1
            if name == "summary" and self.in_summary:
                self.in_summary -= 1
            if name == tag:
                break

    def handle_data(self, data):
        if self.depth_article and (not self.skipping or self.in_summary):
            self.words += len(re.findall(r"[\w’'%$.,×/-]*\w[\w’'%$.,×/-]*", data))


def prose_words(html: str) -> int:
    parser = _Words()
    parser.feed(html)
    return parser.words
