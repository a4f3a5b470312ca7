"""The revenue-gap model of the investment-risk chapter (claim C14).

How much revenue does a year of AI capital spending need, and how does that
compare with the revenue AI actually earns? The model is deliberately simple,
so that every step can be checked by hand.

Required revenue
----------------
A dollar of capital spent on data centres must be paid back, with a return,
over the life of the assets. The level annual payment that does both is the
*capital recovery factor* (an annuity):

    CRF(r, L) = r / (1 - (1 + r) ** -L)          (CRF = 1 / L when r = 0)

where r is the cost of capital (per year) and L the asset life (years); the
payment covers depreciation and the return on the capital still tied up.
Only part of each revenue dollar is left to make that payment once energy,
staff and the application provider's own costs are paid: the *capital
margin* m. So the revenue a capital outlay C needs each year is

    R_needed = s * C * CRF(r, L) / m

where s is the share of capex that is AI infrastructure. Hand example:
C = 100, r = 10%, L = 5, m = 0.5, s = 1 gives CRF = 0.1 / (1 - 1.1**-5)
= 0.26380, so R_needed = 100 * 0.26380 / 0.5 = 52.76 a year for five years.

For an installed base built up over several years (vintages), each vintage v
is paid for from the year after it is spent, for L years:

    R_needed(t) = sum_v  w(t - v) * s * C_v * CRF(r, L) / m,
    w(k) = min(1, max(0, L - (k - 1))) for k >= 1, else 0

(a 5.5-year life pays full charges in years 1-5 and half a charge in year 6).

Revenue earned, under named scenarios
-------------------------------------
Revenue starts from R_0 (the base year) and grows at the labs' own planned
rate g (a factor per year), while competition from cheap open-weight models
cuts the price of each token by a further share d a year, volume as planned:

    R(t) = R_0 * (g * (1 - d)) ** t

The scenarios below fix d; g is a band taken from the labs' own plans.

The parameters that are this book's assumptions are the named constants
below; the sourced ones (asset lives, the central margin) are read from the
`investment_assumptions` table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# --- this book's assumptions (shown in the chapter's assumptions table) ------

#: Cost of capital, per year (low, central, high). This book's assumption: a
#: range around the weighted average cost of capital of large US technology
#: companies; no single figure was sourced.
COST_OF_CAPITAL = (0.08, 0.10, 0.12)

#: Spread around the sourced central capital margin (Sequoia's 50%): the band
#: is central - spread to central + spread. This book's assumption.
MARGIN_SPREAD = 0.10

#: Share of the companies' capital expenditure that is AI infrastructure
#: (low, central, high). This book's assumption: the reported capex includes
#: non-AI data centres, offices and (for Amazon) logistics; no company reports
#: an AI-only figure.
AI_SHARE = (0.6, 0.8, 1.0)

#: Extra annual price cut from open-model competition, beyond what the labs'
#: own revenue plans assume (volume as planned). This book's assumptions;
#: the chapter sets them beside the observed price declines.
SCENARIOS = {
    "Plans met": {"price_decline": 0.0, "story": "US labs meet their own revenue plans; open models take no extra price"},
    "Open-model pressure": {"price_decline": 0.25, "story": "open-weight models force prices a quarter lower each year than planned"},
    "Price war": {"price_decline": 0.50, "story": "prices halve each year against plan, as a commodity market would"},
}

#: Input tokens per output token when blending list prices (Epoch AI's
#: weighting; the tests check it reproduces Epoch's blended prices).
INPUT_WEIGHT = 3


# --- the formulas -------------------------------------------------------------


def capital_recovery_factor(rate: float, life: float) -> float:
    """CRF(r, L) = r / (1 - (1 + r)**-L); 1/L when r = 0."""
    if life <= 0:
        raise ValueError("asset life must be positive")
    if rate < 0:
        raise ValueError("cost of capital must not be negative")
    if rate == 0:
        return 1.0 / life
    return rate / (1.0 - (1.0 + rate) ** -life)


def required_revenue(capex: float, rate: float, life: float, margin: float, ai_share: float = 1.0) -> float:
    """Annual revenue a capital outlay needs: s * C * CRF(r, L) / m."""
    if not 0 < margin <= 1:
        raise ValueError("margin must be in (0, 1]")
    if not 0 <= ai_share <= 1:
        raise ValueError("ai_share must be in [0, 1]")
    return ai_share * capex * capital_recovery_factor(rate, life) / margin


def vintage_weight(years_since: int, life: float) -> float:
    """w(k) = min(1, max(0, L - (k - 1))) for k >= 1, else 0."""
    if years_since < 1:
        return 0.0
    return float(min(1.0, max(0.0, life - (years_since - 1))))


def required_revenue_path(vintages: dict[int, float], years, rate: float, life: float, margin: float,
                          ai_share: float = 1.0) -> pd.Series:
    """R_needed(t) for each year t, summing the charges of every vintage v."""
    per_dollar = required_revenue(1.0, rate, life, margin, ai_share)
    values = {t: sum(vintage_weight(t - v, life) * c * per_dollar for v, c in vintages.items()) for t in years}
    return pd.Series(values, name="required_usd_bn", dtype="float64")


def scenario_revenue(base: float, growth: float, price_decline: float, years: int) -> np.ndarray:
    """R(t) = R_0 * (g * (1 - d))**t for t = 0..years."""
    if not 0 <= price_decline < 1:
        raise ValueError("price_decline must be in [0, 1)")
    t = np.arange(years + 1)
    return base * (growth * (1.0 - price_decline)) ** t


def growth_factor(start: float, end: float, years: float) -> float:
    """Constant annual factor g with start * g**years = end."""
    if start <= 0 or end <= 0 or years <= 0:
        raise ValueError("start, end and years must be positive")
    return (end / start) ** (1.0 / years)


def annual_decline(start_price: float, end_price: float, years: float) -> float:
    """Share by which a price fell per year: 1 - (end / start)**(1 / years)."""
    return 1.0 - growth_factor(start_price, end_price, years)


def factor_to_decline(factor_per_year: float) -> float:
    """A price that falls by a factor F a year loses 1 - 1/F of its value a year."""
    return 1.0 - 1.0 / factor_per_year


def blended_price(input_price: float, output_price: float, input_weight: float = INPUT_WEIGHT) -> float:
    """(w * input + output) / (w + 1), per million tokens (w = 3 by default)."""
    return (input_weight * input_price + output_price) / (input_weight + 1)


# --- parameters from the data ---------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A parameter as a range: low, central, high (in the parameter's own order)."""

    low: float
    central: float
    high: float


