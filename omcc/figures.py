"""The house figure style, shared by every chapter.

A figure must survive being pasted into a briefing slide. So every image:

- is 8 by 4.5 inches (16:9, the frame of a slide) or shorter, drawn for the
  width the page shows it at (about 720 px on a laptop): no text smaller than
  12 px as displayed;
- states its finding in the title, with metric, unit and period in the subtitle;
- carries its own footer: the full list of sources (short form), any note, and
  its figure number with the book's address for it;
- uses colour with one meaning: China is vermillion (the book's orange) and
  nothing else is orange; the US is blue; other series take the remaining
  Okabe-Ito colours, always with a second cue (marker, dash or label);
- has no label on top of another label or of a data point: scatter labels are
  placed with adjustText, and every drawn figure is checked (`layout_report`).

`show()` renders the page PNG (1440 px wide, sharp on high-density screens), an
SVG, a 1920 x 1080 slide PNG and the plotted data as CSV, and hands them to the
build in a hidden output, with the layout report the tests read.
"""

from __future__ import annotations

import colorsys
import io
import os
from collections.abc import Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401  (activates the notebook display of figures)
from matplotlib.collections import PathCollection
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

from omcc.bib import short_cite, source_keys

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
CHINA = OKABE_ITO["vermillion"]
CHINA_LIGHT = "#F2B99A"  # a tint of the China colour, for fills and ranges
US = OKABE_ITO["blue"]
US_LIGHT = "#9CC3E0"
OTHER = "#666666"
ORIGIN_COLOURS = {"US": US, "CN": CHINA, "other": OTHER}
ORIGIN_MARKERS = {"US": "o", "CN": "s", "other": "^"}
ORIGIN_LABELS = {"US": "United States", "CN": "China", "other": "Other"}
# Colours for series that are not countries (scenarios, estimates, models of one
# country): never orange, which means China.
SERIES = [OKABE_ITO["blue"], OKABE_ITO["sky_blue"], OKABE_ITO["green"], OKABE_ITO["purple"], "#444444", "#999999"]
INK = "#222222"
MUTED = "#555555"
BOOK = "Open Models, Closed Chips"

WIDTH_IN = 8.0
MAX_HEIGHT_IN = 4.5  # 16:9
DISPLAY_PX = 720  # width at which the pages show a figure on a laptop
MIN_DISPLAY_PX = 12  # smallest text, as displayed
PAGE_DPI = 180  # 1440 px: two image pixels per displayed pixel
SLIDE_DPI = 240  # 1920 x 1080 for a 16:9 figure
PX_PER_PT = DISPLAY_PX / (WIDTH_IN * 72)  # displayed pixels per point of font size

STYLE = {
    "figure.figsize": (WIDTH_IN, MAX_HEIGHT_IN),
    "figure.dpi": 100,
    "savefig.dpi": PAGE_DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10.5,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=SERIES),
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "legend.frameon": False,
    "svg.hashsalt": "omcc",  # stable ids in SVG output
    "svg.fonttype": "path",
}
TITLE_PT, SUBTITLE_PT, FOOTER_PT = 14.5, 11.5, 10


def use_style() -> None:
    """Apply the house style to matplotlib (call once per notebook)."""
    mpl.rcParams.update(STYLE)


def origin_colour(origin: str) -> str:
    return ORIGIN_COLOURS.get(origin, ORIGIN_COLOURS["other"])


def origin_marker(origin: str) -> str:
    return ORIGIN_MARKERS.get(origin, ORIGIN_MARKERS["other"])


def new_figure(title: str, subtitle: str = "", figsize=None, lang: str = "en", **subplot_kw):
    """A figure with a takeaway title and a grey subtitle, 8 inches wide and at
    most 4.5 high (the layout report flags any other size: it would not fit a slide).
    `lang="vi"` writes its footer in Vietnamese."""
    use_style()
    width, height = figsize or (WIDTH_IN, MAX_HEIGHT_IN)
    # A Figure outside pyplot: the notebook shows it once, as the cell's value,
    # instead of the inline backend showing a second copy at the end of the cell.
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)  # a canvas that can measure text, for the layout
    ax = fig.subplots(**subplot_kw)
    fig._omcc_title = title
    fig._omcc_subtitle = subtitle
    fig._omcc_lang = lang
    return fig, ax


# --- sources ---------------------------------------------------------------------------


