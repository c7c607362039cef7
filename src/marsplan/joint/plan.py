"""A joint mission planned end to end: trajectory, interfaces, assembly orbit,
sizing, partner contributions, crew dose, light time, timeline and the verdict
(without some partners: :func:`marsplan.joint.withdraw.plan_without`).

:func:`plan` chains the core steps for a :class:`~marsplan.joint.scenario.Scenario`:

1. the trajectory: the cheapest mission of the scenario's opportunity and class
   (:func:`marsplan.transfer.missions.missions`) whose departure asymptote's
   declination the assembly orbit can reach from every launch site used, or
   the scenario's explicit dates;
2. the interface checks of every docking pair, whose adapters ride along;
3. the assembly orbit: inclined at least |DLA| of the departure asymptote and
   reachable from every launch site used;
4. sizing at that inclination (propellant, IMLEO, launches, cost; descent and
   ascent when the crew lands);
5. each partner's contribution;
6. operations: each crew member's radiation dose against the career limit of
   the agency that flies him or her, the light time from Earth to the crew,
   the solar-conjunction blackouts and the timeline;
7. the verdict (:mod:`marsplan.joint.verdict`), computed here once: every
   edge only words it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, fields

import numpy as np

from marsplan._results import show, to_frame
from marsplan.joint.agreement import Ledger, plan_ledger
from marsplan.joint.allocate import Allocation, allocated, flown_scenario
from marsplan.joint.contributions import PartnerRow, contributions
from marsplan.joint.interfaces import check_interfaces
from marsplan.joint.scenario import Scenario
from marsplan.joint.sites import assembly_orbit
from marsplan.joint.verdict import Limit, Verdict, verdict
from marsplan.sizing import size_mission
from marsplan.sizing.rows import ItemRow
from marsplan.time import jd_tdb_to_iso

__all__ = ["Limit", "LightTime", "Plan", "TimelineEvent", "Verdict", "operations", "plan",
           "trajectory"]

#: The career limit for a crew member whose partner publishes none (a company):
#: NASA's, the lowest single limit of the agencies in the catalog (a stated default).
DEFAULT_DOSE_LIMIT_MSV = 600.0
DEFAULT_DOSE_LIMIT_SOURCE = ("no published limit of its own: marsplan applies NASA's 600 mSv "
                             "(NASA-STD-3001 Vol. 1 Rev. B, 2022), the lowest single agency "
                             "limit")
#: Days before trans-Mars injection of the campaign's last steps (planning values).
CREW_LAUNCH_DAYS_BEFORE_TMI = 5.0
DOCKING_DAYS_BEFORE_TMI = 4.0
CAMPAIGN_DAYS = 30.0


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One event of the mission, from the launch campaign to the return (TDB JD)."""

    jd_tdb: float
    event: str
    who: str

    @property
    def date(self) -> str:
        return jd_tdb_to_iso(self.jd_tdb)


@dataclass(frozen=True, eq=False)  # arrays: compare by identity, not element by element
class LightTime:
    """One-way light time from the Earth's centre to the crew, day by day.

    ``crew_min``: to the crew: 0 while it is in low Earth orbit (from its
    launch to trans-Mars injection), then to its vehicle along the trajectory
    (Kepler arcs on the legs, Mars during the stay). ``earth_mars_min``: to
    Mars, only while the crew is at Mars (NaN elsewhere). Arrays of the shape
    of ``jd_tdb``.
    """

    jd_tdb: np.ndarray
    crew_min: np.ndarray
    earth_mars_min: np.ndarray

    @property
    def max_min(self) -> float:
        return float(np.max(self.crew_min))

    @property
    def min_min(self) -> float:
        return float(np.min(self.crew_min))

    def at_mars_range_min(self) -> tuple[float, float] | None:
        """(least, most) Earth-Mars light time during the stay; None for a flyby."""
        at = self.earth_mars_min[np.isfinite(self.earth_mars_min)]
        return (float(at.min()), float(at.max())) if at.size else None


