"""Accounts seen under two names: linked as aliases, with the messages that show it.

Two members' exports of one WhatsApp group name a sender as each phone's contact
book does: "Айгуль" in one, "+7 701 555 0101" in the other. Message ids derive
from the message, not the sender (sources/whatsapp_identity.py), so a message
the store holds under one name comes back under the other; that message is the
evidence. Only messages that cannot be confused with another are taken: text,
not repeated in their minute in the file being read nor in the store.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from fakewatch.sources.whatsapp_identity import Sightings
from fakewatch.store import insert_ignore
from fakewatch.store.tables.core import account_aliases, alias_evidence, messages

_ID_CHUNK = 900  # message ids per IN (...): under SQLite's default limit of 999 bound parameters


def is_phone(account_id: str) -> bool:
    """Whether the account's native id is an E.164 number (how the sources write phone numbers)."""
    native = account_id.partition(":")[2]
    return native.startswith("+") and native[1:].isdigit()


def link(conn: Any, found: Sightings, input_id: int) -> int:
    """Link every name in `found` that the store holds the same messages under another name for; returns
    the number of evidence rows added. Runs before the file's own messages are written, so what it
    compares with is what earlier files stored."""
    here = and_(messages.c.platform == found.platform, messages.c.chat_id == found.chat_id)
    if conn.execute(select(messages.c.id).where(here, messages.c.input_id != input_id).limit(1)).first() is None:
        return 0  # the chat is new to the store: nothing to compare with (the common case, and a quick one)
    wanted = {s.message_id: s for s in found.items}
    ids = list(wanted)
    named_otherwise = []  # (pk, held account, sighting): the rare case, checked for repeats below
    for start in range(0, len(ids), _ID_CHUNK):
        rows = conn.execute(select(messages.c.id, messages.c.message_id, messages.c.account_id).where(
            here, messages.c.message_id.in_(ids[start:start + _ID_CHUNK]), messages.c.account_id.is_not(None),
            messages.c.input_id != input_id))
        named_otherwise += [(pk, held, wanted[mid]) for pk, mid, held in rows if held != wanted[mid].account_id]
    added = 0
    for start in range(0, len(named_otherwise), _ID_CHUNK):
        part = named_otherwise[start:start + _ID_CHUNK]
        repeated = set(conn.execute(select(messages.c.message_id).where(
            here, messages.c.message_id.in_([seen.sibling for _, _, seen in part]))).scalars())
        for pk, held, seen in part:
            if seen.sibling not in repeated:
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
