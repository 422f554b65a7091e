"""`investigate`: raw exports in, a publishable report and a machine-readable record out.

ingest -> enrich -> detect -> campaigns -> reports (findings.json, report.html,
messages.csv, accounts.csv, network.gexf). Each stage reads what the previous one
stored, so the same store can be inspected afterwards with the other commands.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from fakewatch import enrich
from fakewatch.detect import campaigns
from fakewatch.detect import run as detect
from fakewatch.ingest import ingest
from fakewatch.report import csv, findings, graph, html
from fakewatch.store import open_store

Progress = Callable[[str, int, "int | None"], None]  # (stage, done, total)
STORE_NAME = "fakewatch.db"


class InvestigateError(Exception):
    """Nothing could be investigated: every input was refused or none was given."""


def investigate(
    paths: Iterable[Path | str],
    out_dir: Path | str,
    *,
    db: str | None = None,
    redact_phones: bool = False,
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    fetch_links: bool = False,
    allow_private: bool = False,
) -> Path:
    """Run every stage over `paths` and write the outputs into `out_dir`; returns the findings.json path.

    Without `db` the store is `out_dir/fakewatch.db`, so re-running on the same inputs adds nothing
    and the outputs are rebuilt from what is already stored. Inputs refused as malformed are listed
    in findings.json under `refused`; the others are still investigated. `options` go to ingest
    (e.g. `{"tz": "Asia/Almaty"}` for WhatsApp exports written in local time). With `fetch_links` the
    pages behind the chats' links are fetched after enrichment (see `fakewatch.fetch`; private addresses
    only with `allow_private`) so the look-alike detector sees them too.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tick = progress or (lambda *_: None)
    engine = open_store(db or f"sqlite:///{out / STORE_NAME}")
    read = ingest(engine, [Path(p) for p in paths], options=options,
                  progress=lambda path, n: tick("ingest", n, None))
    if not read.files:
        problems = "; ".join(str(e) for e in read.refused) or "no inputs"
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
    if read.notes:
        record["notes"] = read.notes  # archive members of no known format, left packed
    path = findings.write(record, out)
    tick("reports", 1, 4)
    html.write(engine, record, out, redact_phones=redact_phones)
    tick("reports", 2, 4)
    csv.write(engine, out, redact_phones=redact_phones)
    tick("reports", 3, 4)
    graph.write(engine, out, redact_phones=redact_phones)
    tick("reports", 4, 4)
    return path


def summary(findings_path: Path) -> dict:
    """The headline numbers of a findings.json, for the command line."""
    data = json.loads(findings_path.read_text(encoding="utf-8"))
    return {"campaigns": [(c["id"], c["score"], c["title"], len(c["messages"])) for c in data["campaigns"]],
            "candidates": len(data.get("candidates", [])), "inputs": len(data["inputs"])}
