"""Print result rows as a table, JSON or CSV, one section or several.

A *row* is a flat ``dict`` whose keys are the names in docs/outputs.md:
snake_case with the unit in the name (``x_km``, ``vx_kms``, ``c3_km2s2``) and
dates as ISO 8601 TDB strings (``2033-04-16T00:00:00``). The three formats show
the same rows:

* ``table`` (default): a rich table for people. Floats are rounded per column by
  the unit suffix of the key (``_kms`` to 1 m/s, ``_deg`` to 0.01 deg, ...). On a
  terminal (or with ``COLUMNS`` set) the table fits the width: long text wraps,
  and the least important columns are dropped, with a line that names them.
* ``json``: one document. One section is a list of flat objects with exactly
  the row keys; several sections are an object with one named list each. Floats
  keep full precision (shortest repr that round-trips); NaN and infinities
  become ``null``; control characters are escaped by JSON itself.
* ``csv``: one table, a header line with the keys, then one line per row, full
  precision; ``None`` and NaN are empty fields. Several sections never share a
  stream: pick one (``section=``) or write one file each (``out_dir=``).

Text from scenario and catalog files is printed with its control characters
(ESC, CR, the C1 block, bidi overrides) escaped, in tables and CSV alike, so
a file cannot move the cursor or recolour the terminal.

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
import io
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from marsplan.errors import InputError
from marsplan.io.terminal import escape_control
# write_atomic lives in io/atomic.py; it is re-exported here for older imports.
from marsplan.io.atomic import OutputPathError, atomic_folder, write_atomic  # noqa: F401
from marsplan.time import jd_tdb_to_iso

#: The output formats every printing command accepts (``--format``).
FORMATS = ("table", "json", "csv")

# Table digits by the unit suffix of a key (JSON and CSV always keep full
# precision). Fixed-point rather than JPL Horizons' 1.234567890123E+08, so
# columns line up and read at a glance; the last digit shown is the last one a
# mission designer acts on: 1 m/s of delta-v or v-infinity (a launch vehicle's
# dispersion is tens of m/s), 0.01 km^2/s^2 of C3 (the NASA handbook's figures
# agree with DE440 to ~0.03), 0.01 deg of an asymptote angle (the handbook
# prints 0.1 deg), 0.1 day of a duration (dates are printed to the second).
# Commands that print state vectors ask for more (``formats=``), as Horizons does.
# Checked in order; the first suffix that ends the key wins.
TABLE_FLOAT_FORMATS: tuple[tuple[str, str], ...] = (
    ("_km2s2", ".2f"),  # C3, km^2/s^2
    ("_km3s2", ".6e"),  # GM, km^3/s^2
    ("_kms", ".3f"),  # speeds, km/s: 1 m/s
    ("_km", ".1f"),  # distances, km: 100 m
    ("_au", ".4f"),  # astronomical units: ~15,000 km
    ("_deg", ".2f"),  # angles, deg
    ("_days", ".1f"),  # durations, days: 2.4 h
    ("_s", ".1f"),  # durations, s
    ("_t", ".1f"),  # masses, tonnes: 100 kg
    ("_kg", ".0f"),
    ("_msv", ".0f"),  # doses, mSv: 1 mSv, ~1 day in deep space
    ("_musd", ".0f"),  # costs, million US$
)
_DEFAULT_FLOAT_FORMAT = ".4g"
# Beyond this magnitude a fixed-point cell would run to hundreds of digits (1e308).
_FIXED_POINT_LIMIT = 1e15

@dataclass(frozen=True)
class Section:
    """One table of a command's output.

    ``name`` is its key in a JSON document and its CSV file name (snake_case);
    ``title`` heads the table. ``hide``, ``drop`` and ``formats`` are as in
    :func:`emit`.
    """

    name: str
    rows: Sequence[Mapping]
    title: str | None = None
    hide: tuple[str, ...] = ()
    drop: tuple[str, ...] | None = None
    formats: Mapping[str, str] = field(default_factory=dict)


def emit(
    rows: Sequence[Mapping],
    fmt: str = "table",
    title: str | None = None,
    file=None,
    *,
    hide: Iterable[str] = (),
    formats: Mapping[str, str] | None = None,
    drop: Sequence[str] | None = None,
    width: int | None = None,
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
    drop : sequence of str, optional
        Table columns that may be dropped to fit the width, least important
        first (those empty in every row before the others); the others are
        always shown. By default every column but the first, from the right.
    width : int, optional
        Table width in characters; by default the terminal's (``COLUMNS`` or
        the size of ``file`` if it is a terminal), and no limit when writing to
        a pipe or file.

    Raises
    ------
    InputError
        ``fmt`` is not one of :data:`FORMATS`.
    ValueError, TypeError
        Rows with differing keys, or a value that is not flat (a bug in the caller).
    """
    fmt = _check_format(fmt)
    if file is None:
        file = sys.stdout
    keys = _keys(rows)
    if fmt == "json":
        json.dump(_json_rows(rows, keys), file, indent=2, allow_nan=False)
        file.write("\n")
    elif fmt == "csv":
        _write_csv(rows, keys, file)
    else:
        shown = [key for key in keys if key not in set(hide)]
        _print_table(rows, shown, title, file, dict(formats or {}), drop,
                     _table_width(file) if width is None else width)
    file.flush()


