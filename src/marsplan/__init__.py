"""marsplan: design crewed Mars missions flown jointly by several partners.

Conventions, stated once:

* Units are km, s, km/s, km^2/s^2; names carry them (``c3_km2s2``, ``tof_days``).
* Heliocentric states are in the ecliptic J2000 frame.
* Epochs are TDB. The public API accepts ISO strings, ``datetime`` and
  ``numpy.datetime64`` (read as TDB); the core works on TDB Julian dates.
* Errors derive from :class:`MarsplanError`; batches return NaN plus a status
  code instead of raising.

Heavy modules (numba, jplephem) load on first use, so ``import marsplan`` is fast.
"""

from __future__ import annotations

from marsplan._lazy import lazy_names
from marsplan.errors import (
    EphemerisRangeError,
    InputError,
    MarsplanError,
    NoSolutionError,
    ScenarioError,
    UnknownBodyError,
)

__version__ = "0.1.0"

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "lambert": "marsplan.twobody",
    "propagate": "marsplan.twobody",
    "LambertStatus": "marsplan.twobody",
    "Ephemeris": "marsplan.ephemeris.base",
    "SPKEphemeris": "marsplan.ephemeris.spk",
    "AnalyticEphemeris": "marsplan.ephemeris.analytic",
    "default_ephemeris": "marsplan.ephemeris.spk",
    "transfer_leg": "marsplan.transfer.leg",
    "porkchop": "marsplan.transfer.porkchop",
    "windows": "marsplan.transfer.windows",
    "missions": "marsplan.transfer.missions",
    "mission_opportunities": "marsplan.transfer.missions",
    "Opportunities": "marsplan.transfer.missions",
    "assemble_mission": "marsplan.transfer.missions",
    "Orbit": "marsplan.transfer.maneuvers",
    "Orbits": "marsplan.transfer.maneuvers",
    "Transfer": "marsplan.transfer.leg",
    "Porkchop": "marsplan.transfer.porkchop",
    "PorkchopSet": "marsplan.transfer.porkchop",
    "Window": "marsplan.transfer.windows",
    "Windows": "marsplan.transfer.windows",
    "Mission": "marsplan.transfer.mission",
    "Missions": "marsplan.transfer.mission",
    "plan": "marsplan.joint.plan",
    "Plan": "marsplan.joint.plan",
    "coalitions": "marsplan.joint.coalitions",
    "Coalitions": "marsplan.joint.coalitions",
    "shapley_values": "marsplan.joint.coalitions",
    "load_scenario": "marsplan.io.scenario",
    "write_report": "marsplan.report.html",
    "to_jd_tdb": "marsplan.time",
    "jd_tdb_to_iso": "marsplan.time",
    "jd_tdb_to_datetime64": "marsplan.time",
}, eager=["MarsplanError", "InputError", "EphemerisRangeError", "NoSolutionError",
          "ScenarioError", "UnknownBodyError"])
