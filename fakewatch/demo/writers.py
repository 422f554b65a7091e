"""Write the scenario in the exact shapes real exporters produce (see shared/reference/formats.md).

Telegram Desktop JSON: one space of indent per level, UTF-8 unescaped, control
characters as `\\xNN` (not valid JSON, as the real writer does), `date` in the
exporter's local time next to `date_unixtime` as a string, `text` as a string
or a parts list mirrored by `text_entities`. WhatsApp: the Android ru layout
(LF) and the iOS en layout (CRLF, U+200E marks). Media files are left out
("File not included" placeholders) unless a `MediaSink` places them.
"""

from __future__ import annotations

import json.encoder
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Protocol

from fakewatch.sources.whatsapp_identity import MessageIds

from .scenario import TZ, Account, ChatSpec, MediaSpec, Post, Span

NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
_encode = json.encoder.encode_basestring  # the C encoder: quotes, escapes, leaves non-ASCII as is
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_OFFSET = int(TZ.utcoffset(None).total_seconds())  # type: ignore[union-attr]
_PHONE = r"(?<![\d+])(?:\+7|8)[ \-]?\(?\d{3}\)?[ \-]?\d{3}[ \-]?\d{2}[ \-]?\d{2}(?!\d)"
_ENTITY = re.compile(rf"(?P<link>https?://[^\s]+|(?<![\w/.])t\.me/\w+)|(?P<phone>{_PHONE})|(?P<mention>(?<!\w)@\w{{4,}})"
                     r"|(?P<hashtag>(?<!\w)#\w+)")
_HINT = re.compile(r"https?:|t\.me/|[@#]|\d{3}")  # cheap test before the full entity scan


class MediaSink(Protocol):
    """Decides whether a message's media goes into the export as a file.

    `place` returns the file's path relative to the export folder after writing it
    there, or None to leave the exporter's "File not included" placeholder.
    """

    def place(self, media: MediaSpec, export_dir: Path) -> str | None: ...


class Placeholders:
    """The default sink: no files, as when media downloads were off in the export settings."""

    def place(self, media: MediaSpec, export_dir: Path) -> str | None:
        return None


def _jstr(text: str) -> str:
    out = _encode(text)
    if "\\u00" not in out or _CONTROL.search(text) is None:
        return out
    # Telegram Desktop writes control characters as \xNN; json's \u00NN spelling is replaced back.
    return re.sub(r"\\u00([01][0-9a-f])", lambda m: "\\x" + m.group(1), out)


def _scalar(value: str | int | None) -> str:
    if value is None:
        return "null"
    return _jstr(value) if isinstance(value, str) else str(value)


def _flat(obj: dict[str, Any], indent: int) -> str:
    """An object whose values are all scalars (a text part, an entity), laid out like `telegram_json`."""
    inner = " " * (indent + 1)
    return "{\n" + ",\n".join([f'{inner}"{k}": {_scalar(v)}' for k, v in obj.items()]) + "\n" + " " * indent + "}"


def message_json(msg: dict[str, Any], indent: int) -> str:
    """`telegram_json` for one message, unrolled for its known shape (scalars, and lists of strings or flat objects)."""
    inner = " " * (indent + 1)
    deeper = " " * (indent + 2)
    lines = []
    for key, value in msg.items():
        if type(value) is list:
            if value:
                items = ",\n".join([deeper + (_jstr(v) if isinstance(v, str) else _flat(v, indent + 2)) for v in value])
                lines.append(f'{inner}"{key}": [\n{items}\n{inner}]')
            else:
                lines.append(f'{inner}"{key}": []')
        else:
            lines.append(f'{inner}"{key}": {_scalar(value)}')
    return "{\n" + ",\n".join(lines) + "\n" + " " * indent + "}"


