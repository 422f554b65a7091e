"""Who is asking, and may they: the dependencies every route declares, and the page renderer.

Every route states its access with one of `public`, `require_user` (any logged-in
role) or `require_admin`. Requests authenticate with a bearer API token or with the
session cookie; a cookie-authenticated request that changes anything must carry
the session's CSRF token (form field `csrf` or header `X-CSRF-Token`), checked
here once for all routes rather than route by route.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from fakewatch.web.auth import SessionSigner, User, session_user, token_user
from fakewatch.web.ratelimit import RateLimiter
from fakewatch.web.settings import WebSettings
from fakewatch.web.throttle import LoginThrottle

SESSION_COOKIE = "fw_session"
LOGIN_CSRF_COOKIE = "fw_login_csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class LoginRequired(Exception):
    """No valid session or token: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Logged in, but the role does not allow this (or the CSRF token is missing or wrong)."""


@dataclass
class WebContext:
    """What the routes share: the store, settings, cookie signer, templates, the public-check limiter and
    the failed-login counts."""

    engine: Engine
    settings: WebSettings
    signer: SessionSigner
    templates: Jinja2Templates
    limiter: RateLimiter
    jobs: Any  # fakewatch.web.jobs.JobRunner
    checker: Any  # fakewatch.check.Checker
    logins: LoginThrottle = field(default_factory=LoginThrottle)


def context(request: Request) -> WebContext:
    return request.app.state.fw


def client_address(request: Request) -> str:
    """The client's address; the first X-Forwarded-For hop only when the operator trusts the proxy."""
    if context(request).settings.trust_proxy:
        forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.client.host if request.client else "unknown"


def current_user(request: Request) -> User | None:
    """The user behind the bearer token or session cookie, or None; remembered on the request."""
    if "user" in request.state._state:
        return request.state.user
    ctx = context(request)
    user, request.state.via, request.state.csrf = None, None, None
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        user = token_user(ctx.engine, auth[7:].strip())
        request.state.via = "token" if user else None
    elif cookie := request.cookies.get(SESSION_COOKIE):
        token = ctx.signer.unsign(cookie)
        found = session_user(ctx.engine, token) if token else None
        if found:
            user, request.state.csrf = found
            request.state.via = "cookie"
    request.state.user = user
    return user


async def _check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS or request.state.via != "cookie":
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, request.state.csrf or ""):
        raise Forbidden("CSRF token missing or wrong; reload the page and try again")


async def require_user(request: Request) -> User:
    """Any logged-in user (admin or analyst)."""
    # In the thread pool: a token's last-use write may wait on a pipeline's write lock, which must not
    # stall the event loop (and with it the public check).
    user = await run_in_threadpool(current_user, request)
    if user is None:
        raise LoginRequired()
    await _check_csrf(request)
    return user


async def require_admin(request: Request) -> User:
    user = await require_user(request)
    if not user.is_admin:
        raise Forbidden("administrators only")
    return user


async def public(request: Request) -> None:
    """Open to anyone (the public check, login, docs); stated so every route declares its access."""


async def rate_limited(request: Request) -> None:
    """Open to anyone, throttled per client address (the public check)."""
    allowed, wait = context(request).limiter.allow(client_address(request))
    if not allowed:
        raise HTTPException(429, "too many checks from your address; wait a little",
                            headers={"Retry-After": str(max(1, round(wait)))})


def render(request: Request, template: str, status_code: int = 200, **values: Any):
    """A page with the current user and CSRF token available to the template."""
    user = current_user(request)
    values.setdefault("user", user)
    values.setdefault("csrf", getattr(request.state, "csrf", None))
    return context(request).templates.TemplateResponse(request, template, values, status_code=status_code)


def session_ttl(settings: WebSettings) -> timedelta:
    return timedelta(hours=settings.session_hours)
