"""Media evidence of campaigns: the media clusters each campaign holds, their copies, chats, first
appearance and keyframe thumbnails, as findings.json, report.html and the web campaign page show them.

A copy is one distinct file (by SHA-256) of a media cluster; its thumbnail is the JPEG the media
detector stored (a picture, or a video's middle keyframe). Reports embed thumbnails as ``data:`` URIs
so report.html stays one self-contained file under its ``img-src data:`` policy.
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Engine, select

from fakewatch.detect.media import cluster_copies
from fakewatch.model import iso
from fakewatch.store.tables.campaigns import campaign_clusters, campaigns
from fakewatch.store.tables.core import messages
from fakewatch.store.tables.detect import cluster_members, clusters
from fakewatch.store.tables.media import media_files


def cluster_evidence(engine: Engine, cluster_id: int) -> dict[str, Any] | None:
    """One media cluster as evidence: key, kind, first appearance, chats and its copies (JSON-ready)."""
    with engine.connect() as conn:
        row = conn.execute(select(clusters.c.key, clusters.c.size, clusters.c.first_seen, clusters.c.last_seen)
                           .where(clusters.c.id == cluster_id, clusters.c.kind == "media")).first()
        if row is None:
            return None
        chats = sorted({f"{p}:{c}" for p, c in conn.execute(
            select(messages.c.platform, messages.c.chat_id).distinct()
            .join(cluster_members, cluster_members.c.message_pk == messages.c.id)
            .where(cluster_members.c.cluster_id == cluster_id))})
    copies = cluster_copies(engine, cluster_id)
    return {
        "cluster_id": cluster_id,
        "key": row.key,
        "kinds": sorted({c.kind for c in copies}),
        "messages": row.size,
        "first_seen": iso(row.first_seen),
        "last_seen": iso(row.last_seen),
        "chats": chats,
        "copies": [{"sha256": c.sha256, "kind": c.kind, "width": c.width, "height": c.height,
                    "duration": c.duration, "first_seen": iso(c.first_seen), "messages": c.messages,
                    "chats": c.chats} for c in copies],
    }


def campaign_media(engine: Engine, code: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Campaign code -> its media clusters as evidence, earliest first (campaigns without media absent);
    only campaign `code` when given."""
    stmt = (select(campaigns.c.code, clusters.c.id)
            .join(campaign_clusters, campaign_clusters.c.campaign_id == campaigns.c.id)
            .join(clusters, clusters.c.id == campaign_clusters.c.cluster_id)
            .where(clusters.c.kind == "media")
            .order_by(campaigns.c.code, clusters.c.first_seen, clusters.c.id))
    if code is not None:
        stmt = stmt.where(campaigns.c.code == code)
    with engine.connect() as conn:
        pairs = conn.execute(stmt).all()
    out: dict[str, list[dict[str, Any]]] = {}
    for code, cluster_id in pairs:
        found = cluster_evidence(engine, cluster_id)
        if found is not None:
            out.setdefault(code, []).append(found)
    return out


def thumbnail_by_sha256(engine: Engine, sha256: str) -> bytes | None:
    """The stored JPEG thumbnail of the file with this SHA-256, if it was hashed."""
    with engine.connect() as conn:
        return conn.execute(select(media_files.c.thumbnail)
                            .where(media_files.c.sha256 == sha256, media_files.c.thumbnail.is_not(None))
                            .limit(1)).scalar()


def media_id_of(engine: Engine, sha256: str) -> int | None:
    """A stored media id holding the file with this SHA-256 (the thumbnail route's key)."""
    with engine.connect() as conn:
        return conn.execute(select(media_files.c.media_id).where(media_files.c.sha256 == sha256)
                            .order_by(media_files.c.media_id).limit(1)).scalar()


def data_uri(jpeg: bytes | None) -> str | None:
    """A JPEG as a ``data:`` URI (base64: only [A-Za-z0-9+/=], nothing to escape in an attribute)."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii") if jpeg else None
