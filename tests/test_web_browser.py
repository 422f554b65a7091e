"""End to end in Debian's chromium: log in, upload the demo export, wait for the run, open the top campaign,
search one of its messages, and check its text as an anonymous visitor (known_fake). Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from fakewatch.demo import generate
from tests.web_store import SCRIPT, web_template  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "browser-test-password"
DEMO_MESSAGES = 2_000  # the planted campaigns are the same at any size; chatter only adds time
RUN_TIMEOUT_MS = 420_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path: Path, add_analyst: bool = True):
    """`fakewatch serve` on a free loopback port over the store at tmp_path/store.db (with analyst `ana`)."""
    env = os.environ | {"FAKEWATCH_DB": f"sqlite:///{tmp_path / 'store.db'}", "FAKEWATCH_WEB_DIR": str(tmp_path / "web"),
                        "FAKEWATCH_PASSWORD": PASSWORD}
    cli = [sys.executable, "-m", "fakewatch.cli"]
    if add_analyst:
        subprocess.run(cli + ["user", "add", "ana", "--role", "analyst"], env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(cli + ["serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"fakewatch serve did not start: {proc.stdout.read().decode()[-2000:]}")
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def server(tmp_path):
    """The server over an empty store."""
    yield from _serve(tmp_path)


@pytest.fixture
def campaign_server(tmp_path, web_template):
    """The server over the hand-built store with one hostile campaign and its users (tests/web_store.py)."""
    shutil.copy(web_template, tmp_path / "store.db")
    yield from _serve(tmp_path, add_analyst=False)


def _login(context, server: str):
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=name]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/campaigns")
    return page


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_analyst_investigates_the_demo_and_the_public_checks_a_message(chromium, server, tmp_path):
    demo = generate(tmp_path / "demo", messages=DEMO_MESSAGES)
    export = Path(shutil.make_archive(str(tmp_path / "demo-export"), "zip", demo))

    analyst = chromium.new_context()
    page = _login(analyst, server)

    page.goto(f"{server}/upload")
    page.set_input_files("input[name=files]", str(export))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    _shot(page, "1-run-started")
    page.wait_for_selector("#job[data-status=done], #job[data-status=failed]", timeout=RUN_TIMEOUT_MS)
    _shot(page, "2-run-finished")
    assert page.get_attribute("#job", "data-status") == "done", page.inner_text("#job-error")

    page.goto(f"{server}/campaigns")
    page.click("#campaigns tbody tr.reported a >> nth=0")
    page.wait_for_url("**/campaigns/C1")
    assert page.locator("svg.timeline rect.bar").count() > 0
    _shot(page, "3-top-campaign")
    # the longest campaign message on the page, its own text (not the "forwarded from" note above it)
    texts = page.locator("table.messages td.text").evaluate_all(
        "tds => tds.map(td => Array.from(td.childNodes).filter(n => n.nodeType === 3)"
        ".map(n => n.textContent).join('').trim())")
    text = max(texts, key=len)
    assert len(text) > 40

    words = [w for w in text.split() if w.isalpha() and len(w) > 4][:3]
    page.goto(f"{server}/search")
    page.fill("input[name=q]", " ".join(words))
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#result-count")
    assert page.locator("table.messages tbody tr td.text").count() > 0
    _shot(page, "4-search")

    public = chromium.new_context()  # a visitor without a session
    visitor = public.new_page()
    visitor.goto(f"{server}/check")
    visitor.fill("textarea[name=text]", text)
    visitor.click("button[type=submit]")
    visitor.wait_for_selector("#verdict")
    _shot(visitor, "5-public-check")
    assert visitor.get_attribute("#verdict", "data-verdict") == "known_fake"
    assert visitor.evaluate("() => window.__pwned") is None
    public.close()
    analyst.close()


def test_public_check_speaks_kazakh_russian_english_and_shows_emoji(chromium, campaign_server):
    visitor = chromium.new_context(locale="kk-KZ")  # Chromium sends Accept-Language: kk-KZ
    page = visitor.new_page()
    page.goto(f"{campaign_server}/check")
    assert page.get_attribute("html", "lang") == "kk"
    page.fill("textarea[name=text]", "👍")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.get_attribute("#verdict", "data-reason") == "no_content"
    assert page.inner_text("#verdict h2") == "Тексеру үшін мәтін тым қысқа"
    _shot(page, "6-check-too-short-kk")
    page.fill("textarea[name=text]", f"🔥🔥 Все на марш у акимата! 👉 Организатор +7 701 555 01 01 {SCRIPT}")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.get_attribute("#verdict", "data-verdict") == "known_fake"
    assert "2025 ж. 18 сәуір" in page.inner_text("#verdict").replace("\u202f", " ")
    # the colour emoji font draws the pasted emoji: a glyph as wide as a letter pair, not an empty box
    assert page.evaluate("() => document.fonts.check('16px \"Noto Color Emoji\"', '🔥')")
    _shot(page, "7-check-known-fake-kk")
    page.click("nav.languages a[lang=ru]")
    page.wait_for_url("**/check?lang=ru")
    assert page.get_attribute("html", "lang") == "ru" and page.inner_text("h1") == "Это сообщение — фейк?"
    page.goto(f"{campaign_server}/check")  # the pick is remembered over the browser's own language
    assert page.get_attribute("html", "lang") == "ru"
    assert page.evaluate("() => window.__pwned") is None
    visitor.close()


def test_upload_with_a_refused_file_is_shown_as_partial(chromium, server, tmp_path):
    from tests.test_web_jobs import export

    (tmp_path / "good.json").write_bytes(export())
    (tmp_path / "truncated.json").write_bytes(export()[:400])
    analyst = chromium.new_context()
    page = _login(analyst, server)
    page.goto(f"{server}/upload")
    page.set_input_files("input[name=files]", [str(tmp_path / "good.json"), str(tmp_path / "truncated.json")])
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#job[data-status=partial], #job[data-status=done], #job[data-status=failed]",
                           timeout=RUN_TIMEOUT_MS)
    assert page.get_attribute("#job", "data-status") == "partial", page.inner_text("#job")
    assert page.is_visible("#job-refused") and "truncated.json" in page.inner_text("#job-refused-list")
    assert page.is_visible("#job-done")
    _shot(page, "8-run-partial")
    page.reload()  # the server-rendered page says the same
    assert page.is_visible("#job-refused") and page.get_attribute("#job-progress", "class") == "partial"
    analyst.close()
