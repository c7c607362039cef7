"""The argument checks every public function starts with (marsplan.validate)."""

from __future__ import annotations

import math
import os
import threading

import numpy as np
import pytest

from marsplan.errors import InputError, InputFileError, InputTypeError, MarsplanError
from marsplan.validate import (
    DEFAULT_MAX_GRID_CELLS,
    MAX_FILE_BYTES,
    check_cells,
    choice,
    decode_text,
    flag,
    float_array,
    instance,
    max_grid_cells,
    optional_callable,
    pair,
    parse_toml,
    read_regular_file,
    real,
    regular_file,
    short_repr,
    whole,
)


def test_error_classes_are_marsplan_errors_and_python_ones():
    # Callers that caught ValueError/TypeError/OSError keep working.
    assert issubclass(InputTypeError, InputError) and issubclass(InputTypeError, TypeError)
    assert issubclass(InputFileError, InputError) and issubclass(InputFileError, OSError)
    assert issubclass(InputError, MarsplanError) and issubclass(InputError, ValueError)
    assert str(InputFileError("a.toml: no such file")) == "a.toml: no such file"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan"),
                                   np.array(np.inf), 10**400])
def test_real_refuses_non_finite(value):
    with pytest.raises(InputError, match=r"^tof_days: .* is not a finite number$"):
        real(value, "tof_days")


@pytest.mark.parametrize("value", [True, np.bool_(False), "3", b"3", None, [1.0], 1j,
                                   object(), np.array([1.0])])
def test_real_refuses_non_numbers(value):
    with pytest.raises(InputTypeError, match=r"^step_days: .* is not a number$"):
        real(value, "step_days")


def test_real_bounds_name_the_argument_and_unit():
    assert real(3, "x") == 3.0 and isinstance(real(np.int64(3), "x"), float)
    assert real(np.array(2.5), "x") == 2.5
    with pytest.raises(InputError, match=r"^step_days: 0 days must be > 0 days$"):
        real(0.0, "step_days", lo=0.0, lo_open=True, unit="days")
    with pytest.raises(InputError, match=r"^c3: 1e\+308 must be <= 10000$"):
        real(1e308, "c3", hi=1e4)
    with pytest.raises(InputError, match=r"^x: -1 must be >= 0$"):
        real(-1, "x", lo=0)
    assert real(1e4, "c3", hi=1e4) == 1e4


@pytest.mark.parametrize(("value", "message"), [
    (-1, r"^revs: -1 is below 0$"), (1.5, r"^revs: 1\.5 is not a whole number$"),
    (math.nan, r"^revs: nan is not a whole number$"),
    (math.inf, r"^revs: inf is not a whole number$"),
    (10**6, r"^revs: 1000000 is above the limit of 1000$"),
])
def test_whole_refuses_negative_fractional_and_huge(value, message):
    with pytest.raises(InputError, match=message):
        whole(value, "revs", lo=0, hi=1000)


@pytest.mark.parametrize("value", [True, "1", None, [1], 1j])
def test_whole_refuses_non_numbers(value):
    with pytest.raises(InputTypeError, match=r"^revs: .* is not a whole number$"):
        whole(value, "revs")


def test_whole_accepts_integral_values():
    assert whole(2.0, "n") == 2 and whole(np.int8(3), "n") == 3 and whole(np.array(4), "n") == 4


@pytest.mark.parametrize("value", ["no", "False", 0, 1, None, np.array([True]), 0.0])
def test_flag_takes_only_booleans(value):
    # bool("no") is True: the only safe reading of a string is a refusal.
    with pytest.raises(InputTypeError, match=r"^prograde: .* is not True or False$"):
        flag(value, "prograde")


def test_flag_accepts_numpy_booleans():
    assert flag(np.True_, "x") is True and flag(np.array(False), "x") is False


