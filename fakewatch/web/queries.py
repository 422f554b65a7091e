"""What the analyst UI and the API show, read from the store: one function per view, shared by both.

Every function returns plain dicts and lists (JSON-ready apart from datetimes),
so a page and its `/api/` twin can never show different things.
"""

from __future__ import annotations

from sqlalchemy import Engine, and_, func, select

from fakewatch.report.media import campaign_media
from fakewatch.store.aliases import aliases
from fakewatch.store.raw import raw_record
from fakewatch.store.tables.campaigns import campaign_accounts, campaign_clusters, campaign_evidence, \
    campaign_messages, campaigns
from fakewatch.store.tables.core import accounts, chats, inputs, messages
from fakewatch.store.tables.detect import coord_edges, waves

CONTEXT = 3  # messages shown before and after a campaign message in its chat


class NotFound(LookupError):
    """The campaign, account, chat or message asked for is not in the store."""


def chat_key(platform: str, chat_id: str) -> str:
    """The "platform:chat_id" form findings.json and the URLs use for a chat."""
    return f"{platform}:{chat_id}"


def split_chat_key(key: str) -> tuple[str, str]:
    platform, sep, chat_id = key.partition(":")
    if not sep:
        raise NotFound(f"chat {key!r}: expected platform:chat_id")
    return platform, chat_id


def message_columns() -> list:
    """The columns every message listing in the UI and API shows."""
    return [messages.c.id.label("pk"), messages.c.platform, messages.c.chat_id, messages.c.message_id,
            chats.c.name.label("chat_name"), messages.c.account_id, accounts.c.name.label("account_name"),
            messages.c.sent_at, messages.c.text, messages.c.forwarded_from, messages.c.url]


def message_join():
    """messages with their chat's and author's names (outer joins: both may be unknown)."""
    return messages.outerjoin(chats, and_(chats.c.platform == messages.c.platform,
                                          chats.c.chat_id == messages.c.chat_id)) \
        .outerjoin(accounts, accounts.c.id == messages.c.account_id)


def _rows(conn, stmt) -> list[dict]:
    return [dict(r) for r in conn.execute(stmt).mappings()]


def campaign_list(engine: Engine, *, candidates: bool = True) -> list[dict]:
    """Campaigns, highest score first; weaker candidates after them when asked for."""
    n_msgs = (select(func.count()).where(campaign_messages.c.campaign_id == campaigns.c.id)
              .scalar_subquery().label("messages"))
    n_accounts = (select(func.count()).where(campaign_accounts.c.campaign_id == campaigns.c.id)
                  .scalar_subquery().label("accounts"))
    stmt = select(campaigns.c.code, campaigns.c.title, campaigns.c.score, campaigns.c.reported,
                  campaigns.c.first_seen, campaigns.c.last_seen, campaigns.c.data, n_msgs, n_accounts)
    if not candidates:
        stmt = stmt.where(campaigns.c.reported.is_(True))
    stmt = stmt.order_by(campaigns.c.reported.desc(), campaigns.c.score.desc(), campaigns.c.id)
    with engine.connect() as conn:
        out = []
        for row in _rows(conn, stmt):
            data = row.pop("data") or {}
            row["chats"] = len(data.get("chats", []))
            row["impersonates"] = data.get("impersonates", [])
            # coordinated activity (codes A1, ...) says what was coordinated and why it is no campaign
            row.update(kind=data.get("kind"), what=data.get("what"), why_not_campaign=data.get("why_not_campaign"))
            out.append(row)
        return out


def _campaign_row(conn, code: str) -> dict:
    row = conn.execute(select(campaigns).where(campaigns.c.code == code)).mappings().first()
    if row is None:
        raise NotFound(f"campaign {code!r}")
    return dict(row)


