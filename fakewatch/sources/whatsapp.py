"""WhatsApp "Export chat" `.txt` files, Android and iOS layouts, any of the locales formats.md lists.

A file is read twice: a first cheap pass collects the date fields to decide
whether dates are day-first or month-first (a day above 12 settles it), the
second builds messages. WhatsApp writes no time zone, so times are read as UTC
unless the `tz` option names the zone the exporting phone was in.

Identity (DESIGN.md): chat = the chat name (`chat` option, else the file
name), message_id = a digest of the message's minute, content and occurrence
(whatsapp_identity.py), so that members' exports of one group agree. Accounts
are the sender's E.164 number when the sender is shown as a phone number, else
the display name; the messages no other entry repeats go, after the file, to
store/aliases.py as Sightings, which link one sender's two names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from fakewatch.model import Chat, Media, Message, account_key
from fakewatch.store.aliases import store_sightings as store  # noqa: F401  (ingest's hook for Sightings)

from .base import ReadContext, Record, check_range, clip_text, hash_media
from .whatsapp_identity import MessageIds, Sightings

NAME = "whatsapp"
PHONE_REGION = "KZ"  # numbers without a country code are read as Kazakh ones
MAX_NAME = 80  # a "Name:" prefix longer than this is message text, not a sender

# Bidirectional marks iOS and Android insert around names, numbers and media lines.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))

_HEADER = re.compile(
    r"^[\u200e\u200f]?(?P<bracket>\[)?"
    r"(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4})\.?,?[ \u00a0]"
    r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
    r"(?:[ \u00a0\u202f]?(?P<ampm>[AaPp]\.?[ \u00a0\u202f]?[Mm]\.?))?"
    r"(?(bracket)\][ \u00a0]|[ \u00a0][-\u2013][ \u00a0])"
    r"(?P<rest>.*)$"
)
_DATE_PARTS = re.compile(r"[./-]")
_SENDER = re.compile(r"^(?P<name>[^:\n]{1,%d}?): (?P<text>.*)$" % MAX_NAME, re.DOTALL)
_PHONE_LIKE = re.compile(r"^\+?[\d \u00a0()\-]{7,20}$")

# Localised strings: those formats.md documents, plus the other media kinds of the documented
# "<kind> omitted" / "<kind> отсутствует" patterns. Add more as real exports show them.
# Media the export left out (iOS prints these after a U+200E mark).
_OMITTED = {
    "<media omitted>": "file", "<без медиафайлов>": "file",
    "image omitted": "photo", "video omitted": "video_file", "audio omitted": "voice_message",
    "sticker omitted": "sticker", "gif omitted": "animation", "document omitted": "file",
    "contact card omitted": "contact",
    "изображение отсутствует": "photo", "видео отсутствует": "video_file", "аудио отсутствует": "voice_message",
    "стикер отсутствует": "sticker", "gif отсутствует": "animation", "документ отсутствует": "file",
}
# Media the export carries, Android: "IMG-...jpg (file attached)"; iOS: "<attached: 0000-PHOTO-....jpg>".
_ATTACHED = re.compile(
    r"^(?:<attached: (?P<ios>[^<>\n]+)>"
    r"|(?P<android>[^\n]+?\.\w{1,5}) \((?:file attached|файл добавлен|қосымша файл)\))(?:\n(?P<caption>.*))?$",
    re.DOTALL,
)
_DELETED = {"this message was deleted", "you deleted this message", "данное сообщение удалено.", "бұл хат жойылды"}
_EDITED_SUFFIX = re.compile(r"\s*<(?:This message was edited|Сообщение изменено)>$")  # ru: as the demo writes it
# System lines that still contain ": " (group subject changes quoting the new name, and similar).
_SYSTEM_HINT = re.compile(
    r"created group|changed the (?:subject|group name|group description)|создал\(а\) группу|изменил\(а\) тему"
    r"|end-to-end encrypted|защищены сквозным шифрованием",
    re.IGNORECASE,
)
_FILE_KINDS = (("PHOTO", "photo"), ("IMG", "photo"), ("VIDEO", "video_file"), ("VID", "video_file"),
               ("PTT", "voice_message"), ("AUDIO", "audio_file"), ("AUD", "audio_file"),
               ("STICKER", "sticker"), ("STK", "sticker"), ("GIF", "animation"))
_CHAT_FILE_PREFIXES = ("WhatsApp Chat with ", "WhatsApp Chat - ", "Чат WhatsApp с ")


def sniff(path: Path, head: bytes) -> bool:
    text = head.decode("utf-8", "replace").lstrip("\ufeff\u200e\r\n ")
    first = text.split("\n", 1)[0].rstrip("\r")
    return bool(_HEADER.match(first))


@dataclass
class _Entry:
    line: int
    date: str
    time: str
    ampm: str | None
    rest: str
    bracket: bool
    more: list[str] = field(default_factory=list)


def _lines(ctx: ReadContext) -> Iterator[tuple[int, str]]:
    with ctx.path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ctx.fail(f"line {number}, byte {exc.start}", "not UTF-8 text") from None
            if number == 1:
                line = line.lstrip("\ufeff")
            yield number, line.rstrip("\r\n")


def _entries(ctx: ReadContext) -> Iterator[_Entry]:
    """Group the file's lines into entries: a header line plus its continuation lines."""
    entry: _Entry | None = None
    for number, line in _lines(ctx):
        match = _HEADER.match(line)
        if match:
            if entry:
                yield entry
            entry = _Entry(number, match["date"], match["time"], match["ampm"], match["rest"],
                           bool(match["bracket"]))
        elif entry:
            entry.more.append(line)
        elif line.strip():
            raise ctx.fail(f"line {number}", "text before the first dated line: not a WhatsApp export")
    if entry:
        yield entry


