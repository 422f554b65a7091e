"""A case as one STIX 2.1 bundle that OpenCTI imports and merges with what it already holds.

What each finding becomes (docs/export.md says why, and what was checked against OpenCTI's source):

- the case: a `report` wrapping every object, the input files as external references with their SHA-256;
- each campaign: a `campaign` (name, plain-words description, first/last seen, confidence from the score,
  `kind` and harm signals as labels);
- DISARM techniques: `attack-pattern`s with the DISARM framework's own STIX ids and external references
  (as in DISARM's bundle, so OpenCTI's DISARM import and this bundle name the same objects), `uses`;
- targeted people: `identity` (individual), impersonated outlets: `identity` (organization), both `targets`;
- look-alike domains and the campaign's URLs on them: `domain-name` / `url` observables, each with an
  `indicator` (STIX pattern) that `indicates` the campaign and is `based-on` the observable;
- phone numbers: OpenCTI's `phone-number` observable; chats: OpenCTI's `channel` (the campaign `uses` it);
  coordinated accounts and seeders: `user-account` observables; media copies: `file` with SHA-256;
- evidence: one `note` per evidence item naming its messages.

Ids are deterministic: identities and channels use OpenCTI's own id scheme (so the same person or chat in
two cases is one object), everything else a UUIDv5 of the case key and the object's place in the case;
every object is dated by the case's newest finding. Text from messages is hostile: descriptions and notes
are Markdown-escaped, names are one bounded line.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import stix2
from stix2 import CustomObject, CustomObservable
from stix2.canonicalization.Canonicalize import canonicalize
from stix2.properties import ListProperty, ReferenceProperty, StringProperty

from fakewatch import GENERATOR
from fakewatch.export.case import Case, accounts, confidence, fake_urls, markdown_safe, message_list, name_safe, \
    platform_of, technique, when

FILENAME = "bundle.stix.json"
# UUIDv5 namespace of fakewatch's own STIX ids (fixed forever: changing it changes every exported id).
NAMESPACE = uuid.UUID("5b0f4c8e-2a61-4d8f-9a43-6f1d2c7e9b10")
# OpenCTI's namespace for the ids it derives from an object's identifying fields (pycti `_generate_uuid5`).
OPENCTI_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
# Dates of the attack-pattern copies: fixed so re-exports match; OpenCTI merges attack patterns on their
# DISARM id (the `mitre-attack` external id), not on these dates.
DISARM_DATE = datetime(2024, 11, 22, tzinfo=timezone.utc)
DISARM_PAGES = "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/"
# OpenCTI's TLP:AMBER+STRICT: not in STIX's TLP 1.0 set, so a statement marking with the fixed id and hints
# OpenCTI resolves to its own marking.
TLP_AMBER_STRICT = stix2.MarkingDefinition(
    id="marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", created="2022-10-01T00:00:00.000Z",
    definition_type="statement", definition={"statement": "TLP:AMBER+STRICT"}, name="TLP:AMBER+STRICT",
    custom_properties={"x_opencti_definition_type": "TLP", "x_opencti_definition": "TLP:AMBER+STRICT"})
# TLP 2.0 levels onto STIX 2.1 markings; OpenCTI shows the TLP:WHITE id as TLP:CLEAR.
MARKINGS = {"clear": stix2.TLP_WHITE, "green": stix2.TLP_GREEN, "amber": stix2.TLP_AMBER,
            "amber+strict": TLP_AMBER_STRICT, "red": stix2.TLP_RED}
CHANNEL_TYPES = {"telegram": "Telegram", "whatsapp": "WhatsApp"}  # platform -> OpenCTI channel_types value


@CustomObservable("phone-number", [
    ("value", StringProperty(required=True)),
    ("spec_version", StringProperty(fixed="2.1")),
    ("object_marking_refs", ListProperty(ReferenceProperty(valid_types="marking-definition", spec_version="2.1"))),
], ["value"])
class PhoneNumber:
    """OpenCTI's Phone-Number observable (pycti `CustomObservablePhoneNumber`): a number in `value`."""


@CustomObject("channel", [
    ("name", StringProperty(required=True)),
    ("description", StringProperty()),
    ("aliases", ListProperty(StringProperty)),
    ("channel_types", ListProperty(StringProperty)),
])
class Channel:
    """OpenCTI's Channel (pycti `CustomObjectChannel`): a chat, group or channel content is spread through."""


