"""The web's command-line side: accounts, tokens and the check, as the README shows them."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.web.auth import authenticate, token_user
from tests.web_store import copy_store, web_template  # noqa: F401 (fixture)

runner = CliRunner()


def test_user_add_token_create_and_check(web_template, tmp_path):
    engine = copy_store(web_template, tmp_path)
    db = str(engine.url)
    added = runner.invoke(app, ["user", "add", "zhanna", "--role", "admin", "--db", db],
                          env={"FAKEWATCH_PASSWORD": "long enough password"})
    assert added.exit_code == 0, added.output
    assert authenticate(engine, "zhanna", "long enough password").role == "admin"
    weak = runner.invoke(app, ["user", "add", "weak", "--password", "short", "--db", db])
    assert weak.exit_code == 1 and "at least" in weak.output

    token = runner.invoke(app, ["token", "create", "zhanna", "--db", db]).output.strip()
    assert token.startswith("fw_") and token_user(engine, token).name == "zhanna"
    assert runner.invoke(app, ["token", "create", "nobody", "--db", db]).exit_code == 1

    checked = runner.invoke(app, ["check", "Срочно звоните 8 701 555 01 01", "--json", "--db", db])
    assert json.loads(checked.output)["signals"][0]["kind"] == "watchlist_phone"
    plain = runner.invoke(app, ["check", "--url", "https://tengrinevvs.kz/x", "--db", db])
    assert plain.exit_code == 0 and "suspicious" in plain.output and "tengrinews.kz" in plain.output


def test_user_list_and_password_reset(web_template, tmp_path):
    from fakewatch.web.auth import session_user, start_session
    from datetime import timedelta

    engine = copy_store(web_template, tmp_path)
    db = str(engine.url)
    listed = json.loads(runner.invoke(app, ["user", "list", "--json", "--db", db]).output)
    assert [(u["name"], u["role"], u["disabled"]) for u in listed] == [("admin", "admin", False),
                                                                        ("ana", "analyst", False)]
    assert "analyst" in runner.invoke(app, ["user", "list", "--db", db]).output
    token, _csrf = start_session(engine, authenticate(engine, "ana", "correct horse battery"), timedelta(hours=1))
    reset = runner.invoke(app, ["user", "password", "ana", "--db", db], input="a new long password\n" * 2)
    assert reset.exit_code == 0, reset.output
    assert authenticate(engine, "ana", "a new long password") and not authenticate(engine, "ana", "correct horse battery")
    assert session_user(engine, token) is None  # the old session ended with the old password
    assert runner.invoke(app, ["user", "password", "nobody", "--password", "long enough pw", "--db", db]).exit_code == 1
    assert runner.invoke(app, ["user", "password", "ana", "--password", "short", "--db", db]).exit_code == 1


def test_version_reads_a_findings_file(tmp_path):
    from fakewatch import GENERATOR

    (tmp_path / "findings.json").write_text(json.dumps({"generator": "fakewatch 0.0.9", "campaigns": []}))
    shown = runner.invoke(app, ["version", str(tmp_path / "findings.json")])
    assert shown.exit_code == 0 and "fakewatch 0.0.9 wrote" in shown.output and GENERATOR in shown.output
    (tmp_path / "notes.txt").write_text("hello")
    refused = runner.invoke(app, ["version", str(tmp_path / "notes.txt")])
    assert refused.exit_code == 1 and "notes.txt" in refused.output
    assert runner.invoke(app, ["version"]).output.strip() == GENERATOR
