"""Normalised and template forms of message text: the keys every text match in fakewatch compares.

Campaign texts are pasted into many chats with small edits meant to defeat exact
matching: emoji and decoration added, zero-width characters inserted, Latin
look-alike letters planted inside Cyrillic words (``Бессмертный пoлк`` with a
Latin ``o``), and the phone number, city or name changed from copy to copy.

- :func:`normalise` undoes the cosmetic edits: Unicode NFKC (full-width and
  mathematical letters become plain ones), case folding, format characters
  (zero-width joiners, RTL marks, soft hyphens) and combining marks removed,
  emoji and symbols turned into spaces, punctuation kept only inside tokens
  such as ``12:00`` or ``t.me``, whitespace collapsed, and a confusables
  skeleton in the spirit of Unicode TR39: within a word that mixes scripts, or
  in a text dominated by the other script, look-alike letters are mapped to the
  script the word is really in, so the planted ``o`` becomes Cyrillic ``о``.
- :func:`template` goes one step further for near-duplicate grouping: URLs,
  @mentions, phone numbers, other numbers and capitalised names in mid-sentence
  become placeholders (``<url>``, ``<user>``, ``<phone>``, ``<num>``,
  ``<name>``), so two copies that differ only in the phone or city listed have
  the same template.

Both are pure functions of the text, so the stored forms, the detectors and the
public check always agree. Input is capped at :data:`MAX_CHARS`; every pattern
here is linear, so hostile text cannot slow a run down.
"""

from __future__ import annotations

import unicodedata

import regex

MAX_CHARS = 20_000
"""Longest prefix of a message that is normalised; campaign texts are far shorter."""

# Latin (and Greek) letters that look like Cyrillic ones, after case folding.
# Upper-case look-alikes fold onto these too (B->b->в, H->h->н, M->m->м, T->t->т).
_LATIN_TO_CYR = {
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "i": "і", "k": "к", "m": "м",
    "o": "о", "p": "р", "t": "т", "x": "х", "y": "у",
    "α": "а", "β": "в", "ε": "е", "η": "н", "ι": "і", "κ": "к", "μ": "м", "ο": "о",
    "ρ": "р", "τ": "т", "χ": "х", "υ": "у", "ν": "v",
}
# The reverse direction, for Latin words with Cyrillic letters planted in them ("pаypal").
_CYR_TO_LATIN = {
    "а": "a", "в": "b", "с": "c", "е": "e", "н": "h", "і": "i", "к": "k", "м": "m",
    "о": "o", "р": "p", "т": "t", "х": "x", "у": "y", "ѕ": "s", "ј": "j", "һ": "h",
    "ԛ": "q", "ԝ": "w",
}
# Digits planted between letters of a word ("пр0тест", "в3рыв").
_DIGIT_TO_CYR = {"0": "о", "3": "з", "6": "б"}
_DIGIT_TO_LATIN = {"0": "o", "1": "l", "3": "e"}

_GREEK_TO_LATIN = {"α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ο": "o", "ρ": "p", "τ": "t",
                   "χ": "x", "υ": "u", "ν": "v"}
_TO_CYR = str.maketrans(_LATIN_TO_CYR)
_TO_LATIN = str.maketrans({**_CYR_TO_LATIN, **_GREEK_TO_LATIN})

_CONFUSABLE = set(_LATIN_TO_CYR) | set(_CYR_TO_LATIN)

# Characters that carry no visible letter: removed without a trace so "про\u200bтест" stays one word.
_INVISIBLE = regex.compile(r"[\p{Cf}\p{Mn}\p{Me}\p{Co}\p{Cs}\p{Cn}]+")
# Emoji, symbols, control characters and separators: turned into a space.
_SEPARATOR = regex.compile(r"[\p{So}\p{Sk}\p{Cc}\p{Z}\p{Sm}]+")
# Punctuation not standing between two letters/digits ("12:00", "t.me", "кое-что" keep theirs),
# except a leading @ or # of a handle or hashtag.
_LOOSE_PUNCT = regex.compile(
    r"(?:(?<![\p{L}\p{N}])(?![@#][\p{L}\p{N}])\p{P}+)|(?:\p{P}+(?![\p{L}\p{N}]))"
)
_SPACES = regex.compile(r"\s+")
_WORD = regex.compile(r"[\p{L}\p{N}]+")
_LATIN = regex.compile(r"[a-z]")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_GREEK = regex.compile(r"\p{Greek}")


