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

Landing: when the scenario's crew lands (``crew_health.surface``), a lander
element that can land (catalog ``descent_dv_kms``/``ascent_dv_kms``), else the
transit vehicle when it can (Starship), flies a descent right after capture
and an ascent to the capture orbit right before TEI, each raised by the
margin. A separate lander flies them alone (itself, the crew and its later
burns' propellant); the stack carries it, and that propellant, through TMI
and MOI, and leaves it at Mars after the ascent. A transit vehicle that lands
takes the whole stack down. Propellant made on Mars serves the burns from
the surface on (the ascent, then TEI). A landing with nothing that can land
is a ScenarioError naming ``crew_health.surface``.

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

from marsplan.errors import InputError, ScenarioError
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
from marsplan.sizing.rows import BurnRow, ItemRow, LaunchRow, ManeuverRow
from marsplan.sizing.seats import seat_crew

MANEUVERS = ("tmi", "moi", "tei", "eoi")
#: The lander's maneuvers: from the Mars orbit to the surface and back.
SURFACE_MANEUVERS = ("descent", "ascent")
# Order of events on one date (a Mars flyby: arrival, swing-by, departure; a
# landing: capture, descent, ..., ascent, departure).
_RANK = {"tmi": 0, "moi": 1, "descent": 2, "flyby": 3, "ascent": 4, "tei": 5, "eoi": 6}
_TOL_T = 1e-9  # tonnes: below this a shortfall is rounding


@dataclass(frozen=True)
class Sizing:
    """The sized mission.

    Typed rows (:mod:`marsplan.sizing.rows`): ``maneuvers`` (the delta-v
    budget, in time order), ``burns`` (each element's share of a maneuver),
    ``launch_rows`` (flights by vehicle and purpose, each with the mass it
    lifts) and ``items`` (what each partner puts in the assembly orbit: their
    ``mass_t`` add up to ``imleo_t - extra_payload_t``, the caller's extra
    payload being the caller's to attribute).

    ``imleo_t``: mass in the assembly orbit (t); ``launches``: vehicle id ->
    flights, tanker flights and crew access included; ``consumables_t``;
    ``cost_musd``: the catalog price of every item and flight; ``feasible`` is
    True when ``limits`` (one-line messages, each naming the element, the
    maneuvers and the amount) is empty; ``inclination_deg``: the assembly
    orbit's; ``lands``: the crew lands for the stay (descent and ascent are
    in the budget); ``notes``: assumptions that shaped this result.
    """

    maneuvers: tuple[ManeuverRow, ...]
    burns: tuple[BurnRow, ...]
    launch_rows: tuple[LaunchRow, ...]
    items: tuple[ItemRow, ...]
    imleo_t: float
    launches: dict[str, int]
    tanker_flights: int
    consumables_t: float
    cost_musd: float
    feasible: bool
    limits: list[str]
    inclination_deg: float | None = None
    mass_at_departure_t: float = math.nan
    lands: bool = False
    notes: list[str] = field(default_factory=list)


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
    ScenarioError
        The crew lands but no element can land, or the mission has no stay.
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

    lander = _lander(scenario, parts, transit, mission)
    events = _events(scenario, mission, margins.dv_pct, notes, lander)
    by_maneuver = {e.maneuver: e for e in events}
    moi_index = by_maneuver["moi"].index
    # Propellant made on Mars serves the burns from the surface (a lander's
    # ascent) or from the Mars orbit (TEI) onward.
    return_event = by_maneuver["ascent"] if lander is not None else by_maneuver["tei"]
    return_index, t_tei = return_event.index, return_event.jd
    _assign_performers(events, parts, transit, limits, lander)
    for p in parts:
        performed = [e.index for e in events if p in e.performers]
        last = max(performed) if performed else None
        if p.role == "stage":
            p.last_index = last
        elif p.role in ("lander", "cargo"):
            p.last_index = max(moi_index, last if last is not None else -1)
    if any(p.in_stack and p.role in ("lander", "cargo") for p in parts):
        notes.append("landers and cargo are left at Mars: carried to Mars orbit insertion "
                     "(a crew lander until its ascent), not on the way back")
    if lander is not None and lander is not transit:
        notes.append(f"{lander.id} lands the crew and brings it back to the Mars orbit; it "
                     "carries the crew only (surface supplies are in its dry mass)")

    def attached(p, i):
        return p.in_stack and (p.last_index is None or i <= p.last_index)

    burns: list[_Burn] = []

    def stack_t(i, jd):
        """Mass attached during event ``i`` (before its own burn's propellant)."""
        isru_in = i >= return_index
        if (lander is not None and lander is not transit
                and events[i].maneuver in SURFACE_MANEUVERS):
            # A separate lander flies alone: itself, the crew, its later burns.
            return (lander.dry_t + crew_t + math.fsum(
                b.onboard_t(jd, isru_in) for b in lander.burns if b.event.index > i))
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
                    b.onboard_t(e.jd, e.index >= return_index) for b in p.burns))
                dv_max = (rocket_dv_kms(after_t + room_t, after_t, p.isp_s) if after_t > 0.0
                          else math.inf)
                dv_j = min(dv_left, dv_max)
            else:
                dv_j = dv_left
            share[j] = rocket_propellant_t(after_t, dv_j, p.isp_s)
            dv_left -= dv_j
            records[j] = _Burn(e, p, dv_j, after_t + share[j], after_t, share[j])
        e.mass_before_t = records[0].mass_before_t
        if e.index >= return_index and isru_left_t > _TOL_T:
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

    _check_capacity(parts, return_index, t_tei, scenario.isru.propellant_t, limits)
    if crew_size > 0:
        if transit is None:
            limits.append(f"no transit vehicle carries the crew of {crew_size}")
        elif crew_size > transit.element.crew_capacity * transit.count:
            seats = transit.element.crew_capacity * transit.count
            limits.append(f"{transit.id} seats {seats} but the crew is {crew_size}: "
                          f"{crew_size - seats} seats short")

    maneuvers = tuple(_maneuver_row(e) for e in events)
    burn_rows = tuple(_burn_row(b) for b in burns)
    items, launch_rows, launches, tanker_flights, incl = _launch_plan(
        scenario, catalog, parts, transit, crew_size, total_consumables_t, extra_payload_t,
        inclination_deg, limits, notes)
    items = _crew_rows(scenario, life) + items
    cost_musd = (math.fsum(r.cost_musd for r in items)
                 + math.fsum(r.cost_musd for r in launch_rows))
    return Sizing(maneuvers=maneuvers, burns=burn_rows, launch_rows=tuple(launch_rows),
                  items=tuple(items), imleo_t=imleo_t, launches=launches,
                  tanker_flights=tanker_flights, consumables_t=total_consumables_t,
                  cost_musd=cost_musd, feasible=not limits, limits=limits,
                  inclination_deg=incl, mass_at_departure_t=mass_at_departure_t,
                  lands=lander is not None, notes=notes)


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


