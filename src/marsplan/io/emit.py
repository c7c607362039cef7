"""Print result rows as a table, JSON or CSV; write files atomically.

A *row* is a flat ``dict`` whose keys are the names in DESIGN.md ("Machine-readable
outputs"): snake_case with the unit in the name (``x_km``, ``vx_kms``, ``c3_km2s2``)
and dates as ISO 8601 TDB strings (``2033-04-16T00:00:00``). The three formats
show the same rows:

* ``table`` (default): a rich table for people; floats are rounded per column
  by the unit suffix of the key (``_km`` to 1 m, ``_kms`` to 1 mm/s, ...).
* ``json``: a list of flat objects with exactly the row keys; floats keep full
  precision (shortest repr that round-trips), NaN and infinities become ``null``.
* ``csv``: a header line with the keys, then one line per row, full precision;
  ``None`` and NaN are empty fields.

Examples
--------
>>> emit([{"body": "mars", "x_km": 1.5}], "json")
[
  {
    "body": "mars",
    "x_km": 1.5
  }
]
"""

from __future__ import annotations

import csv
import datetime as _dt
import enum
import json
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from marsplan.errors import InputError
# write_atomic lives in io/atomic.py; it is re-exported here for older imports.
from marsplan.io.atomic import write_atomic  # noqa: F401
from marsplan.time import jd_tdb_to_iso

#: The output formats every printing command accepts (``--format``).
FORMATS = ("table", "json", "csv")

# Table digits by the unit suffix of a key (JSON and CSV always keep full
# precision). Fixed-point rather than JPL Horizons' 1.234567890123E+08, so
# columns line up and read at a glance; the last digit shown is a useful one:
# 1 m in position and 1 mm/s in velocity are below a DE440 planet's own
# uncertainty, 1e-3 km^2/s^2 of C3 is well below any launch-vehicle margin.
# Checked in order; the first suffix that ends the key wins.
TABLE_FLOAT_FORMATS: tuple[tuple[str, str], ...] = (
    ("_km2s2", ".3f"),  # C3, km^2/s^2
    ("_km3s2", ".6e"),  # GM, km^3/s^2
    ("_kms", ".6f"),  # speeds, km/s: 1 mm/s
    ("_km", ".3f"),  # distances, km: 1 m
    ("_au", ".6f"),  # astronomical units: ~150 km
    ("_deg", ".3f"),  # angles, deg: ~1 mrad / 20
    ("_days", ".2f"),  # durations, days: ~15 min
    ("_s", ".3f"),  # durations, s
    ("_t", ".2f"),  # masses, tonnes: 10 kg
    ("_kg", ".1f"),
    ("_msv", ".1f"),  # doses, mSv
)
_DEFAULT_FLOAT_FORMAT = ".6g"


def emit(
    rows: Sequence[Mapping],
    fmt: str = "table",
    title: str | None = None,
    file=None,
    *,
    hide: Iterable[str] = (),
    formats: Mapping[str, str] | None = None,
) -> None:
    """Print ``rows`` to ``file`` as a table, JSON or CSV.

    Parameters
    ----------
    rows : sequence of dict
        Flat rows, all with the same keys; the first row's key order is the
        column order. Values: str, int, float, bool, None, numpy scalars,
        ``datetime``/``date``/``numpy.datetime64`` (printed as ISO 8601).
    fmt : {"table", "json", "csv"}
        Output format (a ``str`` enum member works too).
    title : str, optional
        Table title; says what the rows are (body, frame, kernel, time scale).
        JSON and CSV carry no title: their keys say it.
    file : text stream, optional
        Where to write; ``sys.stdout`` (looked up at call time) by default.
    hide : iterable of str, optional
        Keys left out of the *table* only, because the title already names their
        (constant) value. JSON and CSV always carry every key.
    formats : mapping of str to str, optional
        Per-key format specs for table floats (e.g. ``{"x_km": ".1f"}``),
        overriding :data:`TABLE_FLOAT_FORMATS`.

    Raises
    ------
    InputError
        ``fmt`` is not one of :data:`FORMATS`.
    ValueError, TypeError
        Rows with differing keys, or a value that is not flat (a bug in the caller).
    """
    fmt = getattr(fmt, "value", fmt)
    if fmt not in FORMATS:
        raise InputError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if file is None:
        file = sys.stdout
    keys = _keys(rows)
    if fmt == "json":
        plain = [{key: _plain(row[key]) for key in keys} for row in rows]
        json.dump(plain, file, indent=2, allow_nan=False)
        file.write("\n")
    elif fmt == "csv":
        writer = csv.writer(file, lineterminator="\n")
        if keys:
            writer.writerow(keys)
        for row in rows:
            writer.writerow([_csv_field(_plain(row[key])) for key in keys])
    else:
        shown = [key for key in keys if key not in set(hide)]
        _print_table(rows, shown, title, file, dict(formats or {}))
    file.flush()


