"""Size a joint mission: delta-v budget, propellant, IMLEO, launches, cost, feasibility.

:func:`size_mission` takes a scenario (:class:`marsplan.joint.scenario.Scenario`),
a catalog and a :class:`marsplan.transfer.mission.Mission`, all read by duck
typing (``catalog.elements``, ``catalog.launch_vehicles`` and
``catalog.propellants`` are dicts keyed by id), and returns a :class:`Sizing`.

The model
---------
Maneuvers: TMI (Earth departure), MOI (Mars orbit insertion; 0 for a flyby or
with aerocapture), TEI (Mars departure), EOI (braking or capture on the return
to Earth, 0 for a direct entry), and a burn for each powered swing-by. Each
delta-v is raised by ``margins.dv_pct``. A maneuver is flown by the elements
whose ``burns`` list it, in the order the scenario lists them (the first fires
first; a stage drops right after its own share, so several stages on one
maneuver are staged in series, as DRA 5.0's TMI modules); an element with
``count`` n is n units firing together. A maneuver no element lists is flown by
the transit vehicle when it has an engine. A powered swing-by is flown by the
elements that fly the next main maneuver.

Propellant comes from the rocket equation, backward from the end of the
mission: the mass at each burnout is everything still attached then. Attached:
the transit vehicle and ``module`` elements (and any other element going to
Mars) for the whole mission, each dry mass raised by ``margins.dry_mass_pct``;
stages until their last burn; landers and cargo until Mars orbit insertion
(they are left at Mars: the crew comes home in the transit vehicle); the crew
(``crew_member_t`` each); what is left of the consumables; ``extra_payload_t``;
and the propellant of the burns still to come. Where several elements fly one
maneuver, the last to fire takes as much as its tanks allow and the first
takes the rest.

Boil-off: propellant for a burn is loaded in the assembly orbit
``campaign_days`` before departure and loses ``boiloff_pct_per_day`` of its
propellant each day until the burn (compounded daily), so the load is the
burn's propellant / (1 - rate)^days. Propellant made on Mars (``isru``) is
loaded just before TEI after ``isru_storage_days`` in storage; it serves the
return burns from the last one backward (the latest burns first: propellant
for them is the costliest to carry from Earth), and only the shortfall comes
from Earth.

Consumables: crew x mission days x ``consumables_kg_per_crew_day`` x (1 -
``recyclable_fraction`` x ``closure``), all carried from Earth and used evenly.

IMLEO: the dry masses of every element going to Mars, their propellant as
loaded in the assembly orbit, consumables, crew and extra payload. Crew-access
vehicles that stay at Earth are launched but are not part of it.

Launches: each element on its ``launched_on`` vehicle, several launches when
it outweighs the vehicle's payload to the assembly orbit (assembled in orbit);
loaded with its propellant when the scenario has no tanker, else dry. An
element with ``integrated_launch`` reaches orbit itself with empty tanks (one
launch per unit; the transit vehicle carries the consumables and extra payload
inside). Propellant loaded in orbit comes by ceil(propellant / per flight)
tanker flights, a flight bringing the tanker's ``propellant_capacity_t`` or
what its booster lifts to the assembly orbit, whichever is less (the catalog's
Starship tanker has 1,200 t tanks but delivers Super Heavy's payload). The
crew flies up on the crew-access vehicles by :mod:`marsplan.sizing.seats`: each
partner's crew on its own vehicle when it provides one, the rest in spare
seats, and a flight is added only when the listed ones cannot seat the crew. A crew-access vehicle that goes to Mars (DRA 5.0's Orion)
is in IMLEO too.

Cost: launches x price per launch, plus element unit costs (a reusable tanker
or crew-access vehicle is paid once per unit, an expendable one per flight).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from marsplan.errors import InputError
from marsplan.sizing.formulas import (
    boiloff_factor,
    consumables_t,
    rocket_dv_kms,
    rocket_propellant_t,
)
from marsplan.sizing.launch import (
    highest_inclination_deg,
    launches_needed,
    lowest_inclination_deg,
    payload_t,
)
from marsplan.sizing.seats import seat_crew
from marsplan.time import jd_tdb_to_iso

MANEUVERS = ("tmi", "moi", "tei", "eoi")
#: Row kinds that :func:`marsplan.joint.contributions.contributions` adds up per partner.
CONTRIBUTION_KINDS = ("element", "launch", "tanker", "propellant")
# Order of events on one date (a Mars flyby: arrival, swing-by, departure).
_RANK = {"tmi": 0, "moi": 1, "flyby": 2, "tei": 3, "eoi": 4}
_TOL_T = 1e-9  # tonnes: below this a shortfall is rounding


@dataclass(frozen=True)
class Sizing:
    """The sized mission.

    ``rows``: flat dicts, each with a ``kind``:

    - ``"maneuver"``: ``maneuver`` (tmi/moi/tei/eoi/flyby), ``body``, ``date``
      (ISO, TDB), ``dv_kms`` (from the trajectory), ``dv_with_margin_kms``,
      ``element`` (the elements that fly it, "+"-joined, or None),
      ``propellant_t``, ``mass_before_t``;
    - ``"burn"``: one element's share of a maneuver: ``maneuver``, ``date``,
      ``element``, ``provider``, ``dv_kms``, ``isp_s``, ``mass_before_t``,
      ``mass_after_t``, ``propellant_t`` (burned), ``isru_propellant_t`` (of it,
      made on Mars), ``boiloff_t`` (lost before the burn), ``hold_days``,
      ``loaded_leo_t`` (loaded in the assembly orbit);
    - ``"element"``, ``"propellant"``, ``"launch"``, ``"tanker"``: the plan by
      provider, in the shape :func:`marsplan.joint.contributions.contributions`
      reads (``provider``, ``item``, ``mass_t``, ``launches``, ``cost_musd``,
      plus details). Their ``mass_t`` add up to ``imleo_t - extra_payload_t``
      (the caller's extra payload is the caller's to attribute), their
      ``cost_musd`` to ``cost_musd``.

    ``imleo_t``: mass in the assembly orbit (t); ``launches``: vehicle id ->
    launches, tanker flights and crew access included; ``consumables_t``;
    ``cost_musd``; ``feasible`` is True when ``limits`` (one-line messages,
    each naming the element, the maneuvers and the amount) is empty;
    ``inclination_deg``: the assembly orbit's; ``notes``: assumptions that
    shaped this result.
    """

    rows: list[dict]
    imleo_t: float
    launches: dict[str, int]
    tanker_flights: int
    consumables_t: float
    cost_musd: float
    feasible: bool
    limits: list[str]
    inclination_deg: float | None = None
    mass_at_departure_t: float = math.nan
    notes: list[str] = field(default_factory=list)

    def rows_of(self, kind: str) -> list[dict]:
        """The rows of one ``kind``."""
        return [r for r in self.rows if r["kind"] == kind]

    def contribution_rows(self) -> list[dict]:
        """The rows :func:`marsplan.joint.contributions.contributions` takes."""
        return [r for r in self.rows if r["kind"] in CONTRIBUTION_KINDS]


# --- internal records -----------------------------------------------------------------------

@dataclass(eq=False)
class _Part:
    """One element use of the scenario, resolved against the catalog."""

    n: int  # position in the scenario's element list: the firing order
    use: object
    element: object
    dry_t: float  # all units, dry-mass margin included
    capacity_t: float  # all units
    boiloff_pct_per_day: float
    in_stack: bool  # goes to Mars with the transit vehicle
    last_index: int | None = None  # last event it is attached during; None: all of them
    burns: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.use.id

    @property
    def role(self) -> str:
        return self.use.role

    @property
    def provider(self) -> str:
        return self.use.provider

    @property
    def count(self) -> int:
        return int(self.use.count)

    @property
    def isp_s(self):
        return self.element.isp_s

    @property
    def loaded_t(self) -> float:
        return math.fsum(b.earth_loaded_t for b in self.burns)


@dataclass(eq=False)
class _Event:
    index: int
    maneuver: str
    body: str
    jd: float
    dv_kms: float
    dv_with_margin_kms: float
    performers: list = field(default_factory=list)
    mass_before_t: float = 0.0


@dataclass(eq=False)
class _Burn:
    """One element's share of one maneuver."""

    event: _Event
    part: _Part
    dv_kms: float
    mass_before_t: float
    mass_after_t: float
    propellant_t: float
    isru_t: float = 0.0  # of propellant_t, made on Mars
    isru_made_t: float = 0.0  # made on Mars for it (boil-off in storage included)
    earth_loaded_t: float = 0.0  # loaded in the assembly orbit for it
    hold_days: float = 0.0

    @property
    def earth_t(self) -> float:
        return self.propellant_t - self.isru_t

    def onboard_t(self, jd: float, isru_loaded: bool) -> float:
        """Its propellant on board at ``jd`` (before the burn): what will boil off included."""
        grow = boiloff_factor(self.part.boiloff_pct_per_day, self.event.jd - jd)
        return (self.earth_t + (self.isru_t if isru_loaded else 0.0)) * grow


