"""Server-rendered pages: the public check, login, and the analyst UI (login required)."""

from __future__ import annotations

import hmac
import json
import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import Engine

from fakewatch.check import debunks
from fakewatch.detect.techniques import technique_names
from fakewatch.report import exports, findings
from fakewatch.report.i18n import Words
from fakewatch.report.redaction import Redaction
from fakewatch.web import charts, i18n, queries
from fakewatch.web.auth import AuthError, ROLES, User, authenticate, create_token, create_user, end_session, \
    list_tokens, revoke_token, set_disabled, start_session
from fakewatch.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, client_address, context, public, rate_limited, \
    render, require_admin, require_user, session_ttl
from fakewatch.web.jobs import UploadRefused
from fakewatch.web.search import Filters, search
from fakewatch.report.media import media_id_of
from fakewatch.web.views import campaign_export, claim_review_for, downloads, media_review_for, parse_filters, \
    thumbnail_response, users_with_locks

router = APIRouter(include_in_schema=False)
Analyst = Annotated[User, Depends(require_user)]
Admin = Annotated[User, Depends(require_admin)]
PAGE = 50


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: `next=//evil.example` or `next=https://...` would be an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/campaigns"


def _secure(request: Request) -> bool:
    configured = context(request).settings.cookie_secure
    return request.url.scheme == "https" if configured is None else configured


# -- public -------------------------------------------------------------------------------------------------

def _check_page(request: Request, lang: str | None, **values) -> Response:
    """The check page in the visitor's language; an explicit `?lang=` pick is remembered for a year."""
    chosen = i18n.choose(lang, request.cookies.get(i18n.COOKIE), request.headers.get("accept-language"))
    response = render(request, "check.html", lang=chosen, **values)
    if lang in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", secure=_secure(request))
    return response


@router.get("/", dependencies=[Depends(public)])
@router.get("/check", dependencies=[Depends(public)])
def check_page(request: Request, lang: str | None = None):
    return _check_page(request, lang, result=None, text="", url="")


@router.post("/check", dependencies=[Depends(rate_limited)])
def check_submit(request: Request, text: Annotated[str, Form()] = "", url: Annotated[str, Form()] = "",
                 lang: str | None = None):
    # No CSRF token: the public check changes nothing and needs no login.
    checker = context(request).checker
    result = checker.check_url(url.strip()) if url.strip() and not text.strip() else checker.check_text(text)
    return _check_page(request, lang, result=result, text=text, url=url)


@router.get("/login", dependencies=[Depends(public)])
def login_form(request: Request, next: str | None = None):
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", next=_safe_next(next), login_csrf=token, error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        max_age=3600)
    return response