def _date_order(ctx: ReadContext) -> str:
    """'dmy', 'mdy' or 'ymd', from the option or from the dates in the file."""
    forced = ctx.options.get("date_order")
    if forced:
        if forced not in ("dmy", "mdy", "ymd"):
            raise ctx.fail("options", f"--date-order must be dmy, mdy or ymd, not {forced!r}")
        return forced
    first_big = second_big = 0  # line numbers where a field above 12 settles the order
    twelve_hour = False
    for number, line in _lines(ctx):
        match = _HEADER.match(line)
        if not match:
            continue
        a, b, _c = (int(x) for x in _DATE_PARTS.split(match["date"]))
        if a > 31:
            return "ymd"
        twelve_hour = twelve_hour or bool(match["ampm"])
        if a > 12 and not first_big:
            first_big = number
        if b > 12 and not second_big:
            second_big = number
        if first_big and second_big:
            raise ctx.fail(f"line {max(first_big, second_big)}",
                           f"dates are day-first at line {first_big} and month-first at line {second_big}")
    if first_big:
        return "dmy"
    if second_big:
        return "mdy"
    guess = "mdy" if twelve_hour else "dmy"
    ctx.note(f"day/month order not decidable from the dates; assumed {guess} (force with --date-order)")
    return guess


def _zone(ctx: ReadContext) -> tzinfo:
    name = ctx.options.get("tz")
    if not name:
        ctx.note("WhatsApp exports carry no time zone: times were read as UTC (set --tz to the phone's zone)")
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ctx.fail("options", f"unknown time zone {name!r}") from None


