"""API and pages over a hand-built store: what analysts see, search, debunks, tokens, escaping, headers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fakewatch.store.tables.web import users
from fakewatch.web.auth import authenticate, create_token, set_disabled
from tests.report_store import HTML_NAME, JS_LINK
from tests.web_client import csrf_of, login, make_client
from tests.web_store import BOTS, PASSWORD, SCRIPT, copy_store, web_template  # noqa: F401 (fixture)


@pytest.fixture
def store(web_template, tmp_path):
    return copy_store(web_template, tmp_path)


@pytest.fixture
def client(store, tmp_path):
    return make_client(store, tmp_path)


@pytest.fixture
def bearer(store):
    return {"Authorization": f"Bearer {create_token(store, 'ana', 'tests')}"}


def test_api_shows_what_the_campaign_page_shows(client, bearer):
    [c1] = client.get("/api/campaigns", headers=bearer).json()
    assert c1["code"] == "C1" and c1["messages"] == 12 and c1["chats"] == 8
    detail = client.get("/api/campaigns/C1", headers=bearer).json()
    assert detail["waves"][0]["messages"] == 12
    assert len(detail["network"]["edges"]) == 6 and set(detail["network"]["nodes"]) == set(BOTS)
    assert detail["account_rows"][0]["account_id"] == BOTS[0] and detail["account_rows"][0]["seeder_rank"] == 1
    assert detail["input_rows"] == [{"path": "chats/result.json", "sha256": "ab" * 32, "messages": 12}]
    assert {e["kind"] for e in detail["evidence_rows"]}
    msgs = client.get("/api/campaigns/C1/messages?limit=5", headers=bearer).json()
    assert len(msgs) == 5 and msgs[0]["pk"] == 1
    context = client.get("/api/messages/9?around=2", headers=bearer).json()  # chat 100: pks 1 and 100 before it
    assert [m["pk"] for m in context["before"]] and context["campaigns"] == ["C1"]
    assert context["input"]["path"] == "chats/result.json" and context["input"]["sha256"] == "ab" * 32
    assert context["record"]["id"] == 508 and SCRIPT in context["record"]["text"]  # the record as exported
    assert client.get("/api/messages/100", headers=bearer).json()["record"] is None  # none was kept
    account = client.get(f"/api/accounts/{BOTS[0]}", headers=bearer).json()
    assert account["campaign_rows"][0]["code"] == "C1" and account["name"] == HTML_NAME
    chat = client.get("/api/chats/telegram:100", headers=bearer).json()
    assert chat["campaign_rows"][0]["code"] == "C1" and chat["message_count"] == 8
    assert client.get("/api/campaigns/C9", headers=bearer).status_code == 404


@pytest.mark.parametrize("query, count", [
    ("q=марш", 12),
    ("q=обычное+сообщение", 30),
    ("q=марш&chat=telegram:100", 2),
    (f"account={BOTS[1]}", 3),
    ("has_phone=yes", 12),
    ("has_phone=no&q=марш", 0),
    ("lang=ru&q=сообщение", 30),
    ("since=2025-04-19&q=сообщение", 30 - 18),
    ("until=2025-04-18&q=обычное", 18),
    ('q=" OR 1=1 --', 0),  # FTS5 syntax in user input is quoted away, not an error
])
def test_search_with_filters(client, bearer, query, count):
    response = client.get(f"/api/search?{query}&limit=100", headers=bearer)
    assert response.status_code == 200
    assert len(response.json()) == count


def test_pages_escape_hostile_message_text_and_names(client):
    login(client, "ana")
    for path in ("/campaigns/C1", "/messages/1", f"/accounts/{BOTS[0]}", "/chats/telegram:100", "/search?q=марш"):
        page = client.get(path).text
        assert SCRIPT not in page and HTML_NAME not in page and JS_LINK not in page, path
        assert "&lt;script&gt;" in page or "&lt;img" in page, path


def test_security_headers_forbid_inline_script(client):
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text and 'src="/static/app.js"' in response.text


def test_debunk_written_in_the_ui_is_exported_as_claimreview_and_shown_by_the_check(client, bearer):
    csrf = login(client, "ana")
    response = client.post("/campaigns/C1/debunks", data={
        "csrf": csrf, "claim": "Participants of the march will be paid", "text": "Nobody pays; the number is a journalist's.",
        "rating": "False", "links": "https://factcheck.kz/marsh\nhttps://example.org/x", "status": "published"},
        follow_redirects=False)
    assert response.status_code == 303
    [debunk] = client.get("/api/campaigns/C1/debunks", headers=bearer).json()
    review = client.get(f"/api/debunks/{debunk['id']}/claimreview", headers=bearer)
    assert review.headers["content-type"].startswith("application/ld+json")
    data = review.json()
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "Participants of the march will be paid"
    assert data["reviewRating"]["alternateName"] == "False" and data["reviewRating"]["ratingValue"] == 1
    assert data["url"].endswith("/campaigns/C1") and data["itemReviewed"]["@type"] == "Claim"
    assert [c["url"] for c in data["citation"]] == ["https://factcheck.kz/marsh", "https://example.org/x"]
    check = client.post("/api/check", json={"text": f"Все на марш у акимата! Организатор +7 701 555 01 01 {SCRIPT} {JS_LINK}"})
    assert check.json()["matches"][0]["debunk"]["rating"] == "False"
    bad = client.put(f"/api/debunks/{debunk['id']}", headers=bearer,
                     json={"claim": "x", "text": "y", "links": ["javascript:alert(1)"]})
    assert bad.status_code == 400


def test_bearer_tokens_are_per_user_and_revocable(client, store, bearer):
    assert client.get("/api/me", headers=bearer).json()["name"] == "ana"
    [token] = client.get("/api/tokens", headers=bearer).json()
    assert client.delete(f"/api/tokens/{token['id']}", headers=bearer).status_code == 204
    assert client.get("/api/me", headers=bearer).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer fw_forged"}).status_code == 401


def test_passwords_are_argon2_hashes_and_disabled_users_cannot_log_in(store, client):
    with store.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == "ana")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(store, "ana", "wrong password!") is None
    user = authenticate(store, "ana", PASSWORD)
    login(client, "ana")
    set_disabled(store, user.id, True)
    assert client.get("/campaigns", follow_redirects=False).status_code == 303  # session ended
    assert authenticate(store, "ana", PASSWORD) is None


@pytest.mark.parametrize("target, landing", [("/campaigns/C1", "/campaigns/C1"), ("//evil.example/x", "/campaigns"),
                                             ("https://evil.example/", "/campaigns")])
def test_login_redirects_only_within_the_site(client, target, landing):
    form = client.get(f"/login?next={target}")
    response = client.post("/login", data={"name": "ana", "password": PASSWORD, "csrf": csrf_of(form.text),
                                           "next": target}, follow_redirects=False)
    assert response.headers["location"] == landing


@pytest.mark.parametrize("base_url, setting", [("https://testserver", None), ("https://testserver", True)])
def test_session_cookie_is_httponly_and_secure_over_https(store, tmp_path, base_url, setting):
    secure = make_client(store, tmp_path, base_url=base_url, cookie_secure=setting)
    form = secure.get("/login")
    response = secure.post("/login", data={"name": "ana", "password": PASSWORD, "csrf": csrf_of(form.text)},
                           follow_redirects=False)
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("fw_session="))
    assert "fw_session=" in cookie and "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie


def test_openapi_documents_the_api(client):
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/check", "/api/campaigns", "/api/campaigns/{code}", "/api/search", "/api/jobs",
            "/api/downloads/{name}", "/api/debunks/{debunk_id}/claimreview"} <= paths
    assert not any(p.startswith(("/campaigns", "/login")) for p in paths)  # pages stay out of the API docs
    docs = client.get("/api/docs").text
    assert "/api/check" in docs and "/api/search" in docs


def test_search_index_catches_up_with_new_messages(client, bearer, store):
    from datetime import datetime

    from fakewatch.store.tables.core import messages

    assert client.get("/api/search?q=квазиуникальное", headers=bearer).json() == []
    with store.begin() as conn:
        conn.execute(messages.insert().values(platform="telegram", chat_id="100", message_id="77777",
                                              account_id=BOTS[0], sent_at=datetime(2025, 4, 20), kind="message",
                                              text="квазиуникальное слово", input_id=1))
    [found] = client.get("/api/search?q=квазиуникальное", headers=bearer).json()
    assert found["message_id"] == "77777"


def test_message_page_shows_the_record_as_evidence_escaped(client):
    login(client, "ana")
    page = client.get("/messages/1").text
    assert "The record as the file had it" in page and "&#34;id&#34;: 500" in page and "ab" * 32 in page
    assert SCRIPT not in page and HTML_NAME not in page
    assert "No record of this message was kept" in client.get("/messages/100").text


@pytest.mark.parametrize("text", ["👍", ".", "+"])
def test_check_of_a_text_without_content_says_so(client, text):
    """Issue 13: these answered known_fake 100% with a campaign's title (its media posts had empty captions)."""
    assert client.post("/api/check", json={"text": text}).json() == \
        {"verdict": "no_match", "matches": [], "signals": [], "reason": "no_content"}
    page = client.post("/check", data={"text": text, "url": ""}, headers={"Accept-Language": "en"}).text
    assert 'data-verdict="no_match" data-reason="no_content"' in page and "Too short to check" in page