def emit_sections(
    sections: Sequence[Section],
    fmt: str = "table",
    file=None,
    *,
    section: str | None = None,
    out_dir: str | os.PathLike | None = None,
    known: Iterable[str] = (),
    width: int | None = None,
) -> list[str]:
    """Print a command's sections as one document, or write one file per section.

    * ``table``: each section as a table under its title, a blank line between.
    * ``json``: one document. A single section is printed as :func:`emit` would
      (a list of rows); several are one object, ``{name: [rows], ...}``.
    * ``csv``: one table per stream. With several sections, ``section`` picks one
      or ``out_dir`` writes ``NAME.csv`` for each; otherwise InputError.

    Parameters
    ----------
    sections : sequence of Section
        In print order; names are unique.
    section : str, optional
        Print only the section of this name (any format).
    out_dir : path, optional
        Write ``NAME.csv`` (or ``NAME.json``) per section into this folder instead
        of printing. The folder is built beside its target and swapped in whole,
        so files of an earlier run never mix with these. An existing folder may
        hold only files a run could have written (``known`` section names),
        never anything else: it is replaced.
    known : iterable of str
        Every section name the command can produce (the files it may replace).

    Returns
    -------
    list of str
        The files written (empty when printing).

    Raises
    ------
    InputError
        Unknown ``fmt`` or ``section``; several CSV sections with neither
        ``section`` nor ``out_dir``; ``out_dir`` with the table format.
    OutputPathError
        ``out_dir`` cannot be written, or holds other files.
    """
    fmt = _check_format(fmt)
    names = [s.name for s in sections]
    if section is not None:
        chosen = [s for s in sections if s.name == section]
        if not chosen:
            raise InputError(f"--section: {section!r} is not one of this output's sections: "
                             f"{', '.join(names)}")
        sections = chosen
    if out_dir is not None:
        if fmt == "table":
            raise InputError("--out: a folder holds csv or json files; add --format csv "
                             "or --format json")
        return _write_sections(sections, fmt, out_dir, set(known) | set(names))
    if file is None:
        file = sys.stdout
    if fmt == "table":
        for i, s in enumerate(sections):
            if i:
                file.write("\n")
            emit(s.rows, "table", s.title, file, hide=s.hide, formats=s.formats, drop=s.drop,
                 width=width)
    elif len(sections) == 1:
        emit(sections[0].rows, fmt, file=file)
    elif fmt == "json":
        document = {s.name: _json_rows(s.rows, _keys(s.rows)) for s in sections}
        json.dump(document, file, indent=2, allow_nan=False)
        file.write("\n")
        file.flush()
    else:
        raise InputError(f"--format csv: this output has {len(sections)} tables "
                         f"({', '.join(names)}) and a CSV stream holds one: choose one with "
                         f"--section NAME, or write one file each with --out DIR")
    return []


def check_out_dir(out_dir: str | os.PathLike, known: Iterable[str]) -> str:
    """Check that ``out_dir`` can take one file per section, replacing the folder whole.

    An existing folder may hold only files a run could have written
    (``NAME.csv`` or ``NAME.json`` for a name in ``known``): replacing a folder
    of other files would delete them.

    Raises
    ------
    OutputPathError
        ``DIR: cannot write: REASON``.
    """
    from marsplan.io.atomic import check_folder

    out_dir = check_folder(out_dir)
    if os.path.isdir(out_dir):
        ours = {f"{name}.{ext}" for name in known for ext in ("csv", "json")}
        others = sorted(n for n in os.listdir(out_dir) if n not in ours)
        if others:
            raise OutputPathError(
                f"{out_dir}: cannot write: the folder holds other files ({', '.join(others[:3])}"
                f"{', ...' if len(others) > 3 else ''}), which a run replaces; give a new "
                f"or empty folder")
    return out_dir


