"""`fakewatch doctor`: what is wrong with the store, the web data folder and the set-up, said in words.

It only reads: a store is opened without migrating it (that it is behind is one
of the things it reports), and nothing is repaired. Each check gives findings;
a finding that is not `ok` is a problem the operator has to act on.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import orjson
import zstandard
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, func, inspect, select
from sqlalchemy.exc import DBAPIError

from fakewatch.config import db_url
from fakewatch.store import raw
from fakewatch.store.db import alembic_config
from fakewatch.store.tables.core import inputs, messages, raw_blocks

MIN_FREE_BYTES = 2 * 1024**3  # an upload (2 GiB by default) and its unpacked copy must fit
EXAMPLES = 5  # problem rows named in a finding; the rest are counted
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9._-]+")  # the distribution name that starts a requirement string


@dataclass
class Finding:
    area: str  # store | data | setup
    ok: bool
    message: str


def run(db: str | None = None, data_dir: Path | None = None) -> list[Finding]:
    """Every check: the store at `db` (flag, FAKEWATCH_DB or ./fakewatch.db), the web data folder, the set-up."""
    return [*check_store(db_url(db)), *check_data_dir(data_dir or Path(os.environ.get("FAKEWATCH_WEB_DIR",
                                                                                       "fakewatch-web"))),
            *check_setup()]


def as_dicts(findings: list[Finding]) -> list[dict]:
    return [asdict(f) for f in findings]


def check_store(url: str) -> Iterator[Finding]:
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        yield Finding("store", False, f"no store at {url.removeprefix('sqlite:///')}: nothing was ingested there "
                                      "(fakewatch ingest creates it; --db / FAKEWATCH_DB name another)")
        return
    engine = create_engine(url)
    try:
        yield from _integrity(engine)
        yield from _migrations(engine)
        if inspect(engine).has_table(messages.name):
            yield from _raw_records(engine)
    except DBAPIError as exc:
        yield Finding("store", False, f"cannot open the store {engine.url!r}: {exc.orig}")
    finally:
        engine.dispose()


def _integrity(engine: Engine) -> Iterator[Finding]:
    if engine.dialect.name != "sqlite":
        yield Finding("store", True, f"{engine.dialect.name}: page integrity is the database server's to check")
        return
    with engine.connect() as conn:
        problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if problems == ["ok"]:
        yield Finding("store", True, "SQLite integrity check passed")
    else:
        yield Finding("store", False, f"SQLite integrity check found {len(problems)} problem(s), e.g. "
                                      f"{'; '.join(problems[:EXAMPLES])}: restore the store from a backup")


def _migrations(engine: Engine) -> Iterator[Finding]:
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    missing, unknown = heads - current, current - heads
    if unknown:
        yield Finding("store", False, f"the store has migration(s) this fakewatch does not know: "
                                      f"{', '.join(sorted(unknown))}; it was written by a newer version")
    if missing:
        yield Finding("store", False, f"migration(s) not applied: {', '.join(sorted(missing))}; any command that "
                                      "opens the store (fakewatch stats, say) applies them")
    if not missing and not unknown:
        yield Finding("store", True, f"migrations current ({len(heads)} stage branches)")


def _raw_records(engine: Engine) -> Iterator[Finding]:
    """Every message has its raw record: its block is stored, decompresses, holds its index, and is JSON."""
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(messages)).scalar_one()
        without = conn.execute(select(func.count()).select_from(messages)
                               .where(messages.c.raw_block.is_(None))).scalar_one()
        needed = {(r.input_id, r.raw_block): (r.top, r.count) for r in conn.execute(
            select(messages.c.input_id, messages.c.raw_block, func.max(messages.c.raw_index).label("top"),
                   func.count().label("count"))
            .where(messages.c.raw_block.is_not(None)).group_by(messages.c.input_id, messages.c.raw_block))}
        known_inputs = set(conn.execute(select(inputs.c.id)).scalars())
        lost: list[str] = []
        lost_messages = sum(count for (input_id, _), (_, count) in needed.items() if input_id not in known_inputs)
        blocks_seen = set()
        for block in conn.execute(select(raw_blocks.c.input_id, raw_blocks.c.seq, raw_blocks.c.data)):
            key = (block.input_id, block.seq)
            blocks_seen.add(key)
            if key not in needed:
                continue
            try:
                records = raw.unpack(block.data)
                for record in records:
                    orjson.loads(record)
            except (zstandard.ZstdError, orjson.JSONDecodeError) as exc:
                lost.append(f"input {key[0]} block {key[1]} is damaged ({exc})")
                lost_messages += needed[key][1]
                continue
            if needed[key][0] >= len(records):
                lost.append(f"input {key[0]} block {key[1]} holds {len(records)} records, messages point at "
                            f"record {needed[key][0]}")
                lost_messages += needed[key][1]
    for key, (_, count) in needed.items():
        if key not in blocks_seen and key[0] in known_inputs:
            lost.append(f"input {key[0]} block {key[1]} is missing ({count:,} messages)")
            lost_messages += count
    if without:
        yield Finding("store", False, f"{without:,} of {total:,} messages were stored without a raw record: "
                                      "re-ingest their inputs into a fresh store to keep the evidence")
    if lost or lost_messages:
        shown = "; ".join(lost[:EXAMPLES]) + (f"; and {len(lost) - EXAMPLES} more" if len(lost) > EXAMPLES else "")
        yield Finding("store", False, f"{lost_messages:,} messages have lost their raw record: {shown or 'their input row is gone'}")
    if not without and not lost and not lost_messages:
        yield Finding("store", True, f"all {total:,} messages have their raw record")


def check_data_dir(folder: Path) -> Iterator[Finding]:
    if not folder.exists():
        yield Finding("data", True, f"no web data folder at {folder} (fakewatch serve creates it)")
        return
    if not os.access(folder, os.W_OK):
        yield Finding("data", False, f"the web data folder {folder} is not writable: uploads and sessions will fail")
    key = folder / "secret_key"
    if key.exists() and stat.S_IMODE(key.stat().st_mode) & 0o077:
        yield Finding("data", False, f"{key} can be read by other users (mode {stat.S_IMODE(key.stat().st_mode):o}): "
                                     f"chmod 600 it, or anyone on the machine can forge sessions")
    left = sorted((folder / "jobs").glob("*/unpacked"))
    if left:
        yield Finding("data", False, f"{len(left)} job folder(s) still hold an unpacked copy, e.g. {left[0]}: "
                                     "a run was killed; the copies can be deleted")
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        yield Finding("data", False, f"only {free / 1024**3:.1f} GiB free under {folder}: an upload may not fit")
    else:
        yield Finding("data", True, f"web data folder {folder}: {free / 1024**3:.0f} GiB free")


def check_setup() -> Iterator[Finding]:
    """Every dependency fakewatch declares is installed (a broken install shows here, not mid-run)."""
    try:
        wanted = [r for r in metadata.requires("fakewatch") or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        yield Finding("setup", False, "fakewatch is not installed as a package: run make install")
        return
    missing = []
    for requirement in wanted:
        name = _REQUIREMENT_NAME.match(requirement).group(0)
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        yield Finding("setup", False, f"dependencies not installed: {', '.join(missing)}; run make install")
    else:
        yield Finding("setup", True, f"Python {sys.version.split()[0]}, all {len(wanted)} dependencies installed")
    if shutil.which("chromium") is None:
        yield Finding("setup", True, "chromium not installed: only the browser tests need it (setup/sysdeps.sh)")
