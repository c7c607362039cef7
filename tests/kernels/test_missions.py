"""The round-trip kernels against plain Python: the leg grid against marsplan.lambert,
and the chain/stay combinations against brute-force loops on tiny random grids.

The combination kernels only add costs and pick minima, so on the same inputs
a brute-force loop in the same order must give the same floats and the same
indices: the comparisons are exact. Their flyby delta-v comes from the flyby
kernel, tested on its own in test_flyby.py. The refinement's mission_costs is
checked against assemble_mission, which prices the same missions another way.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from marsplan import lambert
from marsplan.constants import EQUATORIAL_RADIUS_KM, GM_KM3S2
from marsplan.errors import MarsplanError
from marsplan.kernels.flyby import flyby
from marsplan.kernels.missions import chain2, chain3, combine_stay, leg_grid
from marsplan.twobody import LambertStatus, _guess_table

GM_SUN = 1.32712440041279419e11  # km^3/s^2, DE440
AU = 149_597_870.7  # km, IAU 2012 B2
DAY = 86_400.0
MU_MARS, RP_MARS = GM_KM3S2["mars"], EQUATORIAL_RADIUS_KM["mars"] + 300.0
MU_VENUS, RP_VENUS = GM_KM3S2["venus"], EQUATORIAL_RADIUS_KM["venus"] + 300.0


def _circular(jd, radius_au, period_days, phase_rad, incl_rad):
    """States (K, 3) on a circular orbit, slightly inclined: a stand-in planet."""
    r = radius_au * AU
    theta = phase_rad + 2 * math.pi * (jd - jd[0]) / period_days
    speed = 2 * math.pi * r / (period_days * DAY)
    ci, si = math.cos(incl_rad), math.sin(incl_rad)
    pos = np.stack([r * np.cos(theta), r * np.sin(theta) * ci, r * np.sin(theta) * si], -1)
    vel = np.stack([-speed * np.sin(theta), speed * np.cos(theta) * ci,
                    speed * np.cos(theta) * si], -1)
    return np.ascontiguousarray(pos), np.ascontiguousarray(vel)


# --------------------------------------------------------------------------- leg_grid


@pytest.fixture(scope="module")
def legs():
    # 320 dates 3 days apart, legs of 15 to 15 + 3 * 279 days: 280 columns,
    # more than one 256-cell block of the kernel (such a grid once overran the
    # kernel's block buffers: a crash), and most rows run off the axis.
    jd = 2_463_000.5 + 3.0 * np.arange(320)
    r_e, v_e = _circular(jd, 1.0, 365.25, 0.3, 0.0)
    r_m, v_m = _circular(jd, 1.524, 686.98, 1.9, math.radians(1.85))
    # One cell exactly 180 deg across: no transfer plane, so no solution (NaN).
    r_m[40] = -1.5 * r_e[7]
    m0, n_m = 5, 280
    vdep, varr = np.empty((320, n_m, 3)), np.empty((320, n_m, 3))
    leg_grid(r_e, v_e, r_m, v_m, jd, *_zero_rev(m0, n_m), GM_SUN, _guess_table(), vdep, varr)
    return dict(jd=jd, r_e=r_e, v_e=v_e, r_m=r_m, v_m=v_m, m0=m0, n_m=n_m, vdep=vdep, varr=varr)


def _zero_rev(m0, n_m):
    """Offsets, revolutions and branches of a zero-revolution leg of n_m flight times."""
    return (m0 + np.arange(n_m, dtype=np.int64), np.zeros(n_m, dtype=np.int64),
            np.ones(n_m, dtype=bool))


def test_leg_grid_matches_marsplan_lambert_on_random_cells(legs):
    rng = np.random.default_rng(7)
    k = rng.integers(0, 320, 400)
    m = rng.integers(0, legs["n_m"], 400)
    arrive = k + legs["m0"] + m
    inside = arrive < 320
    k, m, arrive = k[inside], m[inside], arrive[inside]
    assert k.size > 100
    tof = (legs["jd"][arrive] - legs["jd"][k]) * DAY
    v1, v2, status = lambert(legs["r_e"][k], legs["r_m"][arrive], tof, GM_SUN,
                             return_status=True)
    # The same Izzo solver reached through a different driver: both converge to
    # ~1e-15 relative, so 1e-12 leaves only rounding.
    assert_allclose(legs["vdep"][k, m], v1 - legs["v_e"][k], rtol=1e-12, atol=1e-12)
    assert_allclose(legs["varr"][k, m], v2 - legs["v_m"][arrive], rtol=1e-12, atol=1e-12)
    assert np.all(status == LambertStatus.SOLVED)


def test_leg_grid_cells_past_the_axis_or_without_a_solution_are_nan(legs):
    k, m = np.meshgrid(np.arange(320), np.arange(legs["n_m"]), indexing="ij")
    past = k + legs["m0"] + m >= 320
    nan = np.isnan(legs["vdep"]).any(-1)
    degenerate = np.zeros_like(past)
    degenerate[7, 40 - 7 - legs["m0"]] = True
    assert_array_equal(nan, past | degenerate)
    assert_array_equal(np.isnan(legs["varr"]).any(-1), nan)
    _, _, status = lambert(legs["r_e"][7], legs["r_m"][40], 33 * 3 * DAY, GM_SUN,
                           return_status=True)
    assert status == LambertStatus.DEGENERATE


def test_leg_grid_multi_revolution_cells_match_marsplan_lambert(legs):
    # Each flight time carries three families side by side: 0 revolutions, then
    # 1 revolution on the low and the high branch, as the mission search lays
    # them out. Every cell must be the Lambert arc of its own family.
    n_t, m0 = 300, 5
    off = np.repeat(m0 + np.arange(n_t, dtype=np.int64), 3)
    revs = np.tile(np.array([0, 1, 1], dtype=np.int64), n_t)
    low = np.tile(np.array([True, True, False]), n_t)
    vdep, varr = np.empty((320, off.size, 3)), np.empty((320, off.size, 3))
    leg_grid(legs["r_e"], legs["v_e"], legs["r_m"], legs["v_m"], legs["jd"], off, revs, low,
             GM_SUN, _guess_table(), vdep, varr)
    rng = np.random.default_rng(11)
    k = rng.integers(0, 100, 600)
    m = rng.integers(0, off.size, 600)
    arrive = k + off[m]
    k, m, arrive = k[arrive < 320], m[arrive < 320], arrive[arrive < 320]
    tof = (legs["jd"][arrive] - legs["jd"][k]) * DAY
    v1, v2, status = lambert(legs["r_e"][k], legs["r_m"][arrive], tof, GM_SUN, revs=revs[m],
                             low_path=low[m], return_status=True)
    solved = status == LambertStatus.SOLVED
    assert (solved & (revs[m] == 1)).sum() > 50  # multi-revolution cells were solved
    assert ((status == LambertStatus.NO_SOLUTION) & (revs[m] == 1)).sum() > 10  # and too short
    # Same solver, different driver: rounding only.
    assert_allclose(vdep[k[solved], m[solved]], (v1 - legs["v_e"][k])[solved], rtol=1e-12,
                    atol=1e-12)
    assert_allclose(varr[k[solved], m[solved]], (v2 - legs["v_m"][arrive])[solved], rtol=1e-12,
                    atol=1e-12)
    assert np.isnan(vdep[k[~solved], m[~solved]]).all()
    # The zero-revolution family is the zero-revolution grid's.
    assert_array_equal(vdep[:, 0::3][:, :legs["n_m"]], legs["vdep"])


# --------------------------------------------------------------------------- tiny grids


def _offsets(m0, n_t, layers):
    """Sorted offsets of n_t flight times with ``layers`` families each."""
    return np.repeat(m0 + np.arange(n_t, dtype=np.int64), layers)


def _costs(rng, shape, p_inf=0.2):
    cost = rng.uniform(0.0, 5.0, shape)
    cost[rng.random(shape) < p_inf] = np.inf
    return cost


def _vinf(rng, shape):
    """v-infinity vectors of 3-7 km/s in random directions: flybys of every kind."""
    v = rng.normal(size=shape + (3,))
    return v / np.linalg.norm(v, axis=-1, keepdims=True) * rng.uniform(3.0, 7.0, shape)[..., None]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("layers, fb_weight", [(1, 1.0), (3, 1.0), (2, 10.0)])
def test_chain2_is_the_brute_force_minimum(seed, layers, fb_weight):
    rng = np.random.default_rng(seed)
    n_k, t1, t2, m0_1, m0_2 = 14, 4, 5, 2, 1
    off1, off2 = _offsets(m0_1, t1, layers), _offsets(m0_2, t2, layers)
    n1, n2 = off1.size, off2.size
    cost1, cost2 = _costs(rng, (n_k, n1)), _costs(rng, (n_k, n2))
    varr1, vdep2 = _vinf(rng, (n_k, n1)), _vinf(rng, (n_k, n2))
    if layers > 1:  # ties: the first in (m1, m2) order must win
        cost2[:, 1::layers], vdep2[:, 1::layers] = cost2[:, ::layers], vdep2[:, ::layers]
    width = t1 + t2 - 1
    out_cost, out_m1, out_m2 = np.empty((n_k, width)), np.empty((n_k, width), np.int64), \
        np.empty((n_k, width), np.int64)
    chain2(cost1, varr1, off1, cost2, vdep2, off2, MU_MARS, RP_MARS, fb_weight, out_cost,
           out_m1, out_m2)

    best = np.full((n_k, width), np.inf)
    m1_ref = np.full((n_k, width), -1)
    m2_ref = np.full((n_k, width), -1)
    for k in range(n_k):
        for m1 in range(n1):
            mid = k + off1[m1]
            if mid >= n_k or cost1[k, m1] == np.inf:
                continue
            for m2 in range(n2):
                if cost2[mid, m2] == np.inf:
                    continue
                j = off1[m1] - m0_1 + off2[m2] - m0_2
                dv = flyby(*varr1[k, m1], *vdep2[mid, m2], MU_MARS, RP_MARS)[0]
                total = cost1[k, m1] + cost2[mid, m2] + fb_weight * dv
                if total < best[k, j]:
                    best[k, j], m1_ref[k, j], m2_ref[k, j] = total, m1, m2
    assert_array_equal(out_cost, best)
    assert_array_equal(out_m1, m1_ref)
    assert_array_equal(out_m2, m2_ref)
    assert np.isfinite(best).sum() > 20  # the grid is not trivially empty


@pytest.mark.parametrize("seed", range(6))
def test_combine_stay_is_the_brute_force_minimum_per_duration(seed):
    rng = np.random.default_rng(100 + seed)
    n_k, n_o, n_i, out_m0, in_m0, stay_lo, stay_hi = 16, 4, 3, 2, 1, 1, 3
    out_cost, in_cost = _costs(rng, (n_k, n_o)), _costs(rng, (n_k, n_i))
    n_d = n_k
    best, arg = np.empty(n_d), np.empty((n_d, 4), np.int64)
    combine_stay(out_cost, out_m0, in_cost, in_m0, stay_lo, stay_hi, best, arg)

    best_ref, arg_ref = np.full(n_d, np.inf), np.full((n_d, 4), -1)
    for k in range(n_k):
        for m in range(n_o):
            for st in range(stay_lo, stay_hi + 1):
                d = k + out_m0 + m + st
                for n in range(n_i):
                    if d >= n_k or out_cost[k, m] == np.inf or in_cost[d, n] == np.inf:
                        continue
                    dur = d + in_m0 + n - k
                    total = out_cost[k, m] + in_cost[d, n]
                    if dur < n_d and total < best_ref[dur]:
                        best_ref[dur], arg_ref[dur] = total, (k, m, st, n)
    assert_array_equal(best, best_ref)
    assert_array_equal(arg, arg_ref)
    assert np.isfinite(best_ref).sum() > 5


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("layers, fb_weight", [(1, 1.0), (3, 1.0), (2, 10.0)])
@pytest.mark.parametrize("lanes", [1, 2, 5])
def test_chain3_is_the_brute_force_minimum_per_duration(seed, layers, fb_weight, lanes):
    # The first of equal totals in loop order, whatever the lanes: with two
    # or more families, the second family of the last leg copies the first.
    rng = np.random.default_rng(200 + seed)
    n_k, m0_1, m0_2, m0_3 = 16, 1, 2, 1
    off1, off2, off3 = (_offsets(m0, 3, layers) for m0 in (m0_1, m0_2, m0_3))
    n1, n2, n3 = off1.size, off2.size, off3.size
    cost1, cost3 = _costs(rng, (n_k, n1)), _costs(rng, (n_k, n3))
    varr1, vdep2, varr2, vdep3 = (_vinf(rng, (n_k, n)) for n in (n1, n2, n2, n3))
    vdep2[rng.random((n_k, n2)) < 0.15] = np.nan  # middle legs without a solution
    varr2[np.isnan(vdep2)] = np.nan
    if layers > 1:
        cost3[:, 1::layers], vdep3[:, 1::layers] = cost3[:, ::layers], vdep3[:, ::layers]
    n_d = n_k
    best, arg = np.empty(n_d), np.empty((n_d, 4), np.int64)
    chain3(cost1, varr1, off1, vdep2, varr2, off2, cost3, vdep3, off3, MU_VENUS, RP_VENUS,
           MU_MARS, RP_MARS, fb_weight, lanes, best, arg)

    best_ref, arg_ref = np.full(n_d, np.inf), np.full((n_d, 4), -1)
    for k in range(n_k):
        for m1 in range(n1):
            p = k + off1[m1]
            if p >= n_k or cost1[k, m1] == np.inf:
                continue
            for m2 in range(n2):
                q = p + off2[m2]
                if q >= n_k or np.isnan(vdep2[p, m2, 0]):
                    continue
                fa = fb_weight * flyby(*varr1[k, m1], *vdep2[p, m2], MU_VENUS, RP_VENUS)[0]
                for m3 in range(n3):
                    dur = q + off3[m3] - k
                    if dur >= n_d or cost3[q, m3] == np.inf:
                        continue
                    fb = fb_weight * flyby(*varr2[p, m2], *vdep3[q, m3], MU_MARS, RP_MARS)[0]
                    # Summed in the kernel's order, so the floats are identical.
                    total = cost1[k, m1] + cost3[q, m3] + fa + fb
                    if total < best_ref[dur]:
                        best_ref[dur], arg_ref[dur] = total, (k, m1, m2, m3)
    assert_array_equal(best, best_ref)
    assert_array_equal(arg, arg_ref)
    assert np.isfinite(best_ref).sum() > 5


@pytest.mark.parametrize("lanes", [1, 2, 3])
def test_chain3_ties_across_departures_go_to_the_first(lanes):
    # Every date has the same legs, so every departure reaching a duration ties
    # there; the lanes see different departures, and the first must still win.
    rng = np.random.default_rng(7)
    n_k = 14
    off1, off2, off3 = (_offsets(m0, 3, 1) for m0 in (1, 2, 1))
    rows = [_costs(rng, (1, off1.size)), _costs(rng, (1, off3.size))]
    cost1, cost3 = (np.repeat(r, n_k, axis=0) for r in rows)
    varr1, vdep2, varr2, vdep3 = (np.repeat(_vinf(rng, (1, o.size)), n_k, axis=0)
                                  for o in (off1, off2, off2, off3))
    best, arg = np.empty(n_k), np.empty((n_k, 4), np.int64)
    chain3(cost1, varr1, off1, vdep2, varr2, off2, cost3, vdep3, off3, MU_VENUS, RP_VENUS,
           MU_MARS, RP_MARS, 1.0, lanes, best, arg)
    found = np.isfinite(best)
    assert found.sum() > 3
    assert np.all(arg[found, 0] == 0)


# --------------------------------------------------------------------------- mission_costs


_COST_CASES = [
    ("conjunction", None, {}),
    ("opposition", "venus", {}),
    ("flyby", "venus", {}),
    ("flyby", None, {"max_revs": 1}),
    ("opposition", None, {"aerocapture": True, "max_c3_km2s2": 20.0}),
    ("conjunction", None, {"max_c3_km2s2": 12.0, "max_dla_deg": 30.0,
                           "max_entry_speed_kms": 12.0, "earth_return": "capture"}),
    ("flyby", "venus", {"ballistic": True, "min_flyby_alt_km": 2000.0}),
]


@pytest.mark.parametrize("mission_class, venus, options", _COST_CASES)
def test_mission_costs_equal_assemble_mission(mission_class, venus, options):
    """The refinement's kernel prices missions as assemble_mission does, by another path.

    mission_costs (one numba pass: legs, swing-bys, burns, penalties) against
    assemble_mission (the Mission objects every result is built from), on
    missions scattered +-6 days around a 2033 grid front: the totals agree to
    1e-9 km/s (rounding: the two sum the same terms in other orders) and the
    kernel's penalty equals _violations (stays and durations hold by
    construction: the refinement's variables set them).
    """
    from marsplan.ephemeris import default_ephemeris
    from marsplan.transfer import missions as mm

    eph = default_ephemeris()
    search = {k: v for k, v in options.items() if k != "ballistic"}  # the grid's starts
    front = mm.mission_opportunities(2033, 2033, mission_class, venus, refine=False,
                                     **search).by_year(2033).front
    opts = mm.MissionOptions(**options).checked(mission_class)
    rng = np.random.default_rng(11)
    compared, penalised = 0, 0
    for m in front[:4]:
        side = None if m.venus_flyby_jd_tdb is None else (
            "out" if m.venus_flyby_jd_tdb < m.mars_arrival_jd_tdb else "in")
        stops = mm._stops(mission_class, side)
        x = mm._variables(m, stops)
        t = mm._event_dates(x + rng.normal(0.0, 6.0, (40, x.size)), stops, opts)
        window = (t[:, 0].min() - 1.0, t[:, 0].max() + 1.0)
        span = (t.min() - 1.0, t.max() + 1.0)
        specs = mm._leg_specs(m)
        total, bad = mm._batch_costs(t, stops, mission_class, opts, eph, window, span, specs)
        for row in np.flatnonzero(np.isfinite(total)):
            d = t[row]
            mars = stops.index("mars")
            try:
                ref = mm.assemble_mission(
                    d[0], d[mars], d[mars] if mission_class == "flyby" else d[mars + 1], d[-1],
                    mission_class=mission_class, options=opts, ephemeris=eph, leg_revs=specs,
                    venus_flyby=d[stops.index("venus")] if side else None)
            except MarsplanError:  # a date order assemble_mission refuses
                continue
            assert total[row] == pytest.approx(ref.dv_total_kms, abs=1e-9)
            assert bad[row] == pytest.approx(mm._violations(ref, opts), abs=1e-9)
            compared += 1
            penalised += bad[row] > 0.0
    assert compared >= 20
    limited = set(options) & {"max_c3_km2s2", "max_dla_deg", "max_entry_speed_kms",
                              "aerocapture", "ballistic"}
    assert (penalised > 0) == bool(limited)  # the penalties are exercised, not all zero
