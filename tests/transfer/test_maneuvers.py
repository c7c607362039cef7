"""Impulsive departure and capture at a planet, against hand calculations.

Constants are written out here, not taken from marsplan: GM from DE440
(Park et al., AJ 161:105, 2021, Table 8), equatorial radii from IAU WGCCRE
2015 (Archinal et al., CMDA 130:22, 2018). The formulas are docs/design.md's:
departure sqrt(vinf^2 + 2 mu / r_p) - sqrt(mu / r_p) from a circular orbit,
capture sqrt(vinf^2 + 2 mu / r_p) - sqrt(mu (1 + e) / r_p).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from marsplan import InputError
from marsplan.transfer import Orbit
from marsplan.transfer.maneuvers import (
    DEFAULT_ORBITS,
    MARS_ONE_SOL_ORBIT,
    Orbits,
    capture_dv_kms,
    departure_dv_kms,
)

GM_EARTH_KM3S2 = 398_600.435507
GM_MARS_KM3S2 = 42_828.375816  # Mars system
GM_SUN_KM3S2 = 132_712_440_041.279419
R_EARTH_KM = 6_378.1366
R_MARS_KM = 3_396.19
AU_KM = 149_597_870.7  # IAU 2012 B2

# The same formula evaluated in a different order: a few ulps of 3-11 km/s.
RTOL = 1e-13


def test_zero_vinf_from_400_km_is_escape_minus_circular_speed():
    r = R_EARTH_KM + 400.0
    expected = math.sqrt(2.0 * GM_EARTH_KM3S2 / r) - math.sqrt(GM_EARTH_KM3S2 / r)
    assert departure_dv_kms(0.0, "earth") == pytest.approx(expected, rel=RTOL)
    # (sqrt(2) - 1) * 7.6686 km/s, by hand to five figures.
    assert departure_dv_kms(0.0, "earth") == pytest.approx(3.1764, abs=1e-4)
    assert DEFAULT_ORBITS.departure == Orbit.circular(400.0)


def test_c3_8_departure_is_about_3_5_kms():
    # Vis-viva at 6778.14 km: v_p^2 = C3 + 2 mu / r = 8 + 117.61 km^2/s^2, so
    # v_p = 11.208 km/s, less the 7.669 km/s circular speed: 3.539 km/s.
    dv = departure_dv_kms(math.sqrt(8.0), "earth")
    assert dv == pytest.approx(3.539, abs=1e-3)
    # A Hohmann transfer from 1 AU to Mars's semi-major axis (1.523679 AU)
    # leaves with v-inf sqrt(mu/r1) (sqrt(2 r2 / (r1 + r2)) - 1) = 2.945 km/s
    # (C3 8.67): the classical ~3.6 km/s from LEO.
    r1, r2 = AU_KM, 1.523679 * AU_KM
    vinf = math.sqrt(GM_SUN_KM3S2 / r1) * (math.sqrt(2.0 * r2 / (r1 + r2)) - 1.0)
    assert departure_dv_kms(vinf, "earth") == pytest.approx(3.6, abs=0.05)


def test_capture_into_the_one_sol_mars_orbit():
    # 250 x 33,793 km altitude (DRA 5.0): r_p = 3646.19 km, r_a = 37189.19 km,
    # e = (r_a - r_p) / (r_a + r_p) = 0.82142.
    rp, ra = R_MARS_KM + 250.0, R_MARS_KM + 33_793.0
    e = (ra - rp) / (ra + rp)
    for vinf in (0.0, 2.5, 2.729, 6.0):
        expected = (math.sqrt(vinf**2 + 2.0 * GM_MARS_KM3S2 / rp)
                    - math.sqrt(GM_MARS_KM3S2 * (1.0 + e) / rp))
        assert capture_dv_kms(vinf, "mars", MARS_ONE_SOL_ORBIT) == pytest.approx(expected, rel=RTOL)
    # v-inf 2.5 km/s by hand: sqrt(6.25 + 23.493) - sqrt(11.747 * 1.82142) = 0.8282 km/s.
    assert capture_dv_kms(2.5, "mars", MARS_ONE_SOL_ORBIT) == pytest.approx(0.8282, abs=1e-4)
    assert DEFAULT_ORBITS.entering("mars") == Orbit(250.0, 33_793.0)
    assert DEFAULT_ORBITS.entering("venus") == Orbit.circular(400.0)


def test_arrays_and_the_emb_leaves_from_an_earth_orbit():
    vinf = np.array([0.0, 2.0, 3.0])
    dv = departure_dv_kms(vinf, "emb")
    assert dv.shape == (3,)
    # The barycentre has no surface: a crew leaves an orbit about the Earth.
    np.testing.assert_array_equal(dv, departure_dv_kms(vinf, "earth"))
    assert np.all(np.diff(dv) > 0)


def test_orbit_radii_and_validation():
    assert Orbit(250.0, 33_793.0).radii_km("mars") == pytest.approx((3_646.19, 37_189.19))
    assert Orbit.circular(0.0).periapsis_alt_km == 0.0
    for bad in ((-1.0, 400.0), (500.0, 400.0), (400.0, math.inf), (math.nan, 400.0),
                (400.0, math.nan)):
        with pytest.raises(InputError,
                           match="orbit: need 0 <= periapsis_alt_km <= apoapsis_alt_km"):
            Orbit(*bad)


def test_orbits_hold_the_defaults_and_say_which_orbit_each_body_uses():
    # DRA 5.0 and the NASA handbook: 400 km circular at the Earth, the 1-sol
    # 250 x 33,793 km orbit at Mars, captured into and departed from.
    assert Orbits() == DEFAULT_ORBITS
    assert DEFAULT_ORBITS.mars_capture == Orbit(250.0, 33_793.0)
    assert DEFAULT_ORBITS.earth_capture == Orbit.circular(400.0)
    mine = Orbits(departure=Orbit.circular(407.0), mars_capture=Orbit(300.0, 1000.0),
                  earth_capture=Orbit(500.0, 600.0))
    assert mine.leaving("earth") == mine.leaving("emb") == Orbit.circular(407.0)
    assert mine.leaving("mars") == mine.entering("mars") == Orbit(300.0, 1000.0)
    assert mine.entering("earth") == mine.entering("emb") == Orbit(500.0, 600.0)
    assert mine.leaving("venus") == mine.entering("venus") == Orbit.circular(400.0)
    # The defaults of the impulse functions are the same orbits.
    assert capture_dv_kms(2.5, "mars") == capture_dv_kms(2.5, "mars", MARS_ONE_SOL_ORBIT)
    assert departure_dv_kms(2.5, "mars") == capture_dv_kms(2.5, "mars")


def test_orbits_reject_what_is_not_an_orbit():
    with pytest.raises(InputError, match="orbits.mars_capture: expected an Orbit, got tuple"):
        Orbits(mars_capture=(250.0, 33_793.0))
