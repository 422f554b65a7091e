"""The attribution hint from posting hours: right where the data can tell, silent where it cannot (issue 15, item 5)."""

from __future__ import annotations

import bisect
import random
from datetime import datetime, timedelta

import pytest

from fakewatch.detect import signals
from fakewatch.detect.signals import Msg

START = datetime(2025, 4, 14)
_CUMULATIVE = [sum(signals.DAY_PROFILE[:h + 1]) for h in range(24)]


def network(offset: int, posts: int, rng: random.Random, days: int = 14) -> list[datetime]:
    """UTC times of a network living at UTC+`offset`, posting over `days` days in an ordinary day's rhythm."""
    times = []
    for _ in range(posts):
        local = bisect.bisect(_CUMULATIVE, rng.random() * _CUMULATIVE[-1])
        times.append(START + timedelta(days=rng.randrange(days), hours=local - offset, minutes=rng.randrange(60)))
    return times


@pytest.mark.parametrize("offset", [5, 6])
def test_network_in_kazakhstan_is_placed_there_with_its_neighbours_as_uncertainty(offset):
    fit = signals.best_utc_offset(network(offset, 150, random.Random(offset)))
    assert fit is not None
    assert offset in fit.plausible and len(fit.plausible) <= signals.MAX_PLAUSIBLE_SPAN
    assert abs(fit.best - offset) <= 1
    assert sum(fit.shares.values()) == pytest.approx(1)
    assert fit.shares[fit.best] == max(fit.shares.values()) < 1  # the next-best offsets fit in some resamples


@pytest.mark.parametrize("seed", range(10))
def test_network_split_between_utc5_and_utc6_is_placed_there(seed):
    rng = random.Random(seed)
    fit = signals.best_utc_offset(network(5, 80, rng) + network(6, 80, rng))
    assert fit is not None and fit.best in (5, 6)
    assert fit.best in fit.plausible and set(fit.plausible) <= {4, 5, 6, 7}


def test_bursts_say_nothing():
    """Three waves of forty posts each fit many zones alike: the demo's deepfake campaign looked like UTC-6."""
    bursts = [START + timedelta(days=day, hours=hour, minutes=m) for day in (5, 8, 10) for hour in (2, 16, 17)
              for m in range(0, 40, 3)]
    assert signals.best_utc_offset(bursts) is None


def test_round_the_clock_posting_says_nothing():
    uniform = [START + timedelta(hours=h) for h in range(24 * 7)]
    assert signals.best_utc_offset(uniform) is None


def test_evidence_states_the_uncertainty_and_rests_on_the_posts():
    times = network(5, 120, random.Random(3))
    msgs = [Msg(i, f"telegram:user{i % 6}", "telegram:1", t) for i, t in enumerate(times)]
    [ev] = signals.utc_offsets({"1": [f"telegram:user{i}" for i in range(6)]}, msgs)
    assert ev.kind == "utc_offset" and ev.data["offset"] in (4, 5, 6)
    assert "resamples" in ev.detail and "plausible range" in ev.detail and "not a location" in ev.detail
    assert ev.data["hour_slots"] >= signals.MIN_HOUR_SLOTS and len(ev.message_pks) == signals.SAMPLE
    assert signals.utc_offsets({"1": ["telegram:user0"]}, msgs[:5]) == []
