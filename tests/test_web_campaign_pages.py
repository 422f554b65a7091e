"""The web UI's campaign pages: DISARM names, phone holders, coordinated activity labelled, redacted downloads."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import insert

from fakewatch.store.tables import campaigns as ct
from tests.test_redaction import DIGITS
from tests.web_client import login, make_client
from tests.web_store import BOTS, copy_store, web_template  # noqa: F401 (fixture)

ACTIVITY = {"kind": "cross_posting", "what": "An outlet account posted its own notices into 5 chats",
            "why_not_campaign": "the outlet's own notices, no harm signal", "chats": [], "accounts": []}


@pytest.fixture
def client(web_template, tmp_path):
    store = copy_store(web_template, tmp_path)
    with store.begin() as conn:
        conn.execute(insert(ct.campaigns), [{"code": "A1", "title": "Weather notices <b>x</b>", "score": 0.4,
                                             "reported": False, "first_seen": datetime(2025, 4, 18),
                                             "last_seen": datetime(2025, 4, 19), "data": ACTIVITY}])
    web = make_client(store, tmp_path)
    login(web, "ana")
    return web


def test_campaign_page_names_techniques_and_phone_holders(client):
    page = client.get("/campaigns/C1").text
    assert "T0048.004</code> Dox" in page
    assert "Phone numbers and whose they are" in page and "+77015550101" in page


def test_coordinated_activity_is_listed_apart_and_never_called_a_campaign(client):
    listing = client.get("/campaigns").text
    table = listing.split('id="activity"')[1]
    assert "A1" in table and "not a campaign" in table and ACTIVITY["why_not_campaign"].replace("'", "&#39;") in table
    assert "A1" not in listing.split('id="activity"')[0].split('id="campaigns"')[1]
    assert "<b>x</b>" not in listing  # titles are escaped
    page = client.get("/campaigns/A1").text
    assert 'id="not-campaign"' in page and ACTIVITY["what"] in page


@pytest.mark.parametrize("name", ["report.html", "messages.csv", "accounts.csv", "network.gexf"])
def test_redacted_downloads_hide_phones_and_keep_ids(client, name):
    for query in ("", "?names=true", "?lang=ru"):
        response = client.get(f"/downloads/redacted/{name}{query}")
        assert response.status_code == 200, query
        assert "redacted-" in response.headers["content-disposition"]
        assert not DIGITS.search(response.text) and BOTS[0] in response.text, query


def test_only_outputs_have_redacted_copies(client):
    assert client.get("/downloads/redacted/findings.json").status_code == 404
    assert client.get("/downloads/redacted/report.html?lang=xx").status_code == 422
    assert "redacted-report.html" in client.get("/downloads").text


def test_evidence_is_in_words(client):
    page = client.get("/campaigns/C1").text
    assert "someone else&#39;s phone number listed" in page and "third_party_phone</strong>" not in page
    assert " cluster 1)" not in page
