"""WhatsApp exports in each locale: one group's history in the phone languages of the region and of Europe.

Every fixture under tests/fixtures/whatsapp/<locale>/ holds the same sixteen
entries in its locale's Android layout and wording (SOURCE.md says where each
wording was seen): three system lines, a two-line message, media omitted, a
file attached with a caption, deleted, deleted by the exporter, edited, then
subject, icon, description, security code, joined by link, left, removed.
"""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from fakewatch.model import Message
from fakewatch.sources import ReadContext, whatsapp
from fakewatch.sources.whatsapp_layout import header

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"
LOCALES = ["en", "ru", "kk", "uk", "de", "fr", "es", "pt", "it", "tr", "pl"]
SYSTEM = [0, 1, 2, 9, 10, 11, 12, 13, 14, 15]  # entries WhatsApp wrote itself
CHATS = {"en": "Parents", "ru": "Родители", "kk": "Ата-аналар", "uk": "Батьки", "de": "Eltern", "fr": "Parents",
         "es": "Padres", "pt": "Pais", "it": "Genitori", "tr": "Veliler", "pl": "Rodzice"}


def export(locale: str) -> Path:
    (path,) = (FIXTURES / locale).glob("*.txt")
    return path


def read(path: Path, **options) -> tuple[list[Message], list[str]]:
    ctx = ReadContext(path=path, root=path.parent, shown=path, options=options)
    _chat, *records = list(whatsapp.read(ctx))
    return [r for r in records if isinstance(r, Message)], ctx.notes  # the Sightings come last


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_reads_dates_senders_texts_media_and_system_lines(locale):
    msgs, notes = read(export(locale))
    assert len(msgs) == 16
    assert {m.chat_id for m in msgs} == {CHATS[locale]}  # from the locale's export file name
    # all days are 12 or less: the attachment's name IMG-20240405 says 5 April, not 4 May
    assert msgs[0].sent_at == datetime(2024, 4, 5, 10, 0, tzinfo=timezone.utc)
    assert msgs[15].sent_at == datetime(2024, 4, 6, 10, 15, tzinfo=timezone.utc)
    assert any("day-first (dmy): 1 attachment names" in n for n in notes)
    assert [i for i, m in enumerate(msgs) if m.kind == "service"] == SYSTEM
    assert all(m.account_id is None and m.text for m in msgs if m.kind == "service")
    text, omitted, attached, deleted, you_deleted, edited = msgs[3:9]
    assert text.account_name == "Dana" or text.account_name == "Дана"
    assert text.text == f"Saturday, 11:00 ({locale})\nsquare, by the fountain"
    assert (omitted.text, omitted.media[0].kind, omitted.media[0].path) == ("", "file", None)
    assert (attached.text, attached.media[0].kind, attached.media[0].path) == (
        "the poster", "photo", "IMG-20240405-WA0001.jpg")
    assert (deleted.kind, deleted.text, you_deleted.kind, you_deleted.text) == ("deleted", "", "deleted", "")
    assert you_deleted.raw["deleted_by_exporter"] is True and "deleted_by_exporter" not in deleted.raw
    assert (edited.text, edited.raw["edited"]) == ("See you there", True)
    assert {m.account_id.split(":", 1)[1] for m in msgs if m.account_id} == {text.account_name,
                                                                              attached.account_name}


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_system_lines_under_the_groups_or_actors_name_stay_system_lines(tmp_path, locale):
    """iOS writes group events under the group's name; some exports under the actor's own name."""
    lines = export(locale).read_text(encoding="utf-8").splitlines()
    chat = CHATS[locale]
    rewritten = []
    entry = -1
    for line in lines:
        head = header(line)
        if head is None:
            rewritten.append(line)
            continue
        entry += 1
        prefix = line[: len(line) - len(head.rest)]
        if entry in SYSTEM:
            actor = head.rest.split(" ", 1)[0].rstrip(",")
            name = chat if entry % 2 or head.rest.startswith(("Messages", "Сообщения")) else actor
            line = f"{prefix}{name}: {head.rest}"
        rewritten.append(line)
    path = tmp_path / export(locale).name
    path.write_text("\n".join(rewritten) + "\n", encoding="utf-8")
    msgs, _ = read(path)
    assert [i for i, m in enumerate(msgs) if m.kind == "service"] == SYSTEM
    assert {m.account_name for m in msgs if m.account_id} <= {"Dana", "Дана", "Aigul", "Айгуль", "Айгүл"}


def test_locale_of_system_texts_decides_day_first_without_other_clues(tmp_path):
    path = tmp_path / "WhatsApp Chat mit Eltern.txt"
    path.write_text("05.04.24, 10:00 - Aigul hat die Gruppe „Eltern“ erstellt\n"
                    "05.04.24, 10:01 - Dana: Hallo\n", encoding="utf-8")
    msgs, notes = read(path)
    assert msgs[1].sent_at == datetime(2024, 4, 5, 10, 1, tzinfo=timezone.utc)
    assert any("day-first (dmy): its system texts are in de" in n for n in notes)


def test_a_member_quoting_a_system_text_is_still_a_message(tmp_path):
    path = tmp_path / "WhatsApp Chat with Parents.txt"
    path.write_text('18/04/2025, 11:00 - Dana: Aigul created group "Parents" yesterday, join it\n'
                    "18/04/2025, 11:01 - Dana: I left my keys at school\n"
                    "18/04/2025, 11:02 - Dana: Erlan left\n", encoding="utf-8")
    msgs, _ = read(path)
    assert [m.kind for m in msgs] == ["message", "message", "message"]  # "Erlan left" names someone else
