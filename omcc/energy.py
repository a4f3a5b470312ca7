"""Data-centre energy: a total-cost-of-ownership (TCO) model for an AI cluster.

The chapter asks how much an electricity subsidy can change the cost of AI
compute. The model below prices one accelerator-hour as the sum of two parts,
both in US dollars:

* **capital**, amortised straight-line over the depreciation life::

      capex per chip   = chip_price x server_cost_multiplier / (1 - interconnect_share)
      capital per hour = capex per chip / (life_years x HOURS_PER_YEAR)

  ``server_cost_multiplier`` prices the rest of the server (host CPUs, memory,
  intra-node switches) as a multiple of the chip price; ``interconnect_share``
  is the cluster network's share of total hardware cost, so dividing by
  ``1 - share`` adds it on top.

* **energy**::

      IT power (kW)     = system_kw_per_chip x power_draw_fraction
      facility power    = IT power x PUE
      energy per hour   = facility power x price (USD/kWh)

  ``system_kw_per_chip`` is the maximum power of a whole server or rack
  system divided by its number of chips (so it includes host overhead);
  ``power_draw_fraction`` is the average draw as a share of that maximum.

Cost per unit of compute divides the hourly cost by the compute delivered::

      cost per PFLOP-hour = cost per chip-hour / (peak dense BF16 TFLOPS / 1000 x utilisation)

Staff, maintenance, buildings and the cost of capital are left out: no
sourced value was found for them (see the chapter's assumptions table), so
every total here is a lower bound on the full cost of owning a cluster.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import pandas as pd

HOURS_PER_YEAR = 8760
CLUSTER_ACCELERATORS = 1024  # the cluster the chapter prices: 128 servers of 8 accelerators

# Chips per system for the system-power rows of cluster_cost_inputs.
CHIPS_PER_SYSTEM = {"h100_sxm": 8, "h20": 8, "ascend_910c": 384}
# Which chip's system-power row stands in for a chip with none of its own
# (the H20 sits on the same 8-GPU HGX board design as the H100).
SYSTEM_POWER_PROXY = {"h20": "h100_sxm"}

COMPONENTS = ["chips", "rest_of_server", "interconnect", "energy"]
COMPONENT_LABELS = {
    "chips": "Accelerator chips",
    "rest_of_server": "Rest of server",
    "interconnect": "Cluster network",
    "energy": "Electricity",
}


@dataclass(frozen=True)
class ClusterInputs:
    """Inputs for one accelerator (all money in USD)."""

    chip_price: float
    server_cost_multiplier: float
    interconnect_share: float
    life_years: float
    system_kw_per_chip: float
    power_draw_fraction: float
    pue: float
    price_usd_per_kwh: float
    peak_tflops: float
    utilisation: float

    def __post_init__(self):
        for name, value in asdict(self).items():
            if not value == value or value < 0:  # NaN or negative
                raise ValueError(f"{name} must be a non-negative number, got {value!r}")
        if not 0 <= self.interconnect_share < 1:
            raise ValueError("interconnect_share must lie in [0, 1)")
        if self.life_years <= 0 or self.peak_tflops <= 0 or self.utilisation <= 0:
            raise ValueError("life_years, peak_tflops and utilisation must be positive")


def capex_per_chip(x: ClusterInputs) -> float:
    """chip_price x server_cost_multiplier / (1 - interconnect_share)."""
    return x.chip_price * x.server_cost_multiplier / (1 - x.interconnect_share)


def facility_kw(x: ClusterInputs) -> float:
    """Average power drawn from the grid per accelerator: system_kw x draw fraction x PUE."""
    return x.system_kw_per_chip * x.power_draw_fraction * x.pue


def hourly_costs(x: ClusterInputs) -> dict:
    """Cost of one accelerator-hour by component (USD), with the total.

    chips          = chip_price / hours of life
    rest_of_server = chip_price x (multiplier - 1) / hours of life
    interconnect   = capex_per_chip x share / hours of life
    energy         = facility_kw x price
    """
    hours = x.life_years * HOURS_PER_YEAR
    capex = capex_per_chip(x)
    server = x.chip_price * x.server_cost_multiplier
    out = {
        "chips": x.chip_price / hours,
        "rest_of_server": (server - x.chip_price) / hours,
        "interconnect": (capex - server) / hours,
        "energy": facility_kw(x) * x.price_usd_per_kwh,
    }
    out["total"] = sum(out[c] for c in COMPONENTS)
    return out


def effective_pflops(x: ClusterInputs) -> float:
    """Compute delivered per accelerator, in PFLOP/s: peak TFLOPS / 1000 x utilisation."""
    return x.peak_tflops / 1000 * x.utilisation


def summary(x: ClusterInputs, n_chips: int = CLUSTER_ACCELERATORS) -> dict:
    """Headline quantities for a cluster of `n_chips` accelerators.

    per_chip_hour          total cost of one accelerator-hour (USD)
    per_pflop_hour         per_chip_hour / effective PFLOP/s (USD per PFLOP-hour delivered)
    energy_share           energy / total
    annual_cost            per_chip_hour x HOURS_PER_YEAR x n_chips
    capex                  capex_per_chip x n_chips
    facility_mw            facility_kw x n_chips / 1000
    """
    h = hourly_costs(x)
    return {
        "per_chip_hour": h["total"],
        "per_pflop_hour": h["total"] / effective_pflops(x),
        "energy_per_chip_hour": h["energy"],
        "energy_share": h["energy"] / h["total"],
        "annual_cost": h["total"] * HOURS_PER_YEAR * n_chips,
        "capex": capex_per_chip(x) * n_chips,
        "facility_mw": facility_kw(x) * n_chips / 1000,
    }


# --- inputs from the data tables ---------------------------------------------


def central(row: pd.Series) -> float:
    """A row's central value; the midpoint of its low-high range where none is stated."""
    if pd.notna(row["value_central"]):
        return float(row["value_central"])
    if pd.notna(row["value_low"]) and pd.notna(row["value_high"]):
        return (float(row["value_low"]) + float(row["value_high"])) / 2
    raise ValueError(f"cluster_cost_inputs row {row['id']!r} has no central value and no range")


