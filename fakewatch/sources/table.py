"""Posts as tables: CSV (comma, semicolon, tab or bar separated, as the header shows) and JSONL.

Columns (fields) fakewatch knows: `platform, chat_id, message_id, account_id,
account_name, sent_at, text, url, forwarded_from, reply_to`. Other headers are
mapped onto them with the `map` option (`--map author_id=account_id`); columns
that map to nothing are kept in `raw` only. Only `sent_at` is required.

When a field is absent:
- `platform`: the `platform` option, else "table";
- `chat_id`: the `chat` option, else the file's name without its extension;
- `message_id`: derived from the post itself, so that re-reading the same rows
  (even in another file or order) gives the same identity: the first 16 hex
  digits of SHA-256 over `account_id`, `sent_at` (as written) and `text`,
  joined by U+001F. The n-th repeat of an identical post in one file gets
  `-n` appended, so true repeats are kept, not merged.
- `account_name`: the account id.

`sent_at`: ISO 8601 (a zone is honoured; none means UTC), `YYYY-MM-DD HH:MM[:SS]`,
epoch seconds, or `M/D/YY H:MM` (US spreadsheets); `--date-order dmy` reads
slashed dates day-first.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from fakewatch.model import Chat, Message, account_key

from .base import ReadContext, Record, check_range, clip_text, from_unix

NAME = "table"
FIELDS = ("platform", "chat_id", "message_id", "account_id", "account_name", "sent_at", "text", "url",
          "forwarded_from", "reply_to")
MAX_FIELD = 1 << 24  # csv's field limit, raised from 128 KiB: a post may be long (clip_text bounds it later)
_CSV_SUFFIXES = (".csv", ".tsv")
_DELIMITERS = (",", ";", "\t", "|")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def sniff(path: Path, head: bytes) -> bool:
    suffix = path.suffix.lower()
    if suffix in _JSONL_SUFFIXES:
        return True
    if suffix in _CSV_SUFFIXES:
        return b"\x00" not in head
    lines = head.lstrip(b"\xef\xbb\xbf").splitlines()
    return len(lines) >= 2 and lines[0].lstrip().startswith(b"{") and lines[1].lstrip().startswith(b"{")


def field_map(ctx: ReadContext, headers: list[str]) -> dict[str, str]:
    """header -> field for the headers that feed a field: identity for known names, then `map` overrides."""
    mapping = {h: h for h in headers if h in FIELDS}
    for column, target in (ctx.options.get("map") or {}).items():
        if target not in FIELDS:
            raise ctx.fail("options", f"--map {column}={target}: {target!r} is not one of {', '.join(FIELDS)}")
        if column not in headers:
            continue  # one map serves every file of a call; this file lacks the column
        mapping = {c: f for c, f in mapping.items() if f != target}  # an explicit map wins over a same-named column
        mapping[column] = target
    return mapping


def _rows(ctx: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    """(position, record) for every row of the file."""
    if ctx.path.suffix.lower() in _CSV_SUFFIXES or not _looks_jsonl(ctx.path):
        yield from _csv_rows(ctx)
    else:
        yield from _jsonl_rows(ctx)


def _looks_jsonl(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _csv_rows(ctx: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    csv.field_size_limit(MAX_FIELD)
    with ctx.path.open("r", encoding="utf-8-sig", newline="") as fh:
        try:
            header = fh.readline()
        except UnicodeDecodeError:
            raise ctx.fail("line 1", "not UTF-8 text") from None
        fh.seek(0)
        # The header names the columns, so its commonest separator is the file's (csv.Sniffer, reading
        # post texts full of commas and semicolons, guesses wrong more often).
        delimiter = max(_DELIMITERS, key=header.count) if any(d in header for d in _DELIMITERS) else ","
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            headers = next(reader, None)
            if not headers:
                raise ctx.fail("line 1", "no header row")
            headers = [h.strip() for h in headers]
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                if len(row) != len(headers):
                    raise ctx.fail(f"line {line}", f"{len(row)} columns where the header has {len(headers)}")
                yield f"line {line}", dict(zip(headers, row))
        except csv.Error as exc:
            raise ctx.fail(f"line {reader.line_num}", f"malformed CSV: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ctx.fail(f"after line {reader.line_num}, byte {exc.start} of a block", "not UTF-8 text") from None


def _jsonl_rows(ctx: ReadContext) -> Iterator[tuple[str, dict[str, Any]]]:
    with ctx.path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ctx.fail(f"line {number}", f"malformed JSON: {exc}") from None
            if not isinstance(record, dict):
                raise ctx.fail(f"line {number}", f"expected a JSON object, got {type(record).__name__}")
            yield f"line {number}", record


def parse_time(value: Any, ctx: ReadContext, position: str) -> datetime:
    """UTC datetime from the forms tables carry (see the module docstring)."""
    if isinstance(value, bool) or value is None or value == "":
        raise ctx.fail(position, "sent_at is empty")
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        return from_unix(value, ctx, position)
    if not isinstance(value, str):
        raise ctx.fail(position, f"sent_at must be text or a number, got {type(value).__name__}")
    text = value.strip()
    slashed = _SLASHED.match(text)
    try:
        if slashed:
            a, b, year, hour, minute, second = (int(x) if x else 0 for x in slashed.groups())
            month, day = (b, a) if ctx.options.get("date_order") == "dmy" else (a, b)
            moment = datetime(year + 2000 if year < 100 else year, month, day, hour, minute, second)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ctx.fail(position, f"not a date: {text!r:.60}") from None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return check_range(moment, ctx, position)


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else orjson.dumps(value).decode() if isinstance(value, (dict, list)) \
        else str(value)


def read(ctx: ReadContext) -> Iterator[Record]:
    """A Chat the first time each (platform, chat_id) appears, and a Message per row."""
    platform_default = str(ctx.options.get("platform") or NAME)
    chat_default = str(ctx.options.get("chat") or (ctx.shown or ctx.path).stem)
    mapping: dict[str, str] | None = None
    chats_seen: set[tuple[str, str]] = set()
    repeats: dict[str, int] = {}
    for position, record in _rows(ctx):
        if mapping is None:
            mapping = field_map(ctx, list(record))
            if "sent_at" not in mapping.values():
                raise ctx.fail("header", f"no sent_at column among {', '.join(record)[:200]}: "
                                         "name one with --map COLUMN=sent_at")
            ctx.note(f"columns read: {', '.join(f'{c}->{f}' for c, f in mapping.items())}")
        values = {f: _text(record.get(c)) for c, f in mapping.items()}
        platform = values.get("platform") or platform_default
        chat_id = values.get("chat_id") or chat_default
        native = values.get("account_id")
        raw_time = record.get(next(c for c, f in mapping.items() if f == "sent_at"))
        sent_at = parse_time(raw_time, ctx, f"{position}, sent_at")
        text = clip_text(values.get("text") or "", ctx, position)
        message_id = values.get("message_id")
        if message_id is None:
            message_id = derived_id(native, str(raw_time), text, repeats)
        if (platform, chat_id) not in chats_seen:
            chats_seen.add((platform, chat_id))
            yield Chat(platform=platform, chat_id=chat_id, name=chat_id)
        yield Message(
            platform=platform, chat_id=chat_id, message_id=message_id, sent_at=sent_at,
            account_id=account_key(platform, native) if native else None,
            account_name=values.get("account_name") or native,
            text=text, url=values.get("url"), forwarded_from=values.get("forwarded_from"),
            reply_to=values.get("reply_to"), raw=record,
        )


def derived_id(account: str | None, sent_at: str, text: str, repeats: dict[str, int]) -> str:
    """A message id from the post's content (see the module docstring); `repeats` counts per file."""
    digest = hashlib.sha256("\x1f".join((account or "", sent_at, text)).encode("utf-8", "surrogatepass"))
    base = digest.hexdigest()[:16]
    seen = repeats.get(base, 0) + 1
    repeats[base] = seen
    return base if seen == 1 else f"{base}-{seen}"

