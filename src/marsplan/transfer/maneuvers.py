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
        from marsplan.validate import real

        for name in ("periapsis_alt_km", "apoapsis_alt_km"):  # numbers only: "no" is named
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) or not isinstance(
                    value, (int, float, np.integer, np.floating)):
                real(value, name)  # raises InputTypeError naming the field
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


#: A 400 km circular orbit: the Earth parking orbit of the NASA handbook and DRA 5.0,
#: and marsplan's orbit about any body other than Mars.
CIRCULAR_400_KM = Orbit.circular(400.0)
#: DRA 5.0's 1-sol Mars orbit, 250 km x 33,793 km, captured into and departed from.
MARS_ONE_SOL_ORBIT = Orbit(250.0, 33_793.0)


@dataclass(frozen=True, slots=True)
class Orbits:
    """The orbits a crewed mission's delta-v budget depends on; the defaults live here.

    ``departure``: the Earth parking orbit left for Mars (400 km circular).
    ``mars_capture``: the Mars orbit captured into and later departed from
    (250 x 33,793 km, 1 sol; DRA 5.0). ``earth_capture``: the Earth orbit
    captured into on return when the crew does not enter directly (400 km
    circular). About any other body (a Venus target, say) a leg starts or ends
    in a 400 km circular orbit.

    A scenario file gives them as ``[orbits] leo_altitude_km``,
    ``mars_periapsis_alt_km`` and ``mars_apoapsis_alt_km``
    (:meth:`marsplan.joint.scenario.OrbitsSpec.value`).
    """

    departure: Orbit = CIRCULAR_400_KM
    mars_capture: Orbit = MARS_ONE_SOL_ORBIT
    earth_capture: Orbit = CIRCULAR_400_KM

    def __post_init__(self):
        for name in ("departure", "mars_capture", "earth_capture"):
            if not isinstance(getattr(self, name), Orbit):
                raise InputError(f"orbits.{name}: expected an Orbit, got "
                                 f"{type(getattr(self, name)).__name__}")

    def leaving(self, body: str) -> Orbit:
        """The orbit a leg leaving ``body`` starts from."""
        body = _CENTRAL.get(body, body)
        return {"earth": self.departure, "mars": self.mars_capture}.get(body, CIRCULAR_400_KM)

    def entering(self, body: str) -> Orbit:
        """The orbit a leg reaching ``body`` is captured into."""
        body = _CENTRAL.get(body, body)
        return {"earth": self.earth_capture, "mars": self.mars_capture}.get(body,
                                                                            CIRCULAR_400_KM)


#: The default orbits (:class:`Orbits` with no arguments).
DEFAULT_ORBITS = Orbits()


def gm_of(body: str) -> float:
    """GM (km^3/s^2) of the body a spacecraft orbits at ``body`` (the Earth for ``emb``)."""
    return GM_KM3S2[_CENTRAL.get(body, body)]


def departure_dv_kms(vinf_kms, body: str, orbit: Orbit | None = None):
    """Impulse at periapsis from ``orbit`` onto a hyperbola with ``vinf_kms``.

    sqrt(vinf^2 + 2 mu / r_p) - v_p, with v_p the orbit's periapsis speed
    (sqrt(mu / r_p) for a circular orbit; docs/design.md). ``orbit`` defaults
    to ``DEFAULT_ORBITS.leaving(body)``.
    """
    two_mu_rp, v_peri = periapsis_terms(body, DEFAULT_ORBITS.leaving(body) if orbit is None
                                        else orbit)
    return np.sqrt(np.square(vinf_kms) + two_mu_rp) - v_peri


def periapsis_terms(body: str, orbit: Orbit) -> tuple[float, float]:
    """(2 mu / r_p in km^2/s^2, periapsis speed in km/s) of ``orbit`` about ``body``.

    A periapsis impulse onto or off a hyperbola is sqrt(vinf^2 + 2 mu / r_p)
    - v_p (:func:`departure_dv_kms`); the mission search's kernel takes these
    two terms.
    """
    mu = gm_of(body)
    rp, ra = orbit.radii_km(body)
    return 2.0 * mu / rp, float(np.sqrt(mu * 2.0 * ra / (rp * (rp + ra))))


def capture_dv_kms(vinf_kms, body: str, orbit: Orbit | None = None):
    """Impulse at periapsis from a hyperbola with ``vinf_kms`` into ``orbit``.

    sqrt(vinf^2 + 2 mu / r_p) - sqrt(mu (1 + e) / r_p) (docs/design.md).
    ``orbit`` defaults to ``DEFAULT_ORBITS.entering(body)``.
    """
    return departure_dv_kms(vinf_kms, body,
                            DEFAULT_ORBITS.entering(body) if orbit is None else orbit)