def _lander(scenario, parts, transit, mission):
    """The part that lands the crew, or None when the crew stays in the Mars orbit.

    A ``lander`` element whose catalog entry gives descent and ascent delta-v,
    else the transit vehicle when it can land (Starship).

    Raises
    ------
    ScenarioError
        ``crew_health.surface`` is true but nothing can land, or there is no stay.
    """
    if not scenario.crew_health.surface:
        return None
    if mission.stay_days <= 0.0:
        raise ScenarioError("crew_health.surface: the crew cannot land on a flyby (no stay "
                            "at Mars); set it to false")

    def can_land(p):
        return (p is not None and p.element.descent_dv_kms is not None
                and p.element.ascent_dv_kms is not None)

    landers = [p for p in parts if p.role == "lander" and p.in_stack]
    for p in landers:
        if can_land(p):
            return p
    if can_land(transit):
        return transit
    have = ", ".join(p.id for p in landers) or "none"
    raise ScenarioError(
        "crew_health.surface: the crew lands for the stay, but no element of the scenario can "
        f"land (landers in the scenario: {have}; the transit vehicle "
        f"{transit.id if transit else '-'} has no descent/ascent delta-v in the catalog): add "
        "an element with role = \"lander\" (e.g. dra_descent_ascent_vehicle) or set "
        "crew_health.surface = false")


def _events(scenario, mission, dv_pct, notes, lander=None) -> list[_Event]:
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
    if lander is not None:
        # Descent right after capture, ascent right before departure: the stay's ends.
        raw += [("descent", "mars", mission.mars_arrival_jd_tdb, lander.element.descent_dv_kms),
                ("ascent", "mars", mission.mars_departure_jd_tdb, lander.element.ascent_dv_kms)]
    raw.sort(key=lambda r: (r[2], _RANK[r[0]]))
    factor = 1.0 + dv_pct / 100.0
    return [_Event(i, m, body, jd, float(dv), float(dv) * factor)
            for i, (m, body, jd, dv) in enumerate(raw)]


def _assign_performers(events, parts, transit, limits, lander=None) -> None:
    engine_transit = transit if transit is not None and transit.isp_s else None
    for e in events:
        if e.maneuver == "flyby":
            continue
        if e.maneuver in SURFACE_MANEUVERS:
            e.performers = [lander] if lander is not None and lander.isp_s else []
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
        later = [x for x in events[e.index + 1:] if x.maneuver not in ("flyby", "descent",
                                                                        "ascent")
                 and x.performers]
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


