"""Porkchop grids: every (departure, arrival) pair solved by Lambert in one kernel.

Plain arrays in km, s, km/s and TDB Julian dates; no I/O, no classes. Each
launch row is solved in blocks of arrival columns with the Lambert block solver,
then reduced to the quantities a porkchop shows, so no (N, 3) copies of the
ephemeris states are ever made.

Several solution families can be solved in one call (:func:`porkchop_families`):
zero revolutions, and for each ``revs >= 1`` the two branches of Izzo's T(x)
(``low_path`` True: the right branch, larger x; False: the left one). A
multi-revolution family is solved along each launch row by continuation: the
previous cells' solutions, extrapolated, seed Householder's iteration, and the
branch of the root is checked by the sign of dT/dx (positive on the right
branch, negative on the left: T(x) has one minimum for revs >= 1, Izzo 2015
sec. 2.4). A guess that fails either test falls back to the stand-alone solver.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from marsplan.kernels.lambert import (
    _BLOCK,
    _FASTMATH,
    BAD_TOF,
    NO_SOLUTION,
    NOT_CONVERGED,
    SOLVED,
    _dtdx,
    _householder,
    _reduce,
    _tof,
    _velocities,
    solve_block,
)

_DAY_S = 86_400.0
_PI = math.pi
# Householder's stopping step for a multi-revolution solve, as lambert_one uses:
# third-order convergence leaves an error ~K * 1e-24 after a step below it.
_MULTI_TOL = 1e-8
# The same from a continued guess (~1e-6 from the root on a fine grid): one
# step lands within ~K * 1e-18; a step below 1e-5 leaves at most ~K * 1e-15.
_CONTINUE_TOL = 1e-5


@njit(cache=True, fastmath=_FASTMATH)
def _fail(s, i, j, code, tof_s, c3, dla_deg, rla_deg, vinf_arr, dec_arr_deg, transfer_type,
          status):
    status[s, i, j] = code
    if tof_s <= 0.0 and code != BAD_TOF:
        status[s, i, j] = BAD_TOF
    c3[s, i, j] = np.nan
    dla_deg[s, i, j] = np.nan
    rla_deg[s, i, j] = np.nan
    vinf_arr[s, i, j] = np.nan
    dec_arr_deg[s, i, j] = np.nan
    transfer_type[s, i, j] = 0


@njit(cache=True, fastmath=_FASTMATH)
def _store(s, i, j, a, v1, v2, type_base, r_dep, v_dep, m_dep, r_arr, v_arr, m_arr, c3,
           dla_deg, rla_deg, vinf_arr, dec_arr_deg, transfer_type, status):
    """Reduce one solved cell's terminal velocities to the porkchop's quantities."""
    status[s, i, j] = SOLVED
    dx = v1[0] - v_dep[i, 0]
    dy = v1[1] - v_dep[i, 1]
    dz = v1[2] - v_dep[i, 2]
    c3v = dx * dx + dy * dy + dz * dz
    c3[s, i, j] = c3v
    ex = m_dep[i, 0, 0] * dx + m_dep[i, 0, 1] * dy + m_dep[i, 0, 2] * dz
    ey = m_dep[i, 1, 0] * dx + m_dep[i, 1, 1] * dy + m_dep[i, 1, 2] * dz
    ez = m_dep[i, 2, 0] * dx + m_dep[i, 2, 1] * dy + m_dep[i, 2, 2] * dz
    vd = math.sqrt(c3v)
    dla_deg[s, i, j] = math.degrees(math.asin(min(1.0, max(-1.0, ez / vd))))
    rla = math.degrees(math.atan2(ey, ex))
    rla_deg[s, i, j] = rla + 360.0 if rla < 0.0 else rla
    ax = v2[0] - v_arr[a, 0]
    ay = v2[1] - v_arr[a, 1]
    az = v2[2] - v_arr[a, 2]
    va = math.sqrt(ax * ax + ay * ay + az * az)
    vinf_arr[s, i, j] = va
    pz = m_arr[a, 2, 0] * ax + m_arr[a, 2, 1] * ay + m_arr[a, 2, 2] * az
    dec_arr_deg[s, i, j] = math.degrees(math.asin(min(1.0, max(-1.0, pz / va))))
    # Transfer angle beyond 180 deg (prograde) when (r1 x r2)_z < 0.
    hz = r_dep[i, 0] * r_arr[a, 1] - r_dep[i, 1] * r_arr[a, 0]
    transfer_type[s, i, j] = type_base + (1 if hz >= 0.0 else 2)


@njit(cache=True, fastmath=_FASTMATH)
def _row_zero_rev(s, i, r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift, mu,
                  type_base, table, c3, dla_deg, rla_deg, vinf_arr, dec_arr_deg, transfer_type,
                  status):
    """Zero-revolution cells of launch row ``i`` into family ``s``, in blocks."""
    n_cols = c3.shape[2]
    n_blocks = (n_cols + _BLOCK - 1) // _BLOCK
    rev_arr = np.zeros(1, dtype=np.int64)
    prograde = np.ones(1, dtype=np.bool_)
    path = np.ones(1, dtype=np.bool_)
    r1 = np.empty((_BLOCK, 3))
    tof = np.empty(_BLOCK)
    v1 = np.empty((_BLOCK, 3))
    v2 = np.empty((_BLOCK, 3))
    code = np.empty(_BLOCK, dtype=np.int8)
    for k in range(_BLOCK):
        r1[k, 0] = r_dep[i, 0]
        r1[k, 1] = r_dep[i, 1]
        r1[k, 2] = r_dep[i, 2]
    for b in range(n_blocks):
        lo = b * _BLOCK
        hi = min(n_cols, lo + _BLOCK)
        a0 = lo + shift * i
        n = hi - lo
        for k in range(n):
            tof[k] = (jd_arr[a0 + k] - jd_dep[i]) * _DAY_S
        solve_block(r1[:n], r_arr[a0:a0 + n], tof[:n], mu, rev_arr, prograde, path,
                    v1[:n], v2[:n], code[:n], table)
        for k in range(n):
            if code[k] != SOLVED:
                _fail(s, i, lo + k, code[k], tof[k], c3, dla_deg, rla_deg, vinf_arr,
                      dec_arr_deg, transfer_type, status)
            else:
                _store(s, i, lo + k, a0 + k, v1[k], v2[k], type_base, r_dep, v_dep, m_dep,
                       r_arr, v_arr, m_arr, c3, dla_deg, rla_deg, vinf_arr, dec_arr_deg,
                       transfer_type, status)


@njit(cache=True, fastmath=_FASTMATH)
def _t_min(lam, revs, x):
    """Minimum of T(x) for ``revs`` revolutions by Halley's iteration from ``x``:
    (T_min, x_min). From the previous cell's x_min it takes one or two steps."""
    t = _tof(x, lam, revs)
    for _ in range(12):
        d1, d2, d3 = _dtdx(x, t, lam)
        if d1 == 0.0:
            break
        xnew = x - d1 * d2 / (d2 * d2 - d1 * d3 / 2.0)
        if not (abs(xnew) < 1.0):
            return np.nan, np.nan
        done = abs(xnew - x) < 1e-13
        x = xnew
        t = _tof(x, lam, revs)
        if done:
            break
    return t, x


