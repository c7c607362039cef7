"""The ``marsplan`` command line: each command parses, calls one library function, prints.

Exit codes: 0 success; 2 for a :class:`~marsplan.errors.MarsplanError` (printed
as one line, ``marsplan: <message>``, on stderr) or bad usage; 1 with a traceback
for anything unexpected (a bug worth reporting).

Start-up stays fast: this module imports only typer, the standard library,
:mod:`marsplan.errors` and :mod:`marsplan.choices` (the core's lists of allowed
values, which the options are built from). numba, jplephem and matplotlib load inside the commands
that need them, so ``marsplan --help`` loads none of them (tests/test_cli.py
checks ``sys.modules``).

Adding a command::

    @app.command()
    def windows(first_year: int, fmt: FormatOption = Format.table,
                ephemeris: EphemerisOption = None):
        \"\"\"Every launch opportunity from FIRST_YEAR.\"\"\"
        from marsplan.io.emit import emit  # heavy imports go here
        from marsplan.io.rows import windows_rows
        from marsplan.transfer.windows import windows
        emit(windows_rows(windows("earth", "mars", first_year, first_year,
                                  ephemeris=open_ephemeris(ephemeris))), fmt.value)

Raise :class:`~marsplan.errors.MarsplanError` subclasses (e.g. ``InputError``)
for anything a user can fix; :class:`MarsplanGroup` turns them into exit 2, and
click's usage errors (unknown options or values, missing arguments) into the
same one line. Numbers, years, body names and output paths are checked as they
are parsed, before any computation (the ``_number``, ``_year``, ``_body``
parsers and :func:`_output_file`). Output keys, frames and units:
docs/outputs.md.
"""

from __future__ import annotations

import enum
import math
import os
import stat
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from marsplan import __version__
from marsplan.choices import (ANGLES, CATALOG_LISTINGS, EARTH_RETURNS, FRAMES, MISSION_CLASSES,
                              as_enum)
from marsplan.errors import InputError, MarsplanError

if TYPE_CHECKING:  # imported where used: the CLI starts without the emit module
    from marsplan.io.emit import Section

try:  # typer >= 0.2x vendors click as typer._click; older typer depends on click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer
    from click import exceptions as click_exceptions

#: Exit status for a MarsplanError, as click uses for bad usage.
EXIT_USER_ERROR = 2


class Format(str, enum.Enum):
    """``--format``: how results are printed (keys, frames and units: docs/outputs.md)."""

    table = "table"
    json = "json"
    csv = "csv"


def one_of(values, words: dict[str, str] | None = None) -> str:
    """``a, b or c``: each of ``values`` as ``words`` has it (else the value itself).

    Option help names the core's choices through this, so a value the core adds
    shows in the help with no edit here (tests/test_choices.py).
    """
    said = [(words or {}).get(v, v) for v in values]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} or {said[-1]}"


#: ``--frame``: heliocentric J2000 frames (marsplan.choices.FRAMES).
Frame = as_enum("Frame", FRAMES)
#: How the help of ``--frame`` words each frame.
FRAME_WORDS = {"ecliptic": "ecliptic J2000 (default)",
               "equatorial": "equatorial (ICRF, J2000 mean equator)"}


def error_line(error: BaseException | str) -> str:
    """``marsplan: <message>`` on one line, whatever the message holds.

    Control characters (from a scenario name, a path, an argument) are escaped,
    so an error line cannot move the cursor or recolour the terminal.
    """
    from marsplan.io.terminal import escape_control

    text = error if isinstance(error, str) else str(error)
    message = " ".join(line.strip() for line in text.splitlines() if line.strip())
    if not message and not isinstance(error, str):
        message = type(error).__name__
    return f"marsplan: {escape_control(message)}"


def usage_line(error) -> str:
    """A click usage error as one line: ``marsplan: COMMAND: what; see '... --help'``."""
    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else "marsplan"
    command = path.split(" ", 1)[1] if " " in path else ""
    message = " ".join(error.format_message().split()).rstrip(".")
    # typer's enum check words a bad choice "Value error, 'x' is not one of ..."
    message = message.replace("Value error, ", "")
    message = message[:1].lower() + message[1:]
    where = f"{command}: " if command else ""
    return error_line(f"{where}{message}; see '{path} --help'")


