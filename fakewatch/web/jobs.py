"""Upload jobs: uploaded exports checked and saved, then the investigate pipeline run on them in the background.

One worker thread runs jobs one at a time, in order: the pipeline is CPU- and
write-heavy, and two runs writing the same store at once would only slow each
other. Progress goes to the `upload_jobs` row, which the job page polls.
"""

from __future__ import annotations

import hashlib
import queue
import shutil
import tempfile
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Protocol

from sqlalchemy import Engine, select

from fakewatch.pipeline import investigate, summary
from fakewatch.store.tables.web import upload_jobs
from fakewatch.web.auth import User
from fakewatch.web.queries import NotFound

# Suffixes of the export formats the pipeline reads (Telegram JSON/zip, WhatsApp .txt, CSV/JSONL, HTML).
ALLOWED_SUFFIXES = (".json", ".zip", ".txt", ".csv", ".jsonl", ".html", ".htm")
MAX_FILES = 50
SNIFF = 64 * 1024  # bytes looked at to tell a file's real type from its name
UNPACKED = "unpacked"  # the job folder's sub-folder that archives are unpacked into during a run
PROGRESS_EVERY = 0.5  # seconds between progress writes to the store
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


class UploadRefused(ValueError):
    """An upload that is not taken: wrong type, too many files, content not matching the name."""


class Upload(Protocol):
    filename: str | None
    file: BinaryIO


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder or hide: base name only, odd characters replaced."""
    base = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).strip(" .")[:120]
    return base or "upload"


def sniff(name: str, head: bytes) -> None:
    """Refuse a file whose content does not look like its suffix says (checked before anything runs)."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadRefused(f"{name}: only {', '.join(ALLOWED_SUFFIXES)} files are taken")
    if suffix == ".zip":
        if not head.startswith(b"PK\x03\x04"):
            raise UploadRefused(f"{name}: not a zip archive")
        return
    if b"\x00" in head:
        raise UploadRefused(f"{name}: binary content in a text format")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the sniff boundary is fine
            raise UploadRefused(f"{name}: not UTF-8 text") from exc
        text = head[:exc.start].decode("utf-8-sig")
    if suffix == ".json" and text.strip() and text.lstrip()[0] not in "{[":
        raise UploadRefused(f"{name}: not JSON")


class JobRunner:
    """Queue of upload jobs and the one thread that runs them."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        self.engine = engine
        self.folder = Path(data_dir) / "jobs"
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.on_done: list[Callable[[], None]] = []
        with engine.begin() as conn:  # a restart interrupts whatever was running; a killed run's copy goes
            interrupted = upload_jobs.c.status.in_(("queued", "running"))
            for folder in conn.execute(select(upload_jobs.c.folder).where(interrupted)).scalars():
                shutil.rmtree(Path(folder) / UNPACKED, ignore_errors=True)
            conn.execute(upload_jobs.update().where(interrupted)
                         .values(status="failed", error="interrupted: the server stopped", finished_at=_now()))

    def submit(self, user: User, files: list[Upload]) -> int:
        """Check and save the uploaded files, queue the pipeline on them; the job id."""
        files = [f for f in files if f.filename]
        if not files:
            raise UploadRefused("no file chosen")
        if len(files) > MAX_FILES:
            raise UploadRefused(f"at most {MAX_FILES} files at once")
        for f in files:
            sniff(f.filename, f.file.read(SNIFF))
            f.file.seek(0)
        self.folder.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=self.folder))
        inputs = folder / "inputs"
        inputs.mkdir()
        saved, used = [], set()
        for f in files:
            name = safe_name(f.filename)
            while name in used:
                name = "_" + name
            used.add(name)
            digest, size = hashlib.sha256(), 0
            with (inputs / name).open("wb") as out:
                for block in iter(lambda: f.file.read(1 << 20), b""):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
            saved.append({"name": name, "size": size, "sha256": digest.hexdigest()})
        with self.engine.begin() as conn:
            job_id = conn.execute(upload_jobs.insert().values(
                user_id=user.id, files=saved, folder=str(folder), status="queued", done=0, created_at=_now()
            )).inserted_primary_key[0]
        self._start()
        self._queue.put(job_id)
        return job_id

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="fakewatch-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)

    def wait(self, timeout: float | None = None) -> None:
        """Block until every queued job has run (for tests and scripts driving the app in-process)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("jobs still running")
            time.sleep(0.05)

    def _update(self, job_id: int, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(upload_jobs.update().where(upload_jobs.c.id == job_id).values(**values))

    def _work(self) -> None:
        while (job_id := self._queue.get()) is not None:
            try:
                self._run(job_id)
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def _run(self, job_id: int) -> None:
        folder = Path(self._row(job_id)["folder"])
        self._update(job_id, status="running", stage="unpack")
        last = 0.0

        def progress(stage: str, done: int, total: int | None = None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                last = now
                self._update(job_id, stage=str(stage)[:64], done=int(done), total=total)

        # Zips are unpacked into the job's folder (their media are fingerprinted after ingest) and removed
        # after the run: the uploads (with their SHA-256) and the outputs stay, the unpacked copy does not.
        unpacked = folder / UNPACKED
        try:
            findings = investigate(sorted((folder / "inputs").iterdir()), folder / "out",
                                   db=self.engine.url.render_as_string(hide_password=False),
                                   options={"unpack_dir": unpacked}, progress=progress)
        except Exception as exc:  # the job page shows any failure; the server keeps serving
            self._update(job_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:4000], finished_at=_now())
            return
        finally:
            shutil.rmtree(unpacked, ignore_errors=True)
        # Inputs the run could not read are named on the job page (their paths shown from the job's own
        # folder, never the server's), and the run is "partial", not "done".
        refused = [line.removeprefix(f"{folder}/").removeprefix("inputs/") for line in summary(findings)["refused"]]
        self._update(job_id, status="partial" if refused else "done", stage="done", findings=str(findings),
                     refused=refused, finished_at=_now())
        for hook in self.on_done:
            hook()

    def _row(self, job_id: int) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(select(upload_jobs).where(upload_jobs.c.id == job_id)).mappings().first()
        if row is None:
            raise NotFound(f"job {job_id}")
        return dict(row)

    def get(self, job_id: int) -> dict:
        """A job as the UI and API show it (no server paths)."""
        job = self._row(job_id)
        del job["folder"]
        job["findings"] = bool(job["findings"])
        job["refused"] = job["refused"] or []
        return job

    def list(self, limit: int = 50) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(upload_jobs.c.id).order_by(upload_jobs.c.id.desc()).limit(limit)).scalars()
            ids = list(rows)
        return [self.get(i) for i in ids]
