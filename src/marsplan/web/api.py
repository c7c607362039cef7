"""The JSON API: /api/windows, /api/porkchop, /api/missions, /api/catalog/..., POST /api/plan.

Each route mirrors a CLI command: the same parameters (``from``/``to`` for
``--from``/``--to``, ``c3_max`` for ``--c3-max``, ...) and the same JSON
document as ``--format json`` (docs/outputs.md, "Web API"). A route checks its
parameters and bounds (:mod:`marsplan.web.limits`), then runs the command's
computation in a worker process (:mod:`marsplan.web.jobs`): the event loop
never computes. A mistake is HTTP 422 with ``{"detail": [{"loc", "msg",
"type"}]}`` naming each field; no response ever holds a traceback.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from marsplan.choices import (ANGLES, CATALOG_LISTINGS, EARTH_RETURNS, MISSION_CLASSES,
                              SWEEP_STATUSES, as_enum)
from marsplan.web import limits
from marsplan.web.jobs import PORKCHOP_LAYOUTS, SURFACES, UPLOAD_NAME

router = APIRouter()

#: Years any query may name (DE440's span, as the CLI's YEAR_RANGE).
YEAR_MIN, YEAR_MAX = 1550, 2650
#: A body name: letters, at most 32 (the ephemeris names the known ones when refused).
BODY_PATTERN = r"^[A-Za-z][A-Za-z_ -]{0,31}$"
#: Media types POST /api/plan reads as TOML and as JSON.
TOML_TYPES = ("application/toml", "text/toml", "application/x-toml", "text/plain")
JSON_TYPES = ("application/json",)


class UserError(Exception):
    """A mistake in a request: HTTP 422 with one entry per field (``loc``, ``msg``)."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["msg"] for e in errors))
        self.errors = errors


def field_error(where: str, field: str | None, message: str, kind: str = "value_error") -> dict:
    """One entry of a 422 body: ``loc`` as FastAPI spells it (``["query", "from"]``)."""
    return {"loc": [where] + ([field] if field else []), "msg": message, "type": kind}


# The choices, built from the core's lists (marsplan.choices): OpenAPI and the 422
# messages name the same values as the CLI and the core (tests/test_choices.py).
Angles = as_enum("Angles", ANGLES)
MissionClass = as_enum("MissionClass", MISSION_CLASSES)
EarthReturn = as_enum("EarthReturn", EARTH_RETURNS)
Listing = as_enum("Listing", CATALOG_LISTINGS)
SweepStatus = as_enum("SweepStatus", SWEEP_STATUSES)


Year = Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX)]
Body = Annotated[str, Query(pattern=BODY_PATTERN, max_length=32)]


def _job_field(message: str, names: dict[str, str]) -> str | None:
    """The API parameter a core message names by its leading ``name:`` (None if none)."""
    head = message.split(":", 1)[0].strip() if ":" in message else ""
    head = head.removeprefix("--")
    return names.get(head, head if head in names.values() else None)


async def _run(request: Request, job: str, params: dict, *, where: str = "query",
               names: dict[str, str] | None = None, given: dict | None = None) -> Response:
    """Run ``job`` (or take its kept answer) and word the outcome as a response."""
    service = request.app.state.service
    await service.start()
    answer = await service.answer(job, params)
    if answer.body is not None:
        response = Response(answer.body, media_type="application/json")
        if answer.compute_s is not None:  # computed for this request, not kept
            response.headers["Server-Timing"] = f"compute;dur={1e3 * answer.compute_s:.2f}"
        return response
    message, kind = answer.error_message, "value_error." + _snake(answer.error_kind)
    field = _job_field(message, names or {})
    if field is None:  # "unknown body 'pluto' ...": the parameter that holds the value
        field = next((name for name, value in (given or {}).items()
                      if isinstance(value, str) and repr(value) in message), None)
    if where == "body" and field is not None:  # a query parameter of a POST
        where = "query"
    elif where == "body" and message.startswith(f"{UPLOAD_NAME}: "):
        # "scenario: element[2].id: unknown element ...": the field of the scenario
        head, _, rest = message[len(UPLOAD_NAME) + 2:].partition(": ")
        field = head if rest and " " not in head else None
    raise UserError([field_error(where, field, message, kind)])


