"""Redaction for published outputs: hide personal data, keep every piece of evidence and every structure.

What is personal data here: phone numbers (in message text, in display names, and as the
account ids of WhatsApp members) and, on request, the display names of the accounts and
the account ids made of a person's name (WhatsApp members without a number). What is
evidence and stays: Telegram user and channel ids (ids, not phones), message ids, domains,
URLs and tracker ids, chat names, the names of the persons a campaign targets.

Each hidden value is replaced by a pseudonym that is stable (the same value gets the same
pseudonym in report.html, the CSV tables, the GEXF network and the web downloads, because
every Redactor numbers the store's values in the same sorted order) and never collides (one
number per distinct value), so a redacted network has exactly the nodes and edges of the
unredacted one. Phone numbers are found by :func:`fakewatch.enrich.phones.find_phones`,
the same rules that found them during enrichment, and then erased as written in the text,
whatever separators or invisible characters sit between the digits; a second net hides any
other run of digits that spells a valid number ("701.555.01.01", which enrichment passes over).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import Engine, select

from fakewatch.enrich.phones import find_phones, to_e164
from fakewatch.store.tables import core
from fakewatch.store.tables.enrich import phones as phone_rows

FORWARDED_PERSON = "[name]"  # a forward's original sender when names are hidden
PHONE_UNKNOWN = "[phone]"  # a number the store never saw (e.g. only in a chat name): hidden, not numbered
_GAP = r"[^\d\n]{0,3}"  # what may stand between two digits of a written number: spaces, dashes, brackets, ZWJ
# Any run of 10-15 digits with separators, dots included, not inside a word, an id or a URL path: the
# second net, for numbers written in ways that `find_phones` does not take for phones.
_DIGIT_RUN = re.compile(r"(?<![\w/=?&#%:.+-])\+?\d(?:[ .\-()\u00a0\u200b-\u200d\u2060]{0,3}\d){9,14}(?![\w])")
# WhatsApp members with a number are `whatsapp:+7701…`; without one, `whatsapp:<contact name>`.
_PHONE_ID = re.compile(r"^\+?\d{7,15}$")


@dataclass(frozen=True)
class Redaction:
    """What to hide: phone numbers, and with `names` also private people's names and name-based account ids."""

    phones: bool = False
    names: bool = False

    @property
    def active(self) -> bool:
        return self.phones or self.names


class Redactor:
    """Turns values into what a redacted output shows. `Redactor()` changes nothing."""

    def __init__(self, redaction: Redaction = Redaction(), phones: Iterable[str] = (),
                 accounts: Iterable[str] = ()) -> None:
        self.redaction = redaction
        self._phones = {e164: f"[phone {i}]" for i, e164 in enumerate(sorted(set(phones)), 1)}
        named = sorted(a for a in set(accounts) if _name_based(a))
        self._members = {a: f"member {i}" for i, a in enumerate(sorted(set(accounts)), 1)}
        self._name_ids = {a: f"{a.split(':', 1)[0]}:person {i}" for i, a in enumerate(named, 1)}

    @classmethod
    def from_store(cls, engine: Engine, redaction: Redaction) -> Redactor:
        """A redactor numbering every phone number and account the store holds."""
        if not redaction.active:
            return cls()
        with engine.connect() as conn:
            accounts = list(conn.execute(select(core.accounts.c.id)).scalars())
            numbers = set(conn.execute(select(phone_rows.c.e164).distinct()).scalars())
        numbers |= {e164 for a in accounts if (e164 := account_phone(a))}
        return cls(redaction, numbers, accounts)

    @property
    def active(self) -> bool:
        return self.redaction.active

    def phone(self, e164: str) -> str:
        """An E.164 number as shown: its pseudonym when redacting."""
        if not self.active:
            return e164
        return self._phones.get(e164, PHONE_UNKNOWN)

    def text(self, value: str | None) -> str:
        """Free text (a message, a chat or display name) with every phone number in it replaced."""
        text = value or ""
        if not self.active or not text:
            return text
        for found in find_phones(text):
            # every way the number is written: any country or trunk prefix ("+7", "8") before its national digits
            national = str(phonenumbers.parse(found.e164).national_number)
            written = re.compile(r"(?<!\d)(?:\+?\d{1,3}" + _GAP + ")?" + _GAP.join(national) + r"(?!\d)")
            text = written.sub(self.phone(found.e164), text)
        return _DIGIT_RUN.sub(self._valid_run, text)

    def _valid_run(self, match: re.Match[str]) -> str:
        """A digit run the enrichment's rules pass over ("701.555.01.01") hidden when it spells a valid number."""
        raw = match.group(0)
        e164 = to_e164(("+" if raw.startswith("+") else "") + re.sub(r"\D", "", raw))
        return self.phone(e164) if e164 else raw

    def account(self, account_id: str | None) -> str:
        """An account id as shown: a WhatsApp number becomes its phone pseudonym, a name-based id (with
        `names`) a person pseudonym; Telegram ids stay, they are evidence and no personal number."""
        acc = account_id or ""
        if not self.active or not acc:
            return acc
        if (e164 := account_phone(acc)) is not None:
            platform, _, _native = acc.rpartition(":")
            return f"{platform}:{self.phone(e164)}" if platform else self.phone(e164)
        if self.redaction.names and acc in self._name_ids:
            return self._name_ids[acc]
        return self.text(acc)

    def name(self, account_id: str | None, display: str | None) -> str:
        """An account's display name as shown: with `names` the account's member pseudonym, else with phones hidden."""
        if self.redaction.names and account_id:
            return self._members.get(account_id, "member")
        return self.text(display)

    def sender(self, forwarded_from: str | None, forwarded_from_id: str | None = None) -> str:
        """The name a forward was credited to: with `names` hidden unless the export says it is a channel
        (a channel's name is evidence; a person's is not), else with phones hidden."""
        if self.redaction.names and forwarded_from and "channel" not in (forwarded_from_id or ""):
            return FORWARDED_PERSON
        return self.text(forwarded_from)


def account_phone(account_id: str) -> str | None:
    """The E.164 number an account id is made of (a WhatsApp member), else None."""
    native = account_id.split(":", 1)[-1]
    return to_e164(native) if _PHONE_ID.match(native) else None


def _name_based(account_id: str) -> bool:
    platform, _, native = account_id.partition(":")
    return platform == "whatsapp" and not _PHONE_ID.match(native)
