"""CSV/JSONL tables and Telegram API post lists, including the real data sets."""

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from tests.conftest import shared_data
from fakewatch.ingest import ingest
from fakewatch.model import Chat, Message
from fakewatch.sources import ReadContext, ReadError, detect, table, telegram_api
from fakewatch.store.tables.core import accounts, chats, messages

IRA_MAP = {"author_id": "account_id", "content": "text", "publish_date": "sent_at"}


def read(module, path, **options):
    ctx = ReadContext(path=path, root=path.parent, shown=path, options=options)
    records = list(module.read(ctx))
    return [r for r in records if isinstance(r, Chat)], [r for r in records if isinstance(r, Message)], ctx.notes


def test_csv_with_the_documented_columns(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text(
        "platform,chat_id,message_id,account_id,account_name,sent_at,text,url,forwarded_from,reply_to\n"
        'vk,club1,77,id5,Ivan,2025-04-18T11:00:00+05:00,"Марш, в субботу\nвторая строка",https://vk.com/wall-1_77,'
        "Новости,76\n", encoding="utf-8")
    assert detect(path) is table
    found_chats, msgs, _ = read(table, path)
    assert found_chats == [Chat("vk", "club1", "club1")]
    m = msgs[0]
    assert (m.platform, m.chat_id, m.message_id, m.account_id, m.account_name) == ("vk", "club1", "77", "vk:id5", "Ivan")
    assert m.sent_at == datetime(2025, 4, 18, 6, 0, tzinfo=timezone.utc)
    assert m.text == "Марш, в субботу\nвторая строка" and m.url == "https://vk.com/wall-1_77"
    assert (m.forwarded_from, m.reply_to) == ("Новости", "76")


def test_jsonl_with_map_platform_and_chat_defaults(tmp_path):
    path = tmp_path / "dump.jsonl"
    rows = [{"author": "u1", "body": "same text", "ts": 1744974000, "n": 1},
            {"author": "u1", "body": "same text", "ts": 1744974000, "n": 2},
            {"author": "u2", "body": ["list", "text"], "ts": "2025-04-18 11:00"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert detect(path) is table
    _, msgs, notes = read(table, path, map={"author": "account_id", "body": "text", "ts": "sent_at",
                                            "missing": "url"}, platform="forum")
    assert [m.chat_id for m in msgs] == ["dump"] * 3 and msgs[0].account_id == "forum:u1"
    assert msgs[0].message_id != msgs[1].message_id and msgs[1].message_id == msgs[0].message_id + "-2"
    assert msgs[2].text == '["list","text"]'
    assert any("author->account_id" in n for n in notes)
    again = read(table, path, map={"author": "account_id", "body": "text", "ts": "sent_at"}, platform="forum")[1]
    assert [m.message_id for m in again] == [m.message_id for m in msgs]  # derived ids are deterministic


def test_derived_id_depends_on_account_time_and_text():
    repeats: dict[str, int] = {}
    a = table.derived_id("u1", "2025-04-18 11:00", "t", repeats)
    assert a == table.derived_id("u1", "2025-04-18 11:00", "t", {})
    assert a != table.derived_id("u2", "2025-04-18 11:00", "t", {})
    assert a != table.derived_id("u1", "2025-04-18 11:01", "t", {})


@pytest.mark.parametrize("content, options, position, problem", [
    ("a,b\n1,2\n", {}, "header", "no sent_at column"),
    ("sent_at,text\n2025-04-18,ok\nnot a date,x\n", {}, "line 3, sent_at", "not a date"),
    ("sent_at,text\n2025-04-18,ok\n1812-01-01,x\n", {}, "line 3, sent_at", "out of range"),
    ("sent_at,text\n2025-04-18,ok\n2025-04-19,x,extra\n", {}, "line 3", "3 columns"),
    ("sent_at,text\n,x\n", {}, "line 2, sent_at", "empty"),
    ("sent_at,text\n2025-04-18,x\n", {"map": {"text": "body"}}, "options", "not one of"),
])
def test_malformed_tables_are_refused_with_line(tmp_path, content, options, position, problem):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read(table, path, **options)
    assert exc.value.position == position and problem in exc.value.problem


def test_malformed_jsonl_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"sent_at": "2025-04-18"}\n{"sent_at": \n', encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read(table, path)
    assert exc.value.position == "line 2" and "malformed JSON" in exc.value.problem


def test_us_spreadsheet_dates_and_day_first_override(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("sent_at,text\n10/1/17 19:58,x\n", encoding="utf-8")
    assert read(table, path)[1][0].sent_at == datetime(2017, 10, 1, 19, 58, tzinfo=timezone.utc)
    assert read(table, path, date_order="dmy")[1][0].sent_at == datetime(2017, 1, 10, 19, 58, tzinfo=timezone.utc)


def test_telegram_api_flat_and_telethon_shapes(tmp_path):
    path = tmp_path / "posts.json"
    path.write_text(json.dumps([
        {"message_id": 5, "sender_id": -1001000724666, "text": "пост", "date": "2024-12-04T09:00:28+00:00",
         "channel": "Naked Science", "category": "science"},
        {"_": "Message", "id": 6, "peer_id": {"_": "PeerChannel", "channel_id": 1000724666},
         "from_id": {"_": "PeerUser", "user_id": 42}, "message": "ответ", "date": "2024-12-04 10:00:00+00:00",
         "reply_to": {"_": "MessageReplyHeader", "reply_to_msg_id": 5},
         "fwd_from": {"_": "MessageFwdHeader", "from_id": {"_": "PeerChannel", "channel_id": 7}, "from_name": None}},
    ], ensure_ascii=False), encoding="utf-8")
    assert detect(path) is telegram_api
    found, msgs, _ = read(telegram_api, path)
    assert found == [Chat("telegram", "1000724666", "Naked Science", "channel")]  # the Desktop export's bare id
    first, second = msgs
    assert first.account_id == "telegram:channel1000724666" and first.account_name == "Naked Science"
    assert first.sent_at == datetime(2024, 12, 4, 9, 0, 28, tzinfo=timezone.utc) and first.raw["category"] == "science"
    assert second.account_id == "telegram:user42" and second.reply_to == "5" and second.text == "ответ"
    assert second.forwarded_from_id == "telegram:channel7"


@pytest.mark.parametrize("posts, position, problem", [
    ('[{"message_id": 1, "sender_id": -1001, "date": "2024-12-04T09:00:28+00:00"}, {"message_id": 2}]',
     "[1]", "no chat"),
    ('[{"message_id": 1, "sender_id": -1001, "date": "someday"}]', "[0].date", "not a date"),
    ('[{"message_id": [1], "sender_id": -1001, "date": "2024-12-04T09:00:28"}]', "[0].message_id", "integer id"),
    ('[{"message_id": 1, "sender_id": -1001, "date": "2024-12-04T09:00:28"}, {"mess', "byte 77 (after post [0])",
     "malformed JSON"),
])
def test_telegram_api_refusals(tmp_path, posts, position, problem):
    path = tmp_path / "posts.json"
    path.write_text(posts, encoding="utf-8")
    with pytest.raises(ReadError) as exc:
        read(telegram_api, path)
    assert exc.value.position == position and problem in exc.value.problem


def count(engine, what):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(what)).scalar_one()


def test_ira_tweets_ingest_completely_with_a_map(fresh_db):
    path = shared_data("ira-ru-2017", "ira_russian_accounts_tweets_2017-03-20_2017-04-02.csv")
    report = ingest(fresh_db, [path], options={"map": IRA_MAP, "platform": "twitter"})
    assert not report.refused and report.added == 15_084 == count(fresh_db, messages)
    assert count(fresh_db, accounts) == 214
    assert ingest(fresh_db, [path], options={"map": IRA_MAP, "platform": "twitter"}).added == 0


def test_ira_folder_refuses_only_the_authors_list(fresh_db):
    report = ingest(fresh_db, [shared_data("ira-ru-2017")], options={"map": IRA_MAP, "platform": "twitter"})
    assert [r.path.rsplit("/", 1)[-1] for r in report.refused] == ["bet4a_authors.csv"]
    assert "no sent_at column" in report.refused[0].problem
    assert report.added == 15_084 + 100  # the tweets and the 100-row fivethirtyeight sample


def test_tg_news_ru_ingests_completely(fresh_db):
    folder = shared_data("tg-news-ru", "raw")
    expected = sum(len(json.loads(p.read_text(encoding="utf-8"))) for p in folder.glob("*.json"))
    report = ingest(fresh_db, [folder])
    assert not report.refused and len(report.files) == 24
    assert report.added == expected == count(fresh_db, messages) == 22_099
    assert count(fresh_db, chats) == 24


def test_semicolon_csv_whose_texts_are_full_of_commas(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('sent_at;text;account_id\n2025-04-18 10:00;"a, b, c, d, e";u1\n2025-04-18 10:01;x,y;u2\n',
                    encoding="utf-8")
    _, msgs, _ = read(table, path)
    assert [(m.text, m.account_id) for m in msgs] == [("a, b, c, d, e", "table:u1"), ("x,y", "table:u2")]
