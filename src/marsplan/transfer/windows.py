"""Launch windows: every opportunity between two years, its optima and launch periods.

The search, for any pair of bodies and either direction:

1. A coarse porkchop over the years plus a synodic period on each side (launch
   every few days, time of flight 0.3-1.9 x the pair's Hohmann time), solved by
   :func:`~marsplan.transfer.leg.solve_grid` in one kernel call.
2. The per-launch best C3 over both types is segmented into opportunities:
   its local minima that are the lowest within half a synodic period on either
   side, split at the highest C3 between neighbours. An opportunity is labelled
   with the calendar year (TDB) of its refined minimum-C3 launch over both types,
   as DESIGN.md asks; it is kept if that year lies in [first_year, last_year].
3. Each optimum (type I and II x min C3, min arrival v-infinity, min total
   delta-v) is refined by Nelder-Mead on (launch JD, arrival JD), starting from
   the best coarse cell of its type. The simplices of every opportunity, type
   and objective advance together, so each step is one batched kernel call
   rather than hundreds of 1x1 calls (~0.4 ms each). A point of the other type
   scores +inf: a Type I optimum pressed against the 180 deg ridge (2026) stays
   Type I and reports the best Type I point.
4. With ``c3_max``: the best C3 of each launch date (per type, by golden-section
   search over the arrival date) is found on the coarse launch dates; the first
   and last launch date at the limit are then narrowed by false position
   (Illinois) until their best C3 is the limit to 1e-5 km^2/s^2. Legs within
   0.01 deg of a 180 deg transfer angle are left out of every search (see
   ``_RIDGE_BAND_DEG``).

Dates are TDB Julian dates inside; rows carry ISO dates (DESIGN.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from marsplan.constants import GM_SUN_KM3S2
from marsplan.ephemeris import Ephemeris, default_ephemeris
from marsplan.errors import InputError, NoSolutionError
from marsplan.time import jd_tdb_to_datetime64, jd_tdb_to_iso, to_jd_tdb
from marsplan.transfer.frames import check_angles
from marsplan.transfer.leg import Transfer, make_transfer, solve_grid
from marsplan.transfer.maneuvers import (
    DEFAULT_DEPARTURE_ORBIT,
    Orbit,
    capture_dv_kms,
    default_capture_orbit,
    departure_dv_kms,
)

TYPES = ("I", "II")
OBJECTIVES = ("min_c3", "min_vinf_arrival", "min_total_dv")
#: Key of the launch period over both types in :attr:`Window.launch_periods`.
ANY_TYPE = "any"
#: The keys of ``marsplan windows`` (DESIGN.md), in order.
ROW_KEYS = ("opportunity", "type", "objective", "launch", "arrival", "tof_days", "c3_km2s2",
            "dla_deg", "rla_deg", "vinf_arrival_kms", "dv_total_kms")
#: Keys :func:`windows_rows` adds when a C3 limit was given (see its docstring).
PERIOD_KEYS = ("c3_max_km2s2", "period_first_launch", "period_last_launch", "period_days",
               "period_first_launch_any_type", "period_last_launch_any_type",
               "period_days_any_type")
#: Keys of :func:`daily_rows`.
DAILY_KEYS = ("opportunity", "type", "launch", "arrival", "tof_days", "c3_km2s2", "dla_deg",
              "rla_deg", "vinf_arrival_kms", "dv_total_kms", "within_limit")

_TYPE_CODE = {"I": 1, "II": 2}
# Legs within 0.01 deg of a 180 deg transfer angle are left out of every
# search. There the transfer plane is set by the target's tiny offset from the
# origin's orbital plane, so C3 and v-infinity jump with a one-second change of
# date: an "optimum" inside the band (2026 Type I) cannot be reproduced from its
# printed dates. 0.01 deg is ~15 min of launch date; it costs the ridge-bound
# 2026 Type I minimum C3 0.002 km^2/s^2 (10.4745 at 0.001 deg, 10.4764 at
# 0.01 deg, EMB) and makes its legs reproducible from ISO dates to 2e-4.
_RIDGE_BAND_DEG = 0.01
_SIN_RIDGE_BAND = math.sin(math.radians(_RIDGE_BAND_DEG))
# Seeds: the best few coarse cells of each problem are re-evaluated (ridge band
# included) and the best finite one starts the simplex.
_SEEDS = 6
# Time-of-flight range of the coarse grid, in Hohmann times of the pair: wide
# enough for every Earth-Mars optimum in the handbook (0.69-1.53 x) with room
# for the flat arrival-v-infinity valleys, and for the same pair reversed.
_TOF_HOHMANN = (0.3, 1.9)
# Coarse grid resolution: ~100 times of flight, ~150 launches per synodic period.
_TOF_COLUMNS = 100
_LAUNCHES_PER_SYNODIC = 150
# Nelder-Mead stops when the simplex spans under 0.01 day (14 min) and its
# values under 1e-7 (km^2/s^2 or km/s): C3 at a smooth minimum then sits far
# below the 1e-4 km^2/s^2 asked for. Restarts (a fresh simplex of 0.5 day at the
# best point) guard against a collapsed simplex; they stop when no better point
# than 1e-6 turns up.
_XATOL_DAYS = 0.01
_FATOL = 1e-7
_RESTART_STEP_DAYS = 0.5
_MAX_RESTARTS = 4
_MAX_ITER = 500
# Golden-section search over the arrival date for one launch date stops at
# 1e-3 day. A launch period's end stops when its C3 is within 1e-5 km^2/s^2 of
# the limit, or its bracket is under 1e-3 day (1.4 min).
_GOLDEN_TOL_DAYS = 1e-3
_PERIOD_TOL_DAYS = 1e-3
_PERIOD_TOL_KM2S2 = 1e-5
_GOLDEN = (math.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True)
class LaunchPeriod:
    """Launch dates whose best arrival keeps C3 at or under ``c3_max_km2s2``.

    The first and last launch date of the opportunity on which the best C3 over
    all arrival dates (of ``type``, or of either type for ``type == "any"``)
    is at or under the limit. ``first`` and ``last`` are the best legs on those
    dates: their C3 is the limit (to 1e-5 km^2/s^2, or the date to 1e-3 day),
    unless ``open_start``/``open_end`` says the limit was not reached before
    the edge of the opportunity's searched launch dates. ``contiguous`` is
    False when the best C3 rises above the limit somewhere between the two
    (seen on the coarse launch dates, a few days apart): then some dates
    inside the period need more than the limit.
    """

    type: str
    c3_max_km2s2: float
    first: Transfer
    last: Transfer
    open_start: bool = False
    open_end: bool = False
    contiguous: bool = True

    @property
    def first_launch_jd_tdb(self) -> float:
        return float(self.first.launch_jd_tdb)

    @property
    def last_launch_jd_tdb(self) -> float:
        return float(self.last.launch_jd_tdb)

    @property
    def days(self) -> float:
        """Length of the launch period, days."""
        return self.last_launch_jd_tdb - self.first_launch_jd_tdb


@dataclass(frozen=True)
class Window:
    """One launch opportunity of ``origin`` to ``target``.

    ``opportunity`` is the calendar year (TDB) of its minimum-C3 launch over both
    types. ``optima[type][objective]`` is the refined optimum :class:`Transfer`
    for type "I" or "II" and objective "min_c3", "min_vinf_arrival" or
    "min_total_dv". ``search_jd_tdb`` is the span of launch dates searched for
    this opportunity (TDB JD). With a C3 limit, ``launch_periods`` maps "I",
    "II" and "any" (either type) to a :class:`LaunchPeriod`, or None where the
    limit is below that type's minimum; with ``daily``, ``daily[type]`` is a
    :class:`Transfer` of arrays, the best leg of that type for each whole day
    (0h TDB) of the "any" launch period.
    """

    opportunity: int
    origin: str
    target: str
    angles: str
    optima: dict
    search_jd_tdb: tuple
    c3_max_km2s2: float | None = None
    launch_periods: dict | None = None
    daily: dict | None = None

    def optimum(self, objective: str = "min_c3", type: str | None = None) -> Transfer:
        """The refined optimum for ``objective``, of ``type`` or the better of both."""
        if not isinstance(objective, str) or objective not in OBJECTIVES:
            raise InputError(f"objective: {objective!r} is not one of {', '.join(OBJECTIVES)}")
        if type is not None and (not isinstance(type, str) or type not in TYPES):
            raise InputError(f"type: {type!r} is not one of I, II")
        options = [self.optima[t][objective] for t in (TYPES if type is None else (type,))
                   if t in self.optima]
        if not options:
            raise NoSolutionError(f"type: no Type {type} transfer in the {self.opportunity} "
                                  "opportunity")
        return min(options, key=lambda leg: float(_objective_of(leg, objective)))

    def launch_period(self, type: str | None = None) -> LaunchPeriod | None:
        """The launch period of ``type`` ("I", "II"; None for either type)."""
        if self.launch_periods is None:
            raise InputError("c3_max: this search was run without a C3 limit, so it has no "
                             "launch period; pass c3_max")
        if type is not None and (not isinstance(type, str) or type not in TYPES):
            raise InputError(f"type: {type!r} is not one of I, II")
        return self.launch_periods[ANY_TYPE if type is None else type]


def _objective_of(leg: Transfer, objective: str):
    return {"min_c3": leg.c3_km2s2, "min_vinf_arrival": leg.vinf_arrival_kms,
            "min_total_dv": leg.dv_total_kms}[objective]


# --------------------------------------------------------------------------- search


class _Legs:
    """Batched evaluation of ballistic legs between two bodies (one kernel call per batch)."""

    def __init__(self, origin, target, angles, departure_orbit, capture_orbit, eph):
        self.origin, self.target, self.angles = origin, target, angles
        self.departure_orbit, self.capture_orbit, self.eph = departure_orbit, capture_orbit, eph

    def grid(self, jd_launch, jd_arrival):
        """Raw surfaces of the legs jd_launch[k] -> jd_arrival[k], shape (K, 1)."""
        return solve_grid(self.origin, self.target, jd_launch, jd_arrival, shift=1, n_cols=1,
                          ephemeris=self.eph, angles=self.angles)

    def dv_total_kms(self, c3_km2s2, vinf_arrival_kms):
        return (departure_dv_kms(np.sqrt(c3_km2s2), self.origin, self.departure_orbit)
                + capture_dv_kms(vinf_arrival_kms, self.target, self.capture_orbit))

    def values(self, jd_launch, jd_arrival, objective, type_code, ok):
        """Objective per leg; +inf where ``ok`` is False, the leg failed or its type differs.

        objective: (K,) indices into OBJECTIVES; type_code: (K,) 1 or 2.
        """
        out = np.full(jd_launch.shape, np.inf)
        ok = ok & np.isfinite(jd_launch) & np.isfinite(jd_arrival)
        if not ok.any():
            return out
        if _RIDGE_BAND_DEG > 0.0:
            ok[ok] = ~self.near_ridge(jd_launch[ok], jd_arrival[ok])
            if not ok.any():
                return out
        g = self.grid(jd_launch[ok], jd_arrival[ok])
        c3, vinf = g["c3_km2s2"][:, 0], g["vinf_arrival_kms"][:, 0]
        obj = objective[ok]
        value = np.where(obj == 0, c3, np.where(obj == 1, vinf, np.nan))
        if (obj == 2).any():
            value = np.where(obj == 2, self.dv_total_kms(c3, vinf), value)
        good = (g["type"][:, 0] == type_code[ok]) & np.isfinite(value)
        out[ok] = np.where(good, value, np.inf)
        return out

    def near_ridge(self, jd_launch, jd_arrival):
        """True where the heliocentric transfer angle is within _RIDGE_BAND_DEG of 180 deg."""
        r1, _ = self.eph.state_jd(self.origin, jd_launch)
        r2, _ = self.eph.state_jd(self.target, jd_arrival)
        sin_gap = (np.linalg.norm(np.cross(r1, r2), axis=-1)
                   / (np.linalg.norm(r1, axis=-1) * np.linalg.norm(r2, axis=-1)))
        return (np.sum(r1 * r2, axis=-1) < 0.0) & (sin_gap < _SIN_RIDGE_BAND)

    def transfer_list(self, jd_launch, jd_arrival, sizes=None):
        """Legs jd_launch[k] -> jd_arrival[k] from one kernel call: a scalar
        :class:`Transfer` each, or (``sizes``) one array Transfer per consecutive group."""
        jd_launch = np.asarray(jd_launch, dtype=np.float64).ravel()
        jd_arrival = np.asarray(jd_arrival, dtype=np.float64).ravel()
        if jd_launch.size == 0:
            return []
        g = self.grid(jd_launch, jd_arrival)
        bounds = np.cumsum([0, *(sizes or [1] * jd_launch.size)])
        out = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            shape = () if sizes is None else (b - a,)
            part = {k: v[a:b] for k, v in g.items()}
            out.append(make_transfer(self.origin, self.target, self.angles, jd_launch[a:b],
                                     jd_arrival[a:b], part, self.departure_orbit,
                                     self.capture_orbit, shape))
        return out


def _nelder_mead(func, x0, step, xatol=_XATOL_DAYS, fatol=_FATOL, max_iter=_MAX_ITER):
    """Minimise P two-variable problems together by Nelder-Mead; return (x (P, 2), f (P,)).

    func(points (M, 2), problem (M,)) -> values (M,), +inf outside the feasible
    set. Standard coefficients (reflect 1, expand 2, contract 1/2, shrink 1/2;
    Lagarias et al., SIAM J. Optim. 9:112, 1998). Each iteration evaluates the
    reflected, expanded and both contracted points of every active simplex in
    one call (most are wasted, but one kernel call for all is far cheaper than
    several), and the shrunk vertices in a second call when any simplex shrinks.
    A simplex stops when it spans under ``xatol`` and its values differ by under
    ``fatol`` (or it spans under xatol/1000, for an optimum on a +inf border).
    """
    n_prob = x0.shape[0]
    sim = np.repeat(x0[:, None, :], 3, axis=1).astype(np.float64)
    sim[:, 1, 0] += step[:, 0]
    sim[:, 2, 1] += step[:, 1]
    fs = func(sim.reshape(-1, 2), np.repeat(np.arange(n_prob), 3)).reshape(n_prob, 3)
    for _ in range(max_iter):
        order = np.argsort(fs, axis=1, kind="stable")
        sim = np.take_along_axis(sim, order[:, :, None], axis=1)
        fs = np.take_along_axis(fs, order, axis=1)
        size = np.max(np.abs(sim[:, 1:] - sim[:, :1]), axis=(1, 2))
        with np.errstate(invalid="ignore"):
            spread = fs[:, 2] - fs[:, 0]
            done = (size <= xatol) & ((spread <= fatol) | (size <= xatol * 1e-3))
        active = np.flatnonzero(~done)
        if active.size == 0:
            break
        s, f = sim[active], fs[active]
        centroid = 0.5 * (s[:, 0] + s[:, 1])
        d = centroid - s[:, 2]
        trial = np.stack([centroid + d, centroid + 2.0 * d, centroid + 0.5 * d,
                          centroid - 0.5 * d], axis=1)
        ft = func(trial.reshape(-1, 2), np.repeat(active, 4)).reshape(-1, 4)
        fr, fe, foc, fic = ft.T
        pick = np.full(active.size, -1)  # index into trial, -1 = shrink
        better = fr < f[:, 0]
        pick[better] = np.where(fe[better] < fr[better], 1, 0)
        middle = ~better & (fr < f[:, 1])
        pick[middle] = 0
        outside = ~better & ~middle & (fr < f[:, 2])
        pick[outside & (foc <= fr)] = 2
        inside = ~better & ~middle & ~outside
        pick[inside & (fic < f[:, 2])] = 3
        moved = pick >= 0
        rows = np.flatnonzero(moved)
        s[rows, 2] = trial[rows, pick[rows]]
        f[rows, 2] = ft[rows, pick[rows]]
        shrink = np.flatnonzero(~moved)
        if shrink.size:
            s[shrink, 1:] = s[shrink, :1] + 0.5 * (s[shrink, 1:] - s[shrink, :1])
            f[shrink, 1:] = func(s[shrink, 1:].reshape(-1, 2),
                                 np.repeat(active[shrink], 2)).reshape(-1, 2)
        sim[active], fs[active] = s, f
    best = np.argmin(fs, axis=1)
    return sim[np.arange(n_prob), best], fs[np.arange(n_prob), best]


def _golden(func, lo, hi, tol=_GOLDEN_TOL_DAYS, guess=None):
    """Minimise K one-variable problems on [lo, hi] together by golden-section search.

    func(x (M,), problem (M,)) -> values (M,). Returns the best point seen and
    its value (``guess``, if given, is evaluated too, so a point known to be
    feasible is never lost when the bracket holds +inf on both probes).
    """
    k = lo.size
    idx = np.arange(k)
    a, b = lo.astype(np.float64).copy(), hi.astype(np.float64).copy()
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    first = [c, d] if guess is None else [c, d, guess]
    values = func(np.concatenate(first), np.tile(idx, len(first))).reshape(len(first), k)
    fc, fd = values[0], values[1]
    best_x = np.where(fc <= fd, c, d)
    best_f = np.minimum(fc, fd)
    if guess is not None:
        take = values[2] < best_f
        best_x, best_f = np.where(take, guess, best_x), np.where(take, values[2], best_f)
    width = float(np.max(b - a)) if k else 0.0
    n_iter = int(math.ceil(math.log(tol / width) / math.log(_GOLDEN))) if width > tol else 0
    for _ in range(n_iter):
        left = fc < fd  # the minimum is in [a, d]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_x = np.where(left, b - _GOLDEN * (b - a), a + _GOLDEN * (b - a))
        f_new = func(new_x, idx)
        d, fd, c, fc = (np.where(left, c, new_x), np.where(left, fc, f_new),
                        np.where(left, new_x, d), np.where(left, f_new, fd))
        take = f_new < best_f
        best_x, best_f = np.where(take, new_x, best_x), np.where(take, f_new, best_f)
    return best_x, best_f


def _mean_motion_rad_day(eph, body, jd):
    """Mean motion from the osculating semi-major axis, averaged over a few epochs."""
    r, v = eph.state_jd(body, jd)
    energy = 0.5 * np.sum(v * v, axis=-1) - GM_SUN_KM3S2 / np.linalg.norm(r, axis=-1)
    a_km = float(np.mean(-GM_SUN_KM3S2 / (2.0 * energy)))
    return math.sqrt(GM_SUN_KM3S2 / a_km ** 3) * 86_400.0, a_km


def _pair_periods(eph, origin, target, jd_mid):
    """Synodic period and Hohmann time of flight of the pair, days.

    Semi-major axes are averaged over +-2000 days (inside the ephemeris), so the
    Earth's monthly wobble about the EMB does not matter.
    """
    lo = max(eph.coverage_jd(origin)[0], eph.coverage_jd(target)[0])
    hi = min(eph.coverage_jd(origin)[1], eph.coverage_jd(target)[1])
    jd = np.clip(jd_mid + np.linspace(-2000.0, 2000.0, 9), lo, hi)
    n1, a1 = _mean_motion_rad_day(eph, origin, jd)
    n2, a2 = _mean_motion_rad_day(eph, target, jd)
    synodic = 2.0 * math.pi / abs(n1 - n2)
    hohmann = math.pi * math.sqrt((0.5 * (a1 + a2)) ** 3 / GM_SUN_KM3S2) / 86_400.0
    return synodic, hohmann


@dataclass
class _Coarse:
    launch: np.ndarray     # (L,) TDB JD
    tof: np.ndarray        # (T,) days
    c3: np.ndarray         # (L, T)
    vinf: np.ndarray       # (L, T)
    type: np.ndarray       # (L, T) int8
    step: float            # launch step, days
    tof_step: float
    segments: list         # (lo_row, hi_row, centre_row), hi inclusive


def _coarse_grid(legs, launch_lo, launch_hi, tof_lo, tof_hi, synodic):
    """The coarse grid, and its launch rows split into opportunities."""
    tof_step_wanted = (tof_hi - tof_lo) / _TOF_COLUMNS
    step = min(synodic / _LAUNCHES_PER_SYNODIC, tof_step_wanted)
    # A time-of-flight grid shares the launch step (solve_grid's shift=1), so a
    # coarser tof step of m launch steps is solved as m interleaved sub-grids.
    m = max(1, int(round(tof_step_wanted / step)))
    tof_step = m * step
    n_launch = int((launch_hi - launch_lo) // step) + 1
    launch = launch_lo + step * np.arange(n_launch)
    k0 = int(math.ceil(tof_lo / tof_step))
    n_tof = int(tof_hi // tof_step) - k0 + 1
    tof = tof_step * (k0 + np.arange(n_tof))
    c3 = np.empty((n_launch, n_tof))
    vinf = np.empty((n_launch, n_tof))
    kind = np.empty((n_launch, n_tof), dtype=np.int8)
    for r in range(m):
        rows = launch[r::m]
        if rows.size == 0:
            continue
        arrival = rows[0] + tof_step * np.arange(k0, k0 + n_tof + rows.size - 1)
        g = solve_grid(legs.origin, legs.target, rows, arrival, shift=1, n_cols=n_tof,
                       ephemeris=legs.eph, angles=legs.angles)
        c3[r::m], vinf[r::m], kind[r::m] = g["c3_km2s2"], g["vinf_arrival_kms"], g["type"]
    best = np.where(np.isnan(c3), np.inf, c3).min(axis=1)
    return _Coarse(launch, tof, c3, vinf, kind, step, tof_step,
                   _segments(best, step, synodic))


def _segments(best, step, synodic):
    """Split launch rows into opportunities: (lo_row, hi_row, centre_row) each.

    A centre is a row whose best C3 is the lowest within half a synodic period
    on both sides (cut at the grid's ends, which lie a synodic period beyond the
    years asked for unless the ephemeris ends first) and not within a few rows
    of an end, where the true minimum may lie beyond the grid. Neighbours are
    split at the highest C3 between them.
    """
    n = best.size
    half = int(round(0.5 * synodic / step))
    edge = 3
    centres = []
    for i in range(edge, n - edge):
        if not np.isfinite(best[i]):
            continue
        lo, hi = max(0, i - half), min(n, i + half + 1)
        if int(np.argmin(best[lo:hi])) + lo == i:
            centres.append(i)
    out = []
    for k, c in enumerate(centres):
        lo = c - half if k == 0 else centres[k - 1] + int(np.argmax(best[centres[k - 1]:c]))
        hi = (c + half if k == len(centres) - 1
              else c + int(np.argmax(best[c:centres[k + 1] + 1])))
        out.append((max(0, lo), min(n - 1, hi), c))
    return out


def _year_of(jd_tdb) -> int:
    return int(str(jd_tdb_to_datetime64(jd_tdb).astype("datetime64[Y]")))


def _check_years(first_year, last_year):
    for name, year in (("first_year", first_year), ("last_year", last_year)):
        if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
            raise InputError(f"{name}: {year!r} is not a year; use an integer such as 2033")
    if last_year < first_year:
        raise InputError(f"last_year: {last_year} is before first_year {first_year}")


def _prepare(origin, target, first_year, last_year, angles, eph):
    """Check the request; return canonical bodies and the grid's date spans."""
    _check_years(first_year, last_year)
    check_angles(angles)
    origin, target = eph.check_body(origin), eph.check_body(target)
    if origin == target or {origin, target} == {"earth", "emb"}:
        raise InputError(f"target: {target!r} must differ from origin {origin!r}")
    if "sun" in (origin, target) or "moon" in (origin, target):
        raise InputError("origin/target: windows need two bodies orbiting the Sun "
                         f"(got {origin} and {target})")
    jd0 = to_jd_tdb(f"{int(first_year):04d}-01-01", "first_year")
    jd1 = to_jd_tdb(f"{int(last_year) + 1:04d}-01-01", "last_year")
    # Launch dates of the years themselves must lie in the ephemeris, and so
    # must every arrival the grid pairs with them; the margins of a synodic
    # period on either side are cut to what the ephemeris holds.
    eph.check_range(origin, np.array([jd0, jd1]))
    synodic, hohmann = _pair_periods(eph, origin, target, 0.5 * (jd0 + jd1))
    tof_lo, tof_hi = (f * hohmann for f in _TOF_HOHMANN)
    eph.check_range(target, np.array([jd0 + tof_lo, jd1 + tof_hi]))
    o_lo, o_hi = eph.coverage_jd(origin)
    t_lo, t_hi = eph.coverage_jd(target)
    launch_lo = max(jd0 - synodic, o_lo, t_lo - tof_lo)
    launch_hi = min(jd1 + synodic, o_hi, t_hi - tof_hi)
    return origin, target, jd0, jd1, synodic, tof_lo, tof_hi, launch_lo, launch_hi


