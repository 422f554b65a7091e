"""kill -9 during ingest: the store opens, nothing committed is lost, nothing is half-visible, a re-run completes.

The ingest runs in a forked child that is killed at seeded random moments over
the length of a clean run; after each kill the store must pass doctor's store
checks (SQLite integrity, every message with its raw record) and every input it
lists must be there whole. A final run must leave the same messages and raw
records as a clean run. Bounded: KILLS kills of a run of about a second.
The whole pipeline and the web upload job are killed the same way in
bench/crash_bench.py (minutes, not for `make test`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time

from sqlalchemy import func, select

from fakewatch.doctor import check_store
from fakewatch.ingest import ingest
from fakewatch.store import open_store
from fakewatch.store import raw
from fakewatch.store.tables.core import inputs, messages, raw_blocks

FILES, PER_FILE = 8, 1500
KILLS = 6
SEED = 21  # the number: the same moments every run


def exports(folder) -> list:
    paths = []
    for f in range(FILES):
        msgs = [{"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": f"user{i % 13}",
                 "text": ["post ", {"type": "link", "text": f"https://x.kz/{f}/{i}"}]} for i in range(1, PER_FILE + 1)]
        path = folder / f"chat{f}.json"
        path.write_text(json.dumps({"name": f"c{f}", "type": "private_group", "id": 500 + f, "messages": msgs}))
        paths.append(path)
    return paths


def _run(url: str, paths: list) -> None:
    ingest(open_store(url), paths)
    os._exit(0)  # a forked child leaves without running the parent's exit handlers


def run_child(url: str, paths: list, kill_after: float | None = None) -> float:
    """Ingest `paths` in a forked child, killed with SIGKILL after `kill_after` seconds; the seconds it ran."""
    child = multiprocessing.get_context("fork").Process(target=_run, args=(url, paths))
    started = time.monotonic()
    child.start()
    child.join(kill_after)
    if child.is_alive():
        os.kill(child.pid, signal.SIGKILL)
        child.join()
    return time.monotonic() - started


def snapshot(url: str) -> list:
    """(chat, message id, raw record bytes) of every stored message, sorted."""
    engine = open_store(url)
    with engine.connect() as conn:
        blocks = {(b.input_id, b.seq): raw.unpack(b.data) for b in conn.execute(select(raw_blocks))}
        rows = conn.execute(select(messages.c.chat_id, messages.c.message_id, messages.c.input_id,
                                   messages.c.raw_block, messages.c.raw_index)).all()
    engine.dispose()
    return sorted((r.chat_id, r.message_id, blocks[(r.input_id, r.raw_block)][r.raw_index]) for r in rows)


def test_ingest_killed_at_random_moments_loses_nothing_committed_and_shows_nothing_half(tmp_path):
    paths = exports(tmp_path)
    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    open_store(clean_url)  # migrations outside the measured run
    clean_seconds = run_child(clean_url, paths)
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    open_store(url)
    moments = random.Random(SEED)
    committed: dict[int, int] = {}
    for _ in range(KILLS):
        run_child(url, paths, kill_after=moments.uniform(0.05, 1.0) * clean_seconds)
        assert [f.message for f in check_store(url) if not f.ok] == []
        engine = open_store(url)
        with engine.connect() as conn:
            listed = dict(conn.execute(select(inputs.c.id, inputs.c.added)).all())
            held = dict(conn.execute(select(messages.c.input_id, func.count()).group_by(messages.c.input_id)).all())
        engine.dispose()
        assert held == {i: n for i, n in listed.items() if n}, "an input is half-visible"
        assert all(listed.get(i) == n for i, n in committed.items()), "a committed input was lost"
        committed = listed
    run_child(url, paths)
    after = snapshot(url)
    assert len(after) == FILES * PER_FILE and after == snapshot(clean_url)
