"""report.html: one self-contained, offline page a journalist can read, check and publish from.

Everything shown comes from findings.json plus the stored messages it names. Each campaign opens
with what a reader needs first (a title that says what it is, its kind, a plain-language summary:
see `summary.py`), then the evidence; every internal name is put in words (`i18n.py`), in English
or Russian. Redaction (`redaction.py`) is applied to everything shown.
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
from fakewatch.report.i18n import Words
from fakewatch.report.media import data_uri, thumbnail_by_sha256
from fakewatch.report.redaction import Redaction, Redactor
from fakewatch.report.summary import Facts, kind_of, summary, title
from fakewatch.store.db import has_table
from fakewatch.store.tables import campaigns as ct
from fakewatch.store.tables import core
from fakewatch.store.tables.detect import cluster_members, clusters, coord_edges, coord_groups
from fakewatch.store.tables.outlets import pages

FILENAME = "report.html"
SAMPLES_PER_CLUSTER = 2  # sample messages per narrative: the CSV has them all
CLUSTERS_SHOWN = 10  # narratives in a campaign's timeline and samples, biggest first
TEXT_CHARS = 1000
EXCERPT_CHARS = 160  # of a message quoted beside the evidence it supports
LABEL_CHARS = 60  # of a narrative's text used as its name in charts
NETWORK_NODES = 300
NETWORK_LABELS = 3  # first posters named on the network plot; others on hover
CITED_SHOWN = 10
CITED_INLINE = 1  # cited messages quoted in the evidence table; the rest are linked
CHATS_SHOWN = 50
MEDIA_COPIES_SHOWN = 24  # keyframes embedded per media cluster (findings.json lists every copy)
GROUP_COLOURS = ("#2c6fbb", "#e67e22", "#27ae60", "#8e44ad", "#16a085", "#d35400", "#7f8c8d")
SEEDER_COLOUR = "#c0392b"
_TG_CHAT = re.compile(r"\btelegram:-?\d+\b")


def script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element: no `</script>`, no HTML comment openers."""
    return (json.dumps(value, ensure_ascii=False, default=str)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def plotly_js() -> str:
    return (files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def clip(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


class _View:
    """Reads what a campaign section shows from the store, through the redactor."""

    def __init__(self, engine: Engine, hide: Redactor) -> None:
        self.engine = engine
        self.hide = hide
        with engine.connect() as conn:
            self.campaign_ids = dict(conn.execute(select(ct.campaigns.c.code, ct.campaigns.c.id)).all())
            self.chat_names = {f"{p}:{c}": n for p, c, n in conn.execute(
                select(core.chats.c.platform, core.chats.c.chat_id, core.chats.c.name))}
            self.group_of = dict(conn.execute(select(coord_groups.c.account_id, coord_groups.c.group_id)).all())
            self.reps = dict(conn.execute(
                select(clusters.c.id, core.messages.c.text).join(core.messages, core.messages.c.id == clusters.c.representative_pk)
                .where(clusters.c.id.in_(select(ct.campaign_clusters.c.cluster_id)))).all())
            self.headlines: dict[str, str] = {}
            if has_table(engine, "pages"):
                for domain, headline in conn.execute(select(pages.c.domain, pages.c.title).where(pages.c.title.is_not(None))
                                                     .order_by(pages.c.id)):
                    self.headlines.setdefault(domain, headline)

    def text(self, value: str | None) -> str:
        return self.hide.text(value)

    def chat(self, chat: str) -> str:
        """A chat as a reader knows it: its name (phones hidden), else its id."""
        return self.hide.text(self.chat_names.get(chat) or chat)

    def who(self, account: str | None, name: str | None) -> str:
        """An account as shown: its (redacted) name with its (redacted) id."""
        acc = self.hide.account(account)
        shown = self.hide.name(account, name)
        return f"{shown} ({acc})" if shown and shown != acc else acc

    def label(self, text: str | None) -> str:
        """A string for inside a chart: escaped because Plotly reads tags in labels."""
        return html.escape(text or "")

    def narrative(self, w: Words, cluster: dict[str, Any]) -> str:
        """A narrative's name: the kind of copies and the start of its representative text (or its key)."""
        excerpt = clip(self.text(self.reps.get(cluster["id"])), LABEL_CHARS)
        kind = w.name(cluster["kind"])
        if cluster["kind"] in ("domain", "link") or not excerpt:
            return f"{kind}: {clip(self.text(cluster['key']), LABEL_CHARS)}"
        return f"{kind}: «{excerpt}»"

    def words(self, w: Words, detail: str, names: dict[int, str]) -> str:
        """An evidence sentence as a reader should read it: narratives by name, chats by name, phones hidden."""
        out = w.detail(self.text(detail), names)
        return _TG_CHAT.sub(lambda m: self.chat(m.group(0)) if m.group(0) in self.chat_names else m.group(0), out)

    def messages(self, code: str) -> list[dict[str, Any]]:
        m, a, i = core.messages, core.accounts, core.inputs
        query = (select(m.c.id, m.c.platform, m.c.chat_id, m.c.message_id, m.c.account_id, a.c.name, m.c.sent_at,
                        m.c.text, m.c.forwarded_from, m.c.forwarded_from_id, i.c.path)
                 .join(ct.campaign_messages, ct.campaign_messages.c.message_pk == m.c.id)
                 .outerjoin(a, a.c.id == m.c.account_id).join(i, i.c.id == m.c.input_id)
                 .where(ct.campaign_messages.c.campaign_id == self.campaign_ids[code]).order_by(m.c.sent_at))
        with self.engine.connect() as conn:
            return [{"pk": r.id, "ref": f"{r.platform}:{r.chat_id}/{r.message_id}", "chat": f"{r.platform}:{r.chat_id}",
                     "chat_name": self.chat(f"{r.platform}:{r.chat_id}"), "message_id": r.message_id,
                     "account": r.account_id, "name": r.name, "who": self.who(r.account_id, r.name),
                     "sent_at": r.sent_at, "text": self.text(r.text),
                     "forwarded_from": self.hide.sender(r.forwarded_from, r.forwarded_from_id),
                     "input": r.path} for r in conn.execute(query)]

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


def _timeline(w: Words, lanes: list[tuple[str, list[datetime]]], waves: list[dict[str, Any]]) -> dict[str, Any]:
    """One row per narrative: a dot per hour with messages, sized by how many; the detect stage's waves shaded."""
    data = []
    for label, times in lanes:
        hours = Counter(t.strftime("%Y-%m-%dT%H:00:00") for t in times)
        xs = sorted(hours)
        data.append({"type": "scatter", "mode": "markers", "name": label, "x": xs, "y": [label] * len(xs),
                     "text": [f"{hours[x]}" for x in xs], "hovertemplate": "%{x}: %{text}<extra>%{y}</extra>",
                     "marker": {"size": [min(28, 5 + 3 * hours[x] ** 0.5) for x in xs], "opacity": 0.75}})
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": wv["start"], "x1": wv["end"], "y0": 0, "y1": 1,
               "fillcolor": "rgba(200,60,60,0.08)", "line": {"width": 0}} for wv in waves[:200]]
    layout = {"height": 90 + 36 * max(1, len(lanes)), "showlegend": False,
              "margin": {"t": 10, "b": 50, "l": 10, "r": 20},
              "xaxis": {"type": "date", "title": {"text": w("timeline_axis")}, "showgrid": True},
              "yaxis": {"automargin": True, "autorange": "reversed", "type": "category"}, "shapes": shapes}
    return {"data": data, "layout": layout}


def _network(w: Words, view: _View, campaign: dict[str, Any], names: dict[str, str | None]) -> dict[str, Any] | None:
    """Coordinated accounts joined by co-posting edges (accounts with none left out), coloured by group,
    the first posters labelled, the layout scaled to fill the frame."""
    coordinated = set(campaign["coordinated_accounts"][:NETWORK_NODES])
    edges = view.edges(coordinated)
    if not edges:
        return None
    graph = nx.Graph()
    graph.add_weighted_edges_from(edges)
    pos = nx.spring_layout(graph, seed=7, k=1.5 / max(1, graph.number_of_nodes()) ** 0.5)
    ex: list[float | None] = []
    ey: list[float | None] = []
    for a, b, _w in edges:
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    ranked = [(a, rank) for rank, a in enumerate(campaign["seeders"], 1) if a in graph]
    seeders = dict(ranked[:NETWORK_LABELS])  # numbered as in the seeders list, so the plot and the text agree
    groups = sorted({view.group_of.get(n) for n in graph.nodes}, key=lambda g: (g is None, g or 0))
    colour = {g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(groups)}
    nodes = sorted(graph.nodes)
    xs, ys = [pos[n][0] for n in nodes], [pos[n][1] for n in nodes]
    pad = 0.08
    data = [
        {"type": "scatter", "mode": "lines", "x": ex, "y": ey, "hoverinfo": "skip", "showlegend": False,
         "line": {"width": 0.6, "color": "#bbb"}},
        {"type": "scatter", "mode": "markers+text", "x": xs, "y": ys, "hoverinfo": "text", "showlegend": False,
         "hovertext": [view.label(view.who(n, names.get(n))) for n in nodes],
         "text": [view.label(f"{seeders[n]}. {view.hide.name(n, names.get(n)) or view.hide.account(n)}")
                  if n in seeders else "" for n in nodes],
         "textposition": "top center", "textfont": {"size": 12},
         "marker": {"size": [18 if n in seeders else 10 for n in nodes],
                    "color": [colour[view.group_of.get(n)] for n in nodes],
                    "line": {"width": [3 if n in seeders else 0.5 for n in nodes], "color": SEEDER_COLOUR}}},
    ]
    layout = {"height": 460, "margin": {"t": 10, "b": 10, "l": 10, "r": 10},
              "xaxis": {"visible": False, "range": [min(xs) - pad, max(xs) + pad]},
              "yaxis": {"visible": False, "range": [min(ys) - pad, max(ys) + pad * 2]}}
    return {"data": data, "layout": layout, "hidden": len(coordinated) - graph.number_of_nodes()}


def _overview(w: Words, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": [{"type": "bar", "orientation": "h", "y": [f"{r['id']}: {html.escape(clip(r['title'], 70))}" for r in rows][::-1],
                      "x": [r["score"] for r in rows][::-1], "hoverinfo": "x+y",
                      "marker": {"color": [SEEDER_COLOUR if r["reported"] else "#95a5a6" for r in rows][::-1]}}],
            "layout": {"height": 80 + 30 * len(rows), "margin": {"t": 10, "b": 40, "l": 10, "r": 20},
                       "yaxis": {"automargin": True}, "xaxis": {"range": [0, 1], "title": {"text": w("col_score")}}}}


