"""Attribution signals: observations about who may be behind a campaign, each with the messages it rests on.

Every function here returns `Evidence` (or None when the data says nothing) and
states what was observed, never who is behind it: a best-fit time zone or a
share of Kazakh phone numbers is a lead for a journalist to check, not a verdict.
"""

from __future__ import annotations

import bisect
import math
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
OFFSET_TIE = 0.02  # mean log-likelihood per post within which two offsets fit equally
MIN_HOURS_SAMPLE = 10  # fewer posts than this say nothing about a time zone
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


def best_utc_offset(hours: Sequence[int]) -> tuple[list[int], float]:
    """UTC offsets (hours) under which the posting hours best fit an ordinary day, and the best fit.

    The fit is the mean log-likelihood of the posts' local hours under `DAY_PROFILE`; offsets
    within `OFFSET_TIE` of the best are returned too (a short burst fits several zones alike).
    The second value is the share of posts in local waking hours at the best offset.
    """
    counts = Counter(hours)
    total = sum(counts.values())
    norm = sum(DAY_PROFILE)
    fits = {off: sum(n * math.log(DAY_PROFILE[(h + off) % 24] / norm) for h, n in counts.items()) / total
            for off in OFFSETS}
    best = max(fits.values())
    offsets = [off for off, fit in fits.items() if fit >= best - OFFSET_TIE]
    top = max(offsets, key=lambda off: fits[off])
    waking = sum(n for h, n in counts.items() if (h + top) % 24 in WAKING_HOURS) / total
    return sorted(offsets, key=lambda off: -fits[off]), waking


def utc_offsets(groups: Mapping[str, Sequence[str]], msgs: Sequence[Msg]) -> list[Evidence]:
    """For each coordinated group, the UTC offsets that best fit its posting hours."""
    by_account: dict[str, list[Msg]] = defaultdict(list)
    for m in msgs:
        if m.account:
            by_account[m.account].append(m)
    found = []
    for group, members in sorted(groups.items()):
        posts = [m for a in members for m in by_account.get(a, ())]
        if len(posts) < MIN_HOURS_SAMPLE:
            continue
        offsets, fit = best_utc_offset([m.sent_at.hour for m in posts])
        detail = (f"Coordinated group {group} ({len(members)} accounts, {len(posts)} posts): posting hours fit "
                  f"{_offset_names(offsets)} best, with {fit:.0%} of posts between {WAKING_HOURS.start:02d}:00 "
                  "and 24:00 local time there.")
        found.append(Evidence("utc_offset", detail, sample(m.pk for m in posts),
                              {"group": group, "offsets": offsets, "fit": round(fit, 3),
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


def _offset_names(offsets: list[int]) -> str:
    names = [f"UTC{o:+d}" if o else "UTC" for o in offsets]
    return names[0] if len(names) == 1 else f"{names[0]} (about as well: {', '.join(names[1:])})"


def sample(pks: Iterable[int]) -> list[int]:
    seen: list[int] = []
    for pk in pks:
        if pk not in seen:
            seen.append(pk)
            if len(seen) >= SAMPLE:
                break
    return seen