# The footer's words on a page of the Vietnamese edition (a figure drawn with lang="vi")
FOOTER_WORDS = {"en": ("Source", "Analysis", "Note", "Figure"), "vi": ("Nguồn", "Phân tích", "Ghi chú", "Hình")}


def source_text(keys: Iterable[str], lang: str = "en") -> str:
    """'Source: Huawei (2025); NVIDIA (2024). Analysis: Open Models, Closed Chips.'
    Every source, in short form: the image must stand alone."""
    keys = source_keys(list(keys))
    if not keys:
        raise ValueError("a figure needs at least one source key")
    years: dict[str, list[str]] = {}
    for cite in sorted(set(short_cite(k) for k in keys)):
        who, _, year = cite.rpartition(" (")
        years.setdefault(who, []).append(year.rstrip(")"))
    cites = [f"{who} ({', '.join(sorted(set(ys)))})" for who, ys in sorted(years.items())]
    source, analysis, *_ = FOOTER_WORDS[lang]
    return f"{source}: " + "; ".join(cites) + f". {analysis}: {BOOK}."


def caption_sources(keys: Iterable[str]) -> str:
    """MyST source line for a caption, with live citations; sources that share
    an author-year label appear once, with their count."""
    keys = source_keys(list(keys))
    if not keys:
        raise ValueError("a figure needs at least one source key")
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(short_cite(key), []).append(key)
    # the first entry links the label; the data download lists every key
    cites = "; ".join(
        f"{{cite:t}}`{group[0]}`" + (f" ({len(group)} documents)" if len(group) > 1 else "")
        for _, group in sorted(groups.items())
    )
    return f"Source: {cites}. Analysis: {BOOK}."


def glue_caption_sources(name: str, keys: Iterable[str]) -> str:
    """Glue the caption's source line as Markdown; paste it at the end of the
    caption with ``{glue:md}`name:myst` `` so citations stay live links."""
    from IPython.display import Markdown
    from myst_nb import glue

    text = caption_sources(keys)
    glue(name, Markdown(text), display=False)
    return text


def finish(fig, sources: Iterable[str], note: str = "", top: float | None = None, bottom: float | None = None):
    """Record the figure's sources and note; `show()` draws them into the footer
    and lays the figure out. (`top` and `bottom` are accepted for older calls and
    ignored: the layout measures the title and footer it draws.)"""
    fig._omcc_sources = source_keys(list(sources))
    if not fig._omcc_sources:
        raise ValueError("a figure needs at least one source key")
    fig._omcc_note = note
    return fig


# --- labels ------------------------------------------------------------------------------


def label_points(ax, xs, ys, labels, *, fontsize: float = 10.5, colours=None, **kwargs):
    """Label data points without overlaps: adjustText moves each label off the
    markers and other labels and draws a thin leader line where it moved far.
    The labels are placed when `show()` has laid the figure out (placing them
    earlier would leave them where the final layout no longer fits)."""
    colours = colours or [INK] * len(labels)
    texts = [ax.text(x, y, str(label), fontsize=fontsize, color=c, zorder=5)
             for x, y, label, c in zip(xs, ys, labels, colours)]
    if texts:
        ax.figure.__dict__.setdefault("_omcc_labels", []).append((ax, texts, list(xs), list(ys), kwargs))
    return texts


def _place_labels(fig) -> None:
    from adjustText import adjust_text

    for ax, texts, xs, ys, kwargs in getattr(fig, "_omcc_labels", []):
        # a fixed number of iterations and no time limit: the same picture on any machine
        options = dict(expand=(1.15, 1.3), iter_lim=500, time_lim=None,
                       arrowprops=dict(arrowstyle="-", color="#888888", lw=0.6))
        adjust_text(texts, x=xs, y=ys, ax=ax, **{**options, **kwargs})


# --- direct labels, placed deterministically -------------------------------------------------
# adjustText (label_points above) stops at a time limit, so on a busy machine it can
# leave a label on a marker and give another picture from build to build; for the
# dense scatter charts of the efficiency chapter it did both (measured). These place
# every label by a fixed rule instead, and the layout report checks the result.

# Directions tried around a point, in degrees: beside it first, then the
# diagonals, then above and below.
LABEL_ANGLES = (0, 180, 20, 160, -20, -160, 40, 140, -40, -140, 65, 115, -65, -115, 90, -90)
LABEL_STEPS = (2, 6, 11, 17, 24, 32, 42, 54, 68, 84, 100, 120)  # distances from the marker, figure pixels


