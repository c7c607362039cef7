"""The round-trip kernels against plain Python: the leg grid against marsplan.lambert,
and the chain/stay combinations against brute-force loops on tiny random grids.

The combination kernels only add costs and pick minima, so on the same inputs
a brute-force loop in the same order must give the same floats and the same
indices: the comparisons are exact. Their flyby delta-v comes from the flyby
kernel, tested on its own in test_flyby.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from marsplan import lambert
from marsplan.constants import EQUATORIAL_RADIUS_KM, GM_KM3S2
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
    leg_grid(r_e, v_e, r_m, v_m, jd, m0, n_m, GM_SUN, _guess_table(), vdep, varr)
    return dict(jd=jd, r_e=r_e, v_e=v_e, r_m=r_m, v_m=v_m, m0=m0, n_m=n_m, vdep=vdep, varr=varr)


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


# --------------------------------------------------------------------------- tiny grids


def _costs(rng, shape, p_inf=0.2):
    cost = rng.uniform(0.0, 5.0, shape)
    cost[rng.random(shape) < p_inf] = np.inf
    return cost


def _vinf(rng, shape):
    """v-infinity vectors of 3-7 km/s in random directions: flybys of every kind."""
    v = rng.normal(size=shape + (3,))
    return v / np.linalg.norm(v, axis=-1, keepdims=True) * rng.uniform(3.0, 7.0, shape)[..., None]


@pytest.mark.parametrize("seed", range(6))
def test_chain2_is_the_brute_force_minimum(seed):
    rng = np.random.default_rng(seed)
    n_k, n1, n2, m0_1, m0_2 = 14, 4, 5, 2, 1
    cost1, cost2 = _costs(rng, (n_k, n1)), _costs(rng, (n_k, n2))
    varr1, vdep2 = _vinf(rng, (n_k, n1)), _vinf(rng, (n_k, n2))
    width = n1 + n2 - 1
    out_cost, out_mid, out_fb = np.empty((n_k, width)), np.empty((n_k, width), np.int64), \
        np.empty((n_k, width))
    chain2(cost1, varr1, m0_1, cost2, vdep2, m0_2, MU_MARS, RP_MARS, out_cost, out_mid, out_fb)

    best = np.full((n_k, width), np.inf)
    mid_ref = np.full((n_k, width), -1)
    fb_ref = np.full((n_k, width), np.nan)
    for k in range(n_k):
        for m1 in range(n1):
            mid = k + m0_1 + m1
            if mid >= n_k or cost1[k, m1] == np.inf:
                continue
            for m2 in range(n2):
                if cost2[mid, m2] == np.inf:
                    continue
                dv = flyby(*varr1[k, m1], *vdep2[mid, m2], MU_MARS, RP_MARS)[0]
                total = cost1[k, m1] + cost2[mid, m2] + dv
                if total < best[k, m1 + m2]:
                    best[k, m1 + m2], mid_ref[k, m1 + m2], fb_ref[k, m1 + m2] = total, mid, dv
    assert_array_equal(out_cost, best)
    assert_array_equal(out_mid, mid_ref)
    assert_array_equal(out_fb, fb_ref)
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
def test_chain3_is_the_brute_force_minimum_per_duration(seed):
    rng = np.random.default_rng(200 + seed)
    n_k, n1, n2, n3, m0_1, m0_2, m0_3 = 16, 3, 3, 3, 1, 2, 1
    cost1, cost3 = _costs(rng, (n_k, n1)), _costs(rng, (n_k, n3))
    varr1, vdep2, varr2, vdep3 = (_vinf(rng, (n_k, n)) for n in (n1, n2, n2, n3))
    vdep2[rng.random((n_k, n2)) < 0.15] = np.nan  # middle legs without a solution
    varr2[np.isnan(vdep2)] = np.nan
    n_d = n_k
    best, arg = np.empty(n_d), np.empty((n_d, 4), np.int64)
    chain3(cost1, varr1, m0_1, vdep2, varr2, m0_2, cost3, vdep3, m0_3, MU_VENUS, RP_VENUS,
           MU_MARS, RP_MARS, best, arg)

    best_ref, arg_ref = np.full(n_d, np.inf), np.full((n_d, 4), -1)
    for k in range(n_k):
        for m1 in range(n1):
            p = k + m0_1 + m1
            if p >= n_k or cost1[k, m1] == np.inf:
                continue
            for m2 in range(n2):
                q = p + m0_2 + m2
                if q >= n_k or np.isnan(vdep2[p, m2, 0]):
                    continue
                fa = flyby(*varr1[k, m1], *vdep2[p, m2], MU_VENUS, RP_VENUS)[0]
                for m3 in range(n3):
                    dur = q + m0_3 + m3 - k
                    if dur >= n_d or cost3[q, m3] == np.inf:
                        continue
                    fb = flyby(*varr2[p, m2], *vdep3[q, m3], MU_MARS, RP_MARS)[0]
                    # Summed in the kernel's order, so the floats are identical.
                    total = cost1[k, m1] + cost3[q, m3] + fa + fb
                    if total < best_ref[dur]:
                        best_ref[dur], arg_ref[dur] = total, (k, m1, m2, m3)
    assert_array_equal(best, best_ref)
    assert_array_equal(arg, arg_ref)
    assert np.isfinite(best_ref).sum() > 5