# --- the API --------------------------------------------------------------------------------

def size_mission(scenario, catalog, mission, *, inclination_deg=None, extra_payload_t=0.0,
                 campaign_days=30.0, isru_storage_days=0.0) -> Sizing:
    """Delta-v budget, propellant, IMLEO, launches, cost and feasibility of a mission.

    Parameters
    ----------
    scenario : marsplan.joint.scenario.Scenario
        Crew, elements (role, burns, count, provider), refuelling, ISRU,
        assembly orbit, margins, life support.
    catalog
        Dicts ``elements``, ``launch_vehicles``, ``propellants`` keyed by id.
    mission : marsplan.transfer.mission.Mission
        The trajectory: the four dates and the delta-v of each maneuver.
    inclination_deg : float, optional
        Inclination of the assembly orbit. Defaults to the highest of the
        lowest inclinations in the payload tables of the vehicles used (the
        lowest orbit every one of them is tabulated for).
    extra_payload_t : float
        Mass the transit vehicle carries besides the scenario's elements (for
        example docking adapters), t.
    campaign_days : float
        Days between loading the first propellant in the assembly orbit and
        TMI; boil-off runs from then (DRA 5.0's chemical campaign took 390).
    isru_storage_days : float
        Days propellant made on Mars is stored before TEI.

    Returns
    -------
    Sizing

    Raises
    ------
    InputError
        An element, vehicle or propellant id not in the catalog, or a
        negative argument.
    """
    for name, value in (("extra_payload_t", extra_payload_t), ("campaign_days", campaign_days),
                        ("isru_storage_days", isru_storage_days)):
        if not (value >= 0.0 and math.isfinite(value)):
            raise InputError(f"{name}: must be a finite number >= 0, got {value!r}")
    limits: list[str] = []
    notes: list[str] = []
    margins, life = scenario.margins, scenario.life_support
    parts = [_resolve(n, use, catalog, margins.dry_mass_pct)
             for n, use in enumerate(scenario.elements)]
    transit = next((p for p in parts if p.role == "transit"), None)
    crew_size = int(sum(scenario.crew.values()))
    crew_t = crew_size * life.crew_member_t

    t0 = mission.earth_departure_jd_tdb
    duration_days = mission.earth_arrival_jd_tdb - t0
    total_consumables_t = consumables_t(crew_size, duration_days,
                                        life.consumables_kg_per_crew_day,
                                        life.recyclable_fraction, life.closure)

    def consumables_left_t(jd):
        if duration_days <= 0.0:
            return 0.0
        return total_consumables_t * min(1.0, max(0.0, 1.0 - (jd - t0) / duration_days))

    events = _events(scenario, mission, margins.dv_pct, notes)
    by_maneuver = {e.maneuver: e for e in events if e.maneuver in MANEUVERS}
    moi_index, tei_index = by_maneuver["moi"].index, by_maneuver["tei"].index
    t_tei = by_maneuver["tei"].jd
    _assign_performers(events, parts, transit, limits)
    for p in parts:
        performed = [e.index for e in events if p in e.performers]
        last = max(performed) if performed else None
        if p.role == "stage":
            p.last_index = last
        elif p.role in ("lander", "cargo"):
            p.last_index = max(moi_index, last if last is not None else -1)
    if any(p.in_stack and p.role in ("lander", "cargo") for p in parts):
        notes.append("landers and cargo are left at Mars: carried to Mars orbit insertion, "
                     "not on the way back")

    def attached(p, i):
        return p.in_stack and (p.last_index is None or i <= p.last_index)

    burns: list[_Burn] = []

    def stack_t(i, jd):
        """Mass attached during event ``i`` (before its own burn's propellant)."""
        isru_in = i >= tei_index
        return (math.fsum(p.dry_t for p in parts if attached(p, i)) + crew_t + extra_payload_t
                + consumables_left_t(jd)
                + math.fsum(b.onboard_t(jd, isru_in) for b in burns if b.event.index > i))

    # Backward from the end of the mission.
    isru_left_t = float(scenario.isru.propellant_t)
    for e in reversed(events):
        if e.dv_with_margin_kms <= 0.0 or not e.performers:
            e.mass_before_t = stack_t(e.index, e.jd)
            continue
        fixed_t = stack_t(e.index, e.jd)
        perf = e.performers
        share = [0.0] * len(perf)
        records = [None] * len(perf)
        dv_left = e.dv_with_margin_kms
        for j in reversed(range(len(perf))):
            p = perf[j]
            dropped_t = math.fsum(perf[k].dry_t for k in range(j)
                                  if perf[k].role == "stage" and perf[k].last_index == e.index)
            after_t = fixed_t - dropped_t + math.fsum(share[j + 1:])
            if j > 0:
                # Series staging: the last to fire takes what its tanks allow.
                room_t = max(0.0, p.capacity_t - math.fsum(
                    b.onboard_t(e.jd, e.index >= tei_index) for b in p.burns))
                dv_max = (rocket_dv_kms(after_t + room_t, after_t, p.isp_s) if after_t > 0.0
                          else math.inf)
                dv_j = min(dv_left, dv_max)
            else:
                dv_j = dv_left
            share[j] = rocket_propellant_t(after_t, dv_j, p.isp_s)
            dv_left -= dv_j
            records[j] = _Burn(e, p, dv_j, after_t + share[j], after_t, share[j])
        e.mass_before_t = records[0].mass_before_t
        if e.index >= tei_index and isru_left_t > _TOL_T:
            hold = (e.jd - t_tei) + isru_storage_days
            need_t = math.fsum(r.propellant_t * boiloff_factor(r.part.boiloff_pct_per_day, hold)
                               for r in records)
            covered = min(1.0, isru_left_t / need_t) if need_t > 0.0 else 0.0
            for r in records:
                r.isru_t = covered * r.propellant_t
                r.isru_made_t = r.isru_t * boiloff_factor(r.part.boiloff_pct_per_day, hold)
            isru_left_t = max(0.0, isru_left_t - covered * need_t)
        for r in records:
            r.hold_days = campaign_days + (e.jd - t0)
            r.earth_loaded_t = r.earth_t * boiloff_factor(r.part.boiloff_pct_per_day, r.hold_days)
            r.part.burns.append(r)
            burns.append(r)
    if scenario.isru.propellant_t > 0.0 and isru_left_t > 1e-6:
        notes.append(f"{isru_left_t:.1f} t of the {scenario.isru.propellant_t:.1f} t of "
                     "propellant made on Mars is not needed")
    burns.sort(key=lambda b: (b.event.index, b.part.n))

    stack_parts = [p for p in parts if p.in_stack]
    imleo_t = (math.fsum(p.dry_t for p in stack_parts) + math.fsum(p.loaded_t for p in parts)
               + total_consumables_t + crew_t + extra_payload_t)
    mass_at_departure_t = stack_t(-1, t0)

    _check_capacity(parts, tei_index, t_tei, scenario.isru.propellant_t, limits)
    if crew_size > 0:
        if transit is None:
            limits.append(f"no transit vehicle carries the crew of {crew_size}")
        elif crew_size > transit.element.crew_capacity * transit.count:
            seats = transit.element.crew_capacity * transit.count
            limits.append(f"{transit.id} seats {seats} but the crew is {crew_size}: "
                          f"{crew_size - seats} seats short")

    rows = [_maneuver_row(e) for e in events] + [_burn_row(b) for b in burns]
    plan_rows, launches, tanker_flights, incl = _launch_plan(
        scenario, catalog, parts, transit, crew_size, total_consumables_t, extra_payload_t,
        inclination_deg, limits, notes)
    rows += _crew_rows(scenario, life)
    rows += plan_rows
    cost_musd = math.fsum(r.get("cost_musd", 0.0) for r in rows if r["kind"] in
                          CONTRIBUTION_KINDS)
    return Sizing(rows=rows, imleo_t=imleo_t, launches=launches, tanker_flights=tanker_flights,
                  consumables_t=total_consumables_t, cost_musd=cost_musd, feasible=not limits,
                  limits=limits, inclination_deg=incl, mass_at_departure_t=mass_at_departure_t,
                  notes=notes)


