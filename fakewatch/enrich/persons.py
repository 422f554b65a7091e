"""Persons, organisations and places named in Russian-language text, with natasha (offline).

natasha's NER model (slovnet) and its navec embeddings ship inside the installed
`natasha` wheel (``natasha/data``), so nothing is downloaded. The model costs
about a millisecond per message, too much for a million messages, so it runs
only where it can find something: on Cyrillic text with a capitalised word in
mid-sentence (the same test that puts ``<name>`` into a template). Callers
cache results by text, so each distinct text is tagged once.

natasha leaves unfamiliar (e.g. Kazakh) names in the case they were written in
("Айгуль Нурлановой"); :func:`nominative` undoes the common Russian surname
endings so that `normal` groups the copies of one name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from fakewatch.enrich.normalize import clean

MAX_CHARS = 2_000  # names of organisers and targets sit in the first lines; the tagger is linear but not cheap
KINDS = ("PER", "ORG", "LOC")

_CANDIDATE = regex.compile(r"[\p{Ll}\p{N},;:][\"'«]?[ \t]{1,3}[\"'«]?\p{Lu}\p{Ll}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
# Russian surname endings in oblique cases -> nominative (feminine forms first: -овой is never masculine).
_SURNAME_ENDINGS = [
    (regex.compile(r"(ов|ев|ёв|ин|ын)(ой)$"), r"\1а"),
    (regex.compile(r"(ов|ев|ёв|ин|ын)(ым|ом|у|е)$"), r"\1"),
    (regex.compile(r"(ск|цк)(ой|ого|ому|им|ом)$"), r"\1ий"),
]


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


def nominative(name: str) -> str:
    """`name` with Russian oblique-case surname endings undone ("Нурлановой" -> "Нурланова")."""
    words = name.split()
    out = []
    for w in words:
        for pattern, repl in _SURNAME_ENDINGS:
            if pattern.search(w):
                w = pattern.sub(repl, w)
                break
        out.append(w)
    return " ".join(out)


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
        name = " ".join(span.text.split())
        normal = nominative(name) if span.type == "PER" else name
        found.setdefault((span.type, name), Person(span.type, name, normal))
    return list(found.values())
