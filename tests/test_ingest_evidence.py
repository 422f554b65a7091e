"""Every stored message keeps its raw record, on both read paths, whatever the file size and chunk boundaries.

Issue 21: read in a second process, a chunk's raw block arrived after its rows;
when the writer flushed a batch between the two, the block was dropped and
1,000 messages (pks 5000-5999 of a 10,905-message export) had no record.
"""

import json

import orjson
import pytest
from sqlalchemy import select

from fakewatch import ingest as ingest_module
from fakewatch.demo.writers import telegram_json
from fakewatch.ingest import ingest
from fakewatch.store import open_store, raw
from fakewatch.store.tables.core import messages, raw_blocks

SMALL_CHUNK = 7  # records per chunk in these tests: many boundaries in a few hundred messages
SMALL_BATCH = 3 * SMALL_CHUNK + 2  # a batch that ends mid-chunk, the case that lost blocks
SIZES = [1, SMALL_CHUNK - 1, SMALL_CHUNK, SMALL_CHUNK + 1, SMALL_BATCH - 1, SMALL_BATCH, SMALL_BATCH + 1,
         4 * SMALL_BATCH + 3, 200]
LAYOUTS = {
    "exporter": lambda obj: telegram_json(obj, 0),  # cut at Telegram Desktop's layout: records are file bytes
    "indented": lambda obj: json.dumps(obj, indent=3, ensure_ascii=False),  # another indent, still cut
    "compact": lambda obj: json.dumps(obj, ensure_ascii=False),  # off the layout: the streaming parser
}


def _messages(n: int) -> list[dict]:
    return [{"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": f"user{i % 5}",
             "text": ["привет ", {"type": "link", "text": f"https://x.kz/{i}"}] if i % 3 else f"plain {i}"}
            for i in range(1, n + 1)]


def stored_records(engine) -> list[tuple[str, bytes | None]]:
    """(message_id, raw record bytes or None) of every stored message, in key order."""
    with engine.connect() as conn:
        blocks = {(b.input_id, b.seq): raw.unpack(b.data) for b in conn.execute(select(raw_blocks))}
        rows = conn.execute(select(messages.c.message_id, messages.c.input_id, messages.c.raw_block,
                                   messages.c.raw_index).order_by(messages.c.id)).all()
    return [(r.message_id, blocks[(r.input_id, r.raw_block)][r.raw_index]
             if (r.input_id, r.raw_block) in blocks else None) for r in rows]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(ingest_module, "CHUNK", SMALL_CHUNK)
    monkeypatch.setattr(ingest_module, "BATCH", SMALL_BATCH)
    monkeypatch.setattr(ingest_module, "PARALLEL_MIN_BYTES", 1)  # the size rule itself picks the second process


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("n", SIZES)
def test_every_message_keeps_its_raw_record_on_both_read_paths(tmp_path, small_chunks, layout, n):
    msgs = _messages(n)
    path = tmp_path / "result.json"
    path.write_text(LAYOUTS[layout]({"name": "c", "type": "private_group", "id": 9, "messages": msgs}))
    held = path.read_bytes()
    results = {}
    for parallel in (False, None):  # None: the default, which PARALLEL_MIN_BYTES=1 sends to the reader process
        engine = open_store(f"sqlite:///{tmp_path / f'{parallel}.db'}")
        report = ingest(engine, [path], options={"parallel": parallel})
        assert not report.refused and report.added == n
        records = stored_records(engine)
        assert [mid for mid, _ in records] == [str(m["id"]) for m in msgs]
        assert all(record is not None for _, record in records), "a message lost its raw record"
        assert [orjson.loads(record) for _, record in records] == msgs
        results[parallel] = records
    assert results[False] == results[None]
    if layout != "compact":  # records cut from the file are its bytes, in the file's order
        at = 0
        for _, record in results[False]:
            at = held.index(record, at) + len(record)


def test_the_reported_export_keeps_every_record_when_read_in_parallel(tmp_path):
    """The size the audit reported, at the real chunk and batch sizes (the block after message 5,000)."""
    n = 10_905
    path = tmp_path / "result.json"
    path.write_text(telegram_json({"name": "c", "type": "private_group", "id": 9, "messages": _messages(n)}, 0))
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    assert ingest(engine, [path], options={"parallel": True}).added == n
    assert [mid for mid, record in stored_records(engine) if record is None] == []


def test_a_block_that_misses_its_batch_refuses_the_file(fresh_db, tmp_path, monkeypatch):
    """Should a reader ever hand a block after a flush again, the file is refused, not stored without evidence."""
    real = ingest_module._prepared

    def late_blocks(*args):
        held = []
        for chunk in real(*args):
            held += [r for r in chunk if type(r) is ingest_module._RawBlock]
            yield [r for r in chunk if type(r) is not ingest_module._RawBlock]
        yield held

    monkeypatch.setattr(ingest_module, "_prepared", late_blocks)
    monkeypatch.setattr(ingest_module, "CHUNK", SMALL_CHUNK)
    monkeypatch.setattr(ingest_module, "BATCH", SMALL_BATCH)
    path = tmp_path / "result.json"
    path.write_text(telegram_json({"name": "c", "type": "private_group", "id": 9, "messages": _messages(50)}, 0))
    report = ingest(fresh_db, [path], options={"parallel": False})
    assert not report.files and "did not reach the writer" in report.refused[0].problem
    with fresh_db.connect() as conn:
        assert conn.execute(select(messages.c.id)).first() is None
