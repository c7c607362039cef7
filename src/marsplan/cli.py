"""The ``marsplan`` command line: each command parses, calls one library function, prints.

Exit codes: 0 success; 2 for a :class:`~marsplan.errors.MarsplanError` (printed
as one line, ``marsplan: <message>``, on stderr) or bad usage; 1 with a traceback
for anything unexpected (a bug worth reporting).

Start-up stays fast: this module imports only typer, the standard library and
:mod:`marsplan.errors`. numba, jplephem and matplotlib load inside the commands
that need them, so ``marsplan --help`` loads none of them (tests/test_cli.py
checks ``sys.modules``).

Adding a command::

    @app.command()
    def windows(year: int, fmt: FormatOption = Format.table,
                ephemeris: EphemerisOption = None):
        \"\"\"Best Earth-to-Mars launch dates in the opportunity of YEAR.\"\"\"
        from marsplan.io.emit import emit  # heavy imports go here
        from marsplan.transfer.windows import find_windows
        emit(windows_rows(find_windows(year, ephemeris=open_ephemeris(ephemeris))), fmt)

Raise :class:`~marsplan.errors.MarsplanError` subclasses (e.g. ``InputError``)
for anything a user can fix; :class:`MarsplanGroup` turns them into exit 2.
"""

from __future__ import annotations

import enum
import os
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from marsplan import __version__
from marsplan.errors import InputError, MarsplanError

#: Exit status for a MarsplanError, as click uses for bad usage.
EXIT_USER_ERROR = 2


class Format(str, enum.Enum):
    """``--format``: how results are printed (see DESIGN.md, "Machine-readable outputs")."""

    table = "table"
    json = "json"
    csv = "csv"


class Frame(str, enum.Enum):
    """``--frame``: heliocentric J2000 frames."""

    ecliptic = "ecliptic"
    equatorial = "equatorial"


def error_line(error: BaseException) -> str:
    """``marsplan: <message>`` on one line, whatever the message holds."""
    message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    return f"marsplan: {message or type(error).__name__}"


class MarsplanGroup(TyperGroup):
    """The command group; turns a MarsplanError from any command into one line and exit 2.

    Doing it here rather than only in :func:`main` gives the same behaviour under
    ``typer.testing.CliRunner`` and any other caller of ``app``.
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MarsplanError as error:
            typer.echo(error_line(error), err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None


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

# Options shared by commands; reuse them so every command spells them alike.
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table (for people), json or csv (full precision; keys as in DESIGN.md).",
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
        help="ecliptic J2000 (default) or equatorial (ICRF, J2000 mean equator).",
    ),
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
        typer.Argument(metavar="BODY",
                       help="sun, mercury ... neptune, moon, or emb (Earth-Moon barycentre)."),
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
    title = (f"{name}: heliocentric state, {frame_text[frame.value]}, "
             f"{eph.name}, epochs TDB")
    emit(state_rows(name, frame.value, jd_tdb, r_km, v_kms), fmt.value, title=title,
         hide=("body", "frame"))


def main(argv: list[str] | None = None) -> None:
    """Run the ``marsplan`` command line (the console script); exits the process."""
    try:
        app(args=argv, prog_name="marsplan")
    except MarsplanError as error:  # raised outside a command, e.g. in an option callback
        print(error_line(error), file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)


if __name__ == "__main__":
    main()
