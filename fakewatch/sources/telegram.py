"""Telegram Desktop "Export chat history" JSON: single-chat `result.json` and full-account exports.

Streams with ijson, so a 1 GB export never sits in memory. Facts about the
format are in shared/reference/formats.md; the writer is Telegram Desktop's
export_output_json.cpp.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from fakewatch.model import Chat, Entity, Media, Message, account_key

from . import telegram_layout
from .base import MAX_TEXT, MAX_TIME, MIN_TIME, ReadContext, Record, check_range, clip_text, from_unix, hash_media

NAME = "telegram"

PLACEHOLDER_PREFIX = "(File "  # "(File not included. ...)", "(File exceeds maximum size. ...)", "(File unavailable, ...)"
CHANNEL_TYPES = {"private_channel", "public_channel"}
MEDIA_KEYS = ("photo", "file")
_KINDS = {"service": "service", "unsupported": "unsupported"}
_CHAT_ITEMS = ("chats.list.item", "left_chats.list.item")
_RENAMED = {f"{group}.messages.item": "messages.item" for group in _CHAT_ITEMS}
_CHAT_FIELDS = {f"{group}.{key}" for group in _CHAT_ITEMS for key in ("id", "name", "type")}
_WATCHED = {*_RENAMED, *_CHAT_ITEMS, *_CHAT_FIELDS, "messages"}
_BUFFER = 1 << 20  # bytes read at a time
_MAX_NUMBER = 2**63  # sizes and dimensions beyond a 64-bit integer column are nonsense, dropped
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_UNDATED = datetime(2000, 1, 1, tzinfo=timezone.utc)  # marker, replaced by the previous message's time
_MIN_EPOCH, _MAX_EPOCH = int(MIN_TIME.timestamp()), int(MAX_TIME.timestamp())
# Exports trimmed by their owners or by tools: what stands in for the ids they left out.
DERIVED_CHAT = "derived-"  # + 16 hex digits of SHA-256 over the chat's type and name
NAMED = "name:"  # telegram:name:<from> is the account of a sender with no from_id
NOTE_CHAT_ID = "chats without `id`: their id was derived from their name and type (derived-…)"
NOTE_MESSAGE_ID = "messages without `id`: their id was derived from their time and order in that second (t<unixtime>.<n>)"
NOTE_FROM_ID = "senders without `from_id`/`actor_id`: the account is named by `from`/`actor` (telegram:name:…)"


def sniff(path: Path, head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        return False
    return (b'"messages"' in head and b'"type"' in head) or b'"personal_information"' in head or b'"chats"' in head


class _FixHexEscapes(io.RawIOBase):
    """Rewrites `\\xNN` (which Telegram Desktop writes for control characters) to valid `\\u00NN`."""

    _pattern = re.compile(rb"(\\+)x")

    def __init__(self, raw: BinaryIO, ctx: ReadContext) -> None:
        self._raw = raw
        self._ctx = ctx
        self._pending = b""
        self._ready = b""  # fixed bytes not yet handed out
        self.offset = 0  # bytes of the original file consumed

    def readable(self) -> bool:
        return True

    def _fix(self, match: re.Match[bytes]) -> bytes:
        slashes = match.group(1)
        if len(slashes) % 2 == 0:
            return match.group(0)
        self._ctx.note("invalid \\xNN escapes in the JSON were read as \\u00NN")
        return slashes[:-1] + b"\\u00"

    def _fill(self) -> None:
        # each fix adds two bytes, and returning nothing means end of file: read on while a chunk fixes to nothing
        while not self._ready:
            chunk = self._raw.read(_BUFFER) or b""
            self.offset += len(chunk)
            data = self._pending + chunk
            self._pending = b""
            if chunk:
                # keep a trailing run of backslashes for the next chunk, where its `x` may be
                stripped = data.rstrip(b"\\")
                self._pending = data[len(stripped):]
                data = stripped
            if data.find(b"\\") != -1 and self._pattern.search(data):  # find: memchr, 80 times `in`'s speed
                data = self._pattern.sub(self._fix, data)
            self._ready = data
            if not chunk:
                break

    def read(self, size: int = -1) -> bytes:
        """Up to `size` fixed bytes (all that are left for -1), at least one until the end: what readinto
        gives, without its copies."""
        if size < 0:
            return b"".join(iter(lambda: self.read(_BUFFER), b""))
        self._fill()
        if size >= len(self._ready):
            out, self._ready = self._ready, b""
        else:
            out, self._ready = self._ready[:size], self._ready[size:]
        return out

    def readinto(self, buffer: Any) -> int:
        # BufferedReader may ask for a few bytes only: fixed bytes that do not fit wait in _ready
        self._fill()
        n = min(len(buffer), len(self._ready))
        buffer[:n] = self._ready[:n]
        self._ready = self._ready[n:]
        return n


def _text_and_entities(msg: dict[str, Any]) -> tuple[str, list[Entity]]:
    text = msg.get("text", "")
    entities: list[Entity] = []
    if type(text) is str:
        source = msg.get("text_entities")
    elif isinstance(text, list):
        parts = []
        for part in text:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                parts.append(str(part.get("text", "")))
        source = msg.get("text_entities") or [p for p in text if isinstance(p, dict)]
        text = "".join(parts)
    else:
        source, text = None, str(text)
    if source and type(source) is list:
        for ent in source:
            if type(ent) is dict and ent.get("type", "plain") != "plain":
                href = ent.get("href") or (f"user{ent['user_id']}" if "user_id" in ent else None)
                entities.append(Entity(type=str(ent["type"]), text=str(ent.get("text", "")),
                                       href=None if href is None else str(href)))
    return text, entities


def _media(msg: dict[str, Any], ctx: ReadContext) -> list[Media]:
    found = []
    for key in MEDIA_KEYS:
        if key not in msg:
            continue
        ref = msg[key]
        kind = "photo" if key == "photo" else str(msg.get("media_type") or "file")
        item = Media(
            kind=kind,
            mime=_opt(msg.get("mime_type"), str) or ("image/jpeg" if key == "photo" else None),
            size=_opt(msg.get("photo_file_size" if key == "photo" else "file_size"), int),
            width=_opt(msg.get("width"), int),
            height=_opt(msg.get("height"), int),
            duration=_opt(msg.get("duration_seconds"), float),
        )
        if isinstance(ref, str) and ref and not ref.startswith(PLACEHOLDER_PREFIX):
            item.path = ref
            hash_media(item, ctx)
        found.append(item)
    return found


def _opt(value: Any, kind: type) -> Any:
    """`value` as `kind` when it is one (bools excluded), else None: exporters' numbers are trusted no further."""
    if value is None or isinstance(value, bool):
        return None
    if kind is float and isinstance(value, (int, float)):
        return float(value) if abs(value) < _MAX_NUMBER else None
    if kind is int and isinstance(value, int):
        return value if abs(value) < _MAX_NUMBER else None
    return value if isinstance(value, kind) else None


