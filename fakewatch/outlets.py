"""The outlet registry: the real news outlets whose look-alikes fakewatch looks for.

Three sources, one list:

- the bundled registry, ``fakewatch/data/outlets.csv`` (Kazakh, Russian-language,
  Central Asian, Ukrainian, Baltic and international outlets, and the European
  outlets Meta's 2022 Doppelganger takedown found spoofed), read from the
  package so a new release brings a new list;
- outlets the operator adds (``fakewatch outlets add DOMAIN --name ...``),
  kept in the store with ``source="user"``;
- news domains the corpus itself vouches for (``source="corpus"``), rebuilt by
  the look-alike detector on every run (see :mod:`fakewatch.detect.lookalikes`).

A domain is kept as its registrable domain in lower-case ASCII (punycode), so
``WWW.Tengrinews.KZ`` and ``tengrinews.kz`` are one outlet.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import tldextract
from sqlalchemy import Engine, delete, select

from fakewatch.store import insert_ignore
from fakewatch.store.tables.outlets import outlets as outlets_table

BUNDLED = "bundled"
USER = "user"
CORPUS = "corpus"

# Offline public-suffix list: the snapshot shipped inside tldextract, never fetched.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OutletError(ValueError):
    """An outlet that cannot be registered (no registrable domain, no name)."""


@dataclass(frozen=True, slots=True)
class Outlet:
    domain: str  # registrable domain, lower-case ASCII
    name: str
    lang: str | None = None
    country: str | None = None
    source: str = BUNDLED
    aliases: tuple[str, ...] = ()  # other spellings of the brand ("rbk" for rbc.ru)
    evidence: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        """The brand part of the domain: ``spiegel`` for spiegel.de, ``dailymail`` for dailymail.co.uk."""
        return registrable_parts(self.domain)[0]

    @property
    def suffix(self) -> str:
        return registrable_parts(self.domain)[1]


def to_ascii(host: str) -> str:
    """Lower-case ASCII form of a host (IDN labels as punycode); unencodable labels are kept as they are."""
    labels = []
    for label in host.strip().strip(".").lower().split("."):
        try:
            labels.append(label.encode("idna").decode("ascii") if not label.isascii() else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


@lru_cache(maxsize=1 << 16)
def registrable_parts(host: str) -> tuple[str, str]:
    """(brand label, public suffix) of a host: ``("bbc", "co.uk")`` for news.bbc.co.uk."""
    ext = _EXTRACT(host)
    return ext.domain, ext.suffix


def registrable(host: str) -> str:
    """The registrable domain of a host (``news.bbc.co.uk`` -> ``bbc.co.uk``); the host itself if it has none."""
    ext = _EXTRACT(host)
    return f"{ext.domain}.{ext.suffix}" if ext.domain and ext.suffix else host


@cache
def bundled_outlets() -> tuple[Outlet, ...]:
    """The registry shipped with fakewatch."""
    text = (files("fakewatch") / "data" / "outlets.csv").read_text(encoding="utf-8")
    return tuple(
        Outlet(domain=row["domain"].strip().lower(), name=row["name"].strip(), lang=row["lang"] or None,
               country=row["country"] or None, source=BUNDLED,
               aliases=tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()))
        for row in csv.DictReader(text.splitlines())
    )


def stored_outlets(engine: Engine, *, sources: tuple[str, ...] = (USER, CORPUS)) -> list[Outlet]:
    with engine.connect() as conn:
        rows = conn.execute(select(outlets_table).where(outlets_table.c.source.in_(sources))).mappings().all()
    return [Outlet(domain=r["domain"], name=r["name"], lang=r["lang"], country=r["country"], source=r["source"],
                   aliases=tuple(r["aliases"] or ()), evidence=r["evidence"]) for r in rows]


def load_outlets(engine: Engine | None = None, *, corpus: bool = True) -> list[Outlet]:
    """Bundled registry plus the store's user-added (and, with `corpus`, corpus-derived) outlets.

    Where a domain appears twice the operator's entry wins over the bundled one,
    and both win over a corpus-derived one.
    """
    found: dict[str, Outlet] = {}
    stored = stored_outlets(engine, sources=(USER, CORPUS) if corpus else (USER,)) if engine is not None else []
    for outlet in [o for o in stored if o.source == CORPUS] + list(bundled_outlets()) + \
            [o for o in stored if o.source == USER]:
        found[outlet.domain] = outlet
    return list(found.values())


def add_outlet(engine: Engine, domain: str, name: str, *, lang: str | None = None, country: str | None = None,
               aliases: list[str] | None = None) -> Outlet:
    """Register an outlet the bundled list lacks (a local paper, a regional site); replaces an earlier user entry."""
    host = to_ascii(domain.split("//")[-1].split("/")[0])
    dom = registrable(host)
    if "." not in dom or not name.strip():
        raise OutletError(f"not an outlet: domain {domain!r}, name {name!r}")
    outlet = Outlet(domain=dom, name=name.strip(), lang=lang, country=country.upper() if country else None,
                    source=USER, aliases=tuple(aliases or ()))
    with engine.begin() as conn:
        conn.execute(delete(outlets_table).where(outlets_table.c.domain == dom))
        conn.execute(outlets_table.insert().values(domain=dom, name=outlet.name, lang=lang, country=outlet.country,
                                                   source=USER, aliases=list(outlet.aliases) or None))
    return outlet


def replace_corpus_outlets(engine: Engine, found: list[Outlet]) -> None:
    """Store the corpus-derived outlets of this run in place of the previous run's."""
    with engine.begin() as conn:
        conn.execute(delete(outlets_table).where(outlets_table.c.source == CORPUS))
        if found:
            conn.execute(insert_ignore(engine, outlets_table, ["domain"]), [
                {"domain": o.domain, "name": o.name, "lang": o.lang, "country": o.country, "source": CORPUS,
                 "aliases": None, "evidence": o.evidence} for o in found
            ])
