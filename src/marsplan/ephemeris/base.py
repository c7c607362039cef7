"""The :class:`Ephemeris` interface shared by the SPK and analytic ephemerides."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from marsplan.errors import EphemerisRangeError, InputError, InputTypeError, UnknownBodyError
from marsplan.ephemeris.frames import FRAMES, ecliptic_to_icrf
from marsplan.time import jd_tdb_to_iso, to_jd_tdb
from marsplan.validate import check_cells, choice, float_array, instance, short_repr

#: Body names every marsplan ephemeris understands. ``earth`` is the Earth's
#: centre (NAIF 399); ``emb`` is the Earth-Moon barycentre (NAIF 3).
BODIES = ("sun", "mercury", "venus", "earth", "moon", "emb", "mars",
          "jupiter", "saturn", "uranus", "neptune")


def canonical_body(body, bodies, source: str, field: str = "body") -> str:
    """``body`` lower-cased if it is one of ``bodies``; else UnknownBodyError/InputTypeError."""
    if not isinstance(body, str):
        raise InputTypeError(f"{field}: expected a body name such as 'mars', got "
                             f"{type(body).__name__} {short_repr(body)}")
    key = body.strip().lower()
    if key not in bodies:
        raise UnknownBodyError(body if len(body) <= 40 else body[:37] + "...", list(bodies),
                               source)
    return key


class Ephemeris(ABC):
    """Heliocentric states of solar-system bodies.

    Subclasses implement :meth:`_state_ecliptic` on TDB Julian dates and
    :meth:`coverage_jd`; this class parses epochs, checks bodies and ranges,
    and rotates frames.
    """

    #: Short name used in messages, e.g. ``"de440.bsp"``.
    name: str = "ephemeris"

    @property
    def bodies(self) -> tuple[str, ...]:
        """Names of the bodies this ephemeris can give."""
        return BODIES

    def check_body(self, body: str, field: str = "body") -> str:
        """Return the canonical (lower-case) body name or raise :class:`UnknownBodyError`.

        Names are case-insensitive (``"EARTH"``, ``"Mars"``); a non-string is an
        :class:`~marsplan.errors.InputTypeError` naming ``field``.
        """
        return canonical_body(body, self.bodies, self.name, field)

    @abstractmethod
    def coverage_jd(self, body: str) -> tuple[float, float]:
        """First and last TDB Julian date for which ``body`` is available."""

    @abstractmethod
    def _state_ecliptic(self, body: str, jd_tdb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Heliocentric ecliptic J2000 state, (N, 3) km and km/s, for a 1-D JD array."""

    def _states_ecliptic(self, bodies: tuple[str, ...], jd_tdb: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
        """Heliocentric ecliptic states of ``bodies[s]`` at dates ``jd_tdb[s]`` (S, N):
        r (S, N, 3) km, v (S, N, 3) km/s. Unchecked, like :meth:`_state_ecliptic`
        (the caller checked the range); one call per distinct body."""
        n = jd_tdb.shape[1]
        r_out, v_out = np.empty(jd_tdb.shape + (3,)), np.empty(jd_tdb.shape + (3,))
        for body in dict.fromkeys(bodies):
            rows = [s for s, b in enumerate(bodies) if b == body]
            r, v = self._state_ecliptic(body, np.ascontiguousarray(jd_tdb[rows]).reshape(-1))
            r_out[rows], v_out[rows] = r.reshape(len(rows), n, 3), v.reshape(len(rows), n, 3)
        return r_out, v_out

    def check_range(self, body: str, jd_tdb) -> None:
        """Raise :class:`EphemerisRangeError` if any epoch lies outside the coverage."""
        start, end = self.coverage_jd(body)
        jd = float_array(jd_tdb, "jd_tdb", finite=False).reshape(-1)
        # NaN first: "nan is outside de440.bsp" would blame the kernel for a bad date.
        if not np.all(np.isfinite(jd)):
            raise InputError(f"jd_tdb: NaN or infinite Julian date for {body}")
        bad = ~((jd >= start) & (jd <= end))
        if bad.any():
            first = float(jd[np.argmax(bad)])
            when = (jd_tdb_to_iso(first, "days") if -1_930_999.5 <= first < 5_373_484.5
                    else f"Julian date {first:g}")
            raise EphemerisRangeError(body, when, self.name, jd_tdb_to_iso(start, "days"),
                                      jd_tdb_to_iso(end, "days"))

    def state_jd(self, body: str, jd_tdb, frame: str = "ecliptic"):
        """State of ``body`` relative to the Sun at TDB Julian date(s) ``jd_tdb``.

        Parameters
        ----------
        body : str
            One of :attr:`bodies`.
        jd_tdb : float or array_like
            TDB Julian dates.
        frame : {"ecliptic", "equatorial"}
            Ecliptic J2000 (default) or the ICRF/J2000 equator.

        Returns
        -------
        r_km, v_kms : numpy.ndarray
            Shape (3,) for a scalar epoch, (..., 3) for an array of epochs.

        Raises
        ------
        UnknownBodyError
            ``body`` is not one of :attr:`bodies` (case-insensitive).
        EphemerisRangeError
            An epoch lies outside the ephemeris.
        InputError
            ``jd_tdb`` not numbers, NaN or infinite; an unknown ``frame``.
        """
        body = self.check_body(body)
        frame = choice(frame, "frame", FRAMES)
        jd = float_array(jd_tdb, "jd_tdb", finite=False)
        check_cells(jd.size, "jd_tdb: epochs")
        self.check_range(body, jd)
        flat = jd.reshape(-1)
        if body == "sun":
            r = np.zeros((flat.size, 3))
            v = np.zeros((flat.size, 3))
        else:
            r, v = self._state_ecliptic(body, flat)
        if frame == "equatorial":
            r, v = ecliptic_to_icrf(r), ecliptic_to_icrf(v)
        shape = jd.shape + (3,)
        return r.reshape(shape), v.reshape(shape)

    def state(self, body: str, epochs, frame: str = "ecliptic"):
        """State of ``body`` relative to the Sun at ``epochs``.

        Parameters
        ----------
        body : str
            ``"sun"`` ... ``"neptune"``, ``"moon"`` or ``"emb"``.
        epochs : str, datetime, numpy.datetime64, or an array of them
            Read as TDB (see :mod:`marsplan.time`).
        frame : {"ecliptic", "equatorial"}
            Heliocentric ecliptic J2000 (default) or ICRF (J2000 equator).

        Returns
        -------
        r_km, v_kms : numpy.ndarray
            Position (km) and velocity (km/s): shape (3,) for one epoch,
            (N, 3) for N epochs.

        Raises
        ------
        UnknownBodyError, EphemerisRangeError, InputError
            As :meth:`state_jd`; ``epochs`` that are not dates (numbers are refused).
        """
        return self.state_jd(body, to_jd_tdb(epochs, "epochs"), frame)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def ephemeris_or_default(ephemeris, field: str = "ephemeris") -> Ephemeris:
    """``ephemeris`` if it is an :class:`Ephemeris`, DE440 if None; else InputTypeError."""
    if ephemeris is None:
        from marsplan.ephemeris.spk import default_ephemeris

        return default_ephemeris()
    return instance(ephemeris, field, Ephemeris,
                    "an Ephemeris such as SPKEphemeris() or AnalyticEphemeris()")