# --- steps ----------------------------------------------------------------------------------

def _lookup(table, key, what):
    try:
        return table[key]
    except KeyError:
        raise InputError(f"{what}: {key!r} is not in the catalog; known: "
                         f"{', '.join(sorted(table))}") from None


def _resolve(n, use, catalog, dry_mass_pct) -> _Part:
    element = _lookup(catalog.elements, use.id, f"element[{n}].id")
    rate = 0.0
    if element.propellant:
        rate = _lookup(catalog.propellants, element.propellant,
                       f"element {use.id}: propellant").boiloff_pct_per_day
    count = int(use.count)
    return _Part(n=n, use=use, element=element,
                 dry_t=element.dry_mass_t * count * (1.0 + dry_mass_pct / 100.0),
                 capacity_t=element.propellant_capacity_t * count,
                 boiloff_pct_per_day=rate, in_stack=bool(use.goes_to_mars))


def _events(scenario, mission, dv_pct, notes) -> list[_Event]:
    spec = scenario.mission
    moi_kms = mission.dv_mars_arrival_kms
    if spec.mission_class == "flyby" or mission.mission_class == "flyby":
        moi_kms = 0.0
    elif spec.mars_capture == "aerocapture" and moi_kms > 0.0:
        notes.append(f"MOI set to 0 (aerocapture) instead of the trajectory's "
                     f"{moi_kms:.3f} km/s propulsive capture")
        moi_kms = 0.0
    raw = [("tmi", "earth", mission.earth_departure_jd_tdb, mission.dv_departure_kms),
           ("moi", "mars", mission.mars_arrival_jd_tdb, moi_kms),
           ("tei", "mars", mission.mars_departure_jd_tdb, mission.dv_mars_departure_kms),
           ("eoi", "earth", mission.earth_arrival_jd_tdb, mission.dv_earth_return_kms)]
    raw += [("flyby", f.body, f.jd_tdb, f.dv_kms)
            for f in getattr(mission, "flybys", ()) if f.dv_kms > 0.0]
    raw.sort(key=lambda r: (r[2], _RANK[r[0]]))
    factor = 1.0 + dv_pct / 100.0
    return [_Event(i, m, body, jd, float(dv), float(dv) * factor)
            for i, (m, body, jd, dv) in enumerate(raw)]


