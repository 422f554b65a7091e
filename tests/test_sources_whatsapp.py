"""WhatsApp .txt layouts, from hand-written fixtures in the shapes formats.md records."""

import hashlib
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fakewatch.ingest import ingest
from fakewatch.model import Chat, Message
from fakewatch.sources import ReadContext, ReadError, detect, whatsapp
from fakewatch.store.tables.core import media, messages
from sqlalchemy import select

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"


def read(name: str, **options) -> tuple[Chat, list[Message], list[str]]:
    path = FIXTURES / name
    ctx = ReadContext(path=path, root=path.parent, shown=path, options=options)
    records = list(whatsapp.read(ctx))
    assert isinstance(records[0], Chat)
    return records[0], [r for r in records[1:] if isinstance(r, Message)], ctx.notes


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.txt")))
def test_every_layout_is_detected_as_whatsapp(name):
    assert detect(FIXTURES / name) is whatsapp


def test_android_en_gb_multiline_system_media_deleted_phone_sender():
    chat, msgs, notes = read("WhatsApp Chat with Almaty Parents.txt")
    assert chat.chat_id == "Almaty Parents"
    assert len({m.message_id for m in msgs}) == 8  # derived from each message (test_whatsapp_identity.py)
    notice, pram, march, joined, omitted, deleted, colon, created = msgs
    assert notice.kind == "service" and notice.sent_at == utc(2025, 4, 25, 9, 0)  # out of order, kept as is
    assert pram.account_id == "whatsapp:Aigul" and pram.text == "Selling a pram, call 8 (701) 555-12-34"
    assert march.account_id == "whatsapp:+77015550101" and march.account_name == "+7 701 555 01 01"
    assert march.text == "Everyone to the march on Saturday!\nOrganiser: +7 701 555 01 01\n\nPaid 5000 tenge each"
    assert joined.kind == "service" and joined.account_id is None
    assert omitted.text == "" and omitted.media[0].file_absent and omitted.media[0].kind == "file"
    assert deleted.kind == "deleted" and deleted.text == ""
    assert colon.text == "Time: 11:30, place: square"
    assert created.kind == "service" and created.sent_at == utc(2025, 4, 18, 23, 59)
    assert any("read as UTC" in n for n in notes)


def test_android_ru_short_year_russian_number_and_attached_file():
    chat, msgs, _ = read("Чат WhatsApp с Соседи.txt")
    assert chat.chat_id == "Соседи"
    assert msgs[0].kind == "service" and msgs[0].sent_at == utc(2022, 3, 23, 14, 5)
    assert msgs[1].account_id == "whatsapp:+79821111111"
    assert msgs[2].media[0].file_absent and msgs[2].text == ""
    photo = msgs[3].media[0]
    assert (photo.kind, photo.path, photo.file_absent) == ("photo", "IMG-20220323-WA0002.jpg", True)
    assert msgs[3].text == "смотрите фото"
    assert msgs[4].kind == "deleted"
    assert msgs[5].kind == "service"  # "Марат добавил(а) ..." has no "Name:"


def test_android_en_us_twelve_hour_clock_with_narrow_space():
    _, msgs, notes = read("WhatsApp Chat with March Group.txt")
    assert [m.sent_at for m in msgs] == [utc(2025, 4, 18, 9, 5), utc(2025, 4, 18, 12, 30),
                                         utc(2025, 4, 18, 0, 10), utc(2025, 4, 13, 23, 59)]
    assert any("month-first (mdy): line 1 has a day above 12" in n for n in notes)  # "4/18/25" settles it


def test_android_kk_dotted_time_attached_and_deleted():
    chat, msgs, _ = read("WhatsApp Chat with Аула.txt")
    assert chat.chat_id == "Аула"
    assert msgs[0].sent_at == utc(2025, 4, 17, 8, 15)
    assert msgs[0].media[0].kind == "video_file" and msgs[0].media[0].path == "VID-20250417-WA0001.mp4"
    assert msgs[1].kind == "deleted"
    assert msgs[2].text == "Сәлем"


def test_ios_crlf_marks_group_events_media_and_chat_name_from_zip_name():
    path = FIXTURES / "_chat.txt"
    shown = Path("WhatsApp Chat - Семья.zip") / "_chat.txt"
    ctx = ReadContext(path=path, root=path.parent, shown=shown)
    chat, *msgs, _sightings = list(whatsapp.read(ctx))
    assert chat.chat_id == "Семья"
    assert [m.kind for m in msgs] == ["service", "service", "message", "message", "message", "message", "message"]
    assert msgs[1].text == "Алия created this group"
    assert msgs[2].text == "Hello" and msgs[2].sent_at == utc(2022, 3, 27, 21, 42, 10)
    assert msgs[3].media[0].kind == "photo" and msgs[3].text == ""
    attached = msgs[4]
    assert attached.account_id == "whatsapp:+77051234567"
    assert attached.media[0].path == "00000035-PHOTO-2022-03-27-21-41-55.jpg"
    assert msgs[5].text == "two\nlines"
    assert msgs[6].media[0].kind == "photo"  # ru "изображение отсутствует"