def _search(legs, coarse, segments, tof_lo, tof_hi):
    """Refine every (segment, type, objective) optimum; return dict keyed by those."""
    starts, meta = [], []
    for s, (lo, hi, _) in enumerate(segments):
        for t in TYPES:
            mask = coarse.type[lo:hi + 1] == _TYPE_CODE[t]
            if not mask.any():
                continue
            c3 = np.where(mask, coarse.c3[lo:hi + 1], np.inf)
            vinf = np.where(mask, coarse.vinf[lo:hi + 1], np.inf)
            for o, surface in enumerate((c3, vinf, legs.dv_total_kms(c3, vinf))):
                flat = np.argsort(surface, axis=None)[:_SEEDS]
                i, j = np.unravel_index(flat, surface.shape)
                jd_l = coarse.launch[lo + i]
                starts.append(np.stack([jd_l, jd_l + coarse.tof[j]], axis=-1))
                meta.append((s, t, o))
    if not starts:
        return {}
    objective = np.array([o for _, _, o in meta])
    type_code = np.array([_TYPE_CODE[t] for _, t, _ in meta])
    l_lo = np.array([coarse.launch[segments[s][0]] for s, _, _ in meta])
    l_hi = np.array([coarse.launch[segments[s][1]] for s, _, _ in meta])

    def func(points, problem):
        jd_l, jd_a = points[:, 0], points[:, 1]
        tof = jd_a - jd_l
        ok = ((jd_l >= l_lo[problem]) & (jd_l <= l_hi[problem]) & (tof >= tof_lo)
              & (tof <= tof_hi))
        return legs.values(jd_l, jd_a, objective[problem], type_code[problem], ok)

    # Seeds: re-evaluate the few best cells of each problem in one call.
    n_seed = max(len(x) for x in starts)
    seeds = np.array([np.pad(x, ((0, n_seed - len(x)), (0, 0)), mode="edge") for x in starts])
    values = func(seeds.reshape(-1, 2), np.repeat(np.arange(len(meta)), n_seed))
    x0 = seeds[np.arange(len(meta)), np.argmin(values.reshape(len(meta), n_seed), axis=1)]
    step = np.tile([coarse.step, coarse.tof_step], (len(meta), 1))
    x, f = _nelder_mead(func, x0, step)
    for _ in range(_MAX_RESTARTS):
        x_new, f_new = _nelder_mead(func, x, np.full_like(x, _RESTART_STEP_DAYS))
        improved = f_new < f - 1e-6
        take = f_new < f
        x, f = np.where(take[:, None], x_new, x), np.where(take, f_new, f)
        if not improved.any():
            break
    return {m: (x[k], f[k]) for k, m in enumerate(meta) if np.isfinite(f[k])}