@dataclass(frozen=True)
class Plan:
    """Everything marsplan works out for one scenario.

    ``verdict`` says whether it flies (:class:`~marsplan.joint.verdict.Verdict`,
    with every binding limit and the dose report); ``feasible`` is True only
    when it flies with no waiver. ``dla_deg``/``rla_deg``: the Earth departure
    asymptote in EME2000, which sets the assembly orbit's lowest inclination.
    ``scenario``: as flown (under an allocation, with the optimiser's crew-access
    vehicles); ``contributions``: one :class:`PartnerRow` per partner; ``ledger``: who
    brings what, gets what and pays whom (:mod:`marsplan.joint.agreement`); ``allocation``:
    the providers the optimiser chose (:mod:`marsplan.joint.allocate`), None when the
    agreement does not ask for it; ``light_time``,
    ``blackouts`` (during the stay) and ``timeline`` (in date order).
    """

    scenario: Scenario
    mission: object
    dla_deg: float
    rla_deg: float
    interfaces: object
    sites: object
    sizing: object
    contributions: tuple[PartnerRow, ...]
    verdict: Verdict
    light_time: LightTime
    blackouts: tuple
    timeline: tuple[TimelineEvent, ...]
    ledger: Ledger | None = None
    allocation: Allocation | None = None

    @property
    def feasible(self) -> bool:
        """True when the mission flies as planned: no limit binds, no waiver."""
        return self.verdict.status == "flies"

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def limits(self) -> list[str]:
        """Every binding limit, in words (hardware first, then crew dose)."""
        return [x.message for x in self.verdict.limits]

    @property
    def dose(self):
        """The crew's radiation dose (:class:`marsplan.crew.radiation.DoseReport`)."""
        return self.verdict.dose

    def __repr__(self) -> str:
        m, s = self.mission, self.sizing
        return (f"Plan(name={self.scenario.mission.name!r}, status={self.verdict.status!r}, "
                f"mission_class={m.mission_class!r}, "
                f"earth_departure={show(m.earth_departure_jd_tdb, date=True)}, "
                f"earth_arrival={show(m.earth_arrival_jd_tdb, date=True)}, "
                f"imleo_t={show(s.imleo_t)}, launches={show(sum(s.launches.values()))}, "
                f"cost_musd={show(s.cost_musd)})")

    def to_pandas(self):
        """The partners' contributions (:attr:`contributions`) and their lines of
        the ledger (:attr:`ledger`) as a DataFrame.

        Returns
        -------
        pandas.DataFrame
            One row per partner of :attr:`contributions`: the fields of
            :class:`PartnerRow`, then those of
            :class:`~marsplan.joint.agreement.PartnerLedger` (``seats``,
            ``provides_musd``, ..., ``balance_musd``; None without a ledger).
        """
        from marsplan.joint.agreement import PartnerLedger

        money = {r.partner: r for r in (self.ledger.partners if self.ledger else ())}
        columns = {f.name: [getattr(r, f.name) for r in self.contributions]
                   for f in fields(PartnerRow)}
        for f in fields(PartnerLedger):
            if f.name not in columns:
                columns[f.name] = [getattr(money.get(r.partner), f.name, None)
                                   for r in self.contributions]
        return to_frame(columns)

    def summary(self) -> dict:
        """The key figures, flat: what a policy reader asks first."""
        m, s = self.mission, self.sizing
        binding = self.verdict.binding
        return {
            "name": self.scenario.mission.name,
            "status": self.verdict.status,
            "flies_without_waiver": self.feasible,
            "binding_limit": binding.message if binding else None,
            "mission_class": m.mission_class,
            "crew": self.scenario.crew_size,
            "lands": s.lands,
            "earth_departure": jd_tdb_to_iso(m.earth_departure_jd_tdb),
            "mars_arrival": jd_tdb_to_iso(m.mars_arrival_jd_tdb),
            "mars_departure": jd_tdb_to_iso(m.mars_departure_jd_tdb),
            "earth_arrival": jd_tdb_to_iso(m.earth_arrival_jd_tdb),
            "duration_days": m.duration_days,
            "stay_days": m.stay_days,
            "dv_total_kms": m.dv_total_kms,
            "dla_deg": self.dla_deg,
            "assembly_inclination_deg": self.sites.inclination_deg,
            "imleo_t": s.imleo_t,
            "launches": sum(s.launches.values()),
            "tanker_flights": s.tanker_flights,
            "adapter_mass_t": self.interfaces.adapter_mass_t,
            "cost_musd": s.cost_musd,
        }


def departure_asymptote(mission) -> tuple[float, float]:
    """(RLA, DLA) in degrees, EME2000, of the mission's Earth departure v-infinity."""
    from marsplan.transfer.frames import asymptote_angles, equator_matrix

    leg = mission.legs[0]
    ra, dec = asymptote_angles(leg.vinf_departure_kms,
                               equator_matrix("earth", leg.departure_jd_tdb)[0])
    return float(ra), float(dec)


