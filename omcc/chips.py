"""Accelerator specifications and the export-control arithmetic built on them.

The data keep every value as the source states it (long table, one value per
row). This module turns them into one number per chip and metric:

* where several sources give a value, the row marked `preferred` is used and
  the others give the range shown in the text;
* a dense throughput missing from the sources is derived from the sparse one
  as ``dense = sparse / 2`` (Nvidia and AMD quote 2:4 structured sparsity as
  exactly double the dense peak); the derivation is flagged, never stored.
"""

from __future__ import annotations

import pandas as pd

# Unit of each metric in accelerator_specs (the descriptor's enum must match).
METRIC_UNITS = {
    "bf16_dense_tflops": "TFLOPS",
    "bf16_sparse_tflops": "TFLOPS",
    "fp16_dense_tflops": "TFLOPS",
    "fp8_dense_tflops": "TFLOPS",
    "fp8_sparse_tflops": "TFLOPS",
    "int8_dense_tops": "TOPS",
    "int8_sparse_tops": "TOPS",
    "fp4_dense_tflops": "TFLOPS",
    "fp4_sparse_tflops": "TFLOPS",
    "tf32_dense_tflops": "TFLOPS",
    "fp32_tflops": "TFLOPS",
    "memory_gb": "GB",
    "memory_bandwidth_tbs": "TB/s",
    "interconnect_gbs": "GB/s",
    "die_area_mm2": "mm2",
    "tdp_w": "W",
    "transistors_billion": "billion",
    "tpp": "TPP",
}

# Dense metrics that may be derived from their sparse twin.
SPARSE_TWIN = {
    "bf16_dense_tflops": "bf16_sparse_tflops",
    "fp8_dense_tflops": "fp8_sparse_tflops",
    "int8_dense_tops": "int8_sparse_tops",
}

# Bit length of the operand for each throughput metric (for TPP).
BIT_LENGTH = {
    "bf16_dense_tflops": 16,
    "fp16_dense_tflops": 16,
    "fp8_dense_tflops": 8,
    "int8_dense_tops": 8,
    "fp4_dense_tflops": 4,
    "fp32_tflops": 32,
}


def check_units(specs: pd.DataFrame) -> None:
    """Raise if a row's unit does not match its metric."""
    expected = specs["metric"].map(METRIC_UNITS)
    bad = specs[expected != specs["unit"]]
    if len(bad):
        row = bad.iloc[0]
        raise ValueError(
            f"accelerator_specs: chip {row.chip_id!r}, metric {row.metric!r} has unit {row.unit!r}; "
            f"expected {METRIC_UNITS[row.metric]!r}"
        )


def preferred_values(specs: pd.DataFrame) -> pd.DataFrame:
    """Wide table chip x metric of the preferred value of each metric."""
    check_units(specs)
    chosen = specs[specs["preferred"].astype(bool)]
    dup = chosen.duplicated(["chip_id", "metric"], keep=False)
    if dup.any():
        row = chosen[dup].iloc[0]
        raise ValueError(f"accelerator_specs: more than one preferred row for {row.chip_id!r}, {row.metric!r}")
    missing = specs.groupby(["chip_id", "metric"])["preferred"].apply(lambda s: not s.astype(bool).any())
    if missing.any():
        chip, metric = missing[missing].index[0]
        raise ValueError(f"accelerator_specs: no preferred row for {chip!r}, {metric!r}")
    return chosen.pivot(index="chip_id", columns="metric", values="value")


def spec_table(specs: pd.DataFrame) -> pd.DataFrame:
    """Preferred values with dense throughput filled from sparse where needed.

    Adds a column ``<metric>_derived`` (bool) for each dense metric that may
    be derived, so a chart or sentence can say which values were derived.
    """
    wide = preferred_values(specs)
    for dense, sparse in SPARSE_TWIN.items():
        stated = wide[dense] if dense in wide else pd.Series(float("nan"), index=wide.index)
        halved = wide[sparse] / 2 if sparse in wide else pd.Series(float("nan"), index=wide.index)
        wide[dense] = stated.fillna(halved)  # dense = sparse / 2
        wide[f"{dense}_derived"] = stated.isna() & halved.notna()
    return wide


def sources_for(specs: pd.DataFrame, chips, metrics) -> list[str]:
    """Bibliography keys behind the preferred values of `chips` x `metrics`
    (including the sparse twins a dense value may be derived from)."""
    metrics = set(metrics) | {SPARSE_TWIN[m] for m in metrics if m in SPARSE_TWIN}
    rows = specs[specs["chip_id"].isin(chips) & specs["metric"].isin(metrics) & specs["preferred"].astype(bool)]
    keys = set()
    for cell in rows["source"]:
        keys.update(k.strip() for k in str(cell).split(";"))
    return sorted(keys)


def ratio(table: pd.DataFrame, chip: str, reference: str, metric: str) -> float:
    """Value of `chip` as a fraction of `reference` on one metric."""
    num, den = table.at[chip, metric], table.at[reference, metric]
    if pd.isna(num) or pd.isna(den):
        raise ValueError(f"no {metric} value for {chip if pd.isna(num) else reference!r}")
    return float(num) / float(den)