def test_choice_is_case_insensitive_and_names_the_options():
    assert choice(" Conjunction ", "mission_class", ("conjunction", "flyby")) == "conjunction"
    with pytest.raises(InputError, match=r"^angles: 'j2000' is not one of eme2000, mean-of-date$"):
        choice("j2000", "angles", ("eme2000", "mean-of-date"))
    with pytest.raises(InputTypeError, match=r"^angles: None \(NoneType\) is not one of"):
        choice(None, "angles", ("eme2000",))
    with pytest.raises(InputError):
        choice("EME2000", "angles", ("eme2000",), fold_case=False)


# --------------------------------------------------------------------------- kinds


def test_instance_pair_and_callable():
    assert instance(3, "n", int) == 3
    with pytest.raises(InputTypeError, match=r"^orbit: expected Orbit-like, got str 'leo'$"):
        instance("leo", "orbit", dict, "Orbit-like")
    assert pair([1, 2], "span") == (1, 2) and pair(np.array([3, 4]), "span") == (3, 4)
    for bad in ("ab", (1, 2, 3), 5, None, {1: 2}):
        with pytest.raises(InputTypeError, match=r"^span: expected \(first, last\)"):
            pair(bad, "span")
    assert optional_callable(None, "progress") is None
    with pytest.raises(InputTypeError, match=r"^progress: expected a function or None"):
        optional_callable(5, "progress")


@pytest.mark.parametrize(("value", "kind"), [
    ("abc", InputTypeError), (b"abc", InputTypeError), ([True, False, True], InputTypeError),
    ([[1, 2, 3], [1, 2]], InputError), ([object()] * 3, InputTypeError),
    (np.array(["2033-01-01"], dtype="datetime64[D]"), InputTypeError),
    ([1 + 2j, 0, 0], InputTypeError), ([1.0, 2.0], InputError), ([1.0, math.nan, 0.0], InputError),
])
def test_float_array_refuses_junk(value, kind):
    with pytest.raises(kind, match=r"^r1_km: "):
        float_array(value, "r1_km", last_axis=3)


def test_float_array_size_limit():
    assert float_array([1, 2, 3], "x").dtype == np.float64
    with pytest.raises(InputError, match=r"^x: 11 values exceed the limit of 10$"):
        float_array(np.zeros(11), "x", max_size=10)
    assert np.isnan(float_array([np.nan], "x", finite=False)[0])


def test_short_repr_cuts_and_escapes():
    assert short_repr("\x1b[31m") == "'\\x1b[31m'"
    assert len(short_repr("x" * 1000)) == 60

    class Hostile:
        def __repr__(self):
            raise RuntimeError("no")

    assert short_repr(Hostile()) == "<Hostile>"


# --------------------------------------------------------------------------- grid limit


def test_grid_limit_is_absolute_and_configurable(monkeypatch):
    monkeypatch.delenv("MARSPLAN_MAX_GRID_CELLS", raising=False)
    assert max_grid_cells() == DEFAULT_MAX_GRID_CELLS == 20_000_000
    assert check_cells(DEFAULT_MAX_GRID_CELLS) == DEFAULT_MAX_GRID_CELLS
    with pytest.raises(InputError, match=r"^grid: 20,000,001 cells exceed the limit of "
                                         r"20,000,000 \(MARSPLAN_MAX_GRID_CELLS\)"):
        check_cells(DEFAULT_MAX_GRID_CELLS + 1)
    with pytest.raises(InputError, match=r"^grid: 1e\+300 cells exceed"):
        check_cells(10**300)  # an int too large for a float still gets one line
    with pytest.raises(InputError, match="not finite"):
        check_cells(math.inf)
    monkeypatch.setenv("MARSPLAN_MAX_GRID_CELLS", "1_000")
    assert max_grid_cells() == 1000
    for bad in ("-5", "0", "many", "1e6"):
        monkeypatch.setenv("MARSPLAN_MAX_GRID_CELLS", bad)
        with pytest.raises(InputError, match=r"^MARSPLAN_MAX_GRID_CELLS: "):
            max_grid_cells()


# --------------------------------------------------------------------------- files


