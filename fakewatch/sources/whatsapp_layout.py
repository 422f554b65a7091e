"""The dated lines that start WhatsApp messages, in every layout seen, and how a file's dates are read.

Layouts differ by phone OS, locale and app version (formats.md), for example:

    18/04/2025, 11:12 - Name: text          Android, en-GB
    4/18/25, 9:05 AM - Name: text           Android, en-US (often U+202F before AM)
    06/20/2020, 00:08 a. m. - Name: text    Android, es: hour 0 on a 12-hour clock
    [27/03/2022, 21:41:55] Name: text       iOS
    [23.09.2016 17:00:28] Name: text        iOS, tr: no comma
    13.06.18 21.25.15: Name: text           colon after the time
    13.6.2018 klo 21.25.15 - Name: text     fi: a word between date and time
    13. 6. 2018. 21:25:15 Name: text        spaced date, no separator after the time
    [06/2018/13, 21:25:15] Name: text       year in the middle
    2019-01-01 12:00 - Name: text           year first
    2022/12/14, 13:34. - Name: text         a dot after the time

A file keeps one layout: its first dated line fixes the bracket, the date
separator and what follows the time, and later lines that differ are text.

Which of the two short date fields is the day is decided per file from every
clue it holds (`DateClues`), and the note says which clue decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

from .base import ReadContext, check_range
from .whatsapp_locales import AFTERNOON_MARKERS, AMPM_PATTERN, DATE_TIME_WORDS, Locale

_HEADER = re.compile(
    r"^[\u200e\u200f]*(?P<bracket>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[./-]) ?(?P<b>\d{1,4})(?P=sep) ?(?P<c>\d{1,4})(?P=sep)?"
    r",?[ \u00a0](?:(?:" + "|".join(DATE_TIME_WORDS) + r")[ \u00a0])?"
    r"(?P<time>(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)\.?"
    r"(?:[ \u00a0\u202f]?(?P<ampm>" + AMPM_PATTERN + r"))?"
    r"(?P<tail>(?(bracket)\][ \u00a0]?|(?:[ \u00a0][-\u2013][ \u00a0]|:[ \u00a0]|[ \u00a0])))"
    r"(?P<rest>.*)$"
)
ORDERS = ("dmy", "mdy", "ymd", "myd", "dym", "ydm")
# The orders with the year in each place, and the places of year, month and day in them.
_BY_YEAR = {year: [(o, (o.index("y"), o.index("m"), o.index("d"))) for o in ORDERS if o.index("y") == year]
            for year in range(3)}
IMPOSSIBLE = 1 << 62  # steps back in time of an order that gives an impossible date somewhere
# Attachment names carry the day the file was made: Android IMG-20241207-WA0005.jpg (also VID-, AUD-,
# PTT-, DOC-, STK-), iOS 00000042-PHOTO-2020-06-07-15-13-20.jpg, older iOS 2015-08-04-PHOTO-00004762.jpg.
_NAMED_DATE = re.compile(
    r"\b(?:IMG|VID|AUD|PTT|DOC|STK)-(?P<y1>\d{4})(?P<m1>\d{2})(?P<d1>\d{2})-WA\d+"
    r"|\b\d{8}-[A-Z]+-(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})-"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})-(?:PHOTO|VIDEO|AUDIO|GIF|STICKER)-"
)


@dataclass(frozen=True)
class Header:
    """A dated line: its three date fields as written, its time, and the text after it."""

    fields: tuple[str, str, str]
    time: str
    ampm: str | None
    rest: str
    bracket: bool
    layout: tuple[bool, str, str]  # (bracket, date separator, what follows the time): one per file
    clock: tuple[int, int, int]  # hour, minute, second as written

    @property
    def hour_zero(self) -> bool:
        """Hour 0 on a 12-hour clock: some Android locales write 00:08 a. m. for 12:08 a.m."""
        return bool(self.ampm) and self.clock[0] == 0


def header(line: str, layout: tuple[bool, str, str] | None = None) -> Header | None:
    """The dated line `line` is, if it is one (and, when `layout` is given, in that layout)."""
    match = _HEADER.match(line)
    if not match:
        return None
    found = (bool(match["bracket"]), match["sep"], match["tail"].strip())
    if layout is not None and found != layout:
        return None
    hour, minute, second = match["hour"], match["minute"], match["second"]
    return Header((match["a"], match["b"], match["c"]), match["time"], match["ampm"], match["rest"],
                  bool(match["bracket"]), found, (int(hour), int(minute), int(second) if second else 0))


def _is_afternoon(ampm: str) -> bool:
    marker = ampm.lower()
    return AFTERNOON_MARKERS.get(marker, marker.startswith("p"))


def moment(head: Header, order: str, zone: tzinfo, ctx: ReadContext, position: str) -> datetime:
    """The UTC time of a dated line read in date order `order` ('dmy', 'mdy', ...)."""
    values = dict(zip(order, (int(x) for x in head.fields)))
    year, month, day = values["y"], values["m"], values["d"]
    if year < 100:
        year += 2000
    hour, minute, second = head.clock
    if head.ampm:
        if hour > 12:
            raise ctx.fail(position, f"hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if _is_afternoon(head.ampm) else 0)
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError as exc:
        raise ctx.fail(position, f"bad date or time {'/'.join(head.fields)} {head.time}: {exc}") from None
    return check_range(local.astimezone(timezone.utc), ctx, position)


def _seconds(head: Header) -> int:
    hour, minute, second = head.clock
    if head.ampm:
        hour = hour % 12 + (12 if _is_afternoon(head.ampm) else 0)
    return (hour * 60 + minute) * 60 + second


@dataclass
class DateClues:
    """What a file says about its date order, gathered line by line (in constant memory per line, as a file
    can hold millions), then weighed by `decide`."""

    year_places: dict[int, int] = field(default_factory=dict)  # field index -> first line showing the year there
    over_twelve: dict[int, int] = field(default_factory=dict)  # field index -> first line with a value above 12
    named: list[tuple[tuple[int, int, int], tuple[int, int, int]]] = field(default_factory=list)  # (fields, y/m/d)
    steps_back: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORDERS, 0))
    last: dict[str, int] = field(default_factory=dict)  # order -> the previous line's time read in it
    day_first_locales: set[str] = field(default_factory=set)
    twelve_hour: bool = False

    def add(self, number: int, head: Header, body: str, locale: Locale | None) -> None:
        a, b, c = head.fields
        values = (int(a), int(b), int(c))
        for i, value in enumerate(values):
            if value > 31 or len(head.fields[i]) == 4:  # four digits, or a value no day or month has
                self.year_places.setdefault(i, number)
            if value > 12:
                self.over_twelve.setdefault(i, number)
        year = next(iter(self.year_places), 2)
        if self.decided(year):
            return  # a day above 12 has decided: the other clues are not needed
        self.twelve_hour = self.twelve_hour or bool(head.ampm)
        for match in _NAMED_DATE.finditer(body):
            y, m, d = (next(v for v in match.groups()[i::3] if v) for i in range(3))
            self.named.append((values, (int(y), int(m), int(d))))  # type: ignore[arg-type]
        if locale is not None and locale.day_first:
            self.day_first_locales.add(locale.code)
        seconds = _seconds(head)
        for order, (y, m, d) in _BY_YEAR[year]:
            month, day = values[m], values[d]
            if not (1 <= month <= 12 and 1 <= day <= 31):
                self.steps_back[order] = IMPOSSIBLE
                continue
            key = (((values[y] % 100) * 13 + month) * 32 + day) * 86400 + seconds
            if key < self.last.get(order, key):
                self.steps_back[order] += 1
            self.last[order] = key

    def decided(self, year: int) -> bool:
        """Whether a field other than the year has shown a value above 12, which settles the order."""
        return len(self.over_twelve) > (year in self.over_twelve)

    def decide(self, ctx: ReadContext) -> str:
        """The file's date order; a note says which clue decided it."""
        if len(self.year_places) > 1:
            (p1, l1), (p2, l2) = sorted(self.year_places.items(), key=lambda kv: kv[1])[:2]
            raise ctx.fail(f"line {l2}", f"the year is field {p2 + 1} here but field {p1 + 1} at line {l1}")
        year = next(iter(self.year_places), 2)
        first, second = (i for i in range(3) if i != year)

        def order(day: int) -> str:
            letters = ["", "", ""]
            letters[year], letters[day], letters[first + second - day] = "y", "d", "m"
            return "".join(letters)

        def named(day: int) -> str:
            chosen = order(day)
            return f"{'day' if chosen.index('d') < chosen.index('m') else 'month'}-first ({chosen})"

        def note(day: int, why: str) -> str:
            ctx.note(f"dates read {named(day)}: {why}; force another order with --date-order")
            return order(day)

        over = {i: self.over_twelve.get(i) for i in (first, second)}
        if over[first] and over[second]:
            late = max(over[first], over[second])  # type: ignore[type-var]
            raise ctx.fail(f"line {late}", f"dates are {named(first)} at line {over[first]} and "
                                           f"{named(second)} at line {over[second]}")
        for day in (first, second):
            if over[day]:
                return note(day, f"line {over[day]} has a day above 12 in field {day + 1}")
        if year == 0:
            return note(second, "year first, and no locale writes year-day-month")
        votes = {first: 0, second: 0}
        for values, (y, m, d) in self.named:
            if d == m or values[year] % 100 != y % 100:
                continue  # a forwarded file keeps the date it was made: only names of the line's own year count
            for day in (first, second):
                if (values[day], values[first + second - day]) == (d, m):
                    votes[day] += 1
        if votes[first] != votes[second]:
            day = max(votes, key=lambda k: votes[k])
            return note(day, f"{votes[day]} attachment names such as IMG-YYYYMMDD carry the dates read so, "
                             f"{votes[first + second - day]} the other way")
        steps = {day: self.steps_back[order(day)] for day in (first, second)}
        if steps[first] != steps[second]:
            day = min(steps, key=lambda k: steps[k])
            return note(day, f"time order: {steps[day]} steps back in time read so, "
                             f"{steps[first + second - day]} the other way")
        if self.day_first_locales and year == 2:
            return note(first, f"its system texts are in {', '.join(sorted(self.day_first_locales))}, "
                               "which writes the day first")
        if year == 1:
            return note(second, "year in the middle: WhatsApp writes month/year/day so")
        day = second if self.twelve_hour else first
        return note(day, "no clue in the file; assumed from its " +
                    ("12-hour clock" if self.twelve_hour else "24-hour clock"))


def date_order(ctx: ReadContext, clues: DateClues) -> str:
    """The date order: the `date_order` option when given, else what the file's clues decide."""
    forced = ctx.options.get("date_order")
    if forced:
        if forced not in ORDERS:
            raise ctx.fail("options", f"--date-order must be one of {', '.join(ORDERS)}, not {forced!r}")
        return forced
    return clues.decide(ctx)