@router.post("/login", dependencies=[Depends(public)])
def login(request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()],
          csrf: Annotated[str, Form()], next: Annotated[str, Form()] = "/campaigns"):
    # Double-submit check: a cross-site form cannot read or set our login cookie.
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    ctx = context(request)
    client = client_address(request)
    form_ok = bool(expected) and hmac.compare_digest(expected, csrf)
    wait = ctx.logins.wait(name, client)
    user = authenticate(ctx.engine, name, password) if form_ok and not wait else None
    if user is None:
        if form_ok and not wait:
            ctx.logins.failed(name, client)
            wait = ctx.logins.wait(name, client)
        token = secrets.token_urlsafe(32)
        error = (f"Too many failed logins; try again in {max(1, round(wait / 60))} minute(s)." if wait
                 else "Wrong name or password (or the form expired).")
        response = render(request, "login.html", status_code=429 if wait else 401, next=_safe_next(next),
                          login_csrf=token, error=error)
        if wait:
            response.headers["Retry-After"] = str(max(1, round(wait)))
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                            max_age=3600)
        return response
    ctx.logins.succeeded(name, client)
    token, _csrf = start_session(ctx.engine, user, session_ttl(ctx.settings))
    response = _see_other(_safe_next(next))
    response.set_cookie(SESSION_COOKIE, ctx.signer.sign(token), httponly=True, samesite="lax",
                        secure=_secure(request), max_age=int(session_ttl(ctx.settings).total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, _user: Analyst):
    ctx = context(request)
    token = ctx.signer.unsign(request.cookies.get(SESSION_COOKIE, ""))
    if token:
        end_session(ctx.engine, token)
    response = _see_other("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- analysts -----------------------------------------------------------------------------------------------

@router.get("/campaigns")
def campaign_list(request: Request, _user: Analyst):
    rows = queries.campaign_list(context(request).engine)
    return render(request, "campaigns.html", campaigns=[r for r in rows if not r.get("why_not_campaign")],
                  activity=[r for r in rows if r.get("why_not_campaign")])


@router.get("/campaigns/{code}")
def campaign_page(request: Request, code: str, _user: Analyst, offset: Annotated[int, Query(ge=0)] = 0):
    engine = context(request).engine
    data = queries.campaign(engine, code)
    msgs = queries.campaign_messages_page(engine, code, limit=PAGE, offset=offset)
    coordinated = data["network"]
    return render(request, "campaign.html", c=data, messages=msgs, offset=offset, page=PAGE,
                  bars=charts.timeline(data["waves"], data["first_seen"], data["last_seen"]),
                  net=charts.network(coordinated["nodes"], coordinated["edges"]),
                  debunks=debunks.for_campaign(engine, code), ratings=list(debunks.RATINGS),
                  media=_media_evidence(engine, data["media"]), categories=debunks.CATEGORIES,
                  techniques=technique_names(), words=Words("en"))


@router.get("/campaigns/{code}/stix.json")
def campaign_stix(request: Request, code: str, _user: Analyst, tlp: str = "clear", redact_phones: bool = False):
    return campaign_export(request, code, "stix", tlp, redact_phones)


@router.get("/campaigns/{code}/misp.json")
def campaign_misp(request: Request, code: str, _user: Analyst, tlp: str = "clear", redact_phones: bool = False):
    return campaign_export(request, code, "misp", tlp, redact_phones)


def _media_evidence(engine: Engine, found: list[dict]) -> list[dict]:
    """The campaign's media clusters with each copy's thumbnail id and each cluster's debunks."""
    for cluster in found:
        cluster["debunks"] = debunks.for_media(engine, cluster["key"])
        for copy in cluster["copies"]:
            copy["media_id"] = media_id_of(engine, copy["sha256"])
    return found


@router.get("/media-files/{media_id}/thumbnail.jpg")
def media_thumbnail(request: Request, media_id: int, _user: Analyst) -> Response:
    return thumbnail_response(request, media_id)


@router.post("/media/{cluster_id}/debunks")
def media_debunk_create(request: Request, cluster_id: int, user: Analyst, campaign: Annotated[str, Form()],
                        claim: Annotated[str, Form()], text: Annotated[str, Form()],
                        category: Annotated[str, Form()] = "TransformedContent",
                        links: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "draft"):
    """Mark a media cluster as a known fake (from the campaign page holding it)."""
    data = debunks.DebunkInput(claim=claim, text=text, links=links.split(), status=status, category=category)
    try:
        debunks.save_media(context(request).engine, cluster_id, user.id, data)
    except debunks.DebunkError as exc:
        return render(request, "error.html", status_code=400, title="Debunk not saved", detail=str(exc))
    context(request).checker.invalidate()
    return _see_other(request.url_for("campaign_page", code=campaign).path + "#media")


@router.get("/media/{cluster_id}/debunks/{debunk_id}/mediareview.json")
def media_debunk_review(request: Request, cluster_id: int, debunk_id: int, _user: Analyst):
    return JSONResponse(media_review_for(request, cluster_id, debunk_id), media_type="application/ld+json")


@router.post("/campaigns/{code}/debunks")
def debunk_create(request: Request, code: str, user: Analyst, claim: Annotated[str, Form()],
                  text: Annotated[str, Form()], rating: Annotated[str, Form()] = "False",
                  links: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "draft"):
    return _save_debunk(request, code, user, None, claim, text, rating, links, status)


@router.post("/debunks/{debunk_id}")
def debunk_update(request: Request, debunk_id: int, user: Analyst, claim: Annotated[str, Form()],
                  text: Annotated[str, Form()], rating: Annotated[str, Form()] = "False",
                  links: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "draft"):
    found = debunks.get(context(request).engine, debunk_id)
    if found is None or found["campaign"] is None:  # media debunks are written from their cluster
        raise queries.NotFound(f"debunk {debunk_id}")
    return _save_debunk(request, found["campaign"], user, debunk_id, claim, text, rating, links, status)


def _save_debunk(request: Request, code: str, user: User, debunk_id: int | None, claim: str, text: str,
                 rating: str, links: str, status: str):
    data = debunks.DebunkInput(claim=claim, text=text, rating=rating, links=links.split(), status=status)
    try:
        debunks.save(context(request).engine, code, user.id, data, debunk_id)
    except debunks.DebunkError as exc:
        return render(request, "error.html", status_code=400, title="Debunk not saved", detail=str(exc))
    context(request).checker.invalidate()
    return _see_other(f"/campaigns/{code}#debunks")


@router.get("/debunks/{debunk_id}/edit")
def debunk_edit(request: Request, debunk_id: int, _user: Analyst):
    found = debunks.get(context(request).engine, debunk_id)
    if found is None:
        raise queries.NotFound(f"debunk {debunk_id}")
    return render(request, "debunk_edit.html", d=found, ratings=list(debunks.RATINGS))


@router.get("/debunks/{debunk_id}/claimreview.json")
def debunk_claimreview(request: Request, debunk_id: int, _user: Analyst):
    return JSONResponse(claim_review_for(request, debunk_id), media_type="application/ld+json")


@router.get("/accounts/{account_id:path}")
def account_page(request: Request, account_id: str, _user: Analyst, offset: Annotated[int, Query(ge=0)] = 0):
    data = queries.account(context(request).engine, account_id, limit=PAGE, offset=offset)
    return render(request, "account.html", a=data, offset=offset, page=PAGE)


@router.get("/chats")
def chat_list(request: Request, _user: Analyst):
    return render(request, "chats.html", chats=queries.chat_list(context(request).engine))


@router.get("/chats/{key:path}")
def chat_page(request: Request, key: str, _user: Analyst, offset: Annotated[int, Query(ge=0)] = 0):
    data = queries.chat(context(request).engine, key, limit=PAGE * 2, offset=offset)
    return render(request, "chat.html", ch=data, offset=offset, page=PAGE * 2)


@router.get("/messages/{pk}")
def message_page(request: Request, pk: int, _user: Analyst):
    m = queries.message_context(context(request).engine, pk, around=10)
    record = None if m["record"] is None else json.dumps(m["record"], ensure_ascii=False, indent=1)
    return render(request, "message.html", m=m, record=record)


@router.get("/search")
def search_page(request: Request, _user: Analyst, filters: Annotated[Filters, Depends(parse_filters)],
                q: str = "", offset: Annotated[int, Query(ge=0)] = 0):
    engine = context(request).engine
    searched = bool(q.strip()) or any(v not in (None, "") for v in vars(filters).values())
    results = search(engine, q, filters, limit=PAGE, offset=offset) if searched else []
    more_url = f"/search?{request.url.include_query_params(offset=offset + PAGE).query}"
    return render(request, "search.html", q=q, f=filters, results=results, searched=searched, offset=offset,
                  page=PAGE, chats=queries.chat_list(engine), more_url=more_url)


@router.get("/upload")
def upload_page(request: Request, _user: Analyst):
    return render(request, "upload.html", jobs=context(request).jobs.list(), error=None,
                  max_upload=context(request).settings.max_upload_bytes)


@router.post("/upload")
def upload(request: Request, user: Analyst, files: Annotated[list[UploadFile], File()]):
    runner = context(request).jobs
    try:
        job_id = runner.submit(user, files)
    except UploadRefused as exc:
        return render(request, "upload.html", status_code=400, jobs=runner.list(), error=str(exc),
                      max_upload=context(request).settings.max_upload_bytes)
    return _see_other(f"/jobs/{job_id}")


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: int, _user: Analyst):
    return render(request, "job.html", job=context(request).jobs.get(job_id))


@router.get("/downloads")
def downloads_page(request: Request, _user: Analyst):
    return render(request, "downloads.html", files=downloads(request).available(), redactable=exports.REDACTABLE)


@router.get("/downloads/{name}")
def download(request: Request, name: str, _user: Analyst) -> Response:
    path = downloads(request).path(name)
    return FileResponse(path, filename=path.name)


@router.get("/downloads/redacted/{name}")
def download_redacted(request: Request, name: str, _user: Analyst, names: bool = False,
                      lang: Annotated[str, Query(pattern="^(en|ru)$")] = "en") -> Response:
    """An output rebuilt from the store with phone numbers (and with `names` private people's names) hidden."""
    if name not in exports.REDACTABLE:
        raise queries.NotFound(f"redacted download {name!r}")
    try:
        record = json.loads(downloads(request).path(findings.FILENAME).read_text(encoding="utf-8"))
    except queries.NotFound:
        record = None  # no finished run in the UI: report on what the store holds
    body = exports.redacted(context(request).engine, name, Redaction(phones=True, names=names), record, lang)
    kind = {".html": "text/html", ".csv": "text/csv", ".gexf": "application/xml"}[Path(name).suffix]
    return Response(body, media_type=f"{kind}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="redacted-{name}"'})


@router.get("/tokens")
def tokens_page(request: Request, user: Analyst):
    return render(request, "tokens.html", tokens=list_tokens(context(request).engine, user.id), new_token=None)


@router.post("/tokens")
def token_new(request: Request, user: Analyst, name: Annotated[str, Form()] = "api"):
    engine = context(request).engine
    token = create_token(engine, user.name, name)
    return render(request, "tokens.html", tokens=list_tokens(engine, user.id), new_token=token)


@router.post("/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: int, user: Analyst):
    try:
        revoke_token(context(request).engine, user.id, token_id)
    except AuthError as exc:
        raise queries.NotFound(str(exc)) from exc
    return _see_other("/tokens")


# -- administrators -----------------------------------------------------------------------------------------

@router.get("/admin/users")
def users_page(request: Request, _admin: Admin):
    return render(request, "users.html", users=users_with_locks(request), roles=ROLES, error=None)


@router.post("/admin/users")
def user_new(request: Request, _admin: Admin, name: Annotated[str, Form()], password: Annotated[str, Form()],
             role: Annotated[str, Form()] = "analyst"):
    engine = context(request).engine
    try:
        create_user(engine, name.strip(), password, role)
    except AuthError as exc:
        return render(request, "users.html", status_code=400, users=users_with_locks(request), roles=ROLES, error=str(exc))
    return _see_other("/admin/users")


@router.post("/admin/users/{user_id}/disable")
def user_disable(request: Request, user_id: int, admin: Admin, disabled: Annotated[bool, Form()] = True):
    if user_id == admin.id:
        return render(request, "error.html", status_code=400, title="Not done",
                      detail="You cannot disable your own account.")
    try:
        set_disabled(context(request).engine, user_id, disabled)
    except AuthError as exc:
        raise queries.NotFound(str(exc)) from exc
    return _see_other("/admin/users")


@router.get("/api/docs", dependencies=[Depends(public)])
def api_docs(request: Request):
    return render(request, "api_docs.html", spec=request.app.openapi())


@router.get("/healthz", dependencies=[Depends(public)])
def healthz() -> dict:
    return {"ok": True}
