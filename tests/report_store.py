"""A small hand-built store with one hostile coordinated campaign, shared by the report and browser tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson
from sqlalchemy import Engine, insert

from fakewatch.store.raw import pack
from fakewatch.store.tables import core, detect, enrich

T0 = datetime(2025, 4, 18, 6, 0)
SCRIPT = "<script>window.__pwned = 1</script>"
JS_LINK = '<a href="javascript:window.__pwned=2">click</a>'
HTML_NAME = '<img src=x onerror="window.__pwned=3">Bot'
PHONE = "+77015550101"
BOTS = [f"telegram:user{9_000_000 + i}" for i in range(4)]
REGULARS = [f"telegram:user{1_000 + i}" for i in range(10)]


def build(engine: Engine) -> dict[str, list[int]]:
    """Fill `engine` with ingest, enrich and detect rows; returns the campaign's and the chatter's message pks."""
    with engine.begin() as conn:
        conn.execute(insert(core.inputs), [{"id": 1, "path": "chats/result.json", "sha256": "ab" * 32, "format": "telegram",
                                            "messages": 42, "added": 42, "chats": 8, "accounts": 14,
                                            "ingested_at": T0}])
        conn.execute(insert(core.chats), [{"platform": "telegram", "chat_id": str(100 + i),
                                           "name": f"City {i} <b>chat</b>", "type": "private_supergroup"}
                                          for i in range(8)])
        conn.execute(insert(core.accounts), [{"id": a, "platform": "telegram", "native_id": a.split(":")[1],
                                              "name": HTML_NAME if a == BOTS[0] else f"Name {a[-4:]}"}
                                             for a in BOTS + REGULARS])
        rows = []
        for i in range(12):
            rows.append({"id": i + 1, "platform": "telegram", "chat_id": str(100 + i % 8), "message_id": str(500 + i),
                         "account_id": BOTS[i % 4], "sent_at": T0 + timedelta(minutes=3 * i), "kind": "message",
                         "text": f"Все на марш у акимата! Организатор {PHONE[:2]} 701 555 01 01 {SCRIPT} {JS_LINK}",
                         "input_id": 1})
        for i in range(30):
            rows.append({"id": 100 + i, "platform": "telegram", "chat_id": str(100 + i % 5), "message_id": str(900 + i),
                         "account_id": REGULARS[i % 10], "sent_at": T0 + timedelta(hours=i), "kind": "message",
                         "text": f"обычное сообщение {i}", "input_id": 1})
        # the campaign's records as the export had them (hostile names and text included), as ingest keeps them
        records = [orjson.dumps({"id": 500 + i, "type": "message", "from": HTML_NAME, "from_id": BOTS[i % 4][9:],
                                 "text": rows[i]["text"]}) for i in range(12)]
        conn.execute(insert(core.raw_blocks), [{"input_id": 1, "seq": 0, "data": pack(records)}])
        for i, row in enumerate(rows):
            row.update(raw_block=0 if i < 12 else None, raw_index=i if i < 12 else None)
        conn.execute(insert(core.messages), rows)
        campaign = list(range(1, 13))
        conn.execute(insert(enrich.phones), [{"message_pk": pk, "e164": PHONE, "region": "KZ", "line_type": "mobile",
                                              "raw": "+7 701 555 01 01", "from_entity": False} for pk in campaign])
        conn.execute(insert(enrich.enrichment), [
            {"message_pk": r["id"], "lang": "ru", "lang_conf": 0.99, "norm": r["text"].casefold(), "template": r["text"],
             "norm_hash": "0" * 16, "template_hash": "0" * 16, "has_phone": r["id"] <= 12, "has_link": False,
             "has_money": False, "pays": False, "cta": r["id"] <= 12,
             "gathering": {"place": "акимат"} if r["id"] <= 12 else None} for r in rows])
        conn.execute(insert(detect.clusters), [{"id": 1, "kind": "text", "key": "template", "size": 12, "accounts": 4,
                                                "chats": 8, "representative_pk": 1, "first_seen": T0,
                                                "last_seen": T0 + timedelta(minutes=33)}])
        conn.execute(insert(detect.cluster_members), [{"cluster_id": 1, "message_pk": pk, "similarity": 1.0}
                                                      for pk in campaign])
        conn.execute(insert(detect.coord_groups), [{"account_id": a, "group_id": 1, "degree": 1.0} for a in BOTS])
        conn.execute(insert(detect.coord_edges), [
            {"account_a": a, "account_b": b, "weight": 3, "clusters": [1], "first_seen": T0, "last_seen": T0}
            for i, a in enumerate(BOTS) for b in BOTS[i + 1:]])
        conn.execute(insert(detect.seeders), [{"cluster_id": 1, "account_id": BOTS[0], "rank": 1, "score": 0.9,
                                               "reasons": ["first"]}])
        conn.execute(insert(detect.waves), [{"cluster_id": 1, "start": T0, "end": T0 + timedelta(minutes=33),
                                             "messages": 12, "chats": 8}])
        conn.execute(insert(detect.floods), [{"account_id": BOTS[0], "cluster_id": 1, "chats": 3, "messages": 3,
                                              "start": T0, "end": T0 + timedelta(minutes=24)}])
    return {"campaign": campaign, "chatter": [r["id"] for r in rows[12:]]}
