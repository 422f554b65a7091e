"""Ingest stage: read inputs with their source and store them, once, one transaction per file."""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import multiprocessing
import pickle
import queue
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
from sqlalchemy import Engine, LargeBinary, Text, and_, bindparam, cast, func, select

from fakewatch import sources
from fakewatch.archives import ArchiveLimits, Unpacker
from fakewatch.model import Chat, Message
from fakewatch.sources import ReadContext, ReadError
from fakewatch.store import insert_ignore, raw
from fakewatch.store.tables.core import accounts, chats, entities, inputs, media, messages, raw_blocks

BATCH = 5000  # messages per INSERT
CHUNK = 1000  # records a reader hands over at a time
QUEUED_CHUNKS = 16  # chunks read from the reader process ahead of the writer (~10 MB)
PARALLEL_MIN_BYTES = 4 * 1024**2  # files this large are read in a forked second process (tens of ms to start)
# Files an export carries beside its chat (photos, voice notes, documents): read as the chat's attachments,
# not as chats, so a folder holding them is counted, not listed file by file.
MEDIA_SUFFIXES = frozenset(".jpg .jpeg .png .gif .webp .heic .mp4 .3gp .mov .opus .ogg .mp3 .m4a .aac .wav .amr "
                           ".pdf .vcf .doc .docx .xls .xlsx .ppt .pptx".split())


@dataclass
class FileResult:
    path: str
    format: str
    sha256: str
    messages: int = 0
    added: int = 0
    skipped: bool = False  # the same file (path and content) was ingested before
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Unrecognised:
    """A file inside a folder or archive that no source reads: it is reported, never passed over in silence."""

    path: str
    media: bool  # a photo, voice note or document such as exports carry beside their chat


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    refused: list[ReadError] = field(default_factory=list)
    unrecognised: list[Unrecognised] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)


