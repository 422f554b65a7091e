"""One case as the exports see it: a checked findings.json plus what STIX and MISP both need.

A case is read from a findings.json file or built from the store (`findings.build`). Its
shape is checked before anything is exported, and a problem is reported with the file, the
JSON path (`campaigns[2].first_seen`) and what is wrong, so a truncated or hand-edited file
never turns into a half-empty bundle. The fields the lead is adding (`kind`, `harm_signals`,
`coordinated_activity`) are read when present and not required.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fakewatch.detect.techniques import Technique, disarm_techniques
from fakewatch.report.redaction import Redaction, Redactor, account_phone

TLP_LEVELS = ("clear", "green", "amber", "amber+strict", "red")
CASE_KEY_HEX = 12  # 48 bits of the inputs' digest: unique among one team's cases, short enough for a name
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # reference time of a case with no dated finding at all
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")  # CommonMark's escapable punctuation that starts markup
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
NAME_CHARS = 200  # titles are message text: cut in object names, whole in descriptions


class ExportError(Exception):
    """The findings cannot be exported: names the source, the JSON path and the problem."""


@dataclass(frozen=True)
class Case:
    """A checked findings document and the choices of one export (TLP, phone redaction)."""

    findings: dict[str, Any]
    source: str  # the file or store it was read from, for messages
    tlp: str = "clear"
    redact_phones: bool = False
    only: str | None = None  # one campaign's code (also a candidate's); None: every reported campaign
    phones: frozenset[str] = field(default=frozenset(), init=False)
    stand_ins: dict[str, str] = field(default_factory=dict, init=False)  # masked account -> stable stand-in id
    redactor: Redactor = field(default_factory=Redactor, init=False)  # the reports' redaction, one implementation

    def __post_init__(self) -> None:
        if self.tlp not in TLP_LEVELS:
            raise ExportError(f"unknown TLP level {self.tlp!r}: use one of {', '.join(TLP_LEVELS)}")
        check(self.findings, self.source)
        if self.only is not None and not any(c["id"] == self.only for c in self._all()):
            raise ExportError(f"{self.source}: no campaign {self.only!r} (it has "
                              f"{', '.join(c['id'] for c in self._all()) or 'none'})")
        listed = {p for c in self.campaigns for p in c.get("targets", {}).get("phones", [])}
        object.__setattr__(self, "phones", frozenset(listed))
        refs = {ref for c in self.campaigns for ref, _ in accounts(c)}
        numbers = listed | {e164 for ref in refs if (e164 := account_phone(ref))}
        object.__setattr__(self, "redactor", Redactor(Redaction(phones=self.redact_phones), numbers, refs))
        masked = sorted({ref for c in self.campaigns for ref, _ in accounts(c) if self.redactor.account(ref) != ref})
        self.stand_ins.update({ref: f"{platform_of(ref)[0]}-redacted-{i}" for i, ref in enumerate(masked, 1)})

    def _all(self) -> list[dict[str, Any]]:
        return self.findings["campaigns"] + self.findings.get("candidates", [])

    @property
    def campaigns(self) -> list[dict[str, Any]]:
        """The campaigns exported: every reported one, or the one asked for."""
        if self.only is None:
            return self.findings["campaigns"]
        return [c for c in self._all() if c["id"] == self.only]

    @property
    def activity(self) -> list[dict[str, Any]]:
        """Coordinated activity without a harm signal (never a campaign); exported with the whole case only."""
        return self.findings.get("coordinated_activity", []) if self.only is None else []

    @property
    def inputs(self) -> list[dict[str, Any]]:
        return self.findings.get("inputs", [])

    @property
    def key(self) -> str:
        """Stable id of the case: a digest of its input files' SHA-256 (of its messages when it names no input)."""
        parts = sorted(i["sha256"] for i in self.inputs) or sorted(
            json.dumps(m, sort_keys=True) for c in self._all() for m in c["messages"])
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:CASE_KEY_HEX]

    @property
    def as_of(self) -> datetime:
        """The case's reference time, its newest finding: objects are dated by it, so a re-export matches byte
        for byte and a later run over more messages is a newer version of the same objects."""
        seen = [when(c["last_seen"]) for c in self.campaigns + self.activity if c.get("last_seen")]
        return max(seen, default=EPOCH)

    def text(self, value: str | None) -> str:
        """Free text as exported: phone numbers masked when redacting, found the way enrichment finds them
        (any common way of writing one) plus the campaigns' listed numbers verbatim; ids and dates stay."""
        text = self.redactor.text(value)
        for e164 in self.phones if self.redact_phones else ():
            text = text.replace(e164, self.redactor.phone(e164))
        return text

    def account(self, ref: str) -> tuple[str, str]:
        """An account as exported: (shown, native id). A WhatsApp account is a phone number: when redacting it
        is shown masked, with a stand-in id numbered within the case, which does not leak the digits."""
        shown = self.redactor.account(ref)
        return shown, self.stand_ins.get(ref) or platform_of(ref)[1]

    def withheld_phones(self) -> list[str]:
        """Phone numbers left out of the export, masked (for saying how many and which, without the digits)."""
        return sorted(self.redactor.phone(p) for p in self.phones) if self.redact_phones else []


