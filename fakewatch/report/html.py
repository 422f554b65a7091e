"""report.html: one self-contained, offline page a journalist can read, check and publish from.

Everything shown comes from findings.json plus the stored messages it names.
Hostile text never reaches the page unescaped: the Jinja2 template autoescapes,
chart data travels as JSON inside a `<script type="application/json">` block with
`<`, `>` and `&` written as \\u escapes, labels inside charts are HTML-escaped
again because Plotly reads a few tags in them, URLs are shown as text and never
turned into links, and a Content-Security-Policy forbids any network access.
plotly.js is read from the installed plotly package and inlined.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Engine, select

from fakewatch.detect.techniques import technique_names
from fakewatch.report.media import data_uri, thumbnail_by_sha256
from fakewatch.store.tables import campaigns as ct
from fakewatch.store.tables import core
from fakewatch.store.tables.detect import cluster_members, coord_edges

FILENAME = "report.html"
SAMPLES_PER_CLUSTER = 3
CLUSTERS_SHOWN = 12
TEXT_CHARS = 1000
NETWORK_NODES = 300
CITED_SHOWN = 10
MEDIA_COPIES_SHOWN = 24  # keyframes embedded per media cluster (findings.json lists every copy)
_PHONE = re.compile(r"\+?\d[\d\s\-().]{6,}\d")


def mask_phone(match: re.Match[str] | str) -> str:
    """Keep a number's first and last two digits, mask the rest: +77015550101 -> +7•••••••••01."""
    raw = match.group(0) if isinstance(match, re.Match) else match
    digits = [i for i, ch in enumerate(raw) if ch.isdigit()]
    if len(digits) < 7:
        return raw
    hide = set(digits[1:-2])
    return "".join("•" if i in hide else ch for i, ch in enumerate(raw))


def redact(text: str | None) -> str:
    return _PHONE.sub(mask_phone, text or "")


