"""Round-trip searches on a common date grid, as numba kernels.

Every leg runs between two dates of one evenly spaced axis ``jd`` (TDB JD): a
leg grid ``[k, m]`` leaves on date ``k`` and arrives on date ``k + m0 + m``.
Leg costs (km/s) are precomputed per cell; these kernels combine legs through
flybys and stays and keep, for every total duration on the grid, the cheapest
combination (so the delta-v / duration Pareto front comes for free).
Plain arrays only; infinite cost marks an excluded cell.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from marsplan.kernels.flyby import flyby
from marsplan.kernels.lambert import _BLOCK, SOLVED, block_buffers, solve_block

_DAY_S = 86_400.0
_PROGRADE = np.ones(1, dtype=np.bool_)


@njit(cache=True, parallel=True)
def leg_grid(r_dep, v_dep, r_arr, v_arr, jd, off, revs, low_path, mu, table, vinf_dep,
             vinf_arr):
    """v-infinity vectors of every prograde leg on the grid, any revolutions.

    r_dep, v_dep: (K, 3) departure body states; r_arr, v_arr: (K, 3) arrival
    body states, on the dates ``jd`` (K,). Cell [k, m] flies from date k to
    date k + off[m] with revs[m] complete revolutions on branch low_path[m]
    (off (M,) non-decreasing int64, revs (M,) int64, low_path (M,) bool: a
    leg's solution families side by side). Cells past the axis or without a
    solution get NaN. Outputs vinf_dep, vinf_arr: (K, M, 3) km/s, relative to
    the bodies.
    """
    n_k = jd.shape[0]
    n_m = off.shape[0]
    for k in prange(n_k):
        r1, r2, tof, v1, v2, code = block_buffers()
        for b in range(_BLOCK):
            r1[b, 0] = r_dep[k, 0]
            r1[b, 1] = r_dep[k, 1]
            r1[b, 2] = r_dep[k, 2]
        for lo in range(0, n_m, _BLOCK):
            hi = min(n_m, lo + _BLOCK)
            # Offsets are sorted: the cells before n reach dates on the axis.
            n = 0
            while lo + n < hi and k + off[lo + n] < n_k:
                n += 1
            for b in range(n, hi - lo):
                for c in range(3):
                    vinf_dep[k, lo + b, c] = np.nan
                    vinf_arr[k, lo + b, c] = np.nan
            if n == 0:
                continue
            for b in range(n):
                a = k + off[lo + b]
                tof[b] = (jd[a] - jd[k]) * _DAY_S
                r2[b, 0] = r_arr[a, 0]
                r2[b, 1] = r_arr[a, 1]
                r2[b, 2] = r_arr[a, 2]
            solve_block(r1[:n], r2[:n], tof[:n], mu, revs[lo:lo + n], _PROGRADE,
                        low_path[lo:lo + n], v1[:n], v2[:n], code[:n], table)
            for b in range(n):
                a = k + off[lo + b]
                for c in range(3):
                    if code[b] == SOLVED:
                        vinf_dep[k, lo + b, c] = v1[b, c] - v_dep[k, c]
                        vinf_arr[k, lo + b, c] = v2[b, c] - v_arr[a, c]
                    else:
                        vinf_dep[k, lo + b, c] = np.nan
                        vinf_arr[k, lo + b, c] = np.nan


# prange splits its range into one even slice per thread. The departures with
# work (a finite first leg) fill only the start of the date axis, the rest of it
# serving later legs, so slicing 0..K gave one thread every departure and the
# other none (2 threads, 196 of 470 dates). Rows are dealt out in turn instead.
_DEAL = 64


# Bounds prune a candidate only when they exceed the incumbent by this much,
# km/s: a lower bound and the exact value it bounds, computed by different
# formulas, may round apart by a few ulps, and a tie must still be compared.
_PRUNE_MARGIN_KMS = 1e-9
# An incumbent that is none yet: finite, so that an excluded cell's infinite
# bound never passes a "bound <= incumbent" test.
_NONE = 1e300


@njit(cache=True)
def _rows_with_work(cost):
    """Indices of the rows of cost (K, M) holding a finite value."""
    rows = np.empty(cost.shape[0], dtype=np.int64)
    n = 0
    for k in range(cost.shape[0]):
        for m in range(cost.shape[1]):
            if cost[k, m] < np.inf:
                rows[n] = k
                n += 1
                break
    return rows[:n]


@njit(cache=True)
def _flyby_lower_bound(vin2, vout2, mu, rp):
    # A tangential periapsis impulse can do no better than joining the two
    # periapsis speeds at the lowest periapsis: a cheap bound to prune with.
    return abs(vout2 - vin2) / (math.sqrt(vout2 + 2.0 * mu / rp) + math.sqrt(vin2 + 2.0 * mu / rp))


@njit(cache=True)
def _pair_before(m1, m2, out_m1, out_m2):
    """(m1, m2) comes before (out_m1, out_m2) in loop order (-1: no cell yet)."""
    if out_m1 < 0:
        return True
    return m1 < out_m1 or (m1 == out_m1 and m2 < out_m2)


@njit(cache=True, parallel=True)
def chain2(cost1, varr1, off1, cost2, vdep2, off2, mu, rp_min, fb_weight, out_cost, out_m1,
           out_m2):
    """Two legs through a flyby: the cheapest middle cell for every (start, end).

    cost1 (K, M1), varr1 (K, M1, 3): first leg's cost and arrival v-infinity,
    cell [k, m1] arriving on date k + off1[m1]; cost2 (K, M2), vdep2 (K, M2,
    3), off2: the second leg's (offsets sorted, as :func:`leg_grid` takes
    them). out_cost[k, j] (K, J) is the least cost1 + fb_weight * flyby dv +
    cost2 over the routes from date k to date k + off1[0] + off2[0] + j;
    out_m1, out_m2 hold the two legs' cells (-1 where none): of equal totals,
    the first in (m1, m2) order.

    Per start date, two passes. The first finds, for each end, the route of
    least lower bound (the legs and the cheap bound on the flyby) and solves
    its flyby: a near-best incumbent for every end at one flyby each. The
    second goes through all routes and solves a flyby only where the bound
    could beat the incumbent (by _PRUNE_MARGIN_KMS: ties are still compared).
    Most of the flybys the single pass solved, improving its incumbents one
    route at a time, are never solved.
    """
    n_k, n1 = cost1.shape
    n2 = cost2.shape[1]
    n_j = out_cost.shape[1]
    base1 = off1[0]
    base2 = off2[0]
    for k in prange(n_k):
        for j in range(n_j):
            out_cost[k, j] = np.inf
            out_m1[k, j] = -1
            out_m2[k, j] = -1
    rows = _rows_with_work(cost1)
    for deal in prange(_DEAL):
        seed = np.empty(n_j)
        seed_m1 = np.empty(n_j, dtype=np.int64)
        seed_m2 = np.empty(n_j, dtype=np.int64)
        for i in range(deal, rows.shape[0], _DEAL):
            k = rows[i]
            for j in range(n_j):
                seed[j] = np.inf
                seed_m1[j] = -1
            for full in range(2):  # 0: find the seeds; 1: every route against them
                if full:
                    for j in range(n_j):
                        m1 = seed_m1[j]
                        if m1 < 0:
                            continue
                        m2 = seed_m2[j]
                        mid = k + off1[m1]
                        dv, rp, turn = flyby(varr1[k, m1, 0], varr1[k, m1, 1], varr1[k, m1, 2],
                                             vdep2[mid, m2, 0], vdep2[mid, m2, 1],
                                             vdep2[mid, m2, 2], mu, rp_min)
                        total = cost1[k, m1] + cost2[mid, m2] + fb_weight * dv
                        if total < np.inf:
                            out_cost[k, j] = total
                            out_m1[k, j] = m1
                            out_m2[k, j] = m2
                for m1 in range(n1):
                    c1 = cost1[k, m1]
                    if not c1 < np.inf:
                        continue
                    mid = k + off1[m1]
                    if mid >= n_k:
                        break
                    ax, ay, az = varr1[k, m1, 0], varr1[k, m1, 1], varr1[k, m1, 2]
                    vin2 = ax * ax + ay * ay + az * az
                    j1 = off1[m1] - base1
                    for m2 in range(n2):
                        c2 = cost2[mid, m2]
                        if not c2 < np.inf:
                            continue
                        j = j1 + off2[m2] - base2
                        base = c1 + c2
                        if full and (base - _PRUNE_MARGIN_KMS > out_cost[k, j] or (
                                m1 == seed_m1[j] and m2 == seed_m2[j])):
                            continue  # cannot win, or solved as the seed
                        bx, by, bz = vdep2[mid, m2, 0], vdep2[mid, m2, 1], vdep2[mid, m2, 2]
                        bound = base + fb_weight * _flyby_lower_bound(
                            vin2, bx * bx + by * by + bz * bz, mu, rp_min)
                        if not full:
                            if bound < seed[j]:
                                seed[j] = bound
                                seed_m1[j] = m1
                                seed_m2[j] = m2
                            continue
                        if bound - _PRUNE_MARGIN_KMS > out_cost[k, j]:
                            continue
                        dv, rp, turn = flyby(ax, ay, az, bx, by, bz, mu, rp_min)
                        total = base + fb_weight * dv
                        if total < out_cost[k, j] or (total == out_cost[k, j] and _pair_before(
                                m1, m2, out_m1[k, j], out_m2[k, j])):
                            out_cost[k, j] = total
                            out_m1[k, j] = m1
                            out_m2[k, j] = m2


@njit(cache=True)
def _best_by_duration(local, local_arg, best, arg):
    """Reduce per-start bests local (K, D), local_arg (K, D, 3) to best (D,), arg (D, 4)."""
    for dur in range(best.shape[0]):
        best[dur] = np.inf
        for c in range(4):
            arg[dur, c] = -1
        for k in range(local.shape[0]):
            if local[k, dur] < best[dur]:
                best[dur] = local[k, dur]
                arg[dur, 0] = k
                for c in range(3):
                    arg[dur, c + 1] = local_arg[k, dur, c]


@njit(cache=True, parallel=True)
def _stay_then_return(in_cost, in_m0, stay_lo, stay_hi, rest, rest_arg):
    """For each Mars arrival date a: the cheapest stay and inbound leg per end date.

    rest[a, j] (K, J) is the least in_cost[a + st, n] over stays st in
    [stay_lo, stay_hi] and legs n with (st - stay_lo) + n == j, i.e. Earth
    arrival on date a + stay_lo + in_m0 + j; rest_arg[a, j] holds (st, n).
    """
    n_k, n_i = in_cost.shape
    for a in prange(n_k):
        for j in range(rest.shape[1]):
            rest[a, j] = np.inf
            rest_arg[a, j, 0] = -1
            rest_arg[a, j, 1] = -1
        for st in range(stay_lo, stay_hi + 1):
            d = a + st
            if d >= n_k:
                break
            for n in range(n_i):
                ci = in_cost[d, n]
                j = st - stay_lo + n
                if ci < rest[a, j]:
                    rest[a, j] = ci
                    rest_arg[a, j, 0] = st
                    rest_arg[a, j, 1] = n


@njit(cache=True, parallel=True)
def combine_stay(out_cost, out_m0, in_cost, in_m0, stay_lo, stay_hi, best, arg):
    """Outbound, a stay, inbound: the cheapest mission for every duration.

    out_cost (K, Mo): outbound from date k arriving k + out_m0 + m; in_cost
    (K, Mi): inbound from date d arriving d + in_m0 + n; stays from stay_lo to
    stay_hi date steps. best (D,) receives, per duration index (steps from
    Earth departure to Earth arrival), the least total; arg (D, 4) the
    (k, m, stay, n) that gives it.

    The stay and inbound leg are first reduced per (Mars arrival, Earth
    arrival) date, so the work is K (Mo + S Mi) + K Mo (S + Mi) rather than
    K Mo S Mi (a conjunction: 20 times less).
    """
    n_k, n_o = out_cost.shape
    n_i = in_cost.shape[1]
    n_d = best.shape[0]
    n_j = stay_hi - stay_lo + n_i
    rest = np.empty((n_k, n_j))
    rest_arg = np.empty((n_k, n_j, 2), dtype=np.int64)
    _stay_then_return(in_cost, in_m0, stay_lo, stay_hi, rest, rest_arg)
    local = np.full((n_k, n_d), np.inf)
    local_arg = np.full((n_k, n_d, 3), -1, dtype=np.int64)
    rows = _rows_with_work(out_cost)
    for deal in prange(_DEAL):
        for i in range(deal, rows.shape[0], _DEAL):
            k = rows[i]
            for m in range(n_o):
                co = out_cost[k, m]
                if not co < np.inf:
                    continue
                a = k + out_m0 + m
                if a >= n_k:
                    break
                for j in range(n_j):
                    dur = a + stay_lo + in_m0 + j - k
                    if dur >= n_d:
                        break
                    total = co + rest[a, j]
                    if total < local[k, dur]:
                        local[k, dur] = total
                        local_arg[k, dur, 0] = m
                        local_arg[k, dur, 1] = rest_arg[a, j, 0]
                        local_arg[k, dur, 2] = rest_arg[a, j, 1]
    _best_by_duration(local, local_arg, best, arg)


@njit(cache=True)
def _key_before(k, m1, m2, m3, key):
    """(k, m1, m2, m3) comes before key (4,) in loop order: the tie-break of chain3."""
    if k != key[0]:
        return k < key[0]
    if m1 != key[1]:
        return m1 < key[1]
    if m2 != key[2]:
        return m2 < key[2]
    return m3 < key[3]


@njit(cache=True, parallel=True)
def _tail_bounds(varr2, off2, cost3, vdep3, mu_b, rp_b, fb_weight, tail):
    """tail[p, m2, m3]: a lower bound on flyby b plus leg 3's cost (inf: no route)."""
    n_k, n2 = varr2.shape[0], varr2.shape[1]
    n3 = cost3.shape[1]
    for p in prange(n_k):
        for m2 in range(n2):
            q = p + off2[m2]
            cx, cy, cz = varr2[p, m2, 0], varr2[p, m2, 1], varr2[p, m2, 2]
            if q >= n_k or not cx == cx:
                for m3 in range(n3):
                    tail[p, m2, m3] = np.inf
                continue
            vc = cx * cx + cy * cy + cz * cz
            for m3 in range(n3):
                c3 = cost3[q, m3]
                if c3 < np.inf:
                    dx, dy, dz = vdep3[q, m3, 0], vdep3[q, m3, 1], vdep3[q, m3, 2]
                    tail[p, m2, m3] = c3 + fb_weight * _flyby_lower_bound(
                        vc, dx * dx + dy * dy + dz * dz, mu_b, rp_b)
                else:
                    tail[p, m2, m3] = np.inf


