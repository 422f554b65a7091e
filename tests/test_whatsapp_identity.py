"""WhatsApp message identity (issue 14, item 6): one group exported by several members is one chat.

Ids derive from a message's minute, content and occurrence (sources/whatsapp_identity.py), so
members' exports agree, a file read twice adds nothing, and a sender seen under two names is
linked as aliases with the messages that show it.
"""

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from fakewatch.cli import app

from fakewatch.ingest import ingest
from fakewatch.model import Message
from fakewatch.report import findings
from fakewatch.sources import ReadContext, whatsapp, whatsapp_identity
from fakewatch.store import open_store
from fakewatch.store.aliases import aliases
from fakewatch.store.tables.core import messages
from fakewatch.web.auth import create_user
from tests.web_client import login, make_client
from tests.web_store import PASSWORD

MEMBERS = Path(__file__).parent / "fixtures" / "whatsapp_members"
FULL = MEMBERS / "WhatsApp Chat with Parents 5B.txt"  # Aigul's phone, the whole history
LATER = MEMBERS / "WhatsApp Chat with 5B Class.txt"  # Bekzat's phone, from 2 December
ONE_CHAT = {"chat": "Parents 5B", "date_order": "dmy"}


def stored(engine) -> dict[str, tuple]:
    """message_id -> (kind, text, sent_at, account) of the one chat's messages."""
    with engine.connect() as conn:
        rows = conn.execute(select(messages.c.message_id, messages.c.kind, messages.c.text, messages.c.sent_at,
                                   messages.c.account_id).where(messages.c.platform == "whatsapp")).all()
    return {r.message_id: (r.kind, r.text, r.sent_at, r.account_id) for r in rows}


def links(engine) -> dict[frozenset[str], int]:
    """{the two names: number of evidence messages} of every alias link."""
    with engine.connect() as conn:
        return {frozenset((a["account"], a["alias"])): len(a["messages"]) for a in aliases(conn)}


@pytest.mark.parametrize("order", [(LATER, FULL), (FULL, LATER)], ids=["later-first", "full-first"])
def test_two_members_exports_are_one_chat_with_aliases(fresh_db, order):
    report = ingest(fresh_db, order, options=ONE_CHAT)
    assert not report.refused
    held = stored(fresh_db)
    content = {k: v for k, v in held.items() if v[0] != "service"}
    assert len(content) == 14  # every content message once (SOURCE.md): none lost, none doubled
    assert len(held) == 14 + 3 + 2  # the members' system lines differ, so both phones' are kept
    assert sorted(v[1] for v in content.values()).count("+") == 2  # two "+" in one minute stay two
    assert links(fresh_db) == {
        frozenset({"whatsapp:+77025550202", "whatsapp:Bekzat"}): 2,
        frozenset({"whatsapp:+77055550303", "whatsapp:Dana"}): 2,  # media and deleted lines are no evidence
        frozenset({"whatsapp:Aigul", "whatsapp:Aigul Teacher"}): 2,  # nor the "+" repeated in its minute
    }
    with fresh_db.connect() as conn:
        phones = {a["account"] for a in aliases(conn) if a["account"][9:].startswith("+")}
    assert phones == {"whatsapp:+77025550202", "whatsapp:+77055550303"}  # the number is the account kept


def test_both_orders_store_the_same_ids(tmp_path):
    first = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    second = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    ingest(first, [LATER, FULL], options=ONE_CHAT)
    ingest(second, [FULL, LATER], options=ONE_CHAT)
    assert stored(first).keys() == stored(second).keys()


def test_the_later_export_alone_adds_only_its_system_lines(fresh_db):
    ingest(fresh_db, [FULL], options=ONE_CHAT)
    report = ingest(fresh_db, [LATER], options=ONE_CHAT)
    assert (report.files[0].messages, report.files[0].added) == (12, 2)


def test_a_file_read_twice_under_another_name_adds_nothing(fresh_db, tmp_path):
    copy = tmp_path / "copy of the chat.txt"
    shutil.copy(FULL, copy)
    ingest(fresh_db, [FULL], options=ONE_CHAT)
    report = ingest(fresh_db, [copy], options=ONE_CHAT)
    assert (report.files[0].messages, report.files[0].added) == (17, 0)
    assert links(fresh_db) == {}


