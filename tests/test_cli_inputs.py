"""The command line against every class of bad input, run as a user would run it.

Each class has its own test, and each test tries several cases (the counts are
in the parametrizations). The promise is the same everywhere: one line
``marsplan: ...`` on stderr naming what is wrong, nothing on stdout, exit 2, no
traceback, no usage block, no rich box; and nothing computed first (a bad
option fails in a fraction of a second).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
import typer
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from marsplan.cli import _Progress, app

_QUIET_ENV = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "COLUMNS": None}
_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# Raw control characters a terminal would act on: C0 but newline, DEL, C1, bidi overrides.
_RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def runner():
    return CliRunner(env=_QUIET_ENV)


def _one_line_error(result, *needles):
    """Assert the user-error promise on a CliRunner result; return the line."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("marsplan: ")
    for bad in ("Traceback", "Usage:", "Error:", "╭", "Value error"):
        assert bad not in line, line
    for needle in needles:
        assert needle in line, (needle, line)
    assert not _RAW_CONTROL.search(line)
    return line


# --- numbers ----------------------------------------------------------------------

_BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e308", "-1", "abc", "", "1,5", "0x10",
                "1e-400"]
_NUMBER_OPTIONS = [
    # (command line before the option, option); each fails before any computation.
    (["porkchop", "--launch", "2033-01-01:2033-02-01", "--tof", "100:200"], "--step"),
    (["porkchop", "2033"], "--c3-max"),
    (["windows", "--from", "2033", "--to", "2033"], "--c3-max"),
    (["missions", "--from", "2033", "--to", "2033"], "--max-duration"),
    (["missions", "--from", "2033", "--to", "2033"], "--max-c3"),
    (["missions", "--from", "2033", "--to", "2033"], "--max-entry-speed"),
]


@pytest.mark.parametrize(("before", "option"), _NUMBER_OPTIONS,
                         ids=[f"{b[0]}{o}" for b, o in _NUMBER_OPTIONS])
def test_numeric_options_refuse_non_finite_huge_and_non_numbers(runner, before, option):
    # 6 options x 12 values = 72 cases: "1e-400" is 0 after parsing, outside (0, max].
    for value in _BAD_NUMBERS:
        result = runner.invoke(app, [*before, option, value])
        line = _one_line_error(result, option, "is not a number in")
        assert repr(value) in line


_BAD_YEARS = ["2033.5", "1e3", "99999999999999999999", "-1", "abc", "nan", "", "1000", "9999"]


@pytest.mark.parametrize("where", ["porkchop YEAR", "windows --from", "windows --to",
                                   "missions --from"])
def test_years_are_integers_within_the_ephemeris_span(runner, where):
    # 4 places x 9 values = 36 cases.
    for value in _BAD_YEARS:
        if where == "porkchop YEAR":
            args, name = ["porkchop", value], "YEAR"
        elif where.endswith("--from"):
            args, name = [where.split()[0], "--from", value, "--to", "2033"], "--from"
        else:
            args, name = ["windows", "--from", "2033", "--to", value], "--to"
        if where == "porkchop YEAR" and value == "":
            continue  # an empty argument is no year: porkchop then asks for --launch
        if where == "porkchop YEAR" and value.startswith("-"):
            _one_line_error(runner.invoke(app, args), "no such option: -1")  # as every tool
            continue
        _one_line_error(runner.invoke(app, args), name, "is not a year in 1550-2650")


_BAD_SPANS = ["nan:300", "100:inf", "1e308:1e309", "abc:200", "300:100", "100", "::", "-5:100",
              "100:nan", ":"]


@pytest.mark.parametrize("option", ["--tof", "--stay"])
def test_numeric_spans_refuse_bad_bounds(runner, tmp_path, option):
    # 2 options x 10 spans = 20 cases.
    for span in _BAD_SPANS:
        if option == "--tof":
            args = ["porkchop", "--launch", "2033-01-01:2033-02-01", "--tof", span,
                    "--out", str(tmp_path / "p.png")]
        else:
            args = ["missions", "--from", "2033", "--to", "2033", "--stay", span]
        _one_line_error(runner.invoke(app, args), option)
    assert os.listdir(tmp_path) == []


