"""The house figure style, shared by every chapter.

Okabe-Ito colours with fixed meanings (US, China, other), an opaque white
background (readable in the theme's dark mode), type sized for the page
width, a takeaway title with a subtitle, and a source line drawn into the
image itself so a downloaded PNG still says where its data came from.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import matplotlib as mpl
import matplotlib.pyplot as plt  # noqa: F401  (activates the notebook display of figures)
from matplotlib.figure import Figure

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
ORIGIN_COLOURS = {"US": OKABE_ITO["blue"], "CN": OKABE_ITO["vermillion"], "other": "#666666"}
ORIGIN_MARKERS = {"US": "o", "CN": "s", "other": "^"}
ORIGIN_LABELS = {"US": "United States", "CN": "China", "other": "Other"}
INK = "#222222"
MUTED = "#555555"
BOOK = "Open Models, Closed Chips"
MAX_SOURCES_IN_IMAGE = 6

STYLE = {
    "figure.figsize": (8.0, 4.8),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
    "legend.frameon": False,
    "svg.hashsalt": "omcc",  # stable ids in SVG output
    "svg.fonttype": "path",
}


def use_style() -> None:
    """Apply the house style to matplotlib (call once per notebook)."""
    mpl.rcParams.update(STYLE)


def origin_colour(origin: str) -> str:
    return ORIGIN_COLOURS.get(origin, ORIGIN_COLOURS["other"])


def origin_marker(origin: str) -> str:
    return ORIGIN_MARKERS.get(origin, ORIGIN_MARKERS["other"])


def new_figure(title: str, subtitle: str = "", figsize=None, **subplot_kw):
    """A figure with a left-aligned takeaway title and a grey subtitle."""
    use_style()
    # A Figure outside pyplot: the notebook shows it once, as the cell's value,
    # instead of the inline backend showing a second copy at the end of the cell.
    fig = Figure(figsize=figsize or STYLE["figure.figsize"])
    ax = fig.subplots(**subplot_kw)
    fig.suptitle(title, x=0.01, ha="left", fontsize=13.5, fontweight="bold", y=0.985)
    if subtitle:
        fig.text(0.01, 0.915, subtitle, ha="left", va="top", fontsize=10.5, color=MUTED)
    return fig, ax


def source_text(keys: Iterable[str]) -> str:
    """'Source: NVIDIA (2024); Huawei (2025). Analysis: Open Models, Closed Chips.'"""
    keys = source_keys(list(keys))
    if not keys:
        raise ValueError("a figure needs at least one source key")
    cites = sorted(set(short_cite(k) for k in keys))
    if len(cites) > MAX_SOURCES_IN_IMAGE:
        # Long lists stay in the caption; the image names providers once each.
        providers = sorted(set(c.rsplit(" (", 1)[0] for c in cites))
        shown = providers[:MAX_SOURCES_IN_IMAGE]
        rest = len(providers) - len(shown)
        text = "; ".join(shown) + (f"; and {rest} other sources (listed in the caption)" if rest > 0 else "")
        return f"Source: {text}. Analysis: {BOOK}."
    return "Source: " + "; ".join(cites) + f". Analysis: {BOOK}."


def finish(fig, sources: Iterable[str], note: str = "", top: float = 0.89, bottom: float = 0.1):
    """Lay out the figure and draw the source line (and an optional note) into it."""
    text = source_text(sources)
    if note:
        text = f"{text}\nNote: {note}"
    fig.text(0.01, 0.01, text, ha="left", va="bottom", fontsize=8.5, color=MUTED, wrap=True)
    fig._omcc_sources = sorted(set(sources))  # show() writes them into the data download
    # tight_layout inside the band left free for title, subtitle and source line
    fig.tight_layout(rect=(0, bottom, 1, top))
    return fig


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


FIGURE_KEY = "omcc_figure"
# Fixed metadata so that the same data give byte-identical files.
_PNG_METADATA = {"Software": None}
_SVG_METADATA = {"Date": None, "Creator": None}


def show(fig, name: str, data=None):
    """Render `fig` for the page and for its downloads; return the PNG for display
    as the cell's value.

    The downloads (PNG, SVG and, from `data`, a DataFrame of exactly the rows and
    columns drawn, a CSV that starts with comment lines naming the figure and its
    sources) travel in a hidden output of the page, so the build publishes the
    files of exactly this execution, never a file left over from an earlier one.
    """
    import base64

    from IPython.display import Image, display
    from myst_nb.ext.glue import GLUE_PREFIX

    if not name.startswith("fig-"):
        raise ValueError(f"figure names start with 'fig-' (stable anchors), got {name!r}")
    files = {}
    if data is not None:
        sources = getattr(fig, "_omcc_sources", None)
        if not sources:
            raise ValueError("call finish(fig, sources) before show(): the data download needs its sources")
        header = f"# {name}: data as plotted. {source_text(sources)}\n# Sources (references.bib keys): {'; '.join(sources)}\n"
        files["csv"] = header + data.to_csv(index=False, lineterminator="\n", float_format="%.6g")
    png = io.BytesIO()
    fig.savefig(png, format="png", metadata=_PNG_METADATA)
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata=_SVG_METADATA)
    files["png"] = base64.b64encode(png.getvalue()).decode("ascii")
    files["svg"] = svg.getvalue()
    metadata = {"scrapbook": {"name": f"omcc_figure_{name}", "mime_prefix": GLUE_PREFIX},
                FIGURE_KEY: {"name": name, "files": files}}
    display({GLUE_PREFIX + "text/plain": repr(name)}, raw=True, metadata=metadata)
    return Image(data=png.getvalue(), format="png")