def _snake(name: str) -> str:
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i:
            out.append("_")
        out.append(c.lower())
    return "".join(out)


def _span(text: str, field: str, example: str) -> tuple[str, str]:
    """``START:END`` (or ``START..END``, for dates with a time of day), as the CLI reads it."""
    parts = text.split(":") if text.count(":") == 1 else text.split("..")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise UserError([field_error("query", field,
                                     f"expected START:END, e.g. {example}, got {text!r}")])
    return parts[0].strip(), parts[1].strip()


def _number_span(text: str, field: str, low: float, high: float, unit: str
                 ) -> tuple[float, float]:
    """``MIN:MAX`` of finite numbers within [low, high], MIN <= MAX."""
    import math

    first, last = _span(text, field, "150:300")
    try:
        values = (float(first), float(last))
    except ValueError:
        values = (math.nan, math.nan)
    if not all(math.isfinite(v) and low <= v <= high for v in values):
        raise UserError([field_error("query", field, f"{text!r} is not MIN:MAX, numbers in "
                                                     f"[{low:g}, {high:g}] {unit}")])
    if values[0] > values[1]:
        raise UserError([field_error("query", field,
                                     f"MIN {values[0]:g} is above MAX {values[1]:g}")])
    return values


def _years(first: int, last: int, most: int) -> None:
    if last < first:
        raise UserError([field_error("query", "to", f"{last} is before from {first}")])
    if last - first + 1 > most:
        raise UserError([field_error("query", "to", f"{first}-{last} spans {last - first + 1} "
                                                    f"years; one request may span at most "
                                                    f"{most}")])


@router.get("/windows", summary="Launch opportunities (marsplan windows)")
async def windows(
    request: Request,
    first_year: Annotated[int, Query(alias="from", ge=YEAR_MIN, le=YEAR_MAX,
                                     description="First launch year.")],
    last_year: Annotated[int, Query(alias="to", ge=YEAR_MIN, le=YEAR_MAX,
                                    description="Last launch year.")],
    origin: Body = "earth",
    target: Body = "mars",
    angles: Angles = Angles.eme2000,
    c3_max: Annotated[float | None, Query(gt=0, le=1000, description=(
        "C3 limit, km^2/s^2: adds each opportunity's launch period."))] = None,
    daily: Annotated[bool, Query(description="With c3_max: the best C3 of each launch day "
                                             "(table 'days').")] = False,
) -> Response:
    """Every opportunity's optima per type, as `marsplan windows --format json` prints them:
    a list of rows, or `{"windows": [...], "days": [...]}` with `daily`."""
    _years(first_year, last_year, limits.MAX_WINDOWS_YEARS)
    if daily and c3_max is None:
        raise UserError([field_error("query", "daily", "give c3_max too (the table spans the "
                                                       "launch period)")])
    return await _run(request, "windows", {
        "first_year": first_year, "last_year": last_year, "origin": origin.lower(),
        "target": target.lower(), "angles": angles.value, "c3_max": c3_max, "daily": daily},
        names={"first_year": "from", "last_year": "to", "c3_max": "c3_max",
               "origin": "origin", "target": "target", "year": "from"},
        given={"origin": origin.lower(), "target": target.lower()})


