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
        # The turn falls monotonically with rp: bisect in log(rp).
        lo = math.log(rp_min_km)
        hi = math.log(_RP_FAR_KM)
        if _powered_turn(_RP_FAR_KM, vin, vout, mu_km3s2) > turn:
            lo = hi
        else:
            for _ in range(80):
                mid = 0.5 * (lo + hi)
                if _powered_turn(math.exp(mid), vin, vout, mu_km3s2) > turn:
                    lo = mid
                else:
                    hi = mid
                if hi - lo < 1e-12:
                    break
        rp = math.exp(0.5 * (lo + hi))
        extra = 0.0
    dv = abs(math.sqrt(vout * vout + 2.0 * mu_km3s2 / rp)
             - math.sqrt(vin * vin + 2.0 * mu_km3s2 / rp))
    return dv + extra, rp, turn


@njit(cache=True)
def flyby_batch(vin_kms, vout_kms, mu_km3s2, rp_min_km, dv_kms):
    """:func:`flyby` for N pairs of v-infinity vectors (N, 3) into dv_kms (N,).

    A row with NaN in either vector gets NaN; nothing raises.
    """
    for i in range(vin_kms.shape[0]):
        dv, rp, turn = flyby(vin_kms[i, 0], vin_kms[i, 1], vin_kms[i, 2], vout_kms[i, 0],
                             vout_kms[i, 1], vout_kms[i, 2], mu_km3s2, rp_min_km)
        dv_kms[i] = dv
