"""Telegram exports trimmed by their owners are read, not refused (issue 14, item 7).

No chat `id`, no message `id`, no `from_id`: stable ids are derived from what is
there, a note says so, and both read paths (the layout cutter and the streaming
parser) give the same messages.
"""

import json
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fakewatch.ingest import ingest
from fakewatch.model import Chat, Message
from fakewatch.sources import ReadContext, telegram
from fakewatch.sources.telegram import NOTE_CHAT_ID, NOTE_FROM_ID, NOTE_MESSAGE_ID
from fakewatch.store import open_store
from test_sources_telegram_layout import SETTINGS, TEXT, off_layout, same

TRIMMED = Path(__file__).parent / "fixtures" / "telegram_trimmed"


def both(path: Path, monkeypatch) -> tuple[list[Chat], list[Message], list[str]]:
    """Chats, messages and notes of `path`, after checking that both read paths agree on them."""
    out = []
    for streamed in (False, True):
        with monkeypatch.context() as patched:
            if streamed:
                patched.setattr(telegram.telegram_layout.Walk, "items", off_layout)
            ctx = ReadContext(path=path, root=path.parent, shown=path)
            records = list(telegram.read(ctx))
        out.append(([r for r in records if isinstance(r, Chat)], [r for r in records if isinstance(r, Message)],
                    ctx.notes))
    (chats, msgs, notes), (slow_chats, slow_msgs, slow_notes) = out
    assert chats == slow_chats and same(msgs, slow_msgs) and notes == slow_notes
    return chats, msgs, notes


def test_a_chat_without_ids_is_read_with_derived_ones(monkeypatch):
    (chat,), msgs, notes = both(TRIMMED / "no_ids" / "result.json", monkeypatch)
    assert chat.chat_id.startswith("derived-") and (chat.name, chat.type) == ("Соседи Алматы", "private_supergroup")
    assert [m.message_id for m in msgs] == ["t1744952400.0", "t1744952711.0", "t1744952711.1", "t1744952800.0",
                                            "t1744952940.0"]
    created, call, question, edited, photo = msgs
    assert created.kind == "service" and created.account_id == "telegram:name:Айгуль"
    assert call.account_id == "telegram:name:Айгуль" and call.account_name == "Айгуль"
    assert question.account_id == "telegram:name:Бекзат"
    assert edited.edited_at == datetime(2025, 4, 18, 5, 7, 2, tzinfo=timezone.utc)
    assert photo.media[0].kind == "photo" and photo.media[0].file_absent
    assert {NOTE_CHAT_ID, NOTE_MESSAGE_ID, NOTE_FROM_ID} <= set(notes)


def test_derived_ids_are_stable_and_reingest_adds_nothing(fresh_db, tmp_path):
    copy = tmp_path / "again" / "result.json"
    copy.parent.mkdir()
    copy.write_bytes((TRIMMED / "no_ids" / "result.json").read_bytes() + b"\n")  # another file, same export
    first = ingest(fresh_db, [TRIMMED / "no_ids"])
    again = ingest(fresh_db, [copy])
    assert not first.refused and first.files[0].added == 5 and again.files[0].added == 0
    assert NOTE_MESSAGE_ID in first.files[0].notes  # the ingest report names what was derived


def test_a_full_account_export_without_ids(monkeypatch):
    chats, msgs, notes = both(TRIMMED / "full_no_ids" / "result.json", monkeypatch)
    assert [c.name for c in chats] == ["Соседи Алматы", "Родители 5Б", "Пустой"]  # the empty one too
    assert len({c.chat_id for c in chats}) == 3
    by_chat = {(m.chat_id, m.message_id) for m in msgs}
    assert len(by_chat) == 3  # the same text and second in two chats stay two messages
    single, _, _ = both(TRIMMED / "no_ids" / "result.json", monkeypatch)
    assert single[0].chat_id == chats[0].chat_id  # the same chat exported alone has the same id


def test_old_exports_keep_the_edit_time_and_integer_senders(monkeypatch):
    (chat,), msgs, notes = both(TRIMMED / "old_export" / "result.json", monkeypatch)
    assert chat.chat_id == "9882011936" and len(msgs) == 13
    edited = {m.message_id: m.edited_at for m in msgs if m.edited_at}
    assert edited == {"5": datetime(2020, 11, 12, 13, 3, tzinfo=timezone.utc),
                      "10": datetime(2020, 11, 12, 14, 18, 17, tzinfo=timezone.utc),
                      "13": datetime(2020, 11, 12, 14, 45, 55, tzinfo=timezone.utc),
                      "14": datetime(2020, 11, 12, 14, 49, 39, tzinfo=timezone.utc)}
    assert msgs[1].account_id == "telegram:9882011936"
    assert any("edited_unixtime missing" in n for n in notes)


def test_a_chat_with_neither_id_nor_name_is_refused(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"type": "private_group", "messages": [{"type": "message", "date": "2025-01-01T00:00:00",
                                                                       "text": "x"}]}))
    report = ingest(open_store(f"sqlite:///{tmp_path / 's.db'}"), [path])
    assert report.refused and "neither an id nor a name" in report.refused[0].problem


# Messages with each id the trimming tools strip, present or not.
TRIMMED_MESSAGE = st.builds(
    lambda i, second, text, keep: {
        **({"id": i} if "id" in keep else {}), "type": "message",
        **({"date_unixtime": str(1744974000 + second)} if "unixtime" in keep else
           {"date": datetime.fromtimestamp(1744974000 + second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")}),
        "from": "Айгуль", **({"from_id": "user1"} if "from_id" in keep else {}), "text": text,
        **({"edited": "2025-04-18T11:00:00"} if "edited" in keep else {}),
    },
    st.integers(1, 10**6), st.integers(0, 2), TEXT, st.sets(st.sampled_from(["id", "unixtime", "from_id", "edited"])))


@SETTINGS
@given(messages=st.lists(TRIMMED_MESSAGE, min_size=1, max_size=6), chat_id=st.booleans(),
       indent=st.sampled_from([1, None]))
def test_trimmed_exports_read_alike_on_both_paths(tmp_path, monkeypatch, messages, chat_id, indent):
    head = {"name": "t", "type": "private_group", **({"id": 42} if chat_id else {})}
    path = tmp_path / "result.json"
    path.write_text(json.dumps({**head, "messages": messages}, indent=indent, ensure_ascii=False))
    _, msgs, _ = both(path, monkeypatch)
    assert len(msgs) == len(messages)
    derived = [m.message_id for m in msgs if m.message_id.startswith("t")]
    assert len(set(derived)) == len(derived)  # derived ids never collide among themselves
    assert all(m.account_id for m in msgs)
