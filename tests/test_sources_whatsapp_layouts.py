"""WhatsApp layouts from real exports and other parsers' suites (tests/fixtures/whatsapp/*/SOURCE.md)."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from fakewatch.model import Message
from fakewatch.sources import ReadContext, ReadError, whatsapp

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"


def read(relative: str, **options) -> tuple[list[Message], list[str]]:
    path = FIXTURES / relative
    ctx = ReadContext(path=path, root=path.parent, shown=path, options=options)
    _chat, *records = list(whatsapp.read(ctx))
    return [r for r in records if isinstance(r, Message)], ctx.notes  # the Sightings come last


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def summary(msgs: list[Message]) -> list[tuple]:
    return [(m.sent_at, m.kind, m.account_name, m.text, [(x.kind, x.path) for x in m.media]) for m in msgs]


def test_colon_after_the_time():
    msgs, _ = read("layout-colon-after-time/WhatsApp Chat with Kaupunki.txt")
    assert summary(msgs) == [
        (utc(2018, 6, 13, 21, 25, 15), "message", "Matti", "Huomenna torilla klo 11", []),
        (utc(2018, 6, 13, 21, 26, 2), "message", "Liisa", "Kuka tuo lipun?\nMinä en ehdi", []),
        (utc(2018, 6, 14, 8, 0, 0), "message", "Matti", "", [("file", None)]),
    ]


def test_finnish_klo_between_date_and_time():
    msgs, _ = read("layout-fi-klo/WhatsApp Chat with Kaupunki.txt")
    assert [m.sent_at for m in msgs] == [utc(2018, 6, 13, 21, 25, 15), utc(2018, 6, 13, 21, 26, 2),
                                         utc(2018, 6, 14, 8, 0, 0)]
    assert msgs[2].media[0].path == "IMG-20180614-WA0001.jpg" and msgs[1].text == "Kuka tuo lipun?"


def test_spaced_date_and_no_separator_after_the_time():
    msgs, _ = read("layout-spaced-date/WhatsApp Chat with Grad.txt")
    assert [(m.sent_at, m.account_name) for m in msgs] == [
        (utc(2018, 6, 13, 21, 25, 15), "Ivana"), (utc(2018, 6, 13, 21, 26, 2), "Marko"),
        (utc(2018, 6, 14, 8, 0, 0), "Ivana")]
    assert msgs[2].text == "13. 6. 2018. sam rekla: u 11"  # a date inside the text is text


def test_year_in_the_middle():
    msgs, notes = read("layout-year-middle/_chat.txt")
    assert [m.sent_at for m in msgs] == [utc(2018, 6, 13, 21, 25, 15), utc(2018, 6, 13, 21, 26, 2),
                                         utc(2018, 6, 14, 8, 0, 0)]
    assert any("month-first (myd)" in n for n in notes)


def test_year_first_android_and_system_line():
    msgs, _ = read("layout-year-first/WhatsApp Chat with John Doe.txt")
    assert [m.kind for m in msgs] == ["message", "message", "message", "service"]
    assert msgs[0].sent_at == utc(2019, 1, 1, 12, 0) and msgs[1].text == "Hey!\nP.S. Nice emoji 👀"
    assert msgs[2].account_id == "whatsapp:+10000000000"


@pytest.mark.parametrize("name, first, last, order", [
    ("test_dateformat1.txt", utc(2019, 12, 24, 11, 23), utc(2017, 7, 16, 19, 13), "mdy"),
    ("test_dateformat2.txt", utc(2019, 9, 24, 23, 30), utc(2019, 12, 24, 11, 30), "mdy"),  # p.m. and p. m.
    ("test_dateformat3.txt", utc(2022, 12, 14, 13, 34), utc(2022, 12, 21, 17, 2), "ymd"),  # "13:34. -"
    ("test_dateformat5.txt", utc(2021, 10, 21, 15, 21, 45), utc(2021, 10, 24, 15, 21, 48), "mdy"),  # [10.21.21, ...]
    ("test_dateformat6.txt", utc(2021, 10, 21, 15, 21, 45), utc(2021, 10, 24, 15, 21, 48), "dmy"),
    ("test_mmddyyyy_12hrs.txt", utc(2019, 1, 1, 11, 25), utc(2021, 12, 30, 22, 1), "mdy"),
    ("test_unicode.txt", utc(2022, 9, 10, 22, 37), utc(2022, 9, 10, 22, 37), "mdy"),  # no clue: 12-hour clock
])
def test_chat_miner_suite(name, first, last, order):
    msgs, notes = read(f"chat-miner/{name}")
    assert (msgs[0].sent_at, msgs[-1].sent_at) == (first, last)
    assert any(f"({order})" in n for n in notes)
    assert all(m.text for m in msgs)


def test_chat_miner_system_lines_and_emoji_senders():
    msgs, _ = read("chat-miner/test_dateformat1.txt")
    assert [m.kind for m in msgs].count("service") == 3 and msgs[-1].account_id == "whatsapp:+12345578"
    msgs, _ = read("chat-miner/test_unicode.txt")
    assert [m.account_name for m in msgs] == ["John Doe", "John Doe 🤓", "🤓"]


def test_hour_zero_on_a_twelve_hour_clock_is_read_as_midnight_with_a_note():
    """Issue 14, item 1: `06/20/2020, 00:08 a. m.` refused the whole file."""
    msgs, notes = read("chat-miner/test_mmddyyyy_12hrs.txt")
    created = msgs[4]
    assert created.sent_at == utc(2020, 6, 20, 0, 8) and created.kind == "service" and created.account_id is None
    assert any("hour 0 on a 12-hour clock" in n and "line 6" in n for n in notes)
    msgs, notes = read("es-12h/Chat de WhatsApp con Vereda.txt")
    assert msgs[3].sent_at == utc(2026, 8, 20, 0, 10) and any("read as 00:xx" in n for n in notes)


def test_hour_above_twelve_on_a_twelve_hour_clock_is_still_refused():
    with pytest.raises(ReadError) as exc:
        read("chat-miner/test_dateformat4.txt")
    assert exc.value.position == "line 3" and "hour 13 on a 12-hour clock" in exc.value.problem


def test_spanish_twelve_hour_android_with_attachment_caption():
    msgs, _ = read("es-12h/Chat de WhatsApp con Vereda.txt")
    assert summary(msgs)[:3] == [
        (utc(2026, 8, 19, 8, 26), "message", "Don Rafael",
         "ubicación: https://maps.google.com/?q=19.6228056,-99.1226566", []),
        (utc(2026, 8, 19, 8, 26), "message", "Don Rafael", "Pirul vereda calpulli.",
         [("photo", "IMG-20260819-WA0034.jpg")]),
        (utc(2026, 8, 19, 12, 5), "message", "Rafa", "", [("file", None)]),
    ]


def test_ios_day_first_twelve_hour_decided_by_attachment_name():
    """Issue 14, item 3: `[05/12/2024, 8:00:15 AM]` was read 12 May although IMG-20241207 says December."""
    msgs, notes = read("en-ios-12h-day-first/_chat.txt")
    assert [m.sent_at for m in msgs] == [utc(2024, 12, 5, 8, 0, 15), utc(2024, 12, 5, 8, 0, 15),
                                         utc(2024, 12, 5, 9, 12, 40), utc(2024, 12, 6, 19, 30),
                                         utc(2024, 12, 7, 11, 15, 53)]
    assert any("day-first (dmy): 1 attachment names" in n for n in notes)
    assert msgs[0].kind == "service" and msgs[4].media[0].path == "IMG-20241207-WA0005.jpg"


def test_forced_date_order_and_zone_win_over_every_clue():
    msgs, notes = read("en-ios-12h-day-first/_chat.txt", date_order="mdy", tz="Asia/Almaty")
    assert msgs[1].sent_at == utc(2024, 5, 12, 3, 0, 15)  # Almaty is UTC+5 since March 2024
    assert not any("read" in n and "first" in n for n in notes)


@pytest.mark.parametrize("name", ["WhatsApp Chat with Pokemon Chat.txt", "WhatsApp Chat with Alice.txt"])
def test_encryption_notice_under_a_name_is_a_system_line(name):
    """Issue 14, item 2: the notice created account `whatsapp:Pokemon Chat`, or became Alice's message."""
    msgs, _ = read(f"en-system-under-name/{name}")
    assert (msgs[0].kind, msgs[0].account_id) == ("service", None)
    assert msgs[0].text.startswith("Messages and calls are end-to-end encrypted.")
    assert msgs[1].kind == "message" and msgs[1].account_id is not None


