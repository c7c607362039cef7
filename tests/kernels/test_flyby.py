"""The patched-conic flyby kernel against the turn formula, a root finder, and pykep.

Model (marsplan.kernels.flyby): a hyperbola of periapsis radius rp and excess
speed v turns the v-infinity by 2 asin(1/e), e = 1 + rp v^2 / mu (Curtis,
*Orbital Mechanics for Engineering Students*, 3rd ed., eq. 8.55-8.56). A
powered flyby joins two hyperbolas at a common periapsis with a tangential
impulse, so its turn is asin(1/e_in) + asin(1/e_out) and its cost the
difference of the periapsis speeds sqrt(v^2 + 2 mu / rp) (the "PowSwingByInv"
model of ESA's MGA problems, D. Izzo, ESA ACT). The tests below rebuild that
model independently: closed-form rp for an unpowered flyby, scipy's brentq
for a powered one; and they compare with pykep 3's own flyby functions
(``fb_vout``, ``fb_con``, ``fb_dv``) in a child process (tests/peers.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from marsplan.constants import EQUATORIAL_RADIUS_KM, GM_KM3S2
from marsplan.kernels.flyby import flyby, max_turn_rad
from tests.peers import run_pykep

MU_MARS = GM_KM3S2["mars"]
MU_VENUS = GM_KM3S2["venus"]
RP_MIN_MARS = EQUATORIAL_RADIUS_KM["mars"] + 300.0
RP_MIN_VENUS = EQUATORIAL_RADIUS_KM["venus"] + 300.0


# --------------------------------------------------------------------------- references


def _turn_rad(rp_km, v_kms, mu):
    """Turn of an unpowered hyperbola: 2 asin(1/e), e = 1 + rp v^2 / mu (Curtis 8.56)."""
    return 2.0 * math.asin(1.0 / (1.0 + rp_km * v_kms * v_kms / mu))


def _rp_of_turn_km(turn_rad, v_kms, mu):
    """The closed-form inverse: e = 1 / sin(turn / 2), rp = (e - 1) mu / v^2."""
    return (1.0 / math.sin(0.5 * turn_rad) - 1.0) * mu / (v_kms * v_kms)


def _powered_turn(rp, vin, vout, mu):
    return (math.asin(1.0 / (1.0 + rp * vin * vin / mu))
            + math.asin(1.0 / (1.0 + rp * vout * vout / mu)))


def _reference_flyby(vin_vec, vout_vec, mu, rp_min):
    """The powered-flyby model rebuilt with numpy and brentq: (dv, rp, turn)."""
    vin, vout = np.linalg.norm(vin_vec), np.linalg.norm(vout_vec)
    turn = math.acos(np.clip(vin_vec @ vout_vec / (vin * vout), -1.0, 1.0))
    reach = _powered_turn(rp_min, vin, vout, mu)
    if turn >= reach:
        rp, extra = rp_min, 2.0 * vout * math.sin(0.5 * (turn - reach))
    else:
        rp = brentq(lambda r: _powered_turn(r, vin, vout, mu) - turn, rp_min, 1e12,
                    xtol=1e-9, rtol=4 * np.finfo(float).eps, maxiter=500)
        extra = 0.0
    dv = abs(math.sqrt(vout**2 + 2 * mu / rp) - math.sqrt(vin**2 + 2 * mu / rp))
    return dv + extra, rp, turn


def _unit(v):
    return v / np.linalg.norm(v)


def _rotate(v, axis, angle):
    """Rodrigues' rotation of v about the unit axis."""
    return (v * math.cos(angle) + np.cross(axis, v) * math.sin(angle)
            + axis * (axis @ v) * (1.0 - math.cos(angle)))


def _pair(direction, normal, vin, vout, turn):
    """v-infinity in along `direction`, out turned by `turn` in the plane normal to `normal`."""
    d = _unit(np.asarray(direction, float))
    n = _unit(np.cross(d, normal))  # a unit axis perpendicular to d
    return vin * d, _rotate(vout * d, n, turn)


def _run(vin_vec, vout_vec, mu, rp_min):
    return flyby(*map(float, vin_vec), *map(float, vout_vec), mu, rp_min)


directions = st.tuples(*[st.floats(-1.0, 1.0)] * 3).filter(lambda t: sum(x * x for x in t) > 0.01)


# --------------------------------------------------------------------------- unpowered