@router.get("/porkchop", summary="Porkchop grid (marsplan porkchop)")
async def porkchop(
    request: Request,
    year: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description=(
        "The opportunity launching in this year (its chart's bounds).")) ] = None,
    launch: Annotated[str | None, Query(max_length=80, description=(
        "Launch dates START:END, e.g. 2033-01-01:2033-09-01."))] = None,
    arrival: Annotated[str | None, Query(max_length=80, description="Arrival dates START:END."
                                         )] = None,
    tof: Annotated[str | None, Query(max_length=40, description=(
        "Times of flight MIN:MAX, days (1 to 3000), instead of arrival."))] = None,
    step: Annotated[float, Query(gt=0, le=366, description="Grid step, days.")] = 1.0,
    revs: Annotated[int, Query(ge=0, le=limits.MAX_PORKCHOP_REVS, description=(
        "Also solve 1..revs revolutions, both branches."))] = 0,
    origin: Body = "earth",
    target: Body = "mars",
    angles: Angles = Angles.eme2000,
    layout: Annotated[Literal[PORKCHOP_LAYOUTS], Query(description=(
        "grid: axes and surfaces as arrays (for a chart); rows: one object per leg, as "
        "`--format json --out FILE.json` writes; best: the minimum-C3 leg of each type, as "
        "`--format json` prints."))] = "grid",
    surfaces: Annotated[str | None, Query(max_length=200, description=(
        "grid layout: surfaces to send, comma-separated (default all: "
        + ", ".join(SURFACES) + ")."))] = None,
) -> Response:
    """The porkchop grid of `marsplan porkchop`: at most 250,000 cells x solution families
    (`marsplan.web.limits.MAX_PORKCHOP_CELLS`)."""
    if year is not None:
        if launch or arrival or tof:
            raise UserError([field_error("query", "year", "give either year or launch with "
                                                          "arrival/tof, not both")])
        launch_span = arrival_span = tof_span = None
    else:
        if launch is None or (arrival is None) == (tof is None):
            raise UserError([field_error("query", "launch", "launch with one of arrival or tof "
                                                            "is required (or a year)")])
        launch_span = _span(launch, "launch", "2033-01-01:2033-09-01")
        arrival_span = _span(arrival, "arrival", "2033-08-01:2034-08-01") if arrival else None
        tof_span = _number_span(tof, "tof", 1.0, 3000.0, "days") if tof else None
    chosen = SURFACES
    if surfaces is not None:
        chosen = tuple(dict.fromkeys(s.strip() for s in surfaces.split(",") if s.strip()))
        unknown = [s for s in chosen if s not in SURFACES]
        if unknown or not chosen:
            raise UserError([field_error("query", "surfaces", f"{', '.join(unknown) or 'none'}"
                                         f": not one of {', '.join(SURFACES)}")])
    return await _run(request, "porkchop", {
        "year": year, "launch": launch_span, "arrival": arrival_span, "tof": tof_span,
        "step": step, "revs": revs, "origin": origin.lower(), "target": target.lower(),
        "angles": angles.value, "layout": layout, "surfaces": chosen,
        "max_cells": limits.MAX_PORKCHOP_CELLS},
        names={"launch": "launch", "arrival": "arrival", "tof_days": "tof", "step": "step",
               "step_days": "step", "year": "year", "origin": "origin", "target": "target",
               "revs": "revs", "max_revs": "revs", "grid": "step"},
        given={"origin": origin.lower(), "target": target.lower()})


