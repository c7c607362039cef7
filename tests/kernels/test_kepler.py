"""Tests of the universal-variable Kepler propagator, marsplan.kernels.kepler.

Four kinds of evidence: published worked examples (Vallado 2-4, Curtis 3.7),
2400 seeded random states against pykep 3.0.1's ``propagate_lagrangian`` (run
in a child process, see tests/peers.py), physical invariants under hypothesis,
and the status codes of bad inputs. Where pykep and marsplan disagree, the same
universal-variable equations evaluated in 80-bit ``numpy.longdouble`` decide.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from marsplan.constants import AU_KM, GM_EARTH_KM3S2, GM_SUN_KM3S2
from marsplan.kernels import kepler
from tests.peers import run_pykep

MU_SUN = GM_SUN_KM3S2  # 1.32712440041279419e11, DE440
MU_EARTH = GM_EARTH_KM3S2  # 398600.435507, DE440


def propagate(r0_km, v0_kms, dt_s, mu_km3s2):
    """propagate_one on plain sequences; returns (status, r_km, v_kms)."""
    r_km, v_kms = np.empty(3), np.empty(3)
    status = kepler.propagate_one(np.asarray(r0_km, dtype=np.float64),
                                  np.asarray(v0_kms, dtype=np.float64),
                                  float(dt_s), float(mu_km3s2), r_km, v_kms)
    return status, r_km, v_kms


def state_from_elements(q_km, ecc, inc, raan, argp, nu, mu_km3s2):
    """(r, v) from periapsis distance, eccentricity, angles (rad); arrays broadcast."""
    q_km, ecc, inc, raan, argp, nu = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (q_km, ecc, inc, raan, argp, nu)))
    p_km = q_km * (1.0 + ecc)
    radius = p_km / (1.0 + ecc * np.cos(nu))
    speed = np.sqrt(mu_km3s2 / p_km)
    r_pf = np.stack([radius * np.cos(nu), radius * np.sin(nu), np.zeros_like(nu)], -1)
    v_pf = np.stack([-speed * np.sin(nu), speed * (ecc + np.cos(nu)), np.zeros_like(nu)], -1)
    cO, sO, ci, si, cw, sw = (np.cos(raan), np.sin(raan), np.cos(inc), np.sin(inc),
                              np.cos(argp), np.sin(argp))
    rot = np.stack([
        np.stack([cO * cw - sO * sw * ci, -cO * sw - sO * cw * ci, sO * si], -1),
        np.stack([sO * cw + cO * sw * ci, -sO * sw + cO * cw * ci, -cO * si], -1),
        np.stack([sw * si, cw * si, ci], -1),
    ], -2)
    return np.einsum("...ij,...j->...i", rot, r_pf), np.einsum("...ij,...j->...i", rot, v_pf)


def relative_error(actual, expected):
    """Row-wise |actual - expected| / |expected| for (N, 3) arrays."""
    return np.linalg.norm(actual - expected, axis=-1) / np.linalg.norm(expected, axis=-1)


# --------------------------------------------------------------------------
# 80-bit reference: the same universal-variable equations in numpy.longdouble
# (64-bit mantissa on x86-64). It settles rounding questions, not formula ones
# (the formulae are checked by Vallado's example and by pykep).

_LD = np.longdouble
_HAVE_EXTENDED = np.finfo(np.longdouble).eps < 1e-18


def _stumpff_ld(psi):
    if psi > 1:
        s = np.sqrt(psi)
        return (1 - np.cos(s)) / psi, (s - np.sin(s)) / (psi * s)
    if psi < -1:
        s = np.sqrt(-psi)
        return (np.cosh(s) - 1) / (-psi), (np.sinh(s) - s) / (-psi * s)
    c2 = c3 = _LD(0)
    for k in range(24, -1, -1):
        c2 = _LD(1) / _LD(math.factorial(2 * k + 2)) - psi * c2
        c3 = _LD(1) / _LD(math.factorial(2 * k + 3)) - psi * c3
    return c2, c3


def propagate_longdouble(r0_km, v0_kms, dt_s, mu_km3s2):
    """Universal variables in 80 bits, Newton with bisection; returns float64 (r, v)."""
    r0 = np.asarray(r0_km, dtype=_LD)
    v0 = np.asarray(v0_kms, dtype=_LD)
    dt, mu = _LD(dt_s), _LD(mu_km3s2)
    rn, smu = np.sqrt(np.sum(r0 * r0)), np.sqrt(mu)
    sigma0, v2 = np.sum(r0 * v0) / smu, np.sum(v0 * v0)
    alpha, oma = 2 / rn - v2 / mu, rn * v2 / mu - 1
    if alpha > 0:
        period = 2 * np.arccos(_LD(-1)) / (smu * alpha * np.sqrt(alpha))
        dt = dt - period * np.floor(dt / period + _LD(0.5))

    def kepler_time(chi):
        psi = alpha * chi * chi
        c2, c3 = _stumpff_ld(psi)
        return (sigma0 * chi * chi * c2 + oma * chi ** 3 * c3 + rn * chi - smu * dt,
                sigma0 * chi * (1 - psi * c3) + oma * chi * chi * c2 + rn)

    # Bracket from below one radian of anomaly, doubling: a NaN (cosh
    # overflow) or positive residual means "beyond the root".
    sign = 1 if dt > 0 else -1
    far = sign * smu * abs(dt) / rn
    if alpha != 0:
        far = sign * min(abs(far), 1 / np.sqrt(abs(alpha)))
    near = _LD(0)
    while sign * kepler_time(far)[0] < 0:
        near, far = far, 2 * far
    lo, hi = min(near, far), max(near, far)
    chi = (lo + hi) / 2
    for _ in range(400):
        residual, radius = kepler_time(chi)
        below = residual < 0 or (np.isnan(residual) and chi < 0)
        lo, hi = (chi, hi) if below else (lo, chi)
        new = chi - residual / radius
        if not lo < new < hi:
            new = (lo + hi) / 2
        if abs(new - chi) <= _LD(1e-19) * abs(new):
            chi = new
            break
        chi = new
    psi = alpha * chi * chi
    c2, c3 = _stumpff_ld(psi)
    u1, x2 = chi * (1 - psi * c3), chi * chi * c2
    radius = sigma0 * u1 + oma * x2 + rn
    f, g = 1 - x2 / rn, (sigma0 * x2 + rn * u1) / smu
    fdot, gdot = -smu * u1 / (radius * rn), 1 - x2 / radius
    return (f * r0 + g * v0).astype(np.float64), (fdot * r0 + gdot * v0).astype(np.float64)


# --------------------------------------------------------------------------
# Published worked examples


def test_matches_vallado_example_2_4():
    # Vallado, Fundamentals of Astrodynamics and Applications, 4th ed. (2013),
    # Example 2-4 (Algorithm 8, KEPLER): 40 min in low Earth orbit with the
    # book's mu = 398600.4418 km^3/s^2. The book prints r to 0.1 m and v to
    # 1 mm/s (8 figures), so atol is half a unit of the last printed digit and
    # rtol is 0: the tightest honest check.
    status, r_km, v_kms = propagate([1131.340, -2282.343, 6672.423],
                                    [-5.64305, 4.30333, 2.42879], 40 * 60.0, 398600.4418)
    assert status == kepler.OK
    assert_allclose(r_km, [-4219.7527, 4363.0292, -3958.7666], rtol=0, atol=5e-5)
    assert_allclose(v_kms, [3.689866, -1.916735, -6.112511], rtol=0, atol=5e-7)


def test_matches_curtis_example_3_7():
    # Curtis, Orbital Mechanics for Engineering Students (2nd ed.), Example 3.7:
    # 60 min, mu = 398600. The book works with intermediate values rounded to
    # five figures, and the answers quoted from it differ by source
    # (x = -3297.8 or -3296.8 km, y = 7413.4 or 7413.9 km, vy = -0.96309 or
    # -0.96404 km/s); each lies within 1.4e-4 of |r| or |v| of the exact
    # (-3297.77, 7413.40) km, (-8.29760, -0.964045) km/s. So the example checks
    # the physics to 2e-4 of the vector length; Vallado 2-4 is the tight test.
    status, r_km, v_kms = propagate([7000.0, -12124.0, 0.0], [2.6679, 4.6210, 0.0],
                                    3600.0, 398600.0)
    assert status == kepler.OK
    r_book, v_book = np.array([-3297.8, 7413.4, 0.0]), np.array([-8.2977, -0.96309, 0.0])
    assert np.linalg.norm(r_km - r_book) <= 2e-4 * np.linalg.norm(r_book)
    assert np.linalg.norm(v_kms - v_book) <= 2e-4 * np.linalg.norm(v_book)
    assert r_km[2] == 0.0 and v_kms[2] == 0.0


# --------------------------------------------------------------------------
# 2400 random states against pykep 3.0.1

# name: (eccentricity range, time-step kind, rtol on |r| and |v| against pykep)
_CATEGORIES = {
    # Well-conditioned ellipses and hyperbolas: both codes round to ~1e-15;
    # measured worst 7e-13 (high e near periapsis, where dr/dM is ~1e3 r).
    "elliptic e<0.9, |dt|<=1 period": ((0.0, 0.9), "one_period", 1e-11),
    "elliptic 0.9<=e<=0.99, |dt|<=1 period": ((0.9, 0.99), "one_period", 1e-10),
    "hyperbolic 1.05<=e<=5": ((1.05, 5.0), "hyperbolic", 1e-11),
    # Steps of 1e-8..1e-2 period: pykep forms 1 - cos(dE), which cancels for
    # small dE, and loses up to ~1e-12 (marsplan is within 2e-15 of the 80-bit
    # reference there).
    "elliptic e<=0.99, short dt": ((0.0, 0.99), "short", 1e-10),
    # 1 to 1000 revolutions: alpha = 2/r - v^2/mu is rounded (relative error
    # ~1e-16 * 2/(1-e), up to 4e-14 at e = 0.99), and the mean anomaly inherits
    # it times 1.5 x (up to 6300 rad): both codes, and each against the 80-bit
    # reference, differ by up to ~1e-9. That is the problem's conditioning in
    # float64, not either solver's error.
    "elliptic e<=0.99, 1-1000 periods": ((0.0, 0.99), "many_periods", 1e-8),
    # 0.999 <= e <= 1.001: pykep's Kepler equation in dE (or dH) with |a| up
    # to 1e15 km cancels to ~1e-7 along-track; marsplan's universal variables
    # stay within 1e-14 of the 80-bit reference (test below).
    "near-parabolic 0.999<=e<=1.001": ((0.999, 1.001), "near_parabolic", 1e-6),
}
_PER_CATEGORY_AND_MU = 200


def _random_states(rng, n, mu_km3s2, ecc_range, kind):
    q_km = (rng.uniform(0.2, 5.0, n) * AU_KM if mu_km3s2 == MU_SUN
            else rng.uniform(6600.0, 60000.0, n))
    ecc = rng.uniform(*ecc_range, n)
    # True anomaly anywhere on an ellipse; within 95% of the asymptote otherwise.
    nu_max = np.where(ecc < 1.0, np.pi, 0.95 * np.arccos(-1.0 / np.maximum(ecc, 1.0)))
    nu = rng.uniform(-1.0, 1.0, n) * nu_max
    r0, v0 = state_from_elements(q_km, ecc, rng.uniform(0, np.pi, n),
                                 rng.uniform(0, 2 * np.pi, n), rng.uniform(0, 2 * np.pi, n),
                                 nu, mu_km3s2)
    time_scale_s = np.sqrt(np.abs(q_km / (1.0 - ecc)) ** 3 / mu_km3s2)  # 1 / mean motion
    sign = rng.choice([-1.0, 1.0], n)
    if kind == "one_period":
        dt_s = rng.uniform(0.0, 2 * np.pi, n) * time_scale_s
    elif kind == "short":
        dt_s = 2 * np.pi * time_scale_s * 10 ** rng.uniform(-8, -2, n)
    elif kind == "many_periods":
        dt_s = 2 * np.pi * time_scale_s * 10 ** rng.uniform(0, 3, n)
    elif kind == "hyperbolic":
        dt_s = time_scale_s * 10 ** rng.uniform(-3, 2, n)
    else:  # near_parabolic: scaled by the time to sweep the periapsis region
        dt_s = np.sqrt(q_km ** 3 / mu_km3s2) * 10 ** rng.uniform(-2, 2, n)
    return r0, v0, sign * dt_s


_PYKEP_BODY = """
r0, v0, dt, mu = data['r0'], data['v0'], data['dt'], data['mu']
n = len(dt)
r = np.full((n, 3), np.nan)
v = np.full((n, 3), np.nan)
for i in range(n):
    try:
        r[i], v[i] = pk.propagate_lagrangian(rv=[r0[i].tolist(), v0[i].tolist()],
                                             tof=float(dt[i]), mu=float(mu[i]), stm=False)
    except Exception:  # pykep raises when its Newton iteration fails: leave NaN
        pass