Progress = Callable[[str, int], None]  # (file being read, messages read so far by this run, over all its files)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand(paths: Iterable[Path], workdir: Path,
           unpacker: Unpacker) -> Iterator[tuple[Path, Path] | ReadError | Unrecognised]:
    """(file, display path) for every input under `paths`: folders walked, zips unpacked by `unpacker`.

    An archive that cannot be unpacked safely comes out as a ReadError in its
    place, so that the other inputs still go in; a file in a folder that no
    source reads comes out as Unrecognised (a file named directly is refused
    by `ingest_file` instead).
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() == ".zip" or sources.detect(child):
                    yield from expand([child], workdir, unpacker)
                else:
                    yield Unrecognised(str(child), child.suffix.lower() in MEDIA_SUFFIXES)
        elif path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            dest = Path(tempfile.mkdtemp(dir=workdir))
            try:
                unpacker.extract(path, dest)
            except ReadError as exc:
                yield exc
                continue
            for inner in expand([dest], workdir, unpacker):
                if isinstance(inner, ReadError):
                    yield inner
                elif isinstance(inner, Unrecognised):
                    yield Unrecognised(str(path / Path(inner.path).relative_to(dest)), inner.media)
                else:
                    yield inner[0], path / inner[0].relative_to(dest)
        else:
            yield path, path


def ingest(
    engine: Engine,
    paths: Iterable[Path | str],
    *,
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Store every message of `paths`. Refused files are reported; the others still go in.

    `options` (all optional): `format` (a source NAME, instead of detecting it),
    `chat`, `date_order`, `tz` (WhatsApp), `map`, `platform` (tables),
    `parallel` (True/False: read in a separate process; default: for files of
    PARALLEL_MIN_BYTES and more), `zip_max_ratio` and `zip_max_bytes` (archives.ArchiveLimits),
    `unpack_dir` (a folder to unpack archives into that the caller keeps and cleans, when the media
    they carry are read after ingest; by default a temporary folder removed before returning).
    """
    options = options or {}
    report = IngestReport()
    unpacker = Unpacker(ArchiveLimits.from_env(options.get("zip_max_ratio"), options.get("zip_max_bytes")))
    kept = options.get("unpack_dir")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="fakewatch-", dir=kept))
    earlier = 0  # messages of the files already read: the count goes on rising from file to file
    tick = (lambda shown, n: progress(shown, earlier + n)) if progress else None
    try:
        for item in expand([Path(p) for p in paths], workdir, unpacker):
            if isinstance(item, ReadError):
                report.refused.append(item)
                continue
            if isinstance(item, Unrecognised):
                report.unrecognised.append(item)
                continue
            path, shown = item
            try:
                report.files.append(ingest_file(engine, path, shown, options, tick))
                earlier += report.files[-1].messages
            except ReadError as exc:
                report.refused.append(exc)
            except (OSError, UnicodeDecodeError) as exc:
                report.refused.append(ReadError(shown, "file", str(exc)))
        report.unrecognised += [Unrecognised(str(p), p.suffix.lower() in MEDIA_SUFFIXES) for p in unpacker.skipped]
    finally:
        if not kept:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def ingest_file(
    engine: Engine, path: Path, shown: Path, options: dict[str, Any], progress: Progress | None = None
) -> FileResult:
    """Store one file in one transaction: all of it, or (on a ReadError) nothing."""
    if not path.is_file():
        raise ReadError(shown, "file", "no such file")
    try:
        source = sources.by_name(options["format"]) if options.get("format") else sources.detect(path)
    except KeyError:
        raise ReadError(shown, "options", f"unknown format {options['format']!r}") from None
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
        ctx = ReadContext(path=path, root=path.parent, shown=shown, options=options)
        writer = _Writer(engine, conn, input_id, source)
        parallel = options.get("parallel")
        if parallel is None:
            parallel = path.stat().st_size >= PARALLEL_MIN_BYTES
        parallel = parallel and "fork" in multiprocessing.get_all_start_methods()
        chunks = _from_process if parallel else _prepared
        collecting = gc.isenabled()
        gc.disable()  # rows are acyclic and short-lived; the cyclic collector cost 15% of the writer's time
        try:
            for chunk in chunks(source, ctx, input_id, engine.dialect):
                writer.take(chunk)
                if len(writer.pending) >= BATCH:
                    writer.flush()
                    if progress:
                        progress(str(shown), writer.read)
            writer.flush()
        except ReadError as exc:
            exc.path = str(shown)
            exc.args = (str(exc.path) + ": " + exc.position + ": " + exc.problem,)
            raise
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
            # a shape no check foresaw: refuse the file (the transaction rolls back) rather than crash the run
            raise ReadError(shown, f"after message {writer.read}", f"{type(exc).__name__}: {exc}") from exc
        finally:
            if collecting:
                gc.enable()
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


# What a reader hands to the writer for one message: its identity, its `messages` row (values ready
# for the driver), its account row, and its entity and media rows without the message's integer key.
Prepared = tuple[tuple[str, str, str], tuple[Any, ...], tuple[str, str, str, Any] | None, list[tuple], list[tuple]]

_MESSAGE_COLUMNS = ("platform", "chat_id", "message_id", "account_id", "sent_at", "kind", "text", "reply_to",
                    "forwarded_from", "forwarded_from_id", "edited_at", "via_bot", "url", "raw_block", "raw_index",
                    "input_id")
_RAW_BLOCK = _MESSAGE_COLUMNS.index("raw_block")
_ENTITY_COLUMNS = ("message_pk", "seq", "type", "text", "href")
_MEDIA_COLUMNS = ("message_pk", "seq", "kind", "path", "stored_path", "mime", "size", "sha256", "file_absent",
                  "width", "height", "duration")
_NO_RAW = (None, None)
_CHUNK_END = b"E"  # sent after the parts of each chunk from the reader process
_ID_CHUNK = 900  # keys per IN (...) query: under SQLite's default limit of 999 bound parameters


