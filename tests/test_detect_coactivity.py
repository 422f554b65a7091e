"""Co-activity: networks posting together into the same chats are paired whatever they post; chance is not."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sqlalchemy import insert, select

from fakewatch.detect import DetectParams, coactivity, run
from fakewatch.store.tables import detect as t
from fakewatch.store.tables.core import inputs, messages

DAY = 86_400
DAYS = 14
HOURS = np.array([1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 11, 10, 9, 9, 9, 10, 11, 12, 12, 10, 7, 3], float)
"""Relative activity per local hour: city chats sleep at night and peak in the evening."""
PARAMS = DetectParams()


def _times(rng: np.random.Generator, n: int) -> np.ndarray:
    hour = rng.choice(24, size=n, p=HOURS / HOURS.sum())
    return rng.integers(0, DAYS, n) * DAY + hour * 3600 + rng.integers(0, 3600, n)


def chatter(seed: int, *, chats: int = 40, members: int = 3000, posts: int = 60_000):
    """Independent members at realistic rates: heavy-tailed activity (a few post thousands of messages), busy
    and quiet chats, day rhythm, and conversations (replies seconds after the message they answer)."""
    rng = np.random.default_rng(seed)
    chat_weight = rng.pareto(1.2, chats) + 0.05
    activity = rng.pareto(1.1, members) + 0.02
    home = [rng.choice(chats, size=rng.integers(1, 5), replace=False, p=chat_weight / chat_weight.sum())
            for _ in range(members)]
    author = rng.choice(members, size=posts, p=activity / activity.sum())
    chat = np.array([rng.choice(home[a]) for a in author.tolist()])
    time = _times(rng, posts)
    # a third of the messages answer one a few seconds to a minute earlier in the same chat
    replies = rng.random(posts) < 0.35
    time[replies] = np.roll(time, 1)[replies] + rng.integers(3, 60, replies.sum())
    chat[replies] = np.roll(chat, 1)[replies]
    # friends who talk to each other every evening in their chat, back and forth within seconds
    friends = []
    for k in range(10):
        a, b, where = 2 * k, 2 * k + 1, int(rng.integers(chats))
        for day in range(DAYS):
            at = day * DAY + 19 * 3600 + int(rng.integers(0, 3 * 3600))
            for turn in range(6):
                friends.append((a if turn % 2 == 0 else b, where, at + 20 * turn))
    f = np.array(friends)
    return (np.r_[author, f[:, 0]], np.r_[chat, f[:, 1]], np.r_[time, f[:, 2]])


def network(seed: int, *, size: int = 8, events: int = 8, chats: int = 40, per_event: int = 6, first: int = 10_000):
    """A planted network: at each event every account posts into `per_event` of the city chats within 90 s."""
    rng = np.random.default_rng(seed + 100)
    rows = []
    for at in _times(rng, events).tolist():
        for k in range(size):
            for c in rng.choice(chats, size=per_event, replace=False).tolist():
                rows.append((first + k, c, at + int(rng.integers(0, 90))))
    r = np.array(rows)
    return r[:, 0], r[:, 1], r[:, 2]


def _pairs(accounts, chats, times, params: DetectParams = PARAMS) -> coactivity.Pairs:
    order = np.argsort(times, kind="stable")
    return coactivity.coactive_pairs(accounts[order], chats[order], np.arange(len(order)), times[order],
                                     window=params.coactivity_window, gap=params.coactivity_gap,
                                     across_chats=params.coactivity_across_chats,
                                     min_occasions=params.coactivity_min_occasions,
                                     min_lift=params.coactivity_min_lift, max_chance=params.max_chance)


@pytest.mark.parametrize("seed", range(4))
def test_independent_members_of_busy_chats_make_no_pairs(seed):
    accounts, chats, times = chatter(seed)
    assert np.bincount(accounts).max() > 1000  # hyperactive members are there
    assert len(_pairs(accounts, chats, times)) == 0


@pytest.mark.parametrize("seed", range(4))
def test_without_the_chance_filter_busy_members_do_meet(seed):
    # what the filters remove: the same corpus, every pair reaching the occasions kept
    accounts, chats, times = chatter(seed)
    loose = DetectParams(max_chance=None, coactivity_min_lift=0)
    assert len(_pairs(accounts, chats, times, loose)) > 0


@pytest.mark.parametrize("seed", range(4))
def test_planted_network_is_paired_among_busy_chats(seed):
    accounts, chats, times = chatter(seed)
    na, nc, nt = network(seed)
    pairs = _pairs(np.r_[accounts, na], np.r_[chats, nc], np.r_[times, nt])
    paired = set(pairs.a.tolist()) | set(pairs.b.tolist())
    assert paired <= set(range(10_000, 10_008))  # nobody else
    assert len(paired) >= 7
    n = 10_008
    graph = csr_matrix((np.ones(len(pairs)), (pairs.a, pairs.b)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    assert len({component[a] for a in paired}) == 1  # one network, whatever each account posted


def test_one_account_cross_posting_into_many_chats_is_no_pair():
    # an akimat channel posting each notice into ten chats within a minute, twenty times: a flood, not a pair
    rng = np.random.default_rng(0)
    times = np.repeat(rng.integers(0, DAYS * DAY, 20), 10) + np.tile(np.arange(10) * 5, 20)
    assert len(_pairs(np.zeros(200, np.int64), np.tile(np.arange(10), 20), times)) == 0


def test_friends_talking_in_one_chat_are_paired_only_without_the_cross_chat_rule():
    # chatter() holds ten pairs of friends answering each other within seconds every evening in one chat:
    # far beyond chance, but a conversation, not a network posting into several chats at once
    accounts, chats, times = chatter(0)
    assert len(_pairs(accounts, chats, times)) == 0
    one_chat = _pairs(accounts, chats, times, DetectParams(coactivity_across_chats=False))
    friends = {(2 * k, 2 * k + 1) for k in range(10)}
    assert friends <= set(zip(one_chat.a.tolist(), one_chat.b.tolist()))


def test_effective_period_shrinks_when_activity_crowds_into_the_day():
    rng = np.random.default_rng(0)
    even = rng.integers(0, DAYS * DAY, 100_000)
    assert coactivity.effective_period(even) == pytest.approx(DAYS * DAY, rel=0.02)
    assert coactivity.effective_period(_times(rng, 100_000)) < 0.8 * DAYS * DAY


def test_evidence_reads_as_plain_words():
    assert coactivity.describe(7, 60) == "posted within 60 s of each other in the same chats on 7 occasions"
    assert coactivity.describe(1, 30).endswith("on 1 occasion")


T0 = datetime(2025, 4, 18, 6, 0)
PARAPHRASES = [
    "Все на площадь в субботу, власти скрывают правду о ценах на бензин",
    "Про бензин правду скрывают, в субботу выходим на площадь все вместе",
    "Суббота, площадь, приходите: от нас прячут правду о бензине",
    "Сколько можно молчать о ценах на топливо? В субботу на площадь",
]


def test_store_keeps_the_pairs_evidence_and_groups_the_network(fresh_db):
    """Three accounts post different wordings into the same four chats within a minute on four days."""
    bots = ["telegram:user9001", "telegram:user9002", "telegram:user9003"]
    rows = []
    for day in range(4):
        for b, bot in enumerate(bots):
            for c in range(4):
                rows.append({"chat": f"city{c}", "account": bot, "text": PARAPHRASES[(b + c + day) % 4] + f" {b}{c}",
                             "at": T0 + timedelta(days=day, seconds=15 * b + 3 * c)})
    for k in range(60):  # ordinary members
        rows.append({"chat": f"city{k % 4}", "account": f"telegram:user{300 + k % 7}",
                     "text": f"Кто знает, работает ли сегодня рынок номер {k}?", "at": T0 + timedelta(minutes=37 * k)})
    with fresh_db.begin() as conn:
        conn.execute(insert(inputs), [{"id": 1, "path": "hand", "sha256": "0" * 64, "format": "test", "messages": 0,
                                       "added": 0, "chats": 0, "accounts": 0, "ingested_at": T0}])
        conn.execute(insert(messages), [
            {"platform": "telegram", "chat_id": r["chat"], "message_id": str(i), "account_id": r["account"],
             "sent_at": r["at"], "kind": "message", "text": r["text"], "input_id": 1} for i, r in enumerate(rows)])
    report = run(fresh_db)
    assert report.coactive_pairs == 3
    with fresh_db.connect() as conn:
        pairs = conn.execute(select(t.coactivity_pairs).order_by(t.coactivity_pairs.c.account_a,
                                                                 t.coactivity_pairs.c.account_b)).all()
        groups = dict(conn.execute(select(t.coord_groups.c.account_id, t.coord_groups.c.group_id)).all())
        bot_pks = {pk for pk, a in conn.execute(select(messages.c.id, messages.c.account_id)) if a in bots}
    assert [(p.account_a, p.account_b) for p in pairs] == [(bots[0], bots[1]), (bots[0], bots[2]), (bots[1], bots[2])]
    for p in pairs:
        assert p.occasions == 4 and p.window_s == 60
        assert sorted(p.chats) == [f"telegram:city{c}" for c in range(4)]
        assert len(p.message_pks) == 32 and set(p.message_pks) <= bot_pks  # 16 posts of each account
    assert set(groups) == set(bots) and len(set(groups.values())) == 1