@njit(cache=True, parallel=True)
def chain3(cost1, varr1, off1, vdep2, varr2, off2, cost3, vdep3, off3, mu_a, rp_a, mu_b,
           rp_b, fb_weight, lanes, best, arg):
    """Three legs through two flybys (a free return with a Venus swing-by).

    Leg 1 [k, m1] (cost1: departure), leg 2 [p, m2] (no cost of its own),
    leg 3 [q, m3] (cost3: return), each cell arriving on its departure date
    plus off1/off2/off3 (sorted offsets, as :func:`leg_grid` takes them);
    flyby a joins legs 1-2, flyby b legs 2-3, their dv counted fb_weight
    times. best (D,) receives the least total per duration index (first to
    last date), arg (D, 4) its (k, m1, m2, m3): of equal totals, the first
    in that loop order.

    Branch and bound. The departures are dealt to ``lanes`` lanes (pass the
    thread count: numba's get_num_threads would keep the kernel out of the
    cache), cheapest first leg first; each lane keeps the best total per
    duration over its departures, which prunes far more than a best per
    departure. For a (k, m1, m2), one pass over the last legs
    compares a lower bound (leg 1, the cheap bound on flyby a, and a table of
    the bound on flyby b plus leg 3) with those bests; only when one could
    improve is flyby a solved, then flyby b where still needed (kept in a
    table: it depends on (p, m2, m3) only). Bounds prune only what is worse
    by _PRUNE_MARGIN_KMS, and ties are broken by loop order, so the answer
    does not depend on the thread count.
    """
    n_k, n1 = cost1.shape
    n2 = vdep2.shape[1]
    n3 = cost3.shape[1]
    n_d = best.shape[0]
    n_t = max(lanes, 1)
    thread_best = np.full((n_t, n_d), _NONE)
    thread_arg = np.full((n_t, n_d, 4), -1, dtype=np.int64)
    tail = np.empty((n_k, n2, n3))
    _tail_bounds(varr2, off2, cost3, vdep3, mu_b, rp_b, fb_weight, tail)
    # Solved flyby b, -1 where not yet: one 8-byte store, so a thread reads
    # either -1 or the value; two threads may both solve a cell (same value).
    fb_table = np.full((n_k, n2, n3), -1.0)
    rows = _rows_with_work(cost1)
    cheapest = np.empty(rows.shape[0])
    for i in range(rows.shape[0]):
        cheapest[i] = np.min(cost1[rows[i]])
    rows = rows[np.argsort(cheapest, kind="mergesort")]
    for t in prange(n_t):
        local = thread_best[t]
        local_arg = thread_arg[t]
        for i in range(t, rows.shape[0], n_t):
            k = rows[i]
            for m1 in range(n1):
                c1 = cost1[k, m1]
                if not c1 < np.inf:
                    continue
                p = k + off1[m1]
                if p >= n_k:
                    break
                ax, ay, az = varr1[k, m1, 0], varr1[k, m1, 1], varr1[k, m1, 2]
                va = ax * ax + ay * ay + az * az
                for m2 in range(n2):
                    q = p + off2[m2]
                    if q >= n_k:
                        break
                    bx, by, bz = vdep2[p, m2, 0], vdep2[p, m2, 1], vdep2[p, m2, 2]
                    if not bx == bx:
                        continue
                    head = c1 + fb_weight * _flyby_lower_bound(
                        va, bx * bx + by * by + bz * bz, mu_a, rp_a) - _PRUNE_MARGIN_KMS
                    start = q - k
                    n_hi = n3  # last legs ending on the grid (off3 sorted)
                    while n_hi > 0 and start + off3[n_hi - 1] >= n_d:
                        n_hi -= 1
                    hit = False
                    for m3 in range(n_hi):
                        hit |= head + tail[p, m2, m3] <= local[start + off3[m3]]
                    if not hit:
                        continue
                    fa, rp, turn = flyby(ax, ay, az, bx, by, bz, mu_a, rp_a)
                    if not fa == fa:
                        continue
                    fa *= fb_weight
                    head = c1 + fa - _PRUNE_MARGIN_KMS
                    for m3 in range(n_hi):
                        dur = start + off3[m3]
                        if not head + tail[p, m2, m3] <= local[dur]:
                            continue
                        fb = fb_table[p, m2, m3]
                        if fb < 0.0:
                            cx, cy, cz = varr2[p, m2, 0], varr2[p, m2, 1], varr2[p, m2, 2]
                            dx, dy, dz = vdep3[q, m3, 0], vdep3[q, m3, 1], vdep3[q, m3, 2]
                            fb, rp, turn = flyby(cx, cy, cz, dx, dy, dz, mu_b, rp_b)
                            fb_table[p, m2, m3] = fb
                        total = c1 + cost3[q, m3] + fa + fb_weight * fb
                        if total < local[dur] or (total == local[dur] and _key_before(
                                k, m1, m2, m3, local_arg[dur])):
                            local[dur] = total
                            local_arg[dur, 0] = k
                            local_arg[dur, 1] = m1
                            local_arg[dur, 2] = m2
                            local_arg[dur, 3] = m3
    for dur in range(n_d):
        best[dur] = np.inf
        for c in range(4):
            arg[dur, c] = -1
        for t in range(n_t):
            v = thread_best[t, dur]
            if v < _NONE and (v < best[dur] or (v == best[dur] and _key_before(
                    thread_arg[t, dur, 0], thread_arg[t, dur, 1], thread_arg[t, dur, 2],
                    thread_arg[t, dur, 3], arg[dur]))):
                best[dur] = v
                for c in range(4):
                    arg[dur, c] = thread_arg[t, dur, c]