def _epoch(value: Any, ctx: ReadContext, where: Callable[[int], str], index: int, key: str) -> datetime:
    """UTC datetime from `date_unixtime`; the common case (a digit string in range) is kept cheap."""
    if type(value) is str and value.isdigit():
        seconds = int(value)
        if _MIN_EPOCH <= seconds < _MAX_EPOCH:
            return _EPOCH + timedelta(seconds=seconds)
    return from_unix(value, ctx, f"{where(index)}.{key}")


def _message(msg: Any, chat: Chat, ctx: ReadContext, where: Callable[[int], str], index: int,
             text: bytes | None = None) -> Message:
    """A Message from one exported message object (and its JSON `text` when cut out whole); `where(index)`
    names it in errors (computed only then)."""
    if type(msg) is not dict:
        raise ctx.fail(where(index), f"expected a message object, got {type(msg).__name__}")
    mid = msg.get("id")
    if mid is not None and (isinstance(mid, bool) or not isinstance(mid, (int, str))):
        raise ctx.fail(f"{where(index)}.id", f"expected an integer id, got {mid!r:.60}")
    if "date_unixtime" in msg:
        sent_at = _epoch(msg["date_unixtime"], ctx, where, index, "date_unixtime")
    elif "date" in msg:
        ctx.note("date_unixtime missing: used the exporter's local `date` as if it were UTC")
        sent_at = _local(msg, "date", ctx, where, index)
    elif msg.get("type") == "unsupported":
        sent_at = _UNDATED
    else:
        raise ctx.fail(where(index), "message has no date")
    kind = _KINDS.get(msg.get("type"), "message")  # type: ignore[arg-type]
    if kind == "service":
        native, name = msg.get("actor_id"), msg.get("actor")
    else:
        native, name = msg.get("from_id"), msg.get("from")
        if native is None and kind == "message" and chat.type in CHANNEL_TYPES:
            native, name = f"channel{chat.chat_id}", chat.name  # channel posts without from_id belong to the channel
    if native is None and name is not None:
        ctx.note(NOTE_FROM_ID)
        native = f"{NAMED}{name}"
    if native is not None and type(native) is not str:
        if isinstance(native, bool) or not isinstance(native, int):
            raise ctx.fail(where(index), f"expected a string sender id, got {native!r:.60}")
    body, entities = _text_and_entities(msg)
    if len(body) > MAX_TEXT or "\x00" in body:
        body = clip_text(body, ctx, where(index))
    edited = msg.get("edited_unixtime")
    if edited:
        edited_at = _epoch(edited, ctx, where, index, "edited_unixtime")
    elif msg.get("edited"):  # exports before edited_unixtime was written: the local time only, as with `date`
        ctx.note("edited_unixtime missing: used the exporter's local `edited` as if it were UTC")
        edited_at = _local(msg, "edited", ctx, where, index)
    else:
        edited_at = None
    reply = msg.get("reply_to_message_id")
    fwd_id = msg.get("forwarded_from_id")
    forwarded = msg.get("forwarded_from")
    return Message(
        platform=NAME,
        chat_id=chat.chat_id,
        message_id="" if mid is None else str(mid),  # "": derived by _messages, which knows the order
        sent_at=sent_at,
        account_id=f"telegram:{native}" if native is not None else None,
        account_name=None if name is None else str(name),
        text=body,
        kind=kind,
        reply_to=None if reply is None or type(reply) is float else str(reply),  # floats: ids beyond 64 bits
        forwarded_from=None if forwarded is None else str(forwarded),
        forwarded_from_id=account_key(NAME, str(fwd_id)) if fwd_id else None,
        edited_at=edited_at,
        via_bot=_opt(msg.get("via_bot"), str),
        raw=msg,
        raw_json=text,
        entities=entities,
        media=_media(msg, ctx) if "photo" in msg or "file" in msg else [],
    )