def test_ids_use_utc_when_the_zone_is_known(tmp_path):
    """Two phones in different zones agree once each file is read with its zone (Almaty UTC+5 since 2024)."""
    almaty, moscow = tmp_path / "a.txt", tmp_path / "m.txt"
    almaty.write_text("03/12/2024, 21:45 - Aigul: Everyone to the march\n", encoding="utf-8")
    moscow.write_text("03/12/2024, 19:45 - +7 701 555 0101: Everyone to the march\n", encoding="utf-8")
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    ingest(engine, [almaty], options={**ONE_CHAT, "tz": "Asia/Almaty"})
    report = ingest(engine, [moscow], options={**ONE_CHAT, "tz": "Europe/Moscow"})
    assert report.files[0].added == 0
    assert links(engine) == {frozenset({"whatsapp:Aigul", "whatsapp:+77015550101"}): 1}


def test_id_is_minute_content_and_occurrence_not_sender_nor_seconds():
    ids = whatsapp_identity.MessageIds()
    at = datetime(2024, 12, 3, 19, 45, 10, tzinfo=timezone.utc)
    first = ids.assign(at, "message", "ok", False, "whatsapp:A")
    second = ids.assign(at + timedelta(seconds=30), "message", "ok", False, "whatsapp:B")
    assert first != second
    assert first == whatsapp_identity.MessageIds().assign(at.replace(second=59), "message", " ok ", False)
    assert whatsapp_identity.MessageIds().assign(at, "message", "ok", True) != first  # media stands in it
    assert whatsapp_identity.content("deleted", "You deleted this message", False) == "deleted"
    assert ids.sightings() == []  # "ok" twice in its minute: no evidence of who is who


# Exports made of a few texts and senders, so that repeats within a minute are common.
ENTRY = st.tuples(st.integers(0, 2), st.sampled_from(["Aigul", "Dana", "+7 702 555 0202"]),
                  st.sampled_from(["+", "ok", "Марш в субботу!", "line one\nline two", "<Media omitted>",
                                   "This message was deleted", None]))


def _export(entries: list[tuple[int, str, str | None]]) -> list[str]:
    """The entries as Android export entries (each a header line and its continuation lines)."""
    moment = datetime(2024, 12, 1, 9, 0)
    out = []
    for step, sender, text in entries:
        moment += timedelta(minutes=step)
        stamp = f"{moment:%d/%m/%Y, %H:%M} - "
        out.append(stamp + (f"{sender} added Bekzat" if text is None else f"{sender}: {text}"))
    return out


def _write(path: Path, entries: list[str]) -> Path:
    path.write_text("".join(e + "\n" for e in entries), encoding="utf-8")
    return path


def _keys(entries: list[tuple[int, str, str | None]]) -> list[tuple[int, str]]:
    """Each entry's (minute, text as written): what its id derives from (the sender aside)."""
    minute, keys = 0, []
    for step, sender, text in entries:
        minute += step
        keys.append((minute, f"{sender} added Bekzat" if text is None else text))
    return keys


def _ids(path: Path) -> list[str]:
    ctx = ReadContext(path=path, root=path.parent, options=ONE_CHAT)
    return [r.message_id for r in whatsapp.read(ctx) if isinstance(r, Message)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(ENTRY, min_size=2, max_size=14), data=st.data())
