"""The watchlist of people to protect, and finding their names in text whatever the script or case ending.

A targeted journalist's name turns up as ``Айгуль Нурланова``, ``Нурлановой
Айгуль``, ``Aigul Nurlanova``, ``Айгүл Нұрланованың`` (Kazakh genitive) or with
a look-alike letter. Every word is reduced to a *name key*: transliterated to
Latin with one spelling per sound (ж/zh/j -> j, х/kh/h -> h, й/y/i -> i ...),
then stripped of one Kazakh and one Russian case ending (the same function runs
on the watchlist names and on the text, so both sides reduce alike). Keys are
compared with a Levenshtein ratio so that spelling variants (Aigul/Aygul,
Nurlanova/Nurlanowa) still meet.

An entry matches when every word of its name or of one alias is found within a
short window, or its surname with the first name's initial; a one-word alias
matches alone.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import regex
from rapidfuzz.distance import Levenshtein
from sqlalchemy import Engine, delete, func, insert, select, update

from fakewatch.enrich.normalize import clean, skeleton
from fakewatch.enrich.phones import to_e164

MIN_SIMILARITY = 0.84  # normalised Levenshtein similarity of two name keys; 0.84 lets one letter in six differ
MIN_STEM = 4  # shorter keys must match exactly or by ending; spelling variants are judged on longer ones
MAX_ENDING = 5  # longest case ending (with Kazakh possessive and case suffixes stacked) that is ignored
WINDOW = 2  # extra words allowed between the parts of a name (patronymics, "и", initials)

_TRANSLIT = str.maketrans({
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "c",
    "ч": "c", "ш": "s", "щ": "s", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "'": "", "’": "",
})
_LATIN_SPELLINGS = [("kh", "h"), ("zh", "j"), ("dj", "j"), ("ts", "c"), ("ch", "c"), ("sh", "s"), ("yu", "iu"),
                    ("ya", "ia"), ("y", "i"), ("w", "v"), ("q", "k"), ("x", "ks")]
_DOUBLE = regex.compile(r"(\p{L})\1+")
_MARKS = regex.compile(r"\p{Mn}+")
_INITIAL_IE = regex.compile(r"(?<!\p{L})ie")  # Yerbolat / Ерболат, Yesimov / Есимов
_WORD = regex.compile(r"[\p{L}'’]+")
_KEY_WORD = regex.compile(r"\p{L}+")
_VOWELS = set("aeiou")


def _keys_of(text: str) -> str:
    """`text` with every word turned into its name key (see :func:`name_key`)."""
    text = skeleton(clean(text).casefold()).translate(_TRANSLIT)
    if not text.isascii():  # accented Latin (Aigúl): drop the accents
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    for a, b in _LATIN_SPELLINGS:
        text = text.replace(a, b)
    return _INITIAL_IE.sub("e", _DOUBLE.sub(r"\1", text))


def name_key(word: str) -> str:
    """Script- and spelling-independent key of one name word: Latin, one spelling per sound, no doubled letters."""
    return _keys_of(word)


def similar(word: str, name: str) -> bool:
    """Whether the key of a word in a text is the key of a watched name: the same stem with another case ending
    (the word keeps all of the name but up to two final vowels: "nurlanovoi" for "nurlanova", not "nurlan", and
    "aigerim" is not "aigul"), or a spelling variant (one letter in six may differ)."""
    if word == name:
        return True
    if min(len(word), len(name)) < 3:
        return False
    stem = len(os.path.commonprefix((word, name)))
    if stem >= max(3, len(name) - 2) and len(word) - stem <= MAX_ENDING and _VOWELS.issuperset(name[stem:]):
        return True
    return min(len(word), len(name)) >= MIN_STEM and Levenshtein.normalized_similarity(word, name) >= MIN_SIMILARITY


@dataclass(frozen=True)
class Entry:
    id: int
    name: str
    aliases: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    kind: str = "person"
    variants: tuple[tuple[str, ...], ...] = field(default=(), compare=False)

    @classmethod
    def build(cls, id: int, name: str, aliases: Sequence[str] = (), phones: Sequence[str] = (),
              kind: str = "person") -> Entry:
        variants = tuple(tuple(name_key(w) for w in _WORD.findall(clean(n))) for n in (name, *aliases))
        return cls(id, name, tuple(aliases), tuple(phones), kind, tuple(v for v in variants if v))


@dataclass(frozen=True)
class Hit:
    watch_id: int
    text: str  # the words as written in the message
    name: str  # the watchlist name


class Matcher:
    """Finds watchlist names in texts; built once per run from the watchlist entries."""

    def __init__(self, entries: Iterable[Entry]):
        self.entries = list(entries)
        self.by_phone = {p: e.id for e in self.entries for p in e.phones}
        # name words by their first two letters: a word whose beginning differs is never similar enough to compare
        self._index: dict[str, list[tuple[Entry, tuple[str, ...], int]]] = {}
        for entry in self.entries:
            for variant in entry.variants:
                for pos, part in enumerate(variant):
                    self._index.setdefault(part[:2], []).append((entry, variant, pos))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def find(self, text: str) -> list[Hit]:
        """Watchlist entries named in `text`, each once, with the words that named them."""
        if not self.entries:
            return []
        text = clean(text)
        words = _WORD.findall(text)
        keys = _KEY_WORD.findall(_keys_of(text))
        if len(keys) != len(words):  # a word made only of signs that transliterate to nothing: go word by word
            keys = [name_key(w) for w in words]
        hits: dict[int, Hit] = {}
        for i, key in enumerate(keys):
            for entry, variant, pos in self._index.get(key[:2], ()):
                if entry.id in hits or not similar(key, variant[pos]):
                    continue
                span = _extend(variant, pos, i, keys, words)
                if span is not None:
                    hits[entry.id] = Hit(entry.id, " ".join(words[span[0]:span[1] + 1]), entry.name)
        return list(hits.values())


def _extend(variant: tuple[str, ...], pos: int, i: int, keys: list[str], words: list[str]) -> tuple[int, int] | None:
    """(first, last) word index of the whole variant around word `i`, which matched its part `pos`, or None."""
    if len(variant) == 1:
        return i, i
    lo, hi = max(0, i - len(variant) - WINDOW), min(len(keys), i + len(variant) + WINDOW + 1)
    found = [next((j for j in range(lo, hi) if j != i and similar(keys[j], part)), None)
             for q, part in enumerate(variant) if q != pos]
    if all(f is not None for f in found):
        return min(i, *found), max(i, *found)
    if pos == len(variant) - 1 and len(variant) == 2:  # surname with an initial: "Нурланова А." / "A. Nurlanova"
        for j in (i - 1, i + 1):
            if 0 <= j < len(words) and len(words[j]) == 1 and keys[j] == variant[0][:1]:
                return min(i, j), max(i, j)
    return None


# --- the watchlist in the store -------------------------------------------------------------


class WatchError(ValueError):
    """A watchlist entry that cannot be stored (no name, a phone that is not a phone)."""


def add(engine: Engine, name: str, *, kind: str = "person", aliases: Sequence[str] = (),
        phones: Sequence[str] = ()) -> int:
    """Add a person to protect; phones are stored in E.164. Returns the entry's id.

    Messages already enriched are matched against the new entry at once, so the
    person learns where they are named without a full re-run.
    """
    from fakewatch.store.tables.enrich import watchlist

    name = clean(name).strip()
    if not name:
        raise WatchError("a watchlist entry needs a name")
    e164 = []
    for raw in phones:
        number = to_e164(raw)
        if number is None:
            raise WatchError(f"not a valid phone number: {raw!r}")
        e164.append(number)
    with engine.begin() as conn:
        watch_id = conn.execute(insert(watchlist).values(
            kind=kind, name=name, aliases=[clean(a).strip() for a in aliases if a.strip()], phones=e164,
        )).inserted_primary_key[0]
    rematch(engine)
    return watch_id


def entries(engine: Engine) -> list[Entry]:
    """The watchlist as `Entry` records ready for matching."""
    from fakewatch.store.tables.enrich import watchlist

    with engine.connect() as conn:
        rows = conn.execute(select(watchlist).order_by(watchlist.c.id)).all()
    return [Entry.build(r.id, r.name, r.aliases or (), r.phones or (), r.kind) for r in rows]


def rematch(engine: Engine, *, batch: int = 20_000) -> int:
    """Re-link stored phones and persons to the current watchlist; returns the number of persons rows linked.

    Reads the messages already enriched, so it costs one pass over their text
    and none of the slow extractors.
    """
    from fakewatch.store.tables.core import messages
    from fakewatch.store.tables.enrich import enrichment, persons, phones

    matcher = Matcher(entries(engine))
    linked = 0
    with engine.begin() as conn:
        conn.execute(update(phones).values(watch_id=None))
        for number, watch_id in matcher.by_phone.items():
            conn.execute(update(phones).where(phones.c.e164 == number).values(watch_id=watch_id))
        conn.execute(update(persons).values(watch_id=None))
        conn.execute(delete(persons).where(persons.c.source == "watch"))
    if not matcher:
        return 0
    last = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(messages.c.id, messages.c.text).join(enrichment, enrichment.c.message_pk == messages.c.id)
                .where(messages.c.id > last).order_by(messages.c.id).limit(batch)
            ).all()
        if not rows:
            return linked
        last = rows[-1].id
        found = [(pk, hit) for pk, text in rows for hit in matcher.find(text or "")]
        if found:
            with engine.begin() as conn:
                linked += link_persons(conn, found)


def link_persons(conn, found: list[tuple[int, Hit]]) -> int:
    """Mark persons rows named by watchlist hits, adding a PER row where the NER had none; returns rows linked."""
    from fakewatch.store.tables.enrich import persons

    pks = sorted({pk for pk, _ in found})
    existing: dict[tuple[int, str], int] = {}
    for chunk in (pks[i:i + 500] for i in range(0, len(pks), 500)):
        for row in conn.execute(select(persons.c.id, persons.c.message_pk, persons.c.name)
                                .where(persons.c.message_pk.in_(chunk), persons.c.kind == "PER")):
            existing[(row.message_pk, name_words(row.name))] = row.id
    new, marked = [], 0
    for pk, hit in found:
        row_id = existing.get((pk, name_words(hit.text)))
        if row_id is not None:
            conn.execute(update(persons).where(persons.c.id == row_id).values(watch_id=hit.watch_id))
            marked += 1
        else:
            new.append({"message_pk": pk, "kind": "PER", "name": hit.text, "normal": hit.name, "source": "watch",
                        "watch_id": hit.watch_id})
    if new:
        conn.execute(insert(persons), new)
    return marked + len(new)


def name_words(name: str) -> str:
    """A name's keys in order, for telling whether the NER and the watchlist found the same words."""
    return " ".join(name_key(w) for w in _WORD.findall(name))


def summary(engine: Engine) -> list[dict]:
    """Each watchlist entry with the number of messages naming the person and listing their phones."""
    from fakewatch.store.tables.enrich import persons, phones, watchlist

    named = (select(persons.c.watch_id, func.count(func.distinct(persons.c.message_pk)).label("n"))
             .where(persons.c.watch_id.is_not(None)).group_by(persons.c.watch_id).subquery())
    phoned = (select(phones.c.watch_id, func.count(func.distinct(phones.c.message_pk)).label("n"))
              .where(phones.c.watch_id.is_not(None)).group_by(phones.c.watch_id).subquery())
    query = (select(watchlist, func.coalesce(named.c.n, 0).label("named_in"),
                    func.coalesce(phoned.c.n, 0).label("phone_in"))
             .outerjoin(named, named.c.watch_id == watchlist.c.id)
             .outerjoin(phoned, phoned.c.watch_id == watchlist.c.id).order_by(watchlist.c.id))
    with engine.connect() as conn:
        return [{"id": r.id, "kind": r.kind, "name": r.name, "aliases": list(r.aliases or []),
                 "phones": list(r.phones or []), "named_in": r.named_in, "phone_in": r.phone_in}
                for r in conn.execute(query)]
