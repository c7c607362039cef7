"""Checks at the door: every public function tests its arguments here first.

Each helper returns the value in its plain form (``float``, ``int``, ``bool``,
a float64 array) or raises an :class:`~marsplan.errors.InputError` subclass
whose message starts with the argument's name and says what is allowed:
``revs: -1 is below 0``. Wrong kinds of object raise
:class:`~marsplan.errors.InputTypeError` (also a ``TypeError``); files that
cannot be read raise :class:`~marsplan.errors.InputFileError`.

NaN and infinities are refused wherever a number is expected: a NaN compares
false with every bound, so an unchecked one passes ``x > 0`` tests the wrong
way, and an infinity can reach a "flyable" verdict. Counts and grid sizes have
absolute upper bounds, so no input makes a loop or an array grow without end.

This module imports only the standard library, NumPy and :mod:`marsplan.errors`
so that every layer may use it.
"""

from __future__ import annotations

import math
import numbers
import os
import stat

import numpy as np

from marsplan.errors import InputError, InputFileError, InputTypeError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_REVS",
    "DEFAULT_MAX_GRID_CELLS",
    "check_cells",
    "choice",
    "decode_text",
    "flag",
    "float_array",
    "instance",
    "max_grid_cells",
    "optional_callable",
    "pair",
    "parse_toml",
    "read_regular_file",
    "real",
    "regular_file",
    "short_repr",
    "show_path",
    "whole",
]

#: Largest scenario or catalog file read, bytes (1 MiB). The packaged files are
#: under 40 kB; a larger one is a mistake (a log, a binary), not a scenario.
MAX_FILE_BYTES = 1 << 20

#: Default largest number of cells a porkchop (or any date grid) may have. A cell
#: keeps 58 bytes of results and ~3x that while it is built, so 20 million cells
#: take ~3.5 GB at peak. Set ``MARSPLAN_MAX_GRID_CELLS`` to change it: an absolute,
#: reproducible limit, not a share of the memory that happens to be free.
DEFAULT_MAX_GRID_CELLS = 20_000_000
_GRID_ENV = "MARSPLAN_MAX_GRID_CELLS"

#: Most complete revolutions a Lambert arc may make: heliocentric transfers of
#: interest make a few at most, and the solver's work per problem grows with revs.
MAX_REVS = 1000


def short_repr(value, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters (repr escapes control characters)."""
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not hide the real message
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split()) if "\n" in text else text  # an array's repr is several lines
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show_path(name: str) -> str:
    """A path as messages print it: as is, or quoted with escapes if it holds control
    characters (an ESC or CR from a file name must not reach the terminal raw)."""
    return name if name.isprintable() else repr(name)


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def real(value, name: str, *, lo: float | None = None, hi: float | None = None,
         lo_open: bool = False, hi_open: bool = False, unit: str = "") -> float:
    """``value`` as a finite float within [lo, hi] (or open ends); else InputError.

    Booleans, strings and other objects are refused (InputTypeError): ``True``
    is not a number of days, and ``"3"`` is not 3.
    """
    suffix = f" {unit}" if unit else ""
    if _is_bool(value) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value.item()
        else:
            raise InputTypeError(f"{name}: {short_repr(value)} ({type(value).__name__}) is not "
                                 "a number")
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):
        raise InputError(f"{name}: {short_repr(value)} is not a finite number") from None
    if not math.isfinite(number):
        raise InputError(f"{name}: {number!r} is not a finite number")
    if lo is not None and (number <= lo if lo_open else number < lo):
        raise InputError(f"{name}: {number:g}{suffix} must be {'>' if lo_open else '>='} {lo:g}"
                         f"{suffix}")
    if hi is not None and (number >= hi if hi_open else number > hi):
        raise InputError(f"{name}: {number:g}{suffix} must be {'<' if hi_open else '<='} {hi:g}"
                         f"{suffix}")
    return number


def whole(value, name: str, *, lo: int | None = None, hi: int | None = None) -> int:
    """``value`` as an int within [lo, hi]; integral floats (``2.0``) are accepted.

    Booleans, fractions (``1.5``), NaN and infinities are refused.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{name}: {short_repr(value)} ({type(value).__name__}) is not a "
                             "whole number")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or as_float != math.floor(as_float):
            raise InputError(f"{name}: {short_repr(value)} is not a whole number")
        number = int(as_float)
    if lo is not None and number < lo:
        raise InputError(f"{name}: {number} is below {lo}")
    if hi is not None and number > hi:
        raise InputError(f"{name}: {number} is above the limit of {hi}")
    return number


