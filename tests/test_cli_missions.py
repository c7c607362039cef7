"""``marsplan missions`` search options: revolutions, per-leg flight times,
ballistic swing-bys, flyby altitude, DLA and a fixed launch, each run as a user
would run it, and each one's bad input as one line, exit 2.

The physics behind them is tested in tests/transfer/test_missions.py (the
published Okutsu & Longuski free returns); here the CLI must reach the same
mission and word it.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from marsplan.cli import app

from tests.test_cli_inputs import _QUIET_ENV, _one_line_error


@pytest.fixture(scope="module")
def runner():
    return CliRunner(env=_QUIET_ENV)


_BASE = ["missions", "--from", "2013", "--to", "2014", "--class", "flyby"]


def test_a_three_year_free_return_with_a_revolution(runner):
    # Okutsu & Longuski 2002, Table 1: launch 29 Dec 2013, launch and Earth
    # v-infinity 3.30 km/s, a return leg of one revolution (high branch).
    result = runner.invoke(app, _BASE + [
        "--launch", "2013-12-29", "--revs", "1", "--ballistic",
        "--leg-tof", "earth-mars:150:220", "--leg-tof", "mars-earth:800:1000",
        "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["earth_departure"] == "2013-12-29T00:00:00"
    assert row["leg_revs"] == "0,1 high"
    assert row["dv_flyby_kms"] <= 1e-3
    # v-infinity printed to 0.01 km/s, launch date to the day (see the physics test).
    assert row["c3_km2s2"] ** 0.5 == pytest.approx(3.30, abs=0.025)
    assert row["vinf_earth_arrival_kms"] == pytest.approx(3.30, abs=0.025)


def test_flyby_altitude_and_dla_limits_hold(runner):
    # The 2-year free return of Okutsu & Longuski (launch 11 Jan 2014), searched
    # with a 1000 km floor on the Mars swing-by and |DLA| <= 40 deg.
    result = runner.invoke(app, _BASE + [
        "--launch", "2014-01-11", "--leg-tof", "earth-mars:100:200",
        "--leg-tof", "mars-earth:450:700", "--min-flyby-alt", "1000", "--max-dla", "40",
        "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    from marsplan.transfer.missions import assemble_mission, MissionOptions, _dla_deg

    m = assemble_mission(row["earth_departure"], row["mars_arrival"], row["mars_departure"],
                         row["earth_arrival"], mission_class="flyby",
                         options=MissionOptions(min_flyby_alt_km=1000.0))
    assert m.flybys[0].periapsis_alt_km >= 1000.0 - 1e-6
    assert abs(float(_dla_deg(m.legs[0].vinf_departure_kms))) <= 40.0 + 1e-9
    # The row's dates are printed to the second: ~1e-6 km/s of difference.
    assert m.dv_total_kms == pytest.approx(row["dv_total_kms"], abs=1e-5)


_BAD = {
    "revs-too-many": (["--revs", "4"], "--revs"),
    "revs-word": (["--revs", "one"], "--revs"),
    "leg-unknown": (["--leg-tof", "earth-jupiter:100:200"], "unknown leg 'earth-jupiter'"),
    "leg-no-span": (["--leg-tof", "earth-mars"], "--leg-tof"),
    "leg-backwards": (["--leg-tof", "earth-mars:300:200"], "--leg-tof"),
    "leg-nan": (["--leg-tof", "earth-mars:nan:200"], "--leg-tof"),
    "leg-twice": (["--leg-tof", "earth-mars:100:200", "--leg-tof", "earth-mars:100:300"],
                  "given twice"),
    "alt-negative": (["--min-flyby-alt", "-5"], "--min-flyby-alt"),
    "alt-nan": (["--min-flyby-alt", "nan"], "--min-flyby-alt"),
    "dla-zero": (["--max-dla", "0"], "--max-dla"),
    "dla-over-90": (["--max-dla", "91"], "--max-dla"),
    "launch-bad-date": (["--launch", "2033-13-45"], "--launch"),
    "launch-outside": (["--launch", "2010-01-01"], "launch 2010-01-01 is outside"),
}


@pytest.mark.parametrize("case", list(_BAD))
def test_bad_search_options_are_one_line_exit_2(runner, case):
    extra, needle = _BAD[case]
    _one_line_error(runner.invoke(app, _BASE + extra), needle)


def test_venus_help_says_the_swing_by_is_flown(runner):
    result = runner.invoke(app, ["missions", "--help"], env={**_QUIET_ENV, "COLUMNS": "200"})
    assert "every mission found then has one" in " ".join(result.stdout.split())


def test_a_search_grid_too_large_is_refused_before_it_is_solved(runner):
    # A flyby via Venus with one revolution on every default leg would keep a
    # swing-by table of ~5e8 cells (~4 GB): refused, naming what to narrow.
    line = _one_line_error(runner.invoke(app, ["missions", "--from", "2033", "--to", "2033",
                                               "--class", "flyby", "--venus", "--revs", "1"]),
                           "swing-by table", "--leg-tof", "--revs")
    assert "exceed the limit" in line
