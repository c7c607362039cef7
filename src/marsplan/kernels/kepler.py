"""Two-body (Kepler) propagation in universal variables, as numba kernels.

The universal anomaly ``chi`` (km^0.5) solves the universal Kepler equation

    sqrt(mu) dt = sigma0 chi^2 c2(psi) + (1 - alpha r0) chi^3 c3(psi) + r0 chi,
    psi = alpha chi^2,  alpha = 2 / r0 - v0^2 / mu = 1 / a,  sigma0 = r0 . v0 / sqrt(mu),

for ellipses, parabolas and hyperbolas alike (Bate, Mueller & White,
"Fundamentals of Astrodynamics", 1971, ch. 4; Vallado, "Fundamentals of
Astrodynamics and Applications", 4th ed., 2013, sec. 2.3 and Algorithm 8).
Its derivative in chi is the radius r > 0, so the equation has one root; it is
found by Laguerre-Conway iterations (Conway, "An improved algorithm due to
Laguerre for the solution of Kepler's equation", Celest. Mech. 39:199, 1986)
kept inside a bracket, with bisection as the fall-back. The state follows from
the Lagrange coefficients f, g, fdot, gdot, and the result is checked against
the identity f gdot - fdot g = 1.

Inputs and outputs are plain floats and arrays: positions in km, velocities in
km/s, times in s, GM in km^3/s^2, any one inertial frame. Kernels never raise:
each problem returns a status code (0 = solved) and a failed row holds NaN.

Status codes
------------
OK = 0              propagated
BAD_INPUT = 1       a position, velocity, dt_s or mu_km3s2 is NaN or infinite
BAD_MU = 2          mu_km3s2 <= 0
ZERO_RADIUS = 3     r0 is the zero vector
NOT_CONVERGED = 4   the iteration on chi did not converge (not seen in testing
                    with physical inputs; r0 ~ 1e-300 km triggers it)
CHECK_FAILED = 5    the result is not finite or breaks f gdot - fdot g = 1; for
                    example a rectilinear orbit (v0 parallel to r0) that reaches
                    the centre at dt_s

A rectilinear orbit (v0 parallel to r0, or v0 = 0) is propagated as the limit
of ever thinner conics: a fall through the centre comes back out along the same
line, on the same side, as a point mass with vanishing angular momentum would.

Precision
---------
Against pykep 3.0.1 and against the same equations in 80-bit arithmetic
(tests/kernels/test_kepler.py), a state comes out within ~1e-14 of its size,
except where float64 itself limits the problem; pykep does no better there:

* Many revolutions of an eccentric ellipse. Elliptic steps are first reduced
  modulo the period, so they converge at any length, but alpha is rounded
  (relative error ~1e-16 * 2/(1-e) at periapsis) and the mean anomaly inherits
  1.5 times that per radian: ~1e-11 after 1000 revolutions at e = 0.99.
* An inbound leg to a radius r much below r0: r = f r0 + g v0 is a difference of
  terms of size r0, and the Kepler equation's slope there is r, so the relative
  error grows as (r0 / r)^2 * 1e-16: 1e-11 from 150 periapsis radii in to
  periapsis, 2e-10 from 1000.

Near e = 1 the universal variables keep full precision (pykep's Kepler equation
in the eccentric or hyperbolic anomaly, with |a| up to 1e15 km, loses up to ~1e-7).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

OK = 0
BAD_INPUT = 1
BAD_MU = 2
ZERO_RADIUS = 3
NOT_CONVERGED = 4
CHECK_FAILED = 5

#: One line per status code, indexed by the code, for the API's messages.
STATUS_MESSAGES = (
    "propagated",
    "r0, v0, dt_s and mu_km3s2 must all be finite",
    "mu_km3s2 must be positive",
    "r0 must not be the zero vector",
    "the Laguerre-Conway iteration on the universal anomaly did not converge",
    "the result is not finite or breaks the Lagrange identity f*gdot - fdot*g = 1 "
    "(a rectilinear orbit that reaches the centre?)",
)

_TWO_PI = 2.0 * math.pi
# Within |psi| <= 1 the Stumpff functions come from their series: the closed
# form of c3, (s - sin s) / s^3, cancels to noise as s -> 0. At |psi| = 1 the
# closed form loses only ~6 ulp, and 11 terms of the series reach 1e-20.
_SERIES_PSI = 1.0
_SERIES_TERMS = 11
_INV_FACT_C2 = np.array([1.0 / math.factorial(2 * k + 2) for k in range(_SERIES_TERMS)])
_INV_FACT_C3 = np.array([1.0 / math.factorial(2 * k + 3) for k in range(_SERIES_TERMS)])
# Convergence: a Laguerre step below 1e-14 of chi leaves the next error far
# below rounding (the method converges cubically), so stop after taking it.
_CHI_RTOL = 1e-14
_MAX_ITER = 60
_MAX_BRACKET_DOUBLINGS = 2100  # 2^2100 spans the whole float64 range
# Lagrange identity f gdot - fdot g = 1, checked relative to the size of the
# products: each is formed from rounded numbers, so 1e-9 flags only real failures.
_LAGRANGE_RTOL = 1e-9
# Laguerre's method with n = 5, Conway's choice (any n from 4 to 6 does as well).
_LAGUERRE_N = 5.0


@njit(cache=True)
def stumpff_c2_c3(psi):
    """Stumpff functions (c2, c3) of psi (dimensionless).

    c2 = (1 - cos sqrt psi) / psi and c3 = (sqrt psi - sin sqrt psi) / psi^1.5,
    continued to psi < 0 with cosh/sinh; the series near psi = 0 keeps full precision.
    """
    if psi > _SERIES_PSI:
        s = math.sqrt(psi)
        half = math.sin(0.5 * s)
        c2 = 2.0 * half * half / psi  # 1 - cos s = 2 sin^2(s/2): no cancellation
        c3 = (s - math.sin(s)) / (psi * s)
    elif psi < -_SERIES_PSI:
        s = math.sqrt(-psi)
        half = math.sinh(0.5 * s)
        c2 = 2.0 * half * half / (-psi)
        c3 = (math.sinh(s) - s) / (-psi * s)
    else:
        # c2 = sum (-psi)^k / (2k+2)!,  c3 = sum (-psi)^k / (2k+3)!, by Horner.
        c2 = 0.0
        c3 = 0.0
        for k in range(_SERIES_TERMS - 1, -1, -1):
            c2 = _INV_FACT_C2[k] - psi * c2
            c3 = _INV_FACT_C3[k] - psi * c3
    return c2, c3


@njit(cache=True)
def _kepler_terms(chi, alpha, r0_km, sigma0, one_minus_alpha_r0):
    """Universal Kepler function sqrt(mu) t(chi) and its first two derivatives in chi."""
    psi = alpha * chi * chi
    c2, c3 = stumpff_c2_c3(psi)
    chi2 = chi * chi
    u1 = chi * (1.0 - psi * c3)  # d(chi^2 c2)/dchi
    t = sigma0 * chi2 * c2 + one_minus_alpha_r0 * chi2 * chi * c3 + r0_km * chi
    dt_dchi = sigma0 * u1 + one_minus_alpha_r0 * chi2 * c2 + r0_km  # = r(chi), km
    d2t_dchi2 = sigma0 * (1.0 - psi * c2) + one_minus_alpha_r0 * u1
    return t, dt_dchi, d2t_dchi2


@njit(cache=True)
def _initial_chi(alpha, r0_km, sigma0, one_minus_alpha_r0, sqrt_mu, dt_s):
    """First guess of chi: linear for short arcs, Barker's cubic near e = 1, else E or H."""
    target = sqrt_mu * dt_s
    chi_linear = target / r0_km
    # Short arc: t(chi) = r0 chi + sigma0 chi^2 / 2 + (1 - alpha r0) chi^3 / 6 + ...;
    # when the higher terms are below 1% the linear root is the better start
    # (and the only one that does not cancel when chi is ~1e-100 of r0^0.5).
    higher = abs(sigma0 * chi_linear) + abs(one_minus_alpha_r0) * chi_linear * chi_linear
    if higher < 0.01 * r0_km:
        return chi_linear
    # Parabola (alpha = 0): the equation is the cubic chi^3 + 3 sigma0 chi^2
    # + 6 r0 chi - 6 sqrt(mu) dt = 0; with chi = x - sigma0 it is x^3 + p x + q = 0,
    # p = 6 r0 - 3 sigma0^2 >= 0 for a parabola, so one real root. Cardano's
    # x = u + v, u v = -p/3, is formed as -q / (u^2 - u v + v^2), which does not cancel.
    p = 6.0 * r0_km - 3.0 * sigma0 * sigma0
    q = 2.0 * sigma0 ** 3 - 6.0 * r0_km * sigma0 - 6.0 * target
    disc = 0.25 * q * q + p * p * p / 27.0
    chi_parabolic = chi_linear
    if disc >= 0.0:
        u = np.cbrt(-0.5 * q - math.copysign(math.sqrt(disc), q))
        if u != 0.0:
            v = -p / (3.0 * u)
            chi_parabolic = -q / (u * u - u * v + v * v) - sigma0
    if abs(alpha) * chi_parabolic * chi_parabolic < 0.1:
        return chi_parabolic  # the parabola is a good model over this arc
    if alpha > 0.0:
        # Ellipse: e cos E0 = 1 - alpha r0, e sin E0 = sigma0 sqrt(alpha); mean
        # anomaly M = E - e sin E; Danby's starter E1 = M1 + 0.85 e sign(sin M1).
        sqrt_alpha = math.sqrt(alpha)
        e_sin_e0 = sigma0 * sqrt_alpha
        ecc = math.hypot(one_minus_alpha_r0, e_sin_e0)
        e0 = math.atan2(e_sin_e0, one_minus_alpha_r0)
        d_mean = sqrt_mu * alpha * sqrt_alpha * dt_s
        m1 = e0 - e_sin_e0 + d_mean
        m1 -= _TWO_PI * math.floor(m1 / _TWO_PI + 0.5)
        e1 = m1 + math.copysign(0.85 * ecc, math.sin(m1))
        return (d_mean + ecc * math.sin(e1) - e_sin_e0) / sqrt_alpha
    # Hyperbola: e cosh H0 = 1 - alpha r0, e sinh H0 = sigma0 sqrt(-alpha); mean
    # anomaly N = e sinh H - H; starter H1 = asinh(N1 / e), good once |H| >~ 1.
    sqrt_malpha = math.sqrt(-alpha)
    e_sinh_h0 = sigma0 * sqrt_malpha
    h0 = math.atanh(e_sinh_h0 / one_minus_alpha_r0)
    ecc = one_minus_alpha_r0 / math.cosh(h0)
    n1 = e_sinh_h0 - h0 + sqrt_mu * (-alpha) * sqrt_malpha * dt_s
    h1 = math.asinh(n1 / ecc)
    return (h1 - h0) / sqrt_malpha


