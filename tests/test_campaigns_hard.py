"""Findings that hold on a scenario written apart from the detectors (issue 13), over several seeds.

`fakewatch demo --scenario hard` plants a doxxing call to march, paid participation, a look-alike
outlet spread by aged accounts under varied captions, paraphrased copies and sock-puppet testimony,
among official cross-posting, same-owner syndication, sellers, a loan-spam ring, organic viral chains,
alerts, greetings, rebuttals and short replies. The thresholds are the issue's, not tuned to a seed.
"""

from __future__ import annotations

import json

import pytest

from fakewatch.demo import generate, inputs
from fakewatch.evaluate import evaluate
from fakewatch.pipeline import investigate

SEEDS = (1, 2, 3)
MESSAGES = 12_000  # every planted class at full size; less ordinary chatter, so three seeds stay quick


@pytest.fixture(scope="module", params=SEEDS)
def scored(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"hard{request.param}")
    generate(root, seed=request.param, messages=MESSAGES, scenario="hard")
    path = investigate(inputs(root), root / "out", options={"tz": "Asia/Almaty"})
    found = json.loads(path.read_text(encoding="utf-8"))
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    return found, evaluate(found, truth)


@pytest.mark.slow
def test_every_planted_campaign_is_found_whole_with_its_seeder(scored):
    _, result = scored
    for campaign in result["per_campaign"]["campaigns"]:
        assert campaign["recall"] >= 0.9, campaign
        assert campaign["seeder_rank"] is not None and campaign["seeder_rank"] <= 3, campaign
    assert result["messages"]["precision"] >= 0.95 and result["messages"]["recall"] >= 0.95


@pytest.mark.slow
def test_coordinated_accounts_are_the_networks(scored):
    _, result = scored
    assert result["accounts"]["precision"] >= 0.95 and result["accounts"]["recall"] >= 0.95


@pytest.mark.slow
def test_legitimate_coordination_is_shown_but_never_reported(scored):
    found, result = scored
    assert result["legit"]["share"] <= 0.02 and result["benign"]["share"] <= 0.02
    kinds = {a["kind"] for a in found["coordinated_activity"]}
    assert {"spam", "cross_posting"} <= kinds
    assert all(a["why_not_campaign"] and a["what"] for a in found["coordinated_activity"])
    assert all(c["harm_signals"] for c in found["campaigns"])
