"""Attribution signals: observations about who may be behind a campaign, each with the messages it rests on.

Every function here returns `Evidence` (or None when the data says nothing) and
states what was observed, never who is behind it: a best-fit time zone or a
share of Kazakh phone numbers is a lead for a journalist to check, not a verdict.
"""

from __future__ import annotations

import bisect
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fakewatch.model import iso

SAMPLE = 20  # messages cited per signal: enough to check, few enough to read
NEW_ID_QUANTILE = 0.9  # Telegram ids above this quantile of the corpus count as new accounts
WAKING_HOURS = range(8, 24)  # local hours when people ordinarily post
# Relative posting activity by local hour in ordinary chats: a night trough around 3-5, a morning
# rise, a flat working day and an evening peak (the familiar diurnal shape of messaging activity).
DAY_PROFILE = (0.7, 0.4, 0.25, 0.15, 0.15, 0.25, 0.5, 0.9, 1.3, 1.6, 1.8, 1.9,
               1.9, 1.9, 1.9, 1.9, 2.0, 2.1, 2.3, 2.5, 2.5, 2.2, 1.7, 1.1)
MIN_HOURS_SAMPLE = 10  # fewer posts than this say nothing about a time zone
MIN_HOUR_SLOTS = 12  # separate posting hours needed: fewer bursts fit many zones alike
BOOTSTRAP = 300  # resamples of the hour slots: enough for shares to two digits, cheap beside assembly
PLAUSIBLE_SHARE = 0.8  # the plausible range holds this share of the resamples' best offsets
MIN_BEST_SHARE = 0.4  # under this the best offset is as much chance as signal: say nothing
MAX_PLAUSIBLE_SPAN = 4  # plausible offsets spanning more hours than this do not point to a region
OFFSETS = range(-12, 15)
_TG_USER = re.compile(r"^telegram:user(\d+)$")


@dataclass
class Evidence:
    kind: str
    detail: str
    message_pks: list[int]
    data: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Msg:
    """One campaign message with what the signals look at."""

    pk: int
    account: str | None
    chat: str  # platform:chat_id
    sent_at: datetime
    forwarded_from: str | None = None
    forwarded_from_id: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Phone:
    pk: int
    e164: str
    region: str | None
    line_type: str | None


@dataclass(frozen=True, slots=True)
class Money:
    pk: int
    amount: float | None
    currency: str | None


def telegram_user_number(account: str | None) -> int | None:
    """The numeric id of a Telegram user account (`telegram:user123` -> 123); ids grow with sign-up date."""
    m = _TG_USER.match(account or "")
    return int(m.group(1)) if m else None


def seeders(ranked: Sequence[str], msgs: Sequence[Msg]) -> Evidence | None:
    """The ranked seeders and the first message each posted in the campaign."""
    first: dict[str, Msg] = {}
    for m in sorted(msgs, key=lambda m: m.sent_at):
        if m.account and m.account not in first:
            first[m.account] = m
    shown = [a for a in ranked[:3] if a in first]
    if not shown:
        return None
    parts = [f"{i}. {a} first posted {iso(first[a].sent_at)} in {first[a].chat}" for i, a in enumerate(shown, 1)]
    return Evidence("seeders", "Most likely seeders, first to post the campaign's content: " + "; ".join(parts) + ".",
                    [first[a].pk for a in shown], {"seeders": list(ranked)})


def forward_origins(msgs: Sequence[Msg]) -> Evidence | None:
    """Where forwarded campaign messages came from (the source chat or account the export names)."""
    by_origin: dict[str, list[int]] = defaultdict(list)
    for m in msgs:
        origin = m.forwarded_from_id or m.forwarded_from
        if origin:
            by_origin[origin].append(m.pk)
    if not by_origin:
        return None
    top = sorted(by_origin.items(), key=lambda kv: -len(kv[1]))[:5]
    detail = "Forwarded from: " + "; ".join(f"{origin} ({len(pks)} messages)" for origin, pks in top) + "."
    return Evidence("forward_origins", detail, sample(pk for _, pks in top for pk in pks),
                    {"origins": {origin: len(pks) for origin, pks in top}})


