"""The layout reader of single-chat exports gives what the streaming parser gives, on any file."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakewatch.demo.writers import message_json, telegram_json
from fakewatch.model import Chat, Message
from fakewatch.sources import ReadContext, ReadError, telegram, telegram_layout

# Hostile text: braces, quotes, backslashes, newlines and the exporter's own closing-line shape inside strings.
TEXT = st.lists(st.sampled_from(["}", "{", "]", ",", '"', "\\", "\n", "\n  }", "\n  },\n  {", "x", "\\x41", "ж",
                                 "\x01", " ", "\t", "\u2028", "😀"]), max_size=12).map("".join)
PART = st.one_of(TEXT, st.fixed_dictionaries({"type": st.sampled_from(["bold", "link"]), "text": TEXT}))
MESSAGE = st.builds(
    lambda i, text, extra: {"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": "user1",
                            "text": text, **extra},
    st.integers(-5, 10**6), st.one_of(TEXT, st.lists(PART, max_size=4)),
    st.dictionaries(st.sampled_from(["reply_to_message_id", "width", "forwarded_from"]), st.integers(0, 99), max_size=2))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEAD = '{\n "name": "t",\n "type": "private_group",\n "id": 42,\n "messages": ['


def telegram_layout_file(path: Path, messages: list[dict], *, tail: str = "\n ]\n}\n") -> Path:
    """A single-chat export laid out as Telegram Desktop writes it (the demo's writer)."""
    path.write_text(HEAD + ",".join("\n  " + message_json(m, 2) for m in messages) + tail, encoding="utf-8")
    return path


def off_layout(self):
    """Walk.items for a file that leaves the layout at once: read by the streaming parser only."""
    raise telegram_layout.OffLayout
    yield


def read(path: Path, *, streamed: bool = False, monkeypatch=None) -> tuple[list[Message], list[str]]:
    """The messages of `path` and the notes raised; `streamed` reads it with the streaming parser only."""
    if streamed:
        monkeypatch.setattr(telegram_layout.Walk, "items", off_layout)
    ctx = ReadContext(path=path, root=path.parent, shown=path)
    try:
        return [r for r in telegram.read(ctx) if isinstance(r, Message)], ctx.notes
    finally:
        if streamed:
            monkeypatch.undo()


def same(a: list[Message], b: list[Message]) -> bool:
    strip = lambda ms: [(m.key, m.account_id, m.account_name, m.text, m.sent_at, m.entities, m.media, m.reply_to,  # noqa: E731
                         m.raw) for m in ms]
    return strip(a) == strip(b)


@SETTINGS
@given(messages=st.lists(MESSAGE, min_size=1, max_size=6), read_size=st.sampled_from([1, 7, 64, 1 << 20]))
def test_exporter_layout_reads_like_the_streaming_parser_at_any_buffer_size(tmp_path, monkeypatch, messages,
                                                                             read_size):
    path = telegram_layout_file(tmp_path / "result.json", messages)
    with monkeypatch.context() as patched:
        patched.setattr(telegram_layout, "READ", read_size)
        patched.setattr(telegram, "_BUFFER", read_size)
        fast, notes = read(path)
    slow, slow_notes = read(path, streamed=True, monkeypatch=monkeypatch)
    assert same(fast, slow) and len(fast) == len(messages) and notes == slow_notes
    assert all(m.raw_json is not None and json.loads(m.raw_json) == m.raw for m in fast)  # all cut by the layout


@SETTINGS
@given(messages=st.lists(MESSAGE, min_size=1, max_size=6), indent=st.sampled_from([None, 0, 2, "\t"]),
       read_size=st.sampled_from([3, 1 << 20]))
def test_other_layouts_read_the_same(tmp_path, monkeypatch, messages, indent, read_size):
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "t", "type": "private_group", "id": 42, "messages": messages},
                               indent=indent, ensure_ascii=False))
    with monkeypatch.context() as patched:
        patched.setattr(telegram_layout, "READ", read_size)
        fast, _ = read(path)
    slow, _ = read(path, streamed=True, monkeypatch=monkeypatch)
    assert same(fast, slow) and len(fast) == len(messages)


