"""Porkchop grids: launch date x arrival date (or time of flight) surfaces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsplan._results import short_repr, to_frame
from marsplan.ephemeris import Ephemeris
from marsplan.ephemeris.base import ephemeris_or_default
from marsplan.errors import InputError
from marsplan.time import jd_tdb_to_iso, to_jd_tdb
from marsplan.transfer.leg import Transfer, make_transfer, solve_grid, type_name
from marsplan.transfer.maneuvers import DEFAULT_ORBITS, Orbits, capture_dv_kms, departure_dv_kms
from marsplan.validate import MAX_REVS, flag, instance, optional_callable, pair, real, whole

OBJECTIVES = ("min_c3", "min_vinf_arrival", "min_total_dv")
_OBJECTIVE_FIELD = {"min_c3": "c3_km2s2", "min_vinf_arrival": "vinf_arrival_kms",
                    "min_total_dv": "dv_total_kms"}
#: Branch names of a multi-revolution family (``low_path`` True / False); "" for revs 0.
BRANCHES = {True: "low", False: "high"}
#: Most revolutions a multi-family porkchop (:func:`porkchops`) solves.
MAX_PORKCHOP_REVS = 10
# Above this many cells the grid is solved in slices so a progress callback can report.
_SLICE_CELLS = 2_000_000


@dataclass(frozen=True)
class Porkchop:
    """Ballistic transfers over a grid of launch dates (rows) and arrivals (columns).

    Every surface has shape (n_launch, n_arrival). With an arrival-date grid,
    ``arrival_jd_tdb`` is the same in every row; with a time-of-flight grid each
    row's arrivals are its launch plus ``tof_days``. ``type`` is
    ``2 * revs + 1`` (transfer angle below 180 deg: Type I, or Type III with one
    revolution), ``2 * revs + 2`` (Type II, IV, ...), or 0 where no solution
    exists (NaN in the surfaces). ``low_path`` picks the branch when ``revs >=
    1`` (:func:`marsplan.twobody.lambert`). Dates are TDB Julian dates.
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
    low_path: bool = True

    @property
    def shape(self) -> tuple[int, int]:
        return self.c3_km2s2.shape

    @property
    def branch(self) -> str:
        """``"low"`` or ``"high"`` path for ``revs >= 1``; ``""`` for zero revolutions."""
        return BRANCHES[bool(self.low_path)] if self.revs else ""

    def type_names(self) -> tuple[str, str]:
        """The two type names of this family: ("I", "II") for revs 0, ("III", "IV") for 1."""
        return type_name(2 * self.revs + 1), type_name(2 * self.revs + 2)

    def optimum(self, objective: str = "min_c3", type: str | None = None) -> Transfer:
        """The best grid cell for ``objective`` ("min_c3", "min_vinf_arrival",
        "min_total_dv"), within one transfer ``type`` (one of :meth:`type_names`,
        "I" or "II" for zero revolutions) or over both.

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
        names = self.type_names()
        if type is not None and (not isinstance(type, str) or type not in names):
            raise InputError(f"type: {type!r} is not one of {', '.join(names)}")
        values = np.array(getattr(self, _OBJECTIVE_FIELD[objective]), dtype=np.float64)
        if type is not None:
            values[self.type != 2 * self.revs + 1 + names.index(type)] = np.nan
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
            ``type`` ("I", "II", ..., or "" where no leg exists), ``c3_km2s2``,
            ``dla_deg``, ``rla_deg``, ``vinf_arrival_kms``, ``dec_arrival_deg``,
            ``dv_total_kms``; a cell without a leg has NaN values.
        """
        return to_frame(self.columns(solved_only=False, with_family=False))

    def columns(self, solved_only: bool = True, with_family: bool = True) -> dict:
        """The grid as flat columns, one entry per cell (row-major): ``launch_jd_tdb``,
        ``arrival_jd_tdb``, ``tof_days``, ``type`` (names), then ``revs`` and
        ``branch`` (``with_family``), then the surfaces. ``solved_only`` leaves
        out the cells without a leg."""
        n_launch, n_arrival = self.shape
        keep = (self.type != 0).ravel() if solved_only else slice(None)
        codes = np.asarray(self.type).ravel()[keep]
        names = np.array([type_name(k) for k in range(int(codes.max(initial=0)) + 1)])
        columns = {"launch_jd_tdb": np.repeat(self.launch_jd_tdb, n_arrival)[keep],
                   "arrival_jd_tdb": np.broadcast_to(self.arrival_jd_tdb,
                                                     self.shape).ravel()[keep],
                   "tof_days": np.broadcast_to(self.tof_days, self.shape).ravel()[keep],
                   "type": names[codes]}
        if with_family:
            columns["revs"] = np.full(codes.size, self.revs, dtype=np.int64)
            columns["branch"] = np.full(codes.size, self.branch)
        columns.update({k: getattr(self, k).ravel()[keep] for k in (
            "c3_km2s2", "vinf_arrival_kms", "dla_deg", "rla_deg", "dec_arrival_deg",
            "dv_total_kms")})
        return columns

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