def _write_sections(sections, fmt, out_dir, known) -> list[str]:
    out_dir = check_out_dir(out_dir, known)
    paths = []
    with atomic_folder(out_dir) as build:
        for s in sections:
            buffer = io.StringIO()
            emit(s.rows, fmt, file=buffer)
            write_atomic(os.path.join(build, f"{s.name}.{fmt}"), buffer.getvalue())
            paths.append(os.path.join(out_dir, f"{s.name}.{fmt}"))
    return paths


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


def _check_format(fmt) -> str:
    fmt = getattr(fmt, "value", fmt)
    if fmt not in FORMATS:
        raise InputError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    return fmt


def _json_rows(rows, keys) -> list[dict]:
    return [{key: _plain(row[key]) for key in keys} for row in rows]


def _write_csv(rows, keys, file) -> None:
    writer = csv.writer(file, lineterminator="\n")
    if keys:
        writer.writerow([escape_control(key) for key in keys])
    for row in rows:
        writer.writerow([_csv_field(_plain(row[key])) for key in keys])


def _table_width(file) -> int | None:
    """The terminal's width: ``COLUMNS`` if set, else ``file``'s terminal; None for a pipe."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if file.isatty():
            return os.get_terminal_size(file.fileno()).columns
    except (AttributeError, OSError, ValueError):
        pass
    return None


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
    if isinstance(value, str):
        return escape_control(value)
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
        if not math.isfinite(value):
            return str(value)
        spec = _float_format(key, formats)
        if abs(value) >= _FIXED_POINT_LIMIT and spec.endswith("f"):
            spec = ".4g"
        return format(value, spec)
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, bool):
        return "yes" if plain else "no"
    return escape_control(str(plain))


def _print_table(rows, keys, title, file, formats, drop, width) -> None:
    # rich is imported here: JSON and CSV output do not need it.
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    cells = {key: [_cell(key, row[key], formats) for row in rows] for key in keys}

    def build(columns, fold):
        table = Table(title=Text(escape_control(title)) if title else None,
                      box=box.SIMPLE_HEAD, show_edge=False)
        for key in columns:
            values = [row[key] for row in rows]
            numeric = any(_is_number(v) for v in values) and all(
                _is_number(v) or v is None for v in values)
            # Text with spaces may wrap at words; numbers and dates never break.
            wraps = fold and not numeric and any(" " in c for c in cells[key])
            table.add_column(Text(escape_control(key)), justify="right" if numeric else "left",
                             no_wrap=not wraps, overflow="fold")
        for i in range(len(rows)):
            # Text, not str: a value such as "[red]" must print as itself, not as markup.
            table.add_row(*(Text(cells[key][i]) for key in columns))
        return table

    console = Console(file=file, highlight=False, width=1_000_000)

    def measure(table):
        return console.measure(table, options=console.options.update(max_width=1_000_000))

    shown = list(keys)
    droppable = [k for k in (drop if drop is not None else keys[:0:-1]) if k in shown]
    # A column with no value in any row goes first: it shows nothing but its name.
    empty = [k for k in droppable if not any(cells[k])]
    droppable = empty + [k for k in droppable if k not in empty]
    dropped = []
    table = build(shown, fold=False)
    if width is not None:
        # Fold text first; then drop the least important columns until the table fits.
        while measure(build(shown, fold=True)).minimum > width and droppable:
            key = droppable.pop(0)
            shown.remove(key)
            dropped.append(key)
        table = build(shown, fold=True)
    natural = measure(table)
    if width is not None and natural.minimum <= width:
        console.width = min(width, natural.maximum)
    else:
        # Never squeeze a number into "1.23…": at its natural width a table too
        # wide even after dropping wraps its lines in the terminal, losing nothing.
        console.width = natural.maximum
    console.print(table)
    if dropped:
        console.width = max(width or 0, 40)
        console.print(Text(f"(columns not shown at {width} characters: {', '.join(dropped)}; "
                           "--format json or csv has them all)"), soft_wrap=False)