def _assign_performers(events, parts, transit, limits) -> None:
    engine_transit = transit if transit is not None and transit.isp_s else None
    for e in events:
        if e.maneuver == "flyby":
            continue
        listed = [p for p in parts if e.maneuver in p.use.burns]
        for p in listed:
            if not p.in_stack:
                limits.append(f"{p.id} is listed to fly {e.maneuver.upper()} but does not go "
                              "to Mars (to_mars false)")
            elif not p.isp_s:
                limits.append(f"{p.id} is listed to fly {e.maneuver.upper()} but has no engine "
                              "(isp_s) in the catalog")
        e.performers = [p for p in listed if p.in_stack and p.isp_s]
        if not listed and e.dv_with_margin_kms > 0.0 and engine_transit is not None:
            e.performers = [engine_transit]
    for e in events:
        if e.maneuver != "flyby":
            continue
        later = [x for x in events[e.index + 1:] if x.maneuver != "flyby" and x.performers]
        e.performers = list(later[0].performers) if later else (
            [engine_transit] if engine_transit is not None else [])
    for e in events:
        if e.dv_with_margin_kms > 0.0 and not e.performers:
            what = f"the {e.body} swing-by" if e.maneuver == "flyby" else e.maneuver.upper()
            limits.append(f"no element with an engine flies {what} "
                          f"({e.dv_with_margin_kms:.3f} km/s with margin): list it in an "
                          "element's burns")


