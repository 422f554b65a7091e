"""`fakewatch doctor` names what is wrong with the store, the data folder and the set-up."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, update
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.doctor import check_data_dir, check_setup, check_store
from fakewatch.ingest import ingest
from fakewatch.store import open_store
from fakewatch.store.tables.core import messages, raw_blocks


@pytest.fixture
def store(tmp_path):
    """A store with one 2,500-message export in it (three raw blocks), and its URL."""
    msgs = [{"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": "user1", "text": f"t {i}"}
            for i in range(1, 2501)]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "c", "type": "private_group", "id": 4, "messages": msgs}))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = open_store(url)
    assert ingest(engine, [path]).added == 2500
    return engine, url


def problems(findings) -> list[str]:
    return [f.message for f in findings if not f.ok]


def test_a_healthy_store_passes(store, tmp_path):
    _, url = store
    result = CliRunner().invoke(app, ["doctor", "--db", url, "--data-dir", str(tmp_path / "web"), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert all(f["ok"] for f in found) and any("all 2,500 messages have their raw record" in f["message"]
                                               for f in found)


def test_a_lost_raw_block_is_named(store):
    engine, url = store
    with engine.begin() as conn:
        conn.execute(delete(raw_blocks).where(raw_blocks.c.seq == 1))
    [problem] = problems(check_store(url))
    assert problem.startswith("1,000 messages have lost their raw record") and "input 1 block 1 is missing" in problem
    assert CliRunner().invoke(app, ["doctor", "--db", url]).exit_code == 1


def test_a_damaged_block_and_messages_without_records_are_named(store):
    engine, url = store
    with engine.begin() as conn:
        conn.execute(update(raw_blocks).where(raw_blocks.c.seq == 2).values(data=b"not zstd"))
        conn.execute(update(messages).where(messages.c.message_id.in_(["1", "2"])).values(raw_block=None))
    found = problems(check_store(url))
    assert any("2 of 2,500 messages were stored without a raw record" in p for p in found)
    assert any("input 1 block 2 is damaged" in p for p in found)


def test_migrations_behind_and_a_missing_or_foreign_store(store, tmp_path):
    engine, url = store
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM alembic_version WHERE version_num LIKE 'web%'")
    assert any("migration(s) not applied: web_" in p for p in problems(check_store(url)))  # the web branch's head
    assert "no store at" in problems(check_store(f"sqlite:///{tmp_path / 'none.db'}"))[0]
    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 100)
    assert "cannot open the store" in problems(check_store(f"sqlite:///{tmp_path / 'junk.db'}"))[0]


def test_data_folder_problems(tmp_path):
    folder = tmp_path / "web"
    (folder / "jobs" / "20260101-x" / "unpacked").mkdir(parents=True)
    (folder / "secret_key").write_text("k")
    (folder / "secret_key").chmod(0o644)
    found = problems(check_data_dir(folder))
    assert any("can be read by other users (mode 644)" in p for p in found)
    assert any("1 job folder(s) still hold an unpacked copy" in p for p in found)


def test_setup_is_complete_here():
    assert problems(check_setup()) == []
