"""report.html's first screen: kinds, titles and summaries templated from findings, in English and Russian;
refused inputs at the top; coordinated activity labelled as not a campaign (issue 15, items 1 and 3)."""

from __future__ import annotations

from datetime import datetime

import pytest

from fakewatch.detect import campaigns
from fakewatch.report import findings, html
from fakewatch.report.i18n import Words, count
from fakewatch.report.summary import Facts, kind_of, summary, title

FIRST, LAST = datetime(2025, 4, 18, 4, 40), datetime(2025, 4, 25, 21, 0)
JOURNALISTS = [{"shown": "+77015550101", "holder": "Динара Сейткали"}, {"shown": "+77775550202", "holder": "Арман Жумабеков"},
               {"shown": "+77055550303", "holder": "Гульнар Ахметова"}]


def doxxing() -> tuple[dict, Facts]:
    campaign = {"title": "👇ВСЕ НА МАРШ 26 АПРЕЛЯ!", "score_parts": {"harm.third_party_phones": 1.0, "harm.gathering": 1.0,
                                                                    "harm.payment": 0.0}, "impersonates": []}
    facts = Facts(first=FIRST, last=LAST, accounts=30, coordinated=25, chats=28, phones=JOURNALISTS,
                  seeder="Нұрсұлтан (telegram:user7697338753)", seeder_chat="Алматы мамочки", seeder_at=FIRST)
    return campaign, facts


@pytest.mark.parametrize("campaign, kind", [
    ({"kind": "sock_puppets", "score_parts": {"harm.payment": 1.0}}, "sock_puppets"),  # the campaigns stage decides
    ({"score_parts": {"harm.payment": 1.0, "harm.third_party_phones": 1.0}}, "paid_participation"),
    ({"score_parts": {"harm.third_party_phones": 1.0, "harm.impersonation": 0.02}}, "doxxing"),
    ({"score_parts": {"harm.impersonation": 1.0}}, "impersonation"),
    ({"harm_signals": ["gathering"], "score_parts": {"harm.payment": 1.0}}, "mobilisation"),
    ({"score_parts": {"harm.gathering": 0.08}}, "other"),
])
def test_kind_comes_from_findings_or_the_harm_signals(campaign, kind):
    assert kind_of(campaign) == kind


def test_english_summary_reads_as_the_issue_asks():
    campaign, facts = doxxing()
    text = summary(Words("en"), "doxxing", campaign, facts)
    assert text == ("From 18 to 25 April, 30 accounts, 25 of them acting together, posted calls to gather into 28 chats, "
                    "listing 3 phone numbers of Динара Сейткали, Арман Жумабеков and Гульнар Ахметова; first posted by "
                    "Нұрсұлтан (telegram:user7697338753) in Алматы мамочки on 18 April, 04:40 UTC.")
    assert title(Words("en"), "doxxing", campaign, facts) == (
        "Phone numbers of Динара Сейткали, Арман Жумабеков and Гульнар Ахметова spread in calls to gather")


def test_russian_summary_has_russian_dates_and_plurals():
    campaign, facts = doxxing()
    text = summary(Words("ru"), "doxxing", campaign, facts)
    assert text.startswith("С 18 по 25 апреля 30 аккаунтов, из них 25 действуют сообща, опубликовали призывы собраться "
                           "в 28 чатах, указав номера телефонов (3): Динара Сейткали, Арман Жумабеков и Гульнар Ахметова")
    assert "18 апреля, 04:40 UTC" in text
    assert [count("ru", n, "account") for n in (1, 3, 11, 21, 25)] == [
        "1 аккаунт", "3 аккаунта", "11 аккаунтов", "21 аккаунт", "25 аккаунтов"]


def test_impersonation_title_names_the_site_and_the_headline_goes_in_the_summary():
    facts = Facts(first=FIRST, last=FIRST, accounts=17, coordinated=16, chats=30, domains=["shyndyk-kz.info"],
                  impersonates=["shyndyk.kz"],
                  headlines=[("shyndyk-kz.info", "Правительство тайно согласовало марш 26 апреля")])
    campaign = {"title": "A вы говорите фeйк.", "score_parts": {"harm.impersonation": 1.0}, "impersonates": ["shyndyk.kz"]}
    w = Words("en")
    assert title(w, "impersonation", campaign, facts) == "Fake article on shyndyk-kz.info posing as shyndyk.kz"
    text = summary(w, "impersonation", campaign, facts)
    assert text.startswith("On 18 April, 17 accounts") and "«Правительство тайно согласовало марш 26 апреля»" in text


def test_a_caption_is_quoted_only_when_nothing_says_more():
    facts = Facts(first=FIRST, last=LAST, accounts=3, coordinated=3, chats=3)
    assert title(Words("en"), "other", {"title": "А вы говорите фейк."}, facts) == "Coordinated spread: «А вы говорите фейк.»"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="report language 'kk'"):
        Words("kk")


@pytest.fixture
def record(fresh_db):
    from tests.report_store import build

    build(fresh_db)
    campaigns.run(fresh_db)
    data = findings.build(fresh_db)
    data["refused"] = ["bad/truncated.json: line 3, column 1: unexpected end of data <script>"]
    data["coordinated_activity"] = [{
        "id": "A1", "kind": "cross_posting", "title": "Akimat notices", "first_seen": "2025-04-18T06:00:00Z",
        "last_seen": "2025-04-19T06:00:00Z", "messages": [], "accounts": ["telegram:channel42"], "coordinated_accounts": [],
        "chats": ["telegram:100"], "what": "The akimat's channel posted its own notices into 5 chats",
        "why_not_campaign": "an account's own notices, no harm signal", "score": 0.3, "score_parts": {}, "evidence": []}]
    return fresh_db, data


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_report_lists_refused_inputs_first_and_activity_as_not_a_campaign(record, lang):
    engine, data = record
    page = html.render(engine, data, lang=lang)
    assert f'<html lang="{lang}">' in page
    assert page.index('id="refused"') < page.index('id="overview"')
    assert "bad/truncated.json: line 3" in page and "<script>" not in page.split('id="refused"')[1][:500]
    activity = page.split('id="activity"')[1]
    assert "A1" in activity and ("not a campaign" if lang == "en" else "не кампания") in activity
    assert "no harm signal" in activity and "City 0" in activity  # chats by name, not id


def test_report_without_the_new_fields_still_renders(record):
    engine, data = record
    del data["refused"], data["coordinated_activity"]
    page = html.render(engine, data)
    assert 'id="refused"' not in page and 'id="activity"' not in page and 'data-summary="C1"' in page
