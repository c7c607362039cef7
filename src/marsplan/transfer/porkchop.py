"""Porkchop grids: launch date x arrival date (or time of flight) surfaces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsplan._results import short_repr, to_frame
from marsplan.ephemeris import Ephemeris
from marsplan.ephemeris.base import ephemeris_or_default
from marsplan.errors import InputError
from marsplan.time import jd_tdb_to_iso, to_jd_tdb
from marsplan.transfer.leg import Transfer, make_transfer, solve_grid
from marsplan.transfer.maneuvers import DEFAULT_ORBITS, Orbits, capture_dv_kms, departure_dv_kms
from marsplan.validate import MAX_REVS, flag, instance, optional_callable, pair, real, whole

OBJECTIVES = ("min_c3", "min_vinf_arrival", "min_total_dv")
_OBJECTIVE_FIELD = {"min_c3": "c3_km2s2", "min_vinf_arrival": "vinf_arrival_kms",
                    "min_total_dv": "dv_total_kms"}
_TYPE_CODE = {"I": 1, "II": 2}
# Above this many cells the grid is solved in slices so a progress callback can report.
_SLICE_CELLS = 2_000_000


@dataclass(frozen=True)
class Porkchop:
    """Ballistic transfers over a grid of launch dates (rows) and arrivals (columns).

    Every surface has shape (n_launch, n_arrival). With an arrival-date grid,
    ``arrival_jd_tdb`` is the same in every row; with a time-of-flight grid each
    row's arrivals are its launch plus ``tof_days``. ``type`` is 1 (Type I,
    transfer angle below 180 deg), 2 (Type II), or 0 where no solution exists
    (NaN in the surfaces). Dates are TDB Julian dates.
    """

    origin: str
    target: str
    angles: str
    ephemeris_name: str
    launch_jd_tdb: np.ndarray
    arrival_jd_tdb: np.ndarray
    tof_days: np.ndarray
    c3_km2s2: np.ndarray
    dla_deg: np.ndarray
    rla_deg: np.ndarray
    vinf_arrival_kms: np.ndarray
    dec_arrival_deg: np.ndarray
    dv_total_kms: np.ndarray
    type: np.ndarray
    revs: int = 0
    orbits: Orbits = DEFAULT_ORBITS

    @property
    def shape(self) -> tuple[int, int]:
        return self.c3_km2s2.shape

    def optimum(self, objective: str = "min_c3", type: str | None = None) -> Transfer:
        """The best grid cell for ``objective`` ("min_c3", "min_vinf_arrival",
        "min_total_dv"), within one transfer ``type`` ("I" or "II") or over both.

        Returns
        -------
        Transfer
            The leg of that cell (scalars).

        Raises
        ------
        InputError
            Unknown ``objective`` or ``type``, or no leg of ``type`` on the grid.
        """
        if not isinstance(objective, str) or objective not in OBJECTIVES:
            raise InputError(f"objective: {objective!r} is not one of {', '.join(OBJECTIVES)}")
        if type is not None and (not isinstance(type, str) or type not in _TYPE_CODE):
            raise InputError(f"type: {type!r} is not one of I, II")
        values = np.array(getattr(self, _OBJECTIVE_FIELD[objective]), dtype=np.float64)
        if type is not None:
            values[self.type != _TYPE_CODE[type]] = np.nan
        if np.all(np.isnan(values)):
            raise InputError(f"type: no Type {type} transfer on this grid")
        i, j = np.unravel_index(np.nanargmin(values), values.shape)
        return self.cell(i, j)

    def cell(self, i: int, j: int) -> Transfer:
        """The transfer at grid cell (i, j)."""
        i = whole(i, "i", lo=0, hi=self.shape[0] - 1)
        j = whole(j, "j", lo=0, hi=self.shape[1] - 1)
        grid = {k: np.array([getattr(self, k)[i, j]]) for k in (
            "tof_days", "c3_km2s2", "dla_deg", "rla_deg", "vinf_arrival_kms",
            "dec_arrival_deg", "type")}
        return make_transfer(self.origin, self.target, self.angles, self.launch_jd_tdb[i],
                             self.arrival_jd_tdb[i, j], grid, self.orbits, ())

    def __repr__(self) -> str:
        return short_repr(self, ("origin", "target", "launch_jd_tdb", "arrival_jd_tdb",
                                 "tof_days", "c3_km2s2", "vinf_arrival_kms", "revs"),
                          shape=self.shape)

    def to_pandas(self):
        """The grid as a long :class:`pandas.DataFrame`, one row per cell (row-major).

        Returns
        -------
        pandas.DataFrame
            Columns ``launch``, ``arrival`` (datetime64, TDB), ``tof_days``,
            ``type`` ("I", "II", or "" where no leg exists), ``c3_km2s2``,
            ``dla_deg``, ``rla_deg``, ``vinf_arrival_kms``, ``dec_arrival_deg``,
            ``dv_total_kms``; a cell without a leg has NaN values.
        """
        n_launch, n_arrival = self.shape
        arrival = np.broadcast_to(self.arrival_jd_tdb, self.shape)
        columns = {"launch_jd_tdb": np.repeat(self.launch_jd_tdb, n_arrival),
                   "arrival_jd_tdb": arrival.ravel(),
                   "tof_days": np.broadcast_to(self.tof_days, self.shape).ravel(),
                   "type": np.where(self.type == 1, "I",
                                    np.where(self.type == 2, "II", "")).ravel()}
        columns.update({k: getattr(self, k).ravel() for k in (
            "c3_km2s2", "dla_deg", "rla_deg", "vinf_arrival_kms", "dec_arrival_deg",
            "dv_total_kms")})
        return to_frame(columns)

    def title(self) -> str:
        first, last = jd_tdb_to_iso(self.launch_jd_tdb[[0, -1]], "days")
        return (f"{self.origin.capitalize()} to {self.target.capitalize()}, launch "
                f"{first} to {last}")

    def plot(self, path, **options):
        """Draw the chart in the style of the NASA mission design handbooks.

        PNG, SVG or PDF by the extension of ``path``; see
        :func:`marsplan.plots.porkchop.plot_porkchop` for ``options``.
        """
        from marsplan.plots.porkchop import plot_porkchop  # matplotlib on demand

        return plot_porkchop(self, path, **options)


def _date_range(span, field_name):
    start, end = (to_jd_tdb(x, field_name) for x in pair(span, field_name))
    if not end > start:
        raise InputError(f"{field_name}: end {jd_tdb_to_iso(end, 'days')} is not after start "
                         f"{jd_tdb_to_iso(start, 'days')}")
    return start, end


def porkchop(origin: str = "earth", target: str = "mars", *, launch, arrival=None,
             tof_days=None, step_days: float = 1.0, arrival_step_days: float | None = None,
             angles: str = "eme2000", orbits: Orbits = DEFAULT_ORBITS, revs: int = 0,
             low_path: bool = True,
             ephemeris: Ephemeris | None = None, progress=None) -> Porkchop:
    """Solve a porkchop grid: every launch date against every arrival date.

    Parameters
    ----------
    origin, target : str
        Bodies, e.g. ``"earth"`` (or ``"emb"``) and ``"mars"``, or the reverse.
    launch : (start, end)
        Launch dates (ISO strings, datetime or datetime64), both included.
    arrival : (start, end), optional
        Arrival dates. Give this or ``tof_days``.
    tof_days : (min, max), optional
        Times of flight instead of arrival dates; they share the launch step,
        so every arrival date falls on the launch grid.
    step_days, arrival_step_days : float
        Grid steps (the arrival step defaults to the launch step).
    angles, orbits, revs, low_path
        As for :func:`marsplan.transfer.leg.transfer_leg`.
    progress : callable(done_rows, total_rows), optional
        Called as slices of a large grid complete.

    Returns
    -------
    Porkchop

    Raises
    ------
    InputError
        Neither or both of ``arrival`` and ``tof_days``, an empty or reversed
        range, a step that is not a positive finite number of days, NaN or
        infinite times of flight, ``revs`` not a whole number in 0..1000,
        ``low_path`` not True/False, arguments of the wrong kind
        (InputTypeError), or a grid above ``MARSPLAN_MAX_GRID_CELLS`` cells.
    EphemerisRangeError, UnknownBodyError
    """
    eph = ephemeris_or_default(ephemeris)
    origin, target = eph.check_body(origin, "origin"), eph.check_body(target, "target")
    revs, low_path = whole(revs, "revs", lo=0, hi=MAX_REVS), flag(low_path, "low_path")
    step_days = real(step_days, "step_days", lo=0.0, lo_open=True, hi=10_000.0, unit="days")
    if arrival_step_days is not None:
        arrival_step_days = real(arrival_step_days, "arrival_step_days", lo=0.0, lo_open=True,
                                 hi=10_000.0, unit="days")
    if tof_days is not None:
        tof_days = tuple(real(x, "tof_days", unit="days") for x in pair(tof_days, "tof_days"))
    instance(orbits, "orbits", Orbits)
    optional_callable(progress, "progress")
    if (arrival is None) == (tof_days is None):
        raise InputError("arrival/tof_days: give exactly one of them")
    from marsplan.transfer.leg import check_grid_memory

    l0, l1 = _date_range(launch, "launch")
    # Count the cells and check memory before any array is built: a tiny step
    # would otherwise allocate (or fail on) the date arrays themselves.
    n_launch = int(np.floor((l1 - l0) / step_days + 1e-9)) + 1
    if tof_days is not None:
        t0, t1 = (float(x) for x in tof_days)
        if not (0 < t0 < t1):
            raise InputError(f"tof_days: need 0 < min < max, got {tof_days!r}")
        k0 = int(np.ceil(t0 / step_days - 1e-9))
        k1 = int(np.floor(t1 / step_days + 1e-9))
        if k1 < k0:
            raise InputError(f"tof_days: no multiple of step_days={step_days} in {tof_days!r}")
        shift, n_cols = 1, k1 - k0 + 1
        check_grid_memory(n_launch * n_cols)
        jd_launch = l0 + step_days * np.arange(n_launch)
        jd_arrival = l0 + step_days * np.arange(k0, k1 + n_launch)
    else:
        a0, a1 = _date_range(arrival, "arrival")
        step = step_days if arrival_step_days is None else arrival_step_days
        if not step > 0:
            raise InputError(f"arrival_step_days: must be positive, got {step}")
        shift, n_cols = 0, int(np.floor((a1 - a0) / step + 1e-9)) + 1
        last_arrival = a0 + step * (n_cols - 1)
        if last_arrival <= l0:
            raise InputError(f"arrival: the range ends {jd_tdb_to_iso(last_arrival, 'days')}, "
                             f"before the first launch {jd_tdb_to_iso(l0, 'days')}")
        check_grid_memory(n_launch * n_cols)
        jd_launch = l0 + step_days * np.arange(n_launch)
        jd_arrival = a0 + step * np.arange(n_cols)
    rows_per_slice = max(1, _SLICE_CELLS // max(1, n_cols))
    parts = []
    for lo in range(0, jd_launch.size, rows_per_slice):
        hi = min(jd_launch.size, lo + rows_per_slice)
        sub_arrival = jd_arrival if shift == 0 else jd_arrival[lo:hi - 1 + n_cols]
        parts.append(solve_grid(origin, target, jd_launch[lo:hi], sub_arrival, shift=shift,
                                n_cols=n_cols, ephemeris=eph, angles=angles, revs=revs,
                                low_path=low_path))
        if progress is not None:
            progress(hi, jd_launch.size)
    grid = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    origin, target = eph.check_body(origin), eph.check_body(target)
    dv = (departure_dv_kms(np.sqrt(grid["c3_km2s2"]), origin, orbits.leaving(origin))
          + capture_dv_kms(grid["vinf_arrival_kms"], target, orbits.entering(target)))
    if shift:
        arrival_jd = jd_launch[:, None] + grid["tof_days"]
    else:
        arrival_jd = np.broadcast_to(jd_arrival, grid["c3_km2s2"].shape)
    return Porkchop(origin=origin, target=target, angles=angles, ephemeris_name=eph.name,
                    launch_jd_tdb=jd_launch, arrival_jd_tdb=arrival_jd,
                    tof_days=grid["tof_days"], c3_km2s2=grid["c3_km2s2"],
                    dla_deg=grid["dla_deg"], rla_deg=grid["rla_deg"],
                    vinf_arrival_kms=grid["vinf_arrival_kms"],
                    dec_arrival_deg=grid["dec_arrival_deg"], dv_total_kms=dv,
                    type=grid["type"], revs=int(revs), orbits=orbits)