#: Kinds of a mission's inner stops in :func:`mission_costs`.
STOP_FLYBY = 0
STOP_MARS_ARRIVAL = 1
STOP_MARS_DEPARTURE = 2


@njit(cache=True)
def _hyperbola_dv(vinf, two_mu_rp, v_peri):
    """Periapsis impulse between an orbit (speed v_peri there) and a hyperbola."""
    return math.sqrt(vinf * vinf + two_mu_rp) - v_peri


@njit(cache=True)
def mission_costs(r, v, tc, ok, mu, leg_first, leg_revs, leg_low, leg_tof, stop_kind, stop_a,
                  stop_b, earth_departure, ecl_z, aero, earth_return, ballistic_tol, table,
                  total, bad):
    """Total delta-v and constraint violation of N missions through S stops, in one call.

    r, v (S, N, 3): the stops' heliocentric states (km, km/s) on dates tc (N,
    S) (TDB JD), mu the Sun's GM. ok (N,): missions still eligible, cleared here where a leg
    leaves its flight-time range or has no Lambert solution. Legs (L,): from
    stop leg_first[l] to the next, with leg_revs, leg_low (branch) and
    leg_tof (L, 2) days. Inner stops: stop_kind (S,) (STOP_*; the first and
    last are the Earth), with stop_a, stop_b the flyby's GM and least
    periapsis radius, or the Mars orbit's 2 GM / r_p and periapsis speed.
    earth_departure: 2 GM / r_p, periapsis speed, C3 limit, |DLA| limit
    (deg; inf: none); ecl_z: the ecliptic-to-EME2000 matrix's z row; aero:
    (1 for aerocapture, its v-infinity limit); earth_return: (1 for capture,
    0 for entry; 2 GM / r_p; periapsis speed or entry speed limit; 2 GM / r
    at the entry interface; entry speed limit, inf: none); ballistic_tol:
    the powered swing-by allowance (inf: any). Outputs total (N,) km/s (inf
    where not ok) and bad (N,), the weighted violation.
    """
    n = tc.shape[0]
    n_legs = leg_first.shape[0]
    n_stops = tc.shape[1]
    vdep = np.empty((n_stops, n, 3))  # v-infinity leaving stop s (its leg's start)
    varr = np.empty((n_stops, n, 3))  # v-infinity reaching stop s
    r1, r2, tof, v1, v2, code = block_buffers()
    for leg in range(n_legs):
        a = leg_first[leg]
        revs = leg_revs[leg:leg + 1]
        low = leg_low[leg:leg + 1]
        for lo in range(0, n, _BLOCK):
            hi = min(n, lo + _BLOCK)
            for i in range(lo, hi):
                days = tc[i, a + 1] - tc[i, a]
                if not leg_tof[leg, 0] <= days <= leg_tof[leg, 1]:
                    ok[i] = False
                tof[i - lo] = max(days, 1.0) * _DAY_S
                for c in range(3):
                    r1[i - lo, c] = r[a, i, c]
                    r2[i - lo, c] = r[a + 1, i, c]
            m = hi - lo
            solve_block(r1[:m], r2[:m], tof[:m], mu, revs, _PROGRADE, low, v1[:m], v2[:m],
                        code[:m], table)
            for i in range(lo, hi):
                if code[i - lo] != SOLVED:
                    ok[i] = False
                for c in range(3):
                    vdep[a, i, c] = v1[i - lo, c] - v[a, i, c]
                    varr[a + 1, i, c] = v2[i - lo, c] - v[a + 1, i, c]
    for i in range(n):
        bad[i] = 0.0
        if not ok[i]:
            total[i] = np.inf
            continue
        x, y, z = vdep[0, i, 0], vdep[0, i, 1], vdep[0, i, 2]
        c3 = x * x + y * y + z * z
        vinf = math.sqrt(c3)
        dv = _hyperbola_dv(vinf, earth_departure[0], earth_departure[1])
        if c3 > earth_departure[2]:
            bad[i] += c3 - earth_departure[2]
        if earth_departure[3] < np.inf:
            s = (x * ecl_z[0] + y * ecl_z[1] + z * ecl_z[2]) / vinf
            dla = math.degrees(math.asin(min(1.0, max(-1.0, s))))
            if abs(dla) > earth_departure[3]:
                bad[i] += abs(dla) - earth_departure[3]
        powered = 0.0
        for s in range(1, n_stops - 1):
            kind = stop_kind[s]
            if kind == STOP_FLYBY:
                f, rp, turn = flyby(varr[s, i, 0], varr[s, i, 1], varr[s, i, 2], vdep[s, i, 0],
                                    vdep[s, i, 1], vdep[s, i, 2], stop_a[s], stop_b[s])
                dv += f
                powered += f
            elif kind == STOP_MARS_ARRIVAL:
                va = math.sqrt(varr[s, i, 0] ** 2 + varr[s, i, 1] ** 2 + varr[s, i, 2] ** 2)
                if aero[0] > 0.0:
                    if va > aero[1]:
                        dv = np.inf
                        bad[i] += 10.0 * (va - aero[1])
                else:
                    dv += _hyperbola_dv(va, stop_a[s], stop_b[s])
            else:
                vd = math.sqrt(vdep[s, i, 0] ** 2 + vdep[s, i, 1] ** 2 + vdep[s, i, 2] ** 2)
                dv += _hyperbola_dv(vd, stop_a[s], stop_b[s])
        last = n_stops - 1
        ve = math.sqrt(varr[last, i, 0] ** 2 + varr[last, i, 1] ** 2 + varr[last, i, 2] ** 2)
        entry = math.sqrt(ve * ve + earth_return[3])
        if earth_return[0] > 0.0:
            dv += _hyperbola_dv(ve, earth_return[1], earth_return[2])
        else:
            dv += max(0.0, entry - earth_return[2])
        if entry > earth_return[4]:
            bad[i] += 10.0 * (entry - earth_return[4])
        if powered > ballistic_tol:
            bad[i] += 10.0 * (powered - ballistic_tol)
        total[i] = dv if dv < np.inf else np.inf