@njit(cache=True)
def _solve_chi(alpha, r0_km, sigma0, one_minus_alpha_r0, sqrt_mu, dt_s, chi_max):
    """Root chi of the universal Kepler equation; returns (chi, converged).

    chi_max bounds |chi| when finite (ellipses after reduction of dt_s).
    """
    target = sqrt_mu * dt_s
    if target / r0_km == 0.0:  # dt_s = 0, or a step below the resolution of chi
        return 0.0, True
    guess = _initial_chi(alpha, r0_km, sigma0, one_minus_alpha_r0, sqrt_mu, dt_s)
    # t(chi) increases (its derivative is r > 0) and t(0) = 0, so chi has the
    # sign of dt: bracket it between 0 and a bound found by doubling. A NaN or
    # inf of t (sinh overflow far beyond any real arc) counts as "too far".
    sign = 1.0 if dt_s > 0.0 else -1.0
    near = 0.0
    if math.isfinite(chi_max):
        far = sign * chi_max
    elif guess * sign > 0.0 and math.isfinite(guess):
        far = guess
    else:
        far = target / r0_km
    for _ in range(_MAX_BRACKET_DOUBLINGS):
        t, _slope, _curvature = _kepler_terms(far, alpha, r0_km, sigma0, one_minus_alpha_r0)
        if not (sign * (t - target) < 0.0):
            break
        near = far
        far *= 2.0
    else:
        return math.nan, False
    lo = min(near, far)
    hi = max(near, far)
    chi = guess
    if not (lo < chi < hi):
        chi = 0.5 * (lo + hi)
    for _ in range(_MAX_ITER):
        t, slope, curvature = _kepler_terms(chi, alpha, r0_km, sigma0, one_minus_alpha_r0)
        residual = t - target
        if residual == 0.0:
            return chi, True
        if residual < 0.0:
            lo = chi
        elif residual > 0.0:
            hi = chi
        elif chi > 0.0:  # NaN: overflowed, so beyond the root
            hi = chi
        else:
            lo = chi
        # Laguerre-Conway step; the slope (= r > 0) picks the sign of the root.
        n = _LAGUERRE_N
        root = math.sqrt(abs((n - 1.0) ** 2 * slope * slope
                             - n * (n - 1.0) * residual * curvature))
        step = n * residual / (slope + math.copysign(root, slope))
        new = chi - step
        if abs(step) <= _CHI_RTOL * abs(new) and lo <= new <= hi:
            return new, True
        if not (lo < new < hi):  # left the bracket (or NaN): bisect instead
            new = 0.5 * (lo + hi)
            if new == lo or new == hi:  # the bracket is one ulp wide
                return new, True
        chi = new
    return chi, False