def test_ios_day_first():
    _, msgs, _ = read("WhatsApp Chat - Work.txt")
    assert msgs[0].sent_at == utc(2022, 3, 27, 21, 41, 55)
    assert msgs[1].media[0].kind == "video_file"


def test_undecidable_order_is_noted_and_can_be_forced():
    _, msgs, notes = read("WhatsApp Chat with Ambiguous.txt")
    assert msgs[0].sent_at == utc(2024, 2, 1, 10, 0)
    assert any("--date-order" in n for n in notes)
    _, msgs, _ = read("WhatsApp Chat with Ambiguous.txt", date_order="mdy")
    assert msgs[0].sent_at == utc(2024, 1, 2, 10, 0)


def test_chat_option_and_time_zone():
    chat, msgs, notes = read("WhatsApp Chat - Work.txt", chat="Office", tz="Asia/Almaty")
    assert chat.chat_id == "Office" and msgs[0].chat_id == "Office"
    assert msgs[0].sent_at == utc(2022, 3, 27, 15, 41, 55)  # Almaty was UTC+6 until 2024
    assert not any("UTC" in n for n in notes)


def test_contradicting_date_orders_are_refused_with_line(tmp_path):
    path = tmp_path / "WhatsApp Chat with X.txt"
    path.write_text("13/01/2024, 10:00 - A: day-first\n01/13/2024, 10:00 - A: month-first\n", encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        list(whatsapp.read(ReadContext(path=path, root=tmp_path)))
    assert exc.value.position == "line 2" and "day-first (dmy) at line 1" in exc.value.problem


@pytest.mark.parametrize("content, position, problem", [
    (b"10/01/2024, 10:00 - A: ok\n31/02/2024, 10:00 - A: no such day\n", "line 2", "bad date"),
    (b"10/01/1970, 10:00 - A: too early\n", "line 1", "out of range"),
    (b"10/01/2024, 10:00 - A: ok\n\xff\xfe broken\n", "line 2", "not UTF-8"),
    (b"1/2/24, 13:00 PM - A: hour 13 on a 12-hour clock\n", "line 1", "12-hour"),
])
def test_malformed_lines_are_refused_with_their_line(tmp_path, content, position, problem):
    path = tmp_path / "chat.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError) as exc:
        list(whatsapp.read(ReadContext(path=path, root=tmp_path)))
    assert exc.value.position.startswith(position) and problem in exc.value.problem


@pytest.mark.parametrize("sender, account", [
    ("+7 701 555 01 01", "+77015550101"),
    ("8 (701) 555-12-34", "+77015551234"),  # trunk prefix 8, read as Kazakh
    ("+7 982 111-11-11", "+79821111111"),
    ("+44 7911 123456", "+447911123456"),
    ("Мама", "Мама"),
    ("2024", "2024"),  # too short to be a number
])
def test_account_is_e164_when_sender_is_a_phone_number(sender, account):
    assert whatsapp.account_for(sender) == account


def test_zip_export_with_media_is_hashed_and_reingest_adds_nothing(fresh_db, tmp_path):
    photo = b"\xff\xd8fake jpeg bytes"
    archive = tmp_path / "WhatsApp Chat - Семья.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "_chat.txt", "_chat.txt")
        zf.writestr("00000035-PHOTO-2022-03-27-21-41-55.jpg", photo)
    first = ingest(fresh_db, [archive])
    assert not first.refused and first.added == 7
    with fresh_db.connect() as conn:
        chats = set(conn.execute(select(messages.c.chat_id)).scalars())
        stored = conn.execute(select(media).where(media.c.sha256.is_not(None))).one()
    assert chats == {"Семья"}
    assert stored.sha256 == hashlib.sha256(photo).hexdigest() and not stored.file_absent
    assert ingest(fresh_db, [archive]).added == 0


@pytest.mark.parametrize("suffix", [" <This message was edited>", " <Сообщение изменено>"])
def test_edited_marker_is_not_text(tmp_path, suffix):
    path = tmp_path / "chat.txt"
    path.write_text(f"18.04.2025, 11:12 - Айгуль: Марш в субботу{suffix}\n", encoding="utf-8")
    (msg,) = [r for r in whatsapp.read(ReadContext(path=path, root=tmp_path)) if isinstance(r, Message)]
    assert msg.text == "Марш в субботу" and msg.raw["edited"] is True
