"""Fetching pages: SSRF rules on every hop, size/time/redirect caps, nothing rendered.

Every server here listens on 127.0.0.1 only; redirects point at refused addresses that are
never connected to (the refusal happens before any connection is made).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from fakewatch.fetch import FetchError, FetchLimits, RefusedAddress, fetch, fetch_and_store, fetch_url, refusal
from fakewatch.store.tables.core import inputs
from fakewatch.store.tables.outlets import pages

LOCAL = FetchLimits(allow_networks=(ipaddress.ip_network("127.0.0.1/32"),), timeout=5.0)
ARTICLE = ("<html lang='ru'><head><title>Марш — Shyndyk.kz</title>"
           "<meta property='og:site_name' content='Shyndyk.kz'>"
           "<meta http-equiv='refresh' content='0; url=/elsewhere'>"
           "<script>document.location='http://10.0.0.1/'; fetch('/beacon')</script></head>"
           "<body><article><p>" + "Текст статьи. " * 40 + "</p></article></body></html>").encode()


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes | None]] = {}
    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append((self.path, self.headers.get("Host", "")))
        if self.path == "/slow":
            time.sleep(2.5)
        if self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the fetcher hangs up at its size cap, as it should
            return
        status, headers, body = self.routes.get(self.path, (404, {}, b"no"))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = httpd.server_address[1]
    Handler.seen = []
    Handler.routes = {
        "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, None),
        "/to-private": (301, {"Location": "http://10.1.2.3:8080/admin"}, None),
        "/to-loopback6": (307, {"Location": f"http://[::1]:{port}/article"}, None),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, None),
        "/hop": (302, {"Location": "/article"}, None),
        "/loop": (302, {"Location": "/loop"}, None),
        "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n"),
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.0.0.5", "private"), ("192.168.1.1", "private"),
    ("172.16.0.1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.251", "multicast"), ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"),
    ("100.64.0.1", "not globally routable"), ("::ffff:10.0.0.1", "private"), ("fc00::1", "private"),
])
def test_refused_addresses(address, reason):
    assert refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5", "8.8.8.8"])
def test_public_addresses(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_loopback_refused_by_default(server):
    with pytest.raises(RefusedAddress, match="loopback"):
        fetch_url(server + "/article")
    assert Handler.seen == []  # refused before any connection


def test_checked_after_dns_resolution(server):
    port = server.rsplit(":", 1)[1]
    with pytest.raises(RefusedAddress, match="'localhost' resolves to"):
        fetch_url(f"http://localhost:{port}/article")
    assert Handler.seen == []


@pytest.mark.parametrize("path, reason", [
    ("/to-metadata", "169.254.169.254"), ("/to-private", "10.1.2.3"), ("/to-loopback6", "::1"),
])
def test_every_redirect_is_checked(server, path, reason):
    with pytest.raises(RefusedAddress, match=reason.replace(".", r"\.")):
        fetch_url(server + path, LOCAL)
    assert [p for p, _host in Handler.seen] == [path]  # the refused target was never contacted


def test_redirect_to_other_scheme_refused(server):
    with pytest.raises(FetchError, match="only http and https"):
        fetch_url(server + "/to-file", LOCAL)


def test_redirects_followed_and_capped(server):
    got = fetch_url(server + "/hop", LOCAL)
    assert got.url.endswith("/article") and [h["status"] for h in got.chain] == [302, 200]
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch_url(server + "/loop", FetchLimits(allow_networks=LOCAL.allow_networks, max_redirects=3))
    assert len([p for p, _ in Handler.seen if p == "/loop"]) == 4


def test_size_cap(server):
    with pytest.raises(FetchError, match="byte limit"):
        fetch_url(server + "/huge", FetchLimits(allow_networks=LOCAL.allow_networks, max_bytes=100_000))


def test_time_cap(server):
    start = time.monotonic()
    with pytest.raises(FetchError, match="timed out|within"):
        fetch_url(server + "/slow", FetchLimits(allow_networks=LOCAL.allow_networks, timeout=1.0))
    assert time.monotonic() - start < 2.4


def test_only_html(server):
    with pytest.raises(FetchError, match="not an HTML page"):
        fetch_url(server + "/image", LOCAL)


def test_page_is_kept_not_run(server):
    """Scripts are stored as bytes and never run; the meta refresh is recorded and not followed."""
    page = fetch(server + "/article", LOCAL)
    assert [p for p, _ in Handler.seen] == ["/article"]  # no /elsewhere, no /beacon
    assert page.data == ARTICLE
    assert page.article.meta["refresh"] == "/elsewhere"
    assert page.article.claims["og:site_name"] == ["Shyndyk.kz"]
    assert page.host == "127.0.0.1"
    assert page.meta["chain"][0]["address"] == "127.0.0.1"


def test_host_header_names_the_url_host(server):
    """The connection goes to the checked address; the URL's own host is what the server is told."""
    port = server.rsplit(":", 1)[1]
    fetch_url(f"http://localhost:{port}/article", LOCAL)
    assert Handler.seen == [("/article", f"localhost:{port}")]


