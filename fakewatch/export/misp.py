"""A case (or one campaign) as a MISP event, built with PyMISP's own model.

Attributes: look-alike domains and the fake article URLs on them (`domain`, `url`, for IDS), the phone
numbers campaigns list (`phone-number`, not for IDS: they are victims' numbers; withheld with
`--redact-phones`), media copies and input files by SHA-256 (`sha256`, External analysis), and each
piece of evidence as a `comment` naming its messages. Accounts are `telegram-account` objects (other
platforms: `user-account`). DISARM techniques are tags of MISP's DISARM galaxy
(`misp-galaxy:disarm="<technique name>"`, the galaxy's cluster values being DISARM's names); the TLP
level is a `tlp:` tag. UUIDs and attribute timestamps derive from the case, so the same case gives the same
event (MISP sets the event's own timestamp when it imports it).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from pymisp import MISPEvent, MISPObject

from fakewatch import GENERATOR
from fakewatch.export.case import Case, accounts, confidence, fake_urls, message_list, platform_of, technique, when
from fakewatch.export.stix import NAMESPACE

FILENAME = "event.misp.json"
THREAT_LEVEL_UNDEFINED = 4  # fakewatch scores signals; the threat level is the receiving team's call
ANALYSIS_COMPLETED = 2  # the event is one finished run's findings
DISTRIBUTION_ORGANISATION = 0  # "your organisation only": sharing further is the analyst's decision
_TELEGRAM_USER = re.compile(r"user(\d+)")


class _Event:
    """Adds attributes and objects with ids and timestamps derived from the case."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.event = MISPEvent()
        self.event.uuid = self.uuid("event", case.only or "case")
        self.seen: set[tuple[str, str]] = set()

    def uuid(self, *parts: str) -> str:
        return str(uuid.uuid5(NAMESPACE, json.dumps([self.case.key, "misp", *parts], ensure_ascii=False)))

    def attribute(self, kind: str, value: str, comment: str, **extra: Any) -> None:
        if (kind, value) in self.seen and kind != "comment":
            return  # one attribute per value; the first campaign's comment names it
        self.seen.add((kind, value))
        self.event.add_attribute(kind, value, comment=comment, uuid=self.uuid("attribute", kind, value, comment),
                                 timestamp=self.case.as_of, **extra)

    def account(self, code: str, ref: str, role: str) -> None:
        platform = platform_of(ref)[0]
        shown, native = self.case.account(ref)
        if ("account", ref) in self.seen:
            return
        self.seen.add(("account", ref))
        if platform == "telegram":
            obj = MISPObject("telegram-account", standalone=False)
            found = _TELEGRAM_USER.fullmatch(native)
            pairs = [("id", found.group(1) if found else native)]
        else:
            obj = MISPObject("user-account", standalone=False)
            pairs = [("user-id", native), ("account-type", platform)]
        obj.uuid = self.uuid("object", ref)
        obj.comment = f"{code}: {role} ({shown})"
        for relation, value in pairs:
            obj.add_attribute(relation, value=value, uuid=self.uuid("object-attribute", ref, relation),
                              timestamp=self.case.as_of)
        self.event.add_object(obj)


def _campaign(e: _Event, camp: dict[str, Any]) -> None:
    case = e.case
    code = camp["id"]
    summary = (f"{code}: {case.text(camp['title'])} | score {camp['score']:.2f} (confidence "
               f"{confidence(camp['score'])}) | {len(camp['messages'])} messages, "
               f"{len(camp.get('coordinated_accounts', []))} coordinated accounts, {len(camp.get('chats', []))} "
               f"chats | {camp.get('first_seen')} - {camp.get('last_seen')}")
    if camp.get("kind"):
        summary += f" | kind {camp['kind']}, harm signals: {', '.join(camp.get('harm_signals', [])) or 'none'}"
    e.attribute("comment", summary, f"{code}: campaign")
    for tid in camp.get("techniques", []):
        e.event.add_tag(f'misp-galaxy:disarm="{technique(tid).name}"')
    for domain in camp.get("domains", []):
        e.attribute("domain", case.text(domain), f"{code}: look-alike domain", to_ids=True)
    for url in fake_urls(camp):
        e.attribute("url", case.text(url), f"{code}: fake article on a look-alike domain", to_ids=True)
    if not case.redact_phones:
        for phone in camp.get("targets", {}).get("phones", []):
            e.attribute("phone-number", phone, f"{code}: listed in the campaign's posts")
    for cluster in camp.get("media", []):
        for copy in cluster.get("copies", []):
            e.attribute("sha256", copy["sha256"], f"{code}: copy of media cluster {cluster.get('cluster_id')}",
                        category="External analysis")
    for ref, role in accounts(camp):
        e.account(code, ref, role)
    for ev in camp.get("evidence", []):
        refs = message_list(ev.get("messages", []), case)
        text = case.text(ev["detail"]) + (f" Messages (platform/chat/message): {', '.join(refs)}" if refs else "")
        e.attribute("comment", text, f"{code}: evidence {ev['kind']}")


def build(case: Case) -> MISPEvent:
    """The MISP event of a case, or of the one campaign `case.only` names."""
    e = _Event(case)
    scope = f"{case.only} of case {case.key}" if case.only else f"case {case.key}"
    e.event.info = f"fakewatch {scope}: " + "; ".join(f"{c['id']} {case.text(c['title'])}"[:120]
                                                       for c in case.campaigns)
    dated = [when(c["first_seen"]) for c in case.campaigns if c.get("first_seen")]
    e.event.date = min(dated).date() if dated else case.as_of.date()
    e.event.threat_level_id = THREAT_LEVEL_UNDEFINED
    e.event.analysis = ANALYSIS_COMPLETED
    e.event.distribution = DISTRIBUTION_ORGANISATION
    e.event.add_tag(f"tlp:{case.tlp}")
    withheld = case.withheld_phones()
    e.attribute("comment", f"Exported by {GENERATOR}: signals and scores, never who is behind a campaign."
                + (f" {len(withheld)} phone number(s) withheld (--redact-phones): {', '.join(withheld)}."
                   if withheld else ""), "about this event")
    for camp in case.campaigns:
        _campaign(e, camp)
    for item in case.activity:
        e.attribute("comment", f"{item['id']} ({item.get('kind', 'unlabelled')}): {case.text(item.get('title', ''))}."
                    f" {case.text(item.get('what', ''))} Not a campaign: {case.text(item.get('why_not_campaign', ''))}",
                    f"{item['id']}: coordinated activity, no harm signal")
    for item in case.inputs:
        e.attribute("sha256", item["sha256"], f"input file {case.text(item['path'])} ({item.get('messages', 0)} "
                    "messages)", category="External analysis")
    return e.event


def dumps(event: MISPEvent) -> str:
    """The event as MISP imports it (`{"Event": ...}`), indented."""
    return json.dumps({"Event": json.loads(event.to_json(sort_keys=True))}, ensure_ascii=False, indent=2) + "\n"


def write(case: Case, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(build(case)), encoding="utf-8")
    return path
