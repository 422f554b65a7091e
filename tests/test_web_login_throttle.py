"""Password guessing is throttled per account and per client (issue 21, item 4)."""

from __future__ import annotations

import logging

import pytest

from fakewatch.web.auth import create_token
from fakewatch.web.throttle import FIRST_LOCK, MAX_FAILURES, WINDOW, LoginThrottle
from tests.web_client import csrf_of, make_client
from tests.web_store import PASSWORD, copy_store, web_template  # noqa: F401 (fixture)


@pytest.fixture
def client(web_template, tmp_path):
    engine = copy_store(web_template, tmp_path)
    return make_client(engine, tmp_path, trust_proxy=True)  # X-Forwarded-For names the client


def attempt(client, name: str, password: str, address: str):
    headers = {"X-Forwarded-For": address}
    form = client.get("/login", headers=headers)
    return client.post("/login", headers=headers, follow_redirects=False,
                       data={"name": name, "password": password, "csrf": csrf_of(form.text), "next": "/campaigns"})


def test_an_account_locks_after_ten_failures_but_its_owner_elsewhere_gets_in(client, caplog):
    caplog.set_level(logging.WARNING, logger="fakewatch.web.login")
    answers = [attempt(client, "ana", "wrong password!", "203.0.113.5").status_code for _ in range(MAX_FAILURES)]
    assert answers == [401] * (MAX_FAILURES - 1) + [429]
    refused = attempt(client, "ana", PASSWORD, "203.0.113.5")  # even the right password, from the guesser
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= FIRST_LOCK - 1
    assert "Too many failed logins" in refused.text
    assert attempt(client, "ana", PASSWORD, "198.51.100.7").status_code == 303  # the owner, from her own client
    assert sum("failed login for account 'ana' from 203.0.113.5" in r.getMessage() for r in caplog.records) \
        == MAX_FAILURES
    assert any("login locked: account 'ana'" in r.getMessage() for r in caplog.records)


def test_a_spread_out_guess_gets_one_try_per_client_once_the_account_is_locked(client, caplog):
    for i in range(MAX_FAILURES):
        attempt(client, "ana", "wrong password!", f"192.0.2.{i}")
    caplog.set_level(logging.WARNING, logger="fakewatch.web.login")
    caplog.clear()
    assert attempt(client, "ana", "another guess", "192.0.2.200").status_code == 429  # tried, and told to wait
    assert [r.getMessage() for r in caplog.records] == ["failed login for account 'ana' from 192.0.2.200"]
    assert attempt(client, "ana", PASSWORD, "192.0.2.200").status_code == 429  # no second try


def test_a_client_guessing_many_accounts_locks_itself_out(client):
    for i in range(MAX_FAILURES):
        attempt(client, f"user{i}", "wrong password!", "203.0.113.9")
    assert attempt(client, "admin", PASSWORD, "203.0.113.9").status_code == 429
    assert attempt(client, "admin", PASSWORD, "203.0.113.10").status_code == 303


def test_admins_see_locked_accounts(client):
    for _ in range(MAX_FAILURES):
        attempt(client, "ana", "wrong password!", "203.0.113.5")
    engine = client.app.state.fw.engine
    users = client.get("/api/users", headers={"Authorization": f"Bearer {create_token(engine, 'admin')}"}).json()
    locked = {u["name"]: u["locked_for"] for u in users}
    assert locked["admin"] is None and FIRST_LOCK - 5 < locked["ana"] <= FIRST_LOCK
    assert attempt(client, "admin", PASSWORD, "198.51.100.7").status_code == 303
    page = client.get("/admin/users", headers={"X-Forwarded-For": "198.51.100.7"}).text
    assert "locked</strong> after failed logins (1 min left)" in page


def test_each_lock_lasts_longer_and_a_quiet_window_forgives():
    throttle = LoginThrottle()
    now = 1000.0
    for _ in range(MAX_FAILURES):
        throttle.failed("ana", "c1", now)
    assert throttle.wait("ana", "c1", now) == FIRST_LOCK
    now += FIRST_LOCK
    assert throttle.wait("ana", "c1", now) == 0
    throttle.failed("ana", "c1", now)  # still ten in the window: locked again, twice as long
    assert throttle.wait("ana", "c1", now) == 2 * FIRST_LOCK
    now += 2 * FIRST_LOCK + WINDOW
    assert throttle.wait("ana", "c1", now) == 0 and throttle.locked_accounts(now) == {}
    for _ in range(MAX_FAILURES):
        throttle.failed("ana", "c1", now)
    assert throttle.wait("ana", "c1", now) == FIRST_LOCK  # a window without failures: short again


def test_a_correct_password_forgives_the_clients_own_typos_only():
    throttle = LoginThrottle()
    for i in range(MAX_FAILURES):
        throttle.failed("ana", f"c{i}", 0.0)
    throttle.succeeded("ana", "c3")
    assert throttle.wait("ana", "c3", 1.0) == 0 and throttle.wait("ana", "c4", 1.0) > 0
