"""network.gexf: campaign accounts, the chats they posted in, and their coordination edges, for Gephi.

Nodes are accounts (`kind=account`, with the campaigns they are in, whether the
detect stage found them coordinated and their best seeder rank) and chats
(`kind=chat`). Edges: `posted` (account -> chat, weight = campaign messages) and
`coordinated` (account - account, weight = co-posts from the detect stage).
"""

from __future__ import annotations

from collections import defaultdict
import re
from pathlib import Path

import networkx as nx
from sqlalchemy import Engine, func, select

from fakewatch.report.redaction import Redaction, Redactor
from fakewatch.store.tables import campaigns as ct
from fakewatch.store.tables import core
from fakewatch.store.tables.detect import coord_edges

FILENAME = "network.gexf"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def build(engine: Engine, *, redaction: Redaction = Redaction()) -> nx.DiGraph:
    """The network; with `redaction` its ids and labels are pseudonymised one to one, so nodes and edges stay."""
    hide = Redactor.from_store(engine, redaction)

    def clean(text: str) -> str:
        """XML 1.0 cannot carry control characters, which hostile names may hold."""
        return _NOT_XML.sub("", text)

    graph = nx.DiGraph()
    m, ca, cm, c = core.messages, ct.campaign_accounts, ct.campaign_messages, ct.campaigns
    with engine.connect() as conn:
        codes = dict(conn.execute(select(c.c.id, c.c.code)).all())
        names = dict(conn.execute(select(core.accounts.c.id, core.accounts.c.name)
                                  .where(core.accounts.c.id.in_(select(ca.c.account_id)))).all())
        info: dict[str, dict] = defaultdict(lambda: {"campaigns": [], "coordinated": False, "seeder_rank": 0})
        for r in conn.execute(select(ca)):
            node = info[r.account_id]
            node["campaigns"].append(codes[r.campaign_id])
            node["coordinated"] |= bool(r.coordinated)
            if r.seeder_rank and (not node["seeder_rank"] or r.seeder_rank < node["seeder_rank"]):
                node["seeder_rank"] = r.seeder_rank
        for acc, node in info.items():
            graph.add_node(clean(hide.account(acc)), label=clean(hide.name(acc, names.get(acc)) or hide.account(acc)),
                           kind="account",
                           campaigns=" ".join(sorted(set(node["campaigns"]))), coordinated=node["coordinated"],
                           seeder_rank=node["seeder_rank"])
        chat_names = {f"{p}:{ch}": n for p, ch, n in conn.execute(
            select(core.chats.c.platform, core.chats.c.chat_id, core.chats.c.name))}
        posted = (select(m.c.account_id, m.c.platform, m.c.chat_id, func.count())
                  .join(cm, cm.c.message_pk == m.c.id).where(m.c.account_id.is_not(None))
                  .group_by(m.c.account_id, m.c.platform, m.c.chat_id))
        for acc, platform, chat_id, n in conn.execute(posted):
            chat = f"{platform}:{chat_id}"
            node = clean(hide.text(chat))
            if node not in graph:
                graph.add_node(node, label=clean(hide.text(chat_names.get(chat) or chat)), kind="chat", campaigns="",
                               coordinated=False, seeder_rank=0)
            graph.add_edge(clean(hide.account(acc)), node, kind="posted", weight=n)
        for a, b, w in conn.execute(select(coord_edges.c.account_a, coord_edges.c.account_b, coord_edges.c.weight)):
            if a in info and b in info:
                graph.add_edge(clean(hide.account(a)), clean(hide.account(b)), kind="coordinated", weight=w)
    return graph


def write(engine: Engine, out_dir: Path, *, redaction: Redaction = Redaction()) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    nx.write_gexf(build(engine, redaction=redaction), path)
    return path
