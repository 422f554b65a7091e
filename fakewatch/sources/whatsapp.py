"""WhatsApp "Export chat" `.txt` files: the layouts of `whatsapp_layout`, the locales of `whatsapp_locales`.

A file is read twice: a first pass gathers what its lines say about the date
order (`whatsapp_layout.DateClues`), the second builds messages. WhatsApp
writes no time zone, so times are read as UTC unless the `tz` option names the
zone the exporting phone was in.

System lines (group events, encryption and security notices) become
`kind="service"` with no account, wherever they stand: without a sender, or
written under the group's or a member's name as iOS does. Placeholders for
media, deletions and edits become media, `kind="deleted"` and `raw["edited"]`,
never text: identical placeholders from many accounts would look like copy-paste.

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
from datetime import timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from fakewatch.model import Chat, Media, Message, account_key
from fakewatch.store.aliases import store_sightings as store  # noqa: F401  (ingest's hook for Sightings)

from .base import ReadContext, Record, clip_text, hash_media
from .whatsapp_identity import MessageIds, Sightings
from .whatsapp_layout import DateClues, Header, date_order, header, moment
from .whatsapp_locales import (ATTACHED_WORDS, CHAT_FILE_PREFIXES, EDITED, MAX_PLACEHOLDER, deletion, omitted,
                               placeholder_locale, system, system_kind)

NAME = "whatsapp"
PHONE_REGION = "KZ"  # numbers without a country code are read as Kazakh ones
MAX_NAME = 80  # a "Name:" prefix longer than this is message text, not a sender

# Bidirectional marks iOS and Android insert around names, numbers and media lines.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))
_SENDER = re.compile(r"^(?P<name>[^:\n]{1,%d}?): (?P<text>.*)$" % MAX_NAME, re.DOTALL)
_PHONE_LIKE = re.compile(r"^\+?[\d \u00a0()\-]{7,20}$")
_QUOTES = frozenset("\"“”«»„")  # the marks WhatsApp quotes group subjects with

# Media the export carries. iOS: "<attached: 00000042-PHOTO-2020-06-07-15-13-20.jpg>" (any locale's word,
# spaces inside allowed, a document's "name • 2 pages" before it); older iOS: "2015-08-04-PHOTO-00004762.jpg
# <attached>"; Android: "IMG-20220323-WA0002.jpg (file attached)". A caption may follow on later lines.
_ATTACHED = (
    re.compile(r"^(?:[^<>\n]* )?<\s*(?P<word>[^<>:\n]{1,40}?)\s*:\s*(?P<file>[^<>\n]+?)\s*>(?:\n(?P<caption>.*))?$",
               re.DOTALL),
    re.compile(r"^(?P<file>[^<>\n]+?\.\w{1,5}) <\s*(?P<word>[^<>:\n]{1,40}?)\s*>(?:\n(?P<caption>.*))?$", re.DOTALL),
    re.compile(r"^(?P<file>[^\n]+?\.\w{1,5}) \((?P<word>[^()\n]{1,40})\)(?:\n(?P<caption>.*))?$", re.DOTALL),
)
# iOS names a document before its placeholder: "report • 2 pages document omitted".
_DOCUMENT_TITLE = re.compile(r"^.+ • \d+ \S+ (?P<placeholder>.+)$")
# File names WhatsApp gives media: these are attachments whatever word the locale puts beside them.
_MEDIA_NAME = re.compile(r"^(?:(?:IMG|VID|AUD|PTT|DOC|STK)-\d{8}-WA\d+|\d{8}-|\d{4}-\d{2}-\d{2}-[A-Z]+-)")
_FILE_KINDS = (("PHOTO", "photo"), ("IMG", "photo"), ("VIDEO", "video_file"), ("VID", "video_file"),
               ("PTT", "voice_message"), ("AUDIO", "audio_file"), ("AUD", "audio_file"),
               ("STICKER", "sticker"), ("STK", "sticker"), ("GIF", "animation"))
_SUFFIX_KINDS = {".jpg": "photo", ".jpeg": "photo", ".png": "photo", ".webp": "sticker", ".mp4": "video_file",
                 ".3gp": "video_file", ".mov": "video_file", ".opus": "voice_message", ".ogg": "voice_message",
                 ".m4a": "audio_file", ".mp3": "audio_file", ".aac": "audio_file", ".vcf": "contact"}


def sniff(path: Path, head: bytes) -> bool:
    text = head.decode("utf-8", "replace").lstrip("\ufeff\u200e\r\n ")
    first = text.split("\n", 1)[0].rstrip("\r")
    return header(first) is not None


@dataclass
class _Entry:
    line: int
    head: Header
    more: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join([self.head.rest, *self.more])


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
    """Group the file's lines into entries: a dated line plus its continuation lines.

    The first dated line fixes the file's layout; a later line in another layout is text.
    """
    entry: _Entry | None = None
    for number, line in _lines(ctx):
        head = header(line, entry.head.layout if entry else None)
        if head:
            if entry:
                yield entry
            entry = _Entry(number, head)
        elif entry:
            entry.more.append(line)
        elif line.strip():
            raise ctx.fail(f"line {number}", "text before the first dated line: not a WhatsApp export")
    if entry:
        yield entry


@dataclass
class _Scan:
    """What the first pass learns: the date clues, and the names the group itself writes under."""

    clues: DateClues = field(default_factory=DateClues)
    senders: set[str] = field(default_factory=set)
    notice_names: set[str] = field(default_factory=set)  # names with notices or events written under them
    kinds: list[str | None] = field(default_factory=list)  # per entry: the system kind of its text, if any

    @property
    def group_names(self) -> set[str]:
        """Names that stand for the group: iOS writes a group's notices and events under the group's name.
        Only in a group (more than two senders): in a private chat that name is the other person's."""
        return self.notice_names if len(self.senders) > 2 else set()


