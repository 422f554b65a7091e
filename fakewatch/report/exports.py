"""Redacted copies of the outputs on demand, for the web UI's downloads: the same writers, a redaction applied.

findings.json has no redacted copy: it is the evidence record for analysts and tools, and keeps
E.164 numbers (DESIGN.md). Every other output can be had with phone numbers hidden, and with
private people's names hidden too.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from fakewatch.report import csv, findings, graph, html
from fakewatch.report.redaction import Redaction

REDACTABLE = (html.FILENAME, csv.MESSAGES, csv.ACCOUNTS, graph.FILENAME)


class NotRedactable(Exception):
    """A name that is not one of the outputs that have a redacted copy."""


def redacted(engine: Engine, name: str, redaction: Redaction, record: dict[str, Any] | None = None,
             lang: str = "en") -> bytes:
    """The bytes of output `name` written from this store with `redaction`; report.html shows `record`
    (the run's findings.json, so refused inputs are listed) or the findings the store gives now."""
    if name not in REDACTABLE:
        raise NotRedactable(f"{name!r} has no redacted copy; choose one of {', '.join(REDACTABLE)}")
    with tempfile.TemporaryDirectory(prefix="fakewatch-redacted-") as tmp:
        folder = Path(tmp)
        if name == html.FILENAME:
            path = html.write(engine, record or findings.build(engine), folder, redaction=redaction, lang=lang)
        elif name == graph.FILENAME:
            path = graph.write(engine, folder, redaction=redaction)
        else:
            path = folder / name
            csv.write(engine, folder, redaction=redaction)
        return path.read_bytes()
