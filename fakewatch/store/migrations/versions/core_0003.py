"""WhatsApp message ids derived from the message (minute, content, occurrence), not its line; account aliases

Stores written before this hold WhatsApp messages under their ordinal in the file
they came from. Each input's messages are renumbered in that order with the ids
the reader now gives (sources/whatsapp_identity.py), so a file re-ingested after
the upgrade adds nothing. Where two inputs of one chat held the same message
(one group exported by two members), the copy stored later is dropped with what
hangs on it, and when it named another sender the two names are linked as
aliases with that message as evidence (store/aliases.py's rule: text, not
repeated in its minute in either input).

Downgrade gives each input's WhatsApp messages ordinals again, in the order of
their line in the file (the raw record keeps it): the old ids exactly for a chat
read from one file; where a second input's ordinal is taken already, the id is
suffixed with "-<input id>" so nothing is lost.

Revision ID: core_0003
Revises: core_0002
"""

from collections import Counter
from datetime import datetime, timezone

import orjson
import sqlalchemy as sa
from alembic import op

from fakewatch.sources.whatsapp_identity import content, message_id, minute_of
from fakewatch.store.raw import unpack

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None

_CHUNK = 500  # rows per UPDATE/DELETE batch


def upgrade() -> None:
    op.create_table(
        "account_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.String(255), nullable=False),
        sa.Column("alias_id", sa.String(255), nullable=False),
        sa.Column("input_id", sa.Integer, sa.ForeignKey("inputs.id", name="fk_account_aliases_input_id_inputs"),
                  nullable=False),
        sa.UniqueConstraint("account_id", "alias_id", name="uq_account_aliases_pair"),
    )
    op.create_index("ix_account_aliases_account_id", "account_aliases", ["account_id"])
    op.create_index("ix_account_aliases_alias_id", "account_aliases", ["alias_id"])
    op.create_table(
        "alias_evidence",
        sa.Column("alias_pk", sa.Integer, sa.ForeignKey("account_aliases.id", name="fk_alias_evidence_alias_pk_account_aliases"),
                  primary_key=True),
        sa.Column("message_pk", sa.Integer, sa.ForeignKey("messages.id", name="fk_alias_evidence_message_pk_messages"),
                  primary_key=True),
    )
    _renumber(op.get_bind())


def _renumber(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text(
        "SELECT id, chat_id, message_id, input_id, account_id, sent_at, kind, text, "
        "EXISTS (SELECT 1 FROM media WHERE media.message_pk = messages.id) AS has_media "
        "FROM messages WHERE platform = 'whatsapp' ORDER BY input_id, chat_id")).all()
    rows.sort(key=lambda r: (r.input_id, r.chat_id, _ordinal(r.message_id), r.id))
    counts: Counter = Counter()  # (input, chat, minute, content) -> entries so far
    keys = {}
    for r in rows:
        key = (minute_of(_aware(r.sent_at)), content(r.kind, r.text, bool(r.has_media)))
        counts[(r.input_id, r.chat_id, *key)] += 1
        keys[r.id] = (key, counts[(r.input_id, r.chat_id, *key)] - 1)
    kept: dict[tuple[str, str], object] = {}  # (chat, new id) -> the row that keeps it
    renames, dropped, links = [], [], []
    for r in sorted(rows, key=lambda r: r.id):
        key, occurrence = keys[r.id]
        new = message_id(*key, occurrence)
        held = kept.get((r.chat_id, new))
        if held is None:
            kept[(r.chat_id, new)] = r
            renames.append({"pk": r.id, "mid": new})
            continue
        dropped.append(r.id)
        single = counts[(r.input_id, r.chat_id, *key)] == 1 and counts[(held.input_id, held.chat_id, *key)] == 1
        if single and r.kind == "message" and r.text.strip() and held.account_id and r.account_id \
                and held.account_id != r.account_id:
            links.append((held.account_id, r.account_id, r.input_id, held.id))
    # every row to a temporary id first: a new id may equal another row's old one
    for start in range(0, len(renames), _CHUNK):
        conn.execute(sa.text("UPDATE messages SET message_id = 'migrating-' || id WHERE id = :pk"),
                     renames[start:start + _CHUNK])
    _delete(conn, "messages", dropped)
    for start in range(0, len(renames), _CHUNK):
        conn.execute(sa.text("UPDATE messages SET message_id = :mid WHERE id = :pk"), renames[start:start + _CHUNK])
    for held, seen, input_id, pk in links:
        _link(conn, held, seen, input_id, pk)


def _ordinal(message_id: str) -> int:
    return int(message_id) if message_id.isdigit() else 0


