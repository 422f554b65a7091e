"""`investigate`: raw exports in, a publishable report and a machine-readable record out.

ingest -> enrich -> detect -> campaigns -> reports (findings.json, report.html,
messages.csv, accounts.csv, network.gexf). Each stage reads what the previous one
stored, so the same store can be inspected afterwards with the other commands.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from fakewatch import enrich
from fakewatch.detect import campaigns
from fakewatch.detect import run as detect
from fakewatch.ingest import ingest
from fakewatch.report import csv, findings, graph, html
from fakewatch.report.redaction import Redaction
from fakewatch.store import open_store
from fakewatch.store.tables.runs import investigations

Progress = Callable[[str, int, "int | None"], None]  # (stage, done, total)
DETAIL = " · "
"""Separates a stage from what it is working on ("ingest · result.json"): one progress line per stage."""
STORE_NAME = "fakewatch.db"


class InvestigateError(Exception):
    """Nothing could be investigated: every input was refused or none was given."""


def investigate(
    paths: Iterable[Path | str],
    out_dir: Path | str,
    *,
    db: str | None = None,
    redaction: Redaction = Redaction(),
    lang: str = "en",
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    fetch_links: bool = False,
    allow_private: bool = False,
    stix_tlp: str | None = None,
) -> Path:
    """Run every stage over `paths` and write the outputs into `out_dir`; returns the findings.json path.

    Without `db` the store is `out_dir/fakewatch.db`, so re-running on the same inputs adds nothing
    and the outputs are rebuilt from what is already stored. Inputs refused as malformed are listed
    in findings.json under `refused`; the others are still investigated. `options` go to ingest
    (e.g. `{"tz": "Asia/Almaty"}` for WhatsApp exports written in local time). `redaction` applies to
report.html (written in `lang`), the CSV tables and the GEXF network, never to findings.json. With `fetch_links` the
    pages behind the chats' links are fetched after enrichment (see `fakewatch.fetch`; private addresses
    only with `allow_private`) so the look-alike detector sees them too. With `stix_tlp` a STIX 2.1 bundle
    marked with that TLP level is written too (`bundle.stix.json`, phones withheld when redacting).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tick = progress or (lambda *_: None)
    engine = open_store(db or f"sqlite:///{out / STORE_NAME}")
    read = ingest(engine, [Path(p) for p in paths], options=options,
                  progress=lambda path, n: tick(f"ingest{DETAIL}{Path(path).name}", n, None))
    if not read.files:
        problems = "; ".join([*(str(e) for e in read.refused),
                              *(f"{u.path}: format not recognised" for u in read.unrecognised)]) or "no inputs"
        raise InvestigateError(f"nothing to investigate: {problems}")
    enrich.run(engine, progress=lambda stage, done, total=None: tick("enrich", done, total))
    if fetch_links:
        from fakewatch.fetch import FetchLimits, fetch_links as fetch_pages

        fetch_pages(engine, limits=FetchLimits(allow_private=allow_private),
                    progress=lambda url, done, total: tick("fetch links", done, total))
    detect(engine, progress=lambda stage, done, total=None: tick(f"detect: {stage}", done, total))
    campaigns.run(engine, progress=lambda stage, done, total=None: tick("campaigns", done, total))
    tick("reports", 0, 4)
    record = findings.build(engine)
    if read.refused:
        record["refused"] = [str(e) for e in read.refused]
    if read.unrecognised:
        record["unrecognised"] = [u.path for u in read.unrecognised]
    path = findings.write(record, out)
    tick("reports", 1, 4)
    html.write(engine, record, out, redaction=redaction, lang=lang)
    tick("reports", 2, 4)
    csv.write(engine, out, redaction=redaction)
    tick("reports", 3, 4)
    graph.write(engine, out, redaction=redaction)
    tick("reports", 4, 4)
    with engine.begin() as conn:
        conn.execute(investigations.insert().values(out_dir=str(out.resolve()), refused=record.get("refused", []),
                                                    finished_at=datetime.now(timezone.utc).replace(tzinfo=None)))
    if stix_tlp is not None:
        from fakewatch.export import stix
        from fakewatch.export.case import Case

        stix.write(Case(record, str(path), tlp=stix_tlp, redact_phones=redaction.phones), out / stix.FILENAME)
    return path


def latest_outputs(engine: Engine) -> Path | None:
    """The output folder of the newest investigate run on this store (command line or web upload), if any."""
    with engine.connect() as conn:
        folder = conn.execute(select(investigations.c.out_dir).order_by(investigations.c.id.desc()).limit(1)).scalar()
    return Path(folder) if folder else None


def summary(findings_path: Path) -> dict:
    """The headline numbers of a findings.json, for the command line."""
    data = json.loads(findings_path.read_text(encoding="utf-8"))
    return {"campaigns": [(c["id"], c["score"], c["title"], len(c["messages"])) for c in data["campaigns"]],
            "candidates": len(data.get("candidates", [])), "inputs": len(data["inputs"]),
            "refused": data.get("refused", [])}
