"""Ephemerides: heliocentric ecliptic J2000 states of the Sun, planets, Moon and EMB."""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "AnalyticEphemeris": "marsplan.ephemeris.analytic",
    "BODIES": "marsplan.ephemeris.base",
    "Ephemeris": "marsplan.ephemeris.base",
    "SPKEphemeris": "marsplan.ephemeris.spk",
    "default_ephemeris": "marsplan.ephemeris.spk",
})