def windows(origin: str = "earth", target: str = "mars", first_year: int = 2026,
            last_year: int = 2045, *, angles: str = "eme2000",
            departure_orbit: Orbit = DEFAULT_DEPARTURE_ORBIT, capture_orbit: Orbit | None = None,
            c3_max: float | None = None, daily: bool = False,
            ephemeris: Ephemeris | None = None, progress=None) -> list[Window]:
    """Every launch opportunity from ``origin`` to ``target`` between two years.

    Parameters
    ----------
    origin, target : str
        Bodies orbiting the Sun; ``"earth"`` (the Earth's centre) or ``"emb"``
        (the Earth-Moon barycentre, as the NASA handbook computes), ``"mars"``,
        or any other planet; either direction.
    first_year, last_year : int
        An opportunity is kept if its minimum-C3 launch (over both types) falls
        in these calendar years (TDB), both included. It is labelled with that
        year, so an opportunity launching from December into January carries
        one label.
    angles : {"eme2000", "mean-of-date"}
        Frame of the asymptote angles (DESIGN.md).
    departure_orbit, capture_orbit : Orbit
        Orbits for the total delta-v: 400 km circular; at Mars 250 x 33,793 km.
    c3_max : float, optional
        C3 limit, km^2/s^2: also find each opportunity's launch periods.
    daily : bool
        With ``c3_max``: also the best leg of each type for every whole day
        (0h TDB) of the launch period over both types (:attr:`Window.daily`).
    ephemeris : Ephemeris, optional
        Defaults to DE440.
    progress : callable(done, total), optional
        Called as the search's stages complete (grid, optima, periods, days).

    Returns
    -------
    list of Window
        In launch order; empty if no opportunity's minimum falls in the years.
        Optima are refined to under 1e-4 km^2/s^2 in C3 and an hour in dates.

    Raises
    ------
    InputError
        ``last_year`` before ``first_year``, years that are not whole numbers,
        equal bodies, ``c3_max`` not a positive finite number, ``daily`` not
        True/False or without ``c3_max``, arguments of the wrong kind
        (InputTypeError).
    NoSolutionError
        ``c3_max`` below the lowest C3 of every opportunity found (the message
        gives that C3).
    EphemerisRangeError, UnknownBodyError
    """
    from marsplan.ephemeris.base import ephemeris_or_default
    from marsplan.validate import flag, instance, optional_callable, real

    eph = ephemeris_or_default(ephemeris)
    eph.check_body(origin, "origin")  # names the argument before _prepare canonicalizes
    eph.check_body(target, "target")
    if c3_max is not None:
        c3_max = real(c3_max, "c3_max", lo=0.0, lo_open=True, hi=1e4, unit="km^2/s^2")
    daily = flag(daily, "daily")
    instance(departure_orbit, "departure_orbit", Orbit)
    if capture_orbit is not None:
        instance(capture_orbit, "capture_orbit", Orbit)
    optional_callable(progress, "progress")
    if daily and c3_max is None:
        raise InputError("daily: the day-by-day table covers the launch period, so it needs "
                         "c3_max")
    (origin, target, jd0, jd1, synodic, tof_lo, tof_hi, launch_lo,
     launch_hi) = _prepare(origin, target, first_year, last_year, angles, eph)
    capture_orbit = capture_orbit or default_capture_orbit(target)
    legs = _Legs(origin, target, angles, departure_orbit, capture_orbit, eph)
    stages = 2 + (c3_max is not None) + bool(daily)
    coarse = _coarse_grid(legs, launch_lo, launch_hi, tof_lo, tof_hi, synodic)
    if progress is not None:
        progress(1, stages)
    # Refine the opportunities that may have their minimum in the years: the
    # coarse minimum is a few days from the refined one, so allow a month.
    candidates = [seg for seg in coarse.segments
                  if jd0 - 30.0 <= coarse.launch[seg[2]] < jd1 + 30.0]
    found = _search(legs, coarse, candidates, tof_lo, tof_hi)
    if progress is not None:
        progress(2, stages)
    keys = list(found)
    points = np.array([found[k][0] for k in keys]).reshape(-1, 2)
    all_legs = dict(zip(keys, legs.transfer_list(points[:, 0], points[:, 1])))
    result = []
    for s, seg in enumerate(candidates):
        legs_found = {(t, OBJECTIVES[o]): leg for (ss, t, o), leg in all_legs.items()
                      if ss == s}
        if not legs_found:
            continue
        best = min((leg for (t, o), leg in legs_found.items() if o == "min_c3"),
                   key=lambda leg: float(leg.c3_km2s2))
        year = _year_of(best.launch_jd_tdb)
        if not first_year <= year <= last_year:
            continue
        optima = {t: {o: legs_found[(t, o)] for o in OBJECTIVES if (t, o) in legs_found}
                  for t in TYPES}
        optima = {t: v for t, v in optima.items() if v}
        result.append((seg, Window(opportunity=year, origin=origin, target=target,
                                   angles=angles, optima=optima,
                                   search_jd_tdb=(float(coarse.launch[seg[0]]),
                                                  float(coarse.launch[seg[1]])))))
    if c3_max is not None and result:
        result = _with_periods(legs, coarse, result, c3_max, tof_lo, tof_hi, daily, progress,
                               stages, (first_year, last_year))
    if progress is not None:
        progress(stages, stages)
    return [w for _, w in result]


