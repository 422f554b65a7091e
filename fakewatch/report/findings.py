"""findings.json: the machine-readable result every other output is a view of (contract in DESIGN.md).

Campaigns (coordinated spread with a harm or deception signal, at or above the report
threshold) go under `campaigns`; coordinated spread without any harm signal under
`coordinated_activity`, labelled with what was coordinated and why it is not called a
campaign; weaker ones under `candidates`, all in the same shape (see
`fakewatch.detect.scoring` for the rule). Phone numbers stay E.164 here even when the
published report masks them: this file is the evidence record for analysts and tools.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from fakewatch import GENERATOR
from fakewatch.detect.campaigns import CODE_PREFIXES
from fakewatch.model import iso
from fakewatch.report.media import campaign_media
from fakewatch.store.aliases import aliases
from fakewatch.store.tables.campaigns import campaign_evidence, campaign_messages, campaigns
from fakewatch.store.tables.core import inputs, messages

FILENAME = "findings.json"


def identities(engine: Engine, pks: Iterable[int]) -> dict[int, dict[str, str]]:
    """message pk -> {platform, chat_id, message_id}, the contract's message identity."""
    wanted = sorted(set(pks))
    found: dict[int, dict[str, str]] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 900):
            rows = conn.execute(
                select(messages.c.id, messages.c.platform, messages.c.chat_id, messages.c.message_id)
                .where(messages.c.id.in_(wanted[start:start + 900]))
            )
            for pk, platform, chat_id, message_id in rows:
                found[pk] = {"platform": platform, "chat_id": chat_id, "message_id": message_id}
    return found


def build(engine: Engine) -> dict[str, Any]:
    """The findings document for what the campaigns stage last stored."""
    with engine.connect() as conn:
        rows = conn.execute(select(campaigns).order_by(campaigns.c.score.desc(), campaigns.c.code)).all()
        members: dict[int, list[int]] = defaultdict(list)
        for cid, pk in conn.execute(select(campaign_messages.c.campaign_id, campaign_messages.c.message_pk)):
            members[cid].append(pk)
        evidence: dict[int, list[Any]] = defaultdict(list)
        for ev in conn.execute(select(campaign_evidence).order_by(campaign_evidence.c.id)):
            evidence[ev.campaign_id].append(ev)
        files = conn.execute(select(inputs.c.path, inputs.c.sha256, inputs.c.messages).order_by(inputs.c.id)).all()
        linked = aliases(conn)
    media = campaign_media(engine)
    ids = identities(engine, [pk for pks in members.values() for pk in pks]
                     + [pk for evs in evidence.values() for ev in evs for pk in ev.message_pks])

    def campaign(row: Any) -> dict[str, Any]:
        data = dict(row.data)
        ordered = sorted(members[row.id], key=lambda pk: (ids[pk]["platform"], ids[pk]["chat_id"], pk))
        return {
            "id": row.code,
            "title": row.title,
            "score": row.score,
            "first_seen": iso(row.first_seen),
            "last_seen": iso(row.last_seen),
            "messages": [ids[pk] for pk in ordered],
            "accounts": data.pop("accounts", []),
            "coordinated_accounts": data.pop("coordinated_accounts", []),
            "seeders": data.pop("seeders", []),
            "chats": data.pop("chats", []),
            "targets": data.pop("targets", {"persons": [], "phones": []}),
            "domains": data.pop("domains", []),
            "impersonates": data.pop("impersonates", []),
            "techniques": data.pop("techniques", []),
            "evidence": [
                {"kind": ev.kind, "detail": ev.detail, "messages": [ids[pk] for pk in ev.message_pks if pk in ids],
                 **({"data": ev.data} if ev.data else {})}
                for ev in evidence[row.id]
            ],
            **data,  # added fields: score parts, waves, target details, clusters
            "media": media.get(row.code, []),  # media clusters: copies (SHA-256), chats, first appearance
        }

    return {
        "generator": GENERATOR,
        "inputs": [{"path": path, "sha256": sha, "messages": n} for path, sha, n in files],
        "campaigns": [campaign(r) for r in rows if r.reported],
        "coordinated_activity": [campaign(r) for r in rows if r.code.startswith(CODE_PREFIXES["activity"])],
        "candidates": [campaign(r) for r in rows if r.code.startswith(CODE_PREFIXES["candidate"])],
        "account_aliases": linked,  # one sender under two names in members' exports, with the messages that show it
    }


def write(findings: dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    path.write_text(json.dumps(findings, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