def account_age(accounts: Iterable[str], corpus_ids: Sequence[int], msgs: Sequence[Msg]) -> Evidence | None:
    """How many accounts carry Telegram ids among the newest of the corpus (`corpus_ids` sorted)."""
    numbers = {a: n for a in accounts if (n := telegram_user_number(a)) is not None}
    if not numbers or len(corpus_ids) < 10:
        return None
    cut = corpus_ids[min(len(corpus_ids) - 1, int(len(corpus_ids) * NEW_ID_QUANTILE))]
    new = sorted(a for a, n in numbers.items() if n >= cut)
    percentiles = {a: round(bisect.bisect_left(corpus_ids, n) / len(corpus_ids), 3) for a, n in numbers.items()}
    median = sorted(percentiles.values())[len(percentiles) // 2]
    detail = (f"{len(new)} of {len(numbers)} Telegram accounts have ids in the newest {100 - NEW_ID_QUANTILE * 100:.0f}%"
              f" of the corpus's {len(corpus_ids):,} accounts (id >= {cut}); median id percentile {median:.0%}."
              " Telegram ids grow with sign-up date, so higher ids suggest newer accounts.")
    cited = set(new)
    return Evidence("account_age", detail, sample(m.pk for m in msgs if m.account in cited),
                    {"new_accounts": new, "percentiles": percentiles, "new_id_from": cut})


def _fits(slots: Counter[int]) -> dict[int, float]:
    """Offset -> mean log-likelihood per slot of the slots' local hours under `DAY_PROFILE`."""
    total = sum(slots.values())
    norm = sum(DAY_PROFILE)
    return {off: sum(n * math.log(DAY_PROFILE[(h + off) % 24] / norm) for h, n in slots.items()) / total
            for off in OFFSETS}


def _best(fits: Mapping[int, float]) -> int:
    return max(fits, key=lambda off: (fits[off], -abs(off)))


@dataclass(frozen=True)
class OffsetFit:
    """Where posting hours put a group's clock, and how sure the data allows one to be.

    `shares` maps each offset to the share of bootstrap resamples in which it fit best;
    `plausible` is the narrowest run of neighbouring offsets holding `PLAUSIBLE_SHARE` of them.
    """

    best: int
    shares: dict[int, float]
    plausible: list[int]
    slots: int
    waking: float


def best_utc_offset(times: Sequence[datetime], seed: int = 0) -> OffsetFit | None:
    """The UTC offset under which posting times best fit an ordinary day, with its uncertainty, or None
    where the data cannot tell.

    Coordinated accounts post in bursts: forty posts in one minute are one decision about when to post,
    not forty. So the unit is the *hour slot* (a calendar hour with posts in it), each counted once.
    The fit of an offset is the mean log-likelihood of the slots' local hours under `DAY_PROFILE`.
    Its uncertainty comes from resampling the slots (`BOOTSTRAP` times, seeded): how often each offset
    comes out best. None when there are fewer than `MIN_HOUR_SLOTS` slots, when the best offset wins
    fewer than `MIN_BEST_SHARE` of the resamples, or when the plausible offsets span more than
    `MAX_PLAUSIBLE_SPAN` hours: a few bursts fit many zones alike, and a number would mislead.
    """
    slot_hours = {t.replace(minute=0, second=0, microsecond=0): t.hour for t in times}
    if len(slot_hours) < MIN_HOUR_SLOTS:
        return None
    hours = list(slot_hours.values())
    best = _best(_fits(Counter(hours)))
    rng = random.Random(seed)
    wins = Counter(_best(_fits(Counter(rng.choices(hours, k=len(hours))))) for _ in range(BOOTSTRAP))
    shares = {off: n / BOOTSTRAP for off, n in wins.most_common()}
    plausible = _plausible(shares)
    if shares.get(best, 0.0) < MIN_BEST_SHARE or len(plausible) > MAX_PLAUSIBLE_SPAN:
        return None
    waking = sum((h + best) % 24 in WAKING_HOURS for h in hours) / len(hours)
    return OffsetFit(best, shares, plausible, len(hours), waking)


def _plausible(shares: Mapping[int, float]) -> list[int]:
    """The shortest run of consecutive offsets whose resample shares add up to `PLAUSIBLE_SHARE`."""
    ordered = list(OFFSETS)
    for width in range(1, len(ordered) + 1):
        runs = [ordered[i:i + width] for i in range(len(ordered) - width + 1)]
        top = max(runs, key=lambda run: sum(shares.get(o, 0.0) for o in run))
        if sum(shares.get(o, 0.0) for o in top) >= PLAUSIBLE_SHARE:
            return top
    return ordered


def utc_offsets(groups: Mapping[str, Sequence[str]], msgs: Sequence[Msg]) -> list[Evidence]:
    """For each coordinated group whose posting hours tell a time zone, the best-fit UTC offset and how
    well the neighbouring offsets fit too; nothing for a group whose hours cannot tell."""
    by_account: dict[str, list[Msg]] = defaultdict(list)
    for m in msgs:
        if m.account:
            by_account[m.account].append(m)
    found = []
    for group, members in sorted(groups.items()):
        posts = [m for a in members for m in by_account.get(a, ())]
        if len(posts) < MIN_HOURS_SAMPLE:
            continue
        fit = best_utc_offset([m.sent_at for m in posts])
        if fit is None:
            continue
        others = ", ".join(f"{_offset_name(o)} {s:.0%}" for o, s in fit.shares.items() if o != fit.best and s >= 0.05)
        detail = (f"Coordinated group {group} ({len(members)} accounts, {len(posts)} posts in {fit.slots} separate "
                  f"hours): posting hours fit {_offset_name(fit.best)} best, in {fit.shares[fit.best]:.0%} of "
                  f"resamples" + (f" (next: {others})" if others else "")
                  + f"; plausible range {_offset_name(fit.plausible[0])} to {_offset_name(fit.plausible[-1])}. "
                  f"{fit.waking:.0%} of those hours fall between {WAKING_HOURS.start:02d}:00 and 24:00 local time "
                  "there. A lead to check, not a location.")
        found.append(Evidence("utc_offset", detail, sample(m.pk for m in posts),
                              {"group": group, "offset": fit.best, "offsets": fit.plausible,
                               "shares": {str(o): s for o, s in fit.shares.items()}, "hour_slots": fit.slots,
                               "waking": round(fit.waking, 3),
                               "hours_utc": dict(sorted(Counter(m.sent_at.hour for m in posts).items()))}))
    return found


def phone_origins(phones: Sequence[Phone]) -> Evidence | None:
    """Country and line type of the phone numbers the campaign lists (Kazakh and Russian ranges share +7)."""
    if not phones:
        return None
    numbers = {p.e164: p for p in phones}
    kinds = Counter(f"{p.region or 'unknown region'} {p.line_type or 'unknown type'}" for p in numbers.values())
    detail = (f"{len(numbers)} distinct phone numbers listed: "
              + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) + ".")
    return Evidence("phone_origins", detail, sample(p.pk for p in phones), {"kinds": dict(kinds)})


