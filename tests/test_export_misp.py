"""MISP export: loads back with PyMISP's own model, object templates satisfied, galaxy tags, determinism, redaction."""

from __future__ import annotations

import json
import re

import pytest
from pymisp import MISPEvent
from typer.testing import CliRunner

from fakewatch.cli import app
from fakewatch.export import misp
from fakewatch.export.case import Case
from tests.export_findings import FAKE_URL, PHONES, findings, phone_digits


def load(tmp_path, **options) -> MISPEvent:
    path = misp.write(Case(findings(), "test", **options), tmp_path / "event.json")
    event = MISPEvent()
    event.load_file(str(path))
    return event


def values(event: MISPEvent, kind: str) -> set[str]:
    return {a.value for a in event.attributes if a.type == kind}


def test_event_loads_back_with_its_attributes(tmp_path):
    event = load(tmp_path, tlp="amber")
    assert event.info.startswith("fakewatch case ") and str(event.date) == "2025-04-18"
    assert values(event, "domain") == {"shyndyk-kz.info"}
    assert values(event, "url") == {FAKE_URL}
    assert values(event, "phone-number") == set(PHONES)
    assert values(event, "sha256") == {"cd" * 32, "ab" * 32, "ef" * 32}  # the media copy and both input files
    assert all(a.to_ids for a in event.attributes if a.type in ("domain", "url"))
    assert not any(a.to_ids for a in event.attributes if a.type == "phone-number")  # victims' numbers
    comments = [a.value for a in event.attributes if a.type == "comment"]
    assert any("telegram/1001/77" in c for c in comments)
    assert any(c.startswith("A1 (cross_posting)") for c in comments)


def test_accounts_are_objects_whose_templates_are_satisfied(tmp_path):
    event = load(tmp_path)
    names = sorted(o.name for o in event.objects)
    assert names == ["telegram-account"] * 3 + ["user-account"]
    telegram_ids = {a.value for o in event.objects if o.name == "telegram-account" for a in o.attributes}
    assert telegram_ids == {"555", "556", "700"}
    for obj in event.objects:
        required = set(obj._definition.get("requiredOneOf", []))
        assert required & {a.object_relation for a in obj.attributes}, obj.name


def test_disarm_techniques_and_tlp_are_tags(tmp_path):
    tags = {t.name for t in load(tmp_path, tlp="amber+strict").tags}
    assert "tlp:amber+strict" in tags
    assert {'misp-galaxy:disarm="Dox"', 'misp-galaxy:disarm="Lookalike Domain"',
            'misp-galaxy:disarm="Flood Information Space"', 'misp-galaxy:disarm="Pay for Physical Action"'} <= tags


def test_the_same_case_twice_gives_the_same_event():
    assert misp.dumps(misp.build(Case(findings(), "a"))) == misp.dumps(misp.build(Case(findings(), "b")))
    doc = json.loads(misp.dumps(misp.build(Case(findings(), "a"))))
    uuids = [a["uuid"] for a in doc["Event"]["Attribute"]]
    assert len(uuids) == len(set(uuids))


def test_redaction_leaves_no_phone_digits(tmp_path):
    event = load(tmp_path, redact_phones=True)
    assert not values(event, "phone-number")
    squeezed = re.sub(r"[\s()\-]", "", (tmp_path / "event.json").read_text(encoding="utf-8"))
    for digits in phone_digits():
        assert digits not in squeezed


def test_one_campaign_is_its_own_event(tmp_path):
    event = load(tmp_path, only="C2")
    assert event.info.startswith("fakewatch C2 of case")
    assert not values(event, "domain") and str(event.date) == "2025-04-19"
    assert 'misp-galaxy:disarm="Pay for Physical Action"' in {t.name for t in event.tags}


def test_export_misp_command(tmp_path):
    source = tmp_path / "findings.json"
    source.write_text(json.dumps(findings(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "misp", str(source), "-o", str(tmp_path / "e.json"),
                                      "--campaign", "C1"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))["Event"]["info"].startswith("fakewatch C1")


@pytest.mark.parametrize("option", [["--tlp", "white"], ["--campaign", "C9"]])
def test_export_misp_refuses_unknown_choices(tmp_path, option):
    source = tmp_path / "findings.json"
    source.write_text(json.dumps(findings(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["export", "misp", str(source), "-o", str(tmp_path / "e.json"), *option])
    assert result.exit_code == 1 and "refused" in result.output
    assert not (tmp_path / "e.json").exists()