def test_max_turn_is_the_textbook_formula():
    # Mars at 5.4254 km/s (Inspiration Mars) passing 250 km up, rp = 3646.19 km:
    # e = 1 + rp v^2/mu = 1 + 3646.19 * 29.4350 / 42828.38 = 3.50595, and
    # turn = 2 asin(1/e) = 2 * 16.5726 = 33.145 deg, worked by hand (Curtis 8.56).
    rp = EQUATORIAL_RADIUS_KM["mars"] + 250.0
    e = 1.0 + rp * 5.4254**2 / MU_MARS
    assert max_turn_rad(5.4254, MU_MARS, rp) == pytest.approx(2 * math.asin(1 / e), rel=1e-15)
    assert math.degrees(max_turn_rad(5.4254, MU_MARS, rp)) == pytest.approx(33.145, abs=0.001)


@settings(deadline=None, max_examples=300)
@given(v=st.floats(1.0, 15.0), alt_km=st.floats(0.0, 100_000.0), venus=st.booleans(),
       direction=directions, normal=directions)
@example(v=5.4254, alt_km=250.0, venus=False, direction=(0.1, -5.3, -1.2), normal=(0, 0, 1))
def test_equal_speeds_within_reach_are_free_and_give_the_turn_formula_rp(v, alt_km, venus,
                                                                          direction, normal):
    # An unpowered flyby built by hand at periapsis rp: the kernel charges
    # nothing and solves back rp. rp_min lies 300 km up and rp >= R, so the
    # turn can be out of reach (alt < 300): then only the rotation is charged.
    mu, body = (MU_VENUS, "venus") if venus else (MU_MARS, "mars")
    if abs(np.dot(_unit(np.array(direction)), _unit(np.array(normal)))) > 0.99:
        return  # the turn plane would be ill-defined
    rp = EQUATORIAL_RADIUS_KM[body] + alt_km
    rp_min = EQUATORIAL_RADIUS_KM[body] + 300.0
    turn = _turn_rad(rp, v, mu)
    vin, vout = _pair(direction, normal, v, v, turn)
    dv, rp_found, turn_found = _run(vin, vout, mu, rp_min)
    # acos of the dot product: ~1e-16 / turn rad; the turns here exceed 0.003 rad.
    assert turn_found == pytest.approx(turn, abs=1e-13)
    if alt_km >= 300.0:
        # |vin| and |vout| are equal to an ulp: the periapsis speeds cancel to ~1e-15.
        assert dv < 1e-12
        # rp from the turn loses ~1e-16 / turn^2 relatively (< 1e-11 here); 1e-8 is ample.
        assert rp_found == pytest.approx(rp, rel=1e-8)
        assert rp_found == pytest.approx(_rp_of_turn_km(turn_found, v, mu), rel=1e-8)
        assert max_turn_rad(v, mu, rp_found) == pytest.approx(turn, rel=1e-9)
    else:
        # Out of reach at rp_min: rotate the rest of the way, 2 v sin(rest / 2).
        rest = turn - _turn_rad(rp_min, v, mu)
        assert rp_found == pytest.approx(rp_min, rel=1e-9)  # == unless rest ~ 1e-16
        assert dv == pytest.approx(2 * v * math.sin(0.5 * rest), rel=1e-9, abs=1e-13)


def test_parallel_equal_vectors_cost_nothing():
    dv, rp, turn = _run(np.array([3.0, 4.0, 0.0]), np.array([3.0, 4.0, 0.0]), MU_MARS, RP_MIN_MARS)
    assert dv == 0.0 and turn == 0.0 and rp >= 1e11


def test_zero_vinf_gives_nan_not_an_exception():
    assert all(math.isnan(x) for x in _run(np.zeros(3), np.array([1.0, 0, 0]), MU_MARS,
                                           RP_MIN_MARS))


# --------------------------------------------------------------------------- powered


@settings(deadline=None, max_examples=300)
@given(vin=st.floats(1.0, 12.0), ratio=st.floats(0.5, 2.0), turn_deg=st.floats(0.5, 179.0),
       venus=st.booleans(), direction=directions, normal=directions)
@example(vin=4.137, ratio=5.981 / 4.137, turn_deg=37.97, venus=False, direction=(1, 0, 0),
         normal=(0, 0, 1))  # the powered Mars flyby of marsplan's 2033 Venus free return