def _facts(view: _View, campaign: dict[str, Any], msgs: list[dict[str, Any]], media: list[dict[str, Any]]) -> Facts:
    by_account = {m["account"]: m for m in reversed(msgs) if m["account"]}  # the first message of each account
    seeder = next((a for a in campaign["seeders"] if a in by_account), None)
    first = by_account.get(seeder) if seeder else None
    detail = campaign.get("targets_detail") or {}
    phones = detail.get("phones") or [{"value": p} for p in campaign["targets"]["phones"]]
    video = any("video" in m.get("kinds", ()) for m in media)
    return Facts(
        first=_when(campaign["first_seen"]), last=_when(campaign["last_seen"]), accounts=len(campaign["accounts"]),
        coordinated=len(campaign["coordinated_accounts"]), chats=len(campaign["chats"]),
        phones=[{"shown": view.hide.phone(p["value"]), "holder": p.get("holder")} for p in phones],
        domains=list(campaign["domains"]),
        impersonates=list(campaign["impersonates"]),
        headlines=[(d, view.text(view.headlines[d])) for d in campaign["domains"] if d in view.headlines],
        video_persons=list(campaign["targets"]["persons"]) if video else [],
        seeder=view.who(seeder, first["name"]) if first else None, seeder_chat=first["chat_name"] if first else None,
        seeder_at=first["sent_at"] if first else None)


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def _section(w: Words, view: _View, campaign: dict[str, Any]) -> dict[str, Any]:
    msgs = view.messages(campaign["id"])
    by_pk = {m["pk"]: m for m in msgs}
    by_ref = {m["ref"]: m for m in msgs}
    shown_clusters = sorted(campaign.get("clusters", []), key=lambda c: -c["size"])[:CLUSTERS_SHOWN]
    all_names = {c["id"]: view.narrative(w, c) for c in campaign.get("clusters", [])}
    members = view.members([c["id"] for c in shown_clusters])
    narratives = []
    for c in shown_clusters:
        inside = sorted((by_pk[pk] for pk in members.get(c["id"], ()) if pk in by_pk), key=lambda m: m["sent_at"])
        if inside:
            narratives.append({"name": all_names[c["id"]], "messages": inside})
    chats = Counter(m["chat"] for m in msgs)
    first_in_chat: dict[str, datetime] = {}
    for m in msgs:
        first_in_chat.setdefault(m["chat"], m["sent_at"])
    names = {m["account"]: m["name"] for m in msgs if m["account"]}
    evidence, cited_all = [], {}
    for ev in campaign["evidence"]:
        cited = [c for r in ev["messages"] if (c := by_ref.get(f"{r['platform']}:{r['chat_id']}/{r['message_id']}"))]
        for c in cited[:CITED_SHOWN]:
            cited_all.setdefault(c["pk"], c)
        evidence.append({"kind": w.name(ev["kind"]), "detail": view.words(w, ev["detail"], all_names),
                         "total": len(ev["messages"]), "cited": cited[:CITED_SHOWN], "inline": cited[:CITED_INLINE]})
    media = campaign.get("media", [])
    facts = _facts(view, campaign, msgs, media)
    kind = kind_of(campaign)
    detail = campaign.get("targets_detail") or {}
    network = _network(w, view, campaign, names)
    return {
        "campaign": campaign,
        "kind": w.name(kind),
        "title": title(w, kind, campaign, facts),
        "summary": summary(w, kind, campaign, facts),
        "facts": facts,
        "narratives": [{**n, "messages": n["messages"][:SAMPLES_PER_CLUSTER]} for n in narratives],
        "chats": [{"name": view.chat(c), "id": view.text(c), "messages": n, "first": first_in_chat[c]}
                  for c, n in chats.most_common()],
        "evidence": evidence,
        "cited": sorted(cited_all.values(), key=lambda m: m["sent_at"]),
        "techniques": [(t, technique_names().get(t, "")) for t in campaign["techniques"]],
        "timeline": _timeline(w, [(view.label(n["name"]), [m["sent_at"] for m in n["messages"]]) for n in narratives],
                              campaign.get("waves", [])),
        "network": network,
        "seeders": [view.who(a, names.get(a)) for a in campaign["seeders"][:5]],
        "phones": [{**p, "shown": view.hide.phone(p["value"]),
                    "chats": [view.chat(c) for c in p.get("chats", [])]} for p in detail.get("phones", [])],
        "persons": [{**p, "chats": [view.chat(c) for c in p.get("chats", [])]} for p in detail.get("persons", [])],
        "score_parts": [(w.name(k), v) for k, v in (campaign.get("score_parts") or {}).items()],
        "media": [{**m, "chat_names": [view.chat(c) for c in m["chats"]],
                   "copies": [{**f, "thumb": data_uri(thumbnail_by_sha256(view.engine, f["sha256"]))}
                              for f in m["copies"][:MEDIA_COPIES_SHOWN]]}
                  for m in media],
    }


