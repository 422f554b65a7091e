"""The campaign page's STIX and MISP downloads: login required, chosen TLP and redaction honoured."""

from __future__ import annotations

import json
import re

import pytest
import stix2

from tests.web_client import login, make_client
from tests.web_store import copy_store, web_template  # noqa: F401 (fixture)


@pytest.fixture
def client(web_template, tmp_path):
    client = make_client(copy_store(web_template, tmp_path), tmp_path)
    login(client, "ana")
    return client


def test_campaign_page_offers_both_downloads(client):
    page = client.get("/campaigns/C1").text
    assert 'formaction="/campaigns/C1/stix.json"' in page and 'formaction="/campaigns/C1/misp.json"' in page


def test_stix_download_is_the_campaigns_bundle_marked_and_redacted(client):
    response = client.get("/campaigns/C1/stix.json", params={"tlp": "amber", "redact_phones": "true"})
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="C1-[0-9a-f]{12}\.stix\.json"', response.headers["content-disposition"])
    bundle = response.json()
    assert bundle["objects"][0]["id"] == stix2.TLP_AMBER.id
    assert [o["name"][:2] for o in bundle["objects"] if o["type"] == "campaign"] == ["C1"]
    assert "7015550101" not in re.sub(r"[\s()\-]", "", response.text)


def test_misp_download_loads_as_an_event(client):
    response = client.get("/campaigns/C1/misp.json")
    assert response.status_code == 200
    assert json.loads(response.text)["Event"]["info"].startswith("fakewatch C1 of case")


@pytest.mark.parametrize("url, status", [("/campaigns/C9/stix.json", 404), ("/campaigns/C1/misp.json?tlp=pink", 400)])
def test_unknown_campaign_or_tlp_is_refused(client, url, status):
    assert client.get(url).status_code == status


def test_downloads_need_a_login(web_template, tmp_path):
    anonymous = make_client(copy_store(web_template, tmp_path), tmp_path)
    response = anonymous.get("/campaigns/C1/stix.json", follow_redirects=False)
    assert response.status_code in (302, 303, 401) and "objects" not in response.text
