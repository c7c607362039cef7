"""Two-body problems on arrays: Lambert's problem and Kepler propagation.

The public face of :mod:`marsplan.kernels`: arguments are broadcast over
leading dimensions, converted to the kernels' plain float64 arrays, solved in
one (parallel) kernel call, and the status codes turned into exceptions for a
single problem or NaN rows plus a status array for a batch.
"""

from __future__ import annotations

import enum

import numpy as np

from marsplan.errors import InputError, InputTypeError, NoSolutionError
from marsplan.validate import MAX_REVS, check_cells, float_array, real, short_repr


class LambertStatus(enum.IntEnum):
    """Per-problem status of :func:`lambert` (``return_status=True``).

    The codes of :mod:`marsplan.kernels.lambert`, repeated here so that importing
    this module loads no numba (tests/test_twobody.py checks they agree).
    """

    SOLVED = 0
    BAD_TOF = 1
    NO_SOLUTION = 2
    DEGENERATE = 3
    NOT_CONVERGED = 4
    BAD_INPUT = 5


_LAMBERT_MESSAGES = {
    LambertStatus.BAD_TOF: "tof_s must be positive and finite",
    LambertStatus.NO_SOLUTION: "the time of flight is too short for the requested revolutions",
    LambertStatus.DEGENERATE: ("r1 and r2 are parallel (transfer angle 0, 180 or 360 deg) or "
                               "zero, so the transfer plane is undefined"),
    LambertStatus.NOT_CONVERGED: "the Householder iteration did not converge",
    LambertStatus.BAD_INPUT: "positions must be finite, mu positive and revs >= 0",
}


_GUESS_TABLE = None


def _guess_table():
    """The zero-revolution initial-guess table, built once per process (~0.1 s)."""
    global _GUESS_TABLE
    if _GUESS_TABLE is None:
        from marsplan.kernels.lambert import build_guess_table

        _GUESS_TABLE = build_guess_table()
    return _GUESS_TABLE


def _vectors(name, value):
    # Non-finite rows are allowed: in a batch they give a NaN row and a status code.
    return float_array(value, name, last_axis=3, finite=False)