def test_one_message_per_line_is_cut_too(tmp_path):
    messages = [{"id": i, "type": "message", "date_unixtime": "1744974000", "text": "a}\n  }"} for i in range(5)]
    path = tmp_path / "result.json"
    path.write_text(HEAD + ",".join("\n  " + json.dumps(m) for m in messages) + "\n ]\n}\n")
    fast, _ = read(path)
    assert [m.text for m in fast] == ["a}\n  }"] * 5 and all(m.raw_json is not None for m in fast)


def test_a_message_off_the_layout_hands_the_rest_to_the_streaming_parser(tmp_path):
    messages = [{"id": i, "type": "message", "date_unixtime": "1744974000", "text": f"t{i}"} for i in range(6)]
    text = HEAD + ",".join("\n  " + message_json(m, 2) for m in messages[:3])
    text += ', {"id": 3, "type": "message",\n"date_unixtime": "1744974000", "text": "t3"\n}'  # closes unindented
    text += "".join(",\n  " + message_json(m, 2) for m in messages[4:]) + "\n ]\n}\n"
    path = tmp_path / "result.json"
    path.write_text(text)
    fast, _ = read(path)
    assert [m.text for m in fast] == [f"t{i}" for i in range(6)]
    assert [m.raw_json is not None for m in fast] == [True] * 3 + [False] * 3


@pytest.mark.parametrize("damage, position", [
    (lambda t: t.replace('"t2"', '"t2'), "after messages[1]"),  # an unclosed string: no cut parses
    (lambda t: t.replace("\n  },\n  {\n   \"id\": 2", "\n  }\n  {\n   \"id\": 2"), "after messages[1]"),  # no comma
    (lambda t: t[: t.index('"t3"')], "after messages[2]"),  # cut off
    (lambda t: t.replace("\n ]\n}", "\n ]\n} x"), "after messages[3]"),  # junk after the root object
])
def test_broken_files_are_refused_at_the_place(tmp_path, damage, position):
    messages = [{"id": i, "type": "message", "date_unixtime": "1744974000", "text": f"t{i}"} for i in range(4)]
    path = telegram_layout_file(tmp_path / "result.json", messages)
    path.write_text(damage(path.read_text()))
    with pytest.raises(ReadError) as exc:
        read(path)
    assert "malformed JSON" in exc.value.problem and exc.value.position.startswith("byte ")
    assert position in exc.value.position


def test_keys_after_the_messages_are_allowed(tmp_path):
    path = telegram_layout_file(tmp_path / "result.json", [{"id": 1, "date_unixtime": "1744974000", "text": "a"}],
                                tail='\n ],\n "extra": {"k": [1, 2]}\n}\n')
    assert [m.text for m in read(path)[0]] == ["a"]


def test_control_characters_as_the_exporter_writes_them(tmp_path):
    path = telegram_layout_file(tmp_path / "result.json", [{"id": 1, "date_unixtime": "1744974000", "text": "a\x01b"}])
    assert "\\x01" in path.read_text()  # invalid JSON, as Telegram Desktop writes it
    (message,), notes = read(path)
    assert message.text == "a\x01b" and json.loads(message.raw_json)["text"] == "a\x01b" and notes


def test_numbers_beyond_64_bits_are_dropped_where_the_streaming_parser_refuses_the_file(tmp_path):
    path = telegram_layout_file(tmp_path / "result.json", [
        {"id": 1, "date_unixtime": "1744974000", "text": "a", "reply_to_message_id": 10**30,
         "photo": "(File not included. Change data exporting settings to download.)", "width": 10**30}])
    (message,), _ = read(path)
    assert message.reply_to is None and message.media[0].width is None


def test_ingest_keeps_each_record_as_the_file_has_it(fresh_db, tmp_path):
    from sqlalchemy import select

    from fakewatch.ingest import ingest
    from fakewatch.store.raw import raw_record, unpack
    from fakewatch.store.tables.core import raw_blocks

    messages = [{"id": i, "type": "message", "date_unixtime": "1744974000", "text": ["a\x01", {"type": "bold", "text": "b"}]}
                for i in range(3)]
    path = telegram_layout_file(tmp_path / "result.json", messages)
    ingest(fresh_db, [path], options={"parallel": True})
    with fresh_db.connect() as conn:
        (block,) = conn.execute(select(raw_blocks.c.data)).scalars()
        assert unpack(block)[1] == ("  " + message_json(messages[1], 2)).strip().replace("\\x01", "\\u0001").encode()
        assert raw_record(conn, 2)["text"] == ["a\x01", {"type": "bold", "text": "b"}]


