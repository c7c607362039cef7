"""The API's computations, run in a worker process (:mod:`marsplan.web.pool`).

Each job takes plain data (already checked by :mod:`marsplan.web.api`), calls
the same core functions as the CLI command it mirrors, words the result with
the same :mod:`marsplan.io` builders, and returns the response body as bytes:
the JSON the command prints with ``--format json``. Nothing is computed here
that the CLI does not compute the same way.
"""
from __future__ import annotations

import functools
import io
import json

#: Porkchop surfaces of the grid layout (and what ``surfaces=`` may name).
SURFACES = ("tof_days", "c3_km2s2", "vinf_arrival_kms", "dla_deg", "rla_deg",
            "dec_arrival_deg", "dv_total_kms")
PORKCHOP_LAYOUTS = ("grid", "rows", "best")


def _ephemeris():
    from marsplan.ephemeris import default_ephemeris

    return default_ephemeris()


def _sections_json(sections) -> bytes:
    """The sections as ``--format json`` prints them (one list, or an object of lists)."""
    from marsplan.io.emit import emit_sections

    buffer = io.StringIO()
    emit_sections(sections, "json", file=buffer)
    return buffer.getvalue().encode()


def windows(first_year: int, last_year: int, origin: str, target: str, angles: str,
            c3_max: float | None, daily: bool) -> bytes:
    """``marsplan windows --from --to ... --format json``."""
    from marsplan.io.emit import Section
    from marsplan.io.rows import daily_rows, windows_rows
    from marsplan.transfer.windows import windows as search

    found = search(origin, target, first_year, last_year, angles=angles, c3_max=c3_max,
                   daily=daily, ephemeris=_ephemeris())
    sections = [Section("windows", windows_rows(found))]
    if daily:
        sections.append(Section("days", daily_rows(found)))
    return _sections_json(sections)


@functools.lru_cache(maxsize=64)
def _opportunity_bounds(origin: str, target: str, year: int):
    from marsplan.plots.porkchop import opportunity_bounds

    return opportunity_bounds(origin, target, year, ephemeris=_ephemeris())


def _grid_cells(launch, arrival, tof, step: float) -> int:
    """Cells of the grid :func:`marsplan.transfer.porkchop.porkchop` would solve
    (its own count, before any array is built)."""
    import math

    from marsplan.time import to_jd_tdb

    l0, l1 = (float(to_jd_tdb(x, "launch")) for x in launch)
    n_launch = max(0, math.floor((l1 - l0) / step + 1e-9)) + 1
    if tof is not None:
        n_cols = math.floor(tof[1] / step + 1e-9) - math.ceil(tof[0] / step - 1e-9) + 1
    else:
        a0, a1 = (float(to_jd_tdb(x, "arrival")) for x in arrival)
        n_cols = math.floor((a1 - a0) / step + 1e-9) + 1
    return n_launch * max(n_cols, 0)


def porkchop(year: int | None, launch, arrival, tof, step: float, revs: int, origin: str,
             target: str, angles: str, layout: str, surfaces: tuple[str, ...],
             max_cells: int) -> bytes:
    """``marsplan porkchop``: the minimum-C3 leg of each type (``best``, as ``--format
    json`` prints), every leg (``rows``, as ``--format json --out FILE.json`` writes),
    or the surfaces as arrays for a chart (``grid``)."""
    import orjson

    from marsplan.errors import InputError
    from marsplan.io.porkchop import GRID_KEYS, best_rows, grid_columns
    from marsplan.transfer.porkchop import porkchop as solve

    if year is not None:
        launch, arrival = _opportunity_bounds(origin, target, year)
    families = 1 + 2 * revs
    cells = _grid_cells(launch, arrival, tof, step)
    if cells * families > max_cells:
        raise InputError(f"step: the grid has {cells:,} cells x {families} solution "
                         f"famil{'ies' if families > 1 else 'y'}, above the limit of "
                         f"{max_cells:,}; use a larger step or shorter ranges")
    pc = solve(origin, target, launch=launch, arrival=arrival, tof_days=tof, step_days=step,
               angles=angles, ephemeris=_ephemeris(), **({"max_revs": revs} if revs else {}))
    best = best_rows(pc, revs)
    if layout == "best":
        from marsplan.io.emit import Section

        return _sections_json([Section("best", best)])
    if layout == "rows":
        columns = grid_columns(pc)
        text = {"launch", "arrival", "type", "branch"}
        lists = {k: (v.astype(str).tolist() if k in text else
                     v.astype(int).tolist() if k == "revs" else v.astype(float).tolist())
                 for k, v in columns.items()}
        return orjson.dumps([dict(zip(GRID_KEYS, values))
                             for values in zip(*(lists[k] for k in GRID_KEYS))])
    return orjson.dumps(_grid_document(pc, revs, step, tof, best, surfaces),
                        option=orjson.OPT_SERIALIZE_NUMPY)


