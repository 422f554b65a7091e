"""Campaign assembly, scoring, signals and techniques on small hand-built corpora."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fakewatch.detect import campaigns, scoring, signals, techniques
from fakewatch.detect.campaigns import Cluster, Corpus, assemble, busiest_hour, title
from fakewatch.detect.signals import Msg, Phone

T0 = datetime(2025, 4, 18, 6, 0)


def scenario() -> Corpus:
    """A coordinated campaign (three clusters) next to an official notice forwarded by regulars and greetings."""
    msgs: dict[int, Msg] = {}
    clusters: dict[int, Cluster] = {}
    pk = 0

    def add(cluster_id: int, kind: str, rows: list[tuple[str, str, datetime]], **kw) -> list[int]:
        nonlocal pk
        pks = []
        for account, chat, when in rows:
            pk += 1
            msgs[pk] = Msg(pk, account, chat, when, kw.get("fwd"), kw.get("fwd_id"), "ru")
            pks.append(pk)
        clusters[cluster_id] = Cluster(cluster_id, kind, f"key{cluster_id}", pks, pks[0])
        return pks

    bots = [f"telegram:user{9_000_000 + i}" for i in range(4)]
    announce = add(1, "text", [(bots[i % 4], f"telegram:{100 + i}", T0 + timedelta(minutes=3 * i)) for i in range(12)])
    video = add(2, "media", [(bots[i % 4], f"telegram:{100 + i}", T0 + timedelta(hours=2, minutes=i)) for i in range(8)])
    article = add(3, "link", [(bots[i % 4], f"telegram:{110 + i}", T0 + timedelta(hours=5, minutes=i)) for i in range(6)])
    regulars = [f"telegram:user{1_000 + i}" for i in range(10)]
    notice = add(4, "forward", [(regulars[i], f"telegram:{200 + i % 5}", T0 + timedelta(hours=9 * i)) for i in range(10)],
                 fwd="Akimat", fwd_id="telegram:channel42")
    greetings = add(5, "text", [(regulars[i], f"telegram:{200 + i % 3}", T0 + timedelta(hours=7 * i)) for i in range(6)])

    corpus = Corpus(clusters=clusters, msgs=msgs)
    corpus.texts = {announce[0]: "Все на марш! Организаторы: +7 701 555 0101. Оплата 5000 тенге. https://x.example/a",
                    video[0]: "", article[0]: "Статья", notice[0]: "Акимат: марш не согласован, не приходите.",
                    greetings[0]: "Доброе утро всем!"}
    corpus.group_of = {b: 1 for b in bots}
    corpus.seeders = {1: [(bots[0], 1), (bots[1], 2)], 2: [(bots[0], 1)], 4: [(regulars[0], 1)]}
    corpus.phones = {p: [Phone(p, "+77015550101", "KZ", "mobile")] for p in announce}
    corpus.domains = {p: ["shyndyk-kz.info"] for p in article}
    corpus.lookalikes = {"shyndyk-kz.info": {"outlet": "shyndyk.kz", "method": "tld-swap", "score": 0.9, "detail": "x"}}
    corpus.pays = set(announce)
    corpus.gathering = set(announce) | {notice[0]}
    corpus.videos = set(video)
    corpus.floods = {1: [{"account_id": bots[0], "chats": 3, "messages": 3, "start": T0, "end": T0 + timedelta(minutes=9)}]}
    corpus.corpus_counts = {**{b: 7 for b in bots}, **{r: 200 for r in regulars}}
    corpus.clustered_counts = {**{b: 7 for b in bots}, **{r: 2 for r in regulars}}
    corpus.corpus_tg_ids = sorted([9_000_000 + i for i in range(4)] + [1_000 + i for i in range(10)])
    corpus.key_totals = {("origin", "telegram:channel42"): 400}
    return corpus


def test_campaign_joins_coordinated_clusters_and_leaves_benign_out():
    corpus = scenario()
    drafts = assemble(corpus)
    reported = [d for d in drafts if d.reported]
    assert len(reported) == 1
    c = reported[0]
    assert c.clusters == [1, 2, 3]
    assert not set(c.pks) & set(corpus.clusters[4].members + corpus.clusters[5].members)
    assert c.data["seeders"][0] == "telegram:user9000000"
    assert c.data["targets"]["phones"] == ["+77015550101"]
    assert c.data["domains"] == ["shyndyk-kz.info"] and c.data["impersonates"] == ["shyndyk.kz"]
    assert set(c.data["coordinated_accounts"]) == set(corpus.group_of)
    assert {"T0048.004", "T0149.003", "T0057.001", "T0087.001", "T0126.001", "T0119.001"} <= set(c.data["techniques"])
    assert c.title.startswith("Все на марш!")
    kinds = {e.kind for e in c.evidence}
    assert {"seeders", "third_party_phone", "impersonation", "payment_offer", "account_age",
            "no_ordinary_activity", "flood"} <= kinds
    assert "utc_offset" not in kinds  # three bursts cannot tell a time zone (tests/test_utc_offsets.py)
    assert all(e.message_pks and set(e.message_pks) <= set(c.pks) for e in c.evidence)
    # the official notice is at most a candidate
    assert all(not set(d.pks) & set(corpus.clusters[4].members) or not d.reported for d in drafts)


def test_benign_notice_scores_under_report_threshold():
    corpus = scenario()
    measure = campaigns._Measure(corpus)
    notice = corpus.clusters[4]
    assert scoring.score(measure.parts(notice.members, [4])) < scoring.REPORT_THRESHOLD
    assert scoring.score(measure.parts(corpus.clusters[1].members, [1])) >= scoring.REPORT_THRESHOLD


def test_common_forward_origin_does_not_glue_stories():
    corpus = scenario()
    # a coordinated cluster forwarded from the same big channel as the official notice stays apart
    corpus.msgs = {pk: (Msg(pk, m.account, m.chat, m.sent_at, "Akimat", "telegram:channel42", m.lang)
                        if pk in corpus.clusters[2].members else m) for pk, m in corpus.msgs.items()}
    corpus.clusters.pop(1)
    corpus.clusters.pop(3)
    drafts = assemble(corpus)
    assert not any({2, 4} <= set(d.clusters) for d in drafts)


def test_score_is_documented_weighted_sum():
    parts = scoring.ScoreParts(coordination=1, speed=1, fresh=1, floods=1, harm=scoring.Harm(1, 1, 1, 1))
    assert scoring.score(parts) == pytest.approx(0.7 + 0.3 * (1 - 0.4 ** 4), abs=1e-3)
    assert scoring.score(scoring.ScoreParts(0, 0, 0, 0, scoring.Harm())) == 0
    assert sum(scoring.WEIGHTS.values()) == pytest.approx(1)


def test_busiest_hour_counts_distinct_chats():
    msgs = [Msg(i, "a", f"c{i % 4}", T0 + timedelta(minutes=10 * i)) for i in range(12)]
    assert busiest_hour(msgs) == (4, 7)
    spread = [Msg(i, "a", f"c{i}", T0 + timedelta(hours=2 * i)) for i in range(5)]
    assert busiest_hour(spread) == (1, 1)


def test_speed_needs_a_burst_not_just_volume():
    # 14 days of a greeting posted steadily: 10 chats every hour, but at its usual pace
    assert scoring.speed_part(10, 12, 4000, 336) < 0.05
    # the same reach in one burst of a small cluster
    assert scoring.speed_part(10, 40, 100, 336) == 1.0


def test_account_age_uses_corpus_quantile():
    ids = list(range(1, 101))
    msgs = [Msg(1, "telegram:user100", "telegram:1", T0), Msg(2, "telegram:user5", "telegram:1", T0)]
    ev = signals.account_age(["telegram:user100", "telegram:user5", "whatsapp:+77010000000"], ids, msgs)
    assert ev is not None and ev.data["new_accounts"] == ["telegram:user100"] and ev.message_pks == [1]


def test_a_campaign_spreading_a_lookalike_page_is_titled_by_it():
    corpus = scenario()
    (c,) = [d for d in assemble(corpus) if d.reported]
    corpus.domains = {pk: ["shyndyk-kz.info"] for pk in c.pks}  # now every message links the page
    (c,) = [d for d in assemble(corpus) if d.reported]
    assert c.title.startswith("shyndyk-kz.info (look-alike of shyndyk.kz): Все на марш!")


def test_title_is_first_sentence_without_urls():
    assert title("Срочно! https://evil.example/x Все на площадь") == "Срочно!"
    long = "слово " * 40
    assert len(title(long)) <= campaigns.TITLE_CHARS + 1 and title(long).endswith("…")


def test_every_technique_id_ships_with_a_name():
    names = techniques.technique_names()
    for ids in techniques.RULES.values():
        assert all(t in names for t in ids)
    assert all(t.stix_id.startswith("attack-pattern--") for t in techniques.disarm_techniques().values())


def test_warnings_quoting_a_fake_phone_stay_out():
    corpus = scenario()
    regulars = [f"telegram:user{1_000 + i}" for i in range(6)]
    start = max(corpus.msgs) + 1
    warning = list(range(start, start + 6))
    for i, pk in enumerate(warning):
        corpus.msgs[pk] = Msg(pk, regulars[i], f"telegram:{200 + i}", T0 + timedelta(hours=10 + 6 * i), lang="ru")
        corpus.phones[pk] = [Phone(pk, "+77015550101", "KZ", "mobile")]
    corpus.clusters[6] = Cluster(6, "text", "warning", warning, warning[0])
    corpus.texts[warning[0]] = "Осторожно, фейк: не звоните по номеру +7 701 555 0101"
    drafts = assemble(corpus)
    assert all(6 not in d.clusters for d in drafts if d.reported)


def test_two_networks_sharing_a_channel_stay_two_campaigns():
    corpus = scenario()
    others = [f"telegram:user{9_100_000 + i}" for i in range(4)]
    start = max(corpus.msgs) + 1
    rows = {}
    for i in range(10):  # a second network's own announcement
        rows[start + i] = Msg(start + i, others[i % 4], f"telegram:{300 + i}", T0 + timedelta(days=1, minutes=2 * i))
    bridge = list(range(start + 10, start + 18))  # both networks forward from one channel
    for j, pk in enumerate(bridge):
        author = (others if j % 2 else [f"telegram:user{9_000_000 + i}" for i in range(4)])[j % 4]
        rows[pk] = Msg(pk, author, f"telegram:{400 + j}", T0 + timedelta(days=2, minutes=j), "Channel", None)
    corpus.msgs.update(rows)
    corpus.clusters[7] = Cluster(7, "text", "second", list(range(start, start + 10)), start)
    corpus.clusters[8] = Cluster(8, "forward", "name:Channel", bridge, bridge[0])
    corpus.texts[start] = "Другой нарратив о выплатах"
    corpus.group_of.update({a: 2 for a in others})
    corpus.corpus_counts.update({a: 5 for a in others})
    reported = [d for d in assemble(corpus) if d.reported]
    assert len(reported) == 2
    by_group = {corpus.group_of[corpus.msgs[d.pks[0]].account]: set(d.pks) for d in reported}
    assert {pk for pk in bridge if corpus.msgs[pk].account in others} <= by_group[2]
    assert {pk for pk in bridge if corpus.msgs[pk].account not in others} <= by_group[1]


def test_repeat_posters_outside_groups_count_as_campaign_accounts():
    corpus = scenario()
    helper = "telegram:user9000099"
    extra = [pk for pk in corpus.clusters[1].members[:2]]
    for pk in extra:
        m = corpus.msgs[pk]
        corpus.msgs[pk] = Msg(pk, helper, m.chat, m.sent_at, lang=m.lang)
    corpus.corpus_counts[helper] = 2
    [c] = [d for d in assemble(corpus) if d.reported]
    assert helper in c.data["coordinated_accounts"] and helper not in corpus.group_of


@pytest.mark.parametrize("kind, key, expected", [
    ("domain", "shyndyk-kz.info", True), ("phone", "+77015550101", True), ("link", "https://shyndyk-kz.info/", True),
    ("link", "https://shyndyk-kz.info/kogam/marsh-26", False), ("text", "все на марш", False)])
def test_key_clusters(kind, key, expected):
    assert campaigns.is_key_cluster(Cluster(1, kind, key, [1])) is expected


def test_channels_are_never_single_purpose():
    corpus = scenario()
    corpus.corpus_counts["telegram:channel5"] = corpus.clustered_counts["telegram:channel5"] = 50
    corpus.corpus_counts["telegram:user5"] = corpus.clustered_counts["telegram:user5"] = 50
    measure = campaigns._Measure(corpus)
    assert not measure.is_fresh("telegram:channel5") and measure.is_fresh("telegram:user5")