def _processor(table: Any, column: str, dialect: Any) -> Callable[[Any], Any]:
    """The driver-value conversion SQLAlchemy would apply to `column` (identity when none).

    SQLite stores datetimes as text that `datetime.isoformat` writes identically
    ten times faster; that is used when a probe shows the two agree.
    """
    proc = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    if proc is None:
        return lambda value: value
    probe = datetime(2001, 2, 3, 4, 5, 6, 7)
    try:
        if proc(probe) == probe.isoformat(" ", "microseconds"):
            return lambda value: value.isoformat(" ", "microseconds")
    except (TypeError, AttributeError):
        pass
    return proc


@dataclass
class _RawBlock:
    """The raw records of a chunk's messages (store/raw.py), block `seq` of the file; it ends its chunk."""

    seq: int
    data: bytes


def _prepared(source: ModuleType, ctx: ReadContext, input_id: int, dialect: Any) -> Iterator[list[Any]]:
    """The file's records in chunks: Chats as they are, Messages as Prepared rows followed by the
    _RawBlock of their raw records, other records as they are."""
    time_value = _processor(messages, "sent_at", dialect)
    flag_value = _processor(media, "file_absent", dialect)
    as_bytes = _utf8_columns(dialect)
    accounts_sent: set[str] = set()  # an account row goes out with the first message of the account only
    chunk: list[Any] = []
    records: list[bytes] = []
    seq = 0
    for record in source.read(ctx):
        if type(record) is Message:
            place = _NO_RAW
            if record.raw is not None:
                place = (seq, len(records))
                records.append(record.raw_json or _encode_raw(record.raw))
            record = _prepare(record, input_id, place, time_value, flag_value, as_bytes, accounts_sent)
        chunk.append(record)
        if len(chunk) >= CHUNK:
            if records:
                chunk.append(_RawBlock(seq, raw.pack(records)))
                seq, records = seq + 1, []
            yield chunk
            chunk = []
    if records:
        chunk.append(_RawBlock(seq, raw.pack(records)))
    if chunk:
        yield chunk


def _utf8_columns(dialect: Any) -> bool:
    """Whether `text` travels as UTF-8 bytes (SQLite: stored through CAST(? AS TEXT)).

    It is most of a row's bytes; as bytes it skips a decode into a Python string
    in the writer and the driver's encode back to UTF-8.
    """
    return dialect.name == "sqlite"


def _prepare(m: Message, input_id: int, raw_place: tuple[int | None, int | None], time_value: Callable,
             flag_value: Callable, as_bytes: bool, accounts_sent: set[str]) -> Prepared:
    """A message as driver-ready rows (its account row only if not in `accounts_sent`, which it joins);
    `raw_place` is (block, index in it) of its raw record."""
    sent = m.sent_at
    if sent.tzinfo is not timezone.utc:
        sent = sent.astimezone(timezone.utc)
    sent = sent.replace(tzinfo=None)
    edited = m.edited_at.astimezone(timezone.utc).replace(tzinfo=None) if m.edited_at else None
    text: Any = m.text.encode("utf-8") if as_bytes else m.text
    key = (m.platform, m.chat_id, m.message_id)
    row = (*key, m.account_id, time_value(sent), m.kind, text, m.reply_to, m.forwarded_from, m.forwarded_from_id,
           None if edited is None else time_value(edited), m.via_bot, m.url, *raw_place, input_id)
    account = None
    if m.account_id and m.account_id not in accounts_sent:
        accounts_sent.add(m.account_id)
        platform, _, native = m.account_id.partition(":")
        account = (m.account_id, platform, native, m.account_name)
    ents = [(i, e.type, e.text, e.href) for i, e in enumerate(m.entities)] if m.entities else []
    files = [(i, x.kind, x.path, x.stored_path, x.mime, x.size, x.sha256, flag_value(x.file_absent), x.width,
              x.height, x.duration) for i, x in enumerate(m.media)] if m.media else []
    return key, row, account, ents, files