def _grid_document(pc, revs: int, step: float, tof, best, surfaces) -> dict:
    """The grid layout: axes once, each family's surfaces as (launch x column) arrays."""
    import numpy as np

    from marsplan.time import jd_tdb_to_iso
    from marsplan.transfer.leg import type_name

    layers = tuple(pc.layers) if hasattr(pc, "layers") else (pc,)
    top = max(int(np.max(p.type, initial=0)) for p in layers)
    doc = {"origin": pc.origin, "target": pc.target, "angles": pc.angles,
           "ephemeris": pc.ephemeris_name, "time_scale": "TDB", "step_days": step,
           "shape": list(pc.shape),
           "launch": np.atleast_1d(jd_tdb_to_iso(pc.launch_jd_tdb)).tolist(),
           "arrival": None, "tof_axis_days": None,
           "type_names": [""] + [type_name(k) for k in range(1, max(top, 2 * revs + 2) + 1)],
           "best": best, "layers": []}
    if tof is None:
        doc["arrival"] = np.atleast_1d(jd_tdb_to_iso(pc.arrival_jd_tdb[0])).tolist()
    else:
        doc["tof_axis_days"] = np.asarray(pc.tof_days[0], dtype=np.float64)
    for p in layers:
        layer = {"revs": p.revs, "branch": p.branch,
                 "type": np.ascontiguousarray(p.type, dtype=np.int16)}
        for key in surfaces:
            layer[key] = np.ascontiguousarray(np.broadcast_to(getattr(p, key), pc.shape),
                                              dtype=np.float64)
        doc["layers"].append(layer)
    return doc


@functools.lru_cache(maxsize=8)
def _missions_found(first_year: int, last_year: int, mission_class: str, venus: bool,
                    options_json: str):
    """The round-trip search of ``missions`` (kept per worker: a page's drawing of one of
    its missions needs the search's mission objects, not its rows)."""
    from marsplan.transfer.missions import mission_opportunities

    options = json.loads(options_json)
    if options.get("stay_days") is not None:
        options["stay_days"] = tuple(options["stay_days"])
    return mission_opportunities(first_year, last_year, mission_class,
                                 "venus" if venus else None, ephemeris=_ephemeris(), **options)


def missions(first_year: int, last_year: int, mission_class: str, venus: bool, options: dict,
             front: bool, timeline: bool) -> bytes:
    """``marsplan missions --format json`` (with ``--front`` / ``--timeline``)."""
    from marsplan.io.emit import Section
    from marsplan.io.rows import mission_front_rows, mission_timeline_rows, missions_rows

    found = _missions_found(first_year, last_year, mission_class, venus,
                            json.dumps(options, sort_keys=True))
    sections = [Section("missions", missions_rows(found))]
    if front:
        sections.append(Section("front", mission_front_rows(found)))
    if timeline:
        sections.append(Section("timeline", mission_timeline_rows(found)))
    return _sections_json(sections)


def catalog(listing: str) -> bytes:
    """``marsplan catalog LISTING --format json`` (the packaged catalog)."""
    from marsplan.catalog import default_catalog
    from marsplan.catalog.load import catalog_rows
    from marsplan.io.emit import Section

    return _sections_json([Section(listing, catalog_rows(default_catalog(), listing))])


#: What error messages call a scenario sent to the API.
UPLOAD_NAME = "scenario"


