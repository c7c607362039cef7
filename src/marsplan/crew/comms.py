"""Earth-Mars communications: one-way light time and solar-conjunction blackouts.

Geometry, stated once: positions are geometric (no light-time iteration, no
aberration), from the ephemeris (DE440 by default), seen from the Earth's
centre (``earth``, as docs/design.md defines it).

* **Light time** is the instantaneous Earth-to-target distance over c. The
  target moves during the signal's flight; that changes the time by at most
  about v/c ~ 1e-4 of itself (0.1 s), far below the minute this is read in.
  The target is Mars, or with ``track="spacecraft"`` the crew's vehicle: on
  each ballistic leg its Kepler arc from the leg's departure state (the arc
  the mission was solved on), at Mars the planet itself.
* **Solar conjunction.** The elongation of Mars is the Sun-Earth-Mars angle at
  the Earth's centre. When it drops below a few degrees the Sun's corona
  corrupts the radio link, and NASA stops commanding its Mars fleet: the
  published moratoria use "Mars within 2 degrees of the Sun" (NASA/JPL,
  4 June 2015; reference/README.md section 6). A blackout is the span with
  the elongation below ``threshold_deg``. Minima are bracketed by a daily scan
  of d(cos elongation)/dt, from the ephemeris velocities, and solved with
  Brent's method; the threshold crossings likewise, to ~1e-6 day. A minimum
  is found even when its whole window is shorter than the scan step.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from marsplan.constants import DAY_S, GM_SUN_KM3S2
from marsplan.errors import InputError
from marsplan.time import jd_tdb_to_iso, to_jd_tdb

C_KMS = 299_792.458  # speed of light, km/s: exact by the SI definition of the metre (1983)
DEFAULT_THRESHOLD_DEG = 2.0  # NASA's Mars command moratoria: "within 2 degrees of the Sun"
_MAX_THRESHOLD_DEG = 45.0
_XTOL_DAYS = 1e-6  # 0.09 s: far below the minute the reference prints
TRACKS = ("mars", "spacecraft")


@dataclass(frozen=True, slots=True)
class Blackout:
    """One solar conjunction: the elongation of Mars below ``threshold_deg`` from
    ``start_jd_tdb`` to ``end_jd_tdb``, least (``min_elongation_deg``) at
    ``min_jd_tdb``. Dates are TDB Julian dates; the window is whole even where
    it reaches outside the interval that was searched."""

    start_jd_tdb: float
    end_jd_tdb: float
    min_elongation_deg: float
    min_jd_tdb: float
    threshold_deg: float = DEFAULT_THRESHOLD_DEG

    @property
    def duration_days(self) -> float:
        return self.end_jd_tdb - self.start_jd_tdb

    # Short aliases of the TDB Julian dates.
    @property
    def start_jd(self) -> float:
        return self.start_jd_tdb

    @property
    def end_jd(self) -> float:
        return self.end_jd_tdb

    @property
    def min_jd(self) -> float:
        return self.min_jd_tdb

    def row(self) -> dict:
        return {"start": jd_tdb_to_iso(self.start_jd_tdb), "end": jd_tdb_to_iso(self.end_jd_tdb),
                "duration_days": self.duration_days,
                "min_elongation": jd_tdb_to_iso(self.min_jd_tdb),
                "min_elongation_deg": self.min_elongation_deg,
                "threshold_deg": self.threshold_deg}


def _epoch(value, field: str) -> float:
    """A TDB Julian date from a number (read as a JD) or an epoch (ISO, datetime...)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise InputError(f"{field}: must be a finite Julian date, got {value!r}")
        return float(value)
    return to_jd_tdb(value, field)


def _span(span) -> tuple[float, float]:
    if hasattr(span, "earth_departure_jd_tdb") and hasattr(span, "earth_arrival_jd_tdb"):
        start, end = float(span.earth_departure_jd_tdb), float(span.earth_arrival_jd_tdb)
    else:
        try:
            first, last = span
        except (TypeError, ValueError):
            raise InputError(f"span: {span!r} is neither a Mission nor a pair (start, end) of "
                             "dates") from None
        start, end = _epoch(first, "start"), _epoch(last, "end")
    if not end > start:
        raise InputError(f"span: the end ({jd_tdb_to_iso(end, 'days')}) must follow the start "
                         f"({jd_tdb_to_iso(start, 'days')})")
    return start, end


