"""Every public function, fed junk, raises a MarsplanError naming the argument or works.

Issue 9, section 3 ("Library"): wrong types, shapes, NaN/inf, negative or
non-integer revolutions, unknown classes and objects of the wrong kind must
raise a :class:`~marsplan.errors.MarsplanError` subclass, never a bare
ValueError/KeyError/AttributeError/TypeError or a numba typing error, and never
return garbage quietly.

Hypothesis swaps one argument of a valid call for junk (numbers of every
kind, text, bytes, containers, arrays, objects): the only exception allowed
to escape is a MarsplanError whose message starts with the argument's name
(or, for a body, says "unknown body"). The strategies are bounded
(``max_examples`` per argument) and the grid limit is lowered so a junk step
cannot start a long computation.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import marsplan
from marsplan.errors import InputError, InputTypeError, MarsplanError, UnknownBodyError

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.complex_numbers(max_magnitude=1e3),
    st.lists(st.one_of(st.floats(), st.integers(-5, 5), st.text(max_size=3)), max_size=4),
    st.tuples(st.floats(), st.floats()),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([
        object(), np.array([]), np.array(["x"]), np.array([np.nan, 1.0, 2.0]), np.zeros((2, 2)),
        np.datetime64("NaT"), np.datetime64(10**15, "D"), dt.date(2033, 4, 16), "2033-13-01",
        "EARTH", "\x1b[2J", -1, 1.5, 0, math.nan, math.inf, -math.inf, 1e308, -1e308,
        (1, 2), ("2033-04-01", "2033-04-03"), ("b", "a"), b"\x1b", [[1, 2, 3], [1]],
        np.float64("nan"), np.int64(-3), np.bool_(True), np.array([True]), "no", "",
        marsplan.MarsplanError, print,
    ]),
)

_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow,
                                            HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module", autouse=True)
def small_grids():
    # A junk step must not start a long grid: 200,000 cells is ample for the
    # valid calls below (a few hundred cells each) and fails fast otherwise.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MARSPLAN_MAX_GRID_CELLS", "200000")
        yield


def _call_or_named_error(func, argument, kwargs):
    """Run ``func(**kwargs)``; only a MarsplanError naming ``argument`` may escape."""
    try:
        return func(**kwargs)
    except MarsplanError as error:
        message = str(error)
        assert "\n" not in message and "\x1b" not in message, message
        if isinstance(error, UnknownBodyError):
            return None
        # The message starts with the argument it blames (or one derived from it).
        assert message.split(":")[0].split(" ")[0].split("/")[0] in _NAMES[argument], message
        return None


# Names a message may start with when an argument is junk: the argument itself, or
# the fields it feeds (launch dates become a grid; revs and bodies reach the leg).
_NAMES = {
    "r1": {"r1", "lambert"}, "r2": {"r2", "lambert"}, "tof_s": {"tof_s", "lambert"},
    "mu": {"mu"}, "revs": {"revs", "lambert", "transfer"}, "prograde": {"prograde"},
    "low_path": {"low_path"}, "r0_km": {"r0_km", "propagate"}, "v0_kms": {"v0_kms", "propagate"},
    "dt_s": {"dt_s", "propagate"}, "mu_km3s2": {"mu_km3s2"},
    "epochs": {"epochs", "mars"}, "jd_tdb": {"jd_tdb", "mars"}, "frame": {"frame"},
    "body": {"body"}, "timespec": {"timespec"},
    "launch": {"launch", "arrival", "grid", "earth", "mars", "jd_tdb", "transfer"},
    "arrival": {"arrival", "grid", "earth", "mars", "jd_tdb", "transfer"},
    "origin": {"origin", "target", "origin/target"},
    "target": {"target", "origin/target"},
    "angles": {"angles"}, "orbits": {"orbits"}, "ephemeris": {"ephemeris"},
    "step_days": {"step_days", "grid", "tof_days"},
    "arrival_step_days": {"arrival_step_days", "grid", "arrival"},
    "tof_days": {"tof_days", "arrival", "grid", "mars"}, "progress": {"progress"},
    "periapsis_alt_km": {"orbit", "periapsis_alt_km"},
    "apoapsis_alt_km": {"orbit", "apoapsis_alt_km"},
    "objective": {"objective"}, "type": {"type"}, "i": {"i"}, "j": {"j"}, "table": {"table"},
}

_R1, _R2 = [1.5e8, 0.0, 0.0], [0.0, 2.2e8, 1e6]

CHEAP = {
    "lambert": (marsplan.lambert, dict(r1=_R1, r2=_R2, tof_s=200 * 86_400.0, mu=1.327e11,
                                       revs=0, prograde=True, low_path=True)),
    "propagate": (marsplan.propagate, dict(r0_km=[7000.0, 0, 0], v0_kms=[0, 7.5, 0],
                                           dt_s=600.0, mu_km3s2=398600.0)),
    "to_jd_tdb": (marsplan.to_jd_tdb, dict(epochs="2033-04-16")),
    "jd_tdb_to_iso": (marsplan.jd_tdb_to_iso, dict(jd_tdb=2463703.5, timespec="days")),
    "jd_tdb_to_datetime64": (marsplan.jd_tdb_to_datetime64, dict(jd_tdb=2463703.5)),
    "state": (lambda **k: marsplan.default_ephemeris().state(**k),
              dict(body="mars", epochs="2033-04-16", frame="ecliptic")),
    "state_jd": (lambda **k: marsplan.default_ephemeris().state_jd(**k),
                 dict(body="mars", jd_tdb=2463703.5, frame="ecliptic")),
    "analytic_state": (lambda **k: marsplan.AnalyticEphemeris().state(**k),
                       dict(body="mars", epochs="2033-04-16", frame="ecliptic")),
    "AnalyticEphemeris": (marsplan.AnalyticEphemeris, dict(table="auto")),
    "Orbit": (marsplan.Orbit, dict(periapsis_alt_km=250.0, apoapsis_alt_km=33_793.0)),
    "transfer_leg": (marsplan.transfer_leg, dict(launch="2033-04-16", arrival="2033-11-01",
                                                 origin="earth", target="mars",
                                                 angles="eme2000", orbits=marsplan.Orbits(),
                                                 revs=0, low_path=True, ephemeris=None)),
    "porkchop": (marsplan.porkchop, dict(origin="earth", target="mars",
                                         launch=("2033-04-01", "2033-04-09"),
                                         tof_days=(180.0, 190.0), step_days=2.0, revs=0,
                                         low_path=True, angles="eme2000", progress=None,
                                         ephemeris=None)),
}
# The epoch argument of to_jd_tdb is named by its ``field`` (default "epoch").
_NAMES["epochs"] |= {"epoch"}
CASES = [(name, arg) for name, (_, kwargs) in CHEAP.items() for arg in kwargs]


@pytest.mark.parametrize(("name", "argument"), CASES, ids=[f"{n}-{a}" for n, a in CASES])
@_SETTINGS
@given(junk=JUNK)
@example(junk=-1)
@example(junk=math.nan)
@example(junk="no")
def test_junk_in_one_argument(name, argument, junk):
    func, kwargs = CHEAP[name]
    _call_or_named_error(func, argument, kwargs | {argument: junk})


def _porkchop():
    return marsplan.porkchop(launch=("2033-04-01", "2033-04-09"), tof_days=(180.0, 190.0),
                             step_days=2.0)


@pytest.mark.parametrize("method, argument, kwargs", [
    ("optimum", "objective", dict(objective=None)), ("optimum", "type", dict(type="III")),
    ("optimum", "type", dict(type=["I"])), ("cell", "i", dict(i=99, j=0)),
    ("cell", "i", dict(i="0", j=0)), ("cell", "j", dict(i=0, j=-99)),
    ("cell", "i", dict(i=1.5, j=0)), ("cell", "j", dict(i=0, j=None)),
])
def test_porkchop_methods_refuse_junk(method, argument, kwargs):
    grid = _porkchop()
    with pytest.raises(InputError, match=rf"^{argument}: "):
        getattr(grid, method)(**kwargs)


@pytest.fixture(scope="module")
def found():
    return marsplan.windows("earth", "mars", 2033, 2033, c3_max=12.0)


@pytest.fixture(scope="module")
def window(found):
    return found[0]


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=JUNK)
@example(junk=np.array([2033, 2035]))
@example(junk="2033")
@example(junk=2033.0)
def test_lookups_by_year_refuse_junk(found, junk):
    # A year as text, an array or a fraction is named as "year", never a
    # "no opportunity labelled '2033'" that hides the mistake, nor a ValueError.
    for by_year in (found.by_year, marsplan.Missions([], []).by_year):
        try:
            by_year(junk)
        except MarsplanError as error:
            assert str(error).startswith("year: "), str(error)
    try:
        found.to_pandas(daily=junk)
    except MarsplanError as error:
        assert str(error).startswith("daily: "), str(error)


@pytest.mark.parametrize("method", ["optimum", "launch_period"])
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=JUNK)
@example(junk=np.array(["I", "II"]))
@example(junk=["I"])
def test_window_methods_refuse_junk(window, method, junk):
    argument = "objective" if method == "optimum" else "type"
    _call_or_named_error(getattr(window, method), argument, {argument: junk})


# --------------------------------------------------------------------------- named examples


def test_named_examples_from_the_issue():
    with pytest.raises(InputError, match=r"^jd_tdb: 1e\+20 lies outside"):
        marsplan.jd_tdb_to_iso(1e20)  # returned 1970-01-01
    with pytest.raises(InputError, match=r"^revs: -1 is below 0"):
        marsplan.porkchop(launch=("2033-04-01", "2033-04-09"), tof_days=(180.0, 190.0),
                          revs=-1)  # returned an all-NaN grid
    with pytest.raises(InputTypeError, match=r"^prograde: expected True or False"):
        marsplan.lambert(_R1, _R2, 1e7, 1.327e11, prograde="no")  # was read as True
    with pytest.raises(InputError, match=r"^jd_tdb: NaN or infinite Julian date"):
        marsplan.default_ephemeris().state_jd("mars", math.nan)  # "nan is outside de440.bsp"


def test_body_names_are_case_insensitive_everywhere():
    eph = marsplan.default_ephemeris()
    r, _ = eph.state("mars", "2033-04-16")
    for name in ("MARS", "Mars", " mars "):
        np.testing.assert_array_equal(eph.state(name, "2033-04-16")[0], r)
    leg = marsplan.transfer_leg("2033-04-16", "2033-11-01")
    loud = marsplan.transfer_leg("2033-04-16", "2033-11-01", origin="EARTH", target="Mars")
    assert (loud.origin, loud.target) == ("earth", "mars")  # crashed with KeyError: 'EARTH'
    assert loud.dv_total_kms == leg.dv_total_kms and loud.c3_km2s2 == leg.c3_km2s2
    grid = marsplan.porkchop("Earth", "MARS", launch=("2033-04-01", "2033-04-09"),
                             tof_days=(180.0, 190.0), step_days=2.0)
    assert (grid.origin, grid.target) == ("earth", "mars")
    np.testing.assert_array_equal(grid.c3_km2s2, _porkchop().c3_km2s2)
    with pytest.raises(UnknownBodyError, match=r"^unknown body 'Pluto' for de440\.bsp"):
        marsplan.transfer_leg("2033-04-16", "2033-11-01", target="Pluto")
    with pytest.raises(InputTypeError, match=r"^target: expected a body name"):
        marsplan.transfer_leg("2033-04-16", "2033-11-01", target=4)


def test_windows_and_missions_read_names_in_any_case():
    a = marsplan.windows("EARTH", "Mars", 2033, 2033)
    b = marsplan.windows("earth", "mars", 2033, 2033)
    assert [w.opportunity for w in a] == [w.opportunity for w in b] == [2033]
    assert float(a[0].optimum("min_c3").c3_km2s2) == float(b[0].optimum("min_c3").c3_km2s2)


# --------------------------------------------------------------------------- windows, missions
# These searches take seconds when they run, so the junk is listed (every item
# invalid, so each fails at the door) rather than drawn.

_WINDOWS_JUNK = [
    ("first_year", dict(first_year="2033")), ("first_year", dict(first_year=2033.5)),
    ("first_year", dict(first_year=True)), ("last_year", dict(last_year=None)),
    ("last_year", dict(last_year=10**9)), ("last_year", dict(last_year=2030)),
    ("origin", dict(origin=None)), ("target", dict(target=["mars"])),
    ("target", dict(target="EARTH")), ("origin", dict(origin="sun")),
    ("angles", dict(angles="j2000")), ("angles", dict(angles=1)),
    ("c3_max", dict(c3_max=math.nan)), ("c3_max", dict(c3_max=math.inf)),
    ("c3_max", dict(c3_max=-5)), ("c3_max", dict(c3_max="20")), ("c3_max", dict(c3_max=True)),
    ("c3_max", dict(c3_max=1e308)), ("daily", dict(daily="no")), ("daily", dict(daily=1)),
    ("daily", dict(daily=True)), ("orbits", dict(orbits=400)),
    ("orbits", dict(orbits=marsplan.Orbit(400.0, 400.0))), ("ephemeris", dict(ephemeris="de440")),
    ("progress", dict(progress=5)),
]


@pytest.mark.parametrize(("argument", "kwargs"), _WINDOWS_JUNK,
                         ids=[f"{a}={k[a]!r}" for a, k in _WINDOWS_JUNK])
def test_windows_refuses_junk_at_the_door(argument, kwargs):
    args = dict(origin="earth", target="mars", first_year=2033, last_year=2033) | kwargs
    with pytest.raises(MarsplanError) as info:
        marsplan.windows(**args)
    message = str(info.value)
    assert message.split(":")[0] in {argument, "origin/target", "target"}, message


_MISSIONS_JUNK = [
    ("first_year", dict(first_year="2033")), ("first_year", dict(first_year=2033.5)),
    ("last_year", dict(last_year=math.nan)), ("last_year", dict(last_year=2030)),
    ("mission_class", dict(mission_class="sprint")), ("mission_class", dict(mission_class=3)),
    ("flyby", dict(flyby="jupiter")), ("flyby", dict(flyby=True)),
    ("options", dict(options="fast")), ("options", dict(options={"step_days": 4})),
    ("stay_days", dict(stay_days=(math.nan, 500))), ("stay_days", dict(stay_days="long")),
    ("stay_days", dict(stay_days=(400, math.inf))), ("stay_days", dict(stay_days=(400, 1e308))),
    ("stay_days", dict(stay_days=(500, 400))), ("stay_days", dict(stay_days=(400, 500, 600))),
    ("max_duration_days", dict(max_duration_days=math.inf)),
    ("max_duration_days", dict(max_duration_days=-1.0)),
    ("max_duration_days", dict(max_duration_days="1000")),
    ("max_c3_km2s2", dict(max_c3_km2s2=math.nan)),
    ("max_entry_speed_kms", dict(max_entry_speed_kms=math.inf)),
    ("max_dla_deg", dict(max_dla_deg=180.0)), ("step_days", dict(step_days="4")),
    ("step_days", dict(step_days=0.0)), ("step_days", dict(step_days=math.nan)),
    ("aerocapture", dict(aerocapture="yes")), ("earth_return", dict(earth_return="orbit")),
    ("earth_return", dict(earth_return=None)), ("orbits", dict(orbits=(250, 33793))),
    ("min_flyby_alt_km", dict(min_flyby_alt_km=-math.inf)),
    ("warp_factor", dict(warp_factor=9)), ("refine", dict(refine="no")),
    ("progress", dict(progress="bar")), ("ephemeris", dict(ephemeris=object())),
]


@pytest.mark.parametrize(("argument", "kwargs"), _MISSIONS_JUNK,
                         ids=[f"{a}-{n}" for n, (a, _) in enumerate(_MISSIONS_JUNK)])
def test_missions_refuse_junk_at_the_door(argument, kwargs):
    args = dict(first_year=2033, last_year=2033) | kwargs
    with pytest.raises(InputError, match=rf"^{argument}: "):
        marsplan.mission_opportunities(**args)


_ASSEMBLE = dict(earth_departure="2033-04-20", mars_arrival="2033-11-01",
                 mars_departure="2035-05-01", earth_arrival="2035-11-20")


@pytest.mark.parametrize(("argument", "value"), [
    ("earth_departure", math.nan), ("earth_departure", math.inf), ("mars_arrival", "x"),
    ("mars_departure", None), ("earth_arrival", 5), ("earth_arrival", 1e20),
    ("venus_flyby", True), ("venus_flyby", "2034-13-01"), ("mission_class", "Sprint"),
    ("mission_class", None), ("options", "fast"), ("ephemeris", "de440"),
])
def test_assemble_mission_refuses_junk_at_the_door(argument, value):
    with pytest.raises(MarsplanError, match=rf"^{argument}: "):
        marsplan.assemble_mission(**(_ASSEMBLE | {argument: value}))


def test_assemble_mission_reads_class_in_any_case():
    m = marsplan.assemble_mission(**_ASSEMBLE, mission_class="Conjunction")
    assert m.mission_class == "conjunction" and math.isfinite(m.dv_total_kms)


# --------------------------------------------------------------------------- scenario to plan


def test_a_scenario_at_its_bounds_plans_in_bounded_time(tmp_path):
    # A nine-year stay at explicit dates is a valid file, but its return leg's
    # delta-v asks 8e10 t of propellant: before the launch cap the plan built
    # 68 million tanker-flight events. Now it ends in seconds, as one line.
    import re
    import time
    from pathlib import Path

    from marsplan.io.scenario import load_scenario
    from marsplan.joint.plan import plan

    text = (Path(__file__).parents[1] / "examples" / "us_russia_2033.toml").read_text()
    text = re.sub(r"(?m)^opportunity = 2033.*$", "", text).replace(
        "[crew]", '[mission.dates]\nearth_departure = "2033-04-20"\nmars_arrival = "2033-11-01"\n'
        'mars_departure = "2042-05-01"\nearth_arrival = "2043-04-01"\n[crew]', 1)
    path = tmp_path / "nine_years.toml"
    path.write_text(text)
    scenario, catalog = load_scenario(path)
    start = time.monotonic()
    with pytest.raises(MarsplanError, match=r"^launches: .* more than 100,000 launches"):
        plan(scenario, catalog)
    assert time.monotonic() - start < 60.0
