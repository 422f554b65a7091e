"""STIX 2.1 export: valid for stix2 and OASIS's validator, importable by OpenCTI's rules, deterministic, redacted."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import stix2
from stix2validator import ValidationOptions, validate_string
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.detect.techniques import disarm_techniques
from fakewatch.export import stix
from fakewatch.export.case import Case, ExportError, read
from conftest import ROOT
from tests.export_findings import FAKE_URL, PHONES, WHATSAPP_SEEDER, findings, phone_digits

# Validator warnings the bundle is known to carry, each explained in docs/export.md.
EXPECTED_WARNINGS = {
    "103",  # deterministic (UUIDv5) ids where STIX suggests UUIDv4
    "202",  # OpenCTI's own relationships (campaign uses channel, indicator based-on an observable)
    "244",  # account types telegram/whatsapp are outside STIX's account-type vocabulary
    "302",  # DISARM's external references carry a URL without a hash, as in DISARM's bundle
    "401",  # OpenCTI's custom types channel and phone-number are not STIX extensions
}
# STIX 2.1 required properties (spec section 4-6) of every type the export writes, plus OpenCTI's types.
REQUIRED = {
    "attack-pattern": {"name"}, "campaign": {"name"}, "identity": {"name"}, "indicator":
    {"pattern", "pattern_type", "valid_from"}, "note": {"content", "object_refs"}, "report":
    {"name", "published", "object_refs"}, "relationship": {"relationship_type", "source_ref", "target_ref"},
    "marking-definition": set(), "domain-name": {"value"}, "url": {"value"}, "file": set(), "user-account": set(),
    "phone-number": {"value"}, "channel": {"name"},
}
SDO_COMMON = {"type", "spec_version", "id", "created", "modified"}
SCO_COMMON = {"type", "id"}
SCO = {"domain-name", "url", "file", "user-account", "phone-number"}
# The part of OpenCTI's relationship rules (opencti-graphql src/database/stix.ts `stixCoreRelationshipsMapping`,
# the indicator module) this bundle uses; `related-to` is allowed between any two objects there.
OPENCTI_RELATIONS = {
    ("campaign", "uses", "attack-pattern"), ("campaign", "uses", "channel"),
    ("campaign", "targets", "identity:individual"), ("campaign", "targets", "identity:organization"),
    ("indicator", "indicates", "campaign"), ("indicator", "based-on", "domain-name"), ("indicator", "based-on", "url"),
}


def bundle_of(**options) -> dict:
    return json.loads(stix.dumps(stix.build(Case(findings(), "test", **options))))


def kind_of(obj: dict) -> str:
    return f"identity:{obj['identity_class']}" if obj["type"] == "identity" else obj["type"]


@pytest.mark.parametrize("options", [{"tlp": "amber"}, {"tlp": "amber+strict", "redact_phones": True}, {"only": "K1"}])
def test_bundle_parses_and_validates_with_only_the_explained_warnings(options):
    text = stix.dumps(stix.build(Case(findings(), "test", **options)))
    parsed = stix2.parse(text, allow_custom=True)
    assert parsed.type == "bundle"
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid and not result.errors, result.errors
    codes = {re.search(r": \{(\d+)\} ", w).group(1) for w in result.warnings}
    assert codes <= EXPECTED_WARNINGS, result.warnings


def test_every_object_has_its_required_properties():
    for obj in bundle_of()["objects"]:
        common = SCO_COMMON if obj["type"] in SCO else SDO_COMMON - (
            {"modified"} if obj["type"] == "marking-definition" else set())  # markings are never versioned
        assert REQUIRED[obj["type"]] | common <= obj.keys(), obj
        if obj["type"] == "file":
            assert obj.get("hashes") or obj.get("name")


def test_opencti_import_model_every_ref_resolves_and_every_relationship_is_allowed():
    objects = {o["id"]: o for o in bundle_of()["objects"]}
    for obj in objects.values():
        for key, value in obj.items():
            refs = value if key.endswith("_refs") else [value] if key.endswith("_ref") else []
            assert all(r in objects for r in refs), (obj["id"], key)
    for rel in (o for o in objects.values() if o["type"] == "relationship"):
        triple = (kind_of(objects[rel["source_ref"]]), rel["relationship_type"], kind_of(objects[rel["target_ref"]]))
        assert rel["relationship_type"] == "related-to" or triple in OPENCTI_RELATIONS, triple
    report = next(o for o in objects.values() if o["type"] == "report")
    assert set(report["object_refs"]) == {i for i in objects if i != report["id"] and
                                          not i.startswith("marking-definition--")}


def test_the_case_maps_onto_the_expected_objects():
    objects = bundle_of()["objects"]
    by_type: dict[str, list[dict]] = {}
    for o in objects:
        by_type.setdefault(o["type"], []).append(o)
    c1 = next(c for c in by_type["campaign"] if c["name"].startswith("C1"))
    assert c1["confidence"] == 87 and c1["first_seen"] == "2025-04-18T06:12:00Z"
    assert {"kind:doxxing", "harm:third_party_phones"} <= set(c1["labels"])
    assert {p["value"] for p in by_type["phone-number"]} == set(PHONES)
    assert {d["value"] for d in by_type["domain-name"]} == {"shyndyk-kz.info"}
    assert [u["value"] for u in by_type["url"]] == [FAKE_URL]  # the real outlet's link is not made an indicator
    assert {i["pattern"] for i in by_type["indicator"]} == {"[domain-name:value = 'shyndyk-kz.info']",
                                                              f"[url:value = '{FAKE_URL}']"}
    assert {(i["name"], i["identity_class"]) for i in by_type["identity"]} >= {
        ("Айгуль Нурланова", "individual"), ("shyndyk.kz", "organization"), ("fakewatch", "system")}
    assert {c["name"] for c in by_type["channel"]} == {"telegram:1001", "telegram:1002", "telegram:1003",
                                                        "whatsapp:Родители 5Б"}  # telegram:1001 once, for C1 and C2
    assert {a["user_id"] for a in by_type["user-account"]} == {"user555", "user556", "user700", "+77055550303"}
    assert by_type["file"][0]["hashes"] == {"SHA-256": "cd" * 32}
    notes = [n for n in by_type["note"] if n["object_refs"] == [c1["id"]]]
    assert len(notes) == 2 and "telegram/1001/77" in notes[0]["content"]
    assert any("A1 coordinated activity" in n["abstract"] for n in by_type["note"])
    report = by_type["report"][0]
    assert {r["hashes"]["SHA-256"] for r in report["external_references"]} == {"ab" * 32, "ef" * 32}
    assert "1 weaker candidate" in report["description"]


def test_disarm_attack_patterns_carry_the_frameworks_own_ids():
    techniques = disarm_techniques()
    patterns = [o for o in bundle_of()["objects"] if o["type"] == "attack-pattern"]
    assert {p["external_references"][0]["external_id"] for p in patterns} == {"T0048.004", "T0149.003", "T0049",
                                                                             "T0057.001"}
    for p in patterns:
        ref = p["external_references"][0]
        assert ref["source_name"] == "mitre-attack" and ref["url"].endswith(f"/{ref['external_id']}.md")
        assert p["id"] == techniques[ref["external_id"]].stix_id
        assert p["kill_chain_phases"] == [{"kill_chain_name": "mitre-attack",
                                           "phase_name": techniques[ref["external_id"]].tactic}]


def test_shipped_disarm_table_matches_the_shared_reference():
    reference = ROOT.parent / "shared" / "reference" / "disarm-techniques.tsv"
    if not reference.exists():
        pytest.skip(f"{reference} absent: the shared reference is only in team checkouts")
    with reference.open(encoding="utf-8") as f:
        rows = {r["technique_id"]: r["stix_id"] for r in csv.DictReader(f, delimiter="\t")}
    assert {t.id: t.stix_id for t in disarm_techniques().values()} == rows


def test_the_same_case_twice_gives_the_same_bundle_and_ids_follow_the_case():
    assert stix.dumps(stix.build(Case(findings(), "a"))) == stix.dumps(stix.build(Case(findings(), "b")))
    other = findings()
    other["inputs"][0]["sha256"] = "00" * 32
    ids = {o["id"] for o in bundle_of()["objects"]}
    moved = {o["id"] for o in json.loads(stix.dumps(stix.build(Case(other, "c"))))["objects"]}
    assert any(i.startswith("campaign--") for i in ids - moved)  # another case: its own campaign ids
    assert {i for i in ids & moved if i.startswith("attack-pattern--")}  # DISARM's ids are everyone's


@pytest.mark.parametrize("tlp, marking", [("clear", stix2.TLP_WHITE.id), ("amber", stix2.TLP_AMBER.id),
                                          ("amber+strict", "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37")])
def test_tlp_marks_every_object(tlp, marking):
    objects = bundle_of(tlp=tlp)["objects"]
    assert objects[0]["id"] == marking
    for o in objects[1:]:
        assert o["type"] == "attack-pattern" or o["object_marking_refs"] == [marking], o["id"]


def test_redaction_leaves_no_phone_digits_anywhere():
    text = stix.dumps(stix.build(Case(findings(), "test", redact_phones=True)))
    squeezed = re.sub(r"[\s()\-]", "", text)
    for digits in phone_digits():
        assert digits not in squeezed
    objects = json.loads(text)["objects"]
    assert not [o for o in objects if o["type"] == "phone-number"]
    assert "2 phone number(s) withheld" in next(o for o in objects if o["type"] == "report")["description"]
    accounts = [o for o in objects if o["type"] == "user-account" and o["account_type"] == "whatsapp"]
    assert accounts[0]["user_id"] == "whatsapp-redacted-1" and accounts[0]["display_name"] == "whatsapp:[phone 2]"


def test_hostile_text_cannot_become_a_link_image_or_markup():
    objects = bundle_of()["objects"]
    campaign = next(o for o in objects if o["type"] == "campaign")
    assert "](http" not in campaign["description"] and "<script>" not in campaign["description"]
    assert "\\[жми\\]\\(http" in campaign["description"]
    assert "\n" not in campaign["name"]
    assert all("](javascript" not in o.get("content", "") for o in objects)


def test_one_campaign_or_a_candidate_alone():
    objects = bundle_of(only="K1")["objects"]
    assert [c["name"][:2] for c in objects if c["type"] == "campaign"] == ["K1"]
    assert not [n for n in objects if n["type"] == "note" and "coordinated activity" in n["abstract"]]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["campaigns"][0].pop("title"), "campaigns[0].title: missing"),
    (lambda d: d["campaigns"][1].update(first_seen="yesterday"), "campaigns[1].first_seen: not an ISO 8601 time"),
    (lambda d: d["campaigns"][0]["techniques"].append("T9999"), "campaigns[0].techniques[3]: 'T9999' is not a DISARM"),
    (lambda d: d["campaigns"][0]["messages"].append({"platform": "x"}), "campaigns[0].messages[3]: needs string"),
    (lambda d: d["inputs"][1].update(sha256="xyz"), "inputs[1].sha256: not a lowercase hex SHA-256"),
    (lambda d: d.pop("campaigns"), "no `campaigns` list"),
])
def test_broken_findings_are_refused_naming_the_place(change, message):
    doc = findings()
    change(doc)
    with pytest.raises(ExportError, match=re.escape(message)):
        Case(doc, "case/findings.json")


def test_unreadable_files_and_unknown_choices_are_refused(tmp_path):
    bad = tmp_path / "findings.json"
    bad.write_text('{"campaigns": [', encoding="utf-8")
    with pytest.raises(ExportError, match=r"findings.json: line 1 column 16: not JSON"):
        read(bad)
    with pytest.raises(ExportError, match="unknown TLP level 'white'"):
        Case(findings(), "x", tlp="white")
    with pytest.raises(ExportError, match="no campaign 'C7'"):
        Case(findings(), "x", only="C7")


def test_absent_new_fields_are_accepted():
    doc = findings()
    doc.pop("coordinated_activity")
    for camp in doc["campaigns"]:
        camp.pop("kind", None), camp.pop("harm_signals", None)
    objects = json.loads(stix.dumps(stix.build(Case(doc, "old"))))["objects"]
    assert next(o for o in objects if o["type"] == "campaign")["labels"] == ["fakewatch"]


def test_export_command_writes_the_bundle(tmp_path):
    source = tmp_path / "findings.json"
    source.write_text(json.dumps(findings(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / "bundle.json"
    result = CliRunner().invoke(app, ["export", "stix", str(source), "-o", str(out), "--tlp", "green",
                                      "--redact-phones"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["objects"][0]["id"] == stix2.TLP_GREEN.id
    refused = CliRunner().invoke(app, ["export", "stix", str(tmp_path / "none.json"), "-o", str(out)])
    assert refused.exit_code == 1 and "no such file" in " ".join(refused.output.split())  # rich wraps lines


def test_investigate_writes_the_bundle_beside_findings(tmp_path):
    from tests.test_investigate import write_exports

    out = tmp_path / "case"
    result = CliRunner().invoke(app, ["investigate", str(write_exports(tmp_path / "exports")), "--out", str(out),
                                      "--stix", "--tlp", "amber", "--redact-phones"])
    assert result.exit_code == 0, result.output
    bundle = json.loads((out / stix.FILENAME).read_text(encoding="utf-8"))
    assert bundle["objects"][0]["id"] == stix2.TLP_AMBER.id
    assert any(o["type"] == "campaign" for o in bundle["objects"])
    assert "7015550101" not in re.sub(r"[\s()\-]", "", json.dumps(bundle, ensure_ascii=False))
    early = CliRunner().invoke(app, ["investigate", str(tmp_path / "exports"), "--out", str(out), "--stix",
                                     "--tlp", "pink"])
    assert early.exit_code != 0 and "pink" in early.output


def test_whatsapp_seeder_is_the_first_seeder():
    objects = bundle_of()["objects"]
    account = next(o for o in objects if o["type"] == "user-account" and o["display_name"] == WHATSAPP_SEEDER)
    rel = next(o for o in objects if o["type"] == "relationship" and o["target_ref"] == account["id"])
    assert "seeder rank 1" in rel["description"]
