"""raw records in zstd blocks (raw_blocks) instead of a JSON text column on messages

Revision ID: core_0002
Revises: core_0001
"""

import sqlalchemy as sa
from alembic import op

from fakewatch.store.raw import pack, unpack

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None

BLOCK = 1000


def upgrade() -> None:
    op.create_table(
        "raw_blocks",
        sa.Column("input_id", sa.Integer, sa.ForeignKey("inputs.id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.add_column("messages", sa.Column("raw_block", sa.Integer))
    op.add_column("messages", sa.Column("raw_index", sa.Integer))
    _move_raw_into_blocks(op.get_bind())
    op.drop_column("messages", "raw")  # native on SQLite >= 3.35: no table rebuild, entities keep their keys


def _move_raw_into_blocks(conn: sa.Connection) -> None:
    """Pack the stored raw records, in message order, up to a thousand to a block of their input."""
    blocks: dict[int, int] = {}  # input_id -> blocks written
    after = 0
    while rows := conn.execute(sa.text("SELECT id, input_id, raw FROM messages WHERE id > :after AND raw IS NOT NULL "
                                       "ORDER BY id LIMIT :n"), {"after": after, "n": BLOCK}).all():
        by_input: dict[int, list] = {}
        for row in rows:
            by_input.setdefault(row.input_id, []).append(row)
        for input_id, group in by_input.items():
            seq = blocks.get(input_id, 0)
            blocks[input_id] = seq + 1
            conn.execute(sa.text("INSERT INTO raw_blocks (input_id, seq, data) VALUES (:i, :s, :d)"),
                         {"i": input_id, "s": seq, "d": pack([row.raw.encode("utf-8") for row in group])})
            conn.execute(sa.text("UPDATE messages SET raw_block = :s, raw_index = :n WHERE id = :pk"),
                         [{"s": seq, "n": n, "pk": row.id} for n, row in enumerate(group)])
        after = rows[-1].id


def downgrade() -> None:
    op.add_column("messages", sa.Column("raw", sa.Text))
    conn = op.get_bind()
    places = conn.execute(sa.text("SELECT id, input_id, raw_block, raw_index FROM messages "
                                  "WHERE raw_block IS NOT NULL ORDER BY input_id, raw_block")).all()
    block, records = None, []
    for start in range(0, len(places), BLOCK):
        updates = []
        for pk, input_id, seq, index in places[start:start + BLOCK]:
            if (input_id, seq) != block:
                block = (input_id, seq)
                records = unpack(conn.execute(sa.text("SELECT data FROM raw_blocks WHERE input_id = :i AND seq = :s"),
                                              {"i": input_id, "s": seq}).scalar_one())
            updates.append({"raw": records[index].decode("utf-8"), "pk": pk})
        conn.execute(sa.text("UPDATE messages SET raw = :raw WHERE id = :pk"), updates)
    op.drop_column("messages", "raw_index")
    op.drop_column("messages", "raw_block")
    op.drop_table("raw_blocks")
