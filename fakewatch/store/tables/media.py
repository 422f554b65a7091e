"""Tables written by the media detector: what each stored media file is, and its perceptual hashes.

Hashing is the slow part of media detection, so these rows are kept across detect runs (a file is
hashed once, by SHA-256); media clusters themselves go into detect's `clusters` with kind "media".
"""

from sqlalchemy import JSON, BigInteger, Column, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Table, Text

from .base import metadata

media_files = Table(
    "media_files",
    metadata,
    Column("media_id", Integer, ForeignKey("media.id"), primary_key=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("hashed_as", Integer, nullable=False),  # media id holding the hashes of this content (itself or a twin)
    Column("kind", String(16)),  # image | video | audio, from the content
    Column("size", BigInteger),
    Column("width", Integer),
    Column("height", Integer),
    Column("duration", Float),
    Column("provenance", JSON),  # {"exif": {...}, "c2pa": {...}}; empty is normal (messengers strip both)
    Column("thumbnail", LargeBinary),  # JPEG keyframe/picture for reports and the web UI
    Column("error", Text),  # why the file could not be hashed
    Column("group_key", String(100), index=True),  # "media:<kind>:<sha256>" shared by edited copies; NULL alone
    Column("hashed_at", DateTime, nullable=False),
)

media_hashes = Table(
    "media_hashes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("media_id", Integer, ForeignKey("media.id"), nullable=False, index=True),
    Column("algo", String(16), nullable=False),  # pdq (32 bytes) | chromaprint (uint32 items, little-endian)
    Column("role", String(8), nullable=False),  # probe (looked up with) | index (found by) | sound
    Column("t", Float, nullable=False, default=0.0),  # seconds into a video; 0 for pictures
    Column("hash", LargeBinary, nullable=False),
)
