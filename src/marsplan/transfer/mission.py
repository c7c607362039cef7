"""Round-trip missions as data: legs, encounters, delta-v budget, events.

A :class:`Mission` is what :func:`marsplan.transfer.missions.missions` returns:
an Earth departure, the ballistic legs (Earth-Mars and Mars-Earth, one of them
possibly by way of a Venus swing-by), the stay at Mars (zero for a flyby) and
the return to Earth, with the delta-v of every maneuver. States are heliocentric
ecliptic J2000 (km, km/s); dates TDB Julian dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from marsplan._results import records_frame, short_repr, to_frame
from marsplan.choices import MISSION_CLASSES  # noqa: F401 (re-exported: the classes)
from marsplan.time import jd_tdb_to_iso


@dataclass(frozen=True)
class Leg:
    """One ballistic heliocentric arc between two bodies.

    ``r1_km``/``v1_kms`` is the spacecraft's state just after leaving ``origin``
    at ``departure_jd_tdb``, ``r2_km``/``v2_kms`` just before reaching ``target``
    at ``arrival_jd_tdb``; ``vinf_*_kms`` are the hyperbolic excess velocity
    vectors relative to those bodies (all (3,), ecliptic J2000). ``revs``:
    complete heliocentric revolutions; ``low_path`` their branch (Izzo's
    T(x), as :func:`marsplan.lambert`), True for 0 revolutions.
    """

    origin: str
    target: str
    departure_jd_tdb: float
    arrival_jd_tdb: float
    r1_km: np.ndarray
    v1_kms: np.ndarray
    r2_km: np.ndarray
    v2_kms: np.ndarray
    vinf_departure_kms: np.ndarray
    vinf_arrival_kms: np.ndarray
    revs: int = 0
    low_path: bool = True

    @property
    def tof_days(self) -> float:
        return self.arrival_jd_tdb - self.departure_jd_tdb

    @property
    def branch(self) -> str:
        """``""`` for 0 revolutions, else ``"low"`` or ``"high"`` (as ``transfer --revs``)."""
        return "" if self.revs == 0 else ("low" if self.low_path else "high")

    def __repr__(self) -> str:
        return short_repr(self, ("origin", "target", "departure_jd_tdb", "arrival_jd_tdb",
                                 "tof_days"))


@dataclass(frozen=True)
class Flyby:
    """A gravity assist: v-infinity in and out (vectors, km/s), the periapsis
    altitude flown (km), the turn angle (deg) and the powered-flyby delta-v (km/s)."""

    body: str
    jd_tdb: float
    vinf_in_kms: np.ndarray
    vinf_out_kms: np.ndarray
    periapsis_alt_km: float
    turn_deg: float
    dv_kms: float

    def __repr__(self) -> str:
        return short_repr(self, ("body", "jd_tdb", "periapsis_alt_km", "turn_deg", "dv_kms"),
                          title="Flyby")


@dataclass(frozen=True)
class Event:
    """A dated event of the mission timeline."""

    jd_tdb: float
    name: str
    body: str
    detail: str = ""

    def row(self) -> dict:
        return {"date": jd_tdb_to_iso(self.jd_tdb), "event": self.name, "body": self.body,
                "detail": self.detail}


# Fields of Mission.record after the class, flyby and departure dates.
_RECORD_FIELDS = ("mars_arrival_jd_tdb", "mars_departure_jd_tdb", "earth_arrival_jd_tdb",
                  "stay_days", "duration_days", "c3_km2s2", "vinf_mars_arrival_kms",
                  "vinf_mars_departure_kms", "vinf_earth_arrival_kms", "earth_entry_speed_kms",
                  "dv_departure_kms", "dv_mars_arrival_kms", "dv_mars_departure_kms",
                  "dv_earth_return_kms", "dv_flyby_kms", "dv_total_kms")


@dataclass(frozen=True)
class Mission:
    """A whole Earth-Mars-Earth mission.

    ``legs`` run in time order (2 legs, or 3 with a Venus swing-by on one side);
    ``flybys`` holds the gravity assists (Venus, and Mars for the flyby class).
    Delta-v (km/s): ``dv_departure_kms`` from the Earth parking orbit,
    ``dv_mars_arrival_kms`` capture (0 with aerocapture or for a flyby),
    ``dv_mars_departure_kms``, ``dv_earth_return_kms`` (0 for a direct entry
    under the speed limit, else braking or capture), ``dv_flyby_kms`` (powered
    flybys), and their sum ``dv_total_kms``.
    """

    mission_class: str
    flyby: str | None
    legs: tuple[Leg, ...]
    flybys: tuple[Flyby, ...]
    earth_departure_jd_tdb: float
    mars_arrival_jd_tdb: float
    mars_departure_jd_tdb: float
    earth_arrival_jd_tdb: float
    c3_km2s2: float
    vinf_mars_arrival_kms: float
    vinf_mars_departure_kms: float
    vinf_earth_arrival_kms: float
    earth_entry_speed_kms: float
    dv_departure_kms: float
    dv_mars_arrival_kms: float
    dv_mars_departure_kms: float
    dv_earth_return_kms: float
    dv_flyby_kms: float
    dv_total_kms: float
    notes: tuple[str, ...] = field(default=())

    @property
    def stay_days(self) -> float:
        return self.mars_departure_jd_tdb - self.mars_arrival_jd_tdb

    @property
    def duration_days(self) -> float:
        return self.earth_arrival_jd_tdb - self.earth_departure_jd_tdb

    @property
    def venus_flyby_jd_tdb(self) -> float | None:
        return next((f.jd_tdb for f in self.flybys if f.body == "venus"), None)

    def __repr__(self) -> str:
        return short_repr(self, ("mission_class", "flyby", "earth_departure_jd_tdb",
                                 "mars_arrival_jd_tdb", "mars_departure_jd_tdb",
                                 "earth_arrival_jd_tdb", "stay_days", "duration_days",
                                 "c3_km2s2", "dv_total_kms"))

    def to_pandas(self):
        """The timeline (:meth:`events`) as a :class:`pandas.DataFrame`.

        Returns
        -------
        pandas.DataFrame
            Columns ``date`` (datetime64, TDB), ``event``, ``body``, ``detail``.
        """
        events = self.events()
        return to_frame({"date_jd_tdb": [e.jd_tdb for e in events],
                         "event": [e.name for e in events], "body": [e.body for e in events],
                         "detail": [e.detail for e in events]})

    def record(self) -> dict:
        """The fields of ``marsplan missions`` (docs/design.md), dates as TDB JD (``*_jd_tdb``)."""
        venus = self.venus_flyby_jd_tdb
        return {
            "class": self.mission_class, "flyby": self.flyby,
            "earth_departure_jd_tdb": self.earth_departure_jd_tdb,
            "venus_flyby_jd_tdb": float("nan") if venus is None else venus,
            **{k: getattr(self, k) for k in _RECORD_FIELDS},
        }

    def row(self) -> dict:
        """The flat dict of docs/design.md (``marsplan missions``), plus the budget's parts."""
        venus = self.venus_flyby_jd_tdb
        return {
            "class": self.mission_class,
            "flyby": self.flyby,
            "earth_departure": jd_tdb_to_iso(self.earth_departure_jd_tdb),
            "venus_flyby": None if venus is None else jd_tdb_to_iso(venus),
            "mars_arrival": jd_tdb_to_iso(self.mars_arrival_jd_tdb),
            "mars_departure": jd_tdb_to_iso(self.mars_departure_jd_tdb),
            "earth_arrival": jd_tdb_to_iso(self.earth_arrival_jd_tdb),
            "stay_days": self.stay_days,
            "duration_days": self.duration_days,
            "c3_km2s2": self.c3_km2s2,
            "vinf_mars_arrival_kms": self.vinf_mars_arrival_kms,
            "vinf_mars_departure_kms": self.vinf_mars_departure_kms,
            "vinf_earth_arrival_kms": self.vinf_earth_arrival_kms,
            "earth_entry_speed_kms": self.earth_entry_speed_kms,
            "dv_departure_kms": self.dv_departure_kms,
            "dv_mars_arrival_kms": self.dv_mars_arrival_kms,
            "dv_mars_departure_kms": self.dv_mars_departure_kms,
            "dv_earth_return_kms": self.dv_earth_return_kms,
            "dv_flyby_kms": self.dv_flyby_kms,
            "dv_total_kms": self.dv_total_kms,
            "leg_revs": ",".join(str(leg.revs) + (f" {leg.branch}" if leg.revs else "")
                                 for leg in self.legs),
        }

    def events(self) -> list[Event]:
        """The timeline: departure, swing-bys, Mars arrival and departure, return."""
        out = [Event(self.earth_departure_jd_tdb, "Earth departure", "earth",
                     f"C3 {self.c3_km2s2:.2f} km^2/s^2, dv {self.dv_departure_kms:.3f} km/s")]
        for f in self.flybys:
            if f.body == "mars" and self.mission_class == "flyby":
                continue
            out.append(Event(f.jd_tdb, f"{f.body.capitalize()} swing-by", f.body,
                             f"v-inf {np.linalg.norm(f.vinf_in_kms):.2f} km/s, periapsis "
                             f"{f.periapsis_alt_km:.0f} km, dv {f.dv_kms:.3f} km/s"))
        if self.mission_class == "flyby":
            out.append(Event(self.mars_arrival_jd_tdb, "Mars flyby", "mars",
                             f"v-inf {self.vinf_mars_arrival_kms:.2f} km/s"))
        else:
            out.append(Event(self.mars_arrival_jd_tdb, "Mars arrival", "mars",
                             f"v-inf {self.vinf_mars_arrival_kms:.2f} km/s, capture dv "
                             f"{self.dv_mars_arrival_kms:.3f} km/s"))
            out.append(Event(self.mars_departure_jd_tdb, "Mars departure", "mars",
                             f"after {self.stay_days:.0f} days; v-inf "
                             f"{self.vinf_mars_departure_kms:.2f} km/s, dv "
                             f"{self.dv_mars_departure_kms:.3f} km/s"))
        out.append(Event(self.earth_arrival_jd_tdb, "Earth arrival", "earth",
                         f"entry {self.earth_entry_speed_kms:.2f} km/s, dv "
                         f"{self.dv_earth_return_kms:.3f} km/s"))
        return sorted(out, key=lambda e: e.jd_tdb)


