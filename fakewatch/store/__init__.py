"""The store: schema (tables/), migrations (migrations/), and how to open it (db.py)."""

from .db import insert_ignore, open_store
from .tables import metadata

__all__ = ["insert_ignore", "metadata", "open_store"]