def preferred(inputs: pd.DataFrame, parameter: str, applies_to: str | None = None) -> pd.Series:
    """The preferred row of a parameter (for one chip or region if given)."""
    rows = inputs[(inputs["parameter"] == parameter) & inputs["preferred"].astype(bool)]
    if applies_to is not None:
        rows = rows[rows["applies_to"] == applies_to]
    if len(rows) != 1:
        raise ValueError(f"expected one preferred row for {parameter!r} / {applies_to!r}, found {len(rows)}")
    return rows.iloc[0]


def value_range(inputs: pd.DataFrame, parameter: str, applies_to=None) -> tuple[float, float]:
    """Lowest and highest value any source gives for a parameter (low, central or high)."""
    rows = inputs[inputs["parameter"] == parameter]
    if applies_to is not None:
        rows = rows[rows["applies_to"].isin(applies_to if isinstance(applies_to, (list, tuple, set)) else [applies_to])]
    values = pd.concat([rows["value_low"], rows["value_central"], rows["value_high"]]).dropna()
    if values.empty:
        raise ValueError(f"no values for {parameter!r} / {applies_to!r}")
    return float(values.min()), float(values.max())


def system_kw_per_chip(inputs: pd.DataFrame, chip: str, which: str = "central") -> float:
    """Maximum system power per chip (kW): a server's or rack's power / its chips."""
    ref = SYSTEM_POWER_PROXY.get(chip, chip)
    if which == "central":
        kw = central(preferred(inputs, "system_power_kw", ref))
    else:
        lo, hi = value_range(inputs, "system_power_kw", ref)
        kw = lo if which == "low" else hi
    return kw / CHIPS_PER_SYSTEM[ref]