def test_regular_file_is_read(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_bytes(b"a = 1\n")
    assert read_regular_file(path, "scenario file") == b"a = 1\n"
    assert regular_file(path) == str(path)


def _special_paths(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    return [(tmp_path, "is a folder"), (fifo, "is a named pipe"), ("/dev/zero", "is a device"),
            ("/dev/null", "is a device")]


def test_special_files_are_refused_without_reading_or_blocking(tmp_path):
    # Reading /dev/zero never ends and opening a FIFO blocks until a writer
    # comes: both must be refused from their metadata alone. A watchdog thread
    # writes to the FIFO after 5 s so a regression fails instead of hanging.
    cases = _special_paths(tmp_path)
    fifo = cases[1][0]

    def unblock():
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass  # nobody is reading: the check did not block

    timer = threading.Timer(5.0, unblock)
    timer.start()
    try:
        for path, kind in cases:
            with pytest.raises(InputFileError, match=rf"^{path}: {kind}; a scenario file must "
                                                     "be a regular file$"):
                read_regular_file(path, "scenario file")
    finally:
        timer.cancel()


def test_large_file_is_refused_from_its_size(tmp_path):
    # A 50 MB sparse file: refused from fstat, never read into memory.
    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(InputFileError, match=r"big\.toml: 52,428,800 bytes, larger than a "
                                             r"scenario file may be \(1,048,576 bytes\)$"):
        read_regular_file(path, "scenario file")
    exact = tmp_path / "exact.toml"
    exact.write_bytes(b"#" * MAX_FILE_BYTES)
    assert len(read_regular_file(exact)) == MAX_FILE_BYTES
    with pytest.raises(InputFileError, match="larger than"):
        read_regular_file(exact, max_bytes=MAX_FILE_BYTES - 1)


def test_missing_and_odd_paths(tmp_path):
    with pytest.raises(InputFileError, match=r"nope\.toml: no such catalog file$"):
        read_regular_file(tmp_path / "nope.toml", "catalog file")
    with pytest.raises(InputFileError, match=r"^'a\\x00b\\x1b': cannot read file"):
        regular_file("a\x00b\x1b")  # control characters are escaped, never printed raw
    with pytest.raises(InputTypeError, match=r"^file: expected a path, got int 5$"):
        regular_file(5)


def test_text_and_toml_problems_are_one_line():
    assert decode_text("é = 1".encode(), "f.toml") == "é = 1"
    assert decode_text(b"\xef\xbb\xbfa = 1", "f.toml") == "a = 1"  # a BOM is dropped
    with pytest.raises(InputFileError, match=r"^f\.toml: not UTF-8 text \(byte 5\)"):
        decode_text(b"a = '\xff\xfe'", "f.toml")
    assert parse_toml("a = [[1]]", "f.toml") == {"a": [[1]]}
    with pytest.raises(InputFileError, match=r"^f\.toml: not valid TOML: "):
        parse_toml("a = ", "f.toml")
    for deep in ("a = " + "[" * 10_000 + "]" * 10_000,
                 "a = " + "{b = " * 10_000 + "1" + "}" * 10_000):
        with pytest.raises(InputFileError, match=r"^f\.toml: tables or arrays nested too "
                                                 "deeply"):
            parse_toml(deep, "f.toml")


def test_every_marsplan_error_prints_as_one_safe_line():
    # Messages may carry values from files or arguments: an array's repr spans
    # lines, a scenario name may hold ESC or CR. str() of every error class is
    # one printable line, so the CLI's "marsplan: ..." stays one line and the
    # terminal is never redrawn by a message.
    from marsplan.catalog import CatalogError
    from marsplan.errors import EphemerisRangeError, ScenarioError, UnknownBodyError

    raw = f"type: {np.zeros((2, 2))!r}\x1b[2J\r\nend"
    for error in (InputError(raw), InputTypeError(raw), InputFileError(raw), ScenarioError(raw),
                  CatalogError(raw), UnknownBodyError("\x1b[31mmars", ["mars"]),
                  EphemerisRangeError("mars\r", "2033-01-01", "de440.bsp", "1550", "2650")):
        text = str(error)
        assert text.isprintable(), text  # no ESC, CR or line break left raw
    assert str(InputError(raw)) == "type: array([[0., 0.], [0., 0.]])\\x1b[2J end"