def campaign(engine: Engine, code: str) -> dict:
    """One campaign as findings.json shows it, plus its waves, account network, evidence and inputs."""
    with engine.connect() as conn:
        row = _campaign_row(conn, code)
        cid = row["id"]
        data = dict(row["data"] or {})
        data.update(id=row["code"], title=row["title"], score=row["score"], reported=row["reported"],
                    first_seen=row["first_seen"], last_seen=row["last_seen"])
        data["account_rows"] = _rows(conn, select(campaign_accounts.c.account_id, accounts.c.name,
                                                  campaign_accounts.c.messages, campaign_accounts.c.coordinated,
                                                  campaign_accounts.c.seeder_rank)
                                     .select_from(campaign_accounts.outerjoin(
                                         accounts, accounts.c.id == campaign_accounts.c.account_id))
                                     .where(campaign_accounts.c.campaign_id == cid)
                                     .order_by(campaign_accounts.c.seeder_rank.is_(None),
                                               campaign_accounts.c.seeder_rank,
                                               campaign_accounts.c.messages.desc()))
        data["evidence_rows"] = _rows(conn, select(campaign_evidence.c.kind, campaign_evidence.c.detail,
                                                   campaign_evidence.c.data, campaign_evidence.c.message_pks)
                                      .where(campaign_evidence.c.campaign_id == cid)
                                      .order_by(campaign_evidence.c.id))
        data["chat_rows"] = _rows(conn, select(messages.c.platform, messages.c.chat_id, chats.c.name,
                                               func.count().label("messages"),
                                               func.min(messages.c.sent_at).label("first"))
                                  .select_from(campaign_messages.join(messages,
                                                                      messages.c.id == campaign_messages.c.message_pk)
                                               .outerjoin(chats, and_(chats.c.platform == messages.c.platform,
                                                                      chats.c.chat_id == messages.c.chat_id)))
                                  .where(campaign_messages.c.campaign_id == cid)
                                  .group_by(messages.c.platform, messages.c.chat_id, chats.c.name)
                                  .order_by(func.min(messages.c.sent_at)))
        data["input_rows"] = _rows(conn, select(inputs.c.path, inputs.c.sha256, func.count().label("messages"))
                                   .select_from(campaign_messages.join(messages,
                                                                      messages.c.id == campaign_messages.c.message_pk)
                                                .join(inputs, inputs.c.id == messages.c.input_id))
                                   .where(campaign_messages.c.campaign_id == cid)
                                   .group_by(inputs.c.path, inputs.c.sha256))
        data["waves"] = _waves(conn, cid)
        data["network"] = _network(conn, [a["account_id"] for a in data["account_rows"] if a["coordinated"]])
    data["media"] = campaign_media(engine, code).get(code, [])
    return data


def _waves(conn, campaign_id: int) -> list[dict]:
    """Bursts of the campaign's clusters, oldest first (from the detect stage's `waves`)."""
    return _rows(conn, select(waves.c.cluster_id, waves.c.start, waves.c.end, waves.c.messages, waves.c.chats)
                 .join(campaign_clusters, campaign_clusters.c.cluster_id == waves.c.cluster_id)
                 .where(campaign_clusters.c.campaign_id == campaign_id).order_by(waves.c.start))


def _network(conn, account_ids: list[str]) -> dict:
    """Co-posting edges among the campaign's coordinated accounts (detect stage's `coord_edges`)."""
    if not account_ids:
        return {"nodes": [], "edges": []}
    edges = _rows(conn, select(coord_edges.c.account_a, coord_edges.c.account_b, coord_edges.c.weight)
                  .where(coord_edges.c.account_a.in_(account_ids), coord_edges.c.account_b.in_(account_ids))
                  .order_by(coord_edges.c.weight.desc()))
    return {"nodes": account_ids, "edges": edges}


