"""Access rules route by route, CSRF, the public check's rate limit, upload limits and zip paths."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from starlette.routing import Mount

from fakewatch.web.auth import create_token
from tests.web_client import csrf_of, login, make_client
from tests.web_store import copy_store, web_template  # noqa: F401 (fixture)

PUBLIC = {("GET", "/"), ("GET", "/check"), ("POST", "/check"), ("GET", "/login"), ("POST", "/login"),
          ("POST", "/api/check"), ("POST", "/api/check/file"), ("GET", "/api/docs"), ("GET", "/api/openapi.json"), ("GET", "/healthz")}
PARAMS = {"code": "C1", "debunk_id": "1", "account_id": "telegram:user9000000", "key": "telegram:100", "pk": "1",
          "job_id": "1", "name": "findings.json", "token_id": "999", "user_id": "1", "cluster_id": "1",
          "media_id": "1"}


def is_admin_route(path: str) -> bool:
    return path.startswith(("/admin/", "/api/users"))


def routes(app) -> list[tuple[str, str]]:
    """Every (method, concrete path) the app serves, static files aside."""
    found = []
    flat = []
    for route in app.routes:  # FastAPI keeps included routers whole; their routes carry the full path
        flat += getattr(getattr(route, "original_router", None), "routes", [route])
    for route in flat:
        if isinstance(route, Mount) or not getattr(route, "methods", None):
            continue
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PARAMS[m.group(1)], route.path)
        found += [(method, path) for method in sorted(route.methods - {"HEAD"})]
    return found


@pytest.fixture(scope="module")
def app_store(web_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("security")
    return copy_store(web_template, folder), folder


def test_every_route_declares_who_may_use_it(app_store):
    engine, folder = app_store
    client = make_client(engine, folder)
    analyst = {"Authorization": f"Bearer {create_token(engine, 'ana')}"}
    admin = {"Authorization": f"Bearer {create_token(engine, 'admin')}"}
    served = routes(client.app)
    assert len(served) > 40 and PUBLIC <= set(served)
    for method, path in served:
        if (method, path) in PUBLIC:
            continue
        anonymous = client.request(method, path, follow_redirects=False)
        if path.startswith("/api/"):
            assert anonymous.status_code == 401, (method, path)
        else:
            assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login"), (method, path)
        as_analyst = client.request(method, path, headers=analyst, follow_redirects=False)
        if is_admin_route(path):
            assert as_analyst.status_code == 403, (method, path)
            assert client.request(method, path, headers=admin, follow_redirects=False).status_code not in (401, 403)
        else:
            assert as_analyst.status_code not in (401, 403), (method, path)


def test_forms_and_cookie_api_calls_need_the_csrf_token(app_store):
    engine, folder = app_store
    client = make_client(engine, folder)
    csrf = login(client, "ana")
    assert client.post("/tokens", data={"name": "x"}).status_code == 403
    assert client.post("/tokens", data={"name": "x", "csrf": "forged"}).status_code == 403
    assert client.post("/tokens", data={"name": "x", "csrf": csrf}).status_code == 200
    assert client.post("/api/tokens", json={"name": "y"}).status_code == 403
    assert client.post("/api/tokens", json={"name": "y"}, headers={"X-CSRF-Token": csrf}).status_code == 201
    # a login form posted from elsewhere carries no matching login cookie
    fresh = make_client(engine, folder)
    token = csrf_of(fresh.get("/login").text)
    fresh.cookies.clear()
    response = fresh.post("/login", data={"name": "ana", "password": "correct horse battery", "csrf": token},
                          follow_redirects=False)
    assert response.status_code == 401


def test_public_check_is_rate_limited_per_client(app_store):
    engine, folder = app_store
    client = make_client(engine, folder, check_burst=3, check_rate=0.01, trust_proxy=True)
    codes = [client.post("/api/check", json={"text": "привет"}, headers={"X-Forwarded-For": "203.0.113.7"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.post("/check", data={"text": "привет"}, headers={"X-Forwarded-For": "203.0.113.7"})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert "Too many checks" in limited.text and limited.headers["content-type"].startswith("text/html")
    assert client.post("/api/check", json={"text": "привет"},
                       headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200


def test_check_input_is_bounded(app_store):
    engine, folder = app_store
    client = make_client(engine, folder)
    assert client.post("/api/check", json={}).status_code == 422
    assert client.post("/api/check", json={"text": "x" * 20_001}).status_code == 422
    assert client.post("/api/check", content=b"{" + b" " * (2 * 1024**2) + b"}",
                       headers={"content-type": "application/json"}).status_code == 413


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, status, message", [
    ("big.json", b"[" + b" " * 5000 + b"]", 413, "larger than"),
    ("tool.exe", b"MZ\x90\x00", 400, "only"),
    ("export.zip", b"not a zip at all", 400, "not a zip"),
    ("result.json", b"\x89PNG\r\n\x1a\n\x00\x00", 400, "binary"),
    ("chat.txt", "Привет, café".encode("cp1251", errors="replace"), 400, "UTF-8"),
])
def test_uploads_are_limited_in_size_and_checked_for_type(app_store, name, data, status, message):
    engine, folder = app_store
    client = make_client(engine, folder, max_upload_bytes=4000)
    bearer = {"Authorization": f"Bearer {create_token(engine, 'ana')}"}
    response = client.post("/api/jobs", headers=bearer, files={"files": (name, data)})
    assert response.status_code == status and message in response.json()["detail"]


def test_zip_members_escaping_the_folder_fail_the_run(app_store):
    engine, folder = app_store
    client = make_client(engine, folder, max_upload_bytes=4000)
    bearer = {"Authorization": f"Bearer {create_token(engine, 'ana')}"}
    job = client.post("/api/jobs", headers=bearer,
                      files={"files": ("../../evil.zip", _zip({"../../outside.txt": b"gotcha"}))}).json()
    client.app.state.fw.jobs.wait(timeout=30)
    done = client.get(f"/api/jobs/{job['id']}", headers=bearer).json()
    assert done["status"] == "failed" and "escapes" in done["error"]
    assert job["files"][0]["name"] == "evil.zip"
    assert not (folder / "outside.txt").exists() and not list(folder.rglob("outside.txt"))