def clean(text: str) -> str:
    """NFKC form of `text` (capped) with invisible characters removed, case and spacing untouched.

    The first step of both :func:`normalise` and :func:`template`, and what the
    other extractors read, so a zero-width joiner inside a phone number or a URL
    cannot hide it.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    return _INVISIBLE.sub("", text)


def _script_of(word: str, default: str) -> str:
    """'cyr' or 'lat': the script a word is written in, judged by the letters no look-alike can fake."""
    cyr = lat = 0
    for ch in word:
        if ch in _CONFUSABLE or not ch.isalpha():
            continue
        if "a" <= ch <= "z":
            lat += 1
        elif _CYRILLIC.match(ch):
            cyr += 1
    if cyr != lat:
        return "cyr" if cyr > lat else "lat"
    return default


_PLANTED_DIGIT = regex.compile(r"(?<=\p{L})[036](?=\p{L})")
_LOOKALIKE_LATIN = frozenset(k for k in _LATIN_TO_CYR if k.isascii())
_CYRILLIC_WORD = regex.compile(r"\p{Cyrillic}+")
_LATIN_WORD = regex.compile(r"[a-z]+")
_NOT_CYRILLIC_LETTER = regex.compile(r"[a-z\p{Greek}]")


def _in_address(m: regex.Match) -> bool:
    """Whether a word is a piece of a URL, handle or e-mail ("t.me/x"), which keeps its Latin letters."""
    s, i, j = m.string, m.start(), m.end()
    return (i > 0 and s[i - 1] in "./@:_") or (j < len(s) and s[j] in "./@:_")


def skeleton(text: str) -> str:
    """Map look-alike characters in case-folded `text` to the script each word is really written in.

    A word is rewritten when it mixes Latin (or Greek) and Cyrillic letters, when
    a digit sits between two of its letters (``пр0тест``), or when it consists of
    Latin look-alikes only inside a text dominated by Cyrillic (``TAK``).
    Words honestly written in one script are left alone.
    """
    has_lat = _LATIN.search(text) is not None or _GREEK.search(text) is not None
    has_cyr = _CYRILLIC.search(text) is not None
    if not (has_lat and has_cyr) and _PLANTED_DIGIT.search(text) is None:
        return text
    # Which script the text is in, judged by its words, not its URLs, handles and placeholders (all Latin).
    basis = " ".join(t for t in text.split() if not ("." in t or "/" in t or "@" in t or t.startswith("qq")))
    dominant = "cyr" if len(_CYRILLIC_WORD.findall(basis)) >= len(_LATIN_WORD.findall(basis)) else "lat"

    out: list[str] = []
    last = 0
    for m in _WORD.finditer(text):
        word = m.group()
        # cheap tests first: nearly every word is honest and is left as it is
        planted = ("0" in word or "3" in word or "6" in word) and _PLANTED_DIGIT.search(word) is not None
        if word.isascii():
            disguised = (dominant == "cyr" and word.isalpha() and _LOOKALIKE_LATIN.issuperset(word)
                         and not _in_address(m))
            mixed = False
        else:
            disguised = False
            mixed = _NOT_CYRILLIC_LETTER.search(word) is not None and _CYRILLIC.search(word) is not None
        if not (mixed or planted or disguised):
            continue
        script = "cyr" if disguised else _script_of(word, dominant)
        digits = _DIGIT_TO_CYR if script == "cyr" else _DIGIT_TO_LATIN
        word = _PLANTED_DIGIT.sub(lambda d: digits.get(d.group(), d.group()), word)
        out += [text[last:m.start()], word.translate(_TO_CYR if script == "cyr" else _TO_LATIN)]
        last = m.end()
    return "".join(out) + text[last:] if out else text


def _fold(text: str) -> str:
    """Case-fold, blank out symbols and loose punctuation, collapse spaces, apply the skeleton."""
    text = _SEPARATOR.sub(" ", text.casefold())
    text = _LOOSE_PUNCT.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return skeleton(text)


def normalise(text: str, *, cleaned: bool = False) -> str:
    """The matching form of `text`: NFKC, case-folded, emoji and decoration gone, confusables resolved."""
    return _fold(text if cleaned else clean(text))


# --- template -------------------------------------------------------------------------------

_TLDS = (
    "com|net|org|info|biz|io|me|co|tv|cc|app|site|online|news|top|xyz|club|live|pro|today|press|media|"
    "world|space|store|shop|blog|link|click|ly|gl|gd|to|su|ru|kz|ua|by|uz|kg|am|ge|az|tj|tm|md|de|uk|us|"
    "fr|it|es|pl|cz|tr|cn|jp|in|eu|рф|қаз|бел|укр|рус"
)
URL_RE = regex.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'«»]+"
    r"|(?<![\p{L}\p{N}@._-])(?:[\p{L}\p{N}][\p{L}\p{N}-]{0,62}+\.)++(?:" + _TLDS + r")"
    r"(?![\p{L}\p{N}-])(?:/[^\s<>\"'«»]*)?",
    regex.IGNORECASE,
)
"""URLs with a scheme or ``www.``, and bare domains ending in a common top-level domain."""

MENTION_RE = regex.compile(r"(?<![\p{L}\p{N}_.@/])@([A-Za-z][A-Za-z0-9_]{3,31})\b")
"""Telegram-style @handles (5-32 characters, Latin letters, digits and underscores)."""

PHONE_LIKE_RE = regex.compile(r"(?<![\p{N}\p{L}])\+?\d(?:[ \-\u00a0().]{0,3}\d){9,13}(?![\p{N}\p{L}])")
"""Runs of 10-14 digits with phone-style separators: replaced whole in templates, parsed in phones.py."""

_NUMBER_RE = regex.compile(r"\d+(?:[.,:/\-]\d+)*")
# Capitalised words (and runs of them) that follow a lower-case word, digit, comma or a one-letter
# preposition ("В Алматы") on the same line:
# names and places in mid-sentence. Sentence-initial words and ALL-CAPS shouting are left alone.
_NAME_RE = regex.compile(r"(?<=(?:[\p{Ll}\p{N},;:]|(?<!\p{L})\p{Lu})[\p{Pi}\p{Pf}\"']?[ \t]{1,3}[\p{Pi}\"']?)"
                         r"\p{Lu}\p{Ll}+(?:[ \t\-]\p{Lu}\p{Ll}+)*")

_PLACEHOLDERS = {"qqurlqq": "<url>", "qquserqq": "<user>", "qqphoneqq": "<phone>", "qqnumqq": "<num>",
                 "qqnameqq": "<name>"}
_PLACEHOLDER_RE = regex.compile("|".join(_PLACEHOLDERS))


def _number(m: regex.Match) -> str:
    """Placeholder for a number, except digits planted inside a word, which the skeleton reads as letters."""
    s, i, j = m.string, m.start(), m.end()
    return m.group() if 0 < i and j < len(s) and s[i - 1].isalpha() and s[j].isalpha() else " QQNUMQQ "


def template(text: str, *, cleaned: bool = False) -> str:
    """The near-duplicate key of `text`: :func:`normalise` with variable parts replaced by placeholders.

    `cleaned` says `text` already went through :func:`clean` (saves a pass when both forms are wanted).
    """
    if not cleaned:
        text = clean(text)
    text = URL_RE.sub(" QQURLQQ ", text)
    text = MENTION_RE.sub(" QQUSERQQ ", text)
    text = PHONE_LIKE_RE.sub(" QQPHONEQQ ", text)
    text = _NUMBER_RE.sub(_number, text)
    text = _NAME_RE.sub("QQNAMEQQ", text)
    return _PLACEHOLDER_RE.sub(lambda m: _PLACEHOLDERS[m.group()], _fold(text))