@njit(cache=True, fastmath=_FASTMATH)
def _branch_root(t, x, lam, revs, right, x_min):
    """Root of T(x) = t on one branch (``right``: x > x_min, where T rises), by
    Householder from ``x``; NaN if it leaves the branch or does not converge.

    Every iterate must lie on the branch: on the side of ``x_min`` (NaN: not
    known) and with dT/dx of the branch's sign. A step below _CONTINUE_TOL ends
    it (the error left is ~K * step**3), provided the root is farther from the
    minimum of T (~|T'/T''|) than a few steps, so it cannot lie across it.
    """
    for _ in range(8):
        if not (abs(x) < 1.0) or (x_min == x_min and (x > x_min) != right):
            return np.nan
        tx = _tof(x, lam, revs)
        d1, d2, d3 = _dtdx(x, tx, lam)
        if (d1 > 0.0) != right:
            return np.nan
        delta = tx - t
        d1sq = d1 * d1
        xnew = x - delta * (d1sq - delta * d2 / 2.0) / (d1 * (d1sq - delta * d2)
                                                         + d3 * delta * delta / 6.0)
        step = abs(xnew - x)
        x = xnew
        if step < _CONTINUE_TOL:
            if not (abs(x) < 1.0) or abs(d1) < 4.0 * step * abs(d2) or (
                    x_min == x_min and (x > x_min) != right):
                return np.nan
            return x
    return np.nan


