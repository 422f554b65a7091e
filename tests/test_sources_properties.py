"""Property tests: whatever text people post comes back out of the parsers unchanged."""

import json
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakewatch.model import Message
from fakewatch.sources import ReadContext, table, telegram, whatsapp

# Message text as hostile senders write it: any characters except NUL (stored as U+FFFD) and surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
LINE = st.text(st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc"), blacklist_characters="\x85"),
               min_size=1, max_size=80).filter(lambda s: s.strip() == s and not s[0].isdigit() and ":" not in s)
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(texts=st.lists(TEXT, min_size=1, max_size=5), ids=st.booleans())
def test_telegram_text_round_trips(tmp_path, texts, ids):
    msgs = [{"id": i if ids else str(i), "type": "message", "date_unixtime": str(1704067200 + i), "from_id": "user1",
             "text": [t, {"type": "bold", "text": t}] if i % 2 else t} for i, t in enumerate(texts)]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "p", "type": "private_group", "id": 1, "messages": msgs}))
    got = [r for r in telegram.read(ReadContext(path=path, root=tmp_path)) if isinstance(r, Message)]
    assert [m.text for m in got] == [t + t if i % 2 else t for i, t in enumerate(texts)]


@SETTINGS
@given(bodies=st.lists(st.lists(LINE, min_size=1, max_size=3), min_size=1, max_size=6), ios=st.booleans())
def test_whatsapp_multiline_bodies_round_trip(tmp_path, bodies, ios):
    lines = []
    for i, body in enumerate(bodies):
        moment = START + timedelta(minutes=i)
        head = (f"[{moment:%d.%m.%Y, %H:%M:%S}] Sender: " if ios else f"{moment:%d.%m.%Y, %H:%M} - Sender: ")
        lines.append(head + "\n".join(body))
    path = tmp_path / "WhatsApp Chat with P.txt"
    path.write_text(("\r\n" if ios else "\n").join(lines) + "\n", encoding="utf-8", newline="")
    got = [r for r in whatsapp.read(ReadContext(path=path, root=tmp_path, options={"date_order": "dmy"}))
           if isinstance(r, Message)]
    expected = ["\n".join(body) for body in bodies]
    assert [m.text for m in got if m.kind == "message"] == [t for t in expected
                                                             if t.strip().lower() not in whatsapp._DELETED]
    assert [m.sent_at for m in got] == [START + timedelta(minutes=i) for i in range(len(bodies))]


@SETTINGS
@given(rows=st.lists(st.tuples(TEXT, TEXT.filter(lambda s: s.strip() != "")), min_size=1, max_size=8))
def test_table_text_round_trips_and_derived_ids_are_stable(tmp_path, rows):
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps({"sent_at": 1704067200 + i, "text": text, "account_id": account})
                              for i, (text, account) in enumerate(rows)) + "\n", encoding="utf-8")
    first = [r for r in table.read(ReadContext(path=path, root=tmp_path)) if isinstance(r, Message)]
    again = [r for r in table.read(ReadContext(path=path, root=tmp_path)) if isinstance(r, Message)]
    assert [m.text for m in first] == [text for text, _ in rows]
    assert [m.message_id for m in first] == [m.message_id for m in again]
    assert len({m.message_id for m in first}) == len(rows)
