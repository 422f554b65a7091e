"""messages.csv and accounts.csv: every campaign message and account, for spreadsheets.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
carriage return) are prefixed with an apostrophe: message text is written by the
people running the campaign.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from fakewatch.model import iso
from fakewatch.report.redaction import Redaction, Redactor
from fakewatch.store.tables import campaigns as ct
from fakewatch.store.tables import core

MESSAGES = "messages.csv"
ACCOUNTS = "accounts.csv"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _writer(path: Path, header: list[str]) -> tuple[Any, Any]:
    fh = path.open("w", encoding="utf-8", newline="")
    out = csv.writer(fh)
    out.writerow(header)
    return fh, out


def write(engine: Engine, out_dir: Path, *, redaction: Redaction = Redaction()) -> list[Path]:
    """Write both tables for every stored campaign (reported and candidates)."""
    hide = Redactor.from_store(engine, redaction)
    out_dir.mkdir(parents=True, exist_ok=True)
    m, a, i, c, cm, ca = core.messages, core.accounts, core.inputs, ct.campaigns, ct.campaign_messages, ct.campaign_accounts
    with engine.connect() as conn:
        codes = dict(conn.execute(select(c.c.id, c.c.code)).all())
        reported = dict(conn.execute(select(c.c.code, c.c.reported)).all())
        paths = [out_dir / MESSAGES, out_dir / ACCOUNTS]
        fh, out = _writer(paths[0], ["campaign", "reported", "platform", "chat_id", "chat_name", "message_id", "sent_at",
                                     "account", "account_name", "forwarded_from", "text", "input", "input_sha256"])
        with fh:
            query = (select(cm.c.campaign_id, m.c.platform, m.c.chat_id, core.chats.c.name, m.c.message_id, m.c.sent_at,
                            m.c.account_id, a.c.name.label("account_name"), m.c.forwarded_from,
                            m.c.forwarded_from_id, m.c.text, i.c.path,
                            i.c.sha256)
                     .join(m, m.c.id == cm.c.message_pk).join(i, i.c.id == m.c.input_id)
                     .outerjoin(a, a.c.id == m.c.account_id)
                     .outerjoin(core.chats, (core.chats.c.platform == m.c.platform) & (core.chats.c.chat_id == m.c.chat_id))
                     .order_by(cm.c.campaign_id, m.c.sent_at))
            for r in conn.execute(query):
                code = codes[r.campaign_id]
                out.writerow([cell(v) for v in (
                    code, reported[code], r.platform, hide.text(r.chat_id), hide.text(r.name), r.message_id,
                    iso(r.sent_at), hide.account(r.account_id), hide.name(r.account_id, r.account_name),
                    hide.sender(r.forwarded_from, r.forwarded_from_id), hide.text(r.text), r.path, r.sha256)])
        totals: dict[str, tuple[int, Any, Any]] = {
            acc: (n, first, last) for acc, n, first, last in conn.execute(
                select(m.c.account_id, func.count(), func.min(m.c.sent_at), func.max(m.c.sent_at))
                .where(m.c.account_id.in_(select(ca.c.account_id))).group_by(m.c.account_id))}
        names = dict(conn.execute(select(a.c.id, a.c.name).where(a.c.id.in_(select(ca.c.account_id)))).all())
        rows: dict[str, list[Any]] = defaultdict(list)
        for r in conn.execute(select(ca).order_by(ca.c.campaign_id)):
            rows[r.account_id].append(r)
    fh, out = _writer(paths[1], ["account", "name", "campaigns", "messages_in_campaigns", "messages_total",
                                 "coordinated", "best_seeder_rank", "first_seen", "last_seen"])
    with fh:
        for acc, parts in sorted(rows.items(), key=lambda kv: -sum(p.messages for p in kv[1])):
            total, first, last = totals.get(acc, (0, None, None))
            ranks = [p.seeder_rank for p in parts if p.seeder_rank]
            out.writerow([cell(v) for v in (
                hide.account(acc), hide.name(acc, names.get(acc)), " ".join(codes[p.campaign_id] for p in parts),
                sum(p.messages for p in parts), total, any(p.coordinated for p in parts), min(ranks) if ranks else "",
                iso(first), iso(last))])
    return paths
