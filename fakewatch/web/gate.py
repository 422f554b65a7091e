"""The gate in front of upload bodies: who may send one, and how many at once from one client.

FastAPI reads (and spools to disk) a multipart body before any route dependency
runs, so the login check of an upload route answers only after the whole file
is on the server: eight anonymous 300 MB uploads held 2.3 GB of temp files
(issue 21). The gate answers from the headers alone, before the first byte of
the body is read; the size cap while the body streams stays in `app.Guard`.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import Scope

from fakewatch.web.deps import client_address, current_user

# An analyst sends one case at a time; a second slot lets a retry start while a slow upload still runs.
# Each slot may hold up to settings.max_upload_bytes on disk, so this bounds what one client can pin.
MAX_UPLOADS_PER_CLIENT = 2
RETRY_AFTER = 30  # seconds: about what a large upload on a newsroom line takes to finish


class UploadGate:
    """Refuses anonymous uploads and more than `per_client` uploads in flight from one client address."""

    def __init__(self, per_client: int = MAX_UPLOADS_PER_CLIENT) -> None:
        self.per_client = per_client
        self._open: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def refusal(self, scope: Scope) -> Response | None:
        """The answer for an upload that may not send its body, or None when it may."""
        request = Request(scope)
        # In the thread pool, as in deps.require_user: a token's last-use write may wait on a pipeline's lock.
        # The user is remembered in the request's state, so the route does not look it up again.
        if await run_in_threadpool(current_user, request) is not None:
            return None
        if scope["path"].startswith("/api/"):
            return JSONResponse({"detail": "login required"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse(f"/login?next={quote(scope['path'], safe='')}", status_code=303)

    @contextmanager
    def slot(self, scope: Scope) -> Iterator[bool]:
        """Holds one of the client's upload slots while the upload runs; yields False when none is free."""
        client = client_address(Request(scope))
        with self._lock:
            taken = self._open[client] < self.per_client
            if taken:
                self._open[client] += 1
        try:
            yield taken
        finally:
            if taken:
                with self._lock:
                    self._open[client] -= 1
                    if not self._open[client]:
                        del self._open[client]

    def busy(self) -> Response:
        return JSONResponse({"detail": f"at most {self.per_client} uploads at once from one address; "
                                       "wait for one to finish"}, status_code=429,
                            headers={"Retry-After": str(RETRY_AFTER)})