def read_scenario(body: bytes, media: str):
    """(Scenario, Catalog) from a request body: TOML or JSON, read as data only.

    A scenario may not name extra catalog files (nothing on the server is opened).
    """
    from marsplan.errors import ScenarioError
    from marsplan.io.scenario import scenario_from_data
    from marsplan.validate import decode_text, parse_toml

    try:
        text = decode_text(body, UPLOAD_NAME, "scenario")
        if media == "json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise ScenarioError(f"{UPLOAD_NAME}: not valid JSON: {error}") from None
            except RecursionError:
                raise ScenarioError(f"{UPLOAD_NAME}: tables or arrays nested too "
                                    "deeply") from None
        else:
            data = parse_toml(text, UPLOAD_NAME)
    except ScenarioError:
        raise
    except Exception as error:  # InputFileError: not UTF-8, not TOML
        from marsplan.errors import MarsplanError

        if isinstance(error, MarsplanError):
            raise ScenarioError(str(error)) from None
        raise
    return scenario_from_data(data, UPLOAD_NAME, catalog_dir=None)


def plan(body: bytes, media: str, without: list[str], horizon_years: float | None) -> bytes:
    """``marsplan plan SCENARIO --format json`` (with ``--without``, the withdrawal
    document)."""
    from marsplan.errors import InputError
    from marsplan.io.document import plan_document, withdrawal_document
    from marsplan.joint.coalitions import plan_shares
    from marsplan.joint.plan import plan as make_plan
    from marsplan.joint.withdraw import DEFAULT_HORIZON_YEARS, plan_without

    scen, catalog = read_scenario(body, media)
    without = list(dict.fromkeys(without))
    for partner in without:
        if partner not in scen.partners():
            raise InputError(f"without: {partner!r} is not a partner of this scenario; "
                             f"partners: {', '.join(scen.partners())}")
    eph = _ephemeris()
    main_plan = make_plan(scen, catalog, ephemeris=eph)
    shares = plan_shares(scen, catalog, main_plan, ephemeris=eph)
    if not without:
        body = plan_document(main_plan, ephemeris_name=eph.name, shares=shares)
    else:
        result = plan_without(scen, catalog, without, baseline=main_plan, ephemeris=eph,
                              horizon_years=DEFAULT_HORIZON_YEARS if horizon_years is None
                              else horizon_years)
        body = withdrawal_document(result, ephemeris_name=eph.name, shares=shares)
    return json.dumps(body, indent=2, allow_nan=False).encode()


def coalitions(body: bytes, media: str, max_partners: int) -> bytes:
    """``marsplan coalitions SCENARIO --format json``: every coalition planned, Shapley
    shares of the cost, indispensability (at most ``max_partners`` partners here)."""
    from marsplan.errors import InputError
    from marsplan.io.document import coalitions_document
    from marsplan.joint.coalitions import coalitions as plan_coalitions

    scen, catalog = read_scenario(body, media)
    partners = scen.partners()
    if len(partners) > max_partners:
        raise InputError(f"{UPLOAD_NAME}: partners: {len(partners)} partners "
                         f"({', '.join(partners)}) make {2 ** len(partners) - 1} coalitions, "
                         f"each a plan; the web API plans at most {max_partners} partners "
                         f"({2 ** max_partners - 1} coalitions): run marsplan coalitions")
    eph = _ephemeris()
    result = plan_coalitions(scen, catalog, ephemeris=eph)
    doc = coalitions_document(result, ephemeris_name=eph.name)
    return json.dumps(doc, indent=2, allow_nan=False).encode()


def sweep_folder(root: str, folder: str) -> str:
    """``folder`` (relative to ``root``) as a real path inside ``root``; else InputError.

    Links and ``..`` are resolved first, so no request reads outside ``root``.
    """
    import os

    from marsplan.errors import InputError

    base = os.path.realpath(root)
    path = os.path.realpath(os.path.join(base, folder))
    if os.path.commonpath([base, path]) != base:
        raise InputError(f"dir: {folder!r} is outside the sweeps folder of this server")
    return path


