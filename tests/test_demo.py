"""The demo scenario: deterministic, in the real exporters' shapes, and its truth matches its files."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fakewatch import sources
from fakewatch.cli import app
from fakewatch.demo import TRUTH, DemoError, generate, inputs
from fakewatch.ingest import ingest
from fakewatch.store import open_store
from fakewatch.store.tables.core import messages

SIZE = 4000
UTC_OFFSET = 5 * 3600


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _load(path: Path) -> dict:
    """A Telegram export as JSON, with Telegram Desktop's `\\xNN` escapes made valid first."""
    raw = path.read_text(encoding="utf-8")
    return json.loads(re.sub(r"(?<!\\)((?:\\\\)*)\\x([0-9a-f]{2})", r"\1\\u00\2", raw))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("demo"), seed=11, messages=SIZE)


@pytest.fixture(scope="module")
def truth(demo) -> dict:
    return json.loads((demo / TRUTH).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def stored(demo, tmp_path_factory):
    """The demo ingested with the project's own ingest: {identity: account}, plus the report."""
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('db') / 'store.db'}")
    report = ingest(engine, inputs(demo), options={"tz": "Asia/Almaty"})
    with engine.connect() as conn:
        rows = conn.execute(select(messages.c.platform, messages.c.chat_id, messages.c.message_id,
                                   messages.c.account_id, messages.c.sent_at, messages.c.text))
        by_id = {(r.platform, r.chat_id, r.message_id): r for r in rows}
    return report, by_id


def _has_whatsapp() -> bool:
    return any(s.NAME == "whatsapp" for s in sources.SOURCES)


def test_same_seed_same_bytes(demo, tmp_path):
    again = generate(tmp_path / "again", seed=11, messages=SIZE)
    assert _tree(again) == _tree(demo)


def test_other_seed_other_scenario(demo, tmp_path):
    other = generate(tmp_path / "other", seed=12, messages=SIZE)
    assert (other / TRUTH).read_bytes() != (demo / TRUTH).read_bytes()


def test_same_campaigns_at_every_size():
    from fakewatch.demo.scenario import build

    def planted(messages: int) -> list[tuple]:
        scenario = build(11, messages)
        return sorted((p.ts, p.author.key, p.text) for posts in scenario.specials.values() for p in posts
                      if p.tag and p.tag.startswith("campaign") and not p.unwitting)

    small = planted(SIZE)
    assert len(small) > 400 and small == planted(200_000)


def test_layout(demo, truth):
    assert (demo / "telegram" / "full_export" / "result.json").is_file()
    singles = [p for p in (demo / "telegram").glob("*/result.json") if p.parent.name != "full_export"]
    assert len(singles) >= 5
    assert len(list((demo / "whatsapp").glob("*.txt"))) == 2
    assert len(list((demo / "web").glob("*.html"))) >= 2
    assert truth["messages"] == SIZE
    assert {c["kind"] for c in truth["campaigns"]} == {"march_call", "payment_promise", "deepfake_video",
                                                       "fake_article"}


def test_telegram_shapes(demo):
    full = _load(demo / "telegram" / "full_export" / "result.json")
    assert {"about", "personal_information", "chats", "left_chats"} <= set(full)
    chats = full["chats"]["list"]
    assert len(chats) >= 25 and len(full["left_chats"]["list"]) == 1
    assert {c["type"] for c in chats} >= {"private_supergroup", "public_supergroup", "public_channel",
                                          "private_group", "personal_chat"}
    msgs = [m for c in chats for m in c["messages"]]
    for m in msgs[:2000]:
        assert isinstance(m["id"], int) and isinstance(m["date_unixtime"], str)
        local = m["date"]  # the exporter's clock, Kazakhstan time, no offset
        assert local[:10] >= "2025-04-1" and "+" not in local and "Z" not in local
        if isinstance(m["text"], list):
            assert "".join(p if isinstance(p, str) else p["text"] for p in m["text"]) == "".join(
                e["text"] for e in m["text_entities"])
    kinds = Counter(m.get("media_type", "photo" if "photo" in m else None) for m in msgs)
    assert kinds["photo"] and kinds["video_file"] and kinds["sticker"] and kinds["voice_message"]
    assert any(m.get("photo", "").startswith("(File not included.") for m in msgs)
    assert any(m.get("forwarded_from") for m in msgs) and any("reply_to_message_id" in m for m in msgs)
    assert any(m.get("from_id", "").startswith("channel") for m in msgs)
    assert any(m.get("action") == "join_group_by_link" for m in msgs)
    assert any(isinstance(m.get("edited_unixtime"), str) and m["edited"] > m["date"] for m in msgs)
    assert any(m.get("from", "") is None for m in msgs)  # deleted accounts
    entity_types = {e["type"] for m in msgs for e in m["text_entities"]}
    assert {"plain", "link", "phone", "text_link", "hashtag", "mention"} <= entity_types
    links = {e["text"] for m in msgs for e in m["text_entities"] if e["type"] == "link"}
    assert any(link.startswith("t.me/") for link in links) and "https://clck.ru/3Fk9Qw" in links
    assert b"\\x0b" in (demo / "telegram" / "full_export" / "result.json").read_bytes()


def test_dates_are_local_time(demo):
    from datetime import datetime, timezone

    chat = _load(next(p for p in (demo / "telegram").glob("*/result.json") if p.parent.name != "full_export"))
    for m in chat["messages"][:200]:
        shifted = datetime.fromtimestamp(int(m["date_unixtime"]) + UTC_OFFSET, timezone.utc)
        assert shifted.replace(tzinfo=None).isoformat() == m["date"]