def _scan(ctx: ReadContext) -> _Scan:
    """The first of the two passes over the file."""
    scan = _Scan()
    for entry in _entries(ctx):
        body = entry.body.translate(_MARKS)
        said = _SENDER.match(body)
        text = said["text"] if said else body
        found = system(text)
        scan.kinds.append(found[0] if found else None)
        if said:
            name = said["name"].strip()
            scan.senders.add(name)
            if found and found[0] in ("notice", "event"):
                scan.notice_names.add(name)
        scan.clues.add(entry.line, entry.head, body, found[1] if found else placeholder_locale(text))
    return scan


def _zone(ctx: ReadContext) -> tzinfo:
    name = ctx.options.get("tz")
    if not name:
        ctx.note("WhatsApp exports carry no time zone: times were read as UTC (set --tz to the phone's zone)")
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ctx.fail("options", f"unknown time zone {name!r}") from None


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
    for prefix in CHAT_FILE_PREFIXES:
        if stem.startswith(prefix):
            return stem[len(prefix):].strip() or stem
    return stem


def _file_kind(name: str) -> str:
    upper = name.upper()
    for marker, kind in _FILE_KINDS:
        if marker in upper:
            return kind
    return _SUFFIX_KINDS.get(Path(name).suffix.lower(), "file")


def _split(entry: _Entry, chat: str, group_names: set[str], kind: str | None) -> tuple[str | None, str, bool]:
    """(sender, text without bidirectional marks, is_system) of an entry whose text (after any sender) is
    of system kind `kind` (`whatsapp_locales.system`, found by the first pass).

    A system line has no sender, or stands under one (iOS writes the group's name, some exports the
    actor's own): notices and group events count wherever they stand; added/left/removed under a name
    only when marked as iOS marks events, under the chat's or group's own name, or naming their sender as
    actor.
    """
    body = entry.body
    match = _SENDER.match(body)
    if not match or (_QUOTES.intersection(match["name"]) and system_kind(body.translate(_MARKS))):
        # no sender; or a colon inside a quoted group subject: 'X created group "Parents: 5B"'
        return None, body.translate(_MARKS), True
    name, text = match["name"].translate(_MARKS).strip(), match["text"]
    plain = text.translate(_MARKS)
    if kind in ("notice", "event"):
        return None, plain, True
    if kind == "membership" and (text.startswith("\u200e") or name == chat or name in group_names
                                 or _names(plain, name)):
        return None, plain, True
    if entry.head.bracket and text.startswith("\u200e") and _media(plain) is None:
        # iOS writes group events as "<group name>: \u200e<event>", also those no table here knows
        return None, plain, True
    return name, plain, False


