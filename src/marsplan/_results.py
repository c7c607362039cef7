"""How result values show themselves: short reprs and pandas DataFrames.

Results keep TDB Julian dates and full-precision floats; this module only shows
them. A repr gives ISO dates (TDB, to the minute) and floats to five significant
digits, and an array by its range (``min..max``). :func:`to_frame` turns
records into a :class:`pandas.DataFrame` (pandas is imported on first use):
a ``*_jd_tdb`` value becomes a ``datetime64`` column named without the suffix
(``launch_jd_tdb`` -> ``launch``; TDB, NaT where the date is NaN).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

_JD_SUFFIX = "_jd_tdb"
_SHOWN_ITEMS = 3


def _iso_minutes(jd: float) -> str:
    from marsplan.time import jd_tdb_to_iso

    if not math.isfinite(jd):
        return "NaT"
    text = jd_tdb_to_iso(jd, "minutes")
    return text[:10] if text.endswith("T00:00") else text


def show(value, *, date: bool = False) -> str:
    """One value for a repr: ISO date (``date``), rounded number; an array by its range."""
    if isinstance(value, np.ndarray) and value.size > 1:
        if value.dtype.kind in "fiu":
            finite = value[np.isfinite(value)]
            if finite.size == 0:
                return "all NaN"
            lo, hi = show(finite.min(), date=date), show(finite.max(), date=date)
            return lo if lo == hi else f"{lo}..{hi}"
        kinds = sorted({str(v) for v in value.ravel()})
        return "{" + ", ".join(repr(k) for k in kinds[:_SHOWN_ITEMS]) + (
            ", ...}" if len(kinds) > _SHOWN_ITEMS else "}")
    if isinstance(value, np.ndarray):
        value = value.ravel()[0] if value.size else None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, numbers.Real):
        if date:
            return _iso_minutes(float(value))
        if isinstance(value, numbers.Integral):
            return str(value)
        return f"{value:.5g}"
    return repr(value)


def short_repr(obj, names, *, title: str | None = None, shape=None) -> str:
    """``Title(name=value, ...)`` for the attributes ``names`` of ``obj``.

    A name ending in ``_jd_tdb`` is shown without the suffix, as an ISO date;
    an array by its range (``min..max``), after ``shape`` when it is given.
    """
    parts = [] if not shape else [f"shape={tuple(shape)}"]
    for name in names:
        value = getattr(obj, name)
        if name.endswith(_JD_SUFFIX):
            parts.append(f"{name[:-len(_JD_SUFFIX)]}={show(value, date=True)}")
        else:
            parts.append(f"{name}={show(value)}")
    return f"{title or type(obj).__name__}({', '.join(parts)})"


def _dates(values) -> np.ndarray:
    from marsplan.time import jd_tdb_to_datetime64

    jd = np.asarray(values, dtype=np.float64)
    out = np.full(jd.shape, np.datetime64("NaT", "us"))
    ok = np.isfinite(jd)
    if ok.any():
        out[ok] = jd_tdb_to_datetime64(jd[ok])
    return out


def to_frame(columns: dict):
    """A :class:`pandas.DataFrame` from equal-length columns (name -> values).

    ``*_jd_tdb`` columns become datetime64 columns without the suffix.

    Raises
    ------
    ImportError
        pandas is not installed (``pip install marsplan[pandas]``).
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_pandas needs pandas: pip install 'marsplan[pandas]'") from exc
    data = {}
    for name, values in columns.items():
        if name.endswith(_JD_SUFFIX):
            data[name[:-len(_JD_SUFFIX)]] = _dates(values)
        else:
            data[name] = np.asarray(values) if isinstance(values, np.ndarray) else list(values)
    return pd.DataFrame(data)


def records_frame(records: list[dict], names=None):
    """A DataFrame with one row per record (dicts with the same keys)."""
    names = list(names if names is not None else (records[0] if records else []))
    return to_frame({k: [r[k] for r in records] for k in names})


def by_year(items, labels, year, what: str = "opportunity"):
    """The item whose opportunity label is ``year``: the one look-up of
    ``Windows``, ``Missions`` and ``Opportunities``.

    Raises
    ------
    InputError
        ``year`` is not a whole number.
    NoSolutionError
        No item carries that label; the message lists those that do.
    """
    from marsplan.errors import NoSolutionError
    from marsplan.validate import whole

    year = whole(year, "year")
    labels = list(labels)
    for label, item in zip(labels, items):
        if label == year:
            return item
    raise NoSolutionError(f"year: no {what} labelled {year!r} among those found "
                          f"({', '.join(map(str, labels)) or 'none'})")
