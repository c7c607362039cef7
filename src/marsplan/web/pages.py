"""The HTML pages: opportunities, round trips, joint plan, sweeps (Jinja2 templates).

Each page's state lives in its URL (query parameters), so a link reproduces
what it shows; a form submits with GET. The pages word what the core computes
(:mod:`marsplan.transfer`, :mod:`marsplan.joint`) with the report's templates
and style sheet (:mod:`marsplan.web.look`); their scripts are plain JavaScript
served from the package, with plotly.js from the plotly wheel: nothing is
fetched from anywhere else, so the pages work offline. A mistake in a query
(an unknown partner, a year with no opportunity) shows on the page as the
one line a :class:`~marsplan.errors.MarsplanError` gives, with HTTP 422; no
traceback reaches a response.

The heavy work runs in the API's worker pool (:mod:`marsplan.web.service`), with
its time limits, queue bound and cache: a page runs the job of the API route
whose answer it shows (windows, porkchop, missions) and words that answer, or a
page job of :mod:`marsplan.web.jobs` (a mission drawn, the plan page, the
report). A refused job is the page's error line with the API's status (504, 503,
500).
"""

from __future__ import annotations

import base64
import binascii
import csv
import functools
import io
import json
import math
import os
import zlib

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from marsplan.choices import MISSION_CLASSES
from marsplan.errors import InputError, MarsplanError
from marsplan.web import limits, look
from marsplan.web.pool import JobCrashed, JobTimeout, PoolBusy

router = APIRouter()

#: The pages, in the order of the navigation bar: path, title.
PAGES = (("/opportunities", "Opportunities"), ("/round-trips", "Round trips"),
         ("/joint-plan", "Joint plan"), ("/sweeps", "Sweeps"))

#: Opportunity labels the Opportunities page covers (the README's 2026-2045 table).
FIRST_YEAR, LAST_YEAR = 2026, 2045
# Round trips: at most this many years per query (about five opportunities), so
# one page view stays a bounded search.
MAX_ROUND_TRIP_YEARS = 10
# An uploaded scenario: the same cap as a scenario file read from disk is far more
# than any scenario needs; a page link carries it compressed in the URL.
MAX_UPLOAD_BYTES = 64 * 1024
# The packed scenario must leave room in the app's query-string limit
# (limits.MAX_QUERY_CHARS, 4,096) for the other parameters; the examples pack
# to 0.6-1.6 kB.
MAX_SCENARIO_PARAM = 3600
# Porkchop grid steps the page offers, days: 2 keeps the page's data near 0.5 MB.
PORKCHOP_STEPS = (1.0, 2.0, 3.0, 5.0)


# --------------------------------------------------------------------------- plumbing


def _query(request: Request, drop=()) -> str:
    """The request's query string without the parameters ``drop`` (URL-encoded)."""
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k not in drop])


def render_page(template: str, active: str, **context) -> str:
    """A page's HTML (the server's handlers and the pool's page jobs render alike)."""
    return look.render(template, pages=PAGES, active=active, **context)


def _page(template: str, active: str, *, status_code: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(render_page(template, active, **context), status_code=status_code)


def _error_page(template: str, active: str, exc: Exception, **context) -> HTMLResponse:
    """The page with the one-line message of ``exc``: a mistake in the query is HTTP 422;
    a busy server 503 (``Retry-After``), a computation past its time limit 504 and a
    failed one 500, as the API answers them."""
    status, headers, message = 422, None, str(exc)
    if isinstance(exc, PoolBusy):
        status, headers = 503, {"Retry-After": "1"}
        message = f"the server is busy ({exc}); try again shortly"
    elif isinstance(exc, JobTimeout):
        status, message = 504, f"{exc}; ask for less (a shorter span, a coarser step)"
    elif isinstance(exc, JobCrashed):
        status = 500
        message = "internal error: the computation failed; the server's log has the details"
    response = _page(template, active, status_code=status, error=message, **context)
    if headers:
        response.headers.update(headers)
    return response


#: What a page shows in place of its result when the pool refuses or stops its job.
_REFUSED = (PoolBusy, JobTimeout, JobCrashed)


@functools.lru_cache(maxsize=32)
def _json(body: bytes):
    """A job's answer parsed (kept by answer; the pages only read it)."""
    return json.loads(body)


async def _job(request: Request, job: str, params: dict) -> bytes:
    """The body of ``job(**params)`` (:mod:`marsplan.web.jobs`) from the app's pool: the
    API's own jobs, time limits and cache. A mistake the job finds raises InputError."""
    service = request.app.state.service
    await service.start()
    answer = await service.answer(job, params)
    if answer.body is None:
        raise InputError(answer.error_message)
    return answer.body


def _finite(value, digits: int):
    """A float for JSON: rounded, NaN as null."""
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@functools.cache
def _plotly_js() -> str:
    """plotly.js from the installed plotly wheel (never copied into the repository)."""
    import plotly

    return os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")


@router.get("/static/{name}", include_in_schema=False)
def static(name: str):
    """The pages' style sheet and scripts, from the package; plotly.js from its wheel."""
    if name == "plotly.min.js":
        path = _plotly_js()
    elif name in os.listdir(look.STATIC) and "/" not in name and not name.startswith("."):
        path = os.path.join(look.STATIC, name)
    else:
        return Response("not found", status_code=404, media_type="text/plain")
    media = _STATIC_TYPES.get(os.path.splitext(name)[1], "application/octet-stream")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "max-age=3600"})


