"""Accounts seen under two names: linked as aliases, with the messages that show it.

Two members' exports of one WhatsApp group name a sender as each phone's contact
book does: "Айгуль" in one, "+7 701 555 0101" in the other. Message ids derive
from the message, not the sender (sources/whatsapp_identity.py), so a message
the store holds under one name comes back under the other; that message is the
evidence. Only messages that cannot be confused with another are taken: text,
not repeated in their minute in the file being read nor in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select

from fakewatch.store import insert_ignore
from fakewatch.store.tables.core import account_aliases, alias_evidence, messages

_ID_CHUNK = 400  # message ids per IN (...): two lists per query under SQLite's 999 parameters


@dataclass(frozen=True, slots=True)
class Sighting:
    """A message read under `account_id`; `sibling` is the id a second identical one in its minute would get."""

    message_id: str
    sibling: str
    account_id: str


@dataclass
class Sightings:
    """The unambiguous messages of one chat in one file, handed to `link` after the file is read."""

    platform: str
    chat_id: str
    items: list[Sighting] = field(default_factory=list)


def is_phone(account_id: str) -> bool:
    """Whether the account's native id is an E.164 number (how the sources write phone numbers)."""
    native = account_id.partition(":")[2]
    return native.startswith("+") and native[1:].isdigit()


def link(conn: Any, found: Sightings, input_id: int) -> int:
    """Link every name in `found` that the store holds the same messages under another name for; returns
    the number of evidence rows added. Runs before the file's own messages are written, so what it
    compares with is what earlier files stored."""
    wanted = {s.message_id: s for s in found.items}
    ids = list(wanted)
    added = 0
    for start in range(0, len(ids), _ID_CHUNK):
        part = ids[start:start + _ID_CHUNK]
        siblings = [wanted[i].sibling for i in part]
        here = and_(messages.c.platform == found.platform, messages.c.chat_id == found.chat_id)
        repeated = set(conn.execute(select(messages.c.message_id).where(here, messages.c.message_id.in_(siblings)))
                       .scalars())
        rows = conn.execute(select(messages.c.id, messages.c.message_id, messages.c.account_id).where(
            here, messages.c.message_id.in_(part), messages.c.account_id.is_not(None),
            messages.c.input_id != input_id))
        for pk, message_id, held in rows:
            seen = wanted[message_id]
            if held == seen.account_id or seen.sibling in repeated:
                continue
            added += _evidence(conn, _pair(conn, held, seen.account_id, input_id), pk)
    return added


def store_sightings(conn: Any, records: list[Sightings], input_id: int) -> int:
    """The `store` hook a source hands its Sightings to (sources/base.py): links them; no messages added."""
    for found in records:
        if not isinstance(found, Sightings):
            raise TypeError(f"expected Sightings, got {type(found).__name__}")
        link(conn, found, input_id)
    return 0


def _pair(conn: Any, held: str, seen: str, input_id: int) -> int:
    """The alias row linking `held` and `seen` (made if new): the phone number is kept as the account."""
    existing = conn.execute(select(account_aliases.c.id).where(or_(
        and_(account_aliases.c.account_id == held, account_aliases.c.alias_id == seen),
        and_(account_aliases.c.account_id == seen, account_aliases.c.alias_id == held)))).scalar()
    if existing is not None:
        return existing
    account, alias = (seen, held) if is_phone(seen) and not is_phone(held) else (held, seen)
    return conn.execute(account_aliases.insert().values(account_id=account, alias_id=alias, input_id=input_id)
                        ).inserted_primary_key[0]


def _evidence(conn: Any, alias_pk: int, message_pk: int) -> int:
    stmt = insert_ignore(conn.engine, alias_evidence, ["alias_pk", "message_pk"])
    return conn.execute(stmt, [{"alias_pk": alias_pk, "message_pk": message_pk}]).rowcount


def aliases(conn: Any, account_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Alias links (of `account_ids` only, when given): account, alias, and the evidence messages'
    identities."""
    links = conn.execute(select(account_aliases.c.id, account_aliases.c.account_id, account_aliases.c.alias_id)
                         .order_by(account_aliases.c.account_id, account_aliases.c.alias_id)).all()
    wanted = None if account_ids is None else set(account_ids)
    out = []
    for pk, account, alias in links:
        if wanted is not None and account not in wanted and alias not in wanted:
            continue
        shown = conn.execute(
            select(messages.c.platform, messages.c.chat_id, messages.c.message_id)
            .join(alias_evidence, alias_evidence.c.message_pk == messages.c.id)
            .where(alias_evidence.c.alias_pk == pk).order_by(messages.c.sent_at, messages.c.id)).all()
        out.append({"account": account, "alias": alias,
                    "messages": [{"platform": p, "chat_id": c, "message_id": m} for p, c, m in shown]})
    return out
