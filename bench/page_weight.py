#!/usr/bin/env python3
"""Report the weight of each page of the built site (_build/html): its HTML, the
images it shows, and the scripts and styles it loads (shared ones counted on every
page, as a first visit would pay them).

    .venv/bin/python bench/page_weight.py
"""

import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

SITE = Path(__file__).resolve().parent.parent / "_build" / "html"


def weight(page: Path) -> tuple[int, int, int]:
    html = page.read_text(encoding="utf-8")
    base = "http://site/" + page.relative_to(SITE).as_posix()
    images = assets = 0
    for attr, url in re.findall(r'<(img|script|link)\b[^>]*?(?:src|href)="([^"]+)"', html):
        target = SITE / urlparse(urljoin(base, url)).path.lstrip("/")
        if not target.is_file():
            continue
        if attr == "img":
            images += target.stat().st_size
        elif target.suffix in (".js", ".css"):
            assets += target.stat().st_size
    return page.stat().st_size, images, assets


def main() -> None:
    if not SITE.exists():
        sys.exit("build the site first: make book")
    pages = sorted([SITE / "chapters" / p.name for p in (SITE / "chapters").glob("*.html")])
    print(f"{'page':<28} {'HTML kB':>8} {'images kB':>10} {'css+js kB':>10} {'total kB':>9}")
    for page in pages:
        h, i, a = weight(page)
        print(f"{page.stem:<28} {h / 1024:>8.0f} {i / 1024:>10.0f} {a / 1024:>10.0f} {(h + i + a) / 1024:>9.0f}")


if __name__ == "__main__":
    main()
