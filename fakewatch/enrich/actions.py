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

from fakewatch.enrich.normalize import MENTION_RE, URL_RE, clean

MAX_CHARS = 2_000  # calls and the when and where of a gathering are stated in the opening lines

_B = r"(?<![\p{L}\p{N}])"  # word start (works for Cyrillic, unlike a bare \b in some inflections)
_E = r"(?![\p{L}\p{N}])"

# Imperatives that ask people to come or gather: these alone make a gathering call.
_COME = (
    r"приходите|приходи|придите|подходите|выходите|выходи|выйдем|выйдите|выходим|собираемся|соберёмся|соберемся"
    r"|собирайтесь|приводите|пойдёмте|пойдемте|идёмте|идемте|все\s+на|все\s+в|не\s+опаздывайте"
    r"|ждём\s+всех|ждем\s+всех|ждём\s+вас|ждем\s+вас"
    r"|келіңдер|келіңіздер|келіңіз|жиналыңдар|жиналыңыздар|жиналайық|шығыңдар|шығыңыздар|шығайық|барайық"
    r"|барыңдар|барыңыздар|барамыз|шығамыз|жиналамыз|бәріміз\s+алаңға|бәрің\s+алаңға"
    r"|come|join\s+us|gather|show\s+up|everyone\s+(?:to|at)|all\s+to|let'?s\s+(?:go|meet|march|gather)"
    r"|see\s+you\s+(?:at|on)|be\s+there"
)
# Calls to join: a gathering only when an event is named ("присоединяйтесь к маршу", not "к чату").
_JOIN = r"присоединяйтесь|присоединяйся|вступайте|вступай|қосылыңдар|қосылыңыз|қосылыңыздар|join"
# Other calls: spread, call, write, support, vote.
_OTHER = (
    r"звоните|позвоните|звони|пишите|напишите|перешлите|пересылайте|перешли|репостните|репостни|сделайте\s+репост"
    r"|распространите|распространяйте|поделитесь|делитесь|расскажите|подпишитесь|подписывайтесь|переходите|жмите"
    r"|нажмите|голосуйте|поддержите|поддержим|не\s+молчите|кидайте|отправьте|отправляйте|зовите|приглашайте"
    r"|берите|требуйте|подпишите|скиньте|разошлите|жми|позвони|напиши|пиши|звонить"
    r"|қоңырау\s+шалыңыз|қоңырау\s+шалыңдар|хабарласыңыз|хабарласыңдар|таратыңыз|таратыңдар|таратайық"
    r"|бөлісіңіз|бөлісіңдер|бөлісіңіздер|жазыңыз|жазыңдар|қолдаңыз|қолдаңдар|қолдаңыздар|қолдайық|үндемеңдер"
    r"|үндемейік|жіберіңіз|таратыңыздар|жіберіңдер|тіркеліңіз|жазылыңыз|жазылыңдар|қол\s+қойыңыз"
    r"|call(?=\s+(?:now|us|me|him|her|them|your|the\s+organi[sz]er|this|\+|\d))"  # not "call center"
    r"|share|forward|repost|retweet|spread\s+the\s+word|pass\s+it\s+on|subscribe|sign\s+the|vote"
    r"|write\s+to|calls\s+on"
    r"|don'?t\s+stay\s+silent|speak\s+up|tell\s+everyone|send\s+this"
)
# Kazakh is often typed without its own letters ("жиналыныздар" for "жиналыңыздар"): patterns and text are
# both folded onto the Russian letters, one character for one, so positions stay the same.
_KK_FOLD = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def _compile(pattern: str, flags: int = regex.IGNORECASE) -> regex.Pattern:
    return regex.compile(pattern.translate(_KK_FOLD), flags)


_COME_RE = _compile(r"(?<!\bне\s{1,3})(?<!\bdon'?t\s{1,3})" + _B + "(?:" + _COME + ")" + _E)
_JOIN_RE = _compile(_B + "(?:" + _JOIN + ")" + _E)
_CTA_RE = _compile(_B + "(?:" + _COME + "|" + _JOIN + "|" + _OTHER + ")" + _E)
# Protest-type events: announced with a time and a place they are a call even without an imperative.
_PROTEST = (r"митинг\w*|марш\w*|шестви\w*|сбор\b|пикет\w*|протест\w*|забастовк\w*|демонстрац\w*"
            r"|акци[яюие]\s+протест\w*|шеру\w*|наразылық\w*|ереуіл\w*"
            r"|rally|rallies|march|protest\w*|demonstration|strike|vigil|sit-in")
_PROTEST_RE = _compile(_B + "(?:" + _PROTEST + ")")
_EVENT_RE = _compile(_B + r"(?:" + _PROTEST + r"|собрани\w*|акци[яюие]\w*|жиын\w*|жиналыс\w*|gathering)")

# Shop talk ("скидки, приходите в ТЦ"): a call to come that is a sale, not a gathering, unless an event is named.
_COMMERCE_RE = _compile(
    _B + r"(?:скидк\w*|распродаж\w*|акци[яи]\s+(?:на|до)|магазин\w*|бутик\w*|меню|жеңілдік\w*|дүкен\w*"
    r"|sale|discount\w*|shop\w*|store)" + _E,
)

