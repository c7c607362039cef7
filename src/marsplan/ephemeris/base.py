"""The :class:`Ephemeris` interface shared by the SPK and analytic ephemerides."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from marsplan.errors import EphemerisRangeError, InputError, UnknownBodyError
from marsplan.ephemeris.frames import FRAMES, ecliptic_to_icrf
from marsplan.time import jd_tdb_to_iso, to_jd_tdb

#: Body names every marsplan ephemeris understands. ``earth`` is the Earth's
#: centre (NAIF 399); ``emb`` is the Earth-Moon barycentre (NAIF 3).
BODIES = ("sun", "mercury", "venus", "earth", "moon", "emb", "mars",
          "jupiter", "saturn", "uranus", "neptune")


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

    def check_body(self, body: str) -> str:
        """Return the canonical body name or raise :class:`UnknownBodyError`."""
        key = str(body).strip().lower()
        if key not in self.bodies:
            raise UnknownBodyError(str(body), list(self.bodies), self.name)
        return key

    @abstractmethod
    def coverage_jd(self, body: str) -> tuple[float, float]:
        """First and last TDB Julian date for which ``body`` is available."""

    @abstractmethod
    def _state_ecliptic(self, body: str, jd_tdb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Heliocentric ecliptic J2000 state, (N, 3) km and km/s, for a 1-D JD array."""

    def check_range(self, body: str, jd_tdb) -> None:
        """Raise :class:`EphemerisRangeError` if any epoch lies outside the coverage."""
        start, end = self.coverage_jd(body)
        jd = np.asarray(jd_tdb, dtype=np.float64).reshape(-1)
        bad = ~((jd >= start) & (jd <= end))
        if bad.any():
            first = jd[np.argmax(bad)]
            when = jd_tdb_to_iso(first, "days") if np.isfinite(first) else str(first)
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
        UnknownBodyError, EphemerisRangeError, InputError
        """
        body = self.check_body(body)
        if frame not in FRAMES:
            raise InputError(f"frame: {frame!r} is not one of {', '.join(FRAMES)}")
        jd = np.asarray(jd_tdb, dtype=np.float64)
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
        """
        return self.state_jd(body, to_jd_tdb(epochs), frame)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
