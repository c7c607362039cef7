"""Ballistic legs between two bodies: one leg, or many at once on a grid."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from marsplan.constants import GM_SUN_KM3S2
from marsplan.ephemeris import Ephemeris, default_ephemeris
from marsplan.errors import InputError, NoSolutionError
from marsplan.time import jd_tdb_to_iso, to_jd_tdb
from marsplan.transfer.frames import check_angles, equator_matrix
from marsplan.transfer.maneuvers import (
    DEFAULT_DEPARTURE_ORBIT,
    Orbit,
    capture_dv_kms,
    default_capture_orbit,
    departure_dv_kms,
)

TYPE_NAMES = {1: "I", 2: "II"}
# Bytes per grid cell kept by a porkchop: seven float64 surfaces, two int8 ones.
_BYTES_PER_CELL = 7 * 8 + 2


@dataclass(frozen=True)
class Transfer:
    """Ballistic leg(s) from ``origin`` to ``target``; arrays for arrays of dates.

    Dates are TDB Julian dates. ``type`` is ``"I"`` (transfer angle below 180
    deg) or ``"II"``. Asymptote angles are in the origin's and the target's
    equator frames (``angles``: EME2000 or mean of date; docs/design.md). Delta-v:
    departure from ``departure_orbit`` about the origin, capture into
    ``capture_orbit`` about the target.
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
    departure_orbit: Orbit
    capture_orbit: Orbit

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
    """Raise InputError when ``cells`` porkchop cells would not fit in half the free memory."""
    need = cells * _BYTES_PER_CELL * 3  # outputs plus temporaries while they are built
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        free = 8 << 30
    if need > free // 2:
        raise InputError(f"{what}: {cells:,} cells need ~{need / 2**30:.1f} GiB, more than half "
                         f"the {free / 2**30:.1f} GiB free; use a coarser step_days or a "
                         "shorter range")


def solve_grid(origin, target, jd_launch, jd_arrival, *, shift=0, n_cols=None, ephemeris=None,
               angles="eme2000", revs=0, low_path=True):
    """Solve every (launch, arrival) cell with the porkchop kernel; return raw surfaces.

    Cell (i, j) pairs ``jd_launch[i]`` with ``jd_arrival[j + shift * i]``;
    ``n_cols`` defaults to ``len(jd_arrival)``. Returns a dict of (L, J) arrays:
    tof_days, c3_km2s2, dla_deg, rla_deg, vinf_arrival_kms, dec_arrival_deg,
    type (int8 1/2, 0 failed), status (Lambert codes).
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
    out["type"] = np.empty(shape, dtype=np.int8)
    out["status"] = np.empty(shape, dtype=np.int8)
    porkchop_grid(r_dep, v_dep, jd_launch, m_dep, r_arr, v_arr, jd_arrival, m_arr, shift,
                  GM_SUN_KM3S2, int(revs), bool(low_path), _guess_table(), out["c3_km2s2"],
                  out["dla_deg"], out["rla_deg"], out["vinf_arrival_kms"],
                  out["dec_arrival_deg"], out["type"], out["status"])
    cols = np.arange(n_cols)[None, :] + shift * np.arange(shape[0])[:, None]
    out["tof_days"] = jd_arrival[cols] - jd_launch[:, None]
    return out


def transfer(launch, arrival, *, origin="earth", target="mars", angles="eme2000",
             departure_orbit: Orbit = DEFAULT_DEPARTURE_ORBIT, capture_orbit: Orbit | None = None,
             revs=0, low_path=True, ephemeris: Ephemeris | None = None) -> Transfer:
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
    departure_orbit, capture_orbit : Orbit
        Orbits left and entered for ``dv_total_kms``: 400 km circular, and at
        Mars 250 x 33,793 km (1 sol); elsewhere 400 km circular.
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
        Arrival not after launch, equal bodies, unknown ``angles``.
    NoSolutionError
        A single leg without a solution (transfer angle exactly 180 deg, or
        too short for ``revs``).
    EphemerisRangeError, UnknownBodyError
    """
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
    capture_orbit = capture_orbit or default_capture_orbit(target)
    return make_transfer(origin, target, angles, jd_l, jd_a, grid, departure_orbit,
                         capture_orbit, shape)


def make_transfer(origin, target, angles, jd_l, jd_a, grid, departure_orbit, capture_orbit,
                  shape) -> Transfer:
    """Build a :class:`Transfer` from :func:`solve_grid` surfaces, reshaped to ``shape``."""
    def shaped(a):
        a = np.asarray(a).reshape(shape)
        return a[()] if shape == () else a

    dv_dep = departure_dv_kms(np.sqrt(grid["c3_km2s2"]), origin, departure_orbit)
    dv_arr = capture_dv_kms(grid["vinf_arrival_kms"], target, capture_orbit)
    types = np.where(grid["type"] == 1, "I", np.where(grid["type"] == 2, "II", ""))
    return Transfer(
        origin=origin, target=target, angles=angles,
        launch_jd_tdb=shaped(jd_l), arrival_jd_tdb=shaped(jd_a),
        tof_days=shaped(grid["tof_days"]), type=shaped(types),
        c3_km2s2=shaped(grid["c3_km2s2"]), dla_deg=shaped(grid["dla_deg"]),
        rla_deg=shaped(grid["rla_deg"]), vinf_arrival_kms=shaped(grid["vinf_arrival_kms"]),
        dec_arrival_deg=shaped(grid["dec_arrival_deg"]), dv_departure_kms=shaped(dv_dep),
        dv_arrival_kms=shaped(dv_arr), dv_total_kms=shaped(dv_dep + dv_arr),
        departure_orbit=departure_orbit, capture_orbit=capture_orbit)
