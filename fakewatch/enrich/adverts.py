"""Adverts: whether a text sells something (goods, loans, services).

Sellers repeat their adverts into every chat that lets them, and loan-spam rings
post one offer from many accounts: both look like coordinated copy-paste, and the
phone number in the advert is the seller's own contact, not a doxxed third party.
Campaign assembly uses this to keep such groups out of reported campaigns.

A text is an advert when it carries at least `MIN_MARKERS` distinct selling
markers from a closed list (Russian, Kazakh, English), a stated price counting as
one, so a news item that mentions a price or a loan once does not count, and every decision can be
explained by the words that fired. Offers of payment for taking part in
something ("заработать 5000 тг за участие") are not selling: they are
`fakewatch.enrich.money.offers_payment`'s business.
"""

from __future__ import annotations

import regex

from fakewatch.enrich.normalize import clean

MIN_MARKERS = 2  # one marker is a mention ("цены выросли"); two distinct ones are an offer
MAX_CHARS = 2_000  # an advert says what it sells in its opening lines

_MARKERS = (
    # selling and buying goods
    r"продам|продаю|продаётся|продается|продаются|куплю|скупка|в\s+наличии|оптом|в\s+розницу|опт\s+и\s+розница"
    r"|цена|цены\s+от|по\s+цене|скидк\w*|распродаж\w*|акция|акции\s+до|бесплатная\s+доставка|доставк\w*"
    r"|заказ\w*|магазин\w*|товар\w*|прайс|₸\s*/\s*шт|руб\s*/\s*шт|за\s+штуку"
    # loans and money services
    r"|займ\w*|заём|микрозайм\w*|кредит\w*|без\s+справок|без\s+залога|без\s+отказа|без\s+звонков|одобрени\w*"
    r"|рассрочк\w*|под\s+0\s*%|деньги\s+(?:сегодня|сразу|до\s+зарплаты|на\s+карту)|плохой\s+(?:ки|кредитной)|заявк\w*"
    # services
    r"|вакансия|вакансии|требуется|зарплата|зп\s+от|жалақы|жұмыс\s+бар|hiring|salary"
    r"|услуги|недорого|выгодно|гарантия\s+качества"
    r"|торг\w*|(?:ещё|еще)\s+актуально|б/у|в\s+(?:хорошем|отличном|идеальном)\s+состоянии|самовывоз|срочно\s+продам|отдам\s+за"
    # Kazakh
    r"|сатамын|сатылады|сатып\s+аламын|бағасы|жеңілдік\w*|жеткізу|несие\w*|қарыз\s+беремін|тапсырыс\w*|анықтамасыз"
    # English
    r"|for\s+sale|sale|discount\w*|price\w*|free\s+delivery|delivery|order\s+now|shop\w*|loan\w*|credit"
    r"|no\s+credit\s+check|instant\s+approval|in\s+stock|wholesale"
)
_MARKER_RE = regex.compile(r"(?<![\p{L}\p{N}])(?:" + _MARKERS + r")(?![\p{L}\p{N}])", regex.IGNORECASE)


def selling_markers(text: str) -> set[str]:
    """The distinct selling markers in `text`, lower-cased (the words that make it an advert)."""
    return {m.group(0).casefold() for m in _MARKER_RE.finditer(clean(text[:MAX_CHARS]))}


def is_advert(text: str, *, priced: bool = False) -> bool:
    """Whether `text` offers goods, loans or services for sale: at least `MIN_MARKERS` markers, a price
    (`priced`: the money extractor found an amount in it) counting as one."""
    return len(selling_markers(text)) + priced >= MIN_MARKERS
