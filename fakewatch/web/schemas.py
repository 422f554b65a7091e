"""Shapes of the API's answers, for the OpenAPI description (the queries build plain dicts of these shapes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    """A documented shape that may carry more fields than it names (stages add fields; none are dropped)."""

    model_config = ConfigDict(extra="allow")


class Message(Open):
    pk: int
    platform: str
    chat_id: str
    message_id: str
    chat_name: str | None
    account_id: str | None
    account_name: str | None
    sent_at: datetime
    text: str
    forwarded_from: str | None
    url: str | None


class InputFile(Open):
    path: str
    sha256: str
    format: str
    ingested_at: datetime


class MessageContext(Open):
    message: Message
    before: list[Message]
    after: list[Message]
    campaigns: list[str]
    input: InputFile | None
    record: dict[str, Any] | None  # the message's record as the input file had it (evidence)


class CampaignSummary(Open):
    code: str
    title: str
    score: float
    reported: bool
    first_seen: datetime
    last_seen: datetime
    messages: int
    accounts: int
    chats: int
    impersonates: list[str]


class Campaign(Open):
    """The campaign as in findings.json plus the rows the campaign page shows."""

    id: str
    title: str
    score: float
    reported: bool
    first_seen: datetime
    last_seen: datetime
    account_rows: list[dict[str, Any]]
    evidence_rows: list[dict[str, Any]]
    chat_rows: list[dict[str, Any]]
    input_rows: list[dict[str, Any]]
    waves: list[dict[str, Any]]
    network: dict[str, Any]


class Account(Open):
    id: str
    platform: str
    name: str | None
    chat_rows: list[dict[str, Any]]
    campaign_rows: list[dict[str, Any]]
    aliases: list[dict[str, Any]] = []  # the same sender under another name: account_id, evidence identities
    messages: list[Message]


class ChatSummary(Open):
    key: str
    platform: str
    chat_id: str
    name: str | None
    messages: int


class Chat(Open):
    key: str
    platform: str
    chat_id: str
    name: str | None
    message_count: int
    campaign_rows: list[dict[str, Any]]
    messages: list[Message]


class Debunk(Open):
    id: int
    campaign: str | None  # None for a media cluster's debunk
    media_key: str | None = None
    category: str | None = None
    claim: str
    text: str
    rating: str
    links: list[str]
    status: str
    author: str
    created_at: datetime
    updated_at: datetime


class MediaCopy(BaseModel):
    sha256: str
    kind: str
    width: int | None
    height: int | None
    duration: float | None
    first_seen: str | None
    messages: int
    chats: int


class MediaCluster(Open):
    cluster_id: int
    key: str
    kinds: list[str]
    messages: int
    first_seen: str | None
    last_seen: str | None
    chats: list[str]
    copies: list[MediaCopy]
    debunks: list[Debunk] = []


class JobFile(BaseModel):
    name: str
    size: int
    sha256: str


class Job(Open):
    id: int
    files: list[JobFile]
    status: str  # queued | running | done | partial (finished, some inputs refused) | failed
    stage: str | None
    done: int
    total: int | None
    error: str | None
    refused: list[str] = Field([], description="Inputs the run could not read: file, position, problem")
    findings: bool
    created_at: datetime
    finished_at: datetime | None


class Download(BaseModel):
    name: str
    size: int


class Token(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


class NewToken(BaseModel):
    token: str


class UserInfo(BaseModel):
    id: int
    name: str
    role: str
    disabled: bool = False
    created_at: datetime | None = None
    locked_for: float | None = None  # seconds left of a lock after failed logins