def _encode_raw(raw: dict[str, Any]) -> bytes:
    """The raw record as compact JSON in UTF-8."""
    try:
        return orjson.dumps(raw, default=str)
    except TypeError:  # integers beyond 64 bits, which orjson refuses
        return json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8")


@dataclass
class _Done:
    """The reader process's last word: the notes it raised."""

    notes: list[str]


def _read_in_process(source_name: str, ctx: ReadContext, input_id: int, dialect_cls: type, out: Connection) -> None:
    # Readers make no reference cycles; the cyclic collector only costs time here (a third of it).
    gc.disable()
    try:
        for chunk in _prepared(sources.by_name(source_name), ctx, input_id, dialect_cls()):
            _send(out, chunk)
        _send(out, [_Done(ctx.notes)])
    except ReadError as exc:
        _send(out, [exc])
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which refuses the file with it
        _send(out, [ReadError(ctx.shown or ctx.path, "reading", f"{type(exc).__name__}: {exc}")])
    finally:
        out.close()


def _send(out: Connection, chunk: list[Any]) -> None:
    """Send a chunk in order, and then its end: runs of Prepared rows with marshal, anything else pickled.

    marshal dumps rows of plain values five times and loads them half again as
    fast as pickle; the parent's unpacking is on the critical path. The end mark
    lets the parent hand the chunk on whole: a chunk's raw block comes after its
    rows, and a writer that flushed between the two lost the block (issue 21).
    """
    rows: list[Any] = []
    for record in chunk:
        if type(record) is tuple:
            rows.append(record)
            continue
        if rows:
            out.send_bytes(b"M" + marshal.dumps(rows))
            rows = []
        out.send_bytes(b"P" + pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    if rows:
        out.send_bytes(b"M" + marshal.dumps(rows))
    out.send_bytes(_CHUNK_END)


def _from_process(source: ModuleType, ctx: ReadContext, input_id: int, dialect: Any) -> Iterator[list[Any]]:
    """`_prepared`, run in a child process so that parsing and storing use two cores.

    A thread drains the pipe into a short queue while the store works (the pipe
    itself holds only 64 KB, less than a chunk, so without it the reader would
    wait for every batch to be written); memory stays bounded by the queue. The
    store is written only here, in the parent, inside the file's transaction, so
    atomicity is unchanged.
    """
    # fork: the child needs no re-import of the caller's main module (spawn would, and breaks unguarded
    # scripts); it touches nothing inherited but the file it reads, and leaves through os._exit.
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_read_in_process, args=(source.NAME, ctx, input_id, type(dialect), send),
                            name="fakewatch-reader", daemon=True)
    child.start()
    send.close()
    received: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_CHUNKS)
    stop = threading.Event()
    drain = threading.Thread(target=_drain, args=(receive, received, stop), name="fakewatch-drain", daemon=True)
    drain.start()
    try:
        chunk: list[Any] = []
        while True:
            data = received.get()
            if data is None:
                raise ReadError(ctx.shown or ctx.path, "reading", "the reader process ended unexpectedly")
            if data == _CHUNK_END:
                yield chunk
                chunk = []
                continue
            if data[:1] == b"M":
                chunk.extend(marshal.loads(memoryview(data)[1:]))
                continue
            item = pickle.loads(memoryview(data)[1:])
            if isinstance(item, _Done):
                for note in item.notes:
                    ctx.note(note)
                return
            if isinstance(item, BaseException):
                raise item
            chunk.append(item)
    finally:
        stop.set()
        if child.is_alive():
            child.terminate()
        drain.join()
        receive.close()
        child.join()


def _drain(receive: Connection, received: queue.Queue[bytes | None], stop: threading.Event) -> None:
    """Move the reader's messages from the pipe to `received` until it ends (None) or `stop` is set."""
    while not stop.is_set():
        try:
            data: bytes | None = receive.recv_bytes()
        except (EOFError, OSError):
            data = None
        while not stop.is_set():
            try:
                received.put(data, timeout=0.1)
                break
            except queue.Full:
                continue
        if data is None:
            return


