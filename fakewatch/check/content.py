"""Whether a message's text says anything a fake campaign could have said: its content words.

A template (:func:`fakewatch.enrich.normalize.template`) of "👍", "." or an empty
caption is the empty string, and one of "+", "ok" or "да" is a word that carries
no claim. Campaigns post such texts too (a deepfake video under an empty caption,
"++" under their own announcement), so matching them as text would call every
thumbs-up in a city chat a known fake. The public check matches a text only when
it has at least one *content word*: a word of two letters or more that is not a
placeholder (``<url>``, ``<phone>``, ``<num>``, ``<name>``, ``<user>``), not a
number and not one of the :data:`PHATIC` words below. Links, phones and media in
the same message are judged on their own, whatever the text.
"""

from __future__ import annotations

import regex

PHATIC = frozenset("""
    ok okay okey k kk yes yep yeah no nope lol lmao haha hah hi hello hey bye thx thanks ty np pls plz
    ок окей да нет не ага угу неа ну так вот ладно хорошо норм понятно ясно ого ух ах ох эх ой
    спасибо спс большое огромное благодарю пожалуйста привет здравствуйте пока добрый доброе утро день
    вечер ночи всем согласен согласна поддерживаю класс супер круто ужас жесть капец мда хм
    иә жоқ жок рахмет рақмет үлкен сәлем салем сәлеметсіз сәлеметсіздер ме иа дұрыс жақсы өте керемет
    қайырлы таң келісемін қолдаймын
    """.split())
"""Acknowledgements, greetings, thanks and interjections in English, Russian and Kazakh (case-folded):
replies that carry no claim, so a message made only of them cannot be a copy of a campaign's text."""

_PLACEHOLDER = regex.compile(r"<(?:url|user|phone|num|name)>")
_WORD = regex.compile(r"\p{L}[\p{L}\p{N}'-]*")
# Laughter and drawn-out sounds ("ахахах", "хахаха", "ааааа", "hahaha"): interjections of any length.
_LAUGHTER = regex.compile(r"[аеих]*х[аеих]*[аеи][аеих]*|[aeh]*h[aeh]*[ae][aeh]*|(\p{L})\1+")


def content_words(tmpl: str) -> list[str]:
    """The words of template `tmpl` that could carry a claim, in order."""
    words = _WORD.findall(_PLACEHOLDER.sub(" ", tmpl))
    return [w for w in words if len(w) > 1 and w not in PHATIC and not _LAUGHTER.fullmatch(w)]


def has_content(tmpl: str) -> bool:
    """Whether template `tmpl` has a content word, i.e. is worth comparing with campaign texts at all."""
    return bool(content_words(tmpl))
