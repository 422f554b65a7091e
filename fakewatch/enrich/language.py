"""Language of a message: ru, kk, en or other, with a confidence, offline and fit for short chat lines.

`lingua` (which knows Kazakh) decides for texts long enough to carry n-gram
evidence; it runs in its fast (low-accuracy) mode over a small set of languages:
the three that matter plus a few that share their scripts (Ukrainian,
Belarusian, Mongolian, Turkish and the large European ones), so that those are
reported as "other" rather than forced into ru/kk/en. Short lines, where n-gram
statistics are noise, are decided by script: the letters only Kazakh uses
(ә ғ қ ң ө ұ ү һ і) make it Kazakh, other Cyrillic Russian, Latin English.
URLs and @mentions are removed first: they are Latin whatever the language.
"""

from __future__ import annotations

from functools import cache

import regex
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from fakewatch.enrich.normalize import MENTION_RE, URL_RE, clean

MAX_CHARS = 1_000  # the opening of a message says its language; lingua's cost grows with length
SHORT_LETTERS = 25  # below this many letters, the script decides (n-grams are too few)

_CODES = {Language.RUSSIAN: "ru", Language.KAZAKH: "kk", Language.ENGLISH: "en"}
_OTHERS = (Language.UKRAINIAN, Language.BELARUSIAN, Language.MONGOLIAN, Language.TURKISH, Language.GERMAN,
           Language.FRENCH, Language.SPANISH, Language.ARABIC, Language.CHINESE)

_LETTER = regex.compile(r"\p{L}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_LATIN = regex.compile(r"\p{Latin}")
_WORD = regex.compile(r"\p{L}+")
_KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_UKRAINIAN_BELARUSIAN = set("їєґўЇЄҐЎ")  # with these, і is not a Kazakh letter


@cache
def _detector() -> LanguageDetector:
    return (LanguageDetectorBuilder.from_languages(*_CODES, *_OTHERS)
            .with_low_accuracy_mode().with_preloaded_language_models().build())


def _kazakh_words(words: list[str]) -> int:
    return sum(1 for w in words if not _KAZAKH_ONLY.isdisjoint(w))


def detect_language(text: str) -> tuple[str, float]:
    """('ru' | 'kk' | 'en' | 'other' | 'und', confidence 0-1) for `text`; 'und' when it has no letters."""
    text = MENTION_RE.sub(" ", URL_RE.sub(" ", clean(text[: MAX_CHARS * 4])))[:MAX_CHARS]
    letters = len(_LETTER.findall(text))
    if letters < 2:
        return "und", 0.0
    words = _WORD.findall(text)
    cyrillic = len(_CYRILLIC.findall(text))
    if letters < SHORT_LETTERS:
        if not _UKRAINIAN_BELARUSIAN.isdisjoint(text):
            return "other", 0.6
        if _kazakh_words(words):
            return "kk", 0.8
        if cyrillic * 2 > letters:
            return "ru", 0.6
        if len(_LATIN.findall(text)) * 2 > letters:
            return "en", 0.5
        return "other", 0.3
    values = _detector().compute_language_confidence_values(text)
    top = values[0]
    code = _CODES.get(top.language, "other")
    # lingua's fast mode sometimes reads Kazakh written with its own letters as Mongolian or Russian;
    # a fifth of the words carrying letters only Kazakh has settles it.
    if code != "kk" and cyrillic * 2 > letters and _kazakh_words(words) * 5 >= len(words):
        kk = next(v.value for v in values if v.language is Language.KAZAKH)
        return "kk", round(max(kk, 0.6), 3)
    return code, round(top.value, 3)