def settle_layout(fig, name: str) -> None:
    """Lay `fig` out now exactly as `figures.show` will (title, subtitle and footer
    measured, axes fitted between them), then take the drawn title and footer off
    again: labels placed after this call keep their distances on the final image."""
    before = len(fig.texts)
    _lay_out(fig, name)
    for text in fig.texts[before:]:
        text.remove()


def place_labels(ax, xs, ys, labels, *, fontsize: float = 10, marker_px: float = 5.0, colour: str = "#222222",
                 angles=LABEL_ANGLES, steps=LABEL_STEPS) -> list[int]:
    """Label every point directly, deterministically, with no label on a marker or
    on another label.

    In rounds of growing distance from its point, each label not yet placed takes
    the first direction whose text box stays inside the axes, keeps clear of every
    marker and every label already placed, sits nearer its own point than any other
    marker (so it cannot be read as another point's label), and whose leader line
    crosses no other marker, label or leader line. Crowded points choose first. If
    that fails, a second pass drops the last two conditions. A thin grey leader line
    joins a label set away from its point. Returns the indices of labels that found
    no place (the caller can hand them to `figures.label_points`)."""
    import numpy as np
    from matplotlib.lines import Line2D

    renderer = ax.figure.canvas.get_renderer()
    to_disp, to_data = ax.transData.transform, ax.transData.inverted().transform
    pts = to_disp(np.column_stack([np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)]))
    frame = ax.get_window_extent(renderer)
    pad, g = 2.0, marker_px
    markers = [(px - g, py - g, px + g, py + g) for px, py in pts]
    texts = [ax.text(0, 0, str(label), fontsize=fontsize, color=colour, ha="left", va="bottom", zorder=5) for label in labels]
    sizes = [(t.get_window_extent(renderer).width, t.get_window_extent(renderer).height) for t in texts]
    crowd = [int(sum(np.hypot(*(pts[j] - pts[i])) < 80 for j in range(len(pts)))) for i in range(len(pts))]
    order = sorted(range(len(pts)), key=lambda i: (-crowd[i], pts[i][0], pts[i][1]))
    spots: dict[int, tuple] = {}
    leaders: list[tuple] = []

    def overlaps(b, m):
        return b[0] < m[2] + pad and b[2] > m[0] - pad and b[1] < m[3] + pad and b[3] > m[1] - pad

    def nearest(p, b):
        return np.array([min(max(p[0], b[0]), b[2]), min(max(p[1], b[1]), b[3])])

    def crosses(a, c, boxes):
        for t in np.linspace(0.05, 0.95, 12):
            q = a + t * (c - a)
            if any(m[0] - 1 < q[0] < m[2] + 1 and m[1] - 1 < q[1] < m[3] + 1 for m in boxes):
                return True
        return False

    for strict in (True, False):
        for d in steps:
            for i in order:
                if i in spots:
                    continue
                p, (w, h) = pts[i], sizes[i]
                for angle in angles:
                    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
                    ax_, ay_ = p[0] + (g + d) * c, p[1] + (g + d) * s
                    x0 = ax_ if c > 0.3 else (ax_ - w if c < -0.3 else ax_ - w / 2)
                    y0 = ay_ if s > 0.3 else (ay_ - h if s < -0.3 else ay_ - h / 2)
                    b = (x0, y0, x0 + w, y0 + h)
                    if not (b[0] > frame.x0 + 1 and b[2] < frame.x1 - 1 and b[1] > frame.y0 + 1 and b[3] < frame.y1 - 1):
                        continue
                    if any(overlaps(b, m) for m in markers) or any(overlaps(b, o) for o in spots.values()):
                        continue
                    near = nearest(p, b)
                    if strict:
                        others = [m for j, m in enumerate(markers) if j != i] + list(spots.values())
                        if crosses(p, near, others) or any(crosses(a, e, [b]) for a, e in leaders):
                            continue
                        own = np.hypot(*(near - p))
                        if any(np.hypot(*(nearest(q, b) - q)) < own + 4 for j, q in enumerate(pts) if j != i):
                            continue
                    spots[i] = b
                    leaders.append((p, near))
                    break
    missed = []
    for i, t in enumerate(texts):
        if i not in spots:
            t.remove()
            missed.append(i)
            continue
        b, p = spots[i], pts[i]
        t.set_position(to_data((b[0], b[1])))
        drawn = t.get_window_extent(renderer)  # the drawn box can sit a pixel off its anchor
        x, y = to_disp(t.get_position())
        t.set_position(to_data((x + b[0] - drawn.x0, y + b[1] - drawn.y0)))
        near = nearest(p, b)
        dist = float(np.hypot(*(near - p)))
        if dist > g + 8:
            u = (near - p) / dist
            a, e = to_data(p + u * (g + 1)), to_data(near - u * 1.5)
            ax.add_line(Line2D([a[0], e[0]], [a[1], e[1]], color="#888888", lw=0.6, zorder=1.5))
    return missed


