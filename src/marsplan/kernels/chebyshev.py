"""Chebyshev evaluation of JPL SPK type 2 segments, as numba kernels.

jplephem reads the segment (``Segment.load_array``: first epoch, record length
and coefficients); this kernel evaluates it. jplephem's own evaluator is
vectorised NumPy with ~40 us of overhead per call, which dominates when a
search asks for one date at a time; this one costs well under a microsecond
per date. Same Clenshaw recurrences as jplephem (Chebyshev series and its
derivative), so the two agree to rounding. :func:`chain_states` sums whole
chains of segments for several bodies in one call (the mission search's
refinement asks for three bodies at a few dozen dates per step).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_DAY_S = 86_400.0


@njit(cache=True)
def _add_segment_state(coefficients, init_jd, interval_days, jd, sign, r3, v3):
    """Add sign x the segment's position (km) and velocity (km/day) at one date to r3, v3."""
    n_records = coefficients.shape[1]
    n_coef = coefficients.shape[2]
    t = (jd - init_jd) / interval_days
    index = int(math.floor(t))
    if index >= n_records:  # the segment's last instant belongs to its last record
        index = n_records - 1
    if index < 0:
        index = 0
    s = 2.0 * (t - index) - 1.0
    s2 = 2.0 * s
    for k in range(3):
        # Clenshaw for sum c_n T_n(s) and for its derivative.
        b0 = 0.0
        b1 = 0.0
        d0 = 0.0
        d1 = 0.0
        for n in range(n_coef - 1, 0, -1):
            c = coefficients[k, index, n]
            b0, b1 = c + s2 * b0 - b1, b0
            d0, d1 = 2.0 * b1 + s2 * d0 - d1, d0
        value = coefficients[k, index, 0] + s * b0 - b1
        rate = b0 + s * d0 - d1
        r3[k] += sign * value
        v3[k] += sign * rate * 2.0 / interval_days


@njit(cache=True)
def add_chebyshev_states(coefficients, init_jd, interval_days, jd_tdb, r_out, v_out):
    """Add the segment's position (km) and velocity (km/day) at ``jd_tdb`` to the outputs.

    coefficients: (3, n_records, n_coefficients) float64, from ``load_array``.
    init_jd, interval_days: first epoch (TDB JD) and record length (days).
    jd_tdb: (N,) epochs inside the segment. r_out, v_out: (N, 3), added to.
    """
    for i in range(jd_tdb.shape[0]):
        _add_segment_state(coefficients, init_jd, interval_days, jd_tdb[i], 1.0, r_out[i],
                           v_out[i])


@njit(cache=True)
def chain_states(segments, inits, intervals, links, signs, first, count, jd_tdb, rotation,
                 r_out, v_out):
    """States of S bodies at their own dates, each a signed sum of segments, rotated.

    segments: a tuple of (3, n_records, n_coefficients) coefficient arrays,
    inits and intervals (their first epochs and record lengths, days); body
    s sums the segments links[first[s]:first[s] + count[s]], each times
    signs[l] (+1 along its chain to the barycentre, -1 along the Sun's).
    jd_tdb (S, N): each body's dates, inside its segments. rotation (3, 3):
    applied to the sums (ICRF to ecliptic). Outputs r_out (S, N, 3) km and
    v_out (S, N, 3) km/s.
    """
    r3 = np.empty(3)
    v3 = np.empty(3)
    for s in range(jd_tdb.shape[0]):
        for i in range(jd_tdb.shape[1]):
            for k in range(3):
                r3[k] = 0.0
                v3[k] = 0.0
            for l in range(first[s], first[s] + count[s]):
                g = links[l]
                _add_segment_state(segments[g], inits[g], intervals[g], jd_tdb[s, i], signs[l],
                                   r3, v3)
            for k in range(3):
                r_out[s, i, k] = (rotation[k, 0] * r3[0] + rotation[k, 1] * r3[1]
                                  + rotation[k, 2] * r3[2])
                v_out[s, i, k] = (rotation[k, 0] * v3[0] + rotation[k, 1] * v3[1]
                                  + rotation[k, 2] * v3[2]) / _DAY_S
