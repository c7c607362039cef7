"""Lambert's problem by Izzo's algorithm, as numba kernels.

D. Izzo, "Revisiting Lambert's problem", Celest. Mech. Dyn. Astr. 121:1-15 (2015).
The geometry is reduced to one parameter ``lam`` (lambda) and a non-dimensional
time of flight ``T``; the unknown ``x`` is found by Householder (third-order)
iterations on the time-of-flight curve T(x), from Izzo's initial guesses;
velocities follow from ``x`` in closed form.

Inputs and outputs are plain floats and arrays: positions in km, times in s,
GM in km^3/s^2, velocities in km/s (any one inertial frame). Kernels never
raise: each problem returns a status code (0 = solved) and failed rows hold NaN.

Status codes
------------
SOLVED = 0
BAD_TOF = 1          time of flight zero, negative or not finite
NO_SOLUTION = 2      time of flight too short for the requested revolutions
DEGENERATE = 3       transfer plane undefined: |r1| or |r2| is zero, or r1 and r2
                     are parallel (transfer angle 0, 180 or 360 deg within
                     ``PARALLEL_SIN``), including r1 == r2
NOT_CONVERGED = 4    the iteration did not converge (not seen in testing)
BAD_INPUT = 5        non-finite position, mu <= 0 or revs < 0
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

SOLVED = 0
BAD_TOF = 1
NO_SOLUTION = 2
DEGENERATE = 3
NOT_CONVERGED = 4
BAD_INPUT = 5

#: |sin(transfer angle)| below which r1 and r2 count as parallel. The plane's
#: normal comes from a cross product with rounding ~1e-16, so its direction
#: errs by ~1e-16 / sin(angle); at 1e-10 that is 1e-6 rad, the last plane we trust.
PARALLEL_SIN = 1e-10

# LLVM fast-math flags without nnan/ninf: NaN marks failures and must survive.
# contract lets products fuse into FMAs, afn/arcp allow cheaper divisions and
# library calls; reassoc/nsz free the optimiser. Accuracy is checked by the tests.
_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}

_PI = math.pi
_LN2 = math.log(2.0)
# Izzo 2015 sec. 3: Battin's series within 0.01 of x = 1, Lagrange's expression
# within 0.2, Lancaster's elsewhere (each is the best-conditioned in its band).
_BATTIN = 0.01
_LAGRANGE = 0.2
_MAX_ITER = 15


@njit(cache=True, fastmath=_FASTMATH)
def _hypergeometric_f(z, tol):
    """Gauss hypergeometric 2F1(3, 1; 5/2; z) by its series (Battin's form)."""
    sj = 1.0
    cj = 1.0
    j = 0
    err = 1.0
    while err > tol and j < 200:
        cj1 = cj * (3.0 + j) * (1.0 + j) / (2.5 + j) * z / (j + 1.0)
        sj += cj1
        err = abs(cj1)
        cj = cj1
        j += 1
    return sj


@njit(cache=True, fastmath=_FASTMATH)
def _tof_lagrange(x, lam, n):
    """Non-dimensional time of flight from Lagrange's expression (Izzo eq. 9)."""
    a = 1.0 / (1.0 - x * x)
    if a > 0.0:
        alfa = 2.0 * math.acos(x)
        beta = 2.0 * math.asin(math.sqrt(lam * lam / a))
        if lam < 0.0:
            beta = -beta
        return a * math.sqrt(a) * ((alfa - math.sin(alfa)) - (beta - math.sin(beta))
                                   + 2.0 * _PI * n) / 2.0
    alfa = 2.0 * math.acosh(x)
    beta = 2.0 * math.asinh(math.sqrt(-lam * lam / a))
    if lam < 0.0:
        beta = -beta
    return -a * math.sqrt(-a) * ((beta - math.sinh(beta)) - (alfa - math.sinh(alfa))) / 2.0


@njit(cache=True, fastmath=_FASTMATH)
def _tof(x, lam, n):
    """Non-dimensional time of flight T(x) for ``n`` revolutions."""
    dist = abs(x - 1.0)
    if _BATTIN < dist < _LAGRANGE:
        return _tof_lagrange(x, lam, n)
    e = x * x - 1.0
    rho = abs(e)
    z = math.sqrt(1.0 + lam * lam * e)
    if dist < _BATTIN:
        # Near the parabola Lancaster's form cancels to noise: Battin's series.
        eta = z - lam * x
        s1 = 0.5 * (1.0 - lam - x * eta)
        q = 4.0 / 3.0 * _hypergeometric_f(s1, 1e-11)
        return (eta ** 3 * q + 4.0 * lam * eta) / 2.0 + n * _PI / rho ** 1.5
    y = math.sqrt(rho)
    g = x * z - lam * e
    if e < 0.0:
        d = n * _PI + math.acos(g)
    else:
        d = math.log(y * (z - lam * x) + g)
    return (x - lam * z - d / y) / e


@njit(cache=True, fastmath=_FASTMATH)
def _dtdx(x, t, lam):
    """First three derivatives of T(x) (Izzo eq. 22)."""
    l2 = lam * lam
    l3 = l2 * lam
    umx2 = 1.0 - x * x
    y = math.sqrt(1.0 - l2 * umx2)
    y2 = y * y
    y3 = y2 * y
    d1 = (3.0 * t * x - 2.0 + 2.0 * l3 * x / y) / umx2
    d2 = (3.0 * t + 5.0 * x * d1 + 2.0 * (1.0 - l2) * l3 / y3) / umx2
    d3 = (7.0 * x * d2 + 8.0 * d1 - 6.0 * (1.0 - l2) * l2 * l3 * x / y3 / y2) / umx2
    return d1, d2, d3


@njit(cache=True, fastmath=_FASTMATH)
def _householder(t_target, x0, lam, n, tol):
    """Solve T(x) = t_target from x0; return (x, iterations), iterations < 0 if not converged."""
    x = x0
    for it in range(1, _MAX_ITER + 1):
        t = _tof(x, lam, n)
        d1, d2, d3 = _dtdx(x, t, lam)
        delta = t - t_target
        d1sq = d1 * d1
        xnew = x - delta * (d1sq - delta * d2 / 2.0) / (d1 * (d1sq - delta * d2)
                                                         + d3 * delta * delta / 6.0)
        step = abs(xnew - x)
        x = xnew
        # Third-order convergence: a step below tol leaves an error ~tol**3.
        if step < tol:
            return x, it
        if not math.isfinite(x):
            break
    return x, -1


@njit(cache=True, fastmath=_FASTMATH)
def _tmin_exists(t_target, lam, m):
    """Whether T(x) for ``m`` revolutions reaches down to ``t_target`` (Izzo sec. 2.4)."""
    t00 = math.acos(lam) + lam * math.sqrt(1.0 - lam * lam)
    if t_target >= t00 + m * _PI:
        return True
    # Halley iterations for the minimum of T(x): dT/dx = 0.
    x = 0.0
    t_min = t00 + m * _PI
    for _ in range(12):
        d1, d2, d3 = _dtdx(x, t_min, lam)
        if d1 == 0.0:
            break
        xnew = x - d1 * d2 / (d2 * d2 - d1 * d3 / 2.0)
        if abs(xnew - x) < 1e-13:
            x = xnew
            break
        x = xnew
        t_min = _tof(x, lam, m)
    t_min = _tof(x, lam, m)
    return t_min <= t_target


@njit(cache=True, fastmath=_FASTMATH)
def _izzo_guess_m0(t, lam):
    """Izzo's initial guess for zero revolutions (Izzo 2015 eq. 30); error up to ~0.15 in x."""
    t00 = math.acos(lam) + lam * math.sqrt(1.0 - lam * lam)
    t1 = 2.0 / 3.0 * (1.0 - lam * lam * lam)
    if t >= t00:
        return -(t - t00) / (t - t00 + 4.0)
    if t <= t1:
        return t1 * (t1 - t) / (0.4 * (1.0 - lam ** 5) * t) + 1.0
    return (t / t00) ** (_LN2 / math.log(t1 / t00)) - 1.0


# Zero-revolution guess table: log(1 + x) on a regular grid of lam in [-1, 1] and
# log T in [log 0.02, log 50], which holds every Earth-Mars-like arc (T ~ 0.3-8).
# Bilinear interpolation in it is within ~8e-5 of x (measured on 200,000
# Earth-Mars arcs), so a single Householder step (error ~ K e^3) lands at
# ~1e-15; outside the table, Izzo's guess is used.
GUESS_LAM_POINTS = 257
GUESS_LOGT_POINTS = 513
GUESS_LOGT_MIN = math.log(0.02)
GUESS_LOGT_MAX = math.log(50.0)
# With a table guess a step below this leaves an error ~K * 1e-12 (K ~ 0.1).
_TABLE_STEP_TOL = 1e-4


@njit(cache=True, fastmath=_FASTMATH)
def _solve_x_m0(t, lam, tol):
    x, it = _householder(t, _izzo_guess_m0(t, lam), lam, 0, tol)
    return x


@njit(cache=True, parallel=True, fastmath=_FASTMATH)
def build_guess_table():
    """log(1 + x) of the zero-revolution solution on the guess grid, (257, 513)."""
    table = np.empty((GUESS_LAM_POINTS, GUESS_LOGT_POINTS))
    dlogt = (GUESS_LOGT_MAX - GUESS_LOGT_MIN) / (GUESS_LOGT_POINTS - 1)
    for i in prange(GUESS_LAM_POINTS):
        lam = -1.0 + 2.0 * i / (GUESS_LAM_POINTS - 1)
        for j in range(GUESS_LOGT_POINTS):
            t = math.exp(GUESS_LOGT_MIN + j * dlogt)
            x = _solve_x_m0(t, lam, 1e-9)
            x, it = _householder(t, x, lam, 0, 1e-14)  # polish: one or two more steps
            table[i, j] = math.log(1.0 + x)
    return table


@njit(cache=True, fastmath=_FASTMATH)
def _table_guess_m0(t, lam, table):
    """Bilinear guess from ``table``; NaN outside it."""
    fi = (lam + 1.0) * (0.5 * (GUESS_LAM_POINTS - 1))
    fj = (math.log(t) - GUESS_LOGT_MIN) * ((GUESS_LOGT_POINTS - 1) /
                                          (GUESS_LOGT_MAX - GUESS_LOGT_MIN))
    if not (0.0 <= fj < GUESS_LOGT_POINTS - 1) or not (0.0 <= fi < GUESS_LAM_POINTS - 1):
        return np.nan
    i = int(fi)
    j = int(fj)
    a = fi - i
    b = fj - j
    z = ((1.0 - a) * ((1.0 - b) * table[i, j] + b * table[i, j + 1])
         + a * ((1.0 - b) * table[i + 1, j] + b * table[i + 1, j + 1]))
    return math.exp(z) - 1.0


@njit(cache=True, fastmath=_FASTMATH)
def _reduce(r1, r2, tof_s, mu, revs, prograde):
    """Checks and Izzo's reduction: return (status, lam, T)."""
    if not (mu > 0.0 and revs >= 0 and math.isfinite(mu)):
        return BAD_INPUT, 0.0, 0.0
    for k in range(3):
        if not (math.isfinite(r1[k]) and math.isfinite(r2[k])):
            return BAD_INPUT, 0.0, 0.0
    if not (tof_s > 0.0 and math.isfinite(tof_s)):
        return BAD_TOF, 0.0, 0.0
    r1n = math.sqrt(r1[0] * r1[0] + r1[1] * r1[1] + r1[2] * r1[2])
    r2n = math.sqrt(r2[0] * r2[0] + r2[1] * r2[1] + r2[2] * r2[2])
    if r1n == 0.0 or r2n == 0.0:
        return DEGENERATE, 0.0, 0.0
    c0 = r2[0] - r1[0]
    c1 = r2[1] - r1[1]
    c2 = r2[2] - r1[2]
    c = math.sqrt(c0 * c0 + c1 * c1 + c2 * c2)
    s = 0.5 * (r1n + r2n + c)
    # |r1 x r2| / (|r1| |r2|) = |sin(transfer angle)|; its z sign gives the sense.
    hx = r1[1] * r2[2] - r1[2] * r2[1]
    hy = r1[2] * r2[0] - r1[0] * r2[2]
    hz = r1[0] * r2[1] - r1[1] * r2[0]
    if math.sqrt(hx * hx + hy * hy + hz * hz) < PARALLEL_SIN * r1n * r2n or c == 0.0:
        return DEGENERATE, 0.0, 0.0
    lam = math.sqrt(max(0.0, 1.0 - c / s))
    if hz < 0.0:
        lam = -lam  # transfer angle beyond 180 deg for prograde motion
    if not prograde:
        lam = -lam
    return SOLVED, lam, math.sqrt(2.0 * mu / (s * s * s)) * tof_s


@njit(cache=True, fastmath=_FASTMATH)
def _velocities(r1, r2, x, lam, mu, v1_out, v2_out):
    """Terminal velocities from the solution ``x`` (Izzo 2015, Algorithm 1)."""
    r1n = math.sqrt(r1[0] * r1[0] + r1[1] * r1[1] + r1[2] * r1[2])
    r2n = math.sqrt(r2[0] * r2[0] + r2[1] * r2[1] + r2[2] * r2[2])
    c0 = r2[0] - r1[0]
    c1 = r2[1] - r1[1]
    c2 = r2[2] - r1[2]
    c = math.sqrt(c0 * c0 + c1 * c1 + c2 * c2)
    s = 0.5 * (r1n + r2n + c)
    i1x, i1y, i1z = r1[0] / r1n, r1[1] / r1n, r1[2] / r1n
    i2x, i2y, i2z = r2[0] / r2n, r2[1] / r2n, r2[2] / r2n
    hx = i1y * i2z - i1z * i2y
    hy = i1z * i2x - i1x * i2z
    hz = i1x * i2y - i1y * i2x
    # The arc's angular momentum points along +/-(r1 x r2): the sign of lam says
    # which (lam < 0 for angles beyond 180 deg prograde, flipped for retrograde).
    hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    if lam < 0.0:
        hn = -hn
    hx, hy, hz = hx / hn, hy / hn, hz / hn
    t1x, t1y, t1z = hy * i1z - hz * i1y, hz * i1x - hx * i1z, hx * i1y - hy * i1x
    t2x, t2y, t2z = hy * i2z - hz * i2y, hz * i2x - hx * i2z, hx * i2y - hy * i2x
    gamma = math.sqrt(mu * s / 2.0)
    rho = (r1n - r2n) / c
    sigma = math.sqrt(max(0.0, 1.0 - rho * rho))
    y = math.sqrt(1.0 - lam * lam + lam * lam * x * x)
    vr1 = gamma * ((lam * y - x) - rho * (lam * y + x)) / r1n
    vr2 = -gamma * ((lam * y - x) + rho * (lam * y + x)) / r2n
    vt = gamma * sigma * (y + lam * x)
    vt1 = vt / r1n
    vt2 = vt / r2n
    v1_out[0] = vr1 * i1x + vt1 * t1x
    v1_out[1] = vr1 * i1y + vt1 * t1y
    v1_out[2] = vr1 * i1z + vt1 * t1z
    v2_out[0] = vr2 * i2x + vt2 * t2x
    v2_out[1] = vr2 * i2y + vt2 * t2y
    v2_out[2] = vr2 * i2z + vt2 * t2z


@njit(cache=True, fastmath=_FASTMATH)
def lambert_one(r1, r2, tof_s, mu, revs, prograde, low_path, v1_out, v2_out, table):
    """Solve one Lambert problem into ``v1_out``, ``v2_out``; return a status code.

    r1, r2: (3,) positions, km. tof_s: time of flight, s. mu: GM, km^3/s^2.
    revs: complete revolutions (0, 1, ...). prograde: motion with positive
    angular momentum along +z. low_path: for revs >= 1, the right branch of T(x)
    (larger x), else the left; ignored for revs == 0. table: the zero-revolution
    guess table (:func:`build_guess_table`), or a (1, 1) array for Izzo's guess.
    """
    for k in range(3):
        v1_out[k] = np.nan
        v2_out[k] = np.nan
    status, lam, t = _reduce(r1, r2, tof_s, mu, revs, prograde)
    if status != SOLVED:
        return status
    if revs == 0:
        x0 = _table_guess_m0(t, lam, table) if table.shape[0] > 1 else np.nan
        if x0 == x0:
            x, it = _householder(t, x0, lam, 0, _TABLE_STEP_TOL)
        else:
            x, it = _householder(t, _izzo_guess_m0(t, lam), lam, 0, 1e-5)
    else:
        if t < revs * _PI or not _tmin_exists(t, lam, revs):
            return NO_SOLUTION
        if low_path:
            tmp = (8.0 * t / (revs * _PI)) ** (2.0 / 3.0)
        else:
            tmp = ((revs * _PI + _PI) / (8.0 * t)) ** (2.0 / 3.0)
        x, it = _householder(t, (tmp - 1.0) / (tmp + 1.0), lam, revs, 1e-8)
    if it < 0:
        return NOT_CONVERGED
    _velocities(r1, r2, x, lam, mu, v1_out, v2_out)
    return SOLVED


# Problems per block in the batch kernel. Each stage runs as its own loop over a
# block, so consecutive problems are independent and the CPU overlaps their long
# chains of sqrt/div/acos latencies; one problem alone is latency-bound.
_BLOCK = 256


@njit(cache=True)
def block_buffers():
    """Work arrays for one :func:`solve_block` call of up to ``_BLOCK`` problems:
    (r1, r2 (B, 3) km, tof (B,) s, v1, v2 (B, 3) km/s, status (B,) int8)."""
    return (np.empty((_BLOCK, 3)), np.empty((_BLOCK, 3)), np.empty(_BLOCK),
            np.empty((_BLOCK, 3)), np.empty((_BLOCK, 3)), np.empty(_BLOCK, dtype=np.int8))


@njit(cache=True, fastmath=_FASTMATH)
def solve_block(r1, r2, tof_s, mu, revs, prograde, low_path, v1_out, v2_out, status, table):
    """Solve up to ``_BLOCK`` problems serially, stage by stage.

    Arguments as in :func:`lambert_batch` (revs, prograde and low_path may have
    length 1). Zero-revolution problems whose table guess converges in one
    Householder step (nearly all) take the staged fast path; each stage is a
    loop of its own, so the CPU overlaps independent problems' long sqrt, div
    and acos latency chains, which a single problem leaves idle. The rest go
    through :func:`lambert_one`.
    """
    n = r1.shape[0]
    s_revs = 1 if revs.shape[0] > 1 else 0  # stride 0 re-reads element 0
    s_prograde = 1 if prograde.shape[0] > 1 else 0
    s_low_path = 1 if low_path.shape[0] > 1 else 0
    lam_b = np.empty(n)
    t_b = np.empty(n)
    x_b = np.empty(n)
    fast = np.zeros(n, dtype=np.bool_)
    if table.shape[0] > 1:
        for i in range(n):
            if revs[i * s_revs] == 0:
                code, lam_b[i], t_b[i] = _reduce(r1[i], r2[i], tof_s[i], mu, 0,
                                                 prograde[i * s_prograde])
                fast[i] = code == SOLVED
        for i in range(n):
            if fast[i]:
                x_b[i] = _table_guess_m0(t_b[i], lam_b[i], table)
                fast[i] = x_b[i] == x_b[i]
        for i in range(n):
            if fast[i]:
                x1, it = _householder(t_b[i], x_b[i], lam_b[i], 0, _TABLE_STEP_TOL)
                x_b[i] = x1
                fast[i] = it == 1
    for i in range(n):
        if fast[i]:
            _velocities(r1[i], r2[i], x_b[i], lam_b[i], mu, v1_out[i], v2_out[i])
            status[i] = SOLVED
        else:
            status[i] = lambert_one(r1[i], r2[i], tof_s[i], mu, revs[i * s_revs],
                                    prograde[i * s_prograde], low_path[i * s_low_path],
                                    v1_out[i], v2_out[i], table)


@njit(cache=True, parallel=True, fastmath=_FASTMATH)
def lambert_batch(r1, r2, tof_s, mu, revs, prograde, low_path, v1_out, v2_out, status, table):
    """Solve N Lambert problems in parallel, into the outputs.

    r1, r2: (N, 3) positions, km. tof_s: (N,) s. mu: GM, km^3/s^2 (scalar).
    revs: (N,) or (1,) int. prograde, low_path: (N,) or (1,) bool; a length-1
    array applies to every problem (no per-problem copy of a scalar option).
    v1_out, v2_out: (N, 3) km/s outputs. status: (N,) int8 output.
    table: :func:`build_guess_table` output, or a (1, 1) array to use Izzo's guesses only.
    """
    n = r1.shape[0]
    per_revs = revs.shape[0] > 1
    per_prograde = prograde.shape[0] > 1
    per_low_path = low_path.shape[0] > 1
    for b in prange((n + _BLOCK - 1) // _BLOCK):
        lo = b * _BLOCK
        hi = min(n, lo + _BLOCK)
        solve_block(r1[lo:hi], r2[lo:hi], tof_s[lo:hi], mu,
                    revs[lo:hi] if per_revs else revs[:1],
                    prograde[lo:hi] if per_prograde else prograde[:1],
                    low_path[lo:hi] if per_low_path else low_path[:1],
                    v1_out[lo:hi], v2_out[lo:hi], status[lo:hi], table)