def parameter_bands(assumptions: pd.DataFrame) -> dict[str, Band]:
    """The model's parameter bands.

    Asset life: shortest, median and longest of the sourced lives. Margin: the
    sourced central value plus or minus MARGIN_SPREAD. Cost of capital and AI
    share: this book's constants.
    """
    lives = assumptions.loc[assumptions["parameter"] == "asset_life_years", "value"]
    margins = assumptions.loc[assumptions["parameter"] == "capital_margin", "value"]
    if lives.empty or len(margins) != 1:
        raise ValueError("investment_assumptions needs asset lives and exactly one capital margin")
    m = float(margins.iloc[0])
    return {
        "cost_of_capital": Band(*COST_OF_CAPITAL),
        "asset_life": Band(float(lives.min()), float(lives.median()), float(lives.max())),
        "margin": Band(m - MARGIN_SPREAD, m, m + MARGIN_SPREAD),
        "ai_share": Band(*AI_SHARE),
    }


#: For each parameter, which end of its band raises the revenue needed.
_RAISES_NEED = {"cost_of_capital": "high", "asset_life": "low", "margin": "low", "ai_share": "high"}


def _kwargs(bands: dict[str, Band], which: dict[str, str]) -> dict[str, float]:
    pick = {p: getattr(bands[p], which.get(p, "central")) for p in bands}
    return {"rate": pick["cost_of_capital"], "life": pick["asset_life"], "margin": pick["margin"], "ai_share": pick["ai_share"]}