def tpp(table: pd.DataFrame) -> pd.Series:
    """Total processing performance as the export rule defines it.

    TPP = 2 x MacTOPS x bit length, taken at the precision that gives the
    highest value. One multiply-accumulate is two operations, so
    2 x MacTOPS is the dense TOPS/TFLOPS rate: TPP = dense TFLOPS x bits.
    Sparse rates do not count (the rule measures dense operations).
    """
    parts = [table[m] * bits for m, bits in BIT_LENGTH.items() if m in table]
    return pd.concat(parts, axis=1).max(axis=1, skipna=True).rename("tpp")


def performance_density(table: pd.DataFrame) -> pd.Series:
    """TPP per mm² of die area (the rule's 'performance density')."""
    return (tpp(table) / table["die_area_mm2"]).rename("performance_density")


# Metrics compared in the "1/15" test, with reader-facing labels.
COMPARISON_METRICS = {
    "bf16_dense_tflops": "Dense BF16 compute",
    "fp8_dense_tflops": "Dense FP8 compute",
    "memory_gb": "Memory capacity",
    "memory_bandwidth_tbs": "Memory bandwidth",
    "interconnect_gbs": "Chip-to-chip bandwidth",
}


def ratio_table(table: pd.DataFrame, chip: str, references, metrics=COMPARISON_METRICS) -> pd.DataFrame:
    """Long table of `chip` as a fraction of each reference chip, metric by metric.

    Columns: metric, label, reference, chip_value, reference_value, ratio
    (ratio = chip_value / reference_value). Metrics missing for a chip are left out.
    """
    rows = []
    for metric, label in metrics.items():
        for ref in references:
            a, b = table.at[chip, metric], table.at[ref, metric]
            if pd.isna(a) or pd.isna(b):
                continue
            rows.append(
                {"metric": metric, "label": label, "reference": ref,
                 "chip_value": float(a), "reference_value": float(b), "ratio": float(a) / float(b)}
            )
    return pd.DataFrame(rows)


# --- export-control classification -------------------------------------------

BAND_ORDER = ["controlled", "notification", "excluded"]  # first match wins, in this order
NOT_CONTROLLED = "not controlled"
UNKNOWN = "unknown (missing data)"


def chip_metrics(table: pd.DataFrame, accelerators: pd.DataFrame) -> pd.DataFrame:
    """The quantities the export rules test, one row per chip:
    tpp, performance_density, interconnect_gbs, memory_bandwidth_gbs, datacenter."""
    out = pd.DataFrame(index=table.index)
    out["tpp"] = tpp(table)
    out["performance_density"] = performance_density(table)
    out["interconnect_gbs"] = table.get("interconnect_gbs")
    out["memory_bandwidth_gbs"] = table.get("memory_bandwidth_tbs") * 1000  # TB/s -> GB/s
    out["datacenter"] = accelerators["datacenter"].reindex(out.index).astype(bool)
    return out


_BOUNDS = [  # (column of thresholds, chip quantity, comparison)
    ("tpp_min", "tpp", "min"),
    ("tpp_max", "tpp", "max"),
    ("performance_density_min", "performance_density", "min"),
    ("performance_density_max", "performance_density", "max"),
    ("interconnect_min_gbs", "interconnect_gbs", "min"),
    ("memory_bandwidth_max_gbs", "memory_bandwidth_gbs", "max"),
]


def clause_test(clause: pd.Series, chip: pd.Series):
    """True if the chip meets every bound of the clause, False if it fails one,
    None if a needed quantity is missing and no known bound fails."""
    scope = clause["applies_to"]
    if scope == "datacenter" and not chip["datacenter"]:
        return False
    if scope == "non_datacenter" and chip["datacenter"]:
        return False
    unknown = False
    for bound_col, quantity, kind in _BOUNDS:
        bound = clause.get(bound_col)
        if bound is None or pd.isna(bound):
            continue
        value = chip.get(quantity)
        if value is None or pd.isna(value):
            unknown = True
            continue
        if kind == "min" and not value >= bound:
            return False
        if kind == "max" and not value < bound:
            return False
    return None if unknown else True


def classify(chip: pd.Series, thresholds: pd.DataFrame, rule_id: str) -> str:
    """Band of one chip under one threshold rule: 'controlled', 'notification',
    'excluded', 'not controlled', or 'unknown (missing data)'.

    `chip` holds the quantities of `chip_metrics`; `thresholds` is the
    export_control_thresholds table. Bands are checked in BAND_ORDER; a chip
    that meets no clause is not controlled by the rule.
    """
    clauses = thresholds[thresholds["rule_id"] == rule_id]
    if clauses.empty:
        raise KeyError(f"no thresholds for rule {rule_id!r}")
    undetermined = False
    for band in BAND_ORDER:
        for _, clause in clauses[clauses["band"] == band].iterrows():
            result = clause_test(clause, chip)
            if result is True:
                return band
            if result is None:
                undetermined = True
    return UNKNOWN if undetermined else NOT_CONTROLLED


