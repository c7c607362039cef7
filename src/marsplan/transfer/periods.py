"""Launch periods: the launch dates on which the best leg keeps C3 under a limit.

For each opportunity of :func:`~marsplan.transfer.windows.windows` and a C3
limit, the best C3 of each launch date (per type, by golden-section search over
the arrival date) is found on the coarse launch dates of the window search; the
first and last launch date at the limit are then narrowed by false position
(Illinois) until their best C3 is the limit to 1e-5 km^2/s^2. With ``daily``,
the best leg of each type for every whole day (0h TDB) of the period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from marsplan._results import short_repr
from marsplan.errors import NoSolutionError
from marsplan.time import jd_tdb_to_iso
from marsplan.transfer.leg import TYPE_CODE, TYPES, Transfer
from marsplan.transfer.optimize import golden_section

#: Key of the launch period over both types in :attr:`Window.launch_periods`.
ANY_TYPE = "any"

# Golden-section search over the arrival date for one launch date stops at
# 1e-3 day. A launch period's end stops when its C3 is within 1e-5 km^2/s^2 of
# the limit, or its bracket is under 1e-4 day (9 s): at a steep end (C3 rising
# 0.15 km^2/s^2 a day) 1e-3 day left C3 1.5e-4 under the limit.
_GOLDEN_TOL_DAYS = 1e-3
_PERIOD_TOL_DAYS = 1e-4
_PERIOD_TOL_KM2S2 = 1e-5


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

    def __repr__(self) -> str:
        return short_repr(self, ("type", "c3_max_km2s2", "first_launch_jd_tdb",
                                 "last_launch_jd_tdb", "days", "open_start", "open_end",
                                 "contiguous"))



def best_per_launch(legs, jd_launch, type_code, tof_centre, tof_half, tof_lo, tof_hi):
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
    tof, c3 = golden_section(func, lo, hi, tol=_GOLDEN_TOL_DAYS,
                            guess=np.clip(tof_centre, tof_lo, tof_hi))
    return c3, np.where(np.isfinite(c3), tof, np.nan)


def find_launch_periods(legs, coarse, result, c3_max, tof_lo, tof_hi, daily, progress, stages,
                        years):
    """Launch periods (and daily tables) of each (segment, Window) of ``result``.

    ``legs`` is a :class:`~marsplan.transfer.leg.LegBatch`, ``coarse`` the
    window search's coarse grid (``launch``, ``tof``, ``c3``, ``type``,
    ``tof_step``). Returns one ``(periods, daily)`` pair per window:
    ``periods`` maps "I", "II" and "any" to a :class:`LaunchPeriod` or None;
    ``daily`` is None, or (with ``daily``) maps each type to a Transfer of arrays.

    Raises
    ------
    NoSolutionError
        ``c3_max`` is below the lowest C3 of every window (the message gives it).
    """
    # 1. Best C3 of each type on every coarse launch row of the opportunities.
    rows, codes = [], []
    for (lo, hi, _), _w in result:
        for t in TYPES:
            rows.append(np.arange(lo, hi + 1))
            codes.append(np.full(hi - lo + 1, TYPE_CODE[t]))
    rows, codes = np.concatenate(rows), np.concatenate(codes)
    surface = np.where(coarse.type[rows] == codes[:, None], coarse.c3[rows], np.inf)
    has = np.isfinite(surface).any(axis=1)
    centre = coarse.tof[np.argmin(surface, axis=1)]
    c3_rows, tof_rows = np.full(rows.size, np.inf), np.full(rows.size, np.nan)
    c3_rows[has], tof_rows[has] = best_per_launch(
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
            kinds = kinds_of(w, key)
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
    return list(zip(periods, tables))


def kinds_of(w, key):
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
                code.append(TYPE_CODE[t])
                centre.append(0.5 * (left + right))
                half.append(0.5 * abs(right - left) + self.tof_step)
        c3 = np.full(len(jd), np.inf)
        tof = np.full(len(jd), np.nan)
        if not problem:
            return c3, tof
        problem = np.array(problem)
        values, tofs = best_per_launch(legs, np.asarray(jd)[problem], np.array(code),
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
        for t in kinds_of(w, ANY_TYPE):
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