def test_year_ranges_run_forward(runner):
    for command in ("windows", "missions"):
        _one_line_error(runner.invoke(app, [command, "--from", "2035", "--to", "2033"]),
                        "--to", "before --from 2035")


# --- usage errors -------------------------------------------------------------------

_USAGE = {
    "unknown-frame": (["state", "mars", "2033-04-01", "--frame", "galactic"],
                      ["--frame", "galactic", "ecliptic"]),
    "unknown-class": (["missions", "--from", "2033", "--to", "2033", "--class", "hohmann"],
                      ["--class", "hohmann", "conjunction"]),
    "unknown-return": (["missions", "--from", "2033", "--to", "2033", "--return", "orbit"],
                       ["--return", "orbit", "capture"]),
    "unknown-angles": (["transfer", "2033-04-28", "2034-01-27", "--angles", "b1950"],
                       ["--angles", "b1950"]),
    "unknown-format": (["state", "mars", "2033-04-01", "--format", "yaml"], ["--format", "yaml"]),
    "unknown-listing": (["catalog", "rockets"], ["rockets", "vehicles"]),
    "missing-epoch": (["state", "mars"], ["missing argument", "EPOCH"]),
    "missing-arrival": (["transfer", "2033-04-28"], ["missing argument", "ARRIVAL"]),
    "missing-from": (["windows", "--to", "2033"], ["missing option", "--from"]),
    "option-without-value": (["porkchop", "2033", "--step"], ["--step", "requires an argument"]),
    "unknown-option": (["state", "mars", "2033-04-01", "--bogus"], ["no such option", "--bogus"]),
    "unknown-short-option": (["state", "mars", "2033-04-01", "-z"], ["no such option", "-z"]),
    "unknown-command": (["frobnicate"], ["no such command", "frobnicate"]),
    "extra-argument": (["transfer", "2033-04-28", "2034-01-27", "2035-01-01"],
                       ["unexpected extra argument"]),
}


@pytest.mark.parametrize("case", list(_USAGE))
def test_usage_errors_are_one_line_exit_2(runner, case):
    # 14 cases: click's usage errors reworded as every other error, plus where to look.
    args, needles = _USAGE[case]
    line = _one_line_error(runner.invoke(app, args), *needles)
    assert line.endswith("--help'")


@pytest.mark.parametrize("case", ["unknown-frame", "missing-epoch", "unknown-option",
                                  "unknown-command"])
