"""findings.json shape, report.html escaping and redaction, CSV and GEXF outputs on a hand-built store."""

from __future__ import annotations

import csv as pycsv
import json
import re

import networkx as nx
import pytest

from fakewatch.detect import campaigns
from fakewatch.report import csv, findings, graph, html
from tests.findings_docs import undocumented
from tests.report_store import BOTS, HTML_NAME, PHONE, SCRIPT, build

CAMPAIGN_KEYS = {"id", "title", "score", "first_seen", "last_seen", "messages", "accounts", "coordinated_accounts",
                 "seeders", "chats", "targets", "domains", "impersonates", "techniques", "evidence"}


@pytest.fixture
def investigated(fresh_db, tmp_path):
    pks = build(fresh_db)
    campaigns.run(fresh_db)
    record = findings.build(fresh_db)
    return fresh_db, record, pks, tmp_path / "out"


def test_findings_follow_the_contract(investigated):
    engine, record, pks, out = investigated
    path = findings.write(record, out)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) >= {"generator", "inputs", "campaigns", "candidates"}
    assert data["inputs"] == [{"path": "chats/result.json", "sha256": "ab" * 32, "messages": 42}]
    [c] = data["campaigns"]
    assert CAMPAIGN_KEYS <= set(c)
    assert c["id"] == "C1" and 0 <= c["score"] <= 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c["first_seen"])
    assert {m["message_id"] for m in c["messages"]} == {str(500 + i) for i in range(12)}
    assert all(set(m) == {"platform", "chat_id", "message_id"} for m in c["messages"])
    assert c["seeders"][0] == BOTS[0] and set(c["coordinated_accounts"]) == set(BOTS)
    assert c["targets"]["phones"] == [PHONE]
    assert len(c["chats"]) == 8 and all(ch.startswith("telegram:") for ch in c["chats"])
    assert all(set(e) >= {"kind", "detail", "messages"} for e in c["evidence"])
    assert {"T0048.004", "T0126.001", "T0119.001"} <= set(c["techniques"])


def test_report_escapes_hostile_text(investigated):
    engine, record, _, out = investigated
    page = html.write(engine, record, out).read_text(encoding="utf-8")
    assert SCRIPT not in page and "&lt;script&gt;window.__pwned" in page
    assert 'href="javascript:' not in page and "javascript:window.__pwned=2" in page.replace("&#34;", '"')
    assert HTML_NAME not in page and "<b>chat</b>" not in page
    assert "cdn." not in page.lower().split("<script>")[0]  # no external resources in the markup
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "ab" * 32 in page
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S):
        assert "<" not in block and json.loads(block)["data"]


def test_csv_tables_are_spreadsheet_safe(investigated, tmp_path):
    engine, record, _, out = investigated
    messages_csv, accounts_csv = csv.write(engine, out)
    rows = list(pycsv.DictReader(messages_csv.open(encoding="utf-8")))
    assert len(rows) == 12 and rows[0]["campaign"] == "C1" and rows[0]["input_sha256"] == "ab" * 32
    accounts = {r["account"]: r for r in pycsv.DictReader(accounts_csv.open(encoding="utf-8"))}
    assert set(accounts) == set(BOTS)
    assert accounts[BOTS[0]]["best_seeder_rank"] == "1" and accounts[BOTS[0]]["coordinated"] == "True"
    assert csv.cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")" and csv.cell("-1") == "'-1"


def test_gexf_opens_with_accounts_chats_and_edges(investigated):
    engine, record, _, out = investigated
    g = nx.read_gexf(graph.write(engine, out))
    kinds = nx.get_node_attributes(g, "kind")
    assert sum(k == "account" for k in kinds.values()) == 4 and sum(k == "chat" for k in kinds.values()) == 8
    edge_kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert edge_kinds == {"posted", "coordinated"}


def test_rerun_replaces_campaigns(investigated):
    engine, _, _, _ = investigated
    campaigns.run(engine)
    again = findings.build(engine)
    assert [c["id"] for c in again["campaigns"]] == ["C1"]


def test_every_findings_field_is_documented(investigated):
    """In docs/findings.md itself, so a clone without ../shared passes too (issue 15)."""
    _, record, _, _ = investigated
    assert undocumented(record) == []