"""Adoption of open models: usage shares, price against capability, leaderboards.

The adoption chapter (claims C1, C3 to C7) computes five things from the curated
tables `usage_shares`, `model_prices`, `model_scores`, `leaderboard_snapshots`
and `ai_patents`.

1. **Closed models' share of OpenRouter tokens.** The a16z x OpenRouter study
   splits tokens into three groups: Chinese open-weight models, open-weight
   models from elsewhere, and closed models. Over the study's year

       closed average = 1 - (Chinese open average) - (other open average)

   and at the end of the study, closed = 1 - (open share, all origins).

2. **Blended price.** For input and output prices p_in and p_out (US dollars per
   million tokens) and a share s of input tokens,

       blended = s * p_in + (1 - s) * p_out

   With s = 3/4 this is the "3:1 blended price" that Artificial Analysis
   publishes. A model's cost relative to another is the ratio of their blended
   prices; at any monthly volume T the bill is T / 1e6 * blended.

3. **Capable, and the cost ratio.** A model is *capable* when its score on a
   capability index is at least `floor`, by default the lowest score among the
   US closed models compared. The cost ratio of a US closed model u to the
   cheapest capable Chinese open model c is blended_u / blended_c.

4. **Price-performance (Pareto) frontier.** A model is on the frontier when no
   other model is at least as cheap *and* at least as capable, and strictly
   better on one of the two:

       on_frontier(i)  <=>  there is no j with  price_j <= price_i,
                            score_j >= score_i and (price_j < price_i or score_j > score_i)

5. **Leaderboard composition.** Among the open-weight models ranked 1..N in a
   snapshot, the count and share by developer country; and the open-weight rank
   of a named model (gpt-oss-120b for claim C7).

`WORKLOAD_TOKENS_PER_MONTH` and `WORKLOAD_INPUT_SHARE` state an example workload
(a scenario, not data) for the monthly-bill helpers.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

# --- the scenario (stated, not data) -------------------------------------------
WORKLOAD_TOKENS_PER_MONTH = 100_000_000
"""A small start-up's monthly API traffic: 100 million tokens."""
WORKLOAD_INPUT_SHARE = 0.75
"""Share of input (prompt) tokens in the workload: 3 input tokens per output token,
the mix Artificial Analysis uses for its blended price."""

MTOK = 1_000_000


def blended_price(input_usd_per_mtok, output_usd_per_mtok, input_share: float = WORKLOAD_INPUT_SHARE):
    """Price per million tokens of a mix: s * p_in + (1 - s) * p_out.

    Works on scalars or pandas Series. With s = 0.75 this is the 3:1 blended price.
    """
    if not 0 <= input_share <= 1:
        raise ValueError(f"input_share must be between 0 and 1, got {input_share}")
    return input_share * input_usd_per_mtok + (1 - input_share) * output_usd_per_mtok


def monthly_cost(
    input_usd_per_mtok,
    output_usd_per_mtok,
    tokens_per_month: float = WORKLOAD_TOKENS_PER_MONTH,
    input_share: float = WORKLOAD_INPUT_SHARE,
):
    """Monthly bill in USD: T / 1e6 * (s * p_in + (1 - s) * p_out)."""
    if tokens_per_month < 0:
        raise ValueError("tokens_per_month must be non-negative")
    return tokens_per_month / MTOK * blended_price(input_usd_per_mtok, output_usd_per_mtok, input_share)


def monthly_cost_from_blended(blended_usd_per_mtok, tokens_per_month: float = WORKLOAD_TOKENS_PER_MONTH):
    """Monthly bill from a 3:1 blended price: T / 1e6 * blended (valid only for s = 0.75)."""
    return tokens_per_month / MTOK * blended_usd_per_mtok


def pareto_frontier(frame: pd.DataFrame, price: str, score: str) -> pd.Series:
    """Boolean Series: True where the row is on the price-performance frontier.

    Lower price and higher score are better. Rows with a missing price or score
    are never on the frontier. Ties: two rows with the same price and score are
    both kept (neither strictly dominates the other).
    """
    on = pd.Series(False, index=frame.index)
    valid = frame[[price, score]].dropna()
    p = valid[price].to_numpy(dtype=float)
    s = valid[score].to_numpy(dtype=float)
    for i, idx in enumerate(valid.index):
        dominated = ((p <= p[i]) & (s >= s[i]) & ((p < p[i]) | (s > s[i]))).any()
        on[idx] = not dominated
    return on


