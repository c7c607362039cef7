"""The porkchop kernel against the public batch Lambert solver, and against physics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from marsplan import lambert, propagate
from marsplan.kernels.lambert import BAD_TOF, SOLVED
from marsplan.kernels.porkchop import porkchop_families, porkchop_grid
from marsplan.twobody import _guess_table

GM_SUN = 1.32712440041279419e11  # km^3/s^2, DE440
AU = 149_597_870.7  # km, IAU 2012 B2
DAY = 86_400.0


def _rotations(rng, n):
    """n random proper rotation matrices (from unit quaternions)."""
    w, x, y, z = rng.normal(size=(4, n))
    norm = np.sqrt(w * w + x * x + y * y + z * z)
    w, x, y, z = w / norm, x / norm, y / norm, z / norm
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], -2)


def _planets(rng, n, r_min_au, r_max_au, jd0, span_days):
    """n near-ecliptic heliocentric states: position, roughly circular velocity, epoch."""
    d = rng.normal(size=(n, 3)) * [1.0, 1.0, 0.05]
    d /= np.linalg.norm(d, axis=1)[:, None]
    r = rng.uniform(r_min_au, r_max_au, (n, 1)) * AU
    along = np.cross([0.0, 0.0, 1.0], d)
    along /= np.linalg.norm(along, axis=1)[:, None]
    v = along * np.sqrt(GM_SUN / r) + rng.normal(scale=1.0, size=(n, 3))
    jd = jd0 + np.sort(rng.uniform(0.0, span_days, n))
    return np.ascontiguousarray(d * r), np.ascontiguousarray(v), jd


def _run(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift=0, n_cols=None):
    shape = (len(jd_dep), len(jd_arr) if n_cols is None else n_cols)
    out = {k: np.empty(shape) for k in ("c3", "dla", "rla", "vinf", "dec")}
    out["type"] = np.empty(shape, dtype=np.int8)
    out["status"] = np.empty(shape, dtype=np.int8)
    porkchop_grid(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift, GM_SUN, 0, True,
                  _guess_table(), out["c3"], out["dla"], out["rla"], out["vinf"], out["dec"],
                  out["type"], out["status"])
    return out


@pytest.fixture(scope="module")
def random_grid():
    # 40 departures over 300 days against 70 arrivals over 100-800 days: ~7% of
    # the cells have arrival <= launch.
    rng = np.random.default_rng(20330416)
    r_dep, v_dep, jd_dep = _planets(rng, 40, 0.95, 1.05, 2_463_000.5, 300.0)
    r_arr, v_arr, jd_arr = _planets(rng, 70, 1.35, 1.7, 2_463_100.5, 700.0)
    m_dep, m_arr = _rotations(rng, 40), _rotations(rng, 70)
    states = (r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr)
    return states, _run(*states)


def test_grid_equals_public_lambert_batch(random_grid):
    (r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr), out = random_grid
    shape = out["c3"].shape
    tof_s = (jd_arr[None, :] - jd_dep[:, None]) * DAY
    v1, v2, status = lambert(np.broadcast_to(r_dep[:, None], shape + (3,)),
                             np.broadcast_to(r_arr[None], shape + (3,)), tof_s, GM_SUN,
                             return_status=True)
    ok = tof_s > 0
    assert_array_equal(status[ok], SOLVED)
    assert_array_equal(out["status"][ok], SOLVED)
    # The quantities a porkchop shows, rebuilt with NumPy from the batch's velocities.
    vinf_dep = v1 - v_dep[:, None]
    c3 = np.sum(vinf_dep**2, axis=-1)
    e = np.einsum("iab,ijb->ija", m_dep, vinf_dep)
    dla = np.degrees(np.arcsin(e[..., 2] / np.sqrt(c3)))
    rla = np.degrees(np.arctan2(e[..., 1], e[..., 0])) % 360.0
    vinf_arr = v2 - v_arr[None]
    vinf = np.linalg.norm(vinf_arr, axis=-1)
    dec = np.degrees(np.arcsin(np.einsum("jb,ijb->ij", m_arr[:, 2], vinf_arr) / vinf))
    # Same solver, same states; only the order of a few float operations
    # differs. Measured worst 3e-16 relative in C3 and v-inf, 7e-13 deg in the
    # angles (asin near +-90 deg amplifies rounding), so 1e-12 in both.
    assert_allclose(out["c3"][ok], c3[ok], rtol=1e-12)
    assert_allclose(out["vinf"][ok], vinf[ok], rtol=1e-12)
    assert_allclose(out["dla"][ok], dla[ok], rtol=0, atol=1e-12)
    assert_allclose(out["dec"][ok], dec[ok], rtol=0, atol=1e-12)
    assert_allclose((out["rla"] - rla + 180.0)[ok] % 360.0 - 180.0, 0.0, atol=1e-12)
    assert np.all((out["rla"][ok] >= 0.0) & (out["rla"][ok] < 360.0))


def test_arrival_not_after_launch_gives_nan_and_a_status(random_grid):
    (_, _, jd_dep, _, _, _, jd_arr, _), out = random_grid
    late = jd_arr[None, :] <= jd_dep[:, None]
    assert late.sum() > 50
    assert_array_equal(out["status"][late], BAD_TOF)
    assert_array_equal(out["type"][late], 0)
    for name in ("c3", "dla", "rla", "vinf", "dec"):
        assert np.all(np.isnan(out[name][late])), name
        assert not np.any(np.isnan(out[name][~late])), name
    assert set(np.unique(out["type"][~late])) <= {1, 2}


def test_type_follows_the_transfer_angle(random_grid):
    (r_dep, _, jd_dep, _, r_arr, _, jd_arr, _), out = random_grid
    hz = np.cross(r_dep[:, None], r_arr[None])[..., 2]
    ok = jd_arr[None, :] > jd_dep[:, None]
    # Prograde about +z: r1 x r2 along +z means a transfer angle below 180 deg.
    assert_array_equal(out["type"][ok], np.where(hz >= 0.0, 1, 2)[ok])


def test_shifted_grid_pairs_launch_i_with_arrival_j_plus_i(random_grid):
    (r_dep, v_dep, jd_dep, m_dep, *_), full = random_grid
    rng = np.random.default_rng(5)
    n_launch, n_cols = len(jd_dep), 25
    # Arrivals on a regular grid; shift=1 takes a sliding window of them per row.
    r_arr, v_arr, _ = _planets(rng, n_launch + n_cols - 1, 1.4, 1.6, 0.0, 1.0)
    jd_arr = jd_dep[0] + 150.0 + 4.0 * np.arange(n_launch + n_cols - 1)
    m_arr = _rotations(rng, len(jd_arr))
    shifted = _run(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, shift=1,
                   n_cols=n_cols)
    plain = _run(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr)
    rows = np.arange(n_launch)[:, None]
    cols = rows + np.arange(n_cols)[None, :]
    for name in ("c3", "dla", "rla", "vinf", "dec", "type", "status"):
        assert_array_equal(shifted[name], plain[name][rows, cols], err_msg=name)


def test_a_cell_flies_from_departure_to_arrival_with_its_energy():
    # Earth-like departure and Mars-like arrival (circular orbits of 1 and
    # 1.524 AU, Mars's inclined by 1.85 deg about the x axis), a 259-day leg.
    # From the kernel's C3, DLA and RLA rebuild v1, propagate it (the Kepler
    # kernel, tested on its own) and check the arc reaches r2, keeps its
    # vis-viva energy, and arrives with the kernel's v-infinity and declination.
    r1 = np.array([[AU, 0.0, 0.0]])
    v_earth = np.array([[0.0, math.sqrt(GM_SUN / AU), 0.0]])
    a_mars = 1.524 * AU
    angle, inc = math.radians(150.0), math.radians(1.85)
    tilt = np.array([[1.0, 0.0, 0.0], [0.0, math.cos(inc), -math.sin(inc)],
                     [0.0, math.sin(inc), math.cos(inc)]])
    r2 = (a_mars * tilt @ [math.cos(angle), math.sin(angle), 0.0])[None]
    v_mars = (math.sqrt(GM_SUN / a_mars) * tilt @ [-math.sin(angle), math.cos(angle), 0.0])[None]
    jd_dep, jd_arr = np.array([2_463_000.5]), np.array([2_463_259.5])
    m_dep = _rotations(np.random.default_rng(3), 1)
    m_arr = np.eye(3)[None]
    out = _run(r1, v_earth, jd_dep, m_dep, r2, v_mars, jd_arr, m_arr)
    assert out["status"][0, 0] == SOLVED and out["type"][0, 0] == 1

    c3, dla, rla = out["c3"][0, 0], math.radians(out["dla"][0, 0]), math.radians(out["rla"][0, 0])
    direction = [math.cos(dla) * math.cos(rla), math.cos(dla) * math.sin(rla), math.sin(dla)]
    v1 = v_earth[0] + math.sqrt(c3) * (m_dep[0].T @ direction)
    r_end, v_end = propagate(r1[0], v1, 259.0 * DAY, GM_SUN)
    # Angles through asin/atan2 and back keep ~1e-15 of v1; over 259 days that
    # is ~1e-13 of the orbit: 1e-9 of |r2| (0.2 m) is ample slack.
    assert np.linalg.norm(r_end - r2[0]) < 1e-9 * np.linalg.norm(r2[0])
    energy_start = 0.5 * v1 @ v1 - GM_SUN / np.linalg.norm(r1[0])
    energy_end = 0.5 * v_end @ v_end - GM_SUN / np.linalg.norm(r2[0])
    assert energy_end == pytest.approx(energy_start, rel=1e-9)
    assert energy_start < 0.0  # a heliocentric ellipse
    vinf_arr = v_end - v_mars[0]
    assert np.linalg.norm(vinf_arr) == pytest.approx(out["vinf"][0, 0], rel=1e-9)
    # m_arr is the identity: the declination is that of the ecliptic z component.
    assert math.degrees(math.asin(vinf_arr[2] / np.linalg.norm(vinf_arr))) == pytest.approx(
        out["dec"][0, 0], abs=1e-9)


def test_multi_revolution_families_equal_the_stand_alone_solver():
    # One call for 0 revs and both 1-rev branches. The 1-rev families are
    # solved by continuation along each row (kernels/porkchop.py); the public
    # batch solver starts every problem from Izzo's guesses. Both iterate to
    # ~1e-15 in x, so C3 agrees far within 1e-10 relative, and
    # they must solve the same cells: continuation may not add or drop any.
    rng = np.random.default_rng(11)
    r_dep, v_dep, jd_dep = _planets(rng, 30, 0.95, 1.05, 2_463_000.5, 300.0)
    r_arr, v_arr, jd_arr = _planets(rng, 400, 1.35, 1.7, 2_463_300.5, 900.0)
    m_dep, m_arr = _rotations(rng, 30), _rotations(rng, 400)
    revs = np.array([0, 1, 1])
    paths = np.array([True, True, False])
    shape = (3, 30, 400)
    out = {k: np.empty(shape) for k in ("c3", "dla", "rla", "vinf", "dec")}
    out["type"] = np.empty(shape, dtype=np.int16)
    out["status"] = np.empty(shape, dtype=np.int8)
    porkchop_families(r_dep, v_dep, jd_dep, m_dep, r_arr, v_arr, jd_arr, m_arr, 0, GM_SUN, revs,
                      paths, 2 * revs, _guess_table(), out["c3"], out["dla"], out["rla"],
                      out["vinf"], out["dec"], out["type"], out["status"])
    tof_s = (jd_arr[None, :] - jd_dep[:, None]) * DAY
    hz = np.cross(r_dep[:, None], r_arr[None])[..., 2]
    for f in range(3):
        v1, v2, status = lambert(np.broadcast_to(r_dep[:, None], shape[1:] + (3,)),
                                 np.broadcast_to(r_arr[None], shape[1:] + (3,)), tof_s, GM_SUN,
                                 revs=int(revs[f]), low_path=bool(paths[f]),
                                 return_status=True)
        ok = status == SOLVED
        assert_array_equal(out["status"][f] == SOLVED, ok, err_msg=f"family {f}")
        assert ok.sum() > 2000, f  # the 1-rev families solve a real share of the grid
        c3 = np.sum((v1 - v_dep[:, None]) ** 2, axis=-1)
        vinf = np.linalg.norm(v2 - v_arr[None], axis=-1)
        assert_allclose(out["c3"][f][ok], c3[ok], rtol=1e-10)
        assert_allclose(out["vinf"][f][ok], vinf[ok], rtol=1e-10)
        # Types: 2 revs + 1 below a 180 deg transfer angle, + 2 above.
        assert_array_equal(out["type"][f][ok], (2 * revs[f] + np.where(hz >= 0, 1, 2))[ok])
        assert np.all(np.isnan(out["c3"][f][~ok])) and np.all(out["type"][f][~ok] == 0)
