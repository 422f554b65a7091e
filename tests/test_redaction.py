"""Redaction hides personal data, never evidence, and never changes an output's structure (issue 15, item 2)."""

from __future__ import annotations

import csv as pycsv
import re

import networkx as nx
import pytest

from fakewatch.detect import campaigns
from fakewatch.report import csv, findings, graph, html
from fakewatch.report.redaction import Redaction, Redactor
from tests.report_store import BOTS, HTML_NAME, PHONE, build

PHONES = Redaction(phones=True)
ALL = Redaction(phones=True, names=True)
# The national digits of the store's phone number, written with any separators in between.
DIGITS = re.compile(r"7\D{0,3}0\D{0,3}1\D{0,3}5\D{0,3}5\D{0,3}5\D{0,3}0\D{0,3}1\D{0,3}0\D{0,3}1")


@pytest.fixture
def investigated(fresh_db, tmp_path):
    build(fresh_db)
    campaigns.run(fresh_db)
    return fresh_db, findings.build(fresh_db), tmp_path


def outputs(engine, record, folder, redaction) -> dict[str, str]:
    paths = [html.write(engine, record, folder, redaction=redaction), graph.write(engine, folder, redaction=redaction),
             *csv.write(engine, folder, redaction=redaction)]
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


@pytest.mark.parametrize("redaction", [PHONES, ALL])
def test_no_phone_digits_anywhere_but_ids_stay(investigated, redaction):
    engine, record, tmp = investigated
    for name, text in outputs(engine, record, tmp / "out", redaction).items():
        assert not DIGITS.search(text), name
        assert PHONE not in text, name
        assert BOTS[0] in text, name  # Telegram user ids are ids, not phone numbers
    page = html.render(engine, record, redaction=redaction)
    assert "[phone 1]" in page
    assert "500" in page  # message ids stay


def test_names_are_pseudonyms_only_on_request(investigated):
    engine, record, tmp = investigated
    plain = outputs(engine, record, tmp / "phones", PHONES)
    hidden = outputs(engine, record, tmp / "names", ALL)
    assert "Name 0001" in plain["accounts.csv"] and "Name 0001" not in "".join(hidden.values())
    rows = list(pycsv.DictReader((tmp / "names" / "accounts.csv").open(encoding="utf-8")))
    pseudonyms = [r["name"] for r in rows]
    assert len(set(pseudonyms)) == len(rows) == len(BOTS) and all(p.startswith("member ") for p in pseudonyms)
    assert "&lt;img" not in hidden["report.html"] and HTML_NAME not in hidden["report.html"]


@pytest.mark.parametrize("redaction", [PHONES, ALL])
def test_gexf_keeps_every_node_and_edge(investigated, redaction):
    engine, record, tmp = investigated
    plain = nx.read_gexf(graph.write(engine, tmp / "plain"))
    hidden = nx.read_gexf(graph.write(engine, tmp / "hidden", redaction=redaction))
    assert plain.number_of_nodes() == hidden.number_of_nodes()
    assert plain.number_of_edges() == hidden.number_of_edges()
    assert nx.is_isomorphic(plain, hidden, edge_match=lambda a, b: a["kind"] == b["kind"] and a["weight"] == b["weight"])


def test_pseudonyms_are_stable_and_never_collide():
    # numbers that the old mask (first digit and last two kept) turned into one `+7•••••••••20`
    numbers = [f"+7701{n:05d}20" for n in range(50)] + ["+77015550101"]
    accounts = [f"whatsapp:{p}" for p in numbers] + ["whatsapp:Айгуль", "whatsapp:Айгуль Н.", "telegram:user7697338753"]
    one, two = Redactor(ALL, numbers, accounts), Redactor(ALL, reversed(numbers), reversed(accounts))
    shown = [one.account(a) for a in accounts]
    assert len(set(shown)) == len(accounts)
    assert shown == [two.account(a) for a in accounts]
    assert shown[-1] == "telegram:user7697338753"
    assert len({one.name(a, "Айгуль") for a in accounts}) == len(accounts)


@pytest.mark.parametrize("text, shown", [
    ("Звоните 8 (701) 555-01-01 или +7 701 555 0101!", "Звоните [phone 1] или [phone 1]!"),
    ("+7\u200d701\u200b555 01 01", "[phone 1]"),
    ("Сейткали 701.555.01.01 / Жумабеков 8.777.555.02.02", "Сейткали [phone 1] / Жумабеков [phone]"),
    ("telegram:user7697338753 and channel 1100960788", "telegram:user7697338753 and channel 1100960788"),
    ("ym(98765432) UA-12345678-1 https://shyndyk-kz.info/news/51873", "ym(98765432) UA-12345678-1 https://shyndyk-kz.info/news/51873"),
    ("26.04 в 10:30, 5 000 тенге, 2025-04-18 06:12", "26.04 в 10:30, 5 000 тенге, 2025-04-18 06:12"),
    ("a number the store never saw: +7 777 123 45 67", "a number the store never saw: [phone]"),
])
def test_text_hides_phones_and_keeps_evidence(text, shown):
    assert Redactor(PHONES, [PHONE]).text(text) == shown


def test_no_redaction_changes_nothing():
    hide = Redactor()
    assert hide.text("+7 701 555 01 01") == "+7 701 555 01 01"
    assert hide.account("whatsapp:+77015550101") == "whatsapp:+77015550101" and hide.name("a", "Bob") == "Bob"


def test_channel_forwards_keep_their_name_person_forwards_do_not():
    hide = Redactor(ALL, [], [])
    assert hide.sender("Халық Шеруі", "telegram:channel1755") == "Халық Шеруі"
    assert hide.sender("Айгуль", "telegram:user42") == "[name]"
