"""Media evidence: keyframe thumbnails behind login in the web UI, embedded in report.html as data: URIs,
and each campaign's media clusters (copies, chats, first appearance) in findings.json and on the campaign page."""

from __future__ import annotations

import base64
import json
import re

from PIL import Image

from fakewatch.report.findings import build
from fakewatch.report.html import render
from fakewatch.store import open_store
from tests.media_store import MediaStore, media_store  # noqa: F401 (fixture)
from tests.web_client import login, make_client
from tests.web_store import copy_store

_DATA_IMG = re.compile(r'<img src="(data:image/jpeg;base64,[A-Za-z0-9+/=]+)"')


def _campaign_with_media(findings: dict) -> dict:
    return next(c for c in findings["campaigns"] + findings["candidates"] if c.get("media"))


def test_findings_list_media_clusters_with_copies_chats_and_first_appearance(media_store: MediaStore):
    findings = json.loads((media_store.out / "findings.json").read_text(encoding="utf-8"))
    assert all("media" in c for c in findings["campaigns"] + findings["candidates"])
    camp = _campaign_with_media(findings)
    cluster = next(m for m in camp["media"] if m["cluster_id"] == media_store.cluster_id)
    assert {"image", "video"} <= set(cluster["kinds"])
    assert len(cluster["copies"]) >= 3  # the original and its edited copies, each a distinct file
    assert len({c["sha256"] for c in cluster["copies"]}) == len(cluster["copies"])
    assert len(cluster["chats"]) >= 2 and set(cluster["chats"]) <= set(camp["chats"]) | set(cluster["chats"])
    assert cluster["first_seen"] == min(c["first_seen"] for c in cluster["copies"])
    assert cluster["first_seen"] >= camp["first_seen"]
    assert sum(c["messages"] for c in cluster["copies"]) == cluster["messages"]


def test_report_embeds_thumbnails_as_data_uris_under_its_policy(media_store: MediaStore):
    page = (media_store.out / "report.html").read_text(encoding="utf-8")
    assert "img-src data:" in page and "default-src 'none'" in page
    uris = _DATA_IMG.findall(page)
    assert len(uris) >= 3
    jpeg = base64.b64decode(uris[0].split(",", 1)[1])
    assert jpeg[:3] == b"\xff\xd8\xff"  # a JPEG keyframe
    assert not re.search(r'<img src="(?!data:)', page)  # nothing fetched from anywhere


def test_report_escapes_hostile_copy_fields(media_store: MediaStore, tmp_path):
    engine = copy_store(media_store.db, tmp_path)
    findings = build(engine)
    camp = _campaign_with_media(findings)
    camp["media"][0]["chats"] = ['telegram:<img src=x onerror=alert(1)>']
    if camp not in findings["campaigns"]:
        findings["campaigns"].append(camp)
    page = render(engine, findings)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_thumbnail_route_needs_login_and_serves_jpeg(media_store: MediaStore, tmp_path):
    engine = open_store(f"sqlite:///{media_store.db}")
    client = make_client(engine, tmp_path)
    code = _campaign_with_media(json.loads((media_store.out / "findings.json").read_text(encoding="utf-8")))["id"]
    anonymous = client.get("/api/campaigns/" + code)
    assert anonymous.status_code == 401
    login(client, "ana")
    page = client.get(f"/campaigns/{code}")
    ids = re.findall(r'<img src="/media-files/(\d+)/thumbnail\.jpg"', page.text)
    assert ids and 'id="media"' in page.text
    assert "Content-Security-Policy" in page.headers and "img-src 'self'" in page.headers["content-security-policy"]
    shot = client.get(f"/media-files/{ids[0]}/thumbnail.jpg")
    assert shot.status_code == 200 and shot.headers["content-type"] == "image/jpeg"
    assert shot.headers["x-content-type-options"] == "nosniff"
    with Image.open(__import__("io").BytesIO(shot.content)) as im:
        assert im.format == "JPEG" and im.width > 0
    assert client.get(f"/api/media-files/{ids[0]}/thumbnail").headers["content-type"] == "image/jpeg"
    assert client.get("/media-files/999999/thumbnail.jpg").status_code == 404
    api = client.get(f"/api/campaigns/{code}").json()
    assert api["media"][0]["copies"]

    other = make_client(engine, tmp_path)  # no session
    refused = other.get(f"/media-files/{ids[0]}/thumbnail.jpg", follow_redirects=False)
    assert refused.status_code in (302, 303, 401) and refused.content[:3] != b"\xff\xd8\xff"
    assert other.get(f"/api/media-files/{ids[0]}/thumbnail").status_code == 401