def build_inputs(inputs: pd.DataFrame, specs_table: pd.DataFrame, prices: pd.DataFrame,
                 chip: str, region: str, price_id: str) -> ClusterInputs:
    """ClusterInputs for `chip` in `region` (US or CN) paying the price of row `price_id`.

    Chip throughput comes from the book's accelerator_specs (dense BF16 TFLOPS);
    the chip's TDP is not needed because system power already includes it.
    """
    price = prices.set_index("id").at[price_id, "usd_per_kwh"]
    if pd.isna(price):
        raise ValueError(f"electricity_prices row {price_id!r} has no USD price")
    return ClusterInputs(
        chip_price=central(preferred(inputs, "chip_price", chip)),
        server_cost_multiplier=central(preferred(inputs, "server_cost_multiplier", "all")),
        interconnect_share=central(preferred(inputs, "interconnect_share", "all")),
        life_years=central(preferred(inputs, "depreciation_years", "all")),
        system_kw_per_chip=system_kw_per_chip(inputs, chip),
        power_draw_fraction=central(preferred(inputs, "power_draw_fraction", "all")),
        pue=central(preferred(inputs, "pue", region)),
        price_usd_per_kwh=float(price),
        peak_tflops=float(specs_table.at[chip, "bf16_dense_tflops"]),
        utilisation=central(preferred(inputs, "utilisation", "all")),
    )


# The cluster scenarios of the chapter: (id, label, chip, region, price row).
SCENARIOS = [
    ("us_h100", "US · Nvidia H100 · US industrial price", "h100_sxm", "US", "us_industrial_2024"),
    ("cn_h100", "China · Nvidia H100 (not legally sold) · average price", "h100_sxm", "CN", "cn_industrial_2024"),
    ("cn_h20", "China · Nvidia H20 · average price", "h20", "CN", "cn_industrial_2024"),
    ("cn_910c", "China · Huawei Ascend 910C · average price", "ascend_910c", "CN", "cn_industrial_2024"),
    ("cn_910c_subsidy", "China · Huawei Ascend 910C · subsidised price", "ascend_910c", "CN", "cn_west_subsidised_2025"),
]


def scenario_inputs(inputs, specs_table, prices) -> dict[str, ClusterInputs]:
    return {sid: build_inputs(inputs, specs_table, prices, chip, region, price_id)
            for sid, _, chip, region, price_id in SCENARIOS}


def scenario_table(inputs, specs_table, prices, n_chips: int = CLUSTER_ACCELERATORS) -> pd.DataFrame:
    """One row per scenario: hourly cost components (USD per chip-hour), the same
    per PFLOP-hour delivered (columns '<component>_per_pflop'), and the summary."""
    rows = []
    for sid, label, chip, region, price_id in SCENARIOS:
        x = build_inputs(inputs, specs_table, prices, chip, region, price_id)
        h = hourly_costs(x)
        row = {"scenario": sid, "label": label, "chip": chip, "region": region, "price_id": price_id,
               "price_usd_per_kwh": x.price_usd_per_kwh, "pue": x.pue, "peak_tflops": x.peak_tflops}
        row.update(h)
        row.update({f"{c}_per_pflop": h[c] / effective_pflops(x) for c in COMPONENTS})
        row.update(summary(x, n_chips))
        rows.append(row)
    return pd.DataFrame(rows).set_index("scenario")


def price_change_effect(x: ClusterInputs, new_price: float) -> float:
    """Relative change in total cost when only the electricity price changes:
    (total(new) - total(old)) / total(old) = energy_share x (new / old - 1)."""
    old = hourly_costs(x)["total"]
    new = hourly_costs(replace(x, price_usd_per_kwh=new_price))["total"]
    return (new - old) / old


