"""Crew health and operations: radiation dose and Earth-Mars communications.

:mod:`marsplan.crew.radiation` turns a mission's dates into a galactic cosmic
ray dose per crew member, from Curiosity's RAD measurements scaled by the
solar cycle and a shielding factor, against NASA's career limit.
:mod:`marsplan.crew.comms` gives the one-way light time over a mission and the
solar-conjunction blackouts, from the ephemeris.

Both modules load scipy, jplephem and numba only inside the functions that
need them, so importing this package is fast.
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    **dict.fromkeys(["mission_dose", "solar_factor", "solar_activity", "DoseReport",
                     "PhaseDose", "MemberDose"], "marsplan.crew.radiation"),
    **dict.fromkeys(["light_time", "elongation_deg", "solar_conjunctions",
                     "blackouts_during_stay", "Blackout"], "marsplan.crew.comms"),
})
