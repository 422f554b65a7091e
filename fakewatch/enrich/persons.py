"""Persons, organisations and places named in Russian-language text, with natasha (offline).

natasha's NER model (slovnet) and its navec embeddings ship inside the installed
`natasha` wheel (``natasha/data``), so nothing is downloaded. The model costs
about a millisecond per message, too much for a million messages, so it runs
only where it can find something: on Cyrillic text with a capitalised word in
mid-sentence (the same test that puts ``<name>`` into a template). Callers
cache results by text, so each distinct text is tagged once.

natasha leaves unfamiliar (e.g. Kazakh) names in the case they were written in
("Айгуль Нурлановой"); :func:`nominative` undoes the Russian case endings of
surnames in -ов/-ев/-ин and of the given name beside them, so that `normal`
groups the copies of one name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from fakewatch.enrich.normalize import clean

MAX_CHARS = 1_000  # names of organisers and targets sit in the first lines; the tagger is linear but not cheap
KINDS = ("PER", "ORG", "LOC")

_CANDIDATE = regex.compile(r"[\p{Ll}\p{N},;:][\"'«]?[ \t]{1,3}[\"'«]?\p{Lu}\p{Ll}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
# Russian surnames in an oblique case: the ending says the case, and the given name beside it is in the same one.
# (surname pattern, surname replacement, given-name ending rewrites for that case)
_CASES = [
    (regex.compile(r"(ов|ев|ёв|ин|ын)ой$"), r"\1а", [("ой", "а"), ("ей", "я"), ("е", "а"), ("ы", "а"), ("и", "я")]),
    (regex.compile(r"(ов|ев|ёв|ин|ын)у$"), r"\1", [("ю", "й"), ("у", "")]),
    (regex.compile(r"(ов|ев|ёв|ин|ын)ым$"), r"\1", [("ем", "й"), ("ом", "")]),
    (regex.compile(r"(ов|ев|ёв|ин|ын)е$"), r"\1", [("е", "")]),
    (regex.compile(r"(ск|цк)(ой|ого|ому|им|ом)$"), r"\1ий", []),
]
_PATRONYMIC = regex.compile(r"(?:ович|евич|ич|овна|евна|ична|инична|улы|ұлы|кызы|қызы)$", regex.IGNORECASE)
MAX_NAME_WORDS = 2  # given name and surname; a patronymic makes three. More is a title caught with the name.


@dataclass(frozen=True)
class Person:
    kind: str  # PER | ORG | LOC
    name: str  # as written
    normal: str


@cache
def _models():
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    embedding = NewsEmbedding()
    return Doc, Segmenter(), NewsNERTagger(embedding)


def worth_tagging(text: str) -> bool:
    """Whether `text` may name someone: Cyrillic with a capitalised word after a lower-case one."""
    return _CYRILLIC.search(text) is not None and _CANDIDATE.search(text) is not None


def _trim(words: list[str]) -> list[str]:
    """Drop words the tagger swept into a name from before it ("Аким", "Звоните" at a sentence start)."""
    keep = MAX_NAME_WORDS + (1 if any(_PATRONYMIC.search(w) for w in words[-3:-1]) else 0)
    return words[-keep:]


def nominative(name: str) -> str:
    """`name` with the Russian case endings of surname and given name undone ("Анной Петровой" -> "Анна Петрова")."""
    words = name.split()
    for i in range(len(words) - 1, -1, -1):
        for pattern, replacement, given in _CASES:
            if pattern.search(words[i]):
                words[i] = pattern.sub(replacement, words[i])
                for j, w in enumerate(words):
                    if j != i and not _PATRONYMIC.search(w):
                        words[j] = next((w[: -len(a)] + b for a, b in given
                                         if w.endswith(a) and len(w) > len(a) + 2), w)
                return " ".join(words)
    return " ".join(words)


def find_persons(text: str) -> list[Person]:
    """PER, ORG and LOC spans natasha finds in `text` (empty for text not worth tagging)."""
    text = clean(text)[:MAX_CHARS]
    if not worth_tagging(text):
        return []
    doc_cls, segmenter, tagger = _models()
    doc = doc_cls(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    found: dict[tuple[str, str], Person] = {}
    for span in doc.spans:
        name = " ".join(_trim(span.text.split()) if span.type == "PER" else span.text.split())
        normal = nominative(name) if span.type == "PER" else name
        found.setdefault((span.type, name), Person(span.type, name, normal))
    return list(found.values())
