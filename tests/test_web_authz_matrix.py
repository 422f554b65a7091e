"""The authorization matrix: every route, from the OpenAPI schema and the page router, against every kind of caller.

Each route's rule is stated once in RULES; what each caller gets under a rule is
stated once in EXPECTED. A route added without a rule (or a rule left for a
removed route) fails the first test, so access is decided, not inherited.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from starlette.routing import Mount

from fakewatch.web.auth import create_token, create_user, list_tokens, revoke_token, set_disabled
from fakewatch.web.deps import SESSION_COOKIE
from tests.test_web_security import PARAMS
from tests.web_client import login, make_client
from tests.web_store import PASSWORD, copy_store, web_template  # noqa: F401 (fixture)

PUBLIC, USER, ADMIN = "public", "user", "admin"
RULES = {
    ("GET", "/"): PUBLIC, ("GET", "/check"): PUBLIC, ("POST", "/check"): PUBLIC, ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC, ("POST", "/api/check"): PUBLIC, ("POST", "/api/check/file"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC, ("GET", "/api/openapi.json"): PUBLIC, ("GET", "/healthz"): PUBLIC,
    ("GET", "/api/users"): ADMIN, ("POST", "/api/users"): ADMIN, ("POST", "/api/users/{user_id}/disable"): ADMIN,
    ("GET", "/admin/users"): ADMIN, ("POST", "/admin/users"): ADMIN, ("POST", "/admin/users/{user_id}/disable"): ADMIN,
    **{route: USER for route in [
        ("DELETE", "/api/tokens/{token_id}"), ("GET", "/api/accounts/{account_id}"), ("GET", "/api/campaigns"),
        ("GET", "/api/campaigns/{code}"), ("GET", "/api/campaigns/{code}/debunks"),
        ("GET", "/api/campaigns/{code}/messages"), ("GET", "/api/chats"), ("GET", "/api/chats/{key}"),
        ("GET", "/api/debunks/{debunk_id}/claimreview"), ("GET", "/api/downloads"), ("GET", "/api/downloads/{name}"),
        ("GET", "/api/jobs"), ("GET", "/api/jobs/{job_id}"), ("GET", "/api/me"),
        ("GET", "/api/media-files/{media_id}/thumbnail"), ("GET", "/api/media/{cluster_id}"),
        ("GET", "/api/media/{cluster_id}/debunks/{debunk_id}/mediareview"), ("GET", "/api/messages/{pk}"),
        ("GET", "/api/search"), ("GET", "/api/tokens"), ("POST", "/api/campaigns/{code}/debunks"),
        ("POST", "/api/jobs"), ("POST", "/api/media/{cluster_id}/debunks"), ("POST", "/api/tokens"),
        ("PUT", "/api/debunks/{debunk_id}"), ("PUT", "/api/media/{cluster_id}/debunks/{debunk_id}"),
        ("GET", "/accounts/{account_id:path}"), ("GET", "/campaigns"), ("GET", "/campaigns/{code}"),
        ("GET", "/chats"), ("GET", "/chats/{key:path}"), ("GET", "/debunks/{debunk_id}/claimreview.json"),
        ("GET", "/debunks/{debunk_id}/edit"), ("GET", "/downloads"), ("GET", "/downloads/{name}"),
        ("GET", "/jobs/{job_id}"), ("GET", "/media-files/{media_id}/thumbnail.jpg"),
        ("GET", "/media/{cluster_id}/debunks/{debunk_id}/mediareview.json"), ("GET", "/messages/{pk}"),
        ("GET", "/search"), ("GET", "/tokens"), ("GET", "/upload"), ("POST", "/campaigns/{code}/debunks"),
        ("POST", "/debunks/{debunk_id}"), ("POST", "/logout"), ("POST", "/media/{cluster_id}/debunks"),
        ("POST", "/tokens"), ("POST", "/tokens/{token_id}/revoke"), ("POST", "/upload"),
        ("GET", "/campaigns/{code}/stix.json"), ("GET", "/campaigns/{code}/misp.json"),
        ("GET", "/downloads/redacted/{name}"),
    ]},
}
CALLERS = ("anonymous", "analyst", "admin", "disabled user", "revoked token", "forged cookie", "cookie without CSRF")
IN, LOGIN, NO = "let in", "sent to log in", "forbidden"
# What each caller gets under each rule, for safe (GET) and unsafe (POST, PUT, DELETE) methods.
EXPECTED = {
    PUBLIC: {caller: (IN, IN) for caller in CALLERS},
    USER: {"anonymous": (LOGIN, LOGIN), "analyst": (IN, IN), "admin": (IN, IN), "disabled user": (LOGIN, LOGIN),
           "revoked token": (LOGIN, LOGIN), "forged cookie": (LOGIN, LOGIN), "cookie without CSRF": (IN, NO)},
    ADMIN: {"anonymous": (LOGIN, LOGIN), "analyst": (NO, NO), "admin": (IN, IN), "disabled user": (LOGIN, LOGIN),
            "revoked token": (LOGIN, LOGIN), "forged cookie": (LOGIN, LOGIN), "cookie without CSRF": (NO, NO)},
}


def served_routes(app) -> set[tuple[str, str]]:
    """(method, path template) of every API operation in the OpenAPI schema and every page route."""
    found = {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}
    flat = []
    for route in app.routes:
        flat += getattr(getattr(route, "original_router", None), "routes", [route])
    found |= {(method, route.path) for route in flat
              if not isinstance(route, Mount) and getattr(route, "methods", None)
              and not getattr(route, "include_in_schema", True) for method in route.methods - {"HEAD"}}
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PARAMS[m.group(1)], path)


def outcome(response, path: str) -> str:
    status = response.status_code
    assert status < 500, f"{response.request.method} {path}: {status} {response.text[:200]}"
    # a login redirect carries the page to return to; logging out ends at plain /login
    if status == 401 or (status == 303 and response.headers["location"].startswith("/login?next=")):
        return LOGIN
    return NO if status == 403 else IN


@pytest.fixture(scope="module")
def callers(web_template, tmp_path_factory):
    """A client per caller kind over one app, and the headers each sends."""
    folder = tmp_path_factory.mktemp("matrix")
    engine = copy_store(web_template, folder)
    client = make_client(engine, folder)
    disabled = create_user(engine, "gone", PASSWORD, "analyst")
    disabled_token = create_token(engine, "gone")
    set_disabled(engine, disabled.id, True)
    revoked = create_token(engine, "ana", "to revoke")
    ana_id = client.get("/api/me", headers={"Authorization": f"Bearer {revoked}"}).json()["id"]
    revoke_token(engine, ana_id, [t for t in list_tokens(engine, ana_id) if t["name"] == "to revoke"][0]["id"])
    forged = URLSafeTimedSerializer("not the server's key", salt="fakewatch-session").dumps("a-session-id")
    cookie_client = TestClient(client.app)
    login(cookie_client, "ana")
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    return {
        "anonymous": (client, {}), "analyst": (client, bearer(create_token(engine, "ana"))),
        "admin": (client, bearer(create_token(engine, "admin"))), "disabled user": (client, bearer(disabled_token)),
        "revoked token": (client, bearer(revoked)), "forged cookie": (client, {"Cookie": f"{SESSION_COOKIE}={forged}"}),
        "cookie without CSRF": (cookie_client, {}),
    }


def test_every_route_has_exactly_one_rule(callers):
    client, _ = callers["anonymous"]
    served = served_routes(client.app)
    assert served - RULES.keys() == set(), "routes without an access rule: add them to RULES"
    assert RULES.keys() - served == set(), "rules for routes that are gone: remove them from RULES"


def test_the_matrix(callers):
    client, _ = callers["anonymous"]
    wrong = []
    for (method, template), rule in sorted(RULES.items()):
        path = concrete(template)
        for caller in CALLERS:
            http, headers = callers[caller]
            expected = EXPECTED[rule][caller][method not in ("GET", "HEAD", "OPTIONS")]
            got = outcome(http.request(method, path, headers=headers, follow_redirects=False), path)
            if got != expected:
                wrong.append(f"{method} {path} as {caller}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    assert len(RULES) * len(CALLERS) >= 400  # the matrix's size: 65 routes x 7 callers when written
