"""The FastAPI application: the JSON API under /api and the pages, one app for both.

`web.api` owns the /api routes (same numbers as the CLI); `web.pages` owns the HTML pages,
their templates and the static files served from the package (no CDN).
"""
from __future__ import annotations

from fastapi import FastAPI

from marsplan import __version__
from marsplan.web import api, pages


def create_app() -> FastAPI:
    """A new app; `marsplan serve` runs it under uvicorn, tests drive it with TestClient."""
    app = FastAPI(title="marsplan", version=__version__,
                  description="Crewed Mars missions flown jointly by several partners.")
    app.include_router(api.router, prefix="/api")
    app.include_router(pages.router)
    return app
