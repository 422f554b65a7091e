"""report.html in a real browser: no console errors, charts drawn, injected script not run, nothing fetched."""

from __future__ import annotations

import pytest

from fakewatch.detect import campaigns
from fakewatch.report import findings, html
from tests.report_store import build

pytestmark = pytest.mark.browser


def test_report_renders_offline_without_running_injected_script(chromium, fresh_db, tmp_path):
    build(fresh_db)
    campaigns.run(fresh_db)
    page_path = html.write(fresh_db, findings.build(fresh_db), tmp_path)
    page = chromium.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url) if not req.url.startswith(("file:", "data:")) else None)
    page.goto(page_path.as_uri())
    page.wait_for_function("document.querySelectorAll('div.chart .main-svg').length >= 3", timeout=20_000)
    assert errors == []
    assert requests == []
    assert page.evaluate("window.__pwned") is None
    charts = page.evaluate("Array.from(document.querySelectorAll('div.chart')).map(d => d.querySelectorAll('.main-svg').length)")
    assert charts and all(n > 0 for n in charts)
    assert page.locator("a[href^='javascript:']").count() == 0
    bars = page.evaluate("document.querySelectorAll('#chart-C1-timeline .bars path').length")
    assert bars > 0
    page.close()
