"""A real store with media for the media debunk and evidence tests: the demo scenario at its smallest
size with the campaign's real, edited video, picture and voice note, investigated once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select, text

from fakewatch.demo import generate, inputs
from fakewatch.demo.media import RealMedia
from fakewatch.pipeline import investigate
from fakewatch.store import open_store
from fakewatch.store.tables.core import media
from fakewatch.store.tables.detect import clusters
from fakewatch.web.auth import create_user
from tests.web_store import PASSWORD

__all__ = ["MediaStore", "media_store", "PASSWORD"]


@dataclass
class MediaStore:
    db: Path  # the investigated store (copy it before changing it)
    out: Path  # findings.json, report.html
    cluster_id: int  # the campaign's media cluster
    original: Path  # a picture of that cluster, as the demo wrote it


_built: dict[Path, MediaStore] = {}


@pytest.fixture(scope="session")
def media_store(tmp_path_factory) -> MediaStore:
    """Built once per session even though two test modules import this fixture (each registers its own)."""
    base = tmp_path_factory.getbasetemp()
    if base not in _built:
        _built[base] = _build(tmp_path_factory.mktemp("media-store"))
    return _built[base]


def _build(root: Path) -> MediaStore:
    with RealMedia() as sink:
        folder = generate(root / "demo", seed=7, messages=1200, media=sink)
    db = root / "store.db"
    investigate(inputs(folder), root / "out", db=f"sqlite:///{db}")
    engine = open_store(f"sqlite:///{db}")
    create_user(engine, "admin", PASSWORD, "admin")
    create_user(engine, "ana", PASSWORD, "analyst")
    with engine.connect() as conn:
        cluster_id = conn.execute(select(clusters.c.id).where(clusters.c.kind == "media")
                                  .order_by(clusters.c.size.desc())).scalar()
        original = conn.execute(select(media.c.stored_path).where(media.c.kind == "photo",
                                                                  media.c.file_absent.is_(False))
                                .order_by(media.c.id)).scalar()
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    assert cluster_id is not None and original is not None
    return MediaStore(db, root / "out", cluster_id, Path(original))