# --- layout --------------------------------------------------------------------------------


def _wrap(text: str, fontsize: float, width_px: float, renderer, weight="normal") -> str:
    """Greedy word wrap of `text` to `width_px` as drawn by `renderer`."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(size=fontsize, weight=weight)
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}".strip()
            w, _, _ = renderer.get_text_width_height_descent(trial, prop, ismath=False)
            if w > width_px and line:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


def figure_number(name: str, lang: str = "en") -> str:
    """'Figure 2.3': the chapter's number in the table of contents and the order
    of this figure on its page (the build tells the page which page it is). A
    Vietnamese page numbers its figures as its English counterpart does ('Hình 1')."""
    docname = os.environ.get("OMCC_DOCNAME", "")
    count = _figure_counter.setdefault(docname, [])
    if name not in count:
        count.append(name)
    index = count.index(name) + 1
    chapter = chapter_number(docname)
    word = FOOTER_WORDS[lang][3]
    return f"{word} {chapter}.{index}" if chapter else f"{word} {index}"


_figure_counter: dict[str, list[str]] = {}


def chapter_number(docname: str) -> int | None:
    """The section number the table of contents gives `docname` (numbered parts only)."""
    import yaml

    from omcc import inputs
    from omcc.paths import ROOT

    if not docname:
        return None
    toc = yaml.safe_load(inputs.record_file(ROOT / "_toc.yml").decode("utf-8"))
    number = 0
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            if part.get("numbered"):
                number += 1
                if chapter["file"] == docname:
                    return number
    return None


def figure_address(name: str) -> str:
    """The book's address of a figure, e.g. 'open-models-closed-chips.github.io/chapters/x.html#fig-y'."""
    import yaml

    from omcc import inputs
    from omcc.paths import ROOT

    cff = yaml.safe_load(inputs.record_file(ROOT / "CITATION.cff").decode("utf-8"))
    base = str(cff.get("url", "")).removeprefix("https://").removeprefix("http://").rstrip("/")
    docname = os.environ.get("OMCC_DOCNAME", "")
    return f"{base}/{docname}.html#{name}" if docname else f"{base}/#{name}"


def _lay_out(fig, name: str) -> None:
    """Draw title, subtitle and footer, measured, and fit the axes between them."""
    renderer = fig.canvas.get_renderer()
    width_px = fig.get_figwidth() * fig.dpi
    height_px = fig.get_figheight() * fig.dpi
    margin = 0.012 * width_px
    usable = width_px - 2 * margin
    y = height_px - margin
    for attr, size, weight, colour in (("_omcc_title", TITLE_PT, "bold", INK), ("_omcc_subtitle", SUBTITLE_PT, "normal", MUTED)):
        text = getattr(fig, attr, "")
        if not text:
            continue
        t = fig.text(margin / width_px, y / height_px, _wrap(text, size, usable, renderer, weight), ha="left", va="top",
                     fontsize=size, fontweight=weight, color=colour, linespacing=1.15)
        y -= t.get_window_extent(renderer).height + 0.35 * size * fig.dpi / 72
    lang = getattr(fig, "_omcc_lang", "en")
    footer = source_text(fig._omcc_sources, lang)
    note = getattr(fig, "_omcc_note", "")
    if note:
        footer += f"\n{FOOTER_WORDS[lang][2]}: {note}"
    footer += f"\n{figure_number(name, lang)} · {figure_address(name)}"
    f = fig.text(margin / width_px, margin / height_px, _wrap(footer, FOOTER_PT, usable, renderer), ha="left",
                 va="bottom", fontsize=FOOTER_PT, color=MUTED, linespacing=1.2)
    bottom = (f.get_window_extent(renderer).height + margin * 2.2) / height_px
    top = (y - margin * 0.6) / height_px
    fig._omcc_cramped = top - bottom < 0.3  # title and footer leave too little room for the chart
    fig.tight_layout(rect=(0, bottom, 1, max(top, bottom + 0.1)))