def flag(value, name: str) -> bool:
    """``value`` as a bool; only ``True``/``False`` (or NumPy's) are accepted.

    ``"no"`` is a non-empty string, so ``bool("no")`` is True: refusing it is the
    only safe reading.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype == np.bool_:
        value = value.item()
    if not _is_bool(value):
        raise InputTypeError(f"{name}: {short_repr(value)} ({type(value).__name__}) is not "
                             "True or False")
    return bool(value)


def choice(value, name: str, choices, *, fold_case: bool = True) -> str:
    """``value`` as one of ``choices`` (strings); case-insensitive unless told."""
    if not isinstance(value, str):
        raise InputTypeError(f"{name}: {short_repr(value)} ({type(value).__name__}) is not "
                             f"one of {', '.join(map(str, choices))}")
    key = value.strip().lower() if fold_case else value
    for option in choices:
        if key == (option.lower() if fold_case else option):
            return option
    raise InputError(f"{name}: {short_repr(value)} is not one of {', '.join(map(str, choices))}")


def instance(value, name: str, kind: type | tuple[type, ...], what: str | None = None):
    """``value`` itself if it is an instance of ``kind``; else InputTypeError."""
    if not isinstance(value, kind):
        if what is None:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            what = " or ".join(k.__name__ for k in kinds)
        raise InputTypeError(f"{name}: expected {what}, got {type(value).__name__} "
                             f"{short_repr(value)}")
    return value


def optional_callable(value, name: str):
    """``value`` if it is None or callable; else InputTypeError."""
    if value is not None and not callable(value):
        raise InputTypeError(f"{name}: expected a function or None, got "
                             f"{type(value).__name__} {short_repr(value)}")
    return value


def pair(value, name: str) -> tuple:
    """A (first, second) tuple from a 2-item tuple or list (or 1-D array); else InputError."""
    if isinstance(value, np.ndarray) and value.shape == (2,):
        return value[0], value[1]
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    raise InputTypeError(f"{name}: expected (first, last), got {type(value).__name__} "
                         f"{short_repr(value)}")


def float_array(value, name: str, *, last_axis: int | None = None, finite: bool = True,
                max_size: int | None = None) -> np.ndarray:
    """``value`` as a float64 array (numbers only, no booleans or strings).

    ``last_axis``: required length of the last axis (3 for vectors).
    ``finite``: refuse NaN and infinities. ``max_size``: most elements allowed
    (default: :func:`max_grid_cells`).
    """
    if isinstance(value, (str, bytes)):
        raise InputTypeError(f"{name}: {short_repr(value)} is text, not numbers")
    try:
        raw = np.asarray(value)
    except (ValueError, TypeError):  # ragged nesting
        raise InputError(f"{name}: not an array of numbers (ragged or mixed nesting)") from None
    if raw.dtype.kind not in "iuf":
        what = {"b": "booleans", "U": "text", "S": "bytes", "O": "objects", "M": "dates",
                "m": "durations", "c": "complex numbers", "V": "records"}.get(raw.dtype.kind,
                                                                               str(raw.dtype))
        raise InputTypeError(f"{name}: expected numbers, got {what}")
    limit = max_grid_cells() if max_size is None else max_size
    if raw.size > limit:
        raise InputError(f"{name}: {raw.size:,} values exceed the limit of {limit:,}")
    array = raw.astype(np.float64, copy=False)
    if last_axis is not None and (array.ndim == 0 or array.shape[-1] != last_axis):
        raise InputError(f"{name}: expected an array of shape (..., {last_axis}), got shape "
                         f"{array.shape}")
    if finite and not np.all(np.isfinite(array)):
        raise InputError(f"{name}: NaN or infinite values are not allowed")
    return array


def max_grid_cells() -> int:
    """The grid size limit: ``MARSPLAN_MAX_GRID_CELLS`` if set, else the default."""
    text = os.environ.get(_GRID_ENV)
    if text is None or not text.strip():
        return DEFAULT_MAX_GRID_CELLS
    try:
        value = int(text.strip().replace("_", ""))
    except ValueError:
        raise InputError(f"{_GRID_ENV}: {short_repr(text)} is not a whole number") from None
    if value < 1:
        raise InputError(f"{_GRID_ENV}: {value} must be at least 1")
    return value


def check_cells(cells, what: str = "grid") -> int:
    """Raise InputError when a grid of ``cells`` cells exceeds :func:`max_grid_cells`."""
    limit = max_grid_cells()
    if not isinstance(cells, numbers.Integral) and not (
            isinstance(cells, numbers.Real) and math.isfinite(cells)):
        raise InputError(f"{what}: the number of cells is not finite; use a larger step")
    if cells > limit:
        count = f"{int(cells):,}" if cells < 1e15 else f"{float(cells):.3g}"
        raise InputError(f"{what}: {count} cells exceed the limit of {limit:,} "
                         f"({_GRID_ENV}); use a coarser step_days or a shorter range")
    return int(cells)


def regular_file(path, what: str = "file") -> str:
    """The path as text if it names an existing regular file; else InputFileError.

    Checked with ``stat`` (which does not open the file), so a named pipe or a
    device is refused without blocking or reading it.
    """
    try:
        name = os.fspath(path)
    except TypeError:
        raise InputTypeError(f"{what}: expected a path, got {type(path).__name__} "
                             f"{short_repr(path)}") from None
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise InputFileError(f"{show_path(name)}: no such {what}") from None
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL byte
        reason = getattr(exc, "strerror", None) or "invalid path"
        raise InputFileError(f"{show_path(name)}: cannot read {what} ({reason})") from None
    _check_kind(name, info.st_mode, what)
    return name


def _check_kind(name: str, mode: int, what: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = ("is a folder" if stat.S_ISDIR(mode) else "is a named pipe" if stat.S_ISFIFO(mode)
            else "is a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "is a socket" if stat.S_ISSOCK(mode) else "is not a regular file")
    raise InputFileError(f"{show_path(name)}: {kind}; a {what} must be a regular file")


def read_regular_file(path, what: str = "file", max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; else InputFileError.

    Folders, named pipes, devices (``/dev/zero``) and sockets are refused before
    anything is read; the file is opened without blocking and checked again on
    the open handle, and at most ``max_bytes + 1`` bytes are ever read, so a file
    that grows (or lies about its size, as /proc files do) cannot exhaust memory.
    """
    name = regular_file(path, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise InputFileError(f"{show_path(name)}: cannot read {what} "
                             f"({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        _check_kind(name, info.st_mode, what)  # it may have been swapped since the stat
        if info.st_size > max_bytes:
            raise InputFileError(f"{show_path(name)}: {info.st_size:,} bytes, larger than a "
                                 f"{what} may be ({max_bytes:,} bytes)")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        if isinstance(exc, InputFileError):
            raise
        raise InputFileError(f"{show_path(name)}: cannot read {what} "
                             f"({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise InputFileError(f"{show_path(name)}: larger than a {what} may be "
                             f"({max_bytes:,} bytes)")
    return b"".join(chunks)


def decode_text(raw: bytes, name: str, what: str = "file") -> str:
    """UTF-8 text of ``raw`` (a BOM is dropped); else InputFileError naming the byte offset."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{show_path(name)}: not UTF-8 text (byte {exc.start}); save the "
                             f"{what} as UTF-8") from None


def parse_toml(text: str, name: str):
    """``tomllib.loads(text)``; one InputFileError line for bad syntax or deep nesting."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{show_path(name)}: not valid TOML: {exc}") from None
    except RecursionError:
        raise InputFileError(f"{show_path(name)}: tables or arrays nested too deeply to be a "
                             "marsplan file") from None
