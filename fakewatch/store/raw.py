"""The records messages were read from, kept as evidence: zstd-compressed blocks of JSON texts.

A message's record is text `raw_index` of block `(input_id, raw_block)`; the
texts are separated by ASCII RS, which JSON cannot hold (RFC 7464 uses it so), so
a record keeps the line layout it was read with. A thousand records compress
together about ten to one where one at a time they barely halve, and a million
of them then cost the store 60 MB instead of 600, which is most of what ingest
writes. Reading one back costs a block's decompression, under a millisecond.
"""

from __future__ import annotations

from typing import Any

import orjson
import zstandard
from sqlalchemy import select

from fakewatch.store.tables.core import messages, raw_blocks

LEVEL = 1  # zstd's fastest level: ~900 MB/s on exports, nearly the ratio of level 3
SEPARATOR = b"\x1e"  # ASCII RS between records


def pack(records: list[bytes]) -> bytes:
    """One block from JSON records."""
    data = SEPARATOR.join(records)
    if data.count(SEPARATOR) != len(records) - 1:
        raise ValueError("a raw record holds an RS character: not JSON")
    return zstandard.ZstdCompressor(level=LEVEL).compress(data)


def unpack(block: bytes) -> list[bytes]:
    """The records of a block, in order."""
    return zstandard.ZstdDecompressor().decompress(block).split(SEPARATOR)


def raw_record(conn: Any, message_pk: int) -> dict[str, Any] | None:
    """The record message `message_pk` was read from, as the source gave it (None if it kept none)."""
    row = conn.execute(
        select(raw_blocks.c.data, messages.c.raw_index)
        .join(raw_blocks, (raw_blocks.c.input_id == messages.c.input_id) & (raw_blocks.c.seq == messages.c.raw_block))
        .where(messages.c.id == message_pk)
    ).first()
    if row is None:
        return None
    return orjson.loads(unpack(row.data)[row.raw_index])
