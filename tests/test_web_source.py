"""Saved web pages as inputs: what is kept as evidence, what is extracted, and hostile HTML."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from fakewatch import sources
from fakewatch.enrich.article import decode_html, extract, find_trackers
from fakewatch.ingest import ingest
from fakewatch.sources import web
from fakewatch.store.tables.outlets import pages, trackers

CLONE = """<!DOCTYPE html>
<!-- saved from url=(0058)https://tengrinews-kz.info/news/marsh-soglasovan-51873.html -->
<html lang="ru"><head><meta charset="utf-8">
<title>Правительство согласовало марш — Tengrinews.kz</title>
<meta property="og:site_name" content="Tengrinews.kz">
<meta name="author" content="Айгуль Сарсенова">
<meta property="article:published_time" content="2025-04-19T08:45:00+05:00">
<link rel="canonical" href="https://tengrinews.kz/news/marsh-soglasovan-51873/">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-7QX2M4KZ1P"></script>
<script>gtag('config', 'G-7QX2M4KZ1P'); ym(97481236, "init", {clickmap:true});
fbq('init', '123456789012345'); var ga = 'UA-1234567-2';</script>
<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1234567890123456"></script>
</head><body><header><img class="site-logo" src="/logo.svg" alt="Tengrinews"></header>
<article><h1>Правительство согласовало марш</h1>
<p>В распоряжении редакции оказались документы, из которых следует, что проведение марша согласовано.</p>
<p>Участникам гарантированы компенсация расходов и горячее питание, сообщают организаторы шествия.</p>
</article><footer>© 2025 Tengrinews.kz. Все права защищены.</footer></body></html>
"""


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_saved_page_is_evidence(tmp_path, fresh_db):
    path = _write(tmp_path, "clone.html", CLONE)
    report = ingest(fresh_db, [tmp_path])
    assert not report.refused and [f.format for f in report.files] == ["web"] and report.added == 1
    with fresh_db.connect() as conn:
        row = conn.execute(select(pages)).mappings().one()
        ids = conn.execute(select(trackers.c.tracker_kind, trackers.c.tracker_id)).all()
    assert row["html"] == path.read_bytes()
    assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert row["url"] == "https://tengrinews-kz.info/news/marsh-soglasovan-51873.html"
    assert (row["host"], row["domain"]) == ("tengrinews-kz.info", "tengrinews-kz.info")
    assert row["title"] == "Правительство согласовало марш"
    assert row["author"] == "Айгуль Сарсенова" and row["date"] == "2025-04-19" and row["lang"] == "ru"
    assert row["site_name"] == "Tengrinews.kz"
    assert row["canonical"] == "https://tengrinews.kz/news/marsh-soglasovan-51873/"
    assert "компенсация расходов" in row["text"]
    assert row["claims"]["og:site_name"] == ["Tengrinews.kz"] and row["claims"]["logo-alt"] == ["Tengrinews"]
    assert row["claims"]["title-tail"] == ["Tengrinews.kz"]
    assert set(ids) == {("ga4", "G-7QX2M4KZ1P"), ("yandex-metrika", "97481236"), ("meta-pixel", "123456789012345"),
                        ("ga-ua", "UA-1234567"), ("adsense", "pub-1234567890123456")}
    again = ingest(fresh_db, [path])
    assert again.files[0].skipped and again.added == 0


def test_same_page_under_another_name_is_not_stored_twice(tmp_path, fresh_db):
    ingest(fresh_db, [_write(tmp_path, "a.html", CLONE)])
    report = ingest(fresh_db, [_write(tmp_path, "b.htm", CLONE)])
    assert report.added == 0
    with fresh_db.connect() as conn:
        assert len(conn.execute(select(pages.c.id)).all()) == 1


def test_location_falls_back_to_canonical():
    page = web.page_from_bytes(CLONE.split("\n", 2)[2].encode())  # without the saved-from line
    assert page.url == "https://tengrinews.kz/news/marsh-soglasovan-51873/"
    assert page.meta["location"] == "canonical"


@pytest.mark.parametrize("head, is_page", [
    (b"<!DOCTYPE html><html>", True),
    (b"\xef\xbb\xbf  <html lang=ru>", True),
    (b"<!-- saved from url=(0019)https://example.com/ -->", True),
    (b'<!DOCTYPE html><html><head><title>Exported Data</title></head><body><div class="page_wrap">', False),
    (b'{"messages": [], "type": "personal_chat"}', False),
    (b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>fakewatch report</title>', False),
    (b"12.04.2025, 10:00 - Name: hello", False),
])
def test_sniff(tmp_path, head, is_page):
    path = tmp_path / "input.dat"
    path.write_bytes(head)
    assert web.sniff(path, head) is is_page
    if is_page:
        assert sources.detect(path) is web


def test_telegram_html_export_is_not_a_web_page(tmp_path):
    head = b'<!DOCTYPE html>\n<html>\n <head>\n  <title>Exported Data</title>\n</head><body><div class="page_wrap">'
    assert not web.sniff(tmp_path / "messages.html", head)


# --- hostile HTML --------------------------------------------------------------------------------

def _timed_extract(data: bytes):
    start = time.monotonic()
    article = extract(data)
    return article, time.monotonic() - start


def test_page_over_the_cap_is_refused(tmp_path, fresh_db, monkeypatch):
    monkeypatch.setattr(web, "MAX_PAGE_BYTES", 10_000)
    report = ingest(fresh_db, [_write(tmp_path, "huge.html", "<html><body>" + "<p>x</p>" * 5_000)])
    assert report.refused and "larger than" in str(report.refused[0])
    with fresh_db.connect() as conn:
        assert conn.execute(select(pages.c.id)).first() is None


def test_huge_page_is_cut_not_choked_on(monkeypatch):
    from fakewatch.enrich import article as article_module

    monkeypatch.setattr(article_module, "MAX_PARSE_CHARS", 400_000)
    data = ("<html><head><title>big</title></head><body>" + "<div><p>слово слово слово</p></div>" * 30_000
            + "</body></html>").encode()
    article, seconds = _timed_extract(data)
    assert article.title == "big" and "cut" in article.meta and "слово" in article.text
    assert seconds < 20


def test_inline_blobs_are_dropped_before_parsing():
    blob = b"data:image/png;base64," + b"A" * 3_000_000
    article, seconds = _timed_extract(b'<html><head><title>t</title></head><body><img src="' + blob + b'"></body></html>')
    assert article.title == "t" and "cut" not in article.meta and seconds < 10


def test_deep_nesting():
    article, seconds = _timed_extract(b"<html><body>" + b"<div>" * 100_000 + b"deep" + b"</div>" * 100_000)
    assert seconds < 30 and article.meta["encoding"] == "utf-8"


def test_script_only_page(tmp_path, fresh_db):
    page = b"<html><head><script>document.write('<h1>Fake</h1>'); ym(12345678, 'init', {})</script></head></html>"
    report = ingest(fresh_db, [_write(tmp_path, "script.html", page)])
    assert report.added == 1
    with fresh_db.connect() as conn:
        row = conn.execute(select(pages)).mappings().one()
    assert row["text"] is None and row["title"] is None and row["html"] == page


@pytest.mark.parametrize("data, expected", [
    ("<html><head><meta charset='windows-1251'><title>Марш</title></head></html>".encode("cp1251"), "Марш"),
    ("<html><head><title>Марш</title></head><body><p>Участникам обещают компенсацию расходов и горячее питание."
     "</p></body></html>".encode("cp1251"), "Марш"),  # undeclared cp1251: detected from the text
    ("<html><head><meta charset='utf-8'><title>Марш</title></head><body><p>Сбор участников назначен на "
     "центральной площади.</p></body></html>".encode("cp1251"), "Марш"),  # a lying meta charset
    ("<html><head><meta charset='no-such-codec'><title>Марш</title></head></html>".encode(), "Марш"),
    ("\ufeff<html><head><title>Марш</title></head></html>".encode("utf-16-le"), "Марш"),
])
def test_broken_encodings(data, expected):
    assert extract(data).title == expected


def test_garbage_bytes_never_raise():
    for data in (b"", b"   ", b"\x00\x00\x00", b"\xff\xfe\xfd" * 1000, b"<html", b"<<<>>>", b"<!-- -->",
                 b"<html><title>\x00\x01</title></html>", "<html>\udcff</html>".encode("utf-8", "surrogatepass")):
        extract(data)


def test_meta_refresh_is_recorded_not_followed(tmp_path, fresh_db):
    page = b'<html><head><meta http-equiv="Refresh" content="0;URL=\'https://tengrinews.kz.news-today.ru/a\'"></head></html>'
    ingest(fresh_db, [_write(tmp_path, "refresh.html", page)])
    with fresh_db.connect() as conn:
        meta = conn.execute(select(pages.c.meta)).scalar_one()
    assert meta["refresh"] == "https://tengrinews.kz.news-today.ru/a"


def test_decode_html_prefers_what_decodes():
    text = "Сбор участников назначен на одиннадцать часов на центральной площади города."
    assert decode_html(text.encode("cp1251"), "utf-8")[0] == text  # the declared charset fails: detected
    assert decode_html("привет".encode("utf-8"), "latin-1")[1] == "latin-1"  # a declared charset that decodes wins


def test_repeated_claims_and_ids_are_capped():
    page = ("<html><body>" + "".join(f'<img class="logo" alt="Brand {i}" src="l.png">' for i in range(5000))
            + "".join(f"<script>ym({10_000_000 + i}, 'init')</script>" for i in range(5000)) + "</body></html>")
    article = extract(page.encode())
    assert len(article.claims["logo-alt"]) == 10 and len(article.trackers) == 10


def test_trackers_need_their_context():
    assert find_trackers("G-ABCDEF12 is a flat in the text") == []
    assert find_trackers("gtag('config', 'G-ABCDEF12')") == [("ga4", "G-ABCDEF12")]