def script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element: no `</script>`, no HTML comment openers."""
    return (json.dumps(value, ensure_ascii=False, default=str)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def plotly_js() -> str:
    return (files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


class _View:
    """Reads the stored messages, clusters and edges a campaign section shows, masking phones when asked."""

    def __init__(self, engine: Engine, redact_phones: bool) -> None:
        self.engine = engine
        self.clean = redact if redact_phones else (lambda s: s or "")
        with engine.connect() as conn:
            self.campaign_ids = dict(conn.execute(select(ct.campaigns.c.code, ct.campaigns.c.id)).all())
            self.chat_names = {f"{p}:{c}": n for p, c, n in conn.execute(
                select(core.chats.c.platform, core.chats.c.chat_id, core.chats.c.name))}

    def label(self, text: str | None) -> str:
        """A string for inside a chart: masked, and escaped because Plotly reads tags in labels."""
        return html.escape(self.clean(text))

    def messages(self, code: str) -> list[dict[str, Any]]:
        m, a, i = core.messages, core.accounts, core.inputs
        query = (select(m.c.id, m.c.platform, m.c.chat_id, m.c.message_id, m.c.account_id, a.c.name, m.c.sent_at,
                        m.c.text, m.c.forwarded_from, i.c.path)
                 .join(ct.campaign_messages, ct.campaign_messages.c.message_pk == m.c.id)
                 .outerjoin(a, a.c.id == m.c.account_id).join(i, i.c.id == m.c.input_id)
                 .where(ct.campaign_messages.c.campaign_id == self.campaign_ids[code]).order_by(m.c.sent_at))
        with self.engine.connect() as conn:
            return [{"pk": r.id, "ref": f"{r.platform}:{r.chat_id}/{r.message_id}", "chat": f"{r.platform}:{r.chat_id}",
                     "account": r.account_id, "name": r.name, "sent_at": r.sent_at, "text": r.text,
                     "forwarded_from": r.forwarded_from, "input": r.path} for r in conn.execute(query)]

    def members(self, cluster_ids: list[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        with self.engine.connect() as conn:
            for cid, pk in conn.execute(select(cluster_members.c.cluster_id, cluster_members.c.message_pk)
                                        .where(cluster_members.c.cluster_id.in_(cluster_ids))):
                out[cid].append(pk)
        return out

    def edges(self, accounts: set[str]) -> list[tuple[str, str, int]]:
        ordered = sorted(accounts)
        found = []
        with self.engine.connect() as conn:
            for start in range(0, len(ordered), 400):
                part = ordered[start:start + 400]
                found += [(a, b, w) for a, b, w in conn.execute(
                    select(coord_edges.c.account_a, coord_edges.c.account_b, coord_edges.c.weight)
                    .where(coord_edges.c.account_a.in_(part))) if b in accounts]
        return found


def _timeline(view: _View, msgs: list[dict[str, Any]], clusters: list[dict[str, Any]],
              members: dict[int, list[int]], waves: list[dict[str, Any]]) -> dict[str, Any]:
    """Messages per hour, one bar series per cluster, with the detect stage's waves shaded."""
    cluster_of: dict[int, int] = {}
    for c in clusters[:CLUSTERS_SHOWN]:
        for pk in members.get(c["id"], ()):
            cluster_of.setdefault(pk, c["id"])
    series: dict[int | None, Counter[str]] = defaultdict(Counter)
    for m in msgs:
        series[cluster_of.get(m["pk"])][m["sent_at"].strftime("%Y-%m-%dT%H:00:00")] += 1
    kinds = {c["id"]: c["kind"] for c in clusters}
    data = [{"type": "bar", "name": f"{kinds[cid]} {cid}" if cid is not None else "other",
             "x": sorted(counts), "y": [counts[k] for k in sorted(counts)]}
            for cid, counts in sorted(series.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": w["start"], "x1": w["end"], "y0": 0, "y1": 1,
               "fillcolor": "rgba(200,60,60,0.08)", "line": {"width": 0}} for w in waves[:200]]
    layout = {"barmode": "stack", "height": 320, "margin": {"t": 30, "b": 40, "l": 40, "r": 10},
              "xaxis": {"type": "date", "title": {"text": "time (UTC)"}}, "yaxis": {"title": {"text": "messages per hour"}},
              "shapes": shapes, "legend": {"orientation": "h"}}
    return {"data": data, "layout": layout}


def _network(view: _View, campaign: dict[str, Any], account_names: dict[str, str | None]) -> dict[str, Any] | None:
    """The coordinated accounts and their co-posting edges, laid out with a seeded spring layout."""
    coordinated = set(campaign["coordinated_accounts"][:NETWORK_NODES])
    edges = view.edges(coordinated)
    if not edges:
        return None
    graph = nx.Graph()
    graph.add_nodes_from(coordinated)
    graph.add_weighted_edges_from(edges)
    pos = nx.spring_layout(graph, seed=7)
    ex: list[float | None] = []
    ey: list[float | None] = []
    for a, b, _w in edges:
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    seeders = {a: i for i, a in enumerate(campaign["seeders"][:3], 1)}
    nodes = sorted(graph.nodes)
    data = [
        {"type": "scatter", "mode": "lines", "x": ex, "y": ey, "hoverinfo": "skip", "showlegend": False,
         "line": {"width": 0.6, "color": "#999"}},
        {"type": "scatter", "mode": "markers", "x": [pos[n][0] for n in nodes], "y": [pos[n][1] for n in nodes],
         "hoverinfo": "text", "showlegend": False,
         "text": [view.label(f"{n} {account_names.get(n) or ''}".strip()
                             + (f" (seeder #{seeders[n]})" if n in seeders else "")) for n in nodes],
         "marker": {"size": [16 if n in seeders else 9 for n in nodes],
                    "color": ["#c0392b" if n in seeders else "#2c6fbb" for n in nodes]}},
    ]
    layout = {"height": 420, "margin": {"t": 10, "b": 10, "l": 10, "r": 10},
              "xaxis": {"visible": False}, "yaxis": {"visible": False}}
    return {"data": data, "layout": layout}