@router.get("/", include_in_schema=False)
def home():
    return RedirectResponse("/opportunities", status_code=307)


# --------------------------------------------------------------------------- opportunities


#: The API query whose answer the Opportunities page's table shows
#: (``GET /api/windows?from=2026&to=2045``: the same job, so the same cache entry).
WINDOWS_PARAMS = {"first_year": FIRST_YEAR, "last_year": LAST_YEAR, "origin": "earth",
                  "target": "mars", "angles": "eme2000", "c3_max": None, "daily": False}
#: Porkchop surfaces the page's chart shows (hover: C3, v-infinity, DLA, time of flight).
PORKCHOP_SURFACES = ("tof_days", "c3_km2s2", "vinf_arrival_kms", "dla_deg")


def porkchop_params(year: int, step_days: float) -> dict:
    """The job of ``GET /api/porkchop?year=&step=&surfaces=...`` the page's chart words."""
    return {"year": year, "launch": None, "arrival": None, "tof": None, "step": step_days,
            "revs": 0, "origin": "earth", "target": "mars", "angles": "eme2000",
            "layout": "grid", "surfaces": PORKCHOP_SURFACES,
            "max_cells": limits.MAX_PORKCHOP_CELLS}


@functools.lru_cache(maxsize=8)
def _porkchop_data(body: bytes, year: int, step_days: float) -> str:
    """The API's porkchop grid (``layout=grid``, the job's answer) as the page's JSON
    (C3, arrival v-infinity, DLA and time of flight per cell; null where no transfer
    solves). Kept by answer: the service hands back the same bytes while it keeps them."""
    doc = json.loads(body)
    layer = doc["layers"][0]
    days = [str(x)[:10] for x in doc["launch"]]
    arrivals = [str(x)[:10] for x in doc["arrival"]]

    def grid(values, digits):  # rows by arrival (plotly's y), columns by launch
        return [[None if v is None else _finite(v, digits) for v in row]
                for row in zip(*values)]

    types = [[t if c is not None and math.isfinite(c) else 0 for t, c in zip(ts, cs)]
             for ts, cs in zip(zip(*layer["type"]), zip(*layer["c3_km2s2"]))]
    return json.dumps({
        "year": year, "step_days": step_days, "launch": days, "arrival": arrivals,
        "c3_km2s2": grid(layer["c3_km2s2"], 2),
        "vinf_arrival_kms": grid(layer["vinf_arrival_kms"], 3),
        "dla_deg": grid(layer["dla_deg"], 1), "tof_days": grid(layer["tof_days"], 0),
        "type": [[int(v) for v in row] for row in types],
    }, allow_nan=False, separators=(",", ":"))


def _leg_details(launch: str, arrival: str) -> dict:
    """The transfer at the marked dates, computed exactly (not read off the grid)."""
    from marsplan.transfer.leg import transfer_leg

    return transfer_leg(launch, arrival, origin="earth", target="mars").rows()[0]