def test_usage_errors_on_a_real_process(case):
    args, needles = _USAGE[case]
    env = {k: v for k, v in os.environ.items() if k not in _QUIET_ENV}
    proc = subprocess.run([sys.executable, "-m", "marsplan.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsplan: ")
    assert all(needle in lines[0] for needle in needles)


def test_no_arguments_prints_the_help(runner):
    result = runner.invoke(app, [])
    assert result.exit_code == 0 and "missions" in result.stdout and result.stderr == ""


# --- output paths -------------------------------------------------------------------


def _bad_output_paths(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    cases = {
        "missing-folder": (str(tmp_path / "missing" / "out.png"), "its folder does not exist"),
        "is-a-folder": (str(tmp_path / "folder.png"), "it is a folder"),
        "device": ("/dev/null", "not a regular file"),
        "special-folder": ("/proc/marsplan.png", "cannot write"),
        "under-a-file": (str(a_file / "out.png"), "not a folder"),
    }
    (tmp_path / "folder.png").mkdir()
    if not _ROOT:
        ro = tmp_path / "ro"
        ro.mkdir()
        os.chmod(ro, 0o555)
        cases["read-only-folder"] = (str(ro / "out.png"), "permission denied")
    return cases


_WRITERS = {
    "porkchop --out": lambda p: ["porkchop", "--launch", "2033-04-01:2033-04-10",
                                 "--tof", "200:210", "--out", p],
    "missions --plot": lambda p: ["missions", "--from", "2033", "--to", "2033", "--plot", p],
    "missions --oem": lambda p: ["missions", "--from", "2033", "--to", "2033", "--oem",
                                 p.replace(".png", ".oem")],
}


@pytest.mark.parametrize("writer", list(_WRITERS))
def test_unwritable_output_files_fail_before_computing(runner, tmp_path, writer):
    # 3 writers x 5 path classes (6 when not root) = 15-18 cases.
    for case, (path, reason) in _bad_output_paths(tmp_path).items():
        if writer == "missions --oem" and case == "is-a-folder":
            (tmp_path / "folder.oem").mkdir(exist_ok=True)
        args = _WRITERS[writer](path)
        target = args[-1]
        line = _one_line_error(runner.invoke(app, args), f"{target}: cannot write", reason)
        assert case and line
    assert not (tmp_path / "missing").exists()
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


@pytest.mark.parametrize("command", [["windows", "--from", "2033", "--to", "2033"],
                                     ["missions", "--from", "2033", "--to", "2033"]])
def test_unwritable_output_folders_fail_before_computing(runner, tmp_path, command):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.tex").write_text("keep")
    cases = [(tmp_path / "missing" / "dir", "its folder does not exist"),
             (a_file, "it exists and is not a folder"),
             (tmp_path / "busy", "holds other files"),
             ("/proc/marsplan-out", "cannot write")]
    for path, reason in cases:
        result = runner.invoke(app, [*command, "--format", "csv", "--out", str(path)])
        _one_line_error(result, f"{path}: cannot write", reason)
    assert (tmp_path / "busy" / "thesis.tex").read_text() == "keep"
    result = runner.invoke(app, [*command, "--out", str(tmp_path / "new")])
    _one_line_error(result, "--format csv")


def test_plan_chart_that_cannot_be_written_is_one_line(runner, tmp_path):
    # 2 cases: the chart is drawn after the plan, through the same atomic writer.
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "us_russia_2033.toml")
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for path, reason in ((a_file / "c.png", "not a folder"), ("/proc/c.png", "cannot write")):
        result = runner.invoke(app, ["plan", example, "--chart", str(path), "-f", "json"])
        assert result.exit_code == 2, result.output
        line = result.stderr.splitlines()[-1]
        assert line.startswith(f"marsplan: {path}: cannot write") and reason in line
        assert "Traceback" not in result.stderr


def test_chart_is_written_atomically_and_replaced(runner, tmp_path):
    chart = tmp_path / "p.svg"
    args = ["porkchop", "--launch", "2033-04-01:2033-04-11", "--tof", "195:205", "--step", "5",
            "--out", str(chart)]
    for _ in range(2):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert chart.read_text().rstrip().endswith("</svg>")
        assert os.listdir(tmp_path) == ["p.svg"]  # no temporary file left beside it


# --- body names ---------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["MARS", "Mars", " mars ", "mArS"])
def test_state_body_names_are_case_insensitive(runner, spelling):
    reference = runner.invoke(app, ["state", "mars", "2033-04-01", "-f", "json"])
    result = runner.invoke(app, ["state", spelling, "2033-04-01", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == reference.stdout


@pytest.mark.parametrize(("origin", "target"), [("EARTH", "MARS"), ("Earth", "Mars"),
                                                ("EMB", "mars"), ("earth", " Mars")])
def test_transfer_body_options_are_case_insensitive(runner, origin, target):
    args = ["transfer", "2033-04-28", "2034-01-27", "-f", "json"]
    reference = runner.invoke(app, [*args, "--origin", origin.strip().lower(),
                                    "--target", target.strip().lower()])
    result = runner.invoke(app, [*args, "--origin", origin, "--target", target])
    assert result.exit_code == 0, result.output
    assert result.stdout == reference.stdout


def test_porkchop_body_options_are_case_insensitive(runner, tmp_path):
    args = ["porkchop", "--launch", "2033-04-01:2033-04-06", "--tof", "200:205", "--step", "5"]
    result = runner.invoke(app, [*args, "--origin", "EARTH", "--target", "MARS",
                                 "--out", str(tmp_path / "a.png")])
    assert result.exit_code == 0, result.output
    assert "Type I" in result.stdout


# --- terminal safety ----------------------------------------------------------------

_CONTROL_TEXT = ["\x1b[2J\x1b[31mred", "cr\roverwrite", "bell\x07", "csi\x9b31m",
                 "bidi\u202eevil", "osc\x1b]0;title\x07"]


def _toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` (control characters as \\uXXXX escapes)."""
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f
                         or 0x202a <= ord(c) <= 0x202e else c for c in text) + '"'


@pytest.mark.parametrize("text", _CONTROL_TEXT)
def test_catalog_text_never_reaches_the_terminal_raw(runner, tmp_path, text):
    # 6 strings x 3 formats = 18 cases. The catalog may refuse the text (one line)
    # or print it escaped; it never prints the raw characters.
    extra = tmp_path / "mine.toml"
    extra.write_text(f'[[partner]]\nid = "evil"\nname = {_toml_string(text)}\nkind = "agency"\n'
                     f'country = {_toml_string(text)}\nsource = {_toml_string(text)}\n')
    for fmt in ("table", "csv", "json"):
        result = runner.invoke(app, ["catalog", "partners", "-f", fmt, "--catalog", str(extra)])
        assert result.exit_code in (0, 2), result.output
        assert not _RAW_CONTROL.search(result.stdout + result.stderr), (fmt, result.output)
        if result.exit_code == 0 and fmt != "json":
            assert "evil" in result.stdout


def test_wrote_lines_escape_control_characters(runner, tmp_path):
    chart = tmp_path / "p\x1b[2J\r.svg"
    result = runner.invoke(app, ["porkchop", "--launch", "2033-04-01:2033-04-06", "--tof",
                                 "200:205", "--step", "5", "--out", str(chart)])
    assert result.exit_code == 0, result.output
    assert chart.exists() and "\\x1b[2J\\r.svg" in result.stdout
    assert not _RAW_CONTROL.search(result.stdout + result.stderr)


@pytest.mark.parametrize("text", _CONTROL_TEXT)
def test_error_lines_escape_control_characters(runner, tmp_path, text):
    # 6 strings x 2 places (an argument, a path) = 12 cases.
    _one_line_error(runner.invoke(app, ["state", text, "2033-04-01"]), "unknown body")
    path = str(tmp_path / "missing" / f"{text}.png")
    _one_line_error(runner.invoke(app, ["missions", "--from", "2033", "--to", "2033",
                                        "--plot", path]), "cannot write")


# --- the progress bar ---------------------------------------------------------------


def test_progress_bar_never_shows_none():
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=80)
    with _Progress("windows", console=console) as progress:
        progress._bar.refresh()  # before the library knows the total
        progress(3, 10)
        progress._bar.refresh()
        progress(10, 10)
        progress._bar.refresh()
    text = buffer.getvalue()
    assert "None" not in text
    assert "3/10" in text and "10/10" in text
    assert "0/" not in text.replace("10/10", "")


# --- the parsers, for any text --------------------------------------------------------

@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(max_size=30), st.floats().map(repr), st.integers().map(str)))
@example("nan")
@example("-0.0")
@example(" 1e308 ")
@example("1_0")
def test_number_parser_returns_finite_values_in_range_or_says_why(text):
    from marsplan.cli import _number

    parse = _number("days", 0.0, 366.0, low_open=True)
    try:
        value = parse(text)
    except typer.BadParameter as error:
        assert error.message == f"{text!r} is not a number in (0, 366] days"
        return
    assert 0.0 < value <= 366.0


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(max_size=30), st.integers().map(str), st.floats().map(repr)))
@example("2033")
@example("2033.0")
def test_year_parser_returns_years_in_range_or_says_why(text):
    from marsplan.cli import _year

    try:
        value = _year(text)
    except typer.BadParameter as error:
        assert "is not a year in 1550-2650" in error.message
        return
    assert isinstance(value, int) and 1550 <= value <= 2650


# --- files read by the CLI ------------------------------------------------------------


def test_ephemeris_must_be_a_regular_spk_file(runner, tmp_path):
    # 5 cases; the pipe would block forever if it were opened.
    empty, text = tmp_path / "empty.bsp", tmp_path / "text.bsp"
    empty.write_bytes(b"")
    text.write_text("not a kernel\n")
    fifo = tmp_path / "fifo.bsp"
    os.mkfifo(fifo)
    cases = [(fifo, "not a regular file"), (tmp_path, "not a regular file"),
             ("/dev/null", "not a regular file"), (empty, "not a readable SPK kernel"),
             (text, "not a readable SPK kernel")]
    for path, reason in cases:
        result = runner.invoke(app, ["state", "mars", "2033-04-01", "--ephemeris", str(path)])
        _one_line_error(result, str(path), reason)


# --- any mix of the above --------------------------------------------------------------

_VALUES = ["mars", "EARTH", "emb", "pluto", "2033-04-28", "2034-01-27", "2033-13-01", "nan",
           "inf", "-1", "1e308", "", " ", "\x1b[31m", "a\rb", "json", "csv", "table", "yaml",
           "galactic", "ecliptic", "mean-of-date", "de421", "/dev/null", "/proc", "--", "-x"]
_OPTIONS = ["--format", "--frame", "--origin", "--target", "--angles", "--ephemeris", "--bogus"]


@settings(deadline=None, max_examples=80)
@given(st.sampled_from(["state", "transfer", "catalog"]),
       st.lists(st.one_of(st.sampled_from(_VALUES),
                          st.tuples(st.sampled_from(_OPTIONS), st.sampled_from(_VALUES))),
                max_size=5))
@example("transfer", [("--origin", "EARTH"), "2033-04-28", "2034-01-27"])
@example("state", ["pluto", ("--ephemeris", "/proc")])
def test_any_mix_of_arguments_succeeds_or_fails_in_one_line(command, parts):
    # Quick commands only, so that every drawn case runs in well under a second.
    args = [command]
    for part in parts:
        args.extend(part if isinstance(part, tuple) else [part])
    result = CliRunner(env=_QUIET_ENV).invoke(app, args)
    assert result.exit_code in (0, 2), (args, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("marsplan: "), (args, result.stderr)
    assert not _RAW_CONTROL.search(result.stdout + result.stderr), args


def _scenario_named(tmp_path, name: str) -> str:
    example = os.path.join(os.path.dirname(__file__), "..", "examples", "us_russia_2033.toml")
    with open(example, encoding="utf-8") as handle:
        text = handle.read()
    original = 'name = "US-Russia crewed Mars mission, 2033"'
    assert original in text
    path = tmp_path / "scenario.toml"
    path.write_text(text.replace(original, f"name = {_toml_string(name)}"), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_scenario_text_never_reaches_the_terminal_raw(runner, tmp_path, fmt):
    # The scenario may refuse the name (one line) or print it escaped, never raw.
    path = _scenario_named(tmp_path, "\x1b[2J\x1b]0;pwned\x07US\rRU \u202e")
    result = runner.invoke(app, ["plan", path, "-f", fmt])
    assert result.exit_code in (0, 2), result.output
    assert not _RAW_CONTROL.search(result.stdout + result.stderr)
