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

import importlib

from marsplan.errors import (
    EphemerisRangeError,
    InputError,
    MarsplanError,
    NoSolutionError,
    ScenarioError,
    UnknownBodyError,
)

__version__ = "0.1.0"

# Public name -> module that defines it, imported on first access (PEP 562).
_LAZY = {
    "lambert": "marsplan.twobody",
    "propagate": "marsplan.twobody",
    "LambertStatus": "marsplan.twobody",
    "Ephemeris": "marsplan.ephemeris.base",
    "SPKEphemeris": "marsplan.ephemeris.spk",
    "AnalyticEphemeris": "marsplan.ephemeris.analytic",
    "default_ephemeris": "marsplan.ephemeris.spk",
    "transfer": "marsplan.transfer",
    "porkchop": "marsplan.transfer",
    "windows": "marsplan.transfer",
    "missions": "marsplan.transfer.missions",
    "mission_opportunities": "marsplan.transfer.missions",
    "assemble_mission": "marsplan.transfer.missions",
    "Orbit": "marsplan.transfer",
    "Transfer": "marsplan.transfer",
    "Porkchop": "marsplan.transfer",
    "to_jd_tdb": "marsplan.time",
    "jd_tdb_to_iso": "marsplan.time",
    "jd_tdb_to_datetime64": "marsplan.time",
}

__all__ = sorted(
    ["MarsplanError", "InputError", "EphemerisRangeError", "NoSolutionError",
     "ScenarioError", "UnknownBodyError", *_LAZY]
)


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'marsplan' has no attribute {name!r}")


def __dir__():
    return __all__
