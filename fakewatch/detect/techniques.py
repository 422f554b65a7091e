"""DISARM techniques a campaign's evidence supports.

Each rule names one observed behaviour (a key of `Behaviour`) and the DISARM Red
Framework technique ids it supports, following the mapping in the project's
reference notes. The DISARM table ships whole in `fakewatch/data/disarm-techniques.tsv`
(with each technique's STIX id, for the exports); a test checks every id below is in it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files

RULES: dict[str, tuple[str, ...]] = {
    "video_reposts": ("T0087.001",),  # the same video pushed through many chats: the deepfake pattern
    "officials_named": ("T0097.111",),  # the reposted videos come with named people (officials, journalists)
    "lookalike_outlet": ("T0149.003", "T0143.003", "T0097.202", "T0098.001", "T0085.003"),
    "call_to_attend": ("T0126.001", "T0057"),
    "doxxed_phones": ("T0048.004", "T0048"),
    "paid_participation": ("T0057.001",),
    "cross_group_posting": ("T0119.001", "T0151.004"),
    "copypasta": ("T0084.001",),
    "flooding": ("T0049", "T0049.005"),
    "forward_amplification": ("T0049.003", "T0151.007"),
}


@dataclass(frozen=True)
class Behaviour:
    """What a campaign's evidence shows; each flag maps to techniques through `RULES`."""

    video_reposts: bool = False
    officials_named: bool = False
    lookalike_outlet: bool = False
    call_to_attend: bool = False
    doxxed_phones: bool = False
    paid_participation: bool = False
    cross_group_posting: bool = False
    copypasta: bool = False
    flooding: bool = False
    forward_amplification: bool = False


def techniques_for(behaviour: Behaviour) -> list[str]:
    """Technique ids, in rule order, without repeats."""
    found: list[str] = []
    for f in fields(behaviour):
        if getattr(behaviour, f.name):
            found += [t for t in RULES[f.name] if t not in found]
    return found


@dataclass(frozen=True)
class Technique:
    """One row of the shipped DISARM table."""

    id: str
    name: str
    tactic: str  # the tactic's phase name, e.g. `maximise-exposure`
    stix_id: str  # the technique's attack-pattern id in DISARM's own STIX bundle


@cache
def disarm_techniques() -> dict[str, Technique]:
    """Technique id -> its row of the shipped DISARM table."""
    text = (files("fakewatch") / "data" / "disarm-techniques.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader((line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
    return {row["technique_id"]: Technique(row["technique_id"], row["name"], row["tactic"], row["stix_id"])
            for row in rows}


@cache
def technique_names() -> dict[str, str]:
    """Technique id -> name."""
    return {t.id: t.name for t in disarm_techniques().values()}