@example(vin=7.0, ratio=1.0, turn_deg=120.0, venus=True, direction=(1, 2, 3), normal=(0, 0, 1))
@example(vin=8.0, ratio=1.0, turn_deg=1.0, venus=False, direction=(1, 0, 0), normal=(0, 0, 1))
def test_powered_flyby_matches_the_rebuilt_model(vin, ratio, turn_deg, venus, direction, normal):
    if abs(np.dot(_unit(np.array(direction)), _unit(np.array(normal)))) > 0.99:
        return
    mu, rp_min = (MU_VENUS, RP_MIN_VENUS) if venus else (MU_MARS, RP_MIN_MARS)
    a, b = _pair(direction, normal, vin, vin * ratio, math.radians(turn_deg))
    dv, rp, turn = _run(a, b, mu, rp_min)
    dv_ref, rp_ref, turn_ref = _reference_flyby(a, b, mu, rp_min)
    assert turn == pytest.approx(turn_ref, abs=1e-13)
    # Newton until its step in log(rp) is under 1e-9 (the error left is of the order of
    # its square) against brentq to ~1e-15: rp agrees to ~1e-12;
    # dv is a difference of two ~5 km/s speeds, so compare it absolutely too.
    assert rp == pytest.approx(rp_ref, rel=1e-9)
    assert dv == pytest.approx(dv_ref, rel=1e-9, abs=1e-12)
    assert rp >= rp_min
    if turn < _powered_turn(rp_min, vin, vin * ratio, mu):
        # Within reach, the periapsis impulse is never dearer than changing the
        # speed at infinity (Oberth): dv <= | |vout| - |vin| |.
        # dv is a difference of two periapsis speeds of ~10 km/s, so with equal
        # speeds at infinity it is a few ulps of that speed, not zero (found:
        # 1.8e-15 at vin = 8, ratio 1): allow 8 ulps of the faster periapsis speed.
        vp_kms = math.sqrt(max(vin, vin * ratio) ** 2 + 2 * mu / rp)
        assert dv <= abs(vin * ratio - vin) * (1 + 1e-12) + 8 * np.finfo(float).eps * vp_kms


def test_unequal_speeds_cost_the_periapsis_speed_difference():
    # Turn 30 deg between 5.0 and 5.5 km/s at Mars: rp solves
    # asin(1/e_in) + asin(1/e_out) = 30 deg; dv is the periapsis speed jump there.
    a, b = _pair((1, 0, 0), (0, 0, 1), 5.0, 5.5, math.radians(30.0))
    dv, rp, turn = _run(a, b, MU_MARS, RP_MIN_MARS)
    assert _powered_turn(rp, 5.0, 5.5, MU_MARS) == pytest.approx(math.radians(30.0), abs=1e-12)
    expected = math.sqrt(5.5**2 + 2 * MU_MARS / rp) - math.sqrt(5.0**2 + 2 * MU_MARS / rp)
    assert dv == pytest.approx(expected, rel=1e-12)
    assert 0.0 < dv < 0.5


def test_a_turn_beyond_reach_is_charged_the_rest_of_the_rotation():
    # 150 deg at 6 and 6.3 km/s is far beyond Mars's reach at 300 km (~56 deg).
    a, b = _pair((0, 1, 0), (0, 0, 1), 6.0, 6.3, math.radians(150.0))
    dv, rp, turn = _run(a, b, MU_MARS, RP_MIN_MARS)
    reach = _powered_turn(RP_MIN_MARS, 6.0, 6.3, MU_MARS)
    assert rp == RP_MIN_MARS
    periapsis = (math.sqrt(6.3**2 + 2 * MU_MARS / RP_MIN_MARS)
                 - math.sqrt(6.0**2 + 2 * MU_MARS / RP_MIN_MARS))
    rotation = 2 * 6.3 * math.sin(0.5 * (math.radians(150.0) - reach))
    assert dv == pytest.approx(periapsis + rotation, rel=1e-12)


# --------------------------------------------------------------------------- pykep

# pykep 3's flyby functions (src/core_astro/flyby.cpp, kep3), in a child process:
# fb_vout builds the outgoing velocity of an unpowered flyby of periapsis rp;
# fb_con gives (Vin^2 - Vout^2, (1 - 2/e_min^2) - cos(turn)) with e_min from Vin
# and the safe radius; fb_dv charges |Vout - Vin| within reach, else the law of
# cosines over the turn beyond reach.
_PYKEP_FLYBYS = """
n = data['vin'].shape[0]
mu = data['mu']; rp = data['rp']; beta = data['beta']; v_pla = data['v_pla']
vout = np.empty((n, 3)); con = np.empty((n, 2)); dv = np.empty(n)
for i in range(n):
    v_abs = (data['vin'][i] + v_pla[i]).tolist()
    vout[i] = np.array(pk.fb_vout(v_abs, v_pla[i].tolist(), float(rp[i]), float(beta[i]),
                                  float(mu[i]))) - v_pla[i]
    con[i] = pk.fb_con(data['a'][i].tolist(), data['b'][i].tolist(), float(mu[i]),
                       float(data['rp_min'][i]))
    dv[i] = pk.fb_dv(data['a'][i].tolist(), data['b'][i].tolist(), float(mu[i]),
                     float(data['rp_min'][i]))
out['vout'] = vout; out['con'] = con; out['dv'] = dv
"""


