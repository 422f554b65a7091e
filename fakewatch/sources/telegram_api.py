"""Telegram posts collected through the API, saved as a JSON list of message objects.

Two shapes are read: the flat one of scrapers built on Telethon/Pyrogram
(`{"message_id", "sender_id": -100…, "text", "date": ISO-8601, "channel"}`, as in
shared/data/tg-news-ru) and Telethon's `Message.to_dict()` (`{"_": "Message",
"id", "peer_id": {"channel_id"}, "from_id": {"user_id"}, "message", "date",
"fwd_from", "reply_to"}`).

Identity matches Desktop exports of the same chat: the Bot-API style `-100`
prefix is dropped from channel ids (Desktop writes the bare peer id), so a post
read here and the same post from a Desktop export are one message. A post
without a sender belongs to its channel (`telegram:channel<id>`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ijson

from fakewatch.model import Chat, Message, account_key

from .base import ReadContext, Record, check_range, clip_text, from_unix

NAME = "telegram_api"
PLATFORM = "telegram"
_CHANNEL_PREFIX = "-100"  # Bot API / Telethon marked ids of channels and supergroups
_PEER_KINDS = (("channel_id", "channel"), ("chat_id", "chat"), ("user_id", "user"))


def sniff(path: Path, head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"[") and b'"date"' in head and (b'"message_id"' in head or b'"peer_id"' in head)


def peer(value: Any) -> tuple[str, str] | None:
    """(kind, bare id) of a peer given as a marked integer or a Telethon Peer dict."""
    if isinstance(value, dict):
        for key, kind in _PEER_KINDS:
            if isinstance(value.get(key), int) and not isinstance(value.get(key), bool):
                return kind, str(value[key])
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        return None
    if text.startswith(_CHANNEL_PREFIX):
        return "channel", text[len(_CHANNEL_PREFIX):]
    if text.startswith("-"):
        return "chat", text[1:]
    return "user", text


def _time(value: Any, ctx: ReadContext, position: str) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_unix(value, ctx, position)
    if not isinstance(value, str):
        raise ctx.fail(position, f"expected an ISO 8601 date, got {value!r:.60}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ctx.fail(position, f"not a date: {value!r:.60}") from None
    if moment.tzinfo is None:
        ctx.note("dates without a zone were read as UTC")
        moment = moment.replace(tzinfo=timezone.utc)
    return check_range(moment.astimezone(timezone.utc), ctx, position)


def _message(post: Any, index: int, ctx: ReadContext, chats: set[str]) -> Iterator[Record]:
    position = f"[{index}]"
    if not isinstance(post, dict):
        raise ctx.fail(position, f"expected a post object, got {type(post).__name__}")
    mid = post.get("message_id", post.get("id"))
    if isinstance(mid, bool) or not isinstance(mid, (int, str)) or mid == "":
        raise ctx.fail(f"{position}.message_id", f"expected an integer id, got {mid!r:.60}")
    where = peer(post.get("peer_id", post.get("chat_id", post.get("sender_id"))))
    if where is None:
        raise ctx.fail(position, "no chat: expected sender_id, chat_id or peer_id")
    chat_id = where[1]
    if chat_id not in chats:
        chats.add(chat_id)
        name = post.get("channel") or post.get("chat_title")
        yield Chat(platform=PLATFORM, chat_id=chat_id, name=None if name is None else str(name),
                   type="channel" if where[0] == "channel" else None)
    author = peer(post.get("from_id")) or (where if post.get("sender_id") is not None or where[0] == "channel"
                                           else None)
    forward = post.get("fwd_from") if isinstance(post.get("fwd_from"), dict) else {}
    fwd_peer = peer(forward.get("from_id"))
    reply = post.get("reply_to")
    reply_id = reply.get("reply_to_msg_id") if isinstance(reply, dict) else post.get("reply_to_msg_id")
    text = post.get("text", post.get("message"))
    yield Message(
        platform=PLATFORM,
        chat_id=chat_id,
        message_id=str(mid),
        sent_at=_time(post.get("date"), ctx, f"{position}.date"),
        account_id=account_key(PLATFORM, f"{author[0]}{author[1]}") if author else None,
        account_name=str(post["channel"]) if author == where and post.get("channel") else None,
        text=clip_text(text if isinstance(text, str) else "" if text is None else str(text), ctx, position),
        reply_to=None if reply_id is None else str(reply_id),
        forwarded_from=forward.get("from_name") if isinstance(forward.get("from_name"), str) else None,
        forwarded_from_id=account_key(PLATFORM, f"{fwd_peer[0]}{fwd_peer[1]}") if fwd_peer else None,
        raw=post,
    )


def read(ctx: ReadContext) -> Iterator[Record]:
    """Each chat the first time a post of it appears, and a Message per post; streamed."""
    chats: set[str] = set()
    index = -1
    with ctx.path.open("rb") as fh:
        counted = _Counting(fh)
        try:
            for index, post in enumerate(ijson.items(io.BufferedReader(counted, 1 << 16), "item", use_float=True)):
                yield from _message(post, index, ctx, chats)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise ctx.fail(f"byte {counted.offset} (after post [{index}])", f"malformed JSON: {exc}") from None


class _Counting(io.RawIOBase):
    """A file reader that counts the bytes handed to the parser, to place errors."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.offset += n
        return n