def _options(name, value, kind):
    """``revs`` (kind "int") or a flag (kind "bool") as an array, strictly typed."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        raise InputError(f"{name}: not an array (ragged nesting)") from None
    if kind == "bool":
        if array.dtype != np.bool_:
            raise InputTypeError(f"{name}: expected True or False, got {short_repr(value)}")
        return array
    if (array.dtype.kind == "f" and np.all(np.abs(array) <= 2.0**53)  # also False for NaN
            and np.all(array == np.round(array))):
        array = array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise InputTypeError(f"{name}: expected whole numbers, got {short_repr(value)}")
    if array.size and array.min() < 0:
        raise InputError(f"{name}: {int(array.min())} is below 0; revolutions are 0, 1, 2, ...")
    if array.size and array.max() > MAX_REVS:
        raise InputError(f"{name}: {int(array.max())} is above the limit of {MAX_REVS}")
    return array


def lambert(r1, r2, tof_s, mu, revs=0, prograde=True, low_path=True, *, return_status=False):
    """Velocities of the conic arc from ``r1`` to ``r2`` in ``tof_s`` (Izzo 2015).

    Parameters
    ----------
    r1, r2 : array_like, shape (..., 3)
        Initial and final positions, km, in one inertial frame.
    tof_s : float or array_like
        Time of flight, s.
    mu : float
        GM of the central body, km^3/s^2.
    revs : int or array_like of int
        Complete revolutions before arrival (0, 1, 2, ...).
    prograde : bool or array_like of bool
        Motion with angular momentum along +z of the frame (True) or retrograde.
    low_path : bool or array_like of bool
        For ``revs >= 1`` there are two arcs: True picks the right branch of
        Izzo's T(x) curve (larger x, as in lamberthub and poliastro), False the left.
    return_status : bool
        Also return the per-problem :class:`LambertStatus` codes (int8 array);
        then nothing raises for a problem without a solution, single or not.

    All of r1, r2 (without their last axis), tof_s, revs, prograde and low_path
    are broadcast together; the batch is solved in parallel on all cores
    (``numba.set_num_threads`` limits it).

    Returns
    -------
    v1_kms, v2_kms : numpy.ndarray, shape (..., 3)
        Velocities at r1 and r2, km/s. In a batch, a problem with no solution
        gives a NaN row and its status code; nothing raises.

    Raises
    ------
    NoSolutionError
        One problem (no batch dimension) that has no solution: time of flight
        too short for ``revs``, or r1 and r2 parallel (transfer plane undefined).
    InputError
        One problem with a non-positive time of flight or a non-finite position;
        for any call: mu not a finite positive number, revs not whole numbers in
        0..MAX_REVS, prograde/low_path not booleans (``"no"`` is refused, not read
        as True), arrays of the wrong shape or with more problems than
        :func:`marsplan.validate.max_grid_cells`.

    Notes
    -----
    Edge cases. Transfer angles within ~6e-9 deg of 0, 180 or 360 deg
    (|sin| < 1e-10) and r1 == r2 are degenerate: the plane of the arc is
    undefined by r1 and r2, so no velocity direction can be given. Closer to
    180 deg than ~1e-4 deg the plane, and so the out-of-plane velocity, is
    known only to ~1e-16/|sin(angle)| rad. For revs >= 1 a time of flight
    below the minimum of the branch has no solution.

    References
    ----------
    D. Izzo, "Revisiting Lambert's problem", Celest. Mech. Dyn. Astr. 121:1-15, 2015.

    Examples
    --------
    Curtis, Orbital Mechanics for Engineering Students, Example 5.2:

    >>> v1, v2 = lambert([5000, 10000, 2100], [-14600, 2500, 7000], 3600, 398600)
    >>> v1.round(4)
    array([-5.9925,  1.9254,  3.2456])
    """
    from marsplan.kernels.lambert import lambert_batch, lambert_one

    r1 = _vectors("r1", r1)
    r2 = _vectors("r2", r2)
    tof_s = float_array(tof_s, "tof_s", finite=False)
    revs = _options("revs", revs, "int")
    prograde = _options("prograde", prograde, "bool")
    low_path = _options("low_path", low_path, "bool")
    mu = real(mu, "mu", lo=0.0, lo_open=True, unit="km^3/s^2")
    if not isinstance(return_status, (bool, np.bool_)):
        raise InputTypeError(f"return_status: expected True or False, got "
                             f"{short_repr(return_status)}")
    try:
        shape = np.broadcast_shapes(r1.shape[:-1], r2.shape[:-1], tof_s.shape, revs.shape,
                                    prograde.shape, low_path.shape)
    except ValueError:
        raise InputError(
            f"r1 {r1.shape}, r2 {r2.shape}, tof_s {tof_s.shape}, revs {revs.shape}: "
            "shapes do not broadcast") from None

    check_cells(int(np.prod(shape, dtype=np.float64)), "lambert: problems")
    if shape == ():
        v1 = np.empty(3)
        v2 = np.empty(3)
        code = LambertStatus(lambert_one(r1, r2, float(tof_s), mu, int(revs), bool(prograde),
                                         bool(low_path), v1, v2, _guess_table()))
        if return_status:
            return v1, v2, np.int8(code)
        if code in (LambertStatus.NO_SOLUTION, LambertStatus.DEGENERATE,
                    LambertStatus.NOT_CONVERGED):
            raise NoSolutionError(f"lambert: no solution for revs={int(revs)}: "
                                  f"{_LAMBERT_MESSAGES[code]}")
        if code != LambertStatus.SOLVED:
            raise InputError(f"lambert: {_LAMBERT_MESSAGES[code]} (tof_s={float(tof_s)}, "
                             f"mu={mu}, revs={int(revs)})")
        return v1, v2

    n = int(np.prod(shape))

    def flat(a, tail=(), dtype=np.float64):
        return np.ascontiguousarray(np.broadcast_to(a, shape + tail).reshape((n,) + tail),
                                    dtype=dtype)

    def option(a, dtype):  # one value for all problems stays a length-1 array
        return np.full(1, a, dtype=dtype) if a.size == 1 else flat(a, dtype=dtype)

    v1 = np.empty((n, 3))
    v2 = np.empty((n, 3))
    status = np.empty(n, dtype=np.int8)
    lambert_batch(flat(r1, (3,)), flat(r2, (3,)), flat(tof_s), mu, option(revs, np.int64),
                  option(prograde, np.bool_), option(low_path, np.bool_), v1, v2, status,
                  _guess_table())
    v1 = v1.reshape(shape + (3,))
    v2 = v2.reshape(shape + (3,))
    if return_status:
        return v1, v2, status.reshape(shape)
    return v1, v2


def propagate(r0_km, v0_kms, dt_s, mu_km3s2, *, return_status=False):
    """Two-body (Kepler) propagation in universal variables.

    Parameters
    ----------
    r0_km, v0_kms : array_like, shape (..., 3)
        Initial positions (km) and velocities (km/s), one inertial frame.
    dt_s : float or array_like
        Time steps, s, of either sign; broadcast with the states' leading
        dimensions (one state and an array of times samples one orbit).
    mu_km3s2 : float
        GM of the central body.
    return_status : bool
        Also return the per-row status codes (int8, 0 = propagated; see
        :mod:`marsplan.kernels.kepler`).

    Returns
    -------
    r_km, v_kms : numpy.ndarray, shape (..., 3)
        States after ``dt_s``. In a batch a failed row is NaN and keeps its code.

    Raises
    ------
    InputError
        A single state (no batch dimension) that cannot be propagated (non-finite
        input, r0 = 0, or a rectilinear fall through the centre); for any call,
        mu_km3s2 not a finite positive number, or arrays that are not numbers of
        the right shape.

    Examples
    --------
    Curtis, Orbital Mechanics for Engineering Students, Example 3.7:

    >>> r, v = propagate([7000, -12124, 0], [2.6679, 4.6210, 0], 3600, 398600)
    >>> r.round(1)
    array([-3297.8,  7413.4,     0. ])
    """
    from marsplan.kernels.kepler import STATUS_MESSAGES, propagate_batch

    r0 = _vectors("r0_km", r0_km)
    v0 = _vectors("v0_kms", v0_kms)
    dt = float_array(dt_s, "dt_s", finite=False)
    mu_km3s2 = real(mu_km3s2, "mu_km3s2", lo=0.0, lo_open=True, unit="km^3/s^2")
    if not isinstance(return_status, (bool, np.bool_)):
        raise InputTypeError(f"return_status: expected True or False, got "
                             f"{short_repr(return_status)}")
    try:
        shape = np.broadcast_shapes(r0.shape[:-1], v0.shape[:-1], dt.shape)
    except ValueError:
        raise InputError(f"r0_km {r0.shape}, v0_kms {v0.shape}, dt_s {dt.shape}: "
                         "shapes do not broadcast") from None
    check_cells(int(np.prod(shape, dtype=np.float64)), "propagate: states")
    n = int(np.prod(shape))

    def flat(a, tail=()):
        return np.ascontiguousarray(np.broadcast_to(a, shape + tail).reshape((n,) + tail),
                                    dtype=np.float64)

    r = np.empty((n, 3))
    v = np.empty((n, 3))
    status = np.empty(n, dtype=np.int8)
    propagate_batch(flat(r0, (3,)), flat(v0, (3,)), flat(dt), float(mu_km3s2), r, v, status)
    if shape == () and status[0] != 0 and not return_status:
        raise InputError(f"propagate: {STATUS_MESSAGES[status[0]]}")
    r = r.reshape(shape + (3,))
    v = v.reshape(shape + (3,))
    if return_status:
        return r, v, status.reshape(shape)
    return r, v