def breakeven_chip_price(x: ClusterInputs, target_per_pflop_hour: float) -> float:
    """Chip price at which `x` delivers compute at `target_per_pflop_hour`.

    Solves target x effective_pflops = capex(p) / hours + energy for p, with
    capex(p) = p x multiplier / (1 - share). Negative means energy alone costs more
    than the target.
    """
    hours = x.life_years * HOURS_PER_YEAR
    energy = facility_kw(x) * x.price_usd_per_kwh
    budget = target_per_pflop_hour * effective_pflops(x) - energy
    return budget * hours * (1 - x.interconnect_share) / x.server_cost_multiplier


# --- sensitivity ---------------------------------------------------------------

SENSITIVITY_LABELS = {
    "chip_price": "Chip price",
    "server_cost_multiplier": "Rest-of-server cost multiplier",
    "life_years": "Depreciation life",
    "system_kw_per_chip": "System power per chip",
    "pue": "PUE",
    "price_usd_per_kwh": "Electricity price",
}


def tornado(x: ClusterInputs, ranges: dict[str, tuple[float, float]], metric: str = "per_pflop_hour") -> pd.DataFrame:
    """Change one input at a time to the ends of its range, holding the rest at `x`.

    Returns one row per input: low_value, high_value, metric at each end, and
    swing = |metric(high) - metric(low)|, sorted by swing (largest first).
    """
    base = summary(x)[metric]
    rows = []
    for field, (lo, hi) in ranges.items():
        at_lo = summary(replace(x, **{field: lo}))[metric]
        at_hi = summary(replace(x, **{field: hi}))[metric]
        rows.append({"input": field, "label": SENSITIVITY_LABELS.get(field, field), "low_value": lo, "high_value": hi,
                     "metric_at_low": at_lo, "metric_at_high": at_hi, "base": base, "swing": abs(at_hi - at_lo)})
    return pd.DataFrame(rows).sort_values("swing", ascending=False).reset_index(drop=True)


def chip_price_range(inputs: pd.DataFrame, chip: str) -> tuple[float, float, pd.DataFrame]:
    """The sourced range of a chip's price and the rows that give it: the lowest and
    highest value of every chip_price row for `chip` (preferred or not). The chapter
    uses this one range wherever a chip's price is varied (the tornado, and the H100
    band of the chip-price chart), while the central case keeps the preferred row."""
    lo, hi = value_range(inputs, "chip_price", chip)
    return lo, hi, input_rows(inputs, "chip_price", chip)


def sensitivity_ranges(inputs: pd.DataFrame, prices: pd.DataFrame, chip: str, price_ids: list[str]) -> dict:
    """Sourced ranges for the tornado: every input with more than one sourced value.

    Chip price and system power span the sources for that chip (skipped where a
    single value exists); PUE spans every PUE row; life spans every depreciation
    row; the electricity price spans the USD prices of `price_ids`.
    """
    out = {}
    lo, hi, _ = chip_price_range(inputs, chip)
    if hi > lo:
        out["chip_price"] = (lo, hi)
    out["server_cost_multiplier"] = value_range(inputs, "server_cost_multiplier")
    out["life_years"] = value_range(inputs, "depreciation_years")
    ref = SYSTEM_POWER_PROXY.get(chip, chip)
    lo, hi = value_range(inputs, "system_power_kw", ref)
    if hi > lo:
        out["system_kw_per_chip"] = (lo / CHIPS_PER_SYSTEM[ref], hi / CHIPS_PER_SYSTEM[ref])
    out["pue"] = value_range(inputs, "pue")
    p = prices.set_index("id").loc[price_ids, "usd_per_kwh"].astype(float)
    out["price_usd_per_kwh"] = (float(p.min()), float(p.max()))
    return out


def assumptions(x: ClusterInputs) -> pd.DataFrame:
    """The model's parameters as a reader-facing table (name, value)."""
    return pd.DataFrame({"parameter": list(asdict(x)), "value": list(asdict(x).values())})


# --- the data rows behind a number (provenance for the chapter's key numbers) -----