@router.get("/opportunities", response_class=HTMLResponse, summary="Opportunities page")
async def opportunities(
    request: Request,
    year: int = Query(2033, ge=FIRST_YEAR, le=LAST_YEAR,
                      description="Opportunity whose porkchop is shown (year label)."),
    step: float = Query(2.0, ge=1.0, le=5.0, description="Porkchop grid step, days."),
    launch: str | None = Query(None, max_length=32, description="Marked launch date."),
    arrival: str | None = Query(None, max_length=32, description="Marked arrival date."),
):
    """Earth-Mars optima per type and objective 2026-2045, and the chosen opportunity's
    interactive porkchop (hover: C3, v-infinity, DLA, time of flight; click: mark)."""
    context = {"rows": [], "years": [], "year": year, "step": step,
               "steps": PORKCHOP_STEPS, "marked": None, "grid": None}
    try:
        rows = _json(await _job(request, "windows", WINDOWS_PARAMS))
        years = sorted({r["opportunity"] for r in rows})
        context.update(rows=rows, years=years)
        if year not in years:
            raise InputError(f"year: {year} labels no Earth-Mars opportunity; the labels "
                             f"{FIRST_YEAR}-{LAST_YEAR} are {', '.join(map(str, years))}")
        body = await _job(request, "porkchop", porkchop_params(year, step))
        context["grid"] = _porkchop_data(body, year, step)
        if (launch is None) != (arrival is None):
            raise InputError("launch, arrival: give both to mark a transfer, or neither")
        if launch is not None:
            context["marked"] = _leg_details(launch, arrival)
    except (MarsplanError, *_REFUSED) as exc:
        return _error_page("pages/opportunities.html", "/opportunities", exc, **context)
    return _page("pages/opportunities.html", "/opportunities", **context)


# --------------------------------------------------------------------------- round trips



def _stay_span(stay: str | None):
    if not stay:
        return None
    low, sep, high = stay.partition(":")
    try:
        span = (float(low), float(high))
    except ValueError:
        raise InputError(f"stay: {stay!r} is not MIN:MAX in days, e.g. 400:600") from None
    if not sep or not all(math.isfinite(x) and 0 <= x <= 3000 for x in span) \
            or span[0] > span[1]:
        raise InputError(f"stay: {stay!r} is not MIN:MAX with 0 <= MIN <= MAX <= 3000 days")
    return span


def missions_params(first: int, last: int, mission_class: str, venus: bool,
                    max_duration: float | None, stay: tuple | None) -> dict:
    """The job of ``GET /api/missions?...&front=true`` (the same job, the same cache entry)."""
    options = {"aerocapture": False, "earth_return": "entry",
               "max_duration_days": max_duration, "max_c3_km2s2": None,
               "max_entry_speed_kms": None}
    if stay is not None:
        options["stay_days"] = list(stay)
    return {"first_year": first, "last_year": last, "mission_class": mission_class,
            "venus": venus, "options": options, "front": True, "timeline": False}


async def _round_trips(request: Request, key: tuple) -> dict:
    """``{"missions": rows, "front": rows}``: the API's answer to the page's query."""
    return _json(await _job(request, "missions", missions_params(*key)))


def _round_trip_rows(found: dict, max_dv) -> tuple[list[dict], list[int]]:
    """The CLI's rows (missions --format csv), those over ``max_dv`` left out (listed)."""
    rows, over = [], []
    for row in found["missions"]:
        if max_dv is not None and row["dv_total_kms"] > max_dv:
            over.append(row["opportunity"])
        else:
            rows.append(row)
    return rows, over


async def _mission_png(request: Request, key: tuple, year: int) -> str:
    """The mission's drawing in the ecliptic (the CLI's --plot) as a data: URI."""
    params = {k: v for k, v in missions_params(*key).items()
              if k not in ("front", "timeline")}
    return (await _job(request, "mission_plot", {**params, "year": year})).decode("ascii")


def _round_trip_query(first, last, mission_class, venus, max_duration, stay):
    if last < first:
        raise InputError(f"to: {last} is before from {first}")
    if last - first >= MAX_ROUND_TRIP_YEARS:
        raise InputError(f"from, to: at most {MAX_ROUND_TRIP_YEARS} years per query "
                         f"({first}-{last} asked); narrow the years")
    if mission_class not in MISSION_CLASSES:
        raise InputError(f"class: {mission_class!r} is not one of {', '.join(MISSION_CLASSES)}")
    return (first, last, mission_class, venus, max_duration, _stay_span(stay))


_ROUND_TRIP_COLUMNS = (
    ("opportunity", "Opportunity"), ("flyby", "Swing-by"), ("earth_departure", "Leaves Earth"),
    ("mars_arrival", "Arrives at Mars"), ("mars_departure", "Leaves Mars"),
    ("earth_arrival", "Back at Earth"), ("stay_days", "Stay (days)"),
    ("duration_days", "Duration (days)"), ("c3_km2s2", "C3 (km²/s²)"),
    ("vinf_mars_arrival_kms", "v∞ at Mars (km/s)"),
    ("earth_entry_speed_kms", "Entry speed (km/s)"), ("dv_total_kms", "Total Δv (km/s)"),
)


def _round_trip_args(first, last, mission_class, venus, max_duration, stay):
    return {"from": first, "to": last, "class": mission_class, "venus": venus,
            "max_duration": max_duration, "stay": stay}


