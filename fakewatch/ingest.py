"""Ingest stage: read inputs with their source and store them, once, one transaction per file."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, select

from fakewatch import sources
from fakewatch.model import Chat, Message
from fakewatch.sources import ReadContext, ReadError
from fakewatch.store import insert_ignore
from fakewatch.store.tables.core import accounts, chats, entities, inputs, media, messages

BATCH = 5000
MAX_ZIP_MEMBERS = 200_000
MAX_ZIP_BYTES = 20 * 1024**3


@dataclass
class FileResult:
    path: str
    format: str
    sha256: str
    messages: int = 0
    added: int = 0
    skipped: bool = False  # the same file (path and content) was ingested before
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    refused: list[ReadError] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)


Progress = Callable[[str, int], None]  # (file path, messages read so far)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def safe_extract(archive: Path, dest: Path) -> None:
    """Extract a zip, refusing members that would land outside `dest` (`../`, absolute paths, links)."""
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
            raise ReadError(archive, "zip directory", "archive too large to unpack")
        root = dest.resolve()
        for info in infos:
            name = info.filename
            target = (root / name).resolve()
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or not target.is_relative_to(root):
                raise ReadError(archive, f"member {name!r}", "path escapes the archive folder")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise ReadError(archive, f"member {name!r}", "symbolic links are not unpacked")
        zf.extractall(root)


def expand(paths: Iterable[Path], workdir: Path) -> Iterator[tuple[Path, Path]]:
    """(file, display path) for every input under `paths`: folders walked, zips unpacked."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() == ".zip" or sources.detect(child):
                    yield from expand([child], workdir)
        elif path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            dest = Path(tempfile.mkdtemp(dir=workdir))
            safe_extract(path, dest)
            for inner, _shown in expand([dest], workdir):
                yield inner, path / inner.relative_to(dest)
        else:
            yield path, path


