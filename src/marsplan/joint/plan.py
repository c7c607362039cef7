"""A joint mission planned end to end: trajectory, interfaces, assembly orbit,
sizing and partner contributions (without some partners:
:func:`marsplan.joint.withdraw.plan_without`).

:func:`plan` chains the core steps for a :class:`~marsplan.joint.scenario.Scenario`:

1. the trajectory: the cheapest mission of the scenario's opportunity and class
   (:func:`marsplan.transfer.missions.missions`) whose departure asymptote's
   declination the assembly orbit can reach from every launch site used, or
   the scenario's explicit dates;
2. the interface checks of every docking pair, whose adapters ride along;
3. the assembly orbit: inclined at least |DLA| of the departure asymptote and
   reachable from every launch site used;
4. sizing at that inclination (propellant, IMLEO, launches, cost, verdict);
5. each partner's contribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from marsplan.joint.contributions import contributions
from marsplan.joint.interfaces import check_interfaces
from marsplan.joint.scenario import Scenario
from marsplan.joint.sites import assembly_orbit
from marsplan.sizing import size_mission
from marsplan.time import jd_tdb_to_iso


@dataclass(frozen=True)
class Plan:
    """Everything marsplan works out for one scenario.

    ``limits`` gathers every binding limit (sizing shortfalls, unreachable
    launch sites, interfaces no adapter bridges); ``feasible`` is True when
    there is none. ``dla_deg``/``rla_deg``: the Earth departure asymptote in
    EME2000, which sets the assembly orbit's lowest inclination.
    """

    scenario: Scenario
    mission: object
    dla_deg: float
    rla_deg: float
    interfaces: object
    sites: object
    sizing: object
    contributions: list[dict]
    limits: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.limits

    def summary(self) -> dict:
        """The key figures, flat: what a policy reader asks first."""
        m, s = self.mission, self.sizing
        launches = sum(s.launches.values())
        return {
            "name": self.scenario.mission.name,
            "feasible": self.feasible,
            "binding_limit": self.limits[0] if self.limits else None,
            "mission_class": m.mission_class,
            "crew": self.scenario.crew_size,
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
            "launches": launches,
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
    """
    if mission is None:
        mission = trajectory(scenario, ephemeris,
                             max_dla_deg=reachable_inclination_deg(scenario, catalog))
    rla, dla = departure_asymptote(mission)
    interfaces = check_interfaces(scenario, catalog)
    sites = assembly_orbit(scenario, catalog, dla)
    inclination = sites.inclination_deg if np.isfinite(sites.inclination_deg) else None
    sizing = size_mission(scenario, catalog, mission, inclination_deg=inclination,
                          extra_payload_t=interfaces.adapter_mass_t)
    rows = sizing.contribution_rows() + [
        {"provider": scenario.transit.provider, "kind": "adapter", "item": a.adapter,
         "mass_t": a.mass_t, "launches": 0, "cost_musd": 0.0}
        for a in interfaces.adapters]
    limits = list(sizing.limits) + list(sites.problems) + [
        f"{c.a} and {c.b}: {c.check} incompatible and no adapter in the catalog bridges it"
        for c in interfaces.unresolved]
    return Plan(scenario, mission, dla, rla, interfaces, sites, sizing,
                contributions(scenario, catalog, rows), limits)


# --------------------------------------------------------------------------- operations

#: Days before trans-Mars injection of the campaign's last steps (planning values).
CREW_LAUNCH_DAYS_BEFORE_TMI = 5.0
DOCKING_DAYS_BEFORE_TMI = 4.0


@dataclass(frozen=True)
class Operations:
    """Crew dose, light time and blackouts, and the whole timeline of a plan."""

    dose: object
    light_time_jd_tdb: np.ndarray
    light_time_min: np.ndarray
    blackouts: list
    timeline: list[dict]


def operations(p: Plan, *, campaign_days: float = 30.0, ephemeris=None) -> Operations:
    """Radiation dose per crew member, light time over the mission, blackouts during
    the stay, and every event with its date (launch campaign to Earth return)."""
    from marsplan.crew.comms import blackouts_during_stay, light_time
    from marsplan.crew.radiation import mission_dose

    scen, m, health = p.scenario, p.mission, p.scenario.crew_health
    prior = health.prior_dose_msv or None
    dose = mission_dose(m, crew=dict(scen.crew), shielding_factor=health.shielding_factor,
                        surface_days=None if health.surface else 0.0, prior_dose_msv=prior)
    jd, minutes = light_time(m, step_days=1.0, ephemeris=ephemeris)
    blackouts = (blackouts_during_stay(m, threshold_deg=health.blackout_threshold_deg)
                 if m.stay_days > 0 else [])
    tmi = m.earth_departure_jd_tdb
    events = []
    launches = [r for r in p.sizing.rows if r["kind"] in ("launch", "tanker")]
    element_launches = [r for r in launches if r.get("purpose") == "element"]
    for n, r in enumerate(element_launches):
        events.append((tmi - campaign_days + n, f"Launch of {r['element']} on {r['item']}",
                       r["provider"]))
    tankers = sum(r["launches"] for r in launches if r.get("purpose") == "tanker")
    for k in range(tankers):
        when = tmi - campaign_days + len(element_launches) + k * max(
            1.0, (campaign_days - len(element_launches) - CREW_LAUNCH_DAYS_BEFORE_TMI - 1)
            / max(tankers, 1))
        events.append((when, f"Tanker flight {k + 1} of {tankers}: propellant transfer",
                       scen.refuelling.provider if scen.refuelling else ""))
    for r in launches:
        if r.get("purpose") == "crew_access":
            events.append((tmi - CREW_LAUNCH_DAYS_BEFORE_TMI,
                           f"Crew launch on {r['element']} ({r['item']})", r["provider"]))
    for a, b in scen.docking_pairs():
        events.append((tmi - DOCKING_DAYS_BEFORE_TMI, f"Docking: {a} with {b}", ""))
    for e in m.events():
        events.append((e.jd_tdb, e.name, e.body))
        if e.name == "Mars arrival" and health.surface and m.stay_days > 0:
            events.append((e.jd_tdb, "Landing; surface stay begins", "mars"))
    for b in blackouts:
        events.append((b.start_jd_tdb, f"Solar-conjunction blackout begins (Sun-Earth-Mars "
                       f"below {b.threshold_deg:g} deg, minimum {b.min_elongation_deg:.2f} deg)",
                       "sun"))
        events.append((b.end_jd_tdb, "Solar-conjunction blackout ends", "sun"))
    events.sort(key=lambda e: e[0])
    timeline = [{"date": jd_tdb_to_iso(t), "event": name, "who": who}
                for t, name, who in events]
    return Operations(dose, jd, minutes, blackouts, timeline)