def confidence(score: float) -> int:
    """STIX/MISP confidence 0-100 from fakewatch's 0-1 score (a strength of signals, not a probability of guilt)."""
    return max(0, min(100, round(score * 100)))


def when(value: str) -> datetime:
    """A findings time (UTC ISO 8601, `Z` or offset) as an aware datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def platform_of(ref: str) -> tuple[str, str]:
    """`telegram:user555` -> ("telegram", "user555"); account and chat references share the form."""
    platform, _, native = ref.partition(":")
    return platform, native


def accounts(camp: dict[str, Any]) -> list[tuple[str, str]]:
    """The accounts a campaign exports, each with its role: coordinated accounts and seeders (members who only
    passed a post on are left out)."""
    coordinated = set(camp.get("coordinated_accounts", []))
    seeders = camp.get("seeders", [])
    found = []
    for ref in sorted(coordinated | set(seeders)):
        role = ["coordinated account"] if ref in coordinated else []
        if ref in seeders:
            role.append(f"seeder rank {seeders.index(ref) + 1}")
        found.append((ref, " and ".join(role)))
    return found


def fake_urls(camp: dict[str, Any]) -> list[str]:
    """The campaign's links that point to its own look-alike domains: the fake articles (links to real outlets
    or shorteners in the same clusters are not indicators)."""
    domains = set(camp.get("domains", []))
    links = [c["key"] for c in camp.get("clusters", []) if c.get("kind") == "link" and isinstance(c.get("key"), str)]
    return sorted({u for u in links if (urlsplit(u).hostname or "").removeprefix("www.") in domains})


def markdown_safe(text: str) -> str:
    """Hostile text for platforms that render descriptions as Markdown (OpenCTI, MISP): no link, image or HTML."""
    return _MARKDOWN.sub(r"\\\1", text)


def name_safe(text: str) -> str:
    """Hostile text for an object's name: one line, bounded."""
    line = _CONTROL.sub(" ", text).strip()
    return line if len(line) <= NAME_CHARS else line[:NAME_CHARS - 1] + "…"


def technique(tid: str) -> Technique:
    return disarm_techniques()[tid]