def _overview(findings: dict[str, Any], view: _View) -> dict[str, Any]:
    rows = ([{"reported": True, **_head(c)} for c in findings["campaigns"]]
            + [{"reported": False, **_head(c)} for c in findings["candidates"]])
    return {"data": [{"type": "bar", "orientation": "h",
                      "y": [f"{c['id']}: {view.label(c['title'])[:60]}" for c in rows][::-1],
                      "x": [c["score"] for c in rows][::-1],
                      "marker": {"color": ["#c0392b" if c["reported"] else "#95a5a6" for c in rows][::-1]}}],
            "layout": {"height": 120 + 28 * len(rows), "margin": {"t": 10, "b": 40, "l": 360, "r": 10},
                       "xaxis": {"range": [0, 1], "title": {"text": "score"}}}}


def _head(campaign: dict[str, Any]) -> dict[str, Any]:
    return {"id": campaign["id"], "title": campaign["title"], "score": campaign["score"]}


def _section(view: _View, campaign: dict[str, Any]) -> dict[str, Any]:
    msgs = view.messages(campaign["id"])
    by_pk = {m["pk"]: m for m in msgs}
    by_ref = {m["ref"]: m for m in msgs}
    members = view.members([c["id"] for c in campaign.get("clusters", [])])
    samples = []
    for c in campaign.get("clusters", [])[:CLUSTERS_SHOWN]:
        inside = sorted((by_pk[pk] for pk in members.get(c["id"], ()) if pk in by_pk), key=lambda m: m["sent_at"])
        samples.append({"cluster": c, "messages": inside[:SAMPLES_PER_CLUSTER]})
    chats = Counter(m["chat"] for m in msgs)
    first_in_chat: dict[str, datetime] = {}
    for m in msgs:
        first_in_chat.setdefault(m["chat"], m["sent_at"])
    account_names = {m["account"]: m["name"] for m in msgs if m["account"]}
    evidence = []
    for ev in campaign["evidence"]:
        cited = [by_ref.get(f"{r['platform']}:{r['chat_id']}/{r['message_id']}") for r in ev["messages"]]
        evidence.append({"kind": ev["kind"], "detail": ev["detail"], "total": len(ev["messages"]),
                         "cited": [c for c in cited if c][:CITED_SHOWN]})
    return {
        "campaign": campaign,
        "samples": samples,
        "chats": [{"chat": c, "name": view.chat_names.get(c), "messages": n, "first": first_in_chat[c]}
                  for c, n in chats.most_common()],
        "evidence": evidence,
        "techniques": [(t, technique_names().get(t, "")) for t in campaign["techniques"]],
        "timeline": _timeline(view, msgs, campaign.get("clusters", []), members, campaign.get("waves", [])),
        "network": _network(view, campaign, account_names),
        "names": account_names,
        "media": [{**m, "copies": [{**f, "thumb": data_uri(thumbnail_by_sha256(view.engine, f["sha256"]))}
                                   for f in m["copies"][:MEDIA_COPIES_SHOWN]]}
                  for m in campaign.get("media", [])],
    }


def render(engine: Engine, findings: dict[str, Any], *, redact_phones: bool = False) -> str:
    """The report page for `findings` (as built from this store)."""
    view = _View(engine, redact_phones)
    env = Environment(loader=PackageLoader("fakewatch.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["clean"] = view.clean
    env.filters["clip"] = lambda s: s if len(s or "") <= TEXT_CHARS else s[:TEXT_CHARS] + "…"
    env.filters["utc"] = lambda t: t.strftime("%Y-%m-%d %H:%M") if isinstance(t, datetime) else (t or "")
    env.filters["script_json"] = script_json
    sections = [_section(view, c) for c in findings["campaigns"]]
    return env.get_template("report.html.j2").render(
        findings=findings, sections=sections, reported={c["id"] for c in findings["campaigns"]}, overview=_overview(findings, view), plotly=plotly_js(),
        redacted=redact_phones, generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def write(engine: Engine, findings: dict[str, Any], out_dir: Path, *, redact_phones: bool = False) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    path.write_text(render(engine, findings, redact_phones=redact_phones), encoding="utf-8")
    return path
