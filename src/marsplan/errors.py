"""The marsplan exceptions.

Every error marsplan raises on purpose derives from :class:`MarsplanError`; its
``str()`` is one line a user can act on: the field, the value, what is allowed.
The CLI prints that line and exits with status 2.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks (with the indentation around them,
    as in a NumPy array's repr) become one space, other control characters (ESC,
    CR, ...) are escaped, so a message can never redraw a user's terminal."""
    text = _LINE_BREAKS.sub(" ", text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class MarsplanError(Exception):
    """Base of every marsplan error; str(error) is one line a user can act on."""

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(MarsplanError, ValueError):
    """An argument has the wrong form or lies outside what is allowed."""


class InputTypeError(InputError, TypeError):
    """An argument of the wrong kind (a string for a number, a number for a body, ...).

    Also a ``TypeError``, as Python itself would raise, and an :class:`InputError`.
    """


class InputFileError(InputError, OSError):
    """A file marsplan was asked to read is missing, special (a folder, a pipe, a
    device), too large, or not text; the message names the file."""


class UnknownBodyError(MarsplanError, KeyError):
    """A body name the ephemeris does not know."""

    def __init__(self, body: str, known: list[str], source: str = "the ephemeris"):
        self.body, self.known = body, list(known)
        super().__init__(f"unknown body {body!r} for {source}; known bodies: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return one_line(self.args[0])


class EphemerisRangeError(MarsplanError, ValueError):
    """An epoch lies outside the span an ephemeris covers."""

    def __init__(self, body: str, date_iso: str, kernel: str, start_iso: str, end_iso: str):
        super().__init__(
            f"{body} on {date_iso} is outside {kernel}, which covers {start_iso} to {end_iso}"
        )
        self.body, self.date_iso, self.kernel = body, date_iso, kernel
        self.start_iso, self.end_iso = start_iso, end_iso


class NoSolutionError(MarsplanError, ValueError):
    """A single problem (e.g. one Lambert arc) has no solution; batches use NaN + a flag."""


class ScenarioError(MarsplanError, ValueError):
    """A scenario file that cannot be read, parsed or validated; names file and field."""


class OutputPathError(InputError, OSError):
    """An output file or folder that cannot be written: ``PATH: cannot write: REASON``.

    Also an ``OSError``, as the failed write itself would be, and an :class:`InputError`.
    """


class AllocationError(MarsplanError, ValueError):
    """No allocation of providers meets a partner agreement's rules.

    ``partner``: the partner furthest out of balance (or the one a rule names);
    ``short_musd``: how far its contribution falls below its entitlement share,
    beyond the tolerance, M$ (negative: how far above); ``seats`` of
    ``crew_total``: its crew seats; ``remedies``: what could close the gap, in
    words; ``creditor``: the partner most in credit; ``rule``: the agreement
    rule that no allocation can meet, when that is the cause.
    """

    def __init__(self, message: str, *, partner: str | None = None,
                 short_musd: float | None = None, seats: int | None = None,
                 crew_total: int | None = None, remedies: tuple[str, ...] = (),
                 creditor: str | None = None, rule: str | None = None):
        super().__init__(message)
        self.partner, self.short_musd, self.seats = partner, short_musd, seats
        self.crew_total, self.remedies, self.creditor, self.rule = (crew_total, tuple(remedies),
                                                                    creditor, rule)
