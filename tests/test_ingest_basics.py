from importlib.resources import files
from pathlib import Path

from sqlalchemy import func, select

from fakewatch.ingest import ingest
from fakewatch.store.tables.core import entities, media, messages

EXAMPLE = Path(str(files("fakewatch") / "data" / "example"))


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_example_ingests_once(fresh_db):
    first = ingest(fresh_db, [EXAMPLE])
    assert not first.refused and first.added == 5
    again = ingest(fresh_db, [EXAMPLE])
    assert again.added == 0 and count(fresh_db, messages) == 5


def test_entities_media_and_service_kept(fresh_db):
    ingest(fresh_db, [EXAMPLE])
    with fresh_db.connect() as conn:
        kinds = dict(conn.execute(select(messages.c.message_id, messages.c.kind)).all())
        hrefs = [r.href for r in conn.execute(select(entities.c.href).where(entities.c.type == "text_link"))]
        photo = conn.execute(select(media)).one()
    assert kinds["1"] == "service" and kinds["3"] == "message"
    assert hrefs == ["https://shyndyk-kz.info/news/marsh"]
    assert photo.kind == "photo" and photo.file_absent and photo.sha256 is None
