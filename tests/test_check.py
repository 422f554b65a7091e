"""The public check: same normalisation as detection, the answer's exact shape, signals without a campaign."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fakewatch.check import KNOWN, Checker
from fakewatch.check.content import content_words
from fakewatch.check.index import CampaignIndex
from fakewatch.enrich.normalize import template
from fakewatch.store.tables.core import messages
from tests.report_store import JS_LINK
from tests.web_store import PHONE, SCRIPT, WATCHED, build_web_store, copy_store, web_template  # noqa: F401

STORED = f"Все на марш у акимата! Организатор +7 701 555 01 01 {SCRIPT} {JS_LINK}"


@pytest.fixture(scope="module")
def checker(web_template, tmp_path_factory):
    return Checker(copy_store(web_template, tmp_path_factory.mktemp("check")))


@pytest.mark.parametrize("variant", [
    STORED,
    STORED.replace("а", "a"),  # Latin look-alike letters planted in the Cyrillic words
    STORED.replace("+7 701 555 01 01", "8 (702) 111-22-33"),  # another number listed
    "\u200b🔥 " + STORED.upper() + " 🔥",  # decoration, zero-width space, case
])
def test_campaign_variants_are_known_fakes(checker, variant):
    result = checker.check_text(variant)
    assert result["verdict"] == "known_fake"
    [match] = result["matches"]
    assert match["campaign_id"] == "C1" and match["similarity"] >= KNOWN and match["chats"] == 8
    assert match["first_seen"] == "2025-04-18T06:00:00Z"


def test_answer_has_exactly_the_documented_shape(checker):
    result = checker.check_text(STORED)
    assert set(result) == {"verdict", "matches", "signals"}
    assert set(result["matches"][0]) == {"campaign_id", "title", "similarity", "first_seen", "chats", "debunk"}
    assert 0.0 <= result["matches"][0]["similarity"] <= 1.0


def test_unrelated_text_has_no_match(checker):
    assert checker.check_text("Завтра в школе родительское собрание в 18:00, приходите") == \
        {"verdict": "no_match", "matches": [], "signals": []}


def test_watchlisted_phone_is_a_signal_without_a_campaign(checker):
    result = checker.check_text("Срочно звоните 8 701 555 01 01, там раздают деньги")
    assert result["verdict"] == "suspicious" and result["matches"] == []
    assert {"kind": "watchlist_phone", "phone": PHONE, "person": WATCHED} in result["signals"]


@pytest.mark.parametrize("ask", ["text", "url"])
def test_lookalike_outlet_link_is_a_signal(checker, ask):
    link = "https://tengrinevvs.kz/news/marsh"
    result = checker.check_text(f"Читайте: {link}") if ask == "text" else checker.check_url(link)
    assert result["verdict"] == "suspicious"
    assert {"kind": "lookalike_domain", "domain": "tengrinevvs.kz", "impersonates": "tengrinews.kz"} \
        in result["signals"]


def test_real_outlet_and_junk_urls_are_no_match(checker):
    assert checker.check_url("https://tengrinews.kz/kazakhstan_news/1")["verdict"] == "no_match"
    assert checker.check_url("not a url")["verdict"] == "no_match"


def test_index_finds_near_duplicates_through_bands_and_short_texts_exactly():
    long_text = template("Внимание! Завтра всем собраться у акимата в 12:00, за участие платят 5000 тенге")
    index = CampaignIndex.build([(long_text, 0), (template("короткий текст"), 1)])
    near = index.query(template("Внимание!! Завтра всем собраться у акимата в 11:00, за участие платят 7000 тенге!"))
    assert near[0] >= KNOWN
    assert index.query(template("короткий текст")) == {1: 1.0}
    assert index.query(template("короткий тест")) == {}
    assert index.query(template("Совсем другой длинный текст про погоду в Алматы на выходных и в понедельник")) == {}


@pytest.mark.parametrize(("text", "words"), [
    ("👍", []), (".", []), ("", []), ("+", []), ("Ок!", []), ("Спасибо большое 🙏", []), ("хахаха", []),
    ("Звоните +7 701 555 01 01", ["звоните"]), ("https://bit.ly/x 🔥", []),
    ("Смотрите до кoнцa!!! ⚡", ["смотрите", "до", "конца"]),
])
def test_content_words_leave_out_emoji_placeholders_and_phatic_replies(text, words):
    assert content_words(template(text)) == words


def test_index_ignores_texts_without_content():
    """The deepfake campaign's empty captions matched every empty, emoji-only or "+" text as a known fake."""
    index = CampaignIndex.build([(template(""), 0), (template("🔥🔥"), 1), (template("++"), 2), (template("Да!"), 3)])
    assert len(index) == 0
    for text in ("", "👍", ".", "+", "да"):
        assert index.query(template(text)) == {}


def test_naming_a_campaign_domain_is_suspicious_linking_its_page_is_known(web_template, tmp_path):
    from fakewatch.store.tables.campaigns import campaigns

    engine = copy_store(web_template, tmp_path)
    with engine.begin() as conn:
        data = conn.execute(campaigns.select()).mappings().first()["data"]
        conn.execute(campaigns.update().values(data={**data, "domains": ["shyndyk-kz.info"]}))
    checker = Checker(engine)
    rebuttal = checker.check_text("Проверил: такой статьи нет, ссылка ведёт на shyndyk-kz.info")
    assert rebuttal["verdict"] == "suspicious" and rebuttal["matches"][0]["campaign_id"] == "C1"
    assert checker.check_text("Читайте 👉 https://shyndyk-kz.info/news/48211/")["verdict"] == "known_fake"