def _aware(value: datetime | str) -> datetime:
    """A stored naive-UTC time as an aware datetime (SQLite hands back text)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc)


def _delete(conn: sa.Connection, table: str, pks: list[int]) -> None:
    """Delete rows `pks` of `table` with what refers to them: rows of required references deleted in
    turn, optional references (a cluster's representative) set to NULL."""
    if not pks:
        return
    inspector = sa.inspect(conn)
    for other in inspector.get_table_names():
        columns = {c["name"]: c for c in inspector.get_columns(other)}
        for fk in inspector.get_foreign_keys(other):
            if fk["referred_table"] != table or fk["referred_columns"] != ["id"]:
                continue
            (column,) = fk["constrained_columns"]
            for part in _parts(pks):
                if columns[column]["nullable"]:
                    _run(conn, f"UPDATE {other} SET {column} = NULL WHERE {column} IN :pks", part)
                elif "id" in columns:
                    _delete(conn, other, list(_run(conn, f"SELECT id FROM {other} WHERE {column} IN :pks", part)
                                              .scalars()))
                else:
                    _run(conn, f"DELETE FROM {other} WHERE {column} IN :pks", part)
    for part in _parts(pks):
        _run(conn, f"DELETE FROM {table} WHERE id IN :pks", part)


def _parts(pks: list[int]) -> list[list[int]]:
    return [pks[start:start + _CHUNK] for start in range(0, len(pks), _CHUNK)]


def _run(conn: sa.Connection, sql: str, pks: list[int]) -> sa.CursorResult:
    """`sql` with its `:pks` expanded to the list."""
    return conn.execute(sa.text(sql).bindparams(sa.bindparam("pks", expanding=True)), {"pks": pks})


def _link(conn: sa.Connection, held: str, seen: str, input_id: int, message_pk: int) -> None:
    """store/aliases.py's `_pair` and evidence row, in SQL fixed at this revision."""
    pk = conn.execute(sa.text("SELECT id FROM account_aliases WHERE (account_id = :a AND alias_id = :b) "
                              "OR (account_id = :b AND alias_id = :a)"), {"a": held, "b": seen}).scalar()
    if pk is None:
        phone = lambda a: a.partition(":")[2].startswith("+") and a.partition(":")[2][1:].isdigit()  # noqa: E731
        account, alias = (seen, held) if phone(seen) and not phone(held) else (held, seen)
        conn.execute(sa.text("INSERT INTO account_aliases (account_id, alias_id, input_id) VALUES (:a, :b, :i)"),
                     {"a": account, "b": alias, "i": input_id})
        pk = conn.execute(sa.text("SELECT id FROM account_aliases WHERE account_id = :a AND alias_id = :b"),
                          {"a": account, "b": alias}).scalar_one()
    conn.execute(sa.text("INSERT INTO alias_evidence (alias_pk, message_pk) VALUES (:p, :m) ON CONFLICT DO NOTHING"),
                 {"p": pk, "m": message_pk})


def downgrade() -> None:
    conn = op.get_bind()
    op.drop_table("alias_evidence")
    op.drop_index("ix_account_aliases_alias_id", "account_aliases")
    op.drop_index("ix_account_aliases_account_id", "account_aliases")
    op.drop_table("account_aliases")
    rows = conn.execute(sa.text("SELECT id, chat_id, input_id, raw_block, raw_index FROM messages "
                                "WHERE platform = 'whatsapp' ORDER BY input_id, id")).all()
    blocks: dict[tuple[int, int], list[bytes]] = {}

    def line(r) -> int:
        if r.raw_block is None:
            return 0
        if (r.input_id, r.raw_block) not in blocks:
            blocks[(r.input_id, r.raw_block)] = unpack(conn.execute(
                sa.text("SELECT data FROM raw_blocks WHERE input_id = :i AND seq = :s"),
                {"i": r.input_id, "s": r.raw_block}).scalar_one())
        return int(orjson.loads(blocks[(r.input_id, r.raw_block)][r.raw_index]).get("line", 0))

    ordered = sorted(rows, key=lambda r: (r.input_id, r.chat_id, line(r), r.id))
    taken: set[tuple[str, str]] = set()
    updates, ordinal, group = [], 0, None
    for r in ordered:
        if (r.input_id, r.chat_id) != group:
            group, ordinal = (r.input_id, r.chat_id), 0
        ordinal += 1
        old = str(ordinal) if (r.chat_id, str(ordinal)) not in taken else f"{ordinal}-{r.input_id}"
        taken.add((r.chat_id, old))
        updates.append({"pk": r.id, "mid": old})
    for start in range(0, len(updates), _CHUNK):
        conn.execute(sa.text("UPDATE messages SET message_id = 'migrating-' || id WHERE id = :pk"),
                     updates[start:start + _CHUNK])
    for start in range(0, len(updates), _CHUNK):
        conn.execute(sa.text("UPDATE messages SET message_id = :mid WHERE id = :pk"), updates[start:start + _CHUNK])
