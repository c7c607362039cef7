"""Epochs: ISO strings, ``datetime`` and ``numpy.datetime64`` to TDB Julian dates and back.

Inside marsplan every epoch is a TDB Julian date (float64). At the edges a
calendar date is *read as TDB*: ``"2033-04-16"`` means 2033-04-16T00:00:00 TDB.
TDB - UTC is about 69 s in this century, below every tolerance marsplan
states, so a UTC date may be passed as it is. A timezone-aware ``datetime`` is
first converted to UTC. A float64 Julian date resolves about 40 microseconds.

Examples
--------
>>> to_jd_tdb("2000-01-01T12:00:00")
2451545.0
>>> jd_tdb_to_iso(2451545.0)
'2000-01-01T12:00:00'
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

from marsplan.errors import InputError, InputTypeError
from marsplan.validate import float_array, short_repr

_UNIX_EPOCH_JD = 2_440_587.5  # 1970-01-01T00:00:00 as a Julian date
_US_PER_DAY = 86_400_000_000
_UNIX_EPOCH_US = np.datetime64("1970-01-01T00:00:00", "us")
#: Julian dates marsplan converts to and from calendar dates: -9999-01-01 to
#: 9999-12-31 (proleptic Gregorian, astronomical year numbering), the years ISO
#: 8601 writes with four digits. Far beyond them datetime64 arithmetic overflows
#: int64 and would wrap silently to a wrong date (1e20 gave 1970-01-01).
JD_TDB_MIN = -1_930_999.5
JD_TDB_MAX = 5_373_484.5


_FIRST_DAY = np.datetime64("-9999-01-01", "D")
_END_DAY = np.datetime64("10000-01-01", "D")


def _to_us(values, field: str):
    """datetime64 of any unit to datetime64[us], refusing dates outside the years -9999 to 9999.

    The check is made in days first: casting a far date to microseconds would
    overflow int64 and wrap silently to a wrong date.
    """
    days = np.asarray(values).astype("datetime64[D]")
    outside = (days < _FIRST_DAY) | (days >= _END_DAY)
    if np.any(outside):
        first = days.reshape(-1)[int(np.argmax(np.reshape(outside, -1)))]
        raise InputError(f"{field}: {np.datetime_as_string(first)} lies outside the years "
                         "-9999 to 9999")
    return values.astype("datetime64[us]")


def _one_datetime64(value, field: str) -> np.datetime64:
    """Convert one epoch-like value to datetime64[us]; raise InputError otherwise."""
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise InputError(f"{field}: NaT is not a date")
        return _to_us(value, field)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return np.datetime64(value, "us")
    if isinstance(value, _dt.date):
        return np.datetime64(value, "us")
    if isinstance(value, str):
        if len(value) > 64:  # longer than any ISO date; don't echo a page of text
            raise InputError(f"{field}: {short_repr(value)} is not an ISO 8601 date")
        text = value.strip()
        if text.upper().endswith(" TDB"):
            text = text[:-4].rstrip()
        if text.endswith("Z"):
            text = text[:-1]
        text = text.replace(" ", "T", 1)
        try:
            parsed = _to_us(np.datetime64(text), field)
        except ValueError as exc:
            if isinstance(exc, InputError):
                raise
            parsed = np.datetime64("NaT", "us")
        if np.isnat(parsed):  # numpy reads "", "NaT" (and "Z" once stripped) as NaT
            raise InputError(
                f"{field}: {value!r} is not an ISO 8601 date; use e.g. 2033-04-16 or "
                "2033-04-16T06:30:00"
            )
        return parsed
    raise InputTypeError(
        f"{field}: {short_repr(value)} ({type(value).__name__}) is not an epoch; use an ISO "
        "string, datetime or numpy.datetime64"
    )


def to_datetime64(epochs, field: str = "epoch"):
    """Epoch(s) as ``numpy.datetime64[us]``: a scalar for one epoch, an array for many."""
    if not isinstance(field, str):
        raise InputTypeError(f"field: {short_repr(field)} is not a name")
    if isinstance(epochs, np.ndarray) and epochs.dtype.kind == "M":
        if np.isnat(epochs).any():
            raise InputError(f"{field}: NaT is not a date")
        return _to_us(epochs, field)
    if isinstance(epochs, (str, _dt.date, np.datetime64)) or np.ndim(epochs) == 0:
        return _one_datetime64(epochs.item() if isinstance(epochs, np.ndarray) and
                               epochs.dtype == object else epochs, field)
    try:
        values = np.asarray(epochs, dtype=object)
    except ValueError:  # ragged nesting
        raise InputError(f"{field}: nested lists of epochs must be rectangular") from None
    out = np.empty(values.shape, dtype="datetime64[us]")
    flat = out.reshape(-1)
    for i, value in enumerate(values.reshape(-1)):
        flat[i] = _one_datetime64(value, field)
    return out


def datetime64_to_jd_tdb(epochs):
    """``numpy.datetime64`` (any unit) to TDB Julian date(s); vectorized."""
    us = (np.asarray(epochs, dtype="datetime64[us]") - _UNIX_EPOCH_US).astype(np.int64)
    # Split whole days from the remainder so the float64 sum keeps its precision.
    days, rest = np.divmod(us, _US_PER_DAY)
    jd = _UNIX_EPOCH_JD + days.astype(np.float64) + rest.astype(np.float64) / _US_PER_DAY
    return jd[()] if jd.ndim == 0 else jd


def to_jd_tdb(epochs, field: str = "epoch"):
    """TDB Julian date(s) of ISO strings, ``datetime`` or ``numpy.datetime64`` values.

    Parameters
    ----------
    epochs : str, datetime.datetime, datetime.date, numpy.datetime64, or a sequence/array
        Read as TDB. ``field`` names the argument in error messages.

    Returns
    -------
    float or numpy.ndarray
        A float for one epoch, a float64 array of the input's shape otherwise.

    Raises
    ------
    InputError
        A value that is not an epoch (numbers are refused: a bare number could be a
        JD, an MJD or seconds, so marsplan does not guess; :class:`InputTypeError`),
        or a date outside the years -9999 to 9999.
    """
    jd = datetime64_to_jd_tdb(to_datetime64(epochs, field))
    return float(jd) if np.ndim(jd) == 0 else jd


def jd_tdb_to_datetime64(jd_tdb):
    """TDB Julian date(s) to ``numpy.datetime64[us]`` (rounded to the microsecond)."""
    jd = float_array(jd_tdb, "jd_tdb", finite=False)
    if not np.all(np.isfinite(jd)):
        raise InputError("jd_tdb: Julian dates must be finite")
    outside = (jd < JD_TDB_MIN) | (jd >= JD_TDB_MAX)
    if outside.any():
        raise InputError(f"jd_tdb: {float(jd[outside].flat[0])!r} lies outside the Julian dates "
                         f"of the years -9999 to 9999 ({JD_TDB_MIN} to {JD_TDB_MAX})")
    days = np.floor(jd - _UNIX_EPOCH_JD)
    frac_us = np.rint((jd - _UNIX_EPOCH_JD - days) * _US_PER_DAY).astype(np.int64)
    us = days.astype(np.int64) * _US_PER_DAY + frac_us
    out = _UNIX_EPOCH_US + us.astype("timedelta64[us]")
    return out[()] if out.ndim == 0 else out


def jd_tdb_to_iso(jd_tdb, timespec: str = "seconds"):
    """TDB Julian date(s) to ISO 8601 text, e.g. ``'2033-04-16T00:00:00'``.

    ``timespec`` is ``"days"``, ``"minutes"``, ``"seconds"`` or ``"milliseconds"``;
    the value is rounded to that precision.

    Raises
    ------
    InputError
        ``jd_tdb`` not numbers, NaN, infinite, or outside the years -9999 to 9999
        (:data:`JD_TDB_MIN` to :data:`JD_TDB_MAX`); an unknown ``timespec``.
    """
    units = {"days": "D", "minutes": "m", "seconds": "s", "milliseconds": "ms"}
    if not isinstance(timespec, str) or timespec not in units:
        raise InputError(f"timespec: {short_repr(timespec)} is not one of {', '.join(units)}")
    unit = units[timespec]
    dt64 = jd_tdb_to_datetime64(jd_tdb)
    # Round to the requested unit (datetime64 casting truncates).
    step = np.timedelta64(1, unit).astype("timedelta64[us]").astype(np.int64)
    us = (np.asarray(dt64, dtype="datetime64[us]") - _UNIX_EPOCH_US).astype(np.int64)
    rounded = _UNIX_EPOCH_US + ((us + step // 2) // step * step).astype("timedelta64[us]")
    text = np.datetime_as_string(rounded.astype(f"datetime64[{unit}]"), unit=unit)
    return str(text) if np.ndim(text) == 0 else text
