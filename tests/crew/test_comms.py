"""marsplan.crew.comms: light time and solar-conjunction blackouts on DE440.

References:
* tests/reference/mars_solar_conjunctions.csv: minimum Sun-Earth-Mars
  elongation and the 2- and 3-degree windows, 2013-2045, computed by an
  independent script on DE421 (geometric, Earth's centre), beside NASA's
  published command moratoria 2015-2023. Tolerances from its README: epoch
  +-0.1 d, minimum elongation +-0.005 deg, moratoria +-1 d per edge. The
  window edges are printed to the minute (truncated): +-1.5 min here. DE440 and
  DE421 move these by < 0.02 min (measured), far inside every tolerance.
* The 2003 perihelic opposition: closest approach 55,758,006 km centre to
  centre on 2003-08-27 09:51 UT (NASA Mars Exploration Program, "2003: Mars
  Closest Approach"; USNO MICA and JPL DE406 agree on the geometric value).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from marsplan.crew.comms import (
    C_KMS,
    blackouts_during_stay,
    elongation_deg,
    light_time,
    solar_conjunctions,
)
from marsplan.ephemeris import default_ephemeris
from marsplan.errors import InputError
from marsplan.time import jd_tdb_to_iso, to_jd_tdb
from marsplan.transfer.missions import assemble_mission

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
CONJUNCTION_DATES = ("2033-04-17", "2033-11-03", "2035-05-08", "2035-11-22")
MINUTE = 1.0 / 1440.0


def _conjunction_rows(kinds=("computed", "computed_validation")):
    with open(REFERENCE / "mars_solar_conjunctions.csv", newline="") as f:
        return [r for r in csv.DictReader(f) if r["kind"] in kinds]


@pytest.fixture(scope="module")
def found_2deg():
    return solar_conjunctions("2013-01-01", "2046-01-01")


@pytest.fixture(scope="module")
def conjunction():
    return assemble_mission(*CONJUNCTION_DATES, mission_class="conjunction")


# --------------------------------------------------------------------------- light time


def test_light_time_at_the_2003_closest_approach():
    jd, minutes = light_time(("2003-08-26", "2003-08-28"), step_days=1.0 / 1440.0)
    i = int(np.argmin(minutes))
    distance_km = minutes[i] * 60.0 * C_KMS
    # Published to the km; DE406 vs DE440 and UT vs TDB (64 s, at a stationary
    # distance) each move it by far less than 10 km.
    assert distance_km == pytest.approx(55_758_006.0, abs=10.0)
    assert minutes[i] == pytest.approx(55_758_006.0 / 299_792.458 / 60.0, abs=1e-6)  # 3.0999 min
    # 09:51 UT = 09:52 TDB; the minute printed and the sampling give +-2 min.
    assert abs(jd[i] - to_jd_tdb("2003-08-27T09:52")) <= 2 * MINUTE


def test_light_time_is_the_ephemeris_distance_over_c(conjunction):
    # Hand computation at the 2034 conjunction (Mars beyond the Sun): distance / c.
    eph = default_ephemeris()
    at = to_jd_tdb("2034-08-19T05:39")
    r_earth, _ = eph.state_jd("earth", at)
    r_mars, _ = eph.state_jd("mars", at)
    expected_min = float(np.linalg.norm(r_mars - r_earth)) / 299_792.458 / 60.0
    jd, minutes = light_time((at, at + 1.0))
    assert jd[0] == at and minutes[0] == pytest.approx(expected_min, rel=1e-12)
    assert 22.0 < minutes[0] < 22.5  # ~2.67 AU at this conjunction
    # Over the mission the light time spans near-opposition to conjunction.
    jd, minutes = light_time(conjunction)
    assert jd[0] == conjunction.earth_departure_jd_tdb
    assert jd[-1] == conjunction.earth_arrival_jd_tdb and np.all(np.diff(jd) <= 1.0)
    assert 3.0 < minutes.min() < 4.0 and 22.0 < minutes.max() < 22.5


def test_sampling_includes_the_end():
    jd, minutes = light_time((2_462_000.0, 2_462_010.5), step_days=3)
    assert list(jd) == [2_462_000.0, 2_462_003.0, 2_462_006.0, 2_462_009.0, 2_462_010.5]
    assert minutes.shape == jd.shape


def test_spacecraft_track_leaves_and_returns_to_earth_and_stays_at_mars(conjunction):
    jd, to_mars = light_time(conjunction)
    _, to_ship = light_time(conjunction, track="spacecraft")
    assert to_ship[0] == pytest.approx(0.0, abs=1e-9)  # the leg starts at Earth's centre
    assert to_ship[-1] == pytest.approx(0.0, abs=1e-6)  # and ends there
    stay = (jd >= conjunction.mars_arrival_jd_tdb) & (jd <= conjunction.mars_departure_jd_tdb)
    assert np.allclose(to_ship[stay], to_mars[stay], rtol=1e-9)
    # The Lambert arc ends at Mars: a day before arrival the vehicle is a few
    # 1e5 km from the planet, under 0.1 light-minute (1.8e6 km).
    k = int(np.argmin(np.abs(jd - conjunction.mars_arrival_jd_tdb)))
    assert jd[k] == conjunction.mars_arrival_jd_tdb
    assert abs(to_ship[k - 1] - to_mars[k - 1]) < 0.1


# --------------------------------------------------------------------------- conjunctions


def test_minima_match_the_reference(found_2deg):
    rows = _conjunction_rows()
    assert len(found_2deg) == len(rows) == 16  # 2013 ... 2045, none missed or extra
    for row, b in zip(rows, found_2deg):
        assert abs(b.min_jd_tdb - to_jd_tdb(row["date_tdb"])) <= 0.1, row["conjunction_year"]
        assert b.min_elongation_deg == pytest.approx(float(row["min_elongation_deg"]), abs=0.005)
        assert b.start_jd_tdb < b.min_jd_tdb < b.end_jd_tdb


@pytest.mark.parametrize("threshold", [2.0, 3.0])
def test_window_edges_match_the_reference(found_2deg, threshold):
    found = found_2deg if threshold == 2.0 else solar_conjunctions("2013-01-01", "2046-01-01",
                                                                   threshold)
    key = f"below_{threshold:.0f}deg"
    for row, b in zip(_conjunction_rows(), found):
        assert abs(b.start_jd_tdb - to_jd_tdb(row[f"{key}_start_tdb"])) <= 1.5 * MINUTE
        assert abs(b.end_jd_tdb - to_jd_tdb(row[f"{key}_end_tdb"])) <= 1.5 * MINUTE
        if threshold == 2.0:
            assert b.duration_days == pytest.approx(float(row["below_2deg_duration_days"]),
                                                    abs=0.01)
            # days_below_2deg counts the 0h-TDB samples inside the window.
            inside = np.arange(np.ceil(b.start_jd_tdb - 0.5), b.end_jd_tdb - 0.5) + 0.5
            assert len(inside) == int(row["days_below_2deg"])


def test_windows_match_nasas_published_moratoria(found_2deg):
    # NASA/JPL command moratoria ("Mars within 2 degrees of the Sun"), whole days,
    # operational and padded: +-1 d on each edge (reference README).
    published = _conjunction_rows(("published",))
    checked = 0
    for row in published:
        if not row["published_window_start"]:
            continue
        year = int(row["conjunction_year"])
        b = next(b for b in found_2deg if jd_tdb_to_iso(b.min_jd_tdb).startswith(str(year)))
        for edge, key in ((b.start_jd_tdb, "published_window_start"),
                          (b.end_jd_tdb, "published_window_end")):
            # the calendar day the edge falls in (jd_tdb_to_iso would round)
            day = dt.date.fromisoformat(str(jd_tdb_to_iso(np.floor(edge - 0.5) + 0.5, "days")))
            assert abs((day - dt.date.fromisoformat(row[key])).days) <= 1, (year, key)
        checked += 1
    assert checked == 5  # 2015, 2017, 2019, 2021, 2023


def test_2013_minimum_is_the_reported_0_4_degrees(found_2deg):
    # Reported: Mars 0.4 deg from the Sun on 17 April 2013 (US time).
    b = found_2deg[0]
    assert round(b.min_elongation_deg, 1) == 0.4
    # 02:49 TDB on 18 April is the evening of the 17th in California (UTC-7).
    assert jd_tdb_to_iso(b.min_jd_tdb - 7.0 / 24.0, "minutes").startswith("2013-04-17T")


def test_elongation_at_the_minimum_is_the_blackouts(found_2deg):
    b = found_2deg[5]  # 2023, the deepest: 0.115 deg
    assert elongation_deg(b.min_jd_tdb) == pytest.approx(b.min_elongation_deg, abs=1e-9)
    assert elongation_deg(b.start_jd_tdb) == pytest.approx(2.0, abs=1e-6)
    assert elongation_deg(b.end_jd_tdb) == pytest.approx(2.0, abs=1e-6)
    around = elongation_deg(b.min_jd_tdb + np.array([-0.01, 0.01]))
    assert np.all(around > b.min_elongation_deg)


def test_a_window_shorter_than_the_scan_step_is_found():
    # 2023: minimum 0.115 deg, so a 0.13-degree window lasts under half a day and
    # falls between two of the scan's daily samples (whole Julian dates).
    (b,) = solar_conjunctions("2023-11-01", "2023-12-01", threshold_deg=0.13)
    assert b.duration_days < 0.5
    assert np.floor(b.start_jd_tdb) == np.floor(b.end_jd_tdb)
    assert b.min_elongation_deg == pytest.approx(0.115, abs=0.005)
    assert solar_conjunctions("2023-11-01", "2023-12-01", threshold_deg=0.1) == []


def test_windows_overlapping_the_span_are_whole():
    # The span starts inside the 2034 window: that window is still returned, whole.
    (b,) = solar_conjunctions("2034-08-20", "2034-09-30")
    assert jd_tdb_to_iso(b.start_jd_tdb, "minutes") == "2034-08-14T04:37"
    assert solar_conjunctions("2034-09-01", "2035-12-31") == []


def test_blackouts_during_the_stay(conjunction):
    (b,) = blackouts_during_stay(conjunction)
    assert conjunction.mars_arrival_jd_tdb < b.start_jd_tdb < b.end_jd_tdb \
        < conjunction.mars_departure_jd_tdb
    # The 2034 row of the reference.
    assert abs(b.min_jd_tdb - to_jd_tdb("2034-08-19T05:39")) <= 0.1
    assert (b.start_jd, b.end_jd, b.min_jd) == (b.start_jd_tdb, b.end_jd_tdb, b.min_jd_tdb)
    row = b.row()
    assert row["start"].startswith("2034-08-14") and row["threshold_deg"] == 2.0
    # A wider threshold: a longer window.
    (wide,) = blackouts_during_stay(conjunction, threshold_deg=5.0)
    assert wide.start_jd_tdb < b.start_jd_tdb and wide.end_jd_tdb > b.end_jd_tdb


def test_a_stay_far_from_conjunction_has_no_blackout():
    # An opposition-class stay around the 2035 opposition (Mars opposite the Sun).
    mission = assemble_mission("2035-03-01", "2035-08-20", "2035-09-20", "2036-04-01",
                               mission_class="opposition")
    assert blackouts_during_stay(mission) == []


@pytest.mark.parametrize("kwargs, match", [
    ({"threshold_deg": 0.0}, "threshold_deg"),
    ({"threshold_deg": 60.0}, "threshold_deg"),
    ({"jd_end": "2029-01-01"}, "precedes"),
])
def test_bad_conjunction_inputs_raise(kwargs, match):
    args = {"jd_start": "2030-01-01", "jd_end": "2031-01-01", **kwargs}
    with pytest.raises(InputError, match=match):
        solar_conjunctions(**args)


def test_bad_light_time_inputs_raise():
    with pytest.raises(InputError, match="track"):
        light_time(("2030-01-01", "2030-02-01"), track="venus")
    with pytest.raises(InputError, match="needs a Mission"):
        light_time(("2030-01-01", "2030-02-01"), track="spacecraft")
    with pytest.raises(InputError, match="step_days"):
        light_time(("2030-01-01", "2030-02-01"), step_days=0)
    with pytest.raises(InputError, match="must follow the start"):
        light_time(("2030-02-01", "2030-01-01"))
    with pytest.raises(InputError, match="neither a Mission"):
        light_time(42.0)
