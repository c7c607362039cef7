"""A Mission's legs and flybys against independent physics; its row and timeline.

Each leg is re-solved by pykep's ``lambert_problem`` in a child process (it
corrupts the heap of the process calling it: docs/design.md, "Peers in tests"),
propagated by Kepler's equation (energy and angular momentum are conserved and
the arc reaches the target), and each flyby is re-derived from the turn formula
2 asin(1/e), e = 1 + rp v^2 / mu (Curtis, *Orbital Mechanics for Engineering
Students*, 3rd ed., eq. 8.55-8.56). Missions: three found by
:func:`marsplan.transfer.missions.missions` for 2033 (conjunction, opposition via
Venus, flyby) and three published free returns assembled from their dates
(Inspiration Mars 2018, Boeing's 2035 Earth-Mars-Venus-Earth, Hughes et al.'s
2021 Earth-Venus-Mars-Earth; tests/reference/round_trips.csv).
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose

from marsplan import propagate
from marsplan.constants import EQUATORIAL_RADIUS_KM, GM_KM3S2, GM_SUN_KM3S2
from marsplan.ephemeris import default_ephemeris
from marsplan.transfer.missions import MissionOptions, assemble_mission, mission_opportunities
from tests.peers import run_pykep

DAY_S = 86_400.0

# The "marsplan missions" keys of docs/design.md ("Machine-readable outputs").
DESIGN_KEYS = ["class", "flyby", "earth_departure", "mars_arrival", "mars_departure",
               "earth_arrival", "stay_days", "duration_days", "c3_km2s2",
               "vinf_mars_arrival_kms", "vinf_mars_departure_kms", "vinf_earth_arrival_kms",
               "earth_entry_speed_kms", "dv_total_kms"]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")


def _found(mission_class, flyby=None):
    (opp,) = mission_opportunities(2033, 2033, mission_class, flyby)
    return opp.best


@pytest.fixture(scope="module")
def missions():
    """name -> (Mission, minimum flyby altitude it was built with, km)."""
    published_alt = MissionOptions(min_flyby_alt_km=100.0)
    hughes_alt = MissionOptions(min_flyby_alt_km=200.0)  # Hughes et al.'s floor
    return {
        "conjunction_2033": (_found("conjunction"), 300.0),
        "opposition_venus_2033": (_found("opposition", "venus"), 300.0),
        "flyby_2033": (_found("flyby"), 300.0),
        "inspiration_mars_2018": (assemble_mission(
            "2018-01-05T07:10:32", "2018-08-20T07:49:44", "2018-08-20T07:49:44",
            "2019-05-21T20:57:42", mission_class="flyby", options=published_alt), 100.0),
        "boeing_emve_2035": (assemble_mission(
            "2035-01-23", "2035-08-13", "2035-08-13", "2036-08-18", mission_class="flyby",
            venus_flyby="2036-04-08", options=hughes_alt), 200.0),
        "hughes_evme_2021": (assemble_mission(
            "2021-11-22", "2022-10-11", "2022-10-11", "2023-06-27", mission_class="flyby",
            venus_flyby="2022-04-04", options=hughes_alt), 200.0),
    }


@pytest.fixture(scope="module")
def all_legs(missions):
    return [leg for m, _ in missions.values() for leg in m.legs]


# --------------------------------------------------------------------------- legs


def test_legs_chain_the_bodies_in_time_order(missions):
    eph = default_ephemeris()
    for name, (m, _) in missions.items():
        legs = m.legs
        assert legs[0].origin == "earth" and legs[-1].target == "earth", name
        assert legs[0].departure_jd_tdb == m.earth_departure_jd_tdb
        assert legs[-1].arrival_jd_tdb == m.earth_arrival_jd_tdb
        for a, b in zip(legs, legs[1:]):
            assert a.target == b.origin
            # Consecutive legs meet on one date, except across the stay at Mars.
            gap = b.departure_jd_tdb - a.arrival_jd_tdb
            assert gap == (m.stay_days if a.target == "mars" else 0.0)
        for leg in legs:
            assert leg.tof_days > 0
            # Ends on the bodies (DE440), and v-infinity relative to them.
            r1, v_origin = eph.state_jd(leg.origin, leg.departure_jd_tdb)
            r2, v_target = eph.state_jd(leg.target, leg.arrival_jd_tdb)
            assert_allclose(leg.r1_km, r1, rtol=1e-15)
            assert_allclose(leg.r2_km, r2, rtol=1e-15)
            assert_allclose(leg.vinf_departure_kms, leg.v1_kms - v_origin, rtol=1e-13, atol=1e-13)
            assert_allclose(leg.vinf_arrival_kms, leg.v2_kms - v_target, rtol=1e-13, atol=1e-13)


# pykep.lambert_problem(r0, r1, tof, mu, cw, multi_revs): cw=False is prograde
# about the ecliptic +z; v0[0], v1[0] are the zero-revolution arc.
_PYKEP_LEGS = """
n = data['r1'].shape[0]
v1 = np.empty((n, 3)); v2 = np.empty((n, 3))
for i in range(n):
    lp = pk.lambert_problem(data['r1'][i].tolist(), data['r2'][i].tolist(),
                            float(data['tof_s'][i]), float(data['mu']), False, 0)
    v1[i] = lp.v0[0]; v2[i] = lp.v1[0]