CHAT = st.fixed_dictionaries({"name": TEXT, "type": st.sampled_from(["private_group", "public_channel"]),
                              "id": st.integers(1, 10**12)})


def full_export(path: Path, chats: list[tuple[dict, list[dict]]], left: list[tuple[dict, list[dict]]]) -> Path:
    """A full-account export laid out as Telegram Desktop writes it (the demo's writer)."""
    root = {"about": "Here is the data you requested.",
            "personal_information": {"user_id": 1, "first_name": "A", "phone_number": "+7 701 555 0101"},
            "contacts": {"about": "c", "list": [{"user_id": 5, "first_name": "B}\n ]", "phone_number": "+7"}]},
            "chats": {"about": "chats", "list": [dict(head, messages=msgs) for head, msgs in chats]},
            "left_chats": {"about": "left", "list": [dict(head, messages=msgs) for head, msgs in left]}}
    path.write_text(telegram_json(root, 0) + "\n", encoding="utf-8")
    return path


def read_all(path: Path) -> tuple[list[Message], set]:
    ctx = ReadContext(path=path, root=path.parent, shown=path)
    records = list(telegram.read(ctx))
    return ([r for r in records if isinstance(r, Message)],
            {(r.chat_id, r.name, r.type) for r in records if isinstance(r, Chat)})


@SETTINGS
@given(chats=st.lists(st.tuples(CHAT, st.lists(MESSAGE, max_size=4)), max_size=4),
       left=st.lists(st.tuples(CHAT, st.lists(MESSAGE, max_size=3)), max_size=2),
       read_size=st.sampled_from([1, 9, 1 << 20]))
def test_full_account_exports_read_like_the_streaming_parser(tmp_path, monkeypatch, chats, left, read_size):
    path = full_export(tmp_path / "result.json", chats, left)
    with monkeypatch.context() as patched:  # hypothesis runs many examples in one test: undo after each
        patched.setattr(telegram_layout, "READ", read_size)
        fast, fast_chats = read_all(path)
        patched.setattr(telegram_layout.Walk, "items", off_layout)
        slow, slow_chats = read_all(path)
    assert same(fast, slow) and fast_chats == slow_chats
    assert len(fast) == sum(len(m) for _, m in chats + left) and all(m.raw_json is not None for m in fast)
    assert fast_chats == {(str(head["id"]), head["name"], head["type"]) for head, _ in chats + left}


def test_full_account_messages_are_named_by_their_own_chat_and_index(tmp_path):
    good = {"id": 1, "type": "message", "date_unixtime": "1744974000", "text": "a"}
    path = full_export(tmp_path / "result.json", [({"name": "a", "type": "private_group", "id": 7}, [good, good]),
                                                  ({"name": "b", "type": "private_group", "id": 8},
                                                   [good, {"id": 2, "date_unixtime": "99999999999"}])], [])
    with pytest.raises(ReadError) as exc:
        read_all(path)
    assert exc.value.position == "chats.list[1].messages[1].date_unixtime"
    path.write_text(json.dumps(json.loads(path.read_text())))  # on one line: the streaming parser names it alike
    with pytest.raises(ReadError) as exc:
        read_all(path)
    assert exc.value.position == "chats.list[1].messages[1].date_unixtime"


def test_a_file_with_no_line_breaks_is_not_held_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(telegram_layout, "MAX_VALUE", 1000)
    monkeypatch.setattr(telegram_layout, "READ", 100)
    reads = []
    walk = telegram_layout.Walk(_Counting(b"{" + b"x" * 100_000, reads), None, lambda fields, where: None)
    with pytest.raises(telegram_layout.OffLayout):
        list(walk.items())
    assert len(walk.cursor.buf) <= 1000 + 2 * telegram_layout.READ and sum(reads) < 100_000


class _Counting:
    def __init__(self, data: bytes, reads: list[int]) -> None:
        self.data, self.reads = data, reads

    def read(self, size: int) -> bytes:
        out, self.data = self.data[:size], self.data[size:]
        self.reads.append(len(out))
        return out