def test_coordinated_activity_is_neither_fake_nor_suspicious(web_template, tmp_path):
    """An office cross-posting its own notice is listed as coordinated activity (A1), never a campaign."""
    from datetime import datetime

    from fakewatch.store.tables.campaigns import campaign_messages, campaigns

    engine = copy_store(web_template, tmp_path)
    notice = "обычное сообщение 5"  # a chatter message of the store, standing in for the office's notice
    with engine.begin() as conn:
        pk = conn.execute(select(messages.c.id).where(messages.c.text == notice)).scalar_one()
        code = conn.execute(campaigns.insert().values(
            code="A1", title=notice, score=0.5, reported=False, first_seen=datetime(2025, 4, 18),
            last_seen=datetime(2025, 4, 18), data={"kind": "cross_posting", "chats": ["telegram:100"]})
        ).inserted_primary_key[0]
        conn.execute(campaign_messages.insert().values(campaign_id=code, message_pk=pk))
    assert Checker(engine).check_text(notice) == {"verdict": "no_match", "matches": [], "signals": []}


def test_media_copies_of_a_campaign_picture_are_known_fakes(fresh_db, tmp_path):
    import random

    from fakewatch.detect.media import hash_new
    from fakewatch.media import synth
    from fakewatch.media.fingerprint import UnsupportedMedia
    from fakewatch.store.tables.core import media

    build_web_store(fresh_db)
    original = synth.random_image(random.Random(7))
    original.save(tmp_path / "poster.png")
    with fresh_db.begin() as conn:  # the campaign's first message carried the poster
        conn.execute(media.insert().values(message_pk=1, seq=0, kind="photo", path="photos/poster.png",
                                           stored_path=str(tmp_path / "poster.png"), sha256="cd" * 32,
                                           file_absent=False))
    hash_new(fresh_db)
    synth.recompress(synth.resize(original), quality=40).save(tmp_path / "forwarded.jpg")
    synth.random_image(random.Random(8)).save(tmp_path / "other.png")
    checker = Checker(fresh_db)
    copy = checker.check_file(tmp_path / "forwarded.jpg")
    assert copy["verdict"] == "known_fake" and copy["matches"][0]["campaign_id"] == "C1"
    assert checker.check_file(tmp_path / "other.png")["verdict"] == "no_match"
    (tmp_path / "note.txt").write_text("not media")
    with pytest.raises(UnsupportedMedia):
        checker.check_file(tmp_path / "note.txt")


def test_urls_are_fetched_only_when_the_operator_allows_it(checker, monkeypatch):
    import fakewatch.check as check_module
    from fakewatch.sources.web import page_from_bytes

    def no_network(url, *args, **kwargs):
        raise AssertionError(f"fetched {url} without permission")

    monkeypatch.setattr(check_module, "fetch", no_network)
    assert checker.check_url("https://news.example.org/story")["verdict"] == "no_match"

    article = f"<html><head><title>{STORED}</title></head><body><p>{STORED}</p></body></html>".encode()
    monkeypatch.setattr(check_module, "fetch",
                        lambda url: page_from_bytes(article, "https://tengrinevvs.kz/story"))
    fetching = Checker(checker.engine, allow_fetch=True)
    result = fetching.check_url("https://bit.ly/abc")
    assert result["verdict"] == "known_fake" and result["matches"][0]["campaign_id"] == "C1"
    assert {"kind": "lookalike_domain", "domain": "tengrinevvs.kz", "impersonates": "tengrinews.kz"} \
        in result["signals"]


def test_fetching_refuses_loopback_addresses(checker, monkeypatch):
    import fakewatch.check as check_module
    from fakewatch.fetch import RefusedAddress, fetch

    refused = []

    def recording(url):
        try:
            return fetch(url)
        except RefusedAddress as exc:
            refused.append(exc)
            raise

    monkeypatch.setattr(check_module, "fetch", recording)
    fetching = Checker(checker.engine, allow_fetch=True)
    assert fetching.check_url("http://127.0.0.1:9/admin")["verdict"] == "no_match"
    assert refused and "127.0.0.1" in str(refused[0])


def test_campaign_short_links_match_but_quoted_real_articles_do_not(web_template, tmp_path):
    from fakewatch.store.tables.enrich import links

    engine = copy_store(web_template, tmp_path)
    with engine.begin() as conn:
        conn.execute(links.insert(), [
            {"message_pk": 1, "url": "https://bit.ly/marsh26", "host": "bit.ly", "domain": "bit.ly", "suffix": "ly",
             "shortener": True, "tg_handle": None, "from_entity": False},
            {"message_pk": 2, "url": "https://tengrinews.kz/news/1", "host": "tengrinews.kz",
             "domain": "tengrinews.kz", "suffix": "kz", "shortener": False, "tg_handle": None, "from_entity": False}])
    checker = Checker(engine)
    assert checker.check_url("bit.ly/marsh26")["verdict"] == "known_fake"
    assert checker.check_url("https://tengrinews.kz/news/1")["verdict"] == "no_match"
