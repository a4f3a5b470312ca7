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