def _burn_list(burns) -> str:
    names = []
    for b in sorted(burns, key=lambda b: b.event.index):
        if b.propellant_t > 0.0:
            name = "swing-by" if b.event.maneuver == "flyby" else b.event.maneuver.upper()
            names.append(name)
    return "+".join(dict.fromkeys(names))


def _check_capacity(parts, tei_index, t_tei, isru_t, limits) -> None:
    for p in parts:
        if not p.burns:
            continue
        loaded = p.loaded_t
        short = loaded - p.capacity_t
        if short > _TOL_T:
            back = [b for b in p.burns if b.event.index >= tei_index]
            back_t = math.fsum(b.earth_loaded_t for b in back)
            needs = f"needs {loaded:.1f} t for {_burn_list(p.burns)}, holds {p.capacity_t:.1f} t"
            if back and short <= back_t + _TOL_T:
                more = "more " if isru_t > 0.0 else ""
                limits.append(f"{p.id} cannot return from Mars without {more}propellant made on "
                              f"Mars: short by {short:.1f} t ({needs})")
            else:
                limits.append(f"{p.id} cannot hold the propellant for {_burn_list(p.burns)}: "
                              f"short by {short:.1f} t ({needs})")
        back = [b for b in p.burns if b.event.index >= tei_index]
        if isru_t > 0.0 and any(b.isru_t > 0.0 for b in back):
            at_mars = math.fsum((b.earth_t + b.isru_t)
                                * boiloff_factor(p.boiloff_pct_per_day, b.event.jd - t_tei)
                                for b in back)
            if at_mars - p.capacity_t > _TOL_T:
                limits.append(f"{p.id} cannot hold the propellant for {_burn_list(back)} at Mars "
                              f"departure: short by {at_mars - p.capacity_t:.1f} t (needs "
                              f"{at_mars:.1f} t, holds {p.capacity_t:.1f} t)")


