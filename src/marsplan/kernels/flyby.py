"""Patched-conic gravity assists, as numba kernels: turn angles and powered flybys.

Plain floats and arrays: v-infinity vectors in km/s, GM in km^3/s^2, radii in km.
"""

from __future__ import annotations

import math

from numba import njit

# Largest periapsis radius considered when solving for the turn (km): beyond it a
# flyby turns the v-infinity by less than 1e-6 rad at any planet.
_RP_FAR_KM = 1e12


@njit(cache=True)
def max_turn_rad(vinf_kms, mu_km3s2, rp_km):
    """Largest turn of an unpowered flyby at periapsis radius rp: 2 asin(1 / e)."""
    return 2.0 * math.asin(1.0 / (1.0 + rp_km * vinf_kms * vinf_kms / mu_km3s2))


@njit(cache=True)
def _powered_turn(rp_km, vin, vout, mu):
    """Turn of a flyby with a tangential impulse at periapsis: asin(1/e_in) + asin(1/e_out)."""
    return (math.asin(1.0 / (1.0 + rp_km * vin * vin / mu))
            + math.asin(1.0 / (1.0 + rp_km * vout * vout / mu)))


@njit(cache=True)
def _solve_rp(turn, vin, vout, mu, rp_min_km):
    """Periapsis radius whose powered turn is ``turn`` (reachable: turn < the turn at rp_min).

    The turn falls monotonically with rp. Newton's method in u = log(rp),
    kept inside a bisection bracket (rtsafe, Numerical Recipes 9.4), from the
    unpowered guess rp = mu (1 / sin(turn / 2) - 1) / (vin vout): 3-5 steps
    where plain bisection took ~45 to reach 1e-12 in u.
    """
    lo = math.log(rp_min_km)
    hi = math.log(_RP_FAR_KM)
    if _powered_turn(_RP_FAR_KM, vin, vout, mu) > turn:
        return _RP_FAR_KM
    a_in, a_out = vin * vin / mu, vout * vout / mu
    half = math.sin(0.5 * turn)
    u = 0.5 * (lo + hi)
    if half > 0.0:
        guess = (1.0 / half - 1.0) / math.sqrt(a_in * a_out)
        if guess > 0.0:
            u = min(max(math.log(guess), lo), hi)
    for _ in range(100):
        x_in, x_out = math.exp(u) * a_in, math.exp(u) * a_out
        s_in, s_out = 1.0 / (1.0 + x_in), 1.0 / (1.0 + x_out)
        f = math.asin(s_in) + math.asin(s_out) - turn
        if f > 0.0:
            lo = u
        else:
            hi = u
        # d asin(1/(1+x))/du = -x/(1+x)^2 / sqrt(1 - 1/(1+x)^2) with x = e^u a.
        df = (-x_in * s_in * s_in / math.sqrt(max(1.0 - s_in * s_in, 1e-300))
              - x_out * s_out * s_out / math.sqrt(max(1.0 - s_out * s_out, 1e-300)))
        step = f / df if df < 0.0 else math.inf
        if abs(step) < 1e-9:
            # Converged: Newton's error after this step is of the order of its
            # square. Checked before the bracket, as a last step too small to
            # move u off the bracket's end must not send u to the midpoint
            # (that cost ~40 bisections on most flybys).
            u -= step
            break
        new_u = u - step
        if not (lo < new_u < hi):
            new_u = 0.5 * (lo + hi)
        if abs(new_u - u) < 1e-12 or hi - lo < 1e-12:
            u = new_u
            break
        u = new_u
    return math.exp(u)


@njit(cache=True)
def flyby(vin_x, vin_y, vin_z, vout_x, vout_y, vout_z, mu_km3s2, rp_min_km):
    """Cheapest patched-conic flyby joining v-infinity in and out; return (dv, rp, turn).

    The turn between the two v-infinity vectors is made by the planet: the
    periapsis radius rp >= rp_min_km is solved so that asin(1/e_in) +
    asin(1/e_out) equals the turn, and a tangential impulse at periapsis
    changes the speed there from sqrt(vin^2 + 2 mu/rp) to sqrt(vout^2 + 2 mu/rp).
    With |vin| = |vout| and a turn within reach that impulse is 0: an unpowered
    flyby. When even rp_min cannot turn that far, the rest of the turn is
    charged as a rotation of the outgoing v-infinity, 2 vout sin(rest / 2).
    Returns dv (km/s), rp (km) and the turn (rad).
    """
    vin = math.sqrt(vin_x * vin_x + vin_y * vin_y + vin_z * vin_z)
    vout = math.sqrt(vout_x * vout_x + vout_y * vout_y + vout_z * vout_z)
    if vin == 0.0 or vout == 0.0:
        return math.nan, math.nan, math.nan
    cos_turn = (vin_x * vout_x + vin_y * vout_y + vin_z * vout_z) / (vin * vout)
    turn = math.acos(min(1.0, max(-1.0, cos_turn)))
    reach = _powered_turn(rp_min_km, vin, vout, mu_km3s2)
    if turn >= reach:
        rp = rp_min_km
        extra = 2.0 * vout * math.sin(0.5 * (turn - reach))
    else:
        rp = _solve_rp(turn, vin, vout, mu_km3s2, rp_min_km)
        extra = 0.0
    dv = abs(math.sqrt(vout * vout + 2.0 * mu_km3s2 / rp)
             - math.sqrt(vin * vin + 2.0 * mu_km3s2 / rp))
    return dv + extra, rp, turn