class MarsplanGroup(TyperGroup):
    """The command group; turns every user error into one line on stderr and exit 2.

    A MarsplanError from any command, and click's usage errors (an unknown
    option or value, a missing argument, a number out of range), print
    ``marsplan: ...`` on one line, with no usage block and no traceback. Doing it
    here rather than only in :func:`main` gives the same behaviour under
    ``typer.testing.CliRunner`` and any other caller of ``app``.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MarsplanError as error:
            typer.echo(error_line(error), err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_exceptions.NoArgsIsHelpError as error:  # plain `marsplan`: the help
            if not standalone_mode:
                raise
            typer.echo(error.format_message())
            sys.exit(0)
        except click_exceptions.ClickException as error:
            if not standalone_mode:
                raise
            is_usage = isinstance(error, click_exceptions.UsageError)
            typer.echo(usage_line(error) if is_usage else error_line(error.format_message()),
                       err=True)
            sys.exit(EXIT_USER_ERROR if is_usage else error.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("marsplan: aborted", err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


app = typer.Typer(
    cls=MarsplanGroup,
    name="marsplan",
    help="Design crewed Mars missions: ephemerides, transfers, windows. Epochs are TDB.",
    no_args_is_help=True,
    add_completion=False,
    # Plain Python tracebacks for bugs: rich's would print locals (large arrays).
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# --- parsers: every option is checked as it is read, before any computation ---------

#: Launch years an option may name: DE440's span (1550-2650); other kernels check theirs.
YEAR_RANGE = (1550, 2650)


def _number(unit: str, low: float, high: float, *, low_open: bool = False):
    """A parser for a numeric option: a finite number in [low, high] (``(low, high]``).

    NaN, infinities, 1e308 and words all fail with one message naming the allowed
    interval; click prefixes the option's name.
    """
    interval = f"{'(' if low_open else '['}{low:g}, {high:g}]"

    def parse(text) -> float:
        try:
            value = float(text.strip() if isinstance(text, str) else text)
        except (TypeError, ValueError):
            value = math.nan
        if not (low < value <= high if low_open else low <= value <= high):
            raise typer.BadParameter(f"{text!r} is not a number in {interval} {unit}")
        return value

    return parse


def _year(text) -> int:
    """A parser for a year: an integer within :data:`YEAR_RANGE`."""
    low, high = YEAR_RANGE
    try:
        value = int(text.strip() if isinstance(text, str) else text)
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high:
        raise typer.BadParameter(f"{text!r} is not a year in {low}-{high} (an integer)")
    return value


def _body(text) -> str:
    """A parser for a body name: case and surrounding blanks do not matter."""
    name = str(text).strip().lower()
    if not name:
        raise typer.BadParameter("a body name is required, e.g. earth or mars")
    return name


def _number_span(text: str, option: str, unit: str, low: float, high: float,
                 ) -> tuple[float, float]:
    """``MIN:MAX`` of a numeric option (``--tof 150:300``): finite, within [low, high]."""
    parse = _number(unit, low, high)
    try:
        first, last = (parse(part) for part in _span(text, option, example="150:300"))
    except typer.BadParameter as error:
        raise InputError(f"{option}: {error.message}") from None
    if first > last:
        raise InputError(f"{option}: MIN {first:g} is above MAX {last:g} in {text!r}")
    return first, last


def _output_file(path: str | None, option: str, *, chart: bool = False) -> str | None:
    """Check an output file before the computation: ``PATH: cannot write: REASON`` early.

    A chart must end in .png, .svg or .pdf. The file itself is written later,
    atomically (:func:`marsplan.io.atomic.write_atomic`).
    """
    if path is None:
        return None
    from marsplan.io.atomic import check_writable

    path = check_writable(path)
    if chart:
        from marsplan.plots._common import FORMATS as CHART_FORMATS  # no matplotlib

        ext = os.path.splitext(path)[1].lower()
        if ext not in CHART_FORMATS:
            found = f"extension {ext!r}" if ext else "no extension"
            raise InputError(f"{option}: {path!r} has {found}; a chart is written as "
                             f"{', '.join(CHART_FORMATS)}")
    return check_writable(path)


# Options shared by commands; reuse them so every command spells them alike.
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table (for people), json or csv (full precision; keys, frames and units "
             "in docs/outputs.md).",
    ),
]
EphemerisOption = Annotated[
    str | None,
    typer.Option(
        "--ephemeris",
        "-e",
        metavar="PATH",
        help="JPL SPK kernel: a .bsp file, or de440 (the default) or de421.",
        show_default=False,
    ),
]
FrameOption = Annotated[
    Frame,
    typer.Option(
        "--frame",
        case_sensitive=False,
        help=one_of(FRAMES, FRAME_WORDS) + ".",
    ),
]

SectionOption = Annotated[
    str | None,
    typer.Option("--section", metavar="NAME",
                 help="Print only this table (names in docs/outputs.md); a CSV stream holds "
                      "one table, so csv needs it when there are several.",
                 show_default=False),
]
OutDirOption = Annotated[
    str | None,
    typer.Option("--out", "-o", metavar="DIR",
                 help="With --format csv or json: write one file per table, DIR/NAME.csv or "
                      "DIR/NAME.json (DIR is replaced whole; it may hold only such files).",
                 show_default=False),
]

#: ``--ephemeris`` shorthands, by the name of the factory that opens them.
EPHEMERIS_SHORTHANDS = ("de440", "de421")


def open_ephemeris(spec: str | None):
    """The ephemeris ``--ephemeris`` names: None or ``de440`` (DE440), ``de421``, or a path.

    An existing file wins over a shorthand of the same name.

    Raises
    ------
    InputError
        ``spec`` is neither a file nor a shorthand, or not a readable SPK kernel.
    """
    from marsplan.ephemeris import SPKEphemeris, default_ephemeris  # loads jplephem on use

    if spec is None:
        return default_ephemeris()
    if os.path.exists(spec):
        # A folder, a device or a pipe would fail late, or never return (a FIFO).
        if not stat.S_ISREG(os.stat(spec).st_mode):
            raise InputError(f"--ephemeris: {spec} is not a regular file (an SPK kernel)")
        return SPKEphemeris(spec)
    key = spec.strip().lower().removesuffix(".bsp")
    if key == "de440":
        return default_ephemeris()
    if key == "de421":
        return SPKEphemeris.de421()
    raise InputError(
        f"--ephemeris: {spec!r} is neither an SPK file nor one of "
        f"{', '.join(EPHEMERIS_SHORTHANDS)}"
    )


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"marsplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """Design crewed Mars missions: ephemerides, transfers, windows. Epochs are TDB."""


@app.command()
def state(
    body: Annotated[
        str,
        typer.Argument(metavar="BODY", parser=_body,
                       help="sun, mercury ... neptune, moon, or emb (Earth-Moon barycentre); "
                            "any case."),
    ],
    epochs: Annotated[
        list[str],
        typer.Argument(
            metavar="EPOCH",
            help="ISO 8601 dates read as TDB, e.g. 2033-04-01 or 2033-04-01T06:30:00.",
        ),
    ],
    frame: FrameOption = Frame.ecliptic,
    fmt: FormatOption = Format.table,
    ephemeris: EphemerisOption = None,
) -> None:
    """Heliocentric state vector of BODY at each EPOCH, km and km/s, like JPL Horizons."""
    from marsplan.io.emit import emit, state_rows
    from marsplan.time import to_jd_tdb

    eph = open_ephemeris(ephemeris)
    name = eph.check_body(body)
    jd_tdb = to_jd_tdb(epochs, field="EPOCH")
    r_km, v_kms = eph.state_jd(name, jd_tdb, frame=frame.value)
    frame_text = {"ecliptic": "ecliptic J2000", "equatorial": "equatorial J2000 (ICRF)"}
    title = (f"{name}: heliocentric state, {frame_text.get(frame.value, frame.value)}, "
             f"{eph.name}, epochs TDB")
    # As JPL Horizons prints vectors: 1 m and 1 mm/s, below DE440's own uncertainty.
    digits = {**dict.fromkeys(("x_km", "y_km", "z_km"), ".3f"),
              **dict.fromkeys(("vx_kms", "vy_kms", "vz_kms"), ".6f")}
    emit(state_rows(name, frame.value, jd_tdb, r_km, v_kms), fmt.value, title=title,
         hide=("body", "frame"), formats=digits, drop=("vz_kms", "vy_kms", "vx_kms"))


#: ``--angles``: frame of asymptote angles (docs/outputs.md, "Frames"; marsplan.choices.ANGLES).
Angles = as_enum("Angles", ANGLES)
#: How the help of ``--angles`` words each frame.
ANGLES_WORDS = {"eme2000": "EME2000 (default)",
                "mean-of-date": "the mean equator of date (as the NASA handbook prints them)"}


OriginOption = Annotated[
    str, typer.Option("--origin", parser=_body,
                      help="Departure body: earth (its centre), emb, mars, ... (any case).")]
TargetOption = Annotated[str, typer.Option("--target", parser=_body, help="Arrival body.")]
C3_MAX_KM2S2 = 1000.0  # far beyond any launch vehicle (a C3 of 100 km^2/s^2 is extreme)
AnglesOption = Annotated[
    Angles,
    typer.Option("--angles", case_sensitive=False,
                 help=f"Asymptote angles in {one_of(ANGLES, ANGLES_WORDS)}."),
]


class _Progress:
    """A rich progress bar on a terminal (stderr); nothing when piped.

    The count shows ``done/total`` once the library has said the total, and
    nothing before: never ``0/None``.
    """

    def __init__(self, description: str, console=None):
        self.description = description
        self._console = console
        self._bar = None

    def __enter__(self):
        console = self._console
        if console is None and sys.stderr.isatty():
            from rich.console import Console

            console = Console(stderr=True)
        if console is not None:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 _count_column(), TimeElapsedColumn(), console=console,
                                 transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.description, total=None)
        return self

    def __call__(self, done: int, total: int) -> None:
        if self._bar is not None and total:
            self._bar.update(self._task, completed=min(done, total), total=total)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)
        return False


def _count_column():
    """A rich column: ``done/total`` with a known total, else nothing."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class CountColumn(ProgressColumn):
        def render(self, task):
            if task.total is None:
                return Text("")
            return Text(f"{int(task.completed)}/{int(task.total)}")

    return CountColumn()


def _span(text: str, option: str, example: str = "2033-01-01:2033-09-01") -> tuple[str, str]:
    """``START:END`` of an option, e.g. ``--launch 2033-01-01:2033-09-01``."""
    parts = text.split(":") if text.count(":") == 1 else text.split("..")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise InputError(f"{option}: expected START:END, e.g. {example}, got {text!r}")
    return parts[0].strip(), parts[1].strip()


class Branch(str, enum.Enum):
    """``--branch``: which multi-revolution arc (``--revs`` >= 1)."""

    low = "low"
    high = "high"
    both = "both"


class GridFormat(str, enum.Enum):
    """``porkchop --format``: the line, the optima, or the whole grid (npz)."""

    table = "table"
    json = "json"
    csv = "csv"
    npz = "npz"


#: Most revolutions the CLI asks for (a porkchop's families grow as 1 + 2 revs).
CLI_MAX_REVS = 10
RevsOption = Annotated[int, typer.Option(
    "--revs", min=0, max=CLI_MAX_REVS, metavar="N",
    help="Complete heliocentric revolutions before arrival (0-10).")]


def _leg_row(leg, revs: int, branch: str, family: bool | None = None) -> dict:
    """A leg's row (docs/outputs.md): :func:`marsplan.io.porkchop.leg_row`."""
    from marsplan.io.porkchop import leg_row

    return leg_row(leg, revs, branch, family)


