"""Impulsive maneuvers at a planet: departure from and capture into an orbit (docs/design.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsplan.constants import EQUATORIAL_RADIUS_KM, GM_KM3S2
from marsplan.errors import InputError

# The Earth-Moon barycentre is left from, and arrived at, an orbit about the Earth.
_CENTRAL = {"emb": "earth"}


@dataclass(frozen=True, slots=True)
class Orbit:
    """A planet-centred orbit by its periapsis and apoapsis altitudes, km."""

    periapsis_alt_km: float
    apoapsis_alt_km: float

    def __post_init__(self):
        if not (0.0 <= self.periapsis_alt_km <= self.apoapsis_alt_km < np.inf):
            raise InputError(
                f"orbit: need 0 <= periapsis_alt_km <= apoapsis_alt_km, got "
                f"{self.periapsis_alt_km} x {self.apoapsis_alt_km} km")

    @classmethod
    def circular(cls, altitude_km: float) -> "Orbit":
        return cls(altitude_km, altitude_km)

    def radii_km(self, body: str) -> tuple[float, float]:
        radius = EQUATORIAL_RADIUS_KM[_CENTRAL.get(body, body)]
        return radius + self.periapsis_alt_km, radius + self.apoapsis_alt_km


#: Departure from a 400 km circular orbit, the handbook's and DRA 5.0's habit.
DEFAULT_DEPARTURE_ORBIT = Orbit.circular(400.0)
#: Capture at Mars into a 1-sol orbit, 250 km x 33,793 km (DRA 5.0); elsewhere 400 km circular.
MARS_ONE_SOL_ORBIT = Orbit(250.0, 33_793.0)


def default_capture_orbit(body: str) -> Orbit:
    return MARS_ONE_SOL_ORBIT if body == "mars" else Orbit.circular(400.0)


def gm_of(body: str) -> float:
    """GM (km^3/s^2) of the body a spacecraft orbits at ``body`` (the Earth for ``emb``)."""
    return GM_KM3S2[_CENTRAL.get(body, body)]


def departure_dv_kms(vinf_kms, body: str, orbit: Orbit = DEFAULT_DEPARTURE_ORBIT):
    """Impulse at periapsis from ``orbit`` onto a hyperbola with ``vinf_kms``.

    sqrt(vinf^2 + 2 mu / r_p) - v_p, with v_p the orbit's periapsis speed
    (sqrt(mu / r_p) for a circular orbit; docs/design.md).
    """
    mu = gm_of(body)
    rp, ra = orbit.radii_km(body)
    v_peri = np.sqrt(mu * 2.0 * ra / (rp * (rp + ra)))
    return np.sqrt(np.square(vinf_kms) + 2.0 * mu / rp) - v_peri


def capture_dv_kms(vinf_kms, body: str, orbit: Orbit):
    """Impulse at periapsis from a hyperbola with ``vinf_kms`` into ``orbit``.

    sqrt(vinf^2 + 2 mu / r_p) - sqrt(mu (1 + e) / r_p) (docs/design.md).
    """
    return departure_dv_kms(vinf_kms, body, orbit)