# --------------------------------------------------------------------------- periods


def _best_per_launch(legs, jd_launch, type_code, tof_centre, tof_half, tof_lo, tof_hi):
    """Best C3 over arrival dates for each launch date (of one type each), by golden section.

    The search brackets tof_centre +- tof_half (clipped to [tof_lo, tof_hi]).
    Returns (c3 (K,), tof (K,)); +inf / NaN where no leg of the type was found.
    """
    jd_launch = np.asarray(jd_launch, dtype=np.float64)
    zeros = np.zeros(jd_launch.size, dtype=np.int64)

    def func(tof, k):
        ok = (tof >= tof_lo) & (tof <= tof_hi)
        return legs.values(jd_launch[k], jd_launch[k] + tof, zeros[k], type_code[k], ok)

    lo = np.clip(tof_centre - tof_half, tof_lo, tof_hi)
    hi = np.clip(tof_centre + tof_half, tof_lo, tof_hi)
    tof, c3 = _golden(func, lo, hi, guess=np.clip(tof_centre, tof_lo, tof_hi))
    return c3, np.where(np.isfinite(c3), tof, np.nan)


def _with_periods(legs, coarse, result, c3_max, tof_lo, tof_hi, daily, progress, stages,
                  years):
    """Add launch periods (and the daily table) to each (segment, Window) of ``result``."""
    # 1. Best C3 of each type on every coarse launch row of the opportunities.
    rows, codes = [], []
    for (lo, hi, _), _w in result:
        for t in TYPES:
            rows.append(np.arange(lo, hi + 1))
            codes.append(np.full(hi - lo + 1, _TYPE_CODE[t]))
    rows, codes = np.concatenate(rows), np.concatenate(codes)
    surface = np.where(coarse.type[rows] == codes[:, None], coarse.c3[rows], np.inf)
    has = np.isfinite(surface).any(axis=1)
    centre = coarse.tof[np.argmin(surface, axis=1)]
    c3_rows, tof_rows = np.full(rows.size, np.inf), np.full(rows.size, np.nan)
    c3_rows[has], tof_rows[has] = _best_per_launch(
        legs, coarse.launch[rows[has]], codes[has], centre[has],
        np.full(has.sum(), coarse.tof_step), tof_lo, tof_hi)
    table = _RowTable(coarse.tof_step, tof_lo, tof_hi)
    at = 0
    for n_w, ((lo, hi, _), w) in enumerate(result):
        for t in TYPES:
            n = hi - lo + 1
            if t in w.optima:
                table.rows[(n_w, t)] = (coarse.launch[lo:hi + 1], c3_rows[at:at + n],
                                        tof_rows[at:at + n])
            at += n
    lowest, w_low = min(((float(w.optimum("min_c3").c3_km2s2), w) for _, w in result),
                        key=lambda item: item[0])
    if c3_max < lowest:
        leg = w_low.optimum("min_c3")
        raise NoSolutionError(
            f"c3_max: {c3_max:g} km^2/s^2 is below the lowest C3 reachable in "
            f"{years[0]}-{years[1]}, {lowest:.4f} km^2/s^2 (the {w_low.opportunity} "
            f"opportunity, Type {leg.type}, launch {jd_tdb_to_iso(leg.launch_jd_tdb, 'days')}); "
            "raise c3_max to at least that")
    # 2. Each period's ends: bracket on the samples, then narrow on the launch date.
    ends = []
    for n_w, (_, w) in enumerate(result):
        for key in (*TYPES, ANY_TYPE):
            kinds = _kinds(w, key)
            if not kinds:
                continue
            launch = table.rows[(n_w, kinds[0])][0]
            per_type = np.array([table.rows[(n_w, t)][1] for t in kinds])
            which = np.argmin(per_type, axis=0)
            value = per_type[which, np.arange(launch.size)]
            tof = np.array([table.rows[(n_w, t)][2] for t in kinds])[which, np.arange(launch.size)]
            start = w.optimum("min_c3", None if key == ANY_TYPE else key)
            # Samples: the rows and the optimum. The period runs from the first
            # sample at or under the limit to the last; each end is bracketed by
            # that sample and its outer neighbour (none: the opportunity's edge).
            dates = np.append(launch, float(start.launch_jd_tdb))
            values = np.append(value, float(start.c3_km2s2))
            tofs = np.append(tof, float(start.tof_days))
            order = np.argsort(dates, kind="stable")
            dates, values, tofs = dates[order], values[order], tofs[order]
            under = np.flatnonzero(values <= c3_max)
            if under.size == 0:
                continue  # the limit is below this type's minimum: no period
            contiguous = bool(np.all(values[under[0]:under[-1] + 1] <= c3_max))
            for side, k in ((-1, under[0]), (1, under[-1])):
                end = _End(n_w, key, kinds, side, float(dates[k]), float(values[k]),
                           float(tofs[k]), contiguous=contiguous)
                if 0 <= k + side < dates.size:
                    end.outside, end.f_outside = float(dates[k + side]), float(values[k + side])
                ends.append(end)
    _narrow_ends(legs, table, ends, c3_max)
    if progress is not None:
        progress(3, stages)
    # 3. The legs at the ends, and the daily table, each in one batch.
    edge_legs = legs.transfer_list(np.array([e.inside for e in ends]),
                                   np.array([e.inside + e.tof_inside for e in ends]))
    periods = [dict.fromkeys((*TYPES, ANY_TYPE)) for _ in result]
    by_key = {}
    for e, leg in zip(ends, edge_legs):
        by_key.setdefault((e.window, e.key), {})[e.side] = (e, leg)
    for (n_w, key), sides in by_key.items():
        (first, first_leg), (last, last_leg) = sides[-1], sides[1]
        periods[n_w][key] = LaunchPeriod(type=key, c3_max_km2s2=c3_max, first=first_leg,
                                         last=last_leg, open_start=first.outside is None,
                                         open_end=last.outside is None,
                                         contiguous=first.contiguous)
    tables = [None] * len(result)
    if daily:
        tables = _daily(legs, table, result, periods)
        if progress is not None:
            progress(4, stages)
    return [(seg, Window(opportunity=w.opportunity, origin=w.origin, target=w.target,
                         angles=w.angles, optima=w.optima, search_jd_tdb=w.search_jd_tdb,
                         c3_max_km2s2=c3_max, launch_periods=periods[n_w], daily=tables[n_w]))
            for n_w, (seg, w) in enumerate(result)]


