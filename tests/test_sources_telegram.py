"""Telegram Desktop exports: both shapes, text as string and list, and hostile files."""

import hashlib
import json
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path

import pytest

from fakewatch.model import Chat, Message
from fakewatch.sources import ReadContext, ReadError, detect, telegram
from fakewatch.sources.base import MAX_TEXT

FULL = Path(__file__).parent / "fixtures" / "telegram" / "full" / "result.json"
SINGLE = Path(str(files("fakewatch") / "data" / "example" / "result.json"))


def read(path: Path) -> tuple[list[Chat], dict[tuple[str, str], Message], list[str]]:
    ctx = ReadContext(path=path, root=path.parent, shown=path)
    records = list(telegram.read(ctx))
    chats = [r for r in records if isinstance(r, Chat)]
    msgs = {(m.chat_id, m.message_id): m for m in records if isinstance(m, Message)}
    return chats, msgs, ctx.notes


def single_chat(tmp_path: Path, messages: list, *, raw: bytes | None = None) -> Path:
    path = tmp_path / "result.json"
    if raw is None:
        raw = json.dumps({"name": "t", "type": "private_group", "id": 42, "messages": messages},
                         ensure_ascii=False).encode()
    path.write_bytes(raw)
    return path


def msg(i: int, **fields) -> dict:
    return {"id": i, "type": "message", "date": "2025-04-18T11:00:00", "date_unixtime": "1744974000",
            "from": "A", "from_id": "user1", "text": "hi", **fields}


def test_both_shapes_are_detected():
    assert detect(FULL) is telegram and detect(SINGLE) is telegram


def test_full_account_export_chats_and_left_chats():
    chats, msgs, notes = read(FULL)
    assert [c.chat_id for c in chats] == ["1700001", "1800002", "1900003", "1900004"]  # the empty chat too
    assert chats[0].type == "public_channel" and chats[2].name == "Старый чат"
    assert len(msgs) == 7
    assert msgs["1900003", "1"].sent_at == datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)
    assert any("date_unixtime missing" in n for n in notes)


def test_text_as_list_with_entities_and_media_file_hashed():
    _, msgs, _ = read(FULL)
    post = msgs["1700001", "10"]
    assert post.text == "Марш в субботу. Оплата 5000 тг. Подробнее #марш"
    assert [(e.type, e.text, e.href) for e in post.entities] == [
        ("text_link", "Подробнее", "https://shyndyk-kz.info/news/marsh"), ("hashtag", "#марш", None)]
    assert post.edited_at == datetime(2025, 4, 18, 11, 45, tzinfo=timezone.utc)
    photo = post.media[0]
    disk = FULL.parent / "photos" / "photo_1@18-04-2025_11-40-00.jpg"
    assert not photo.file_absent and photo.sha256 == hashlib.sha256(disk.read_bytes()).hexdigest()
    assert photo.size == disk.stat().st_size and (photo.width, photo.height) == (1280, 720)


def test_channel_post_without_from_id_belongs_to_the_channel():
    _, msgs, _ = read(FULL)
    unsigned = msgs["1700001", "11"]
    assert unsigned.account_id == "telegram:channel1700001" and unsigned.account_name == "Новости Шындык"


def test_group_message_fields_service_unsupported_and_negative_ids():
    _, msgs, _ = read(FULL)
    service = msgs["1800002", "-5"]
    assert service.kind == "service" and service.account_id == "telegram:user100" and service.text == ""
    video = msgs["1800002", "7"]
    assert (video.forwarded_from, video.via_bot, video.reply_to) == ("Новости Шындык", "@like", "3")
    assert video.media[0].kind == "video_file" and video.media[0].file_absent and video.media[0].duration == 31.0
    assert [(e.type, e.text) for e in video.entities] == [("phone", "+7 701 555 01 01")]
    mention = msgs["1800002", "8"]  # text list without text_entities; `from` null (deleted account)
    assert mention.text == "Айгуль, придёшь?" and mention.entities[0].href == "user5001"
    assert mention.account_id == "telegram:user777" and mention.account_name is None
    assert msgs["1800002", "9"].kind == "unsupported"
    assert msgs["1800002", "9"].sent_at == msgs["1800002", "8"].sent_at  # no date: the one before it


def test_single_chat_text_as_string():
    chats, msgs, _ = read(SINGLE)
    assert chats == [Chat("telegram", "1001", "Алматы — чат района", "private_supergroup")]
    assert msgs["1001", "2"].text == "Продам коляску, звоните 8 (701) 555-12-34"
    assert msgs["1001", "2"].raw["from_id"] == "user5001"