def _maneuver_row(e: _Event) -> dict:
    prop = math.fsum(b.propellant_t for p in e.performers for b in p.burns if b.event is e)
    return {"kind": "maneuver", "maneuver": e.maneuver, "body": e.body,
            "date": jd_tdb_to_iso(e.jd), "dv_kms": e.dv_kms,
            "dv_with_margin_kms": e.dv_with_margin_kms,
            "element": "+".join(p.id for p in e.performers) or None,
            "propellant_t": prop, "mass_before_t": e.mass_before_t}


def _burn_row(b: _Burn) -> dict:
    return {"kind": "burn", "maneuver": b.event.maneuver, "date": jd_tdb_to_iso(b.event.jd),
            "element": b.part.id, "provider": b.part.provider, "dv_kms": b.dv_kms,
            "isp_s": b.part.isp_s, "mass_before_t": b.mass_before_t,
            "mass_after_t": b.mass_after_t, "propellant_t": b.propellant_t,
            "isru_propellant_t": b.isru_t,
            "boiloff_t": (b.earth_loaded_t - b.earth_t) + (b.isru_made_t - b.isru_t),
            "hold_days": b.hold_days, "loaded_leo_t": b.earth_loaded_t}


# --- launches and cost ----------------------------------------------------------------------

def _vehicle_of(element):
    return element.integrated_launch or element.launched_on


def _tanker(scenario, catalog, parts):
    """(tanker element, its id, provider, count) or None."""
    if scenario.refuelling is not None:
        element = _lookup(catalog.elements, scenario.refuelling.tanker, "refuelling.tanker")
        return element, scenario.refuelling.tanker, scenario.refuelling.provider, 1
    listed = next((p for p in parts if p.role == "tanker"), None)
    if listed is not None:
        return listed.element, listed.id, listed.provider, listed.count
    return None