def ingest(
    engine: Engine,
    paths: Iterable[Path | str],
    *,
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Store every message of `paths`. Refused files are reported; the others still go in."""
    report = IngestReport()
    workdir = Path(tempfile.mkdtemp(prefix="fakewatch-"))
    try:
        try:
            files = list(expand([Path(p) for p in paths], workdir))
        except (ReadError, zipfile.BadZipFile, OSError) as exc:
            report.refused.append(exc if isinstance(exc, ReadError) else ReadError("?", "archive", str(exc)))
            files = []
        for path, shown in files:
            try:
                report.files.append(ingest_file(engine, path, shown, options or {}, progress))
            except ReadError as exc:
                report.refused.append(exc)
            except (OSError, UnicodeDecodeError) as exc:
                report.refused.append(ReadError(shown, "file", str(exc)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def ingest_file(
    engine: Engine, path: Path, shown: Path, options: dict[str, Any], progress: Progress | None = None
) -> FileResult:
    if not path.is_file():
        raise ReadError(shown, "file", "no such file")
    source = sources.by_name(options["format"]) if options.get("format") else sources.detect(path)
    if source is None:
        raise ReadError(shown, "file", "format not recognised (Telegram JSON, WhatsApp .txt, CSV, JSONL, HTML)")
    digest = sha256_file(path)
    result = FileResult(path=str(shown), format=source.NAME, sha256=digest)
    with engine.begin() as conn:
        seen = conn.execute(
            select(inputs.c.id).where(inputs.c.path == str(shown), inputs.c.sha256 == digest)
        ).first()
        if seen:
            result.skipped = True
            return result
        input_id = conn.execute(
            inputs.insert().values(
                path=str(shown), sha256=digest, format=source.NAME, messages=0, added=0, chats=0, accounts=0,
                ingested_at=datetime.now(timezone.utc).replace(tzinfo=None),
            )
        ).inserted_primary_key[0]
        ctx = ReadContext(path=path, root=path.parent, options=options)
        writer = _Writer(engine, conn, input_id)
        try:
            for record in source.read(ctx):
                if isinstance(record, Chat):
                    writer.chat(record)
                    continue
                writer.add(record)
                if len(writer.pending) >= BATCH:
                    writer.flush()
                    if progress:
                        progress(str(shown), writer.read)
            writer.flush()
        except ReadError as exc:
            exc.path = str(shown)
            exc.args = (f"{exc.path}: {exc.position}: {exc.problem}",)
            raise
        result.messages, result.added, result.notes = writer.read, writer.added, ctx.notes
        conn.execute(
            inputs.update().where(inputs.c.id == input_id).values(
                messages=writer.read, added=writer.added, chats=len(writer.chats_seen),
                accounts=len(writer.accounts_seen), notes=ctx.notes or None,
            )
        )
    if progress:
        progress(str(shown), writer.read)
    return result


def _naive_utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment else None


class _Writer:
    """Batches records into the store, skipping messages it already holds."""

    def __init__(self, engine: Engine, conn: Any, input_id: int) -> None:
        self.engine, self.conn, self.input_id = engine, conn, input_id
        self.pending: dict[tuple[str, str, str], Message] = {}
        self.chats_seen: set[tuple[str, str]] = set()
        self.accounts_seen: set[str] = set()
        self.read = 0
        self.added = 0

    def chat(self, chat: Chat) -> None:
        key = (chat.platform, chat.chat_id)
        if key in self.chats_seen:
            return
        self.chats_seen.add(key)
        self.conn.execute(
            insert_ignore(self.engine, chats, ["platform", "chat_id"]),
            [{"platform": chat.platform, "chat_id": chat.chat_id, "name": chat.name, "type": chat.type}],
        )

    def add(self, msg: Message) -> None:
        self.read += 1
        if (msg.platform, msg.chat_id) not in self.chats_seen:
            self.chat(Chat(platform=msg.platform, chat_id=msg.chat_id))
        self.pending[msg.key] = msg

    def flush(self) -> None:
        if not self.pending:
            return
        batch = self.pending
        self.pending = {}
        self._accounts(batch.values())
        existing = self._existing(list(batch))
        new = [m for k, m in batch.items() if k not in existing]
        if not new:
            return
        rows = [
            {
                "platform": m.platform, "chat_id": m.chat_id, "message_id": m.message_id,
                "account_id": m.account_id, "sent_at": _naive_utc(m.sent_at), "kind": m.kind, "text": m.text,
                "reply_to": m.reply_to, "forwarded_from": m.forwarded_from,
                "forwarded_from_id": m.forwarded_from_id, "edited_at": _naive_utc(m.edited_at),
                "via_bot": m.via_bot, "url": m.url, "input_id": self.input_id,
                "raw": json.dumps(m.raw, ensure_ascii=False, default=str) if m.raw is not None else None,
            }
            for m in new
        ]
        ids = self.conn.execute(
            messages.insert().returning(messages.c.id, messages.c.platform, messages.c.chat_id, messages.c.message_id,
                                        sort_by_parameter_order=True),
            rows,
        ).all()
        self.added += len(ids)
        ent_rows, media_rows = [], []
        for (pk, *_key), m in zip(ids, new):
            ent_rows += [{"message_pk": pk, "seq": i, "type": e.type, "text": e.text, "href": e.href}
                         for i, e in enumerate(m.entities)]
            media_rows += [{"message_pk": pk, "seq": i, "kind": x.kind, "path": x.path, "stored_path": x.stored_path,
                            "mime": x.mime, "size": x.size, "sha256": x.sha256, "file_absent": x.file_absent,
                            "width": x.width, "height": x.height, "duration": x.duration}
                           for i, x in enumerate(m.media)]
        if ent_rows:
            self.conn.execute(entities.insert(), ent_rows)
        if media_rows:
            self.conn.execute(media.insert(), media_rows)

    def _accounts(self, batch: Iterable[Message]) -> None:
        rows = {}
        for m in batch:
            if m.account_id and m.account_id not in self.accounts_seen:
                self.accounts_seen.add(m.account_id)
                platform, _, native = m.account_id.partition(":")
                rows[m.account_id] = {"id": m.account_id, "platform": platform, "native_id": native,
                                      "name": m.account_name}
        if rows:
            self.conn.execute(insert_ignore(self.engine, accounts, ["id"]), list(rows.values()))

    def _existing(self, keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        by_chat: dict[tuple[str, str], list[str]] = {}
        for platform, chat_id, message_id in keys:
            by_chat.setdefault((platform, chat_id), []).append(message_id)
        for (platform, chat_id), ids in by_chat.items():
            for start in range(0, len(ids), 900):
                part = ids[start:start + 900]
                rows = self.conn.execute(
                    select(messages.c.message_id).where(
                        and_(messages.c.platform == platform, messages.c.chat_id == chat_id,
                             messages.c.message_id.in_(part))
                    )
                )
                found.update((platform, chat_id, r[0]) for r in rows)
        return found
