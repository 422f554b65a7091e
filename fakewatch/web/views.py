"""Pieces the pages and the API share beyond the queries: search filters, downloads, ClaimReview and
MediaReview, media thumbnails, STIX and MISP exports of a campaign, the user list."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import HTTPException, Query, Request
from fastapi.responses import Response

from fakewatch.detect.media import thumbnail
from fakewatch.report.media import cluster_evidence

from fakewatch.check import debunks
from fakewatch.pipeline import latest_outputs
from fakewatch.web import queries
from fakewatch.web.auth import list_users
from fakewatch.web.deps import context
from fakewatch.web.search import Filters

# What the investigate pipeline writes that analysts may download (the names its report writers use).
DOWNLOAD_SUFFIXES = (".json", ".csv", ".gexf", ".html")


def _parse_day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.fromisoformat(value)
    except ValueError:
        return None
    if end and len(value) <= 10:  # a bare date means the whole day
        day = day.replace(hour=23, minute=59, second=59)
    return day


def _tri(value: str | None) -> bool | None:
    return {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}.get((value or "").lower())


def parse_filters(chat: Annotated[str | None, Query(description="platform:chat_id")] = None,
                  account: Annotated[str | None, Query(description="platform:native_id")] = None,
                  since: Annotated[str | None, Query(description="YYYY-MM-DD or ISO time, UTC")] = None,
                  until: Annotated[str | None, Query(description="YYYY-MM-DD or ISO time, UTC")] = None,
                  lang: Annotated[str | None, Query(description="ru, kk, en, other")] = None,
                  has_phone: Annotated[str | None, Query(description="yes or no")] = None,
                  has_link: Annotated[str | None, Query(description="yes or no")] = None) -> Filters:
    """Search filters from the query string (the same names on the page and the API)."""
    return Filters(chat=chat or None, account=account or None, since=_parse_day(since),
                   until=_parse_day(until, end=True), lang=lang or None, has_phone=_tri(has_phone),
                   has_link=_tri(has_link))


class Downloads:
    """The outputs of the newest finished pipeline run on the store, uploaded or from the command line
    (findings.json, CSVs, GEXF, report.html)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def available(self) -> list[dict]:
        if self.folder is None or not self.folder.is_dir():
            return []
        return [{"name": p.name, "size": p.stat().st_size} for p in sorted(self.folder.iterdir())
                if p.is_file() and p.suffix in DOWNLOAD_SUFFIXES]

    def path(self, name: str) -> Path:
        # Only names listed by available(): nothing else under the data folder can be asked for.
        if name not in {f["name"] for f in self.available()}:
            raise queries.NotFound(f"download {name!r}")
        return self.folder / name  # type: ignore[operator]


def downloads(request: Request) -> Downloads:
    return Downloads(latest_outputs(context(request).engine))


def claim_review_for(request: Request, debunk_id: int) -> dict:
    """A debunk as ClaimReview JSON-LD, its url pointing at the campaign page it belongs to."""
    engine = context(request).engine
    found = debunks.get(engine, debunk_id)
    if found is None:
        raise queries.NotFound(f"debunk {debunk_id}")
    camp = queries.campaign(engine, found["campaign"])
    url = str(request.url_for("campaign_page", code=found["campaign"]))
    return debunks.claim_review(found, camp, url=url, publisher=context(request).settings.publisher)


def media_review_for(request: Request, cluster_id: int, debunk_id: int) -> dict:
    """A media cluster's debunk as MediaReview JSON-LD, its url pointing at the cluster's API record."""
    engine = context(request).engine
    evidence = cluster_evidence(engine, cluster_id)
    found = debunks.get(engine, debunk_id)
    if evidence is None or found is None or found["media_key"] != evidence["key"]:
        raise queries.NotFound(f"debunk {debunk_id} of media cluster {cluster_id}")
    url = str(request.url_for("media_cluster", cluster_id=cluster_id))
    return debunks.media_review(found, evidence, url=url, publisher=context(request).settings.publisher)


def campaign_export(request: Request, code: str, fmt: str, tlp: str, redact_phones: bool) -> Response:
    """One campaign (reported or candidate) as a STIX 2.1 bundle (`fmt` "stix") or a MISP event ("misp"),
    built from the store as it is now, offered as a file download."""
    from fakewatch.export import misp, stix
    from fakewatch.export.case import Case, ExportError
    from fakewatch.report import findings

    record = findings.build(context(request).engine)
    if not any(c["id"] == code for c in record["campaigns"] + record["candidates"]):
        raise queries.NotFound(f"campaign {code}")
    try:
        case = Case(record, "the store", tlp=tlp, redact_phones=redact_phones, only=code)
    except ExportError as exc:
        raise HTTPException(400, str(exc)) from exc
    writer = stix if fmt == "stix" else misp
    name = f"{code}-{case.key}.{fmt}.json"
    return Response(writer.dumps(writer.build(case)), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def thumbnail_response(request: Request, media_id: int) -> Response:
    """A stored thumbnail as image/jpeg (bytes the media detector wrote with Pillow, never user bytes as is;
    the app adds nosniff and the CSP to every response)."""
    jpeg = thumbnail(context(request).engine, media_id)
    if jpeg is None:
        raise queries.NotFound(f"thumbnail of media {media_id}")
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


def users_with_locks(request: Request) -> list[dict]:
    """The users, each with the seconds left of a failed-login lock (`locked_for`, None when not locked)."""
    locked = context(request).logins.locked_accounts()
    return [user | {"locked_for": locked.get(user["name"])} for user in list_users(context(request).engine)]
