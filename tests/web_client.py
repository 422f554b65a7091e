"""Test-client helpers shared by the web tests: an app over the hand-built store, logging in, CSRF tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from fakewatch.web import create_app
from fakewatch.web.settings import WebSettings
from tests.web_store import PASSWORD

_HIDDEN = re.compile(r'name="csrf" value="([^"]+)"')


def make_client(engine, tmp_path, base_url: str = "http://testserver", **settings) -> TestClient:
    values = {"data_dir": tmp_path / "web", "check_burst": 1000, "check_rate": 1000.0} | settings
    return TestClient(create_app(engine, WebSettings(**values)), base_url=base_url)


def csrf_of(page: str) -> str:
    """The CSRF token a rendered form carries."""
    return _HIDDEN.search(page).group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; the session's CSRF token (from the next page's forms)."""
    form = client.get("/login")
    response = client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(form.text),
                                           "next": "/tokens"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/tokens").text)
