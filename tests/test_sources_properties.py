"""Property tests: whatever text people post comes back out of the parsers unchanged."""

import json
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fakewatch.model import Message
from fakewatch.sources import ReadContext, table, telegram, whatsapp, whatsapp_locales

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
    # WhatsApp's own placeholders and system texts are rightly not text ("document omis" is French)
    assume(all(whatsapp_locales.omitted(b[0]) is None and whatsapp_locales.system_kind("\n".join(b)) is None
               for b in bodies))
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
                                                             if whatsapp_locales.deletion(t) is None]
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


# WhatsApp's layouts, each seen in a real export (tests/fixtures/whatsapp/README.md): the date order it
# writes, whether it writes seconds, and how it renders a moment.
WA_LAYOUTS = [
    ("dmy", False, lambda t: f"{t:%d/%m/%Y}, {t:%H:%M} - "),
    ("dmy", False, lambda t: f"{t.day}.{t.month}.{t:%y}, {t:%H:%M} - "),
    ("mdy", False, lambda t: f"{t.month}/{t.day}/{t:%y}, {t:%I:%M}\u202f{t:%p} - "),
    ("mdy", True, lambda t: f"[{t.month}/{t.day}/{t:%y}, {t:%H:%M:%S}] "),
    ("dmy", True, lambda t: f"\u200e[{t:%d.%m.%y}, {t:%H:%M:%S}] "),
    ("dmy", True, lambda t: f"{t:%d.%m.%y} {t:%H.%M.%S}: "),
    ("dmy", True, lambda t: f"{t.day}.{t.month}.{t.year} klo {t:%H.%M.%S} - "),
    ("dmy", True, lambda t: f"{t.day}. {t.month}. {t.year}. {t:%H:%M:%S} "),
    ("myd", True, lambda t: f"[{t:%m/%Y/%d}, {t:%H:%M:%S}] "),
    ("ymd", False, lambda t: f"{t:%Y-%m-%d} {t:%H:%M} - "),
    ("dmy", False, lambda t: f"{t:%d/%m/%y} {t.hour % 12 or 12}:{t:%M} {'p. m.' if t.hour >= 12 else 'a. m.'} - "),
]
MOMENTS = st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda t: t.replace(microsecond=0))


@SETTINGS
@given(layout=st.sampled_from(WA_LAYOUTS), moments=st.lists(MOMENTS, min_size=1, max_size=8),
       texts=st.lists(LINE, min_size=8, max_size=8))
def test_whatsapp_any_layout_reads_back_its_times_and_texts(tmp_path, layout, moments, texts):
    order, seconds, render = layout
    assume(all(whatsapp_locales.system_kind(t) is None and whatsapp_locales.omitted(t) is None
               and whatsapp_locales.deletion(t) is None for t in texts))
    lines = [render(t) + f"Sender {i}: {texts[i]}" for i, t in enumerate(moments)]
    path = tmp_path / "WhatsApp Chat with P.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = [r for r in whatsapp.read(ReadContext(path=path, root=tmp_path, options={"date_order": order}))
           if isinstance(r, Message)]
    assert [m.text for m in got] == texts[:len(moments)]
    assert [m.account_name for m in got] == [f"Sender {i}" for i in range(len(moments))]
    assert [m.sent_at for m in got] == [t.replace(second=t.second if seconds else 0, tzinfo=timezone.utc)
                                        for t in moments]


@SETTINGS
@given(layout=st.sampled_from(WA_LAYOUTS), moments=st.lists(MOMENTS, min_size=1, max_size=8))
def test_whatsapp_date_order_found_without_help_once_a_day_is_above_12(tmp_path, layout, moments):
    order, seconds, render = layout
    assume(any(t.day > 12 for t in moments))
    path = tmp_path / "WhatsApp Chat with P.txt"
    path.write_text("".join(render(t) + f"A: m{i}\n" for i, t in enumerate(moments)), encoding="utf-8")
    ctx = ReadContext(path=path, root=tmp_path)
    got = [r for r in whatsapp.read(ctx) if isinstance(r, Message)]
    assert [m.sent_at for m in got] == [t.replace(second=t.second if seconds else 0, tzinfo=timezone.utc)
                                        for t in moments]
    assert any(f"({order})" in n for n in ctx.notes)