def _moment(entry: _Entry, order: str, zone: tzinfo, ctx: ReadContext) -> datetime:
    position = f"line {entry.line}"
    a, b, c = (int(x) for x in _DATE_PARTS.split(entry.date))
    year, month, day = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
    if year < 100:
        year += 2000
    clock = [int(x) for x in re.split(r"[:.]", entry.time)]
    hour, minute, second = clock[0], clock[1], clock[2] if len(clock) > 2 else 0
    if entry.ampm:
        if not 1 <= hour <= 12:
            raise ctx.fail(position, f"hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if entry.ampm.lower().startswith("p") else 0)
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError as exc:
        raise ctx.fail(position, f"bad date or time {entry.date} {entry.time}: {exc}") from None
    return check_range(local.astimezone(timezone.utc), ctx, position)


def account_for(sender: str) -> str:
    """The native id of a sender: E.164 when the name is a phone number, else the name itself."""
    if _PHONE_LIKE.match(sender):
        try:
            number = phonenumbers.parse(sender, PHONE_REGION)
        except phonenumbers.NumberParseException:
            return sender
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return sender


def chat_name(ctx: ReadContext) -> str:
    """The chat's name: the `chat` option, else the export's file name (or its zip's, for iOS `_chat.txt`)."""
    if ctx.options.get("chat"):
        return str(ctx.options["chat"])
    shown = ctx.shown or ctx.path
    stem = shown.stem
    if stem.lower() in ("_chat", "chat"):
        stem = Path(shown.parent.name).stem or stem
    for prefix in _CHAT_FILE_PREFIXES:
        if stem.startswith(prefix):
            return stem[len(prefix):].strip() or stem
    return stem


def _file_kind(name: str) -> str:
    upper = name.upper()
    for marker, kind in _FILE_KINDS:
        if marker in upper:
            return kind
    return "file"


def _split(entry: _Entry) -> tuple[str | None, str, bool]:
    """(sender, text, is_system) of an entry."""
    body = "\n".join([entry.rest, *entry.more])
    match = _SENDER.match(body)
    if not match or _SYSTEM_HINT.search(match["name"]):
        return None, body, True
    name, text = match["name"].translate(_MARKS).strip(), match["text"]
    if entry.bracket and text.startswith("\u200e") and _media(text.translate(_MARKS)) is None:
        # iOS writes group events as "<group name>: \u200e<event>"
        return None, text.translate(_MARKS), True
    return name, text, False


def _media(text: str) -> tuple[Media, str] | None:
    """The media a message body stands for, and the caption left over; None for plain text."""
    lowered = text.strip().lower()
    if lowered in _OMITTED:
        return Media(kind=_OMITTED[lowered], file_absent=True), ""
    match = _ATTACHED.match(text.strip())
    if match:
        name = (match["ios"] or match["android"]).strip()
        return Media(kind=_file_kind(name), path=name, file_absent=True), (match["caption"] or "").strip()
    return None


def _message(entry: _Entry, chat: str, order: str, zone: tzinfo, ctx: ReadContext) -> Message:
    """The entry as a Message, its id not yet assigned (`read` does, in file order)."""
    position = f"line {entry.line}"
    sender, text, system = _split(entry)
    msg = Message(platform=NAME, chat_id=chat, message_id="",
                  sent_at=_moment(entry, order, zone, ctx),
                  raw={"line": entry.line, "text": "\n".join([entry.rest, *entry.more])})
    if system:
        msg.kind = "service"
        msg.text = clip_text(text.translate(_MARKS), ctx, position)
        return msg
    assert sender is not None
    msg.account_id = account_key(NAME, account_for(sender))
    msg.account_name = sender
    plain = text.translate(_MARKS)
    if plain.strip().lower() in _DELETED:
        msg.kind = "deleted"
        return msg
    edited = _EDITED_SUFFIX.search(plain)
    if edited:
        plain = plain[: edited.start()]
        msg.raw["edited"] = True
    found = _media(plain)
    if found:
        item, plain = found
        if item.path:
            hash_media(item, ctx)
        msg.media.append(item)
    msg.text = clip_text(plain, ctx, position)
    return msg


def read(ctx: ReadContext) -> Iterator[Record | Sightings]:
    """The chat, then one Message per entry (system lines as kind "service", deleted ones as "deleted"),
    then the Sightings of the file's senders."""
    order = _date_order(ctx)
    zone = _zone(ctx)
    chat = chat_name(ctx)
    yield Chat(platform=NAME, chat_id=chat, name=chat, type="whatsapp_chat")
    ids = MessageIds()
    for entry in _entries(ctx):
        msg = _message(entry, chat, order, zone, ctx)
        msg.message_id = ids.assign(msg.sent_at, msg.kind, msg.text, bool(msg.media), msg.account_id)
        yield msg
    yield Sightings(NAME, chat, ids.sightings())

