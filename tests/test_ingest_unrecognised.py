"""Files in folders and archives that no source reads are named, never passed over in silence (issue 14, item 4)."""

import shutil
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures" / "whatsapp"


def folder(tmp_path: Path) -> Path:
    chats = tmp_path / "chats"
    chats.mkdir()
    shutil.copy(FIXTURES / "layout-fi-klo" / "WhatsApp Chat with Kaupunki.txt", chats)
    (chats / "notes.txt").write_text("call Dana about the banner\n", encoding="utf-8")
    (chats / "IMG-20180614-WA0001.jpg").write_bytes(b"\xff\xd8 jpeg")
    return chats


def test_folder_reports_each_unrecognised_file_and_counts_media(fresh_db, tmp_path):
    chats = folder(tmp_path)
    report = ingest(fresh_db, [chats])
    assert [f.messages for f in report.files] == [3]
    assert [(Path(u.path).name, u.media) for u in report.unrecognised] == [("IMG-20180614-WA0001.jpg", True),
                                                                         ("notes.txt", False)]


def test_archive_members_are_reported_by_their_path_in_the_archive(fresh_db, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", (FIXTURES / "layout-year-middle" / "_chat.txt").read_text(encoding="utf-8"))
        zf.writestr("readme.md", "not a chat")
    report = ingest(fresh_db, [archive])
    assert [u.path for u in report.unrecognised] == [str(archive / "readme.md")]


def test_cli_names_skipped_files_and_fails_when_nothing_was_read(tmp_path):
    chats = folder(tmp_path)
    db = str(tmp_path / "store.db")
    done = CliRunner().invoke(app, ["ingest", str(chats), "--db", db])
    said = " ".join(done.output.split())  # the console wraps long lines
    assert done.exit_code == 0, said
    assert "notes.txt: not a format fakewatch reads" in said
    assert "1 media files, read only as attachments" in said and "IMG-20180614-WA0001.jpg" in said
    (chats / "WhatsApp Chat with Kaupunki.txt").unlink()
    done = CliRunner().invoke(app, ["ingest", str(chats), "--db", db])
    assert done.exit_code == 1 and "notes.txt" in done.output
