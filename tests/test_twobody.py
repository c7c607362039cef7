"""Public two-body API: Lambert arcs checked by propagating them (an independent kernel)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from marsplan import InputError, LambertStatus, lambert, propagate
from marsplan.constants import AU_KM, DAY_S, GM_SUN_KM3S2

_angle = st.floats(0.0, 2 * math.pi, allow_nan=False)
_incl = st.floats(-0.5, 0.5, allow_nan=False)


def _vec(radius, lon, lat):
    return radius * np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon),
                              math.sin(lat)])


@settings(deadline=None, max_examples=300)
@given(r1=st.floats(0.3, 3.0), r2=st.floats(0.3, 3.0), lon1=_angle, lon2=_angle, lat1=_incl,
       lat2=_incl, tof=st.floats(0.05, 30.0), revs=st.integers(0, 3), prograde=st.booleans(),
       low_path=st.booleans())
@example(r1=1.0, r2=1.524, lon1=0.0, lon2=3.0, lat1=0.0, lat2=0.03, tof=4.0, revs=0,
         prograde=True, low_path=True)
@example(r1=1.0, r2=1.0, lon1=0.0, lon2=math.pi / 2, lat1=0.0, lat2=0.0, tof=20.0, revs=3,
         prograde=False, low_path=False)
def test_propagating_the_lambert_arc_reaches_r2(r1, r2, lon1, lon2, lat1, lat2, tof, revs,
                                                prograde, low_path):
    # The defining property of a Lambert solution, checked with the universal-
    # variable propagator (a different formulation): (r1, v1) flown for tof
    # arrives at r2 with v2. mu = 1. Tolerance 1e-9 of the orbit size: the arc
    # and the propagation each carry ~1e-14 relative, multi-rev arcs amplify it
    # by the number of revolutions and the sensitivity of long hyperbolic legs.
    a, b = _vec(r1, lon1, lat1), _vec(r2, lon2, lat2)
    v1, v2, code = lambert(a, b, tof, 1.0, revs, prograde, low_path, return_status=True)
    if code != LambertStatus.SOLVED:
        assert code in (LambertStatus.NO_SOLUTION, LambertStatus.DEGENERATE)
        assert revs > 0 or code == LambertStatus.DEGENERATE
        return
    # Arcs that graze the centre (periapsis below 5% of the radii, e.g. a
    # hyperbola at 48x escape speed the long way round) amplify every rounding
    # through the close pass: pykep's own Lambert + propagator miss r2 by 1e-8
    # there. Their conditioning, not the solver, sets that error, so skip them.
    h = np.cross(a, v1)
    ecc = np.linalg.norm(np.cross(v1, h) - a / np.linalg.norm(a))
    periapsis = (h @ h) / (1.0 + ecc)
    if periapsis < 0.05 * min(r1, r2):
        return
    r_end, v_end = propagate(a, v1, tof, 1.0)
    scale = max(r1, r2)
    assert np.linalg.norm(r_end - b) < 1e-9 * scale * (1 + revs)
    assert np.linalg.norm(v_end - v2) < 1e-9 * np.linalg.norm(v2) * (1 + revs)
    # Prograde means angular momentum along +z.
    hz = np.cross(a, v1)[2]
    assert (hz > 0) == prograde or abs(hz) < 1e-12 * np.linalg.norm(np.cross(a, v1))


def test_earth_mars_batch_arrives_at_mars():
    # 2,000 heliocentric arcs in km and s, propagated back through the batch API.
    rng = np.random.default_rng(11)
    n = 2000
    lon1, lon2 = rng.uniform(0, 2 * math.pi, (2, n))
    r1 = np.stack([np.cos(lon1), np.sin(lon1), np.zeros(n)], 1) * AU_KM
    r2 = np.stack([np.cos(lon2), np.sin(lon2), rng.normal(0, 0.02, n)], 1) * 1.52 * AU_KM
    tof = rng.uniform(100, 400, n) * DAY_S
    v1, v2 = lambert(r1, r2, tof, GM_SUN_KM3S2)
    r_end, v_end = propagate(r1, v1, tof, GM_SUN_KM3S2)
    # 1e-10 of 2.3e8 km = 23 m over a ~300-day arc; measured ~1e-5 km.
    assert np.max(np.linalg.norm(r_end - r2, axis=1)) < 1e-10 * 1.52 * AU_KM
    assert np.max(np.linalg.norm(v_end - v2, axis=1)) < 1e-10 * 30.0


def test_propagate_curtis_example_3_7():
    # Curtis, Orbital Mechanics for Engineering Students (3rd ed.), Example 3.7:
    # one hour from r0 = [7000, -12124, 0] km, v0 = [2.6679, 4.6210, 0] km/s,
    # mu = 398600. The book carries rounded intermediates (chi, f, g to five
    # figures), so its printed answer is good to ~1e-4 of each vector's length
    # (its vy, -0.96309, is 1e-3 off in its own digits); check to 2e-4 of |r|, |v|.
    r, v = propagate([7000.0, -12124.0, 0.0], [2.6679, 4.6210, 0.0], 3600.0, 398600.0)
    r_book, v_book = np.array([-3297.8, 7413.4, 0.0]), np.array([-8.2977, -0.96309, 0.0])
    assert np.linalg.norm(r - r_book) < 2e-4 * np.linalg.norm(r_book)
    assert np.linalg.norm(v - v_book) < 2e-4 * np.linalg.norm(v_book)


def test_propagate_samples_one_orbit_and_conserves_energy():
    r0, v0 = np.array([7000.0, 0.0, 0.0]), np.array([0.0, 8.5, 1.0])
    t = np.linspace(-86400.0, 86400.0, 97)
    r, v = propagate(r0, v0, t, 398600.4418)
    assert r.shape == v.shape == (97, 3)
    energy = 0.5 * np.sum(v**2, 1) - 398600.4418 / np.linalg.norm(r, axis=1)
    assert np.ptp(energy) < 1e-12 * abs(energy[0]) * 100
    assert_allclose(r[48], r0, atol=1e-9)  # t = 0 returns the state itself


def test_propagate_errors():
    with pytest.raises(InputError, match="mu_km3s2"):
        propagate([7000.0, 0, 0], [0, 7.5, 0], 10.0, -1.0)
    with pytest.raises(InputError, match="zero"):
        propagate([0.0, 0, 0], [0, 7.5, 0], 10.0, 398600.0)
    with pytest.raises(InputError, match="broadcast"):
        propagate(np.ones((3, 3)), np.ones((4, 3)), 1.0, 1.0)
    r, v, status = propagate([[7000.0, 0, 0], [0.0, 0, 0]], [0, 7.5, 0], 10.0, 398600.0,
                             return_status=True)
    assert status.tolist()[0] == 0 and status.tolist()[1] != 0
    assert np.isnan(r[1]).all()


def test_lambert_status_codes_are_the_kernels():
    # twobody repeats the kernel's codes so that importing it loads no numba.
    from marsplan.kernels import lambert as kernel
    from marsplan.twobody import LambertStatus

    assert {s.name: int(s) for s in LambertStatus} == {
        name: getattr(kernel, name) for name in LambertStatus.__members__}


# --------------------------------------------------------------------------- hardening

from marsplan.errors import InputTypeError  # noqa: E402

_R1, _R2, _TOF, _MU = [1.5e8, 0, 0], [0, 2.2e8, 1e6], 200 * 86_400.0, 1.327e11


@pytest.mark.parametrize(("kwargs", "kind", "message"), [
    (dict(revs=-1), InputError, r"^revs: -1 is below 0"),
    (dict(revs=[0, -2]), InputError, r"^revs: -2 is below 0"),
    (dict(revs=1.5), InputTypeError, r"^revs: expected whole numbers"),
    (dict(revs="1"), InputTypeError, r"^revs: expected whole numbers"),
    (dict(revs=True), InputTypeError, r"^revs: expected whole numbers"),
    (dict(revs=10**6), InputError, r"^revs: 1000000 is above the limit of 1000"),
    (dict(prograde="no"), InputTypeError, r"^prograde: expected True or False"),
    (dict(prograde=1), InputTypeError, r"^prograde: expected True or False"),
    (dict(low_path=None), InputTypeError, r"^low_path: expected True or False"),
    (dict(mu="sun"), InputTypeError, r"^mu: 'sun' \(str\) is not a number"),
    (dict(mu=math.nan), InputError, r"^mu: nan is not a finite number"),
    (dict(mu=-1.0), InputError, r"^mu: -1 km\^3/s\^2 must be > 0"),
    (dict(mu=math.inf), InputError, r"^mu: inf is not a finite number"),
    (dict(r1="earth"), InputTypeError, r"^r1: 'earth' is text"),
    (dict(r1=[1.0, 2.0]), InputError, r"^r1: expected an array of shape \(\.\.\., 3\)"),
    (dict(r2=[[1, 2, 3], [1, 2]]), InputError, r"^r2: not an array of numbers"),
    (dict(tof_s="long"), InputTypeError, r"^tof_s: 'long' is text"),
    (dict(return_status="yes"), InputTypeError, r"^return_status: expected True or False"),
])
def test_lambert_refuses_junk_naming_the_argument(kwargs, kind, message):
    args = dict(r1=_R1, r2=_R2, tof_s=_TOF, mu=_MU) | kwargs
    with pytest.raises(kind, match=message):
        lambert(**args)


def test_lambert_batch_size_is_bounded(monkeypatch):
    monkeypatch.setenv("MARSPLAN_MAX_GRID_CELLS", "10000")
    # (1000, 1, 3) against (1, 1000, 3): 3,000 values each, a million problems.
    with pytest.raises(InputError, match=r"^lambert: problems: 1,000,000 cells exceed"):
        lambert(np.ones((1000, 1, 3)), np.ones((1, 1000, 3)), _TOF, _MU)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(mu_km3s2=None), r"^mu_km3s2: None"), (dict(mu_km3s2=0.0), r"^mu_km3s2: 0 "),
    (dict(dt_s="x"), r"^dt_s: 'x' is text"), (dict(r0_km=[1, 2]), r"^r0_km: expected"),
    (dict(v0_kms=[object()] * 3), r"^v0_kms: expected numbers"),
    (dict(return_status=2), r"^return_status: expected True or False"),
])
def test_propagate_refuses_junk_naming_the_argument(kwargs, message):
    args = dict(r0_km=[7000.0, 0, 0], v0_kms=[0, 7.5, 0], dt_s=100.0, mu_km3s2=398600.0) | kwargs
    with pytest.raises(InputError, match=message):
        propagate(**args)
