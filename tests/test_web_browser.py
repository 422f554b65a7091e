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

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "browser-test-password"
DEMO_MESSAGES = 2_000  # the planted campaigns are the same at any size; chatter only adds time
RUN_TIMEOUT_MS = 420_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """`fakewatch serve` on a free loopback port over an empty store with one analyst."""
    env = os.environ | {"FAKEWATCH_DB": f"sqlite:///{tmp_path / 'store.db'}", "FAKEWATCH_WEB_DIR": str(tmp_path / "web"),
                        "FAKEWATCH_PASSWORD": PASSWORD}
    cli = [sys.executable, "-m", "fakewatch.cli"]
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


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_analyst_investigates_the_demo_and_the_public_checks_a_message(chromium, server, tmp_path):
    demo = generate(tmp_path / "demo", messages=DEMO_MESSAGES)
    export = Path(shutil.make_archive(str(tmp_path / "demo-export"), "zip", demo))

    analyst = chromium.new_context()
    page = analyst.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=name]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/campaigns")

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
