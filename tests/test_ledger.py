"""The claims ledger: all fourteen claims, a verdict on the scale, evidence that exists."""

import pandas as pd
import pytest

from omcc import ledger, load
from omcc.datapackage import read_descriptor


@pytest.fixture(scope="module")
def claims():
    return load("claims")


def test_all_fourteen_claims_have_a_verdict_on_the_scale(claims):
    assert sorted(claims["claim_id"], key=lambda c: int(c[1:])) == ledger.CLAIM_IDS
    assert claims["verdict"].isin(list(ledger.VERDICTS)).all()
    ledger.validate(claims)  # also checks each evidence section exists in its chapter


def test_descriptor_enum_is_the_documented_scale():
    res = next(r for r in read_descriptor()["resources"] if r["name"] == "claims")
    verdict = next(f for f in res["schema"]["fields"] if f["name"] == "verdict")
    assert verdict["constraints"]["enum"] == list(ledger.VERDICTS)
    assert set(ledger.BADGE) == set(ledger.VERDICTS)


def test_validate_rejects_a_missing_claim(claims):
    with pytest.raises(ValueError, match="no row for C14"):
        ledger.validate(claims[claims["claim_id"] != "C14"])


def _with(claims, claim_id, column, value):
    """A copy of the claims with one cell changed."""
    broken = claims.copy()
    broken[column] = broken[column].astype(object)
    broken.loc[broken["claim_id"] == claim_id, column] = value
    return broken


@pytest.mark.parametrize(
    "claim_id, column, value, message",
    [
        ("C3", "verdict", "mostly true", "C3 has verdict 'mostly true'"),  # off the scale
        ("C5", "verdict", None, "C5 has verdict None"),  # no verdict
        ("C8", "section", "no-such-section", "no-such-section"),  # evidence that does not exist
    ],
)
def test_validate_rejects_a_broken_row(claims, claim_id, column, value, message):
    with pytest.raises(ValueError, match=message):
        ledger.validate(_with(claims, claim_id, column, value))


def test_tally_counts_every_claim_once(claims):
    tally = ledger.tally(claims)
    assert list(tally.index) == list(ledger.VERDICTS)
    assert tally.sum() == len(claims) == 14
    hand = pd.Series({"supported": 2, "partly supported": 1}).reindex(list(ledger.VERDICTS), fill_value=0)
    frame = pd.DataFrame({"verdict": ["supported", "partly supported", "supported"]})
    assert ledger.tally(frame).equals(hand)