@router.get("/round-trips", response_class=HTMLResponse, summary="Round trips page")
async def round_trips(
    request: Request,
    first: int = Query(2033, alias="from", ge=FIRST_YEAR, le=2060),
    last: int = Query(2033, alias="to", ge=FIRST_YEAR, le=2060),
    mission_class: str = Query("conjunction", alias="class", max_length=16),
    venus: bool = Query(False),
    max_duration: float | None = Query(None, gt=0, le=5000),
    max_dv: float | None = Query(None, gt=0, le=100),
    stay: str | None = Query(None, max_length=32, description="MIN:MAX days"),
    show: int | None = Query(None, description="Opportunity whose mission is drawn."),
):
    """A Trajectory Browser-style query: the cheapest round trip of each opportunity,
    a sortable table, a CSV download, the mission drawn, the delta-v/duration front."""
    form = _round_trip_args(first, last, mission_class, venus, max_duration, stay)
    form["max_dv"] = max_dv
    context = {"form": form, "classes": MISSION_CLASSES, "rows": [], "over": [],
               "columns": _ROUND_TRIP_COLUMNS, "front": None, "picture": None, "show": None,
               "request_query": _query(request, drop=("show",)),
               "request_query_without_show": _query(request, drop=("show",))}
    try:
        key = _round_trip_query(first, last, mission_class, venus, max_duration, stay)
        found = await _round_trips(request, key)
        rows, over = _round_trip_rows(found, max_dv)
        context.update(rows=rows, over=over)
        if rows:
            shown = show if show in {r["opportunity"] for r in rows} else rows[0]["opportunity"]
            context["show"] = shown
            context["picture"] = await _mission_png(request, key, shown)
        # The API's front rows: each opportunity's front within FRONT_WITHIN_KMS of its best.
        front = [{"opportunity": m["opportunity"], "dv_total_kms": round(m["dv_total_kms"], 3),
                  "duration_days": round(m["duration_days"], 1),
                  "stay_days": round(m["stay_days"], 1),
                  "earth_departure": m["earth_departure"][:10]} for m in found["front"]]
        context["front"] = json.dumps(front, allow_nan=False)
    except (MarsplanError, *_REFUSED) as exc:
        return _error_page("pages/round_trips.html", "/round-trips", exc, **context)
    return _page("pages/round_trips.html", "/round-trips", **context)


@router.get("/round-trips.csv", summary="Round trips as CSV")
async def round_trips_csv(
    request: Request,
    first: int = Query(2033, alias="from", ge=FIRST_YEAR, le=2060),
    last: int = Query(2033, alias="to", ge=FIRST_YEAR, le=2060),
    mission_class: str = Query("conjunction", alias="class", max_length=16),
    venus: bool = Query(False),
    max_duration: float | None = Query(None, gt=0, le=5000),
    max_dv: float | None = Query(None, gt=0, le=100),
    stay: str | None = Query(None, max_length=32),
):
    """The round-trip table in full precision: the keys of ``marsplan missions --format csv``."""
    try:
        key = _round_trip_query(first, last, mission_class, venus, max_duration, stay)
        rows, _ = _round_trip_rows(await _round_trips(request, key), max_dv)
    except MarsplanError as exc:
        return Response(json.dumps({"detail": str(exc)}), status_code=422,
                        media_type="application/json")
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    name = f"missions_{mission_class}_{first}-{last}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --------------------------------------------------------------------------- joint plan

#: The page's starting point: the README's US-Russia example.
_DEFAULT_FORM = {"name": "Joint crewed Mars mission", "opportunity": 2033,
                 "class": "conjunction", "crew": {"nasa": 2, "roscosmos": 2},
                 "transit": "starship_crew", "access": ["crew_dragon", "soyuz_ms"],
                 "tanker": "starship_tanker", "without": []}


@functools.lru_cache(maxsize=1)
def _catalog_choices() -> dict:
    """Partners and the elements the form offers, from the packaged catalog."""
    from marsplan.catalog import default_catalog
    from marsplan.report.text import Names

    cat = default_catalog()
    names = Names(cat)

    def of(kind):
        return [{"id": i, "name": names.element(i), "owner": e.owner,
                 "owner_name": names.partner(e.owner)}
                for i, e in cat.elements.items() if e.kind == kind]

    return {"partners": [{"id": i, "name": names.partner(i)} for i in cat.partners],
            "transit": of("transit_vehicle"), "access": of("crew_vehicle"),
            "tanker": of("tanker"), "owner": {i: e.owner for i, e in cat.elements.items()}}