def test_hex_escapes_are_read_and_noted(tmp_path):
    path = single_chat(tmp_path, [], raw=(
        b'{"name": "t", "type": "private_group", "id": 1, "messages": [\n'
        b'{"id": 1, "type": "message", "date_unixtime": "1744974000", "from_id": "user1", '
        b'"text": "bell\\x07 tab\\x09 kept \\\\x41 literal"}]}'))
    _, msgs, notes = read(path)
    assert msgs["1", "1"].text == "bell\x07 tab\t kept \\x41 literal"
    assert any("\\xNN" in n for n in notes)


def test_control_characters_and_nul(tmp_path):
    path = single_chat(tmp_path, [msg(1, text="a\u0000b\u001bc\u202ed")])
    _, msgs, notes = read(path)
    assert msgs["42", "1"].text == "a\ufffdb\u001bc\u202ed"  # NUL replaced (PostgreSQL), the rest kept
    assert any("NUL" in n for n in notes)


def test_100k_character_message_is_kept_and_longer_text_cut(tmp_path):
    path = single_chat(tmp_path, [msg(1, text="я" * 100_000), msg(2, text="x" * (MAX_TEXT + 10))])
    _, msgs, notes = read(path)
    assert len(msgs["42", "1"].text) == 100_000
    assert len(msgs["42", "2"].text) == MAX_TEXT and any("was cut" in n for n in notes)


@pytest.mark.parametrize("bad, position, problem", [
    (msg(1, id={"x": 1}), "messages[1].id", "expected an integer id"),
    (msg(1, date_unixtime="soon"), "messages[1].date_unixtime", "epoch seconds"),
    (msg(1, date_unixtime="99999999999"), "messages[1].date_unixtime", "out of range"),
    (msg(1, date_unixtime="-86400"), "messages[1].date_unixtime", "out of range"),
    (msg(1, date_unixtime=None, date="yesterday"), "messages[1].date_unixtime", "epoch seconds"),
    ({"id": 1, "type": "message", "date": "1812-06-24T00:00:00"}, "messages[1].date", "out of range"),
    ({"id": 1, "type": "message", "text": "no date"}, "messages[1]", "no date"),
    (msg(1, from_id=["user1"]), "messages[1]", "sender id"),
    ("just a string", "messages[1]", "expected a message object"),
])
def test_wrong_types_and_dates_are_refused_with_their_json_path(tmp_path, bad, position, problem):
    path = single_chat(tmp_path, [msg(0), bad])
    with pytest.raises(ReadError) as exc:
        read(path)
    assert exc.value.position == position and problem in exc.value.problem
    assert exc.value.path == str(path)


def test_odd_but_harmless_types_are_coerced(tmp_path):
    path = single_chat(tmp_path, [msg(1, text=12345, text_entities="nope", width=1e30, photo=7,
                                      forwarded_from=["x"], via_bot=5)])
    _, msgs, _ = read(path)
    m = msgs["42", "1"]
    assert m.text == "12345" and m.entities == [] and m.via_bot is None and m.forwarded_from == "['x']"
    assert m.media[0].width is None and m.media[0].path is None


def test_truncated_json_names_the_byte_offset(tmp_path):
    whole = json.dumps({"name": "t", "type": "private_group", "id": 42, "messages": [msg(i) for i in range(50)]})
    path = single_chat(tmp_path, [], raw=whole[: len(whole) // 2].encode())
    with pytest.raises(ReadError) as exc:
        read(path)
    assert exc.value.position.startswith("byte ") and "malformed JSON" in exc.value.problem
    assert "after messages[" in exc.value.position


def test_integer_beyond_64_bits_is_refused_by_the_parser(tmp_path):
    path = single_chat(tmp_path, [msg(1, width=10**30)])
    with pytest.raises(ReadError) as exc:
        read(path)
    assert exc.value.position.startswith("byte ") and "before the first message" in exc.value.position


def test_truncated_full_account_export(tmp_path):
    path = tmp_path / "result.json"
    path.write_bytes(FULL.read_bytes()[:2000])
    with pytest.raises(ReadError) as exc:
        read(path)
    assert "malformed JSON" in exc.value.problem and exc.value.position.startswith("byte ")


def test_messages_not_a_list_is_refused(tmp_path):
    path = single_chat(tmp_path, [], raw=b'{"name": "t", "type": "x", "id": 1, "messages": "none"}')
    with pytest.raises(ReadError, match="expected a list of messages"):
        read(path)
