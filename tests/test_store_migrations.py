"""Store migrations keep what is stored: a store made before raw blocks keeps every raw record."""

import json

from alembic import command
from sqlalchemy import inspect, text

from fakewatch.store import open_store
from fakewatch.store.db import alembic_config, migrate
from fakewatch.store.raw import raw_record


def test_raw_text_column_moves_into_blocks_without_losing_a_record(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'old.db'}", upgrade=False)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "core_0001")  # the store as the first release wrote it
        for input_id in (1, 2):
            conn.execute(text("INSERT INTO inputs (id, path, sha256, format, messages, added, chats, accounts, "
                              "ingested_at) VALUES (:i, :p, 'x', 'telegram', 0, 0, 0, 0, '2025-01-01')"),
                         {"i": input_id, "p": f"in{input_id}.json"})
        records = {pk: {"id": pk, "text": f"строка {pk}\nвторая", "n": [pk, None]} for pk in range(1, 2502)}
        conn.execute(text("INSERT INTO messages (id, platform, chat_id, message_id, sent_at, kind, text, raw, "
                          "input_id) VALUES (:pk, 'telegram', '1', :pk, '2025-01-01', 'message', '', :raw, :i)"),
                     [{"pk": pk, "raw": json.dumps(r, ensure_ascii=False), "i": 1 if pk <= 1500 else 2}
                      for pk, r in records.items()])
        conn.execute(text("INSERT INTO messages (id, platform, chat_id, message_id, sent_at, kind, text, input_id) "
                          "VALUES (9000, 'whatsapp', '1', '1', '2025-01-01', 'message', '', 2)"))
        conn.execute(text("INSERT INTO entities (message_pk, seq, type, text) VALUES (2000, 0, 'link', 'x.kz')"))
    migrate(engine)
    assert "raw" not in {c["name"] for c in inspect(engine).get_columns("messages")}
    with engine.connect() as conn:
        assert all(raw_record(conn, pk) == record for pk, record in records.items())
        assert raw_record(conn, 9000) is None
        blocks = conn.execute(text("SELECT input_id, seq FROM raw_blocks ORDER BY input_id, seq")).all()
        assert blocks == [(1, 0), (1, 1), (2, 0), (2, 1)]
        assert conn.execute(text("SELECT message_pk FROM entities")).scalar() == 2000
    with engine.begin() as conn:  # and back: every record in its text column again
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "core_0001")
        back = dict(conn.execute(text("SELECT id, raw FROM messages WHERE raw IS NOT NULL")).all())
    assert {pk: json.loads(raw) for pk, raw in back.items()} == records
    assert "raw_blocks" not in inspect(engine).get_table_names()