def test_overlapping_parts_in_either_order_give_the_whole_files_store(tmp_path_factory, entries, data):
    """Any export cut at the start of any entry into two overlapping parts (a cut inside a multi-line
    message would truncate that message's text: no member's export does that)."""
    start = data.draw(st.integers(1, len(entries) - 1), label="second part starts at entry")
    end = data.draw(st.integers(start + 1, len(entries)), label="first part ends before entry")
    folder = tmp_path_factory.mktemp("cut")
    lines = _export(entries)
    whole = _write(folder / "whole.txt", lines)
    head = _write(folder / "head.txt", lines[:end])
    tail = _write(folder / "tail.txt", lines[start:])
    expected = open_store(f"sqlite:///{folder / 'whole.db'}")
    ingest(expected, [whole], options=ONE_CHAT)
    want = stored(expected)
    keys = _keys(entries)
    key_of = dict(zip(_ids(whole), keys))
    split = set(keys[:start]) & set(keys[start:])  # runs of one minute and text the tail starts inside of
    # of such a run the tail numbers its share from 0, so the store holds as many as the larger part
    # does: all of it unless neither part holds it whole (sources/whatsapp_identity.py)
    lost = sum(keys.count(k) - max(keys[:end].count(k), keys[start:].count(k)) for k in split)
    for n, order in enumerate(([head, tail], [tail, head])):
        engine = open_store(f"sqlite:///{folder / f'{n}.db'}")
        ingest(engine, order, options=ONE_CHAT)
        got = stored(engine)
        assert got.keys() <= want.keys() and len(want) - len(got) == lost
        assert {k: v[:3] for k, v in got.items()} == {k: want[k][:3] for k in got}  # kind, text, time
        assert {k: v for k, v in got.items() if key_of[k] not in split} == \
            {k: v for k, v in want.items() if key_of[k] not in split}  # senders too
        if not split:
            assert links(engine) == {}


def test_a_cut_inside_a_run_of_one_minute_keeps_what_the_larger_part_holds(tmp_path):
    """The limit, shown: three "+" in one minute, the head holding two, the tail starting at the second."""
    lines = ["02/12/2024, 08:32 - Aigul: +", "02/12/2024, 08:32 - Dana: +", "02/12/2024, 08:32 - Bekzat: +",
             "02/12/2024, 08:33 - Dana: done"]
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    ingest(engine, [_write(tmp_path / "head.txt", lines[:2]), _write(tmp_path / "tail.txt", lines[1:])],
           options=ONE_CHAT)
    assert sorted(v[1] for v in stored(engine).values()) == ["+", "+", "done"]  # one "+" of three is lost
    assert links(engine) == {}  # and no one is taken for someone else on its account


def test_aliases_are_shown_by_the_cli_and_in_findings(tmp_path):
    db = str(tmp_path / "s.db")
    ingest(open_store(f"sqlite:///{db}"), [FULL, LATER], options=ONE_CHAT)
    runner = CliRunner()
    shown = json.loads(runner.invoke(app, ["accounts", "--aliases", "--db", db, "--json"]).output)
    dana = next(a for a in shown if a["account"] == "whatsapp:+77055550303")
    assert dana["alias"] == "whatsapp:Dana" and len(dana["messages"]) == 2
    assert dana["messages"][0]["chat_id"] == "Parents 5B"
    table = runner.invoke(app, ["accounts", "--aliases", "--db", db], terminal_width=200).output
    assert "whatsapp:Aigul Teacher" in table and "accounts under two names (3)" in table
    assert findings.build(open_store(f"sqlite:///{db}"))["account_aliases"] == shown


def test_stats_count_content_messages_beside_all_lines(tmp_path):
    """Issue 14, item 8: what a user compares with the chat is its messages, not its system lines."""
    db = str(tmp_path / "s.db")
    ingest(open_store(f"sqlite:///{db}"), [FULL], options=ONE_CHAT)
    data = json.loads(CliRunner().invoke(app, ["stats", "--db", db, "--json"]).output)
    assert (data["messages"], data["content_messages"]) == (17, 14)  # 3 system lines (SOURCE.md)
    assert data["platforms"]["whatsapp"]["content_messages"] == 14


def test_the_web_account_page_shows_the_other_name_escaped(tmp_path):
    hostile = "<script>alert(1)</script>"
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("03/12/2024, 19:45 - +7 701 555 0101: Everyone to the march on Saturday!\n", encoding="utf-8")
    two.write_text(f"03/12/2024, 19:45 - {hostile}: Everyone to the march on Saturday!\n", encoding="utf-8")
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    ingest(engine, [one, two], options=ONE_CHAT)
    create_user(engine, "ana", PASSWORD, "analyst")
    client = make_client(engine, tmp_path)
    login(client, "ana")
    page = client.get("/accounts/whatsapp:+77015550101").text
    assert "Also seen as" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and hostile not in page
    shown = client.get("/api/accounts/whatsapp:+77015550101").json()["aliases"]
    assert shown[0]["account_id"] == f"whatsapp:{hostile}" and len(shown[0]["evidence"]) == 1