def _kinds(w, key):
    """The transfer types a period key covers, among those the window has."""
    return tuple(t for t in (TYPES if key == ANY_TYPE else (key,)) if t in w.optima)


@dataclass
class _RowTable:
    """Best C3 per coarse launch row: rows[(window index, type)] = (launch, c3, tof)."""

    tof_step: float
    tof_lo: float
    tof_hi: float

    def __post_init__(self):
        self.rows = {}

    def best(self, legs, window, kinds, jd):
        """Best C3 over arrivals and over ``kinds[k]`` at launch dates jd[k] of
        window[k]; returns (c3, tof), all by one batched golden search."""
        problem, code, centre, half = [], [], [], []
        for k, (n_w, ks) in enumerate(zip(window, kinds)):
            for t in ks:
                launch, _, tof = self.rows[(n_w, t)]
                i = int(np.clip(np.searchsorted(launch, jd[k]), 1, launch.size - 1))
                left, right = tof[i - 1], tof[i]
                left, right = (right if np.isnan(left) else left), (left if np.isnan(right)
                                                                   else right)
                if np.isnan(left):
                    continue
                # The optimum's tof moves little between rows: bracket both rows'
                # and one coarse step either side.
                problem.append(k)
                code.append(_TYPE_CODE[t])
                centre.append(0.5 * (left + right))
                half.append(0.5 * abs(right - left) + self.tof_step)
        c3 = np.full(len(jd), np.inf)
        tof = np.full(len(jd), np.nan)
        if not problem:
            return c3, tof
        problem = np.array(problem)
        values, tofs = _best_per_launch(legs, np.asarray(jd)[problem], np.array(code),
                                        np.array(centre), np.array(half), self.tof_lo,
                                        self.tof_hi)
        for k, v, x in zip(problem, values, tofs):
            if v < c3[k]:
                c3[k], tof[k] = v, x
        return c3, tof


