"""The JSON API answers as the CLI does, refuses bad input with 422, and bounds its work.

Every route runs the real app (FastAPI's TestClient drives it in-process) with its
real worker pool (spawned processes, the same code `marsplan serve` runs); the CLI
runs in this process with typer's CliRunner. "The same numbers" means the same
JSON document, compared after parsing: both print floats in their shortest
round-tripping form, so equal documents hold bit-identical numbers.
"""
from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from marsplan.cli import app as cli_app
from marsplan.web import limits
from marsplan.web.app import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCENARIO = EXAMPLES / "us_russia_2033.toml"
TOML = {"content-type": "application/toml"}
# A small grid (step 5 days): the porkchop comparisons need every cell, not a big one.
LAUNCH, ARRIVAL, STEP = "2033-02-01:2033-07-01", "2033-08-01:2034-04-01", "5"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(workers=1), raise_server_exceptions=False) as c:
        yield c


def cli_json(*args: str, cwd=None):
    """What ``marsplan ARGS`` prints on stdout, parsed (the command must succeed)."""
    result = CliRunner().invoke(cli_app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ok(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def refused(response, status: int = 422) -> list[dict]:
    """The 422 (or other) body: JSON entries, each with its location; never a traceback."""
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text and 'File "' not in response.text
    detail = response.json()["detail"]
    if isinstance(detail, list):
        for entry in detail:
            assert {"loc", "msg", "type"} <= set(entry), entry
    return detail


# --- the same numbers as the CLI ------------------------------------------------------

def test_windows_is_the_cli_document(client):
    api = ok(client.get("/api/windows", params={"from": 2033, "to": 2035}))
    assert api == cli_json("windows", "--from", "2033", "--to", "2035", "--format", "json")
    assert {r["opportunity"] for r in api} == {2033, 2035}


def test_windows_with_launch_periods_and_days_is_the_cli_document(client):
    api = ok(client.get("/api/windows", params={"from": 2033, "to": 2033, "c3_max": 12,
                                                 "daily": "true", "angles": "mean-of-date"}))
    cli = cli_json("windows", "--from", "2033", "--to", "2033", "--c3-max", "12", "--daily",
                   "--angles", "mean-of-date", "--format", "json")
    assert set(api) == {"windows", "days"}
    assert api == cli


def test_porkchop_best_and_rows_are_the_cli_outputs(client, tmp_path):
    query = {"launch": LAUNCH, "arrival": ARRIVAL, "step": STEP}
    best = ok(client.get("/api/porkchop", params={**query, "layout": "best"}))
    assert best == cli_json("porkchop", "--launch", LAUNCH, "--arrival", ARRIVAL, "--step",
                            STEP, "--format", "json", "--out", str(tmp_path / "p.png"))
    rows = ok(client.get("/api/porkchop", params={**query, "layout": "rows"}))
    CliRunner().invoke(cli_app, ["porkchop", "--launch", LAUNCH, "--arrival", ARRIVAL,
                                 "--step", STEP, "--format", "json", "--out",
                                 str(tmp_path / "grid.json")], catch_exceptions=False)
    assert rows == json.loads((tmp_path / "grid.json").read_text())
    assert len(rows) > 1000


def test_porkchop_grid_holds_the_cli_legs_cell_by_cell(client, tmp_path):
    query = {"launch": LAUNCH, "arrival": ARRIVAL, "step": STEP}
    grid = ok(client.get("/api/porkchop", params=query))
    rows = ok(client.get("/api/porkchop", params={**query, "layout": "rows"}))
    n, m = grid["shape"]
    assert (len(grid["launch"]), len(grid["arrival"])) == (n, m) == (31, 49)
    (layer,) = grid["layers"]
    where = {(r["launch"], r["arrival"]): r for r in rows}
    solved = 0
    for i, launch in enumerate(grid["launch"]):
        for j, arrival in enumerate(grid["arrival"]):
            code = layer["type"][i][j]
            row = where.get((launch, arrival))
            if code == 0:  # no leg: not a row, null surfaces
                assert row is None and layer["c3_km2s2"][i][j] is None
                continue
            solved += 1
            assert grid["type_names"][code] == row["type"]
            for key in ("tof_days", "c3_km2s2", "vinf_arrival_kms", "dla_deg", "rla_deg",
                        "dec_arrival_deg", "dv_total_kms"):
                assert layer[key][i][j] == row[key], (key, launch, arrival)
    assert solved == len(rows)
    assert grid["best"] == ok(client.get("/api/porkchop", params={**query, "layout": "best"}))
    some = ok(client.get("/api/porkchop", params={**query, "surfaces": "c3_km2s2,dla_deg"}))
    assert set(some["layers"][0]) == {"revs", "branch", "type", "c3_km2s2", "dla_deg"}
    assert some["layers"][0]["c3_km2s2"] == layer["c3_km2s2"]


def test_porkchop_of_an_opportunity_with_revolutions_is_the_cli_output(client, tmp_path):
    api = ok(client.get("/api/porkchop", params={"year": 2033, "step": 10, "revs": 1,
                                                 "layout": "best"}))
    cli = cli_json("porkchop", "2033", "--step", "10", "--revs", "1", "--format", "json",
                   "--out", str(tmp_path / "p.png"))
    assert api == cli and {r["type"] for r in api} >= {"I", "II"}
    grid = ok(client.get("/api/porkchop", params={"year": 2033, "step": 10, "revs": 1}))
    assert [(x["revs"], x["branch"]) for x in grid["layers"]] == [(0, ""), (1, "low"),
                                                                  (1, "high")]


def test_missions_are_the_cli_document(client):
    api = ok(client.get("/api/missions", params={"from": 2033, "to": 2033,
                                                  "class": "conjunction", "front": "true",
                                                  "timeline": "true"}))
    cli = cli_json("missions", "--from", "2033", "--to", "2033", "--class", "conjunction",
                   "--front", "--timeline", "--format", "json")
    assert set(api) == {"missions", "front", "timeline"}
    assert api == cli


def test_catalog_listings_are_the_cli_documents(client):
    listings = ok(client.get("/api/catalog"))["listings"]
    assert "elements" in listings and "partners" in listings
    for listing in listings:
        assert ok(client.get(f"/api/catalog/{listing}")) == cli_json(
            "catalog", listing, "--format", "json"), listing


def _without_version(doc: dict) -> dict:
    return doc


def test_plan_from_toml_json_and_a_form_is_the_cli_document(client):
    cli = cli_json("plan", str(SCENARIO), "--format", "json")
    text = SCENARIO.read_bytes()
    from_toml = ok(client.post("/api/plan", content=text, headers=TOML))
    assert from_toml == cli
    assert from_toml["verdict"]["status"] == "flies_with_waiver"
    as_json = json.dumps(tomllib.loads(text.decode()))
    assert ok(client.post("/api/plan", content=as_json,
                          headers={"content-type": "application/json"})) == cli
    assert ok(client.post("/api/plan", files={"scenario": ("s.toml", text)})) == cli


def test_plan_without_a_partner_is_the_cli_document(client):
    cli = cli_json("plan", str(SCENARIO), "--without", "roscosmos", "--format", "json")
    api = ok(client.post("/api/plan", params={"without": "roscosmos"},
                         content=SCENARIO.read_bytes(), headers=TOML))
    assert api == cli and set(api) == {"baseline", "withdrawals"}


def test_openapi_documents_every_route(client):
    paths = ok(client.get("/openapi.json"))["paths"]
    assert {"/api/windows", "/api/porkchop", "/api/missions", "/api/catalog/{listing}",
            "/api/plan", "/api/coalitions", "/api/sweep"} <= set(paths)
    assert "application/toml" in paths["/api/plan"]["post"]["requestBody"]["content"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


# --- bad input: 422 naming each field, never a traceback ---------------------------------

@pytest.mark.parametrize("url, params, field", [
    ("/api/windows", {"from": "abc", "to": 2035}, ["query", "from"]),
    ("/api/windows", {"to": 2035}, ["query", "from"]),
    ("/api/windows", {"from": 2040, "to": 2035}, ["query", "to"]),
    ("/api/windows", {"from": 2026, "to": 2026 + limits.MAX_WINDOWS_YEARS}, ["query", "to"]),
    ("/api/windows", {"from": 2033, "to": 2033, "c3_max": "nan"}, ["query", "c3_max"]),
    ("/api/windows", {"from": 2033, "to": 2033, "daily": "true"}, ["query", "daily"]),
    ("/api/windows", {"from": 2033, "to": 2033, "origin": "pluto"}, ["query", "origin"]),
    ("/api/windows", {"from": 2033, "to": 2033, "angles": "b1950"}, ["query", "angles"]),
    ("/api/porkchop", {}, ["query", "launch"]),
    ("/api/porkchop", {"year": 2033, "launch": LAUNCH}, ["query", "year"]),
    ("/api/porkchop", {"launch": "2033-13-01:2033-07-01", "arrival": ARRIVAL},
     ["query", "launch"]),
    ("/api/porkchop", {"launch": "2033-01-01", "arrival": ARRIVAL}, ["query", "launch"]),
    ("/api/porkchop", {"launch": LAUNCH, "tof": "300:100"}, ["query", "tof"]),
    ("/api/porkchop", {"launch": LAUNCH, "arrival": ARRIVAL, "step": 0}, ["query", "step"]),
    ("/api/porkchop", {"launch": LAUNCH, "arrival": ARRIVAL, "step": 0.2}, ["query", "step"]),
    ("/api/porkchop", {"launch": LAUNCH, "arrival": ARRIVAL, "revs": 11}, ["query", "revs"]),
    ("/api/porkchop", {"launch": LAUNCH, "arrival": ARRIVAL, "target": "vulcan"},
     ["query", "target"]),
    ("/api/porkchop", {"launch": LAUNCH, "arrival": ARRIVAL, "surfaces": "c3,x"},
     ["query", "surfaces"]),
    ("/api/porkchop", {"launch": LAUNCH, "arrival": ARRIVAL, "layout": "pdf"},
     ["query", "layout"]),
    ("/api/porkchop", {"launch": "2033-01-01:2032-01-01", "arrival": ARRIVAL},
     ["query", "launch"]),
    ("/api/missions", {"from": 2033, "to": 2033, "class": "hohmann"}, ["query", "class"]),
    ("/api/missions", {"from": 2033, "to": 2033, "stay": "600:400"}, ["query", "stay"]),
    ("/api/missions", {"from": 2033, "to": 2033, "max_duration": -1},
     ["query", "max_duration"]),
    ("/api/missions", {"from": 2026, "to": 2026 + limits.MAX_MISSIONS_YEARS},
     ["query", "to"]),
    ("/api/catalog/rockets", {}, ["path", "listing"]),
])
def test_a_bad_query_is_422_naming_its_field(client, url, params, field):
    detail = refused(client.get(url, params=params))
    assert field in [e["loc"] for e in detail], detail


def test_a_grid_beyond_the_limit_is_refused_before_it_is_computed(client):
    detail = refused(client.get("/api/porkchop", params={"year": 2033, "step": 0.5}))
    assert "above the limit of 250,000" in detail[0]["msg"]


@pytest.mark.parametrize("change, field", [
    (lambda t: t.replace(b'"soyuz_ms"', b'"soyuz_tm"'), ["body", "element[2].id"]),
    (lambda t: t.replace(b"nasa = 2", b'nasa = "2"'), ["body", "crew.nasa"]),
    (lambda t: t + b"\n[rocket]\nx = 1\n", ["body", "rocket"]),
    (lambda t: t + b"\n[mission\n", ["body"]),
    (lambda t: b"\xff\xfe" + t, ["body"]),
    (lambda t: b'catalog = ["/etc/passwd"]\n' + t, ["body", "catalog"]),
])
def test_a_bad_scenario_is_422_naming_its_field(client, change, field):
    detail = refused(client.post("/api/plan", content=change(SCENARIO.read_bytes()),
                                 headers=TOML))
    assert detail[0]["loc"] == field, detail


def test_a_bad_plan_request_is_refused_with_its_reason(client):
    text = SCENARIO.read_bytes()
    detail = refused(client.post("/api/plan", params={"without": "esa"}, content=text,
                                 headers=TOML))
    assert detail[0]["loc"] == ["query", "without"] and "not a partner" in detail[0]["msg"]
    too_many = [("without", f"p{i}") for i in range(limits.MAX_WITHOUT + 1)]
    detail = refused(client.post("/api/plan", params=too_many, content=text, headers=TOML))
    assert detail[0]["loc"] == ["query", "without"]
    detail = refused(client.post("/api/plan", params={"horizon_years": 5}, content=text,
                                 headers=TOML))
    assert detail[0]["loc"] == ["query", "horizon_years"]
    assert refused(client.post("/api/plan", content=b"[1, 2]",
                               headers={"content-type": "application/json"}))[0]["loc"] == \
        ["body"]
    assert refused(client.post("/api/plan", content=b"{" * 100_000,
                               headers={"content-type": "application/json"}))
    detail = refused(client.post("/api/plan", content=text,
                                 headers={"content-type": "image/png"}), 415)
    assert detail[0]["loc"] == ["header", "content-type"]
    big = b"#" * (limits.MAX_BODY_BYTES + 1)
    assert refused(client.post("/api/plan", content=big, headers=TOML), 413)
    # A body that lies about its length is cut off at the limit all the same.
    assert refused(client.post("/api/plan", content=iter([big[:100_000]] * 3),
                               headers=TOML), 413)


def test_a_long_query_and_an_unknown_path_answer_json(client):
    detail = refused(client.get("/api/windows", params={"from": 2033, "to": 2033,
                                                        "x": "y" * 5000}), 414)
    assert "longer than" in detail[0]["msg"]
    assert client.get("/api/nothing").json() == {"detail": "Not Found"}


# --- bounded work -------------------------------------------------------------------

def test_a_job_past_its_time_limit_is_stopped_and_its_worker_replaced(client, monkeypatch):
    monkeypatch.setitem(limits.TIME_LIMIT_S, "missions", 0.05)
    response = client.get("/api/missions", params={"from": 2035, "to": 2035,
                                                    "class": "opposition"})
    assert refused(response, 504).startswith("the computation took longer than its limit")
    # The replacement worker answers the next request (the stopped one is gone).
    assert ok(client.get("/api/windows", params={"from": 2037, "to": 2037}))


def test_a_request_beyond_the_queue_is_refused_at_once(client, monkeypatch):
    monkeypatch.setattr(client.app.state.service.pool, "max_waiting", 0)
    response = client.get("/api/windows", params={"from": 2039, "to": 2039})
    assert refused(response, 503).startswith("the server is busy")
    assert response.headers["retry-after"] == "1"


def test_answers_are_kept_and_timed(client):
    params = {"from": 2041, "to": 2041}
    first = client.get("/api/windows", params=params)
    hits = client.app.state.service.cache.hits
    again = client.get("/api/windows", params=params)
    assert again.content == first.content and client.app.state.service.cache.hits == hits + 1
    assert again.headers["server-timing"].startswith("app;dur=")


def test_the_pool_serves_a_client_without_the_lifespan():
    # TestClient without `with` runs no lifespan and a new event loop per request: the
    # first request starts the workers, and the next (another loop) is served as well.
    import asyncio

    app = create_app(workers=1)
    bare = TestClient(app)
    try:
        first = ok(bare.get("/api/catalog/sites"))
        assert ok(bare.get("/api/catalog/propellants")) and first
    finally:
        asyncio.run(app.state.service.close())


SWEEP_SPEC = """
[sweep]
scenario = "{scenario}"

[axes]
"mission.opportunity" = [2033]
without = [[], ["spacex"]]
"""


@pytest.fixture(scope="module")
def sweep_root(tmp_path_factory):
    """A folder holding one small sweep (two rows), as `marsplan sweep --out` writes it."""
    from marsplan.sweep import run_sweep

    root = tmp_path_factory.mktemp("sweeps")
    spec = root / "spec.toml"
    spec.write_text(SWEEP_SPEC.format(scenario=SCENARIO.as_posix()))
    run_sweep(spec, root / "small", workers=0)
    return root


def test_sweep_rows_are_the_dataset(client, sweep_root, monkeypatch):
    from marsplan.sweep import load

    monkeypatch.setenv("MARSPLAN_SWEEPS", str(sweep_root))
    frame = load(sweep_root / "small")
    doc = ok(client.get("/api/sweep", params={"dir": "small"}))
    assert doc["rows_total"] == doc["rows_matching"] == len(frame) == 2
    assert doc["columns"] == list(frame.columns)
    for row, (_, expected) in zip(doc["rows"], frame.iterrows()):
        for key in ("combination", "status", "imleo_t", "launches", "cost_musd"):
            value = expected[key]
            assert row[key] == (None if value != value else value), key  # NaN is null
    cannot = ok(client.get("/api/sweep", params={"dir": "small", "status": "cannot_fly"}))
    assert cannot["rows_matching"] == 1 and cannot["rows"][0]["status"] == "cannot_fly"
    # A status no sweep row can have is refused, naming the ones it can.
    detail = refused(client.get("/api/sweep", params={"dir": "small", "status": "flys"}))
    assert detail[0]["loc"] == ["query", "status"]
    assert all(s in detail[0]["msg"] for s in ("flies_with_waiver", "cannot_fly", "error"))
    assert ok(client.get("/api/sweep", params={"dir": "small", "limit": 1}))["rows"] == \
        doc["rows"][:1]


def test_a_sweep_outside_the_sweeps_folder_is_refused(client, sweep_root, monkeypatch):
    monkeypatch.setenv("MARSPLAN_SWEEPS", str(sweep_root / "small"))
    up = os.pardir  # a parent folder, spelled without a literal path in this file
    for folder in (up, "/".join([up, "small", up, up]), "/etc"):
        detail = refused(client.get("/api/sweep", params={"dir": folder}))
        assert detail[0]["loc"] == ["query", "dir"] and "outside" in detail[0]["msg"]
    detail = refused(client.get("/api/sweep", params={"dir": "results"}))
    assert detail[0]["loc"] == ["query", "dir"] and "not a sweep folder" in detail[0]["msg"]
    assert str(sweep_root) not in detail[0]["msg"]  # the server's own paths stay private


def test_coalitions_are_the_cli_document(client):
    cli = cli_json("coalitions", str(SCENARIO), "--format", "json")
    api = ok(client.post("/api/coalitions", content=SCENARIO.read_bytes(), headers=TOML))
    assert api == cli
    assert len(api["coalitions"]) == 7  # nasa, roscosmos, spacex: 2^3 - 1
    # Shapley shares add up to the grand coalition's cost (an invariant, not a copy).
    assert sum(s["share_musd"] for s in api["shapley"]) == pytest.approx(
        api["game"]["grand_coalition_cost_musd"], rel=1e-9)


def test_coalitions_of_too_many_partners_are_refused_before_planning(client):
    text = SCENARIO.read_bytes().replace(b"roscosmos = 2",
                                         b"roscosmos = 2\nesa = 1\njaxa = 1\ncsa = 1")
    detail = refused(client.post("/api/coalitions", content=text, headers=TOML))
    assert detail[0]["loc"] == ["body", "partners"] and "63 coalitions" in detail[0]["msg"]
