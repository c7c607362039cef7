"""The sizing equations on plain floats: rocket equation, boil-off, consumables.

Masses in tonnes, delta-v in km/s, specific impulse in seconds, days.
"""

from __future__ import annotations

import math

G0_MS2 = 9.80665  # standard gravity, m/s^2: 3rd CGPM (1901), exact by definition


def exhaust_speed_kms(isp_s: float) -> float:
    """Effective exhaust speed Isp * g0, km/s."""
    return isp_s * G0_MS2 / 1000.0


def rocket_propellant_t(final_mass_t: float, dv_kms: float, isp_s: float) -> float:
    """Propellant (t) that gives a vehicle of burnout mass ``final_mass_t`` a delta-v ``dv_kms``.

    Tsiolkovsky: m0 / mf = exp(dv / (Isp g0)), so the propellant is
    mf (exp(dv / (Isp g0)) - 1); ``expm1`` keeps small burns exact.
    """
    return final_mass_t * math.expm1(dv_kms / exhaust_speed_kms(isp_s))


def rocket_dv_kms(initial_mass_t: float, final_mass_t: float, isp_s: float) -> float:
    """Delta-v (km/s) of a burn from ``initial_mass_t`` down to ``final_mass_t``."""
    return exhaust_speed_kms(isp_s) * math.log(initial_mass_t / final_mass_t)


def boiloff_factor(boiloff_pct_per_day: float, days: float) -> float:
    """Mass to load per tonne still in the tank after ``days``: 1 / (1 - rate)^days.

    The tank loses ``boiloff_pct_per_day`` per cent of what it holds each day
    (compounded daily; a fraction of a day compounds in proportion).
    """
    if days <= 0.0 or boiloff_pct_per_day <= 0.0:
        return 1.0
    return (1.0 - boiloff_pct_per_day / 100.0) ** (-days)


def boiloff_loaded_t(needed_t: float, boiloff_pct_per_day: float, days: float) -> float:
    """Propellant (t) to load so that ``needed_t`` is left after ``days`` of boil-off."""
    return needed_t * boiloff_factor(boiloff_pct_per_day, days)


def consumables_t(crew: int, days: float, kg_per_crew_day: float,
                  recyclable_fraction: float, closure: float) -> float:
    """Crew consumables (t) carried for ``days``.

    An open loop uses ``kg_per_crew_day`` per crew member; life support
    recovers ``closure`` of the ``recyclable_fraction`` (oxygen and water), so
    crew x days x kg_per_crew_day x (1 - recyclable_fraction x closure) / 1000.
    """
    if crew <= 0 or days <= 0.0:
        return 0.0
    return crew * days * kg_per_crew_day * (1.0 - recyclable_fraction * closure) / 1000.0
