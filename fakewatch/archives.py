"""Zip inputs unpacked safely: nothing outside its folder, no bomb, nothing of a format no reader takes.

A zip says how large each member will be; a 4 MB archive can say 4 GiB of zeros
(issue 21). Members are judged before a byte is written, by their expansion
ratio and by the total every archive of one run may write, and counted again
while they stream out (a header can lie). Only members some source reads (an
export, a nested zip) or that an export refers to (pictures, video, audio,
documents, judged by their first bytes) are written; the others are named in a
note and left in the archive.
"""

from __future__ import annotations

import lzma
import os
import shutil
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fakewatch import sources
from fakewatch.sources import ReadError

# Exports compress five to thirty times, a chat of one pasted text a hundred; zeros compress a thousand times.
DEFAULT_MAX_RATIO = 200.0
# A million-message export with its media is a few GiB; this leaves room and fits a newsroom server's disk.
DEFAULT_MAX_BYTES = 20 * 1024**3
RATIO_FLOOR = 1024**2  # members expanding to less than this cannot hurt, whatever their ratio
MAX_MEMBERS = 200_000  # a full-account export with its media has tens of thousands of files
COPY_BLOCK = 1 << 20  # bytes copied at a time: a member never sits in memory whole
ENV_RATIO, ENV_BYTES = "FAKEWATCH_ZIP_MAX_RATIO", "FAKEWATCH_ZIP_MAX_BYTES"

# First bytes of the files a Telegram export carries beside its JSON (photos, stickers, video, voice, PDFs).
_MEDIA_MAGIC: list[Callable[[bytes], bool]] = [
    lambda h: h.startswith(b"\xff\xd8"),  # JPEG (start-of-image marker)
    lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    lambda h: h.startswith((b"GIF87a", b"GIF89a")),
    lambda h: h[:4] == b"RIFF" and h[8:12] in (b"WEBP", b"WAVE", b"AVI "),
    lambda h: h[4:8] == b"ftyp",  # MP4, MOV, M4A, HEIC
    lambda h: h.startswith(b"\x1aE\xdf\xa3"),  # WebM, Matroska
    lambda h: h.startswith(b"OggS"),  # voice notes (Opus)
    lambda h: h.startswith(b"ID3") or h[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),  # MP3
    lambda h: h.startswith(b"%PDF-"),
]


@dataclass(frozen=True)
class ArchiveLimits:
    """How far an archive may expand: per member (`max_ratio`) and in all of one run (`max_bytes`)."""

    max_ratio: float = DEFAULT_MAX_RATIO
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_env(cls, max_ratio: float | None = None, max_bytes: int | None = None) -> ArchiveLimits:
        """Flags (the arguments) win over FAKEWATCH_ZIP_MAX_RATIO / FAKEWATCH_ZIP_MAX_BYTES, which win over defaults."""
        env = os.environ
        try:
            ratio = max_ratio if max_ratio is not None else float(env.get(ENV_RATIO, DEFAULT_MAX_RATIO))
            total = max_bytes if max_bytes is not None else int(env.get(ENV_BYTES, DEFAULT_MAX_BYTES))
        except ValueError as exc:
            raise ValueError(f"{ENV_RATIO} must be a number and {ENV_BYTES} a whole number of bytes: {exc}") from None
        if ratio < 1 or total < 0:
            raise ValueError(f"archive limits must be a ratio of at least 1 and bytes of at least 0, "
                             f"got {ratio} and {total}")
        return cls(ratio, total)


def known_member(name: str, head: bytes) -> bool:
    """Whether a member is something fakewatch reads: an export, a nested zip, or media an export carries."""
    if name.lower().endswith(".zip"):
        return head.startswith(b"PK\x03\x04")
    return sources.sniff(PurePosixPath(name), head) is not None or any(test(head) for test in _MEDIA_MAGIC)


