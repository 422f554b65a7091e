"""WhatsApp message ids that every member's export of a group agrees on (DESIGN.md, "Message identity").

WhatsApp exports carry no message ids, and the same group exported by two
members differs in where it starts (each phone keeps the history it saw) and in
how senders are named (each phone's contact book). So an id is derived from
what both exports show alike:

- the minute the message was sent: `sent_at` to the minute, in UTC (counted
  from 1970, so no date format enters the digest). Where the
  export's zone is known (`--tz`) that is true UTC; otherwise the reader took
  the export's clock as UTC, so it is the minute as the export states it (two
  members in different zones then agree only when both files get their `--tz`);
- its content (`content`): kind, text and whether media stands in it; not the
  file name of the media (each phone numbers its `IMG-…-WA0005` itself; one
  export says "<Media omitted>" where the other attaches the file) and not the
  sender's name;
- its occurrence: how many entries with the same minute and content come before
  it in the same file (0 for the first), so that three "+" posted in one minute
  stay three messages.

The rule for overlapping exports: occurrences are counted among identical
(minute, content) entries only, so a cut anywhere else — between minutes, or
inside a minute between different messages — gives every message of both parts
the id the whole file gives it. A part that starts inside a run of identical
entries of one minute cannot know how many of the run came before it, and
numbers the ones it holds from 0: its copies of that run take the ids of the
run's first entries. The store then holds max(a, b) of the run's k entries
(a, b: how many of them each part holds), all with the same minute and text;
the run loses entries only when neither part holds all of it. Which sender
each of those rows names may differ from the whole file's. `Sightings`
therefore never takes such repeated entries as evidence that two names are one
account.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


DIGEST_HEX = 24  # hex digits of SHA-256 kept: 96 bits, no collision within any real chat's messages
MEDIA_MARK = "\x00media"  # joins the content of a message that stands for media (never in exported text)


def content(kind: str, text: str, has_media: bool) -> str:
    """The part of a message every member's export shows alike.

    Deleted messages count as their kind alone: the deleter's export says "You
    deleted this message" where everyone else's says "This message was deleted".
    """
    if kind == "deleted":
        return kind
    body = unicodedata.normalize("NFC", text.strip())
    return f"{kind}\n{body}{MEDIA_MARK if has_media else ''}"


def minute_of(sent_at: datetime) -> int:
    """The minute of an aware time: minutes since 1970-01-01 UTC (a fifth of formatting it, per message)."""
    return int(sent_at.timestamp()) // 60


def message_id(minute: int, body: str, occurrence: int) -> str:
    """The id of the `occurrence`-th (from 0) message with content `body` in `minute` (see `content`)."""
    digest = hashlib.sha256(f"{minute}\n{occurrence}\n{body}".encode("utf-8")).hexdigest()
    return digest[:DIGEST_HEX]


class Sighting(NamedTuple):  # a tuple: one per message of a file, made five times faster than a dataclass
    """A message read under `account_id`, with the minute and content its id derives from."""

    message_id: str
    minute: int
    content: str
    account_id: str

    @property
    def sibling(self) -> str:
        """The id a second message of the same minute and content gets (`message_id`, occurrence 1)."""
        return message_id(self.minute, self.content, 1)


@dataclass
class Sightings:
    """The unambiguous messages of one chat in one file, which ingest hands to store/aliases.py's `link`
    after the file is read."""

    platform: str
    chat_id: str
    items: list[Sighting] = field(default_factory=list)


@dataclass
class MessageIds:
    """Assigns ids to one file's messages in file order, counting repeats of (minute, content)."""

    counts: Counter[tuple[int, str]] = field(default_factory=Counter)
    named: list[tuple[tuple[int, str], str, str]] = field(default_factory=list)  # (key, id, account) of texts

    def assign(self, sent_at: datetime, kind: str, text: str, has_media: bool, account_id: str | None = None) -> str:
        """The id of the next message of the file; `account_id`, where known, makes it a candidate sighting."""
        key = (minute_of(sent_at), content(kind, text, has_media))
        occurrence = self.counts[key]
        self.counts[key] = occurrence + 1
        ident = message_id(*key, occurrence)
        if account_id and kind == "message" and text.strip():
            self.named.append((key, ident, account_id))
        return ident

    def sightings(self) -> list[Sighting]:
        """The file's text messages that no other entry of the file repeats in their minute, with their
        senders: what store/aliases.py may take as evidence."""
        counts = self.counts
        return [Sighting(ident, key[0], key[1], account) for key, ident, account in self.named if counts[key] == 1]
