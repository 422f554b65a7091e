"""The first screen of a campaign: its kind, a title that says what it is, and a plain-language summary.

Every sentence is templated from the findings (counts, dates, targets, the first poster, the
look-alike site's headline), in the report's language; nothing is written by hand. The
campaign's `kind` comes from findings.json where the campaigns stage set it; where it did not
(findings written before the field existed) it is read off the harm signals the score rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakewatch.report.i18n import Words, count

HARM_PRESENT = 0.5  # a harm part of the score at or above this counts as a harm signal that holds
QUOTE_CHARS = 90  # of a stored title quoted in a heading


@dataclass
class Facts:
    """What the summary speaks of, already redacted and in display form."""

    first: datetime
    last: datetime
    accounts: int
    coordinated: int
    chats: int
    phones: list[dict[str, Any]] = field(default_factory=list)  # {"shown", "holder"}
    domains: list[str] = field(default_factory=list)
    impersonates: list[str] = field(default_factory=list)
    headlines: list[tuple[str, str]] = field(default_factory=list)  # (look-alike domain, its page's headline)
    video_persons: list[str] = field(default_factory=list)  # persons named with a reposted video
    seeder: str | None = None
    seeder_chat: str | None = None
    seeder_at: datetime | None = None


def harm_signals(campaign: dict[str, Any]) -> list[str]:
    """The harm signals that hold: findings.json's `harm_signals`, else the strong harm parts of the score."""
    if "harm_signals" in campaign:
        return list(campaign["harm_signals"])
    parts = campaign.get("score_parts") or {}
    return [k.split(".", 1)[1] for k, v in parts.items() if k.startswith("harm.") and v >= HARM_PRESENT]


def kind_of(campaign: dict[str, Any]) -> str:
    """findings.json's `kind`, or the kind its harm signals point to."""
    if campaign.get("kind"):
        return campaign["kind"]
    harms = set(harm_signals(campaign))
    if "payment" in harms:
        return "paid_participation"
    if "third_party_phones" in harms:
        return "doxxing"
    if "impersonation" in harms or campaign.get("impersonates"):
        return "impersonation"
    if "gathering" in harms:
        return "mobilisation"
    return "other"


def _holders(w: Words, facts: Facts) -> str:
    named = [p["holder"] for p in facts.phones if p.get("holder")]
    unnamed = len(facts.phones) - len(named)
    parts = list(dict.fromkeys(named))
    if unnamed:
        parts.append(f"{unnamed} {'more' if w.lang == 'en' else 'других'}" if named else str(unnamed))
    return w.join(parts)


def title(w: Words, kind: str, campaign: dict[str, Any], facts: Facts) -> str:
    """A heading that says what the campaign is (the stored title, a caption, is quoted only as a last resort)."""
    en = w.lang == "en"
    gathering = "gathering" in harm_signals(campaign)
    if kind == "doxxing" and facts.phones:
        who = _holders(w, facts)
        if en:
            return f"Phone numbers of {who} spread" + (" in calls to gather" if gathering else "")
        return f"Номера телефонов ({who}) распространяются" + (" в призывах собраться" if gathering else "")
    if kind == "paid_participation":
        contact = _holders(w, facts)
        if en:
            return "Payment offered for taking part" + (f"; contact: {contact}" if contact else "")
        return "Оплата за участие" + (f"; контакт: {contact}" if contact else "")
    if kind == "impersonation" and facts.domains:
        sites, outlets = w.join(facts.domains), w.join(facts.impersonates)
        if en:
            return f"Fake article on {sites}" + (f" posing as {outlets}" if outlets else "")
        return f"Поддельная статья на {sites}" + (f" под видом {outlets}" if outlets else "")
    if facts.video_persons:
        who = w.join(facts.video_persons)
        return (f"Video of {who} pushed into {count('en', facts.chats, 'chat')}" if en
                else f"Видео: {who} — в {count('ru', facts.chats, 'chat_in')}")
    quoted = campaign["title"] if len(campaign["title"]) <= QUOTE_CHARS else campaign["title"][:QUOTE_CHARS] + "…"
    return f"{w.name(kind).capitalize()}: «{quoted}»"


def summary(w: Words, kind: str, campaign: dict[str, Any], facts: Facts) -> str:
    """'From 18 to 25 April, 30 accounts, 25 of them acting together, posted … into 28 chats, …; first posted by …'."""
    en = w.lang == "en"
    harms = set(harm_signals(campaign))
    if kind == "paid_participation":
        what = "offers of payment for taking part" if en else "предложения заплатить за участие"
    elif kind == "impersonation" and facts.domains:
        what = (f"links to a fake article on {w.join(facts.domains)}" if en
                else f"ссылки на поддельную статью на {w.join(facts.domains)}")
        if facts.impersonates:
            what += (f" made to look like {w.join(facts.impersonates)}" if en
                     else f", оформленную под {w.join(facts.impersonates)}")
    elif "gathering" in harms or kind == "mobilisation":
        what = "calls to gather" if en else "призывы собраться"
    elif facts.video_persons:
        what = (f"copies of a video of {w.join(facts.video_persons)}" if en
                else f"копии видео, в которых назван(ы): {w.join(facts.video_persons)}")
    else:
        what = "copies of the same content" if en else "копии одного и того же содержимого"
    if en:
        text = (f"{w.span(facts.first, facts.last)}, {count('en', facts.accounts, 'account')}, {facts.coordinated} of "
                f"them acting together, posted {what} into {count('en', facts.chats, 'chat')}")
    else:
        text = (f"{w.span(facts.first, facts.last)} {count('ru', facts.accounts, 'account')}, из них "
                f"{facts.coordinated} действуют сообща, опубликовали {what} в {count('ru', facts.chats, 'chat_in')}")
    if facts.phones:
        holders = _holders(w, facts)
        n = len(facts.phones)
        text += (f", listing {'the phone number' if n == 1 else f'{n} phone numbers'} of {holders}" if en
                 else f", указав {'номер телефона' if n == 1 else f'номера телефонов ({n})'}: {holders}")
        if kind == "paid_participation":
            text += " as the contact" if en else " как контакт"
    if facts.impersonates and kind != "impersonation":
        text += (f", linking to a look-alike of {w.join(facts.impersonates)}" if en
                 else f", со ссылками на двойника {w.join(facts.impersonates)}")
    if facts.headlines and kind == "impersonation":
        text += " (" + "; ".join(f"«{headline}»" for _, headline in facts.headlines) + ")"
    if facts.seeder and facts.seeder_at:
        text += "; " + w("first_posted_by", who=facts.seeder, chat=facts.seeder_chat or "?",
                         when=w.moment(facts.seeder_at))
    return text + "."
