"""Archive bombs refused before they expand, members of no known format left packed (issue 21, item 3)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakewatch.archives import ENV_BYTES, ENV_RATIO, ArchiveLimits, Unpacker, known_member
from fakewatch.cli import app
from fakewatch.ingest import ingest
from fakewatch.sources import ReadError
from fakewatch.web.auth import create_token
from tests.web_client import make_client
from tests.web_store import copy_store, web_template  # noqa: F401 (fixture)

ZEROS = 64 * 1024**2  # deflates about a thousand times: far past the default ratio
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)


def export_bytes(n: int = 3, chat_id: int = 77) -> bytes:
    msgs = [{"id": i, "type": "message", "date_unixtime": str(1744974000 + i), "from_id": "user1", "text": f"hi {i}"}
            for i in range(1, n + 1)]
    return json.dumps({"name": "c", "type": "private_group", "id": chat_id, "messages": msgs}).encode()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def bytes_under(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


@pytest.fixture
def bomb(tmp_path) -> Path:
    return make_zip(tmp_path / "bomb.zip", {"result.json": export_bytes(), "zeros.json": bytes(ZEROS)})


def test_a_bomb_is_refused_before_anything_is_written(fresh_db, tmp_path, bomb):
    assert bomb.stat().st_size < ZEROS // 500
    unpacked = tmp_path / "unpacked"
    report = ingest(fresh_db, [bomb], options={"unpack_dir": unpacked})
    assert not report.files and len(report.refused) == 1
    refusal = report.refused[0]
    assert refusal.path == str(bomb) and "zeros.json" in refusal.position
    assert "archive bomb" in refusal.problem and ENV_RATIO in refusal.problem
    assert bytes_under(unpacked) == 0


def test_the_operator_sets_the_ratio_and_the_total(fresh_db, tmp_path, monkeypatch):
    text = make_zip(tmp_path / "chat.zip", {"result.json": export_bytes(40_000)})  # a few MB, compresses ~20x
    monkeypatch.setenv(ENV_RATIO, "3")
    refused = ingest(fresh_db, [text]).refused
    assert refused and "more than the limit of 3" in refused[0].problem
    monkeypatch.delenv(ENV_RATIO)
    monkeypatch.setenv(ENV_BYTES, "1000")
    refused = ingest(fresh_db, [text]).refused
    assert refused and "limit of 1,000" in refused[0].problem and ENV_BYTES in refused[0].problem
    assert ingest(fresh_db, [text], options={"zip_max_bytes": 10**9}).added == 40_000  # a flag wins over env


def test_the_total_is_shared_by_every_archive_of_a_run(tmp_path):
    first = make_zip(tmp_path / "a.zip", {"a.json": export_bytes(50, 1)})
    second = make_zip(tmp_path / "b.zip", {"b.json": export_bytes(50, 2)})
    size = zipfile.ZipFile(first).infolist()[0].file_size
    unpacker = Unpacker(ArchiveLimits(max_bytes=size + size // 2))
    unpacker.extract(first, tmp_path / "x")
    with pytest.raises(ReadError, match="with what this run unpacked already"):
        unpacker.extract(second, tmp_path / "y")
    assert not (tmp_path / "y").exists()


def test_cli_flags_set_the_limits_and_the_refusal_is_named(tmp_path, bomb):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(bomb), "--db", db])
    assert result.exit_code == 1 and "archive bomb" in result.output
    result = runner.invoke(app, ["ingest", str(bomb), "--db", db, "--zip-max-ratio", "100000"])
    assert result.exit_code == 0, result.output  # the operator allowed it: zeros.json is no export, noted


def test_members_of_no_known_format_stay_packed_and_are_named(fresh_db, tmp_path):
    archive = make_zip(tmp_path / "export.zip", {
        "chat/result.json": export_bytes(), "chat/photos/p1.jpg": JPEG, "chat/tool.exe": b"MZ\x90\x00" + bytes(100),
        "chat/notes.bin": bytes(range(256)), "chat/inner.zip": b"not really a zip",
    })
    unpacked = tmp_path / "unpacked"
    report = ingest(fresh_db, [archive], options={"unpack_dir": unpacked})
    assert report.added == 3 and not report.refused
    written = sorted(p.name for p in unpacked.rglob("*") if p.is_file())
    assert written == ["p1.jpg", "result.json"]
    assert sorted(u.path for u in report.unrecognised if not u.media) == [
        str(archive / "chat" / n) for n in ("inner.zip", "notes.bin", "tool.exe")]  # the photo is the chat's


@pytest.mark.parametrize("name, head, known", [
    ("result.json", export_bytes(), True), ("chat.txt", b"12/04/2025, 10:15 - Ana: hi\n", True),
    ("posts.csv", b"platform,chat_id,message_id\n", True), ("a.png", b"\x89PNG\r\n\x1a\n" + bytes(8), True),
    ("v.mp4", b"\x00\x00\x00\x18ftypmp42", True), ("voice.ogg", b"OggS\x00\x02", True),
    ("x.exe", b"MZ\x90\x00", False), ("data.bin", bytes(64), False), ("fake.zip", b"hello", False),
    ("nested.zip", b"PK\x03\x04rest", True),
])
def test_known_member(name, head, known):
    assert known_member(name, head) is known


@pytest.mark.parametrize("value, problem", [("lots", "must be a number"), ("0.5", "at least 1")])
def test_bad_limits_in_the_environment_are_named(monkeypatch, value, problem):
    monkeypatch.setenv(ENV_RATIO, value)
    with pytest.raises(ValueError, match=problem):
        ArchiveLimits.from_env()


@pytest.fixture
def web(web_template, tmp_path):
    engine = copy_store(web_template, tmp_path)
    client = make_client(engine, tmp_path, max_upload_bytes=64 * 1024**2)
    return client, {"Authorization": f"Bearer {create_token(engine, 'ana')}"}, tmp_path


def _upload(client, bearer, name: str, data: bytes) -> dict:
    job = client.post("/api/jobs", headers=bearer, files={"files": (name, io.BytesIO(data))})
    assert job.status_code == 202, job.text
    client.app.state.fw.jobs.wait(timeout=120)
    return client.get(f"/api/jobs/{job.json()['id']}", headers=bearer).json()


def test_an_uploaded_bomb_writes_nothing_and_job_folders_are_cleaned(web, bomb, tmp_path):
    client, bearer, folder = web
    jobs = folder / "web" / "jobs"
    bombed = _upload(client, bearer, "bomb.zip", bomb.read_bytes())
    assert bombed["status"] == "failed" and "archive bomb" in bombed["error"]
    good = _upload(client, bearer, "good.zip", make_zip(tmp_path / "good.zip", {"result.json": export_bytes()})
                   .read_bytes())
    assert good["status"] == "done", good
    assert not list(jobs.glob("*/unpacked")), "unpacked copies outlived their run"
    assert bytes_under(jobs) < ZEROS // 10


@pytest.mark.parametrize("found, problem", [
    ("zlib-error.zip", "cannot unpack"),  # zlib.error escaped the unpacker and ended the whole ingest
    ("unnamed-member.zip", "a member without a name"),  # zipfile's own IndexError on an empty name
    ("bad-utf8-name.zip", "cannot unpack"),  # a name flagged UTF-8 that is not: UnicodeDecodeError
])
def test_archives_found_by_the_fuzzer_are_refused_not_a_crash(fresh_db, tmp_path, found, problem):
    """Inputs fuzz/fuzz_sources.py found crashing the unpacker (fixtures/fuzz/)."""
    archive = tmp_path / found
    archive.write_bytes((Path(__file__).parent / "fixtures" / "fuzz" / found).read_bytes())
    report = ingest(fresh_db, [archive])
    assert not report.files and problem in report.refused[0].problem


def test_a_restart_removes_the_unpacked_copy_of_a_killed_job(web, tmp_path):
    from datetime import datetime

    from fakewatch.store.tables.web import upload_jobs
    from fakewatch.web.jobs import UNPACKED, JobRunner

    client, _, folder = web
    engine = client.app.state.fw.engine
    job_folder = folder / "web" / "jobs" / "killed"
    (job_folder / UNPACKED / "chat").mkdir(parents=True)
    (job_folder / UNPACKED / "chat" / "result.json").write_bytes(export_bytes())
    with engine.begin() as conn:
        job_id = conn.execute(upload_jobs.insert().values(user_id=1, files=[], folder=str(job_folder),
                                                          status="running", done=0, created_at=datetime.now())
                              ).inserted_primary_key[0]
    runner = JobRunner(engine, folder / "web")
    assert not (job_folder / UNPACKED).exists() and runner.get(job_id)["status"] == "failed"