# --- checks ----------------------------------------------------------------------------------


def _is_china_orange(colour) -> bool:
    """True for colours in the orange family reserved for China."""
    try:
        r, g, b, a = mpl.colors.to_rgba(colour)
    except (ValueError, TypeError):
        return False
    if a == 0:
        return False
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    return 0.03 <= h <= 0.13 and s > 0.45 and 0.3 < lum < 0.9


def _mentions_china(artist) -> bool:
    words = " ".join(str(x or "") for x in (artist.get_gid(), artist.get_label(),
                                             artist.get_text() if isinstance(artist, Text) else "")).lower()
    return any(w in words for w in ("china", "chinese", "cn"))


def layout_report(fig) -> dict:
    """What the drawn figure looks like to a reader: the smallest text as displayed,
    text boxes that overlap each other or a data marker, and orange used for
    anything that is not China. The tests require all lists to be empty."""
    import numpy as np

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    scale = DISPLAY_PX / (fig.get_figwidth() * fig.dpi)  # figure pixels -> displayed pixels
    width_px, height_px = fig.get_figwidth() * fig.dpi, fig.get_figheight() * fig.dpi
    candidates, data_texts = list(fig.texts), []
    for ax in fig.axes:
        candidates += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if tick.get_visible():
                    candidates += [lab for lab in (tick.label1, tick.label2) if lab.get_visible()]
        candidates += list(ax.texts)
        data_texts += list(ax.texts)
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            candidates += list(legend.get_texts()) + [legend.get_title()]
    for legend in fig.legends:
        candidates += list(legend.get_texts()) + [legend.get_title()]
    texts = []
    for t in candidates:
        if not t.get_visible() or not t.get_text().strip() or t.get_alpha() == 0:
            continue
        bb = t.get_window_extent(renderer)
        inside = bb.x1 > 0 and bb.y1 > 0 and bb.x0 < width_px and bb.y0 < height_px
        if bb.width <= 1 or bb.height <= 1 or not inside:
            continue
        texts.append((t, bb))
    min_px = min((t.get_fontsize() * PX_PER_PT for t, _ in texts), default=None)
    small = sorted({f"{t.get_text()[:30]!r} at {t.get_fontsize() * PX_PER_PT:.1f} px" for t, _ in texts
                    if t.get_fontsize() * PX_PER_PT < MIN_DISPLAY_PX - 1e-6})
    overlaps = []
    for i, (a, ba) in enumerate(texts):
        for b, bb in texts[i + 1:]:
            w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
            h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
            if w > 1 and h > 1 and w * h * scale * scale > 4:
                overlaps.append(f"text {a.get_text()[:30]!r} overlaps text {b.get_text()[:30]!r}")
    markers = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_visible() and line.get_marker() not in (None, "", "None", " ") and line.get_markersize() > 0:
                pts = line.get_transform().transform(np.column_stack([line.get_xdata(orig=False), line.get_ydata(orig=False)]))
                r = line.get_markersize() * fig.dpi / 72 / 2
                markers += [(p, r, line.get_label()) for p in pts if np.all(np.isfinite(p))]
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and coll.get_visible():
                offsets = coll.get_offset_transform().transform(coll.get_offsets())
                sizes = coll.get_sizes() if len(coll.get_sizes()) else [36]
                for k, p in enumerate(offsets):
                    s = sizes[k % len(sizes)]
                    markers.append((p, (s ** 0.5) * fig.dpi / 72 / 2, coll.get_label()))
    for t, bb in texts:
        if not any(t is d for d in data_texts):
            continue
        for (px, py), r, label in markers:
            core = 0.6 * r  # a label may touch a marker's rim, not cover its centre
            if bb.x0 < px + core and bb.x1 > px - core and bb.y0 < py + core and bb.y1 > py - core:
                overlaps.append(f"text {t.get_text()[:30]!r} covers a data marker ({label})")
                break
    orange = []
    for artist in fig.findobj():
        colours = []
        for getter in ("get_color", "get_facecolor", "get_edgecolor", "get_markerfacecolor"):
            if hasattr(artist, getter):
                try:
                    value = getattr(artist, getter)()
                except (TypeError, ValueError):
                    continue
                if value is None or (hasattr(value, "__len__") and len(value) == 0):
                    continue
                try:
                    arr = np.atleast_2d(mpl.colors.to_rgba_array(value))
                except (TypeError, ValueError):
                    continue
                colours += [tuple(c) for c in arr]
        if any(_is_china_orange(c) for c in colours) and not _mentions_china(artist):
            orange.append(f"{type(artist).__name__} {str(artist.get_label() or getattr(artist, 'get_text', lambda: '')())[:30]!r}")
    frame = []
    if abs(fig.get_figwidth() - WIDTH_IN) > 1e-6 or fig.get_figheight() > MAX_HEIGHT_IN + 1e-6:
        frame.append(f"figure is {fig.get_figwidth():g} x {fig.get_figheight():g} in: it must be {WIDTH_IN:g} wide "
                     f"and at most {MAX_HEIGHT_IN:g} high (16:9)")
    if getattr(fig, "_omcc_cramped", False):
        frame.append("title, subtitle and footer leave less than 30% of the height for the chart")
    return {"frame": frame, "min_font_px": round(min_px, 2) if min_px else None, "small_text": small, "overlaps": sorted(set(overlaps)),
            "orange_not_china": sorted(set(orange)),
            "size_in": [round(fig.get_figwidth(), 3), round(fig.get_figheight(), 3)]}


