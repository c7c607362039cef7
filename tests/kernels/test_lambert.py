"""Lambert kernel (Izzo 2015) against pykep, lamberthub, textbooks and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from marsplan import InputError, NoSolutionError, lambert
from marsplan.kernels import lambert as kl
from tests.peers import run_pykep

GM_SUN = 1.32712440041279419e11
AU = 149_597_870.7
DAY = 86_400.0


def _unit_vectors(rng, n):
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1)[:, None]


def _random_problems(seed=20261125):
    """12,000 problems: 0-rev canonical (elliptic and hyperbolic), multi-rev both
    branches, prograde and retrograde, and Earth-Mars-like heliocentric arcs."""
    rng = np.random.default_rng(seed)
    sets = []
    # A: mu = 1, 0 revolutions, tof from 0.02 to 40 (circular period at r=1 is 2 pi):
    # short ones are hyperbolic, long ones high-energy-free ellipses.
    n = 5000
    sets.append(dict(r1=_unit_vectors(rng, n) * rng.uniform(0.5, 3.0, (n, 1)),
                     r2=_unit_vectors(rng, n) * rng.uniform(0.5, 3.0, (n, 1)),
                     tof=np.exp(rng.uniform(math.log(0.02), math.log(40.0), n)),
                     mu=np.ones(n), revs=np.zeros(n, int),
                     prograde=rng.random(n) < 0.5, low_path=np.ones(n, bool)))
    # B: mu = 1, 1-4 revolutions, both branches; some have no solution.
    n = 4000
    revs = rng.integers(1, 5, n)
    sets.append(dict(r1=_unit_vectors(rng, n) * rng.uniform(0.7, 2.0, (n, 1)),
                     r2=_unit_vectors(rng, n) * rng.uniform(0.7, 2.0, (n, 1)),
                     tof=rng.uniform(2.0, 14.0, n) * revs * math.pi,
                     mu=np.ones(n), revs=revs,
                     prograde=rng.random(n) < 0.5, low_path=rng.random(n) < 0.5))
    # C: Earth-Mars-like, Sun's GM, km and s.
    n = 3000
    d1 = _unit_vectors(rng, n) * [1, 1, 0.05]
    d2 = _unit_vectors(rng, n) * [1, 1, 0.05]
    sets.append(dict(r1=d1 / np.linalg.norm(d1, axis=1)[:, None] * AU * rng.uniform(0.98, 1.02, (n, 1)),
                     r2=d2 / np.linalg.norm(d2, axis=1)[:, None] * AU * rng.uniform(1.38, 1.67, (n, 1)),
                     tof=rng.uniform(60.0, 500.0, n) * DAY,
                     mu=np.full(n, GM_SUN), revs=np.zeros(n, int),
                     prograde=np.ones(n, bool), low_path=np.ones(n, bool)))
    return {k: np.concatenate([s[k] for s in sets]) for k in sets[0]}


# pykep returns every solution up to min(Nmax, multi_revs): index 0 is the
# 0-revolution arc, then for M revolutions 2M-1 the left branch and 2M the right
# one (our low_path=True, as in lamberthub).
_PYKEP_LAMBERT = """
n = len(data['tof'])
v1 = np.full((n, 3), np.nan); v2 = np.full((n, 3), np.nan)
for i in range(n):
    m = int(data['revs'][i])
    lp = pk.lambert_problem(data['r1'][i].tolist(), data['r2'][i].tolist(), float(data['tof'][i]),
                            float(data['mu'][i]), bool(not data['prograde'][i]), m)
    if lp.Nmax >= m:
        k = 0 if m == 0 else (2 * m if data['low_path'][i] else 2 * m - 1)
        v1[i] = lp.v0[k]; v2[i] = lp.v1[k]