def _launch_plan(scenario, catalog, parts, transit, crew_size, total_consumables_t,
                 extra_payload_t, inclination_deg, limits, notes):
    """Launch, tanker, element and propellant rows; launches by vehicle; the inclination."""
    tanker = _tanker(scenario, catalog, parts)
    altitude_km = scenario.orbits.leo_altitude_km
    vehicles = catalog.launch_vehicles
    plans = []  # (row, vehicle id, mass per launch or None, kind of launch)
    element_rows, propellant_rows = [], []
    by_tanker_t: dict[str, float] = {}  # provider -> propellant that must come by tanker

    for p in parts:
        if p.role in ("tanker", "crew_access"):
            continue
        el = p.element
        carry_t = (total_consumables_t + extra_payload_t) if p is transit else 0.0
        wet = el.integrated_launch is None and el.launched_on is not None and tanker is None
        prop_t = p.loaded_t
        if prop_t > 0.0 and not wet:
            by_tanker_t[p.id] = by_tanker_t.get(p.id, 0.0) + prop_t
        element_rows.append({
            "kind": "element", "provider": p.provider, "item": p.id, "role": p.role,
            "mass_t": (p.dry_t + (prop_t if wet else 0.0)
                       + (total_consumables_t if p is transit else 0.0)) if p.in_stack else 0.0,
            "dry_t": p.dry_t, "propellant_t": prop_t if wet else 0.0,
            "launches": 0, "units": p.count, "unit_cost_musd": el.unit_cost_musd,
            "cost_musd": el.unit_cost_musd * p.count})
        vehicle = _vehicle_of(el)
        if vehicle is None:
            limits.append(f"{p.id} has no launch vehicle in the catalog (launched_on or "
                          "integrated_launch)")
            continue
        _lookup(vehicles, vehicle, f"element {p.id}: launch vehicle")
        unit_t = p.dry_t / p.count + (prop_t / p.count if wet else 0.0) + carry_t / p.count
        plans.append(({"kind": "launch", "provider": p.provider, "item": vehicle,
                       "purpose": "element", "element": p.id, "units": p.count},
                      vehicle, unit_t, "integrated" if el.integrated_launch else "payload",
                      carry_t))

    # Crew access: the one seat rule (marsplan.sizing.seats), also a withdrawal's.
    crew_parts = [p for p in parts if p.role == "crew_access"]
    if crew_size > 0 and not crew_parts and transit is not None:
        notes.append(f"no crew-access vehicle: the crew launches aboard {transit.id}")
    if crew_parts:
        for p in crew_parts:
            if p.element.crew_capacity <= 0:
                limits.append(f"{p.id} is a crew-access vehicle with no seats (crew_capacity 0)")
        seating = seat_crew(scenario.crew, [(p.provider, p.element.crew_capacity, p.count)
                                            for p in crew_parts])
        flights = {p: n if p.element.crew_capacity > 0 else 0
                   for p, n in zip(crew_parts, seating.flights)}
        aboard = dict(zip(crew_parts, seating.aboard))
        for p in crew_parts:
            el = p.element
            flown = flights[p]
            per_flight_cost = el.unit_cost_musd * (p.count if el.reusable else flown)
            element_rows.append({
                "kind": "element", "provider": p.provider, "item": p.id, "role": p.role,
                "mass_t": p.dry_t if p.in_stack else 0.0, "dry_t": p.dry_t,
                "propellant_t": 0.0, "launches": 0, "units": p.count if el.reusable else flown,
                "crew": aboard[p], "unit_cost_musd": el.unit_cost_musd,
                "cost_musd": per_flight_cost})
            vehicle = _vehicle_of(el)
            if vehicle is None:
                limits.append(f"{p.id} has no launch vehicle in the catalog (launched_on or "
                              "integrated_launch)")
                continue
            _lookup(vehicles, vehicle, f"element {p.id}: launch vehicle")
            if flown > 0:
                plans.append(({"kind": "launch", "provider": p.provider, "item": vehicle,
                               "purpose": "crew_access", "element": p.id, "units": flown,
                               "crew": aboard[p]},
                              vehicle, p.dry_t / p.count,
                              "integrated" if el.integrated_launch else "crew", 0.0))

    # Tanker flights for the propellant loaded in orbit.
    tanker_flights = 0
    need_t = math.fsum(by_tanker_t.values())
    if need_t > _TOL_T:
        if tanker is None:
            who = ", ".join(by_tanker_t)
            limits.append(f"{who} reach orbit with empty tanks but the scenario has no "
                          f"refuelling: {need_t:.1f} t of propellant must be delivered to the "
                          "assembly orbit")
            for pid, t in by_tanker_t.items():
                p = next(x for x in parts if x.id == pid)
                propellant_rows.append({"kind": "propellant", "provider": p.provider,
                                        "item": p.element.propellant, "element": pid,
                                        "mass_t": t, "launches": 0, "cost_musd": 0.0})
        else:
            t_el, t_id, t_provider, t_count = tanker
            for pid, t in by_tanker_t.items():
                p = next(x for x in parts if x.id == pid)
                propellant_rows.append({"kind": "propellant", "provider": t_provider,
                                        "item": p.element.propellant, "element": pid,
                                        "mass_t": t, "launches": 0, "cost_musd": 0.0})
            vehicle = _vehicle_of(t_el)
            if t_el.propellant_capacity_t <= 0.0:
                limits.append(f"tanker {t_id} carries no propellant (propellant_capacity_t 0)")
            elif vehicle is None:
                limits.append(f"tanker {t_id} has no launch vehicle in the catalog")
            else:
                _lookup(vehicles, vehicle, f"tanker {t_id}: launch vehicle")
                plans.append(({"kind": "tanker", "provider": t_provider, "item": vehicle,
                               "purpose": "tanker", "element": t_id, "units": 0,
                               "tanker": t_el, "tanker_count": t_count},
                              vehicle, need_t, "tanker", 0.0))

    used = list(dict.fromkeys(v for _, v, *_ in plans))
    if inclination_deg is None and used:
        incl = max(lowest_inclination_deg(vehicles[v], altitude_km) for v in used)
    else:
        incl = None if inclination_deg is None else float(inclination_deg)

    launches: dict[str, int] = {}
    rows = []
    for row, vehicle_id, unit_t, how, carry_t in plans:
        vehicle = vehicles[vehicle_id]
        pay = payload_t(vehicle, incl, altitude_km)
        n = row["units"]
        if pay is None:
            limits.append(f"{vehicle_id} cannot reach the {incl:.1f} deg assembly orbit: its "
                          f"payload_leo points stop at "
                          f"{highest_inclination_deg(vehicle, altitude_km):.1f} deg "
                          f"({row['element']} flies on it)")
        if how == "tanker":
            # A flight delivers what the tanker holds, or what its booster lifts to this
            # orbit if less (Starship: the ship's payload is the propellant it brings).
            t_el = row["tanker"]
            per_flight = t_el.propellant_capacity_t if pay is None else min(
                t_el.propellant_capacity_t, pay)
            if per_flight <= 0.0:
                limits.append(f"tanker {row['element']} delivers nothing to the {incl:.1f} deg "
                              "assembly orbit")
                per_flight = math.nan
            else:
                n = tanker_flights = launches_needed(unit_t, per_flight)
            row["tanker_cost_musd"] = t_el.unit_cost_musd * (
                row["tanker_count"] if t_el.reusable else n)
            row["propellant_per_flight_t"] = per_flight
            mass_per_launch_t = per_flight
        elif how == "payload":
            each = 1
            if pay is not None and pay <= 0.0:
                limits.append(f"{vehicle_id} lifts nothing to the {incl:.1f} deg assembly orbit "
                              f"({row['element']} flies on it)")
            elif pay is not None:
                each = launches_needed(unit_t, pay)
                if each > 1:
                    notes.append(f"{row['element']} ({unit_t:.1f} t) outweighs {vehicle_id}'s "
                                 f"{pay:.1f} t to the assembly orbit: {each} launches per unit, "
                                 "assembled in orbit")
            n = row["units"] * each
            mass_per_launch_t = unit_t / each
        elif how == "crew":
            if pay is not None and unit_t - pay > _TOL_T:
                limits.append(f"{row['element']} ({unit_t:.1f} t) is heavier than {vehicle_id}'s "
                              f"{pay:.1f} t to the {incl:.1f} deg assembly orbit")
            mass_per_launch_t = unit_t
        else:  # integrated: the ship itself is not payload, what it carries inside is
            if pay is not None and carry_t - pay > _TOL_T:
                limits.append(f"{row['element']} carries {carry_t:.1f} t of consumables and "
                              f"extra payload, more than {vehicle_id}'s {pay:.1f} t to the "
                              f"assembly orbit: short by {carry_t - pay:.1f} t")
            mass_per_launch_t = carry_t / max(1, row["units"])
        price = vehicle.price_musd
        out = {"kind": row["kind"], "provider": row["provider"], "item": vehicle_id,
               "purpose": row["purpose"], "element": row["element"], "mass_t": 0.0,
               "launches": int(n), "mass_per_launch_t": mass_per_launch_t,
               "payload_t": pay, "price_musd": price,
               "cost_musd": n * price + row.get("tanker_cost_musd", 0.0)}
        for key in ("crew", "tanker_cost_musd", "propellant_per_flight_t"):
            if key in row:
                out[key] = row[key]
        rows.append(out)
        launches[vehicle_id] = launches.get(vehicle_id, 0) + int(n)
    return element_rows + propellant_rows + rows, launches, tanker_flights, incl


def _crew_rows(scenario, life) -> list[dict]:
    """Crew mass by partner (element rows without an item), for the contributions."""
    rows = []
    for partner, n in scenario.crew.items():
        if n > 0 and life.crew_member_t > 0.0:
            rows.append({"kind": "element", "provider": partner, "item": None, "role": "crew",
                         "mass_t": n * life.crew_member_t, "dry_t": 0.0, "propellant_t": 0.0,
                         "launches": 0, "units": n, "cost_musd": 0.0})
    return rows
