"""Money amounts with their currency, and whether a message offers payment for doing something.

Campaigns recruit with promises such as "каждому участнику 10 000 тг",
"заплатим 5к за репост" or "қатысқандарға 20 мың теңге төлейміз". An amount
counts only with a currency next to it (тенге, тг, ₸, KZT, рублей, руб, ₽, $,
USD, евро, ...), so dates, phones and order numbers are never money. Thousands
separators (space, dot, comma, apostrophe) and multipliers (тыс., к, млн, мың,
k, million) are read into the amount.

`pays` is the offer, not the price: an offer verb ("заплатим", "получите",
"төлейміз", "we pay") or a paid deed ("за участие", "за репост",
"for attending") together with an amount, or both together.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from fakewatch.enrich.normalize import clean

_CURRENCIES = [
    ("KZT", r"₸|тг|тенге|теңге|тңг|kzt"),
    ("RUB", r"₽|руб\w*|р\.|rub|rur"),
    ("USD", r"\$|usd|долл\w*|бакс\w*|dollars?|доллар"),
    ("EUR", r"€|eur|евро|euros?"),
    ("KGS", r"сом\w*|kgs"),
    ("UAH", r"₴|грн|гривен\w*|uah"),
    ("GBP", r"£|gbp"),
]
_CURRENCY = "|".join(f"(?P<{code}>{pattern})" for code, pattern in _CURRENCIES)
_MULTIPLIERS = [
    (1e3, r"тыс(?:яч[аи]?|\.)?|т\.|к|k|мың|thousand|грэнд\w*"),
    (1e6, r"млн\.?|миллион\w*|million|mln|m"),
    (1e9, r"млрд\.?|миллиард\w*|billion|bn"),
]
_MULTIPLIER = "|".join(f"(?P<x{int(f)}>{pattern})" for f, pattern in _MULTIPLIERS)
_NUMBER = r"\d{1,3}(?:[ \u00a0\u2009\u202f.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"

_AFTER = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}])(?P<num>{_NUMBER})\s?(?:(?:{_MULTIPLIER})\.?\s?)?(?:{_CURRENCY})(?![\p{{L}}\p{{N}}])",
    regex.IGNORECASE,
)
# Before the number only signs and codes ("$50", "USD 100"): "евро 510" is a rate, not 510 euros.
_SIGNS = "|".join(f"(?P<{code}>{pattern})" for code, pattern in (
    ("KZT", r"₸|kzt"), ("RUB", r"₽|rub"), ("USD", r"\$|usd"), ("EUR", r"€|eur"), ("KGS", "kgs"), ("UAH", r"₴|uah"),
    ("GBP", r"£|gbp")))
_BEFORE = regex.compile(
    rf"(?<![\p{{L}}\p{{N}}])(?:{_SIGNS})\s?(?P<num>{_NUMBER})(?:\s?(?:{_MULTIPLIER})(?![\p{{L}}]))?"
    rf"(?![\p{{L}}\p{{N}}])",
    regex.IGNORECASE,
)

_OFFER = regex.compile(
    r"\b(?:за?плат(?:им|ят|ит|ите)|выплат(?:им|ят|ят)|оплат(?:им|ят)|плат(?:им|ят)|получ(?:ит|ите|ишь|ат|аете|ает)"
    r"|заработа\w*|зарабат\w*|вознагражд\w*|гонорар\w*|деньги\s+(?:сразу|на\s+карту|наличными)|на\s+руки"
    r"|оплата\s+[\d\s]+\w*\s+(?:сразу|на\s+месте|после)"
    r"|төле(?:йміз|йді|неді|нетін)|ақша\s+(?:береміз|беріледі|береді|төленеді)|табыс\s+таб\w*"
    r"|(?:we|they)(?:'ll|\s+will)?\s+pay|will\s+be\s+paid|get\s+paid|you(?:'ll|\s+will)?\s+(?:get|receive|earn)"
    r"|earn|reward)\b",
    regex.IGNORECASE,
)
_DEED = regex.compile(
    r"\b(?:за\s+(?:участие|репост\w*|присутствие|выход|приход|каждый|каждого|час|день|пересылк\w*|подписк\w*|"
    r"распространение|лайк\w*|комментари\w*|пост\w*)|каждому|участник\w*|кто\s+при[дш]\w*"
    r"|постоять|с\s+плакат\w*|на\s+(?:митинг|марш|акци|шестви)\w*"
    r"|қатысқан\w*|қатысушы\w*|әр\s+қатысушы\w*|келген\w*\s+(?:әр|барлық)\w*"
    r"|for\s+(?:attending|participation|participating|each|every|joining|sharing|coming|showing\s+up|reposting)"
    r"|per\s+(?:person|participant|hour|day|repost)|each\s+participant)",
    regex.IGNORECASE,
)

MAX_CHARS = 5_000  # offers and prices sit near the top of a message


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str
    raw: str


def _amount(num: str, m: regex.Match) -> float:
    """The value of a written number such as '10 000', '2.500', '1,5' or '5'."""
    digits = regex.sub(r"[ \u00a0\u2009\u202f']", "", num)
    if regex.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        digits = regex.sub(r"[.,]", "", digits)  # 2.500 / 2,500: thousands
    elif regex.fullmatch(r"\d{1,3}(?:[.,]\d{3})+[.,]\d{1,2}", digits):
        digits = regex.sub(r"[.,](?=\d{3})", "", digits).replace(",", ".")
    else:
        digits = digits.replace(",", ".")
    value = float(digits)
    for factor, _ in _MULTIPLIERS:
        if m.group(f"x{int(factor)}"):
            value *= factor
    return value


def _currency(m: regex.Match) -> str:
    return next(code for code, _ in _CURRENCIES if m.groupdict().get(code))


def find_money(text: str) -> list[Money]:
    """Amounts with a currency in `text`, in order of appearance."""
    text = clean(text)[:MAX_CHARS]
    found: list[tuple[int, Money]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_AFTER, _BEFORE):
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            found.append((m.start(), Money(_amount(m.group("num"), m), _currency(m), m.group().strip())))
    return [money for _, money in sorted(found, key=lambda pair: pair[0])]


def offers_payment(text: str, amounts: list[Money]) -> bool:
    """Whether `text` offers to pay people for doing something (coming, reposting, joining)."""
    text = clean(text)[:MAX_CHARS]
    offer = _OFFER.search(text) is not None
    deed = _DEED.search(text) is not None
    return (offer and (deed or bool(amounts))) or (deed and bool(amounts))
