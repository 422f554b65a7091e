"""Score a findings.json against a ground-truth file (the demo's truth.json).

Only `campaigns` of the findings count (not `candidates`): what a report would
claim. Messages are compared by identity `(platform, chat_id, message_id)`.

- messages: precision/recall/F1 of campaign membership, all campaigns pooled;
- per true campaign, the found campaign that matches it best (highest F1), its
  precision/recall/F1, and whether the true seeder is in that campaign's top 3;
  the lowest of those recalls (`min_recall`: every campaign found, not just most);
- coordinated accounts: precision/recall/F1, pooled, and how many of the ordinary
  members who merely forwarded campaign posts (`unwitting_accounts`) were flagged;
- target phones (E.164), fake and impersonated domains: how many of the true
  ones appear in any found campaign;
- benign viral: the share of the truth's benign viral messages put in a campaign;
- legit coordinated: the same share for `legit_coordinated` (official cross-posting,
  syndication, adverts, spam rings: coordinated, never a fake), pooled and per kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rich.markup import escape
from rich.table import Table

Ident = tuple[str, str, str]
SEEDER_TOP = 3

# threshold option -> (path in the result, "min" or "max")
THRESHOLDS: dict[str, tuple[tuple[str, str], str]] = {
    "min_precision": (("messages", "precision"), "min"),
    "min_recall": (("messages", "recall"), "min"),
    "min_f1": (("messages", "f1"), "min"),
    "min_campaign_f1": (("per_campaign", "mean_f1"), "min"),
    "min_campaign_recall": (("per_campaign", "min_recall"), "min"),
    "min_account_precision": (("accounts", "precision"), "min"),
    "min_account_recall": (("accounts", "recall"), "min"),
    "min_account_f1": (("accounts", "f1"), "min"),
    "min_seeders": (("seeders", "share"), "min"),
    "min_phones": (("phones", "share"), "min"),
    "min_domains": (("domains", "share"), "min"),
    "min_impersonates": (("impersonates", "share"), "min"),
    "max_benign": (("benign", "share"), "max"),
    "max_legit": (("legit", "share"), "max"),
}


def _ident(item: Mapping[str, Any]) -> Ident:
    return (str(item["platform"]), str(item["chat_id"]), str(item["message_id"]))


def _prf(hits: int, found: int, true: int) -> dict[str, Any]:
    """Precision, recall, F1; an empty finding has precision 0 so doing nothing never passes a threshold."""
    precision = hits / found if found else 0.0
    recall = hits / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "hits": hits, "found": found, "true": true}


def _phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return "+" + digits


def _domain(value: str) -> str:
    host = value.strip().lower().rstrip(".")
    host = re.sub(r"^[a-z]+://", "", host).split("/", 1)[0]
    return host.removeprefix("www.")


def _share(true: Iterable[str], found: Iterable[str], norm: Any) -> dict[str, Any]:
    """How many true values are among the found ones (a found subdomain of a true domain counts)."""
    wanted = {norm(v) for v in true}
    got = {norm(v) for v in found}
    hit = {w for w in wanted if any(g == w or g.endswith("." + w) for g in got)}
    return {"found": len(hit), "total": len(wanted), "share": len(hit) / len(wanted) if wanted else 1.0,
            "missed": sorted(wanted - hit)}


def evaluate(findings: Mapping[str, Any], truth: Mapping[str, Any]) -> dict[str, Any]:
    """Figures for `findings` (findings.json contract) against `truth` (demo truth.json format)."""
    found = list(findings.get("campaigns") or [])
    true = list(truth.get("campaigns") or [])
    found_msgs = [{_ident(m) for m in c.get("messages") or []} for c in found]
    true_msgs = [{_ident(m) for m in c.get("messages") or []} for c in true]
    all_found = set().union(*found_msgs)
    all_true = set().union(*true_msgs)

    per = []
    seeders_hit = 0
    for t, tm in zip(true, true_msgs):
        scored = [(_prf(len(tm & fm), len(fm), len(tm)), i) for i, fm in enumerate(found_msgs)]
        best = max(scored, key=lambda s: (s[0]["f1"], -s[1]), default=None)
        entry: dict[str, Any] = {"id": t.get("id"), "kind": t.get("kind"), "messages": len(tm), "matched": None,
                                 **_prf(0, 0, len(tm)), "seeder": t.get("seeder"), "seeder_rank": None}
        if best is not None and best[0]["hits"]:
            match = found[best[1]]
            ranked = list(match.get("seeders") or [])
            rank = ranked.index(t.get("seeder")) + 1 if t.get("seeder") in ranked else None
            entry.update(best[0], matched=match.get("id"), seeder_rank=rank)
            seeders_hit += rank is not None and rank <= SEEDER_TOP
        per.append(entry)

    true_accounts = {a for c in true for a in c.get("coordinated_accounts") or []}
    found_accounts = {a for c in found for a in c.get("coordinated_accounts") or []}
    unwitting = {a for c in true for a in c.get("unwitting_accounts") or []} - true_accounts
    benign = {_ident(m) for m in truth.get("benign_viral") or []}
    benign_hit = len(benign & all_found)
    legit = _legit(truth.get("legit_coordinated") or [], all_found)
    return {
        "found_campaigns": len(found),
        "true_campaigns": len(true),
        "messages": _prf(len(all_found & all_true), len(all_found), len(all_true)),
        "per_campaign": {"mean_f1": sum(p["f1"] for p in per) / len(per) if per else 1.0,
                         "min_recall": min((p["recall"] for p in per), default=1.0), "campaigns": per},
        "accounts": {**_prf(len(found_accounts & true_accounts), len(found_accounts), len(true_accounts)),
                     "unwitting_flagged": len(unwitting & found_accounts)},
        "seeders": {"found": seeders_hit, "total": len(true), "share": seeders_hit / len(true) if true else 1.0},
        "phones": _share((p for c in true for p in (c.get("targets") or {}).get("phones") or []),
                         (p for c in found for p in (c.get("targets") or {}).get("phones") or []), _phone),
        "domains": _share((d for c in true for d in c.get("domains") or []),
                          (d for c in found for d in c.get("domains") or []), _domain),
        "impersonates": _share((d for c in true for d in c.get("impersonates") or []),
                               (d for c in found for d in c.get("impersonates") or []), _domain),
        "benign": {"found": benign_hit, "total": len(benign), "share": benign_hit / len(benign) if benign else 0.0},
        "legit": legit,
    }


def _legit(groups: Iterable[Mapping[str, Any]], found: set[Ident]) -> dict[str, Any]:
    """How many legitimately coordinated messages sit inside found campaigns, pooled and per kind."""
    by_kind: dict[str, dict[str, int]] = {}
    seen: set[Ident] = set()
    for group in groups:
        msgs = {_ident(m) for m in group.get("messages") or []}
        kind = by_kind.setdefault(str(group.get("kind")), {"found": 0, "total": 0})
        kind["found"] += len(msgs & found)
        kind["total"] += len(msgs)
        seen |= msgs
    hit = len(seen & found)
    return {"found": hit, "total": len(seen), "share": hit / len(seen) if seen else 0.0, "by_kind": by_kind}


def check(result: Mapping[str, Any], thresholds: Mapping[str, float | None]) -> list[str]:
    """The thresholds `result` misses, as sentences; empty when all are met."""
    missed = []
    for name, limit in thresholds.items():
        if limit is None:
            continue
        (section, key), kind = THRESHOLDS[name]
        value = result[section][key]
        if (kind == "min" and value < limit) or (kind == "max" and value > limit):
            missed.append(f"{section} {key} {value:.3f} {'<' if kind == 'min' else '>'} {name} {limit}")
    return missed


def line(result: Mapping[str, Any]) -> str:
    """One line of the headline figures."""
    m, a = result["messages"], result["accounts"]
    s, p, d, i, b, g = (result[k] for k in ("seeders", "phones", "domains", "impersonates", "benign", "legit"))
    return (f"messages P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}"
            f" | per-campaign F1 {result['per_campaign']['mean_f1']:.3f}"
            f" | accounts P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f}"
            f" (unwitting flagged {a['unwitting_flagged']})"
            f" | seeders top{SEEDER_TOP} {s['found']}/{s['total']} | phones {p['found']}/{p['total']}"
            f" | domains {d['found']}/{d['total']} | impersonated {i['found']}/{i['total']}"
            f" | benign in campaigns {b['found']}/{b['total']}"
            f" | legit coordinated in campaigns {g['found']}/{g['total']}")


def table(result: Mapping[str, Any]) -> Table:
    """Per true campaign: the best-matching found campaign and how well it matches."""
    out = Table(title=f"{result['found_campaigns']} campaigns found for {result['true_campaigns']} planted")
    for col in ("true", "kind", "messages", "matched", "precision", "recall", "F1", "seeder rank"):
        out.add_column(col, justify="right" if col in ("messages", "precision", "recall", "F1", "seeder rank")
                       else "left")
    for c in result["per_campaign"]["campaigns"]:
        out.add_row(escape(str(c["id"])), escape(str(c["kind"] or "")), str(c["messages"]),
                    escape(str(c["matched"])) if c["matched"] is not None else "[red]none[/]",
                    f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}",
                    str(c["seeder_rank"]) if c["seeder_rank"] else "-")
    m = result["messages"]
    out.add_row("[b]all[/]", "", str(m["true"]), f"{m['found']} found", f"{m['precision']:.3f}", f"{m['recall']:.3f}",
                f"{m['f1']:.3f}", f"{result['seeders']['found']}/{result['seeders']['total']}")
    for kind, counts in sorted(result["legit"]["by_kind"].items()):
        out.add_row("legit", escape(kind), str(counts["total"]), f"{counts['found']} in campaigns", "", "", "", "")
    return out
