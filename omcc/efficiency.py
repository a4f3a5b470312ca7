"""Training compute, cost and capability per unit of compute (claims C10, C11).

Two ways to estimate the arithmetic of a training run, each a one-line formula:

* from the model: ``C = 6 × N × D`` FLOP, with N the parameters active per token
  and D the training tokens (two FLOP per parameter per token forward, four
  backward; attention and other overheads are ignored);
* from the hardware: ``C = H × 3600 × P × u`` FLOP, with H the GPU-hours, P the
  chip's peak dense BF16 throughput in FLOP/s (from `accelerator_specs`) and u the
  utilisation (the share of peak actually achieved, "model FLOP utilisation").

Where a source gives both, the utilisation the pair implies is
``u = 6 × N × D / (H × 3600 × P)``.

The cost of a final training run at a rental price p (US$ per GPU-hour) is
``H × p``. It leaves out research and ablation runs, failed runs, data, staff and
the cluster itself; the chapter says so next to every cost.

Published compute estimates carry a confidence label (Epoch AI's Confident /
Likely / Speculative). This module turns a label into a multiplicative band,
``[C / f, C × f]``, with the factors in `CONFIDENCE_FACTOR`: that mapping is this
book's assumption, not a definition Epoch publishes.
"""

from __future__ import annotations

import math

import pandas as pd

from omcc.bib import source_keys

FLOP_PER_PARAM_TOKEN = 6.0
SECONDS_PER_HOUR = 3600.0
TERA = 1e12

# Assumed utilisation range for the hardware-based estimate (share of peak dense
# BF16 throughput achieved over a whole run). An input of this book, not a
# measurement; the chapter shows what the documented runs imply.
UTILISATION_LOW = 0.20
UTILISATION_CENTRAL = 0.35
UTILISATION_HIGH = 0.50

# Multiplicative uncertainty band per confidence label (this book's assumption;
# Epoch's one stated interval here, GPT-5's, is about 3x either side of a
# 'Speculative' central value, so the Speculative factor is deliberately wider).
CONFIDENCE_FACTOR = {"Confident": 2.0, "Likely": 3.0, "Speculative": 10.0}

# Two models count as "of similar capability" when their Epoch Capabilities
# Index scores differ by at most this many points (this book's choice).
SIMILAR_ECI_GAP = 2.0

# The benchmark used as the independent capability measure.
ECI = "Epoch Capabilities Index (ECI)"


# --- the formulas ------------------------------------------------------------


def compute_from_params(active_params: float, tokens: float) -> float:
    """Training FLOP from the model: ``6 × N × D`` (N active parameters, D tokens)."""
    if active_params <= 0 or tokens <= 0:
        raise ValueError("parameters and tokens must be positive")
    return FLOP_PER_PARAM_TOKEN * active_params * tokens


def compute_from_hardware(gpu_hours: float, peak_tflops: float, utilisation: float) -> float:
    """Training FLOP from the hardware: ``H × 3600 × P × u``.

    `peak_tflops` is the chip's peak dense throughput in TFLOPS (10^12 FLOP/s).
    """
    if not 0 < utilisation <= 1:
        raise ValueError("utilisation is a share of peak, between 0 and 1")
    if gpu_hours <= 0 or peak_tflops <= 0:
        raise ValueError("GPU-hours and peak throughput must be positive")
    return gpu_hours * SECONDS_PER_HOUR * peak_tflops * TERA * utilisation


def implied_utilisation(flop: float, gpu_hours: float, peak_tflops: float) -> float:
    """Share of peak that `flop` implies for the stated hardware:
    ``u = C / (H × 3600 × P)``."""
    return flop / compute_from_hardware(gpu_hours, peak_tflops, 1.0)


def run_cost(gpu_hours: float, price_per_gpu_hour: float) -> float:
    """Rental cost of a run, US$: ``H × p`` (final run only)."""
    if gpu_hours < 0 or price_per_gpu_hour < 0:
        raise ValueError("GPU-hours and price must not be negative")
    return gpu_hours * price_per_gpu_hour


