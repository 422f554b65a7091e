"""The hard scenario (issue 13): deterministic, its truth matches its files, and every class has its shape.

Properties are asserted over several seeds, never figures of one seed; detection
results are not tested here (the lead scores the detectors against this truth).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.demo import TRUTH, generate, inputs
from fakewatch.demo import hard_texts as ht
from fakewatch.demo.hard import AKIMAT, HISTORY, build
from fakewatch.ingest import ingest
from fakewatch.outlets import bundled_outlets
from fakewatch.store import open_store
from fakewatch.store.tables.core import messages

SEEDS = (1, 2, 3)
SIZE = 5000  # small enough to be quick; the planted classes are the same at every size
FIVE_MINUTES = 300


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module", params=SEEDS)
def case(request, tmp_path_factory):
    """One seed's scenario written and ingested with the project's own ingest: (folder, truth, rows by identity)."""
    folder = generate(tmp_path_factory.mktemp(f"hard{request.param}"), seed=request.param, messages=SIZE,
                      scenario="hard")
    truth = json.loads((folder / TRUTH).read_text(encoding="utf-8"))
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('db') / 'store.db'}")
    ingest(engine, inputs(folder), options={"tz": "Asia/Almaty"})
    with engine.connect() as conn:
        rows = conn.execute(select(messages.c.platform, messages.c.chat_id, messages.c.message_id,
                                   messages.c.account_id, messages.c.sent_at, messages.c.text,
                                   messages.c.forwarded_from))
        by_id = {(r.platform, r.chat_id, r.message_id): r for r in rows}
    return folder, truth, by_id


def _key(item: dict) -> tuple[str, str, str]:
    return item["platform"], item["chat_id"], item["message_id"]


def _campaign(truth: dict, kind: str) -> dict:
    return next(c for c in truth["campaigns"] if c["kind"] == kind)


def _rows(case, items: list[dict]) -> list:
    _folder, _truth, by_id = case
    return sorted((by_id[_key(m)] for m in items), key=lambda r: r.sent_at)


def test_same_seed_same_bytes_other_seed_other_scenario(tmp_path):
    one = generate(tmp_path / "a", seed=1, messages=SIZE, scenario="hard")
    again = generate(tmp_path / "b", seed=1, messages=SIZE, scenario="hard")
    other = generate(tmp_path / "c", seed=2, messages=SIZE, scenario="hard")
    assert _tree(one) == _tree(again)
    assert (other / TRUTH).read_bytes() != (one / TRUTH).read_bytes()


def test_layout_and_size(case):
    folder, truth, by_id = case
    assert truth["scenario"] == "hard" and abs(truth["messages"] - SIZE) < 0.02 * SIZE
    assert len(by_id) == truth["messages"]
    singles = [p for p in (folder / "telegram").glob("*/result.json") if p.parent.name != "full_export"]
    assert (folder / "telegram" / "full_export" / "result.json").is_file() and len(singles) >= 5
    assert len(list((folder / "whatsapp").glob("*.txt"))) == 2
    chats = {(r.platform, r.chat_id) for r in by_id.values()}
    assert 38 <= len(chats) <= 45


def test_default_size_is_a_city_corpus_and_quick():
    scenario = build(7)
    total = sum(scenario.chatter_counts.values()) + sum(len(v) for v in scenario.specials.values())
    assert 25_000 <= total <= 30_000 and 38 <= len(scenario.chats) <= 45


def test_every_truth_identity_is_in_the_exports(case):
    _folder, truth, by_id = case
    for campaign in truth["campaigns"]:
        allowed = set(campaign["coordinated_accounts"]) | set(campaign["unwitting_accounts"])
        rows = _rows(case, campaign["messages"])
        assert {r.account_id for r in rows} <= allowed
        assert set(campaign["coordinated_accounts"]) <= {r.account_id for r in rows}
        assert not set(campaign["unwitting_accounts"]) & set(campaign["coordinated_accounts"])
        assert rows[0].account_id == campaign["seeder"], campaign["id"]  # the seeder posted the content first
    for group in truth["legit_coordinated"]:
        assert {r.account_id for r in _rows(case, group["messages"])} == set(group["accounts"])
    for item in truth["benign_viral"]:
        assert _key(item) in by_id
    tagged = [_key(m) for c in truth["campaigns"] for m in c["messages"]]
    tagged += [_key(m) for g in truth["legit_coordinated"] for m in g["messages"]] + [_key(m) for m in truth["benign_viral"]]
    assert len(tagged) == len(set(tagged))  # no message is in two classes


def test_every_class_is_present(case):
    _folder, truth, _by_id = case
    assert {c["kind"] for c in truth["campaigns"]} == {"doxxing_march_call", "payment_promise", "lookalike_outlet",
                                                       "paraphrased_copies", "sockpuppet_copypasta"}
    kinds = Counter(g["kind"] for g in truth["legit_coordinated"])
    assert kinds["official_crosspost"] == 2 and kinds["news_syndication"] == 1 and kinds["spam_ring"] == 1
    assert kinds["seller_adverts"] >= 10
    for campaign in truth["campaigns"]:
        assert {"id", "title", "messages", "coordinated_accounts", "unwitting_accounts", "seeder", "targets",
                "domains", "impersonates"} <= set(campaign)


def test_doxxing_lists_journalists_phones_under_a_false_organiser(case):
    _folder, truth, _by_id = case
    campaign = _campaign(truth, "doxxing_march_call")
    rows = _rows(case, campaign["messages"])
    assert set(campaign["targets"]["phones"]) == {"+7" + p for _n, p in ht.JOURNALISTS}
    assert ht.ORGANISER in campaign["targets"]["persons"]
    for row in rows:
        digits = re.sub(r"\D", "", row.text)
        assert sum(p[3:] in digits for _n, p in ht.JOURNALISTS) >= 2  # at least two journalists' numbers
        assert "Серикбаев" in row.text or "Серікбаев" in row.text
    assert len({r.chat_id for r in rows}) >= 12 and len({r.sent_at.date() for r in rows}) >= 4
    assert campaign["unwitting_accounts"] and any(r.forwarded_from for r in rows)


def test_paid_participation_names_one_contact(case):
    _folder, truth, _by_id = case
    campaign = _campaign(truth, "payment_promise")
    assert campaign["targets"]["phones"] == ["+7" + ht.PAYER[1]]
    rows = _rows(case, campaign["messages"])
    assert all(ht.PAYER[1][3:] in re.sub(r"\D", "", r.text) for r in rows)
    assert {r.platform for r in rows} == {"telegram", "whatsapp"}


def test_lookalike_campaign_aged_posters_distinct_paths_varied_captions(case):
    _folder, truth, by_id = case
    campaign = _campaign(truth, "lookalike_outlet")
    real = campaign["impersonates"][0]
    assert real in {o.domain for o in bundled_outlets()} and campaign["domains"] == [ht.LOOKALIKE]
    rows = _rows(case, campaign["messages"])
    posters = campaign["coordinated_accounts"]
    assert len(posters) == 4
    own = [r for r in rows if r.account_id in posters]
    assert len(own) == 32 and Counter(r.account_id for r in own) == {a: 8 for a in posters}
    days = Counter(r.sent_at.date() for r in own)
    assert sorted(days.values()) == [16, 16]  # two waves of 16
    paths = [re.search(rf"{re.escape(ht.LOOKALIKE)}(/[^\s?]*)", r.text).group(1) for r in own]
    assert len(set(paths)) == len(paths)
    captions = {re.sub(r"https?://\S+", "LINK", r.text) for r in own}
    assert len(captions) >= 8 and all(len(c) < 60 for c in captions)
    first = {a: min(r.sent_at for r in own if r.account_id == a) for a in posters}
    history = Counter(r.account_id for r in by_id.values() if r.account_id in first and r.sent_at < first[r.account_id])
    assert all(history[a] >= HISTORY for a in posters)  # aged, living accounts
    assert all(int(a.removeprefix("telegram:user")) < 2_000_000_000 for a in posters)
    forwards = [r for r in rows if r.account_id not in posters]
    assert len(forwards) >= 3 and set(campaign["unwitting_accounts"]) == {r.account_id for r in forwards}


def test_paraphrased_copies_within_a_minute_and_far_apart_as_text(case):
    _folder, truth, _by_id = case
    campaign = _campaign(truth, "paraphrased_copies")
    rows = _rows(case, campaign["messages"])
    events: list[list] = []
    for row in rows:
        if not events or (row.sent_at - events[-1][0].sent_at).total_seconds() > 600:
            events.append([])
        events[-1].append(row)
    assert len(events) == len(ht.EVENTS) and 9 <= len(campaign["coordinated_accounts"]) <= 12
    for event in events:
        assert (event[-1].sent_at - event[0].sent_at).total_seconds() <= 60
        assert len({r.account_id for r in event}) == len(event) == len(campaign["coordinated_accounts"])
        assert len({r.chat_id for r in event}) >= 3
        grams = [ht.five_grams(r.text) for r in event]
        assert max(ht.jaccard(a, b) for a, b in combinations(grams, 2)) < 0.6


def test_paraphrase_replaces_about_a_third_of_the_words():
    from random import Random

    rng = Random(5)
    for event in ht.EVENTS:
        words = Counter(event.replace(",", "").lower().split())
        copy = ht.paraphrase(rng, event).lower().split()
        gone = sum(n - min(n, copy.count(w)) for w, n in words.items())
        assert 0.2 <= gone / sum(words.values()) <= 0.4


def test_sockpuppets_present_one_text_as_their_own(case):
    _folder, truth, _by_id = case
    campaign = _campaign(truth, "sockpuppet_copypasta")
    rows = _rows(case, campaign["messages"])
    assert len(campaign["coordinated_accounts"]) >= 10 and not campaign["unwitting_accounts"]
    assert not any(r.forwarded_from for r in rows)
    assert all(ht.TESTIMONY.strip(", ") in r.text and r.text.startswith(ht.VOICES) for r in rows)


def test_official_notices_cross_posted_within_five_minutes(case):
    _folder, truth, _by_id = case
    offices = [g for g in truth["legit_coordinated"] if g["kind"] == "official_crosspost"]
    for group in offices:
        notices: dict[str, list] = defaultdict(list)
        for row in _rows(case, group["messages"]):
            notices[row.text.removeprefix(f"{AKIMAT} сообщает:\n")].append(row)
        assert len(notices) >= 4
        for rows in notices.values():
            burst = [r for r in rows if (r.sent_at - rows[0].sent_at).total_seconds() <= FIVE_MINUTES]
            assert 7 <= len({r.chat_id for r in burst}) <= 11  # its own channel, then 6-10 city chats
    akimat = offices[0]
    assert len(akimat["accounts"]) == 3  # the akimat, its press secretary, the district office passing notices on
    reposts = [r for r in _rows(case, akimat["messages"]) if "сообщает" in r.text or r.forwarded_from]
    assert reposts and all("Акимат" in (r.forwarded_from or r.text) for r in reposts)


def test_other_honest_coordination(case):
    _folder, truth, _by_id = case
    groups = truth["legit_coordinated"]
    news = next(g for g in groups if g["kind"] == "news_syndication")
    stories = Counter(r.text.split("\n")[0] for r in _rows(case, news["messages"]))
    assert len(news["accounts"]) == 3 and min(stories.values()) >= 3
    spam = next(g for g in groups if g["kind"] == "spam_ring")
    assert len(spam["accounts"]) >= 6 and len({m["chat_id"] for m in spam["messages"]}) >= 10
    for seller in (g for g in groups if g["kind"] == "seller_adverts"):
        rows = _rows(case, seller["messages"])
        assert len(seller["accounts"]) == 1 and len(rows) >= 3
        assert len({re.sub(r"\D", "", r.text)[-7:] for r in rows}) == 1  # one phone


def test_benign_viral_and_rebuttals(case):
    _folder, truth, by_id = case
    rows = _rows(case, truth["benign_viral"])
    texts = [r.text for r in rows]
    assert sum("Ерасыл" in t for t in texts) >= 30  # the missing-child alert
    for chain in ht.VIRAL:
        gist = re.sub(r"[!.]", "", chain)[:40]  # copies trade "!" for "." and add emoji
        pasted = [r for r in rows if gist in re.sub(r"[!.]", "", r.text)]
        assert len({r.account_id for r in pasted}) >= 20 and len(pasted) >= 25
        assert (pasted[-1].sent_at - pasted[0].sent_at).total_seconds() > 3600  # over hours, not minutes
    assert sum(t == ht.CARD for t in texts) >= 25
    campaign_texts = {by_id[_key(m)].text for c in truth["campaigns"] for m in c["messages"]}
    quoting = [t for t in texts if "«" in t and t.split("«", 1)[1].rsplit("»", 1)[0] in campaign_texts]
    assert len(quoting) >= 15
    assert any(ht.LOOKALIKE in t for t in texts)


def test_lots_of_very_short_messages(case):
    _folder, truth, by_id = case
    tagged = {_key(m) for c in truth["campaigns"] for m in c["messages"]}
    ordinary = [r for k, r in by_id.items() if k not in tagged]
    short = sum(len(r.text.strip()) <= 4 for r in ordinary)
    assert short / len(ordinary) >= 0.25
    assert Counter(r.text for r in ordinary)[""] >= 0.03 * len(ordinary)  # stickers and media without captions


def test_demo_command_writes_the_hard_scenario(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--scenario", "hard", "--seed", "4", "--messages", "3000",
                                      "--out", str(tmp_path / "h"), "--generate-only"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "h" / TRUTH).read_text(encoding="utf-8"))["scenario"] == "hard"
    refused = CliRunner().invoke(app, ["demo", "--scenario", "nope", "--out", str(tmp_path / "x"), "--generate-only"])
    assert refused.exit_code == 1 and "no scenario 'nope'" in refused.output