@dataclass
class _End:
    """One end of a launch period while it is narrowed: C3 at ``inside`` is at or under
    the limit, at ``outside`` above it (None: the opportunity's edge came first)."""

    window: int
    key: str
    kinds: tuple
    side: int
    inside: float
    f_inside: float
    tof_inside: float
    outside: float | None = None
    f_outside: float = np.inf
    kept: int = 0  # which end the last step moved: 1 inside, -1 outside
    weight_inside: float = 1.0  # Illinois weights on the two values in the secant
    weight_outside: float = 1.0
    contiguous: bool = True


def _narrow_ends(legs, table, ends, c3_max):
    """Narrow each period end in place by the Illinois variant of false position.

    (Dowell & Jarratt, BIT 11:168, 1971.) An end stops when the C3 on its inside
    date is within _PERIOD_TOL_KM2S2 of the limit or the bracket is under
    _PERIOD_TOL_DAYS; bisection stands in while the outside value is +inf (no leg
    of the type there). Every live end advances together: one batched golden
    search per step.
    """
    live = [e for e in ends if e.outside is not None]
    for _ in range(60):
        live = [e for e in live if abs(e.outside - e.inside) > _PERIOD_TOL_DAYS
                and e.f_inside < c3_max - _PERIOD_TOL_KM2S2]
        if not live:
            break
        trial = []
        for e in live:
            g_in = e.weight_inside * (e.f_inside - c3_max)
            g_out = e.weight_outside * (e.f_outside - c3_max)
            x = 0.5 * (e.inside + e.outside)
            if math.isfinite(g_out) and g_out > g_in:
                x = e.inside - g_in * (e.outside - e.inside) / (g_out - g_in)
            # Stay strictly inside the bracket so it always shrinks.
            lo, hi = sorted((e.inside, e.outside))
            margin = 1e-3 * (hi - lo)
            trial.append(min(max(x, lo + margin), hi - margin))
        value, tof = table.best(legs, [e.window for e in live], [e.kinds for e in live],
                                np.array(trial))
        for e, x, f, t in zip(live, trial, value, tof):
            if f <= c3_max:
                e.inside, e.f_inside, e.tof_inside, e.weight_inside = x, float(f), float(t), 1.0
                if e.kept == 1:  # the outside end was kept twice: halve its weight
                    e.weight_outside *= 0.5
                e.kept = 1
            else:
                e.outside, e.f_outside, e.weight_outside = x, float(f), 1.0
                if e.kept == -1:
                    e.weight_inside *= 0.5
                e.kept = -1