def required_revenue_band(capex: float, bands: dict[str, Band]) -> Band:
    """Required revenue with every parameter at its central value, and with all
    of them at the ends that lower (low) or raise (high) the need."""
    lower = {p: ("low" if end == "high" else "high") for p, end in _RAISES_NEED.items()}
    return Band(
        required_revenue(capex, **_kwargs(bands, lower)),
        required_revenue(capex, **_kwargs(bands, {})),
        required_revenue(capex, **_kwargs(bands, _RAISES_NEED)),
    )


def path_band(vintages: dict[int, float], years, bands: dict[str, Band]) -> pd.DataFrame:
    """required_revenue_path at the low, central and high parameter settings."""
    lower = {p: ("low" if end == "high" else "high") for p, end in _RAISES_NEED.items()}
    return pd.DataFrame({
        "low": required_revenue_path(vintages, years, **_kwargs(bands, lower)),
        "central": required_revenue_path(vintages, years, **_kwargs(bands, {})),
        "high": required_revenue_path(vintages, years, **_kwargs(bands, _RAISES_NEED)),
    })


def sensitivity(capex: float, bands: dict[str, Band]) -> pd.DataFrame:
    """One parameter at a time at each end of its band, the others central."""
    central = required_revenue(capex, **_kwargs(bands, {}))
    rows = []
    for p, band in bands.items():
        at_low = required_revenue(capex, **_kwargs(bands, {p: "low"}))
        at_high = required_revenue(capex, **_kwargs(bands, {p: "high"}))
        rows.append({"parameter": p, "low": band.low, "central": band.central, "high": band.high,
                     "required_at_low": at_low, "required_at_high": at_high,
                     "swing": abs(at_high - at_low), "central_required": central})
    return pd.DataFrame(rows).sort_values("swing", ascending=False).reset_index(drop=True)


# --- capex from the table -----------------------------------------------------------


def capex_by_year(capex: pd.DataFrame) -> pd.DataFrame:
    """One value per company and fiscal year: the preferred full-year reported
    figure, else the preferred guidance (the midpoint of a range)."""
    rows = capex[(capex["period"] == "full_year") & capex["preferred"].astype(bool)].copy()
    rows["value"] = rows[["capex_usd_bn", "capex_usd_bn_high"]].mean(axis=1)  # midpoint; NaN high is skipped
    rows["rank"] = rows["kind"].map({"reported": 0, "guidance": 1})
    best = rows.sort_values("rank").groupby(["company", "fiscal_year"], as_index=False).first()
    return (best[["company", "fiscal_year", "kind", "value", "source", "id"]]
            .sort_values(["fiscal_year", "company"]).reset_index(drop=True))


def vintages(capex: pd.DataFrame, years) -> dict[int, float]:
    """Total capex per fiscal year (sum over companies) for the given years."""
    by_year = capex_by_year(capex)
    return {int(y): float(by_year.loc[by_year["fiscal_year"] == y, "value"].sum()) for y in years}


# --- provenance: the data rows behind a number ---------------------------------------


def rows_by_id(table: pd.DataFrame, ids) -> pd.DataFrame:
    """The rows of a loaded table with the given ids, as a frame that keeps the
    table's name (for `glue_number(rows=...)`); works on the table as loaded
    or indexed by id. Raises KeyError for an unknown id."""
    ids = [ids] if isinstance(ids, str) else list(ids)
    frame = table.reset_index() if "id" not in table.columns else table
    missing = sorted(set(ids) - set(frame["id"]))
    if missing:
        raise KeyError(f"no rows with id {missing}")
    return frame[frame["id"].isin(ids)]