# The article the book tests (VnEconomy, 25 November 2025): what was known before it.
ARTICLE_DATE = pd.Timestamp("2025-11-25")


def rows(frame: pd.DataFrame, *ids: str) -> pd.DataFrame:
    """The rows of a loaded table with these ids, in the order given (fails on an unknown id)."""
    missing = [i for i in ids if i not in set(frame["id"])]
    if missing:
        raise KeyError(f"{frame.attrs.get('omcc_table', 'table')}: no row {', '.join(missing)}")
    return frame[frame["id"].isin(ids)]


SCENARIO_SPEC = {sid: (chip, region, price_id) for sid, _, chip, region, price_id in SCENARIOS}


def input_rows(inputs: pd.DataFrame, parameter: str, applies_to=None, preferred_only: bool = False) -> pd.DataFrame:
    """Rows of cluster_cost_inputs for a parameter (and chip or region), all or preferred only."""
    rows = inputs[inputs["parameter"] == parameter]
    if applies_to is not None:
        rows = rows[rows["applies_to"].isin(applies_to if isinstance(applies_to, (list, tuple, set)) else [applies_to])]
    if preferred_only:
        rows = rows[rows["preferred"].astype(bool)]
    return rows


def scenario_rows(inputs: pd.DataFrame, prices: pd.DataFrame, specs: pd.DataFrame, scenario_ids) -> list[pd.DataFrame]:
    """The data rows the cluster model reads for the given scenarios: the preferred
    cluster_cost_inputs rows, the electricity_prices rows and the chips' preferred
    dense BF16 rows of accelerator_specs (the rows `build_inputs` uses)."""
    input_ids, price_ids, chips = set(), set(), set()
    for sid in scenario_ids:
        chip, region, price_id = SCENARIO_SPEC[sid]
        chips.add(chip)
        price_ids.add(price_id)
        for parameter, applies_to in [("chip_price", chip), ("server_cost_multiplier", "all"), ("interconnect_share", "all"),
                                      ("depreciation_years", "all"), ("system_power_kw", SYSTEM_POWER_PROXY.get(chip, chip)),
                                      ("power_draw_fraction", "all"), ("pue", region), ("utilisation", "all")]:
            input_ids.add(preferred(inputs, parameter, applies_to)["id"])
    spec_rows = specs[specs["chip_id"].isin(chips) & (specs["metric"] == "bf16_dense_tflops") & specs["preferred"].astype(bool)]
    return [inputs[inputs["id"].isin(input_ids)], prices[prices["id"].isin(price_ids)], spec_rows]


def sensitivity_rows(inputs: pd.DataFrame, prices: pd.DataFrame, chip: str, price_ids) -> list[pd.DataFrame]:
    """The rows behind `sensitivity_ranges` for one chip: every row of the parameters
    varied (for that chip where the parameter is per chip) and the price rows."""
    ref = SYSTEM_POWER_PROXY.get(chip, chip)
    mask = (((inputs["parameter"] == "chip_price") & (inputs["applies_to"] == chip))
            | ((inputs["parameter"] == "system_power_kw") & (inputs["applies_to"] == ref))
            | inputs["parameter"].isin(["server_cost_multiplier", "depreciation_years", "pue"]))
    return [inputs[mask], prices[prices["id"].isin(list(price_ids))]]


# --- what the comparison depends on: the chip price -------------------------------


def cost_at_chip_price(x: ClusterInputs, chip_price: float, metric: str = "per_pflop_hour") -> float:
    """`metric` of `summary` with only the chip price changed."""
    return summary(replace(x, chip_price=chip_price))[metric]


def chip_price_curve(x: ClusterInputs, prices, metric: str = "per_pflop_hour") -> pd.DataFrame:
    """Cost per unit of compute at each chip price in `prices` (other inputs as in `x`).
    The cost is linear in the chip price: capital scales with it, energy does not."""
    return pd.DataFrame({"chip_price": list(prices), metric: [cost_at_chip_price(x, p, metric) for p in prices]})


