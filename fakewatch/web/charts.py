"""Geometry for the two pictures on a campaign page, drawn as inline SVG by the template (no script needed)."""

from __future__ import annotations

import math
from datetime import datetime

WIDTH, HEIGHT = 760, 140
NET_SIZE = 420
MAX_NODES = 60  # beyond this a circle of labels is unreadable; the account table lists them all


def timeline(waves: list[dict], first: datetime, last: datetime) -> list[dict]:
    """One bar per wave: x and width from its time span, height from its message count."""
    if not waves:
        return []
    span = max((last - first).total_seconds(), 1.0)
    top = max(w["messages"] for w in waves) or 1
    bars = []
    for w in waves:
        x = (w["start"] - first).total_seconds() / span * (WIDTH - 20) + 10
        width = max((w["end"] - w["start"]).total_seconds() / span * (WIDTH - 20), 3.0)
        height = max(w["messages"] / top * (HEIGHT - 30), 2.0)
        bars.append({"x": round(x, 1), "y": round(HEIGHT - 20 - height, 1), "w": round(width, 1),
                     "h": round(height, 1), "label": f"{w['start']:%Y-%m-%d %H:%M}: {w['messages']} messages "
                                                     f"in {w['chats']} chats"})
    return bars


def network(nodes: list[str], edges: list[dict]) -> dict:
    """Accounts on a circle, edges between co-posting accounts, stroke width by co-post count."""
    nodes = nodes[:MAX_NODES]
    if not nodes:
        return {"nodes": [], "edges": [], "size": NET_SIZE}
    centre, radius = NET_SIZE / 2, NET_SIZE / 2 - 40
    pos = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes)
        pos[node] = (round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1))
    top = max((e["weight"] for e in edges), default=1) or 1
    lines = [{"x1": pos[e["account_a"]][0], "y1": pos[e["account_a"]][1], "x2": pos[e["account_b"]][0],
              "y2": pos[e["account_b"]][1], "w": round(0.5 + 3 * e["weight"] / top, 2),
              "label": f"{e['account_a']} - {e['account_b']}: {e['weight']} co-posts"}
             for e in edges if e["account_a"] in pos and e["account_b"] in pos]
    return {"nodes": [{"id": n, "x": pos[n][0], "y": pos[n][1]} for n in nodes], "edges": lines, "size": NET_SIZE}