def _daily(legs, table, result, periods):
    """Per window, {type: Transfer over the days} for each whole day (0h TDB) of the
    "any" launch period; None where the window has no period."""
    window, kinds, jd, groups = [], [], [], []
    for n_w, (_, w) in enumerate(result):
        p = periods[n_w][ANY_TYPE]
        if p is None:
            continue
        days = np.arange(math.ceil(p.first_launch_jd_tdb - 0.5),
                         math.floor(p.last_launch_jd_tdb - 0.5) + 1) + 0.5
        for t in _kinds(w, ANY_TYPE):
            groups.append((n_w, t, days.size))
            window += [n_w] * days.size
            kinds += [(t,)] * days.size
            jd.append(days)
    out = [None] * len(result)
    if not groups:
        return out
    jd = np.concatenate(jd)
    _, tof = table.best(legs, window, kinds, jd)
    missing = ~np.isfinite(tof)
    # A day without a leg of the type is solved at mid-range, then blanked (NaN).
    tof = np.where(missing, 0.5 * (table.tof_lo + table.tof_hi), tof)
    found = legs.transfer_list(jd, jd + tof, sizes=[n for _, _, n in groups])
    at = 0
    for (n_w, t, n), leg in zip(groups, found):
        gap = missing[at:at + n]
        at += n
        if gap.any():
            blank = {k: np.where(gap, np.nan, getattr(leg, k)) for k in (
                "arrival_jd_tdb", "tof_days", "c3_km2s2", "dla_deg", "rla_deg",
                "vinf_arrival_kms", "dec_arrival_deg", "dv_departure_kms", "dv_arrival_kms",
                "dv_total_kms")}
            leg = replace(leg, type=np.where(gap, "", leg.type), **blank)
        out[n_w] = out[n_w] or {}
        out[n_w][t] = leg
    return out


