"""Co-activity: pairs of accounts that post into the same chats within seconds of each other, again and again.

A content-free coordination signal. Networks that reword every copy, post
different captions or only a link still act together: on each occasion their
accounts fire into the same city chats within a minute. Nothing here looks at
what was posted, only at who posted where and when.

Co-posts and occasions
    A *co-post* of accounts a and b is a message of a and a message of b in
    the same chat at most ``window`` seconds apart (pairs found with
    :func:`fakewatch.detect.coordination.window_pairs`, the chat playing the
    part of the shared object). A pair's co-posts less than ``gap`` seconds
    after the previous one form one *occasion*. With ``across_chats`` an
    occasion counts only when each of the two also posted into another chat
    within ``gap`` seconds of one of its co-posted messages
    (:func:`hops`): networks fire an event into several chats at once, while
    two members talking to each other do it in one chat, however often. One
    account posting its own notice into many chats is never a pair (that is a
    flood, :func:`fakewatch.detect.coordination.floods`).

Chance
    Busy chats and hyperactive members meet by chance. A pair is kept only
    when its counted occasions are unlikely given its own activity, with the
    rule co-share coordination uses (:func:`~fakewatch.detect.coordination.expected_co_posts`
    and :func:`~fakewatch.detect.coordination.beyond_chance`): the expected
    co-posts ``sum_c n_a,c * n_b,c * 2w / T`` over the chats both post in. An
    occasion holds at least two co-posts, so testing occasions against
    expected co-posts errs towards chance. ``T`` is :func:`effective_period`,
    not the calendar span: chats sleep at night, and posts crowded into the
    waking hours meet more often than a uniform spread would predict.
    Independence is still the wrong null for people who talk: members
    answering each other across the chats they share meet a few times more
    often than it predicts, so a pair must also meet ``min_lift`` times more
    often than expected. Accounts quiet between their network's events meet
    hundreds of times more often.

Example: two accounts posting into the same three chats within 20 s of each
other on four days are a pair::

    >>> import numpy as np
    >>> acc = np.repeat(np.arange(2), 12); chat = np.tile(np.arange(3), 8)
    >>> t = np.repeat(np.arange(4) * 86_400, 3)
    >>> t = np.r_[t, t + 20]
    >>> p = coactive_pairs(acc, chat, np.arange(24), t, window=60, gap=600, across_chats=True, min_occasions=3,
    ...                    min_lift=10, max_chance=0.01)
    >>> p.occasions.tolist(), describe(int(p.occasions[0]), 60)
    ([4], 'posted within 60 s of each other in the same chats on 4 occasions')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .coordination import Edges, beyond_chance, expected_co_posts, window_pairs

ACTIVITY_BIN = 3600
"""Seconds per bin of the activity profile behind :func:`effective_period`: an hour resolves the day's rhythm
(night, lunch, evening) without letting one campaign burst define its own expectation."""


@dataclass
class Pairs:
    """Co-active pairs (account codes ``a < b``) with their evidence; message and chat arrays are input codes."""

    a: np.ndarray
    b: np.ndarray
    occasions: np.ndarray
    expected: np.ndarray  # co-posts expected by chance from the pair's own activity
    first: np.ndarray  # time of the first counted co-post
    last: np.ndarray
    messages: list[np.ndarray]  # messages of both accounts in the counted occasions
    chats: list[np.ndarray]  # chats of those occasions

    def __len__(self) -> int:
        return len(self.a)

    def edges(self) -> Edges:
        """The pairs as coordination edges weighted by occasions (no content clusters behind them)."""
        return Edges(a=self.a, b=self.b, weight=self.occasions, first=self.first, last=self.last,
                     objects=[np.empty(0, np.int64) for _ in range(len(self))])


def describe(occasions: int, window: int) -> str:
    """The evidence in plain words, as an analyst would say it."""
    return f"posted within {window} s of each other in the same chats on {occasions} occasion{'s' * (occasions != 1)}"


def effective_period(times: np.ndarray, bin_seconds: int = ACTIVITY_BIN) -> float:
    """The span T over which posts would meet as often as they do, spread as they are over the hours.

    Two posts drawn from an activity profile with share ``p_h`` in bin h fall
    within ``w`` of each other with probability about ``2w * sum_h p_h**2 /
    bin``; a uniform spread over T gives ``2w / T``. So ``T = bin / sum_h
    p_h**2``: the calendar span when activity is even, less when it crowds
    into the day.
    """
    times = np.asarray(times, np.int64)
    if len(times) < 2:
        return float(bin_seconds)
    share = np.bincount((times - times.min()) // bin_seconds) / len(times)
    return float(bin_seconds / np.square(share).sum())


def hops(accounts: np.ndarray, chats: np.ndarray, times: np.ndarray, gap: int) -> np.ndarray:
    """Per message: did its author post into another chat within ``gap`` seconds of it (before or after)?

    The nearest such message of the author is the last one of the previous
    run of (author, chat) in time order, or the first one of the next run.
    """
    n = len(accounts)
    order = np.lexsort((times, accounts))
    acc, ch, ts = accounts[order], chats[order], times[order]
    run_start = np.r_[True, (acc[1:] != acc[:-1]) | (ch[1:] != ch[:-1])]
    first = np.maximum.accumulate(np.where(run_start, np.arange(n), 0))  # first index of each row's run
    run_end = np.r_[run_start[1:], True]
    last = np.minimum.accumulate(np.where(run_end, np.arange(n), n)[::-1])[::-1]
    before, after = first - 1, last + 1
    far = np.iinfo(np.int64).max
    gap_before = np.where((before >= 0) & (acc[np.maximum(before, 0)] == acc), ts - ts[np.maximum(before, 0)], far)
    nxt = np.minimum(after, n - 1)
    gap_after = np.where((after < n) & (acc[nxt] == acc), ts[nxt] - ts, far)
    out = np.empty(n, dtype=bool)
    out[order] = np.minimum(gap_before, gap_after) <= gap
    return out


def _empty() -> Pairs:
    z = np.empty(0, np.int64)
    return Pairs(a=z, b=z, occasions=z, expected=np.empty(0), first=z, last=z, messages=[], chats=[])


def coactive_pairs(accounts: np.ndarray, chats: np.ndarray, messages: np.ndarray, times: np.ndarray, *,
                   window: int, gap: int, across_chats: bool, min_occasions: int, min_lift: float,
                   max_chance: float | None) -> Pairs:
    """Pairs with at least ``min_occasions`` counted occasions, beyond chance (see the module docstring).

    Rows are messages with a known author (integer codes; ``messages`` are
    returned in the evidence). ``max_chance=None`` and ``min_lift=0`` keep
    every pair reaching ``min_occasions``.
    """
    accounts, chats = np.asarray(accounts, np.int64), np.asarray(chats, np.int64)
    messages, times = np.asarray(messages, np.int64), np.asarray(times, np.int64)
    if len(accounts) < 2:
        return _empty()
    n_acc = int(accounts.max()) + 1
    parts = []
    for i, j in window_pairs(chats, times, window):
        ok = accounts[i] != accounts[j]
        i, j = i[ok], j[ok]
        lo, hi = np.minimum(accounts[i], accounts[j]), np.maximum(accounts[i], accounts[j])
        parts.append((lo * n_acc + hi, times[i], i, j))  # i is the earlier row: its time starts the co-post
    if not parts:
        return _empty()
    pair, at, ri, rj = (np.concatenate(p) for p in zip(*parts))
    order = np.lexsort((at, pair))
    pair, at, ri, rj = pair[order], at[order], ri[order], rj[order]
    new = np.r_[True, (pair[1:] != pair[:-1]) | (np.diff(at) > gap)]
    occasion = np.cumsum(new) - 1
    if across_chats:
        hop = hops(accounts, chats, times, gap)
        # the co-post's rows in account order: "lo" is the row of the pair's smaller account code
        lo_row = np.where(accounts[ri] < accounts[rj], ri, rj)
        hi_row = np.where(accounts[ri] < accounts[rj], rj, ri)
        lo_hops = np.bincount(occasion, weights=hop[lo_row]) > 0
        hi_hops = np.bincount(occasion, weights=hop[hi_row]) > 0
        counted = (lo_hops & hi_hops)[occasion]
    else:
        counted = np.ones(len(pair), dtype=bool)
    keys, per_pair = np.unique(pair[counted], return_inverse=True)
    occ_of_pair = np.bincount(np.unique(per_pair * (occasion.max() + 1) + occasion[counted])
                              // (occasion.max() + 1), minlength=len(keys))
    cand = np.flatnonzero(occ_of_pair >= min_occasions)
    if not len(cand):
        return _empty()
    a, b = keys[cand] // n_acc, keys[cand] % n_acc
    expected = expected_co_posts(chats, accounts, messages, a, b, window=window, period=effective_period(times))
    keep = occ_of_pair[cand] >= min_lift * expected
    if max_chance is not None:
        keep &= beyond_chance(occ_of_pair[cand], expected, max_chance)
    cand, a, b, expected = cand[keep], a[keep], b[keep], expected[keep]
    if not len(cand):
        return _empty()
    wanted = np.full(len(keys), -1)
    wanted[cand] = np.arange(len(cand))
    sel = np.flatnonzero(counted)
    slot = wanted[per_pair]
    sel, slot = sel[slot >= 0], slot[slot >= 0]
    grouped = np.argsort(slot, kind="stable")
    sel, slot = sel[grouped], slot[grouped]
    bounds = np.searchsorted(slot, np.arange(1, len(cand)))
    msgs = [np.unique(np.r_[messages[ri[s]], messages[rj[s]]]) for s in np.split(sel, bounds)]
    where = [np.unique(chats[ri[s]]) for s in np.split(sel, bounds)]
    first = np.array([at[s].min() for s in np.split(sel, bounds)], dtype=np.int64)
    last = np.array([times[rj[s]].max() for s in np.split(sel, bounds)], dtype=np.int64)
    return Pairs(a=a, b=b, occasions=occ_of_pair[cand], expected=expected, first=first, last=last, messages=msgs,
                 chats=where)
