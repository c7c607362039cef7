"""Batched minimisers shared by the searches: Nelder-Mead and golden section.

Both advance many independent problems together, so that each step is one call
of the objective on every problem's trial points (for the window search, one
batched kernel call rather than hundreds of 1x1 calls at ~0.4 ms each). The
objective returns +inf where a point is infeasible or its evaluation failed;
NaN is read as +inf, so a failed point never wins.
"""

from __future__ import annotations

import math

import numpy as np

_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


def _finite_or_inf(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.isnan(values), np.inf, values)


def nelder_mead(func, x0, step, *, xatol, fatol, max_iter=500, max_evals=None,
                speculative=True):
    """Minimise P problems of N variables together by Nelder-Mead.

    Standard coefficients (reflect 1, expand 2, contract 1/2, shrink 1/2;
    Lagarias et al., SIAM J. Optim. 9:112, 1998), the same steps as SciPy's
    ``minimize(method="Nelder-Mead")`` with ``adaptive=False``.

    Parameters
    ----------
    func : callable(points (M, N), problem (M,)) -> values (M,)
        The objectives; ``problem[m]`` says which problem point ``m`` belongs
        to. +inf (or NaN) outside the feasible set or where evaluation failed.
    x0 : (P, N) array
        Starting points.
    step : (P, N) array
        The initial simplex is ``x0`` and ``x0 + step[:, k] e_k``, k < N.
    xatol, fatol : float
        A simplex stops when its vertices lie within ``xatol`` of the best
        (each coordinate) and their values within ``fatol``, or within
        ``xatol / 1000`` (an optimum on a +inf border, where values never agree).
    max_iter : int
        Iterations at most.
    max_evals : int, optional
        Evaluations per problem at most (SciPy's ``maxfev``).
    speculative : bool
        True: each iteration evaluates the reflected, expanded and both
        contracted points of every active simplex in one call (most are wasted,
        but one call is far cheaper than several when ``func`` is a batched
        kernel). False: the reflected points first, then only the one further
        point each simplex needs, as SciPy does (for a costly ``func`` that
        loops in Python). Both take the same steps.

    Returns
    -------
    x : (P, N) array
        The best vertex of each problem.
    f : (P,) array
        Its value (+inf if none was feasible).
    """
    x0 = np.asarray(x0, dtype=np.float64)
    n_prob, n = x0.shape
    evals = np.zeros(n_prob, dtype=np.int64)
    limit = np.inf if max_evals is None else max_evals

    def evaluate(points, problem):
        np.add.at(evals, problem, 1)
        return _finite_or_inf(func(points, problem))

    sim = np.repeat(x0[:, None, :], n + 1, axis=1)
    for k in range(n):
        sim[:, k + 1, k] += np.asarray(step, dtype=np.float64)[:, k]
    fs = evaluate(sim.reshape(-1, n), np.repeat(np.arange(n_prob), n + 1)).reshape(n_prob, n + 1)
    for _ in range(max_iter):
        order = np.argsort(fs, axis=1, kind="stable")
        sim = np.take_along_axis(sim, order[:, :, None], axis=1)
        fs = np.take_along_axis(fs, order, axis=1)
        size = np.max(np.abs(sim[:, 1:] - sim[:, :1]), axis=(1, 2))
        with np.errstate(invalid="ignore"):
            spread = fs[:, n] - fs[:, 0]
            done = (size <= xatol) & ((spread <= fatol) | (size <= xatol * 1e-3))
        done |= evals >= limit
        active = np.flatnonzero(~done)
        if active.size == 0:
            break
        s, f = sim[active], fs[active]
        centroid = s[:, :n].mean(axis=1)
        d = centroid - s[:, n]
        trial = np.stack([centroid + d, centroid + 2.0 * d, centroid + 0.5 * d,
                          centroid - 0.5 * d], axis=1)
        if speculative:
            ft = evaluate(trial.reshape(-1, n), np.repeat(active, 4)).reshape(-1, 4)
        else:
            ft = np.full((active.size, 4), np.inf)
            ft[:, 0] = evaluate(trial[:, 0], active)
            fr = ft[:, 0]
            need = np.where(fr < f[:, 0], 1, np.where(fr < f[:, n - 1], -1,
                                                      np.where(fr < f[:, n], 2, 3)))
            rows = np.flatnonzero(need > 0)
            if rows.size:
                ft[rows, need[rows]] = evaluate(trial[rows, need[rows]], active[rows])
        fr, fe, foc, fic = ft.T
        pick = np.full(active.size, -1)  # index into trial, -1 = shrink
        better = fr < f[:, 0]
        pick[better] = np.where(fe[better] < fr[better], 1, 0)
        middle = ~better & (fr < f[:, n - 1])
        pick[middle] = 0
        outside = ~better & ~middle & (fr < f[:, n])
        pick[outside & (foc <= fr)] = 2
        inside = ~better & ~middle & ~outside
        pick[inside & (fic < f[:, n])] = 3
        moved = pick >= 0
        rows = np.flatnonzero(moved)
        s[rows, n] = trial[rows, pick[rows]]
        f[rows, n] = ft[rows, pick[rows]]
        shrink = np.flatnonzero(~moved)
        if shrink.size:
            s[shrink, 1:] = s[shrink, :1] + 0.5 * (s[shrink, 1:] - s[shrink, :1])
            f[shrink, 1:] = evaluate(s[shrink, 1:].reshape(-1, n),
                                     np.repeat(active[shrink], n)).reshape(-1, n)
        sim[active], fs[active] = s, f
    best = np.argmin(fs, axis=1)
    return sim[np.arange(n_prob), best], fs[np.arange(n_prob), best]


def golden_section(func, lo, hi, *, tol, guess=None):
    """Minimise K one-variable problems on [lo, hi] together by golden-section search.

    Parameters
    ----------
    func : callable(x (M,), problem (M,)) -> values (M,)
        +inf (or NaN) where infeasible.
    lo, hi : (K,) arrays
        Brackets.
    tol : float
        Iterate until the widest bracket is under ``tol``.
    guess : (K,) array, optional
        Evaluated too, so a point known to be feasible is never lost when the
        bracket holds +inf on both probes.

    Returns
    -------
    x, f : (K,) arrays
        The best point seen and its value.
    """
    k = lo.size
    idx = np.arange(k)
    a, b = lo.astype(np.float64).copy(), hi.astype(np.float64).copy()
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    first = [c, d] if guess is None else [c, d, guess]
    values = _finite_or_inf(func(np.concatenate(first), np.tile(idx, len(first))))
    values = values.reshape(len(first), k)
    fc, fd = values[0], values[1]
    best_x = np.where(fc <= fd, c, d)
    best_f = np.minimum(fc, fd)
    if guess is not None:
        take = values[2] < best_f
        best_x, best_f = np.where(take, guess, best_x), np.where(take, values[2], best_f)
    width = float(np.max(b - a)) if k else 0.0
    n_iter = int(math.ceil(math.log(tol / width) / math.log(_GOLDEN))) if width > tol else 0
    for _ in range(n_iter):
        left = fc < fd  # the minimum is in [a, d]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_x = np.where(left, b - _GOLDEN * (b - a), a + _GOLDEN * (b - a))
        f_new = _finite_or_inf(func(new_x, idx))
        d, fd, c, fc = (np.where(left, c, new_x), np.where(left, fc, f_new),
                        np.where(left, new_x, d), np.where(left, f_new, fd))
        take = f_new < best_f
        best_x, best_f = np.where(take, new_x, best_x), np.where(take, f_new, best_f)
    return best_x, best_f
