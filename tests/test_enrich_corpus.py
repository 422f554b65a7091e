"""Precision and recall of every extractor on the hand-labelled corpus (tests/fixtures/enrich_corpus.jsonl).

Each line is a realistic chat message (ru, kk, en, mixed, evasion tricks, numeric
distractors) with what it contains. Fields left out mean "none": no phones, no
links, no money, no offer, no call, no gathering. Links are registrable domains,
Telegram handles are written "@handle". A gathering label lists only the parts
the message states. Run with ``-s`` to see the table.
"""

from __future__ import annotations

import json

import pytest

from fakewatch.enrich import Enricher
from fakewatch.enrich.persons import find_persons
from fakewatch.enrich.watchlist import Entry
from tests.conftest import FIXTURES

WATCH = [
    Entry.build(1, "Айгуль Нурланова", ["Aigul Nurlanova"], ["+77015550101"]),
    Entry.build(2, "Ерболат Досаев", ["Yerbolat Dossayev"]),
    Entry.build(3, "Дана Серикова", ["Dana Serikova"]),
]


class Score:
    """True/false positives and false negatives of one extractor."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.misses: list[str] = []

    def sets(self, found: set, expected: set, text: str) -> None:
        self.tp += len(found & expected)
        self.fp += len(found - expected)
        self.fn += len(expected - found)
        if found != expected:
            self.misses.append(f"{text[:70]!r}: found {sorted(map(str, found))}, expected {sorted(map(str, expected))}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _place_ok(found: str | None, expected: str) -> bool:
    return found is not None and (expected.lower() in found.lower() or found.lower() in expected.lower())


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    lines = [json.loads(line) for line in (FIXTURES / "enrich_corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 300
    enricher = Enricher(WATCH)
    names = {e.id: e.name for e in WATCH}
    s: dict[str, Score] = {k: Score() for k in (
        "phones", "phones on distractors", "links", "shorteners", "money", "pays", "cta", "gathering",
        "gathering date", "gathering time", "gathering place", "watchlist", "persons (PER)")}
    langs: dict[str, Score] = {}
    for i, line in enumerate(lines):
        text = line["text"]
        ents = [(e["type"], e["text"], e.get("href")) for e in line.get("entities", [])]
        rows = enricher.batch([(i, text, ents)])
        enr = rows.enrichment[0]
        phones = {p["e164"] for p in rows.phones}
        s["phones"].sets(phones, set(line.get("phones", [])), text)
        if "distractor" in line.get("tags", []):
            s["phones on distractors"].sets(phones, set(line.get("phones", [])), text)
        links = {"@" + x["tg_handle"] if x["tg_handle"] else x["domain"] for x in rows.links}
        s["links"].sets(links, set(line.get("links", [])), text)
        s["shorteners"].sets({x["domain"] for x in rows.links if x["shortener"]}, set(line.get("shorteners", [])), text)
        s["money"].sets({(m["amount"], m["currency"]) for m in rows.money},
                        {(float(a), c) for a, c in line.get("money", [])}, text)
        for key in ("pays", "cta"):
            s[key].sets({key} if enr[key] else set(), {key} if line.get(key) else set(), text)
        expected_g, found_g = line.get("gathering"), enr["gathering"]
        s["gathering"].sets({"g"} if found_g is not None else set(), {"g"} if expected_g is not None else set(), text)
        if expected_g and found_g:
            for part in ("date", "time"):
                if part in expected_g:
                    s[f"gathering {part}"].sets({found_g[part]} - {None}, {expected_g[part]}, text)
            if "when" in expected_g:
                ok = expected_g["when"] in (found_g["when"] or "").lower()
                s["gathering date"].sets({"when"} if ok else {found_g["when"]} - {None}, {"when"}, text)
            if "place" in expected_g:
                ok = _place_ok(found_g["place"], expected_g["place"])
                s["gathering place"].sets({"p"} if ok else {found_g["place"]} - {None}, {"p"}, text)
        watch = {names[p["watch_id"]] for p in rows.persons if p["watch_id"]} | \
                {h.name for _, h in rows.watch_hits}
        s["watchlist"].sets(watch, set(line.get("watch", [])), text)
        if "persons" in line:  # the NER itself; run() calls it only where a name can matter (see test_enrich_run)
            per = {p.normal for p in find_persons(text) if p.kind == "PER"}
            s["persons (PER)"].sets(per, set(line["persons"]), text)
        lang = langs.setdefault(line["lang"], Score())
        if enr["lang"] == line["lang"]:
            lang.tp += 1
        else:
            lang.fn += 1
            langs.setdefault(enr["lang"], Score()).fp += 1
            lang.misses.append(f"{text[:60]!r}: {enr['lang']}")
    for code, score in langs.items():
        s[f"language {code}"] = score
    print(f"\n{'extractor':<24}{'precision':>10}{'recall':>8}{'tp':>6}{'fp':>5}{'fn':>5}")
    for name, score in s.items():
        print(f"{name:<24}{score.precision:>10.3f}{score.recall:>8.3f}{score.tp:>6}{score.fp:>5}{score.fn:>5}")
    for name, score in s.items():
        for miss in score.misses[:12]:
            print(f"  {name}: {miss}")
    return s


def test_phones_all_found(scores):
    assert scores["phones"].recall == 1.0, scores["phones"].misses


def test_no_phone_found_in_numeric_distractors(scores):
    assert scores["phones on distractors"].fp == 0, scores["phones on distractors"].misses
    assert scores["phones"].precision == 1.0, scores["phones"].misses


@pytest.mark.parametrize("name, precision, recall", [
    ("links", 0.95, 0.95),
    ("shorteners", 1.0, 1.0),
    ("money", 0.9, 0.9),
    ("pays", 0.85, 0.85),
    ("cta", 0.85, 0.8),
    ("gathering", 0.85, 0.8),
    ("gathering date", 0.85, 0.85),
    ("gathering time", 0.9, 0.9),
    ("gathering place", 0.8, 0.8),
    ("watchlist", 0.95, 0.9),
    ("persons (PER)", 0.7, 0.6),
])
def test_extractor_quality(scores, name, precision, recall):
    score = scores[name]
    assert score.precision >= precision and score.recall >= recall, score.misses


@pytest.mark.parametrize("code, recall", [("ru", 0.9), ("kk", 0.85), ("en", 0.85), ("other", 0.6)])
def test_language_recall(scores, code, recall):
    assert scores[f"language {code}"].recall >= recall, scores[f"language {code}"].misses
