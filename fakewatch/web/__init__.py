"""Web UI and API for analysts, and the public check page. `create_app` builds the FastAPI app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(engine_or_url: Any = None, settings: Any = None) -> FastAPI:
    """The FastAPI app over a store (see fakewatch.web.app.create_app); imported lazily so the CLI starts fast."""
    from fakewatch.web.app import create_app as build

    return build(engine_or_url, settings)
