"""The public check's words in Russian, Kazakh and English, and the choice of one for each visitor.

The people who paste a message into the check read Russian or Kazakh first, so
the page (and its verdicts, dates and warning signs) speaks the visitor's
language: the one they picked with ``?lang=`` (kept in a cookie), else the best
of ``Accept-Language``, else Russian, the language both audiences read. The
analyst pages stay in English. The catalogue is trusted text: its
``{placeholders}`` are filled with escaped values, so a hostile domain or
campaign title cannot become markup.
"""

from __future__ import annotations

from datetime import datetime

from babel import Locale
from babel.dates import format_date
from markupsafe import Markup

LANGS = ("ru", "kk", "en")
DEFAULT = "ru"
COOKIE = "fw_lang"
NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}

CATALOGUE: dict[str, dict[str, str | dict[str, str]]] = {
    "title": {"ru": "Это фейк?", "kk": "Бұл фейк пе?", "en": "Is this fake?"},
    "heading": {"ru": "Это сообщение — фейк?", "kk": "Бұл хабарлама фейк пе?", "en": "Is this message fake?"},
    "intro": {
        "ru": "Вставьте полученное сообщение или ссылку. Мы сравним его с фейковыми кампаниями, которые нашли "
              "аналитики. Вставленный текст нигде не сохраняется.",
        "kk": "Өзіңізге келген хабарламаны немесе сілтемені қойыңыз. Ол сарапшылар тапқан фейк науқандармен "
              "салыстырылады. Қойған мәтініңіз сақталмайды.",
        "en": "Paste a message or a link you received. It is compared with the fake campaigns analysts have "
              "found. Nothing you paste is stored."},
    "message": {"ru": "Сообщение", "kk": "Хабарлама", "en": "Message"},
    "or_link": {"ru": "или ссылка", "kk": "немесе сілтеме", "en": "or a link"},
    "submit": {"ru": "Проверить", "kk": "Тексеру", "en": "Check"},
    "language": {"ru": "Язык", "kk": "Тіл", "en": "Language"},
    "known_fake": {"ru": "Известный фейк", "kk": "Белгілі фейк", "en": "Known fake"},
    "known_fake_text": {
        "ru": "Это часть фейковой кампании, которую задокументировали аналитики.",
        "kk": "Бұл — сарапшылар құжаттаған фейк науқанның бөлігі.",
        "en": "This is part of a fake campaign analysts have documented."},
    "suspicious": {"ru": "Подозрительно", "kk": "Күмәнді", "en": "Suspicious"},
    "suspicious_text": {
        "ru": "Похоже на задокументированную фейковую кампанию или содержит тревожные признаки. "
              "Не спешите пересылать.",
        "kk": "Құжатталған фейк науқанға ұқсайды немесе қауіп белгілері бар. Таратпас бұрын абай болыңыз.",
        "en": "It resembles a documented fake campaign or carries warning signs. Be careful before sharing it."},
    "no_match": {"ru": "Совпадений нет", "kk": "Сәйкестік жоқ", "en": "No match"},
    "no_match_text": {
        "ru": "Оно не совпадает ни с одной известной нам кампанией. Но это ещё не значит, что это правда.",
        "kk": "Ол бізге белгілі ешбір науқанға сәйкес келмейді. Бірақ бұл оның шын екенін білдірмейді.",
        "en": "It matches no campaign we know of. That does not make it true."},
    "no_content": {"ru": "Слишком мало текста для проверки", "kk": "Тексеру үшін мәтін тым қысқа",
                   "en": "Too short to check"},
    "no_content_text": {
        "ru": "В нём нет слов, которые можно сравнить с известными кампаниями (только эмодзи, знаки препинания "
              "или ответ вроде «ок»). Вставьте сообщение целиком или проверьте ссылку из него.",
        "kk": "Онда белгілі науқандармен салыстыруға болатын сөз жоқ (тек эмодзи, тыныс белгілері немесе «ок» "
              "сияқты жауап). Хабарламаны толық қойыңыз немесе ондағы сілтемені тексеріңіз.",
        "en": "There is no word in it to compare with the campaigns we know of (only emoji, punctuation or a "
              "reply such as “ok”). Paste the whole message, or check its link."},
    "similarity": {"ru": "Сходство {pct}", "kk": "Ұқсастық {pct}", "en": "Similarity {pct}"},
    "first_seen": {"ru": "впервые замечено {date}", "kk": "алғаш байқалған күні: {date}", "en": "first seen {date}"},
    "unknown_date": {"ru": "дата неизвестна", "kk": "күні белгісіз", "en": "date unknown"},
    "in_chats": {"ru": {"one": "в {n} чате", "other": "в {n} чатах"}, "kk": {"other": "{n} чатта"},
                 "en": {"one": "in {n} chat", "other": "in {n} chats"}},
    "signals": {"ru": "Тревожные признаки", "kk": "Қауіп белгілері", "en": "Warning signs"},
    "lookalike": {
        "ru": "Ссылка ведёт на <code>{domain}</code>, который выдаёт себя за <code>{outlet}</code>.",
        "kk": "Сілтеме <code>{outlet}</code> сайтына еліктейтін <code>{domain}</code> сайтына апарады.",
        "en": "The link goes to <code>{domain}</code>, which imitates <code>{outlet}</code>."},
    "watchlist": {
        "ru": "Номер {phone} принадлежит человеку по имени {person}; фейковые кампании уже использовали его номер.",
        "kk": "{phone} нөмірі {person} есімді адамға тиесілі; фейк науқандар оның нөмірін бұрын да пайдаланған.",
        "en": "The phone number {phone} belongs to {person}, whose number fake campaigns have misused."},
    "nav_check": {"ru": "Проверить сообщение", "kk": "Хабарламаны тексеру", "en": "Check a message"},
    "nav_login": {"ru": "Вход для аналитиков", "kk": "Сарапшыларға кіру", "en": "Analyst login"},
    "footer": {
        "ru": "показывает признаки и оценки, но не выносит вердикт о том, кто стоит за кампанией",
        "kk": "белгілер мен бағаларды көрсетеді, науқанның артында кім тұрғаны туралы үкім шығармайды",
        "en": "states signals and scores, never a verdict on who is behind a campaign"},
}
"""Every phrase of the public check page, by key and language (``in_chats`` by CLDR plural category)."""


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The visitor's language: an explicit pick, then the saved one, then the best `Accept-Language` entry."""
    for picked in (query, cookie):
        if picked in LANGS:
            return picked
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue  # a malformed entry says nothing about the visitor
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else DEFAULT


def phrase(lang: str, key: str, n: int | None = None, **values: object) -> Markup:
    """The catalogue's `key` in `lang`, its placeholders filled with escaped `values` (and `n` for plurals)."""
    text = CATALOGUE[key].get(lang) or CATALOGUE[key]["en"]
    if isinstance(text, dict):
        category = Locale.parse(lang).plural_form(n or 0)
        text = text.get(category, text["other"])
    return Markup(text).format(n=n, **values)


def human_date(value: str | datetime | None, lang: str) -> str:
    """A date as people write it ("21 апреля 2025 г.", "2025 ж. 21 сәуір", "April 21, 2025"); '' when unknown."""
    if not value:
        return ""
    day = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    return format_date(day, format="long", locale=lang)