@app.command()
def transfer(
    launch: Annotated[str, typer.Argument(metavar="LAUNCH", help="Launch date (TDB).")],
    arrival: Annotated[str, typer.Argument(metavar="ARRIVAL", help="Arrival date (TDB).")],
    origin: OriginOption = "earth",
    target: TargetOption = "mars",
    angles: AnglesOption = Angles.eme2000,
    revs: RevsOption = 0,
    branch: Annotated[Branch, typer.Option(
        "--branch", case_sensitive=False,
        help="With --revs >= 1: the low or high path, or both (two rows).")] = Branch.both,
    fmt: FormatOption = Format.table,
    ephemeris: EphemerisOption = None,
) -> None:
    """One ballistic leg: C3, DLA/RLA, arrival v-infinity and total delta-v."""
    from marsplan.io.emit import emit
    from marsplan.transfer.leg import transfer_leg as solve

    eph = open_ephemeris(ephemeris)
    paths = ([True] if branch is Branch.low else [False] if branch is Branch.high
             else [True, False]) if revs else [True]
    rows = []
    for low_path in paths:
        leg = solve(launch, arrival, origin=origin, target=target, angles=angles.value,
                    revs=revs, low_path=low_path, ephemeris=eph)
        rows.append(_leg_row(leg, revs, "low" if low_path else "high"))
    kind = "ballistic" if not revs else f"ballistic, {revs} revolution{'s' * (revs > 1)}"
    emit(rows, fmt.value, title=f"{leg.origin} to {leg.target}, {kind}, {eph.name}, "
         f"angles {angles.value}, TDB", hide=("origin", "target"),
         drop=("dv_departure_kms", "dv_arrival_kms", "dec_arrival_deg", "rla_deg", "dla_deg",
               "tof_days", "vinf_arrival_kms", "type"))


def _levels(text: str | None, option: str) -> list[float] | None:
    """``--c3-levels 8,10,12``: comma-separated numbers (checked by the chart)."""
    if text is None:
        return None
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError(f"{option}: expected numbers separated by commas, e.g. 8,10,12, "
                         f"got {text!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise InputError(f"{option}: levels must be finite numbers, got {text!r}")
    return values


@app.command()
def porkchop(
    year: Annotated[int | None, typer.Argument(
        metavar="[YEAR]", parser=_year,
        help="Pick the bounds of the opportunity launching in YEAR.")] = None,
    launch: Annotated[str | None, typer.Option(
        "--launch", metavar="START:END", help="Launch dates, e.g. 2033-01-01:2033-09-01.")] = None,
    arrival: Annotated[str | None, typer.Option(
        "--arrival", metavar="START:END", help="Arrival dates.")] = None,
    tof: Annotated[str | None, typer.Option(
        "--tof", metavar="MIN:MAX",
        help="Times of flight in days (1 to 3000), instead of --arrival.")] = None,
    step: Annotated[float, typer.Option(
        "--step", metavar="DAYS", parser=_number("days", 0.0, 366.0, low_open=True),
        help="Grid step, days.")] = 1.0,
    revs: Annotated[int, typer.Option(
        "--revs", min=0, max=CLI_MAX_REVS, metavar="N",
        help="Also solve 1..N revolutions, both branches (Types III, IV, ...); the chart "
             "shows each cell's lowest-C3 leg.")] = 0,
    origin: OriginOption = "earth",
    target: TargetOption = "mars",
    angles: AnglesOption = Angles.eme2000,
    c3_max: Annotated[float | None, typer.Option(
        "--c3-max", metavar="KM2S2", parser=_number("km^2/s^2", 0.0, C3_MAX_KM2S2, low_open=True),
        help="Draw this C3 contour (km^2/s^2) bold: the launch period.")] = None,
    dla_max: Annotated[float | None, typer.Option(
        "--dla-max", metavar="DEG", parser=_number("deg", 0.0, 90.0, low_open=True),
        help="Draw DLA = +-DEG bold and hatch the launches beyond it (e.g. 51.6).")] = None,
    c3_levels: Annotated[str | None, typer.Option(
        "--c3-levels", metavar="LIST", help="C3 contours, km^2/s^2, e.g. 8,10,12,16,20.")]
    = None,
    vinf_levels: Annotated[str | None, typer.Option(
        "--vinf-levels", metavar="LIST", help="Arrival v-infinity contours, km/s.")] = None,
    dla_levels: Annotated[str | None, typer.Option(
        "--dla-levels", metavar="LIST",
        help="DLA contours, deg (default every 10; 'none' for none).")] = None,
    rla_levels: Annotated[str | None, typer.Option(
        "--rla-levels", metavar="LIST", help="RLA contours, deg (0-360; default none).")]
    = None,
    mark: Annotated[str | None, typer.Option(
        "--mark", metavar="LAUNCH:ARRIVAL",
        help="Mark this transfer on the chart, e.g. 2033-04-10:2033-10-20.")] = None,
    out: Annotated[str | None, typer.Option(
        "--out", "-o", metavar="FILE",
        help="Chart file (.png, .svg, .pdf; default porkchop.png); with --format "
             "json/csv/npz and FILE.json/.csv/.npz, the whole grid.")] = None,
    chart: Annotated[str | None, typer.Option(
        "--chart", metavar="FILE",
        help="Chart file when --out receives the grid.")] = None,
    fmt: Annotated[GridFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="table: one line; json or csv: the minimum-C3 transfer of each type, or with "
             "--out FILE.json/.csv every leg of the grid; npz: the grid's arrays to --out "
             "FILE.npz (keys in docs/outputs.md).")] = GridFormat.table,
    ephemeris: EphemerisOption = None,
) -> None:
    """Porkchop chart of C3, arrival v-infinity and DLA over launch x arrival dates."""
    grid_out = None
    if out is not None and fmt is not GridFormat.table and os.path.splitext(
            str(out))[1].lower() in (".json", ".csv", ".npz"):
        ext = os.path.splitext(str(out))[1].lower()
        if ext != f".{fmt.value}":
            raise InputError(f"--out: {out!r} does not end in .{fmt.value}, as --format "
                             f"{fmt.value} writes")
        grid_out, out = _output_file(out, "--out"), chart
    elif fmt is GridFormat.npz:
        raise InputError("--format npz: give --out FILE.npz (the grid's arrays)")
    elif chart is not None:
        raise InputError("--chart: only with a grid file, --format json/csv/npz --out FILE")
    if out is None and (grid_out is None):
        out = "porkchop.png"
    out = _output_file(out, "--chart" if grid_out else "--out", chart=True)
    if year is not None:
        if launch or arrival or tof:
            raise InputError("YEAR: give either YEAR or --launch with --arrival/--tof, not both")
    elif launch is None or (arrival is None) == (tof is None):
        raise InputError("--launch with one of --arrival or --tof is required (or a YEAR)")
    levels = {"c3_levels": _levels(c3_levels, "--c3-levels"),
              "vinf_levels": _levels(vinf_levels, "--vinf-levels"),
              "dla_levels": ([] if dla_levels is not None and dla_levels.strip().lower()
                             == "none" else _levels(dla_levels, "--dla-levels")),
              "rla_levels": _levels(rla_levels, "--rla-levels")}
    from marsplan.plots.porkchop import check_levels  # no matplotlib: checks only

    for name, value in levels.items():
        if value is not None:
            check_levels(value, name, f"--{name.replace('_', '-')}")
    mark_span = _span(mark, "--mark", example="2033-04-10:2033-10-20") if mark else None
    from marsplan.transfer.porkchop import porkchop as solve

    eph = open_ephemeris(ephemeris)
    if year is not None:
        from marsplan.plots.porkchop import opportunity_bounds

        launch_span, arrival_span = opportunity_bounds(origin, target, year, ephemeris=eph)
        tof_span = None
    else:
        launch_span = _span(launch, "--launch")
        arrival_span = _span(arrival, "--arrival") if arrival else None
        tof_span = _number_span(tof, "--tof", "days", 1.0, 3000.0) if tof else None
    marked = None
    if mark_span is not None:
        from marsplan.transfer.leg import transfer_leg

        marked = transfer_leg(mark_span[0], mark_span[1], origin=origin, target=target,
                              angles=angles.value, ephemeris=eph)
    with _Progress("porkchop") as progress:
        pc = solve(origin, target, launch=launch_span, arrival=arrival_span, tof_days=tof_span,
                   step_days=step, angles=angles.value, ephemeris=eph, progress=progress,
                   **({"max_revs": revs} if revs else {}))
        path = (pc.plot(out, c3_max=c3_max, dla_max=dla_max, mark=marked, **levels)
                if out is not None else None)
    best = _best_rows(pc, revs)
    if grid_out is not None:
        from marsplan.io.porkchop import write_grid

        count = write_grid(pc, grid_out, fmt.value)
        if path is not None:
            _wrote(path)
        typer.echo(f"wrote {_safe(grid_out)}: {count} "
                   f"{'cells x families' if fmt is GridFormat.npz else 'legs'} of a "
                   f"{pc.shape[0]} x {pc.shape[1]} grid; " + _best_text(best))
        return
    if fmt is not GridFormat.table:
        from marsplan.io.emit import emit

        _wrote(path, err=True)
        emit(best, fmt.value)
        return
    typer.echo(f"wrote {_safe(path)}: {pc.shape[0]} x {pc.shape[1]} transfers; "
               + _best_text(best))


