"""The FastAPI application: store, settings, middleware (security headers, body limits) and routers."""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fakewatch import __version__
from fakewatch.check import Checker
from fakewatch.store import open_store
from fakewatch.web import api, i18n, pages
from fakewatch.web.auth import SessionSigner
from fakewatch.web.deps import Forbidden, LoginRequired, WebContext, render, session_ttl
from fakewatch.web.gate import UploadGate
from fakewatch.web.jobs import JobRunner
from fakewatch.web.queries import NotFound
from fakewatch.web.ratelimit import RateLimiter
from fakewatch.web.search import sync as search_sync
from fakewatch.web.settings import MAX_CHECK_FILE, WebSettings

HERE = Path(__file__).parent
# Every script is a file under /static; no inline script or style can run even if escaping failed somewhere.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
MAX_BODY = 1024**2  # forms and JSON; uploads have their own limit (settings.max_upload_bytes)
UPLOAD_PATHS = ("/upload", "/api/jobs")
CHECK_FILE_PATHS = ("/api/check/file",)


class BodyTooLarge(HTTPException):
    """Raised while reading a request body past its limit (an HTTPException, so FastAPI answers 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit:,} bytes")


class Guard:
    """Pure ASGI middleware: security headers on every response, and a cap on every request body.

    A multipart POST to /api/check (a picture, video or voice note) is routed to the file check,
    /api/check/file, so the public check takes text, a link or a file at one address.

    The cap is checked against Content-Length up front and counted while the body
    streams in, so a chunked upload without a length cannot fill the disk either.
    An upload is let through only past the UploadGate: logged in, and within its
    client's uploads in flight.
    """

    def __init__(self, app: ASGIApp, max_upload: int) -> None:
        self.app = app
        self.max_upload = max_upload
        self.gate = UploadGate()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/api/check" and dict(scope["headers"]).get(b"content-type", b"").startswith(
                b"multipart/form-data"):
            scope = {**scope, "path": CHECK_FILE_PATHS[0]}  # POST /api/check with a file: the file check
        limit = (self.max_upload if scope["path"] in UPLOAD_PATHS
                 else MAX_CHECK_FILE if scope["path"] in CHECK_FILE_PATHS else MAX_BODY)
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            response = JSONResponse({"detail": str(BodyTooLarge(limit).detail)}, status_code=413)
            await response(scope, receive, send_with_headers)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        if scope["method"] != "POST" or scope["path"] not in UPLOAD_PATHS:
            await self.app(scope, counted, send_with_headers)
            return
        if (refusal := await self.gate.refusal(scope)) is not None:
            await refusal(scope, receive, send_with_headers)
            return
        with self.gate.slot(scope) as free:
            if not free:
                await self.gate.busy()(scope, receive, send_with_headers)
                return
            await self.app(scope, counted, send_with_headers)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters["when"] = lambda d: d.strftime("%Y-%m-%d %H:%M") if isinstance(d, datetime) else (d or "")
    env.filters["pct"] = lambda x: f"{100 * float(x):.0f}%" if x is not None else ""
    env.filters["q"] = lambda s: quote(str(s), safe="")
    # Pretty JSON for evidence blocks; autoescaping still applies when it is inserted.
    env.filters["pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1, default=str)
    env.globals["version"] = __version__
    # The public check's words and dates in the visitor's language (`lang` in the page's values; analyst
    # pages have none and read English).
    env.globals["t"] = pass_context(lambda ctx, key, n=None, **values: i18n.phrase(ctx.get("lang") or "en", key, n,
                                                                                  **values))
    env.globals["languages"] = i18n.NAMES
    env.filters["day"] = pass_context(lambda ctx, value: i18n.human_date(value, ctx.get("lang") or "en"))
    return templates


# Offline by default: FastAPI releases with built-in OpenTelemetry would otherwise record spans and, when
# FASTAPI_OTEL_AUTO_CONFIGURE is set in the environment, export them; it also costs time on every request.
_NO_TELEMETRY = ({"telemetry": {"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                                "auto_configure": False}}
                 if "telemetry" in inspect.signature(FastAPI.__init__).parameters else {})


def create_app(engine_or_url: Engine | str | None = None, settings: WebSettings | None = None) -> FastAPI:
    """The web app over the store `engine_or_url` (an Engine, a URL, or None for the default store)."""
    engine = engine_or_url if isinstance(engine_or_url, Engine) else open_store(engine_or_url)
    settings = settings or WebSettings.from_env()
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Messages ingested from the command line reach the search index, and the check's index is built,
        # without delaying start-up.
        threading.Thread(target=search_sync, args=(engine,), name="fakewatch-fts", daemon=True).start()
        threading.Thread(target=app.state.fw.checker.snapshot, name="fakewatch-check", daemon=True).start()
        yield
        app.state.fw.jobs.stop()

    app = FastAPI(title="fakewatch", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/api/openapi.json",
                  description="Analyst API of fakewatch (bearer token or session) and the public check.",
                  **_NO_TELEMETRY)
    app.state.fw = WebContext(
        engine=engine,
        settings=settings,
        signer=SessionSigner(settings.signing_key(), session_ttl(settings)),
        templates=_templates(),
        limiter=RateLimiter(settings.check_rate, settings.check_burst),
        jobs=JobRunner(engine, settings.data_dir),
        checker=Checker(engine, allow_fetch=settings.allow_fetch),
    )
    fw = app.state.fw
    # After a run: new messages into the search index, new campaigns into the check's snapshot.
    fw.jobs.on_done += [lambda: search_sync(engine), fw.checker.invalidate]
    app.add_middleware(Guard, max_upload=settings.max_upload_bytes)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired):
        if wants_json(request):
            return JSONResponse({"detail": "login required"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden):
        if wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        return render(request, "error.html", status_code=403, title="Not allowed", detail=str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if wants_json(request):
            return await http_exception_handler(request, exc)
        titles = {404: "Not found", 413: "Too large", 429: "Too many checks"}
        response = render(request, "error.html", status_code=exc.status_code,
                          title=titles.get(exc.status_code, "Request refused"), detail=str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        if wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return render(request, "error.html", status_code=404, title="Not found", detail=str(exc))

    return app


def app_from_env() -> FastAPI:
    """The app over FAKEWATCH_DB with FAKEWATCH_* settings: the factory each `serve --workers` process calls."""
    return create_app(None, WebSettings.from_env())
