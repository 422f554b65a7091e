"""Coordination core: co-share pairs, co-post edges, floods, groups; CooRTweet parity and IRA bursts on real data."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from itertools import combinations

import numpy as np
import pytest

from fakewatch.detect import DetectParams, detect
from fakewatch.detect import coordination as co
from fakewatch.detect.corpus import Corpus
from tests.conftest import shared_data


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("window", [0, 5, 60])
def test_window_pairs_match_brute_force(seed, window):
    rng = np.random.default_rng(seed)
    objects = rng.integers(0, 4, 60)
    times = rng.integers(0, 300, 60)
    got = set()
    for i, j in co.window_pairs(objects, times, window, chunk=7):  # tiny chunks exercise the chunking
        assert (times[j] >= times[i]).all()
        got.update(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist()))
    want = {(a, b) for a, b in combinations(range(60), 2)
            if objects[a] == objects[b] and abs(int(times[a]) - int(times[b])) <= window}
    assert got == want


def test_co_post_weight_counts_messages_not_cluster_rows():
    # accounts 0 and 1 post two messages each; every message sits in a text and a link cluster (twins)
    objects = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    accounts = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    messages = np.array([10, 11, 10, 11, 12, 13, 12, 13])
    times = np.array([0, 30, 0, 30, 1000, 1010, 1000, 1010])
    edges = co.coordinate(objects, accounts, messages, times, window=60, min_repetition=2, max_chance=None)
    assert (edges.a.tolist(), edges.b.tolist(), edges.weight.tolist()) == ([0], [1], [2])
    assert edges.objects[0].tolist() == [0, 1]
    once = co.coordinate(objects[:4], accounts[:4], messages[:4], times[:4], window=60, min_repetition=2,
                         max_chance=None)
    assert len(once) == 0  # one coincidence, however many clusters it touches, is not coordination


def test_hyperactive_account_cannot_inflate_an_edge():
    # account 0 posts the object 10 times around account 1's single post
    objects = np.zeros(11, dtype=np.int64)
    accounts = np.r_[np.zeros(10, dtype=np.int64), 1]
    messages = np.arange(11)
    times = np.r_[np.arange(10) * 5, 20]
    assert len(co.coordinate(objects, accounts, messages, times, window=60, min_repetition=2, max_chance=None)) == 0


def test_busy_accounts_repeating_routine_content_are_not_linked_by_chance():
    # two news channels post the same 5 headlines 400 times each over two weeks and meet by chance;
    # two campaign accounts post one text 3 times each, minutes apart
    rng = np.random.default_rng(0)
    news = 800
    objects = np.r_[rng.integers(0, 5, news), [9] * 6]
    accounts = np.r_[[0] * 400, [1] * 400, [2, 2, 2, 3, 3, 3]]
    times = np.r_[rng.integers(0, 14 * 86_400, news), [1000, 5000, 9000, 1100, 5100, 9100]]
    messages = np.arange(len(objects))
    raw = co.coordinate(objects, accounts, messages, times, window=300, min_repetition=2, max_chance=None)
    assert (raw.a.tolist(), raw.b.tolist()) == ([0, 2], [1, 3])  # the channels do meet, repeatedly
    edges = co.coordinate(objects, accounts, messages, times, window=300, min_repetition=2)
    assert (edges.a.tolist(), edges.b.tolist()) == ([2], [3])
    expected = co.expected_co_posts(objects, accounts, messages, np.array([0, 2]), np.array([1, 3]), window=300,
                                    period=float(times.max() - times.min()))
    assert expected[0] > raw.weight[0] / 2 and expected[1] < 0.1


def test_floods_need_many_chats_in_a_short_span():
    day = 86_400
    objects = np.zeros(8, dtype=np.int64)
    accounts = np.r_[np.zeros(3, dtype=np.int64), np.ones(5, dtype=np.int64)]
    chats = np.r_[0, 1, 2, 0, 1, 2, 3, 4]
    times = np.r_[0, 3 * day, 6 * day, 0, 60, 120, 180, 240]  # a seller over a week; a flood in four minutes
    found = co.floods(objects, accounts, chats, np.arange(8), times, window=1800, min_chats=3)
    assert [(f.account, f.chats, f.start, f.end) for f in found] == [(1, 5, 0, 240)]


def test_communities_split_two_cliques_joined_by_one_edge():
    a = np.array([0, 0, 1, 3, 3, 4, 2])
    b = np.array([1, 2, 2, 4, 5, 5, 3])
    edges = co.Edges(a=a, b=b, weight=np.array([5, 5, 5, 5, 5, 5, 1]), first=a, last=a, objects=[])
    groups = co.communities(7, edges)
    assert groups[0] == groups[1] == groups[2] != groups[3] == groups[4] == groups[5]
    assert groups[6] == -1


def test_coortweet_semantics_on_a_hand_built_case():
    # object o1: A, B, C within 60 s; A and B again on o2; C's second share is far away; D shares once
    obj = ["o1", "o1", "o1", "o2", "o2", "o3", "o1"]
    acc = ["A", "B", "C", "A", "B", "C", "D"]
    cont = ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]
    ts = [0, 10, 50, 500, 530, 9000, 20]
    groups = co.detect_groups(obj, acc, cont, ts, time_window=60, min_participation=2)
    pairs = {tuple(sorted((acc[i], acc[j]))) for i, j in zip(groups.i, groups.j)}
    assert pairs == {("A", "B"), ("A", "C"), ("B", "C")}  # D has one share: filtered before pairing
    net = co.coordinated_network(groups, acc, cont, edge_weight=0.5)
    weights = {(s, t): int(w) for s, t, w in zip(net.source, net.target, net.weight)}
    assert weights == {("A", "B"): 2, ("A", "C"): 1, ("B", "C"): 1}
    assert net.pairs(flagged_only=True) == {("A", "B")}  # median weight 1: only A-B exceeds it


def _read(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_coortweet_parity_on_russian_tweets():
    folder = shared_data("coortweet-russian")
    rows = _read(folder / "russian_coord_tweets.csv")
    cols = {k: [r[k] for r in rows] for k in ("object_id", "account_id", "content_id")}
    ts = np.array([int(r["timestamp_share"]) for r in rows])
    groups = co.detect_groups(cols["object_id"], cols["account_id"], cols["content_id"], ts, time_window=60,
                              min_participation=2)
    assert len(groups) == len(_read(folder / "reference_detect_groups_tw60_mp2.csv"))
    net = co.coordinated_network(groups, cols["account_id"], cols["content_id"], edge_weight=0.5)
    ref = {(min(r["from"], r["to"]), max(r["from"], r["to"])): r
           for r in _read(folder / "reference_network_edges_ew0.5_full.csv")}
    mine = net.pairs()
    jaccard = len(mine & set(ref)) / len(mine | set(ref))
    flagged = {k for k, r in ref.items() if r["weight_threshold"] == "1"}
    flagged_jaccard = len(net.pairs(flagged_only=True) & flagged) / len(net.pairs(flagged_only=True) | flagged)
    print(f"CooRTweet parity: {len(mine)} edges vs {len(ref)}, Jaccard {jaccard:.4f}; "
          f"flagged {len(flagged)}, Jaccard {flagged_jaccard:.4f}")
    assert jaccard >= 0.99 and flagged_jaccard >= 0.99
    index = {(s, t): k for k, (s, t) in enumerate(zip(net.source, net.target))}
    for key, r in ref.items():
        k = index[key]
        assert int(r["weight"]) == net.weight[k]
        assert float(r["avg_time_delta"]) == pytest.approx(net.avg_time_delta[k])
        assert (int(r["n_content_id"]), int(r["n_content_id_y"])) == (net.n_content_id[k], net.n_content_id_y[k])
        assert float(r["edge_symmetry_score"]) == pytest.approx(net.edge_symmetry_score[k])
    sub = _read(folder / "reference_network_edges_ew0.5_subgraph1.csv")
    assert {(min(r["from"], r["to"]), max(r["from"], r["to"])) for r in sub} == net.pairs(flagged_only=True)


URL = re.compile(r"https?://\S+")


def test_ira_copy_paste_bursts_end_up_in_coordinated_groups():
    from fakewatch.enrich.normalize import template

    rows = _read(shared_data("ira-ru-2017", "ira_russian_accounts_tweets_2017-03-20_2017-04-02.csv"))
    times = np.array([r["publish_date"] for r in rows], dtype="datetime64[s]").astype(np.int64)
    authors = [r["author_id"] for r in rows]
    corpus = Corpus.of(accounts=authors, chats=["twitter"] * len(rows), times=times,
                       templates=[template(r["content"]) for r in rows],
                       links=[URL.findall(r["content"]) for r in rows])
    det = detect(corpus, DetectParams())
    group_of = {corpus.names[a]: int(det.groups[a]) for a in np.flatnonzero(det.groups >= 0)}
    # the README's bursts: one normalised text (URLs stripped, > 20 chars) by >= 3 accounts within an hour
    by_text = defaultdict(list)
    for i, r in enumerate(rows):
        text = " ".join(URL.sub("", r["content"]).lower().split())
        if len(text) > 20:
            by_text[text].append(i)
    bursts = []
    for members in by_text.values():
        posts = sorted((int(times[i]), authors[i]) for i in members)
        if any(len({a for t, a in posts if t0 <= t <= t0 + 3600}) >= 3 for t0, _ in posts):
            bursts.append({authors[i] for i in members})
    found = sum(1 for posters in bursts
                if max(np.bincount([group_of[a] for a in posters if a in group_of] or [0])) >= 2)
    accounts = len(set(authors))
    print(f"IRA: {len(group_of)} of {accounts} accounts in {len(set(group_of.values()))} coordinated groups; "
          f"{found} of {len(bursts)} burst texts have >= 2 posters in one group")
    assert accounts == 214
    assert len(group_of) >= 80
    assert found >= 0.9 * len(bursts)
