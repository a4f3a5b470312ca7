"""Formatting of glued numbers."""

import math

import pytest

from omcc.numbers import format_value


@pytest.mark.parametrize(
    "value, style, digits, unit, expected",
    [
        (2250.0, "integer", 0, "TFLOPS", "2,250 TFLOPS"),
        (0.0657777, "percent", 1, "", "6.6%"),
        (0.0657777, "one_in", 1, "", "1/15.2"),
        (0.0657777, "one_in", 0, "", "1/15"),
        (3.456, "multiple", 1, "", "3.5×"),
        (12.34, "money_bn", 1, "", "$12.3 billion"),
        (1234.5, "number", 1, "GB", "1,234.5 GB"),
    ],
)
def test_format_value(value, style, digits, unit, expected):
    assert format_value(value, style, digits, unit) == expected


def test_missing_values_read_not_available():
    from omcc.numbers import NOT_AVAILABLE

    assert format_value(math.nan) == NOT_AVAILABLE
    assert format_value(None, style="percent") == NOT_AVAILABLE


def test_unknown_style_is_refused():
    with pytest.raises(ValueError):
        format_value(1.0, style="roman")


def test_styler_becomes_a_markdown_table_for_the_pdf():
    import pandas as pd

    from omcc.tables import styler_markdown

    frame = pd.DataFrame({"Chip": ["<b>H20</b>", "B200"], "TPP": [2368.0, 36000.0]})
    md = styler_markdown(frame.style.hide(axis="index").format({"TPP": "{:,.0f}"}))
    assert md.splitlines() == ["| Chip | TPP |", "|---|---|", "| H20 | 2,368 |", "| B200 | 36,000 |"]
