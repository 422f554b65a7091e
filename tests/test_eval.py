"""`fakewatch eval`: known figures on small hand-made findings."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.evaluate import check, evaluate, line


def _m(chat: str, mid: int, platform: str = "telegram") -> dict[str, str]:
    return {"platform": platform, "chat_id": chat, "message_id": str(mid)}


TRUTH = {
    "seed": 1,
    "campaigns": [
        {"id": "A", "kind": "march_call", "messages": [_m("1", i) for i in range(1, 9)] + [_m("Дом", 3, "whatsapp"),
                                                                                           _m("Дом", 4, "whatsapp")],
         "coordinated_accounts": ["telegram:user1", "telegram:user2", "telegram:user3", "whatsapp:+77015550000"],
         "unwitting_accounts": ["telegram:user99"],
         "seeder": "telegram:user1", "targets": {"persons": ["Динара"], "phones": ["+77015550101"]},
         "domains": [], "impersonates": []},
        {"id": "D", "kind": "fake_article", "messages": [_m("2", i) for i in range(1, 11)],
         "coordinated_accounts": ["telegram:user7", "telegram:user8"], "seeder": "telegram:user8",
         "targets": {"persons": [], "phones": []}, "domains": ["shyndyk-kz.info"], "impersonates": ["shyndyk.kz"]},
    ],
    "benign_viral": [_m("3", i) for i in range(1, 5)],
}


FINDINGS = {
    "campaigns": [
        {   # 8 of A's 10, one identity on another platform, 2 benign: P 8/11, R 0.8
            "id": "C1", "messages": [_m("1", i) for i in range(1, 7)] + [_m("Дом", 3, "whatsapp"), _m(1, 4, "x")]
            + [_m("Дом", 4, "whatsapp")] + [_m("3", 1), _m("3", 2)],
            "coordinated_accounts": ["telegram:user1", "telegram:user2", "telegram:user99"],
            "seeders": ["telegram:user5", "telegram:user6", "telegram:user2", "telegram:user1"],
            "targets": {"phones": ["+7 701 555 01 01"]}, "domains": [], "impersonates": [],
        },
        {   # 5 of D's 10, nothing else: P 1.0, R 0.5
            "id": "C2", "messages": [_m("2", i) for i in range(1, 6)],
            "coordinated_accounts": ["telegram:user7", "telegram:user8"], "seeders": ["telegram:user8"],
            "targets": {"phones": []}, "domains": ["www.shyndyk-kz.info"], "impersonates": [],
        },
    ],
    # candidates never count
    "candidates": [{"id": "K1", "messages": [_m("2", i) for i in range(1, 11)], "impersonates": ["shyndyk.kz"]}],
}


def test_known_figures():
    r = evaluate(FINDINGS, TRUTH)
    # pooled: found 11 + 5 = 16 identities, 8 + 5 = 13 true
    assert r["messages"]["found"] == 16 and r["messages"]["hits"] == 13 and r["messages"]["true"] == 20
    assert r["messages"]["precision"] == pytest.approx(13 / 16)
    assert r["messages"]["recall"] == pytest.approx(13 / 20)
    a, d = r["per_campaign"]["campaigns"]
    assert (a["matched"], a["hits"], a["found"]) == ("C1", 8, 11)
    assert a["precision"] == pytest.approx(8 / 11) and a["recall"] == pytest.approx(0.8)
    assert a["seeder_rank"] == 4  # ranked, but not in the top 3
    assert (d["matched"], d["precision"], d["recall"], d["seeder_rank"]) == ("C2", 1.0, 0.5, 1)
    assert r["per_campaign"]["mean_f1"] == pytest.approx((2 * (8 / 11) * 0.8 / (8 / 11 + 0.8) + 2 / 3) / 2)
    # accounts: found {1, 2, 99, 7, 8}, true {1, 2, 3, wa, 7, 8}
    assert r["accounts"]["precision"] == pytest.approx(4 / 5) and r["accounts"]["recall"] == pytest.approx(4 / 6)
    assert r["accounts"]["unwitting_flagged"] == 1
    assert r["seeders"] == {"found": 1, "total": 2, "share": 0.5}
    assert r["phones"]["found"] == 1 and r["phones"]["total"] == 1  # spacing does not matter
    assert r["domains"]["found"] == 1  # www. does not matter
    assert r["impersonates"]["found"] == 0  # only the candidate named it
    assert r["benign"] == {"found": 2, "total": 4, "share": 0.5}
    assert "messages P 0.812 R 0.650" in line(r)


def test_nothing_found_scores_zero():
    r = evaluate({"campaigns": []}, TRUTH)
    assert r["messages"]["precision"] == 0 and r["messages"]["recall"] == 0
    assert r["per_campaign"]["campaigns"][0]["matched"] is None
    assert r["seeders"]["found"] == 0 and r["benign"]["share"] == 0


def test_perfect_findings_score_one():
    perfect = {"campaigns": [{"id": c["id"], "messages": c["messages"], "coordinated_accounts":
                              c["coordinated_accounts"], "seeders": [c["seeder"]], "targets": c["targets"],
                              "domains": c["domains"], "impersonates": c["impersonates"]}
                             for c in TRUTH["campaigns"]]}
    r = evaluate(perfect, TRUTH)
    assert r["messages"]["f1"] == 1 and r["accounts"]["f1"] == 1 and r["seeders"]["share"] == 1
    assert r["phones"]["share"] == r["domains"]["share"] == r["impersonates"]["share"] == 1
    assert not check(r, {"min_f1": 1.0, "min_account_f1": 1.0, "max_benign": 0.0})


@pytest.mark.parametrize(("name", "limit", "misses"), [
    ("min_precision", 0.8, False), ("min_precision", 0.9, True), ("min_recall", 0.7, True),
    ("min_account_f1", 0.7, False), ("min_seeders", 1.0, True), ("max_benign", 0.5, False),
    ("max_benign", 0.4, True), ("min_impersonates", 0.5, True),
])
def test_thresholds(name, limit, misses):
    assert bool(check(evaluate(FINDINGS, TRUTH), {name: limit})) is misses


def _files(folder, truth):
    """FINDINGS and `truth` written as the JSON files the CLI reads."""
    paths = folder / "findings.json", folder / "truth.json"
    for path, data in zip(paths, (FINDINGS, truth)):
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return paths


def test_cli(tmp_path):
    findings, truth = _files(tmp_path, TRUTH)
    runner = CliRunner()
    ok = runner.invoke(app, ["eval", str(findings), str(truth), "--min-precision", "0.8"])
    assert ok.exit_code == 0, ok.output
    assert "messages P 0.812" in ok.output and "C1" in ok.output
    missed = runner.invoke(app, ["eval", str(findings), str(truth), "--min-recall", "0.9", "--json"])
    assert missed.exit_code == 1
    data = json.loads(missed.stdout)
    assert data["messages"]["recall"] == pytest.approx(0.65) and data["missed"]
    broken = runner.invoke(app, ["eval", str(tmp_path / "absent.json"), str(truth)])
    assert broken.exit_code == 2


LEGIT_TRUTH = {**TRUTH, "legit_coordinated": [
    {"id": "L1", "kind": "official_crosspost", "accounts": ["telegram:channel5"], "messages": [_m("5", i) for i in range(1, 9)]},
    {"id": "L2", "kind": "spam_ring", "accounts": ["telegram:user50"], "messages": [_m("6", 1), _m("6", 2)]},
]}


def test_legit_coordinated_and_weakest_campaign():
    # C1 also swallows 2 of the akimat's 8 notices and one spam message: 3 of 10 legit messages in campaigns
    swallowed = {"campaigns": [{**FINDINGS["campaigns"][0], "messages": FINDINGS["campaigns"][0]["messages"]
                                + [_m("5", 1), _m("5", 2), _m("6", 1)]}, FINDINGS["campaigns"][1]]}
    r = evaluate(swallowed, LEGIT_TRUTH)
    assert r["legit"]["found"] == 3 and r["legit"]["total"] == 10 and r["legit"]["share"] == pytest.approx(0.3)
    assert r["legit"]["by_kind"] == {"official_crosspost": {"found": 2, "total": 8}, "spam_ring": {"found": 1, "total": 2}}
    assert r["per_campaign"]["min_recall"] == pytest.approx(0.5)  # D: 5 of 10, A: 0.8
    assert check(r, {"max_legit": 0.2}) and not check(r, {"max_legit": 0.3})
    assert check(r, {"min_campaign_recall": 0.9}) and not check(r, {"min_campaign_recall": 0.5})
    assert evaluate(FINDINGS, TRUTH)["legit"] == {"found": 0, "total": 0, "share": 0.0, "by_kind": {}}  # older truths


def test_cli_long_name_and_new_thresholds(tmp_path):
    findings, truth = _files(tmp_path, LEGIT_TRUTH)
    runner = CliRunner()
    ok = runner.invoke(app, ["evaluate", str(findings), str(truth), "--max-legit", "0.02"])
    assert ok.exit_code == 0, ok.output
    assert "legit coordinated in campaigns 0/10" in ok.output
    missed = runner.invoke(app, ["evaluate", str(findings), str(truth), "--max-legit", "0.02",
                                 "--min-campaign-recall", "0.9"])
    assert missed.exit_code == 1 and "min_campaign_recall" in missed.output
