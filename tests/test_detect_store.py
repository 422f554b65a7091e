"""Detection over a store built by hand: campaigns are found, ordinary chatter and viral forwards are not."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from fakewatch.detect import run
from fakewatch.store.tables import detect as t
from fakewatch.store.tables.core import inputs, messages

T0 = datetime(2025, 4, 18, 6, 0)
CAMPAIGN = [
    "Внимание! 25 апреля все на марш у акимата в 12:00, каждому участнику заплатят 5000 тенге. "
    "Организатор Айгуль Сапарова, звоните {phone}",
    "Граждане, не молчите! Выходим на площадь, за участие платим, автобусы от школы №{n}. "
    "Подробности по телефону {phone} до пятницы",
]
PRAM = "Продам коляску зима-лето, состояние отличное, самовывоз из центра, звоните {phone}"
STATEMENT = ("Официальное заявление департамента полиции: информация о митинге 25 апреля является фейком, "
             "просим не распространять непроверенные сведения")


def _store(engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(inputs), [{"id": 1, "path": "hand", "sha256": "0" * 64, "format": "test", "messages": 0,
                                       "added": 0, "chats": 0, "accounts": 0, "ingested_at": T0}])
        conn.execute(insert(messages), [
            {"platform": "telegram", "chat_id": r["chat"], "message_id": str(i), "account_id": r["account"],
             "sent_at": r["at"], "kind": "message", "text": r["text"], "input_id": 1,
             "forwarded_from": r.get("fwd_name"), "forwarded_from_id": r.get("fwd")}
            for i, r in enumerate(rows)])


def _scenario() -> list[dict]:
    rows = []
    bots = ["telegram:user9001", "telegram:user9002", "telegram:user9003"]
    # the campaign: three accounts paste two announcements into six city chats, minutes apart, on two days
    for day, text in enumerate(CAMPAIGN):
        for b, bot in enumerate(bots):
            for c in range(6):
                rows.append({"chat": f"city{c}", "account": bot, "text": text.format(phone=f"+7 701 555 01{b}{c}", n=c),
                             "at": T0 + timedelta(days=day, minutes=2 * c + b)})
    # a seller posts a pram advert with their own phone in three chats over a week
    for k in range(3):
        rows.append({"chat": f"city{k}", "account": "telegram:user100", "text": PRAM.format(phone="+7 705 111 2233"),
                     "at": T0 + timedelta(days=2 * k, hours=3)})
    # long-standing members forward the official statement over three days, two of them by chance together
    for k in range(24):
        rows.append({"chat": f"city{k % 6}", "account": f"telegram:user{200 + k}", "text": STATEMENT,
                     "fwd": "telegram:channel777", "fwd_name": "Полиция",
                     "at": T0 + timedelta(hours=3 * k)})
    rows.append({"chat": "city3", "account": "telegram:user230", "text": STATEMENT, "fwd": "telegram:channel777",
                 "fwd_name": "Полиция", "at": T0 + timedelta(minutes=2)})
    # chatter
    for k in range(40):
        rows.append({"chat": f"city{k % 6}", "account": f"telegram:user{300 + k % 9}",
                     "text": f"Доброе утро! Кто знает, работает ли сегодня рынок номер {k}?" if k % 2 else "спасибо",
                     "at": T0 + timedelta(minutes=7 * k)})
    return rows


def test_campaign_found_chatter_and_viral_forward_not(fresh_db):
    _store(fresh_db, _scenario())
    report = run(fresh_db)
    assert report.clusters["text"] >= 3  # two campaign texts, the pram advert, the statement
    with fresh_db.connect() as conn:
        grouped = {a: g for a, g in conn.execute(select(t.coord_groups.c.account_id, t.coord_groups.c.group_id))}
        edges = conn.execute(select(t.coord_edges)).all()
        floods = conn.execute(select(t.floods.c.account_id, t.floods.c.chats)).all()
        kinds = {k: n for k, n in conn.execute(select(t.clusters.c.kind, t.clusters.c.size))}
    assert set(grouped) == {"telegram:user9001", "telegram:user9002", "telegram:user9003"}
    assert len(set(grouped.values())) == 1
    assert len(edges) == 3 and all(e.weight >= 6 for e in edges)
    assert {a for a, _ in floods} == {"telegram:user9001", "telegram:user9002", "telegram:user9003"}
    assert all(n == 6 for _, n in floods)
    assert "forward" in kinds


def test_campaign_clusters_hold_variants(fresh_db):
    _store(fresh_db, _scenario())
    run(fresh_db)
    with fresh_db.connect() as conn:
        sizes = sorted(n for n, in conn.execute(select(t.clusters.c.size).where(t.clusters.c.kind == "text")))
        seeders = conn.execute(select(t.seeders.c.account_id, t.seeders.c.rank, t.clusters.c.kind)
                               .join(t.clusters, t.clusters.c.id == t.seeders.c.cluster_id)
                               .where(t.seeders.c.rank == 1)).all()
    assert sizes.count(18) == 2  # each announcement: 3 accounts x 6 chats, phones and school numbers differ
    assert ("telegram:channel777", 1, "forward") in [tuple(s) for s in seeders]


def test_rerun_replaces_rows(fresh_db):
    _store(fresh_db, _scenario())
    first = run(fresh_db)
    second = run(fresh_db)
    assert (first.edges, first.clusters, first.waves) == (second.edges, second.clusters, second.waves)
    with fresh_db.connect() as conn:
        assert len(conn.execute(select(t.clusters.c.id)).all()) == sum(second.clusters.values())


def test_empty_and_tiny_stores(fresh_db):
    assert run(fresh_db).messages == 0
    _store(fresh_db, [{"chat": "c", "account": "telegram:user1", "text": PRAM.format(phone="+77051112233"),
                       "at": T0}])
    report = run(fresh_db)
    assert report.messages == 1 and report.edges == 0 and sum(report.clusters.values()) == 0