out['r'] = r
out['v'] = v
"""


@pytest.fixture(scope="module")
def random_set():
    """2400 seeded states, propagated by marsplan and (in a child) by pykep."""
    rng = np.random.default_rng(20261125)
    label, mu, r0, v0, dt = [], [], [], [], []
    for name, (ecc_range, kind, _rtol) in _CATEGORIES.items():
        for body_mu in (MU_SUN, MU_EARTH):
            r0_part, v0_part, dt_part = _random_states(rng, _PER_CATEGORY_AND_MU, body_mu,
                                                       ecc_range, kind)
            label += [name] * len(dt_part)
            mu += [body_mu] * len(dt_part)
            r0.append(r0_part)
            v0.append(v0_part)
            dt.append(dt_part)
    label, mu = np.array(label), np.array(mu)
    r0, v0, dt = np.concatenate(r0), np.concatenate(v0), np.concatenate(dt)
    n = len(dt)
    r_km, v_kms, status = np.empty((n, 3)), np.empty((n, 3)), np.empty(n, np.int8)
    for body_mu in (MU_SUN, MU_EARTH):
        rows = mu == body_mu
        r_part, v_part = np.empty((rows.sum(), 3)), np.empty((rows.sum(), 3))
        s_part = np.empty(rows.sum(), np.int8)
        kepler.propagate_batch(r0[rows], v0[rows], dt[rows], body_mu, r_part, v_part, s_part)
        r_km[rows], v_kms[rows], status[rows] = r_part, v_part, s_part
    peer = run_pykep(_PYKEP_BODY, r0=r0, v0=v0, dt=dt, mu=mu)
    return dict(label=label, mu=mu, r0=r0, v0=v0, dt=dt, r=r_km, v=v_kms, status=status,
                pk_r=peer["r"], pk_v=peer["v"])


def test_random_set_covers_2000_states(random_set):
    assert len(random_set["dt"]) >= 2000
    assert (random_set["dt"] < 0).sum() > 1000  # backwards steps too
    assert np.all(random_set["status"] == kepler.OK)


@pytest.mark.parametrize("category", list(_CATEGORIES))
@pytest.mark.parametrize("body", ["sun", "earth"])
def test_matches_pykep(random_set, category, body):
    rows = (random_set["label"] == category) & (
        random_set["mu"] == (MU_SUN if body == "sun" else MU_EARTH))
    assert np.all(np.isfinite(random_set["pk_r"][rows])), "pykep raised on some states"
    rtol = _CATEGORIES[category][2]
    err_r = relative_error(random_set["r"][rows], random_set["pk_r"][rows])
    err_v = relative_error(random_set["v"][rows], random_set["pk_v"][rows])
    assert err_r.max() <= rtol, f"worst |dr|/|r| = {err_r.max():.2e}"
    assert err_v.max() <= rtol, f"worst |dv|/|v| = {err_v.max():.2e}"


@pytest.mark.skipif(not _HAVE_EXTENDED, reason="numpy.longdouble is float64 here")
@pytest.mark.parametrize("category", ["near-parabolic 0.999<=e<=1.001",
                                      "elliptic e<=0.99, short dt"])
def test_where_pykep_disagrees_the_80_bit_reference_sides_with_marsplan(random_set, category):
    # pykep's answers for these states differ from marsplan's by up to 1e-7,
    # almost all along-track (a timing error): energy and angular momentum do
    # not show it, so the same equations in 80 bits decide. marsplan must match
    # them to rounding (1e-13 allows for 1e3 ulp of amplification near periapsis).
    rows = np.flatnonzero(random_set["label"] == category)
    err_pk = relative_error(random_set["r"][rows], random_set["pk_r"][rows])
    worst = rows[np.argsort(err_pk)[-15:]]
    for i in worst:
        r_ref, v_ref = propagate_longdouble(random_set["r0"][i], random_set["v0"][i],
                                            random_set["dt"][i], random_set["mu"][i])
        assert relative_error(random_set["r"][i], r_ref) <= 1e-13
        assert relative_error(random_set["v"][i], v_ref) <= 1e-13


# --------------------------------------------------------------------------
# Invariants


@st.composite
def orbits(draw):
    """(r0_km, v0_kms, mu_km3s2, dt_s, ecc): ellipses, hyperbolas and near-parabolas."""
    mu = draw(st.sampled_from([MU_SUN, MU_EARTH]))
    q_km = (draw(st.floats(0.1, 40.0)) * AU_KM if mu == MU_SUN
            else draw(st.floats(6500.0, 1e6)))
    ecc = draw(st.one_of(st.floats(0.0, 0.99), st.floats(0.999, 1.001),
                         st.floats(1.01, 5.0), st.sampled_from([0.0, 1.0, 0.99])))
    nu_max = math.pi if ecc < 1.0 else 0.95 * math.acos(-1.0 / ecc)
    nu = draw(st.floats(-1.0, 1.0)) * nu_max
    angles = [draw(st.floats(0.0, 2 * math.pi)) for _ in range(3)]
    r0, v0 = state_from_elements(q_km, ecc, angles[0] / 2, angles[1], angles[2], nu, mu)
    # Up to 100 time units: ~16 revolutions of an ellipse, far out on a hyperbola.
    time_scale_s = (math.sqrt(q_km ** 3 / mu) if abs(1.0 - ecc) < 0.01
                    else math.sqrt(abs(q_km / (1.0 - ecc)) ** 3 / mu))
    dt_s = draw(st.sampled_from([-1.0, 1.0])) * time_scale_s * 10 ** draw(st.floats(-6.0, 2.0))
    return r0, v0, mu, dt_s, ecc


def _energy(r, v, mu):
    return v @ v / 2 - mu / np.linalg.norm(r)


def _energy_scale(r, v, mu):
    return v @ v / 2 + mu / np.linalg.norm(r)


@settings(deadline=None, max_examples=300)
@given(orbits())
@example((np.array([7000.0, 0.0, 0.0]), np.array([0.0, math.sqrt(2 * MU_EARTH / 7000.0), 0.0]),
          MU_EARTH, 1e7, 1.0))  # exactly parabolic (alpha = 0 to the last bit)
@example((np.array([AU_KM, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]), MU_SUN, -3e9, 0.99))
def test_energy_and_angular_momentum_are_conserved(orbit):
    r0, v0, mu, dt, _ecc = orbit
    status, r1, v1 = propagate(r0, v0, dt, mu)
    assert status == kepler.OK
    # Relative to the size of the terms (v^2/2 + mu/r), as near e = 1 the
    # energy itself is ~0; likewise |h| against |r| |v|.
    scale = max(_energy_scale(r0, v0, mu), _energy_scale(r1, v1, mu))
    assert abs(_energy(r1, v1, mu) - _energy(r0, v0, mu)) <= 1e-10 * scale
    h_scale = max(np.linalg.norm(r0) * np.linalg.norm(v0), np.linalg.norm(r1) * np.linalg.norm(v1))
    assert np.linalg.norm(np.cross(r1, v1) - np.cross(r0, v0)) <= 1e-10 * h_scale


# Each call returns its state to ~1e-14 relative (against the 80-bit
# reference: up to ~130 ulp on long hyperbolic arcs). So a state handed from
# one call to the next carries up to STATE_RTOL of error, and the next call
# magnifies it by its own condition number: that, not a fixed rtol, is what a
# round trip can promise. One more factor is the formulation's own, shared by
# pykep: r_end = f r_start + g v_start is a difference of terms of the size of
# r_start, so an inbound leg loses r_start / r_end in relative precision (both
# codes lose ~2e-10 from 1000 periapsis radii in to periapsis).
STATE_RTOL = 1e-13


def sensitivity(r_km, v_kms, dt_s, mu):
    """(S_r, S_v): the largest change of the propagated r and v per unit relative
    change of one component of (r_km, v_kms), by finite differences.

    It holds every magnification at once: the cancellation in alpha = 2/r - v^2/mu
    near e = 1 (a timing error that grows with dt), the drift of a velocity
    error over a long arc, and the turn of a hyperbola.
    """
    step = 1e-7
    _s, r_end, v_end = propagate(r_km, v_kms, dt_s, mu)
    s_r = s_v = 0.0
    for which, size in ((0, np.linalg.norm(r_km)), (1, np.linalg.norm(v_kms))):
        for k in range(3):
            state = [np.array(r_km, dtype=float), np.array(v_kms, dtype=float)]
            state[which][k] += step * size
            _s, r_p, v_p = propagate(state[0], state[1], dt_s, mu)
            s_r = max(s_r, np.linalg.norm(r_p - r_end) / step)
            s_v = max(s_v, np.linalg.norm(v_p - v_end) / step)
    return s_r, s_v


def handover_tolerance(r_km, v_kms, dt_s, mu):
    """(tol_r, tol_v) for propagating a state that carries STATE_RTOL of error."""
    s_r, s_v = sensitivity(r_km, v_kms, dt_s, mu)
    _s, r_end, v_end = propagate(r_km, v_kms, dt_s, mu)
    inbound = max(1.0, np.linalg.norm(r_km) / np.linalg.norm(r_end))
    return (STATE_RTOL * inbound * (s_r + np.linalg.norm(r_end)),
            STATE_RTOL * inbound * (s_v + np.linalg.norm(v_end)))


@settings(deadline=None, max_examples=300)
@given(orbits())
@example((np.array([1264.56010193, 6375.80487065, 0.0]), np.array([-10.89010069, 2.15991347, 0.0]),
          MU_EARTH, -83004406.86578737, 1.01))  # 1e4 periapsis radii out and back, e = 1.01
def test_forward_then_back_returns_to_start(orbit):
    r0, v0, mu, dt, _ecc = orbit
    status, r1, v1 = propagate(r0, v0, dt, mu)
    assert status == kepler.OK
    status, r_back, v_back = propagate(r1, v1, -dt, mu)
    assert status == kepler.OK
    tol_r, tol_v = handover_tolerance(r1, v1, -dt, mu)
    assert np.linalg.norm(r_back - r0) <= tol_r
    assert np.linalg.norm(v_back - v0) <= tol_v


@settings(deadline=None, max_examples=300)
@given(orbits(), st.floats(0.0, 1.0))
@example((np.array([-1042909.65218432, 165180.66157027, 0.0]),
          np.array([-0.86622288, 0.06817322, 0.0]), MU_EARTH, -830.0440686578748, 1.0),
         5e-324)  # a first step of ~1e-321 s: chi underflows to 0
def test_two_steps_equal_one(orbit, split):
    # Kepler flow composes: dt = dt1 + dt2 in one call or two. The one-call
    # answer has its own STATE_RTOL, magnified by its own conditioning.
    r0, v0, mu, dt, _ecc = orbit
    dt1 = dt * split
    status, r1, v1 = propagate(r0, v0, dt1, mu)
    assert status == kepler.OK
    status, r2, v2 = propagate(r1, v1, dt - dt1, mu)
    assert status == kepler.OK
    status, r_one, v_one = propagate(r0, v0, dt, mu)
    assert status == kepler.OK
    tol_r2, tol_v2 = handover_tolerance(r1, v1, dt - dt1, mu)
    tol_r1, tol_v1 = handover_tolerance(r0, v0, dt, mu)
    assert np.linalg.norm(r2 - r_one) <= tol_r1 + tol_r2
    assert np.linalg.norm(v2 - v_one) <= tol_v1 + tol_v2


@settings(deadline=None, max_examples=200)
@given(orbits().filter(lambda orbit: orbit[4] <= 0.99), st.integers(1, 20))
def test_whole_periods_return_to_start(orbit, revolutions):
    r0, v0, mu, _dt, _ecc = orbit
    alpha = 2 / np.linalg.norm(r0) - v0 @ v0 / mu
    period_s = 2 * math.pi / math.sqrt(mu * alpha ** 3)
    # The test's period is rounded (and alpha's rounding is magnified near
    # e = 1): a timing error that handover_tolerance of the whole arc bounds.
    tol_r, tol_v = handover_tolerance(r0, v0, revolutions * period_s, mu)
    # In one call the kernel drops the whole revolutions.
    status, r1, v1 = propagate(r0, v0, revolutions * period_s, mu)
    assert status == kepler.OK
    assert np.linalg.norm(r1 - r0) <= tol_r
    assert np.linalg.norm(v1 - v0) <= tol_v
    # In two half-period calls (through apoapsis or periapsis) Kepler's
    # equation is solved in earnest.
    status, r_half, v_half = propagate(r0, v0, period_s / 2, mu)
    assert status == kepler.OK
    status, r2, v2 = propagate(r_half, v_half, period_s / 2, mu)
    assert status == kepler.OK
    tol_r_half, tol_v_half = handover_tolerance(r_half, v_half, period_s / 2, mu)
    tol_r, tol_v = handover_tolerance(r0, v0, period_s, mu)
    assert np.linalg.norm(r2 - r0) <= tol_r + tol_r_half
    assert np.linalg.norm(v2 - v0) <= tol_v + tol_v_half


def test_circular_orbit_turns_at_the_mean_motion():
    # Exact solution: the position vector rotates by n t in its plane.
    radius_km = 42164.0
    speed = math.sqrt(MU_EARTH / radius_km)
    n = speed / radius_km
    for dt in (1.0, 1e3, -5e4, 1e7, 3.3e9):
        status, r, v = propagate([radius_km, 0, 0], [0, speed, 0], dt, MU_EARTH)
        assert status == kepler.OK
        # the angle n dt is itself rounded: 1e-16 of up to 2e4 rad
        angle = n * dt
        atol = 1e-15 * (1 + abs(angle)) * radius_km * 10
        assert_allclose(r, [radius_km * math.cos(angle), radius_km * math.sin(angle), 0], atol=atol)
        assert_allclose(v, [-speed * math.sin(angle), speed * math.cos(angle), 0],
                        atol=atol * n)


def test_exact_parabola_matches_barkers_equation():
    # From periapsis q at exactly escape speed (alpha = 0 to the last bit):
    # Barker's equation t sqrt(mu / (2 q^3)) = D + D^3 / 3, D = tan(nu / 2), has
    # the closed-form root D = 2 sinh(asinh(1.5 A) / 3); then r cos nu =
    # q (1 - D^2), r sin nu = 2 q D (the cubic solved by Cardano). pykep 3.0.1
    # gets this case wrong (y off by 13% at 100 s: its a = -mu / (2 energy) is
    # infinite), which is why it is checked here against the formula.
    q_km = 7000.0
    speed = math.sqrt(2 * MU_EARTH / q_km)
    assert 2 / q_km - speed * speed / MU_EARTH == 0.0
    for dt in (100.0, -100.0, 1e4, 3e7):
        status, r, v = propagate([q_km, 0, 0], [0, speed, 0], dt, MU_EARTH)
        assert status == kepler.OK
        d = 2 * math.sinh(math.asinh(1.5 * dt * math.sqrt(MU_EARTH / (2 * q_km ** 3))) / 3)
        nu = 2 * math.atan(d)
        v_scale = math.sqrt(MU_EARTH / (2 * q_km))
        assert_allclose(r, [q_km * (1 - d * d), 2 * q_km * d, 0], rtol=1e-12, atol=1e-12 * q_km)
        assert_allclose(v, [-v_scale * math.sin(nu), v_scale * (1 + math.cos(nu)), 0],
                        rtol=1e-12, atol=1e-14 * speed)


def test_radial_free_fall_matches_the_closed_form():
    # Drop from rest at r0: t(r) = sqrt(r0^3 / (2 mu)) (sqrt(x (1 - x)) + acos(sqrt x)),
    # x = r / r0 (e.g. Roy, Orbital Motion, 4th ed., sec. 4.10). v0 = 0 gives
    # h = 0, which the universal variables handle without a special case.
    r0_km = 7000.0
    for x in (0.999, 0.9, 0.5, 0.1, 1e-3):
        t = (math.sqrt(r0_km ** 3 / (2 * MU_EARTH))
             * (math.sqrt(x * (1 - x)) + math.acos(math.sqrt(x))))
        status, r, v = propagate([r0_km, 0, 0], [0, 0, 0], t, MU_EARTH)
        assert status == kepler.OK
        assert_allclose(r, [x * r0_km, 0, 0], rtol=1e-11, atol=1e-12 * r0_km)
        speed = math.sqrt(2 * MU_EARTH * (1 / (x * r0_km) - 1 / r0_km))
        assert_allclose(v, [-speed, 0, 0], rtol=1e-9)


def test_zero_step_returns_the_state_unchanged():
    r0, v0 = np.array([1.2e8, -3.4e7, 5.0e6]), np.array([12.0, 25.0, -1.0])
    status, r, v = propagate(r0, v0, 0.0, MU_SUN)
    assert status == kepler.OK
    assert_array_equal(r, r0)
    assert_array_equal(v, v0)


def test_stumpff_series_meets_closed_form_at_the_switch():
    # |psi| = 1 is where the series hands over to the closed forms.
    for psi in (1.0, -1.0):
        below = kepler.stumpff_c2_c3(psi * (1 - 1e-15))
        above = kepler.stumpff_c2_c3(psi * (1 + 1e-15))
        assert_allclose(below, above, rtol=1e-14)
    assert kepler.stumpff_c2_c3(0.0) == (0.5, 1.0 / 6.0)
    assert_allclose(kepler.stumpff_c2_c3(4.0), [(1 - math.cos(2)) / 4, (2 - math.sin(2)) / 8],
                    rtol=1e-15)
    assert_allclose(kepler.stumpff_c2_c3(-4.0),
                    [(math.cosh(2) - 1) / 4, (math.sinh(2) - 2) / 8], rtol=1e-15)


# --------------------------------------------------------------------------
# Bad inputs, batches and samples

_GOOD_R, _GOOD_V = [7000.0, 0.0, 0.0], [0.0, 7.5, 1.0]


@pytest.mark.parametrize(("r0", "v0", "dt", "mu", "code"), [
    ([math.nan, 0, 0], _GOOD_V, 60.0, MU_EARTH, kepler.BAD_INPUT),
    (_GOOD_R, [0, math.inf, 0], 60.0, MU_EARTH, kepler.BAD_INPUT),
    (_GOOD_R, _GOOD_V, math.nan, MU_EARTH, kepler.BAD_INPUT),
    (_GOOD_R, _GOOD_V, -math.inf, MU_EARTH, kepler.BAD_INPUT),
    (_GOOD_R, _GOOD_V, 60.0, math.inf, kepler.BAD_INPUT),
    (_GOOD_R, _GOOD_V, 60.0, math.nan, kepler.BAD_INPUT),
    (_GOOD_R, _GOOD_V, 60.0, 0.0, kepler.BAD_MU),
    (_GOOD_R, _GOOD_V, 60.0, -MU_EARTH, kepler.BAD_MU),
    ([0.0, 0.0, 0.0], _GOOD_V, 60.0, MU_EARTH, kepler.ZERO_RADIUS),
    ([0.0, -0.0, 0.0], [0, 0, 0], 60.0, MU_EARTH, kepler.ZERO_RADIUS),
])
def test_bad_input_gives_its_status_and_nan(r0, v0, dt, mu, code):
    status, r, v = propagate(r0, v0, dt, mu)
    assert status == code
    assert np.all(np.isnan(r)) and np.all(np.isnan(v))
    assert kepler.STATUS_MESSAGES[code]


def test_fall_that_ends_at_the_centre_fails_its_check():
    # From rest, the centre is reached after pi sqrt(r0^3 / (8 mu)): r = 0 there.
    r0_km = 7000.0
    t_fall = math.pi * math.sqrt(r0_km ** 3 / (8 * MU_EARTH))
    status, r, v = propagate([r0_km, 0, 0], [0, 0, 0], t_fall, MU_EARTH)
    assert status == kepler.CHECK_FAILED
    assert np.all(np.isnan(r)) and np.all(np.isnan(v))


def test_status_codes_are_distinct_and_documented():
    codes = [kepler.OK, kepler.BAD_INPUT, kepler.BAD_MU, kepler.ZERO_RADIUS,
             kepler.NOT_CONVERGED, kepler.CHECK_FAILED]
    assert codes == list(range(len(codes))) == list(range(len(kepler.STATUS_MESSAGES)))


def test_batch_marks_only_the_bad_rows():
    r0 = np.array([_GOOD_R, [0.0, 0.0, 0.0], _GOOD_R, [math.nan, 1.0, 1.0]])
    v0 = np.array([_GOOD_V, _GOOD_V, _GOOD_V, _GOOD_V])
    dt = np.array([60.0, 60.0, -1e5, 60.0])
    r, v, status = np.empty((4, 3)), np.empty((4, 3)), np.full(4, -1, np.int8)
    kepler.propagate_batch(r0, v0, dt, MU_EARTH, r, v, status)
    assert_array_equal(status, [kepler.OK, kepler.ZERO_RADIUS, kepler.OK, kepler.BAD_INPUT])
    assert np.all(np.isfinite(r[[0, 2]])) and np.all(np.isnan(r[[1, 3]]))
    assert np.all(np.isnan(v[[1, 3]]))
    for i in (0, 2):
        _s, r_one, v_one = propagate(r0[i], v0[i], dt[i], MU_EARTH)
        assert_array_equal(r[i], r_one)
        assert_array_equal(v[i], v_one)
    r_bad_mu, v_bad_mu, status_bad_mu = np.empty((4, 3)), np.empty((4, 3)), np.empty(4, np.int8)
    kepler.propagate_batch(r0, v0, dt, -1.0, r_bad_mu, v_bad_mu, status_bad_mu)
    assert_array_equal(status_bad_mu, [kepler.BAD_MU, kepler.BAD_MU, kepler.BAD_MU,
                                       kepler.BAD_INPUT])


def test_samples_trace_one_orbit():
    # A Mars-like heliocentric orbit sampled over two years, backwards and
    # forwards, with a NaN time among them.
    r0, v0 = state_from_elements(1.38 * AU_KM, 0.0934, 0.0323, 0.865, 5.0, 0.3, MU_SUN)
    dt = np.concatenate([np.linspace(-3.2e7, 3.2e7, 101), [math.nan]])
    r, v, status = np.empty((len(dt), 3)), np.empty((len(dt), 3)), np.empty(len(dt), np.int8)
    kepler.propagate_samples(r0, v0, dt, MU_SUN, r, v, status)
    assert np.all(status[:-1] == kepler.OK) and status[-1] == kepler.BAD_INPUT
    assert np.all(np.isnan(r[-1])) and np.all(np.isnan(v[-1]))
    for i in (0, 37, 50, 100):
        _s, r_one, v_one = propagate(r0, v0, dt[i], MU_SUN)
        assert_array_equal(r[i], r_one)
        assert_array_equal(v[i], v_one)
    assert_array_equal(r[50], r0)  # dt = 0 in the middle of the grid
