"""The executive summary's numbers, computed from the same data and package
functions as the chapters (never glued across pages, never typed).

Each function returns a dict name -> (value, sources), where sources are the
references.bib keys of the rows used.
"""

from __future__ import annotations

from omcc import chips, energy, load
from omcc import efficiency as ef
from omcc import investment as inv


from omcc.bib import source_keys as _keys


def adoption_c1() -> dict:
    """Casado's own restatement: share of a16z pitches on open models x Chinese share of those."""
    usage = load("usage_shares").set_index("id")
    est = usage.loc["a16z_pitches_cn_economist"]
    lo, hi = usage.loc["a16z_pitches_open_low"], usage.loc["a16z_pitches_open_high"]
    cn = usage.loc["a16z_pitches_cn_among_open"]
    keys = _keys([est["source"], lo["source"], hi["source"], cn["source"]])
    return {
        "c1_claimed": (est["share"], keys),
        "c1_low": (lo["share"] * cn["share"], keys),  # share using open models x Chinese share among them
        "c1_high": (hi["share"] * cn["share"], keys),
    }


def export_c8() -> dict:
    specs = load("accelerator_specs")
    table = chips.spec_table(specs)
    compute = chips.ratio(table, "h20", "b200", "bf16_dense_tflops")
    bandwidth = chips.ratio(table, "h20", "b200", "memory_bandwidth_tbs")
    return {
        "c8_compute": (compute, chips.sources_for(specs, ["h20", "b200"], ["bf16_dense_tflops"])),
        "c8_bandwidth": (bandwidth, chips.sources_for(specs, ["h20", "b200"], ["memory_bandwidth_tbs"])),
    }


def smuggling_c9() -> dict:
    sm = load("smuggling_estimates").set_index("id")
    cnas, h20 = sm.loc["cnas2025_smuggled_2024"], sm.loc["ft2024_h20_1m"]
    return {
        "c9_smuggled_median": (cnas["quantity_central"], [cnas["source"]]),
        "c9_legal_h20": (h20["quantity_low"], [h20["source"]]),
    }


def efficiency_c10() -> dict:
    runs = load("training_runs")
    peak = chips.spec_table(load("accelerator_specs"))["bf16_dense_tflops"]
    models = ef.add_estimates(ef.model_table(runs), peak)
    eci = ef.capability(load("benchmarks"))
    v3, llama = models.loc["deepseek_v3"], models.loc["llama31_405b"]
    keys = ef.sources_of(runs[runs["model_id"].isin(["deepseek_v3", "llama31_405b"])])
    return {
        "c10_compute_ratio": (llama["published_flop"] / v3["published_flop"], keys),
        "c10_eci_v3": (eci["deepseek_v3"], keys),
        "c10_eci_llama": (eci["llama31_405b"], keys),
    }


def energy_c13() -> dict:
    inputs, prices = load("cluster_cost_inputs"), load("electricity_prices")
    specs = load("accelerator_specs")
    table = chips.spec_table(specs)
    scen = energy.scenario_table(inputs, table, prices)
    keys = _keys(list(inputs["source"]) + list(prices["source"]))
    plain, subsidised = scen.loc["cn_910c"], scen.loc["cn_910c_subsidy"]
    return {
        "c13_energy_share_min": (scen["energy_share"].min(), keys),
        "c13_energy_share_max": (scen["energy_share"].max(), keys),
        "c13_subsidy_cut": (1 - subsidised["per_chip_hour"] / plain["per_chip_hour"], keys),
    }


def investment_c14() -> dict:
    capex = load("ai_capex")
    assumptions = load("investment_assumptions")
    revenue = load("ai_revenue").set_index("id")
    vint = inv.vintages(capex, [2025])
    need = inv.required_revenue_band(vint[2025], inv.parameter_bands(assumptions))
    by_year = inv.capex_by_year(capex)
    capex_keys = _keys(by_year[by_year["fiscal_year"] == 2025]["source"])
    rows = [revenue.loc["openai_2025_revenue"], revenue.loc["anthropic_2025_forecast"]]
    earned = sum(r["value_usd_bn"] for r in rows)
    need_keys = sorted(set(capex_keys) | set(_keys(assumptions["source"])))
    return {
        "c14_capex_2025": (vint[2025], capex_keys),
        "c14_need_2025": (need.central, need_keys),
        "c14_earned_2025": (earned, _keys(r["source"] for r in rows)),
    }
