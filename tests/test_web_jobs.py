"""Uploading an export runs the investigate pipeline in the background; its outputs become downloads."""

from __future__ import annotations

from importlib.resources import files

from fakewatch.web.auth import create_token, create_user
from tests.web_client import login, make_client
from tests.web_store import PASSWORD


def test_upload_runs_the_pipeline_and_offers_its_outputs(fresh_db, tmp_path):
    create_user(fresh_db, "ana", PASSWORD, "analyst")
    client = make_client(fresh_db, tmp_path)
    bearer = {"Authorization": f"Bearer {create_token(fresh_db, 'ana')}"}
    export = (files("fakewatch") / "data" / "example" / "result.json").read_bytes()
    csrf = login(client, "ana")
    response = client.post("/upload", data={"csrf": csrf}, files={"files": ("result.json", export)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/jobs/")
    client.app.state.fw.jobs.wait(timeout=240)
    [job] = client.get("/api/jobs", headers=bearer).json()
    assert job["status"] == "done", job["error"]
    assert job["files"][0]["size"] == len(export) and job["findings"] is True
    names = {f["name"] for f in client.get("/api/downloads", headers=bearer).json()}
    assert {"findings.json", "report.html"} <= names and any(n.endswith(".gexf") for n in names)
    findings = client.get("/api/downloads/findings.json", headers=bearer).json()
    assert findings["inputs"][0]["messages"] > 0
    assert client.get("/api/downloads/..%2Fsecret_key", headers=bearer).status_code == 404
    assert client.get("/api/search?q=the", headers=bearer).status_code == 200
    page = client.get(response.headers["location"]).text
    assert 'data-job-url="/api/jobs/' in page and "done" in page