def opencti_id(kind: str, data: dict[str, str]) -> str:
    """The id OpenCTI derives from an object's identifying fields, so the same person or chat merges."""
    return f"{kind}--{uuid.uuid5(OPENCTI_NAMESPACE, canonicalize(data, utf8=False))}"


class _Builder:
    """Collects the bundle's objects once each, in a stable order."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.at = case.as_of
        self.marking = MARKINGS[case.tlp]
        self.objects: dict[str, Any] = {}
        self.author = self.add(stix2.Identity(
            id=opencti_id("identity", {"name": "fakewatch", "identity_class": "system"}), name="fakewatch",
            identity_class="system", description=f"{GENERATOR}: finds coordinated fake campaigns in chats.",
            created=self.at, modified=self.at, object_marking_refs=[self.marking.id]))

    def add(self, obj: Any) -> Any:
        self.objects.setdefault(obj.id, obj)
        return self.objects[obj.id]

    def own_id(self, kind: str, *parts: str) -> str:
        key = json.dumps([self.case.key, kind, *parts], ensure_ascii=False)
        return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"

    def common(self) -> dict[str, Any]:
        return {"created": self.at, "modified": self.at, "created_by_ref": self.author.id,
                "object_marking_refs": [self.marking.id]}

    def relate(self, kind: str, source: str, target: str, description: str | None = None) -> None:
        extra = {"description": description} if description else {}
        self.add(stix2.Relationship(id=self.own_id("relationship", kind, source, target), relationship_type=kind,
                                    source_ref=source, target_ref=target, **self.common(), **extra))

    def identity(self, name: str, identity_class: str, description: str) -> str:
        return self.add(stix2.Identity(
            id=opencti_id("identity", {"name": name.lower().strip(), "identity_class": identity_class}),
            name=name, identity_class=identity_class, description=description, **self.common())).id

    def indicator(self, camp_id: str, obs: Any, pattern: str, what: str, valid_from: datetime) -> None:
        ind = self.add(stix2.Indicator(
            id=self.own_id("indicator", pattern), name=name_safe(what), pattern=pattern, pattern_type="stix",
            description=markdown_safe(what) + ", seen in the campaign's messages.",
            valid_from=valid_from, indicator_types=["malicious-activity"], **self.common()))
        self.relate("indicates", ind.id, camp_id)
        self.relate("based-on", ind.id, obs.id)


def _pattern_literal(value: str) -> str:
    """A STIX pattern string literal: quotes and backslashes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _describe(camp: dict[str, Any], case: Case) -> str:
    parts = camp.get("score_parts", {})
    scored = ", ".join(f"{k} {v}" for k, v in parts.items() if "." not in k)
    lines = [
        f"Campaign {camp['id']} found by fakewatch: {len(camp['messages'])} messages by "
        f"{len(camp.get('accounts', []))} accounts ({len(camp.get('coordinated_accounts', []))} coordinated) "
        f"in {len(camp.get('chats', []))} chats.",
        f"Score {camp['score']:.2f}" + (f" ({scored})." if scored else "."),
    ]
    targets = camp.get("targets", {})
    lines.append(f"Targets: {len(targets.get('persons', []))} people named, {len(targets.get('phones', []))} phone "
                 f"numbers listed; look-alike domains: {', '.join(camp.get('domains', [])) or 'none'}; impersonated: "
                 f"{', '.join(camp.get('impersonates', [])) or 'none'}.")
    if camp.get("kind"):
        lines.append(f"Kind: {camp['kind']}.")
    if camp.get("harm_signals"):
        lines.append("Harm signals: " + ", ".join(camp["harm_signals"]) + ".")
    lines.append("Representative text: " + markdown_safe(case.text(camp["title"])))
    lines.append("fakewatch states signals and scores, never who is behind a campaign.")
    return "\n\n".join(lines)


def _note(b: _Builder, camp_id: str, code: str, i: int, ev: dict[str, Any]) -> None:
    case = b.case
    refs = message_list(ev.get("messages", []), case)
    content = markdown_safe(case.text(ev["detail"]))
    if refs:
        content += "\n\nMessages (platform/chat/message): " + markdown_safe(", ".join(refs))
    content += "\n\nInput files: the report's external references (SHA-256)."
    b.add(stix2.Note(id=b.own_id("note", code, str(i)), abstract=f"{code} evidence: {ev['kind']}",
                     content=content, authors=["fakewatch"], object_refs=[camp_id], **b.common()))


