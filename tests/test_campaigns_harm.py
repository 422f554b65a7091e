"""A campaign is inauthentic spread plus harm or deception: hand-built corpora of each kind of coordination.

Each test builds what the detect stage would have stored for one situation named in issue 13
(official cross-posting, a loan-spam ring, sock-puppet copypasta, a look-alike outlet spread
under varied captions, seeders) and checks what assembly calls it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fakewatch.detect import scoring
from fakewatch.detect.campaigns import Cluster, Corpus, assemble
from fakewatch.detect.signals import Msg, Phone
from fakewatch.enrich.adverts import is_advert
from fakewatch.enrich.testimony import is_testimony

T0 = datetime(2025, 4, 18, 9, 0)
LOOKALIKE = {"outlet": "tengrinews.kz", "method": "tld-swap", "score": 0.9, "detail": "same name, other suffix"}


class Build:
    """A corpus written message by message, as the detect stage would have stored it."""

    def __init__(self) -> None:
        self.corpus = Corpus(clusters={}, msgs={})
        self.pk = 0

    def messages(self, rows: list[tuple[str, str, datetime]], fwd: str | None = None) -> list[int]:
        pks = []
        for account, chat, when in rows:
            self.pk += 1
            self.corpus.msgs[self.pk] = Msg(self.pk, account, chat, when, fwd and "Source", fwd, "ru")
            pks.append(self.pk)
        return pks

    def cluster(self, cid: int, kind: str, rows: list[tuple[str, str, datetime]], text: str = "", *,
                fwd: str | None = None, key: str | None = None) -> list[int]:
        pks = self.messages(rows, fwd)
        self.corpus.clusters[cid] = Cluster(cid, kind, key or f"key{cid}", pks, pks[0])
        self.corpus.texts[pks[0]] = text
        return pks

    def history(self, accounts: list[str], messages: int) -> None:
        """Accounts with a long ordinary history in the corpus (not fresh, not single-purpose)."""
        for a in accounts:
            self.corpus.corpus_counts[a] = messages
        self.corpus.corpus_tg_ids = sorted({*self.corpus.corpus_tg_ids, *range(1_000, 1_050)})

    def done(self) -> Corpus:
        """The corpus, spanning two weeks of ordinary chatter around the situation (so bursts are bursts)."""
        for days in (-7, 7):
            self.cluster(900 + days, "text", [("telegram:user1040", "telegram:1", T0 + timedelta(days=days)),
                                              ("telegram:user1041", "telegram:2", T0 + timedelta(days=days))],
                         "Доброе утро!")
        c = self.corpus
        c.adverts = {cid for cid, cl in c.clusters.items() if is_advert(c.texts.get(cl.representative_pk or -1, ""))}
        return c


def spread(accounts: list[str], chats: int, start: datetime, step: timedelta) -> list[tuple[str, str, datetime]]:
    return [(accounts[i % len(accounts)], f"telegram:{500 + i}", start + i * step) for i in range(chats)]


def by_class(drafts, cls):
    return [d for d in drafts if d.cls == cls]


def test_an_office_cross_posting_its_notice_is_coordinated_activity_not_a_campaign():
    b = Build()
    akimat, dchs = "telegram:user1001", "telegram:user1002"
    b.history([akimat, dchs], 300)
    notice = "Ремонт дороги по ул. Абая с 12 по 27 апреля, объезд по ул. Сейфуллина."
    first = b.cluster(1, "text", spread([akimat], 10, T0, timedelta(seconds=30)), notice)
    second = b.cluster(2, "text", spread([dchs], 6, T0 + timedelta(minutes=2), timedelta(seconds=20)), notice)
    b.corpus.group_of = {akimat: 1, dchs: 1}
    b.corpus.floods = {1: [{"account_id": akimat, "chats": 10, "messages": 10, "start": T0, "end": T0}],
                       2: [{"account_id": dchs, "chats": 6, "messages": 6, "start": T0, "end": T0}]}
    b.corpus.clustered_counts = {akimat: 10, dchs: 6}
    drafts = assemble(b.done())
    assert by_class(drafts, "campaign") == []
    [activity] = by_class(drafts, "activity")
    assert set(activity.pks) >= set(first) and activity.score >= scoring.REPORT_THRESHOLD
    assert activity.data["kind"] == "cross_posting" and activity.data["harm_signals"] == []
    assert "no harm signal" in activity.data["why_not_campaign"]
    assert "chats" in activity.data["what"]
    assert set(second) <= set(activity.pks)


def test_a_loan_spam_ring_is_spam_even_with_a_shared_phone_number():
    b = Build()
    bots = [f"telegram:user{8_000_000 + i}" for i in range(5)]
    advert = "Займ до 500 000 тг без справок! Одобрение за 5 минут, пишите +7 701 000 00 00"
    pks = b.cluster(1, "text", spread(bots, 25, T0, timedelta(minutes=1)), advert)
    b.corpus.phones = {pk: [Phone(pk, "+77010000000", "KZ", "mobile")] for pk in pks}
    b.corpus.group_of = {a: 3 for a in bots}
    b.corpus.corpus_counts = {a: 5 for a in bots}
    b.corpus.clustered_counts = {a: 5 for a in bots}
    b.corpus.corpus_tg_ids = sorted([1_000 + i for i in range(40)] + [8_000_000 + i for i in range(5)])
    drafts = assemble(b.done())
    assert by_class(drafts, "campaign") == []
    [activity] = by_class(drafts, "activity")
    assert activity.data["kind"] == "spam" and activity.parts.harm.third_party_phones == 0


def test_sock_puppets_posting_one_text_as_their_own_words_are_a_campaign():
    b = Build()
    puppets = [f"telegram:user{1_000 + i}" for i in range(6)]
    b.history(puppets, 120)
    text = "Я сама видела, как в школах собирают детей на митинг, мой сосед тоже подтвердил. Позор!"
    pks = b.cluster(1, "text", spread(puppets, 18, T0, timedelta(minutes=2)), text)
    b.corpus.group_of = {a: 1 for a in puppets}
    [campaign] = by_class(assemble(b.done()), "campaign")
    assert set(campaign.pks) == set(pks)
    assert campaign.data["kind"] == "sock_puppets" and campaign.data["severity"] == "medium"
    assert campaign.data["harm_signals"] == ["sock_puppets"]


def test_one_testimony_posted_as_their_own_by_accounts_no_timing_links_is_a_campaign():
    b = Build()
    voices = [f"telegram:user{1_000 + i}" for i in range(8)]
    b.history(voices, 4)
    text = "Я сама видела, как возле акимата раздавали конверты с деньгами тем, кто записался на шествие."
    pks = b.cluster(1, "text", spread(voices, 12, T0, timedelta(hours=3)), text)
    b.corpus.testimonies = {1}
    [campaign] = by_class(assemble(b.done()), "campaign")
    assert set(campaign.pks) == set(pks) and "sock_puppets" in campaign.data["harm_signals"]


def test_an_organic_chain_pasting_a_warning_on_is_no_campaign():
    b = Build()
    people = [f"telegram:user{1_000 + i}" for i in range(12)]
    b.history(people, 200)
    text = "Внимание! По городу ходят мошенники под видом газовой службы, не открывайте дверь."
    b.cluster(1, "text", spread(people, 12, T0, timedelta(minutes=50)), text)
    drafts = assemble(b.done())
    assert by_class(drafts, "campaign") == []


def test_forwarding_one_channel_post_is_not_posing_as_independent_voices():
    b = Build()
    members = [f"telegram:user{1_000 + i}" for i in range(6)]
    b.history(members, 120)
    b.cluster(1, "forward", spread(members, 18, T0, timedelta(minutes=2)), "Новости города", fwd="telegram:channel9")
    b.corpus.group_of = {a: 1 for a in members}
    drafts = assemble(b.done())
    assert by_class(drafts, "campaign") == []
    assert all(d.parts.harm.sock_puppets == 0 for d in drafts)


def test_every_message_spreading_a_lookalike_joins_its_campaign_whatever_the_caption():
    b = Build()
    aged = [f"telegram:user{1_000 + i}" for i in range(4)]
    members = [f"telegram:user{1_020 + i}" for i in range(4)]
    b.history(aged + members + ["telegram:user1030"], 400)
    captions = ["Читайте: LINK", "LINK это правда??", "Скинули в родительский чат, посмотрите LINK"]
    rows = spread(aged, 16, T0, timedelta(seconds=40)) + spread(aged, 16, T0 + timedelta(days=2), timedelta(seconds=40))
    posts = b.messages(rows)  # every post its own caption and article path: in no text or link cluster
    forwards = b.messages([(m, f"telegram:{600 + i}", T0 + timedelta(hours=1 + i)) for i, m in enumerate(members)],
                          fwd=aged[0])
    warning = b.messages([("telegram:user1030", "telegram:700", T0 + timedelta(hours=6))])
    b.corpus.quotes = set(warning)  # "Не открывайте «tengrinews-kz.info/news/3», это фейк, а не Tengrinews!"
    linking = posts + forwards + warning
    b.corpus.clusters[1] = Cluster(1, "domain", "tengrinews-kz.info", linking, linking[0])
    b.corpus.texts[linking[0]] = captions[0]
    b.corpus.domains = {pk: ["tengrinews-kz.info"] for pk in linking}
    b.corpus.lookalikes = {"tengrinews-kz.info": LOOKALIKE}
    [campaign] = by_class(assemble(b.done()), "campaign")  # no detect group: the repeat spreaders are one
    assert set(campaign.pks) == set(posts) | set(forwards)
    assert set(campaign.data["coordinated_accounts"]) == set(aged)
    assert "content_coordination" in {e.kind for e in campaign.evidence}
    assert campaign.data["kind"] == "impersonation" and campaign.data["impersonates"] == ["tengrinews.kz"]


def test_the_first_poster_of_the_content_is_the_first_seeder():
    b = Build()
    network = [f"telegram:user{9_000_000 + i}" for i in range(5)]
    origin = "telegram:channel5"
    b.history(["telegram:user1001"], 50)
    text = "Все на марш 26 апреля! Организатор Айгерим Сапарова +7 701 555 01 01, звоните"
    early = b.cluster(1, "text", spread(network, 15, T0, timedelta(minutes=1)), text)
    b.cluster(2, "forward", [("telegram:user1001", "telegram:900", T0 - timedelta(minutes=30))], text, fwd=origin)
    b.corpus.group_of = {a: 4 for a in network}
    b.corpus.seeders = {1: [(network[3], 1)]}
    b.corpus.phones = {pk: [Phone(pk, "+77015550101", "KZ", "mobile")] for pk in early}
    b.corpus.gathering = set(early)
    b.corpus.corpus_tg_ids = sorted([1_000 + i for i in range(40)] + [9_000_000 + i for i in range(5)])
    b.corpus.clusters[1].members.append(b.pk)  # the forward is a copy of the same text
    [campaign] = by_class(assemble(b.done()), "campaign")
    assert campaign.data["seeders"][:2] == [origin, "telegram:user1001"]
    assert campaign.data["seeders"][2] == network[0]
    assert campaign.data["kind"] == "doxxing"


def test_adverts_need_two_selling_markers():
    assert is_advert("Продаю детскую коляску, цена 20 000 тг, доставка по городу")
    assert is_advert("Loans with no credit check, instant approval!")
    assert not is_advert("Цены на бензин выросли третий раз за месяц")
    assert not is_advert("Кто хочет заработать 5000 тг 26.04? Пишите в лс")


def test_testimony_is_first_person_eyewitness_words():
    assert is_testimony("Клянусь, сама видела, как раздавали деньги")
    assert is_testimony("Мен өзім көрдім, акимат алдында ақша таратты")
    assert is_testimony("I saw it myself, they were paying people")
    assert not is_testimony("Внимание! Пропал ребёнок, видели в последний раз у школы")
    assert not is_testimony("Акимат сообщает: ремонт дороги")


def test_sellers_each_signing_with_their_own_number_are_not_sock_puppets():
    b = Build()
    sellers = [f"telegram:user{1_000 + i}" for i in range(4)]
    b.history(sellers, 60)
    pks = b.cluster(1, "text", spread(sellers, 16, T0, timedelta(minutes=3)), "Холодильник Samsung, 294 000 тг")
    b.corpus.phones = {pk: [Phone(pk, f"+7708555000{i % 4}", "KZ", "mobile")] for i, pk in enumerate(pks)}
    b.corpus.group_of = {a: 1 for a in sellers}
    drafts = assemble(b.done())
    assert by_class(drafts, "campaign") == []
    assert all(d.parts.harm.sock_puppets == 0 for d in drafts)