@njit(cache=True)
def _fail(r_out, v_out, code):
    """Fill the outputs with NaN and return the status code."""
    for k in range(3):
        r_out[k] = math.nan
        v_out[k] = math.nan
    return code


@njit(cache=True)
def propagate_one(r0_km, v0_kms, dt_s, mu_km3s2, r_out_km, v_out_kms):
    """Propagate one two-body state by dt_s, into r_out_km and v_out_kms; return a status.

    r0_km: (3,) float64 position, km.  v0_kms: (3,) velocity, km/s.
    dt_s: time step, s, of either sign (negative propagates backwards; 0 copies).
    mu_km3s2: GM of the central body.
    r_out_km, v_out_kms: (3,) outputs, same frame as r0_km; NaN unless status is OK.
    Returns a status code of this module (OK = 0). Elliptic orbits first reduce
    dt_s modulo the period, so an arc of many revolutions converges (see
    "Precision" in the module docstring for what float64 allows there).
    """
    rx, ry, rz = r0_km[0], r0_km[1], r0_km[2]
    vx, vy, vz = v0_kms[0], v0_kms[1], v0_kms[2]
    if not (math.isfinite(rx) and math.isfinite(ry) and math.isfinite(rz)
            and math.isfinite(vx) and math.isfinite(vy) and math.isfinite(vz)
            and math.isfinite(dt_s) and math.isfinite(mu_km3s2)):
        return _fail(r_out_km, v_out_kms, BAD_INPUT)
    if mu_km3s2 <= 0.0:
        return _fail(r_out_km, v_out_kms, BAD_MU)
    r0 = math.hypot(math.hypot(rx, ry), rz)  # no underflow for tiny r0
    if r0 == 0.0:
        return _fail(r_out_km, v_out_kms, ZERO_RADIUS)
    sqrt_mu = math.sqrt(mu_km3s2)
    v0_sq = vx * vx + vy * vy + vz * vz
    sigma0 = (rx * vx + ry * vy + rz * vz) / sqrt_mu
    # alpha = 1/a; 1 - alpha r0 = e cos E0 (ellipse), e cosh H0 (hyperbola).
    alpha = 2.0 / r0 - v0_sq / mu_km3s2
    one_minus_alpha_r0 = r0 * v0_sq / mu_km3s2 - 1.0

    dt_eff = dt_s
    chi_max = math.inf
    if alpha > 0.0:
        sqrt_alpha = math.sqrt(alpha)
        period_s = _TWO_PI / (sqrt_mu * alpha * sqrt_alpha)
        if 0.0 < period_s < math.inf:
            if abs(dt_s) > 0.5 * period_s:
                # Whole revolutions change nothing: keep |dt| <= T/2, so
                # |mean anomaly step| <= pi and |eccentric anomaly step|
                # <= pi + 2e < pi + 2, which bounds chi = dE / sqrt(alpha).
                dt_eff = dt_s - period_s * math.floor(dt_s / period_s + 0.5)
            chi_max = (math.pi + 2.0) / sqrt_alpha * (1.0 + 1e-12)

    chi, converged = _solve_chi(alpha, r0, sigma0, one_minus_alpha_r0, sqrt_mu, dt_eff,
                                chi_max)
    if not converged:
        return _fail(r_out_km, v_out_kms, NOT_CONVERGED)

    psi = alpha * chi * chi
    c2, c3 = stumpff_c2_c3(psi)
    chi2_c2 = chi * chi * c2
    u1 = chi * (1.0 - psi * c3)
    r = sigma0 * u1 + one_minus_alpha_r0 * chi2_c2 + r0  # km
    f = 1.0 - chi2_c2 / r0
    # g = dt - chi^3 c3 / sqrt(mu), rewritten with the Kepler equation so that it
    # uses chi alone: consistent with f and r even where dt is rounded.
    g = (sigma0 * chi2_c2 + r0 * u1) / sqrt_mu  # s
    fdot = -sqrt_mu * u1 / (r * r0)  # 1/s
    gdot = 1.0 - chi2_c2 / r
    f_gdot = f * gdot
    fdot_g = fdot * g
    identity = f_gdot - fdot_g - 1.0
    if not (math.isfinite(identity) and r > 0.0
            and abs(identity) <= _LAGRANGE_RTOL * (1.0 + abs(f_gdot) + abs(fdot_g))):
        return _fail(r_out_km, v_out_kms, CHECK_FAILED)
    r_out_km[0] = f * rx + g * vx
    r_out_km[1] = f * ry + g * vy
    r_out_km[2] = f * rz + g * vz
    v_out_kms[0] = fdot * rx + gdot * vx
    v_out_kms[1] = fdot * ry + gdot * vy
    v_out_kms[2] = fdot * rz + gdot * vz
    return OK