def _local(msg: dict[str, Any], key: str, ctx: ReadContext, where: Callable[[int], str], index: int) -> datetime:
    """The exporter's local ISO time at `key`, read as UTC (the export says no zone)."""
    try:
        moment = datetime.fromisoformat(str(msg[key])).replace(tzinfo=timezone.utc)
    except ValueError:
        raise ctx.fail(f"{where(index)}.{key}", f"not a date: {msg[key]!r:.60}") from None
    return check_range(moment, ctx, f"{where(index)}.{key}")


def read(ctx: ReadContext) -> Iterator[Record]:
    """Chats and messages of the export, streamed.

    Files laid out as Telegram Desktop writes them are cut at that layout and
    each message parsed whole (telegram_layout). Any other file, or the part of
    one that leaves the layout, is read by ijson's streaming parser: a single-chat
    export's messages straight from the file (`items` on `messages.item`), a
    full-account export's through `_Tracker`, which notes the chat each belongs to.
    """
    header = _header(ctx)
    chat = None if header is None else _chat(header, ctx, "root")
    if chat is not None:
        yield chat
    done = 0
    with ctx.path.open("rb") as fh:
        stream = _FixHexEscapes(fh, ctx)
        walk = telegram_layout.Walk(stream, chat, lambda fields, where: _chat(fields, ctx, where))
        try:
            for record in _messages(walk.items(), walk.current, ctx, stream, lambda _i: walk.position(),
                                    walk.pending):
                done += type(record) is Message
                yield record
            yield from walk.pending()
            return
        except telegram_layout.OffLayout:
            pass
    # read again by the streaming parser, which yields the same messages in the same order: past those given
    for record in _streamed(ctx, chat):
        if done and type(record) is Message:
            done -= 1
            continue
        yield record


def _streamed(ctx: ReadContext, chat: Chat | None) -> Iterator[Record]:
    with ctx.path.open("rb") as fh:
        stream = _FixHexEscapes(fh, ctx)
        if chat is not None:
            items = ijson.items(io.BufferedReader(stream, _BUFFER), "messages.item", use_float=True)
            yield from _messages(((item, None) for item in items), lambda: chat, ctx, stream,
                                 lambda i: f"messages[{i}]")
            return
        tracker = _Tracker(ctx)
        events = ijson.parse(io.BufferedReader(stream, _BUFFER), use_float=True)
        items = ijson.items(tracker.follow(events), "messages.item")
        yield from _messages(((item, None) for item in items), tracker.current, ctx, stream,
                             lambda _i: tracker.position(), tracker.pending)
        yield from tracker.pending()


