"""marsplan.io.oem: a mission as a CCSDS OEM 2.0 (KVN), read back by the ``oem`` package.

The ``oem`` package (https://pypi.org/project/oem/) is an independent OEM
reader: it checks the header, metadata and data-line grammar, the time order of
each segment's states and that segments do not overlap, and parses the epochs
with astropy in the file's TIME_SYSTEM. What it reads back is compared with the
mission's own numbers: Lambert's end states, the Kepler invariants, DE440's Mars.

Missions, built by ``assemble_mission`` from DE440 states and Lambert arcs:

* Inspiration Mars 2018 free return, the MAnE dates of
  tests/reference/round_trips.csv (Tito et al., IEEE Aerospace 2013): two
  legs meeting at the Mars flyby, no stay.
* A conjunction-class mission, 2033-04-28 / 2034-01-27 / 2035-06-01 / 2036-01-01:
  two legs and a 490-day stay. Any dates would do for a format test.
* Boeing's 2035 Earth-Mars-Venus-Earth free return (same file, Donahue & Duggan,
  IAC 2022): three legs, one segment each, meeting at Mars and at Venus.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pytest
from astropy.time import Time  # a dependency of oem
from numpy.testing import assert_allclose
from oem import OrbitEphemerisMessage

from marsplan.constants import DAY_S, GM_SUN_KM3S2
from marsplan.ephemeris import default_ephemeris
from marsplan.errors import InputError
from marsplan.io.oem import timeline_rows, write_oem
from marsplan.time import jd_tdb_to_datetime64
from marsplan.twobody import propagate


CREATED = "2025-01-01T00:00:00"  # a fixed CREATION_DATE: the same mission, the same bytes

MISSIONS = {
    "inspiration_mars_2018": dict(
        earth_departure="2018-01-05T07:10:32", mars_arrival="2018-08-20T07:49:44",
        mars_departure="2018-08-20T07:49:44", earth_arrival="2019-05-21T20:57:42",
        mission_class="flyby"),
    "conjunction_2033": dict(
        earth_departure="2033-04-28", mars_arrival="2034-01-27",
        mars_departure="2035-06-01", earth_arrival="2036-01-01",
        mission_class="conjunction"),
    "boeing_venus_2035": dict(
        earth_departure="2035-01-23", mars_arrival="2035-08-13",
        mars_departure="2035-08-13", earth_arrival="2036-08-18",
        mission_class="flyby", venus_flyby="2036-04-08"),
}


@pytest.fixture(scope="module")
def missions():
    from marsplan.transfer.missions import assemble_mission

    return {name: assemble_mission(**kwargs) for name, kwargs in MISSIONS.items()}


@pytest.fixture(scope="module")
def written(missions, tmp_path_factory):
    """name -> (mission, path, parsed OrbitEphemerisMessage, file text), ecliptic frame."""
    directory = tmp_path_factory.mktemp("oem")
    out = {}
    for name, mission in missions.items():
        path = directory / f"{name}.oem"
        assert write_oem(mission, path, creation_date=CREATED) == path
        out[name] = (mission, path, OrbitEphemerisMessage.open(path), path.read_text())
    return out


@pytest.fixture(params=list(MISSIONS))
def case(request, written):
    return written[request.param]


def _segments(parsed):
    return list(parsed)


def _states(segment):
    """Epochs (astropy Time list), positions (N, 3) km, velocities (N, 3) km/s."""
    states = list(segment.states)
    return ([s.epoch for s in states], np.array([s.position for s in states]),
            np.array([s.velocity for s in states]))


def _leg_segments(mission, parsed):
    """The segments of the legs (all but the stay), paired with the legs in time order."""
    def is_stay(segment):
        meta = segment.metadata
        return (mission.stay_days > 0
                and abs((meta["START_TIME"] - _tdb(mission.mars_arrival_jd_tdb)).sec) < 1e-3
                and abs((meta["STOP_TIME"] - _tdb(mission.mars_departure_jd_tdb)).sec) < 1e-3)

    segments = [segment for segment in _segments(parsed) if not is_stay(segment)]
    return list(zip(segments, mission.legs, strict=True))


def _tdb(jd_tdb):
    return Time(jd_tdb, format="jd", scale="tdb")


def test_one_segment_per_leg_plus_the_stay_with_the_ccsds_metadata(case):
    mission, _, parsed, _ = case
    segments = _segments(parsed)
    assert parsed.version == "2.0"
    assert parsed.header["ORIGINATOR"] == "marsplan"
    assert len(segments) == len(mission.legs) + (1 if mission.stay_days > 0 else 0)
    for segment in segments:
        meta = segment.metadata
        assert meta["OBJECT_NAME"] == "marsplan mission"
        assert meta["OBJECT_ID"] == "MARSPLAN-1"
        assert meta["CENTER_NAME"] == "SUN"
        assert meta["REF_FRAME"] == "ECLIPJ2000"
        assert meta["TIME_SYSTEM"] == "TDB"
        assert meta["INTERPOLATION"] == "HERMITE"


def test_segments_start_and_stop_at_the_mission_dates(case):
    # Segment ends are the dates rounded to 0.1 ms (a float64 JD resolves ~40 us),
    # so 50 us, plus 1 us for the microsecond printing; astropy reads the epochs
    # in TDB (TIME_SYSTEM) independently of marsplan.time.
    mission, _, parsed, _ = case
    expected = [(leg.departure_jd_tdb, leg.arrival_jd_tdb) for leg in mission.legs]
    if mission.stay_days > 0:
        expected.insert(1, (mission.mars_arrival_jd_tdb, mission.mars_departure_jd_tdb))
    for segment, (start, stop) in zip(_segments(parsed), expected, strict=True):
        epochs, _, _ = _states(segment)
        for got, want in [(epochs[0], start), (segment.metadata["START_TIME"], start),
                          (epochs[-1], stop), (segment.metadata["STOP_TIME"], stop)]:
            assert abs((got - _tdb(want)).sec) <= 51e-6


def test_samples_every_step_days_and_at_both_ends(written, tmp_path):
    mission, _, parsed, _ = written["conjunction_2033"]
    epochs, _, _ = _states(_segments(parsed)[0])
    assert len(epochs) == 275  # 274 days at 1 day: 0, 1, ..., 274
    path = write_oem(mission, tmp_path / "weekly.oem", step_days=7.0, creation_date=CREATED)
    for segment in OrbitEphemerisMessage.open(path):
        epochs, _, _ = _states(segment)
        steps_s = np.array([(b - a).sec for a, b in zip(epochs, epochs[1:])])
        assert_allclose(steps_s[:-1], 7 * DAY_S, atol=1e-6)
        assert 0 < steps_s[-1] <= 7 * DAY_S + 1e-6


def test_each_leg_starts_at_its_departure_state_and_reaches_the_lambert_target(case):
    # Each state is the one at its printed epoch, which may be up to 50 us from
    # the leg's date: so Lambert's (r1, v1) and (r2, v2) are first carried over
    # that offset (measured by astropy) by Kepler propagation. The epochs carry
    # microseconds, so a state belongs to its epoch within 1 us: |v| * 1 us in
    # position (3 cm at 30 km/s), and 1e-11 km/s in velocity (|a| < 1e-5 km/s^2).
    # On top of that: at the start, the 16 printed digits (5e-16); at the end,
    # the arc from (r1, v1) must land on Lambert's r2, v2: measured ~1e-14
    # relative, and 1e-11 still catches a 1 ms error (30 m at 30 km/s, 1.5e-10).
    mission, _, parsed, _ = case
    for segment, leg in _leg_segments(mission, parsed):
        epochs, r_km, v_kms = _states(segment)
        for k, jd, r_lambert, v_lambert, rtol in [
                (0, leg.departure_jd_tdb, leg.r1_km, leg.v1_kms, 1e-15),
                (-1, leg.arrival_jd_tdb, leg.r2_km, leg.v2_kms, 1e-11)]:
            offset_s = (epochs[k] - _tdb(jd)).sec
            assert abs(offset_s) <= 51e-6
            r_want, v_want = propagate(r_lambert, v_lambert, offset_s, GM_SUN_KM3S2)
            speed = np.linalg.norm(v_want)
            assert np.linalg.norm(r_km[k] - r_want) <= (rtol * np.linalg.norm(r_want)
                                                        + speed * 1e-6)
            assert np.linalg.norm(v_kms[k] - v_want) <= rtol * speed + 1e-11


def test_energy_and_angular_momentum_are_conserved_along_each_leg(case):
    # Kepler motion conserves both exactly; the file's 16 digits and the
    # propagator leave ~1e-14 (measured), so 1e-12 relative.
    mission, _, parsed, _ = case
    for segment, _ in _leg_segments(mission, parsed):
        _, r_km, v_kms = _states(segment)
        energy = 0.5 * np.sum(v_kms**2, axis=1) - GM_SUN_KM3S2 / np.linalg.norm(r_km, axis=1)
        h = np.cross(r_km, v_kms)
        assert np.max(np.abs(energy / energy[0] - 1.0)) <= 1e-12
        assert np.max(np.linalg.norm(h - h[0], axis=1)) <= 1e-12 * np.linalg.norm(h[0])


def test_the_stay_follows_mars_from_the_ephemeris(written):
    # A float64 TDB Julian date resolves ~40 us, in which Mars moves ~1 m: so
    # 2 m in position and 1e-9 km/s in velocity (Mars accelerates 2.6e-6 km/s^2).
    _, _, parsed, text = written["conjunction_2033"]
    stay = _segments(parsed)[1]
    epochs, r_km, v_kms = _states(stay)
    jd = np.array([e.jd1 + e.jd2 for e in epochs])
    r_mars, v_mars = default_ephemeris().state_jd("mars", jd)
    assert_allclose(r_km, r_mars, rtol=0, atol=2e-3)
    assert_allclose(v_kms, v_mars, rtol=0, atol=1e-9)
    assert len(epochs) == 491  # 490 days
    assert "Mars's centre from de440.bsp" in text
    assert "below the scale of a heliocentric plot" in text


def test_a_flyby_has_no_stay_segment_and_its_legs_meet_at_mars(written):
    _, _, parsed, _ = written["inspiration_mars_2018"]
    first, second = _segments(parsed)
    assert first.metadata["STOP_TIME"] == second.metadata["START_TIME"]
    _, r_in, v_in = _states(first)
    _, r_out, v_out = _states(second)
    # Both arcs pass through Mars's centre at the flyby date (patched conics).
    # The printed epoch is up to 50 us from that date, over which the two arcs
    # part at their relative speed (the v-infinity turned by the flyby).
    apart_km = np.linalg.norm(v_in[-1] - v_out[0]) * 51e-6
    assert np.linalg.norm(r_in[-1] - r_out[0]) <= apart_km + 1e-12 * np.linalg.norm(r_in[-1])


def test_the_header_comments_give_the_timeline(case):
    mission, _, _, text = case
    lines = text.splitlines()
    header = lines[: lines.index("META_START")]
    comments = [line for line in header if line.startswith("COMMENT ")]
    rows = timeline_rows(mission)
    for row in rows:
        assert any(row["date"] in line and row["event"] in line for line in comments), row
    assert any("ECLIPJ2000" in line and "84381.448" in line for line in comments)
    assert header[0] == "CCSDS_OEM_VERS = 2.0"
    assert f"CREATION_DATE = {CREATED}" in header
    # KVN: ASCII, lines of at most 254 characters (CCSDS 502.0-B-2).
    assert text.isascii()
    assert max(len(line) for line in lines) <= 254


def test_the_oem_readers_hermite_interpolation_follows_the_kepler_arc(written):
    # The file recommends HERMITE degree 5 (3 samples, positions and velocities):
    # half-way between daily samples of a heliocentric arc it stays within
    # ~0.2 m of Kepler propagation (measured); 10 m bounds it.
    mission, _, parsed, _ = written["conjunction_2033"]
    for segment, leg in _leg_segments(mission, parsed):
        epochs, _, _ = _states(segment)
        for k in (0, len(epochs) // 2, len(epochs) - 3):
            mid = epochs[k] + (epochs[k + 1] - epochs[k]) / 2
            r_km, v_kms = propagate(leg.r1_km, leg.v1_kms, (mid - epochs[0]).sec, GM_SUN_KM3S2)
            state = segment(mid)
            assert np.linalg.norm(state.position - r_km) <= 1e-2
            assert np.linalg.norm(state.velocity - v_kms) <= 1e-8


def test_eme2000_holds_the_same_states_on_the_j2000_equator(written, tmp_path):
    # Independent of the rotation in marsplan.io: DE440's own equatorial states
    # of the Earth at departure (the Lambert arc starts at the Earth's centre).
    mission, _, parsed, _ = written["conjunction_2033"]
    path = write_oem(mission, tmp_path / "eq.oem", ref_frame="EME2000", creation_date=CREATED)
    equatorial = OrbitEphemerisMessage.open(path)
    for ecl, eq in zip(_segments(parsed), _segments(equatorial), strict=True):
        assert eq.metadata["REF_FRAME"] == "EME2000"
        _, r_ecl, v_ecl = _states(ecl)
        _, r_eq, v_eq = _states(eq)
        assert_allclose(np.linalg.norm(r_eq, axis=1), np.linalg.norm(r_ecl, axis=1), rtol=1e-14)
        assert_allclose(np.linalg.norm(v_eq, axis=1), np.linalg.norm(v_ecl, axis=1), rtol=1e-14)
    _, r_eq, _ = _states(_segments(equatorial)[0])
    r_earth, _ = default_ephemeris().state_jd("earth", mission.earth_departure_jd_tdb,
                                              frame="equatorial")
    assert_allclose(r_eq[0], r_earth, rtol=0, atol=1e-6)
    assert "REF_FRAME EME2000" in path.read_text()


def test_timeline_rows_are_the_mission_events(written):
    mission = written["conjunction_2033"][0]
    rows = timeline_rows(mission)
    assert rows == [event.row() for event in mission.events()]
    assert [list(row) for row in rows] == [["date", "event", "body", "detail"]] * 4
    assert [row["event"] for row in rows] == ["Earth departure", "Mars arrival",
                                              "Mars departure", "Earth arrival"]
    assert rows[0]["date"] == "2033-04-28T00:00:00"
    venus = timeline_rows(written["boeing_venus_2035"][0])
    assert [row["body"] for row in venus] == ["earth", "mars", "venus", "earth"]


def test_the_write_is_atomic_creates_the_directory_and_repeats_byte_for_byte(written, tmp_path):
    mission, _, _, text = written["inspiration_mars_2018"]
    path = tmp_path / "new" / "dir" / "m.oem"
    assert write_oem(mission, str(path), creation_date=CREATED) == str(path)
    write_oem(mission, path, creation_date=CREATED)  # replaces the file
    assert os.listdir(path.parent) == ["m.oem"]  # no temporary file left behind
    assert path.read_text() == text


def test_a_directory_path_raises_input_error(written, tmp_path):
    mission = written["inspiration_mars_2018"][0]
    with pytest.raises(InputError, match="is a directory"):
        write_oem(mission, tmp_path)
    (tmp_path / "a_file").write_text("")
    with pytest.raises(InputError, match="cannot write"):
        write_oem(mission, tmp_path / "a_file" / "m.oem")
    assert sorted(os.listdir(tmp_path)) == ["a_file"]


@pytest.mark.parametrize("kwargs, match", [
    ({"step_days": 0.0}, "step_days"),
    ({"step_days": float("nan")}, "step_days"),
    ({"step_days": 1e-6}, "at most 1,000,000"),
    ({"ref_frame": "ICRF"}, "ref_frame"),
    ({"object_name": "two\nlines"}, "object_name"),
    ({"object_id": ""}, "object_id"),
])
def test_bad_arguments_raise_input_error(written, tmp_path, kwargs, match):
    mission = written["inspiration_mars_2018"][0]
    with pytest.raises(InputError, match=match):
        write_oem(mission, tmp_path / "m.oem", **kwargs)
    assert os.listdir(tmp_path) == []


def test_overlapping_legs_raise_input_error(written, tmp_path):
    mission = written["conjunction_2033"][0]
    back = dataclasses.replace(mission.legs[1],
                               departure_jd_tdb=mission.mars_arrival_jd_tdb - 10.0)
    broken = dataclasses.replace(mission, legs=(mission.legs[0], back))
    with pytest.raises(InputError, match="must not overlap"):
        write_oem(broken, tmp_path / "m.oem")


def test_dates_typed_to_the_second_come_back_as_typed(written):
    # The float64 JD of 2018-01-05T07:10:32 is 19 us off that instant; the OEM
    # prints the date, not the float's noise.
    mission, _, _, text = written["inspiration_mars_2018"]
    exact = np.datetime_as_string(jd_tdb_to_datetime64(mission.earth_departure_jd_tdb), "us")
    assert exact != "2018-01-05T07:10:32.000000"
    lines = text.splitlines()
    for key, date in [("START_TIME", "2018-01-05T07:10:32"), ("STOP_TIME", "2018-08-20T07:49:44"),
                      ("START_TIME", "2018-08-20T07:49:44"), ("STOP_TIME", "2019-05-21T20:57:42")]:
        assert f"{key} = {date}.000000" in lines
    assert "2018-01-06T07:10:32.000000 " in text  # one day after departure