@njit(cache=True, parallel=True)
def propagate_batch(r0_km, v0_kms, dt_s, mu_km3s2, r_out_km, v_out_kms, status):
    """Propagate N two-body states, each by its own time step, in parallel, into the outputs.

    r0_km, v0_kms: (N, 3) float64 positions, km, and velocities, km/s.
    dt_s: (N,) time steps, s, of either sign.  mu_km3s2: GM of the central body.
    r_out_km, v_out_kms: (N, 3) outputs, same frame as r0_km.
    status: (N,) int8 output, 0 = OK. A failed row gets NaN and a code;
    nothing raises, so one bad row cannot stop a batch.
    """
    for i in prange(r0_km.shape[0]):
        status[i] = propagate_one(r0_km[i], v0_kms[i], dt_s[i], mu_km3s2,
                                  r_out_km[i], v_out_kms[i])


@njit(cache=True, parallel=True)
def propagate_samples(r0_km, v0_kms, dt_s, mu_km3s2, r_out_km, v_out_kms, status):
    """Sample one orbit at M times (a trajectory for export), in parallel, into the outputs.

    r0_km: (3,) float64 position, km.  v0_kms: (3,) velocity, km/s.
    dt_s: (M,) times since the state, s, of either sign and any order.
    mu_km3s2: GM of the central body.
    r_out_km, v_out_kms: (M, 3) outputs.  status: (M,) int8 output, 0 = OK;
    failed rows get NaN and a code.
    """
    for i in prange(dt_s.shape[0]):
        status[i] = propagate_one(r0_km, v0_kms, dt_s[i], mu_km3s2,
                                  r_out_km[i], v_out_kms[i])