# --- output ----------------------------------------------------------------------------------

FIGURE_KEY = "omcc_figure"
# Fixed metadata so that the same data give byte-identical files.
_PNG_METADATA = {"Software": None}
_SVG_METADATA = {"Date": None, "Creator": None}


def show(fig, name: str, data=None):
    """Lay the figure out with its footer, render it for the page and for its
    downloads, and return the PNG for display as the cell's value.

    The downloads (page PNG, SVG, 1920 x 1080 slide PNG and, from `data`, a
    DataFrame of exactly the rows and columns drawn, a CSV whose first lines name
    the figure and its sources) travel in a hidden output of the page with the
    figure's layout report, so the build publishes the files of exactly this
    execution, never a file left over from an earlier one.
    """
    import base64

    from IPython.display import Image, display
    from myst_nb.ext.glue import GLUE_PREFIX

    if not name.startswith("fig-"):
        raise ValueError(f"figure names start with 'fig-' (stable anchors), got {name!r}")
    sources = getattr(fig, "_omcc_sources", None)
    if not sources:
        raise ValueError("call finish(fig, sources) before show(): every figure names its sources")
    lang = getattr(fig, "_omcc_lang", "en")
    number, address, source_line = figure_number(name, lang), figure_address(name), source_text(sources, lang)
    key = render_key(fig, name, number, address, source_line)
    rendered = _RENDERED.get(key)
    if rendered is None:
        rendered = _render(fig, name)
        _RENDERED.put(key, rendered)
    files, report = dict(rendered["files"]), dict(rendered["report"])
    report.update(number=number, address=address, source_line=source_line)
    if data is not None:
        header = f"# {name}: data as plotted. {source_text(sources)}\n# Sources (references.bib keys): {'; '.join(sources)}\n"
        files["csv"] = header + data.to_csv(index=False, lineterminator="\n", float_format="%.6g")
    metadata = {"scrapbook": {"name": f"omcc_figure_{name}", "mime_prefix": GLUE_PREFIX},
                FIGURE_KEY: {"name": name, "files": files, "report": report}}
    display({GLUE_PREFIX + "text/plain": repr(name)}, raw=True, metadata=metadata)
    return Image(data=base64.b64decode(files["png"]), format="png", width=DISPLAY_PX)


def _render(fig, name: str) -> dict:
    """Lay the figure out, check it, and draw its page, slide and vector files."""
    import base64

    _lay_out(fig, name)
    _place_labels(fig)
    report = layout_report(fig)
    # One raster drawing, at the slide's resolution (1920 px wide); the page's 1440-px
    # and 720-px images are scaled from it (drawing three times cost three times as much).
    big = io.BytesIO()
    fig.savefig(big, format="png", dpi=SLIDE_DPI, metadata=_PNG_METADATA)
    png, small = _scaled(big.getvalue(), PAGE_DPI / SLIDE_DPI), _scaled(big.getvalue(), PAGE_DPI / 2 / SLIDE_DPI)
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata=_SVG_METADATA)
    files = {"png": base64.b64encode(png).decode("ascii"), "720.png": base64.b64encode(small).decode("ascii"),
             "slide.png": base64.b64encode(_slide_canvas(big.getvalue())).decode("ascii"), "svg": svg.getvalue()}
    return {"files": files, "report": report}