def _toml_text(value) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def _scenario_from_form(form: dict) -> str:
    """The form as a scenario file (TOML), the same text an upload would give."""
    owner = _catalog_choices()["owner"]
    for field, ids in (("transit", [form["transit"]]), ("access", form["access"]),
                       ("tanker", [form["tanker"]] if form["tanker"] else [])):
        for i in ids:
            if i not in owner:
                raise InputError(f"{field}: unknown element {i!r}; the catalog lists them "
                                 "(marsplan catalog elements)")
    lines = ["[mission]", f"name = {_toml_text(form['name'])}",
             f"opportunity = {int(form['opportunity'])}",
             f"class = {_toml_text(form['class'])}", "", "[crew]"]
    lines += [f"{_toml_text(p)} = {int(n)}" for p, n in form["crew"].items()]
    uses = [(form["transit"], "transit", ["tmi", "moi", "tei"])]
    uses += [(i, "crew_access", None) for i in form["access"]]
    for element, role, burns in uses:
        lines += ["", "[[element]]", f"id = {_toml_text(element)}",
                  f"provider = {_toml_text(owner[element])}", f"role = {_toml_text(role)}"]
        if burns:
            lines.append("burns = " + json.dumps(burns))
    if form["tanker"]:
        lines += ["", "[refuelling]", f"tanker = {_toml_text(form['tanker'])}",
                  f"provider = {_toml_text(owner[form['tanker']])}"]
    return "\n".join(lines) + "\n"


def _pack(text: str) -> str:
    """A scenario for a URL: zlib-compressed, base64url, no padding."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode().rstrip("=")


def _unpack(token: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflate = zlib.decompressobj()
        data = inflate.decompress(raw, MAX_UPLOAD_BYTES + 1)
        whole = inflate.eof  # a cut stream inflates to a prefix without complaint
        text = data.decode("utf-8")
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        whole, text = False, ""
    if len(text) > MAX_UPLOAD_BYTES or (whole and inflate.unconsumed_tail):
        raise InputError(f"scenario: larger than {MAX_UPLOAD_BYTES // 1024} KiB")
    if not whole:
        raise InputError("scenario: not a scenario packed by this page (the link is cut or "
                         "altered)")
    return text


def _load_text(text: str, shown: str = "scenario.toml"):
    """A scenario's text, validated as ``marsplan plan FILE`` reads a file, as data only:
    a scenario that names catalog files is refused (nothing on the server is opened)."""
    from marsplan.errors import ScenarioError
    from marsplan.io.scenario import scenario_from_data
    from marsplan.validate import parse_toml

    try:
        data = parse_toml(text, shown)
    except ScenarioError:
        raise
    except MarsplanError as exc:  # not TOML, nested too deeply
        raise ScenarioError(str(exc)) from None
    return scenario_from_data(data, shown, catalog_dir=None)


@functools.lru_cache(maxsize=16)
def _joint_plan(text: str, without: tuple[str, ...]):
    from marsplan.joint.plan import plan
    from marsplan.joint.withdraw import plan_without

    scenario, catalog = _load_text(text)
    baseline = plan(scenario, catalog)
    w = plan_without(scenario, catalog, list(without), baseline=baseline) if without else None
    return scenario, catalog, baseline, w


def _plan_view(scenario, catalog, baseline, w) -> dict:
    """What the page shows of a plan: the verdict and each partner's part, worded by the
    report's own functions."""
    from types import SimpleNamespace

    from marsplan.io.document import plan_document
    from marsplan.report.content import verdict_words, withdrawal_headline
    from marsplan.report.sections import _STATUS_CLASS, _partner_table, withdrawal
    from marsplan.report.text import Names

    names = Names(catalog)
    content = SimpleNamespace(plan=baseline, names=names, scenario=scenario, withdrawal=w,
                              withdrawal_reason="the partners unticked above")
    doc = plan_document(baseline)
    view = {"verdict": verdict_words(content),
            "status_class": _STATUS_CLASS[baseline.verdict.status],
            "summary": doc["summary"], "partners": _partner_table(content),
            "ledger": _ledger(baseline, names), "withdrawal": None, "headline": None}
    if w is not None:
        view["withdrawal"] = withdrawal(content)
        view["headline"] = withdrawal_headline(content)
    return view


