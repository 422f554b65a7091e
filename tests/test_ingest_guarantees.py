"""The ingest guarantees: idempotent, one transaction per file, refusals named, archives unpacked safely."""

import json
import multiprocessing
import stat
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.ingest import BATCH, CHUNK, ingest
from fakewatch.store.raw import raw_record
from fakewatch.store.tables.core import accounts, chats, entities, inputs, messages, raw_blocks

FIXTURES = Path(__file__).parent / "fixtures"


def export(path: Path, n: int, *, chat_id: int = 42, bad_at: int | None = None) -> Path:
    """A single-chat Telegram export of `n` messages; message `bad_at` has an impossible date."""
    msgs = []
    for i in range(1, n + 1):
        m = {"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": f"user{i % 7}",
             "text": ["hi ", {"type": "link", "text": f"https://x.kz/{i}"}]}
        if i == bad_at:
            m["date_unixtime"] = "99999999999"
        msgs.append(m)
    path.write_text(json.dumps({"name": "c", "type": "private_group", "id": chat_id, "messages": msgs}))
    return path


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (inputs, chats, accounts, messages, entities)}


def test_reingest_adds_nothing(fresh_db, tmp_path):
    path = export(tmp_path / "a.json", 30)
    assert ingest(fresh_db, [path]).added == 30
    before = counts(fresh_db)
    again = ingest(fresh_db, [path])
    assert again.added == 0 and again.files[0].skipped and counts(fresh_db) == before


def test_same_messages_under_another_name_and_a_grown_export(fresh_db, tmp_path):
    ingest(fresh_db, [export(tmp_path / "a.json", 30)])
    copy = ingest(fresh_db, [export(tmp_path / "b.json", 30)])
    assert copy.added == 0 and copy.files[0].messages == 30 and not copy.files[0].skipped
    grown = ingest(fresh_db, [export(tmp_path / "c.json", 35)])
    assert grown.added == 5
    assert counts(fresh_db)["messages"] == 35 and counts(fresh_db)["entities"] == 35


@pytest.mark.parametrize("parallel", [False, True])
def test_failure_mid_file_leaves_the_store_as_before_and_other_files_go_in(fresh_db, tmp_path, parallel):
    ingest(fresh_db, [export(tmp_path / "earlier.json", 3, chat_id=1)])
    before = counts(fresh_db)
    bad = export(tmp_path / "bad.json", BATCH + 500, chat_id=2, bad_at=BATCH + 300)  # after a batch was written
    good = export(tmp_path / "good.json", 10, chat_id=3)
    report = ingest(fresh_db, [bad, good], options={"parallel": parallel})
    assert [f.path for f in report.files] == [str(good)] and report.added == 10
    (refused,) = report.refused
    assert refused.path == str(bad)
    assert refused.position == f"messages[{BATCH + 299}].date_unixtime" and "out of range" in refused.problem
    after = counts(fresh_db)
    assert after["messages"] == before["messages"] + 10 and after["inputs"] == before["inputs"] + 1
    assert after["chats"] == before["chats"] + 1 and after["entities"] == before["entities"] + 10


def test_reader_process_dying_refuses_the_file(fresh_db, tmp_path, monkeypatch):
    import os

    from fakewatch.sources import telegram

    real = telegram.read

    def dies(ctx):
        for i, record in enumerate(real(ctx)):
            if i == 3000:  # after whole chunks reached the writer
                os._exit(3)
            yield record

    monkeypatch.setattr(telegram, "read", dies)  # the forked reader inherits it
    before = counts(fresh_db)
    report = ingest(fresh_db, [export(tmp_path / "a.json", 5000)], options={"parallel": True})
    (refused,) = report.refused
    assert "ended unexpectedly" in refused.problem and counts(fresh_db) == before
    assert not [t for t in threading.enumerate() if t.name == "fakewatch-drain"]


def test_writer_failing_while_the_reader_is_ahead_stops_both(fresh_db, tmp_path, monkeypatch):
    from fakewatch import ingest as ingest_module

    def fails(self):
        raise ValueError("disk says no")

    monkeypatch.setattr(ingest_module._Writer, "flush", fails)
    path = export(tmp_path / "a.json", (ingest_module.QUEUED_CHUNKS + 10) * ingest_module.CHUNK)  # fills the queue
    report = ingest(fresh_db, [path], options={"parallel": True})
    (refused,) = report.refused
    assert "disk says no" in refused.problem and counts(fresh_db)["messages"] == 0
    assert not [t for t in threading.enumerate() if t.name == "fakewatch-drain"]
    assert not multiprocessing.active_children()


