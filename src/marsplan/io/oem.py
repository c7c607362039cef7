"""A round-trip mission as a CCSDS Orbit Ephemeris Message, and its timeline rows.

:func:`write_oem` writes the whole trajectory of a :class:`~marsplan.transfer.mission.Mission`
as an OEM, version 2.0, in KVN (keyword = value) text: CCSDS 502.0-B-2,
*Orbit Data Messages*, section 5 (Blue Book, 2009; the OEM of 502.0-B-3, 2023,
is the same apart from its version number and optional keys). One segment
(``META_START`` ... ``META_STOP`` and its data lines) per ballistic leg, sampled
by Kepler propagation about the Sun from the leg's departure state, and one
segment for the stay at Mars that follows Mars's centre from the ephemeris.
Header ``COMMENT`` lines give the timeline of events, the units and the frame.

Frame. marsplan's states are heliocentric ecliptic J2000 (docs/design.md), and the
OEM says so with ``REF_FRAME = ECLIPJ2000``: the name NAIF's SPICE toolkit (and
JPL Horizons' "ecliptic, J2000") give the mean ecliptic and equinox of J2000,
the EME2000 equator rotated about its x axis by the IAU 1976 obliquity,
84381.448 arcsec -- the same rotation as :mod:`marsplan.ephemeris.frames`.
502.0-B-2 Annex A lists EME2000, ICRF, MCI, ... and admits other frames by
agreement between the exchanging parties; the ``oem`` reader takes any name.
For a tool that knows only the Annex A frames (the OEM readers of STK and
Orekit list no ecliptic frame), ``ref_frame="EME2000"`` writes the same states
rotated to the J2000 equator.

Numbers. Positions in km, velocities in km/s, 16 significant digits (5e-16
relative, 0.1 mm at Mars's distance; the ``oem`` package calls more digits out
of spec); epochs in
TDB as ``YYYY-MM-DDTHH:MM:SS.ffffff``. A segment starts and stops at its dates
rounded to 0.1 ms: a float64 Julian date resolves only ~40 us, so a date typed
to the second (or to 0.1 ms) comes back as typed, not as ``...:32.000019``.
Each state is the one at its printed epoch, to the microsecond: a leg is
propagated from its departure state to exactly that instant (a spacecraft at
30 km/s moves 1.5 m in 50 us, the most the rounding shifts an end).
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import os
import textwrap

import numpy as np

from marsplan.constants import DAY_S, GM_SUN_KM3S2, OBLIQUITY_J2000_ARCSEC
from marsplan.ephemeris.frames import ecliptic_to_icrf
from marsplan.errors import InputError
from marsplan.io.emit import write_atomic
from marsplan.time import datetime64_to_jd_tdb, jd_tdb_to_datetime64, jd_tdb_to_iso

#: The ``REF_FRAME`` values :func:`write_oem` writes (see the module docstring).
REF_FRAMES = ("ECLIPJ2000", "EME2000")
#: KVN lines are at most 254 characters (CCSDS 502.0-B-2); comments wrap below that.
_MAX_LINE = 254
# An interior sample closer than this to a segment's end is dropped: its epoch
# would print within a second of the end point, a near-duplicate row.
_MIN_GAP_US = 1_000_000
# Segment ends are rounded to this (see the module docstring): the resolution of
# a float64 Julian date, ~40 us, rounded up to a decimal digit.
_END_ROUNDING_US = 100
# Hermite interpolation on positions and velocities of 3 samples (degree 5): with
# samples a day apart along a heliocentric arc it reproduces the Kepler orbit to
# well under a kilometre. A segment of only 2 samples gets degree 3.
_HERMITE_DEGREE = 5
# More samples than this is a mistaken step_days (170 MB of text), not a request.
_MAX_SAMPLES = 1_000_000
# A crew at Mars stays within the apoapsis radius of the 1-sol capture orbit,
# 250 x 33,793 km (DRA 5.0; marsplan.transfer.maneuvers.MARS_ONE_SOL_ORBIT),
# 3,396 + 33,793 km from Mars's centre: 2.5e-4 AU, far below a heliocentric plot's scale.
_MARS_ORBIT_EXTENT_KM = 37_000


def timeline_rows(mission) -> list[dict]:
    """The mission's events as flat rows, for the CLI's timeline output.

    Returns
    -------
    list of dict
        One row per event in time order, keys ``date`` (ISO 8601, TDB),
        ``event``, ``body`` and ``detail``.
    """
    return [event.row() for event in mission.events()]


def write_oem(mission, path, *, step_days=1.0, originator="marsplan",
              object_name="marsplan mission", object_id="MARSPLAN-1",
              ref_frame="ECLIPJ2000", ephemeris=None, creation_date=None):
    """Write ``mission``'s trajectory as a CCSDS OEM 2.0 (KVN) file.

    Parameters
    ----------
    mission : marsplan.transfer.mission.Mission
        The round trip; its legs run in time order and do not overlap.
    path : str or os.PathLike
        Output file. The parent directory is created; the file is replaced
        atomically (readers see the old file or the new one, never half).
    step_days : float
        Sampling interval, days. Each segment holds its start, every
        ``step_days`` after it, and its end exactly.
    originator, object_name, object_id : str
        ``ORIGINATOR``, ``OBJECT_NAME`` and ``OBJECT_ID`` (printable ASCII, one line).
    ref_frame : {"ECLIPJ2000", "EME2000"}
        Heliocentric ecliptic J2000 (marsplan's frame, default) or the J2000
        equator, for readers that know only the CCSDS Annex A frames.
    ephemeris : Ephemeris, optional
        Source of Mars's states during the stay; defaults to DE440.
    creation_date : str, datetime or numpy.datetime64, optional
        ``CREATION_DATE`` (UTC); the current time by default. Fix it to make
        the same mission give the same file.

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Raises
    ------
    InputError
        ``path`` is a directory or cannot be written; ``step_days`` is not a
        positive number; a text field is not one line of printable ASCII; the
        mission's legs overlap or run backwards.
    EphemerisRangeError
        The stay at Mars lies outside the ephemeris.

    References
    ----------
    CCSDS 502.0-B-2, *Orbit Data Messages*, Blue Book, Issue 2 (2009), section 5 (OEM).
    """
    target = os.fspath(path)
    if os.path.isdir(target):
        raise InputError(f"path: {target!r} is a directory; give a file name, "
                         f"e.g. {os.path.join(target, 'mission.oem')!r}")
    step_s = _step_seconds(step_days)
    span_days = mission.earth_arrival_jd_tdb - mission.earth_departure_jd_tdb
    if span_days / float(step_days) > _MAX_SAMPLES:
        raise InputError(f"step_days: {step_days!r} gives {span_days / step_days:.3g} samples "
                         f"over the {span_days:.0f}-day mission; at most {_MAX_SAMPLES:,}, "
                         f"so step_days >= {span_days / _MAX_SAMPLES:.3g}")
    frame = str(ref_frame).upper()
    if frame not in REF_FRAMES:
        raise InputError(f"ref_frame: {ref_frame!r} is not one of {', '.join(REF_FRAMES)}")
    fields = {"originator": originator, "object_name": object_name, "object_id": object_id}
    for name, value in fields.items():
        _check_text(name, value)
    created = _creation_date(creation_date)

    segments = _segments(mission, step_s, ephemeris)
    text = _kvn(mission, segments, frame, created, originator, object_name, object_id,
                step_days)

    write_atomic(target, text.encode("ascii"), make_parents=True)  # OutputPathError
    return path


class _Segment:
    """One OEM segment: its TDB epochs (datetime64[us]) and ecliptic states."""

    __slots__ = ("label", "epochs", "r_km", "v_kms", "comments")

    def __init__(self, label, epochs, r_km, v_kms, comments):
        self.label, self.epochs = label, epochs
        self.r_km, self.v_kms, self.comments = r_km, v_kms, comments


def _segments(mission, step_s: float, ephemeris) -> list[_Segment]:
    """The legs and the stay at Mars as segments, in time order; check they do not overlap."""
    from marsplan.twobody import propagate  # loads numba

    legs = tuple(mission.legs)
    if not legs:
        raise InputError("mission: has no legs, so there is no trajectory to write")
    out = []
    for number, leg in enumerate(legs, start=1):
        tof_s = (leg.arrival_jd_tdb - leg.departure_jd_tdb) * DAY_S
        if not tof_s > 0.0:
            raise InputError(f"mission: leg {number} ({leg.origin} to {leg.target}) arrives "
                             f"{jd_tdb_to_iso(leg.arrival_jd_tdb)}, not after it departs "
                             f"{jd_tdb_to_iso(leg.departure_jd_tdb)}")
        epochs, dt_s = _sample(leg.departure_jd_tdb, leg.arrival_jd_tdb, step_s,
                               f"leg {number}")
        r_km, v_kms = propagate(np.asarray(leg.r1_km, dtype=np.float64),
                                np.asarray(leg.v1_kms, dtype=np.float64), dt_s, GM_SUN_KM3S2)
        label = f"leg {number} of {len(legs)}, {leg.origin} to {leg.target}"
        comments = [f"{label.capitalize()}: ballistic arc, {tof_s / DAY_S:.2f} days, sampled "
                    "by Kepler propagation about the Sun from the departure state."]
        out.append(_Segment(label, epochs, r_km, v_kms, comments))

    arrival, departure = mission.mars_arrival_jd_tdb, mission.mars_departure_jd_tdb
    if departure > arrival:
        if ephemeris is None:
            from marsplan.ephemeris import default_ephemeris  # loads jplephem

            ephemeris = default_ephemeris()
        stay_s = (departure - arrival) * DAY_S
        epochs, _ = _sample(arrival, departure, step_s, "stay at Mars")
        r_km, v_kms = ephemeris.state_jd("mars", datetime64_to_jd_tdb(epochs))
        label = "stay at Mars"
        comments = [f"Stay at Mars, {stay_s / DAY_S:.2f} days: the states are those of Mars's "
                    f"centre from {ephemeris.name}. A crew in orbit about Mars stays within "
                    f"~{_MARS_ORBIT_EXTENT_KM:,} km of it (apoapsis of a 1-sol orbit, "
                    "250 x 33,793 km), below the scale of a heliocentric plot."]
        out.append(_Segment(label, epochs, r_km, v_kms, comments))

    out.sort(key=lambda s: s.epochs[0])
    for before, after in zip(out, out[1:]):
        # The OEM requires each segment to end no later than the next begins.
        if after.epochs[0] < before.epochs[-1]:
            raise InputError(
                f"mission: the {after.label} starts {_iso(after.epochs[0])}, before the "
                f"{before.label} ends {_iso(before.epochs[-1])}; an OEM's segments must not "
                "overlap")
    return out


def _sample(start_jd: float, stop_jd: float, step_s: float, what: str):
    """A segment's epochs and their offsets from ``start_jd``.

    Returns
    -------
    epochs : (N,) datetime64[us]
        The start and stop rounded to 0.1 ms, and every ``step_s`` after the
        start, except within 1 s of the stop.
    dt_s : (N,) float64
        Each epoch minus the instant ``start_jd`` itself, s: the times to
        propagate a state given at ``start_jd`` by.
    """
    start_exact = jd_tdb_to_datetime64(start_jd)
    start, stop = _round_end(start_exact), _round_end(jd_tdb_to_datetime64(stop_jd))
    span_us = int((stop - start) / np.timedelta64(1, "us"))
    if span_us <= 0:
        raise InputError(f"mission: the {what} lasts less than 0.1 ms "
                         f"({jd_tdb_to_iso(start_jd, 'milliseconds')}); an OEM segment "
                         "needs two distinct epochs")
    step_us = max(1, round(step_s * 1e6))
    interior = np.arange(0, max(span_us - _MIN_GAP_US, 1), step_us, dtype=np.int64)
    offsets = np.append(interior, span_us).astype("timedelta64[us]")
    epochs = start + offsets
    dt_s = (epochs - start_exact).astype(np.int64) / 1e6
    return epochs, dt_s


def _round_end(epoch: np.datetime64) -> np.datetime64:
    us = int((epoch - np.datetime64(0, "us")) / np.timedelta64(1, "us"))
    rounded = (us + _END_ROUNDING_US // 2) // _END_ROUNDING_US * _END_ROUNDING_US
    return np.datetime64(rounded, "us")


def _iso(epoch) -> str:
    return str(np.datetime_as_string(np.datetime64(epoch, "us"), unit="us"))


def _kvn(mission, segments, frame, created, originator, object_name, object_id,
         step_days) -> str:
    lines = ["CCSDS_OEM_VERS = 2.0"]
    lines += _comments(_header_comments(mission, segments, frame, step_days))
    lines += [f"CREATION_DATE = {created}", f"ORIGINATOR = {originator}"]
    for segment in segments:
        epochs = [_iso(e) for e in segment.epochs]
        degree = min(_HERMITE_DEGREE, 2 * len(epochs) - 1)
        lines += ["", "META_START",
                  f"OBJECT_NAME = {object_name}",
                  f"OBJECT_ID = {object_id}",
                  "CENTER_NAME = SUN",
                  f"REF_FRAME = {frame}",
                  "TIME_SYSTEM = TDB",
                  f"START_TIME = {epochs[0]}",
                  f"STOP_TIME = {epochs[-1]}",
                  "INTERPOLATION = HERMITE",
                  f"INTERPOLATION_DEGREE = {degree}",
                  "META_STOP", ""]
        lines += _comments(segment.comments)
        r_km, v_kms = segment.r_km, segment.v_kms
        if frame == "EME2000":
            r_km, v_kms = ecliptic_to_icrf(r_km), ecliptic_to_icrf(v_kms)
        states = np.hstack([r_km, v_kms])
        if not np.all(np.isfinite(states)):
            raise InputError(f"mission: the {segment.label} has non-finite states "
                             "(a leg that Kepler propagation cannot follow)")
        # 16 significant digits: float64 to 5e-16, all the numbers hold.
        lines += [epoch + "".join(f" {value:.15e}" for value in row)
                  for epoch, row in zip(epochs, states.tolist(), strict=True)]
    return "\n".join(lines) + "\n"


def _header_comments(mission, segments, frame, step_days) -> list[str]:
    from marsplan import __version__

    venus = ", Venus swing-by" if mission.flyby == "venus" else ""
    stay = f", stay at Mars {mission.stay_days:.1f} days" if mission.stay_days > 0 else ""
    out = [
        f"marsplan {__version__}: {mission.mission_class} class Earth-Mars-Earth mission{venus}, "
        f"{mission.duration_days:.1f} days{stay}, C3 {mission.c3_km2s2:.2f} km^2/s^2, "
        f"total delta-v {mission.dv_total_kms:.3f} km/s.",
        "Patched conics: heliocentric legs sampled by Kepler propagation about the Sun "
        f"(GM {GM_SUN_KM3S2:.6f} km^3/s^2, DE440) every {step_days:g} day"
        f"{'' if step_days == 1 else 's'} and at both ends; "
        "the velocity jumps between segments are the maneuvers and swing-bys.",
        "Units: position km, velocity km/s. Epochs: TDB (TDB - UTC is about 69 s).",
    ]
    if frame == "ECLIPJ2000":
        out.append("REF_FRAME ECLIPJ2000 (NAIF SPICE name): mean ecliptic and equinox of "
                   "J2000, EME2000 rotated about its x axis by the obliquity "
                   f"{OBLIQUITY_J2000_ARCSEC} arcsec (IAU 1976), as in JPL Horizons.")
    else:
        out.append("REF_FRAME EME2000: marsplan's ecliptic J2000 states rotated to the J2000 "
                   f"equator by the obliquity {OBLIQUITY_J2000_ARCSEC} arcsec (IAU 1976); "
                   "the ~20 mas ICRF frame bias is ignored, as JPL Horizons ignores it.")
    out.append("Timeline (TDB):")
    out += [f"{row['date']}  {row['event']} ({row['body']}): {row['detail']}"
            for row in timeline_rows(mission)]
    out.append("Segments: " + "; ".join(
        f"{i}. {s.label}, {_iso(s.epochs[0])[:19]} to {_iso(s.epochs[-1])[:19]}"
        for i, s in enumerate(segments, start=1)) + ".")
    out += [str(note) for note in getattr(mission, "notes", ())]
    return out


def _comments(texts) -> list[str]:
    """``COMMENT`` lines of printable ASCII, wrapped under the KVN line limit."""
    out = []
    for text in texts:
        ascii_text = "".join(c if " " <= c <= "~" else "?" for c in str(text))
        for line in textwrap.wrap(ascii_text, _MAX_LINE - len("COMMENT "),
                                  drop_whitespace=False) or [""]:
            out.append(f"COMMENT {line}".rstrip())
    return out


def _check_text(name: str, value) -> None:
    if not (isinstance(value, str) and value.strip() and value == value.strip()
            and all(" " <= c <= "~" for c in value) and len(value) <= 200):
        raise InputError(f"{name}: {value!r} must be one line of printable ASCII, without "
                         "leading or trailing spaces, at most 200 characters")


def _step_seconds(step_days) -> float:
    if not (isinstance(step_days, numbers.Real) and not isinstance(step_days, bool)
            and math.isfinite(step_days) and step_days > 0):
        raise InputError(f"step_days: must be a positive number of days, got {step_days!r}")
    return float(step_days) * DAY_S


def _creation_date(value) -> str:
    if value is None:
        now = _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None)
        return now.isoformat(timespec="seconds")
    from marsplan.time import to_datetime64

    return str(np.datetime_as_string(to_datetime64(value, "creation_date"), unit="s"))
