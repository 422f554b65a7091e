"""`fakewatch detect`, `clusters` and `accounts --coordinated`: JSON for machines, escaped tables for people."""

from __future__ import annotations

import json
from datetime import timedelta

from typer.testing import CliRunner

from fakewatch.cli import app
from tests.test_detect_store import T0, _scenario, _store

HOSTILE = "[bold red]ОФИЦИАЛЬНО[/] [link=http://evil.example]все на марш[/link] завтра у акимата, сбор в 10:00, не молчите"


def _db(fresh_db):
    rows = _scenario()
    rows += [{"chat": f"city{k}", "account": f"telegram:user{500 + k}", "text": HOSTILE,
              "at": T0 + timedelta(days=5, hours=k)} for k in range(3)]
    _store(fresh_db, rows)
    return str(fresh_db.url)


def test_detect_then_json_views(fresh_db):
    db = _db(fresh_db)
    runner = CliRunner()
    done = runner.invoke(app, ["detect", "--db", db, "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["coordinated_accounts"] == 3 and report["clusters"]["text"] >= 4
    clusters = json.loads(runner.invoke(app, ["clusters", "--db", db, "--json", "--kind", "text"]).output)
    assert {c["kind"] for c in clusters} == {"text"} and all(c["seeders"] for c in clusters)
    accounts = json.loads(runner.invoke(app, ["accounts", "--coordinated", "--db", db, "--json"]).output)
    assert {a["account_id"] for a in accounts} == {"telegram:user9001", "telegram:user9002", "telegram:user9003"}
    assert all(len(a["partners"]) == 2 and a["co_posts"] >= 6 for a in accounts)


def test_tables_show_hostile_text_literally(fresh_db):
    db = _db(fresh_db)
    runner = CliRunner()
    assert runner.invoke(app, ["detect", "--db", db]).exit_code == 0
    shown = runner.invoke(app, ["clusters", "--db", db, "--min-accounts", "3"], env={"COLUMNS": "300"}).output
    assert "[bold red]ОФИЦИАЛЬНО[/]" in shown
    table = runner.invoke(app, ["accounts", "--coordinated", "--db", db], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "telegram:user9002" in table.output


def test_piped_tables_keep_whole_ids_and_unknown_kinds_are_refused(fresh_db):
    """Issue 15: `clusters | cat` cut ids to "7…"; `--kind bogus` printed an empty table and exited 0."""
    db = _db(fresh_db)
    runner = CliRunner()  # its stdout is not a terminal, as in a pipe; no COLUMNS set
    assert runner.invoke(app, ["detect", "--db", db]).exit_code == 0
    accounts = runner.invoke(app, ["accounts", "--coordinated", "--db", db], env={"COLUMNS": None})
    assert all(f"telegram:user900{i}" in accounts.output for i in (1, 2, 3)) and "…" not in accounts.output
    rows = json.loads(runner.invoke(app, ["clusters", "--db", db, "--json"]).output)
    shown = runner.invoke(app, ["clusters", "--db", db], env={"COLUMNS": None}).output
    assert all(r["seeders"][0] in shown for r in rows if r["seeders"])
    bogus = runner.invoke(app, ["clusters", "--db", db, "--kind", "bogus"], env={"COLUMNS": "300"})
    assert bogus.exit_code == 2 and "kinds: text, link, domain, phone, forward, media" in bogus.output
    assert "phone" in runner.invoke(app, ["clusters", "--help"], env={"COLUMNS": "200"}).output