def test_reader_process_gives_the_same_store(tmp_path):
    from fakewatch.store import open_store

    path = export(tmp_path / "a.json", 1200)
    stores = []
    for parallel in (False, True):
        engine = open_store(f"sqlite:///{tmp_path / f'{parallel}.db'}")
        report = ingest(engine, [path], options={"parallel": parallel})
        assert report.added == 1200 and not report.refused
        with engine.connect() as conn:
            rows = conn.execute(select(messages.c.id, messages.c.message_id, messages.c.sent_at)
                                .order_by(messages.c.id)).all()
            stores.append([(*row[1:], raw_record(conn, row.id)) for row in rows])
    assert stores[0] == stores[1]


def test_cli_exits_non_zero_naming_the_refused(tmp_path):
    good = export(tmp_path / "good.json", 3)
    bad = tmp_path / "broken.json"
    bad.write_text('{"name": "t", "type": "private_group", "id": 1, "messages": [{"id": 1,')
    result = CliRunner().invoke(app, ["ingest", str(good), str(bad), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert "broken.json" in result.output and "malformed JSON" in result.output
    stats = CliRunner().invoke(app, ["stats", "--json", "--db", str(tmp_path / "s.db")])
    data = json.loads(stats.output)
    assert (data["messages"], data["chats"], data["accounts"]) == (3, 1, 3)
    assert data["platforms"]["telegram"]["messages"] == 3


def test_unknown_format_and_missing_file_are_refused(fresh_db, tmp_path):
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01binary")
    report = ingest(fresh_db, [odd, tmp_path / "absent.json"])
    assert [r.problem for r in report.refused] == [
        "format not recognised (Telegram JSON, WhatsApp .txt, CSV, JSONL, HTML)", "no such file"]


@pytest.mark.parametrize("member", ["../escaped.txt", "sub/../../escaped.txt", "/tmp/escaped-abs.txt"])
def test_zip_with_escaping_paths_is_refused_and_nothing_written_outside(fresh_db, tmp_path, member):
    work = tmp_path / "work"
    work.mkdir()
    archive = work / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("result.json", export(tmp_path / "inner.json", 2).read_text())
        zf.writestr(member, "pwned")
    good = export(tmp_path / "good.json", 4)
    report = ingest(fresh_db, [archive, good])
    assert len(report.refused) == 1 and "escapes the archive" in report.refused[0].problem
    assert report.refused[0].path == str(archive)
    assert report.added == 4  # the other input still went in; nothing of the archive did
    assert not (tmp_path / "escaped.txt").exists() and not (work.parent.parent / "escaped.txt").exists()
    assert not Path("/tmp/escaped-abs.txt").exists()


def test_zip_with_symlink_is_refused(fresh_db, tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("photos/link.jpg")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    report = ingest(fresh_db, [archive])
    assert "symbolic links" in report.refused[0].problem


def test_zip_and_folder_inputs(fresh_db, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "telegram" / "full" / "result.json", "Telegram/result.json")
    report = ingest(fresh_db, [archive, FIXTURES / "whatsapp"])
    assert [Path(e.path).name for e in report.refused] == ["test_dateformat4.txt"]  # hour 13 p.m., on purpose
    assert str(report.files[0].path) == str(archive / "Telegram" / "result.json")
    assert {f.format for f in report.files} == {"telegram", "whatsapp"}
    assert report.added == 7 + sum(f.added for f in report.files if f.format == "whatsapp")


def test_message_repeated_in_a_later_batch_keeps_entities_on_the_right_rows(fresh_db, tmp_path):
    n = 2 * BATCH
    path = export(tmp_path / "a.json", n)
    data = json.loads(path.read_text())
    data["messages"].insert(n - 1, dict(data["messages"][0], text="changed"))  # id 1 again, in the last batch
    path.write_text(json.dumps(data))
    report = ingest(fresh_db, [path])
    assert report.added == n and report.files[0].messages == n + 1
    with fresh_db.connect() as conn:
        pairs = conn.execute(select(messages.c.message_id, entities.c.text)
                             .join(entities, entities.c.message_pk == messages.c.id)).all()
        first = conn.execute(select(messages.c.text).where(messages.c.message_id == "1")).scalar_one()
    assert len(pairs) == n and all(text == f"https://x.kz/{mid}" for mid, text in pairs)
    assert first == "hi https://x.kz/1"  # the first of the repeats is kept


def test_text_is_stored_as_text_and_the_raw_record_comes_back_whole(fresh_db, tmp_path):
    path = export(tmp_path / "a.json", 2)
    ingest(fresh_db, [path])
    with fresh_db.connect() as conn:
        pk, text, kind = conn.exec_driver_sql("SELECT id, text, typeof(text) FROM messages ORDER BY id").first()
        assert kind == "text" and text == "hi https://x.kz/1"
        assert raw_record(conn, pk) == json.loads(path.read_text())["messages"][0]


def test_raw_records_are_kept_once_per_message(fresh_db, tmp_path):
    n = 2 * CHUNK + 10
    ingest(fresh_db, [export(tmp_path / "a.json", n)], options={"parallel": True})
    ingest(fresh_db, [export(tmp_path / "b.json", n)])  # the same messages under another name: no new records
    ingest(fresh_db, [export(tmp_path / "c.json", n + 5)])  # a grown export: records of the five new messages
    with fresh_db.connect() as conn:
        blocks = conn.execute(select(raw_blocks.c.input_id, raw_blocks.c.seq)).all()
        assert blocks == [(1, 0), (1, 1), (1, 2), (3, 2)]
        last = conn.execute(select(func.max(messages.c.id))).scalar()
        assert raw_record(conn, last)["id"] == n + 5 and raw_record(conn, last - 5)["id"] == n


def test_lone_surrogate_escape_is_refused_with_byte_offset(fresh_db, tmp_path):
    path = tmp_path / "result.json"
    path.write_text('{"name": "t", "type": "private_group", "id": 1, "messages": [{"id": 1, "type": "message", '
                    '"date_unixtime": "1744974000", "from_id": "user1", "text": "a\\udc00b"}]}')
    (refused,) = ingest(fresh_db, [path]).refused
    assert refused.position.startswith("byte ") and "malformed JSON" in refused.problem


def test_a_source_with_records_of_its_own_stores_them_in_the_file_transaction(fresh_db, tmp_path, monkeypatch):
    """The extension point web pages use: records other than Chat/Message go to the source's store()."""
    from types import SimpleNamespace

    from fakewatch import sources
    from fakewatch.model import Chat

    stored: list = []

    def read(ctx):
        yield Chat("web", "example.kz")
        yield {"page": ctx.path.name}
        if ctx.path.name == "bad.page":
            raise ctx.fail("line 3", "broken page")

    def store(conn, records, input_id):
        stored.extend((r["page"], input_id) for r in records)
        return len(records)

    fake = SimpleNamespace(NAME="fakepage", sniff=lambda path, head: path.suffix == ".page", read=read, store=store)
    monkeypatch.setattr(sources, "SOURCES", [fake, *sources.SOURCES])
    (tmp_path / "good.page").write_text("x")
    (tmp_path / "bad.page").write_text("x")
    report = ingest(fresh_db, [tmp_path / "good.page", tmp_path / "bad.page"])
    assert report.added == 1 and [f.format for f in report.files] == ["fakepage"]
    assert report.refused[0].position == "line 3"
    assert [page for page, _ in stored] == ["good.page"]  # bad.page raised before its batch was stored
    with fresh_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(chats)).scalar_one() == 1


def test_cli_map_needs_column_equals_field(tmp_path):
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--map", "author_id", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and "COLUMN=FIELD" in result.output


def test_stats_per_platform_and_day(fresh_db):
    from fakewatch.store.stats import stats

    ingest(fresh_db, [FIXTURES / "whatsapp" / "WhatsApp Chat with March Group.txt", FIXTURES / "telegram" / "full"])
    data = stats(fresh_db)
    assert data["messages"] == 4 + 7 and data["platforms"]["whatsapp"] == {"messages": 4, "content_messages": 4,
                                                                         "chats": 1, "accounts": 1}
    assert data["days"]["2025-04-18"] == 3 + 5 and data["days"]["2025-04-13"] == 1  # + the unsupported one
    assert sum(data["days"].values()) == data["messages"]