def _best_rows(pc, revs: int) -> list[dict]:
    """The minimum-C3 leg of each type: :func:`marsplan.io.porkchop.best_rows`."""
    from marsplan.io.porkchop import best_rows

    return best_rows(pc, revs)


def _best_text(best: list[dict]) -> str:
    return "; ".join(
        f"Type {r['type']} min C3 {r['c3_km2s2']:.2f} km^2/s^2 launch {r['launch'][:10]} "
        f"arrival {r['arrival'][:10]}" for r in best)


#: Table columns dropped first on a narrow terminal (the rest always show).
WINDOWS_DROP = ("period_days_any_type", "period_last_launch_any_type",
                "period_first_launch_any_type", "c3_max_km2s2", "rla_deg", "dla_deg",
                "tof_days", "arrival", "vinf_arrival_kms", "period_days")
DAYS_DROP = ("rla_deg", "dla_deg", "tof_days", "vinf_arrival_kms", "arrival")


@app.command()
def windows(
    first_year: Annotated[int, typer.Option("--from", parser=_year, help="First launch year.")],
    last_year: Annotated[int, typer.Option("--to", parser=_year, help="Last launch year.")],
    origin: OriginOption = "earth",
    target: TargetOption = "mars",
    angles: AnglesOption = Angles.eme2000,
    c3_max: Annotated[float | None, typer.Option(
        "--c3-max", metavar="KM2S2", parser=_number("km^2/s^2", 0.0, C3_MAX_KM2S2, low_open=True),
        help="C3 limit, km^2/s^2: also give each opportunity's launch period.")]
    = None,
    daily: Annotated[bool, typer.Option(
        "--daily", help="With --c3-max: add the best C3 of each launch day and type "
                        "(table 'days').")]
    = False,
    fmt: FormatOption = Format.table,
    section: SectionOption = None,
    out: OutDirOption = None,
    ephemeris: EphemerisOption = None,
) -> None:
    """Every launch opportunity: minimum C3, arrival v-infinity and total delta-v per type."""
    if daily and c3_max is None:
        raise InputError("--daily: give --c3-max too (the table spans the launch period)")
    if last_year < first_year:
        raise InputError(f"--to: {last_year} is before --from {first_year}")
    _check_tables(fmt, ["windows", "days"] if daily else ["windows"], section, out,
                  known=("windows", "days"))
    from marsplan.io.emit import Section
    from marsplan.io.rows import daily_rows, windows_rows
    from marsplan.transfer.windows import windows as search

    eph = open_ephemeris(ephemeris)
    with _Progress("windows") as progress:
        found = search(origin, target, first_year, last_year, angles=angles.value,
                       c3_max=c3_max, daily=daily, ephemeris=eph, progress=progress)
    title = (f"{origin} to {target} opportunities {first_year}-{last_year}, {eph.name}, "
             f"angles {angles.value}, TDB")
    sections = [Section("windows", windows_rows(found), title=title, drop=WINDOWS_DROP)]
    if daily:
        sections.append(Section("days", daily_rows(found), drop=DAYS_DROP,
                                title=f"Launch days, C3 <= {c3_max:g}: {title}"))
    _print_sections(sections, fmt, section, out, known=("windows", "days"))


def _safe(text) -> str:
    """``text`` with control characters escaped (a path may hold an ESC)."""
    from marsplan.io.terminal import escape_control

    return escape_control(str(text))


def _wrote(path, err: bool = False) -> None:
    """``wrote PATH``: on stderr when stdout holds JSON or CSV."""
    typer.echo(f"wrote {_safe(path)}", err=err)


def _check_tables(fmt: Format, names: list[str], section: str | None, out: str | None,
                  known: tuple[str, ...]) -> None:
    """Refuse, before computing, what :func:`_print_sections` would refuse after."""
    if section is not None and section not in names:
        more = sorted(set(known) - set(names))
        raise InputError(f"--section: {section!r} is not one of this output's tables: "
                         f"{', '.join(names)}"
                         + (f"; {', '.join(more)} only with the option that adds it "
                            "(see --help)" if more else ""))
    if out is not None:
        if fmt is Format.table:
            raise InputError("--out: a folder holds csv or json files; add --format csv "
                             "or --format json")
        from marsplan.io.emit import check_out_dir

        check_out_dir(out, known)
    elif fmt is Format.csv and section is None and len(names) > 1:
        raise InputError(f"--format csv: this output has {len(names)} tables "
                         f"({', '.join(names)}) and a CSV stream holds one: choose one with "
                         f"--section NAME, or write one file each with --out DIR")


def _print_sections(sections, fmt: Format, section: str | None, out: str | None,
                    known: tuple[str, ...]) -> None:
    """Print the sections as one document, or write one file each into ``out``."""
    from marsplan.io.emit import emit_sections

    for path in emit_sections(sections, fmt.value, section=section, out_dir=out, known=known):
        _wrote(path)


#: ``--class``: the round-trip family (README, "Round trips"; marsplan.choices.MISSION_CLASSES).
MissionClass = as_enum("MissionClass", MISSION_CLASSES)
#: ``--return``: how the crew ends the mission at Earth (marsplan.choices.EARTH_RETURNS).
EarthReturn = as_enum("EarthReturn", EARTH_RETURNS)
#: How the help of ``--return`` words each way home.
EARTH_RETURN_WORDS = {"entry": "entry (direct entry, braking above 12.5 km/s)"}


def _per_mission_path(path: str, label: int, several: bool) -> str:
    """``out/m.png`` for one mission; ``out/m_2033.png`` for each of several."""
    if not several:
        return path
    root, ext = os.path.splitext(path)
    return f"{root}_{label}{ext}"


#: Table columns dropped first on a narrow terminal; the opportunity, Earth
#: departure, duration and total delta-v always show.
def _leg_tof_days(texts: list[str]) -> dict:
    """``--leg-tof LEG:MIN:MAX`` options as {leg: (min, max)} days, checked."""
    from marsplan.transfer.missions import LEGS, MAX_MISSION_DAYS

    out = {}
    for text in texts:
        leg, sep, span = str(text).strip().partition(":")
        if leg.lower() not in LEGS:
            raise InputError(f"--leg-tof: {text!r}: unknown leg {leg!r}; known: "
                             f"{', '.join(LEGS)} (LEG:MIN:MAX, e.g. mars-earth:400:900)")
        if leg.lower() in out:
            raise InputError(f"--leg-tof: leg {leg!r} given twice")
        out[leg.lower()] = _number_span(span, "--leg-tof", "days", 1.0, MAX_MISSION_DAYS)
    return out


MISSIONS_DROP = ("leg_revs", "opportunity_min_c3_launch", "dv_flyby_kms", "dv_earth_return_kms", "dv_mars_departure_kms",
                 "dv_mars_arrival_kms", "dv_departure_kms", "vinf_earth_arrival_kms",
                 "vinf_mars_departure_kms", "vinf_mars_arrival_kms", "earth_entry_speed_kms",
                 "c3_km2s2", "earth_arrival", "venus_flyby", "mars_departure", "mars_arrival",
                 "flyby", "stay_days")
