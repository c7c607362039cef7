"""The Chebyshev kernel against jplephem's own evaluation of the same DE440 records."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from marsplan.ephemeris import SPKEphemeris
from marsplan.kernels.chebyshev import add_chebyshev_states


def test_matches_jplephem_over_the_whole_segment_and_at_record_edges():
    eph = SPKEphemeris()
    segment = eph._by_target[4][0]  # SSB -> Mars barycentre, 32-day records
    init_jd, interval, coefficients = segment.load_array()
    # Random epochs, every record boundary of a century, and both segment ends.
    rng = np.random.default_rng(4)
    edges = init_jd + interval * np.arange(1100, 2250)
    jd = np.concatenate([rng.uniform(segment.start_jd, segment.end_jd, 5000), edges,
                         [segment.start_jd, segment.end_jd]])
    r = np.zeros((jd.size, 3))
    v = np.zeros((jd.size, 3))
    add_chebyshev_states(np.ascontiguousarray(coefficients), init_jd, interval, jd, r, v)
    p, dp = segment.compute_and_differentiate(jd)
    # jplephem rounds its time offset in seconds from J2000 (~1e10 s) to ~2e-6 s:
    # up to ~1e-4 km at Mars's speed. Velocities (km/day) agree to rounding.
    assert_allclose(r, p.T, rtol=0, atol=1e-3)
    assert_allclose(v, dp.T, rtol=0, atol=1e-5)