def test_pm_lowercase_year_first():
    msgs, _ = read("en-system-under-name/WhatsApp Chat with Alice.txt")
    assert msgs[1].sent_at == utc(2024, 12, 1, 22, 5)


def test_ios_dotted_date_twelve_hour():
    msgs, _ = read("en-ios-dotted-12h/_chat.txt")
    assert [m.sent_at for m in msgs] == [utc(2023, 8, 5, 17, 52, 2), utc(2023, 8, 5, 17, 53, 10),
                                         utc(2023, 8, 13, 0, 1)]
    assert msgs[2].media[0].kind == "photo" and msgs[2].text == ""


def test_ios_attachments_in_every_form():
    msgs, _ = read("ios-attachments/_chat.txt")
    assert [(m.text, [(x.kind, x.path) for x in m.media]) for m in msgs] == [
        ("", [("photo", "00000042-PHOTO-2020-06-07-15-13-20.jpg")]),  # spaces inside the brackets
        ("", [("photo", "2015-08-04-PHOTO-00004762.jpg")]),  # older iOS: name, then <attached>
        ("", [("file", "00000002-RS.pdf")]),  # document: "name • 14 pages <attached: ...>"
        ("This is car loan statement.", []),
        ("", [("file", None)]),  # "test_document • 1 page document omitted"
        ("", [("contact", "00000001-John Doe.vcf")]),
    ]


