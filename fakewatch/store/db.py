"""Open a store: make the engine, tune SQLite, and bring the schema up to date with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from fakewatch.config import db_url

MIGRATIONS = Path(__file__).parent / "migrations"


def _tune_sqlite(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the web UI read while a pipeline writes; NORMAL sync is safe under WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-200000")
    cur.close()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Apply every stage's migrations (each stage is its own Alembic branch)."""
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def open_store(url: str | None = None, *, upgrade: bool = True) -> Engine:
    """Engine for the store at `url` (flag, FAKEWATCH_DB, or ./fakewatch.db), schema up to date."""
    url = db_url(url)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    if upgrade:
        migrate(engine)
    return engine


def has_table(engine: Engine, name: str) -> bool:
    return inspect(engine).has_table(name)


def insert_ignore(engine: Engine, table: Table, index_elements: list[str] | None = None) -> Insert:
    """INSERT that skips rows whose unique key already exists, on SQLite and PostgreSQL alike."""
    if engine.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=index_elements)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=index_elements)
