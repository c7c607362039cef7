"""The plan document: one verdict across the CLI (table and JSON), the report and the API,
the published JSON Schema, and one CSV per section.

Each example (and variants of the US-Russia one with shielding and a prior dose,
which move its verdict to "flies" and to a waiver binding one partner only) is
planned three ways: ``marsplan plan --format json --out DIR`` (the JSON on
stdout and the report's plan.json and page), ``marsplan plan`` (the banner),
and ``marsplan.joint.plan.plan``. They must agree: the verdict is computed once
in the core and every edge only words it.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA = ROOT / "docs" / "plan.schema.json"

BANNER = {"flies": "CAN FLY", "flies_with_waiver": "CAN FLY only with a radiation waiver",
          "cannot_fly": "CANNOT FLY as planned"}
REPORT_CLASS = {"flies": "go", "flies_with_waiver": "waiver", "cannot_fly": "no-go"}


def _variant(tmp_path: Path, name: str, crew_health: str) -> Path:
    text = (EXAMPLES / "us_russia_2033.toml").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.toml"
    path.write_text(text + f"\n[crew_health]\n{crew_health}\n", encoding="utf-8")
    return path


CASES = {
    "us_russia_2033": None,
    "us_russia_2033_no_funds": None,
    "us_russia_2033_landing": None,
    "dra5_chemical_2037": None,
    "esa_jaxa_2035": None,
    # 0.3 x 1,621 mSv = 486 mSv: within NASA's 600 and Roscosmos's 1,000: it flies.
    "shielded": "shielding_factor = 0.3",
    # The same with 700 mSv already carried by the Roscosmos crew: 1,186 > 1,000.
    "shielded_prior": "shielding_factor = 0.3\nprior_dose_msv = { roscosmos = 700.0 }",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from typer.testing import CliRunner

    from marsplan.cli import app
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.plan import plan

    tmp = tmp_path_factory.mktemp("documents")
    runner = CliRunner()
    out = {}
    for name, health in CASES.items():
        path = EXAMPLES / f"{name}.toml" if health is None else _variant(tmp, name, health)
        report_dir = tmp / f"report_{name}"
        as_json = runner.invoke(app, ["plan", str(path), "--format", "json",
                                      "--out", str(report_dir)])
        assert as_json.exit_code == 0, as_json.output
        table = runner.invoke(app, ["plan", str(path)])
        assert table.exit_code == 0, table.output
        scenario, catalog = load_scenario(path)
        out[name] = {
            "json": json.loads(as_json.stdout),
            "table": table.stdout,
            "report_json": json.loads((report_dir / "plan.json").read_text(encoding="utf-8")),
            "html": (report_dir / "report.html").read_text(encoding="utf-8"),
            "api": plan(scenario, catalog),
        }
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_cli_json_report_and_api_agree_on_the_verdict(runs, name):
    run = runs[name]
    api, doc = run["api"], run["json"]
    status = api.verdict.status
    # JSON and the report's plan.json are the same document, equal when parsed.
    assert doc == run["report_json"]
    assert doc["verdict"]["status"] == doc["summary"]["status"] == status
    assert [x["message"] for x in doc["verdict"]["limits"]] == api.limits
    assert api.feasible == (status == "flies") == doc["summary"]["flies_without_waiver"]
    # The CLI banner, first line, and the report's verdict box.
    first = run["table"].splitlines()[0]
    assert first == f"{api.scenario.mission.name}: {BANNER[status]}"
    box = re.search(r'class="verdict ([a-z-]+)" id="verdict" data-status="([a-z_]+)"',
                    run["html"])
    assert box and box.groups() == (REPORT_CLASS[status], status)
    # A dose over any member's limit is never "flies".
    over = [m for m in doc["dose"]["members"] if m["dose_msv"] > m["limit_msv"]]
    assert (status == "flies") == (not over and not doc["verdict"]["limits"])
    if over and status != "cannot_fly":
        assert status == "flies_with_waiver"


def test_the_variants_move_the_verdict(runs):
    assert runs["us_russia_2033"]["api"].verdict.status == "flies_with_waiver"
    assert runs["shielded"]["api"].verdict.status == "flies"
    prior = runs["shielded_prior"]["api"].verdict
    assert prior.status == "flies_with_waiver"
    assert [(x.kind, x.subject) for x in prior.limits] == [("crew_dose", "roscosmos")]
    # 700 + 0.3 x the mission dose, against Roscosmos's 1 Sv.
    assert prior.limits[0].value == pytest.approx(
        700.0 + runs["shielded"]["api"].dose.total_msv, rel=1e-12)
    assert prior.limits[0].allowed == 1000.0
    assert runs["esa_jaxa_2035"]["api"].verdict.status == "cannot_fly"


@pytest.fixture(scope="module")
def validator():
    """A validator of the published schema, built once.

    ``jsonschema.validate`` checks the schema against the meta-schema on every
    call (~0.5 s each, the same file each time): that check is its own test.
    """
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_is_a_valid_2020_12_schema(validator):
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(validator.schema)


@pytest.mark.parametrize("name", list(CASES))
def test_every_document_validates_against_the_schema(runs, validator, name):
    validator.validate(runs[name]["json"])


def test_the_schema_refuses_a_launch_that_lifts_nothing(runs, validator):
    import jsonschema

    doc = json.loads(json.dumps(runs["us_russia_2033"]["json"]))
    doc["launches"][0]["mass_t"] = 0.0
    with pytest.raises(jsonschema.ValidationError, match="mass_t"):
        validator.validate(doc)


def test_launches_lift_mass_and_dose_limits_are_per_agency(runs):
    doc = runs["esa_jaxa_2035"]["json"]
    assert all(r["mass_t"] > 0 for r in doc["launches"])
    # Every launch's mass: the items it carries (tankers: the propellant).
    tanker = [r for r in doc["launches"] if r["purpose"] == "tanker"]
    propellant = sum(r["mass_t"] for r in doc["items"] if r["kind"] == "propellant")
    assert sum(r["mass_t"] for r in tanker) == pytest.approx(propellant, rel=1e-12)
    limits = {m["partner"]: m["limit_msv"] for m in doc["dose"]["members"]}
    # NASA-STD-3001 Rev B 600; ESA 1 Sv; JAXA's stated default, the lowest of its table.
    assert limits == {"nasa": 600.0, "esa": 1000.0, "jaxa": 500.0}
    assert all(m["limit_source"] for m in doc["dose"]["members"])


def test_the_landing_variant_lands_and_the_others_do_not(runs):
    landing = runs["us_russia_2033_landing"]["json"]
    assert landing["summary"]["lands"] is True
    assert [m["maneuver"] for m in landing["maneuvers"]] == [
        "tmi", "moi", "descent", "ascent", "tei", "eoi"]
    assert any(p["phase"] == "surface" for p in landing["dose"]["phases"])
    plain = runs["us_russia_2033"]
    assert plain["json"]["summary"]["lands"] is False
    assert not any(p["phase"] == "surface" for p in plain["json"]["dose"]["phases"])
    assert "Landing" not in plain["html"] and "surface stay" not in plain["html"]
    # The same trajectory, so the landing crew's dose is lower: the surface rate.
    assert landing["dose"]["total_msv"] < plain["json"]["dose"]["total_msv"]


@pytest.mark.parametrize("name", ["us_russia_2033", "us_russia_2033_no_funds",
                                  "esa_jaxa_2035", "dra5_chemical_2037"])
def test_partners_bring_and_get_and_the_balances_cancel(runs, name):
    # The ledger's invariants as every edge sees them: contributions add up to
    # the cost, balances to zero (1e-6 of the total: float sums), entitlements
    # to 100 %, and the CLI's JSON, the report's plan.json and the API agree.
    doc = runs[name]["json"]
    cost = doc["summary"]["cost_musd"]
    partners = doc["partners"]
    assert sum(p["contribution_musd"] for p in partners) == pytest.approx(cost, rel=1e-9)
    assert abs(sum(p["balance_musd"] for p in partners)) <= 1e-6 * cost
    assert sum(p["entitlement_pct"] for p in partners) == pytest.approx(100.0)
    assert doc["agreement"]["total_musd"] == pytest.approx(cost, rel=1e-12)
    assert runs[name]["report_json"]["partners"] == partners
    assert runs[name]["report_json"]["cash_flows"] == doc["cash_flows"]
    book = runs[name]["api"].ledger
    assert [p["balance_musd"] for p in partners] == [r.balance_musd for r in book.partners]


def test_nasa_pays_spacex_and_no_money_crosses_the_sanctions(runs):
    plain = runs["us_russia_2033"]["json"]
    assert {(f["from"], f["to"]) for f in plain["cash_flows"]} == {("nasa", "spacex")}
    spacex = next(p for p in plain["partners"] if p["partner"] == "spacex")
    assert sum(f["musd"] for f in plain["cash_flows"]) == pytest.approx(spacex["provides_musd"])
    assert spacex["contribution_musd"] == pytest.approx(0.0)
    # "nasa pays 0 %" is gone: NASA contributes SpaceX's price.
    nasa = next(p for p in plain["partners"] if p["partner"] == "nasa")
    assert nasa["contribution_pct"] > 80 and nasa["pays_musd"] == spacex["receives_musd"]
    # The sanctions case of the plain plan is the variant's unsettled debt.
    (case,) = plain["agreement"]["sanctions"]
    assert case["between"] == ["nasa", "roscosmos"] and case["purchases_musd"] == 0.0
    assert case["unsettled_musd"] == pytest.approx(nasa["balance_musd"])
    sanctioned = runs["us_russia_2033_no_funds"]
    doc = sanctioned["json"]
    assert doc["agreement"]["settle"] == "cash"
    assert not [f for f in doc["cash_flows"] if {f["from"], f["to"]} == {"nasa", "roscosmos"}]
    # Roscosmos cannot pay NASA: the allocation optimiser (docs/allocation.md) has it
    # provide more in kind, so every balance is within the tolerance, by barter.
    assert plain["agreement"]["allocation"] is None
    chosen = doc["agreement"]["allocation"]
    assert chosen["cost_musd"] == pytest.approx(doc["agreement"]["total_musd"])
    assert chosen["baseline_cost_musd"] == pytest.approx(plain["agreement"]["total_musd"])
    roscosmos = next(p for p in doc["partners"] if p["partner"] == "roscosmos")
    assert roscosmos["balanced"] and doc["agreement"]["balanced"]
    assert abs(roscosmos["balance_musd"]) <= doc["agreement"]["balance_tolerance_musd"]
    assert roscosmos["provides_musd"] == pytest.approx(math.fsum(
        c["cost_musd"] for c in chosen["choices"] if c["partner"] == "roscosmos"))
    assert doc["agreement"]["sanctions"] == []  # already under no_funds
    assert "allocation (the optimiser's providers): roscosmos" in sanctioned["table"]


def test_light_time_is_zero_in_low_earth_orbit(runs):
    doc = runs["us_russia_2033"]["json"]
    series = doc["light_time"]["series"]
    departure = doc["summary"]["earth_departure"]
    before = [s for s in series if s["date"] < departure]
    assert before and all(s["crew_min"] == 0.0 and s["earth_mars_min"] is None for s in before)
    at_mars = [s for s in series if s["earth_mars_min"] is not None]
    assert at_mars[0]["date"] >= doc["summary"]["mars_arrival"]


def test_csv_writes_one_table_per_section(runs, tmp_path):
    from marsplan.io.document import document_tables, write_csv_tables

    doc = runs["us_russia_2033"]["json"]
    paths = write_csv_tables(doc, tmp_path)
    tables = document_tables(doc)
    assert sorted(Path(p).stem for p in paths) == sorted(tables)
    for key in ("summary", "verdict_limits", "maneuvers", "launches", "partners",
                "dose_members", "light_time", "timeline"):
        with open(tmp_path / f"{key}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == len(tables[key]) > 0
    with open(tmp_path / "launches.csv", newline="", encoding="utf-8") as f:
        assert all(float(r["mass_t"]) > 0 for r in csv.DictReader(f))


def test_cli_csv_needs_out(tmp_path):
    from typer.testing import CliRunner

    from marsplan.cli import app

    result = CliRunner().invoke(app, ["plan", str(EXAMPLES / "us_russia_2033.toml"),
                                      "--format", "csv"])
    assert result.exit_code == 2 and "--out DIR" in result.output


def test_cli_csv_with_out_writes_the_report_and_one_csv_per_section(tmp_path):
    from typer.testing import CliRunner

    from marsplan.cli import app
    from marsplan.io.document import document_tables

    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["plan", str(EXAMPLES / "esa_jaxa_2035.toml"),
                                      "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    names = {p.name for p in out.iterdir()}
    assert {f"{name}.csv" for name in document_tables(doc)} <= names
    assert {"report.html", "plan.json"} <= names
    with open(out / "verdict.csv", newline="", encoding="utf-8") as f:
        (row,) = csv.DictReader(f)
    assert row["status"] == "cannot_fly"