def test_empty_check_form_is_too_short_to_check(client):
    page = client.post("/check", data={"text": "", "url": ""}, headers={"Accept-Language": "ru"}).text
    assert 'data-reason="no_content"' in page and "Слишком мало текста для проверки" in page


@pytest.mark.parametrize(("accept", "lang", "heading"), [
    ("ru-RU,ru;q=0.9,en;q=0.8", "ru", "Известный фейк"),
    ("kk-KZ, ru;q=0.5", "kk", "Белгілі фейк"),
    ("en-US,en;q=0.9", "en", "Known fake"),
    ("de-DE, en;q=0.3, kk;q=0.7", "kk", "Белгілі фейк"),
    ("", "ru", "Известный фейк"),  # no header: Russian, which both audiences read
])
def test_check_page_speaks_the_visitors_language(client, accept, lang, heading):
    text = f"Все на марш у акимата! Организатор +7 701 555 01 01 {SCRIPT} {JS_LINK}"
    page = client.post("/check", data={"text": text}, headers={"Accept-Language": accept}).text
    page = page.replace("\u202f", " ")  # CLDR writes a narrow no-break space before "г." and "ж."
    assert f'<html lang="{lang}">' in page and f"<h2>{heading}</h2>" in page
    first_seen = {"ru": "18 апреля 2025 г.", "kk": "2025 ж. 18 сәуір", "en": "April 18, 2025"}[lang]
    assert first_seen in page and "2025-04-18T06:00:00Z" not in page  # a date people read, not ISO
    assert {"ru": "в 8 чатах", "kk": "8 чатта", "en": "in 8 chats"}[lang] in page
    assert "<script>window.__pwned" not in page


def test_language_picked_on_the_page_is_remembered(client):
    picked = client.get("/check?lang=kk", headers={"Accept-Language": "en"})
    assert '<html lang="kk">' in picked.text and picked.cookies.get("fw_lang") == "kk"
    assert '<html lang="kk">' in client.get("/check", headers={"Accept-Language": "en"}).text
    assert '<html lang="en">' in client.get("/check?lang=en").text
    assert '<html lang="en">' in client.get("/check?lang=xx").text  # unknown picks change nothing


@pytest.mark.parametrize(("query", "cookie", "accept", "chosen"), [
    (None, None, "en-GB,en;q=0.9", "en"),
    (None, None, "fr, kk;q=0.2, ru;q=0.1", "kk"),
    (None, None, "ru;q=0, en;q=0.5", "en"),  # q=0 means "not this one"
    (None, None, "kk;q=oops, en;q=0.1", "en"),  # a malformed weight says nothing
    (None, "kk", "en", "kk"),
    ("en", "kk", "ru", "en"),
    ("xx", None, None, "ru"),
])
def test_language_choice(query, cookie, accept, chosen):
    from fakewatch.web.i18n import choose

    assert choose(query, cookie, accept) == chosen
