"""core_0003: a store written with line-ordinal WhatsApp ids migrates to derived ids, and back."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from fakewatch.ingest import ingest
from fakewatch.model import Message
from fakewatch.sources import ReadContext, whatsapp
from fakewatch.store import open_store
from fakewatch.store.aliases import aliases
from fakewatch.store.db import alembic_config, migrate

MEMBERS = Path(__file__).parent / "fixtures" / "whatsapp_members"
FULL = MEMBERS / "WhatsApp Chat with Parents 5B.txt"
LATER = MEMBERS / "WhatsApp Chat with 5B Class.txt"
OPTIONS = {"chat": "Parents 5B", "date_order": "dmy"}


def _read(path: Path) -> list[Message]:
    ctx = ReadContext(path=path, root=path.parent, options=OPTIONS)
    return [r for r in whatsapp.read(ctx) if isinstance(r, Message)]


def _old_store(engine, paths: list[Path]) -> None:
    """What the first releases stored for `paths`: ids the entries' ordinals, so the second file's
    first entries collided with the first's and were dropped, and its later ones doubled them."""
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "core_0002")
        command.upgrade(cfg, "detect@head")
        for input_id, path in enumerate(paths, 1):
            conn.execute(text("INSERT INTO inputs (id, path, sha256, format, messages, added, chats, accounts, "
                              "ingested_at) VALUES (:i, :p, :s, 'whatsapp', 0, 0, 0, 0, '2025-01-01')"),
                         {"i": input_id, "p": str(path), "s": f"sha{input_id}"})
            for ordinal, m in enumerate(_read(path), 1):
                pk = conn.execute(text(
                    "INSERT INTO messages (platform, chat_id, message_id, account_id, sent_at, kind, text, input_id) "
                    "VALUES ('whatsapp', :c, :o, :a, :t, :k, :x, :i) ON CONFLICT DO NOTHING RETURNING id"),
                    {"c": m.chat_id, "o": str(ordinal), "a": m.account_id, "t": m.sent_at.replace(tzinfo=None),
                     "k": m.kind, "x": m.text, "i": input_id}).scalar()
                if pk is not None and m.media:
                    conn.execute(text("INSERT INTO media (message_pk, seq, kind, file_absent) VALUES (:m, 0, 'file', 1)"),
                                 {"m": pk})


def _ids(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT message_id, text FROM messages WHERE platform = 'whatsapp'")).all())


def test_old_ordinal_ids_become_derived_doubles_merge_and_aliases_are_found(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'old.db'}", upgrade=False)
    _old_store(engine, [LATER, FULL])
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM messages")).scalar() == 12 + 5  # 12 of FULL's lost
        double = conn.execute(text("SELECT id FROM messages WHERE input_id = 2 AND text LIKE 'Please%'")).scalar()
        kept = conn.execute(text("SELECT id FROM messages WHERE input_id = 1 AND text LIKE 'Please%'")).scalar()
        conn.execute(text("INSERT INTO clusters (id, kind, key, size, accounts, chats, representative_pk, first_seen, "
                          "last_seen) VALUES (1, 'text', 'please', 2, 2, 1, :d, '2024-12-03', '2024-12-03')"),
                     {"d": double})
        conn.execute(text("INSERT INTO cluster_members (cluster_id, message_pk) VALUES (1, :d), (1, :k)"),
                     {"d": double, "k": kept})
    migrate(engine)
    held = _ids(engine)
    later = {m.message_id: m.text for m in _read(LATER)}
    assert held == later  # the 5 doubles merged into the rows they doubled, under the reader's ids
    with engine.connect() as conn:
        assert conn.execute(text("SELECT message_pk FROM cluster_members")).scalars().all() == [kept]
        assert conn.execute(text("SELECT representative_pk FROM clusters")).scalar() is None
        linked = {(a["account"], a["alias"]): len(a["messages"]) for a in aliases(conn)}
    assert linked == {("whatsapp:Aigul Teacher", "whatsapp:Aigul"): 2, ("whatsapp:+77025550202", "whatsapp:Bekzat"): 1}
    report = ingest(engine, [MEMBERS], options=OPTIONS)  # both again, under their folder's path
    assert sum(f.added for f in report.files) == 7  # FULL's entries the old ids had lost, and nothing more
    assert len(_ids(engine)) == 19


def test_downgrade_gives_ordinals_back(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'new.db'}")
    ingest(engine, [FULL, LATER], options=OPTIONS)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "core_0002")
        rows = conn.execute(text("SELECT input_id, message_id, text FROM messages ORDER BY id")).all()
    assert [r.message_id for r in rows if r.input_id == 1] == [str(n) for n in range(1, 18)]
    assert [r.message_id for r in rows if r.input_id == 2] == ["1-2", "2-2"]  # ordinals FULL holds already
    assert {"account_aliases", "alias_evidence"}.isdisjoint(inspect(engine).get_table_names())
    migrate(engine)  # and up again: the reader's ids once more
    assert _ids(engine).keys() == {m.message_id for m in _read(FULL)} | {m.message_id for m in _read(LATER)}