def _messages(
    items: Iterator[telegram_layout.Item],
    current: Callable[[], Chat],
    ctx: ReadContext,
    stream: _FixHexEscapes,
    where: Callable[[int], str],
    pending: Callable[[], Iterator[Chat]] | None = None,
) -> Iterator[Record]:
    index = -1
    last = MIN_TIME
    undated_ids: Counter[tuple[str, int]] = Counter()  # (chat, second) -> messages without an id so far
    try:
        for index, (msg, text) in enumerate(items):
            if pending is not None:
                yield from pending()
            message = _message(msg, current(), ctx, where, index, text)
            if message.sent_at is _UNDATED:
                # "unsupported" entries carry only id and type: place them at the message before them
                ctx.note("messages of type `unsupported` (no date) were dated as the message before them")
                message.sent_at = last
            else:
                last = message.sent_at
            if not message.message_id:
                ctx.note(NOTE_MESSAGE_ID)
                second = int(message.sent_at.timestamp())
                n = undated_ids[(message.chat_id, second)]
                undated_ids[(message.chat_id, second)] = n + 1
                message.message_id = f"t{second}.{n}"
            yield message
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        after = f"after {where(index)}" if index >= 0 else "before the first message"
        raise ctx.fail(f"byte {stream.offset} ({after})", f"malformed JSON: {exc}") from None


def _header(ctx: ReadContext) -> dict[str, Any] | None:
    """The root fields of a single-chat export read up to its `messages`; None for a full-account export."""
    fields: dict[str, Any] = {}
    with ctx.path.open("rb") as fh:
        stream = _FixHexEscapes(fh, ctx)
        try:
            for prefix, event, value in ijson.parse(io.BufferedReader(stream, _BUFFER), use_float=True):
                if prefix in ("id", "name", "type") and event in ("string", "number"):
                    fields[prefix] = value
                elif prefix in ("chats", "left_chats", "personal_information"):
                    return None
                elif prefix == "messages":
                    if event != "start_array":
                        raise ctx.fail("messages", f"expected a list of messages, got {event}")
                    return fields
        except (ijson.JSONError, UnicodeDecodeError) as exc:  # UnicodeDecodeError: found by fuzz/
            raise ctx.fail(f"byte {stream.offset}", f"malformed JSON: {exc}") from None
    raise ctx.fail("root", "no `messages` list and no `chats`: not a Telegram export")


class _Tracker(telegram_layout.Place):
    """Passes a full-account export's events through, noting which chat the messages belong to.

    Message-level events of every chat list are renamed to `messages.item` so that
    one C `items` call builds them all.
    """

    def __init__(self, ctx: ReadContext) -> None:
        super().__init__()
        self.ctx = ctx

    def follow(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[tuple[str, str, Any]]:
        renamed, watched = _RENAMED, _WATCHED
        for event in events:
            prefix = event[0]
            if prefix not in watched:  # most events: inside a message, passed on untouched
                yield event
                continue
            if prefix in renamed:
                if event[1] == "start_map":
                    self.index += 1
                    if self.chat is None:
                        self.chat = _chat(self.fields, self.ctx, self.position())
                        self.waiting.append(self.chat)
                elif event[1] not in ("map_key", "end_map"):
                    raise self.ctx.fail(self.position(self.index + 1), "expected a message object")
                yield renamed[prefix], event[1], event[2]
                continue
            if prefix in _CHAT_ITEMS:
                if event[1] == "start_map":
                    self.fields, self.chat, self.index = {}, None, -1
                    self.group = prefix.split(".", 1)[0]
                    self.chat_index += 1
                elif event[1] == "end_map" and self.chat is None and telegram_layout.named(self.fields):
                    self.waiting.append(_chat(self.fields, self.ctx, prefix))  # a chat with no messages
            elif prefix in _CHAT_FIELDS and event[1] in ("string", "number"):
                self.fields[prefix.rsplit(".", 1)[-1]] = event[2]
            elif prefix == "messages":
                raise self.ctx.fail("messages", "a `messages` list beside `chats`: not a Telegram export")
            yield event


def _chat(fields: dict[str, Any], ctx: ReadContext, where: str) -> Chat:
    """The chat of `fields` (its id, name and type as read); one trimmed of its id gets one derived from
    its name and type, which every copy of the trimmed file shares."""
    cid = fields.get("id")
    name, kind = fields.get("name"), fields.get("type")
    if cid is None:
        if name is None:
            raise ctx.fail(where, "chat has neither an id nor a name before its messages")
        ctx.note(NOTE_CHAT_ID)
        cid = DERIVED_CHAT + hashlib.sha256(f"{kind}\n{name}".encode("utf-8")).hexdigest()[:16]
    if isinstance(cid, float):
        cid = int(cid)
    return Chat(platform=NAME, chat_id=str(cid), name=None if name is None else str(name),
                type=None if kind is None else str(kind))