@router.get("/missions", summary="Round-trip missions (marsplan missions)")
async def missions(
    request: Request,
    first_year: Annotated[int, Query(alias="from", ge=YEAR_MIN, le=YEAR_MAX,
                                     description="First opportunity (year label).")],
    last_year: Annotated[int, Query(alias="to", ge=YEAR_MIN, le=YEAR_MAX,
                                    description="Last opportunity (year label).")],
    mission_class: Annotated[MissionClass, Query(alias="class")] = MissionClass.conjunction,
    venus: Annotated[bool, Query(description="Allow a Venus swing-by.")] = False,
    stay: Annotated[str | None, Query(max_length=40, description=(
        "Stay at Mars MIN:MAX, days, 0 to 3000 (default by class)."))] = None,
    max_duration: Annotated[float | None, Query(gt=0, le=5000, description=(
        "Longest mission, days."))] = None,
    max_c3: Annotated[float | None, Query(gt=0, le=1000, description=(
        "Highest Earth departure C3, km^2/s^2."))] = None,
    max_entry_speed: Annotated[float | None, Query(gt=0, le=100, description=(
        "Highest Earth entry speed at 125 km, km/s."))] = None,
    aerocapture: bool = False,
    earth_return: Annotated[EarthReturn, Query(alias="return")] = EarthReturn.entry,
    front: Annotated[bool, Query(description="Add each opportunity's Pareto front.")] = False,
    timeline: Annotated[bool, Query(description="Add each mission's events.")] = False,
) -> Response:
    """The cheapest round trip of each opportunity, as `marsplan missions --format json`
    prints it: a list of rows, or `{"missions", "front", "timeline"}` with `front` or
    `timeline`."""
    _years(first_year, last_year, limits.MAX_MISSIONS_YEARS)
    options = {"aerocapture": aerocapture, "earth_return": earth_return.value,
               "max_duration_days": max_duration, "max_c3_km2s2": max_c3,
               "max_entry_speed_kms": max_entry_speed}
    if stay is not None:
        options["stay_days"] = list(_number_span(stay, "stay", 0.0, 3000.0, "days"))
    return await _run(request, "missions", {
        "first_year": first_year, "last_year": last_year,
        "mission_class": mission_class.value, "venus": venus, "options": options,
        "front": front, "timeline": timeline},
        names={"first_year": "from", "last_year": "to", "stay_days": "stay",
               "max_duration_days": "max_duration", "max_c3_km2s2": "max_c3",
               "max_entry_speed_kms": "max_entry_speed"})


@router.get("/catalog", summary="The catalog's listings")
async def catalog_index() -> dict:
    """The listings `/api/catalog/{listing}` serves (`marsplan catalog LISTING`)."""
    return {"listings": [x.value for x in Listing]}


@router.get("/catalog/{listing}", summary="A catalog listing (marsplan catalog)")
async def catalog(request: Request, listing: Listing) -> Response:
    """The packaged catalog's `listing`, as `marsplan catalog LISTING --format json` prints
    it: main figures of each record and its source."""
    return await _run(request, "catalog", {"listing": listing.value})


def _media(request: Request) -> str:
    """The body's kind, ``toml``, ``json`` or ``multipart``, from its Content-Type."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind in TOML_TYPES:
        return "toml"
    if kind in JSON_TYPES:
        return "json"
    if kind == "multipart/form-data":
        return "multipart"
    raise HTTPException(415, detail=[field_error(
        "header", "content-type", f"{kind or 'no content type'}: send the scenario as "
        "application/toml, application/json, or a multipart form with a file 'scenario'",
        "value_error.media_type")])


async def read_body(request: Request, most: int = limits.MAX_BODY_BYTES) -> bytes:
    """The request body, refused (HTTP 413) past ``most`` bytes without reading the rest."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > most:
        raise HTTPException(413, detail=[field_error(
            "body", None, f"{int(declared):,} bytes; a scenario may have at most {most:,}",
            "value_error.too_large")])
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > most:
            raise HTTPException(413, detail=[field_error(
                "body", None, f"more than {most:,} bytes; a scenario may have at most "
                              f"{most:,}", "value_error.too_large")])
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # what Starlette's form parser reads instead of the spent stream
    return body


async def _scenario_bytes(request: Request) -> tuple[bytes, str]:
    media = _media(request)
    body = await read_body(request)
    if media != "multipart":
        return body, media
    form = await request.form(max_files=1, max_fields=4, max_part_size=limits.MAX_BODY_BYTES)
    upload = form.get("scenario")
    if upload is None or isinstance(upload, str):
        raise UserError([field_error("body", "scenario", "the form needs a file field "
                                                         "'scenario' (a scenario TOML file)")])
    data = await upload.read(limits.MAX_BODY_BYTES + 1)
    name = (upload.filename or "").lower()
    return data, "json" if name.endswith(".json") else "toml"


