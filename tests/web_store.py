"""A store for the web and check tests: the report tests' hostile campaign, with real templates, users and lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update

from fakewatch.detect import campaigns
from fakewatch.enrich.normalize import template
from fakewatch.store import open_store
from fakewatch.store.tables import core, enrich
from fakewatch.web.auth import create_user
from tests.report_store import BOTS, HTML_NAME, PHONE, SCRIPT, build

__all__ = ["BOTS", "HTML_NAME", "PHONE", "SCRIPT", "PASSWORD", "WATCHED", "CAMPAIGN_TEXT", "build_web_store",
           "web_template", "copy_store"]

PASSWORD = "correct horse battery"
WATCHED = "Aigerim Journalist"
CAMPAIGN_TEXT = "Все на марш у акимата! Организатор +7 701 555 01 01"


def build_web_store(engine: Engine) -> dict[str, list[int]]:
    """Hand-built campaign (C1), templates as the enrich stage writes them, a watchlisted phone, two users."""
    pks = build(engine)
    with engine.begin() as conn:
        for pk, text in conn.execute(select(core.messages.c.id, core.messages.c.text)).all():
            conn.execute(update(enrich.enrichment).where(enrich.enrichment.c.message_pk == pk)
                         .values(template=template(text)))
        conn.execute(enrich.watchlist.insert().values(kind="person", name=WATCHED, aliases=[], phones=[PHONE]))
    campaigns.run(engine)
    create_user(engine, "admin", PASSWORD, "admin")
    create_user(engine, "ana", PASSWORD, "analyst")
    return pks


@pytest.fixture(scope="session")
def web_template(tmp_path_factory) -> Path:
    """The web store built once per session as a SQLite file (building costs migrations and argon2 hashes)."""
    path = tmp_path_factory.mktemp("web-template") / "store.db"
    engine = open_store(f"sqlite:///{path}")
    build_web_store(engine)
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return path


def copy_store(template: Path, folder: Path) -> Engine:
    """A private copy of the template store, for a test that changes it."""
    shutil.copy(template, folder / "store.db")
    return open_store(f"sqlite:///{folder / 'store.db'}")