_MONTHS = {
    1: r"январ\w*|қаңтар\w*|jan(?:uary)?", 2: r"феврал\w*|ақпан\w*|feb(?:ruary)?", 3: r"март\w*|наурыз\w*|mar(?:ch)?",
    4: r"апрел\w*|сәуір\w*|apr(?:il)?", 5: r"ма[яй]\w*|мамыр\w*|may", 6: r"июн\w*|маусым\w*|june?",
    7: r"июл\w*|шілде\w*|july?", 8: r"август\w*|тамыз\w*|aug(?:ust)?", 9: r"сентябр\w*|қыркүйек\w*|sep(?:tember)?",
    10: r"октябр\w*|қазан\w*|oct(?:ober)?", 11: r"ноябр\w*|қараша\w*|nov(?:ember)?",
    12: r"декабр\w*|желтоқсан\w*|dec(?:ember)?",
}
_MONTH = "|".join(f"(?P<m{n}>{p})" for n, p in _MONTHS.items())
_DATE_RE = _compile(
    _B + rf"(?:(?P<day>\d{{1,2}})(?:-?(?:го|ші|шы|th|st|nd|rd))?\s+(?:{_MONTH})"
    rf"|(?:{_MONTH.replace('?P<m', '?P<n')})\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?"
    r"|(?P<dd>\d{1,2})[./](?P<mm>\d{1,2})(?:[./](?P<yy>\d{4}|\d{2}))?(?![.:/]?\d))" + _E,
)
_RELATIVE_RE = _compile(
    _B + r"(?:сегодня|завтра|послезавтра|в\s+(?:понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)"
    r"|в\s+эт[уо]\s+(?:субботу|воскресенье|пятницу)|бүгін|ертең|бүрсігүні"
    r"|(?:дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма|сенбі|жексенбі)(?:\s+күні)?"
    r"|today|tomorrow|tonight|(?:this\s+|on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))" + _E,
)
_TIME_RE = _compile(
    r"(?:(?<![\d.:/])(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?![\d:])"
    r"|(?:" + _B + r"(?:в|к|с|до|at|сағат)\s+)(?P<h2>[01]?\d|2[0-3])(?:[.](?P<mi2>[0-5]\d))?(?!\d|[.:/]\d)"
    r"(?:\s*(?:час\w*|ч\.?|-?(?:де|да|те|та))|\s*(?P<pm>pm|am))?"
    r"|(?<![\d.:/])(?P<h3>\d{1,2})\s*(?P<pm3>pm|am)" + _E +
    r"|" + _B + r"(?P<noon>noon|midday|полдень|в\s+полдень|түсте))",
)
_PLACE_RE = _compile(
    _B + r"(?:(?:у|возле|около|на|в|перед|напротив|к|до|от|at|near|outside|in\s+front\s+of|to)\s+"
    r"(?:the\s+)?(?P<ru>(?:\p{Lu}[\p{L}\-]*\s+){0,2}"
    r"(?i:площад\w*|акимат\w*|парк\w*|сквер\w*|памятник\w*|монумент\w*|здани\w*|театр\w*|стадион\w*|мечет\w*"
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
    event: bool = False  # a march, rally, protest or the like is named (called or not)


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


def _place(text: str, folded: str) -> str | None:
    """The place named after a preposition ("у акимата", "Республика алаңында"), as written in `text`."""
    m = _PLACE_RE.search(folded)
    if m is None:
        return None
    group = next(g for g in ("ru", "kk", "en") if m.group(g))
    return text[m.start(group):m.end(group)].strip(" ,.!»\"")


def find_actions(text: str) -> Actions:
    """Whether `text` calls to action, and the gathering it calls (date, time, place) if it calls one."""
    text = MENTION_RE.sub(" ", URL_RE.sub(" ", clean(text)[:MAX_CHARS]))  # "t.me/protest_kz" names no protest
    folded = text.translate(_KK_FOLD)
    cta = _CTA_RE.search(folded) is not None
    protest = _PROTEST_RE.search(folded) is not None
    if not (cta or protest):
        return Actions(cta=False, gathering=None)  # most messages: nothing more to look for
    commerce = _COMMERCE_RE.search(folded) is not None
    event = _EVENT_RE.search(folded) is not None and not commerce
    date, when = _date(folded)
    time_ = _time(folded)
    place = _place(text, folded)
    called = ((cta and _COME_RE.search(folded) is not None and (event or not commerce))
              or (event and cta and _JOIN_RE.search(folded) is not None)
              or (protest and (date or when or time_) and (place or cta)))
    if not called:
        return Actions(cta=cta, gathering=None, event=protest or event)
    if when is not None:  # report the words as written, not folded
        start = folded.find(when)
        when = text[start:start + len(when)] if start >= 0 else when
    return Actions(cta=True, gathering={"date": date, "when": when, "time": time_, "place": place}, event=True)