def _names(text: str, name: str) -> bool:
    """Whether `text` starts with `name` as a word: "Dana left" under Dana, "Aigul, Dana kişisini ekledi"
    under Aigul."""
    return text.startswith(name) and (len(text) == len(name) or not text[len(name)].isalnum())


def _media(text: str) -> tuple[Media, str] | None:
    """The media a message body stands for, and the caption left over; None for plain text."""
    body = text.strip()
    first, _, rest = body.partition("\n")
    found = omitted(first) if len(first) <= MAX_PLACEHOLDER else None
    titled = None if found or " • " not in first else _DOCUMENT_TITLE.match(first)
    if titled:
        found = omitted(titled["placeholder"])
    if found:
        return Media(kind=found[0], file_absent=True), rest.strip()  # Android puts a document's name below
    if "<" not in first and "(" not in first:
        return None  # every attachment line has its word in brackets
    for pattern in _ATTACHED:
        match = pattern.match(body)
        if not match:
            continue
        name = match["file"].strip()
        if match["word"].strip().lower() not in ATTACHED_WORDS and not _MEDIA_NAME.match(name):
            continue
        caption = (match["caption"] or "").strip()
        if caption == Path(name).stem:
            caption = ""  # Android repeats a document's name on the line after it
        return Media(kind=_file_kind(name), path=name, file_absent=True), caption
    return None


def _message(entry: _Entry, chat: str, order: str, zone: tzinfo, ctx: ReadContext,
             group_names: set[str], kind: str | None) -> Message:
    """The entry as a Message, its id not yet assigned (`read` does, in file order)."""
    position = f"line {entry.line}"
    sender, plain, system = _split(entry, chat, group_names, kind)
    msg = Message(platform=NAME, chat_id=chat, message_id="",
                  sent_at=moment(entry.head, order, zone, ctx, position),
                  raw={"line": entry.line, "text": entry.body})
    if system:
        msg.kind = "service"
        msg.text = clip_text(plain, ctx, position)
        return msg
    assert sender is not None
    msg.account_id = account_key(NAME, account_for(sender))
    msg.account_name = sender
    deleted = deletion(plain) if len(plain) <= MAX_PLACEHOLDER else None
    if deleted:
        msg.kind = "deleted"
        if deleted[0] == "you_deleted":
            msg.raw["deleted_by_exporter"] = True
        return msg
    edited = EDITED.search(plain) if plain.rstrip().endswith(">") else None
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
    scan = _scan(ctx)
    order = date_order(ctx, scan.clues)
    zone = _zone(ctx)
    chat = chat_name(ctx)
    yield Chat(platform=NAME, chat_id=chat, name=chat, type="whatsapp_chat")
    hour_zero, first_hour_zero = 0, 0  # lines with hour 0 on a 12-hour clock, and the first of them
    group_names = scan.group_names
    ids = MessageIds()
    for ordinal, entry in enumerate(_entries(ctx), 1):
        if entry.head.hour_zero:
            hour_zero += 1
            first_hour_zero = first_hour_zero or entry.line
        msg = _message(entry, chat, order, zone, ctx, group_names, scan.kinds[ordinal - 1])
        msg.message_id = ids.assign(msg.sent_at, msg.kind, msg.text, bool(msg.media), msg.account_id)
        yield msg
    if hour_zero:
        ctx.note(f"{hour_zero} lines from line {first_hour_zero} on give hour 0 on a 12-hour clock "
                 "(as some locales write 12 a.m.): read as 00:xx")
    yield Sightings(NAME, chat, ids.sightings())
