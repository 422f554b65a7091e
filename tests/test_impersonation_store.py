"""The look-alike detector over a store: corpus outlets, domains in links and pages, clones, trackers."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from fakewatch.detect import lookalikes as detector
from fakewatch.ingest import ingest
from fakewatch.outlets import CORPUS, USER, OutletError, add_outlet, load_outlets, stored_outlets
from fakewatch.store.tables.core import inputs, messages
from fakewatch.store.tables.enrich import links
from fakewatch.store.tables.outlets import lookalikes

START = datetime(2025, 3, 1, 9, 0)


def _post(conn, n: int, account: str, when: datetime, url: str) -> int:
    pk = conn.execute(insert(messages).values(
        platform="telegram", chat_id="1", message_id=str(n), account_id=account, sent_at=when, kind="message",
        text=url, input_id=1)).inserted_primary_key[0]
    host = url.split("/")[2]
    domain = ".".join(host.split(".")[-2:])
    conn.execute(insert(links).values(message_pk=pk, url=url, host=host, domain=domain, suffix=domain.split(".")[-1],
                                      shortener=False, tg_handle=None, from_entity=False))
    return pk


@pytest.fixture
def corpus(fresh_db):
    """Twelve readers share a local outlet (no list knows it) for two months; three accounts push a
    look-alike of it on one afternoon; one account links a shop a lot."""
    with fresh_db.begin() as conn:
        conn.execute(insert(inputs).values(path="chats.json", sha256="0" * 64, format="telegram", messages=0, added=0,
                                           chats=1, accounts=0, ingested_at=START))
        n = 0
        for day in range(60):
            for reader in range(3):
                n += 1
                _post(conn, n, f"telegram:user{(day * 3 + reader) % 12}", START + timedelta(days=day, hours=reader),
                      f"https://www.shyndyk.kz/kogam/news-{day}-{reader}")
        fakes = []
        for k in range(9):
            n += 1
            fakes.append(_post(conn, n, f"telegram:bot{k % 3}", START + timedelta(days=30, minutes=k),
                               "https://shyndyk-kz.info/kogam/marsh-soglasovan"))
        for k in range(20):
            n += 1
            _post(conn, n, "telegram:seller", START + timedelta(days=k * 2), f"https://kaspi.kz/shop/p/item-{k}/")
        n += 1
        fakes.append(_post(conn, n, "telegram:bot0", START + timedelta(days=31), "https://shyndyk.kz.news-today.ru/a"))
    return fresh_db, fakes


def test_corpus_outlets_and_lookalikes_from_links(corpus):
    corpus, fakes = corpus
    report = detector.detect(corpus)
    assert report.corpus_outlets == ["shyndyk.kz"]  # not the shop (one account), not the fake (one burst)
    assert [(o.domain, o.source) for o in stored_outlets(corpus)] == [("shyndyk.kz", CORPUS)]
    found = {i.domain: i for i in detector.impersonations(corpus)}
    assert set(found) == {"shyndyk-kz.info", "shyndyk.kz.news-today.ru"}
    assert found["shyndyk-kz.info"].outlet == "shyndyk.kz" and found["shyndyk-kz.info"].method == "tld-in-name"
    assert found["shyndyk.kz.news-today.ru"].method == "subdomain"
    assert sorted(pk for i in found.values() for pk in i.message_pks) == sorted(fakes)
    again = detector.detect(corpus)  # rebuilt, not duplicated
    assert again.lookalikes == 2
    with corpus.connect() as conn:
        assert len(conn.execute(select(lookalikes.c.id)).all()) == 2


def test_registered_outlet_is_not_a_corpus_outlet_lookalike(corpus):
    """Once the operator registers the outlet, it is protected from the registry, not the corpus."""
    corpus, _fakes = corpus
    add_outlet(corpus, "https://www.shyndyk.kz/", "Шындық", lang="ru", country="kz")
    report = detector.detect(corpus)
    assert report.corpus_outlets == []
    assert {(i.domain, i.outlet) for i in detector.impersonations(corpus)} == {
        ("shyndyk-kz.info", "shyndyk.kz"), ("shyndyk.kz.news-today.ru", "shyndyk.kz")}
    outlet = next(o for o in load_outlets(corpus) if o.domain == "shyndyk.kz")
    assert (outlet.source, outlet.country) == (USER, "KZ")


def test_add_outlet_refuses_junk(fresh_db):
    with pytest.raises(OutletError):
        add_outlet(fresh_db, "localhost", "Local")
    with pytest.raises(OutletError):
        add_outlet(fresh_db, "example.kz", "  ")


CLONE = """<!-- saved from url=(0042)https://novosti-portal.xyz/politics/marsh -->
<html lang="ru"><head><title>Правительство согласовало марш | Tengrinews.kz</title>
<meta property="og:site_name" content="Tengrinews.kz">
<script>gtag('config', 'G-SHARED1234'); ym(55555555, "init", {});</script></head>
<body><img class="logo" alt="Tengrinews" src="/l.png"><article><p>{text}</p></article></body></html>"""
ORIGINAL = """<!-- saved from url=(0041)https://tengrinews.kz/news/marsh-12345/ -->
<html lang="ru"><head><title>Акимат не согласовал марш | Tengrinews.kz</title>
<meta property="og:site_name" content="Tengrinews.kz"></head>
<body><article><p>{text}</p></article></body></html>"""
OTHER = """<!-- saved from url=(0030)https://kz-news-today.top/a/1 -->
<html><head><title>Новости</title><script>gtag('config', 'G-SHARED1234');</script></head><body>x</body></html>"""
TEXT = ("Акимат города не согласовал проведение марша 26 апреля, сообщили в пресс-службе. Участникам "
        "напомнили об ответственности за участие в несанкционированных акциях и призвали не верить слухам.")


def test_cloned_page_on_an_unrelated_domain(tmp_path, fresh_db):
    """The host novosti-portal.xyz looks like nothing; the page's own claims give it away."""
    web = tmp_path / "web"
    web.mkdir()
    (web / "clone.html").write_text(CLONE.replace("{text}", TEXT), encoding="utf-8")
    (web / "original.html").write_text(ORIGINAL.replace("{text}", TEXT), encoding="utf-8")
    (web / "other.html").write_text(OTHER, encoding="utf-8")
    assert ingest(fresh_db, [web]).added == 3
    report = detector.detect(fresh_db)
    assert report.clones == 1 and report.shared_trackers == 1
    (clone,) = detector.impersonations(fresh_db)
    assert (clone.domain, clone.outlet) == ("novosti-portal.xyz", "tengrinews.kz")
    assert clone.method == "clone:og:site_name"
    fields = clone.evidence["clones"][0]["fields"]
    assert {"og:site_name", "logo-alt", "title-tail"} <= set(fields)
    assert clone.evidence["clones"][0]["copied_share"] == 1.0 and "100% of its text" in clone.detail
    assert clone.evidence["shared_trackers"] == [
        {"kind": "ga4", "id": "G-SHARED1234", "domains": ["kz-news-today.top", "novosti-portal.xyz"]}]
    (shared,) = detector.shared_trackers(fresh_db)
    assert shared.domains == ("kz-news-today.top", "novosti-portal.xyz") and len(shared.page_ids) == 2