class Unpacker:
    """Unpacks the archives of one run within one budget, nested archives included."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.written = 0
        self.skipped: list[Path] = []  # members of no known format, left in their archives (archive/member)

    def extract(self, archive: Path, dest: Path, shown: Path | None = None) -> None:
        """Unpack the known members of `archive` into `dest`; a ReadError (naming `shown`) refuses it whole.

        On a refusal the members already written are removed again.
        """
        shown = shown or archive
        try:
            with zipfile.ZipFile(archive) as zf:
                members = self._check(zf, dest, shown)
                skipped = []
                for info in members:
                    with zf.open(info) as src:
                        head = src.read(sources.SNIFF_BYTES)
                        if not known_member(info.filename, head):
                            skipped.append(info.filename)
                            continue
                        self._copy(info, head, src, dest.resolve() / info.filename, shown)
        except ReadError:
            shutil.rmtree(dest, ignore_errors=True)
            raise
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, NotImplementedError,
                RuntimeError, ValueError) as exc:
            # zlib/lzma errors: a member's compressed bytes are broken (bz2 raises OSError); RuntimeError: an
            # encrypted member; NotImplementedError: a compression method zipfile lacks; ValueError: a name
            # flagged UTF-8 that is not (UnicodeDecodeError), and zipfile's other checks. Found by fuzz/.
            shutil.rmtree(dest, ignore_errors=True)
            raise ReadError(shown, "zip", f"cannot unpack: {exc}") from None
        self.skipped += [shown / name for name in skipped]

    def _check(self, zf: zipfile.ZipFile, dest: Path, shown: Path) -> list[zipfile.ZipInfo]:
        """The members to unpack, after the checks that need no byte of them written."""
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReadError(shown, "zip directory", f"{len(infos):,} members, more than {MAX_MEMBERS:,}")
        root = dest.resolve()
        members, declared = [], 0
        for index, info in enumerate(infos):
            name = info.filename
            if not name:  # zipfile itself fails on these (IndexError in ZipInfo.is_dir); found by fuzz/
                raise ReadError(shown, f"member {index + 1}", "a member without a name")
            target = (root / name).resolve()
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or not target.is_relative_to(root):
                raise ReadError(shown, f"member {name!r}", "path escapes the archive folder")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise ReadError(shown, f"member {name!r}", "symbolic links are not unpacked")
            if info.is_dir():
                continue
            self._judge(shown, name, info.file_size, info.compress_size)
            declared += info.file_size
            members.append(info)
        if self.written + declared > self.limits.max_bytes:
            raise ReadError(shown, "zip directory", f"members expand to {declared:,} bytes; with what this run "
                            f"unpacked already that passes the limit of {self.limits.max_bytes:,} ({ENV_BYTES})")
        return members

    def _judge(self, shown: Path, name: str, size: int, packed: int) -> None:
        """Refuse a member whose `size` bytes out of `packed` is a bomb's ratio."""
        if size > RATIO_FLOOR and size > self.limits.max_ratio * max(packed, 1):
            raise ReadError(shown, f"member {name!r}", f"expands {size / max(packed, 1):,.0f} times "
                            f"({packed:,} to {size:,} bytes), more than the limit of {self.limits.max_ratio:g} "
                            f"({ENV_RATIO}): refused as an archive bomb")

    def _copy(self, info: zipfile.ZipInfo, head: bytes, src: zipfile.ZipExtFile, target: Path, shown: Path) -> None:
        """Stream a member out, counting what it really writes against the limits."""
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with target.open("wb") as out:
            for block in _blocks(head, src):
                written += len(block)
                self.written += len(block)
                self._judge(shown, info.filename, written, info.compress_size)
                if self.written > self.limits.max_bytes:
                    raise ReadError(shown, f"member {info.filename!r}", f"this run unpacked more than the limit "
                                    f"of {self.limits.max_bytes:,} bytes ({ENV_BYTES})")
                out.write(block)


def _blocks(head: bytes, src: zipfile.ZipExtFile) -> Iterator[bytes]:
    if head:
        yield head
    yield from iter(lambda: src.read(COPY_BLOCK), b"")
