"""The FastAPI application: the JSON API under /api and the pages, one app for both.

`web.api` owns the /api routes (same numbers as the CLI); `web.pages` owns the HTML pages,
their templates and the static files served from the package (no CDN).

Every error is JSON, ``{"detail": ...}``, and none holds a traceback: a mistake
in a request is HTTP 422 naming each field, a body too large 413, a query string
too long 414, a busy server 503 (``Retry-After``), a computation past its time
limit 504, and a bug 500 with its traceback in the server's log only.
"""
from __future__ import annotations

import contextlib
import logging
import math
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsplan import __version__
from marsplan.errors import MarsplanError
from marsplan.web import api, limits, pages
from marsplan.web.pool import JobCrashed, JobTimeout, PoolBusy
from marsplan.web.service import Service

log = logging.getLogger("marsplan.web")


def _plain_input(value):
    """A 422 entry's ``input`` as JSON can hold it (short text, numbers, null)."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _validation_entries(error: RequestValidationError) -> list[dict]:
    out = []
    for e in error.errors():
        entry = {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "invalid value")),
                 "type": str(e.get("type", "value_error"))}
        if "input" in e:
            entry["input"] = _plain_input(e["input"])
        out.append(entry)
    return out


class BoundAndTime:
    """Plain ASGI middleware: refuse a query string too long (414), and add the server's
    own time to each response's ``Server-Timing`` (``app;dur=MS``, from the request's
    arrival to its response's start; the worker's ``compute;dur=`` when it computed).

    Plain ASGI rather than ``@app.middleware``: that one streams every body through an
    extra queue, which a 10 MB porkchop grid pays for.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string", b"")) > limits.MAX_QUERY_CHARS:
            response = JSONResponse({"detail": [api.field_error(
                "query", None, f"the query string is longer than {limits.MAX_QUERY_CHARS:,} "
                               "characters", "value_error.too_long")]}, status_code=414)
            return await response(scope, receive, send)
        start = time.perf_counter()

        async def timed_send(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ())
                           if k.lower() != b"server-timing"]
                inner = [v for k, v in message.get("headers", ()) if k.lower() == b"server-timing"]
                timing = f"app;dur={1e3 * (time.perf_counter() - start):.2f}".encode()
                headers.append((b"server-timing", b", ".join([timing, *inner])))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


def create_app(*, workers: int | None = None) -> FastAPI:
    """A new app; `marsplan serve` runs it under uvicorn, tests drive it with TestClient.

    Parameters
    ----------
    workers : int, optional
        Worker processes for the API's computations (default: one per core,
        ``MARSPLAN_WEB_WORKERS`` overrides). They start with the app (its lifespan:
        use ``with TestClient(app)``) and stop with it.
    """
    service = Service(workers)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        await service.start()
        try:
            yield
        finally:
            await service.close()

    app = FastAPI(title="marsplan", version=__version__, lifespan=lifespan,
                  description="Crewed Mars missions flown jointly by several partners. "
                              "The JSON API under /api mirrors the CLI: each route returns "
                              "what the command prints with --format json (docs/outputs.md).")
    app.state.service = service
    app.include_router(api.router, prefix="/api")
    app.include_router(pages.router)

    app.add_middleware(BoundAndTime)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, error: RequestValidationError):
        return JSONResponse({"detail": _validation_entries(error)}, status_code=422)

    @app.exception_handler(api.UserError)
    async def on_user_error(request: Request, error: api.UserError):
        return JSONResponse({"detail": error.errors}, status_code=422)

    @app.exception_handler(MarsplanError)
    async def on_marsplan_error(request: Request, error: MarsplanError):
        return JSONResponse({"detail": [api.field_error("query", None, str(error))]},
                            status_code=422)

    @app.exception_handler(PoolBusy)
    async def on_busy(request: Request, error: PoolBusy):
        return JSONResponse({"detail": f"the server is busy ({error}); try again shortly"},
                            status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(JobTimeout)
    async def on_timeout(request: Request, error: JobTimeout):
        return JSONResponse({"detail": f"{error}; ask for less (a shorter span, a coarser "
                                       "step)"}, status_code=504)

    @app.exception_handler(JobCrashed)
    async def on_crash(request: Request, error: JobCrashed):
        log.error("a web worker failed: %s", error)
        return JSONResponse({"detail": "internal error: the computation failed; the server's "
                                       "log has the details"}, status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException):
        return JSONResponse({"detail": error.detail}, status_code=error.status_code,
                            headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server's log has the details"},
                            status_code=500)

    return app