class Missions(list):
    """The :class:`Mission` list that :func:`marsplan.missions` returns, by Earth departure.

    A plain list, plus ``years`` (each mission's opportunity label, the year of
    the Earth-Mars minimum-C3 launch it belongs to), ``by_year(2033)`` and
    ``to_pandas()``.
    """

    def __init__(self, missions=(), years=()):
        super().__init__(missions)
        self.years = list(years)

    def by_year(self, year: int) -> Mission:
        """The mission of the opportunity labelled ``year``.

        Raises
        ------
        NoSolutionError
            No mission found carries that label; the message lists those that do.
        InputError
            ``year`` is not a whole number.
        """
        from marsplan._results import by_year

        return by_year(self, self.years, year, "mission of an opportunity")

    def to_pandas(self):
        """One row per mission: the columns of ``marsplan missions`` (docs/design.md).

        Returns
        -------
        pandas.DataFrame
            ``opportunity``, ``class``, ``flyby``, the dates (datetime64, TDB;
            ``venus_flyby`` NaT without one), ``stay_days``, ``duration_days``,
            speeds and the delta-v budget in the units their names carry.
        """
        records = [{"opportunity": y, **m.record()} for y, m in zip(self.years, self)]
        names = ["opportunity", "class", "flyby", "earth_departure_jd_tdb",
                 "venus_flyby_jd_tdb", *_RECORD_FIELDS]
        return records_frame(records, names)

    def __repr__(self) -> str:
        return f"Missions({list.__repr__(self)})"
