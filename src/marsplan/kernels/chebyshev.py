"""Chebyshev evaluation of JPL SPK type 2 segments, as a numba kernel.

jplephem reads the segment (``Segment.load_array``: first epoch, record length
and coefficients); this kernel evaluates it. jplephem's own evaluator is
vectorised NumPy with ~40 us of overhead per call, which dominates when a
search asks for one date at a time; this one costs well under a microsecond
per date. Same Clenshaw recurrences as jplephem (Chebyshev series and its
derivative), so the two agree to rounding.
"""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def add_chebyshev_states(coefficients, init_jd, interval_days, jd_tdb, r_out, v_out):
    """Add the segment's position (km) and velocity (km/day) at ``jd_tdb`` to the outputs.

    coefficients: (3, n_records, n_coefficients) float64, from ``load_array``.
    init_jd, interval_days: first epoch (TDB JD) and record length (days).
    jd_tdb: (N,) epochs inside the segment. r_out, v_out: (N, 3), added to.
    """
    n_records = coefficients.shape[1]
    n_coef = coefficients.shape[2]
    for i in range(jd_tdb.shape[0]):
        t = (jd_tdb[i] - init_jd) / interval_days
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
            r_out[i, k] += value
            v_out[i, k] += rate * 2.0 / interval_days