def _activity(w: Words, view: _View, item: dict[str, Any]) -> dict[str, Any]:
    """A `coordinated_activity` entry as shown: never a campaign, with why not."""
    return {**item, "kind_words": w.name(item.get("kind", "other")),
            "title": view.text(item.get("title")), "what": view.text(item.get("what")),
            "why_not_campaign": view.text(item.get("why_not_campaign")),
            "chat_names": [view.chat(c) for c in item.get("chats", [])[:10]],
            "first": _when(item["first_seen"]) if item.get("first_seen") else None,
            "last": _when(item["last_seen"]) if item.get("last_seen") else None}


def render(engine: Engine, findings: dict[str, Any], *, redaction: Redaction = Redaction(), lang: str = "en") -> str:
    """The report page for `findings` (as built from this store), in `lang`, with `redaction` applied."""
    w = Words(lang)
    view = _View(engine, Redactor.from_store(engine, redaction))
    env = Environment(loader=PackageLoader("fakewatch.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["excerpt"] = lambda s: clip(s, EXCERPT_CHARS)
    env.filters["cut"] = lambda s: s if len(s or "") <= TEXT_CHARS else s[:TEXT_CHARS] + "…"
    env.filters["utc"] = lambda t: t.strftime("%Y-%m-%d %H:%M") if isinstance(t, datetime) else (t or "")
    env.filters["script_json"] = script_json
    sections = [_section(w, view, c) for c in findings["campaigns"]]
    titles = {s["campaign"]["id"]: (s["title"], s["kind"]) for s in sections}
    rows = []
    for c, reported in [(c, True) for c in findings["campaigns"]] + [(c, False) for c in findings["candidates"]]:
        heading, kind = titles.get(c["id"], (view.text(c["title"]), w.name(kind_of(c))))
        rows.append({"id": c["id"], "title": heading, "kind": kind, "score": c["score"], "reported": reported,
                     "messages": len(c["messages"]), "chats": len(c["chats"]), "accounts": len(c["accounts"]),
                     "coordinated": len(c["coordinated_accounts"]), "first_seen": c["first_seen"],
                     "last_seen": c["last_seen"]})
    return env.get_template("report.html.j2").render(
        w=w, findings=findings, sections=sections, rows=rows, overview=_overview(w, rows), plotly=plotly_js(),
        refused=[view.text(r) for r in findings.get("refused", [])],
        activity=[_activity(w, view, a) for a in findings.get("coordinated_activity", [])],
        redaction=redaction, chats_shown=CHATS_SHOWN,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def write(engine: Engine, findings: dict[str, Any], out_dir: Path, *, redaction: Redaction = Redaction(),
          lang: str = "en") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILENAME
    path.write_text(render(engine, findings, redaction=redaction, lang=lang), encoding="utf-8")
    return path
