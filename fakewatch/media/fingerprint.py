"""One entry point for any media file: its kind, hashes, facts and provenance; and matching two of them.

A fingerprint carries timed PDQ *probes* (what the file is looked up by) and *index* hashes (what
finds it), plus a Chromaprint fingerprint when it has sound. Pictures are videos of one instant
(t = 0), so a still taken from a fake video finds the video, and the video finds the still.
"""

from __future__ import annotations

from collections import defaultdict
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

from ..ingest import sha256_file
from . import audio, image, provenance, video
from .index import HashIndex

THUMB_SIDE = 240  # thumbnails for reports and the web UI
MAX_FILE_BYTES = 2 * 1024**3  # files beyond this are not read (hostile or not a messenger file)


class UnsupportedMedia(ValueError):
    """The file is not a picture, video or audio file fakewatch can read."""


@dataclass(slots=True)
class Fingerprint:
    kind: str  # image | video | audio
    sha256: str
    size: int
    probes: list[tuple[float, bytes]] = field(default_factory=list)
    index: list[tuple[float, bytes]] = field(default_factory=list)
    sound: audio.AudioPrint | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    thumbnail: Image.Image | None = None
    provenance: dict = field(default_factory=dict)


def sniff(path: Path) -> str:
    """'image', 'video' or 'audio' from the file's content, not its name (uploads lie about names)."""
    try:
        with Image.open(path) as img:
            if getattr(img, "n_frames", 1) == 1:
                return "image"
    except (UnidentifiedImageError, OSError):
        pass
    try:
        with av.open(str(path)) as container:
            if container.streams.video and container.streams.video[0].frames != 1:
                return "video"
            if container.streams.audio:
                return "audio"
            if container.streams.video:
                return "image"
    except av.FFmpegError:
        pass
    raise UnsupportedMedia(f"{path.name}: not a picture, video or audio file")


def thumbnail(img: Image.Image) -> Image.Image:
    img = img.convert("RGB")
    img.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return img


def fingerprint_file(path: str | Path, kind: str | None = None) -> Fingerprint:
    """Hash a media file the way its kind needs; `kind` is sniffed from the content when not given."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnsupportedMedia(f"{path.name}: {size} bytes is more than fakewatch reads")
    kind = kind if kind in ("image", "video", "audio") else sniff(path)
    fp = Fingerprint(kind=kind, sha256=sha256_file(path), size=size)
    try:
        _hash_into(fp, path)
    except (av.FFmpegError, OSError, Image.DecompressionBombError, subprocess.TimeoutExpired) as exc:
        # Truncated, corrupt or hostile files (a messenger export keeps whatever was posted).
        raise UnsupportedMedia(f"{path.name}: unreadable {kind}: {str(exc)[:200]}") from exc
    return fp


def _hash_into(fp: Fingerprint, path: Path) -> None:
    kind = fp.kind
    if kind == "image":
        img = image.load(path)
        hashes = image.hash_image(img)
        fp.probes = [(0.0, h) for h in hashes.probes]
        fp.index = [(0.0, h) for h in hashes.index]
        fp.width, fp.height = img.size
        fp.thumbnail = thumbnail(img)
        fp.provenance = provenance.read(path)
    elif kind == "video":
        vh = video.hash_file(path)
        fp.probes, fp.index = vh.probes, vh.index
        fp.width, fp.height, fp.duration = vh.width, vh.height, vh.duration
        frame = video.still(path, vh.duration / 2)
        fp.thumbnail = thumbnail(frame) if frame is not None else None
        fp.provenance = provenance.read(path)
        fp.sound = _sound(path)
    else:
        fp.sound = audio.fingerprint(path)
        fp.duration = fp.sound.duration


def _sound(path: Path) -> audio.AudioPrint | None:
    """A video's soundtrack fingerprint, or None when it has no (fingerprintable) sound."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
        sound = audio.fingerprint(path)
    except (ValueError, av.FFmpegError):
        return None
    return sound if len(sound.items) >= audio.MIN_OVERLAP else None


@dataclass(slots=True)
class Match:
    label: int  # what the matched item was stored under (e.g. a media id)
    how: str  # "pdq" or "chromaprint"
    score: float  # pdq: share of the query's probe seconds found; chromaprint: 1 - bit error rate


class MediaIndex:
    """Fingerprints of stored media, searchable by another fingerprint."""

    def __init__(self, pdq: list[tuple[int, bytes]], sounds: list[tuple[int, audio.AudioPrint]] = ()):
        self.pdq = HashIndex([h for _, h in pdq], [label for label, _ in pdq])
        self.sounds = audio.AudioIndex()
        for label, sound in sounds:
            self.sounds.add(label, sound)

    @classmethod
    def of(cls, items: dict[int, Fingerprint]) -> MediaIndex:
        return cls([(label, h) for label, fp in items.items() for _, h in fp.index],
                   [(label, fp.sound) for label, fp in items.items() if fp.sound is not None])

    def search(self, fp: Fingerprint) -> list[Match]:
        """Stored items this fingerprint matches: PDQ on at least video.MIN_SHARE of its probe seconds,
        or its sound aligned with a stored sound."""
        seconds = {t for t, _ in fp.probes}
        hit: dict[int, set[float]] = defaultdict(set)
        for t, h in fp.probes:
            for label, _ in self.pdq.search(h, image.PDQ_THRESHOLD):
                hit[label].add(t)
        found = {label: Match(label, "pdq", len(ts) / len(seconds)) for label, ts in hit.items()
                 if len(ts) / len(seconds) >= video.MIN_SHARE}
        if fp.sound is not None:
            for label, ber in self.sounds.search(fp.sound):
                score = 1.0 - ber
                if label not in found or found[label].score < score:
                    found[label] = Match(label, "chromaprint", score)
        return sorted(found.values(), key=lambda m: -m.score)
