"""Upload bodies are read only from logged-in clients, and only a few at once per client (issue 21, item 2).

Driven at the ASGI level: the test's `receive` counts the body bytes the server
asked for, which a test client hides (it sends the whole body up front).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from fakewatch.web import create_app
from fakewatch.web.auth import create_token
from fakewatch.web.gate import MAX_UPLOADS_PER_CLIENT
from fakewatch.web.settings import WebSettings
from tests.web_store import copy_store, web_template  # noqa: F401 (fixture)

BOUNDARY = b"fwgate"
PART = 64 * 1024  # body bytes per ASGI message
PARTS = 160  # a 10 MB upload


@pytest.fixture(scope="module")
def app_store(web_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gate")
    return copy_store(web_template, folder), folder


class Upload:
    """One multipart POST as an ASGI exchange; `read` counts the body bytes the app pulled."""

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]], client: str = "10.9.8.7",
                 hold: asyncio.Event | None = None) -> None:
        head = (b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="files"; filename="result.json"\r\n'
                b"Content-Type: application/json\r\n\r\n{")
        self.body = [head] + [b" " * PART] * PARTS + [b"}\r\n--" + BOUNDARY + b"--\r\n"]
        self.scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                      "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                      "root_path": "", "client": (client, 5000), "server": ("testserver", 80),
                      "headers": [(b"host", b"testserver"),
                                  (b"content-type", b"multipart/form-data; boundary=" + BOUNDARY),
                                  (b"content-length", str(sum(map(len, self.body))).encode()), *headers]}
        self.read, self.status, self.headers, self.hold = 0, None, {}, hold
        self.started = asyncio.Event()

    async def receive(self) -> dict:
        if self.read == 0:
            self.started.set()
        if self.hold is not None and self.read:
            await self.hold.wait()  # a slow client: the upload stays in flight
        if not self.body:
            return {"type": "http.disconnect"}
        part = self.body.pop(0)
        self.read += len(part)
        return {"type": "http.request", "body": part, "more_body": bool(self.body)}

    async def send(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message["headers"]}

    async def run(self, app) -> Upload:
        await app(self.scope, self.receive, self.send)
        return self


def run_async(coroutine):
    """asyncio.run in a thread of its own: a session fixture (Playwright's sync API) may hold this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _app(engine, folder):
    return create_app(engine, WebSettings(data_dir=folder / "web", max_upload_bytes=64 * 1024**2))


@pytest.mark.parametrize("path, status", [("/api/jobs", 401), ("/upload", 303)])
@pytest.mark.parametrize("credentials", [[], [(b"authorization", b"Bearer fw_forged")],
                                         [(b"cookie", b"fw_session=forged.cookie.value")]])
def test_anonymous_upload_is_refused_before_its_body_is_read(app_store, path, status, credentials):
    engine, folder = app_store
    upload = run_async(Upload(path, credentials).run(_app(engine, folder)))
    assert upload.status == status
    assert upload.read == 0, f"the server read {upload.read:,} body bytes of an anonymous upload"
    if status == 303:
        assert upload.headers["location"] == "/login?next=%2Fupload"


def test_logged_in_upload_is_read_and_oversized_one_is_not(app_store):
    engine, folder = app_store
    bearer = [(b"authorization", f"Bearer {create_token(engine, 'ana')}".encode())]
    app = _app(engine, folder)
    upload = run_async(Upload("/api/jobs", bearer).run(app))
    assert upload.status == 202 and upload.read == sum(map(len, Upload("/api/jobs", []).body))
    app.state.fw.jobs.wait(timeout=60)
    small = create_app(engine, WebSettings(data_dir=folder / "web", max_upload_bytes=1024**2))
    oversized = run_async(Upload("/api/jobs", bearer).run(small))
    assert oversized.status == 413 and oversized.read == 0


def test_uploads_in_flight_are_capped_per_client(app_store):
    engine, folder = app_store
    bearer = [(b"authorization", f"Bearer {create_token(engine, 'ana')}".encode())]
    app = _app(engine, folder)

    async def scenario() -> tuple[list[Upload], Upload, Upload]:
        hold = asyncio.Event()
        slow = [Upload("/api/jobs", bearer, hold=hold) for _ in range(MAX_UPLOADS_PER_CLIENT)]
        tasks = [asyncio.create_task(u.run(app)) for u in slow]
        await asyncio.wait_for(asyncio.gather(*(u.started.wait() for u in slow)), 10)
        extra = await Upload("/api/jobs", bearer).run(app)  # same address: no slot free
        other = Upload("/api/jobs", bearer, client="10.9.8.6")  # another client is not held up
        other_task = asyncio.create_task(other.run(app))
        await asyncio.wait_for(other.started.wait(), 10)
        hold.set()
        await asyncio.wait_for(asyncio.gather(*tasks, other_task), 60)
        return slow, extra, other

    slow, extra, other = run_async(scenario())
    assert extra.status == 429 and extra.read == 0 and int(extra.headers["retry-after"]) > 0
    assert [u.status for u in slow] == [202] * MAX_UPLOADS_PER_CLIENT and other.status == 202
    app.state.fw.jobs.wait(timeout=120)
    assert run_async(Upload("/api/jobs", bearer).run(app)).status == 202  # the slots came back
    app.state.fw.jobs.wait(timeout=120)
