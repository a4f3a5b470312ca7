"""The accelerator arithmetic: dense-from-sparse, TPP, ratios, and the pinned C8 ratio."""

import pandas as pd
import pytest

from omcc import chips, load


def _specs(rows):
    frame = pd.DataFrame(rows, columns=["chip_id", "metric", "value", "unit", "preferred", "source"])
    frame["preferred"] = frame["preferred"].astype("boolean")
    return frame


def test_dense_is_derived_from_sparse_only_when_missing():
    specs = _specs([
        ("x", "bf16_sparse_tflops", 200.0, "TFLOPS", True, "s"),
        ("y", "bf16_sparse_tflops", 200.0, "TFLOPS", True, "s"),
        ("y", "bf16_dense_tflops", 90.0, "TFLOPS", True, "s"),
    ])
    table = chips.spec_table(specs)
    assert table.at["x", "bf16_dense_tflops"] == 100.0
    assert bool(table.at["x", "bf16_dense_tflops_derived"]) is True
    assert table.at["y", "bf16_dense_tflops"] == 90.0  # a stated dense value wins
    assert bool(table.at["y", "bf16_dense_tflops_derived"]) is False


def test_preferred_row_is_used_and_ambiguity_is_an_error():
    specs = _specs([
        ("x", "memory_gb", 80.0, "GB", True, "a"),
        ("x", "memory_gb", 96.0, "GB", False, "b"),
    ])
    assert chips.preferred_values(specs).at["x", "memory_gb"] == 80.0
    specs.loc[1, "preferred"] = True
    with pytest.raises(ValueError, match="more than one preferred"):
        chips.preferred_values(specs)
    specs["preferred"] = False
    with pytest.raises(ValueError, match="no preferred row"):
        chips.preferred_values(specs)


def test_unit_must_match_metric():
    with pytest.raises(ValueError, match="expected 'GB'"):
        chips.check_units(_specs([("x", "memory_gb", 80.0, "TB/s", True, "a")]))


def test_tpp_is_dense_rate_times_bit_length_at_the_best_precision():
    # hand example: 100 TFLOPS at 16 bits = 1600; 150 TOPS at 8 bits = 1200 -> TPP 1600
    table = pd.DataFrame({"bf16_dense_tflops": [100.0], "int8_dense_tops": [150.0], "die_area_mm2": [400.0]}, index=["x"])
    assert chips.tpp(table)["x"] == 1600.0
    assert chips.performance_density(table)["x"] == 4.0


def test_real_tpp_matches_published_tpp_where_stated():
    # Our TPP from dense rates must agree with the TPP the sources state (within 1%).
    specs = load("accelerator_specs")
    table = chips.spec_table(specs)
    computed = chips.tpp(table)
    checked = 0
    for chip, value in table["tpp"].dropna().items():
        if pd.notna(computed[chip]):
            assert computed[chip] == pytest.approx(value, rel=0.01), chip
            checked += 1
    assert checked >= 5


def test_stated_dense_is_half_of_stated_sparse():
    # Where a source gives both, dense must equal sparse / 2: a typo in either fails.
    table = chips.preferred_values(load("accelerator_specs"))
    checked = 0
    for dense, sparse in chips.SPARSE_TWIN.items():
        if dense in table and sparse in table:
            both = table[[dense, sparse]].dropna()
            for chip, row in both.iterrows():
                assert row[dense] == pytest.approx(row[sparse] / 2, rel=0.02), (chip, dense)
                checked += 1
    assert checked >= 3


def test_h20_b200_bf16_ratio_is_pinned():
    # C8's "1/15": pinned so that a silent data or code change fails here.
    table = chips.spec_table(load("accelerator_specs"))
    assert chips.ratio(table, "h20", "b200", "bf16_dense_tflops") == pytest.approx(148 / 2250, rel=1e-3)


def test_ratio_table_covers_each_metric_and_reference():
    table = chips.spec_table(load("accelerator_specs"))
    ratios = chips.ratio_table(table, "h20", ["b200", "b100"])
    assert set(ratios["metric"]) == set(chips.COMPARISON_METRICS)
    assert (ratios["ratio"] > 0).all() and (ratios["ratio"] < 1).all()


# --- the export-control classifier -----------------------------------------

@pytest.fixture(scope="module")
def rules():
    accelerators = load("accelerators").set_index("chip_id")
    metrics = chips.chip_metrics(chips.spec_table(load("accelerator_specs")), accelerators)
    return metrics, load("export_control_thresholds")


@pytest.mark.parametrize(
    "chip, rule, expected",
    [
        # Known outcomes from the rule texts and public analyses:
        ("h100_sxm", "oct2022_acr", "controlled"),
        ("h100_sxm", "oct2023_acr_update", "controlled"),
        ("a100_sxm_80gb", "oct2022_acr", "controlled"),
        ("a800", "oct2022_acr", "not controlled"),  # interconnect cut below 600 GB/s
        ("h800", "oct2022_acr", "not controlled"),  # same design trick
        ("a800", "oct2023_acr_update", "controlled"),  # the 2023 rule dropped the interconnect test
        ("h800", "oct2023_acr_update", "controlled"),
        ("h20", "oct2023_acr_update", "not controlled"),  # designed to fall under the 2023 thresholds
        ("b200", "oct2023_acr_update", "controlled"),
        ("rtx4090", "oct2023_acr_update", "notification"),  # TPP >= 4800, not a data-centre card
    ],
)
def test_classifier_pins_known_outcomes(rules, chip, rule, expected):
    metrics, thresholds = rules
    assert chips.classify(metrics.loc[chip], thresholds, rule) == expected


def _chip(**kw):
    base = {"tpp": None, "performance_density": None, "interconnect_gbs": None, "memory_bandwidth_gbs": None, "datacenter": True}
    return pd.Series({**base, **kw})


def test_classifier_bands_on_hand_made_chips(rules):
    _, thresholds = rules
    rule = "oct2023_acr_update"
    assert chips.classify(_chip(tpp=3000, performance_density=2.0), thresholds, rule) == "notification"  # 3A090.b.1
    assert chips.classify(_chip(tpp=2000, performance_density=4.0), thresholds, rule) == "notification"  # 3A090.b.2
    assert chips.classify(_chip(tpp=2000, performance_density=6.0), thresholds, rule) == "controlled"  # 3A090.a.2
    assert chips.classify(_chip(tpp=2399, performance_density=3.1), thresholds, rule) == "not controlled"
    assert chips.classify(_chip(tpp=4000, datacenter=False), thresholds, rule) == "excluded"  # Note 2
    # bounds: minimum inclusive, maximum exclusive
    assert chips.classify(_chip(tpp=4800, performance_density=1.0), thresholds, rule) == "controlled"
    assert chips.classify(_chip(tpp=2400, performance_density=1.6), thresholds, rule) == "notification"


def test_missing_data_is_reported_not_guessed(rules):
    _, thresholds = rules
    assert chips.classify(_chip(tpp=5000), thresholds, "oct2022_acr") == "unknown (missing data)"
    assert chips.classify(_chip(tpp=5000, interconnect_gbs=400), thresholds, "oct2022_acr") == "not controlled"
    with pytest.raises(KeyError):
        chips.classify(_chip(tpp=1), thresholds, "no_such_rule")
