"""Language of a message: ru, kk, en or other, with a confidence, offline and fit for short chat lines.

Letters decide first, because they are cheap and certain: text in neither
Cyrillic nor Latin is "other"; Cyrillic with Kazakh letters (ә ғ қ ң ө ұ ү һ і)
in a fifth of its words is Kazakh; Cyrillic with ї є ґ ў is Ukrainian or
Belarusian, so "other". What letters leave open
goes to `lingua` (which knows Kazakh) with few candidates:
Russian or Kazakh for Cyrillic (Kazakh typed on a Russian keyboard has no
Kazakh letters), English, Turkish, German, French or Spanish for Latin (the
neighbours are there so that they are reported as "other" rather than forced
into English). Lines with fewer than 25 letters are decided by letters alone.
URLs, @mentions and e-mail addresses are removed first: they are Latin whatever
the language.
"""

from __future__ import annotations

from functools import cache

import regex
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from fakewatch.enrich.normalize import MENTION_RE, URL_RE, clean

MAX_CHARS = 1_000  # the opening of a message says its language; lingua's cost grows with length
SHORT_LETTERS = 25  # below this many letters, the letters decide (n-grams are too few)
KAZAKH_SHARE = 5  # one word in this many carrying Kazakh letters makes a Cyrillic text Kazakh

_CODES = {Language.RUSSIAN: "ru", Language.KAZAKH: "kk", Language.ENGLISH: "en"}
_CYRILLIC_LANGS = (Language.RUSSIAN, Language.KAZAKH)
_LATIN_LANGS = (Language.ENGLISH, Language.TURKISH, Language.GERMAN, Language.FRENCH, Language.SPANISH)

_CYRILLIC = regex.compile(r"\p{Cyrillic}+")
_LATIN = regex.compile(r"\p{Latin}+")
_WORD = regex.compile(r"\p{L}+")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_KAZAKH_ONLY = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_UKRAINIAN_ONLY = set("їєґўЇЄҐЎ")
# Kazakh typed with Russian letters still shows its function words and endings; without any of them (or a
# Kazakh letter) a Cyrillic text is Russian and lingua need not be asked.
_KAZAKH_HINT = regex.compile(
    r"(?<!\p{L})(?:жане|пен|ушин|бул|осы|деп|емес|жок|керек|бир|биз|сиз|олар|бугин|ертен|кешке|сагат"
    r"|рахмет|салем|алан\w*|бари\w*|барлыг\w*|жина\w*|кел\w*ндер|туралы|бойынша|жыл\w*)(?!\p{L})"
    r"|(?<!\p{L})\p{L}{2,}(?:мыз|миз|ныз|низ|ндар|ндер|гыз|гиз)(?!\p{L})",
    regex.IGNORECASE,
)


@cache
def _detector(script: str) -> LanguageDetector:
    builder = LanguageDetectorBuilder.from_languages(*(_CYRILLIC_LANGS if script == "cyr" else _LATIN_LANGS))
    if script == "lat":  # five candidates: the fast mode; for two (ru/kk) the precise one is affordable
        builder = builder.with_low_accuracy_mode()
    return builder.with_preloaded_language_models().build()


def _cyrillic(text: str, words: list[str], letters: int) -> tuple[str, float]:
    if not _UKRAINIAN_ONLY.isdisjoint(text):
        return "other", 0.8  # Ukrainian or Belarusian
    kazakh = sum(1 for w in words if not _KAZAKH_ONLY.isdisjoint(w))
    if kazakh and kazakh * KAZAKH_SHARE >= len(words):
        return "kk", 0.9
    if letters < SHORT_LETTERS:
        return ("kk", 0.6) if kazakh else ("ru", 0.6)
    if not kazakh and _KAZAKH_HINT.search(text) is None:
        return "ru", 0.8  # no Kazakh letter, word or ending: lingua would only confirm it
    top = _detector("cyr").compute_language_confidence_values(text)[0]
    return _CODES[top.language], round(top.value, 3)


def detect_language(text: str) -> tuple[str, float]:
    """('ru' | 'kk' | 'en' | 'other' | 'und', confidence 0-1) for `text`; 'und' when it has no letters."""
    text = clean(text[: MAX_CHARS * 2])
    text = _EMAIL.sub(" ", MENTION_RE.sub(" ", URL_RE.sub(" ", text)))[:MAX_CHARS]
    words = _WORD.findall(text)
    letters = sum(map(len, words))
    if letters < 2:
        return "und", 0.0
    cyrillic = sum(map(len, _CYRILLIC.findall(text)))
    latin = sum(map(len, _LATIN.findall(text)))
    if cyrillic * 2 <= letters and latin * 2 <= letters:
        return "other", 0.9  # Arabic, Chinese, Georgian...: none of our candidates is written in them
    if cyrillic > latin:
        return _cyrillic(text, words, letters)
    if letters < SHORT_LETTERS:
        return "en", 0.5
    top = _detector("lat").compute_language_confidence_values(text)[0]
    return _CODES.get(top.language, "other"), round(top.value, 3)
