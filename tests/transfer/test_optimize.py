"""The batched minimisers against SciPy (a peer implementation) and known minima."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize, minimize_scalar

from marsplan.transfer.optimize import golden_section, nelder_mead


def _rosenbrock(points, _problem=None):
    x = np.atleast_2d(points)
    return np.sum(100.0 * (x[:, 1:] - x[:, :-1] ** 2) ** 2 + (1.0 - x[:, :-1]) ** 2, axis=1)


@pytest.mark.parametrize("n", [2, 4])
@pytest.mark.parametrize("speculative", [True, False])
def test_nelder_mead_takes_scipys_steps(n, speculative):
    # Same coefficients, same initial simplex, same stopping rule: SciPy's
    # Nelder-Mead (adaptive=False) must land on the same point. They can only
    # part on ties in the vertex order, absent on this smooth function, so the
    # two agree to a few ulps of the 1e-10 tolerance they stop at.
    x0 = np.linspace(-1.2, 0.8, n)
    step = 0.5
    ref = minimize(lambda x: _rosenbrock(x)[0], x0, method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxfev": 20_000, "maxiter": 20_000,
                            "initial_simplex": x0 + np.vstack([np.zeros(n),
                                                               step * np.eye(n)])})
    x, f = nelder_mead(_rosenbrock, x0[None, :], np.full((1, n), step), xatol=1e-10,
                       fatol=1e-12, max_iter=20_000, max_evals=20_000, speculative=speculative)
    assert_allclose(x[0], ref.x, rtol=0, atol=1e-9)
    assert f[0] == pytest.approx(ref.fun, abs=1e-15)


def test_speculative_and_lazy_modes_agree_on_many_problems_at_once():
    rng = np.random.default_rng(7)
    x0 = rng.uniform(-2.0, 2.0, size=(20, 3))
    step = np.full_like(x0, 0.3)
    a = nelder_mead(_rosenbrock, x0, step, xatol=1e-8, fatol=1e-10, max_iter=5000)
    b = nelder_mead(_rosenbrock, x0, step, xatol=1e-8, fatol=1e-10, max_iter=5000,
                    speculative=False)
    assert_allclose(a[0], b[0], rtol=0, atol=0)
    # Rosenbrock's one minimum is (1, 1, 1) with value 0 for 3 variables.
    assert_allclose(a[0], 1.0, atol=1e-6)


def test_nan_counts_as_infeasible_and_max_evals_stops():
    # NaN outside the unit disc: the simplex must stay inside and find (0.3, 0.3).
    def func(points, _problem):
        value = np.sum((points - 0.3) ** 2, axis=1)
        return np.where(np.sum(points ** 2, axis=1) <= 1.0, value, np.nan)

    x, f = nelder_mead(func, np.array([[0.9, -0.3]]), np.array([[0.05, 0.05]]), xatol=1e-9,
                       fatol=1e-14)
    assert_allclose(x[0], [0.3, 0.3], atol=1e-6)
    calls = []

    def counted(points, problem):
        calls.append(len(points))
        return func(points, problem)

    nelder_mead(counted, np.array([[0.9, -0.3]]), np.array([[0.05, 0.05]]), xatol=1e-12,
                fatol=0.0, max_evals=40, speculative=False)
    # The budget is checked once per iteration, which costs at most 2 + N evaluations.
    assert 40 <= sum(calls) <= 40 + 4


def test_golden_section_matches_scipys_bounded_minimum():
    lo, hi = np.array([0.0, 1.0, -3.0]), np.array([4.0, 2.0, 3.0])
    centres = np.array([1.234, 1.9, -2.5])

    def func(x, problem):
        return np.cos(x - centres[problem]) * -1.0

    x, f = golden_section(func, lo, hi, tol=1e-9)
    for k in range(3):
        ref = minimize_scalar(lambda t, k=k: -math.cos(t - centres[k]), bounds=(lo[k], hi[k]),
                              method="bounded", options={"xatol": 1e-10})
        assert x[k] == pytest.approx(ref.x, abs=1e-8)
        assert f[k] == pytest.approx(-1.0, abs=1e-15)


def test_golden_section_keeps_a_feasible_guess_when_both_probes_fail():
    def func(x, _problem):
        return np.where(np.abs(x - 0.1) < 0.01, (x - 0.1) ** 2, np.inf)

    x, f = golden_section(func, np.array([0.0]), np.array([1.0]), tol=1e-6,
                          guess=np.array([0.105]))
    assert np.isfinite(f[0]) and abs(x[0] - 0.1) <= 0.005
