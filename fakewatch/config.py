"""Settings: flags win over FAKEWATCH_* environment variables, which win over defaults."""

from __future__ import annotations

import os

DEFAULT_DB = "sqlite:///fakewatch.db"


def db_url(flag: str | None = None) -> str:
    """The store's SQLAlchemy URL: `--db`, else `FAKEWATCH_DB`, else ./fakewatch.db."""
    url = flag or os.environ.get("FAKEWATCH_DB") or DEFAULT_DB
    if "://" not in url:  # a bare path means a SQLite file
        url = f"sqlite:///{url}"
    return url