class _Writer:
    """Batches prepared records into the store inside the file's transaction, skipping messages it holds.

    Speed matters here (a million messages in well under a minute): messages go in
    with one driver executemany per batch and no RETURNING; the store is asked for
    the keys it already holds only for chats it had messages of before this file,
    and the integer keys of new messages come back in one range query per batch.
    """

    def __init__(self, engine: Engine, conn: Any, input_id: int, source: ModuleType) -> None:
        self.engine, self.conn, self.input_id, self.source = engine, conn, input_id, source
        self.pending: dict[tuple[str, str, str], Prepared] = {}
        self.others: list[Any] = []  # records of the source's own kind, handed to its `store`
        self.blocks: dict[int, bytes] = {}  # raw blocks of the pending messages, by seq
        self.chats_seen: set[tuple[str, str]] = set()
        self.chats_known: set[tuple[str, str]] = set()  # chats the store held messages of before this file
        self.accounts_seen: set[str] = set()
        self.read = 0
        self.added = 0
        self.insert_messages = _BulkInsert(engine, messages, ["platform", "chat_id", "message_id"], _MESSAGE_COLUMNS,
                                           ("text",) if _utf8_columns(engine.dialect) else ())
        self.insert_entities = _BulkInsert(engine, entities, ["message_pk", "seq"], _ENTITY_COLUMNS)
        self.insert_media = _BulkInsert(engine, media, ["message_pk", "seq"], _MEDIA_COLUMNS)
        self.insert_accounts = insert_ignore(engine, accounts, ["id"])

    def take(self, chunk: list[Any]) -> None:
        pending, seen = self.pending, self.chats_seen
        for record in chunk:
            if type(record) is tuple:
                key = record[0]
                if key[:2] not in seen:
                    self.chat(Chat(platform=key[0], chat_id=key[1]))
                if key not in pending:  # the first of repeats wins, as it does across batches
                    pending[key] = record
                self.read += 1
            elif type(record) is _RawBlock:
                self.blocks[record.seq] = record.data
            elif isinstance(record, Chat):
                self.chat(record)
            else:
                self.others.append(record)

    def chat(self, chat: Chat) -> None:
        key = (chat.platform, chat.chat_id)
        if key in self.chats_seen:
            return
        self.chats_seen.add(key)
        self.conn.execute(
            insert_ignore(self.engine, chats, ["platform", "chat_id"]),
            [{"platform": chat.platform, "chat_id": chat.chat_id, "name": chat.name, "type": chat.type}],
        )
        held = self.conn.execute(
            select(messages.c.id).where(messages.c.platform == chat.platform, messages.c.chat_id == chat.chat_id)
            .limit(1)
        ).first()
        if held:
            self.chats_known.add(key)

    def flush(self) -> None:
        if self.others:
            store = getattr(self.source, "store", None)
            if store is None:
                raise TypeError(f"source {self.source.NAME} yielded {type(self.others[0]).__name__} records "
                                "and has no store()")
            self.added += store(self.conn, self.others, self.input_id)
            self.others = []
        if not self.pending:
            return
        batch, blocks = self.pending, self.blocks
        self.pending, self.blocks = {}, {}
        self._accounts(batch.values())
        known = [k for k in batch if k[:2] in self.chats_known] if self.chats_known else []
        existing = self._existing(known) if known else set()
        new = [p for k, p in batch.items() if k not in existing] if existing else list(batch.values())
        if not new:
            return
        used = {p[1][_RAW_BLOCK] for p in new}  # a re-read export keeps the records of its new messages only
        absent = used - blocks.keys() - {None}
        if absent:  # a reader broke the chunk contract: refuse the file rather than store messages without evidence
            raise ValueError(f"raw records of block(s) {sorted(absent)} did not reach the writer with their messages")
        kept = [{"input_id": self.input_id, "seq": seq, "data": data} for seq, data in blocks.items() if seq in used]
        if kept:
            self.conn.execute(raw_blocks.insert(), kept)
        # ON CONFLICT DO NOTHING covers a message repeated within this file (in a later batch) and a
        # concurrent writer; the row count says how many really went in.
        top = select(func.max(messages.c.id))
        floor = self.conn.execute(top).scalar() or 0
        added = self.insert_messages.run(self.conn, [p[1] for p in new])
        self.added += added
        rich = [p for p in new if p[3] or p[4]]
        if not rich:
            return
        pks: dict[tuple[str, str, str], int]
        if added == len(new) and self.conn.execute(top).scalar() == floor + added:
            # every row went in and the ids run floor+1 .. floor+added: in insertion order, one each
            pks = {p[0]: floor + 1 + i for i, p in enumerate(new) if p[3] or p[4]}
        else:
            # some rows were there already (or another writer interleaved): ask for the ids of this
            # input's rows above the old maximum
            pks = {(platform, chat_id, message_id): pk for pk, platform, chat_id, message_id in self.conn.execute(
                select(messages.c.id, messages.c.platform, messages.c.chat_id, messages.c.message_id)
                .where(messages.c.id > floor, messages.c.input_id == self.input_id))}
        ent_rows = [(pks[p[0]], *e) for p in rich if p[0] in pks for e in p[3]]
        media_rows = [(pks[p[0]], *x) for p in rich if p[0] in pks for x in p[4]]
        if ent_rows:
            self.insert_entities.run(self.conn, ent_rows)
        if media_rows:
            self.insert_media.run(self.conn, media_rows)

    def _accounts(self, batch: Iterable[Prepared]) -> None:
        rows = {}
        seen = self.accounts_seen
        for p in batch:
            account = p[2]
            if account is not None and account[0] not in seen:
                seen.add(account[0])
                rows[account[0]] = dict(zip(("id", "platform", "native_id", "name"), account))
        if rows:
            self.conn.execute(self.insert_accounts, list(rows.values()))

    def _existing(self, keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Those of `keys` the store holds."""
        by_chat: dict[tuple[str, str], list[str]] = {}
        for platform, chat_id, message_id in keys:
            by_chat.setdefault((platform, chat_id), []).append(message_id)
        found: set[tuple[str, str, str]] = set()
        for (platform, chat_id), ids in by_chat.items():
            for start in range(0, len(ids), _ID_CHUNK):
                rows = self.conn.execute(
                    select(messages.c.message_id).where(
                        and_(messages.c.platform == platform, messages.c.chat_id == chat_id,
                             messages.c.message_id.in_(ids[start:start + _ID_CHUNK]))
                    )
                )
                found.update((platform, chat_id, message_id) for (message_id,) in rows)
        return found


class _BulkInsert:
    """INSERT ... ON CONFLICT DO NOTHING compiled once and run through the driver's executemany.

    SQLAlchemy's per-row parameter handling cost as much as SQLite itself at a
    million rows; here rows arrive as tuples already holding driver values, in
    `columns` order. Columns in `utf8` arrive as UTF-8 bytes and are stored as
    text through CAST (see `_utf8_columns`).
    """

    def __init__(self, engine: Engine, table: Any, keys: list[str], columns: tuple[str, ...],
                 utf8: tuple[str, ...] = ()) -> None:
        values = {name: cast(bindparam(name, type_=LargeBinary), Text) if name in utf8 else bindparam(name)
                  for name in columns}
        compiled = insert_ignore(engine, table, keys).values(values).compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self.columns = columns
        self.positional = bool(compiled.positional)
        if self.positional and tuple(compiled.positiontup or ()) != columns:
            raise ValueError(f"{table.name}: columns must be given in statement order {compiled.positiontup}")

    def run(self, conn: Any, rows: list[tuple[Any, ...]]) -> int:
        """Insert `rows`; the number that went in (the others were already there)."""
        params: list[Any] = rows if self.positional else [dict(zip(self.columns, row)) for row in rows]
        return conn.exec_driver_sql(self.sql, params).rowcount