def reachable_inclination_deg(scenario: Scenario, catalog) -> float | None:
    """The highest assembly-orbit inclination every launch of the scenario reaches.

    For each launch, the best of its vehicle's sites (the site's range-safety
    limit, and the vehicle's highest tabulated payload inclination); then the
    lowest over the launches. None when no launch is known.
    """
    from marsplan.joint.sites import launch_sites
    from marsplan.sizing.launch import highest_inclination_deg

    caps = []
    for launch in launch_sites(scenario, catalog):
        vehicle = catalog.launch_vehicles[launch["vehicle"]]
        top = highest_inclination_deg(vehicle, scenario.orbits.leo_altitude_km)
        caps.append(max(min(catalog.sites[s].max_inclination_deg, top)
                        for s in launch["sites"]))
    return min(caps) if caps else None


def trajectory(scenario: Scenario, ephemeris=None, *, max_dla_deg=None):
    """The mission the scenario flies: searched in its opportunity, or at its dates.

    ``max_dla_deg`` keeps the departure asymptote's declination within the
    assembly orbit's reach (the scenario's own ``max_dla_deg`` wins).
    """
    from marsplan.transfer.missions import MissionOptions, assemble_mission, missions

    spec = scenario.mission
    options = MissionOptions(
        max_dla_deg=spec.max_dla_deg if spec.max_dla_deg is not None else max_dla_deg,
        stay_days=spec.stay_days, max_duration_days=spec.max_duration_days,
        earth_return=spec.earth_return, aerocapture=spec.mars_capture == "aerocapture",
        orbits=scenario.orbits.value())
    if spec.dates is not None:
        d = spec.dates
        return assemble_mission(d.earth_departure, d.mars_arrival, d.mars_departure,
                                d.earth_arrival, mission_class=spec.mission_class,
                                venus_flyby=d.venus_flyby, options=options,
                                ephemeris=ephemeris)
    return missions(spec.opportunity, spec.opportunity, spec.mission_class,
                    "venus" if spec.venus else None, options=options, ephemeris=ephemeris)[0]


def plan(scenario: Scenario, catalog, *, mission=None, ephemeris=None) -> Plan:
    """Plan ``scenario`` with ``catalog``: see the module docstring for the steps.

    ``mission`` reuses a trajectory already found.

    Parameters
    ----------
    scenario, catalog
        From :func:`marsplan.load_scenario`.
    mission : Mission, optional
        The trajectory to fly; by default the scenario's is searched.
    ephemeris : Ephemeris, optional
        Defaults to DE440.

    Returns
    -------
    Plan
        The mission, its sizing, interfaces, launch sites, each partner's
        contribution (``to_pandas()``) and the verdict.

    Raises
    ------
    ScenarioError
        The crew lands (``crew_health.surface``) but no element can land.
    AllocationError
        The scenario's ``[agreement]`` asks the optimiser for providers and no
        allocation meets it: who is short, by how much, what could close it.
    MarsplanError
        Whatever finding the trajectory or sizing raises.
    """
    from marsplan.ephemeris import default_ephemeris

    eph = ephemeris or default_ephemeris()
    if mission is None:
        mission = trajectory(scenario, eph,
                             max_dla_deg=reachable_inclination_deg(scenario, catalog))
    rla, dla = departure_asymptote(mission)
    # Under a barter, sanctions or must/cannot agreement the optimiser picks the
    # providers (marsplan.joint.allocate). When it changes the crew vehicles, their
    # interfaces, sites and sizing are redone for what flies: the adapters they need
    # move the propellant, which rarely moves the choice (at most 3 passes).
    baseline = None  # the cost of the user's own choices, from the first pass
    for _ in range(3):
        interfaces = check_interfaces(scenario, catalog)
        sites = assembly_orbit(scenario, catalog, dla)
        inclination = sites.inclination_deg if np.isfinite(sites.inclination_deg) else None
        sizing = size_mission(scenario, catalog, mission, inclination_deg=inclination,
                              extra_payload_t=interfaces.adapter_mass_t,
                              campaign_days=CAMPAIGN_DAYS)
        adapters = [ItemRow(kind="adapter", provider=scenario.transit.provider, item=a.adapter,
                            role="adapter", units=1, dry_t=a.mass_t, propellant_t=0.0,
                            mass_t=a.mass_t, unit_cost_musd=0.0, cost_musd=0.0)
                    for a in interfaces.adapters]
        surface_days = mission.stay_days if sizing.lands else 0.0
        sizing, allocation = allocated(scenario, catalog, sizing, adapters,
                                       surface_days=surface_days, baseline_cost_musd=baseline)
        if allocation is not None and baseline is None:
            baseline = allocation.baseline_cost_musd
        flown = flown_scenario(scenario, allocation)
        if flown is scenario:
            break
        scenario = flown
    rows = [*sizing.items, *adapters, *sizing.launch_rows]
    shares = contributions(scenario, catalog, rows)
    money = plan_ledger(scenario, catalog, rows, surface_days=surface_days)
    dose = crew_dose(scenario, catalog, mission)
    judged = verdict(sizing.limits, sites.problems, interfaces.unresolved, dose)
    threshold = scenario.crew_health.blackout_threshold_deg
    blackouts = _trajectory_product(("blackouts", threshold), mission, eph,
                                    lambda: tuple(_blackouts(scenario, mission, eph)))
    timeline = _timeline(scenario, sizing, mission, blackouts)
    first_crew = min((e.jd_tdb for e in timeline if e.event.startswith("Crew launch")),
                     default=mission.earth_departure_jd_tdb)
    light = _trajectory_product(("light_time", float(first_crew)), mission, eph,
                                lambda: _light_time(mission, first_crew, eph))
    return Plan(scenario, mission, dla, rla, interfaces, sites, sizing, shares, judged, light,
                tuple(blackouts), timeline, money, allocation)