@dataclass(frozen=True)
class PorkchopSet:
    """Several solution families of one porkchop grid: zero revolutions, then each
    ``revs >= 1`` on its low and its high path (``layers``, in that order).

    Every layer is a :class:`Porkchop` over the same launch and arrival dates;
    a cell has up to ``len(layers)`` legs. Type names follow the transfer
    angle and the revolutions: I and II (0 revs), III and IV (1 rev), ...
    """

    layers: tuple[Porkchop, ...]

    def __getattr__(self, name):
        # Dates, bodies and settings are the same in every layer.
        if name in ("origin", "target", "angles", "ephemeris_name", "launch_jd_tdb",
                    "arrival_jd_tdb", "tof_days", "orbits", "shape"):
            return getattr(self.layers[0], name)
        raise AttributeError(name)

    @property
    def max_revs(self) -> int:
        return max(layer.revs for layer in self.layers)

    def types(self) -> list[str]:
        """Names of the types with at least one leg on the grid, in order (I, II, III, ...)."""
        codes = sorted({int(c) for layer in self.layers for c in np.unique(layer.type) if c})
        return [type_name(c) for c in codes]

    def best(self, objective: str = "min_c3", type: str | None = None):
        """The family and cell of the best leg for ``objective``, within ``type`` or
        over all: ``(layer, i, j)``.

        Raises
        ------
        InputError
            Unknown ``objective``, or no leg of ``type`` on the grid.
        """
        if not isinstance(objective, str) or objective not in OBJECTIVES:
            raise InputError(f"objective: {objective!r} is not one of {', '.join(OBJECTIVES)}")
        best, where = np.inf, None
        for layer in self.layers:
            values = np.array(getattr(layer, _OBJECTIVE_FIELD[objective]), dtype=np.float64)
            if type is not None:
                names = layer.type_names()
                if type not in names:
                    continue
                values[layer.type != 2 * layer.revs + 1 + names.index(type)] = np.nan
            if np.all(np.isnan(values)):
                continue
            i, j = np.unravel_index(np.nanargmin(values), values.shape)
            if values[i, j] < best:
                best, where = values[i, j], (layer, int(i), int(j))
        if where is None:
            what = f"Type {type} transfer" if type is not None else "transfer"
            raise InputError(f"type: no {what} on this grid (types here: "
                             f"{', '.join(self.types()) or 'none'})")
        return where

    def optimum(self, objective: str = "min_c3", type: str | None = None) -> Transfer:
        """The best leg for ``objective`` within ``type`` ("I", "II", "III", ...) or over all."""
        layer, i, j = self.best(objective, type)
        return layer.cell(i, j)

    def best_layer(self, objective: str = "min_c3") -> np.ndarray:
        """(n_launch, n_arrival) index into ``layers`` of each cell's best leg; -1 for none."""
        if not isinstance(objective, str) or objective not in OBJECTIVES:
            raise InputError(f"objective: {objective!r} is not one of {', '.join(OBJECTIVES)}")
        stack = np.stack([getattr(layer, _OBJECTIVE_FIELD[objective]) for layer in self.layers])
        solved = np.isfinite(stack)
        index = np.argmin(np.where(solved, stack, np.inf), axis=0)
        return np.where(solved.any(axis=0), index, -1)

    def columns(self, solved_only: bool = True) -> dict:
        """Every layer's :meth:`Porkchop.columns`, one after the other."""
        parts = [layer.columns(solved_only=solved_only) for layer in self.layers]
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    def to_pandas(self):
        """One row per family and cell with a leg (columns of :meth:`columns`)."""
        return to_frame(self.columns())

    def title(self) -> str:
        return self.layers[0].title()

    def __repr__(self) -> str:
        return short_repr(self, ("origin", "target", "launch_jd_tdb", "arrival_jd_tdb",
                                 "max_revs"), shape=self.shape)

    def plot(self, path, **options):
        """Draw the chart; see :func:`marsplan.plots.porkchop.plot_porkchop`."""
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
             low_path: bool = True, max_revs: int | None = None,
             ephemeris: Ephemeris | None = None, progress=None):
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
        As for :func:`marsplan.transfer.leg.transfer_leg`: one solution family.
    max_revs : int, optional
        Every family from 0 to ``max_revs`` revolutions instead (at most
        10), both branches of each ``revs >= 1``: up to ``1 + 2 * max_revs``
        legs per cell, solved in one kernel call. Give it without ``revs`` and
        ``low_path``.
    progress : callable(done_rows, total_rows), optional
        Called as slices of a large grid complete.

    Returns
    -------
    Porkchop or PorkchopSet
        A :class:`PorkchopSet` (one :class:`Porkchop` per family, in the order
        0 revs; 1 rev low path, 1 rev high path; ...) when ``max_revs`` is given.

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
    if max_revs is None:
        families = ((int(revs), bool(low_path)),)
    else:
        max_revs = whole(max_revs, "max_revs", lo=0, hi=MAX_PORKCHOP_REVS)
        if revs != 0 or low_path is not True:
            raise InputError("max_revs: give it alone; revs and low_path pick one family")
        families = ((0, True),) + tuple((m, path) for m in range(1, int(max_revs) + 1)
                                        for path in (True, False))
    check_grid_memory(n_launch * n_cols * len(families))
    grids = _solve(origin, target, jd_launch, jd_arrival, shift, n_cols, eph, angles, families,
                   progress)
    origin, target = eph.check_body(origin), eph.check_body(target)
    layers = []
    for (m, path), grid in zip(families, grids):
        dv = (departure_dv_kms(np.sqrt(grid["c3_km2s2"]), origin, orbits.leaving(origin))
              + capture_dv_kms(grid["vinf_arrival_kms"], target, orbits.entering(target)))
        if shift:
            arrival_jd = jd_launch[:, None] + grid["tof_days"]
        else:
            arrival_jd = np.broadcast_to(jd_arrival, grid["c3_km2s2"].shape)
        layers.append(Porkchop(
            origin=origin, target=target, angles=angles, ephemeris_name=eph.name,
            launch_jd_tdb=jd_launch, arrival_jd_tdb=arrival_jd, tof_days=grid["tof_days"],
            c3_km2s2=grid["c3_km2s2"], dla_deg=grid["dla_deg"], rla_deg=grid["rla_deg"],
            vinf_arrival_kms=grid["vinf_arrival_kms"], dec_arrival_deg=grid["dec_arrival_deg"],
            dv_total_kms=dv, type=grid["type"], revs=m, orbits=orbits, low_path=path))
    return layers[0] if max_revs is None else PorkchopSet(tuple(layers))