def confidence_band(flop: float, confidence: str) -> tuple[float, float]:
    """Low and high ends ``(C / f, C × f)`` for a published estimate with a
    confidence label; raises for a label without a factor (e.g. 'Unknown')."""
    if confidence not in CONFIDENCE_FACTOR:
        raise ValueError(f"no uncertainty factor for confidence {confidence!r}")
    f = CONFIDENCE_FACTOR[confidence]
    return flop / f, flop * f


# --- tables ------------------------------------------------------------------


_keys = source_keys


def _first(series: pd.Series):
    values = series.dropna()
    return values.iloc[0] if len(values) else None


PREFERRED_COMPUTE_SOURCE = "epoch2026eci"


def model_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per model from `training_runs` (one row per model and source).

    Descriptive fields take the first value a source gives. The published
    compute is the value in Epoch's capabilities file where there is one (the
    same snapshot as the capability scores), else the first published value;
    `published_min` / `published_max` keep the spread between sources, and an
    explicit interval (`compute_low_flop`, `compute_high_flop`) is kept where a
    source states one. `sources` lists every key behind the model's rows.
    """
    rows = []
    for model_id, part in runs.groupby("model_id", sort=False):
        pub = part.dropna(subset=["published_compute_flop"])
        preferred = pub[pub["source"] == PREFERRED_COMPUTE_SOURCE]
        chosen = preferred.iloc[0] if len(preferred) else (pub.iloc[0] if len(pub) else None)
        rows.append({
            "model_id": model_id,
            "model": part["model"].iloc[0],
            "developer": part["developer"].iloc[0],
            "country": part["country"].iloc[0],
            "release_date": part["release_date"].min(),
            "open_weights": _first(part["open_weights"]),
            "total_params_b": _first(part["total_params_b"]),
            "active_params_b": _first(part["active_params_b"]),
            "training_tokens_t": _first(part["training_tokens_t"]),
            "chip_id": _first(part["chip_id"]),
            "gpu_count": _first(part["gpu_count"]),
            "gpu_hours": _first(part["gpu_hours"]),
            "published_flop": None if chosen is None else chosen["published_compute_flop"],
            "published_confidence": None if chosen is None else chosen["compute_confidence"],
            "published_source": None if chosen is None else chosen["source"],
            "published_min": pub["published_compute_flop"].min() if len(pub) else None,
            "published_max": pub["published_compute_flop"].max() if len(pub) else None,
            "stated_low": _first(part["compute_low_flop"]),
            "stated_high": _first(part["compute_high_flop"]),
            "sources": ";".join(_keys(part["source"])),
        })
    table = pd.DataFrame(rows).set_index("model_id")
    for col in ["total_params_b", "active_params_b", "training_tokens_t", "gpu_count", "gpu_hours",
                "published_flop", "published_min", "published_max", "stated_low", "stated_high"]:
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
    return table


def add_estimates(models: pd.DataFrame, peak_tflops: pd.Series) -> pd.DataFrame:
    """Add both estimates, their bands and the utilisation each pair implies.

    `peak_tflops` maps chip_id to peak dense BF16 TFLOPS. New columns:
    params_flop (6ND), hardware_flop_low/central/high (at the assumed
    utilisation range), util_params (utilisation implied by 6ND and the
    GPU-hours), util_published (implied by the published estimate),
    published_low/high (the stated interval if any, else the confidence band).
    """
    out = models.copy()
    n = out["active_params_b"] * 1e9
    d = out["training_tokens_t"] * 1e12
    out["params_flop"] = FLOP_PER_PARAM_TOKEN * n * d
    peak = out["chip_id"].map(peak_tflops).astype("float64")
    out["peak_tflops"] = peak
    capacity = out["gpu_hours"] * SECONDS_PER_HOUR * peak * TERA  # FLOP at 100% of peak
    out["hardware_flop_low"] = capacity * UTILISATION_LOW
    out["hardware_flop_central"] = capacity * UTILISATION_CENTRAL
    out["hardware_flop_high"] = capacity * UTILISATION_HIGH
    out["util_params"] = out["params_flop"] / capacity
    out["util_published"] = out["published_flop"] / capacity
    lows, highs = [], []
    for _, row in out.iterrows():
        if pd.notna(row["stated_low"]) and pd.notna(row["stated_high"]):
            lo, hi = row["stated_low"], row["stated_high"]
        elif pd.notna(row["published_flop"]) and row["published_confidence"] in CONFIDENCE_FACTOR:
            lo, hi = confidence_band(row["published_flop"], row["published_confidence"])
        else:
            lo, hi = math.nan, math.nan
        lows.append(lo)
        highs.append(hi)
    out["published_low"] = lows
    out["published_high"] = highs
    return out


def capability(bench: pd.DataFrame, benchmark: str = ECI) -> pd.Series:
    """Score per model_id on one independent benchmark (the highest if a model
    has several rows, e.g. reasoning settings)."""
    part = bench[(bench["benchmark"] == benchmark) & (bench["reporter_type"] == "independent")]
    return part.groupby("model_id")["score"].max()


def matched_pairs(models: pd.DataFrame, scores: pd.Series, gap: float = SIMILAR_ECI_GAP,
                  a: str = "US", b: str = "CN") -> pd.DataFrame:
    """Every pair of an `a` model and a `b` model whose scores differ by at most
    `gap` points and which both have a published compute estimate with a band.

    ratio = compute(a) / compute(b): how many times the `a` model's training
    compute the `b` model needed for similar capability. ratio_low / ratio_high
    combine the two bands at their extremes:
    ``low = a_low / b_high``, ``high = a_high / b_low``.
    """
    m = models.join(scores.rename("score"), how="inner").dropna(subset=["published_flop", "published_low", "score"])
    left, right = m[m["country"] == a], m[m["country"] == b]
    rows = []
    for ia, ra in left.iterrows():
        for ib, rb in right.iterrows():
            if abs(ra["score"] - rb["score"]) <= gap:
                rows.append({
                    f"{a.lower()}_model": ia, f"{b.lower()}_model": ib,
                    f"{a.lower()}_score": ra["score"], f"{b.lower()}_score": rb["score"],
                    "ratio": ra["published_flop"] / rb["published_flop"],
                    "ratio_low": ra["published_low"] / rb["published_high"],
                    "ratio_high": ra["published_high"] / rb["published_low"],
                })
    return pd.DataFrame(rows)


def head_to_head(bench: pd.DataFrame, model: str, rivals: list[str], source: str) -> pd.DataFrame:
    """Wide table benchmark/setting x model of the scores in one source, only
    for settings where `model` and every rival have a score; adds `beats_all`,
    `loses_all` and one `beats_<rival>` column per rival (ties count as neither)."""
    part = bench[(bench["source"] == source) & bench["model_id"].isin([model, *rivals])]
    wide = part.pivot_table(index=["benchmark", "setting"], columns="model_id", values="score", aggfunc="first")
    wide = wide.dropna(subset=[model, *rivals])
    for r in rivals:
        wide[f"beats_{r}"] = wide[model] > wide[r]
        wide[f"loses_{r}"] = wide[model] < wide[r]
    wide["beats_all"] = wide[[f"beats_{r}" for r in rivals]].all(axis=1)
    wide["loses_all"] = wide[[f"loses_{r}" for r in rivals]].all(axis=1)
    return wide


def sources_of(frame: pd.DataFrame, column: str = "source") -> list[str]:
    """Bibliography keys in a ';'-joined column."""
    return _keys(frame[column])


# --- the rows behind a number (provenance for the chapter's key numbers) -----------


def run_rows(runs: pd.DataFrame, model_ids, compute_only: bool = False) -> pd.DataFrame:
    """The `training_runs` rows of these models (only those with a published
    compute estimate if `compute_only`)."""
    part = runs[runs["model_id"].isin(list(model_ids))]
    if compute_only:
        part = part[part["published_compute_flop"].notna()]
    return part


def eci_rows(bench: pd.DataFrame, model_ids, benchmark: str = ECI) -> pd.DataFrame:
    """The independent `benchmarks` rows of one index (the ECI by default) for these models."""
    return bench[(bench["benchmark"] == benchmark) & (bench["reporter_type"] == "independent")
                 & bench["model_id"].isin(list(model_ids))]


def spec_rows(specs: pd.DataFrame, chip_ids, metric: str = "bf16_dense_tflops") -> pd.DataFrame:
    """The preferred `accelerator_specs` rows of one metric for these chips."""
    return specs[specs["chip_id"].isin(list(chip_ids)) & (specs["metric"] == metric) & specs["preferred"].astype(bool)]


def card_rows(bench: pd.DataFrame, source: str, model_ids=None, settings=None) -> pd.DataFrame:
    """The `benchmarks` rows of one source (a developer's table), optionally only
    these models and these (benchmark, setting) pairs."""
    part = bench[bench["source"] == source]
    if model_ids is not None:
        part = part[part["model_id"].isin(list(model_ids))]
    if settings is not None:
        part = part[part.set_index(["benchmark", "setting"]).index.isin(list(settings))]
    return part


# --- matched pairs by kind of US model and wins by setting ---------------------------


def open_weight_ids(models: pd.DataFrame) -> list[str]:
    """model_ids of the open-weight models in a `model_table`."""
    return list(models.index[models["open_weights"].fillna(False).astype(bool)])


def split_pairs(pairs: pd.DataFrame, models: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(pairs with a closed US model, pairs with an open-weight US model)."""
    open_us = pairs["us_model"].isin(open_weight_ids(models))
    return pairs[~open_us], pairs[open_us]


def uses_tools(setting: str) -> bool:
    """True if a benchmark setting of a developer's table lets the model use tools
    (search, a code interpreter, a Python sandbox, simulated tools).

    Settings read 'no tools', 'w/ tools', 'w/ python', 'w/ simulated tools (JSON)'
    and the like: a setting uses tools when it says 'w/' and not 'no tools' (a
    plain substring test for 'tools' would count 'no tools' as using tools)."""
    text = str(setting).strip().lower()
    return text.startswith("w/") and not text.startswith("no tools")


def wins_by_tools(h2h: pd.DataFrame) -> pd.DataFrame:
    """The settings of a `head_to_head` table where the model beats every rival,
    with a column `with_tools` (see `uses_tools`)."""
    wins = h2h[h2h["beats_all"]].reset_index()
    wins["with_tools"] = wins["setting"].map(uses_tools)
    return wins



def published_rows(runs: pd.DataFrame, models: pd.DataFrame, model_ids) -> pd.DataFrame:
    """The `training_runs` rows behind the published compute estimates that
    `model_table` chose for these models (the chosen source's row, and any row
    stating an interval)."""
    mask = pd.Series(False, index=runs.index)
    for model_id in model_ids:
        mine = runs["model_id"] == model_id
        chosen = runs["source"] == models.at[model_id, "published_source"]
        mask |= mine & ((chosen & runs["published_compute_flop"].notna()) | runs["compute_low_flop"].notna())
    return runs[mask]


# --- wording from the data (so the prose never types a list or a count) -----------------


def win_margins(h2h: pd.DataFrame, model: str, rivals: list[str]) -> pd.Series:
    """For the settings of a `head_to_head` table where `model` beats every rival,
    its lead over the best rival: ``score(model) − max(score(rival))``, smallest first."""
    wins = h2h[h2h["beats_all"]]
    return (wins[model] - wins[list(rivals)].max(axis=1)).sort_values()


def confidence_counts(models: pd.DataFrame, model_ids) -> pd.Series:
    """How many of these models carry each confidence label on their chosen
    published compute estimate (e.g. Likely 3, Speculative 2)."""
    labels = models.loc[list(model_ids), "published_confidence"].fillna("none")
    return labels.value_counts()


def month_year(date) -> str:
    """'April 2024' for a date (a caption's period, taken from the data)."""
    return pd.Timestamp(date).strftime("%B %Y")


def points_text(gap: float) -> str:
    """A score gap in whole index points, for prose next to scores shown to one
    decimal: 'about 1 point', 'about 4 points' (a gap of 0.93 between 146.46
    and 145.53 reads '0.9' but the scores read 146.5 and 145.5)."""
    n = int(round(gap))
    if n == 0:
        return "less than half a point"
    return f"about {n} point{'s' if n != 1 else ''}"
