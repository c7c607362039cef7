"""The marsplan command line: output formats, exit codes, error lines, start-up imports.

Most tests call the typer app in-process (CliRunner); exit codes, stderr and the
no-traceback promise are also checked on a real ``python -m marsplan.cli``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from typer.testing import CliRunner

from marsplan.cli import app

STATE_KEYS = ["body", "epoch", "frame", "x_km", "y_km", "z_km", "vx_kms", "vy_kms", "vz_kms"]
EPOCHS = ["2033-04-01", "2033-04-02T06:00:00"]

# rich must not colour or resize what the tests read.
_QUIET_ENV = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "COLUMNS": None}


@pytest.fixture(scope="module")
def runner():
    return CliRunner(env=_QUIET_ENV)


def _json(runner, *args):
    result = runner.invoke(app, ["state", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _cli(*args):
    """Run ``python -m marsplan.cli ARGS`` in a child process."""
    env = {k: v for k, v in os.environ.items() if k not in _QUIET_ENV}
    return subprocess.run([sys.executable, "-m", "marsplan.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_state_json_has_exactly_the_design_keys(runner):
    rows = _json(runner, "mars", *EPOCHS)
    assert len(rows) == 2
    assert [list(row) for row in rows] == [STATE_KEYS, STATE_KEYS]
    assert [row["epoch"] for row in rows] == ["2033-04-01T00:00:00", "2033-04-02T06:00:00"]
    assert {row["body"] for row in rows} == {"mars"}
    assert {row["frame"] for row in rows} == {"ecliptic"}


def test_state_json_values_are_the_library_values_at_full_precision(runner):
    from marsplan.ephemeris import SPKEphemeris

    rows = _json(runner, "MARS", *EPOCHS)  # body names are case-insensitive
    r_km, v_kms = SPKEphemeris().state("mars", EPOCHS)
    # JSON floats are printed with Python's round-trip repr: equality is exact.
    assert_array_equal([[row["x_km"], row["y_km"], row["z_km"]] for row in rows], r_km)
    assert_array_equal([[row["vx_kms"], row["vy_kms"], row["vz_kms"]] for row in rows], v_kms)


def test_equatorial_is_the_ecliptic_rotated_by_the_j2000_obliquity(runner):
    ecl = _json(runner, "earth", *EPOCHS)
    equ = _json(runner, "earth", *EPOCHS, "--frame", "equatorial")
    assert {row["frame"] for row in equ} == {"equatorial"}
    # IAU 2006 mean obliquity at J2000 (Hilton et al. 2006), computed here, not imported.
    eps = math.radians(84381.448 / 3600.0)
    rot = np.array([[1.0, 0.0, 0.0],
                    [0.0, math.cos(eps), -math.sin(eps)],
                    [0.0, math.sin(eps), math.cos(eps)]])  # ecliptic -> equator, about x
    for a, b in zip(ecl, equ):
        r_ecl = np.array([a["x_km"], a["y_km"], a["z_km"]])
        v_ecl = np.array([a["vx_kms"], a["vy_kms"], a["vz_kms"]])
        # 1e-6 km and 1e-12 km/s: rounding of one rotation of 1e8 km numbers.
        assert_allclose([b["x_km"], b["y_km"], b["z_km"]], rot @ r_ecl, rtol=0, atol=1e-6)
        assert_allclose([b["vx_kms"], b["vy_kms"], b["vz_kms"]], rot @ v_ecl,
                        rtol=0, atol=1e-12)
        # Physics, not plumbing: in the ecliptic frame the Earth's centre stays within
        # a few thousand km of the xy plane (the Moon's pull, ~4700 km x sin 5 deg, plus
        # the slow precession of the orbit plane since J2000), while in the equatorial
        # frame it is ~1e7 km off the xy plane in early April.
        assert abs(a["z_km"]) < 2e4
        assert abs(b["z_km"]) > 5e6
        # ~1 AU from the Sun at ~30 km/s.
        assert 0.98 < np.linalg.norm(r_ecl) / 149_597_870.7 < 1.02
        assert 29.0 < np.linalg.norm(v_ecl) < 30.6


def test_state_csv_parses(runner):
    result = runner.invoke(app, ["state", "venus", *EPOCHS, "-f", "csv"])
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames == STATE_KEYS
    rows = list(reader)
    assert len(rows) == 2
    from marsplan.ephemeris import default_ephemeris

    r_km, _ = default_ephemeris().state("venus", EPOCHS)
    assert_array_equal([[float(row[k]) for k in ("x_km", "y_km", "z_km")] for row in rows], r_km)


def test_state_table_names_body_frame_kernel_and_time_scale(runner):
    result = runner.invoke(app, ["state", "mars", *EPOCHS])
    assert result.exit_code == 0, result.output
    text = result.stdout
    for word in ("mars", "heliocentric", "ecliptic", "de440.bsp", "TDB", "2033-04-02T06:00:00"):
        assert word in text
    from marsplan.ephemeris import default_ephemeris

    r_km, v_kms = default_ephemeris().state("mars", EPOCHS)
    assert f"{r_km[0, 0]:.3f}" in text and f"{v_kms[1, 2]:.6f}" in text
    assert "…" not in text  # no column squeezed at CliRunner's 80 columns


def test_state_with_de421_shorthand_and_path(runner):
    from marsplan.ephemeris.spk import de421_kernel_path

    by_name = runner.invoke(app, ["state", "mars", "2033-04-01", "-e", "de421"])
    by_path = runner.invoke(app, ["state", "mars", "2033-04-01", "-e", de421_kernel_path()])
    assert by_name.exit_code == by_path.exit_code == 0
    assert "de421.bsp" in by_name.stdout
    assert by_name.stdout == by_path.stdout


def test_version_and_help(runner):
    from marsplan import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"marsplan {__version__}"
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "state" in result.stdout


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["state", "pluto", "2033-04-01"], ["pluto", "known bodies", "mars", "emb", "neptune"]),
        (["state", "mars", "2060-01-01", "--ephemeris", "de421"],
         ["2060-01-01", "de421.bsp", "1899-07-29", "2053-10-09"]),
        (["state", "mars", "2033-13-01"], ["2033-13-01", "ISO 8601"]),
        (["state", "mars", "2033-04-01", "--ephemeris", "de999"], ["de999", "de440", "de421"]),
    ],
    ids=["unknown-body", "outside-de421", "malformed-date", "unknown-ephemeris"],
)
def test_user_errors_are_one_line_and_exit_2(runner, args, needles):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsplan: ")
    for needle in needles:
        assert needle in lines[0]


# The same promises on a real process: exit status, stderr, no traceback.
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["state", "pluto", "2033-04-01"], "known bodies: sun, mercury, venus, earth"),
        (["state", "mars", "2060-01-01", "--ephemeris", "de421"],
         "which covers 1899-07-29 to 2053-10-09"),
        (["state", "mars", "2033-04-31"], "2033-04-31"),
    ],
    ids=["unknown-body", "outside-de421", "malformed-date"],
)
def test_process_user_errors(args, needle):
    proc = _cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsplan: ") and needle in lines[0]


def test_process_bad_usage_exits_2():
    proc = _cli("state", "mars", "2033-04-01", "--frame", "galactic")
    assert proc.returncode == 2
    assert "galactic" in proc.stderr and "Traceback" not in proc.stderr


def test_process_unexpected_error_keeps_its_traceback():
    # A bug (not a MarsplanError) must not be dressed up as a user error.
    code = (
        "import marsplan.cli, marsplan.io.emit as emit\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('simulated bug')\n"
        "emit.emit = broken\n"
        "marsplan.cli.main(['state', 'mars', '2033-04-01'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "RuntimeError: simulated bug" in proc.stderr


def test_process_json_output():
    proc = _cli("state", "earth", "2033-04-01", "2033-04-02", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [row["epoch"] for row in rows] == ["2033-04-01T00:00:00", "2033-04-02T00:00:00"]


def test_help_loads_no_heavy_module():
    # STYLE.md, "A thin CLI, a fast start": numba, jplephem, matplotlib load in commands only.
    code = (
        "import json, sys, contextlib, io\n"
        "import marsplan.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    try:\n"
        "        marsplan.cli.main(['--help'])\n"
        "    except SystemExit as stop:\n"
        "        code = stop.code\n"
        "heavy = [m for m in ('numba', 'jplephem', 'matplotlib', 'dask', 'fastapi')\n"
        "         if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'heavy': heavy, 'help': out.getvalue()}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["code"] == 0 and "state" in report["help"]
    assert report["heavy"] == []


# --- marsplan transfer ------------------------------------------------------------

_TRANSFER_KEYS = ["origin", "target", "launch", "arrival", "tof_days", "type", "c3_km2s2",
                  "dla_deg", "rla_deg", "vinf_arrival_kms", "dec_arrival_deg",
                  "dv_departure_kms", "dv_arrival_kms", "dv_total_kms"]


def test_transfer_json_reproduces_the_handbook_2033_type_ii_row(runner):
    # NASA/TM-2010-216764 Table 5 (via tests/reference): 2033-04-28 -> 2034-01-27,
    # EMB departure, angles of date: C3 7.781, RLA 311.4, DLA -11.2, v-inf 4.377.
    # Tolerances as the reference README gives them for evaluation at printed dates.
    result = runner.invoke(app, ["transfer", "2033-04-28", "2034-01-27", "--origin", "emb",
                                 "--angles", "mean-of-date", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert list(row) == _TRANSFER_KEYS
    assert row["type"] == "II" and row["tof_days"] == 274.0
    assert abs(row["c3_km2s2"] - 7.781) < 0.03
    assert abs(row["vinf_arrival_kms"] - 4.377) < 0.005
    assert abs(row["dla_deg"] - -11.2) < 0.15 + 0.05  # printed to 0.1 deg
    assert abs(row["rla_deg"] - 311.4) < 0.2 + 0.05


def test_transfer_table_and_errors(runner):
    result = runner.invoke(app, ["transfer", "2033-04-28", "2034-01-27"])
    assert result.exit_code == 0 and "earth to mars" in result.output
    result = runner.invoke(app, ["transfer", "2034-01-27", "2033-04-28"])
    assert result.exit_code == 2 and "not after launch" in result.output
    result = runner.invoke(app, ["transfer", "2033-04-28", "2034-01-27", "--target", "vulcan"])
    assert result.exit_code == 2 and "known bodies" in result.output


# --- marsplan missions ------------------------------------------------------------

_MISSION_KEYS = {"class", "flyby", "earth_departure", "mars_arrival", "mars_departure",
                 "earth_arrival", "stay_days", "duration_days", "c3_km2s2",
                 "vinf_mars_arrival_kms", "vinf_mars_departure_kms", "vinf_earth_arrival_kms",
                 "earth_entry_speed_kms", "dv_total_kms"}


def test_missions_json_plot_and_oem(runner, tmp_path):
    # The docs/design.md keys are all there (plus the budget's parts); the files are
    # written where asked and the OEM's first epoch is the Earth departure.
    plot, oem = tmp_path / "m.png", tmp_path / "m.oem"
    result = runner.invoke(app, ["missions", "--from", "2033", "--to", "2033", "--class",
                                 "conjunction", "--format", "json", "--plot", str(plot),
                                 "--oem", str(oem)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1 and _MISSION_KEYS <= set(rows[0])
    row = rows[0]
    assert row["class"] == "conjunction" and row["flyby"] is None
    assert 300 <= row["stay_days"] <= 650
    assert abs(row["duration_days"] - (np.datetime64(row["earth_arrival"]) - np.datetime64(
        row["earth_departure"])) / np.timedelta64(1, "D")) < 1e-3
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = oem.read_text()
    assert text.startswith("CCSDS_OEM_VERS = 2.0")
    # The row rounds to the second; the OEM keeps 0.1 ms.
    start = text.split("START_TIME = ", 1)[1].split()[0]
    gap_s = abs((np.datetime64(start) - np.datetime64(row["earth_departure"]))
                / np.timedelta64(1, "s"))
    assert gap_s <= 0.5


def test_missions_constraint_no_mission_meets_is_one_line_exit_2(runner):
    result = runner.invoke(app, ["missions", "--from", "2033", "--to", "2033", "--max-c3", "5"])
    assert result.exit_code == 2
    assert "max_c3_km2s2 5 binds" in result.output and "Traceback" not in result.output


# --- marsplan plan ----------------------------------------------------------------


def test_plan_prints_every_section_and_json_rows(runner):
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "us_russia_2033.toml")
    result = runner.invoke(app, ["plan", example])
    assert result.exit_code == 0, result.output
    for title in ("Summary", "Delta-v budget", "Launches", "What each partner brings and gets",
                  "Cash flows: who pays whom", "Interfaces", "Assembly orbit", "Crew dose",
                  "Timeline"):
        assert title in result.output
    assert "CAN FLY only with a radiation waiver" in result.output
    # The Shapley shares, one line, as `marsplan coalitions` computes them.
    coal = json.loads(runner.invoke(app, ["coalitions", example, "-f", "json"]).stdout)
    line = next(x for x in result.output.splitlines() if "Shapley shares" in x)
    assert line == ("  Shapley shares (cost game, docs/coalitions.md): " + ", ".join(
        f"{s['partner']} {s['share_musd']:,.0f} M$ ({s['share_pct']:.1f}%)"
        for s in coal["shapley"]))
    result = runner.invoke(app, ["plan", example, "--without", "roscosmos", "-f", "json"])
    body = json.loads(result.stdout)
    assert body["baseline"]["schema_version"] and len(body["withdrawals"]) == 1
    assert body["withdrawals"][0]["partners"] == ["roscosmos"]
    # The baseline's agreement carries them unrounded; they add up to its cost.
    assert body["baseline"]["agreement"]["shapley"] == coal["shapley"]
    assert math.fsum(s["share_musd"] for s in coal["shapley"]) == pytest.approx(
        body["baseline"]["summary"]["cost_musd"], rel=1e-9)


def test_plan_without_several_partners_side_by_side_and_json(runner):
    # Repeated --without withdraws the partners together: one re-plan, one column.
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "us_russia_2033.toml")
    result = runner.invoke(app, ["plan", example, "--without", "nasa", "--without",
                                 "roscosmos"])
    assert result.exit_code == 0, result.output
    assert "Without nasa and roscosmos: side by side" in result.output
    header = next(line for line in result.output.splitlines() if "with_all" in line)
    assert header.split() == ["figure", "with_all", "without_nasa_roscosmos"]
    assert "Without nasa and roscosmos: CAN FLY" in result.output
    assert "in the 2033 opportunity, slip +0.0 days" in result.output
    # JSON: the baseline and one withdrawal of both partners.
    result = runner.invoke(app, ["plan", example, "--without", "nasa", "--without",
                                 "roscosmos", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"baseline", "withdrawals"}
    [w] = doc["withdrawals"]
    assert w["partners"] == ["nasa", "roscosmos"]
    assert {"verdict", "plan", "replacements", "unreplaced", "slip_days"} <= set(w)
    # The baseline and the re-plan are plan documents, with their schema version.
    assert doc["baseline"]["schema_version"] == w["plan"]["schema_version"]
    assert w["verdict"]["status"] in ("flies", "flies_with_waiver")
    assert w["slip_days"] == 0.0 and w["plan"] is not None
    assert [r["old"] for r in w["replacements"]] == ["soyuz_ms"] and w["unreplaced"] == []
    # Without SpaceX nothing replaces Starship: a verdict, no plan, never a blank.
    result = runner.invoke(app, ["plan", example, "--without", "spacex", "-f", "json"])
    [w] = json.loads(result.stdout)["withdrawals"]
    assert w["verdict"]["status"] == "cannot_fly" and w["plan"] is None
    assert w["slip_days"] is None
    [limit] = w["verdict"]["limits"]
    assert limit["kind"] == "hardware_shortfall" and limit["subject"] == "starship_crew"
    assert limit["message"].startswith(
        "nothing in the catalog replaces the transit vehicle Starship")
    assert w["verdict"]["binding_limit"] == limit["message"]
    assert [u["old"] for u in w["unreplaced"]] == ["starship_crew", "starship_tanker"]
    result = runner.invoke(app, ["plan", example, "--without", "spacex"])
    assert result.exit_code == 0, result.output
    tail = result.output[result.output.index("Without spacex: CANNOT FLY"):].splitlines()
    assert tail[1] == ("  binding limit: nothing in the catalog replaces the transit vehicle "
                       "Starship, crew configuration (starship_crew): no transit_vehicle in "
                       "the catalog is owned by a remaining partner (nasa, roscosmos); "
                       "transit_vehicles in the catalog: starship_crew (spacex)")
    assert tail[2] == ("  later opportunities: later opportunities not searched: no date "
                       "brings a transit vehicle back")


def test_plan_bad_scenario_and_partner_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[mission]\nname = 'x'\n")
    result = runner.invoke(app, ["plan", str(bad)])
    assert result.exit_code == 2 and "bad.toml" in result.output
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "us_russia_2033.toml")
    result = runner.invoke(app, ["plan", example, "--without", "esa"])
    assert result.exit_code == 2 and "not a partner" in result.output
    result = runner.invoke(app, ["plan", example, "--without", "nasa", "--without", "esa"])
    assert result.exit_code == 2 and "'esa' is not a partner" in result.output
    result = runner.invoke(app, ["plan", example, "--horizon-years", "4"])
    assert result.exit_code == 2 and "--horizon-years: only with --without" in result.output


def test_windows_daily_table_stays_within_the_launch_period(runner):
    # Each day of the Type I launch period has its best Type I C3 at or under the
    # limit; the days run from the period's first to its last launch.
    result = runner.invoke(app, ["windows", "--from", "2033", "--to", "2033", "--c3-max", "10",
                                 "--daily", "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # one document: the windows and the days
    assert list(document) == ["windows", "days"]
    assert {r["c3_max_km2s2"] for r in document["windows"]} == {10.0}
    rows = document["days"]
    assert rows and all(r["opportunity"] == 2033 for r in rows)
    for r in rows:
        assert r["within_limit"] == (r["c3_km2s2"] <= 10.0)
    # One row per type each launch day, on consecutive days.
    launches = sorted({r["launch"] for r in rows})
    assert len(rows) == 2 * len(launches)
    steps = np.diff(np.array(launches, dtype="datetime64[s]")) / np.timedelta64(1, "D")
    assert np.all(steps == 1.0)
    result = runner.invoke(app, ["windows", "--from", "2033", "--to", "2033", "--daily"])
    assert result.exit_code == 2 and "--c3-max" in result.output


# --- every machine-readable output is one document --------------------------------

_EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "us_russia_2033.toml")
_ONE_TABLE = {
    "state": ["state", "mars", *EPOCHS],
    "transfer": ["transfer", "2033-04-28", "2034-01-27"],
    "windows": ["windows", "--from", "2033", "--to", "2033"],
    **{f"catalog-{name}": ["catalog", name] for name in
       ("vehicles", "partners", "elements", "sites", "propellants", "docking")},
}


@pytest.mark.parametrize("command", list(_ONE_TABLE))
def test_every_json_output_is_one_document_and_every_csv_one_table(runner, command):
    # 9 commands x 2 formats. json.loads fails on two documents back to back
    # ("Extra data"); a CSV stream with a second table has a second header row.
    args = _ONE_TABLE[command]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)
    result = runner.invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    header = table[0]
    assert header == list(rows[0])
    assert len(table) == len(rows) + 1 and header not in table[1:]
    assert all(len(line) == len(header) for line in table)


@pytest.fixture(scope="module")
def missions_document(runner):
    result = runner.invoke(app, ["missions", "--from", "2033", "--to", "2033", "--front",
                                 "--timeline", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_missions_sections_are_one_json_object(missions_document):
    assert list(missions_document) == ["missions", "front", "timeline"]
    (best,) = missions_document["missions"]
    assert _MISSION_KEYS <= set(best)
    # The front holds the best mission's delta-v at some duration, and nothing cheaper.
    front = missions_document["front"]
    assert min(r["dv_total_kms"] for r in front) >= best["dv_total_kms"] - 0.05
    assert [r["event"] for r in missions_document["timeline"]] == [
        "Earth departure", "Mars arrival", "Mars departure", "Earth arrival"]
    assert missions_document["timeline"][0]["date"] == best["earth_departure"]


def test_missions_csv_is_one_table_per_stream_or_per_file(runner, tmp_path, missions_document):
    args = ["missions", "--from", "2033", "--to", "2033", "--front", "--timeline", "-f", "csv"]
    result = runner.invoke(app, args)  # refused before computing: which table?
    assert result.exit_code == 2 and result.stdout == ""
    assert "--section NAME" in result.stderr and "--out DIR" in result.stderr
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "tables")])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path / "tables")) == ["front.csv", "missions.csv",
                                                       "timeline.csv"]
    for name, rows in missions_document.items():
        with open(tmp_path / "tables" / f"{name}.csv", newline="") as handle:
            table = list(csv.reader(handle))
        assert table[0] == list(rows[0]) and len(table) == len(rows) + 1
        assert f"wrote {tmp_path / 'tables' / name}.csv" in result.stdout
    result = runner.invoke(app, ["missions", "--from", "2033", "--to", "2033", "-f", "csv",
                                 "--section", "timeline"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["opportunity", "date", "event", "body", "detail"] and len(table) == 5


def test_windows_section_and_out_dir(runner, tmp_path):
    base = ["windows", "--from", "2033", "--to", "2033", "--c3-max", "10", "--daily"]
    result = runner.invoke(app, [*base, "-f", "csv", "--section", "nope"])
    assert result.exit_code == 2 and "windows, days" in result.stderr
    result = runner.invoke(app, [*base, "-f", "json", "--out", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    windows = json.loads((tmp_path / "w" / "windows.json").read_text())
    days = json.loads((tmp_path / "w" / "days.json").read_text())
    assert len(windows) == 6 and len(days) >= 2 * 30  # a launch period of a month or more


def test_help_points_at_the_repository_docs_only(runner):
    repo = os.path.join(os.path.dirname(__file__), "..")
    assert os.path.isfile(os.path.join(repo, "docs", "outputs.md"))
    for command in ("state", "transfer", "porkchop", "windows", "missions", "catalog", "plan"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "DESIGN.md" not in result.stdout
        assert "docs/outputs.md" in result.stdout
    # Nor does the README point outside the clone.
    with open(os.path.join(repo, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    assert "DESIGN.md" not in readme and "shared/" not in readme  # nothing beside the clone


def test_porkchop_json_is_the_minimum_c3_leg_of_each_type(runner, tmp_path):
    chart = tmp_path / "p.png"
    result = runner.invoke(app, ["porkchop", "--launch", "2033-03-20:2033-05-10", "--tof",
                                 "150:300", "--step", "5", "--out", str(chart), "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["type"] for r in rows] == ["I", "II"] and list(rows[0]) == _TRANSFER_KEYS
    assert f"wrote {chart}" in result.stderr and chart.stat().st_size > 0
    # The grid's minimum can only be at or above the continuous 2033 minima the
    # windows search finds (Type I 8.40, Type II 7.71 km^2/s^2, README), and a
    # 5-day grid lands within ~0.5 km^2/s^2 of them.
    for row, floor in zip(rows, (8.39, 7.70)):
        assert floor <= row["c3_km2s2"] < floor + 0.5


def test_tables_fit_the_terminal_width(runner):
    result = runner.invoke(app, ["transfer", "2033-04-28", "2034-01-27"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "not shown" in result.stdout and "dv_departure_kms" in result.stdout
    header = next(line for line in lines if "launch" in line and "arrival" in line)
    for key in ("launch", "arrival", "c3_km2s2", "dv_total_kms"):  # never dropped
        assert key in header


def test_tables_fit_a_real_terminal():
    # The CLI in a pseudo-terminal 80 columns wide, COLUMNS unset: the width comes
    # from the terminal itself (the isatty path), as for a user at a shell.
    import fcntl
    import pty
    import re
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", *_QUIET_ENV)}
    proc = subprocess.Popen([sys.executable, "-m", "marsplan.cli", "transfer", "2033-04-28",
                             "2034-01-27"], stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    text = re.sub(r"\x1b\[[0-9;]*m", "", b"".join(chunks).decode())  # rich's bold and italic
    lines = text.replace("\r\n", "\n").splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "not shown at 80 characters" in text and "dv_total_kms" in text


def test_no_funds_example_does_not_ask_for_barter_it_already_has(runner):
    # The sanctioned example balances by barter (the optimiser's providers): 25 M$
    # cannot move in cash between NASA and Roscosmos, but every balance is within the
    # tolerance, so the plan must not also say the debt "must be balanced in kind".
    path = _EXAMPLE.replace("us_russia_2033.toml", "us_russia_2033_no_funds.toml")
    result = runner.invoke(app, ["plan", path])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.strip().startswith("unsettled:"))
    assert "every balance is within the tolerance" in line
    assert "must be balanced in kind" not in result.output
