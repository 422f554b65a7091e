"""Language of a message: ru, kk, en or other, with a confidence, offline and fit for short chat lines.

The script picks the candidates: text in neither Cyrillic nor Latin is "other";
Cyrillic text is Russian, Kazakh, Ukrainian or Belarusian; Latin text English,
Turkish, German, French or Spanish. Among those, `lingua` (which knows Kazakh)
decides, in its precise mode for short lines (where its fast mode mistakes
Russian for Ukrainian) and its fast mode for longer ones. Two letter rules
correct it: Kazakh letters (ә ғ қ ң ө ұ ү һ і) in a fifth of the words make a
text Kazakh, and a text without і ї є ґ ў cannot be Ukrainian or Belarusian.
Lines with fewer than 25 letters are decided by those letters alone. URLs,
@mentions and e-mail addresses are removed first: they are Latin whatever the
language.
"""

from __future__ import annotations

from functools import cache

import regex
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from fakewatch.enrich.normalize import MENTION_RE, URL_RE, clean

MAX_CHARS = 1_000  # the opening of a message says its language; lingua's cost grows with length
SHORT_LETTERS = 25  # below this many letters, the script decides (n-grams are too few)
PRECISE_LETTERS = 120  # below this, lingua's precise mode (fast mode errs on short lines, e.g. ru -> uk)

_CODES = {Language.RUSSIAN: "ru", Language.KAZAKH: "kk", Language.ENGLISH: "en"}
# The script picks the candidates: Cyrillic text is one of these four, Latin text one of those five; the
# neighbours are there so that Ukrainian or Turkish is reported as "other", not forced into ru/kk/en.
_CYRILLIC_LANGS = (Language.RUSSIAN, Language.KAZAKH, Language.UKRAINIAN, Language.BELARUSIAN)
_LATIN_LANGS = (Language.ENGLISH, Language.TURKISH, Language.GERMAN, Language.FRENCH, Language.SPANISH)

_LETTER = regex.compile(r"\p{L}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_LATIN = regex.compile(r"\p{Latin}")
_WORD = regex.compile(r"\p{L}+")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_UKRAINIAN_ONLY = set("їєґўЇЄҐЎ")
_UKRAINIAN_BELARUSIAN = set("іїєґўІЇЄҐЎ")  # without Kazakh letters beside them, і is Ukrainian or Belarusian


@cache
def _detector(script: str, precise: bool) -> LanguageDetector:
    builder = LanguageDetectorBuilder.from_languages(*(_CYRILLIC_LANGS if script == "cyr" else _LATIN_LANGS))
    if not precise:
        builder = builder.with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def _kazakh_words(words: list[str]) -> int:
    """Words with letters only Kazakh has (none when ї є ґ ў show the і is Ukrainian or Belarusian)."""
    if any(not _UKRAINIAN_ONLY.isdisjoint(w) for w in words):
        return 0
    return sum(1 for w in words if not _KAZAKH_ONLY.isdisjoint(w))


def detect_language(text: str) -> tuple[str, float]:
    """('ru' | 'kk' | 'en' | 'other' | 'und', confidence 0-1) for `text`; 'und' when it has no letters."""
    text = clean(text[: MAX_CHARS * 4])
    text = _EMAIL.sub(" ", MENTION_RE.sub(" ", URL_RE.sub(" ", text)))[:MAX_CHARS]
    letters = len(_LETTER.findall(text))
    if letters < 2:
        return "und", 0.0
    words = _WORD.findall(text)
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    kazakh = _kazakh_words(words)
    if cyrillic * 2 <= letters and latin * 2 <= letters:
        return "other", 0.9  # Arabic, Chinese, Georgian...: no candidate of ours is written in them
    if letters < SHORT_LETTERS:
        if kazakh:
            return "kk", 0.8
        if cyrillic > latin:
            return ("other", 0.6) if not _UKRAINIAN_BELARUSIAN.isdisjoint(text) else ("ru", 0.6)
        return "en", 0.5
    script = "cyr" if cyrillic > latin else "lat"
    values = _detector(script, letters < PRECISE_LETTERS).compute_language_confidence_values(text)
    top = values[0]
    if script == "cyr":
        # Kazakh letters in a fifth of the words settle it whatever the n-grams say.
        if top.language is not Language.KAZAKH and kazakh * 5 >= len(words) and kazakh:
            return "kk", 0.6
        if top.language in (Language.UKRAINIAN, Language.BELARUSIAN) and _UKRAINIAN_BELARUSIAN.isdisjoint(text):
            return "ru", round(max(next((v.value for v in values if v.language is Language.RUSSIAN), 0.0), 0.5), 3)
    return _CODES.get(top.language, "other"), round(top.value, 3)
