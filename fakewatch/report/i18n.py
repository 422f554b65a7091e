"""The words report.html and the web campaign pages use, in English and Russian (`--lang en|ru`).

Internal names (evidence kinds, score parts, campaign kinds, cluster kinds) never reach a
reader as they are: each has a phrase here. A key missing from a language falls back to
English, and a name missing from both is shown as it is, so a new evidence kind is never
dropped, only unworded until it gets a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

LANGS = ("en", "ru")
_CLUSTER_REF = re.compile(r"\((\w+) cluster (\d+)\)")  # how evidence sentences name a cluster: "(text cluster 507)"

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"),
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "report": "fakewatch report",
        "generated": "generated",
        "n_campaigns": "{n} campaigns, {m} weaker candidates",
        "phones_hidden": "phone numbers hidden",
        "names_hidden": "private people's names hidden",
        "disclaimer": ("Scores are signals, not verdicts: each campaign lists the evidence it rests on, with the messages "
                       "and input files (and their SHA-256) it comes from. Nothing here says who is behind a campaign."),
        "refused_title": "Inputs that were not analysed",
        "refused_intro": "These files were refused and are not part of any finding below:",
        "overview": "Campaigns by score",
        "candidate_note": ("Rows without a link are candidates: they scored under the reporting threshold and are "
                           "listed for review only."),
        "col_id": "id", "col_what": "what", "col_kind": "kind", "col_score": "score", "col_messages": "messages",
        "col_chats": "chats", "col_accounts": "accounts", "col_coordinated": "acting together",
        "col_first": "first seen", "col_last": "last seen",
        "score": "score",
        "summary": "What happened",
        "kind": "Kind",
        "headline": "Headline of the fake article",
        "targets": "Who is targeted",
        "phone": "phone number", "holder": "named as its holder", "listed_in": "listed in messages",
        "posted_by": "accounts posting it", "in_chats": "chats",
        "person": "person", "on_watchlist": "on watchlist", "yes": "yes",
        "no_phones": "no phone numbers of other people listed",
        "no_persons": "no persons named repeatedly",
        "no_holder": "not named in the messages",
        "techniques": "Techniques (DISARM)",
        "seeders": "First posters, most likely seeder first",
        "timeline": "Timeline of each narrative",
        "timeline_axis": "time (UTC)",
        "timeline_note": "Each row is one narrative (copies of one message, video or link); a dot is an hour, its size the messages in it.",
        "network": "Accounts acting together",
        "network_note": ("Lines join accounts that repeatedly posted the same content within a short window; colours are "
                         "coordinated groups, labelled: the first posters."),
        "network_hidden": "Not drawn, with no such line: {n}.",
        "no_network": "No co-posting edges among this campaign's accounts.",
        "domains": "Look-alike sites and campaign domains",
        "domain": "domain", "imitates": "imitates",
        "no_domains": "No campaign-specific or look-alike domains.",
        "chats": "Chats hit",
        "chat": "chat", "first_message": "first message",
        "more_chats": "and {n} more chats (messages.csv lists every message).",
        "media": "Media: copies of the same pictures, videos and voice notes",
        "media_line": "{kinds}: {messages} messages in {chats} chats, {copies} distinct copies; first appeared {first}.",
        "keyframe": "keyframe", "size": "size",
        "narratives": "Sample messages of each narrative",
        "evidence": "Signals and evidence",
        "signal": "signal", "observed": "what was observed", "rests_on": "messages it rests on",
        "more_cited": "{n} cited in findings.json",
        "score_parts": "How the score is made up",
        "forwarded_from": "forwarded from",
        "inputs": "Inputs", "file": "file",
        "activity": "Coordinated activity that is not a campaign",
        "activity_intro": ("Accounts that spread content together but with no harm or deception signal. Shown for "
                           "analysts; none of this is called a campaign."),
        "not_campaign": "not a campaign",
        "why_not": "Why not a campaign",
        "no_activity": "None found.",
        "first_posted_by": "first posted by {who} in {chat} on {when}",
        "and": "and",
    },
    "ru": {
        "report": "Отчёт fakewatch",
        "generated": "создан",
        "n_campaigns": "кампаний: {n}, более слабых кандидатов: {m}",
        "phones_hidden": "номера телефонов скрыты",
        "names_hidden": "имена частных лиц скрыты",
        "disclaimer": ("Оценки — это сигналы, а не вердикты: у каждой кампании перечислены доказательства, сообщения и "
                       "входные файлы (с их SHA-256), на которых она основана. Отчёт не утверждает, кто стоит за кампанией."),
        "refused_title": "Файлы, которые не были проанализированы",
        "refused_intro": "Эти файлы отклонены и не вошли ни в один из выводов ниже:",
        "overview": "Кампании по оценке",
        "candidate_note": ("Строки без ссылки — кандидаты: их оценка ниже порога отчёта, они приведены только для "
                           "проверки."),
        "col_id": "код", "col_what": "что", "col_kind": "вид", "col_score": "оценка", "col_messages": "сообщений",
        "col_chats": "чатов", "col_accounts": "аккаунтов", "col_coordinated": "действуют сообща",
        "col_first": "впервые", "col_last": "в последний раз",
        "score": "оценка",
        "summary": "Что произошло",
        "kind": "Вид",
        "headline": "Заголовок поддельной статьи",
        "targets": "На кого направлено",
        "phone": "номер телефона", "holder": "чей номер (по сообщениям)", "listed_in": "в сообщениях",
        "posted_by": "аккаунтов публиковали", "in_chats": "чаты",
        "person": "человек", "on_watchlist": "в списке наблюдения", "yes": "да",
        "no_phones": "чужие номера телефонов не публиковались",
        "no_persons": "никто не назван повторно",
        "no_holder": "в сообщениях не назван",
        "techniques": "Техники (DISARM)",
        "seeders": "Первые публикаторы, наиболее вероятный источник первым",
        "timeline": "Хронология каждого нарратива",
        "timeline_axis": "время (UTC)",
        "timeline_note": "Каждая строка — один нарратив (копии одного сообщения, видео или ссылки); точка — час, её размер — число сообщений.",
        "network": "Аккаунты, действующие сообща",
        "network_note": ("Линии соединяют аккаунты, которые неоднократно публиковали одно и то же за короткое время; "
                         "цвета — скоординированные группы, подписаны первые публикаторы."),
        "network_hidden": "Аккаунты без таких связей ({n}) не показаны.",
        "no_network": "Между аккаунтами этой кампании нет связей совместных публикаций.",
        "domains": "Сайты-двойники и домены кампании",
        "domain": "домен", "imitates": "подделывает",
        "no_domains": "Доменов кампании и сайтов-двойников нет.",
        "chats": "Затронутые чаты",
        "chat": "чат", "first_message": "первое сообщение",
        "more_chats": "и ещё {n} чатов (все сообщения — в messages.csv).",
        "media": "Медиа: копии одних и тех же изображений, видео и голосовых",
        "media_line": "{kinds}: {messages} сообщений в {chats} чатах, различных копий: {copies}; впервые {first}.",
        "keyframe": "кадр", "size": "размер",
        "narratives": "Примеры сообщений каждого нарратива",
        "evidence": "Сигналы и доказательства",
        "signal": "сигнал", "observed": "что наблюдалось", "rests_on": "на каких сообщениях основано",
        "more_cited": "всего {n} — в findings.json",
        "score_parts": "Из чего складывается оценка",
        "forwarded_from": "переслано от",
        "inputs": "Входные файлы", "file": "файл",
        "activity": "Скоординированная активность, которая не является кампанией",
        "activity_intro": ("Аккаунты распространяли содержимое сообща, но без признаков вреда или обмана. Показано "
                           "для аналитиков; ничто из этого не называется кампанией."),
        "not_campaign": "не кампания",
        "why_not": "Почему не кампания",
        "no_activity": "Не найдено.",
        "first_posted_by": "первым опубликовал {who} в чате «{chat}» {when}",
        "and": "и",
    },
}

# Names of things the stages produce, as a reader should read them.
NAMES: dict[str, dict[str, str]] = {
    "en": {
        # campaign kinds (findings.json `kind`)
        "doxxing": "doxxing: other people's phone numbers spread", "impersonation": "impersonation of a news outlet",
        "paid_participation": "paid participation", "mobilisation": "mobilisation: calls to gather",
        "sock_puppets": "sock puppets", "known_fake_media": "known fake media", "other": "coordinated spread",
        # coordinated activity kinds
        "cross_posting": "cross-posting", "syndication": "syndication", "copy_paste": "copy-paste", "spam": "spam",
        # evidence kinds
        "copies": "copies of the same content", "third_party_phone": "someone else's phone number listed",
        "payment_offer": "payment offered", "call_to_gather": "call to gather", "flood": "flooding",
        "seeders": "first posters", "forward_origins": "where forwards came from", "account_age": "new accounts",
        "phone_origins": "where the phone numbers are from", "currency": "currency of payments",
        "language_mix": "languages", "no_ordinary_activity": "accounts with no ordinary activity",
        "utc_offset": "time zone of posting hours", "impersonation_evidence": "look-alike site", "media": "media",
        # score parts
        "coordination": "acting together", "speed": "speed of spread", "fresh": "new accounts",
        "floods": "flooding", "harm": "harm signals", "harm.third_party_phones": "other people's phone numbers",
        "harm.payment": "payment offers", "harm.impersonation": "impersonating an outlet",
        "harm.gathering": "calls to gather", "third_party_phones": "other people's phone numbers",
        "payment": "payment offers", "gathering": "calls to gather",
        # cluster kinds
        "text": "text", "link": "link", "domain": "site", "forward": "forward", "phone": "phone number",
        "image": "picture", "video": "video", "audio": "voice note", "media_cluster": "media",
    },
    "ru": {
        "doxxing": "доксинг: распространение чужих номеров телефонов", "impersonation": "подделка под СМИ",
        "paid_participation": "оплата за участие", "mobilisation": "мобилизация: призывы собраться",
        "sock_puppets": "фальшивые аккаунты", "known_fake_media": "известное поддельное медиа",
        "other": "скоординированное распространение",
        "cross_posting": "кросс-постинг", "syndication": "синдикация", "copy_paste": "копипаста", "spam": "спам",
        "copies": "копии одного содержимого", "third_party_phone": "опубликован чужой номер телефона",
        "payment_offer": "предложение оплаты", "call_to_gather": "призыв собраться", "flood": "флуд",
        "seeders": "первые публикаторы", "forward_origins": "откуда пересылки", "account_age": "новые аккаунты",
        "phone_origins": "откуда номера телефонов", "currency": "валюта выплат", "language_mix": "языки",
        "no_ordinary_activity": "аккаунты без обычной активности", "utc_offset": "часовой пояс публикаций",
        "impersonation_evidence": "сайт-двойник", "media": "медиа",
        "coordination": "действуют сообща", "speed": "скорость распространения", "fresh": "новые аккаунты",
        "floods": "флуд", "harm": "признаки вреда", "harm.third_party_phones": "чужие номера телефонов",
        "harm.payment": "предложения оплаты", "harm.impersonation": "подделка под СМИ",
        "harm.gathering": "призывы собраться", "third_party_phones": "чужие номера телефонов",
        "payment": "предложения оплаты", "gathering": "призывы собраться",
        "text": "текст", "link": "ссылка", "domain": "сайт", "forward": "пересылка", "phone": "номер телефона",
        "image": "изображение", "video": "видео", "audio": "голосовое", "media_cluster": "медиа",
    },
}


class Words:
    """Phrases of one language: `w("key", n=3)` for sentences, `w.name("copies")` for internal names."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGS:
            raise ValueError(f"report language {lang!r}: choose one of {', '.join(LANGS)}")
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        text = WORDS[self.lang].get(key) or WORDS["en"][key]
        return text.format(**values) if values else text

    def name(self, internal: str) -> str:
        return NAMES[self.lang].get(internal) or NAMES["en"].get(internal) or internal

    def detail(self, sentence: str, narratives: Mapping[int, str] = {}) -> str:
        """An evidence sentence with each cluster named by its narrative (or its kind in words), not its number."""
        return _CLUSTER_REF.sub(lambda m: f"({narratives.get(int(m.group(2))) or self.name(m.group(1))})", sentence)

    def day(self, when: datetime) -> str:
        """'18 April' / '18 апреля'."""
        return f"{when.day} {_MONTHS[self.lang][when.month - 1]}"

    def moment(self, when: datetime) -> str:
        """'18 April, 04:40 UTC'."""
        return f"{self.day(when)}, {when:%H:%M} UTC"

    def span(self, first: datetime, last: datetime) -> str:
        """'From 18 to 25 April' / 'С 18 по 25 апреля' (months named on both ends when they differ)."""
        same_month = (first.year, first.month) == (last.year, last.month)
        start = str(first.day) if same_month else self.day(first)
        if first.date() == last.date():
            return ("On " if self.lang == "en" else "") + self.day(first)
        return f"From {start} to {self.day(last)}" if self.lang == "en" else f"С {start} по {self.day(last)}"

    def join(self, items: list[str]) -> str:
        """'a, b and c'."""
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self('and')} " + items[-1]


# Russian plural forms (one, few, many): 1 аккаунт, 2 аккаунта, 5 аккаунтов; English adds -s.
_FORMS = {
    "account": ("account", "accounts", "аккаунт", "аккаунта", "аккаунтов"),
    "chat": ("chat", "chats", "чат", "чата", "чатов"),
    "chat_in": ("chat", "chats", "чате", "чатах", "чатах"),  # after "в": prepositional case
    "message": ("message", "messages", "сообщение", "сообщения", "сообщений"),
}


def count(lang: str, n: int, noun: str) -> str:
    """'30 accounts' / '30 аккаунтов', '21 аккаунт', '3 чата'."""
    one, many, ru_one, ru_few, ru_many = _FORMS[noun]
    if lang != "ru":
        return f"{n} {one if n == 1 else many}"
    tail = n % 100
    form = ru_many if 11 <= tail <= 14 else ru_one if n % 10 == 1 else ru_few if 2 <= n % 10 <= 4 else ru_many
    return f"{n} {form}"