def test_chat_in_both_exports_is_identical(demo):
    full = _load(demo / "telegram" / "full_export" / "result.json")
    in_full = {c["id"]: c for c in full["chats"]["list"]}
    both = 0
    for path in (demo / "telegram").glob("*/result.json"):
        if path.parent.name == "full_export":
            continue
        single = _load(path)
        if single["id"] in in_full:
            both += 1
            assert single["messages"] == in_full[single["id"]]["messages"]
    assert both == 1


def test_whatsapp_layouts(demo):
    files = {p.name: p.read_bytes() for p in (demo / "whatsapp").glob("*.txt")}
    android = next(b for b in files.values() if not b.startswith("\u200e".encode()))
    ios = next(b for b in files.values() if b.startswith("\u200e[".encode()))
    assert b"\r\n" not in android and re.match(rb"\d\d\.\d\d\.2025, \d\d:\d\d - ", android)
    assert ios.count(b"\r\n") == ios.count(b"\n")
    assert "<Без медиафайлов>".encode() in android
    assert "Данное сообщение удалено.".encode() in android
    assert re.search("\u200e(image|video|audio|sticker) omitted".encode(), ios)


def test_fake_pages_claim_the_outlet(demo, truth):
    fake = next(c for c in truth["campaigns"] if c["domains"])
    pages = {p.name: p.read_text(encoding="utf-8") for p in (demo / "web").glob("*.html")}
    for domain, outlet in zip(fake["domains"], fake["impersonates"]):
        page = next(text for name, text in pages.items() if name.startswith(domain))
        assert "saved from url=" in page and f'href="https://{outlet}/' in page
        for tracker in fake["trackers"]:
            assert tracker in page
    genuine = next(text for name, text in pages.items() if name.startswith(fake["impersonates"][0]))
    assert not any(t in genuine for t in fake["trackers"])


def test_files_ingest_without_refusal(stored, truth):
    report, by_id = stored
    assert not report.refused, report.refused
    formats = {f.format for f in report.files}
    assert "telegram" in formats
    if not _has_whatsapp():
        pytest.skip("fakewatch.sources has no whatsapp module yet: the WhatsApp files are not checked")
    assert "whatsapp" in formats
    assert len(by_id) == truth["messages"]


def test_truth_matches_the_files(stored, truth):
    _report, by_id = stored
    for campaign in truth["campaigns"]:
        allowed = set(campaign["coordinated_accounts"]) | set(campaign["unwitting_accounts"])
        posted_by = Counter()
        first = None
        for item in campaign["messages"]:
            key = (item["platform"], item["chat_id"], item["message_id"])
            if key[0] == "whatsapp" and not _has_whatsapp():
                continue
            row = by_id[key]
            assert row.account_id in allowed, (campaign["id"], key)
            posted_by[row.account_id] += 1
            if first is None or row.sent_at < first.sent_at:
                first = row
        assert first is not None and first.account_id == campaign["seeder"]
        coordinated = [a for a in campaign["coordinated_accounts"] if a.startswith("telegram:")]
        assert all(posted_by[a] for a in coordinated)
        assert len(coordinated) >= 10
        fresh = [a for a in coordinated if int(a.removeprefix("telegram:user")) > 7_500_000_000]
        assert len(coordinated) > len(fresh) >= 0.6 * len(coordinated)  # mostly new accounts, a few bought old ones
        assert not set(campaign["unwitting_accounts"]) & set(campaign["coordinated_accounts"])
        chats = {m["chat_id"] for m in campaign["messages"]}
        days = {by_id[(m["platform"], m["chat_id"], m["message_id"])].sent_at.date() for m in campaign["messages"]
                if m["platform"] == "telegram"}
        assert len(chats) >= 15 and len(days) >= 3
    benign = Counter()
    for item in truth["benign_viral"]:
        key = (item["platform"], item["chat_id"], item["message_id"])
        if key[0] == "telegram" or _has_whatsapp():
            text = by_id[key].text
            benign["statement" if text.startswith("ОФИЦИАЛЬНО") else "alert" if "Амина" in text else text] += 1
    assert set(benign) == {"statement", "alert"} and min(benign.values()) >= 40


def test_campaign_phones_vary_in_format(truth, stored):
    _report, by_id = stored
    calls = next(c for c in truth["campaigns"] if c["kind"] == "march_call")
    texts = [by_id[(m["platform"], m["chat_id"], m["message_id"])].text for m in calls["messages"]
             if m["platform"] == "telegram"]
    national = calls["targets"]["phones"][0][2:]
    spellings = set()
    for text in texts:
        for match in re.finditer(r"[+\d][\d ()\-.]{9,18}\d", text):
            if re.sub(r"\D", "", match.group())[-10:] == national:
                spellings.add(match.group())
    assert len(spellings) >= 4
    assert len(set(texts)) > len(texts) / 3  # reworded, not one text pasted


def test_quoting_warnings_are_not_campaign_messages(truth, stored):
    from fakewatch.demo.texts import QUOTE_WARNINGS

    _report, by_id = stored
    planted = {(m["platform"], m["chat_id"], m["message_id"]) for c in truth["campaigns"] for m in c["messages"]}
    quoting = [key for key, row in by_id.items() if row.text.startswith(QUOTE_WARNINGS) and "«" in row.text]
    assert len(quoting) == 10 and not planted & set(quoting)


def test_refuses_to_overwrite_other_folders(tmp_path):
    (tmp_path / "telegram").mkdir()
    with pytest.raises(DemoError):
        generate(tmp_path, messages=2000)


def test_cli_generate_only(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "d"), "--messages", "2500",
                                      "--generate-only"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "d" / TRUTH).read_text(encoding="utf-8"))["messages"] == 2500