MISSIONS_SECTIONS = ("missions", "front", "timeline")


@app.command()
def missions(
    first_year: Annotated[int, typer.Option(
        "--from", parser=_year, help="First opportunity (year label).")],
    last_year: Annotated[int, typer.Option(
        "--to", parser=_year, help="Last opportunity (year label).")],
    mission_class: Annotated[MissionClass, typer.Option(
        "--class", case_sensitive=False, help=one_of(MISSION_CLASSES) + ".")]
    = MissionClass.conjunction,
    venus: Annotated[bool, typer.Option(
        "--venus", help="Fly a Venus swing-by on the outbound or the inbound leg, whichever "
                        "is cheaper (every mission found then has one; without --venus, "
                        "none has).")] = False,
    revs: Annotated[int, typer.Option(
        "--revs", min=0, max=3, metavar="N",
        help="Let each leg make up to N complete revolutions (0-3), both branches, where "
             "its flight times allow; each revolution lengthens a leg's default longest "
             "flight by the outer body's year.")] = 0,
    ballistic: Annotated[bool, typer.Option(
        "--ballistic", help="Unpowered swing-bys only: a true free return (periapsis "
                            "impulse at most 1 m/s).")] = False,
    min_flyby_alt: Annotated[float | None, typer.Option(
        "--min-flyby-alt", metavar="KM", parser=_number("km", 0.0, 1e6),
        help="Lowest swing-by periapsis altitude, km (default 300).")] = None,
    max_dla: Annotated[float | None, typer.Option(
        "--max-dla", metavar="DEG", parser=_number("deg", 0.0, 90.0, low_open=True),
        help="Highest |declination| of the Earth departure asymptote (EME2000), deg.")] = None,
    leg_tof: Annotated[list[str] | None, typer.Option(
        "--leg-tof", metavar="LEG:MIN:MAX",
        help="Flight-time range of one leg, days (mars-earth:400:900); repeat for several. "
             "Legs: earth-mars, mars-earth, earth-venus, venus-mars, mars-venus, "
             "venus-earth.")] = None,
    launch: Annotated[str | None, typer.Option(
        "--launch", metavar="DATE",
        help="Fixed Earth departure (TDB); only the opportunity whose window holds it "
             "has missions.")] = None,
    stay: Annotated[str | None, typer.Option(
        "--stay", metavar="MIN:MAX",
        help="Stay at Mars, days, 0 to 3000 (default by class).")] = None,
    max_duration: Annotated[float | None, typer.Option(
        "--max-duration", metavar="DAYS", parser=_number("days", 0.0, 5000.0, low_open=True),
        help="Longest mission, days.")] = None,
    max_c3: Annotated[float | None, typer.Option(
        "--max-c3", metavar="KM2S2", parser=_number("km^2/s^2", 0.0, C3_MAX_KM2S2, low_open=True),
        help="Highest Earth departure C3, km^2/s^2.")] = None,
    max_entry: Annotated[float | None, typer.Option(
        "--max-entry-speed", metavar="KMS", parser=_number("km/s", 0.0, 100.0, low_open=True),
        help="Highest Earth entry speed at 125 km, km/s.")] = None,
    aerocapture: Annotated[bool, typer.Option(
        "--aerocapture", help="Aerocapture at Mars (v-infinity up to 7 km/s) instead of a burn.")]
    = False,
    earth_return: Annotated[EarthReturn, typer.Option(
        "--return", case_sensitive=False,
        help=one_of(EARTH_RETURNS, EARTH_RETURN_WORDS) + ".")] = EarthReturn.entry,
    front: Annotated[bool, typer.Option(
        "--front", help="Add each opportunity's delta-v / duration Pareto front "
                        "(table 'front').")] = False,
    timeline: Annotated[bool, typer.Option(
        "--timeline", help="Add each mission's events with dates (table 'timeline').")] = False,
    plot: Annotated[str | None, typer.Option(
        "--plot", metavar="PATH", help="Draw each mission in the ecliptic (.png/.svg/.pdf).")]
    = None,
    oem: Annotated[str | None, typer.Option(
        "--oem", metavar="PATH", help="Export each trajectory as a CCSDS OEM file.")] = None,
    fmt: FormatOption = Format.table,
    section: SectionOption = None,
    out: OutDirOption = None,
    ephemeris: EphemerisOption = None,
) -> None:
    """Round-trip crewed missions: the cheapest of each opportunity in delta-v."""
    if last_year < first_year:
        raise InputError(f"--to: {last_year} is before --from {first_year}")
    stay_days = _number_span(stay, "--stay", "days", 0.0, 3000.0) if stay is not None else None
    plot = _output_file(plot, "--plot", chart=True)
    oem = _output_file(oem, "--oem")
    front = front or section == "front"
    timeline = timeline or section == "timeline"
    _check_tables(fmt, [n for n, wanted in zip(MISSIONS_SECTIONS, (True, front, timeline))
                        if wanted], section, out, known=MISSIONS_SECTIONS)
    from marsplan.io.emit import Section
    from marsplan.transfer.missions import mission_opportunities

    eph = open_ephemeris(ephemeris)
    options = {"aerocapture": aerocapture, "earth_return": earth_return.value,
               "max_duration_days": max_duration, "max_c3_km2s2": max_c3,
               "max_entry_speed_kms": max_entry}
    if stay_days is not None:
        options["stay_days"] = stay_days
    options.update(max_revs=revs, ballistic=ballistic, max_dla_deg=max_dla,
                   leg_tof_days=_leg_tof_days(leg_tof or []))
    if min_flyby_alt is not None:
        options["min_flyby_alt_km"] = min_flyby_alt
    if launch is not None:
        from marsplan.time import to_jd_tdb

        options["launch_jd_tdb"] = to_jd_tdb(launch, "--launch")
    with _Progress("missions") as progress:
        found = mission_opportunities(first_year, last_year, mission_class.value,
                                      "venus" if venus else None, ephemeris=eph,
                                      progress=progress, **options)
    from marsplan.io.rows import mission_front_rows, mission_timeline_rows, missions_rows

    rows = missions_rows(found)
    sections = [Section("missions", rows, hide=("class",), drop=MISSIONS_DROP,
                        title=f"{mission_class.value} missions {first_year}-{last_year}"
                              f"{' with a Venus swing-by allowed' if venus else ''}, "
                              f"{eph.name}, TDB; opportunity: year of its minimum-C3 launch")]
    if front:
        sections.append(Section("front", mission_front_rows(found), title="Pareto front: "
                                "total delta-v against duration (within 5 km/s of each "
                                "opportunity's best)"))
    if timeline:
        sections.append(Section("timeline", mission_timeline_rows(found), title="Timeline, TDB"))
    _print_sections(sections, fmt, section, out, known=MISSIONS_SECTIONS)
    # "wrote" lines go to stderr when stdout holds JSON or CSV.
    quiet = fmt is not Format.table and out is None
    several = len(found) > 1
    for o in found:
        if plot:
            from marsplan.plots.mission import plot_mission

            path = plot_mission(o.best, _per_mission_path(plot, o.year, several), ephemeris=eph)
            _wrote(path, err=quiet)
        if oem:
            from marsplan.io.oem import write_oem

            path = write_oem(o.best, _per_mission_path(oem, o.year, several), ephemeris=eph)
            _wrote(path, err=quiet)


#: ``marsplan catalog`` listings (marsplan.choices.CATALOG_LISTINGS).
CatalogListing = as_enum("CatalogListing", CATALOG_LISTINGS)
#: How the help of ``marsplan catalog`` words each listing.
CATALOG_WORDS = {"vehicles": "vehicles (launch vehicles)",
                 "docking": "docking (standards and adapters)"}


