"""Seeders rank the source of a cluster first; waves split a cluster where it went quiet."""

from __future__ import annotations

import numpy as np

from fakewatch.detect.seeders import rank_seeders
from fakewatch.detect.waves import find_waves


def test_central_coordinated_account_outranks_a_later_bystander():
    # cluster 0: account 2 posts first, accounts 0 and 1 later; account 1 is the hub of the coordination graph
    times = np.array([50, 100, 10])
    accounts = np.array([0, 1, 2])
    found = rank_seeders(np.zeros(3, dtype=np.int64), np.arange(3), times, accounts, np.full(3, -1),
                         np.array([0.0, 1.0, 0.0]), top=3)
    assert [(s.account, s.rank) for s in found] == [(2, 1), (1, 2), (0, 3)]
    assert found[1].reasons == ["posted #3", "coordination degree 1.00"]


def test_top_limits_seeders_per_cluster():
    found = rank_seeders(np.r_[[0] * 6, [1] * 2], np.arange(8), np.arange(8), np.arange(8), np.full(8, -1),
                         np.zeros(8), top=2)
    assert sorted((s.cluster, s.rank) for s in found) == [(0, 1), (0, 2), (1, 1), (1, 2)]


def test_waves_split_at_quiet_gaps_and_count_chats():
    hour = 3600
    times = np.array([0, 60, 120, 5 * hour, 5 * hour + 30, 5 * hour + 90, 30 * hour])
    w = find_waves(np.zeros(7, dtype=np.int64), times, np.array([1, 2, 3, 1, 1, 4, 5]), gap=hour, min_messages=3)
    assert (w.start.tolist(), w.end.tolist(), w.messages.tolist(), w.chats.tolist()) == (
        [0, 5 * hour], [120, 5 * hour + 90], [3, 3], [3, 2])


def test_no_clustered_message_gives_no_seeders():
    # The bundled example has no near-duplicates; ranking must not fail on empty membership.
    empty = np.array([], np.int64)
    assert rank_seeders(empty, empty, np.array([5]), np.array([0]), np.array([-1]), np.zeros(1)) == []