def price_performance(prices: pd.DataFrame, scores: pd.DataFrame, capability_index: str) -> pd.DataFrame:
    """One row per model_id with its 3:1 blended price and its score on one index.

    The blended price is the Artificial Analysis blended price where the table has
    one; otherwise it is computed from the input and output prices with s = 0.75.
    Input and output prices (where known) are kept for the workload cost.
    """
    sc = scores[scores["capability_index"] == capability_index]
    sc = sc.drop_duplicates("model_id").set_index("model_id")
    cols = ["model", "developer", "developer_country", "open_weights"]
    out = sc[cols + ["score", "source"]].rename(columns={"source": "score_source"})

    blended = prices[prices["blended_usd_per_mtok_3to1"].notna()].drop_duplicates("model_id").set_index("model_id")
    io = prices[prices["input_usd_per_mtok"].notna()].drop_duplicates("model_id").set_index("model_id")
    out = out.join(blended[["blended_usd_per_mtok_3to1", "source"]].rename(columns={"source": "blended_source"}))
    out = out.join(io[["input_usd_per_mtok", "output_usd_per_mtok", "source"]].rename(columns={"source": "io_source"}))
    computed = blended_price(out["input_usd_per_mtok"], out["output_usd_per_mtok"], 0.75)
    out["blended_computed"] = out["blended_usd_per_mtok_3to1"].isna() & computed.notna()
    out["blended"] = out["blended_usd_per_mtok_3to1"].fillna(computed)
    out["weights"] = out["open_weights"].map({True: "open", False: "closed"})
    out["group"] = out["developer_country"].astype(str) + " " + out["weights"].astype(str)
    return out


def workload_costs(table: pd.DataFrame, tokens_per_month: float = WORKLOAD_TOKENS_PER_MONTH,
                   input_share: float = WORKLOAD_INPUT_SHARE) -> pd.Series:
    """Monthly cost per model of the workload.

    Uses input and output prices where the table has them (any input share);
    otherwise the 3:1 blended price (only valid when input_share = 0.75).
    """
    from_io = monthly_cost(table["input_usd_per_mtok"], table["output_usd_per_mtok"], tokens_per_month, input_share)
    if input_share == 0.75:
        return from_io.fillna(monthly_cost_from_blended(table["blended"], tokens_per_month))
    return from_io


def cheapest_capable(table: pd.DataFrame, country: str = "CN", open_weights: bool = True,
                     floor: float | None = None, cost: str = "cost") -> str:
    """model_id of the cheapest model of `country` / `open_weights` whose score >= floor.

    Default floor: the lowest score among US closed models in the table (a model is
    'capable' if it scores at least as well as one of the US closed models compared).
    """
    if floor is None:
        floor = capability_floor(table)
    pool = table[(table["developer_country"] == country) & (table["open_weights"] == open_weights)
                 & (table["score"] >= floor) & table[cost].notna()]
    if pool.empty:
        raise ValueError(f"no {country} {'open' if open_weights else 'closed'} model scores at least {floor}")
    return pool[cost].idxmin()


def capability_floor(table: pd.DataFrame) -> float:
    """Lowest score among the US closed models in the table."""
    us_closed = table[(table["developer_country"] == "US") & (table["open_weights"] == False)]  # noqa: E712
    if us_closed.empty:
        raise ValueError("no US closed model in the table")
    return float(us_closed["score"].min())


def cost_ratios(table: pd.DataFrame, reference: str, cost: str = "cost") -> pd.Series:
    """cost_u / cost_reference for every US closed model u (how many times dearer)."""
    us_closed = table[(table["developer_country"] == "US") & (table["open_weights"] == False)]  # noqa: E712
    return us_closed[cost] / table.at[reference, cost]


# --- leaderboards -------------------------------------------------------------


