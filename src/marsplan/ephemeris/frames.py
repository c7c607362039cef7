"""Rotations between the ICRF (J2000 mean equator) and the ecliptic J2000 frame.

The ecliptic J2000 frame is the ICRF rotated about its x axis by the J2000
mean obliquity, 84381.448 arcsec (IAU 1976, as in JPL Horizons). The ~20 mas
frame bias between the ICRF and the dynamical J2000 equator is ignored, as
Horizons ignores it: 1e-7 rad, or 15 km at 1 AU.
"""

from __future__ import annotations

import math

import numpy as np

from marsplan.choices import FRAMES  # noqa: F401 (re-exported: the frames)
from marsplan.constants import OBLIQUITY_J2000_RAD

_C, _S = math.cos(OBLIQUITY_J2000_RAD), math.sin(OBLIQUITY_J2000_RAD)

#: x_ecl = ICRF_TO_ECLIPTIC @ x_icrf
ICRF_TO_ECLIPTIC = np.array([[1.0, 0.0, 0.0], [0.0, _C, _S], [0.0, -_S, _C]])
#: x_icrf = ECLIPTIC_TO_ICRF @ x_ecl
ECLIPTIC_TO_ICRF = ICRF_TO_ECLIPTIC.T.copy()


def icrf_to_ecliptic(vectors):
    """Rotate (..., 3) ICRF vectors to ecliptic J2000."""
    return np.asarray(vectors) @ ICRF_TO_ECLIPTIC.T


def ecliptic_to_icrf(vectors):
    """Rotate (..., 3) ecliptic J2000 vectors to the ICRF (J2000 equator)."""
    return np.asarray(vectors) @ ECLIPTIC_TO_ICRF.T