def test_allow_private(server):
    assert fetch_url(server + "/article", FetchLimits(allow_private=True)).status == 200


def test_fetch_and_store(server, fresh_db):
    report = fetch_and_store(fresh_db, [server + "/hop", server + "/to-metadata"], limits=LOCAL)
    assert report.stored == [server + "/article"]
    assert len(report.failed) == 1 and isinstance(report.failed[0], RefusedAddress)
    again = fetch_and_store(fresh_db, [server + "/article"], limits=LOCAL)
    assert again.unchanged == [server + "/article"] and not again.stored
    with fresh_db.connect() as conn:
        row = conn.execute(select(pages)).mappings().one()
        source = conn.execute(select(inputs).where(inputs.c.id == row["input_id"])).mappings().one()
    assert row["html"] == ARTICLE and row["url"] == server + "/article"
    assert source["path"] == row["url"] and source["sha256"] == row["sha256"] and source["format"] == "web"
    assert row["meta"]["requested"] == server + "/hop"


def test_fetch_links_from_chats(server, fresh_db, monkeypatch):
    """`investigate --fetch-links`: one page per linked host, Telegram links skipped, look-alikes first."""
    import socket
    from datetime import datetime

    real_getaddrinfo = socket.getaddrinfo

    def offline(host, *args, **kwargs):  # the test never asks a real DNS server
        if host != "127.0.0.1":
            raise socket.gaierror(socket.EAI_NONAME, "offline test")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr("fakewatch.fetch.socket.getaddrinfo", offline)

    from sqlalchemy import insert

    from fakewatch.fetch import fetch_links, link_targets
    from fakewatch.store.tables.core import messages
    from fakewatch.store.tables.enrich import links

    with fresh_db.begin() as conn:
        conn.execute(insert(inputs).values(path="c.json", sha256="0" * 64, format="telegram", messages=0, added=0,
                                           chats=1, accounts=0, ingested_at=datetime(2025, 4, 1)))
        rows = [(server + "/article", "127.0.0.1", None), (server + "/hop", "127.0.0.1", None),
                ("https://t.me/some_channel", "t.me", "some_channel"),
                ("https://tengrinews-kz.info/news/1", "tengrinews-kz.info", None)]
        for n, (url, host, handle) in enumerate(rows):
            pk = conn.execute(insert(messages).values(platform="telegram", chat_id="1", message_id=str(n),
                                                      sent_at=datetime(2025, 4, 1, 10, n), kind="message", text=url,
                                                      input_id=1)).inserted_primary_key[0]
            conn.execute(insert(links).values(message_pk=pk, url=url, host=host, domain=host, suffix="",
                                              shortener=False, tg_handle=handle, from_entity=False))
    targets = link_targets(fresh_db)
    assert targets[0] == "https://tengrinews-kz.info/news/1" and len(targets) == 2
    assert "https://t.me/some_channel" not in targets
    report = fetch_links(fresh_db, limits=LOCAL)
    assert report.stored == [server + "/article"]
    assert [e.url for e in report.failed] == ["https://tengrinews-kz.info/news/1"]  # unresolved: reported


def test_cli_outlets(tmp_path):
    from typer.testing import CliRunner

    from fakewatch.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    added = runner.invoke(app, ["outlets", "add", "shyndyk.kz", "--name", "Шындық", "--country", "kz", "--db", db])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["outlets", "list", "--source", "user", "--json", "--db", db])
    assert '"shyndyk.kz"' in listed.output
    checked = runner.invoke(app, ["outlets", "check", "shyndyk-kz.info", "[b]x[/b].com", "--json", "--db", db])
    assert '"outlet": "shyndyk.kz"' in checked.output and '"method": "tld-in-name"' in checked.output
    refused = runner.invoke(app, ["fetch", "http://127.0.0.1:9/", "--db", db])
    assert refused.exit_code == 1 and "loopback" in refused.output
