"""Galactic cosmic ray dose of a Mars crew, from Curiosity's RAD measurements.

The model, stated once:

* **Rates.** Dose equivalent rates measured by the Radiation Assessment
  Detector (RAD) on the Mars Science Laboratory: 1.84 +- 0.33 mSv/day inside
  the MSL cruise stage (Zeitlin et al. 2013) and 0.64 +- 0.12 mSv/day on the
  surface at Gale crater (Hassler et al. 2014), GCR only (tests/reference,
  ``radiation.csv``). Solar particle events are left out: they are sporadic,
  and a storm shelter, not the mission's dates, sets what they cost.
* **Phases.** Days in interplanetary cruise get the cruise rate; days on the
  surface the surface rate (the atmosphere and the planet are in that
  measurement). Days in Mars orbit get the cruise rate by default, a
  conservative choice for a high parking orbit; with ``orbit_altitude_km``
  they get the cruise rate reduced by the fraction of the sky the planet
  hides at that altitude, (1 - cos a) / 2 with sin a = R / (R + h), for an
  isotropic GCR flux. That reduction is an estimate from geometry alone (no
  albedo neutrons, no measured orbital dose here): 28 % at 400 km, 50 % on the
  ground. A lander's crew spends ``surface_days`` on the ground, the rest of
  the stay in orbit, split evenly before landing and after ascent.
* **Solar cycle.** GCR dose is highest at solar minimum. The phase of the
  cycle comes from the dates of its minima and maxima (SOLAR_CYCLE_EPOCHS):
  an activity index A(t) rises as a half cosine from 0 at a minimum to 1 at
  the next maximum and falls the same way to the next minimum. The dose,
  relative to that at solar maximum, is G(t) = 1 + k (1 - A(t)), and each
  environment's rate is scaled by G(t) / <G> over the dates RAD measured it,
  so the model gives back the measured rate for the measured dates. The one
  free number, k = 0.63, makes the surface dose at the December 2019 minimum
  1.5 times its 2012-2013 value, as Guo et al. (2021) report ("increased by
  about 50 %"). The factor is then 0.83 (cruise) and 0.92 (surface) at solar
  maximum and 1.36 (cruise) and 1.50 (surface) at minimum: within the
  reference's +-30 % of 1.5 at minimum, and above its 0.25 lower bound
  (Guo et al. 2015) at maximum. This is a planning estimate: real cycles are
  not cosines, the GCR flux lags the sunspot number by months, and cycles
  after 25 are predictions.
* **Shielding.** ``shielding_factor`` multiplies every rate: 1.0 is MSL-like
  shielding (mostly < 10 g/cm2), 0.8 a habitat that stops a fifth of the dose.
  A mapping gives one factor per phase (``cruise``, ``mars_orbit``,
  ``surface``).
* **Limit.** NASA's career limit is 600 mSv effective dose for every
  astronaut (NASA-STD-3001 Vol. 1 Rev. B, 2022). RAD's dose equivalent is
  compared with it as it stands, as NASA and the papers above do.

References
----------
C. Zeitlin et al., Science 340(6136):1080-1084 (2013), doi:10.1126/science.1235989.
D. M. Hassler et al., Science 343(6169):1244797 (2014), doi:10.1126/science.1244797.
J. Guo et al., A&A 577:A58 (2015), doi:10.1051/0004-6361/201525680.
J. Guo et al., Astron. Astrophys. Rev. 29:8 (2021), doi:10.1007/s00159-021-00136-5.
NASA-STD-3001, Vol. 1: Crew Health, Rev. B (2022).
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from marsplan.constants import JULIAN_YEAR_DAYS, MEAN_RADIUS_KM
from marsplan.errors import InputError
from marsplan.time import jd_tdb_to_iso, to_jd_tdb

# Dose equivalent rates, mSv/day, GCR only; 1-sigma in the comments.
RAD_CRUISE_MSV_PER_DAY = 1.84  # +-0.33, Zeitlin et al. 2013 (MSL cruise 2011-2012)
RAD_SURFACE_MSV_PER_DAY = 0.64  # +-0.12, Hassler et al. 2014 (Gale, first ~300 sols)
CAREER_LIMIT_MSV = 600.0  # NASA-STD-3001 Vol. 1 Rev. B (2022), all ages and sexes
# Surface GCR dose at the 2019-2020 minimum over its 2012 value: "increased by about
# 50%" (Guo et al. 2021, abstract); the reference's tolerance on it is +-30 %.
SURFACE_MINIMUM_TO_2012_RATIO = 1.5
MARS_SOL_DAYS = 88_775.244 / 86_400.0  # mean solar day of Mars (Allison & McEwen 2000)

# When RAD measured each rate (reference/radiation.csv, "period"): the MSL cruise,
# launch 2011-11-26 to landing 2012-08-06 ("RAD measured for most of the cruise"),
# and the first 300 sols on the surface from 2012-08-07.
_CRUISE_MEASURED = ("2011-11-26", "2012-08-06")
_SURFACE_MEASURED_START = "2012-08-07"
_SURFACE_MEASURED_SOLS = 300.0

#: Solar cycle minima and maxima (13-month smoothed sunspot number, ISN v2),
#: as (cycle, minimum, maximum): the minimum that opens the cycle and its
#: maximum, dated to the middle of the month.
#: 23, 24: WDC-SILSO (Royal Observatory of Belgium) cycle table. 25: minimum
#: December 2019 (SILSO, 21 Aug 2020; NASA/NOAA Solar Cycle Prediction Panel,
#: 15 Sep 2020); maximum October 2024, when NASA, NOAA and the panel announced
#: (15 Oct 2024) that the Sun had reached its maximum period (provisional: the
#: smoothed peak was still being settled). 26: predicted by Wu & Qin (2021,
#: arXiv:2102.06001, TMLP-E model): cycle 25 lasts 11.06 yr, cycle 26 rises in
#: 4.80 yr and lasts 10.97 yr. Later cycles repeat cycle 26's 4.80/10.97 yr;
#: earlier ones repeat an 11.0-yr cycle with a 4.8-yr rise (both rough).
SOLAR_CYCLE_EPOCHS = (
    (23, "1996-08-15", "2001-11-15"),
    (24, "2008-12-15", "2014-04-15"),
    (25, "2019-12-15", "2024-10-15"),
)
_CYCLE_26_MINIMUM_AFTER_25_YEARS = 11.06  # Wu & Qin 2021
_RISE_YEARS = 4.80  # Wu & Qin 2021, cycle 26
_LENGTH_YEARS = 10.97  # Wu & Qin 2021, cycle 26
_PAST_LENGTH_YEARS, _PAST_RISE_YEARS = 11.0, 4.8
# The tabulated and extrapolated cycles cover 1900-2200; outside, the model refuses.
_MODEL_SPAN = ("1900-01-01", "2200-01-01")

PHASES = ("cruise", "mars_orbit", "surface")
_SEGMENT_NAMES = {
    "out": "outbound cruise",
    "orbit_in": "Mars orbit after arrival",
    "surface": "surface stay",
    "orbit_out": "Mars orbit before departure",
    "back": "return cruise",
}


@functools.cache
def _cycle_epochs() -> tuple[np.ndarray, np.ndarray]:
    """Alternating minimum/maximum epochs, TDB JD, with 1 at maxima and 0 at minima."""
    year = JULIAN_YEAR_DAYS
    epochs = []
    for _, minimum, maximum in SOLAR_CYCLE_EPOCHS:
        epochs += [(to_jd_tdb(minimum), 0.0), (to_jd_tdb(maximum), 1.0)]
    lo, hi = (to_jd_tdb(d) for d in _MODEL_SPAN)
    first_min = epochs[0][0]
    while first_min > lo - 20 * year:
        first_min -= _PAST_LENGTH_YEARS * year
        epochs = [(first_min, 0.0), (first_min + _PAST_RISE_YEARS * year, 1.0)] + epochs
    minimum = to_jd_tdb(SOLAR_CYCLE_EPOCHS[-1][1]) + _CYCLE_26_MINIMUM_AFTER_25_YEARS * year
    while minimum < hi + 20 * year:
        epochs += [(minimum, 0.0), (minimum + _RISE_YEARS * year, 1.0)]
        minimum += _LENGTH_YEARS * year
    jd, level = np.array(epochs).T
    return jd, level


def _check_span(jd: np.ndarray) -> None:
    lo, hi = (to_jd_tdb(d) for d in _MODEL_SPAN)
    bad = ~((jd >= lo) & (jd <= hi))
    if bad.any():
        first = jd[np.argmax(bad)]
        when = jd_tdb_to_iso(first, "days") if np.isfinite(first) else str(first)
        raise InputError(f"date: {when} is outside the solar cycle model, which covers "
                         f"{_MODEL_SPAN[0]} to {_MODEL_SPAN[1]}")


def solar_activity(jd_tdb):
    """Solar activity index, 0 at a solar minimum and 1 at a maximum.

    A half cosine between consecutive minima and maxima of SOLAR_CYCLE_EPOCHS,
    so the cycle's own rise and fall times are kept. ``jd_tdb``: TDB Julian
    date(s); returns a float or an array of the same shape.

    Raises
    ------
    InputError
        A date outside 1900-2200.
    """
    jd = np.asarray(jd_tdb, dtype=np.float64)
    _check_span(jd.reshape(-1))
    epochs, level = _cycle_epochs()
    i = np.clip(np.searchsorted(epochs, jd, side="right") - 1, 0, len(epochs) - 2)
    p = (jd - epochs[i]) / (epochs[i + 1] - epochs[i])
    rising = level[i] == 0.0
    out = np.where(rising, 0.5 * (1.0 - np.cos(np.pi * p)), 0.5 * (1.0 + np.cos(np.pi * p)))
    return float(out) if out.ndim == 0 else out


def _mean_activity(jd_start: float, jd_end: float) -> float:
    jd = np.linspace(jd_start, jd_end, int(jd_end - jd_start) + 2)
    return float(np.trapezoid(solar_activity(jd), jd) / (jd_end - jd_start))


@functools.cache
def _model() -> tuple[float, float, float]:
    """(k, <G> over the cruise measurement, <G> over the surface measurement)."""
    cruise = tuple(to_jd_tdb(d) for d in _CRUISE_MEASURED)
    start = to_jd_tdb(_SURFACE_MEASURED_START)
    surface = (start, start + _SURFACE_MEASURED_SOLS * MARS_SOL_DAYS)
    quiet_surface = 1.0 - _mean_activity(*surface)
    # (1 + k) / (1 + k * quiet_surface) = ratio, G at the minimum being 1 + k.
    ratio = SURFACE_MINIMUM_TO_2012_RATIO
    k = (ratio - 1.0) / (1.0 - ratio * quiet_surface)
    return (k, 1.0 + k * (1.0 - _mean_activity(*cruise)), 1.0 + k * quiet_surface)


def solar_factor(jd_tdb, phase: str = "cruise"):
    """GCR dose at ``jd_tdb`` over the dose RAD measured for ``phase``.

    1 on average over the dates RAD measured that rate; 1.5 on the surface at
    the December 2019 minimum (Guo et al. 2021); see the module docstring.
    ``phase``: "cruise", "mars_orbit" (scaled as cruise) or "surface".

    Raises
    ------
    InputError
        An unknown phase, or a date outside 1900-2200.
    """
    if phase not in PHASES:
        raise InputError(f"phase: {phase!r} is not one of {', '.join(PHASES)}")
    k, cruise_mean, surface_mean = _model()
    g = 1.0 + k * (1.0 - np.asarray(solar_activity(jd_tdb)))
    out = g / (surface_mean if phase == "surface" else cruise_mean)
    return float(out) if out.ndim == 0 else out


def sky_fraction_hidden_by_mars(altitude_km: float) -> float:
    """Fraction of the sky Mars hides from a point ``altitude_km`` above its mean
    radius: (1 - cos a) / 2, sin a = R / (R + h). 0.5 on the ground."""
    radius_km = MEAN_RADIUS_KM["mars"]  # IAU WGCCRE 2015
    sin_a = radius_km / (radius_km + altitude_km)
    return 0.5 * (1.0 - math.sqrt(1.0 - sin_a * sin_a))


@dataclass(frozen=True, slots=True)
class PhaseDose:
    """The dose of one stretch of the mission in one environment.

    ``dose_msv = days * rate_msv_per_day * solar_factor * shielding_factor``;
    ``solar_factor`` is the mean over the stretch; dates are TDB Julian dates.
    """

    phase: str
    segment: str
    start_jd_tdb: float
    end_jd_tdb: float
    days: float
    rate_msv_per_day: float
    solar_factor: float
    shielding_factor: float
    dose_msv: float

    def row(self) -> dict:
        return {"phase": self.phase, "segment": self.segment,
                "start": jd_tdb_to_iso(self.start_jd_tdb), "end": jd_tdb_to_iso(self.end_jd_tdb),
                "days": self.days, "rate_msv_per_day": self.rate_msv_per_day,
                "solar_factor": self.solar_factor, "shielding_factor": self.shielding_factor,
                "dose_msv": self.dose_msv}


@dataclass(frozen=True, slots=True)
class MemberDose:
    """One crew member's mission dose, career dose (prior + mission) and its share
    of the career limit."""

    member: str
    partner: str | None
    mission_dose_msv: float
    prior_dose_msv: float
    career_dose_msv: float
    career_limit_msv: float
    fraction_of_limit: float
    limit_source: str = ""

    @property
    def dose_msv(self) -> float:
        """The dose compared with the limit: the career dose, prior flights included."""
        return self.career_dose_msv

    @property
    def limit_msv(self) -> float:
        return self.career_limit_msv

    @property
    def within_limit(self) -> bool:
        return self.career_dose_msv <= self.career_limit_msv

    @property
    def remaining_msv(self) -> float:
        return self.career_limit_msv - self.career_dose_msv

    def row(self) -> dict:
        return {"member": self.member, "partner": self.partner,
                "mission_dose_msv": self.mission_dose_msv, "prior_dose_msv": self.prior_dose_msv,
                "career_dose_msv": self.career_dose_msv,
                "career_limit_msv": self.career_limit_msv,
                "fraction_of_limit": self.fraction_of_limit, "remaining_msv": self.remaining_msv,
                "within_limit": self.within_limit, "limit_source": self.limit_source}


@dataclass(frozen=True)
class DoseReport:
    """A mission's GCR dose: per stretch, in all, per crew member, and day by day.

    ``phases`` run in time order (zero-length stretches left out);
    ``total_msv`` is their sum, the dose of every crew member on this
    mission; ``fraction_of_limit`` is ``total_msv / career_limit_msv``.
    ``series_jd_tdb`` (daily from departure, and the return date) and
    ``series_dose_msv`` (same shape) give the cumulative dose for a chart.
    """

    mission_class: str
    earth_departure_jd_tdb: float
    earth_arrival_jd_tdb: float
    phases: tuple[PhaseDose, ...]
    members: tuple[MemberDose, ...]
    total_msv: float
    career_limit_msv: float
    fraction_of_limit: float
    orbit_altitude_km: float | None
    series_jd_tdb: np.ndarray
    series_dose_msv: np.ndarray

    def days_in(self, phase: str) -> float:
        """Days spent in ``phase`` ("cruise", "mars_orbit" or "surface")."""
        return sum((p.days for p in self.phases if p.phase == phase), 0.0)

    def dose_in(self, phase: str) -> float:
        """Dose, mSv, received in ``phase``."""
        return sum((p.dose_msv for p in self.phases if p.phase == phase), 0.0)

    def rows(self) -> list[dict]:
        """One flat row per stretch (keys of :meth:`PhaseDose.row`)."""
        return [p.row() for p in self.phases]

    def member_rows(self) -> list[dict]:
        """One flat row per crew member (keys of :meth:`MemberDose.row`)."""
        return [m.row() for m in self.members]

    def row(self) -> dict:
        """The summary: days and dose per phase, total, limit and the worst member."""
        worst = max(self.members, key=lambda m: m.fraction_of_limit, default=None)
        out = {"class": self.mission_class,
               "earth_departure": jd_tdb_to_iso(self.earth_departure_jd_tdb),
               "earth_arrival": jd_tdb_to_iso(self.earth_arrival_jd_tdb)}
        for phase in PHASES:
            out[f"{phase}_days"] = self.days_in(phase)
            out[f"{phase}_dose_msv"] = self.dose_in(phase)
        out.update({"total_msv": self.total_msv, "career_limit_msv": self.career_limit_msv,
                    "fraction_of_limit": self.fraction_of_limit,
                    "crew": sum(1 for m in self.members if m.partner is not None) or None,
                    "max_career_fraction_of_limit": (None if worst is None
                                                     else worst.fraction_of_limit),
                    "all_within_limit": all(m.within_limit for m in self.members)})
        return out


def _positive(name: str, value, *, zero_ok: bool = False) -> float:
    if not (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value) and (value >= 0 if zero_ok else value > 0)):
        allowed = "a finite number >= 0" if zero_ok else "a finite number > 0"
        raise InputError(f"{name}: must be {allowed}, got {value!r}")
    return float(value)


def _shielding(shielding_factor) -> dict[str, float]:
    if isinstance(shielding_factor, Mapping):
        unknown = sorted(set(shielding_factor) - set(PHASES))
        if unknown:
            raise InputError(f"shielding_factor: unknown phase {unknown[0]!r}; phases are "
                             f"{', '.join(PHASES)}")
        return {p: _positive(f"shielding_factor[{p!r}]", shielding_factor.get(p, 1.0))
                for p in PHASES}
    value = _positive("shielding_factor", shielding_factor)
    return dict.fromkeys(PHASES, value)


def _crew(crew, prior_dose_msv) -> list[tuple[str, str | None, float]]:
    """(member name, partner, prior dose) for each crew member."""
    if crew is None:
        if isinstance(prior_dose_msv, Mapping):
            raise InputError("prior_dose_msv: a per-partner mapping needs crew "
                             "(a mapping partner -> number of crew members)")
        prior = 0.0 if prior_dose_msv is None else _positive("prior_dose_msv", prior_dose_msv,
                                                             zero_ok=True)
        return [("each crew member", None, prior)]
    if not isinstance(crew, Mapping) or not crew:
        raise InputError(f"crew: must be a non-empty mapping partner -> number of crew "
                         f"members, got {crew!r}")
    for partner, count in crew.items():
        if not (isinstance(partner, str) and partner.strip()):
            raise InputError(f"crew: partner names must be non-empty text, got {partner!r}")
        if not (isinstance(count, numbers.Integral) and not isinstance(count, bool)
                and count >= 0):
            raise InputError(f"crew[{partner!r}]: must be a whole number >= 0, got {count!r}")
    if isinstance(prior_dose_msv, Mapping):
        unknown = sorted(set(prior_dose_msv) - set(crew))
        if unknown:
            raise InputError(f"prior_dose_msv: partner {unknown[0]!r} is not in crew "
                             f"({', '.join(crew)})")
        prior = {p: _positive(f"prior_dose_msv[{p!r}]", prior_dose_msv.get(p, 0.0), zero_ok=True)
                 for p in crew}
    else:
        value = 0.0 if prior_dose_msv is None else _positive("prior_dose_msv", prior_dose_msv,
                                                             zero_ok=True)
        prior = dict.fromkeys(crew, value)
    return [(f"{partner} {n + 1}", partner, prior[partner])
            for partner, count in crew.items() for n in range(count)]


def _limits(career_limit_msv, limit_source, members) -> dict:
    """Partner (or None) -> (career limit, its source) for every member."""
    partners = list(dict.fromkeys(partner for _, partner, _ in members))
    default_source = ("NASA-STD-3001 Vol. 1 Rev. B (2022)"
                      if isinstance(career_limit_msv, numbers.Real)
                      and career_limit_msv == CAREER_LIMIT_MSV else "")
    out = {}
    for partner in partners:
        if isinstance(career_limit_msv, Mapping):
            if partner not in career_limit_msv:
                raise InputError(f"career_limit_msv: no limit for partner {partner!r}; give one "
                                 "per partner of crew")
            value = _positive(f"career_limit_msv[{partner!r}]", career_limit_msv[partner])
        else:
            value = _positive("career_limit_msv", career_limit_msv)
        source = (limit_source.get(partner, "") if isinstance(limit_source, Mapping)
                  else (limit_source or default_source))
        out[partner] = (value, str(source))
    return out


def _epoch(value, field: str) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return to_jd_tdb(value, field)


def mission_dose(mission, *, crew=None, shielding_factor=1.0, surface_days=None,
                 career_limit_msv=CAREER_LIMIT_MSV, prior_dose_msv=None,
                 orbit_altitude_km=None, limit_source=None) -> DoseReport:
    """GCR dose equivalent of a round trip to Mars, per stretch and per crew member.

    Parameters
    ----------
    mission : marsplan.transfer.mission.Mission
        Its four dates (TDB JD) set the stretches: cruise out, the stay at Mars
        (in orbit and on the surface), cruise back.
    crew : mapping of str to int, optional
        Partner -> number of crew members it flies, e.g. ``{"NASA": 2,
        "Roscosmos": 2}``; members are named "NASA 1", "NASA 2", ... Every
        member gets the same mission dose. Without it, one row stands for
        each crew member.
    shielding_factor : float or mapping of str to float
        Multiplies the RAD rates (1.0: MSL-like shielding); or one factor per
        phase, "cruise", "mars_orbit", "surface" (a missing phase gets 1.0).
    surface_days : float, optional
        Days on the surface, 0 to the stay; the rest of the stay is in orbit,
        half before landing and half after ascent. Defaults to the whole stay
        (a crew that lands); 0 for an orbit-only mission.
    career_limit_msv : float or mapping of str to float
        600 mSv, NASA-STD-3001 Vol. 1 Rev. B (2022); or one limit per partner
        of ``crew`` (each crew member is held to its partner's).
    limit_source : str or mapping of str to str, optional
        Where each limit comes from, kept on the member rows.
    prior_dose_msv : float or mapping of str to float, optional
        Dose each member carries from earlier flights, mSv: one value for all,
        or per partner (a missing partner gets 0).
    orbit_altitude_km : float, optional
        Altitude of the Mars parking orbit: the cruise rate is reduced there by
        the share of the sky Mars hides (an estimate, see the module
        docstring). By default no reduction (a high orbit; conservative).

    Returns
    -------
    DoseReport

    Raises
    ------
    InputError
        A shielding factor or limit that is not > 0, surface days outside 0 to
        the stay, a malformed crew or prior dose, dates out of order or
        outside 1900-2200.

    Examples
    --------
    >>> from marsplan.transfer.missions import assemble_mission
    >>> m = assemble_mission("2033-04-17", "2033-11-03", "2035-05-08", "2035-11-22")
    >>> r = mission_dose(m, crew={"NASA": 2, "Roscosmos": 2})
    >>> round(r.total_msv), len(r.members)
    (1056, 4)
    """
    t0 = _epoch(mission.earth_departure_jd_tdb, "earth_departure")
    t1 = _epoch(mission.mars_arrival_jd_tdb, "mars_arrival")
    t2 = _epoch(mission.mars_departure_jd_tdb, "mars_departure")
    t3 = _epoch(mission.earth_arrival_jd_tdb, "earth_arrival")
    if not (t0 < t1 <= t2 < t3):
        raise InputError("mission: its dates must run Earth departure < Mars arrival <= Mars "
                         "departure < Earth arrival")
    stay_days = t2 - t1
    if surface_days is None:
        surface_days = stay_days
    surface_days = _positive("surface_days", surface_days, zero_ok=True)
    if surface_days > stay_days * (1 + 1e-12):
        raise InputError(f"surface_days: {surface_days:g} is longer than the stay at Mars, "
                         f"{stay_days:g} days")
    surface_days = min(surface_days, stay_days)
    shielding = _shielding(shielding_factor)
    members = _crew(crew, prior_dose_msv)
    limits = _limits(career_limit_msv, limit_source, members)
    limit = min(lim for lim, _ in limits.values())
    orbit_rate = RAD_CRUISE_MSV_PER_DAY
    if orbit_altitude_km is not None:
        altitude = _positive("orbit_altitude_km", orbit_altitude_km)
        orbit_rate *= 1.0 - sky_fraction_hidden_by_mars(altitude)
    rates = {"cruise": RAD_CRUISE_MSV_PER_DAY, "mars_orbit": orbit_rate,
             "surface": RAD_SURFACE_MSV_PER_DAY}

    half_orbit = 0.5 * (stay_days - surface_days)
    landing, ascent = t1 + half_orbit, t2 - half_orbit
    stretches = [("cruise", "out", t0, t1), ("mars_orbit", "orbit_in", t1, landing),
                 ("surface", "surface", landing, ascent), ("mars_orbit", "orbit_out", ascent, t2),
                 ("cruise", "back", t2, t3)]

    phases, grids, cums = [], [], []
    dose_so_far = 0.0
    for phase, key, start, end in stretches:
        days = end - start
        if not days > 0:
            continue
        # The solar factor changes over years: half-day trapezoids integrate it to ~1e-9.
        jd = np.linspace(start, end, math.ceil(2 * days) + 1)
        rate = rates[phase] * shielding[phase] * solar_factor(jd, phase)
        steps = 0.5 * (rate[1:] + rate[:-1]) * np.diff(jd)
        cum = dose_so_far + np.concatenate([[0.0], np.cumsum(steps)])
        dose = float(cum[-1] - dose_so_far)
        phases.append(PhaseDose(
            phase=phase, segment=_SEGMENT_NAMES[key], start_jd_tdb=start, end_jd_tdb=end,
            days=days, rate_msv_per_day=rates[phase],
            solar_factor=dose / (days * rates[phase] * shielding[phase]),
            shielding_factor=shielding[phase], dose_msv=dose))
        grids.append(jd)
        cums.append(cum)
        dose_so_far = float(cum[-1])

    total = dose_so_far
    series_jd = np.append(np.arange(t0, t3, 1.0), t3)
    series = np.interp(series_jd, np.concatenate(grids), np.concatenate(cums))
    member_doses = tuple(
        MemberDose(member=name, partner=partner, mission_dose_msv=total, prior_dose_msv=prior,
                   career_dose_msv=prior + total, career_limit_msv=limits[partner][0],
                   fraction_of_limit=(prior + total) / limits[partner][0],
                   limit_source=limits[partner][1])
        for name, partner, prior in members)
    return DoseReport(
        mission_class=getattr(mission, "mission_class", "conjunction"),
        earth_departure_jd_tdb=t0, earth_arrival_jd_tdb=t3, phases=tuple(phases),
        members=member_doses, total_msv=total, career_limit_msv=limit,
        fraction_of_limit=total / limit,
        orbit_altitude_km=None if orbit_altitude_km is None else float(orbit_altitude_km),
        series_jd_tdb=series_jd, series_dose_msv=series)