def test_demo_fake_articles_are_tied_to_their_outlets(tmp_path, fresh_db):
    """The demo scenario's fake articles (look-alike domains, og:site_name and canonical of the real
    outlet, one operator's analytics ids) are found from the pages and the chats alike."""
    import json

    from fakewatch import enrich
    from fakewatch.demo import generate

    out = generate(tmp_path / "demo", messages=1200)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    expected = {(d, o) for c in truth["campaigns"] for d, o in zip(c["domains"], c["impersonates"])}
    assert expected and list((out / "web").glob("*.html"))
    assert not ingest(fresh_db, [out]).refused
    enrich.run(fresh_db)
    report = detector.detect(fresh_db)
    found = {(i.domain, i.outlet): i for i in detector.impersonations(fresh_db)}
    assert expected <= set(found), (expected, set(found), report)
    for key in expected:
        assert found[key].message_pks and found[key].page_ids
        assert found[key].evidence.get("clones") and found[key].evidence.get("shared_trackers")
    assert not {d for d, _o in found} - {d for d, _o in expected}, "nothing else in the demo is a look-alike"


@pytest.mark.parametrize("title, site_name, clone", [
    ("Tengrinews.kz", None, True),  # the page's whole title is the outlet's name
    ("Марш 26 апреля | TENGRINEWS", None, True),
    ("Марш 26 апреля", "Тенгриньюс", True),  # Cyrillic alias of the brand
    ("Tengrinews.kz сообщает о марше 26 апреля", None, False),  # a headline quoting the outlet names nothing
    ("Обзор прессы: Tengrinews, Zakon.kz и Vlast", "Press Review", False),
])
def test_claims_must_name_the_outlet(tmp_path, fresh_db, title, site_name, clone):
    meta = f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    page = (f"<!-- saved from url=(0025)https://kz-press.top/a/1 -->\n<html><head><title>{title}</title>{meta}"
            "</head><body><p>Текст.</p></body></html>")
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    ingest(fresh_db, [tmp_path / "p.html"])
    detector.detect(fresh_db)
    found = [(i.domain, i.outlet) for i in detector.impersonations(fresh_db)]
    assert found == ([("kz-press.top", "tengrinews.kz")] if clone else [])


def test_meta_refresh_target_is_examined(tmp_path, fresh_db):
    """A page that only bounces readers elsewhere: where it sends them is checked like a linked host."""
    page = ('<!-- saved from url=(0022)https://bit-short.io/x -->\n<html><head><meta http-equiv="refresh" '
            'content="0; url=https://tengrinews.kz.news-today.ru/a/1"></head></html>')
    (tmp_path / "bounce.html").write_text(page, encoding="utf-8")
    ingest(fresh_db, [tmp_path / "bounce.html"])
    detector.detect(fresh_db)
    (found,) = detector.impersonations(fresh_db)
    assert (found.domain, found.outlet, found.method) == ("tengrinews.kz.news-today.ru", "tengrinews.kz", "subdomain")
    assert found.page_ids == [1]