def _solve(origin, target, jd_launch, jd_arrival, shift, n_cols, eph, angles, families,
           progress):
    """Every family's surfaces (a dict each, as solve_grid's), from one kernel call per slice.

    Slices of launch rows bound the temporaries and let ``progress`` report.
    """
    from marsplan.constants import GM_SUN_KM3S2
    from marsplan.kernels.porkchop import porkchop_families
    from marsplan.transfer.frames import check_angles, equator_matrix
    from marsplan.twobody import _guess_table

    if len(families) == 1:  # one family: the single-leg path, shared with transfer_leg
        rows_per_slice = max(1, _SLICE_CELLS // max(1, n_cols))
        parts = []
        for lo in range(0, jd_launch.size, rows_per_slice):
            hi = min(jd_launch.size, lo + rows_per_slice)
            sub_arrival = jd_arrival if shift == 0 else jd_arrival[lo:hi - 1 + n_cols]
            parts.append(solve_grid(origin, target, jd_launch[lo:hi], sub_arrival, shift=shift,
                                    n_cols=n_cols, ephemeris=eph, angles=angles,
                                    revs=families[0][0], low_path=families[0][1]))
            if progress is not None:
                progress(hi, jd_launch.size)
        return [{k: np.concatenate([p[k] for p in parts]) for k in parts[0]}]
    o, t = eph.check_body(origin), eph.check_body(target)
    if o == t or {o, t} == {"earth", "emb"}:
        raise InputError(f"target: {target!r} must differ from origin {origin!r}")
    if "sun" in (o, t):
        raise InputError("origin/target: the Sun is the central body, not a leg's end")
    check_angles(angles)
    n_fam, n_launch = len(families), jd_launch.size
    revs = np.array([m for m, _ in families], dtype=np.int64)
    paths = np.array([p for _, p in families], dtype=np.bool_)
    shape = (n_fam, n_launch, n_cols)
    out = {k: np.empty(shape) for k in ("c3_km2s2", "dla_deg", "rla_deg", "vinf_arrival_kms",
                                        "dec_arrival_deg")}
    out["type"] = np.empty(shape, dtype=np.int16)
    out["status"] = np.empty(shape, dtype=np.int8)
    r_dep, v_dep = eph.state_jd(o, jd_launch)
    r_arr, v_arr = eph.state_jd(t, jd_arrival)
    m_dep = np.ascontiguousarray(equator_matrix(o, jd_launch, angles))
    m_arr = np.ascontiguousarray(equator_matrix(t, jd_arrival, angles))
    rows_per_slice = max(1, _SLICE_CELLS // max(1, n_cols * n_fam))
    for lo in range(0, n_launch, rows_per_slice):
        hi = min(n_launch, lo + rows_per_slice)
        a0 = 0 if shift == 0 else lo
        a1 = jd_arrival.size if shift == 0 else hi - 1 + n_cols
        part = {k: v[:, lo:hi] for k, v in out.items()}  # views: the kernel writes in place
        porkchop_families(r_dep[lo:hi], v_dep[lo:hi], jd_launch[lo:hi], m_dep[lo:hi],
                          r_arr[a0:a1], v_arr[a0:a1], jd_arrival[a0:a1], m_arr[a0:a1], shift,
                          GM_SUN_KM3S2, revs, paths, 2 * revs, _guess_table(),
                          part["c3_km2s2"], part["dla_deg"], part["rla_deg"],
                          part["vinf_arrival_kms"], part["dec_arrival_deg"], part["type"],
                          part["status"])
        if progress is not None:
            progress(hi, n_launch)
    cols = np.arange(n_cols)[None, :] + shift * np.arange(n_launch)[:, None]
    tof = jd_arrival[cols] - jd_launch[:, None]
    return [dict({k: v[f] for k, v in out.items()}, tof_days=tof) for f in range(n_fam)]
