"""Uploading an export runs the investigate pipeline in the background; its outputs become downloads."""

from __future__ import annotations

import json

import pytest

from fakewatch.web.auth import create_token, create_user
from tests.web_client import login, make_client
from tests.web_store import PASSWORD

CAMPAIGN = "Все на марш в субботу у акимата! Каждому участнику 10 000 тенге, звоните +7 701 555 01 01"
CHATTER = ["Продам коляску, почти новая", "Кто знает хорошего сантехника?", "Сегодня пробки на Абая",
           "Спасибо соседям за помощь"]


def export() -> bytes:
    """A small Telegram chat export: a text pasted by three accounts minutes apart, and ordinary chatter."""
    start = 1_744_971_120
    posts = [{"id": i + 1, "type": "message", "date_unixtime": str(start + 120 * i), "from": f"Bot {i % 3}",
              "from_id": f"user{9_000_000 + i % 3}", "text": CAMPAIGN + "!" * (i % 2)} for i in range(6)]
    posts += [{"id": 10 + i, "type": "message", "date_unixtime": str(start + 3600 * (i + 1)), "from": f"Жилец {i}",
               "from_id": f"user{5_000 + i}", "text": text} for i, text in enumerate(CHATTER)]
    for post in posts:
        post["date"] = "2025-04-18T11:12:00"
    chat = {"name": "Алматы — чат района", "type": "private_supergroup", "id": 1001, "messages": posts}
    return json.dumps(chat, ensure_ascii=False).encode()


@pytest.mark.slow
def test_upload_runs_the_pipeline_and_offers_its_outputs(fresh_db, tmp_path):
    create_user(fresh_db, "ana", PASSWORD, "analyst")
    client = make_client(fresh_db, tmp_path)
    bearer = {"Authorization": f"Bearer {create_token(fresh_db, 'ana')}"}
    data = export()
    csrf = login(client, "ana")
    response = client.post("/upload", data={"csrf": csrf}, files={"files": ("result.json", data)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/jobs/")
    client.app.state.fw.jobs.wait(timeout=240)
    [job] = client.get("/api/jobs", headers=bearer).json()
    assert job["status"] == "done", job["error"]
    assert job["files"][0]["size"] == len(data) and job["findings"] is True
    names = {f["name"] for f in client.get("/api/downloads", headers=bearer).json()}
    assert {"findings.json", "report.html"} <= names and any(n.endswith(".gexf") for n in names)
    findings = client.get("/api/downloads/findings.json", headers=bearer).json()
    assert findings["inputs"][0]["messages"] == 10
    assert client.get("/api/downloads/..%2Fsecret_key", headers=bearer).status_code == 404
    assert len(client.get("/api/search?q=сантехника", headers=bearer).json()) == 1  # indexed after the run
    page = client.get(response.headers["location"]).text
    assert 'data-job-url="/api/jobs/' in page and "done" in page


@pytest.mark.slow
def test_upload_with_a_refused_file_is_partial_and_names_it(fresh_db, tmp_path):
    """Issue 15: a truncated export beside a good one showed "Status: done" and a full bar."""
    create_user(fresh_db, "ana", PASSWORD, "analyst")
    client = make_client(fresh_db, tmp_path)
    bearer = {"Authorization": f"Bearer {create_token(fresh_db, 'ana')}"}
    csrf = login(client, "ana")
    response = client.post("/upload", data={"csrf": csrf}, follow_redirects=False, files=[
        ("files", ("result.json", export())), ("files", ("<b>cut.json", export()[:300]))])
    client.app.state.fw.jobs.wait(timeout=240)
    [job] = client.get("/api/jobs", headers=bearer).json()
    assert job["status"] == "partial" and job["findings"] is True, job
    [refused] = job["refused"]
    assert refused.startswith("_b_cut.json: byte 300") and str(tmp_path) not in refused  # its name, no server path
    page = client.get(response.headers["location"]).text
    assert "Not everything was analysed" in page and "_b_cut.json" in page and "<b>cut" not in page
    assert 'class="partial"' in page
    assert {"findings.json", "report.html"} <= {f["name"] for f in client.get("/api/downloads", headers=bearer).json()}


@pytest.mark.slow
def test_downloads_offer_a_command_line_run_on_the_same_store(tmp_path):
    """Issue 15: after `fakewatch investigate --db S`, `fakewatch serve --db S` said "Nothing yet"."""
    from fakewatch.pipeline import investigate
    from fakewatch.store import open_store

    (tmp_path / "result.json").write_bytes(export())
    db = tmp_path / "case.db"
    investigate([tmp_path / "result.json"], tmp_path / "case", db=str(db))
    engine = open_store(str(db))
    create_user(engine, "ana", PASSWORD, "analyst")
    client = make_client(engine, tmp_path / "web")
    login(client, "ana")
    page = client.get("/downloads").text
    assert "findings.json" in page and "report.html" in page and "Nothing yet" not in page