@app.command()
def catalog(
    listing: Annotated[
        CatalogListing,
        typer.Argument(case_sensitive=False, metavar="LISTING",
                       help=one_of(CATALOG_LISTINGS, CATALOG_WORDS) + "."),
    ] = CatalogListing.vehicles,
    fmt: FormatOption = Format.table,
    files: Annotated[
        list[str] | None,
        typer.Option("--catalog", "-c", metavar="FILE",
                     help="A TOML file extending or overriding the packaged catalog; "
                          "repeat for several, later files win.",
                     show_default=False),
    ] = None,
) -> None:
    """List the partner catalog: main figures of each record and its source."""
    from marsplan.catalog.load import catalog_rows, load_catalog  # loads pydantic
    from marsplan.io.emit import emit

    records = load_catalog(*(files or ()))
    extra = f", with {', '.join(files)}" if files else ""
    emit(catalog_rows(records, listing.value), fmt.value,
         title=f"marsplan catalog: {listing.value}{extra} (estimate = marsplan's estimate; "
               f"see source)")


def _uniform(rows: list[dict]) -> list[dict]:
    """Rows with the same keys, in first-seen order; a missing value is None."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    return [{k: r.get(k) for k in keys} for r in rows]


#: Tables of the plan document shown by ``plan --format table``, with their titles.
_PLAN_TABLES = (
    ("summary", "Summary"), ("maneuvers", "Delta-v budget"),
    ("burns", "Burns and propellant"), ("launches", "Launches (mass_t: what they lift)"),
    ("partners", "What each partner brings and gets (M$ at catalog prices; balance = "
                 "contribution - entitlement share)"),
    ("cash_flows", "Cash flows: who pays whom"),
    ("interfaces_checks", "Interfaces"), ("assembly_orbit_launches", "Assembly orbit"),
    ("dose_members", "Crew dose against each agency's career limit"),
    ("timeline", "Timeline, TDB"),
)
#: Columns a narrow terminal may drop from each plan table, least important first:
#: the costs, masses and verdict-bearing columns stay.
_PLAN_DROP = {
    "maneuvers": ("mass_before_t", "elements", "body"),
    "burns": ("hold_days", "isp_s", "mass_after_t", "mass_before_t", "isru_propellant_t",
              "boiloff_t", "provider", "loaded_leo_t"),
    "launches": ("mass_per_launch_t", "propellant_per_flight_t", "payload_capacity_t", "crew",
                 "price_musd", "element"),
    "partners": ("mass_share_pct", "launch_share_pct", "seats_provided", "elements",
                 "entitlement_musd", "settles", "kind", "mass_to_leo_t", "launches",
                 "balanced"),
    "interfaces_checks": ("a_value", "b_value", "adapter_mass_t", "remedy"),
    "assembly_orbit_launches": ("note", "payload_site_min_t", "site_min_inclination_deg",
                                "loss_fraction", "elements", "partners"),
    "dose_members": ("mission_dose_msv", "prior_dose_msv", "fraction_of_limit"),
}
_VERDICT_WORDS = {"flies": "CAN FLY", "flies_with_waiver": "CAN FLY only with a radiation waiver",
                  "cannot_fly": "CANNOT FLY as planned"}


def _plan_sections(doc: dict) -> dict[str, Section]:
    """The plan document's tables for the terminal, by title."""
    from marsplan.io.document import document_tables
    from marsplan.io.emit import Section

    tables = document_tables(doc)
    out = {}
    for key, title in _PLAN_TABLES:
        rows = tables.get(key) or []
        if key == "summary":
            rows = [{"figure": k, "value": v} for k, v in rows[0].items()] if rows else []
        if key == "dose_members":
            rows = [{k: v for k, v in r.items() if k != "limit_source"} for r in rows]
        out[title] = Section(key, _uniform(rows), title=title, drop=_PLAN_DROP.get(key))
    return out


def _verdict_lines(doc: dict) -> list[str]:
    """The banner: the verdict, every binding limit, the dose against each agency's limit."""
    v, dose = doc["verdict"], doc["dose"]
    lines = [f"{doc['summary']['name']}: {_VERDICT_WORDS[v['status']]}"]
    lines += [f"  binding limit: {x['message']}" for x in v["limits"]]
    limits = {}
    for m in dose["members"]:
        limits.setdefault(m["partner"], m)
    where = "on the surface and in orbit" if dose["lands"] else "staying in the Mars orbit"
    lines.append(f"  crew dose: {dose['total_msv']:,.0f} mSv per crew member on this mission "
                 f"({where})")
    for partner, m in limits.items():
        lines.append(f"    {partner}: career {m['dose_msv']:,.0f} of {m['limit_msv']:,.0f} mSv "
                     f"({100 * m['fraction_of_limit']:.0f}%)")
    return lines


def _agreement_lines(doc: dict) -> list[str]:
    """The ledger in words: how balances settle, who is out of balance, what the
    rules left unpaid or broke, and what the ledger assumed."""
    a = doc["agreement"]
    if a["settle"] is None:
        return []
    words = {"none": "balances reported as they stand (no settlement agreed)",
             "cash": "balances settled in cash", "barter": "balances settled in kind (barter)"}
    lines = [f"Agreement: {words[a['settle']]}; total {a['total_musd']:,.0f} M$, tolerance "
             f"{a['balance_tolerance_musd']:,.0f} M$"]
    crew = sum(p["seats"] for p in doc["partners"])
    for p in doc["partners"]:
        if p["balanced"] is False:
            how = "more than" if p["balance_musd"] > 0 else "short of"
            seats = f" ({p['seats']} of {crew} seats)" if p["seats"] else ""
            lines.append(f"  {p['partner']}: {abs(p['balance_musd']):,.0f} M$ {how} its "
                         f"{p['entitlement_pct']:.1f}% share of the total{seats}")
    if a["unsettled_musd"] and a["unsettled_musd"] >= 0.5:
        if all(p["balanced"] is not False for p in doc["partners"]):
            lines.append(f"  unsettled: {a['unsettled_musd']:,.0f} M$ cannot move in cash under "
                         "the no_funds and in_kind rules; every balance is within the tolerance")
        else:
            lines.append(f"  unsettled: {a['unsettled_musd']:,.0f} M$ cannot move in cash under "
                         "the no_funds and in_kind rules: it must be balanced in kind (who "
                         "provides what)")
    for c in a["sanctions"]:
        one, two = c["between"]
        effects = []
        if c["purchases_musd"] >= 0.5:
            effects.append(f"{c['purchases_musd']:,.0f} M$ of purchases between them need "
                           "another funder")
        if c["unsettled_musd"] >= 0.5:
            effects.append(f"{c['unsettled_musd']:,.0f} M$ could not be settled in cash")
        if effects:
            lines.append(f"  sanctions case: with no money between {one} and {two}, "
                         + "; ".join(effects))
    if a.get("allocation"):
        chosen, by = a["allocation"], {}
        for c in chosen["choices"]:
            by.setdefault(c["partner"], []).append(f"{c['units']} x {c['option']}")
        own = chosen["baseline_cost_musd"]
        lines.append("  allocation (the optimiser's providers): "
                     + "; ".join(f"{p} {', '.join(v)}" for p, v in by.items())
                     + f"; {chosen['cost_musd']:,.0f} M$"
                     + ("" if own is None else f" (the scenario as written: {own:,.0f} M$)"))
    if a.get("shapley"):
        lines.append("  Shapley shares (cost game, docs/coalitions.md): " + ", ".join(
            f"{x['partner']} {x['share_musd']:,.0f} M$ ({x['share_pct']:.1f}%)"
            for x in a["shapley"]))
    if a.get("shapley_note"):
        lines.append(f"  Shapley: {a['shapley_note']}")
    lines += [f"  violation: {v}" for v in a["violations"]]
    lines += [f"  note: {n}" for n in a["notes"]]
    return lines


def _withdrawal_sections(result) -> dict[str, list[dict]]:
    """The withdrawal's tables: the figures side by side, what moved, what was searched."""
    from marsplan.time import jd_tdb_to_iso

    who = result.label
    searched = [{"opportunity": t.opportunity,
                 "earth_departure": None if t.earth_departure_jd_tdb is None
                 else jd_tdb_to_iso(t.earth_departure_jd_tdb),
                 "verdict": t.status, "binding_limit": t.reason} for t in result.searched]
    return {f"Without {who}: side by side": _uniform(result.comparison()),
            f"Without {who}: replacements": _uniform(result.withdrawal.rows()),
            f"Without {who}: opportunities searched (horizon {result.horizon_years:g} years)":
            _uniform(searched)}