def _ledger(plan, names) -> dict | None:
    """Who pays whom (the plan's partner ledger, :mod:`marsplan.joint.agreement`): each
    partner's provides, pays, receives, entitlement and balance, and the cash flows."""
    ledger = getattr(plan, "ledger", None)
    if ledger is None:
        return None
    rows = [{"partner": names.partner(r.partner), "provides_musd": r.provides_musd,
             "pays_musd": r.pays_musd, "receives_musd": r.receives_musd,
             "entitlement_pct": r.entitlement_pct, "balance_musd": r.balance_musd}
            for r in ledger.partners]
    flows = [f"{names.partner(f.from_)} pays {names.partner(f.to)} US${f.musd:,.0f} M for "
             f"{names.prose(f.for_)}" for f in ledger.cash_flows]
    return {"rows": rows, "flows": flows, "notes": [names.prose(n) for n in ledger.notes]}


def _form_from_query(request: Request) -> dict:
    q = request.query_params
    choices = _catalog_choices()
    form = {"name": q.get("name", _DEFAULT_FORM["name"])[:200],
            "opportunity": q.get("opportunity", str(_DEFAULT_FORM["opportunity"])),
            "class": q.get("class", _DEFAULT_FORM["class"]),
            "transit": q.get("transit", _DEFAULT_FORM["transit"]),
            "access": q.getlist("access") if "transit" in q else _DEFAULT_FORM["access"],
            "tanker": q.get("tanker", _DEFAULT_FORM["tanker"]),
            "without": q.getlist("without")}
    crew = {}
    for p in choices["partners"]:
        key = f"crew_{p['id']}"
        if key in q:
            crew[p["id"]] = q[key]
    form["crew"] = crew if "transit" in q else dict(_DEFAULT_FORM["crew"])
    return form


def _check_form(form: dict) -> dict:
    try:
        form["opportunity"] = int(form["opportunity"])
    except ValueError:
        raise InputError(f"opportunity: {form['opportunity']!r} is not a year") from None
    if not 2026 <= form["opportunity"] <= 2060:
        raise InputError(f"opportunity: {form['opportunity']} is not within 2026-2060")
    if form["class"] not in MISSION_CLASSES:
        raise InputError(f"class: {form['class']!r} is not one of {', '.join(MISSION_CLASSES)}")
    crew = {}
    for p, n in form["crew"].items():
        try:
            crew[p] = int(n or 0)
        except ValueError:
            raise InputError(f"crew_{p}: {n!r} is not a whole number") from None
        if not 0 <= crew[p] <= 12:
            raise InputError(f"crew_{p}: {crew[p]} is not within 0-12")
    form["crew"] = {p: n for p, n in crew.items() if n > 0}
    if not form["crew"]:
        raise InputError("crew: give at least one partner a crew member")
    return form


@router.get("/joint-plan", response_class=HTMLResponse, summary="Joint plan page")
async def joint_plan(request: Request,
               scenario: str | None = Query(None, max_length=MAX_SCENARIO_PARAM,
                                            description="An uploaded scenario, packed."),
               without: list[str] = Query([], max_length=8,
                                          description="Partners that withdraw.")):
    """Choose partners, crew, vehicles and refuelling from the catalog (or upload a
    scenario): the verdict, what each partner brings, and a partner's withdrawal."""
    choices = _catalog_choices()
    form = _form_from_query(request)
    context = {"choices": choices, "form": form, "plan": None, "uploaded": scenario,
               "scenario_text": None, "partners": [],
               "report_query": _query(request, drop=("without",)),
               "keep_params": [(k, v) for k, v in request.query_params.multi_items()
                               if k != "without"]}
    try:
        if scenario is not None:
            text = _unpack(scenario)
        else:
            text = _scenario_from_form(_check_form(form))
        context["scenario_text"] = text
        scen, catalog = _load_text(text)
        partners = list(scen.partners())
        context["partners"] = [{"id": p, "name": _name_of(p, choices)} for p in partners]
        bad = [p for p in without if p not in partners]
        if bad:
            raise InputError(f"without: {bad[0]!r} is not a partner of this scenario; its "
                             f"partners are {', '.join(partners)}")
        if without and set(without) == set(partners):
            raise InputError("without: at least one partner must remain")
        # Planned and rendered in the pool (the plan's view holds the report's objects).
        html = await _job(request, "joint_plan_page", {
            "text": text, "without": sorted(set(without)), "context": context})
    except (MarsplanError, *_REFUSED) as exc:
        return _error_page("pages/joint_plan.html", "/joint-plan", exc, **context)
    return HTMLResponse(html)


def _blank_plan_context() -> dict:
    """The joint-plan page's context with the form at its defaults and no plan."""
    return {"choices": _catalog_choices(), "form": dict(_DEFAULT_FORM), "plan": None,
            "uploaded": None, "scenario_text": None, "partners": [], "report_query": "",
            "keep_params": []}