def _campaign(b: _Builder, camp: dict[str, Any]) -> None:
    case = b.case
    code = camp["id"]
    first = when(camp["first_seen"]) if camp.get("first_seen") else b.at
    labels = ["fakewatch"] + ([f"kind:{camp['kind']}"] if camp.get("kind") else []) + [
        f"harm:{s}" for s in camp.get("harm_signals", [])]
    obj = b.add(stix2.Campaign(
        id=b.own_id("campaign", code), name=name_safe(f"{code} · {case.text(camp['title'])} · case {case.key}"),
        description=_describe(camp, case), first_seen=first,
        last_seen=when(camp["last_seen"]) if camp.get("last_seen") else b.at,
        confidence=confidence(camp["score"]), labels=labels, aliases=[f"fakewatch:{case.key}:{code}"],
        **b.common()))
    for tid in camp.get("techniques", []):
        t = technique(tid)
        b.add(stix2.AttackPattern(
            id=t.stix_id, name=t.name, created=DISARM_DATE, modified=DISARM_DATE,
            kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": t.tactic}],
            external_references=[{"source_name": "mitre-attack", "url": f"{DISARM_PAGES}{t.id}.md",
                                  "external_id": t.id}]))
        b.relate("uses", obj.id, t.stix_id)
    for person in camp.get("targets", {}).get("persons", []):
        who = b.identity(name_safe(case.text(person)), "individual", "Named in the campaign's messages.")
        b.relate("targets", obj.id, who, "named in the campaign's messages")
    _outlets_and_domains(b, camp, obj.id, first)
    _phones(b, camp, obj.id)
    _chats_and_accounts(b, camp, obj.id)
    for cluster in camp.get("media", []):
        for copy in cluster.get("copies", []):
            f = b.add(stix2.File(hashes={"SHA-256": copy["sha256"]}, object_marking_refs=[b.marking.id]))
            b.relate("related-to", obj.id, f.id, f"copy of media cluster {cluster.get('cluster_id')} "
                                                 f"({copy.get('kind', 'file')}) posted in the campaign")
    for i, ev in enumerate(camp.get("evidence", [])):
        _note(b, obj.id, code, i, ev)


def _outlets_and_domains(b: _Builder, camp: dict[str, Any], camp_id: str, first: datetime) -> None:
    imitated: dict[str, str] = {}  # look-alike domain -> outlet, from the impersonation evidence
    for ev in camp.get("evidence", []):
        data = ev.get("data") or {}
        if ev["kind"] == "impersonation" and isinstance(data.get("domain"), str) and isinstance(data.get("outlet"), str):
            imitated[data["domain"]] = data["outlet"]
    outlets = {o: b.identity(name_safe(o), "organization", "News outlet whose look-alike the campaign used.")
               for o in camp.get("impersonates", [])}
    for outlet_id in outlets.values():
        b.relate("targets", camp_id, outlet_id, "impersonated: look-alike domains imitate it")
    for domain in camp.get("domains", []):
        obs = b.add(stix2.DomainName(value=b.case.text(domain), object_marking_refs=[b.marking.id]))
        b.indicator(camp_id, obs, f"[domain-name:value = {_pattern_literal(obs.value)}]",
                    f"Look-alike domain {obs.value}", first)
        if domain in imitated and imitated[domain] in outlets:
            b.relate("related-to", obs.id, outlets[imitated[domain]], "look-alike of this outlet's domain")
    for url in fake_urls(camp):
        obs = b.add(stix2.URL(value=b.case.text(url), object_marking_refs=[b.marking.id]))
        b.indicator(camp_id, obs, f"[url:value = {_pattern_literal(obs.value)}]", f"Fake article {obs.value}", first)


def _phones(b: _Builder, camp: dict[str, Any], camp_id: str) -> None:
    if b.case.redact_phones:
        return  # withheld: the report says how many
    detail = {p.get("value"): p for p in camp.get("targets_detail", {}).get("phones", []) if isinstance(p, dict)}
    for phone in camp.get("targets", {}).get("phones", []):
        obs = b.add(PhoneNumber(value=phone, object_marking_refs=[b.marking.id]))
        seen = detail.get(phone, {})
        where = f" in {seen['messages']} messages" if "messages" in seen else ""
        b.relate("related-to", camp_id, obs.id, f"listed{where} in the campaign's posts")


