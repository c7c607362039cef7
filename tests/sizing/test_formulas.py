"""The sizing equations against values worked by hand.

g0 = 9.80665 m/s^2 (standard gravity), so Isp 380 s gives an exhaust speed of
380 x 9.80665 / 1000 = 3.726527 km/s. The rtol 1e-9 allows only float rounding:
every reference number below is printed to more digits than it needs.
"""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose

from marsplan.sizing import (
    G0_MS2,
    boiloff_factor,
    boiloff_loaded_t,
    consumables_t,
    rocket_dv_kms,
    rocket_propellant_t,
)


def test_rocket_equation_one_burn():
    # 100 t at burnout, 3.0 km/s at Isp 380 s:
    # m0 / mf = exp(3.0 / 3.726527) = exp(0.805041) = 2.236784, so
    # propellant = 100 x (2.236784 - 1) = 123.6784 t.
    assert_allclose(rocket_propellant_t(100.0, 3.0, 380.0), 123.678399, rtol=1e-8)
    # ... and back: 3.726527 x ln(223.6784 / 100) = 3.0 km/s.
    assert_allclose(rocket_dv_kms(223.678399005, 100.0, 380.0), 3.0, rtol=1e-9)


def test_rocket_equation_zero_burn_needs_nothing():
    assert rocket_propellant_t(100.0, 0.0, 380.0) == 0.0


def test_standard_gravity_is_the_cgpm_value():
    assert G0_MS2 == 9.80665  # 3rd CGPM, 1901: exact


def test_boiloff_compounds_daily():
    # 100 t needed after 30 days at 0.1 %/day: 100 / 0.999^30 = 103.0470 t
    # (simple interest would say 100 x 1.03 = 103.0 t, or 100 / 0.97 = 103.0928 t).
    assert_allclose(boiloff_loaded_t(100.0, 0.1, 30.0), 103.047000120, rtol=1e-9)
    # Day by day: divide by 0.999 thirty times.
    held = 100.0
    for _ in range(30):
        held /= 0.999
    assert_allclose(boiloff_loaded_t(100.0, 0.1, 30.0), held, rtol=1e-12)
    assert boiloff_factor(0.0, 400.0) == 1.0
    assert boiloff_factor(0.3, 0.0) == 1.0


def test_consumables_with_life_support_closure():
    # 4 crew x 900 days x 5 kg/crew-day, of which 64 % is oxygen and water and
    # 85 % of that is recovered: 18,000 kg x (1 - 0.64 x 0.85) = 18,000 x 0.456
    # = 8,208 kg = 8.208 t.
    assert_allclose(consumables_t(4, 900.0, 5.0, 0.64, 0.85), 8.208, rtol=1e-12)
    # An open loop (closure 0) carries all 18 t.
    assert_allclose(consumables_t(4, 900.0, 5.0, 0.64, 0.0), 18.0, rtol=1e-12)
    assert consumables_t(0, 900.0, 5.0, 0.64, 0.85) == 0.0


@pytest.mark.parametrize("dv_kms", [0.5, 1.0, 3.6, 6.0])
def test_rocket_equation_round_trips(dv_kms):
    prop = rocket_propellant_t(150.0, dv_kms, 450.0)
    assert_allclose(rocket_dv_kms(150.0 + prop, 150.0, 450.0), dv_kms, rtol=1e-12)
    assert math.isclose(prop, 150.0 * math.expm1(dv_kms / (450.0 * G0_MS2 / 1000.0)))