def _name_of(partner: str, choices: dict) -> str:
    return next((p["name"] for p in choices["partners"] if p["id"] == partner), partner)


@router.post("/joint-plan", response_class=HTMLResponse, summary="Upload a scenario")
async def joint_plan_upload(file: UploadFile = File(...)):
    """A scenario file uploaded: read as data (size-capped), then shown at a GET link
    that carries it, so the page's state stays in its URL."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _error_page("pages/joint_plan.html", "/joint-plan", InputError(
            f"file: larger than {MAX_UPLOAD_BYTES // 1024} KiB; a scenario is a few KiB"),
            **_blank_plan_context())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _error_page("pages/joint_plan.html", "/joint-plan",
                           InputError("file: not UTF-8 text; a scenario is a TOML file"),
                           **_blank_plan_context())
    shown = os.path.basename(file.filename or "")
    if not shown or not shown.isprintable() or len(shown) > 100:
        shown = "scenario.toml"
    try:
        _load_text(text, shown)
    except MarsplanError as exc:
        return _error_page("pages/joint_plan.html", "/joint-plan", exc,
                           **_blank_plan_context())
    packed = _pack(text)
    if len(packed) > MAX_SCENARIO_PARAM:
        return _error_page("pages/joint_plan.html", "/joint-plan", InputError(
            f"file: {shown} is too large to carry in the page's link ({len(packed):,} "
            f"characters compressed, at most {MAX_SCENARIO_PARAM:,}): remove its comments, "
            "or plan it with marsplan plan or POST /api/plan"), **_blank_plan_context())
    return RedirectResponse(f"/joint-plan?scenario={packed}", status_code=303)


@router.get("/joint-plan/report", response_class=HTMLResponse, summary="The full report")
async def joint_plan_report(request: Request,
                            scenario: str | None = Query(None, max_length=MAX_SCENARIO_PARAM)):
    """The plan's full report (``marsplan plan --out``'s report.html) for the same query."""
    try:
        text = _unpack(scenario) if scenario is not None else _scenario_from_form(
            _check_form(_form_from_query(request)))
        _load_text(text)
        return HTMLResponse(await _job(request, "plan_report", {"text": text}))
    except (MarsplanError, *_REFUSED) as exc:
        return _error_page("pages/joint_plan.html", "/joint-plan", exc,
                           **_blank_plan_context())


# --------------------------------------------------------------------------- sweeps

#: Where the Sweeps page looks for sweep folders (``marsplan sweep --out DIR``): the
#: folder named by MARSPLAN_SWEEPS, else the server's working directory. The page opens
#: folders under it only, and only those holding a sweep's manifest.
SWEEPS_ENV = "MARSPLAN_SWEEPS"
MAX_SWEEP_ROWS_SHOWN = 500
_VERDICT_ORDER = ("flies", "flies_with_waiver", "cannot_fly", "error")
_VERDICT_CELL = {"flies": "ok", "flies_with_waiver": "adapter", "cannot_fly": "fail",
                 "error": "na"}


def _sweeps_root() -> str:
    return os.path.realpath(os.environ.get(SWEEPS_ENV) or os.getcwd())


def _sweep_folders(root: str) -> list[str]:
    """Sweep folders at most two levels below ``root`` (a bounded look: 2,000 entries)."""
    from marsplan.sweep.store import MANIFEST

    found, seen = [], 0
    for top, dirs, files in os.walk(root):
        seen += len(dirs) + len(files)
        depth = os.path.relpath(top, root).count(os.sep) + (top != root)
        if MANIFEST in files and os.path.isdir(os.path.join(top, "results")):
            found.append(os.path.relpath(top, root))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < 2 else []
        if seen > 2000:
            break
    return sorted(found)


def _sweep_dir(name: str) -> str:
    """The sweep folder ``name`` under the root, refused when it leaves the root or is
    not a sweep folder."""
    from marsplan.sweep.store import MANIFEST

    root = _sweeps_root()
    path = os.path.realpath(os.path.join(root, name))
    if os.path.commonpath([root, path]) != root:
        raise InputError(f"dir: {name!r} is outside the sweeps folder ({SWEEPS_ENV})")
    if not os.path.isfile(os.path.join(path, MANIFEST)):
        raise InputError(f"dir: {name!r} is not a sweep folder (no {MANIFEST}); run "
                         "marsplan sweep SPEC --out DIR first")
    return path


def _sweep_query(path: str, filters: dict):
    """The dataset's rows that pass ``filters`` (column -> allowed values), queried with
    DuckDB straight from the Parquet files; and each filter's choices."""
    import duckdb

    from marsplan.sweep.store import RESULTS

    files = os.path.join(path, RESULTS, "*.parquet")
    con = duckdb.connect()
    try:
        # A view takes no parameters: the path (resolved under the root) as a quoted literal.
        literal = "'" + files.replace("'", "''") + "'"
        con.execute(f"CREATE VIEW sweep AS SELECT * FROM read_parquet({literal})")
        choices = {c: [r[0] for r in con.execute(
            f'SELECT DISTINCT "{c}" FROM sweep WHERE "{c}" IS NOT NULL ORDER BY 1').fetchall()]
            for c in ("opportunity", "mission_class", "coalition", "status")}
        where, args = [], []
        for column, values in filters.items():
            if values:
                where.append(f'"{column}" IN ({", ".join("?" for _ in values)})')
                args += values
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        total = con.execute(f"SELECT count(*) FROM sweep {clause}", args).fetchone()[0]
        cells = con.execute(
            "SELECT mission_class, opportunity, coalition, list(status), "
            "min(imleo_t) FILTER (WHERE status IN ('flies', 'flies_with_waiver')), "
            "min(cost_musd) FILTER (WHERE status IN ('flies', 'flies_with_waiver')) "
            f"FROM sweep {clause} GROUP BY ALL ORDER BY 1, 2, 3", args).fetchall()
        shown = con.execute(
            "SELECT combination, opportunity, mission_class, coalition, status, binding_limit, "
            "earth_departure, duration_days, dv_total_kms, imleo_t, launches, cost_musd, error "
            f"FROM sweep {clause} ORDER BY combination LIMIT {MAX_SWEEP_ROWS_SHOWN}",
            args).fetchall()
    except duckdb.Error as exc:
        raise InputError(f"dir: the sweep's Parquet files cannot be read: "
                         f"{str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    return choices, total, cells, shown


def _feasibility(cells) -> tuple[list[dict], dict]:
    """Per class: opportunity x coalition, each cell its best verdict and rows that fly;
    and the heat maps' data (least IMLEO and cost among rows that fly)."""
    panels, heat = {}, {}
    for mission_class, year, coalition, statuses, imleo, cost in cells:
        panel = panels.setdefault(mission_class, {"class": mission_class, "years": [],
                                                  "coalitions": [], "cells": {}})
        if year not in panel["years"]:
            panel["years"].append(year)
        if coalition not in panel["coalitions"]:
            panel["coalitions"].append(coalition)
        best = min(statuses, key=_VERDICT_ORDER.index)
        fly = sum(s in ("flies", "flies_with_waiver") for s in statuses)
        panel["cells"][f"{year}|{coalition}"] = {
            "state": _VERDICT_CELL[best], "best": best.replace("_", " "),
            "count": f"{fly} of {len(statuses)} fly"}
        h = heat.setdefault(mission_class, [])
        h.append({"opportunity": year, "coalition": coalition,
                  "imleo_t": None if imleo is None else round(float(imleo), 1),
                  "cost_musd": None if cost is None else round(float(cost), 0)})
    return list(panels.values()), heat


@router.get("/sweeps", response_class=HTMLResponse, summary="Sweeps page")
def sweeps(
    request: Request,
    folder: str | None = Query(None, alias="dir", max_length=1024,
                               description="A sweep folder, relative to MARSPLAN_SWEEPS."),
    opportunity: list[int] = Query([], max_length=100),
    mission_class: list[str] = Query([], alias="class", max_length=3),
    coalition: list[str] = Query([], max_length=300),
    status: list[str] = Query([], max_length=4),
):
    """Open a sweep dataset (``marsplan sweep --out DIR``), filter it, and see the
    feasibility matrix, the IMLEO and cost heat maps and the rows."""
    root = _sweeps_root()
    filters = {"opportunity": opportunity, "mission_class": mission_class,
               "coalition": coalition, "status": status}
    context = {"folders": _sweep_folders(root), "root": root, "folder": folder,
               "filters": filters, "choices": None, "total": 0, "panels": [], "heat": None,
               "rows": [], "max_rows": MAX_SWEEP_ROWS_SHOWN}
    if folder is None:
        return _page("pages/sweeps.html", "/sweeps", **context)
    try:
        choices, total, cells, shown = _sweep_query(_sweep_dir(folder), filters)
        panels, heat = _feasibility(cells)
        context.update(choices=choices, total=total, panels=panels, rows=shown,
                       heat=json.dumps(heat, allow_nan=False))
    except MarsplanError as exc:
        return _error_page("pages/sweeps.html", "/sweeps", exc, **context)
    return _page("pages/sweeps.html", "/sweeps", **context)