def currencies(money: Sequence[Money]) -> Evidence | None:
    """Which currency payment offers are made in (tenge points to Kazakhstan, roubles to Russia)."""
    by_currency: dict[str, list[int]] = defaultdict(list)
    for m in money:
        if m.currency:
            by_currency[m.currency].append(m.pk)
    if not by_currency:
        return None
    ranked = sorted(by_currency.items(), key=lambda kv: -len(kv[1]))
    detail = "Amounts named in " + ", ".join(f"{cur} ({len(pks)} mentions)" for cur, pks in ranked) + "."
    return Evidence("currency", detail, sample(pk for _, pks in ranked for pk in pks),
                    {"currencies": {cur: len(pks) for cur, pks in ranked}})


def language_mix(msgs: Sequence[Msg]) -> Evidence | None:
    """Share of each detected language among the campaign's messages."""
    langs = Counter(m.lang for m in msgs if m.lang)
    total = sum(langs.values())
    if not total:
        return None
    detail = "Languages: " + ", ".join(f"{lang} {n / total:.0%}" for lang, n in langs.most_common(5)) + "."
    return Evidence("language_mix", detail, sample(m.pk for m in msgs if m.lang),
                    {"languages": dict(langs.most_common())})


def no_ordinary_activity(msgs: Sequence[Msg], corpus_counts: Mapping[str, int]) -> Evidence | None:
    """Accounts that post nothing in the corpus except this campaign's messages."""
    in_campaign = Counter(m.account for m in msgs if m.account)
    only = sorted(a for a, n in in_campaign.items() if corpus_counts.get(a, 0) <= n)
    if not only:
        return None
    cited = set(only)
    detail = (f"{len(only)} of {len(in_campaign)} accounts post nothing in the corpus except this campaign's "
              "messages (no ordinary chat activity).")
    return Evidence("no_ordinary_activity", detail, sample(m.pk for m in msgs if m.account in cited),
                    {"accounts": only})


def _offset_name(offset: int) -> str:
    return f"UTC{offset:+d}" if offset else "UTC"


def sample(pks: Iterable[int]) -> list[int]:
    seen: list[int] = []
    for pk in pks:
        if pk not in seen:
            seen.append(pk)
            if len(seen) >= SAMPLE:
                break
    return seen