_PLAN_BODY = {
    "required": True,
    "description": "A scenario file (README, 'A joint mission from a scenario file'), as "
                   "TOML or as the same tables in JSON; at most "
                   f"{limits.MAX_BODY_BYTES:,} bytes. Extra catalog files are not read.",
    "content": {"application/toml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "multipart/form-data": {"schema": {
                    "type": "object", "properties": {"scenario": {"type": "string",
                                                                  "format": "binary"}}}}},
}


@router.post("/plan", summary="Plan a joint mission (marsplan plan)",
             openapi_extra={"requestBody": _PLAN_BODY})
async def plan(
    request: Request,
    without: Annotated[list[str] | None, Query(max_length=limits.MAX_WITHOUT, description=(
        "Re-plan without this partner; repeat to withdraw several together."))] = None,
    horizon_years: Annotated[float | None, Query(ge=0, le=limits.MAX_HORIZON_YEARS, description=(
        "With without: search later opportunities up to this many years (default 10)."))]
    = None,
) -> Response:
    """The plan document of `marsplan plan SCENARIO --format json` (docs/plan.schema.json);
    with `without`, `{"baseline": PLAN, "withdrawals": [...]}` (docs/withdrawal.schema.json).
    """
    if horizon_years is not None and not without:
        raise UserError([field_error("query", "horizon_years", "only with without")])
    for name in without or ():
        if not name.strip() or len(name) > 64:
            raise UserError([field_error("query", "without", f"{name[:64]!r} is not a partner "
                                                             "id")])
    body, media = await _scenario_bytes(request)
    return await _run(request, "plan", {"body": body, "media": media,
                                        "without": list(without or ()),
                                        "horizon_years": horizon_years},
                      where="body", names={"without": "without"})


@router.get("/sweep", summary="Rows of a sweep dataset (marsplan sweep --out DIR)")
async def sweep(
    request: Request,
    folder: Annotated[str, Query(alias="dir", min_length=1, max_length=500, description=(
        "The sweep folder, relative to the server's sweeps folder (MARSPLAN_SWEEPS, else the "
        "folder the server was started in)."))],
    status: Annotated[SweepStatus | None, Query(description=(
        "Only rows of this status: the plan's verdict, or error."))] = None,
    opportunity: Annotated[int | None, Query(ge=YEAR_MIN, le=YEAR_MAX)] = None,
    mission_class: Annotated[MissionClass | None, Query(alias="class")] = None,
    coalition: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=limits.MAX_SWEEP_ROWS)] = 1000,
) -> Response:
    """The rows of `marsplan.sweep.load(DIR)` (keys in docs/outputs.md, "sweep"), in
    combination order, filtered by the values given: `{"dir", "rows_total",
    "rows_matching", "columns", "rows"}`."""
    import os

    root = os.environ.get("MARSPLAN_SWEEPS") or os.getcwd()
    filters = {"status": status.value if status else None, "opportunity": opportunity,
               "mission_class": mission_class.value if mission_class else None,
               "coalition": coalition}
    return await _run(request, "sweep", {"root": root, "folder": folder, "filters": filters,
                                         "limit": limit},
                      names={"dir": "dir"}, given={"dir": folder})


@router.post("/coalitions", summary="Every coalition and Shapley shares (marsplan coalitions)",
             openapi_extra={"requestBody": _PLAN_BODY})
async def coalitions(request: Request) -> Response:
    """The document of `marsplan coalitions SCENARIO --format json`: every coalition of the
    scenario's partners planned with its members' hardware and crew, the Shapley shares of
    the cost, who flies only with whom (docs/coalitions.md). At most 5 partners
    (`marsplan.web.limits.MAX_COALITION_PARTNERS`): 31 coalitions."""
    body, media = await _scenario_bytes(request)
    return await _run(request, "coalitions", {
        "body": body, "media": media, "max_partners": limits.MAX_COALITION_PARTNERS},
        where="body")
