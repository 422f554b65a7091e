"""Telegram Desktop exports read at the exporter's own line layout, each message parsed by orjson.

Telegram Desktop writes one space of indent per level and closes every object
and list on a line of its own at the indent of the line that opened it
(formats.md); compact files put a message on one line. Cutting values there and
parsing each with orjson is about three times faster than a streaming parser,
and the bytes cut are the message's record as the file has it (kept as evidence
without writing it again).

A cut is trusted only when orjson parses it whole: text from an opening brace
that parses as one value is the value the JSON grammar gives, so no layout can
fool it. Anything else (another layout, a broken file) raises OffLayout; the
caller then reads the file with the streaming parser, which reads what is valid
and says where it is not. Numbers beyond 64 bits come out as floats here where
that parser refuses them; the message reader drops such values either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import orjson

from fakewatch.model import Chat

READ = 1 << 20  # bytes read at a time
MAX_VALUE = 64 * 1024**2  # a value longer than this is left to the streaming parser
_KEY = re.compile(rb'"([^"\\\n]*)"[ \t]*:[ \t]*')
_SPACE = b" \t\r\n"
_CLOSER = {0x7B: b"}", 0x5B: b"]"}
_GROUPS = ("chats", "left_chats")

Item = tuple[Any, bytes | None]  # a message object and its JSON text as the file has it


class OffLayout(Exception):
    """The file leaves the exporter's layout here (or is broken here)."""


class _Cursor:
    """The file's text, read a block at a time; `pos` is the next byte to look at."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.buf, self.pos = fh, b"", 0
        self.closing: bytes | None = None  # the closing line of the last object value cut by its lines

    def _more(self) -> bool:
        block = self.fh.read(READ)
        if not block:
            return False
        keep = max(self.buf.rfind(b"\n", 0, self.pos), 0)  # the current line stays: indents are read from it
        self.buf, self.pos = self.buf[keep:] + block, self.pos - keep
        return True

    def peek(self) -> int | None:
        """The next byte that is not white space, None at the end of the file."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _SPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._more():
                return None

    def take(self, byte: int) -> None:
        if self.peek() != byte:
            raise OffLayout
        self.pos += 1

    def another(self, first: bool, close: int) -> bool:
        """Past the `,` before another entry (True) or the `close` that ends the container (False)."""
        found = self.peek()
        if found == close:
            self.pos += 1
            return False
        if not first:
            if found != 0x2C:  # ","
                raise OffLayout
            self.pos += 1
        return True

    def key(self) -> str:
        """An object's key and its colon."""
        self.peek()
        while (match := _KEY.match(self.buf, self.pos)) is None:
            if self.buf.find(b"\n", self.pos) != -1 or len(self.buf) - self.pos > MAX_VALUE or not self._more():
                raise OffLayout
        self.pos = match.end()
        try:
            return match.group(1).decode("utf-8")
        except UnicodeDecodeError:
            raise OffLayout from None

    def _line_end(self) -> int:
        """Where the line at `pos` ends (reading on as needed; the end of the text if it never does)."""
        while (end := self.buf.find(b"\n", self.pos)) == -1:
            if len(self.buf) - self.pos > MAX_VALUE or not self._more():
                return len(self.buf)
        return end

    def value(self) -> Item:
        """The value at the cursor, cut by the layout and parsed."""
        first = self.peek()
        if first is None:
            raise OffLayout
        end = self._line_end()
        start = self.pos
        line = self.buf[start:end].rstrip(b" \t\r,")
        closer = _CLOSER.get(first)
        self.closing = None
        if closer is None or line.endswith(closer):  # a scalar, or a container on one line
            piece = line
        else:
            line_start = self.buf.rfind(b"\n", 0, start) + 1
            head = self.buf[line_start:start]
            indent = head[:len(head) - len(head.lstrip(b" \t"))]
            closing = b"\n" + indent + closer
            while (found := self.buf.find(closing, start)) == -1:
                if len(self.buf) - start > MAX_VALUE or not self._more():
                    raise OffLayout
                start = self.pos
            piece = self.buf[start:found + len(closing)]
            self.closing = closing if head.strip(_SPACE) == b"" else None  # a list item opening its own line
        try:
            parsed = orjson.loads(piece)
        except orjson.JSONDecodeError:
            raise OffLayout from None
        self.pos = start + len(piece)
        return parsed, piece

    def items(self) -> Iterator[Item]:
        """The values of the list whose `[` was just taken, each with its text."""
        first = True
        while self.another(first, 0x5D):  # "]"
            yield self.value()
            first = False
            if self.closing is None or not self.closing.endswith(b"}"):
                continue
            # the exporter's layout: the next object opens right after `,\n` and the indent; this loop
            # reads most of a file, and whatever it does not expect goes back to the checks above
            closing = self.closing
            after = b",\n" + closing[1:-1] + b"{"
            buf, pos = self.buf, self.pos
            while buf.startswith(after, pos):
                start = pos + len(after) - 1
                found = buf.find(closing, start)
                if found == -1:
                    break
                piece = buf[start:found + len(closing)]
                try:
                    parsed = orjson.loads(piece)
                except orjson.JSONDecodeError:
                    break
                self.pos = pos = start + len(piece)
                yield parsed, piece


