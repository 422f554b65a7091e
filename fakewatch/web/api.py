"""JSON API under /api/: everything the analyst UI shows, plus the public check. OpenAPI at /api/openapi.json."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import Engine

from fakewatch.report.media import cluster_evidence
from fakewatch.media.fingerprint import UnsupportedMedia
from fakewatch.check import debunks
from fakewatch.web import queries, schemas
from fakewatch.web.auth import AuthError, User, create_token, create_user, list_tokens, \
    revoke_token, set_disabled
from fakewatch.web.deps import context, rate_limited, require_admin, require_user
from fakewatch.web.jobs import UploadRefused
from fakewatch.web.search import Filters, search
from fakewatch.web.views import claim_review_for, downloads, media_review_for, parse_filters, thumbnail_response, \
    users_with_locks

router = APIRouter(prefix="/api")
Analyst = Annotated[User, Depends(require_user)]
Admin = Annotated[User, Depends(require_admin)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
MAX_CHECK_TEXT = 20_000  # the normaliser reads this much; a campaign text is far shorter


class CheckRequest(BaseModel):
    text: str | None = Field(None, max_length=MAX_CHECK_TEXT, description="A message as received")
    url: str | None = Field(None, max_length=2000, description="A link as received")

    @model_validator(mode="after")
    def one_of(self) -> CheckRequest:
        if not (self.text or "").strip() and not (self.url or "").strip():
            raise ValueError("give text or url")
        return self


class CheckMatch(BaseModel):
    campaign_id: str
    title: str
    similarity: float
    first_seen: str | None
    chats: int
    debunk: dict | None


class CheckResponse(BaseModel):
    verdict: Literal["known_fake", "suspicious", "no_match"]
    matches: list[CheckMatch]
    signals: list[dict]
    media: list[dict] = Field([], description="Media clusters a checked file is a copy of, with their debunk")
    reason: Literal["no_content"] | None = Field(
        None, description="Only on a no_match that compared nothing: no_content, the text had no content word "
                          "(empty, emoji, punctuation, \"ok\", \"+\") and nothing else in it matched")


class DebunkBody(BaseModel):
    claim: str = Field(max_length=debunks.MAX_TEXT)
    text: str = Field(max_length=debunks.MAX_TEXT)
    rating: str = "False"
    links: list[str] = []
    status: Literal["draft", "published"] = "draft"


class MediaDebunkBody(DebunkBody):
    category: Literal[debunks.CATEGORIES] = Field(  # type: ignore[valid-type]
        "TransformedContent", description="schema.org mediaAuthenticityCategory (TransformedContent: a deepfake)")


class UserBody(BaseModel):
    name: str
    password: str
    role: Literal["admin", "analyst"] = "analyst"


class TokenBody(BaseModel):
    name: str = Field("api", max_length=128)


# -- public -------------------------------------------------------------------------------------------------

@router.post("/check", response_model=CheckResponse, dependencies=[Depends(rate_limited)],
             tags=["public"], openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {
                 "type": "object", "required": ["file"], "description": "A picture, video or voice note "
                 "(the same as POST /api/check/file)",
                 "properties": {"file": {"type": "string", "format": "binary"}}}}}}})
async def check(request: Request, body: CheckRequest) -> JSONResponse:
    """Is this message, link or media file part of a known fake campaign? No login; rate-limited per client.

    JSON `{"text"}` or `{"url"}`; a file is sent as multipart field `file` (handled by /api/check/file)."""
    checker = context(request).checker
    text = (body.text or "").strip()
    # A check is under a millisecond of CPU: on the event loop it skips the thread pool's hand-offs, which
    # dominate at 50 concurrent clients. Store reads (snapshot refresh, fetching) go to the pool.
    if text and checker.fresh():
        result = checker.check_text(body.text)
    elif text:
        result = await run_in_threadpool(checker.check_text, body.text)
    else:
        result = await run_in_threadpool(checker.check_url, body.url.strip())
    # Built by fakewatch.check in exactly the CheckResponse shape (tested); sent as is, not re-validated.
    return JSONResponse(result)


@router.post("/check/file", response_model=CheckResponse, dependencies=[Depends(rate_limited)],
             tags=["public"])
def check_file(request: Request, file: Annotated[UploadFile, File(description="A picture, video or voice note")]
               ) -> JSONResponse:
    """Is this picture, video or voice note (or an edited copy of it) part of a known fake campaign?"""
    with tempfile.TemporaryDirectory(prefix="fakewatch-check-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as out:  # the body was capped at settings.MAX_CHECK_FILE while it came in
            shutil.copyfileobj(file.file, out, length=1024 * 1024)
        try:
            result = context(request).checker.check_file(path)
        except (UnsupportedMedia, OSError, ValueError) as exc:  # not media, or a broken file (PyAV, Pillow)
            raise HTTPException(400, f"not a readable picture, video or audio file: {exc}") from exc
    return JSONResponse(result)


# -- analysts -----------------------------------------------------------------------------------------------

@router.get("/me", tags=["account"], response_model=schemas.UserInfo)
def me(user: Analyst) -> dict:
    return {"id": user.id, "name": user.name, "role": user.role}


@router.get("/campaigns", tags=["campaigns"], response_model=list[schemas.CampaignSummary])
def campaigns(request: Request, _user: Analyst, candidates: bool = True) -> list[dict]:
    """Campaigns by score (reported first, then weaker candidates unless `candidates=false`)."""
    return queries.campaign_list(context(request).engine, candidates=candidates)


@router.get("/campaigns/{code}", tags=["campaigns"], response_model=schemas.Campaign)
def campaign(request: Request, code: str, _user: Analyst) -> dict:
    """A campaign as in findings.json, with waves, accounts, chats, network, evidence and inputs."""
    return queries.campaign(context(request).engine, code)


@router.get("/campaigns/{code}/messages", tags=["campaigns"], response_model=list[schemas.Message])
def campaign_messages(request: Request, code: str, _user: Analyst, limit: Limit = 50,
                      offset: Offset = 0) -> list[dict]:
    return queries.campaign_messages_page(context(request).engine, code, limit=limit, offset=offset)


@router.get("/campaigns/{code}/debunks", tags=["debunks"], response_model=list[schemas.Debunk])
def campaign_debunks(request: Request, code: str, _user: Analyst) -> list[dict]:
    return debunks.for_campaign(context(request).engine, code)


@router.post("/campaigns/{code}/debunks", status_code=201, tags=["debunks"], response_model=schemas.Debunk)
def debunk_create(request: Request, code: str, user: Analyst, body: DebunkBody) -> dict:
    return _save(request, lambda engine: debunks.save(engine, code, user.id, _input(body)))


@router.put("/debunks/{debunk_id}", tags=["debunks"], response_model=schemas.Debunk)
def debunk_update(request: Request, debunk_id: int, user: Analyst, body: DebunkBody) -> dict:
    found = debunks.get(context(request).engine, debunk_id)
    if found is None or found["campaign"] is None:  # a media debunk is updated under its cluster
        raise queries.NotFound(f"debunk {debunk_id}")
    return _save(request, lambda engine: debunks.save(engine, found["campaign"], user.id, _input(body), debunk_id))


def _input(body: DebunkBody) -> debunks.DebunkInput:
    return debunks.DebunkInput(**body.model_dump())


def _save(request: Request, store: Callable[[Engine], int]) -> dict:
    """Run a debunk write (`store` returns the debunk id); bad input is a 400, the check reloads after."""
    engine = context(request).engine
    try:
        saved = store(engine)
    except debunks.DebunkError as exc:
        raise HTTPException(400, str(exc)) from exc
    context(request).checker.invalidate()
    return debunks.get(engine, saved)


@router.get("/debunks/{debunk_id}/claimreview", tags=["debunks"])
def debunk_claimreview(request: Request, debunk_id: int, _user: Analyst) -> JSONResponse:
    """The debunk as schema.org ClaimReview JSON-LD."""
    return JSONResponse(claim_review_for(request, debunk_id), media_type="application/ld+json")


@router.get("/media/{cluster_id}", tags=["media"], response_model=schemas.MediaCluster)
def media_cluster(request: Request, cluster_id: int, _user: Analyst) -> dict:
    """A media cluster as evidence (copies, chats, first appearance) with its debunks."""
    engine = context(request).engine
    found = cluster_evidence(engine, cluster_id)
    if found is None:
        raise queries.NotFound(f"media cluster {cluster_id}")
    return found | {"debunks": debunks.for_media(engine, found["key"])}


@router.post("/media/{cluster_id}/debunks", status_code=201, tags=["media"], response_model=schemas.Debunk)
def media_debunk_create(request: Request, cluster_id: int, user: Analyst, body: MediaDebunkBody) -> dict:
    """Mark a media cluster as a known fake with a debunk (published ones answer the public file check)."""
    return _save(request, lambda engine: debunks.save_media(engine, cluster_id, user.id, _input(body)))


@router.put("/media/{cluster_id}/debunks/{debunk_id}", tags=["media"], response_model=schemas.Debunk)
def media_debunk_update(request: Request, cluster_id: int, debunk_id: int, user: Analyst,
                        body: MediaDebunkBody) -> dict:
    return _save(request, lambda engine: debunks.save_media(engine, cluster_id, user.id, _input(body), debunk_id))


@router.get("/media/{cluster_id}/debunks/{debunk_id}/mediareview", tags=["media"])
def media_debunk_review(request: Request, cluster_id: int, debunk_id: int, _user: Analyst) -> JSONResponse:
    """The media debunk as schema.org MediaReview JSON-LD."""
    return JSONResponse(media_review_for(request, cluster_id, debunk_id), media_type="application/ld+json")


@router.get("/media-files/{media_id}/thumbnail", tags=["media"],
            responses={200: {"content": {"image/jpeg": {}}, "description": "JPEG keyframe"}})
def media_thumbnail(request: Request, media_id: int, _user: Analyst) -> Response:
    """The stored JPEG thumbnail (a picture, or a video's middle keyframe) of a media file."""
    return thumbnail_response(request, media_id)


@router.get("/accounts/{account_id:path}", tags=["accounts"], response_model=schemas.Account)
def account(request: Request, account_id: str, _user: Analyst, limit: Limit = 50,
            offset: Offset = 0) -> dict:
    return queries.account(context(request).engine, account_id, limit=limit, offset=offset)


@router.get("/chats", tags=["chats"], response_model=list[schemas.ChatSummary])
def chats(request: Request, _user: Analyst) -> list[dict]:
    return queries.chat_list(context(request).engine)


@router.get("/chats/{key:path}", tags=["chats"], response_model=schemas.Chat)
def chat(request: Request, key: str, _user: Analyst, limit: Limit = 100, offset: Offset = 0) -> dict:
    """A chat ("platform:chat_id"), the campaigns that reached it and its messages oldest first."""
    return queries.chat(context(request).engine, key, limit=limit, offset=offset)


@router.get("/messages/{pk}", tags=["messages"], response_model=schemas.MessageContext)
def message(request: Request, pk: int, _user: Analyst, around: Annotated[int, Query(ge=0, le=50)] = 3) -> dict:
    """A message with the messages around it in its chat."""
    return queries.message_context(context(request).engine, pk, around=around)


@router.get("/search", tags=["messages"], response_model=list[schemas.Message])
def search_messages(request: Request, _user: Analyst, filters: Annotated[Filters, Depends(parse_filters)],
                    q: str = "", limit: Limit = 50, offset: Offset = 0) -> list[dict]:
    """Full-text search (every word must occur) with filters; newest first."""
    return search(context(request).engine, q, filters, limit=limit, offset=offset)


@router.post("/jobs", status_code=202, tags=["jobs"], response_model=schemas.Job)
def job_create(request: Request, user: Analyst, files: Annotated[list[UploadFile], File()]) -> dict:
    """Upload exports and run the investigate pipeline on them in the background."""
    runner = context(request).jobs
    try:
        job_id = runner.submit(user, files)
    except UploadRefused as exc:
        raise HTTPException(400, str(exc)) from exc
    return runner.get(job_id)


@router.get("/jobs", tags=["jobs"], response_model=list[schemas.Job])
def jobs(request: Request, _user: Analyst) -> list[dict]:
    return context(request).jobs.list()


@router.get("/jobs/{job_id}", tags=["jobs"], response_model=schemas.Job)
def job(request: Request, job_id: int, _user: Analyst) -> dict:
    """A pipeline run: status, stage, progress (done of total) and error if it failed."""
    return context(request).jobs.get(job_id)


@router.get("/downloads", tags=["downloads"], response_model=list[schemas.Download])
def download_list(request: Request, _user: Analyst) -> list[dict]:
    return downloads(request).available()


@router.get("/downloads/{name}", tags=["downloads"])
def download(request: Request, name: str, _user: Analyst) -> FileResponse:
    """findings.json, the CSVs, the GEXF network or report.html of the newest pipeline run."""
    path = downloads(request).path(name)
    return FileResponse(path, filename=path.name)


@router.get("/tokens", tags=["account"], response_model=list[schemas.Token])
def tokens(request: Request, user: Analyst) -> list[dict]:
    return list_tokens(context(request).engine, user.id)


@router.post("/tokens", status_code=201, tags=["account"], response_model=schemas.NewToken)
def token_create(request: Request, user: Analyst, body: TokenBody) -> dict:
    """A new bearer token for yourself; shown once."""
    return {"token": create_token(context(request).engine, user.name, body.name)}


@router.delete("/tokens/{token_id}", status_code=204, tags=["account"])
def token_delete(request: Request, token_id: int, user: Analyst) -> None:
    try:
        revoke_token(context(request).engine, user.id, token_id)
    except AuthError as exc:
        raise queries.NotFound(str(exc)) from exc


# -- administrators -----------------------------------------------------------------------------------------

@router.get("/users", tags=["admin"], response_model=list[schemas.UserInfo])
def users(request: Request, _admin: Admin) -> list[dict]:
    """The users; `locked_for` is the seconds left of a lock after failed logins."""
    return users_with_locks(request)


@router.post("/users", status_code=201, tags=["admin"], response_model=schemas.UserInfo)
def user_create(request: Request, _admin: Admin, body: UserBody) -> dict:
    try:
        made = create_user(context(request).engine, body.name, body.password, body.role)
    except AuthError as exc:
        raise HTTPException(400, str(exc)) from exc
    return {"id": made.id, "name": made.name, "role": made.role}


@router.post("/users/{user_id}/disable", tags=["admin"])
def user_disable(request: Request, user_id: int, admin: Admin, disabled: bool = True) -> dict:
    if user_id == admin.id:
        raise HTTPException(400, "you cannot disable your own account")
    try:
        set_disabled(context(request).engine, user_id, disabled)
    except AuthError as exc:
        raise queries.NotFound(str(exc)) from exc
    return {"id": user_id, "disabled": disabled}
