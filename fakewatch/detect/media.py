"""Media detector: hash the media files present in the store and group copies of the same picture,
video or voice note, even edited (see :mod:`fakewatch.media`).

Run from :func:`fakewatch.detect.run` (listed in ``EXTRA_DETECTORS``, before the corpus is read): it
hashes files not hashed before (one per SHA-256; kept in ``media_files``/``media_hashes`` across runs),
matches every file against all others, and gives every file of a group of copies the same
``media_files.group_key``. Detection's exact-key media clusters use that key in place of the file's
SHA-256, so identical and edited copies form ONE ``clusters`` row of kind "media" (never two
overlapping ones that would count each co-post twice), and copies posted within minutes make
coordination edges as copied texts do.

:func:`match_file` answers the public check: which stored media, and which media clusters, a given
file is a copy of.
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, update

from fakewatch.media import audio
from fakewatch.media.fingerprint import Fingerprint, MediaIndex, UnsupportedMedia, fingerprint_file
from fakewatch.store.tables.core import media, messages
from fakewatch.store.tables.detect import cluster_members, clusters
from fakewatch.store.tables.media import media_files, media_hashes

Progress = Callable[[str, int, "int | None"], None]

# Telegram/WhatsApp media kinds and the content kind they hold; anything else is sniffed from the bytes.
KIND_HINTS = {"photo": "image", "sticker": "image", "video_file": "video", "video_message": "video",
              "animation": "video", "voice_message": "audio", "audio_file": "audio"}
THUMB_QUALITY = 80


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _jpeg(fp: Fingerprint) -> bytes | None:
    if fp.thumbnail is None:
        return None
    buf = io.BytesIO()
    fp.thumbnail.save(buf, "JPEG", quality=THUMB_QUALITY)
    return buf.getvalue()


def _hash_rows(media_id: int, fp: Fingerprint) -> list[dict]:
    rows = [{"media_id": media_id, "algo": "pdq", "role": role, "t": t, "hash": h}
            for role, hashes in (("probe", fp.probes), ("index", fp.index)) for t, h in hashes]
    if fp.sound is not None:
        rows.append({"media_id": media_id, "algo": "chromaprint", "role": "sound", "t": fp.sound.duration,
                     "hash": fp.sound.to_bytes()})
    return rows


def hash_new(engine: Engine, progress: Progress | None = None) -> int:
    """Hash every present media file not hashed yet; returns how many files were read."""
    tick = progress or (lambda *_: None)
    with engine.connect() as conn:
        todo = conn.execute(
            select(media.c.id, media.c.stored_path, media.c.sha256, media.c.kind)
            .where(media.c.file_absent.is_(False), media.c.stored_path.is_not(None),
                   media.c.id.not_in(select(media_files.c.media_id)))
            .order_by(media.c.id)).all()
        known = dict(conn.execute(select(media_files.c.sha256, media_files.c.hashed_as)
                                  .where(media_files.c.error.is_(None))).all())
    read = 0
    for i, (media_id, stored_path, sha256, kind) in enumerate(todo):
        tick("media", i, len(todo))
        if sha256 and sha256 in known:
            twin = known[sha256]
            with engine.begin() as conn:
                row = conn.execute(select(media_files).where(media_files.c.media_id == twin)).mappings().one()
                conn.execute(insert(media_files), [{**row, "media_id": media_id, "hashed_at": _now()}])
            continue
        try:
            fp = fingerprint_file(Path(stored_path), KIND_HINTS.get(kind))
        except (OSError, UnsupportedMedia, ValueError, audio.FpcalcMissing) as exc:
            with engine.begin() as conn:
                conn.execute(insert(media_files), [{"media_id": media_id, "sha256": sha256 or "", "hashed_as": media_id,
                                                    "error": str(exc)[:500], "hashed_at": _now()}])
            continue
        read += 1
        known[fp.sha256] = media_id
        with engine.begin() as conn:
            conn.execute(insert(media_files), [{
                "media_id": media_id, "sha256": fp.sha256, "hashed_as": media_id, "kind": fp.kind, "size": fp.size,
                "width": fp.width, "height": fp.height, "duration": fp.duration, "provenance": fp.provenance,
                "thumbnail": _jpeg(fp), "hashed_at": _now()}])
            rows = _hash_rows(media_id, fp)
            if rows:
                conn.execute(insert(media_hashes), rows)
    tick("media", len(todo), len(todo))
    return read


def load_fingerprints(engine: Engine) -> dict[int, Fingerprint]:
    """Stored hashes per hashed media id (one per distinct content)."""
    out: dict[int, Fingerprint] = {}
    with engine.connect() as conn:
        for media_id, kind, sha256 in conn.execute(
                select(media_files.c.media_id, media_files.c.kind, media_files.c.sha256)
                .where(media_files.c.hashed_as == media_files.c.media_id, media_files.c.error.is_(None))):
            out[media_id] = Fingerprint(kind=kind or "", sha256=sha256, size=0)
        for media_id, algo, role, t, h in conn.execute(
                select(media_hashes.c.media_id, media_hashes.c.algo, media_hashes.c.role, media_hashes.c.t,
                       media_hashes.c.hash)):
            fp = out.get(media_id)
            if fp is None:
                continue
            if algo == "chromaprint":
                fp.sound = audio.AudioPrint.from_bytes(bytes(h), t)
            else:
                (fp.probes if role == "probe" else fp.index).append((t, bytes(h)))
    return out


def group(prints: dict[int, Fingerprint]) -> list[list[int]]:
    """Groups (two or more) of hashed media ids that are copies of each other, directly or through others."""
    index = MediaIndex.of(prints)
    parent = {m: m for m in prints}

    def root(m: int) -> int:
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    for media_id, fp in prints.items():
        for match in index.search(fp):
            a, b = root(media_id), root(match.label)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for m in prints:
        groups.setdefault(root(m), []).append(m)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _messages_of(conn, hashed_ids: list[int]) -> list[tuple]:
    """(message pk, sent_at, account, chat) of every message carrying any copy of the given hashed media."""
    return conn.execute(
        select(messages.c.id, messages.c.sent_at, messages.c.account_id, messages.c.platform, messages.c.chat_id)
        .join(media, media.c.message_pk == messages.c.id)
        .join(media_files, media_files.c.media_id == media.c.id)
        .where(media_files.c.hashed_as.in_(hashed_ids))
        .distinct().order_by(messages.c.sent_at, messages.c.id)).all()


def detect(engine: Engine, *, params: object = None, progress: Progress | None = None) -> int:
    """Hash new media, then set the group key of every file in a group of copies; returns the groups."""
    hash_new(engine, progress)
    prints = load_fingerprints(engine)
    groups = group(prints)
    with engine.begin() as conn:
        conn.execute(update(media_files).values(group_key=None))
        for g in groups:
            first = prints[g[0]]
            conn.execute(update(media_files).where(media_files.c.hashed_as.in_(g))
                         .values(group_key=f"media:{first.kind}:{first.sha256}"))
    return len(groups)


def group_keys(engine: Engine) -> dict[int, str]:
    """media.id -> group key of every stored file that has edited copies (what detection clusters by)."""
    with engine.connect() as conn:
        return dict(conn.execute(select(media_files.c.media_id, media_files.c.group_key)
                                 .where(media_files.c.group_key.is_not(None))).all())


@dataclass
class FileMatch:
    """A stored media file that the checked file is a copy of, and where it was posted."""

    media_id: int
    sha256: str
    kind: str
    how: str  # pdq | chromaprint
    score: float
    clusters: list[int] = field(default_factory=list)  # media cluster ids holding its messages
    messages: list[int] = field(default_factory=list)  # message pks carrying it


def match_file(engine: Engine, path: str | Path) -> list[FileMatch]:
    """Stored media the file at `path` is a copy of (edited or not), best first, with their clusters.

    Raises UnsupportedMedia when the file is not a picture, video or audio file.
    """
    return match_fingerprint(engine, fingerprint_file(Path(path)))


_indexes: weakref.WeakKeyDictionary[Engine, tuple[tuple, dict[int, Fingerprint], MediaIndex]] = \
    weakref.WeakKeyDictionary()


def stored_index(engine: Engine) -> tuple[dict[int, Fingerprint], MediaIndex]:
    """The stored fingerprints and their index, rebuilt only when hashes were added or removed since last time
    (a public check must not re-read every hash per request)."""
    with engine.connect() as conn:
        state = conn.execute(select(func.max(media_hashes.c.id), func.count(media_hashes.c.id))).one()
    cached = _indexes.get(engine)
    if cached is None or cached[0] != tuple(state):
        prints = load_fingerprints(engine)
        cached = (tuple(state), prints, MediaIndex.of(prints))
        _indexes[engine] = cached
    return cached[1], cached[2]


def match_fingerprint(engine: Engine, fp: Fingerprint) -> list[FileMatch]:
    prints, index = stored_index(engine)
    if not prints:
        return []
    found = index.search(fp)
    out = []
    with engine.connect() as conn:
        for m in found:
            pks = [r[0] for r in _messages_of(conn, [m.label])]
            cids = sorted({c for (c,) in conn.execute(
                select(cluster_members.c.cluster_id).join(clusters, clusters.c.id == cluster_members.c.cluster_id)
                .where(clusters.c.kind == "media", cluster_members.c.message_pk.in_(pks)))})
            out.append(FileMatch(m.label, prints[m.label].sha256, prints[m.label].kind, m.how, round(m.score, 3),
                                 cids, pks))
    return out


def thumbnail(engine: Engine, media_id: int) -> bytes | None:
    """JPEG thumbnail (a picture, or a video's middle keyframe) of a stored media file, if hashed."""
    with engine.connect() as conn:
        return conn.execute(select(media_files.c.thumbnail).where(media_files.c.media_id == media_id)).scalar()


@dataclass
class MediaCopy:
    """One distinct file of a media cluster: where and when it appeared."""

    media_id: int
    sha256: str
    kind: str
    width: int | None
    height: int | None
    duration: float | None
    first_seen: datetime
    messages: int
    chats: int


def cluster_copies(engine: Engine, cluster_id: int) -> list[MediaCopy]:
    """The distinct files (copies) behind a media cluster's messages, earliest first, for evidence.

    Each copy's thumbnail is `thumbnail(engine, copy.media_id)`; an identical file posted again is one copy.
    """
    copies: dict[str, MediaCopy] = {}
    chats: dict[str, set[tuple[str, str]]] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(media_files.c.hashed_as, media_files.c.sha256, media_files.c.kind, media_files.c.width,
                   media_files.c.height, media_files.c.duration, messages.c.sent_at, messages.c.platform,
                   messages.c.chat_id)
            .join(media, media.c.id == media_files.c.media_id)
            .join(messages, messages.c.id == media.c.message_pk)
            .join(cluster_members, cluster_members.c.message_pk == messages.c.id)
            .where(cluster_members.c.cluster_id == cluster_id, media_files.c.error.is_(None))
            .order_by(messages.c.sent_at)).all()
    for hashed_as, sha256, kind, width, height, duration, sent_at, platform, chat_id in rows:
        copy = copies.setdefault(sha256, MediaCopy(hashed_as, sha256, kind, width, height, duration, sent_at, 0, 0))
        copy.messages += 1
        chats.setdefault(sha256, set()).add((platform, chat_id))
        copy.chats = len(chats[sha256])
    return list(copies.values())
