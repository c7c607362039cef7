"""Launch windows: every opportunity between two years, its optima and launch periods.

The search, for any pair of bodies and either direction:

1. A coarse porkchop over the years plus a synodic period on each side (launch
   every few days, time of flight 0.3-1.9 x the pair's Hohmann time), solved by
   :func:`~marsplan.transfer.leg.solve_grid` in one kernel call.
2. The per-launch best C3 over both types is segmented into opportunities:
   its local minima that are the lowest within half a synodic period on either
   side, split at the highest C3 between neighbours. An opportunity is labelled
   with the calendar year (TDB) of its refined minimum-C3 launch over both types,
   as docs/design.md asks; it is kept if that year lies in [first_year, last_year].
3. Each optimum (type I and II x min C3, min arrival v-infinity, min total
   delta-v) is refined by Nelder-Mead on (launch JD, arrival JD), starting from
   the best coarse cell of its type. The simplices of every opportunity, type
   and objective advance together, so each step is one batched kernel call
   rather than hundreds of 1x1 calls (~0.4 ms each). A point of the other type
   scores +inf: a Type I optimum pressed against the 180 deg ridge (2026) stays
   Type I and reports the best Type I point.
4. With ``c3_max``: each opportunity's launch periods
   (:mod:`marsplan.transfer.periods`). Legs within 0.01 deg of a 180 deg
   transfer angle are left out of every search
   (:data:`marsplan.transfer.leg.RIDGE_BAND_DEG`).

The minimisers live in :mod:`marsplan.transfer.optimize`, the rows for the
CLI in :mod:`marsplan.io.rows`, the chart framing in :mod:`marsplan.plots.porkchop`.
Dates are TDB Julian dates inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from marsplan._results import show, to_frame
from marsplan.constants import GM_SUN_KM3S2
from marsplan.ephemeris import Ephemeris
from marsplan.errors import InputError, NoSolutionError
from marsplan.time import jd_tdb_to_datetime64, to_jd_tdb
from marsplan.transfer.frames import check_angles
from marsplan.transfer.leg import TYPE_CODE, TYPES, LegBatch, Transfer, solve_grid
from marsplan.transfer.maneuvers import DEFAULT_ORBITS, Orbits
from marsplan.transfer.optimize import nelder_mead
from marsplan.transfer.periods import ANY_TYPE, LaunchPeriod, find_launch_periods

__all__ = ["OBJECTIVES", "TYPES", "Window", "Windows", "windows"]

OBJECTIVES = ("min_c3", "min_vinf_arrival", "min_total_dv")

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
        """The refined optimum for ``objective``, of ``type`` or the better of both.

        Parameters
        ----------
        objective : {"min_c3", "min_vinf_arrival", "min_total_dv"}
        type : {"I", "II"}, optional
            None: the better of both types.

        Returns
        -------
        Transfer

        Raises
        ------
        InputError
            Unknown ``objective`` or ``type``.
        NoSolutionError
            The opportunity has no transfer of ``type``.
        """
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
        """The launch period of ``type`` ("I", "II"; None for either type).

        Returns
        -------
        LaunchPeriod or None
            None where the search's C3 limit is below that type's minimum.

        Raises
        ------
        InputError
            The search had no ``c3_max``.
        """
        if self.launch_periods is None:
            raise InputError("c3_max: this search was run without a C3 limit, so it has no "
                             "launch period; pass c3_max")
        if type is not None and (not isinstance(type, str) or type not in TYPES):
            raise InputError(f"type: {type!r} is not one of I, II")
        return self.launch_periods[ANY_TYPE if type is None else type]


    def __repr__(self) -> str:
        optima = ", ".join(
            f"{t}: C3 {show(leg.c3_km2s2)} launch {show(leg.launch_jd_tdb, date=True)}"
            for t in TYPES if (leg := self.optima.get(t, {}).get("min_c3")) is not None)
        limit = "" if self.c3_max_km2s2 is None else f", c3_max_km2s2={show(self.c3_max_km2s2)}"
        return (f"Window(opportunity={self.opportunity}, origin={self.origin!r}, "
                f"target={self.target!r}, min_c3={{{optima}}}{limit})")

    def records(self) -> list[dict]:
        """One flat record per type and objective, dates as TDB JD (``*_jd_tdb``).

        The fields of ``marsplan windows`` (docs/design.md) and, with a C3 limit, the
        launch period of the row's type and of either type (``period_*``).
        """
        out = []
        for t in TYPES:
            for objective in OBJECTIVES:
                leg = self.optima.get(t, {}).get(objective)
                if leg is None:
                    continue
                row = {"opportunity": self.opportunity, "type": t, "objective": objective}
                row.update({k: float(getattr(leg, k)) for k in _RECORD_FIELDS})
                if self.c3_max_km2s2 is not None:
                    row["c3_max_km2s2"] = self.c3_max_km2s2
                    for suffix, key in (("", t), ("_any_type", ANY_TYPE)):
                        p = self.launch_periods.get(key)
                        row[f"period_first_launch{suffix}_jd_tdb"] = (
                            math.nan if p is None else p.first_launch_jd_tdb)
                        row[f"period_last_launch{suffix}_jd_tdb"] = (
                            math.nan if p is None else p.last_launch_jd_tdb)
                        row[f"period_days{suffix}"] = math.nan if p is None else p.days
                out.append(row)
        return out


class Windows(list):
    """The :class:`Window` list that :func:`windows` returns, in launch order.

    A plain list (``found[0]`` is the first opportunity), plus a look-up by
    opportunity label, ``found.by_year(2033)``, and ``found.to_pandas()``.
    """

    @property
    def years(self) -> list[int]:
        """The opportunity labels, in launch order."""
        return [w.opportunity for w in self]

    def by_year(self, year: int) -> Window:
        """The opportunity labelled ``year`` (the year of its minimum-C3 launch).

        Raises
        ------
        NoSolutionError
            No opportunity found carries that label; the message lists those that do.
        InputError
            ``year`` is not a whole number.
        """
        from marsplan._results import by_year

        return by_year(self, self.years, year)

    def to_pandas(self, daily: bool = False):
        """The windows as a :class:`pandas.DataFrame` (pandas is imported here).

        Parameters
        ----------
        daily : bool
            False: one row per opportunity, type and objective, the columns of
            ``marsplan windows`` (plus the ``period_*`` columns with a C3
            limit). True: the day-by-day table of a ``daily=True`` search,
            one row per launch day and type.

        Returns
        -------
        pandas.DataFrame
            Dates as datetime64 columns (TDB), the other columns in the units
            their names carry.
        """
        from marsplan.validate import flag

        if flag(daily, "daily"):
            return to_frame(_daily_columns(self))
        records = [r for w in self for r in w.records()]
        names = list(records[0]) if records else ["opportunity", "type", "objective",
                                                   *_RECORD_FIELDS]
        return to_frame({k: [r[k] for r in records] for k in names})

    def __repr__(self) -> str:
        return f"Windows({list.__repr__(self)})"


# Per-leg fields of Window.records, in the order of ``marsplan windows``.
_RECORD_FIELDS = ("launch_jd_tdb", "arrival_jd_tdb", "tof_days", "c3_km2s2", "dla_deg",
                  "rla_deg", "vinf_arrival_kms", "dv_total_kms")


def _daily_columns(found) -> dict:
    columns = {k: [] for k in ("opportunity", "type", *_RECORD_FIELDS, "within_limit")}
    for w in found:
        for t, legs in (w.daily or {}).items():
            n = np.size(legs.launch_jd_tdb)
            columns["opportunity"] += [w.opportunity] * n
            columns["type"] += [t] * n
            for k in _RECORD_FIELDS:
                columns[k] += list(np.atleast_1d(getattr(legs, k)).astype(float))
            columns["within_limit"] += list(np.atleast_1d(legs.c3_km2s2) <= w.c3_max_km2s2)
    return columns


def _objective_of(leg: Transfer, objective: str):
    return {"min_c3": leg.c3_km2s2, "min_vinf_arrival": leg.vinf_arrival_kms,
            "min_total_dv": leg.dv_total_kms}[objective]




# --------------------------------------------------------------------------- search


def _mean_motion_rad_day(eph, body, jd):
    """Mean motion from the osculating semi-major axis, averaged over a few epochs."""
    r, v = eph.state_jd(body, jd)
    energy = 0.5 * np.sum(v * v, axis=-1) - GM_SUN_KM3S2 / np.linalg.norm(r, axis=-1)
    a_km = float(np.mean(-GM_SUN_KM3S2 / (2.0 * energy)))
    return math.sqrt(GM_SUN_KM3S2 / a_km ** 3) * 86_400.0, a_km


# Epoch the pair's periods are measured about and the coarse grid is aligned to
# (J2000, TDB): neither depends on the years asked for, so an opportunity's
# grid, seeds and optima are the same in every request that holds it.
_GRID_EPOCH_JD = 2_451_545.0


def _pair_periods(eph, origin, target, jd_mid=_GRID_EPOCH_JD):
    """Synodic period and Hohmann time of flight of the pair, days.

    Semi-major axes are averaged over +-2000 days about ``jd_mid`` (inside the
    ephemeris), so the Earth's monthly wobble about the EMB does not matter.
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
    # Launch rows on J2000 + i * step: the same dates whatever the years asked.
    i0 = math.ceil((launch_lo - _GRID_EPOCH_JD) / step)
    n_launch = int((launch_hi - _GRID_EPOCH_JD) // step) - i0 + 1
    launch = _GRID_EPOCH_JD + step * (i0 + np.arange(n_launch))
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
        # Integer day-steps from J2000, as for the launch rows: bit-identical dates.
        arrival = _GRID_EPOCH_JD + step * (i0 + r + m * np.arange(k0, k0 + n_tof + rows.size - 1))
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
    of an end, where the true minimum may lie beyond the grid. An opportunity's
    launch dates are its centre +- half a synodic period: its own geometry, not
    its neighbours' (which a request may or may not hold), so its optima do not
    depend on the years asked for (issue 11).
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
    return [(max(0, c - half), min(n - 1, c + half), c) for c in centres]


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
    synodic, hohmann = _pair_periods(eph, origin, target)
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
            mask = coarse.type[lo:hi + 1] == TYPE_CODE[t]
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
    type_code = np.array([TYPE_CODE[t] for _, t, _ in meta])
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
    x, f = nelder_mead(func, x0, step, xatol=_XATOL_DAYS, fatol=_FATOL, max_iter=_MAX_ITER)
    for _ in range(_MAX_RESTARTS):
        x_new, f_new = nelder_mead(func, x, np.full_like(x, _RESTART_STEP_DAYS), xatol=_XATOL_DAYS,
                                   fatol=_FATOL, max_iter=_MAX_ITER)
        improved = f_new < f - 1e-6
        take = f_new < f
        x, f = np.where(take[:, None], x_new, x), np.where(take, f_new, f)
        if not improved.any():
            break
    return {m: (x[k], f[k]) for k, m in enumerate(meta) if np.isfinite(f[k])}


def windows(origin: str = "earth", target: str = "mars", first_year: int = 2026,
            last_year: int = 2045, *, angles: str = "eme2000",
            orbits: Orbits = DEFAULT_ORBITS, c3_max: float | None = None, daily: bool = False,
            ephemeris: Ephemeris | None = None, progress=None) -> Windows:
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
        Frame of the asymptote angles (docs/design.md).
    orbits : Orbits
        Orbits left and entered for the total delta-v (:class:`Orbits`: at the
        Earth 400 km circular, at Mars 250 x 33,793 km).
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
    Windows
        A list of :class:`Window` in launch order; empty if no opportunity's
        minimum falls in the years. ``found.by_year(2033)`` looks one up by its
        label, ``found.to_pandas()`` gives a DataFrame. Optima are refined to
        under 1e-4 km^2/s^2 in C3 and an hour in dates.

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
    instance(orbits, "orbits", Orbits)
    optional_callable(progress, "progress")
    if daily and c3_max is None:
        raise InputError("daily: the day-by-day table covers the launch period, so it needs "
                         "c3_max")
    (origin, target, jd0, jd1, synodic, tof_lo, tof_hi, launch_lo,
     launch_hi) = _prepare(origin, target, first_year, last_year, angles, eph)
    legs = LegBatch(origin, target, angles, orbits, eph)
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
        found_periods = find_launch_periods(legs, coarse, result, c3_max, tof_lo, tof_hi, daily,
                                            progress, stages, (first_year, last_year))
        result = [(seg, replace(w, c3_max_km2s2=c3_max, launch_periods=periods, daily=table))
                  for (seg, w), (periods, table) in zip(result, found_periods)]
    if progress is not None:
        progress(stages, stages)
    return Windows(w for _, w in result)