def open_rank_table(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Open-weight rows with an open-weight rank, one block per (leaderboard, snapshot_date)."""
    rows = snapshots[(snapshots["open_weights"] == True) & snapshots["rank_open_weights"].notna()]  # noqa: E712
    return rows.sort_values(["leaderboard", "snapshot_date", "rank_open_weights"])


def complete_top(ranks: Iterable[float]) -> int:
    """Largest N such that ranks 1..N are all present (ties share a rank)."""
    have = {int(r) for r in ranks}
    n = 0
    while n + 1 in have:
        n += 1
    return n


def composition(snapshots: pd.DataFrame, top_n: int | None = None) -> pd.DataFrame:
    """Count of open-weight models by developer country among the top N of each snapshot.

    N is `top_n`, capped at the number of consecutive ranks 1..N the snapshot
    lists (so a snapshot with ranks 1-5 gives its top 5). Returns one row per
    (leaderboard, snapshot_date, developer_country) with count, n (the N used)
    and share = count / n.
    """
    out = []
    for (board, date), block in open_rank_table(snapshots).groupby(["leaderboard", "snapshot_date"]):
        n = complete_top(block["rank_open_weights"])
        if top_n is not None:
            n = min(n, top_n)
        if n == 0:
            continue
        top = block[block["rank_open_weights"] <= n]
        for country, count in top["developer_country"].value_counts().items():
            out.append({"leaderboard": board, "snapshot_date": date, "developer_country": country,
                        "count": int(count), "n": n, "share": count / n})
    return pd.DataFrame(out)


def open_rank_of(snapshots: pd.DataFrame, leaderboard: str, snapshot_date, model_prefix: str):
    """Open-weight rank of the first model whose name starts with `model_prefix`
    (case-insensitive) in one snapshot; None when the snapshot gives no rank."""
    block = snapshots[(snapshots["leaderboard"] == leaderboard)
                      & (snapshots["snapshot_date"] == pd.Timestamp(snapshot_date))]
    hit = block[block["model"].str.lower().str.startswith(model_prefix.lower())]
    if hit.empty:
        raise KeyError(f"{model_prefix!r} not in {leaderboard} {snapshot_date}")
    rank = hit["rank_open_weights"].iloc[0]
    return None if pd.isna(rank) else int(rank)


# --- names for readers ----------------------------------------------------------

COUNTRY_NAMES = {"CN": "China", "US": "United States", "KR": "South Korea", "JP": "Japan", "IN": "India",
                 "World": "World"}


def country_name(code: str) -> str:
    """'China' for 'CN'; an unknown code is returned unchanged."""
    return COUNTRY_NAMES.get(code, code)


_VARIANT_SUFFIXES = (" (reasoning)", " (high)", " (thinking)")


def short_model_name(name: str) -> str:
    """A model's name without the variant suffix a leaderboard adds ('(reasoning)', '(high)')."""
    for suffix in _VARIANT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# --- usage shares -----------------------------------------------------------------

CN_OPEN_AVERAGE = "openrouter_cn_2025_average"
OTHER_OPEN_AVERAGE = "openrouter_row_open_2025_average"
OPEN_LATE_2025 = "openrouter_open_late_2025"


def closed_share_average(usage: pd.DataFrame) -> float:
    """Closed models' average share of OpenRouter tokens over the a16z x OpenRouter
    study's year: 1 - Chinese open average - other open average (`usage` indexed by id)."""
    return 1 - float(usage.at[CN_OPEN_AVERAGE, "share"]) - float(usage.at[OTHER_OPEN_AVERAGE, "share"])


def closed_share_late_2025(usage: pd.DataFrame) -> float:
    """Closed models' share of OpenRouter tokens by late 2025: 1 - open share (all origins)."""
    return 1 - float(usage.at[OPEN_LATE_2025, "share"])


DOWNLOADER_BASED_UNIVERSES = {"downloads_by_downloader_country"}
"""Universes of `usage_shares` that count downloads by where the downloader is.
None is published yet (claim C5); a row of this kind needs this universe added
to the table's schema."""


def downloader_country_rows(usage: pd.DataFrame) -> pd.DataFrame:
    """Rows of `usage_shares` that give downloads by the downloader's country."""
    return usage[usage["universe"].isin(DOWNLOADER_BASED_UNIVERSES)]


# --- provenance helpers -------------------------------------------------------------


def price_rows(prices: pd.DataFrame, scores: pd.DataFrame, model_ids, capability_index: str | None = None,
               price: str | None = "blended") -> list:
    """The rows of `model_prices` and `model_scores` behind a number about `model_ids`.

    `price` selects the price rows: "blended" (published blended prices), "io"
    (input and output list prices), "all", or None (no price rows: a number about
    scores only). Scores are those on `capability_index` (every index when None).
    """
    ids = [model_ids] if isinstance(model_ids, str) else list(model_ids)
    sc = scores[scores["model_id"].isin(ids)]
    if capability_index is not None:
        sc = sc[sc["capability_index"] == capability_index]
    pr = prices[prices["model_id"].isin(ids)]
    if price == "blended":
        pr = pr[pr["blended_usd_per_mtok_3to1"].notna()]
    elif price == "io":
        pr = pr[pr["input_usd_per_mtok"].notna()]
    elif price is None:
        return [sc]
    elif price != "all":
        raise ValueError(f"price must be 'blended', 'io', 'all' or None, got {price!r}")
    return [pr, sc]


def board_rows(snapshots: pd.DataFrame, leaderboard: str, snapshot_date) -> pd.DataFrame:
    """The rows of one leaderboard snapshot."""
    return snapshots[(snapshots["leaderboard"] == leaderboard)
                     & (snapshots["snapshot_date"] == pd.Timestamp(snapshot_date))]


def cn_share_of_open_average(usage: pd.DataFrame) -> float:
    """China's share of open-model tokens on OpenRouter over the a16z x OpenRouter
    study's year: Chinese open average / (Chinese open average + other open average)."""
    cn = float(usage.at[CN_OPEN_AVERAGE, "share"])
    return cn / (cn + float(usage.at[OTHER_OPEN_AVERAGE, "share"]))


# --- words for readers ------------------------------------------------------------------


def share_words(share: float) -> str:
    """A share in plain words, for prose that must not overstate it:
    'nearly all' (>= 90%), 'most' (> 60%), 'about half' (40-60%), 'about a third'
    (28-40%), 'about a quarter' (20-28%), else 'a small part'."""
    if not 0 <= share <= 1:
        raise ValueError(f"a share lies between 0 and 1, got {share}")
    if share >= 0.9:
        return "nearly all"
    if share > 0.6:
        return "most"
    if share >= 0.4:
        return "about half"
    if share >= 0.28:
        return "about a third"
    if share >= 0.2:
        return "about a quarter"
    return "a small part"


def count_text(n: int) -> str:
    """A count for prose: 'none' for zero, else the number ('4', '1,200')."""
    return "none" if int(n) == 0 else f"{int(n):,}"