# --------------------------------------------------------------------------- chart bounds

# A porkchop chart of one opportunity frames the launch period at 1.25 x the
# largest C3 of its six optima (so every optimum is on it, with the contours
# around it), padded by 15 days of launch and 30 days of arrival.
_CHART_C3_FACTOR = 1.25
_CHART_LAUNCH_PAD_DAYS = 15.0
_CHART_ARRIVAL_PAD_DAYS = 60.0


def opportunity_bounds(origin: str = "earth", target: str = "mars", year: int = 2033, *,
                       angles: str = "eme2000", ephemeris: Ephemeris | None = None):
    """Launch and arrival date spans for a porkchop chart of the opportunity of ``year``.

    The opportunity is the one labelled ``year`` by :func:`windows` (its
    minimum-C3 launch falls in that year). Returns ``((launch_start,
    launch_end), (arrival_start, arrival_end))`` as ISO dates (TDB): the launch
    period at 1.25 x the largest C3 of the opportunity's six optima, padded by 15
    days, and the arrivals of its optima, padded by 60 days before and 120 after.

    Raises
    ------
    NoSolutionError
        No opportunity has its minimum-C3 launch in ``year`` (the message names
        the nearest labels).
    """
    eph = ephemeris or default_ephemeris()
    found = windows(origin, target, year, year, angles=angles, ephemeris=eph)
    if not found:
        near = [w.opportunity for w in windows(origin, target, year - 2, year + 2,
                                               angles=angles, ephemeris=eph)]
        raise NoSolutionError(
            f"year: no {eph.check_body(origin)}-{eph.check_body(target)} opportunity has its "
            f"minimum-C3 launch in {year}; nearby opportunities: "
            f"{', '.join(map(str, near)) or 'none'}")
    w = found[0]
    optima = [leg for by_type in w.optima.values() for leg in by_type.values()]
    c3_frame = _CHART_C3_FACTOR * max(float(leg.c3_km2s2) for leg in optima)
    framed = windows(origin, target, year, year, angles=angles, c3_max=c3_frame,
                     ephemeris=eph)[0]
    period = framed.launch_period()
    legs = [*optima, period.first, period.last]
    launch = [min(float(leg.launch_jd_tdb) for leg in legs) - _CHART_LAUNCH_PAD_DAYS,
              max(float(leg.launch_jd_tdb) for leg in legs) + _CHART_LAUNCH_PAD_DAYS]
    # Arrivals frame the optima only: a period end's best arrival at the framing
    # C3 can lie a year beyond them and would squash the interesting region.
    arrival = [min(float(leg.arrival_jd_tdb) for leg in optima) - _CHART_ARRIVAL_PAD_DAYS,
               max(float(leg.arrival_jd_tdb) for leg in optima) + 2 * _CHART_ARRIVAL_PAD_DAYS]
    launch_iso = tuple(str(x) for x in jd_tdb_to_iso(np.array(launch), "days"))
    arrival_iso = tuple(str(x) for x in jd_tdb_to_iso(np.array(arrival), "days"))
    return launch_iso, arrival_iso


# --------------------------------------------------------------------------- rows


def windows_rows(found: list[Window]) -> list[dict]:
    """Flat rows for ``marsplan windows``: one per opportunity, type and objective.

    Keys are those of DESIGN.md, in order: ``opportunity``, ``type``,
    ``objective``, ``launch``, ``arrival``, ``tof_days``, ``c3_km2s2``,
    ``dla_deg``, ``rla_deg``, ``vinf_arrival_kms``, ``dv_total_kms``.

    When the search had a C3 limit every row also carries (null where the limit
    is below the type's minimum C3):

    - ``c3_max_km2s2``: the limit;
    - ``period_first_launch``, ``period_last_launch``, ``period_days``: the
      launch period of the row's type (ISO dates, TDB; days as a float);
    - ``period_first_launch_any_type``, ``period_last_launch_any_type``,
      ``period_days_any_type``: the launch period when either type may fly.
    """
    rows = []
    for w in found:
        for t in TYPES:
            for objective in OBJECTIVES:
                leg = w.optima.get(t, {}).get(objective)
                if leg is None:
                    continue
                raw = leg.rows()[0]
                row = {"opportunity": w.opportunity, "type": t, "objective": objective}
                row.update({k: raw[k] for k in ROW_KEYS[3:]})
                if w.c3_max_km2s2 is not None:
                    row["c3_max_km2s2"] = w.c3_max_km2s2
                    for suffix, key in (("", t), ("_any_type", ANY_TYPE)):
                        p = w.launch_periods.get(key)
                        row[f"period_first_launch{suffix}"] = (
                            None if p is None else jd_tdb_to_iso(p.first_launch_jd_tdb))
                        row[f"period_last_launch{suffix}"] = (
                            None if p is None else jd_tdb_to_iso(p.last_launch_jd_tdb))
                        row[f"period_days{suffix}"] = None if p is None else float(p.days)
                rows.append(row)
    return rows


def daily_rows(found: list[Window]) -> list[dict]:
    """The day-by-day tables of a ``daily=True`` search, one row per launch day and type.

    Keys: ``opportunity``, ``type``, ``launch`` (0h TDB), ``arrival`` (of the
    best C3 of that type that day), ``tof_days``, ``c3_km2s2``, ``dla_deg``,
    ``rla_deg``, ``vinf_arrival_kms``, ``dv_total_kms``, ``within_limit``
    (C3 at or under the search's ``c3_max``). The days span the launch period
    over both types, so one type may be above the limit on some of them; a day
    with no leg of a type has null arrival and NaN values.
    """
    rows = []
    for w in found:
        if not w.daily:
            continue
        tables = [(t, w.daily[t]) for t in TYPES if t in w.daily]
        launch = jd_tdb_to_iso(np.atleast_1d(tables[0][1].launch_jd_tdb))
        for d in range(launch.size):
            for t, legs in tables:
                arrival = float(legs.arrival_jd_tdb[d])
                row = {"opportunity": w.opportunity, "type": t, "launch": str(launch[d]),
                       "arrival": jd_tdb_to_iso(arrival) if math.isfinite(arrival) else None}
                row.update({k: float(getattr(legs, k)[d]) for k in DAILY_KEYS[4:-1]})
                row["within_limit"] = bool(row["c3_km2s2"] <= w.c3_max_km2s2)
                rows.append(row)
    return rows