def _step(step_days) -> float:
    if not (isinstance(step_days, numbers.Real) and not isinstance(step_days, bool)
            and math.isfinite(step_days) and step_days > 0):
        raise InputError(f"step_days: must be a finite number > 0, got {step_days!r}")
    return float(step_days)


def light_time(span, step_days=1.0, *, track="mars", ephemeris=None):
    """One-way light time from the Earth's centre over a mission or a date span.

    Parameters
    ----------
    span : Mission or (start, end)
        A :class:`~marsplan.transfer.mission.Mission` (Earth departure to Earth
        arrival) or two dates: TDB Julian dates as numbers, or epochs
        ("2033-04-17", datetime, numpy.datetime64) read as TDB.
    step_days : float
        Sampling step, days; the end date is always the last sample.
    track : {"mars", "spacecraft"}
        To Mars, or (with a Mission) to the crew's vehicle: its Kepler arc on
        each leg and Mars during the stay.
    ephemeris : marsplan.Ephemeris, optional
        DE440 by default.

    Returns
    -------
    jd_tdb, one_way_light_time_min : numpy.ndarray
        Sample dates (TDB JD) and the light time at each, minutes.

    Raises
    ------
    InputError
        A bad span, step or track; "spacecraft" without a Mission.
    EphemerisRangeError
        A date outside the ephemeris.
    """
    from marsplan.ephemeris import default_ephemeris

    if track not in TRACKS:
        raise InputError(f"track: {track!r} is not one of {', '.join(TRACKS)}")
    start, end = _span(span)
    step = _step(step_days)
    eph = ephemeris or default_ephemeris()
    jd = np.arange(start, end, step)
    jd = np.append(jd[jd < end - 1e-9], end)
    r_earth, _ = eph.state_jd("earth", jd)
    r_target, _ = eph.state_jd("mars", jd)
    if track == "spacecraft":
        legs = getattr(span, "legs", None)
        if not legs:
            raise InputError("track: 'spacecraft' needs a Mission (its legs give the vehicle's "
                             "path); a date span has only Mars")
        from marsplan.twobody import propagate

        r_target = r_target.copy()
        for leg in legs:
            on_leg = (jd >= leg.departure_jd_tdb) & (jd <= leg.arrival_jd_tdb)
            if on_leg.any():
                dt_s = (jd[on_leg] - leg.departure_jd_tdb) * DAY_S
                r_target[on_leg], _ = propagate(np.asarray(leg.r1_km, dtype=np.float64),
                                                np.asarray(leg.v1_kms, dtype=np.float64),
                                                dt_s, GM_SUN_KM3S2)
    distance_km = np.linalg.norm(r_target - r_earth, axis=-1)
    return jd, distance_km / C_KMS / 60.0


def _vectors(eph, jd):
    """Earth->Sun and Earth->Mars vectors (km) and their rates (km/s)."""
    r_earth, v_earth = eph.state_jd("earth", jd)
    r_mars, v_mars = eph.state_jd("mars", jd)
    return -r_earth, -v_earth, r_mars - r_earth, v_mars - v_earth


def _elongation(u, w):
    """Angle between u and w, degrees; atan2 keeps it exact near 0 (arccos would not)."""
    cross = np.linalg.norm(np.cross(u, w), axis=-1)
    return np.degrees(np.arctan2(cross, np.sum(u * w, axis=-1)))


def _cos_rate(u, du, w, dw):
    """d/dt of cos(angle between u and w), per second: positive while the angle shrinks."""
    nu, nw = np.linalg.norm(u, axis=-1), np.linalg.norm(w, axis=-1)
    dot = np.sum(u * w, axis=-1)
    cos = dot / (nu * nw)
    return ((np.sum(du * w, axis=-1) + np.sum(u * dw, axis=-1)) / (nu * nw)
            - cos * (np.sum(u * du, axis=-1) / nu**2 + np.sum(w * dw, axis=-1) / nw**2))


