"""enrich.run() on a store: what it writes, new-only runs, --all, entities, the watchlist, hostile text, offline."""

from __future__ import annotations

import socket
import time
from datetime import datetime
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.enrich import Enricher, run
from fakewatch.enrich import watchlist as watch
from fakewatch.store.tables.core import entities, inputs, messages
from fakewatch.store.tables.enrich import enrichment, links, persons, phones

CAMPAIGN = ("СРОЧНО! Завтра 25 апреля в 12:00 все на площадь Республики! Организатор Айгуль Нурланова "
            "+7 701 555 01 01. Каждому участнику 10 000 тг! Перешлите всем! https://shyndyk-kz.info/marsh")


def add_messages(engine, texts: list[str], ents: dict[int, list[tuple]] | None = None) -> list[int]:
    """Store `texts` as messages of one chat (entities by position: type, text, href); returns their pks."""
    with engine.begin() as conn:
        input_id = conn.execute(insert(inputs).values(
            path="test", sha256=f"{time.time_ns():064d}"[-64:], format="test", messages=len(texts), added=len(texts),
            chats=1, accounts=1, ingested_at=datetime(2026, 4, 24))).inserted_primary_key[0]
        start = conn.execute(select(func.count()).select_from(messages)).scalar_one()
        pks = []
        for i, text in enumerate(texts):
            pk = conn.execute(insert(messages).values(
                platform="telegram", chat_id="1", message_id=str(start + i), account_id="telegram:user1",
                sent_at=datetime(2026, 4, 24, 10, i % 60), kind="message", text=text, input_id=input_id,
            )).inserted_primary_key[0]
            pks.append(pk)
            for seq, (kind, etext, href) in enumerate((ents or {}).get(i, [])):
                conn.execute(insert(entities).values(message_pk=pk, seq=seq, type=kind, text=etext, href=href))
    return pks


def rows(engine, table, **where):
    with engine.connect() as conn:
        query = select(table)
        for key, value in where.items():
            query = query.where(table.c[key] == value)
        return conn.execute(query).all()


def test_run_writes_every_table(fresh_db):
    pk, chatter = add_messages(fresh_db, [CAMPAIGN, "Всем привет! Как дела?"])
    report = run(fresh_db)
    assert report.messages == 2 and report.phones == 1 and report.links == 1 and report.money == 1
    e = rows(fresh_db, enrichment, message_pk=pk)[0]
    assert (e.lang, e.has_phone, e.has_link, e.has_money, e.pays, e.cta) == ("ru", True, True, True, True, True)
    assert e.gathering == {"date": "04-25", "when": "25 апреля", "time": "12:00", "place": "площадь Республики"}
    assert "<phone>" in e.template and "<url>" in e.template and e.norm.startswith("срочно завтра")
    assert rows(fresh_db, enrichment, message_pk=chatter)[0].gathering is None
    phone = rows(fresh_db, phones, message_pk=pk)[0]
    assert (phone.e164, phone.region, phone.line_type, phone.from_entity) == ("+77015550101", "KZ", "mobile", False)
    assert rows(fresh_db, links, message_pk=pk)[0].domain == "shyndyk-kz.info"
    assert {(p.kind, p.normal) for p in rows(fresh_db, persons, message_pk=pk)} >= {("PER", "Айгуль Нурланова")}


def test_ner_runs_only_where_a_name_can_matter(fresh_db):
    """Names in chatter are not worth a millisecond each; names next to a phone, link, amount or call are."""
    chatter, call = add_messages(fresh_db, ["Вчера видел Сергея Иванова в магазине",
                                            "Звоните Сергею Иванову, он всё знает"])
    run(fresh_db)
    assert rows(fresh_db, persons, message_pk=chatter) == []
    assert [p.normal for p in rows(fresh_db, persons, message_pk=call)] == ["Сергей Иванов"]


def test_only_new_messages_unless_all(fresh_db):
    add_messages(fresh_db, [CAMPAIGN])
    assert run(fresh_db).messages == 1
    assert run(fresh_db).messages == 0
    add_messages(fresh_db, ["Ещё одно сообщение"])
    assert run(fresh_db).messages == 1
    again = run(fresh_db, redo=True)
    assert again.messages == 2 and len(rows(fresh_db, phones)) == 1 and len(rows(fresh_db, enrichment)) == 2


def test_telegram_entities_count(fresh_db):
    (pk,) = add_messages(fresh_db, ["Звоните, ссылка тут, канал"], {0: [
        ("phone", "+7 701 555 99 88", None), ("text_link", "тут", "https://kaz-pravda.info/fake/1"),
        ("mention", "@secret_channel", None), ("bold", "Звоните", None)]})
    run(fresh_db)
    assert [(p.e164, p.from_entity) for p in rows(fresh_db, phones, message_pk=pk)] == [("+77015559988", True)]
    found = {(x.domain, x.tg_handle, x.from_entity) for x in rows(fresh_db, links, message_pk=pk)}
    assert found == {("kaz-pravda.info", None, True), ("t.me", "secret_channel", True)}