def named(fields: dict[str, Any]) -> bool:
    """Whether a chat read without messages can still be told apart (by its id, else its name)."""
    return fields.get("id") is not None or fields.get("name") is not None


class Place:
    """Where a reader is in an export: the chat it reads, which list and message, and chats to announce.

    `single` is the chat of a single-chat export; None for a full-account one,
    whose messages are named by their chat list and index in errors.
    """

    def __init__(self, single: Chat | None = None) -> None:
        self.single = single
        self.chat = single
        self.fields: dict[str, Any] = {}  # the current chat's id, name, type as far as read
        self.group = "chats"
        self.chat_index = -1
        self.index = -1
        self.waiting: list[Chat] = []  # chats to yield before the next message (or at the end)

    def current(self) -> Chat:
        assert self.chat is not None
        return self.chat

    def pending(self) -> Iterator[Chat]:
        while self.waiting:
            yield self.waiting.pop(0)

    def position(self, index: int | None = None) -> str:
        """The message `index` (default: the one being read) as a JSON path."""
        at = self.index if index is None else index
        if self.single is not None:
            return f"messages[{at}]"
        return f"{self.group}.list[{self.chat_index}].messages[{at}]"


class Walk(Place):
    """The messages of an export laid out as Telegram Desktop writes it, with the chat each belongs to.

    `chat` is the chat of a single-chat export (read from its header); None reads
    a full-account export's `chats` and `left_chats` lists.
    """

    def __init__(self, fh: BinaryIO, chat: Chat | None, make_chat: Callable[[dict[str, Any], str], Chat]) -> None:
        super().__init__(chat)
        self.cursor = _Cursor(fh)
        self.make_chat = make_chat

    def items(self) -> Iterator[Item]:
        cursor = self.cursor
        cursor.take(0x7B)  # "{"
        first = True
        while cursor.another(first, 0x7D):  # "}"
            first = False
            key = cursor.key()
            if self.single is not None and key == "messages":
                cursor.take(0x5B)  # "["
                yield from self._messages()
            elif self.single is None and key in _GROUPS:
                yield from self._group(key)
            elif key in ("messages", *_GROUPS):
                raise OffLayout  # the shapes mixed: the streaming path says what is wrong
            else:
                cursor.value()
        if cursor.peek() is not None:
            raise OffLayout

    def _group(self, key: str) -> Iterator[Item]:
        cursor = self.cursor
        cursor.take(0x7B)
        first = True
        while cursor.another(first, 0x7D):
            first = False
            if cursor.key() != "list":
                cursor.value()
                continue
            cursor.take(0x5B)
            listed = True
            while cursor.another(listed, 0x5D):
                listed = False
                self.group, self.chat_index, self.index, self.chat = key, self.chat_index + 1, -1, None
                yield from self._chat()

    def _chat(self) -> Iterator[Item]:
        cursor = self.cursor
        cursor.take(0x7B)
        self.fields = {}
        first = True
        while cursor.another(first, 0x7D):
            first = False
            key = cursor.key()
            if key == "messages":
                cursor.take(0x5B)
                yield from self._messages()
                continue
            value, _ = cursor.value()
            if key in ("id", "name", "type") and type(value) in (str, int, float):
                self.fields[key] = value
        if self.chat is None and named(self.fields):
            self.waiting.append(self.make_chat(self.fields, f"{self.group}.list[{self.chat_index}]"))  # no messages

    def _messages(self) -> Iterator[Item]:
        for item in self.cursor.items():
            self.index += 1
            if self.chat is None:
                self.chat = self.make_chat(self.fields, self.position())
                self.waiting.append(self.chat)
            yield item
