"""Who a campaign targets: the persons its messages name and whose phone number each listed number is.

The named-entity tagger over-reads campaign text: a capitalised word at a sentence start
("Подработка на 26.04") or a monument's name ("у памятника Абаю") comes back as a person,
and a surname written alone ("Сейткали") comes back beside the full name. So, over the
(message, person) rows of one campaign:

1. a lone word counts as the full name it is part of, when exactly one full name of the
   campaign has it (stems compared, so the case endings of Russian text do not matter);
2. a lone word that belongs to no full name is not a person (unless it is on the watchlist):
   a private person doxxed by a campaign is named by given name and surname;
3. each phone number is paired with the person written next to it ("Динара Сейткали
   (+7 701 …)", "тел. … (Ержан)"), by votes over the campaign's texts.

Pure functions over plain values, so assembly and tests call them alike.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import regex

from fakewatch.enrich.normalize import clean
from fakewatch.enrich.phones import find_phones

Person = tuple[str, str, bool]  # (matching key, name as displayed, on the watchlist)
MIN_MENTIONS = 2  # a name once in a campaign is chatter, unless the watchlist knows it
MIN_STEM = 3  # a shorter stem ("Аб" of "Абай") would join unrelated names: such words are compared whole
PAIR_WINDOW = 40  # characters between a name and a number written as a pair ("Имя Фамилия, тел. +7 …")
CHATS_LISTED = 20
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*")
# Russian case endings of names: final vowels, й/ь, and the -м/-х of instrumental and genitive plural forms.
_ENDING = regex.compile(r"[аеёиоуыэюяйь]+[мх]?$")


def stem(word: str) -> str:
    """The part of a name word that declension leaves alone ("Оспанов" of "Оспановым", "Динар" of "Динары")."""
    word = word.casefold()
    cut = _ENDING.sub("", word)
    return cut if len(cut) >= MIN_STEM else word


def _stems(key: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in key.split())


def merge_variants(rows: Sequence[tuple[int, Person]]) -> list[tuple[int, Person]]:
    """Rows with each lone word and each case variant counted as the one full name it belongs to.

    A lone word goes to the full name one of whose words has its stem, when exactly one full name
    of the campaign has it; full names with the same stems word for word are one person. Lone
    words that belong to no full name are kept here (see `is_person`). The watchlist flag of any
    variant carries over to the person.
    """
    full: dict[tuple[str, ...], Person] = {}
    for _, person in sorted(rows, key=lambda r: (-len(r[1][0].split()), r[1][0])):
        if " " in person[0]:
            full.setdefault(_stems(person[0]), person)
    watched = {key for key, p in full.items() if p[2]}
    owner_of: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for key in full:
        for s in key:
            owner_of[s].add(key)
    out = []
    for pk, person in rows:
        key = _stems(person[0])
        owners = {key} if key in full else owner_of.get(key[0], set()) if len(key) == 1 else set()
        if len(owners) == 1:
            owner = next(iter(owners))
            if person[2]:
                watched.add(owner)
            person = full[owner]
        out.append((pk, person))
    return [(pk, (p[0], p[1], p[2] or _stems(p[0]) in watched)) for pk, p in out]


def is_person(person: Person) -> bool:
    """Whether a (merged) name can be a private person: given name and surname, or on the watchlist."""
    return " " in person[0].strip() or person[2]


def _mentions(text: str, names: Mapping[str, tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """(start, end, person key) of every written form of the persons' names in `text`."""
    words = [(m.start(), m.end(), stem(m.group())) for m in _WORD.finditer(text)]
    by_stem: dict[str, set[str]] = defaultdict(set)
    for key, stems in names.items():
        for s in stems:
            by_stem[s].add(key)
    found = []
    i = 0
    while i < len(words):
        keys = by_stem.get(words[i][2], set())
        if len(keys) == 1:
            key = next(iter(keys))
            j = i
            while j + 1 < len(words) and key in by_stem.get(words[j + 1][2], set()):
                j += 1
            found.append((words[i][0], words[j][1], key))
            i = j + 1
        else:
            i += 1
    return found


def pair_phones(texts: Sequence[str], names: Mapping[str, str]) -> dict[str, tuple[str, float]]:
    """E.164 number -> (person key, share of its paired mentions) for the person written next to it.

    `names` maps person keys to their full names. In each text every number is paired with the
    nearest mention of a person within `PAIR_WINDOW` characters that no other number stands
    between; over all texts the person with most pairings holds the number.
    """
    stems = {key: _stems(name) for key, name in names.items()}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for raw_text in texts:
        text = clean(raw_text)
        spans = []
        for phone in find_phones(text):
            start = text.find(phone.raw)
            while start >= 0:
                spans.append((start, start + len(phone.raw), phone.e164))
                start = text.find(phone.raw, start + 1)
        spans.sort()
        mentions = _mentions(text, stems)
        for n, (start, end, e164) in enumerate(spans):
            left = spans[n - 1][1] if n else -1
            right = spans[n + 1][0] if n + 1 < len(spans) else len(text) + 1
            before = [(start - m_end, key) for m_start, m_end, key in mentions
                      if left <= m_start and m_end <= start and start - m_end <= PAIR_WINDOW]
            after = [(m_start - end, key) for m_start, m_end, key in mentions
                     if end <= m_start and m_end <= right and m_start - end <= PAIR_WINDOW]
            if before or after:
                votes[e164][min(before or after)[1]] += 1
    return {e164: (c.most_common(1)[0][0], c.most_common(1)[0][1] / sum(c.values())) for e164, c in votes.items()}


def describe(person_rows: Sequence[tuple[int, Person]], chat_of: Mapping[int, str], texts: Sequence[str],
             phone_detail: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The campaign's targeted persons (display names, most named first) and their details.

    Fills each entry of `phone_detail` with `holder` (the display name of the person the messages
    name as its holder, or None) and `holder_share`; each person lists the `phones` paired with them.
    """
    rows = [(pk, p) for pk, p in merge_variants(person_rows) if is_person(p)]
    count = Counter(p[0] for _, p in rows)
    display = {p[0]: p[1] for _, p in rows}
    watched = {p[0] for _, p in rows if p[2]}
    keys = [k for k, n in count.most_common() if n >= MIN_MENTIONS or k in watched]
    chats: dict[str, set[str]] = defaultdict(set)
    for pk, p in rows:
        if pk in chat_of:
            chats[p[0]].add(chat_of[pk])
    pairs = pair_phones(texts, {k: display[k] for k in keys})
    held: dict[str, list[str]] = defaultdict(list)
    for d in phone_detail:
        key, share = pairs.get(d["value"], (None, 0.0))
        d["holder"] = display.get(key) if key else None
        d["holder_share"] = round(share, 2)
        if key:
            held[key].append(d["value"])
    detail = [{"name": display[k], "messages": count[k], "watchlist": k in watched, "phones": held.get(k, []),
               "chats": sorted(chats[k])[:CHATS_LISTED]} for k in keys]
    return [display[k] for k in keys], detail