@njit(cache=True, fastmath=_FASTMATH)
def _row_multi_rev(s_low, s_high, i, r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr,
                   shift, mu, revs, type_base, c3, dla_deg, rla_deg, vinf_arr, dec_arr_deg,
                   transfer_type, status):
    """Cells of launch row ``i`` for ``revs >= 1``, both branches (families
    ``s_low``, ``s_high``; -1 for one not asked), by continuation along the row.

    Per cell: a solution exists when t >= T(0) (Izzo 2015 sec. 2.4); below
    that, T_min from one Halley step off the previous cell's minimum (or a full
    search) decides. Each branch's root comes from the previous cells' roots,
    extrapolated, or from Izzo's guess, and is kept on its branch.
    """
    n_cols = c3.shape[2]
    v1 = np.empty(3)
    v2 = np.empty(3)
    x_fold = np.nan  # x_min of the last cell that needed it
    prev = np.full((2, 2), np.nan)  # per branch (0 low, 1 high): last two roots
    for j in range(n_cols):
        a = j + shift * i
        tof_s = (jd_arr[a] - jd_dep[i]) * _DAY_S
        code, lam, t = _reduce(r_dep[i], r_arr[a], tof_s, mu, revs, True)
        if code == SOLVED and t < revs * _PI:
            code = NO_SOLUTION  # below every revs-revolution time of flight
        x_min = np.nan
        if code == SOLVED and t < (math.acos(lam) + lam * math.sqrt(1.0 - lam * lam)
                                   + revs * _PI):
            t_min = np.nan
            if x_fold == x_fold:
                # One Halley step from the neighbour's minimum: T_min's error is
                # quadratic in x's, ~K * 1e-24 from a guess 1e-4 off.
                tx = _tof(x_fold, lam, revs)
                d1, d2, d3 = _dtdx(x_fold, tx, lam)
                xnew = x_fold - d1 * d2 / (d2 * d2 - d1 * d3 / 2.0)
                if abs(xnew - x_fold) < 1e-3 and abs(xnew) < 1.0:
                    x_min = xnew
                    t_min = _tof(x_min, lam, revs)
            if not (t_min == t_min):
                t_min, x_min = _t_min(lam, revs, 0.0)
            if not (t_min == t_min):
                code = NOT_CONVERGED
            elif t < t_min:
                code = NO_SOLUTION
            x_fold = x_min
        for b in range(2):
            s = s_low if b == 0 else s_high
            if s < 0:
                continue
            x = np.nan
            if code == SOLVED:
                right = b == 0  # the low path is the right branch (larger x)
                x1 = prev[b, 0]
                x2 = prev[b, 1]
                if x1 == x1:
                    x = _branch_root(t, x1 if x2 != x2 else 2.0 * x1 - x2, lam, revs, right,
                                     x_min)
                if not (x == x):
                    if right:
                        tmp = (8.0 * t / (revs * _PI)) ** (2.0 / 3.0)
                    else:
                        tmp = ((revs * _PI + _PI) / (8.0 * t)) ** (2.0 / 3.0)
                    x, it = _householder(t, (tmp - 1.0) / (tmp + 1.0), lam, revs, _MULTI_TOL)
                    if it < 0 or not (abs(x) < 1.0):
                        x = np.nan
                    else:  # Izzo's guesses can land on the other branch near the fold
                        d1, d2, d3 = _dtdx(x, _tof(x, lam, revs), lam)
                        if (d1 > 0.0) != right:
                            x = np.nan
            if x == x:
                _velocities(r_dep[i], r_arr[a], x, lam, mu, v1, v2)
                _store(s, i, j, a, v1, v2, type_base, r_dep, v_dep, m_dep, r_arr, v_arr, m_arr,
                       c3, dla_deg, rla_deg, vinf_arr, dec_arr_deg, transfer_type, status)
                prev[b, 1] = prev[b, 0]
                prev[b, 0] = x
            else:
                _fail(s, i, j, code if code != SOLVED else NOT_CONVERGED, tof_s, c3, dla_deg,
                      rla_deg, vinf_arr, dec_arr_deg, transfer_type, status)
                prev[b, 0] = np.nan
                prev[b, 1] = np.nan