def read(path: Path, **options: Any) -> Case:
    """A case from a findings.json file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: byte {exc.start}: not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ExportError(f"{path}: line {exc.lineno} column {exc.colno}: not JSON ({exc.msg})") from None
    return Case(doc, str(path), **options)


def from_store(db: str | None, **options: Any) -> Case:
    """A case from what the campaigns stage last stored."""
    from fakewatch.report import findings
    from fakewatch.store import open_store

    engine = open_store(db)
    return Case(findings.build(engine), db or "./fakewatch.db", **options)


# What every exported campaign must carry, by field: the DESIGN.md contract.
_STRINGS = ("accounts", "coordinated_accounts", "seeders", "chats", "domains", "impersonates", "techniques")


def check(doc: Any, source: str) -> None:
    """Raise ExportError at the first place `doc` breaks the findings.json contract the exports rely on."""
    def fail(where: str, problem: str) -> None:
        raise ExportError(f"{source}: {where}: {problem}")

    if not isinstance(doc, dict):
        fail("top level", "not a JSON object")
    for name in ("campaigns", "candidates", "inputs", "coordinated_activity"):
        if name in doc and not isinstance(doc[name], list):
            fail(name, "not a list")
    if "campaigns" not in doc:
        fail("top level", "no `campaigns` list: not a findings.json")
    for i, item in enumerate(doc.get("inputs", [])):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            fail(f"inputs[{i}]", "needs a `path`")
        if not isinstance(item.get("sha256"), str) or not _SHA256.fullmatch(item["sha256"]):
            fail(f"inputs[{i}].sha256", "not a lowercase hex SHA-256")
    for group in ("campaigns", "candidates"):
        for i, camp in enumerate(doc.get(group, [])):
            _check_campaign(camp, f"{group}[{i}]", fail)
    for i, item in enumerate(doc.get("coordinated_activity", [])):
        where = f"coordinated_activity[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            fail(where, "needs an `id`")
        _check_times(item, where, fail)
        _check_messages(item.get("messages", []), f"{where}.messages", fail)


def _check_campaign(camp: Any, where: str, fail: Any) -> None:
    if not isinstance(camp, dict):
        fail(where, "not an object")
    for name in ("id", "title"):
        if not isinstance(camp.get(name), str) or not camp[name]:
            fail(f"{where}.{name}", "missing or not a string")
    if not isinstance(camp.get("score"), (int, float)) or not 0 <= camp["score"] <= 1:
        fail(f"{where}.score", "missing or not a number from 0 to 1")
    _check_times(camp, where, fail)
    _check_messages(camp.get("messages"), f"{where}.messages", fail)
    for name in _STRINGS:
        values = camp.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            fail(f"{where}.{name}", "not a list of strings")
    for j, tid in enumerate(camp.get("techniques", [])):
        if tid not in disarm_techniques():
            fail(f"{where}.techniques[{j}]", f"{tid!r} is not a DISARM v1.6 technique id")
    targets = camp.get("targets", {})
    if not isinstance(targets, dict) or not all(
            isinstance(targets.get(k, []), list) and all(isinstance(v, str) for v in targets.get(k, []))
            for k in ("persons", "phones")):
        fail(f"{where}.targets", "needs lists of strings `persons` and `phones`")
    for j, ev in enumerate(camp.get("evidence", [])):
        if not isinstance(ev, dict) or not isinstance(ev.get("kind"), str) or not isinstance(ev.get("detail"), str):
            fail(f"{where}.evidence[{j}]", "needs a `kind` and a `detail`")
        _check_messages(ev.get("messages", []), f"{where}.evidence[{j}].messages", fail)


def _check_times(item: dict[str, Any], where: str, fail: Any) -> None:
    for name in ("first_seen", "last_seen"):
        value = item.get(name)
        if value is None:
            continue
        try:
            when(value)
        except (TypeError, ValueError):
            fail(f"{where}.{name}", f"not an ISO 8601 time: {str(value)[:40]!r}")


def _check_messages(found: Any, where: str, fail: Any) -> None:
    if not isinstance(found, list):
        fail(where, "not a list of message identities")
    for j, m in enumerate(found):
        if not isinstance(m, dict) or not all(isinstance(m.get(k), str) for k in ("platform", "chat_id", "message_id")):
            fail(f"{where}[{j}]", "needs string `platform`, `chat_id` and `message_id`")


def message_ref(m: dict[str, str]) -> str:
    """A message identity in one line: `telegram/1001/77`."""
    return f"{m['platform']}/{m['chat_id']}/{m['message_id']}"


def message_list(found: Iterable[dict[str, str]], case: Case) -> list[str]:
    """Message identities as exported (a WhatsApp chat named after a phone number is masked too)."""
    return [case.text(message_ref(m)) for m in found]
