"""Phone numbers in message text and in Telegram `phone` entities, as E.164 with the numbering plan's facts.

Fake announcements list real people's numbers as "organisers", so every common
way of writing a Kazakh or Russian number must be found: ``+7 701 555 12 34``,
``8 (701) 555-12-34``, ``87015551234``, ``+7(701)5551234``, ``7015551234``.
Default region KZ; ``+7`` is shared by Kazakhstan and Russia and `phonenumbers`
tells them apart by the plan (+7 7xx Kazakhstan, +7 9xx Russian mobile), which
matters for attribution.

Numbers that are not phones are refused before they reach the parser: runs
grouped in thousands (prices), runs of four-digit groups (card numbers), runs
followed by a currency, runs after a label such as "№", "заказ", "ИИН", "ИНН"
or "order", and URL parameters. Dates and times never qualify because dots and colons break a run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
import regex
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from fakewatch.enrich.normalize import clean

DEFAULT_REGION = "KZ"
MIN_DIGITS = 10  # a national number in KZ/RU: 3-digit code + 7 digits
MAX_DIGITS = 15  # the E.164 maximum

_LINE_TYPES = {value: name.lower() for name, value in vars(PhoneNumberType).items()
               if name.isupper() and isinstance(value, int)}

# A run of digits joined by the separators people put in phone numbers (no dots: those make dates), not a
# URL parameter ("?id=3360435602").
_RUN = regex.compile(r"(?:(?<![\p{N}_+=&?%])\+|(?<![\p{L}\p{N}_+=&?%]))\(?\d(?:[ \t\u00a0\u2009\u202f\p{Pd}()]{0,3}\d)*\)?"
                     r"(?![\p{L}\p{N}_])")
_ODD_SPACE = regex.compile(r"[\t\u00a0\u2009\u202f\p{Pd}]")
_GROUP = regex.compile(r"\+?\(?\d+\)?")
# What the run must not follow: labels of order, card, ID and other numbers.
_LABEL_BEFORE = regex.compile(
    r"(?:№|#|\b(?:n[o°]?\.?|заказ\w*|order|invoice|iin|иин|инн|inn|огрн\w*|кпп|бик|окпо|erid|бин|bin|сч[её]т\w*|карт\w*|card|трек\w*|track\w*|"
    r"код\w*|code|id|isbn|issn|артикул\w*|накладн\w*|тапсырыс\w*|шот\w*|reg\w*|рег\w*|лот\w*|дел[оа]\w*))"
    r"(?:\s+\p{Ll}+)?\s*[:.]?\s*$",  # one word may stand between: "Код подтверждения 7015 5512 34"
    regex.IGNORECASE,
)
_CURRENCY_AFTER = regex.compile(r"^\s*(?:₸|₽|\$|€|тг|тенге|теңге|kzt|руб|р\.|rub|usd|eur|доллар|евро|сом|сум)",
                                regex.IGNORECASE)


@dataclass(frozen=True)
class Phone:
    e164: str
    region: str | None
    line_type: str | None
    raw: str
    from_entity: bool = False


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> phonenumbers.PhoneNumber | None:
    """The valid phone number `raw` spells (region KZ unless it has a +code), else None."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """`raw` in E.164 when it is a valid number, else None (used for watchlist phones too)."""
    number = parse_phone(raw, region)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if number else None


def _phone(number: phonenumbers.PhoneNumber, raw: str, from_entity: bool) -> Phone:
    return Phone(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        region=phonenumbers.region_code_for_number(number),
        line_type=_LINE_TYPES.get(phonenumbers.number_type(number)),
        raw=raw.strip(),
        from_entity=from_entity,
    )


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def _looks_like_other_number(text: str, run: regex.Match, groups: list[str]) -> bool:
    """Whether a digit run is a price, a card or a labelled number rather than a phone."""
    lengths = [_digits(g) for g in groups]
    if not run.group().startswith(("+", "(")) and "(" not in run.group():
        if len(lengths) >= 3 and lengths[0] <= 3 and all(n == 3 for n in lengths[1:]):
            return True  # 1 500 000 000: thousands grouping
    if sum(lengths) > 12 and sum(n == 4 for n in lengths) >= 3:
        return True  # 4400 4301 2345 6789: a card
    if _CURRENCY_AFTER.match(text, run.end()) or _CURRENCY_AFTER.match(text[run.end():run.end() + 12]):
        return True
    return _LABEL_BEFORE.search(text[max(0, run.start() - 40):run.start()]) is not None


def _numbers_in_run(text: str, run: regex.Match) -> Iterable[Phone]:
    """Valid numbers in one digit run; a run may hold several numbers written side by side."""
    groups = list(_GROUP.finditer(run.group()))
    if _looks_like_other_number(text, run, [g.group() for g in groups]):
        return
    i = 0
    while i < len(groups):
        best: tuple[int, phonenumbers.PhoneNumber] | None = None
        digits = 0
        for j in range(i, len(groups)):
            digits += _digits(groups[j].group())
            if digits > MAX_DIGITS:
                break
            if digits >= MIN_DIGITS:
                raw = _ODD_SPACE.sub(" ", run.group()[groups[i].start():groups[j].end()])
                number = parse_phone(raw)
                if number is not None:
                    best = (j, number)
        if best is None:
            i += 1
            continue
        j, number = best
        yield _phone(number, run.group()[groups[i].start():groups[j].end()], False)
        i = j + 1


def find_phones(text: str, entity_phones: Iterable[str] = ()) -> list[Phone]:
    """Phone numbers in `text` plus those Telegram marked as `phone` entities, one per E.164 number."""
    found: dict[str, Phone] = {}
    text = clean(text)
    for run in _RUN.finditer(text):
        if _digits(run.group()) >= MIN_DIGITS:
            for phone in _numbers_in_run(text, run):
                found.setdefault(phone.e164, phone)
    for raw in entity_phones:
        number = parse_phone(clean(raw))
        if number is None:
            continue
        phone = _phone(number, raw, True)
        prior = found.get(phone.e164)
        found[phone.e164] = Phone(**{**vars(prior), "from_entity": True}) if prior else phone
    return list(found.values())