out['v1'] = v1; out['v2'] = v2
"""


def test_every_leg_agrees_with_pykep(all_legs):
    # The same DE440 states and GM handed to pykep: both Lambert solvers converge
    # to ~1e-14 (tests/transfer/test_leg.py measured 4e-14), so rtol=1e-9 leaves
    # room for rounding and nothing else.
    peer = run_pykep(_PYKEP_LEGS, r1=np.array([leg.r1_km for leg in all_legs]),
                     r2=np.array([leg.r2_km for leg in all_legs]),
                     tof_s=np.array([leg.tof_days * DAY_S for leg in all_legs]),
                     mu=np.array(GM_SUN_KM3S2))
    assert_allclose(np.array([leg.v1_kms for leg in all_legs]), peer["v1"], rtol=1e-9)
    assert_allclose(np.array([leg.v2_kms for leg in all_legs]), peer["v2"], rtol=1e-9)


def test_propagated_legs_conserve_energy_and_reach_their_target(all_legs):
    for leg in all_legs:
        t = np.linspace(0.0, leg.tof_days * DAY_S, 60)
        r, v = propagate(leg.r1_km, leg.v1_kms, t, GM_SUN_KM3S2)
        energy = 0.5 * np.sum(v * v, axis=1) - GM_SUN_KM3S2 / np.linalg.norm(r, axis=1)
        h = np.cross(r, v)
        # Universal-variable Kepler steps are exact to rounding: the specific
        # energy (~-400 km^2/s^2) and h keep ~13 digits.
        assert_allclose(energy, energy[0], rtol=1e-11)
        assert_allclose(h, np.broadcast_to(h[0], h.shape), rtol=1e-11,
                        atol=1e-11 * np.abs(h[0]).max())
        # The arc ends on r2 (~2e8 km away from the Sun): 1e-10 relative is 20 m.
        assert np.linalg.norm(r[-1] - leg.r2_km) < 1e-10 * np.linalg.norm(leg.r2_km)
        assert_allclose(v[-1], leg.v2_kms, rtol=1e-9)


# --------------------------------------------------------------------------- flybys


def _turn_rad(a, b):
    return math.acos(np.clip(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)), -1.0, 1.0))


def _powered_turn(rp, vin, vout, mu):
    """Turn of two hyperbolas joined at periapsis rp: asin(1/e_in) + asin(1/e_out)."""
    return math.asin(1 / (1 + rp * vin**2 / mu)) + math.asin(1 / (1 + rp * vout**2 / mu))


def test_flybys_join_their_legs_at_the_body(missions):
    eph = default_ephemeris()
    for name, (m, _) in missions.items():
        assert m.dv_flyby_kms == pytest.approx(sum(f.dv_kms for f in m.flybys), abs=1e-15)
        expected = (["mars"] if m.mission_class == "flyby" else []) + \
            (["venus"] if m.flyby == "venus" else [])
        assert sorted(f.body for f in m.flybys) == sorted(expected), name
        for f in m.flybys:
            (a,) = [leg for leg in m.legs
                    if leg.target == f.body and leg.arrival_jd_tdb == f.jd_tdb]
            (b,) = [leg for leg in m.legs
                    if leg.origin == f.body and leg.departure_jd_tdb == f.jd_tdb]
            # Same place, same date: the body's position, on both legs.
            assert_allclose(a.r2_km, b.r1_km, rtol=0)
            _, v_body = eph.state_jd(f.body, f.jd_tdb)
            assert_allclose(f.vinf_in_kms, a.v2_kms - v_body, rtol=1e-13, atol=1e-13)
            assert_allclose(f.vinf_out_kms, b.v1_kms - v_body, rtol=1e-13, atol=1e-13)
            assert f.turn_deg == pytest.approx(math.degrees(_turn_rad(f.vinf_in_kms,
                                                                      f.vinf_out_kms)), abs=1e-9)


def test_flyby_cost_follows_the_turn_formula(missions):
    n_free = 0
    for name, (m, min_alt) in missions.items():
        for f in m.flybys:
            mu, radius = GM_KM3S2[f.body], EQUATORIAL_RADIUS_KM[f.body]
            vin, vout = np.linalg.norm(f.vinf_in_kms), np.linalg.norm(f.vinf_out_kms)
            turn = math.radians(f.turn_deg)
            rp_min, rp = radius + min_alt, radius + f.periapsis_alt_km
            assert rp >= rp_min * (1 - 1e-12), (name, f.body)
            reach = _powered_turn(rp_min, vin, vout, mu)
            if turn <= reach:
                # Within reach the periapsis solves the turn, and the only cost is
                # the periapsis speed jump, never more than | |vout| - |vin| |.
                assert _powered_turn(rp, vin, vout, mu) == pytest.approx(turn, abs=1e-9)
                jump = abs(math.sqrt(vout**2 + 2 * mu / rp) - math.sqrt(vin**2 + 2 * mu / rp))
                assert f.dv_kms == pytest.approx(jump, rel=1e-9, abs=1e-12)
                assert f.dv_kms <= abs(vout - vin) + 1e-12
                if abs(vout - vin) < 1e-6:
                    # Unpowered: equal speeds, a turn the body makes above the floor:
                    # rp is the closed form (1/sin(turn/2) - 1) mu / v^2 and dv ~ 0.
                    n_free += 1
                    assert turn <= 2 * math.asin(1 / (1 + rp_min * vin**2 / mu)) + 1e-9
                    closed = (1 / math.sin(turn / 2) - 1) * mu / vin**2
                    assert rp == pytest.approx(closed, rel=1e-5)
                    assert f.dv_kms < 1e-6
            else:
                # Beyond reach: periapsis at the floor, the rest of the turn charged.
                assert rp == pytest.approx(rp_min, rel=1e-12)
                jump = abs(math.sqrt(vout**2 + 2 * mu / rp) - math.sqrt(vin**2 + 2 * mu / rp))
                rest = 2 * vout * math.sin(0.5 * (turn - reach))
                assert f.dv_kms == pytest.approx(jump + rest, rel=1e-9)
    # The search's free returns and Inspiration Mars fly unpowered past Mars.
    assert n_free >= 2


# --------------------------------------------------------------------------- row, events


def test_row_has_the_design_keys_and_a_consistent_budget(missions):
    for name, (m, _) in missions.items():
        row = m.row()
        assert list(row)[:3] == ["class", "flyby", "earth_departure"]
        assert set(DESIGN_KEYS) <= set(row), name
        json.dumps(row)  # plain JSON types
        for key in ("earth_departure", "mars_arrival", "mars_departure", "earth_arrival"):
            assert ISO.match(row[key]), row[key]
        assert row["class"] == m.mission_class
        assert row["flyby"] == m.flyby
        assert (row["venus_flyby"] is None) == (m.flyby is None)
        assert row["stay_days"] == m.mars_departure_jd_tdb - m.mars_arrival_jd_tdb
        assert row["duration_days"] == m.earth_arrival_jd_tdb - m.earth_departure_jd_tdb
        assert row["c3_km2s2"] == pytest.approx(np.sum(m.legs[0].vinf_departure_kms ** 2),
                                                rel=1e-14)
        parts = (row["dv_departure_kms"] + row["dv_mars_arrival_kms"]
                 + row["dv_mars_departure_kms"] + row["dv_earth_return_kms"]
                 + row["dv_flyby_kms"])
        assert row["dv_total_kms"] == pytest.approx(parts, rel=1e-14)
        if m.mission_class == "flyby":
            assert row["stay_days"] == 0.0
            assert row["dv_mars_arrival_kms"] == row["dv_mars_departure_kms"] == 0.0


def test_events_are_a_dated_timeline(missions):
    for name, (m, _) in missions.items():
        events = m.events()
        dates = [e.jd_tdb for e in events]
        assert dates == sorted(dates)
        assert (events[0].name, events[0].jd_tdb) == ("Earth departure", m.earth_departure_jd_tdb)
        assert (events[-1].name, events[-1].jd_tdb) == ("Earth arrival", m.earth_arrival_jd_tdb)
        names = [e.name for e in events]
        if m.mission_class == "flyby":
            assert "Mars flyby" in names and "Mars arrival" not in names
        else:
            assert names.count("Mars arrival") == names.count("Mars departure") == 1
        venus = [e for e in events if e.name == "Venus swing-by"]
        assert [e.jd_tdb for e in venus] == ([m.venus_flyby_jd_tdb] if m.flyby else [])
        for e in events:
            row = e.row()
            assert ISO.match(row["date"]) and row["body"] in ("earth", "mars", "venus")