def telegram_json(value: Any, indent: int) -> str:
    """JSON the way Telegram Desktop lays it out: one space per level, every container opened."""
    if isinstance(value, str):
        return _jstr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    inner = " " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = ",\n".join(f"{inner}{_encode(k)}: {telegram_json(v, indent + 1)}" for k, v in value.items())
        return "{\n" + body + "\n" + " " * indent + "}"
    if not value:
        return "[]"
    return "[\n" + ",\n".join(inner + telegram_json(v, indent + 1) for v in value) + "\n" + " " * indent + "]"


def split_entities(text: str) -> list[str | Span]:
    """Text cut into plain strings and the spans Telegram's server marks by itself (links, phones, tags)."""
    if _HINT.search(text) is None:
        return [text]
    parts: list[str | Span] = []
    pos = 0
    for match in _ENTITY.finditer(text):
        if match.start() > pos:
            parts.append(text[pos:match.start()])
        parts.append(Span(str(match.lastgroup), match.group()))
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


class _Clock:
    """Local `date` strings from unix seconds, with the day part cached."""

    def __init__(self) -> None:
        self.days: dict[int, datetime] = {}

    def local(self, ts: int) -> datetime:
        local = ts + _OFFSET
        day = local // 86400
        base = self.days.get(day)
        if base is None:
            base = self.days[day] = datetime.fromtimestamp(day * 86400, timezone.utc).replace(tzinfo=None)
        rest = local - day * 86400
        return base.replace(hour=rest // 3600, minute=rest // 60 % 60, second=rest % 60)


def _text_fields(post: Post) -> dict[str, Any]:
    parts = post.parts if post.parts is not None else (split_entities(post.text) if post.text else [])
    if not any(isinstance(p, Span) for p in parts):
        return {"text": post.text, "text_entities": [{"type": "plain", "text": post.text}] if post.text else []}
    text: list[Any] = []
    entities = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
            entities.append({"type": "plain", "text": part})
        else:
            obj = {"type": part.type, "text": part.text}
            if part.href:
                obj["href"] = part.href
            text.append(obj)
            entities.append(obj)
    return {"text": text, "text_entities": entities}


class TelegramWriter:
    """Serialises chats into Telegram Desktop's JSON, message by message."""

    def __init__(self, sink: MediaSink | None = None) -> None:
        self.sink = sink or Placeholders()
        self.clock = _Clock()
        self.names: dict[str, str] = {}  # account -> its display name as JSON

    def _media(self, media: MediaSpec, export_dir: Path) -> dict[str, Any]:
        path = self.sink.place(media, export_dir) or NOT_INCLUDED
        if media.kind == "photo":
            return {"photo": path, "photo_file_size": media.size, "width": media.width, "height": media.height}
        out: dict[str, Any] = {"file": path}
        if media.file_name:
            out["file_name"] = media.file_name
        out["file_size"] = media.size
        if media.kind in ("video_file", "sticker", "animation"):
            out["thumbnail"] = NOT_INCLUDED
        out["media_type"] = media.kind
        if media.emoji:
            out["sticker_emoji"] = media.emoji
        if media.mime:
            out["mime_type"] = media.mime
        if media.duration:
            out["duration_seconds"] = media.duration
        if media.width:
            out["width"], out["height"] = media.width, media.height
        return out

    def message(self, post: Post, export_dir: Path) -> dict[str, Any]:
        when = self.clock.local(post.ts)
        msg: dict[str, Any] = {"id": post.id, "type": "service" if post.action else "message",
                               "date": when.isoformat(), "date_unixtime": str(post.ts)}
        if post.edited:
            msg.update(edited=self.clock.local(post.edited).isoformat(), edited_unixtime=str(post.edited))
        author = post.author
        if post.action:
            msg.update(actor=author.name, actor_id=author.native, action=post.action)
            if post.action == "join_group_by_link":
                msg["inviter"] = "Group"
            msg.update(text="", text_entities=[])
            return msg
        msg["from"] = author.name
        msg["from_id"] = author.native
        if post.forwarded_from:
            msg["forwarded_from"] = post.forwarded_from
        if post.reply_to is not None:
            msg["reply_to_message_id"] = post.reply_to.id
        if post.media is not None:
            msg.update(self._media(post.media, export_dir))
        msg.update(_text_fields(post))
        return msg

    def _plain(self, post: Post, indent: int) -> str | None:
        """The common case (a plain-text message, maybe a reply) built straight as text; None otherwise."""
        if (post.action or post.media or post.parts is not None or post.forwarded_from or post.edited
                or _HINT.search(post.text)):
            return None
        p = " " * (indent + 1)
        author = post.author
        name = self.names.get(author.native)
        if name is None:
            name = self.names[author.native] = _scalar(author.name)
        head = (f'{{\n{p}"id": {post.id},\n{p}"type": "message",\n{p}"date": "{self.clock.local(post.ts).isoformat()}",'
                f'\n{p}"date_unixtime": "{post.ts}",\n{p}"from": {name},\n{p}"from_id": "{author.native}",\n')
        if post.reply_to is not None:
            head += f'{p}"reply_to_message_id": {post.reply_to.id},\n'
        if not post.text:
            return f'{head}{p}"text": "",\n{p}"text_entities": []\n{" " * indent}}}'
        text = _jstr(post.text)
        q = p + "  "
        return (f'{head}{p}"text": {text},\n{p}"text_entities": [\n{p} {{\n{q}"type": "plain",\n{q}"text": {text}'
                f'\n{p} }}\n{p}]\n{" " * indent}}}')

    def chat(self, out: IO[str], chat: ChatSpec, posts: Iterable[Post], indent: int, export_dir: Path) -> None:
        pad = " " * (indent + 1)
        out.write("{\n")
        if chat.type != "saved_messages":
            out.write(f"{pad}\"name\": {_jstr(chat.name)},\n")
        out.write(f"{pad}\"type\": \"{chat.type}\",\n{pad}\"id\": {chat.native_id},\n{pad}\"messages\": [")
        item_pad = "\n" + " " * (indent + 2)
        first = True
        for post in posts:
            text = self._plain(post, indent + 2) or message_json(self.message(post, export_dir), indent + 2)
            out.write(("" if first else ",") + item_pad + text)
            first = False
        out.write(("\n" + pad if not first else "") + "]\n" + " " * indent + "}")

    def single(self, path: Path, chat: ChatSpec, posts: Iterable[Post]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as out:
            self.chat(out, chat, posts, 0, path.parent)
            out.write("\n")

    def full(self, path: Path, exporter: Account, phone: str,
             chats: Iterable[tuple[ChatSpec, list[Post]]], left: Iterable[tuple[ChatSpec, list[Post]]]) -> None:
        """A full-account export: personal information, then `chats` and `left_chats` lists."""
        path.parent.mkdir(parents=True, exist_ok=True)
        first, _, last = (exporter.name or "").partition(" ")
        head = {"about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't use your data "
                         "for ad targeting and doesn't sell it to others.",
                "personal_information": {"user_id": int(exporter.native[4:]), "first_name": first, "last_name": last,
                                         "phone_number": phone, "username": "@asel_factcheck",
                                         "bio": "Фактчекер. Проверяю то, что вам пересылают."}}
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(telegram_json(head, 0)[:-2] + ",\n")
            for key, about, group in (
                    ("chats", "This page lists all chats from this export.", chats),
                    ("left_chats", "This page lists all supergroups and channels the user has left.", left)):
                out.write(f" \"{key}\": {{\n  \"about\": {_encode(about)},\n  \"list\": [")
                sep = "\n   "
                for chat, posts in group:
                    out.write(sep)
                    self.chat(out, chat, posts, 3, path.parent)
                    sep = ",\n   "
                out.write("\n  ]\n }" + (",\n" if key == "chats" else "\n"))
            out.write("}\n")


# ---------------------------------------------------------------- WhatsApp


_WA_SYSTEM = {
    "android_ru": {"encrypted": "Сообщения и звонки защищены сквозным шифрованием. Никто за пределами этого чата, "
                                "даже WhatsApp, не может прочитать или прослушать их.",
                   "create_group": "Алия создал(а) группу \"{chat}\"",
                   "join_group_by_link": "{who} присоединился(-ась) к группе по ссылке-приглашению"},
    "ios_en": {"encrypted": "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
                            "WhatsApp, can read or listen to them.",
               "create_group": "Aliya created group \u201c{chat}\u201d",
               "join_group_by_link": "{who} joined using this group's invite link"},
}
_WA_DELETED = {"android_ru": "Данное сообщение удалено.", "ios_en": "This message was deleted"}
_WA_EDITED = {"android_ru": " <Сообщение изменено>", "ios_en": " <This message was edited>"}
_WA_MEDIA = {"android_ru": "<Без медиафайлов>",
             "ios_en": {"photo": "image omitted", "video_file": "video omitted", "voice_message": "audio omitted",
                        "sticker": "sticker omitted", "animation": "GIF omitted"}}


class WhatsAppWriter:
    """One chat as WhatsApp's "Export chat" text, Android (ru locale) or iOS (en locale)."""

    def __init__(self, sink: MediaSink | None = None) -> None:
        self.sink = sink or Placeholders()
        self.clock = _Clock()

    def _stamp(self, layout: str, ts: int) -> str:
        t = self.clock.local(ts)
        if layout == "android_ru":
            return f"{t.day:02d}.{t.month:02d}.{t.year}, {t.hour:02d}:{t.minute:02d} - "
        return f"[{t.month}/{t.day}/{t.year % 100:02d}, {t.hour:02d}:{t.minute:02d}:{t.second:02d}] "

    def _body(self, chat: ChatSpec, post: Post, export_dir: Path) -> tuple[str, bool, tuple[str, str, bool]]:
        """The entry's text after the time stamp, whether iOS marks the line with U+200E, and the
        (kind, text, has media) the reader takes from it, which its message id derives from."""
        ios = chat.layout == "ios_en"
        if post.action:
            line = _WA_SYSTEM[chat.layout][post.action].format(chat=chat.name, who=post.author.shown)
            return ((f"{chat.name}: \u200e{line}", True) if ios else (line, False)) + (("service", line, False),)
        sender = post.author.shown or post.author.native
        if post.media is not None:
            placed = self.sink.place(post.media, export_dir)
            if placed:
                media = f"\u200e<attached: {placed}>" if ios else f"{placed} (файл добавлен)"
            else:
                omitted = _WA_MEDIA[chat.layout]
                media = "\u200e" + omitted[post.media.kind] if isinstance(omitted, dict) else omitted
            caption = post.text if post.text and placed else ""
            text = media + ("\n" + caption if caption else "")
            return f"{sender}: {text}", ios, ("message", caption, True)
        if post.deleted:
            return f"{sender}: {_WA_DELETED[chat.layout]}", False, ("deleted", "", False)
        edited = _WA_EDITED[chat.layout] if post.edited else ""
        return f"{sender}: {post.text}{edited}", False, ("message", post.text, False)

    def write(self, path: Path, chat: ChatSpec, posts: Iterable[Post]) -> list[str]:
        """Write the chat; returns its messages' ids as the reader derives them when told the zone the
        demo's phones wrote (`--tz Asia/Almaty`, as the demo is meant to be read)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        eol = "\r\n" if chat.layout == "ios_en" else "\n"
        ids = MessageIds()
        out_ids = []
        with path.open("w", encoding="utf-8", newline="") as out:
            for post in posts:
                body, marked, seen = self._body(chat, post, path.parent)
                line = ("\u200e" if marked else "") + self._stamp(chat.layout, post.ts) + body
                out.write(line.replace("\n", eol) + eol)
                out_ids.append(ids.assign(datetime.fromtimestamp(post.ts, timezone.utc), *seen))
        return out_ids
