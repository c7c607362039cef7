"""Porkchop grids: every (departure, arrival) pair solved by Lambert in one kernel.

Plain arrays in km, s, km/s and TDB Julian dates; no I/O, no classes. Each
launch row is solved in blocks of arrival columns with the Lambert block solver,
then reduced to the quantities a porkchop shows, so no (N, 3) copies of the
ephemeris states are ever made.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from marsplan.kernels.lambert import _BLOCK, _FASTMATH, BAD_TOF, SOLVED, solve_block

_DAY_S = 86_400.0


@njit(cache=True, parallel=True, fastmath=_FASTMATH)
def porkchop_grid(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift, mu, revs,
                  low_path, table, c3, dla_deg, rla_deg, vinf_arr, dec_arr_deg, transfer_type,
                  status):
    """Solve the (launch, arrival) grid into the output arrays.

    r_dep, v_dep: (L, 3) departure body states, km and km/s, ecliptic J2000;
    jd_dep: (L,) TDB JD; m_dep: (L, 3, 3) ecliptic-to-departure-equator rotations.
    r_arr, v_arr, jd_arr, m_arr: the same for the arrival body, (A, ...).
    Cell (i, j) pairs launch i with arrival j + shift * i (shift 0: a grid of
    arrival dates; shift 1: a grid of flight times on the launch step).
    mu: GM of the Sun. revs: complete revolutions; low_path: multi-rev branch.
    Outputs, (L, J) with J = c3.shape[1]: c3 (km^2/s^2), dla_deg and rla_deg
    (departure asymptote in m_dep's frame), vinf_arr (km/s), dec_arr_deg
    (arrival asymptote declination in m_arr's frame), transfer_type (1: angle
    below 180 deg, 2: above; prograde), status (lambert codes; NaN where failed).
    """
    n_launch, n_cols = c3.shape
    n_blocks = (n_cols + _BLOCK - 1) // _BLOCK
    rev_arr = np.full(1, revs, dtype=np.int64)
    prograde = np.ones(1, dtype=np.bool_)
    path = np.full(1, low_path, dtype=np.bool_)
    for i in prange(n_launch):
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
                j = lo + k
                a = a0 + k
                status[i, j] = code[k]
                if code[k] != SOLVED:
                    if tof[k] <= 0.0 and code[k] != BAD_TOF:
                        status[i, j] = BAD_TOF
                    c3[i, j] = np.nan
                    dla_deg[i, j] = np.nan
                    rla_deg[i, j] = np.nan
                    vinf_arr[i, j] = np.nan
                    dec_arr_deg[i, j] = np.nan
                    transfer_type[i, j] = 0
                    continue
                dx = v1[k, 0] - v_dep[i, 0]
                dy = v1[k, 1] - v_dep[i, 1]
                dz = v1[k, 2] - v_dep[i, 2]
                c3[i, j] = dx * dx + dy * dy + dz * dz
                ex = m_dep[i, 0, 0] * dx + m_dep[i, 0, 1] * dy + m_dep[i, 0, 2] * dz
                ey = m_dep[i, 1, 0] * dx + m_dep[i, 1, 1] * dy + m_dep[i, 1, 2] * dz
                ez = m_dep[i, 2, 0] * dx + m_dep[i, 2, 1] * dy + m_dep[i, 2, 2] * dz
                vd = math.sqrt(c3[i, j])
                dla_deg[i, j] = math.degrees(math.asin(min(1.0, max(-1.0, ez / vd))))
                rla = math.degrees(math.atan2(ey, ex))
                rla_deg[i, j] = rla + 360.0 if rla < 0.0 else rla
                ax = v2[k, 0] - v_arr[a, 0]
                ay = v2[k, 1] - v_arr[a, 1]
                az = v2[k, 2] - v_arr[a, 2]
                va = math.sqrt(ax * ax + ay * ay + az * az)
                vinf_arr[i, j] = va
                pz = m_arr[a, 2, 0] * ax + m_arr[a, 2, 1] * ay + m_arr[a, 2, 2] * az
                dec_arr_deg[i, j] = math.degrees(math.asin(min(1.0, max(-1.0, pz / va))))
                # Transfer angle beyond 180 deg (prograde) when (r1 x r2)_z < 0.
                hz = r_dep[i, 0] * r_arr[a, 1] - r_dep[i, 1] * r_arr[a, 0]
                transfer_type[i, j] = 1 if hz >= 0.0 else 2