# --- the render cache ---------------------------------------------------------------------
#
# Laying out, checking and drawing a figure takes about a second; working out what
# it will show takes a twentieth of that. So `show()` first draws the figure as it
# stands (before title, footer and label placement) to SVG, which holds every mark,
# text and glyph outline, and hashes that with everything the layout adds (titles,
# footer, label settings, style, the package code). An unchanged figure of a page
# that runs again (another of its numbers changed) reuses its files; a changed one is
# drawn afresh. Entries are written whole or not at all, and keyed on content only.

RENDER_CACHE_KEEP = 400  # entries kept (the book has under 100 figures, English and Vietnamese)


def render_key(fig, name: str, number: str, address: str, source_line: str) -> str:
    """What the rendered files of `fig` are a function of."""
    import hashlib

    from omcc import inputs

    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata=_SVG_METADATA)
    labels = [(repr(sorted(kw.items())), len(texts)) for _, texts, _, _, kw in getattr(fig, "_omcc_labels", [])]
    extras = [name, number, address, source_line, getattr(fig, "_omcc_note", ""), getattr(fig, "_omcc_title", ""),
              getattr(fig, "_omcc_subtitle", ""), getattr(fig, "_omcc_lang", "en"), repr(labels),
              repr((fig.get_figwidth(), fig.get_figheight(), fig.dpi)), mpl.__version__,
              repr(sorted((k, repr(v)) for k, v in mpl.rcParams.items())), _code_digest(inputs)]
    h = hashlib.sha256(svg.getvalue().encode())
    for part in extras:
        h.update(b"\0" + str(part).encode())
    return h.hexdigest()


_code: list[str] = []


def _code_digest(inputs) -> str:
    if not _code:
        _code.append(inputs.code_digest())
    return _code[0]


class _RenderCache:
    def folder(self) -> Path | None:
        """`_build/cache/figures`, or None when OMCC_RENDER_CACHE=off."""
        from omcc.paths import BUILD

        return None if os.environ.get("OMCC_RENDER_CACHE") == "off" else BUILD / "cache" / "figures"

    def get(self, key: str) -> dict | None:
        import json

        folder = self.folder()
        if folder is None:
            return None
        path = folder / f"{key}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("key") != key or not {"png", "720.png", "slide.png", "svg"} <= set(entry.get("files", {})):
            return None
        try:
            os.utime(path)  # recently used: kept by prune()
        except OSError:
            pass
        return entry

    def put(self, key: str, rendered: dict) -> None:
        import json
        import tempfile

        folder = self.folder()
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, **rendered}, fh)
            os.replace(tmp, folder / f"{key}.json")  # whole or not at all
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prune(self, keep: int = RENDER_CACHE_KEEP) -> None:
        """Keep the `keep` most recently used entries."""
        folder = self.folder()
        if folder is None or not folder.exists():
            return
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in entries[keep:]:
            path.unlink(missing_ok=True)


_RENDERED = _RenderCache()


def prune_render_cache(keep: int = RENDER_CACHE_KEEP) -> None:
    """Forget all but the `keep` most recently used drawings (the build calls this)."""
    _RENDERED.prune(keep)


def _scaled(png: bytes, factor: float) -> bytes:
    """The PNG scaled by `factor` (Lanczos), as PNG."""
    from PIL import Image as PILImage

    image = PILImage.open(io.BytesIO(png)).convert("RGB")
    size = (round(image.width * factor), round(image.height * factor))
    out = io.BytesIO()
    image.resize(size, PILImage.LANCZOS).save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _slide_canvas(png: bytes) -> bytes:
    """The figure on a 1920 x 1080 white canvas (a shorter figure is centred)."""
    from PIL import Image as PILImage

    image = PILImage.open(io.BytesIO(png)).convert("RGB")
    if image.size == (1920, 1080):
        return png  # a 16:9 figure is its own slide
    canvas = PILImage.new("RGB", (1920, 1080), "white")
    image.thumbnail((1920, 1080))
    canvas.paste(image, ((1920 - image.width) // 2, (1080 - image.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="PNG", compress_level=6)
    return out.getvalue()