def campaign_messages_page(engine: Engine, code: str, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """The campaign's messages, oldest first."""
    with engine.connect() as conn:
        cid = _campaign_row(conn, code)["id"]
        return _rows(conn, select(*message_columns())
                     .select_from(message_join().join(campaign_messages, campaign_messages.c.message_pk == messages.c.id))
                     .where(campaign_messages.c.campaign_id == cid)
                     .order_by(messages.c.sent_at, messages.c.id).limit(limit).offset(offset))


def message_context(engine: Engine, pk: int, around: int = CONTEXT) -> dict:
    """A message and the `around` messages before and after it in its chat, with its evidence: the input
    file it was read from (path, SHA-256) and its record as that file had it."""
    with engine.connect() as conn:
        msg = conn.execute(select(*message_columns()).select_from(message_join())
                           .where(messages.c.id == pk)).mappings().first()
        if msg is None:
            raise NotFound(f"message {pk}")
        same_chat = and_(messages.c.platform == msg["platform"], messages.c.chat_id == msg["chat_id"])
        key = (msg["sent_at"], pk)
        before = _rows(conn, select(*message_columns()).select_from(message_join())
                       .where(same_chat,
                              (messages.c.sent_at < key[0]) | ((messages.c.sent_at == key[0]) & (messages.c.id < pk)))
                       .order_by(messages.c.sent_at.desc(), messages.c.id.desc()).limit(around))
        after = _rows(conn, select(*message_columns()).select_from(message_join())
                      .where(same_chat,
                             (messages.c.sent_at > key[0]) | ((messages.c.sent_at == key[0]) & (messages.c.id > pk)))
                      .order_by(messages.c.sent_at, messages.c.id).limit(around))
        campaigns_of = [r["code"] for r in _rows(conn, select(campaigns.c.code).join(
            campaign_messages, campaign_messages.c.campaign_id == campaigns.c.id)
            .where(campaign_messages.c.message_pk == pk))]
        source = conn.execute(select(inputs.c.path, inputs.c.sha256, inputs.c.format, inputs.c.ingested_at)
                              .join(messages, messages.c.input_id == inputs.c.id)
                              .where(messages.c.id == pk)).mappings().first()
        record = raw_record(conn, pk)
    return {"message": dict(msg), "before": before[::-1], "after": after, "campaigns": campaigns_of,
            "input": dict(source) if source else None, "record": record}


def account(engine: Engine, account_id: str, *, limit: int = 50, offset: int = 0) -> dict:
    """An account: name, its other names (aliases, with the messages that link them), how much it posted
    where, the campaigns it is in, its messages newest first."""
    with engine.connect() as conn:
        row = conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first()
        if row is None:
            raise NotFound(f"account {account_id!r}")
        out = dict(row)
        out["chat_rows"] = _rows(conn, select(messages.c.platform, messages.c.chat_id, chats.c.name,
                                              func.count().label("messages"))
                                 .select_from(messages.outerjoin(chats, and_(chats.c.platform == messages.c.platform,
                                                                             chats.c.chat_id == messages.c.chat_id)))
                                 .where(messages.c.account_id == account_id)
                                 .group_by(messages.c.platform, messages.c.chat_id, chats.c.name)
                                 .order_by(func.count().desc()))
        out["campaign_rows"] = _rows(conn, select(campaigns.c.code, campaigns.c.title, campaigns.c.score,
                                                  campaign_accounts.c.messages, campaign_accounts.c.coordinated,
                                                  campaign_accounts.c.seeder_rank)
                                     .join(campaign_accounts, campaign_accounts.c.campaign_id == campaigns.c.id)
                                     .where(campaign_accounts.c.account_id == account_id)
                                     .order_by(campaigns.c.score.desc()))
        out["aliases"] = [{"account_id": a["alias"] if a["account"] == account_id else a["account"],
                           "evidence": a["messages"]} for a in aliases(conn, [account_id])]
        out["messages"] = _rows(conn, select(*message_columns()).select_from(message_join())
                                .where(messages.c.account_id == account_id)
                                .order_by(messages.c.sent_at.desc(), messages.c.id.desc()).limit(limit).offset(offset))
    return out


def chat(engine: Engine, key: str, *, limit: int = 100, offset: int = 0) -> dict:
    """A chat: name, size, the campaigns that reached it, its messages oldest first."""
    platform, chat_id = split_chat_key(key)
    with engine.connect() as conn:
        row = conn.execute(select(chats).where(chats.c.platform == platform, chats.c.chat_id == chat_id)) \
            .mappings().first()
        if row is None:
            raise NotFound(f"chat {key!r}")
        out = dict(row)
        out["key"] = key
        here = and_(messages.c.platform == platform, messages.c.chat_id == chat_id)
        out["message_count"] = conn.execute(select(func.count()).select_from(messages).where(here)).scalar()
        out["campaign_rows"] = _rows(conn, select(campaigns.c.code, campaigns.c.title, campaigns.c.score,
                                                  func.count().label("messages"))
                                     .select_from(campaigns.join(campaign_messages,
                                                                 campaign_messages.c.campaign_id == campaigns.c.id)
                                                  .join(messages, messages.c.id == campaign_messages.c.message_pk))
                                     .where(here).group_by(campaigns.c.code, campaigns.c.title, campaigns.c.score)
                                     .order_by(campaigns.c.score.desc()))
        out["messages"] = _rows(conn, select(*message_columns()).select_from(message_join()).where(here)
                                .order_by(messages.c.sent_at, messages.c.id).limit(limit).offset(offset))
    return out


def chat_list(engine: Engine) -> list[dict]:
    """Every chat with its message count (for the search filter and the chats page)."""
    with engine.connect() as conn:
        n = (select(func.count()).where(messages.c.platform == chats.c.platform,
                                        messages.c.chat_id == chats.c.chat_id).scalar_subquery().label("messages"))
        rows = _rows(conn, select(chats.c.platform, chats.c.chat_id, chats.c.name, n).order_by(chats.c.name))
    for r in rows:
        r["key"] = chat_key(r["platform"], r["chat_id"])
    return rows
