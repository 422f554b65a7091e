"""Analysts mark a media cluster as a known fake (MediaReview), and the public check of an edited copy
of that media answers with the debunk (API, CLI), on a real demo store with real media."""

from __future__ import annotations

import json

from PIL import Image
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.report.media import cluster_evidence
from fakewatch.check import debunks
from tests.media_store import MediaStore, media_store  # noqa: F401 (fixture)
from tests.web_client import csrf_of, login, make_client
from tests.web_store import copy_store

BODY = {"claim": "Video of the governor calling people to a march", "text": "The governor never said this; the "
        "face and voice are synthetic.", "links": ["https://factcheck.example/governor"], "status": "published",
        "category": "TransformedContent"}


def _reencoded(store: MediaStore, folder) -> str:
    """The campaign's picture shrunk, darkened and recompressed, as a forwarded copy would be."""
    path = folder / "copy.jpg"
    with Image.open(store.original) as im:
        small = im.convert("RGB").resize((im.width * 2 // 3, im.height * 2 // 3))
        small.point(lambda v: int(v * 0.9)).save(path, "JPEG", quality=55)
    return str(path)


def test_media_review_json_ld_and_check_of_a_reencoded_copy(media_store: MediaStore, tmp_path):
    engine = copy_store(media_store.db, tmp_path)
    client = make_client(engine, tmp_path)
    token = client.post("/api/tokens", json={"name": "t"},
                        headers={"X-CSRF-Token": login(client, "ana")}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    made = client.post(f"/api/media/{media_store.cluster_id}/debunks", json=BODY, headers=bearer)
    assert made.status_code == 201, made.text
    saved = made.json()
    assert saved["campaign"] is None and saved["category"] == "TransformedContent"

    review = client.get(f"/api/media/{media_store.cluster_id}/debunks/{saved['id']}/mediareview", headers=bearer)
    assert review.headers["content-type"].startswith("application/ld+json")
    doc = review.json()
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "MediaReview"
    assert doc["mediaAuthenticityCategory"] == "TransformedContent"
    assert doc["itemReviewed"]["@type"] == "MediaReviewItem"
    seen = doc["itemReviewed"]["mediaItemAppearance"]
    copies = cluster_evidence(engine, media_store.cluster_id)["copies"]
    assert {a["sha256"] for a in seen} == {c["sha256"] for c in copies}
    assert {a["@type"] for a in seen} <= {"ImageObject", "VideoObject", "AudioObject"}
    assert "VideoObject" in {a["@type"] for a in seen}  # the demo's deepfake video is in the cluster
    assert all(a["uploadDate"].endswith("Z") for a in seen)
    assert doc["citation"] == [{"@type": "CreativeWork", "url": BODY["links"][0]}]

    copy = _reencoded(media_store, tmp_path)
    with open(copy, "rb") as fh:
        checked = client.post("/api/check/file", files={"file": ("copy.jpg", fh, "image/jpeg")})
    assert checked.status_code == 200, checked.text
    result = checked.json()
    assert result["verdict"] == "known_fake"
    hit = [m for m in result["media"] if m["cluster_id"] == media_store.cluster_id]
    assert hit and hit[0]["debunk"]["category"] == "TransformedContent"
    assert hit[0]["debunk"]["claim"] == BODY["claim"] and "author" not in hit[0]["debunk"]
    assert result["matches"] and all(m["debunk"]["id"] == saved["id"] for m in result["matches"])

    video = next(media_store.original.parents[1].glob("video_files/*.mp4"))
    with video.open("rb") as fh:
        as_video = client.post("/api/check/file", files={"file": ("v.mp4", fh, "video/mp4")}).json()
    assert as_video["verdict"] == "known_fake" and as_video["media"][0]["debunk"]["id"] == saved["id"]
    with video.open("rb") as fh:  # the public check's own address takes a file as well
        assert client.post("/api/check", files={"file": ("v.mp4", fh, "video/mp4")}).json() == as_video
    spec = client.get("/api/openapi.json").json()["paths"]["/api/check"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(spec)

    cli = CliRunner().invoke(app, ["check", "--file", copy, "--db", f"sqlite:///{tmp_path / 'store.db'}", "--json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["media"][0]["debunk"]["id"] == saved["id"]


def test_draft_media_debunks_stay_private_and_text_checks_are_unchanged(media_store: MediaStore, tmp_path):
    engine = copy_store(media_store.db, tmp_path)
    client = make_client(engine, tmp_path)
    csrf = login(client, "ana")
    draft = BODY | {"status": "draft"}
    assert client.post(f"/api/media/{media_store.cluster_id}/debunks", json=draft,
                       headers={"X-CSRF-Token": csrf}).status_code == 201
    with open(_reencoded(media_store, tmp_path), "rb") as fh:
        result = client.post("/api/check/file", files={"file": ("copy.jpg", fh, "image/jpeg")}).json()
    assert all(m["debunk"] is None for m in result["media"])
    assert "media" not in client.post("/api/check", json={"text": "погода в Алматы"}).json()
    assert debunks.published_by_campaign(engine) == {}


def test_refusals_login_csrf_category_and_unknown_cluster(media_store: MediaStore, tmp_path):
    engine = copy_store(media_store.db, tmp_path)
    client = make_client(engine, tmp_path)
    url = f"/api/media/{media_store.cluster_id}/debunks"
    assert client.post(url, json=BODY).status_code == 401  # anonymous
    csrf = login(client, "ana")
    assert client.post(url, json=BODY).status_code == 403  # cookie without the CSRF token
    assert client.post(url, json=BODY, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.post(url, json=BODY | {"category": "Deepfake"}, headers={"X-CSRF-Token": csrf}).status_code == 422
    assert client.post("/api/media/999999/debunks", json=BODY, headers={"X-CSRF-Token": csrf}).status_code == 400
    assert client.post("/api/check/file", files={"file": ("x.txt", b"not media at all", "text/plain")}
                       ).status_code == 400
    # A file check may exceed the 1 MB cap of forms and JSON (a video), but not the check's own cap.
    video = next(media_store.original.parents[1].glob("video_files/*.mp4")).read_bytes()
    assert client.post("/api/check/file", files={"file": ("cut.mp4", video[:len(video) // 3], "video/mp4")}
                       ).status_code == 400  # a truncated download is refused, not a server error
    big = b"\0" * (2 * 1024**2)
    assert client.post("/api/check/file", files={"file": ("v.mp4", big, "video/mp4")}).status_code == 400
    assert client.post("/api/check", content=big, headers={"content-type": "application/json"}).status_code == 413

    # The web form: the campaign page carries it with the session's CSRF token; without the token it is refused.
    code = _campaign_of(media_store)
    page = client.get(f"/campaigns/{code}")
    assert f'action="/media/{media_store.cluster_id}/debunks"' in page.text
    form = {"campaign": code, "claim": "<script>alert(1)</script>", "text": "synthetic face",
            "category": "TransformedContent", "status": "published"}
    assert client.post(f"/media/{media_store.cluster_id}/debunks", data=form,
                       follow_redirects=False).status_code == 403
    done = client.post(f"/media/{media_store.cluster_id}/debunks", data=form | {"csrf": csrf_of(page.text)},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/campaigns/{code}#media"
    shown = client.get(f"/campaigns/{code}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>alert(1)" not in shown
    assert "MediaReview JSON-LD" in shown


def _campaign_of(store: MediaStore) -> str:
    """The code of the campaign holding the media cluster, from findings.json."""
    findings = json.loads((store.out / "findings.json").read_text(encoding="utf-8"))
    return next(c["id"] for c in findings["campaigns"] + findings["candidates"]
                if any(m["cluster_id"] == store.cluster_id for m in c["media"]))
