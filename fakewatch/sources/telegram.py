"""Telegram Desktop "Export chat history" JSON: single-chat `result.json` and full-account exports.

Streams with ijson, so a 1 GB export never sits in memory. Facts about the
format are in shared/reference/formats.md; the writer is Telegram Desktop's
export_output_json.cpp.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import ijson

from fakewatch.model import Chat, Entity, Media, Message, account_key

from .base import ReadContext, Record, check_range, clip_text, from_unix

NAME = "telegram"

PLACEHOLDER_PREFIX = "(File "  # "(File not included. ...)", "(File exceeds maximum size. ...)", "(File unavailable, ...)"
CHANNEL_TYPES = {"private_channel", "public_channel"}
MEDIA_KEYS = ("photo", "file")
_MESSAGE_PREFIXES = ("messages.item", "chats.list.item.messages.item", "left_chats.list.item.messages.item")
_CHAT_PREFIXES = ("", "chats.list.item", "left_chats.list.item")


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
        self.offset = 0  # bytes of the original file consumed

    def readable(self) -> bool:
        return True

    def _fix(self, match: re.Match[bytes]) -> bytes:
        slashes = match.group(1)
        if len(slashes) % 2 == 0:
            return match.group(0)
        self._ctx.note("invalid \\xNN escapes in the JSON were read as \\u00NN")
        return slashes[:-1] + b"\\u00"

    def readinto(self, buffer: Any) -> int:
        chunk = self._raw.read(len(buffer) - 8) or b""
        self.offset += len(chunk)
        data = self._pending + chunk
        self._pending = b""
        if chunk:
            # keep a trailing run of backslashes for the next chunk, where its `x` may be
            stripped = data.rstrip(b"\\")
            self._pending = data[len(stripped):]
            data = stripped
        if b"\\x" in data:
            data = self._pattern.sub(self._fix, data)
        n = len(data)
        buffer[:n] = data
        return n


def _text_and_entities(msg: dict[str, Any]) -> tuple[str, list[Entity]]:
    text = msg.get("text", "")
    entities: list[Entity] = []
    if isinstance(text, list):
        parts = []
        for part in text:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                parts.append(str(part.get("text", "")))
        text = "".join(parts)
        source = msg.get("text_entities") or [p for p in msg["text"] if isinstance(p, dict)]
    else:
        source = msg.get("text_entities") or []
    for ent in source:
        if isinstance(ent, dict) and ent.get("type") not in (None, "plain"):
            href = ent.get("href") or (f"user{ent['user_id']}" if "user_id" in ent else None)
            entities.append(Entity(type=str(ent["type"]), text=str(ent.get("text", "")), href=href))
    if not isinstance(text, str):
        text = str(text)
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
            mime=msg.get("mime_type") or ("image/jpeg" if key == "photo" else None),
            size=msg.get("photo_file_size" if key == "photo" else "file_size"),
            width=msg.get("width"),
            height=msg.get("height"),
            duration=msg.get("duration_seconds"),
        )
        if isinstance(ref, str) and ref and not ref.startswith(PLACEHOLDER_PREFIX):
            item.path = ref
            _hash_file(item, ctx)
        found.append(item)
    return found


def _hash_file(item: Media, ctx: ReadContext) -> None:
    """Hash a media file that the export carries; refuse paths that leave the export folder."""
    assert item.path is not None
    target = (ctx.root / item.path).resolve()
    if not target.is_relative_to(ctx.root.resolve()) or not target.is_file():
        return
    digest = hashlib.sha256()
    with target.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    item.sha256 = digest.hexdigest()
    item.size = target.stat().st_size
    item.file_absent = False
    item.stored_path = str(target)


def _message(msg: Any, chat: Chat, ctx: ReadContext, position: str) -> Message:
    if not isinstance(msg, dict):
        raise ctx.fail(position, f"expected a message object, got {type(msg).__name__}")
    mid = msg.get("id")
    if isinstance(mid, bool) or not isinstance(mid, (int, str)):
        raise ctx.fail(f"{position}.id", f"expected an integer id, got {mid!r:.60}")
    if "date_unixtime" in msg:
        sent_at = from_unix(msg["date_unixtime"], ctx, f"{position}.date_unixtime")
    elif "date" in msg:
        ctx.note("date_unixtime missing: used the exporter's local `date` as if it were UTC")
        try:
            sent_at = datetime.fromisoformat(str(msg["date"])).replace(tzinfo=timezone.utc)
        except ValueError:
            raise ctx.fail(f"{position}.date", f"not a date: {msg['date']!r:.60}") from None
        check_range(sent_at, ctx, f"{position}.date")
    elif msg.get("type") == "unsupported":
        sent_at = datetime(2000, 1, 1, tzinfo=timezone.utc)
    else:
        raise ctx.fail(position, "message has no date")
    kind = {"service": "service", "unsupported": "unsupported"}.get(str(msg.get("type")), "message")
    native = msg.get("actor_id") if kind == "service" else msg.get("from_id")
    if native is None and kind == "message" and chat.type in CHANNEL_TYPES:
        native = f"channel{chat.chat_id}"  # channel posts without from_id belong to the channel
    text, entities = _text_and_entities(msg)
    edited = msg.get("edited_unixtime")
    reply = msg.get("reply_to_message_id")
    fwd_id = msg.get("forwarded_from_id")
    return Message(
        platform=NAME,
        chat_id=chat.chat_id,
        message_id=str(mid),
        sent_at=sent_at,
        account_id=account_key(NAME, str(native)) if native is not None else None,
        account_name=msg.get("actor") if kind == "service" else msg.get("from"),
        text=clip_text(text, ctx, position),
        kind=kind,
        reply_to=str(reply) if reply is not None else None,
        forwarded_from=msg.get("forwarded_from"),
        forwarded_from_id=account_key(NAME, str(fwd_id)) if fwd_id else None,
        edited_at=from_unix(edited, ctx, f"{position}.edited_unixtime") if edited else None,
        via_bot=msg.get("via_bot"),
        raw=msg,
        entities=entities,
        media=_media(msg, ctx),
    )


def read(ctx: ReadContext) -> Iterator[Record]:
    with ctx.path.open("rb") as fh:
        stream = _FixHexEscapes(fh, ctx)
        events = ijson.parse(io.BufferedReader(stream, 1 << 16), use_float=True)
        chat_fields: dict[str, Any] = {}
        chat: Chat | None = None
        index = -1
        chat_index = -1
        try:
            for prefix, event, value in events:
                if prefix in _MESSAGE_PREFIXES and event == "start_map":
                    if chat is None:
                        chat = _chat(chat_fields, ctx, prefix)
                        yield chat
                    index += 1
                    position = _position(prefix, chat_index, index)
                    yield _message(_build(events), chat, ctx, position)
                elif prefix in _MESSAGE_PREFIXES and event in ("string", "number", "null", "boolean", "start_array"):
                    raise ctx.fail(_position(prefix, chat_index, index + 1), "expected a message object")
                elif event in ("string", "number") and _chat_key(prefix):
                    chat_fields[prefix.rsplit(".", 1)[-1]] = value
                elif event == "start_map" and prefix in ("chats.list.item", "left_chats.list.item"):
                    chat_fields, chat, index = {}, None, -1
                    chat_index += 1
                elif event == "end_map" and prefix in ("chats.list.item", "left_chats.list.item") and chat is None:
                    if chat_fields.get("id") is not None:
                        yield _chat(chat_fields, ctx, prefix)  # a chat with no messages
        except ijson.JSONError as exc:
            raise ctx.fail(f"byte {stream.offset} (after message {index})", f"malformed JSON: {exc}") from None


def _chat_key(prefix: str) -> bool:
    head, _, key = prefix.rpartition(".") if "." in prefix else ("", "", prefix)
    return key in ("id", "name", "type") and head in _CHAT_PREFIXES


def _position(prefix: str, chat_index: int, index: int) -> str:
    if prefix.startswith("messages"):
        return f"messages[{index}]"
    group = prefix.split(".", 1)[0]
    return f"{group}.list[{chat_index}].messages[{index}]"


def _chat(fields: dict[str, Any], ctx: ReadContext, prefix: str) -> Chat:
    cid = fields.get("id")
    if cid is None:
        raise ctx.fail(prefix or "root", "chat has no id before its messages")
    return Chat(platform=NAME, chat_id=str(cid), name=fields.get("name"), type=fields.get("type"))


def _build(events: Iterator[tuple[str, str, Any]]) -> Any:
    """Build the object whose start_map was just read from the event stream."""
    builder = ijson.ObjectBuilder()
    builder.event("start_map", None)
    depth = 1
    for _prefix, event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                return builder.value
    raise ijson.IncompleteJSONError("file ends inside a message")
