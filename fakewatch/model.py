"""Core records every source yields and every stage reads.

A message's identity is `(platform, chat_id, message_id)` (DESIGN.md); accounts
are `platform:native_id`. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Chat:
    platform: str
    chat_id: str
    name: str | None = None
    type: str | None = None


@dataclass(slots=True)
class Entity:
    """A span the exporter marked: link, text_link (with href), phone, mention, hashtag, ..."""

    type: str
    text: str
    href: str | None = None


@dataclass(slots=True)
class Media:
    kind: str  # photo, video_file, voice_message, video_message, animation, sticker, audio_file, file
    path: str | None = None  # path inside the export, as the exporter wrote it
    stored_path: str | None = None  # where the file is on disk, when the export carries it
    mime: str | None = None
    size: int | None = None
    sha256: str | None = None
    file_absent: bool = True
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@dataclass(slots=True)
class Message:
    platform: str
    chat_id: str
    message_id: str
    sent_at: datetime
    account_id: str | None = None  # platform:native_id
    account_name: str | None = None
    text: str = ""
    kind: str = "message"  # message | service
    reply_to: str | None = None
    forwarded_from: str | None = None  # display name, as exports give it
    forwarded_from_id: str | None = None  # platform:native_id when the source knows it
    edited_at: datetime | None = None
    via_bot: str | None = None
    url: str | None = None  # the post's own URL, where a table source has one
    raw: dict[str, Any] | None = None  # the record as read, kept as evidence
    raw_json: bytes | None = None  # its JSON text as the file has it, where the source cut it out whole
    entities: list[Entity] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.platform, self.chat_id, self.message_id)


def iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, to the second, as the contract writes times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def account_key(platform: str, native_id: str) -> str:
    return f"{platform}:{native_id}"
