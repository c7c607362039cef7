"""Planet-equator frames for departure and arrival asymptotes (DLA/RLA, declinations).

docs/design.md: the Earth's frame is the ICRF equator (EME2000) by default, or the
mean equator and equinox of the departure date (IAU 2006 precession) with
``angles="mean-of-date"``, as the NASA handbook prints them. Every other body's
frame has the z axis along its IAU pole and the x axis at the ascending node of
its equator on the ICRF equator (IAU convention, RA0 + 90 deg); with
``angles="mean-of-date"`` the pole is evaluated at the date instead of J2000.
The ~20 mas ICRF frame bias is ignored (below 1e-5 deg).
"""

from __future__ import annotations

import numpy as np

from marsplan.choices import ANGLES  # noqa: F401 (re-exported: the conventions)
from marsplan.constants import J2000_JD, POLE_RA_DEC
from marsplan.ephemeris.frames import ECLIPTIC_TO_ICRF
from marsplan.errors import InputError

_ARCSEC = np.pi / 648_000.0
# Earth and the Earth-Moon barycentre share the Earth's equator.
_EARTH_LIKE = ("earth", "emb")


def check_angles(angles: str) -> str:
    """Return ``angles`` if it names a known convention, else raise InputError."""
    if angles not in ANGLES:
        raise InputError(f"angles: {angles!r} is not one of {', '.join(ANGLES)}")
    return angles


def precession_matrix(jd_tdb):
    """IAU 2006 precession, ICRF/J2000 mean equator to mean equator and equinox of date.

    ``x_date = P @ x_j2000``; shape (..., 3, 3) for epochs of shape (...). Angles
    zeta_A, z_A, theta_A from Capitaine, Wallace & Chapront (2003), A&A 412:567,
    as in the IERS Conventions 2010, eq. 5.40; P = R3(-z_A) R2(theta_A) R3(-zeta_A).
    """
    t = (np.asarray(jd_tdb, dtype=np.float64) - J2000_JD) / 36_525.0
    zeta = (2.650545 + t * (2306.083227 + t * (0.2988499 + t * (0.01801828 + t * (
        -0.000005971 + t * -0.0000003173))))) * _ARCSEC
    z = (-2.650545 + t * (2306.077181 + t * (1.0927348 + t * (0.01826837 + t * (
        -0.000028596 + t * -0.0000002904))))) * _ARCSEC
    theta = (t * (2004.191903 + t * (-0.4294934 + t * (-0.04182264 + t * (
        -0.000007089 + t * -0.0000001274))))) * _ARCSEC
    return _r3(-z) @ _r2(theta) @ _r3(-zeta)


def _r2(angle):
    c, s = np.cos(angle), np.sin(angle)
    m = np.zeros(np.shape(angle) + (3, 3))
    m[..., 0, 0], m[..., 0, 2], m[..., 1, 1] = c, -s, 1.0
    m[..., 2, 0], m[..., 2, 2] = s, c
    return m


def _r3(angle):
    c, s = np.cos(angle), np.sin(angle)
    m = np.zeros(np.shape(angle) + (3, 3))
    m[..., 0, 0], m[..., 0, 1], m[..., 1, 0] = c, s, -s
    m[..., 1, 1], m[..., 2, 2] = c, 1.0
    return m


def pole_frame(ra_deg, dec_deg):
    """Rows x, y, z of the frame with z along the pole (RA, Dec) and x at the node.

    Shape (..., 3, 3); x is the ascending node of the body's equator on the
    ICRF equator, at RA + 90 deg.
    """
    a, d = np.radians(ra_deg), np.radians(dec_deg)
    z = np.stack([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)], -1)
    x = np.stack([-np.sin(a), np.cos(a), np.zeros_like(a)], -1)
    return np.stack([x, np.cross(z, x), z], -2)


def equator_matrix(body: str, jd_tdb, angles: str = "eme2000"):
    """Rotation from heliocentric ecliptic J2000 to ``body``'s equator frame.

    ``x_equator = M @ x_ecliptic``; shape (N, 3, 3) for N epochs (the frame only
    depends on the epoch with ``angles="mean-of-date"``).
    """
    check_angles(angles)
    jd = np.atleast_1d(np.asarray(jd_tdb, dtype=np.float64))
    if body in _EARTH_LIKE:
        if angles == "eme2000":
            return np.broadcast_to(ECLIPTIC_TO_ICRF, jd.shape + (3, 3))
        return precession_matrix(jd) @ ECLIPTIC_TO_ICRF
    if body not in POLE_RA_DEC:
        raise InputError(f"body: no pole orientation for {body!r}; known: "
                         f"{', '.join(['earth', 'emb', *POLE_RA_DEC])}")
    ra0, ra_rate, dec0, dec_rate = POLE_RA_DEC[body]
    t = (jd - J2000_JD) / 36_525.0 if angles == "mean-of-date" else np.zeros_like(jd)
    return pole_frame(ra0 + ra_rate * t, dec0 + dec_rate * t) @ ECLIPTIC_TO_ICRF


def asymptote_angles(vinf, matrix):
    """Right ascension (0-360 deg) and declination (deg) of ``vinf`` in a frame.

    vinf: (..., 3) ecliptic J2000 vectors; matrix: (..., 3, 3) from
    :func:`equator_matrix`, broadcast against them.
    """
    v = np.einsum("...ij,...j->...i", matrix, vinf)
    norm = np.linalg.norm(v, axis=-1)
    dec = np.degrees(np.arcsin(np.clip(v[..., 2] / norm, -1.0, 1.0)))
    ra = np.degrees(np.arctan2(v[..., 1], v[..., 0])) % 360.0
    return ra, dec
