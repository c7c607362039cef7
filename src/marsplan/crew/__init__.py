"""Crew health and operations: radiation dose and Earth-Mars communications.

:mod:`marsplan.crew.radiation` turns a mission's dates into a galactic cosmic
ray dose per crew member, from Curiosity's RAD measurements scaled by the
solar cycle and a shielding factor, against NASA's career limit.
:mod:`marsplan.crew.comms` gives the one-way light time over a mission and the
solar-conjunction blackouts, from the ephemeris.

Both modules load scipy, jplephem and numba only inside the functions that
need them, so importing this package is fast.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "mission_dose": "marsplan.crew.radiation",
    "solar_factor": "marsplan.crew.radiation",
    "solar_activity": "marsplan.crew.radiation",
    "DoseReport": "marsplan.crew.radiation",
    "PhaseDose": "marsplan.crew.radiation",
    "MemberDose": "marsplan.crew.radiation",
    "light_time": "marsplan.crew.comms",
    "elongation_deg": "marsplan.crew.comms",
    "solar_conjunctions": "marsplan.crew.comms",
    "blackouts_during_stay": "marsplan.crew.comms",
    "Blackout": "marsplan.crew.comms",
}

__all__ = [
    "Blackout", "DoseReport", "MemberDose", "PhaseDose", "blackouts_during_stay",
    "elongation_deg", "light_time", "mission_dose", "solar_activity", "solar_conjunctions",
    "solar_factor",
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
