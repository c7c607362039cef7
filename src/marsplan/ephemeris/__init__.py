"""Ephemerides: heliocentric ecliptic J2000 states of the Sun, planets, Moon and EMB."""

from marsplan.ephemeris.analytic import AnalyticEphemeris
from marsplan.ephemeris.base import BODIES, Ephemeris
from marsplan.ephemeris.spk import SPKEphemeris, default_ephemeris

__all__ = ["BODIES", "AnalyticEphemeris", "Ephemeris", "SPKEphemeris", "default_ephemeris"]