@pytest.fixture(scope="module")
def pykep_flybys():
    rng = np.random.default_rng(2033)
    n = 400
    venus = rng.random(n) < 0.5
    mu = np.where(venus, MU_VENUS, MU_MARS)
    radius = np.where(venus, EQUATORIAL_RADIUS_KM["venus"], EQUATORIAL_RADIUS_KM["mars"])
    rp_min = radius + 300.0
    speed = rng.uniform(2.0, 12.0, n)
    vin = _unit_rows(rng.normal(size=(n, 3))) * speed[:, None]
    v_pla = rng.normal(size=(n, 3)) * 20.0  # only orients pykep's b-plane axes
    rp = rp_min * np.exp(rng.uniform(0.0, 3.0, n))  # 300 km up to ~20 radii
    beta = rng.uniform(-math.pi, math.pi, n)
    # Pairs for fb_con / fb_dv: half with equal speeds, half unequal; turns 0-180 deg.
    ratio = np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.7, 1.4, n))
    turn = rng.uniform(0.0, math.pi, n)
    a, b = np.empty((n, 3)), np.empty((n, 3))
    for i in range(n):
        a[i], b[i] = _pair(rng.normal(size=3), rng.normal(size=3), speed[i], speed[i] * ratio[i],
                           turn[i])
    peer = run_pykep(_PYKEP_FLYBYS, vin=vin, v_pla=v_pla, rp=rp, beta=beta, mu=mu, a=a, b=b,
                     rp_min=rp_min)
    return dict(mu=mu, rp_min=rp_min, vin=vin, rp=rp, a=a, b=b, ratio=ratio, **peer)


def _unit_rows(v):
    return v / np.linalg.norm(v, axis=1)[:, None]


def test_pykep_unpowered_flybys_are_free_and_give_back_their_periapsis(pykep_flybys):
    p = pykep_flybys
    for vin, vout, mu, rp, rp_min in zip(p["vin"], p["vout"], p["mu"], p["rp"], p["rp_min"]):
        dv, rp_found, turn = _run(vin, vout, mu, rp_min)
        # pykep rotates vin by 2 asin(1/e) keeping |v|: equal to ~1e-15 km/s.
        assert dv < 1e-12
        # Turns here are >= ~0.008 rad, so rp comes back to ~2e-12 (see above).
        assert rp_found == pytest.approx(rp, rel=1e-8)
        assert turn == pytest.approx(max_turn_rad(np.linalg.norm(vin), mu, rp), abs=1e-12)


def test_turn_limit_agrees_with_pykep_fb_con(pykep_flybys):
    p = pykep_flybys
    for a, b, mu, rp_min, con in zip(p["a"], p["b"], p["mu"], p["rp_min"], p["con"]):
        va = np.linalg.norm(a)
        dv, rp, turn = _run(a, b, mu, rp_min)
        # fb_con's inequality is cos(max turn at the safe radius) - cos(turn).
        assert con[1] == pytest.approx(math.cos(max_turn_rad(va, mu, rp_min)) - math.cos(turn),
                                       abs=1e-12)
        assert con[0] == pytest.approx(va**2 - np.linalg.norm(b) ** 2, abs=1e-10)


def test_flyby_cost_against_pykep_fb_dv(pykep_flybys):
    p = pykep_flybys
    n_equal_beyond = n_within = 0
    for a, b, mu, rp_min, ratio, dv_pk in zip(p["a"], p["b"], p["mu"], p["rp_min"], p["ratio"],
                                              p["dv"]):
        va, vb = np.linalg.norm(a), np.linalg.norm(b)
        dv, rp, turn = _run(a, b, mu, rp_min)
        reach = _powered_turn(rp_min, va, vb, mu)
        if ratio == 1.0 and turn > reach:
            # Equal speeds beyond reach: both models rotate the rest of the way,
            # 2 v sin(rest / 2) (pykep by the law of cosines, whose 1 - cos(rest)
            # cancels to ~1e-16 absolute: hence abs=1e-9 for tiny rests).
            n_equal_beyond += 1
            assert dv == pytest.approx(dv_pk, rel=1e-9, abs=1e-9)
        elif ratio == 1.0:
            assert dv < 1e-12 and dv_pk < 1e-12
        elif turn < reach and turn < max_turn_rad(va, mu, rp_min):
            # Within reach of both models: pykep changes the speed at infinity,
            # marsplan at periapsis, which is cheaper (Oberth), never dearer.
            n_within += 1
            assert dv_pk == pytest.approx(abs(vb - va), rel=1e-12)
            assert dv <= dv_pk * (1 + 1e-12)
    assert n_equal_beyond > 50 and n_within > 20
