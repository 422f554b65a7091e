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


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright (never `playwright install`); skips when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (setup/apt-packages.txt; run bash setup/sysdeps.sh)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