def _maneuver_row(e: _Event) -> ManeuverRow:
    prop = math.fsum(b.propellant_t for p in e.performers for b in p.burns if b.event is e)
    return ManeuverRow(maneuver=e.maneuver, body=e.body, jd_tdb=e.jd, dv_kms=e.dv_kms,
                       dv_with_margin_kms=e.dv_with_margin_kms,
                       elements=tuple(p.id for p in e.performers), propellant_t=prop,
                       mass_before_t=e.mass_before_t)


def _burn_row(b: _Burn) -> BurnRow:
    return BurnRow(maneuver=b.event.maneuver, jd_tdb=b.event.jd, element=b.part.id,
                   provider=b.part.provider, dv_kms=b.dv_kms, isp_s=b.part.isp_s,
                   mass_before_t=b.mass_before_t, mass_after_t=b.mass_after_t,
                   propellant_t=b.propellant_t, isru_propellant_t=b.isru_t,
                   boiloff_t=(b.earth_loaded_t - b.earth_t) + (b.isru_made_t - b.isru_t),
                   hold_days=b.hold_days, loaded_leo_t=b.earth_loaded_t)


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
    """Item and launch rows, launches by vehicle, tanker flights and the inclination."""
    tanker = _tanker(scenario, catalog, parts)
    altitude_km = scenario.orbits.leo_altitude_km
    vehicles = catalog.launch_vehicles
    # Each planned launch: provider, vehicle id, purpose, element, units, mass per unit
    # (or all the propellant, for tankers), how it flies, what it carries inside, extras.
    plans = []
    items, propellant_items = [], []
    by_tanker_t: dict[str, float] = {}  # element -> propellant that must come by tanker

    for p in parts:
        if p.role in ("tanker", "crew_access"):
            continue
        el = p.element
        carry_t = (total_consumables_t + extra_payload_t) if p is transit else 0.0
        wet = el.integrated_launch is None and el.launched_on is not None and tanker is None
        prop_t = p.loaded_t
        if prop_t > 0.0 and not wet:
            by_tanker_t[p.id] = by_tanker_t.get(p.id, 0.0) + prop_t
        items.append(ItemRow(
            kind="element", provider=p.provider, item=p.id, role=p.role, units=p.count,
            dry_t=p.dry_t, propellant_t=prop_t if wet else 0.0,
            mass_t=(p.dry_t + (prop_t if wet else 0.0)
                    + (total_consumables_t if p is transit else 0.0)) if p.in_stack else 0.0,
            unit_cost_musd=el.unit_cost_musd, cost_musd=el.unit_cost_musd * p.count))
        vehicle = _vehicle_of(el)
        if vehicle is None:
            limits.append(f"{p.id} has no launch vehicle in the catalog (launched_on or "
                          "integrated_launch)")
            continue
        _lookup(vehicles, vehicle, f"element {p.id}: launch vehicle")
        unit_t = p.dry_t / p.count + (prop_t / p.count if wet else 0.0) + carry_t / p.count
        plans.append({"provider": p.provider, "vehicle": vehicle, "purpose": "element",
                      "element": p.id, "units": p.count, "unit_t": unit_t,
                      "how": "integrated" if el.integrated_launch else "payload",
                      "carry_t": carry_t})

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
            items.append(ItemRow(
                kind="element", provider=p.provider, item=p.id, role=p.role,
                units=p.count if el.reusable else flown, dry_t=p.dry_t, propellant_t=0.0,
                mass_t=p.dry_t if p.in_stack else 0.0, unit_cost_musd=el.unit_cost_musd,
                cost_musd=per_flight_cost, crew=aboard[p]))
            vehicle = _vehicle_of(el)
            if vehicle is None:
                limits.append(f"{p.id} has no launch vehicle in the catalog (launched_on or "
                              "integrated_launch)")
                continue
            _lookup(vehicles, vehicle, f"element {p.id}: launch vehicle")
            if flown > 0:
                plans.append({"provider": p.provider, "vehicle": vehicle,
                              "purpose": "crew_access", "element": p.id, "units": flown,
                              "unit_t": p.dry_t / p.count,
                              "how": "integrated" if el.integrated_launch else "crew",
                              "carry_t": 0.0, "crew": aboard[p]})

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
                propellant_items.append(ItemRow(
                    kind="propellant", provider=p.provider, item=p.element.propellant,
                    role="propellant", units=0, dry_t=0.0, propellant_t=t, mass_t=t,
                    unit_cost_musd=0.0, cost_musd=0.0, element=pid))
        else:
            t_el, t_id, t_provider, t_count = tanker
            for pid, t in by_tanker_t.items():
                p = next(x for x in parts if x.id == pid)
                propellant_items.append(ItemRow(
                    kind="propellant", provider=t_provider, item=p.element.propellant,
                    role="propellant", units=0, dry_t=0.0, propellant_t=t, mass_t=t,
                    unit_cost_musd=0.0, cost_musd=0.0, element=pid))
            vehicle = _vehicle_of(t_el)
            if t_el.propellant_capacity_t <= 0.0:
                limits.append(f"tanker {t_id} carries no propellant (propellant_capacity_t 0)")
            elif vehicle is None:
                limits.append(f"tanker {t_id} has no launch vehicle in the catalog")
            else:
                _lookup(vehicles, vehicle, f"tanker {t_id}: launch vehicle")
                plans.append({"provider": t_provider, "vehicle": vehicle, "purpose": "tanker",
                              "element": t_id, "units": 0, "unit_t": need_t, "how": "tanker",
                              "carry_t": 0.0, "tanker": t_el, "tanker_count": t_count})

    used = list(dict.fromkeys(plan["vehicle"] for plan in plans))
    if inclination_deg is None and used:
        incl = max(lowest_inclination_deg(vehicles[v], altitude_km) for v in used)
    else:
        incl = None if inclination_deg is None else float(inclination_deg)

    launches: dict[str, int] = {}
    launch_rows = []
    for plan in plans:
        vehicle_id, unit_t, how = plan["vehicle"], plan["unit_t"], plan["how"]
        vehicle = vehicles[vehicle_id]
        pay = payload_t(vehicle, incl, altitude_km)
        n = plan["units"]
        extra_cost = 0.0
        per_flight_prop = None
        if pay is None:
            limits.append(f"{vehicle_id} cannot reach the {incl:.1f} deg assembly orbit: its "
                          f"payload_leo points stop at "
                          f"{highest_inclination_deg(vehicle, altitude_km):.1f} deg "
                          f"({plan['element']} flies on it)")
        if how == "tanker":
            # A flight delivers what the tanker holds, or what its booster lifts to this
            # orbit if less (Starship: the ship's payload is the propellant it brings).
            t_el = plan["tanker"]
            per_flight = t_el.propellant_capacity_t if pay is None else min(
                t_el.propellant_capacity_t, pay)
            if per_flight <= 0.0:
                limits.append(f"tanker {plan['element']} delivers nothing to the {incl:.1f} "
                              "deg assembly orbit")
                continue
            n = tanker_flights = launches_needed(unit_t, per_flight)
            extra_cost = t_el.unit_cost_musd * (plan["tanker_count"] if t_el.reusable else n)
            per_flight_prop = per_flight
            lifted_t = unit_t
        elif how == "payload":
            each = 1
            if pay is not None and pay <= 0.0:
                limits.append(f"{vehicle_id} lifts nothing to the {incl:.1f} deg assembly orbit "
                              f"({plan['element']} flies on it)")
            elif pay is not None:
                each = launches_needed(unit_t, pay)
                if each > 1:
                    notes.append(f"{plan['element']} ({unit_t:.1f} t) outweighs {vehicle_id}'s "
                                 f"{pay:.1f} t to the assembly orbit: {each} launches per unit, "
                                 "assembled in orbit")
            n = plan["units"] * each
            lifted_t = unit_t * plan["units"]
        elif how == "crew":
            if pay is not None and unit_t - pay > _TOL_T:
                limits.append(f"{plan['element']} ({unit_t:.1f} t) is heavier than "
                              f"{vehicle_id}'s {pay:.1f} t to the {incl:.1f} deg assembly orbit")
            lifted_t = unit_t * n
        else:  # integrated: the ship reaches orbit itself, with what it carries inside
            carry_t = plan["carry_t"]
            if pay is not None and carry_t - pay > _TOL_T:
                limits.append(f"{plan['element']} carries {carry_t:.1f} t of consumables and "
                              f"extra payload, more than {vehicle_id}'s {pay:.1f} t to the "
                              f"assembly orbit: short by {carry_t - pay:.1f} t")
            lifted_t = unit_t * n
        price = vehicle.price_musd
        launch_rows.append(LaunchRow(
            provider=plan["provider"], vehicle=vehicle_id, purpose=plan["purpose"],
            element=plan["element"], launches=int(n), mass_t=lifted_t,
            payload_capacity_t=pay, price_musd=price, cost_musd=n * price + extra_cost,
            crew=int(plan.get("crew", 0)), propellant_per_flight_t=per_flight_prop))
        launches[vehicle_id] = launches.get(vehicle_id, 0) + int(n)
    return items + propellant_items, launch_rows, launches, tanker_flights, incl


def _crew_rows(scenario, life) -> list[ItemRow]:
    """Crew mass by partner (items without an id), for the contributions."""
    rows = []
    for partner, n in scenario.crew.items():
        if n > 0 and life.crew_member_t > 0.0:
            rows.append(ItemRow(kind="crew", provider=partner, item=None, role="crew", units=n,
                                dry_t=0.0, propellant_t=0.0, mass_t=n * life.crew_member_t,
                                unit_cost_musd=0.0, cost_musd=0.0, crew=n))
    return rows