def _chats_and_accounts(b: _Builder, camp: dict[str, Any], camp_id: str) -> None:
    case = b.case
    for chat in camp.get("chats", []):
        platform, _ = platform_of(chat)
        name = name_safe(case.text(chat))
        channel = b.add(Channel(id=opencti_id("channel", {"name": name.lower().strip()}), name=name,
                                channel_types=[CHANNEL_TYPES.get(platform, platform)], **b.common()))
        b.relate("uses", camp_id, channel.id, "the campaign's messages were posted here")
    for ref, role in accounts(camp):
        shown, native = case.account(ref)
        acc = b.add(stix2.UserAccount(user_id=native, account_type=platform_of(ref)[0], display_name=shown,
                                      object_marking_refs=[b.marking.id]))
        b.relate("related-to", camp_id, acc.id, role)


def _activity(b: _Builder, item: dict[str, Any], report_id: str) -> None:
    case = b.case
    lines = [f"Coordinated activity {item['id']} ({item.get('kind', 'unlabelled')}), not a campaign: "
             + markdown_safe(case.text(item.get("title", "")))]
    for label, key in (("What was coordinated", "what"), ("Why it is not a campaign", "why_not_campaign")):
        if item.get(key):
            lines.append(f"{label}: {markdown_safe(case.text(item[key]))}")
    refs = message_list(item.get("messages", []), case)
    if refs:
        lines.append("Messages (platform/chat/message): " + markdown_safe(", ".join(refs)))
    b.add(stix2.Note(id=b.own_id("note", "activity", item["id"]),
                     abstract=f"{item['id']} coordinated activity, no harm signal",
                     content="\n\n".join(lines), authors=["fakewatch"], object_refs=[report_id], **b.common()))


def _report_description(case: Case) -> str:
    lines = [f"Case {case.key} from {GENERATOR}: {len(case.campaigns)} campaign(s) over "
             f"{sum(i.get('messages', 0) for i in case.inputs):,} messages in {len(case.inputs)} input file(s) "
             "(listed with their SHA-256 as external references). Messages are named by platform, chat id and "
             "message id; each piece of evidence is a note on its campaign."]
    withheld = case.withheld_phones()
    if withheld:
        lines.append(f"{len(withheld)} phone number(s) withheld (--redact-phones): {', '.join(withheld)}.")
    if case.only is None and case.findings.get("candidates"):
        lines.append(f"{len(case.findings['candidates'])} weaker candidate(s) below the report threshold are "
                     "not included.")
    return "\n\n".join(lines)


def build(case: Case) -> stix2.Bundle:
    """The STIX 2.1 bundle of a case."""
    b = _Builder(case)
    for camp in case.campaigns:
        _campaign(b, camp)
    report_id = b.own_id("report", case.only or "case")
    for item in case.activity:
        _activity(b, item, report_id)
    refs = [i for i in b.objects if not i.startswith("marking-definition--")]
    inputs = [{"source_name": "fakewatch input", "description": case.text(i["path"]) + f" ({i.get('messages', 0)} "
               "messages)", "hashes": {"SHA-256": i["sha256"]}} for i in case.inputs]
    scope = f"{case.only} of case {case.key}" if case.only else f"case {case.key}"
    report = stix2.Report(
        id=report_id, name=f"fakewatch {scope}: " + (", ".join(
            name_safe(f"{c['id']} {case.text(c['title'])}") for c in case.campaigns)[:300] or "no campaign"),
        description=_report_description(case), published=case.as_of, report_types=["threat-report"],
        object_refs=refs, labels=["fakewatch", "disinformation"], **b.common(),
        **({"external_references": inputs} if inputs else {}))
    objects: Iterable[Any] = [b.marking, *b.objects.values(), report]
    key = json.dumps([case.key, case.only, case.tlp, case.redact_phones])
    # allow_custom: the TLP:AMBER+STRICT marking carries OpenCTI's x_opencti_* hints
    return stix2.Bundle(objects=list(objects), id=f"bundle--{uuid.uuid5(NAMESPACE, key)}", allow_custom=True)


def dumps(bundle: stix2.Bundle) -> str:
    """The bundle as written: UTF-8 JSON, indented, one stable form for the same case. (stix2's own `pretty`
    re-sorts every property in Python and takes seconds on a demo case; the compact form re-indented does not.)"""
    return json.dumps(json.loads(bundle.serialize()), ensure_ascii=False, indent=2) + "\n"


def write(case: Case, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(build(case)), encoding="utf-8")
    return path