def _cell(value):
    """A dataset cell as JSON holds it: lists (an axis such as ``without``) stay lists,
    NaN and missing values are null, NumPy scalars plain numbers."""
    import math

    import numpy as np

    from marsplan.io.emit import _plain

    if isinstance(value, (np.ndarray, list, tuple)):
        return [_cell(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - load() needs pandas
        pass
    return _plain(value)


def sweep(root: str, folder: str, filters: dict, limit: int) -> bytes:
    """The rows of a sweep dataset (``marsplan.sweep.load(DIR)``), filtered by column
    values, at most ``limit``: ``{"dir", "rows_total", "rows_matching", "columns", "rows"}``."""
    from marsplan.sweep import load

    from marsplan.errors import InputError, MarsplanError

    path = sweep_folder(root, folder)
    try:
        frame = load(path)
    except MarsplanError as error:  # named by the request's dir, not the server's path
        raise InputError(f"dir: {str(error).replace(path, repr(folder))}") from None
    total = len(frame)
    for column, value in filters.items():
        if value is not None:
            frame = frame[frame[column].astype(str) == str(value)]
    matching = len(frame)
    columns = list(frame.columns)
    rows = [{k: _cell(v) for k, v in zip(columns, values)}
            for values in frame.head(limit).itertuples(index=False, name=None)]
    doc = {"dir": folder, "rows_total": total, "rows_matching": matching, "columns": columns,
           "rows": rows}
    return json.dumps(doc, indent=2, allow_nan=False).encode()


#: The jobs a worker runs, by name (nothing else can be called through the pool).
JOBS = {"windows": windows, "porkchop": porkchop, "missions": missions, "catalog": catalog,
        "plan": plan, "sweep": sweep, "coalitions": coalitions}


def warm_up() -> None:
    """Load the ephemeris, the catalog and the compiled kernels once per worker, so the
    first request does not pay for them."""
    from marsplan.catalog import default_catalog
    from marsplan.transfer.porkchop import porkchop as solve

    default_catalog()
    solve("earth", "mars", launch=("2033-04-01", "2033-04-02"),
          arrival=("2033-10-01", "2033-10-02"), ephemeris=_ephemeris())


# --------------------------------------------------------------------------- pages
# The HTML pages (marsplan.web.pages) run their heavy work here too, in the same pool
# with the same time limits and cache as the API. Where the page shows what an API
# route returns (windows, porkchop, missions) it runs that route's job above; these
# jobs are for what only a page shows: a mission's drawing, the plan page and report.


def mission_plot(first_year: int, last_year: int, mission_class: str, venus: bool,
                 options: dict, year: int) -> bytes:
    """The best mission of opportunity ``year`` drawn in the ecliptic (``missions --plot``),
    as a PNG ``data:`` URI."""
    import base64
    import os
    import tempfile

    from marsplan.errors import InputError
    from marsplan.plots.mission import plot_mission

    found = _missions_found(first_year, last_year, mission_class, venus,
                            json.dumps(options, sort_keys=True))
    best = next((o.best for o in found if o.year == year), None)
    if best is None:
        raise InputError(f"show: {year} is not an opportunity of this query")
    with tempfile.TemporaryDirectory() as tmp:
        path = plot_mission(best, os.path.join(tmp, "mission.png"), dpi=90)
        with open(path, "rb") as f:
            return b"data:image/png;base64," + base64.b64encode(f.read())


def joint_plan_page(text: str, without: list[str], context: dict) -> bytes:
    """The Joint plan page for the scenario ``text`` (checked by the page), planned as
    ``plan`` plans it (with ``without`` withdrawn), rendered as HTML."""
    from marsplan.web import pages

    view = pages._plan_view(*pages._joint_plan(text, tuple(without)))
    return pages.render_page("pages/joint_plan.html", "/joint-plan",
                             **{**context, "plan": view}).encode()


def plan_report(text: str) -> bytes:
    """The full report of ``plan --out`` (its report.html) for the scenario ``text``."""
    import os
    import tempfile

    from marsplan.report.html import REPORT_FILE, write_report
    from marsplan.web import pages

    scen, catalog, baseline, _ = pages._joint_plan(text, ())
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report")
        write_report(scen, catalog, out, plan=baseline)
        with open(os.path.join(out, REPORT_FILE), "rb") as f:
            return f.read()


JOBS.update({"mission_plot": mission_plot, "joint_plan_page": joint_plan_page,
             "plan_report": plan_report})