def state_rows(body: str, frame: str, jd_tdb, r_km, v_kms) -> list[dict]:
    """Rows of ``marsplan state``, keyed as in DESIGN.md: one per epoch.

    Parameters
    ----------
    body, frame : str
        Canonical body name and ``"ecliptic"`` or ``"equatorial"`` (both J2000).
    jd_tdb : (N,) array_like
        TDB Julian dates; printed as ISO 8601 to the second.
    r_km, v_kms : (N, 3) array_like
        Heliocentric position, km, and velocity, km/s, in ``frame``.
    """
    iso = np.atleast_1d(jd_tdb_to_iso(np.atleast_1d(jd_tdb)))
    r_km = np.asarray(r_km, dtype=np.float64).reshape(-1, 3)
    v_kms = np.asarray(v_kms, dtype=np.float64).reshape(-1, 3)
    return [
        {
            "body": body,
            "epoch": str(epoch),
            "frame": frame,
            "x_km": float(r[0]),
            "y_km": float(r[1]),
            "z_km": float(r[2]),
            "vx_kms": float(v[0]),
            "vy_kms": float(v[1]),
            "vz_kms": float(v[2]),
        }
        for epoch, r, v in zip(iso, r_km, v_kms, strict=True)
    ]


def _keys(rows: Sequence[Mapping]) -> list[str]:
    """The common keys of ``rows``, in the first row's order."""
    if not rows:
        return []
    keys = list(rows[0])
    expected = set(keys)
    for i, row in enumerate(rows):
        if set(row) != expected:
            raise ValueError(
                f"rows: row {i} has keys {sorted(row)}, row 0 has {sorted(expected)}"
            )
    return keys


def _plain(value):
    """``value`` as a JSON-ready Python scalar; NaN and infinities become None."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        return _plain(value.astype("datetime64[us]").item())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, _dt.datetime):
        return value.isoformat(timespec="seconds" if value.microsecond == 0 else "microseconds")
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"rows: {value!r} ({type(value).__name__}) is not a flat value")


def _csv_field(value):
    if value is None:
        return ""
    if isinstance(value, bool):  # as JSON spells them
        return "true" if value else "false"
    return value


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _float_format(key: str, formats: Mapping[str, str]) -> str:
    if key in formats:
        return formats[key]
    for suffix, spec in TABLE_FLOAT_FORMATS:
        if key.endswith(suffix):
            return spec
    return _DEFAULT_FLOAT_FORMAT


def _cell(key: str, value, formats: Mapping[str, str]) -> str:
    if _is_number(value) and not isinstance(value, (int, np.integer)):
        value = float(value)
        return format(value, _float_format(key, formats)) if math.isfinite(value) else str(value)
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, bool):
        return "yes" if plain else "no"
    return str(plain)


def _print_table(rows, keys, title, file, formats) -> None:
    # rich is imported here: JSON and CSV output do not need it.
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, box=box.SIMPLE_HEAD, show_edge=False)
    for key in keys:
        values = [row[key] for row in rows]
        numeric = any(_is_number(v) for v in values) and all(
            _is_number(v) or v is None for v in values
        )
        table.add_column(Text(key), justify="right" if numeric else "left", no_wrap=True)
    for row in rows:
        # Text, not str: a value such as "[red]" must print as itself, not as markup.
        table.add_row(*(Text(_cell(key, row[key], formats)) for key in keys))
    console = Console(file=file, highlight=False)
    # Never squeeze a number into "1.23…": widen the console to the table's natural
    # width (a narrow terminal then wraps lines, which loses nothing).
    natural = console.measure(table, options=console.options.update(max_width=1_000_000)).maximum
    if natural > console.width:
        console.width = natural
    console.print(table)