# Blackouts and the light time depend only on the trajectory, the ephemeris, the
# blackout threshold and the crew's launch date, and take most of a plan's time
# (~80% of a plan with a known trajectory): plans of one trajectory (coalitions,
# withdrawals, sweeps) compute them once. Keyed by identity; each entry holds its
# mission and ephemeris, so their ids cannot be reused while it is cached.
_PRODUCTS: OrderedDict = OrderedDict()
_PRODUCTS_LOCK = threading.Lock()
_PRODUCTS_MAX = 32


def _trajectory_product(what: tuple, mission, eph, compute):
    """``compute()`` for (``what``, ``mission``, ``eph``), once while it stays cached."""
    key = (what, id(mission), id(eph))
    with _PRODUCTS_LOCK:
        hit = _PRODUCTS.get(key)
        if hit is not None and hit[0] is mission and hit[1] is eph:
            _PRODUCTS.move_to_end(key)
            return hit[2]
    value = compute()
    if isinstance(value, LightTime):  # shared by every plan of the mission: read-only
        for a in (value.jd_tdb, value.crew_min, value.earth_mars_min):
            a.flags.writeable = False
    with _PRODUCTS_LOCK:
        _PRODUCTS[key] = (mission, eph, value)
        while len(_PRODUCTS) > _PRODUCTS_MAX:
            _PRODUCTS.popitem(last=False)
    return value


def crew_dose(scenario: Scenario, catalog, mission):
    """Each crew member's dose on ``mission``, against the career limit of its partner.

    The limit is the scenario's ``crew_health.dose_limit_msv`` for the partner
    when given (the crew's own, where the agency's depends on age and sex),
    else the partner's ``career_dose_limit_msv`` in the catalog, else
    :data:`DEFAULT_DOSE_LIMIT_MSV` (a partner with no published limit).
    """
    from marsplan.crew.radiation import mission_dose

    health = scenario.crew_health
    crew = {p: int(n) for p, n in scenario.crew.items()}
    partners = getattr(catalog, "partners", None) or {}
    limits, sources = {}, {}
    for p in crew:
        record = partners.get(p)
        if p in health.dose_limit_msv:
            limits[p] = float(health.dose_limit_msv[p])
            sources[p] = "the crew's own limit, given by the scenario (crew_health.dose_limit_msv)"
        elif record is not None and record.career_dose_limit_msv is not None:
            limits[p] = float(record.career_dose_limit_msv)
            sources[p] = record.dose_limit_source or ""
        else:
            limits[p], sources[p] = DEFAULT_DOSE_LIMIT_MSV, DEFAULT_DOSE_LIMIT_SOURCE
    return mission_dose(mission, crew=crew, shielding_factor=health.shielding_factor,
                        surface_days=None if health.surface else 0.0,
                        # A withdrawn partner's prior doses leave with its crew.
                        prior_dose_msv={p: v for p, v in health.prior_dose_msv.items()
                                        if p in crew} or None,
                        career_limit_msv=limits, limit_source=sources)


def _blackouts(scenario, mission, eph) -> list:
    from marsplan.crew.comms import blackouts_during_stay

    if mission.stay_days <= 0:
        return []
    return blackouts_during_stay(mission, threshold_deg=scenario.crew_health.
                                 blackout_threshold_deg, ephemeris=eph)