@njit(cache=True, parallel=True, fastmath=_FASTMATH)
def porkchop_families(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift, mu,
                      revs, low_path, type_base, table, c3, dla_deg, rla_deg, vinf_arr,
                      dec_arr_deg, transfer_type, status):
    """Solve the (launch, arrival) grid for S solution families into the outputs.

    r_dep, v_dep: (L, 3) departure body states, km and km/s, ecliptic J2000;
    jd_dep: (L,) TDB JD; m_dep: (L, 3, 3) ecliptic-to-departure-equator rotations.
    r_arr, v_arr, jd_arr, m_arr: the same for the arrival body, (A, ...).
    Cell (i, j) pairs launch i with arrival j + shift * i (shift 0: a grid of
    arrival dates; shift 1: a grid of flight times on the launch step).
    mu: GM of the Sun. revs, low_path, type_base: (S,) per family: complete
    revolutions, branch (for revs >= 1), and the offset added to the angle class.
    Outputs, (S, L, J): c3 (km^2/s^2), dla_deg and rla_deg (departure asymptote
    in m_dep's frame), vinf_arr (km/s), dec_arr_deg (arrival asymptote
    declination in m_arr's frame), transfer_type (type_base + 1: angle below 180
    deg, + 2: above, prograde; 0 where failed), status (lambert codes; NaN where failed).
    """
    n_fam = c3.shape[0]
    n_launch = c3.shape[1]
    for i in prange(n_launch):
        for s in range(n_fam):
            if revs[s] == 0:
                _row_zero_rev(s, i, r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr,
                              shift, mu, type_base[s], table, c3, dla_deg, rla_deg, vinf_arr,
                              dec_arr_deg, transfer_type, status)
                continue
            if s > 0 and revs[s - 1] == revs[s] and low_path[s - 1] != low_path[s]:
                continue  # solved with its partner branch
            partner = -1
            if s + 1 < n_fam and revs[s + 1] == revs[s] and low_path[s + 1] != low_path[s]:
                partner = s + 1
            s_low = s if low_path[s] else partner
            s_high = partner if low_path[s] else s
            _row_multi_rev(s_low, s_high, i, r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr,
                           m_arr, shift, mu, revs[s], type_base[s], c3, dla_deg, rla_deg,
                           vinf_arr, dec_arr_deg, transfer_type, status)


def porkchop_grid(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift, mu, revs,
                  low_path, table, c3, dla_deg, rla_deg, vinf_arr, dec_arr_deg, transfer_type,
                  status):
    """One family (``revs``, ``low_path``) into (L, J) outputs; types 2 * revs + 1 or 2.

    Arguments as :func:`porkchop_families`, with scalar ``revs`` and
    ``low_path``. The outputs must be C-contiguous (they are viewed as (1, L, J)).
    """
    def view(a):
        return a.reshape((1,) + a.shape)

    porkchop_families(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift, mu,
                      np.array([revs], dtype=np.int64), np.array([low_path], dtype=np.bool_),
                      np.array([2 * revs], dtype=np.int64), table, view(c3), view(dla_deg),
                      view(rla_deg), view(vinf_arr), view(dec_arr_deg), view(transfer_type),
                      view(status))