def capex_rows(capex: pd.DataFrame, years, companies=None) -> pd.DataFrame:
    """The ai_capex rows that `capex_by_year` takes for the given fiscal years
    (and companies): the rows behind a vintage total."""
    by_year = capex_by_year(capex)
    chosen = by_year[by_year["fiscal_year"].isin(list(years))]
    if companies is not None:
        chosen = chosen[chosen["company"].isin(list(companies))]
    return rows_by_id(capex, chosen["id"])


# --- fiscal years and calendar years ---------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def fiscal_year_end(capex: pd.DataFrame) -> dict[str, str]:
    """The month in which each company's fiscal year ends, read from the
    `fiscal_year_note` of its full-year rows ('calendar year' is December;
    'fiscal year to 30 June' is June)."""
    out: dict[str, str] = {}
    for company, notes in capex[capex["period"] == "full_year"].groupby("company")["fiscal_year_note"]:
        ends = set()
        for note in notes:
            if note.startswith("calendar year"):
                ends.add("December")
            else:
                ends.update(m for m in MONTHS if f" {m}" in note.split("(")[0])
        if len(ends) != 1:
            raise ValueError(f"{company}: fiscal-year end not readable from {sorted(set(notes))}")
        out[company] = ends.pop()
    return out


#: For companies whose fiscal year does not end in December, the quarter rows
#: that make up a calendar year, on the same definition as the company's
#: fiscal-year figure (Microsoft: cash additions to property and equipment,
#: excluding finance leases). A company missing here has no calendar figure.
CALENDAR_QUARTERS = {
    2025: {"Microsoft": ("microsoft_fy2025_q3", "microsoft_fy2025_q4_derived",
                         "microsoft_fy2026_q1_cash", "microsoft_fy2026_q2")},
}


def calendar_year_capex(capex: pd.DataFrame, year: int) -> pd.DataFrame:
    """Capex per company in calendar `year`.

    A company whose fiscal year ends in December: its reported fiscal-year
    figure. Any other: the sum of the four calendar quarters listed in
    CALENDAR_QUARTERS, or NaN ('not available') where they are not sourced.
    Columns: company, fiscal_year_end, value, basis, ids (the rows used).
    """
    ends = fiscal_year_end(capex)
    by_year = capex_by_year(capex)
    reported = by_year[(by_year["fiscal_year"] == year) & (by_year["kind"] == "reported")].set_index("company")
    table = capex.set_index("id")
    rows = []
    for company, end in sorted(ends.items()):
        if end == "December" and company in reported.index:
            r = reported.loc[company]
            rows.append({"company": company, "fiscal_year_end": end, "value": float(r["value"]),
                         "basis": "fiscal year = calendar year", "ids": (r["id"],)})
            continue
        ids = CALENDAR_QUARTERS.get(year, {}).get(company)
        if ids and end != "December":
            quarters = table.loc[list(ids)]
            if (quarters["period"] != "quarter").any() or (quarters["company"] != company).any():
                raise ValueError(f"CALENDAR_QUARTERS[{year}][{company}] must list four quarters of {company}")
            rows.append({"company": company, "fiscal_year_end": end, "value": float(quarters["capex_usd_bn"].sum()),
                         "basis": "sum of four calendar quarters", "ids": tuple(ids)})
        else:
            rows.append({"company": company, "fiscal_year_end": end, "value": np.nan,
                         "basis": "not available", "ids": ()})
    return pd.DataFrame(rows)


def calendar_rows(capex: pd.DataFrame, year: int, companies=None) -> pd.DataFrame:
    """The ai_capex rows behind `calendar_year_capex` (for provenance)."""
    cal = calendar_year_capex(capex, year)
    if companies is not None:
        cal = cal[cal["company"].isin(list(companies))]
    return rows_by_id(capex, [i for ids in cal["ids"] for i in ids])