def _withdrawal_lines(result) -> list[str]:
    """The withdrawal's verdict, its binding limits, the later opportunities and
    the seats, one line each."""
    v = result.verdict
    line = f"Without {result.label}: {_VERDICT_WORDS[v.status]}"
    if v.status != "cannot_fly" and result.plan is not None:
        if result.plan.scenario.mission.opportunity is not None:
            line += f" in the {result.plan.scenario.mission.opportunity} opportunity"
        line += f", slip {result.slip_days:+.1f} days"
    lines = [line] + [f"  binding limit: {x.message}" for x in v.limits]
    if result.search_note:
        lines.append(f"  later opportunities: {result.search_note}")
    lines.append(f"  crew seats: {result.withdrawal.seat_policy}")
    money = result.money
    if money is not None:
        ups = ", ".join(f"{c.partner} +{c.change_musd:,.0f} M$" for c in money.makes_up)
        lines.append(f"  money: {result.label} contributed {money.withdrawn_musd:,.0f} M$; "
                     f"the replacements cost {money.replacements_musd:,.0f} M$; total "
                     f"{money.total_before_musd:,.0f} -> {money.total_after_musd:,.0f} M$"
                     + (f"; made up by {ups}" if ups else "; no partner pays more"))
    lines += [f"  note: {note}" for note in result.withdrawal.notes]
    return lines


@app.command()
def plan(
    scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file (TOML).")],
    without: Annotated[list[str] | None, typer.Option(
        "--without", metavar="PARTNER",
        help="Re-plan without this partner, side by side; repeat to withdraw several "
             "together (--without nasa --without roscosmos).")] = None,
    horizon_years: Annotated[float | None, typer.Option(
        "--horizon-years", metavar="YEARS", min=0.0,
        help="With --without: when the re-plan cannot fly in this opportunity, search "
             "later ones up to YEARS after the baseline's departure (default 10).",
        show_default=False)] = None,
    chart: Annotated[str | None, typer.Option(
        "--chart", metavar="PATH", help="Draw each partner's contribution (.png/.svg/.pdf).")]
    = None,
    out: Annotated[str | None, typer.Option(
        "--out", metavar="DIR",
        help="Write the mission report into DIR: report.html (one self-contained file), "
             "plan.json, the figures as PNG and, with --format csv, one CSV per section of "
             "the plan; DIR is replaced whole. Print the report's path last.")] = None,
    fmt: FormatOption = Format.table,
    ephemeris: EphemerisOption = None,
) -> None:
    """Plan a joint mission: trajectory, sizing, launches, contributions, crew dose, verdict.

    --format json prints one document (docs/plan.schema.json); with --without,
    {"baseline": PLAN, "withdrawals": [...]}. --format csv needs --out DIR.
    """
    import json

    from marsplan.io.document import document_tables, plan_document, withdrawal_document
    from marsplan.io.emit import emit
    from marsplan.io.scenario import load_scenario
    from marsplan.io.terminal import escape_control
    from marsplan.joint.coalitions import plan_shares
    from marsplan.joint.plan import plan as make_plan
    from marsplan.joint.withdraw import DEFAULT_HORIZON_YEARS, plan_without

    if fmt.value == "csv" and out is None:
        raise InputError("--format csv: the plan has several tables; give --out DIR to write "
                         "one CSV per section")
    if horizon_years is not None and not without:
        raise InputError("--horizon-years: only with --without")
    chart = _output_file(chart, "--chart", chart=True)
    if out is not None:
        from marsplan.report.html import check_report_folder

        check_report_folder(out)  # before the search: a bad --out costs a second
    scen, catalog = load_scenario(scenario)
    eph = open_ephemeris(ephemeris)
    without = list(dict.fromkeys(without or ()))
    for partner in without:
        if partner not in scen.partners():
            raise InputError(f"--without: {partner!r} is not a partner of this scenario; "
                             f"partners: {', '.join(scen.partners())}")
    with _Progress("plan"):
        main_plan = make_plan(scen, catalog, ephemeris=eph)
        # The Shapley shares: the partners' subsets planned on main_plan's trajectory.
        shares = plan_shares(scen, catalog, main_plan, ephemeris=eph)
        result = (plan_without(scen, catalog, without, baseline=main_plan, ephemeris=eph,
                               horizon_years=DEFAULT_HORIZON_YEARS if horizon_years is None
                               else horizon_years) if without else None)
    eph_name = getattr(eph, "name", type(eph).__name__)
    doc = plan_document(main_plan, ephemeris_name=eph_name, shares=shares)
    if chart:
        from marsplan.plots.contributions import plot_contributions

        path = plot_contributions(doc["partners"], chart,
                                  title=f"{scen.mission.name}: partner contributions")
        typer.echo(f"wrote {path}", err=fmt.value != "table")
    if fmt.value == "table":
        for line in _verdict_lines(doc):
            typer.echo(escape_control(line))
        sections = _plan_sections(doc)
        if result is not None:
            sections.update(_withdrawal_sections(result))
        for title, table in sections.items():
            rows, drop = (table.rows, table.drop) if hasattr(table, "rows") else (table, None)
            if rows:
                emit(rows, "table", title=title, drop=drop)
        for line in _agreement_lines(doc):
            typer.echo(escape_control(line))
        if result is not None:
            for line in _withdrawal_lines(result):
                typer.echo(escape_control(line))
    elif fmt.value == "json":
        body = doc if result is None else withdrawal_document(result, ephemeris_name=eph_name,
                                                              shares=shares)
        typer.echo(json.dumps(body, indent=2, allow_nan=False))
    extra = None
    if fmt.value == "csv":
        from marsplan.io.document import csv_text

        extra = {f"{name}.csv": csv_text(rows) for name, rows in document_tables(doc).items()}
    if out is not None:
        from marsplan.report.html import write_report

        with _Progress("report"):
            path = write_report(scen, catalog, out, without=without or None, ephemeris=eph,
                                plan=main_plan, withdrawal=result, extra_files=extra,
                                shares=shares)
        # The path alone on the last line, for scripts; on stderr when stdout is JSON/CSV.
        typer.echo(path, err=fmt.value != "table")

def _sweep_progress(stage: str, done: int, total: int, state: dict) -> None:
    """Drive the sweep's rich progress bar (with ETA) on a terminal; nothing when piped."""
    bar = state.get("bar")
    if bar is None:
        return
    task = state.setdefault(stage, bar.add_task(
        "searching trajectories" if stage == "search" else "planning", total=total))
    bar.update(task, completed=min(done, total), total=total)


def _sweep_charts(out_dir: str, folder: str) -> None:
    from marsplan.plots.sweep import plot_sweep
    from marsplan.sweep import load

    for path in plot_sweep(load(out_dir), folder):
        _wrote(path, err=True)


