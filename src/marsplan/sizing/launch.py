"""Launch vehicle payload to the assembly orbit, and how many launches a mass needs.

The vehicle is read by duck typing: ``payload_leo`` is a list of points with
``inclination_deg``, ``altitude_km`` and ``payload_t`` (as
:class:`marsplan.catalog.models.PayloadPoint`).
"""

from __future__ import annotations

import itertools
import math

# Inclinations closer than this are the same orbit (catalogs print 0.1 deg).
_SAME_DEG = 1e-6


def _points_at_altitude(vehicle, altitude_km: float) -> list[tuple[float, float]]:
    """(inclination_deg, payload_t) at the tabulated altitude nearest ``altitude_km``, sorted."""
    altitudes = {float(p.altitude_km) for p in vehicle.payload_leo}
    # Nearest altitude; of two equally near, the lower (the more generous figure).
    nearest = min(altitudes, key=lambda a: (abs(a - altitude_km), a))
    return sorted((float(p.inclination_deg), float(p.payload_t))
                  for p in vehicle.payload_leo if float(p.altitude_km) == nearest)


def lowest_inclination_deg(vehicle, altitude_km: float) -> float:
    """The lowest inclination the vehicle's payload table gives, deg."""
    return _points_at_altitude(vehicle, altitude_km)[0][0]


def highest_inclination_deg(vehicle, altitude_km: float) -> float:
    """The highest inclination the vehicle's payload table gives, deg."""
    return _points_at_altitude(vehicle, altitude_km)[-1][0]


def payload_t(vehicle, inclination_deg: float, altitude_km: float) -> float | None:
    """Payload (t) of ``vehicle`` to a circular orbit of ``inclination_deg``.

    Taken from the ``payload_leo`` points at the tabulated altitude nearest
    ``altitude_km`` (altitude is not interpolated), linear in inclination
    between them. Below the lowest tabulated inclination the lowest point's
    payload holds (a vehicle can always fly a dog-leg for free in this model,
    a mild optimism); above the highest it returns None: the table does not
    say the vehicle reaches that orbit.
    """
    points = _points_at_altitude(vehicle, altitude_km)
    x = float(inclination_deg)
    if x > points[-1][0] + _SAME_DEG:
        return None
    if x <= points[0][0] + _SAME_DEG:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if abs(x - x1) <= _SAME_DEG:
            return y1
        if x0 < x < x1:
            return y0 + (x - x0) * (y1 - y0) / (x1 - x0)
    return points[-1][1]  # pragma: no cover - x equals the last point, handled above


#: Most launches one mass may need. Beyond it the figures are a mistake (a mistyped
#: payload or tanker capacity), and the schedule of flights would grow without end.
MAX_LAUNCHES = 100_000


def launches_needed(mass_t: float, payload: float) -> int:
    """Launches of ``payload`` tonnes each that lift ``mass_t`` (at least one).

    Raises InputError above :data:`MAX_LAUNCHES` (and for NaN or infinite masses).
    """
    if mass_t <= 0.0:
        return 1
    ratio = mass_t / payload if payload > 0.0 else math.inf
    if not ratio <= MAX_LAUNCHES:  # also catches NaN
        from marsplan.errors import InputError

        raise InputError(f"launches: {mass_t:.4g} t at {payload:.4g} t a launch would take more "
                         f"than {MAX_LAUNCHES:,} launches: a delta-v beyond the vehicles' "
                         "reach, or a mistyped payload_t or propellant_capacity_t")
    # 1e-9 t: a mass equal to the payload up to rounding fits in one launch.
    return max(1, math.ceil(ratio - 1e-9))
