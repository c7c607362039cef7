"""Ballistic legs between two bodies: one leg, or many at once on a grid."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from marsplan._results import short_repr, to_frame
from marsplan.constants import GM_SUN_KM3S2
from marsplan.ephemeris import Ephemeris, default_ephemeris
from marsplan.ephemeris.base import ephemeris_or_default
from marsplan.errors import InputError, NoSolutionError
from marsplan.time import jd_tdb_to_iso, to_jd_tdb
from marsplan.transfer.frames import check_angles, equator_matrix
from marsplan.transfer.maneuvers import DEFAULT_ORBITS, Orbits, capture_dv_kms, departure_dv_kms
from marsplan.validate import MAX_REVS, check_cells, flag, instance, whole

TYPE_NAMES = {1: "I", 2: "II"}
# Columns of Transfer.to_pandas after origin and target.
_FRAME_FIELDS = ("launch_jd_tdb", "arrival_jd_tdb", "tof_days", "type", "c3_km2s2", "dla_deg",
                 "rla_deg", "vinf_arrival_kms", "dec_arrival_deg", "dv_departure_kms",
                 "dv_arrival_kms", "dv_total_kms")
#: Transfer types: "I" below a 180 deg transfer angle, "II" above (docs/design.md).
TYPES = ("I", "II")
#: Kernel code of each type (the porkchop kernel's ``type`` output).
TYPE_CODE = {"I": 1, "II": 2}


def type_name(code: int) -> str:
    """Name of a transfer type code: 2 * revs + 1 below a 180 deg transfer angle,
    2 * revs + 2 above, as Roman numerals ("I", "II"; "III", "IV" for one
    revolution, ...); "" for 0 (no leg)."""
    out, code = "", int(code)
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while code >= value:
            out, code = out + numeral, code - value
    return out


# Legs within 0.01 deg of a 180 deg transfer angle are left out of every
# search. There the transfer plane is set by the target's tiny offset from the
# origin's orbital plane, so C3 and v-infinity jump with a one-second change of
# date: an "optimum" inside the band (2026 Type I) cannot be reproduced from its
# printed dates. 0.01 deg is ~15 min of launch date; it costs the ridge-bound
# 2026 Type I minimum C3 0.002 km^2/s^2 (10.4745 at 0.001 deg, 10.4764 at
# 0.01 deg, EMB) and makes its legs reproducible from ISO dates to 2e-4.
RIDGE_BAND_DEG = 0.01
SIN_RIDGE_BAND = math.sin(math.radians(RIDGE_BAND_DEG))


@dataclass(frozen=True)
class Transfer:
    """Ballistic leg(s) from ``origin`` to ``target``; arrays for arrays of dates.

    Dates are TDB Julian dates. ``type`` is ``"I"`` (transfer angle below 180
    deg) or ``"II"``. Asymptote angles are in the origin's and the target's
    equator frames (``angles``: EME2000 or mean of date; docs/design.md). Delta-v:
    departure from ``orbits.leaving(origin)``, capture into
    ``orbits.entering(target)``.
    """

    origin: str
    target: str
    angles: str
    launch_jd_tdb: np.ndarray
    arrival_jd_tdb: np.ndarray
    tof_days: np.ndarray
    type: np.ndarray
    c3_km2s2: np.ndarray
    dla_deg: np.ndarray
    rla_deg: np.ndarray
    vinf_arrival_kms: np.ndarray
    dec_arrival_deg: np.ndarray
    dv_departure_kms: np.ndarray
    dv_arrival_kms: np.ndarray
    dv_total_kms: np.ndarray
    orbits: Orbits = DEFAULT_ORBITS

    def __repr__(self) -> str:
        return short_repr(self, ("origin", "target", "launch_jd_tdb", "arrival_jd_tdb",
                                 "tof_days", "type", "c3_km2s2", "dla_deg", "rla_deg",
                                 "vinf_arrival_kms", "dv_total_kms"),
                          shape=np.shape(self.launch_jd_tdb))

    def to_pandas(self):
        """The leg(s) as a :class:`pandas.DataFrame`, one row per leg.

        Returns
        -------
        pandas.DataFrame
            Columns ``origin``, ``target``, ``launch``, ``arrival`` (datetime64,
            TDB), then the fields in their units (``tof_days``, ``c3_km2s2``, ...).
        """
        n = np.size(self.launch_jd_tdb)
        columns = {"origin": [self.origin] * n, "target": [self.target] * n}
        columns.update({k: np.atleast_1d(getattr(self, k)).ravel() for k in _FRAME_FIELDS})
        return to_frame(columns)

    def rows(self) -> list[dict]:
        """One flat dict per leg, with the keys of docs/design.md (``marsplan transfer``)."""
        fields = ("tof_days", "type", "c3_km2s2", "dla_deg", "rla_deg", "vinf_arrival_kms",
                  "dec_arrival_deg", "dv_departure_kms", "dv_arrival_kms", "dv_total_kms")
        launch = np.atleast_1d(jd_tdb_to_iso(self.launch_jd_tdb))
        arrival = np.atleast_1d(jd_tdb_to_iso(self.arrival_jd_tdb))
        columns = {k: np.atleast_1d(getattr(self, k)).ravel() for k in fields}
        out = []
        for n in range(launch.size):
            row = {"origin": self.origin, "target": self.target, "launch": str(launch.flat[n]),
                   "arrival": str(arrival.flat[n])}
            row.update({k: (str(v[n]) if k == "type" else float(v[n])) for k, v in columns.items()})
            out.append(row)
        return out


def check_grid_memory(cells: int, what: str = "grid") -> None:
    """Raise InputError when a grid has more than ``MARSPLAN_MAX_GRID_CELLS`` cells.

    An absolute limit (:func:`marsplan.validate.max_grid_cells`, 20 million cells,
    ~3.5 GB at peak, by default), so a run succeeds or fails the same way
    whatever else the machine is doing.
    """
    check_cells(cells, what)


def solve_grid(origin, target, jd_launch, jd_arrival, *, shift=0, n_cols=None, ephemeris=None,
               angles="eme2000", revs=0, low_path=True):
    """Solve every (launch, arrival) cell with the porkchop kernel; return raw surfaces.

    Cell (i, j) pairs ``jd_launch[i]`` with ``jd_arrival[j + shift * i]``;
    ``n_cols`` defaults to ``len(jd_arrival)``. Returns a dict of (L, J) arrays:
    tof_days, c3_km2s2, dla_deg, rla_deg, vinf_arrival_kms, dec_arrival_deg,
    type (int16: 2 * revs + 1 or 2, 0 failed), status (Lambert codes).
    """
    from marsplan.kernels.porkchop import porkchop_grid
    from marsplan.twobody import _guess_table

    eph = ephemeris or default_ephemeris()
    origin, target = eph.check_body(origin), eph.check_body(target)
    if origin == target or {origin, target} == {"earth", "emb"}:
        raise InputError(f"target: {target!r} must differ from origin {origin!r}")
    if "sun" in (origin, target):
        raise InputError("origin/target: the Sun is the central body, not a leg's end")
    check_angles(angles)
    jd_launch = np.ascontiguousarray(jd_launch, dtype=np.float64)
    jd_arrival = np.ascontiguousarray(jd_arrival, dtype=np.float64)
    n_cols = jd_arrival.size if n_cols is None else n_cols
    shape = (jd_launch.size, n_cols)
    if 0 in shape:
        raise InputError("grid: no launch or arrival dates (an empty range?)")
    check_grid_memory(shape[0] * shape[1])
    r_dep, v_dep = eph.state_jd(origin, jd_launch)
    r_arr, v_arr = eph.state_jd(target, jd_arrival)
    m_dep = np.ascontiguousarray(equator_matrix(origin, jd_launch, angles))
    m_arr = np.ascontiguousarray(equator_matrix(target, jd_arrival, angles))
    out = {k: np.empty(shape) for k in ("c3_km2s2", "dla_deg", "rla_deg", "vinf_arrival_kms",
                                        "dec_arrival_deg")}
    out["type"] = np.empty(shape, dtype=np.int16)  # 2 * revs + 2 passes int8 at 63 revs
    out["status"] = np.empty(shape, dtype=np.int8)
    porkchop_grid(r_dep, v_dep, jd_launch, m_dep, r_arr, v_arr, jd_arrival, m_arr, shift,
                  GM_SUN_KM3S2, int(revs), bool(low_path), _guess_table(), out["c3_km2s2"],
                  out["dla_deg"], out["rla_deg"], out["vinf_arrival_kms"],
                  out["dec_arrival_deg"], out["type"], out["status"])
    cols = np.arange(n_cols)[None, :] + shift * np.arange(shape[0])[:, None]
    out["tof_days"] = jd_arrival[cols] - jd_launch[:, None]
    return out


def transfer_leg(launch, arrival, *, origin="earth", target="mars", angles="eme2000",
             orbits: Orbits = DEFAULT_ORBITS, revs=0, low_path=True,
             ephemeris: Ephemeris | None = None) -> Transfer:
    """Ballistic (Lambert) leg from ``origin`` at ``launch`` to ``target`` at ``arrival``.

    Parameters
    ----------
    launch, arrival : str, datetime, numpy.datetime64, or arrays of them
        Epochs read as TDB; arrays are paired element by element (broadcast).
    origin, target : str
        Bodies of the ephemeris. ``"earth"`` (the Earth's centre, default) or
        ``"emb"`` (the Earth-Moon barycentre, as the NASA handbook computes).
    angles : {"eme2000", "mean-of-date"}
        Frame of the asymptote angles (docs/design.md).
    orbits : Orbits
        Orbits left and entered for ``dv_total_kms`` (:class:`Orbits`: at the
        Earth 400 km circular, at Mars 250 x 33,793 km).
    revs, low_path : int, bool
        Complete heliocentric revolutions and, for revs >= 1, the branch.
    ephemeris : Ephemeris, optional
        Defaults to DE440.

    Returns
    -------
    Transfer
        Scalars for scalar dates, arrays otherwise.

    Raises
    ------
    InputError
        Arrival not after launch, equal bodies, unknown ``angles``, ``revs`` not a
        whole number in 0..1000, ``low_path`` not True/False, ``orbits`` or
        ``ephemeris`` of the wrong kind (InputTypeError), NaN dates.
    NoSolutionError
        A single leg without a solution (transfer angle exactly 180 deg, or
        too short for ``revs``).
    EphemerisRangeError, UnknownBodyError
    """
    ephemeris = ephemeris_or_default(ephemeris)
    origin, target = ephemeris.check_body(origin, "origin"), ephemeris.check_body(target, "target")
    revs, low_path = whole(revs, "revs", lo=0, hi=MAX_REVS), flag(low_path, "low_path")
    instance(orbits, "orbits", Orbits)
    jd_l = np.asarray(to_jd_tdb(launch, "launch"), dtype=np.float64)
    jd_a = np.asarray(to_jd_tdb(arrival, "arrival"), dtype=np.float64)
    jd_l, jd_a = np.broadcast_arrays(jd_l, jd_a)
    shape = jd_l.shape
    late = jd_a <= jd_l
    if late.any():
        k = int(np.argmax(late.ravel()))
        raise InputError(f"arrival: {jd_tdb_to_iso(jd_a.ravel()[k])} is not after launch "
                         f"{jd_tdb_to_iso(jd_l.ravel()[k])}")
    grid = solve_grid(origin, target, jd_l.ravel(), jd_a.ravel(), shift=1, n_cols=1,
                      ephemeris=ephemeris, angles=angles, revs=revs, low_path=low_path)
    if shape == () and grid["status"][0, 0] != 0:
        raise NoSolutionError(f"transfer: no ballistic leg from {origin} on "
                              f"{jd_tdb_to_iso(float(jd_l))} to {target} on "
                              f"{jd_tdb_to_iso(float(jd_a))} (Lambert status "
                              f"{int(grid['status'][0, 0])}: r1 and r2 parallel, or too "
                              f"short for {revs} revolutions)")
    return make_transfer(origin, target, angles, jd_l, jd_a, grid, orbits, shape)


def make_transfer(origin, target, angles, jd_l, jd_a, grid, orbits: Orbits, shape) -> Transfer:
    """Build a :class:`Transfer` from :func:`solve_grid` surfaces, reshaped to ``shape``."""
    def shaped(a):
        a = np.asarray(a).reshape(shape)
        return a[()] if shape == () else a

    dv_dep = departure_dv_kms(np.sqrt(grid["c3_km2s2"]), origin, orbits.leaving(origin))
    dv_arr = capture_dv_kms(grid["vinf_arrival_kms"], target, orbits.entering(target))
    codes = np.asarray(grid["type"])
    types = np.array([type_name(k) for k in range(int(codes.max(initial=0)) + 1)])[codes]
    return Transfer(
        origin=origin, target=target, angles=angles,
        launch_jd_tdb=shaped(jd_l), arrival_jd_tdb=shaped(jd_a),
        tof_days=shaped(grid["tof_days"]), type=shaped(types),
        c3_km2s2=shaped(grid["c3_km2s2"]), dla_deg=shaped(grid["dla_deg"]),
        rla_deg=shaped(grid["rla_deg"]), vinf_arrival_kms=shaped(grid["vinf_arrival_kms"]),
        dec_arrival_deg=shaped(grid["dec_arrival_deg"]), dv_departure_kms=shaped(dv_dep),
        dv_arrival_kms=shaped(dv_arr), dv_total_kms=shaped(dv_dep + dv_arr),
        orbits=orbits)


class LegBatch:
    """Batched evaluation of ballistic legs between two bodies (one kernel call per batch).

    The searches (:mod:`~marsplan.transfer.windows`, :mod:`~marsplan.transfer.periods`)
    score legs through it; legs within ``RIDGE_BAND_DEG`` of a 180 deg transfer angle
    score +inf.
    """

    def __init__(self, origin, target, angles, orbits: Orbits, eph):
        self.origin, self.target, self.angles = origin, target, angles
        self.orbits, self.eph = orbits, eph

    def grid(self, jd_launch, jd_arrival):
        """Raw surfaces of the legs jd_launch[k] -> jd_arrival[k], shape (K, 1)."""
        return solve_grid(self.origin, self.target, jd_launch, jd_arrival, shift=1, n_cols=1,
                          ephemeris=self.eph, angles=self.angles)

    def dv_total_kms(self, c3_km2s2, vinf_arrival_kms):
        return (departure_dv_kms(np.sqrt(c3_km2s2), self.origin, self.orbits.leaving(self.origin))
                + capture_dv_kms(vinf_arrival_kms, self.target,
                                 self.orbits.entering(self.target)))

    def values(self, jd_launch, jd_arrival, objective, type_code, ok):
        """Objective per leg; +inf where ``ok`` is False, the leg failed or its type differs.

        objective: (K,) indices into OBJECTIVES; type_code: (K,) 1 or 2.
        """
        out = np.full(jd_launch.shape, np.inf)
        ok = ok & np.isfinite(jd_launch) & np.isfinite(jd_arrival)
        if not ok.any():
            return out
        if RIDGE_BAND_DEG > 0.0:
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
        """True where the heliocentric transfer angle is within RIDGE_BAND_DEG of 180 deg."""
        r1, _ = self.eph.state_jd(self.origin, jd_launch)
        r2, _ = self.eph.state_jd(self.target, jd_arrival)
        sin_gap = (np.linalg.norm(np.cross(r1, r2), axis=-1)
                   / (np.linalg.norm(r1, axis=-1) * np.linalg.norm(r2, axis=-1)))
        return (np.sum(r1 * r2, axis=-1) < 0.0) & (sin_gap < SIN_RIDGE_BAND)

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
                                     jd_arrival[a:b], part, self.orbits, shape))
        return out