def _light_time(mission, crew_launch_jd: float, eph) -> LightTime:
    """Light time to the crew: 0 in low Earth orbit, then along the trajectory."""
    from marsplan.crew.comms import light_time

    jd, to_crew = light_time(mission, step_days=1.0, track="spacecraft", ephemeris=eph)
    _, to_mars = light_time(mission, step_days=1.0, track="mars", ephemeris=eph)
    at_mars = (jd >= mission.mars_arrival_jd_tdb) & (jd <= mission.mars_departure_jd_tdb)
    earth_mars = np.where(at_mars, to_mars, np.nan)
    if crew_launch_jd < jd[0]:
        before = np.arange(crew_launch_jd, jd[0] - 1e-9, 1.0)
        jd = np.concatenate([before, jd])
        to_crew = np.concatenate([np.zeros_like(before), to_crew])
        earth_mars = np.concatenate([np.full_like(before, np.nan), earth_mars])
    return LightTime(jd, to_crew, earth_mars)


def _timeline(scenario, sizing, mission, blackouts) -> tuple[TimelineEvent, ...]:
    """Every event with its date, from the first launch to the return."""
    tmi = mission.earth_departure_jd_tdb
    events = []
    element_launches = [r for r in sizing.launch_rows if r.purpose == "element"]
    for n, r in enumerate(element_launches):
        events.append((tmi - CAMPAIGN_DAYS + n, f"Launch of {r.element} on {r.vehicle}",
                       r.provider))
    tankers = sum(r.launches for r in sizing.launch_rows if r.purpose == "tanker")
    # Who flies each: the tanker rows in order (several partners under an allocation).
    flown_by = [r.provider for r in sizing.launch_rows if r.purpose == "tanker"
                for _ in range(r.launches)]
    for k in range(tankers):
        when = tmi - CAMPAIGN_DAYS + len(element_launches) + k * max(
            1.0, (CAMPAIGN_DAYS - len(element_launches) - CREW_LAUNCH_DAYS_BEFORE_TMI - 1)
            / max(tankers, 1))
        events.append((when, f"Tanker flight {k + 1} of {tankers}: propellant transfer",
                       flown_by[k]))
    for r in sizing.launch_rows:
        if r.purpose == "crew_access":
            events.append((tmi - CREW_LAUNCH_DAYS_BEFORE_TMI,
                           f"Crew launch on {r.element} ({r.vehicle})", r.provider))
    for a, b in scenario.docking_pairs():
        events.append((tmi - DOCKING_DAYS_BEFORE_TMI, f"Docking: {a} with {b}", ""))
    lander = next((r.elements[0] for r in sizing.maneuvers
                   if r.maneuver == "descent" and r.elements), None)
    for e in mission.events():
        events.append((e.jd_tdb, e.name, e.body))
        if sizing.lands and e.name == "Mars arrival":
            events.append((e.jd_tdb, f"Landing on {lander}; surface stay begins", "mars"))
        if sizing.lands and e.name == "Mars departure":
            events.append((e.jd_tdb, f"Ascent on {lander} to the Mars orbit; surface stay ends",
                           "mars"))
    for b in blackouts:
        events.append((b.start_jd_tdb, f"Solar-conjunction blackout begins (Sun-Earth-Mars "
                       f"below {b.threshold_deg:g} deg, minimum {b.min_elongation_deg:.2f} deg)",
                       "sun"))
        events.append((b.end_jd_tdb, "Solar-conjunction blackout ends", "sun"))
    order = {"Mars arrival": 0, "Landing": 1, "Ascent": 2, "Mars departure": 3}
    events.sort(key=lambda e: (e[0], next((v for k, v in order.items()
                                           if e[1].startswith(k)), 1)))
    return tuple(TimelineEvent(float(t), name, who) for t, name, who in events)


# --------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class Operations:
    """Crew dose, light time, blackouts and the timeline of a plan (as the plan holds them)."""

    dose: object
    light_time_jd_tdb: np.ndarray
    light_time_min: np.ndarray
    blackouts: tuple
    timeline: tuple[TimelineEvent, ...]


def operations(p: Plan) -> Operations:
    """The plan's operations, computed once by :func:`plan`: the crew's dose, the light
    time to the crew, the blackouts during the stay and every event with its date."""
    return Operations(p.dose, p.light_time.jd_tdb, p.light_time.crew_min, p.blackouts,
                      p.timeline)
