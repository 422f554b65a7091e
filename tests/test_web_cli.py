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
