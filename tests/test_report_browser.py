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
    dots = page.evaluate("document.querySelectorAll('#chart-C1-timeline .scatterlayer .point').length")
    assert dots > 0
    page.close()


@pytest.mark.parametrize("lang, summary_start", [("en", "On 18 April, 4 accounts"), ("ru", "18 апреля 4 аккаунта")])
def test_first_screen_says_what_happened_and_nothing_is_cut(chromium, fresh_db, tmp_path, lang, summary_start):
    """The campaign's title, kind and summary come first; chart labels fit inside their frames."""
    build(fresh_db)
    campaigns.run(fresh_db)
    page_path = html.write(fresh_db, findings.build(fresh_db), tmp_path, lang=lang)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(page_path.as_uri())
    page.wait_for_function("document.querySelectorAll('div.chart .main-svg').length >= 3", timeout=20_000)
    assert page.evaluate("document.documentElement.lang") == lang
    page.evaluate("document.getElementById('C1').scrollIntoView()")
    summary = page.locator("[data-summary=C1]")
    assert summary.inner_text().startswith(summary_start)
    box = summary.bounding_box()
    assert box and box["y"] + box["height"] < 900  # on the campaign's first screen
    for chart in ("chart-overview", "chart-C1-timeline"):
        frame = page.locator(f"#{chart}").bounding_box()
        for label in page.locator(f"#{chart} .ytick text").all():
            tick = label.bounding_box()
            assert tick and tick["x"] >= frame["x"] - 1, f"{chart}: label {label.inner_text()!r} cut off"
    labels = page.evaluate("Array.from(document.querySelectorAll('#chart-C1-network .textpoint')).map(t => t.textContent)")
    assert labels and labels[0].startswith("1.")
    page.screenshot(path=str(tmp_path / f"first-screen-{lang}.png"))
    page.close()