def test_german_android_attachments_placeholders_and_edits():
    msgs, _ = read("de-android-attachments/WhatsApp Chat mit Familie.txt")
    assert summary(msgs) == [
        (utc(2021, 11, 15, 15, 28), "message", "Sascha", "blabla...", [("photo", "IMG-20211115-WA0010.jpg")]),
        (utc(2021, 4, 4, 9, 40), "message", "Detlef", "Dir auch frohe Ostern.",
         [("photo", "4f2680f1db95a8454775cc2eefc95bfc.jpg")]),  # any name, with the locale's word
        (utc(2025, 4, 2, 15, 12), "message", "sammy", "4Bit Adiere.mod", [("file", None)]),  # document name below
        (utc(2025, 3, 26, 19, 30), "message", "Ole", "kannst du mir das schicken?", []),
    ]
    assert msgs[3].raw["edited"] is True


def test_german_ios_attachment_and_event_under_the_groups_name():
    msgs, _ = read("de-ios/_chat.txt")
    assert [(m.kind, m.account_name) for m in msgs] == [("service", None), ("message", "Sascha"),
                                                        ("message", "Sascha"), ("service", None)]
    assert msgs[1].media[0].path == "00000009-PHOTO-2023-10-27-22-42-29.jpg" and msgs[1].text == ""
    assert msgs[3].text == "Sascha hat Detlef hinzugefügt"


def test_turkish_ios_system_lines_under_the_actors_and_groups_names():
    """From a user's paste: events written under the actor's own name and under the group's ("mezun A")."""
    msgs, _ = read("tr-ios/_chat.txt")
    assert [(m.kind, m.account_name) for m in msgs] == [
        ("service", None), ("service", None), ("service", None), ("message", "Bora"), ("service", None),
        ("service", None), ("message", "~ Dicle"), ("message", "Bora")]
    assert msgs[0].sent_at == utc(2016, 9, 23, 17, 0, 28) and msgs[1].sent_at == utc(2017, 5, 5, 18, 1, 12)
    assert msgs[7].media[0].kind == "photo" and msgs[7].text == ""  # "görüntü dahil edilmedi"


def test_a_line_in_another_layout_is_text_of_the_message_before(tmp_path):
    path = tmp_path / "WhatsApp Chat with X.txt"
    path.write_text("13/01/2024, 10:00 - A: minutes of the meeting:\n"
                    "[13/01/2024, 09:00:00] B: quoted from another chat\n"
                    "13/01/2024, 10:01 - B: ok\n", encoding="utf-8")
    msgs, _ = read(str(path))
    assert [m.text for m in msgs] == ["minutes of the meeting:\n[13/01/2024, 09:00:00] B: quoted from another chat",
                                      "ok"]


def test_year_in_different_places_is_refused_with_both_lines(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("2024/01/13, 10:00 - A: one\n13/01/2024, 10:01 - A: two\n", encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read(str(path))
    assert exc.value.position == "line 2" and "line 1" in exc.value.problem


def test_time_order_decides_when_no_other_clue_does(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("12/01/2024, 10:00 - A: one\n01/02/2024, 10:00 - A: two\n02/02/2024, 10:00 - A: three\n",
                    encoding="utf-8")
    msgs, notes = read(str(path))
    assert [m.sent_at.date().isoformat() for m in msgs] == ["2024-01-12", "2024-02-01", "2024-02-02"]
    assert any("day-first (dmy): time order: 0 steps back" in n for n in notes)
