"""Read what detect stored, as plain dicts: what `fakewatch clusters` / `accounts --coordinated` and the web show."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, func, select

from fakewatch.model import iso
from fakewatch.store.tables import detect as t
from fakewatch.store.tables.core import messages


def clusters(engine: Engine, *, kind: str | None = None, min_accounts: int = 1,
             limit: int = 50) -> list[dict[str, Any]]:
    """Largest clusters first (by distinct accounts, then size), each with its representative text and seeders."""
    query = (select(t.clusters, messages.c.text, messages.c.platform, messages.c.chat_id, messages.c.message_id)
             .outerjoin(messages, messages.c.id == t.clusters.c.representative_pk)
             .where(t.clusters.c.accounts >= min_accounts)
             .order_by(t.clusters.c.accounts.desc(), t.clusters.c.size.desc(), t.clusters.c.id).limit(limit))
    if kind:
        query = query.where(t.clusters.c.kind == kind)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        ids = [r.id for r in rows]
        seeders: dict[int, list[str]] = defaultdict(list)
        for cid, account in conn.execute(select(t.seeders.c.cluster_id, t.seeders.c.account_id)
                                         .where(t.seeders.c.cluster_id.in_(ids)).order_by(t.seeders.c.rank)):
            seeders[cid].append(account)
        waves = dict(conn.execute(select(t.waves.c.cluster_id, func.count()).where(t.waves.c.cluster_id.in_(ids))
                                  .group_by(t.waves.c.cluster_id)).all())
    return [{"id": r.id, "kind": r.kind, "key": r.key, "size": r.size, "accounts": r.accounts, "chats": r.chats,
             "first_seen": iso(r.first_seen), "last_seen": iso(r.last_seen), "waves": waves.get(r.id, 0),
             "seeders": seeders.get(r.id, []), "representative": {
                 "platform": r.platform, "chat_id": r.chat_id, "message_id": r.message_id, "text": r.text}}
            for r in rows]


def coordinated_accounts(engine: Engine) -> list[dict[str, Any]]:
    """Accounts in coordinated groups, by group then degree: partners, co-posts, shared clusters, floods."""
    with engine.connect() as conn:
        groups = conn.execute(select(t.coord_groups).order_by(t.coord_groups.c.group_id,
                                                              t.coord_groups.c.degree.desc())).all()
        edges = conn.execute(select(t.coord_edges)).all()
        floods = dict(conn.execute(select(t.floods.c.account_id, func.count()).group_by(t.floods.c.account_id)).all())
    partners: dict[str, set[str]] = defaultdict(set)
    weight: dict[str, int] = defaultdict(int)
    shared: dict[str, set[int]] = defaultdict(set)
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for e in edges:
        for me, other in ((e.account_a, e.account_b), (e.account_b, e.account_a)):
            partners[me].add(other)
            weight[me] += e.weight
            shared[me].update(e.clusters)
            first[me] = min(first.get(me, e.first_seen), e.first_seen)
            last[me] = max(last.get(me, e.last_seen), e.last_seen)
    return [{"account_id": g.account_id, "group": g.group_id, "degree": g.degree,
             "partners": sorted(partners[g.account_id]), "co_posts": weight[g.account_id],
             "clusters": sorted(shared[g.account_id]), "floods": floods.get(g.account_id, 0),
             "first_seen": iso(first.get(g.account_id)), "last_seen": iso(last.get(g.account_id))}
            for g in groups]
