"""The marsplan exceptions.

Every error marsplan raises on purpose derives from :class:`MarsplanError`; its
``str()`` is one line a user can act on: the field, the value, what is allowed.
The CLI prints that line and exits with status 2.
"""

from __future__ import annotations


class MarsplanError(Exception):
    """Base of every marsplan error; str(error) is one line a user can act on."""


class InputError(MarsplanError, ValueError):
    """An argument has the wrong form or lies outside what is allowed."""


class UnknownBodyError(MarsplanError, KeyError):
    """A body name the ephemeris does not know."""

    def __init__(self, body: str, known: list[str], source: str = "the ephemeris"):
        self.body, self.known = body, list(known)
        super().__init__(f"unknown body {body!r} for {source}; known bodies: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


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
