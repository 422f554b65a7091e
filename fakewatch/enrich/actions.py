"""Calls to action (come, gather, call, forward, share) and the date, time and place of a called gathering.

A fake announcement of a march does two things a detector can see: it tells
people to act ("приходите", "жиналыңдар", "перешлите всем", "call now") and it
names when and where to gather ("25 апреля в 12:00 у акимата", "ертең сағат
12-де Республика алаңында", "Saturday at noon at Central Square"). Both are
recognised with word lists for Russian, Kazakh and English; the lists are
closed on purpose so that a match can be explained by the word that fired.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from fakewatch.enrich.normalize import clean

MAX_CHARS = 5_000

_B = r"(?<![\p{L}\p{N}])"  # word start (works for Cyrillic, unlike a bare \b in some inflections)
_E = r"(?![\p{L}\p{N}])"

# Imperatives that ask people to come or gather: these alone make a gathering call.
_COME = (
    r"приходите|приходи|придите|подходите|выходите|выходи|выйдем|выйдите|выходим|собираемся|соберёмся|соберемся"
    r"|собираемся|собирайтесь|присоединяйтесь|присоединяйся|приводите|пойдём|пойдем|идём|идем|все\s+на|все\s+в"
    r"|ждём\s+всех|ждем\s+всех|ждём\s+вас|ждем\s+вас"
    r"|келіңдер|келіңіздер|келіңіз|жиналыңдар|жиналыңыздар|жиналайық|шығыңдар|шығыңыздар|шығайық|барайық"
    r"|барыңдар|барыңыздар|қосылыңдар|қосылыңыз|бәріміз\s+алаңға|бәрің\s+алаңға"
    r"|come|join\s+us|gather|show\s+up|let'?s\s+(?:go|meet|march|gather)|see\s+you\s+(?:at|on)|be\s+there"
)
# Other calls: spread, call, write, support, vote.
_OTHER = (
    r"звоните|позвоните|звони|пишите|напишите|перешлите|пересылайте|перешли|репостните|репостни|сделайте\s+репост"
    r"|распространите|распространяйте|поделитесь|делитесь|расскажите|подпишитесь|подписывайтесь|переходите|жмите"
    r"|нажмите|голосуйте|поддержите|поддержим|не\s+молчите|кидайте|отправьте|отправляйте|зовите|приглашайте"
    r"|берите|требуйте|подпишите|скиньте|разошлите"
    r"|қоңырау\s+шалыңыз|қоңырау\s+шалыңдар|хабарласыңыз|хабарласыңдар|таратыңыз|таратыңдар|таратайық"
    r"|бөлісіңіз|бөлісіңдер|жазыңыз|жазыңдар|қолдаңыз|қолдаңдар|қолдайық|үндемеңдер|үндемейік|жіберіңіз"
    r"|жіберіңдер|тіркеліңіз|жазылыңыз|жазылыңдар|қол\s+қойыңыз"
    r"|call|share|forward|repost|retweet|spread\s+the\s+word|pass\s+it\s+on|subscribe|sign\s+the|vote"
    r"|don'?t\s+stay\s+silent|speak\s+up|tell\s+everyone|send\s+this"
)
_COME_RE = regex.compile(_B + "(?:" + _COME + ")" + _E, regex.IGNORECASE)
_CTA_RE = regex.compile(_B + "(?:" + _COME + "|" + _OTHER + ")" + _E, regex.IGNORECASE)
_EVENT_RE = regex.compile(
    _B + r"(?:митинг\w*|марш\w*|шестви\w*|сбор\b|собрани\w*|акци[яюие]\w*|протест\w*|пикет\w*|забастовк\w*"
    r"|демонстрац\w*|шеру\w*|жиын\w*|жиналыс\w*|наразылық\w*|ереуіл\w*"
    r"|rally|rallies|march\w*|protest\w*|gathering|demonstration|strike|vigil|sit-in)",
    regex.IGNORECASE,
)

# Shop talk ("скидки, приходите в ТЦ"): a call to come that is a sale, not a gathering, unless an event is named.
_COMMERCE_RE = regex.compile(
    _B + r"(?:скидк\w*|распродаж\w*|акци[яи]\s+(?:на|до)|магазин\w*|бутик\w*|меню|жеңілдік\w*|дүкен\w*"
    r"|sale|discount\w*|shop\w*|store)" + _E,
    regex.IGNORECASE,
)

_MONTHS = {
    1: r"январ\w*|қаңтар\w*|jan(?:uary)?", 2: r"феврал\w*|ақпан\w*|feb(?:ruary)?", 3: r"март\w*|наурыз\w*|mar(?:ch)?",
    4: r"апрел\w*|сәуір\w*|apr(?:il)?", 5: r"ма[яй]\w*|мамыр\w*|may", 6: r"июн\w*|маусым\w*|june?",
    7: r"июл\w*|шілде\w*|july?", 8: r"август\w*|тамыз\w*|aug(?:ust)?", 9: r"сентябр\w*|қыркүйек\w*|sep(?:tember)?",
    10: r"октябр\w*|қазан\w*|oct(?:ober)?", 11: r"ноябр\w*|қараша\w*|nov(?:ember)?",
    12: r"декабр\w*|желтоқсан\w*|dec(?:ember)?",
}
_MONTH = "|".join(f"(?P<m{n}>{p})" for n, p in _MONTHS.items())
_DATE_RE = regex.compile(
    _B + rf"(?:(?P<day>\d{{1,2}})(?:-?(?:го|ші|шы|th|st|nd|rd))?\s+(?:{_MONTH})"
    rf"|(?:{_MONTH.replace('?P<m', '?P<n')})\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?"
    r"|(?P<dd>\d{1,2})[./](?P<mm>\d{1,2})(?:[./](?P<yy>\d{4}|\d{2}))?(?![.:/]?\d))" + _E,
    regex.IGNORECASE,
)
_RELATIVE_RE = regex.compile(
    _B + r"(?:сегодня|завтра|послезавтра|в\s+(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)"
    r"|в\s+эт[уо]\s+(?:субботу|воскресенье|пятницу)|бүгін|ертең|бүрсігүні"
    r"|(?:дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма|сенбі|жексенбі)(?:\s+күні)?"
    r"|today|tomorrow|tonight|(?:this\s+|on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))" + _E,
    regex.IGNORECASE,
)
_TIME_RE = regex.compile(
    r"(?:(?<![\d.:/])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?![\d:])"
    r"|(?:" + _B + r"(?:в|к|с|до|at|сағат)\s+)(?P<h2>[01]?\d|2[0-3])(?:[.](?P<mi2>[0-5]\d))?"
    r"(?:\s*(?:час\w*|ч\.?|-?(?:де|да|те|та))|\s*(?P<pm>pm|am))?(?![\d.:/])"
    r"|(?<![\d.:/])(?P<h3>\d{1,2})\s*(?P<pm3>pm|am)" + _E +
    r"|" + _B + r"(?P<noon>noon|midday|полдень|в\s+полдень|түсте))",
    regex.IGNORECASE,
)
_PLACE_RE = regex.compile(
    _B + r"(?:(?:у|возле|около|на|в|перед|напротив|к|до|at|near|outside|in\s+front\s+of|to)\s+"
    r"(?:the\s+)?(?P<ru>(?:\p{Lu}[\p{L}\-]*\s+){0,2}"
    r"(?:площад\w*|акимат\w*|парк\w*|сквер\w*|памятник\w*|монумент\w*|здани\w*|театр\w*|стадион\w*|мечет\w*"
    r"|университет\w*|администрац\w*|мэри\w*|дворц\w*|дом\w*\s+правительства|улиц\w*|ул\.|проспект\w*|пр\.|набережн\w*"
    r"|вокзал\w*|рынк\w*|базар\w*|ЦУМ\w*|ТРЦ|ТЦ|арк\w*|посольств\w*|консульств\w*|суд\w*"
    r"|square|park|akimat|city\s+hall|monument|embassy|station|building|parliament|court)"
    r"(?:\s+(?:им\.?\s+)?[\p{Lu}«\"\d][\p{L}\d\-»\"]*){0,3})"
    r"|(?P<kk>(?:\p{Lu}[\p{L}\-]*\s+){1,2}(?:алаң\w*|даңғыл\w*|көше\w*|саябақ\w*|ескерткіш\w*|ғимарат\w*)"
    r"|(?:әкімдік|әкімшілік|акимат)\w*\s+(?:алд\w*|ғимарат\w*)|алаңға|алаңда)"
    r"|(?P<en>(?:\p{Lu}[\p{L}\-]*\s+){1,3}(?:Square|Park|Avenue|Street|Plaza)))",
    regex.UNICODE,
)


@dataclass(frozen=True)
class Actions:
    cta: bool
    gathering: dict | None  # {"date", "time", "place", "when"} when a gathering is called


def _month(m: regex.Match, prefix: str) -> int | None:
    return next((n for n in _MONTHS if m.group(f"{prefix}{n}")), None)


def _date(text: str) -> tuple[str | None, str | None]:
    """(date as MM-DD or YYYY-MM-DD, the words that said when) of the first date or relative day."""
    for m in _DATE_RE.finditer(text):
        if m.group("day"):
            day, month, year = int(m.group("day")), _month(m, "m"), None
        elif m.group("day2"):
            day, month, year = int(m.group("day2")), _month(m, "n"), None
        else:
            day, month = int(m.group("dd")), int(m.group("mm"))
            year = int(m.group("yy")) if m.group("yy") else None
            year = year + 2000 if year is not None and year < 100 else year
        if not (1 <= day <= 31 and month and 1 <= month <= 12):
            continue
        date = f"{month:02d}-{day:02d}" if year is None else f"{year:04d}-{month:02d}-{day:02d}"
        return date, m.group().strip()
    rel = _RELATIVE_RE.search(text)
    return None, rel.group().strip() if rel else None


def _time(text: str) -> str | None:
    m = _TIME_RE.search(text)
    if m is None:
        return None
    if m.group("noon"):
        return "12:00"
    hour = m.group("h") or m.group("h2") or m.group("h3")
    minute = m.group("mi") or m.group("mi2") or "00"
    h = int(hour)
    if (m.group("pm") or m.group("pm3") or "").lower() == "pm" and h < 12:
        h += 12
    return f"{h:02d}:{minute}"


def _place(text: str) -> str | None:
    m = _PLACE_RE.search(text)
    if m is None:
        return None
    return (m.group("ru") or m.group("kk") or m.group("en")).strip(" ,.!»\"")


def find_actions(text: str) -> Actions:
    """Whether `text` calls to action, and the gathering it calls (date, time, place) if it calls one."""
    text = clean(text)[:MAX_CHARS]
    cta = _CTA_RE.search(text) is not None
    event = _EVENT_RE.search(text) is not None and _COMMERCE_RE.search(text) is None
    called = (_COME_RE.search(text) is not None and (event or _COMMERCE_RE.search(text) is None)) or (cta and event)
    if not called:
        return Actions(cta=cta, gathering=None)
    date, when = _date(text)
    return Actions(cta=True, gathering={"date": date, "when": when, "time": _time(text), "place": _place(text)})