def subsidy_effect(plain: ClusterInputs, subsidised: ClusterInputs) -> float:
    """Share by which the subsidised price lowers the hourly cost: 1 - total(subsidised) / total(plain)."""
    return 1 - hourly_costs(subsidised)["total"] / hourly_costs(plain)["total"]


def kwh_per_pflop(x: ClusterInputs) -> float:
    """Electricity per unit of peak compute at the system level (kWh per peak PFLOP-hour),
    before PUE: system_kw_per_chip x power_draw_fraction / (peak TFLOPS / 1000)."""
    return x.system_kw_per_chip * x.power_draw_fraction / (x.peak_tflops / 1000)


# --- energy_subsidies: measures, and the rows that document sites -----------------

SITING_PREFIXES = {"Siting, not a subsidy": "siting", "Green-power direct supply": "supply"}


def subsidy_kind(subsidies: pd.DataFrame) -> pd.Series:
    """'measure' (a policy or subsidy), 'siting' (a documented data-centre site) or
    'supply' (a documented power supply to a site), read from the start of `scheme`."""
    def kind(scheme: str) -> str:
        for prefix, name in SITING_PREFIXES.items():
            if str(scheme).startswith(prefix):
                return name
        return "measure"
    return subsidies["scheme"].map(kind)


# --- data-centre counts ---------------------------------------------------------


def us_china_ratios(capacity: pd.DataFrame, electricity: pd.DataFrame) -> pd.DataFrame:
    """US value / China value for each measure of data-centre presence, at the
    latest date both countries are measured on the same basis.

    Measures: directory counts, Synergy hyperscale capacity share, Epoch GPU-cluster
    performance share, IEA installed and IT capacity (GW), and IEA electricity use (TWh).
    The column `ids` names the two rows each ratio is computed from (see `ratio_rows`).
    """
    rows = []
    cap = capacity[capacity["country"].isin(["US", "CN"])]
    for metric, part in cap.groupby("metric"):
        both = part.pivot_table(index="date", columns="country", values="value", aggfunc="first")
        if not {"US", "CN"} <= set(both.columns) or both.dropna().empty:
            continue  # measured for one country only (e.g. China's standard racks)
        both = both.dropna()
        date = both.index.max()
        us, cn = both.at[date, "US"], both.at[date, "CN"]
        at_date = part[part["date"] == date]
        ids = [at_date.loc[at_date["country"] == c, "id"].iloc[0] for c in ("US", "CN")]
        keys = sorted(set(at_date["source"]))
        rows.append({"metric": metric, "date": date, "us": us, "cn": cn, "ratio": us / cn, "sources": keys, "ids": ids})
    iea = electricity[(electricity["estimate_by"] == "IEA") & (electricity["scenario"] == "historical")]
    pair = iea[iea["region"].isin(["US", "CN"])]
    both = pair.pivot_table(index="year", columns="region", values="twh").dropna()
    year = both.index.max()
    ids = [pair.loc[(pair["year"] == year) & (pair["region"] == c), "id"].iloc[0] for c in ("US", "CN")]
    rows.append({"metric": "electricity_twh", "date": pd.Timestamp(f"{year}-12-31"), "us": both.at[year, "US"],
                 "cn": both.at[year, "CN"], "ratio": both.at[year, "US"] / both.at[year, "CN"],
                 "sources": sorted(set(pair.loc[pair["id"].isin(ids), "source"])), "ids": ids})
    return pd.DataFrame(rows).sort_values("ratio").reset_index(drop=True)


def ratio_rows(capacity: pd.DataFrame, electricity: pd.DataFrame, ids) -> list[pd.DataFrame]:
    """The data rows (from dc_capacity and dc_electricity) with the given ids."""
    ids = list(ids)
    return [frame[frame["id"].isin(ids)] for frame in (capacity, electricity) if frame["id"].isin(ids).any()]