def test_phone_in_text_and_entity_is_one_row_marked_as_entity(fresh_db):
    (pk,) = add_messages(fresh_db, ["Тел 8 (701) 555-12-34"], {0: [("phone", "8 (701) 555-12-34", None)]})
    run(fresh_db)
    assert [(p.e164, p.from_entity) for p in rows(fresh_db, phones, message_pk=pk)] == [("+77015551234", True)]


def test_watchlist_added_after_enrichment_links_existing_messages(fresh_db):
    named, phoned, other = add_messages(fresh_db, [
        "Звоните Айгуль Нурлановой, она всё организует",
        "Организатор: +7 701 555 01 01",
        "Айгерим Нурланова — моя соседка",
    ])
    run(fresh_db)
    watch_id = watch.add(fresh_db, "Айгуль Нурланова", aliases=["Aigul Nurlanova"], phones=["8 701 555 01 01"])
    assert {p.message_pk for p in rows(fresh_db, persons, watch_id=watch_id)} == {named}
    assert [p.message_pk for p in rows(fresh_db, phones, watch_id=watch_id)] == [phoned]
    [entry] = watch.summary(fresh_db)
    assert (entry["named_in"], entry["phone_in"], entry["phones"]) == (1, 1, ["+77015550101"])
    # and messages enriched later are matched during enrichment
    (later,) = add_messages(fresh_db, ["Aigul Nurlanova is the organiser"])
    run(fresh_db)
    assert {p.message_pk for p in rows(fresh_db, persons, watch_id=watch_id)} == {named, later}


def test_watchlist_refuses_bad_phone(fresh_db):
    with pytest.raises(watch.WatchError):
        watch.add(fresh_db, "Кто-то", phones=["123"])


def test_two_worker_processes_give_the_same_rows(fresh_db):
    texts = [CAMPAIGN.replace("01 01", f"{i:02d} 01") for i in range(40)] + ["Привет"] * 10
    add_messages(fresh_db, texts)
    report = run(fresh_db, workers=2)
    assert report.workers == 2 and report.messages == 50 and report.phones == 40
    assert len({r.template_hash for r in rows(fresh_db, enrichment) if r.has_phone}) == 1


def test_hostile_text_neither_crashes_nor_slows(fresh_db):
    hostile = [
        "А" * 100_000,
        ("\u202e\u200d\u200b\x00\x07\x1b[31m" + "тест 8701" + "\u0301" * 50) * 3_000,
        "+7 701 555 12 34 " * 5_000,
        "https://" + "a." * 40_000 + "kz",
        "@" + "x" * 100_000,
    ]
    add_messages(fresh_db, hostile)
    started = time.monotonic()
    report = run(fresh_db)
    assert report.messages == len(hostile)
    assert time.monotonic() - started < 20


def test_lone_surrogates_do_not_crash_the_extractors():
    """A JSON export can carry "\\ud800"; the store refuses it, but the check API hands text straight in."""
    result = Enricher().batch([(1, "\ud800 звоните +7 701 555 12 34 \udfff", [])])
    assert result.phones[0]["e164"] == "+77015551234"


def test_enrichment_is_offline(fresh_db, monkeypatch):
    """tldextract's bundled suffix list and natasha's bundled models: nothing reaches the network."""
    from fakewatch.enrich import links as links_module
    from fakewatch.enrich import persons as persons_module

    def refuse(*args, **kwargs):
        raise AssertionError("network access during enrichment")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    links_module._extractor.cache_clear()
    persons_module._models.cache_clear()
    assert links_module.link("https://news.bbc.co.uk/x").domain == "bbc.co.uk"
    assert persons_module.find_persons("Звоните Айгуль Нурлановой в Алматы")
    natasha_data = Path(str(files("natasha"))) / "data"
    assert any(natasha_data.rglob("*.tar")), "natasha's models must ship inside the package"


def test_cli_enrich_and_watch(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    example = str(files("fakewatch") / "data" / "example")
    assert runner.invoke(app, ["ingest", example, "--db", db]).exit_code == 0
    result = runner.invoke(app, ["enrich", "--db", db, "--json"])
    assert result.exit_code == 0 and '"messages": 5' in result.output
    result = runner.invoke(app, ["watch", "add", "person", "Айгуль Нурланова", "--phone", "+7 701 555 01 01",
                                 "--alias", "Aigul Nurlanova", "--db", db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["watch", "list", "--db", db, "--json"])
    assert '"phone_in": 1' in result.output
    assert runner.invoke(app, ["watch", "add", "person", "X", "--phone", "12", "--db", db]).exit_code == 1
    result = runner.invoke(app, ["enrich", "--all", "--db", db])
    assert result.exit_code == 0 and "enriched 5 messages" in result.output