out['v1'] = v1; out['v2'] = v2
"""


@pytest.fixture(scope="module")
def random_set():
    problems = _random_problems()
    peer = run_pykep(_PYKEP_LAMBERT, **problems)
    return problems, peer


def _solve_set(p):
    v1 = np.empty_like(p["r1"])
    v2 = np.empty_like(p["r1"])
    status = np.empty(len(p["tof"]), dtype=np.int8)
    for mu in np.unique(p["mu"]):  # the public API takes one mu per call
        sel = p["mu"] == mu
        a, b, s = lambert(p["r1"][sel], p["r2"][sel], p["tof"][sel], mu, p["revs"][sel],
                          p["prograde"][sel], p["low_path"][sel], return_status=True)
        v1[sel], v2[sel], status[sel] = a, b, s
    return v1, v2, status


def test_matches_pykep_on_12000_random_problems(random_set):
    # Both solve the same equations by the same method to ~1e-13 in x; 1e-8
    # relative leaves room for the conditioning of the velocity reconstruction
    # (worst near the 180 deg plane singularity) and still catches any wrong branch.
    p, peer = random_set
    v1, v2, status = _solve_set(p)
    solved = status == 0
    peer_solved = np.isfinite(peer["v1"][:, 0])
    # Existence must agree except where T sits at the branch minimum (pykep and
    # marsplan find Tmin by the same Halley iteration; none expected).
    assert np.count_nonzero(solved != peer_solved) == 0
    assert np.all(status[~solved] == kl.NO_SOLUTION)
    assert solved.sum() > 11_000
    for ours, theirs in ((v1, peer["v1"]), (v2, peer["v2"])):
        err = np.linalg.norm(ours[solved] - theirs[solved], axis=1)
        rel = err / np.linalg.norm(theirs[solved], axis=1)
        assert rel.max() < 1e-8, f"worst relative error {rel.max():.2e}"


def test_random_set_covers_the_regimes(random_set):
    # The comparison above is only as good as its coverage: check the set holds
    # hyperbolic and elliptic arcs, retrograde ones and both multi-rev branches.
    p, _ = random_set
    v1, _, status = _solve_set(p)
    solved = status == 0
    energy = 0.5 * np.sum(v1**2, axis=1) - p["mu"] / np.linalg.norm(p["r1"], axis=1)
    assert np.count_nonzero(solved & (energy > 0)) > 500
    assert np.count_nonzero(solved & (energy < 0)) > 5000
    assert np.count_nonzero(solved & ~p["prograde"]) > 2000
    for branch in (True, False):
        assert np.count_nonzero(solved & (p["revs"] > 0) & (p["low_path"] == branch)) > 1000


def _conserved(r1, v1, r2, v2, mu):
    h1, h2 = np.cross(r1, v1), np.cross(r2, v2)
    e1 = 0.5 * np.sum(v1**2, -1) - mu / np.linalg.norm(r1, axis=-1)
    e2 = 0.5 * np.sum(v2**2, -1) - mu / np.linalg.norm(r2, axis=-1)
    return h1, h2, e1, e2


def test_solutions_conserve_energy_and_angular_momentum(random_set):
    # On a conic, angular momentum and energy at both ends are equal. Errors are
    # relative to the scale mu/r and r*v of each problem: 1e-10 is ~1e6 ulp.
    p, _ = random_set
    v1, v2, status = _solve_set(p)
    ok = status == 0
    r1, r2, mu = p["r1"][ok], p["r2"][ok], p["mu"][ok]
    h1, h2, e1, e2 = _conserved(r1, v1[ok], r2, v2[ok], mu)
    scale_h = np.linalg.norm(r1, axis=1) * np.linalg.norm(v1[ok], axis=1)
    assert (np.linalg.norm(h1 - h2, axis=1) / scale_h).max() < 1e-10
    scale_e = mu / np.linalg.norm(r1, axis=1) + np.sum(v1[ok] ** 2, 1)
    assert (np.abs(e1 - e2) / scale_e).max() < 1e-10


def test_matches_lamberthub_gooding():
    # Gooding 1990 is a different algorithm (Lancaster-Blanchard with Halley
    # steps), so agreement is a check independent of Izzo's formulation. It is
    # slow per call, hence 300 problems; lamberthub's own tolerance (rtol 1e-7)
    # bounds the agreement.
    from lamberthub import gooding1990

    p = _random_problems(seed=7)
    rng = np.random.default_rng(3)
    idx = rng.choice(len(p["tof"]), 300, replace=False)
    for i in idx:
        m = int(p["revs"][i])
        try:
            ref1, ref2 = gooding1990(float(p["mu"][i]), p["r1"][i], p["r2"][i], float(p["tof"][i]),
                                     M=m, prograde=bool(p["prograde"][i]),
                                     low_path=bool(p["low_path"][i]))
        except ValueError:
            continue  # no solution for m revolutions: checked against pykep above
        v1, v2 = lambert(p["r1"][i], p["r2"][i], p["tof"][i], p["mu"][i], m,
                         bool(p["prograde"][i]), bool(p["low_path"][i]))
        assert_allclose(v1, ref1, rtol=1e-6, atol=1e-6 * np.linalg.norm(ref1))
        assert_allclose(v2, ref2, rtol=1e-6, atol=1e-6 * np.linalg.norm(ref2))


def test_curtis_example_5_2():
    # Curtis, Orbital Mechanics for Engineering Students (3rd ed.), Example 5.2.
    # Five significant figures printed, so rtol 1e-4; mu is the book's 398600.
    v1, v2 = lambert([5000.0, 10000.0, 2100.0], [-14600.0, 2500.0, 7000.0], 3600.0, 398600.0)
    assert_allclose(v1, [-5.9925, 1.9254, 3.2456], rtol=1e-4)
    assert_allclose(v2, [-3.3125, -4.1966, -0.38529], rtol=1e-4)


def test_vallado_example_7_5():
    # Vallado, Fundamentals of Astrodynamics and Applications (4th ed.), Example 7-5:
    # 76 min between r0 = 2.5 ER on x and r = 1.9151111, 1.6069690 ER, with the
    # book's mu = 398600.4418. Printed to 7 digits but r is given to 8 ER digits
    # only (~6 m), which moves v by ~1e-6 relative: rtol 1e-5.
    v1, v2 = lambert([15945.34, 0.0, 0.0], [12214.83899, 10249.46731, 0.0], 76.0 * 60.0,
                     398600.4418)
    assert_allclose(v1, [2.058913, 2.915965, 0.0], rtol=1e-5, atol=1e-9)
    assert_allclose(v2, [-3.451565, 0.910315, 0.0], rtol=1e-5, atol=1e-9)


def test_hohmann_half_orbit_in_reverse_plane_is_degenerate_but_near_180_solves():
    # A transfer of exactly 180 deg has no defined plane; 1e-4 deg off it does,
    # and the arc's energy must equal the Hohmann ellipse's (a = (r1 + r2)/2) to
    # within the angle's effect (~1e-9 relative).
    r1, r2, mu = 1.0, 1.5, 1.0
    a = (r1 + r2) / 2
    tof = math.pi * math.sqrt(a**3 / mu)
    with pytest.raises(NoSolutionError, match="parallel"):
        lambert([r1, 0, 0], [-r2, 0, 0], tof, mu)
    eps = math.radians(1e-4)
    v1, v2 = lambert([r1, 0, 0], [-r2 * math.cos(eps), r2 * math.sin(eps), 0], tof, mu)
    energy = 0.5 * v1 @ v1 - mu / r1
    assert energy == pytest.approx(-mu / (2 * a), rel=1e-6)
    # Perihelion speed of the Hohmann ellipse.
    assert np.linalg.norm(v1) == pytest.approx(math.sqrt(mu * (2 / r1 - 1 / a)), rel=1e-6)


@pytest.mark.parametrize("angle_deg", [1e-3, 359.999])
def test_transfer_angles_near_0_and_360_solve(angle_deg):
    # Tiny transfer angles (or just short of a full turn) are well posed: the
    # arc must still conserve energy and angular momentum.
    th = math.radians(angle_deg)
    r1 = np.array([1.0, 0.0, 0.0])
    r2 = 1.2 * np.array([math.cos(th), math.sin(th), 0.0])
    tof = 0.05 if angle_deg < 1 else 12.0
    v1, v2 = lambert(r1, r2, tof, 1.0)
    h1, h2, e1, e2 = _conserved(r1, v1, r2, v2, 1.0)
    assert_allclose(h1, h2, atol=1e-10 * np.linalg.norm(h1))
    assert e1 == pytest.approx(e2, rel=1e-9, abs=1e-12)


def test_exactly_0_and_360_and_equal_vectors_are_degenerate():
    r = np.array([1.0, 2.0, 0.5])
    _, _, status = lambert([r, r, r], [r, 2 * r, -r], [1.0, 1.0, 1.0], 1.0, return_status=True)
    assert status.tolist() == [kl.DEGENERATE] * 3
    with pytest.raises(NoSolutionError):
        lambert(r, r, 10.0, 1.0, revs=1)


def test_time_of_flight_too_short_for_revolutions():
    # One revolution about mu = 1 between r = 1 and r = 1 at 90 deg needs at
    # least ~2 pi; tof = 2 cannot make it.
    with pytest.raises(NoSolutionError, match="too short"):
        lambert([1, 0, 0], [0, 1, 0], 2.0, 1.0, revs=1)
    v1, v2, status = lambert([1, 0, 0], [0, 1, 0], [2.0, 20.0], 1.0, revs=1, return_status=True)
    assert status.tolist() == [kl.NO_SOLUTION, kl.SOLVED]
    assert np.isnan(v1[0]).all() and np.isnan(v2[0]).all()
    assert np.isfinite(v1[1]).all()


@pytest.mark.parametrize("tof", [0.0, -5.0, math.nan, math.inf])
def test_bad_time_of_flight(tof):
    with pytest.raises(InputError, match="tof_s"):
        lambert([1, 0, 0], [0, 1, 0], tof, 1.0)
    _, _, status = lambert([[1, 0, 0]], [0, 1, 0], tof, 1.0, return_status=True)
    assert status.tolist() == [kl.BAD_TOF]


def test_bad_inputs():
    with pytest.raises(InputError):
        lambert([1, 0, 0], [0, 1, 0], 1.0, -1.0)
    with pytest.raises(InputError):
        lambert([1, 0, math.nan], [0, 1, 0], 1.0, 1.0)
    with pytest.raises(InputError, match="shape"):
        lambert([1, 0], [0, 1, 0], 1.0, 1.0)
    with pytest.raises(InputError, match="broadcast"):
        lambert(np.ones((4, 3)), np.ones((5, 3)), 1.0, 1.0)
    with pytest.raises(InputError, match="revs"):
        lambert([1, 0, 0], [0, 1, 0], 1.0, 1.0, revs=1.5)


def test_broadcasts_over_leading_dimensions():
    rng = np.random.default_rng(5)
    r1 = rng.normal(size=(4, 1, 3))
    r2 = rng.normal(size=(1, 6, 3))
    tof = rng.uniform(1, 3, size=(4, 6))
    v1, v2 = lambert(r1, r2, tof, 1.0)
    assert v1.shape == v2.shape == (4, 6, 3)
    for i in range(4):
        for j in range(6):
            a, b = lambert(r1[i, 0], r2[0, j], tof[i, j], 1.0)
            assert_allclose(v1[i, j], a, rtol=0, atol=0)
            assert_allclose(v2[i, j], b, rtol=0, atol=0)


def test_retrograde_mirrors_prograde():
    # A mirror through the xz plane maps r x v to -M (r x v), whose z component
    # changes sign: the retrograde arc is the mirror image of the prograde arc
    # of the mirrored problem.
    rng = np.random.default_rng(9)
    r1, r2 = rng.normal(size=(2, 50, 3))
    tof = rng.uniform(0.5, 5, 50)
    flip = np.array([1.0, -1.0, 1.0])
    v1r, v2r = lambert(r1, r2, tof, 1.0, prograde=False)
    v1p, v2p = lambert(r1 * flip, r2 * flip, tof, 1.0, prograde=True)
    ok = np.isfinite(v1r[:, 0])
    assert_allclose(v1r[ok], v1p[ok] * flip, rtol=1e-12, atol=1e-12)
    assert_allclose(v2r[ok], v2p[ok] * flip, rtol=1e-12, atol=1e-12)
