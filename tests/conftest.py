from __future__ import annotations

from pathlib import Path

import pytest

from fakewatch.store import open_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def fresh_db(tmp_path):
    """An empty, migrated SQLite store in a temporary folder."""
    return open_store(f"sqlite:///{tmp_path / 'store.db'}")


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test with the reason when that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} absent: shared real data is only in the project's CI and team checkouts")
    return path