def classify_all(metrics: pd.DataFrame, thresholds: pd.DataFrame, rule_ids) -> pd.DataFrame:
    """Band of every chip (rows) under every rule (columns)."""
    return pd.DataFrame(
        {rule: [classify(metrics.loc[c], thresholds, rule) for c in metrics.index] for rule in rule_ids},
        index=metrics.index,
    )


# --- provenance and H100-equivalents -------------------------------------------------

def rows_for(specs: pd.DataFrame, chips, metrics) -> pd.DataFrame:
    """The rows of accelerator_specs behind the values `spec_table` gives for
    `chips` x `metrics`: each preferred row, and, where a dense value is derived
    from its sparse twin (no preferred dense row), the preferred sparse row.
    The result is a filtered slice of the loaded table, so it keeps its name
    (for `omcc.numbers.glue_number(rows=...)`)."""
    chips, metrics = list(chips), list(metrics)
    preferred = specs["preferred"].astype(bool)
    mine = specs[specs["chip_id"].isin(chips) & preferred]
    keep = mine["metric"].isin(metrics)
    for dense in metrics:
        sparse = SPARSE_TWIN.get(dense)
        if sparse is None:
            continue
        has_dense = set(mine.loc[mine["metric"] == dense, "chip_id"])
        keep |= (mine["metric"] == sparse) & ~mine["chip_id"].isin(has_dense)
    return mine[keep]


H100 = "h100_sxm"  # the reference chip of an H100-equivalent
EQUIVALENT_METRIC = "bf16_dense_tflops"


def h100_equivalents(count, table: pd.DataFrame, chip: str, reference: str = H100,
                     metric: str = EQUIVALENT_METRIC) -> float:
    """A number of `chip`s in H100-equivalents of peak dense BF16 compute:
    count x (dense BF16 TFLOPS of the chip / dense BF16 TFLOPS of the H100 SXM)."""
    if count is None or pd.isna(count):
        return float("nan")
    return float(count) * ratio(table, chip, reference, metric)


# Which chip's specifications convert each chip count in smuggling_estimates to
# H100-equivalents. None: the source names no single chip type (a count of
# "AI chips", or a mix whose split is not given as numbers), so a conversion
# needs an assumption that the text states. A model input, kept here until the
# table has a chip column of its own.
ESTIMATE_CHIP = {
    "cnas2025_smuggled_2024": None,  # 'AI chips', type not stated
    "cnas2025_h100_in_prc_claim": "h100_sxm",
    "cnas2025_order_2400_h100": "h100_sxm",
    "doj2025_tampa_a100": "a100_sxm_80gb",
    "ft2023_a800_orders": "a800",
    "ft2024_h20_1m": "h20",
    "reuters2026_h200_orders": "h200",
    "highflyer2021_a100": "a100_sxm_80gb",  # PCIe A100: same dense BF16 as the SXM card
    "deepseek2024_v3_h800": "h800",
    "semianalysis2025_deepseek_50k": None,  # a mix of H800, H100 and H20
}
QUANTITIES = ["quantity_low", "quantity_central", "quantity_high"]


def estimates_in_h100e(estimates: pd.DataFrame, table: pd.DataFrame, assume: str | None = None) -> pd.DataFrame:
    """The chip counts of smuggling_estimates (rows in ESTIMATE_CHIP), with each
    quantity also in H100-equivalents: columns chip_id, assumed (True where the
    source names no chip and `assume` supplies one), and <quantity>_h100e.
    Rows whose chip is unknown and `assume` is None get missing H100-equivalents."""
    frame = estimates.set_index("id") if "id" in estimates.columns else estimates
    out = frame.loc[[i for i in ESTIMATE_CHIP if i in frame.index]].copy()
    out["chip_id"] = [ESTIMATE_CHIP[i] for i in out.index]
    out["assumed"] = out["chip_id"].isna() & (assume is not None)
    out["chip_id"] = out["chip_id"].fillna(assume) if assume is not None else out["chip_id"]
    for q in QUANTITIES:
        out[f"{q}_h100e"] = [
            h100_equivalents(n, table, c) if isinstance(c, str) else float("nan")
            for n, c in zip(out[q], out["chip_id"])
        ]
    return out


def rule_actor(agency: str) -> str:
    """Who acted, from export_control_rules.agency: 'China', 'third country' or 'US'."""
    text = str(agency)
    if "China" in text or "PRC" in text:
        return "China"
    if "third country" in text:
        return "third country"
    return "US"


def open_at_top(row: pd.Series) -> bool:
    """True if an estimate's range is open at the top: no high end is given
    ("more than 100,000", "several hundred thousand")."""
    return pd.isna(row["quantity_high"]) and (pd.notna(row["quantity_low"]) or pd.notna(row["quantity_central"]))
