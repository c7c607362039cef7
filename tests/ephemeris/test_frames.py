"""Tests for marsplan.ephemeris.frames: ICRF <-> ecliptic J2000."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from marsplan.constants import OBLIQUITY_J2000_RAD
from marsplan.ephemeris.frames import (
    ECLIPTIC_TO_ICRF,
    FRAMES,
    ICRF_TO_ECLIPTIC,
    ecliptic_to_icrf,
    icrf_to_ecliptic,
)

# Obliquity 84381.448" = 23.4392911111 deg (IAU 1976, the Horizons ecliptic J2000).
OBLIQUITY_DEG = 84_381.448 / 3600.0

# Rounding of one 3x3 product on unit vectors: a few float64 ulps.
EPS = 4 * np.finfo(float).eps


def test_matrices_are_orthonormal_rotations():
    for matrix in (ICRF_TO_ECLIPTIC, ECLIPTIC_TO_ICRF):
        assert_allclose(matrix @ matrix.T, np.eye(3), atol=EPS)
        assert np.linalg.det(matrix) == pytest.approx(1.0, abs=EPS)
    assert_allclose(ECLIPTIC_TO_ICRF, ICRF_TO_ECLIPTIC.T, atol=0)


def test_rotation_matches_obliquity_from_first_principles():
    # Equatorial to ecliptic is a frame rotation about the common x axis (the
    # equinox) by +eps, ROT1(eps): y_ecl = cos(eps) y + sin(eps) z, etc.
    eps = math.radians(OBLIQUITY_DEG)
    rot1 = np.array([[1, 0, 0],
                     [0, math.cos(eps), math.sin(eps)],
                     [0, -math.sin(eps), math.cos(eps)]])
    assert OBLIQUITY_J2000_RAD == pytest.approx(eps, rel=1e-15)
    assert_allclose(ICRF_TO_ECLIPTIC, rot1, atol=EPS)


def test_vernal_equinox_direction_is_unchanged():
    # The x axis of both frames points to the J2000 equinox.
    x = np.array([1.0, 0.0, 0.0])
    assert_allclose(icrf_to_ecliptic(x), x, atol=0)
    assert_allclose(ecliptic_to_icrf(x), x, atol=0)


def test_ecliptic_pole_in_icrf():
    # The north ecliptic pole lies at RA 18h (270 deg), Dec 90 - 23.4392911 deg
    # = 66.5607089 deg in the J2000 equatorial frame.
    pole = ecliptic_to_icrf(np.array([0.0, 0.0, 1.0]))
    dec_deg = math.degrees(math.asin(pole[2]))
    ra_deg = math.degrees(math.atan2(pole[1], pole[0])) % 360.0
    assert dec_deg == pytest.approx(90.0 - 23.4392911, abs=1e-7)  # the 7 printed decimals
    assert dec_deg == pytest.approx(90.0 - OBLIQUITY_DEG, abs=1e-12)
    assert ra_deg == pytest.approx(270.0, abs=1e-12)


def test_celestial_pole_in_ecliptic():
    # Conversely the north celestial pole lies at ecliptic latitude 90 - eps,
    # longitude 90 deg.
    pole = icrf_to_ecliptic(np.array([0.0, 0.0, 1.0]))
    assert math.degrees(math.asin(pole[2])) == pytest.approx(90.0 - OBLIQUITY_DEG, abs=1e-12)
    assert math.degrees(math.atan2(pole[1], pole[0])) == pytest.approx(90.0, abs=1e-12)


def test_summer_solstice_point():
    # Ecliptic longitude 90 deg is the June solstice point: RA 6h, Dec +eps.
    solstice = ecliptic_to_icrf(np.array([0.0, 1.0, 0.0]))
    assert math.degrees(math.asin(solstice[2])) == pytest.approx(OBLIQUITY_DEG, abs=1e-12)
    assert math.degrees(math.atan2(solstice[1], solstice[0])) == pytest.approx(90.0, abs=1e-12)


def test_round_trip_and_batch_shapes():
    rng = np.random.default_rng(20330416)
    vectors = rng.normal(scale=2e8, size=(4, 5, 3))  # km-sized, any leading shape
    ecl = icrf_to_ecliptic(vectors)
    assert ecl.shape == (4, 5, 3)
    # Rotations keep lengths; round trip to ~1 ulp of 2e8 km (3e-8 km).
    assert_allclose(np.linalg.norm(ecl, axis=-1), np.linalg.norm(vectors, axis=-1), rtol=EPS)
    assert_allclose(ecliptic_to_icrf(ecl), vectors, rtol=0, atol=1e-6)
    # Row-vector convention: each row v maps to ICRF_TO_ECLIPTIC @ v.
    assert_allclose(ecl[2, 3], ICRF_TO_ECLIPTIC @ vectors[2, 3], rtol=EPS)
    assert icrf_to_ecliptic([1.0, 2.0, 3.0]).shape == (3,)  # lists are accepted


def test_frames_names():
    assert FRAMES == ("ecliptic", "equatorial")