@app.command()
def sweep(
    spec: Annotated[str, typer.Argument(metavar="SPEC", help="Sweep spec (TOML): a base "
                                        "scenario and axes; docs/sweep.md.")],
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR",
                                     help="The sweep folder: DIR/results (Parquet) and "
                                          "DIR/manifest.json; a rerun resumes it.")],
    workers: Annotated[int | None, typer.Option(
        "--workers", min=0, max=256, metavar="N",
        help="0: in this process; N: a local Dask cluster of N processes (default: the "
             "machine's cores).", show_default=False)] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", metavar="ADDRESS",
        help="Run on an existing Dask cluster, e.g. tcp://127.0.0.1:8786 (started with "
             "`dask scheduler` and `dask worker`).", show_default=False)] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=0.1, max=3600.0,
        help="How long to wait for the --scheduler to answer.")] = 10.0,
    charts: Annotated[bool, typer.Option(
        "--charts", help="Then draw the charts into DIR/charts (as sweep-report).")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Plan every combination of a spec's axes into a Parquet dataset, resumably.

    Rows: marsplan.sweep.load(DIR) or pyarrow.parquet.read_table("DIR/results"); keys in
    docs/outputs.md ("sweep"). The summary printed has the keys out_dir, combinations,
    rows, new_rows, searches, tasks, workers, wall_seconds and the count per status.
    """
    from marsplan.io.emit import emit
    from marsplan.sweep.run import run_sweep

    state: dict = {}
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        state["bar"] = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)

    def started(n_workers: int, dashboard: str | None) -> None:
        if dashboard:
            engine = (f"Dask cluster at {_safe(scheduler)}" if scheduler
                      else f"local Dask cluster of {n_workers} workers")
            typer.echo(f"{engine}; dashboard: {_safe(dashboard)}", err=True)
        if state.get("bar") is not None:
            state["bar"].start()

    try:
        result = run_sweep(spec, out, workers=workers, scheduler=scheduler, on_start=started,
                           progress=lambda stage, done, total: _sweep_progress(
                               stage, done, total, state),
                           timeout_s=timeout)
    finally:
        if state.get("bar") is not None:
            state["bar"].stop()
    summary = {"out_dir": result.out_dir, "combinations": result.combinations,
               "rows": result.rows, "new_rows": result.new_rows, "searches": result.searches,
               "tasks": result.tasks, "workers": result.workers,
               "wall_seconds": round(result.wall_seconds, 3),
               **{f"rows_{k}": v for k, v in sorted(result.statuses.items())}}
    if fmt is Format.table:
        typer.echo(f"wrote {_safe(os.path.join(result.out_dir, 'results'))}: {result.rows} rows "
                   f"of {result.combinations} ({result.new_rows} new); {result.searches} "
                   f"trajectories searched, {result.tasks} plan tasks, "
                   f"{result.wall_seconds:.1f} s")
        emit([{"status": k, "rows": v} for k, v in sorted(result.statuses.items())], "table",
             title="sweep rows by verdict")
    else:
        emit([summary], fmt.value)
    if charts:
        _sweep_charts(result.out_dir, os.path.join(result.out_dir, "charts"))


@app.command("sweep-report")
def sweep_report(
    out_dir: Annotated[str, typer.Argument(metavar="DIR", help="A sweep folder "
                                           "(marsplan sweep --out DIR).")],
    charts_dir: Annotated[str | None, typer.Option(
        "--out", "-o", metavar="FOLDER",
        help="Where to write the charts (default DIR/charts).", show_default=False)] = None,
) -> None:
    """Draw a sweep's charts: feasibility matrix, IMLEO and cost heat maps, delta-v vs duration."""
    _sweep_charts(out_dir, charts_dir or os.path.join(out_dir, "charts"))


def _check_listen(host: str, port: int, shown: str) -> None:
    """Refuse, before the app starts its workers, an address this machine cannot listen on."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise InputError(f"--host: cannot resolve {host!r}: {reason}") from None
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        raise InputError(f"--port: cannot listen on {shown}:{port}: "
                         f"{error.strerror or error}") from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(
        "--host", metavar="HOST",
        help="Address to listen on; 127.0.0.1 (this machine only) by default. 0.0.0.0 "
             "opens the server to the network: it has no login.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, metavar="PORT",
                                      help="TCP port (0: any free one).")] = 8000,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, max=64, metavar="N",
        help="Worker processes for the computations (default: one per core).",
        show_default=False)] = None,
) -> None:
    """Start the web page and JSON API (FastAPI under uvicorn): http://HOST:PORT/, API
    docs at /docs. Ctrl-C stops it."""
    import uvicorn  # loads FastAPI only here

    from marsplan.web.app import create_app

    if not host.strip() or any(c.isspace() for c in host):
        raise InputError(f"--host: {host!r} is not a host name or address")
    shown = f"[{host}]" if ":" in host else host
    _check_listen(host, port, shown)
    config = uvicorn.Config(create_app(workers=workers), host=host, port=port,
                            log_level="warning", limit_concurrency=512,
                            timeout_keep_alive=5, server_header=False)
    server = uvicorn.Server(config)
    typer.echo(f"marsplan: starting the web app on http://{shown}:{port}/ (API docs at "
               f"/docs); Ctrl-C stops it", err=True)
    try:
        server.run()
    except (OSError, SystemExit):  # uvicorn exits when it cannot bind after all
        server.started = False
    if not server.started:
        # The address was free a moment ago (_check_listen): either another process
        # took the port since, or the app's start-up (its worker pool) failed.
        raise InputError(f"--port: the web app did not start on {shown}:{port}: the port "
                         "was taken after the check, or the app's start-up failed (uvicorn's "
                         "lines above say which)")


#: Tables of ``marsplan coalitions``, in print order.
COALITIONS_SECTIONS = ("coalitions", "shapley", "indispensability", "fair_shares")
#: Columns a narrow terminal may drop from the coalitions table, least important first.
_COALITIONS_DROP = ("unreplaced", "replacements", "assembly_inclination_deg", "earth_departure",
                    "tanker_flights", "game_cost_from", "imleo_t", "launches", "binding_kind")


@app.command()
def coalitions(
    scenario: Annotated[str, typer.Argument(metavar="SCENARIO", help="Scenario file (TOML).")],
    fmt: FormatOption = Format.table,
    section: SectionOption = None,
    out: OutDirOption = None,
    ephemeris: EphemerisOption = None,
) -> None:
    """Plan every coalition of the scenario's partners; Shapley shares of the cost.

    Each subset of the partners (at most 8) flies with only its members' hardware
    and crew (docs/coalitions.md states the cost game). --format json prints
    {"coalitions": [...], "shapley": [...], "indispensability": [...], ...};
    --format csv takes --section NAME or --out DIR.
    """
    import json

    _check_tables(fmt, list(COALITIONS_SECTIONS), section, out, known=COALITIONS_SECTIONS)
    from marsplan.io.document import coalitions_document, coalitions_tables
    from marsplan.io.emit import Section
    from marsplan.io.scenario import load_scenario
    from marsplan.io.terminal import escape_control
    from marsplan.joint.coalitions import coalitions as plan_coalitions

    scen, catalog = load_scenario(scenario)
    eph = open_ephemeris(ephemeris)
    with _Progress("coalitions"):
        result = plan_coalitions(scen, catalog, ephemeris=eph)
    doc = coalitions_document(result, ephemeris_name=getattr(eph, "name", None))
    if fmt is Format.json and out is None and section is None:
        typer.echo(json.dumps(doc, indent=2, allow_nan=False))
        return
    tables = coalitions_tables(doc)
    titles = {"coalitions": f"{scen.mission.name}: every coalition, flying with its members' "
                            "hardware and crew (cost_musd: its plan; game_cost_musd: c(S))",
              "shapley": "Shapley shares of the cost",
              "indispensability": "Who flies only with whom (veto: in every coalition that "
                                  "flies)",
              "fair_shares": "Shapley share and the ledger's contribution"}
    sections = [Section(name, tables[name], title=titles[name],
                        drop=_COALITIONS_DROP if name == "coalitions" else None,
                        # The limit in words is long: JSON and CSV carry it.
                        hide=("binding_limit", "flies") if name == "coalitions" else ())
                for name in COALITIONS_SECTIONS]
    _print_sections(sections, fmt, section, out, known=COALITIONS_SECTIONS)
    if fmt is Format.table and section is None:
        shares = ", ".join(f"{s['partner']} {s['share_musd']:,.1f}" for s in doc["shapley"])
        typer.echo(escape_control(
            f"shares (M$): {shares}; sum {doc['game']['shares_sum_musd']:,.1f} = the grand "
            f"coalition's {doc['game']['grand_coalition_cost_musd']:,.1f}"))
        for note in doc["notes"]:
            typer.echo(escape_control(f"note: {note}"))
        typer.echo("each coalition's binding limit in words: --format json or csv")


def main(argv: list[str] | None = None) -> None:
    """Run the ``marsplan`` command line (the console script); exits the process."""
    try:
        app(args=argv, prog_name="marsplan")
    except MarsplanError as error:  # raised outside a command, e.g. in an option callback
        print(error_line(error), file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)


if __name__ == "__main__":
    main()