def elongation_deg(jd_tdb, *, ephemeris=None):
    """Elongation of Mars (the Sun-Earth-Mars angle at the Earth's centre), degrees.

    ``jd_tdb``: TDB Julian date(s); geometric positions. Returns a float or an
    array of the input's shape.
    """
    from marsplan.ephemeris import default_ephemeris

    eph = ephemeris or default_ephemeris()
    u, _, w, _ = _vectors(eph, np.asarray(jd_tdb, dtype=np.float64))
    out = _elongation(u, w)
    return float(out) if np.ndim(out) == 0 else out


def solar_conjunctions(jd_start, jd_end, threshold_deg=DEFAULT_THRESHOLD_DEG, *,
                       ephemeris=None) -> list[Blackout]:
    """Solar-conjunction blackouts of Mars that overlap ``jd_start``..``jd_end``.

    Parameters
    ----------
    jd_start, jd_end : float or epoch
        TDB Julian dates, or epochs ("2033-04-17", datetime...) read as TDB.
    threshold_deg : float
        Sun-Earth-Mars angle below which the link is out; 2 degrees by default
        (NASA's command moratoria). Must be in (0, 45).
    ephemeris : marsplan.Ephemeris, optional
        DE440 by default.

    Returns
    -------
    list of Blackout
        In time order; each window whole (its start may precede ``jd_start``).

    Raises
    ------
    InputError
        A bad threshold or span. EphemerisRangeError: dates outside the kernel.
    """
    from scipy.optimize import brentq

    from marsplan.ephemeris import default_ephemeris

    if not (isinstance(threshold_deg, numbers.Real) and not isinstance(threshold_deg, bool)
            and 0.0 < threshold_deg < _MAX_THRESHOLD_DEG):
        raise InputError(f"threshold_deg: must be a number in (0, {_MAX_THRESHOLD_DEG:g}), "
                         f"got {threshold_deg!r}")
    start, end = _epoch(jd_start, "jd_start"), _epoch(jd_end, "jd_end")
    if not end >= start:
        raise InputError(f"jd_end: {jd_tdb_to_iso(end, 'days')} precedes jd_start "
                         f"{jd_tdb_to_iso(start, 'days')}")
    eph = ephemeris or default_ephemeris()
    threshold = float(threshold_deg)

    def rate(t):
        return float(_cos_rate(*_vectors(eph, t)))

    def below(t):
        u, _, w, _ = _vectors(eph, t)
        return float(_elongation(u, w)) - threshold

    # Near conjunction the elongation changes by ~0.3 deg/day, so a window is
    # about threshold / 0.3 days each side of its minimum: scan that far beyond
    # the span for minima whose windows reach into it.
    pad_days = 30.0 + 15.0 * threshold
    jd = np.arange(math.floor(start - pad_days), math.ceil(end + pad_days) + 1.0, 1.0)
    rates = _cos_rate(*_vectors(eph, jd))
    out = []
    # A minimum of the elongation: cos(elongation) stops rising.
    for i in np.flatnonzero((rates[:-1] > 0.0) & (rates[1:] <= 0.0)):
        t_min = jd[i + 1] if rates[i + 1] == 0.0 else brentq(rate, jd[i], jd[i + 1],
                                                             xtol=_XTOL_DAYS)
        depth = below(t_min)
        if depth >= 0.0:
            continue
        edges = []
        for direction in (-1.0, 1.0):
            inner, outer = t_min, t_min + direction
            while below(outer) < 0.0:
                inner, outer = outer, outer + direction
            edges.append(brentq(below, min(inner, outer), max(inner, outer), xtol=_XTOL_DAYS))
        if edges[1] >= start and edges[0] <= end:
            out.append(Blackout(start_jd_tdb=float(edges[0]), end_jd_tdb=float(edges[1]),
                                min_elongation_deg=depth + threshold, min_jd_tdb=float(t_min),
                                threshold_deg=threshold))
    return out


def blackouts_during_stay(mission, threshold_deg=DEFAULT_THRESHOLD_DEG, *,
                          ephemeris=None) -> list[Blackout]:
    """Solar-conjunction blackouts that overlap the stay at Mars (arrival to
    departure; for a flyby, those covering the flyby date). Windows are whole:
    one may begin before the arrival or end after the departure."""
    return solar_conjunctions(float(mission.mars_arrival_jd_tdb),
                              float(mission.mars_departure_jd_tdb), threshold_deg,
                              ephemeris=ephemeris)
