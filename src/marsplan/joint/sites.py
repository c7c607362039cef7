"""Launch sites and the assembly orbit they must all reach.

The transit vehicle is assembled and refuelled in a low Earth orbit, then
leaves it along the departure asymptote. A burn in the orbit's plane reaches
an asymptote of declination DLA only if the orbit is inclined at least |DLA|,
and every element must be launched into that orbit from its own site, whose
range allows only some inclinations (Baikonur's crewed launches fly at 51.6
degrees; Cape Canaveral's at 28.5 degrees and up). marsplan takes the lowest
inclination that serves every site, since payload falls as the inclination
rises (less of the Earth's rotation helps), and charges each vehicle the
payload it loses there against its site's lowest inclination.

The catalog is read by duck typing: ``catalog.elements``,
``catalog.launch_vehicles`` and ``catalog.sites`` are dicts keyed by id.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import asdict, dataclass

from marsplan.errors import InputError, NoSolutionError
from marsplan.sizing.launch import payload_t

# Inclinations closer than this are one (the catalog prints them to 0.1 deg).
_SAME_DEG = 1e-6


@dataclass(frozen=True, slots=True)
class SiteLaunch:
    """One element's launch: who launches it, on what, from where (inclinations, deg)."""

    element: str
    role: str
    partner: str
    vehicle: str
    site: str
    site_name: str
    site_min_inclination_deg: float
    site_max_inclination_deg: float


@dataclass(frozen=True, slots=True)
class PayloadLoss:
    """Payload a vehicle loses by launching from ``site`` to the assembly orbit.

    ``payload_site_min_t`` is its payload to the site's lowest inclination,
    ``payload_t`` to the chosen one (both interpolated in inclination from the
    vehicle's ``payload_leo`` points, at the altitude nearest the assembly
    orbit's); ``loss_t`` their difference and ``loss_fraction`` its share of
    the first. NaN when the points cannot give it (``note`` says why).
    """

    vehicle: str
    site: str
    partners: tuple[str, ...]
    elements: tuple[str, ...]
    site_min_inclination_deg: float
    inclination_deg: float
    payload_site_min_t: float
    payload_t: float
    loss_t: float
    loss_fraction: float
    note: str = ""


@dataclass(frozen=True, slots=True)
class SiteReport:
    """The assembly orbit's inclination, whether every launch site reaches it, and the
    payload each vehicle loses there.

    ``problems`` names, when ``feasible`` is False, each partner and site that
    cannot reach the orbit (``payload`` is then empty); ``notes`` tells of
    launches moved to another site of their vehicle, launches left out and
    extrapolated payloads.
    """

    dla_deg: float
    inclination_deg: float
    feasible: bool
    problems: tuple[str, ...]
    launches: tuple[SiteLaunch, ...]
    payload: tuple[PayloadLoss, ...]
    notes: tuple[str, ...] = ()

    @property
    def reason(self) -> str | None:
        """The problems in one line, None when feasible."""
        return "; ".join(self.problems) if self.problems else None

    def raise_if_infeasible(self) -> None:
        """Raise :class:`NoSolutionError` naming the sites that cannot reach the orbit."""
        if not self.feasible:
            raise NoSolutionError(f"assembly orbit: {self.reason}")

    def rows(self) -> list[dict]:
        """The payload losses as flat dicts (``partners``, ``elements`` joined by ", ")."""
        out = []
        for p in self.payload:
            row = asdict(p)
            row["partners"], row["elements"] = ", ".join(p.partners), ", ".join(p.elements)
            out.append(row)
        return out


def launch_sites(scenario, catalog, launch_sites_used=None) -> list[dict]:
    """Each launch of the scenario with its vehicle's sites, best first.

    Returns one dict per launch: ``element``, ``partner`` (who launches it),
    ``vehicle`` and ``sites`` (site ids) ranked: a site run by the element's
    provider first (Roscosmos's Soyuz from Baikonur, SpaceX's Falcon 9 from
    its own pads), then one run by the vehicle's owner, then by another partner
    of the scenario, then the rest, each group in the vehicle's order.
    ``launch_sites_used`` ({element id: site id}) fixes the site of those
    elements. Elements with no launch vehicle in the catalog are left out
    (:func:`assembly_orbit` notes them).
    """
    launches, _ = _launches(scenario, catalog, launch_sites_used or {})
    return [{"element": x.element.id, "partner": x.partner, "vehicle": x.vehicle.id,
             "sites": [site.id for site in x.candidates]} for x in launches]


def assembly_orbit(scenario, catalog, dla_deg, launch_sites_used=None, *,
                   inclination_deg=None) -> SiteReport:
    """Pick the assembly orbit's inclination: at least |DLA|, reachable from every site.

    Parameters
    ----------
    scenario : marsplan.joint.scenario.Scenario
        Every element and the refuelling tanker is launched to the assembly
        orbit (one row each, whatever its count), on its ``launched_on``
        vehicle (or its ``integrated_launch`` booster when that is a catalog
        launch vehicle).
    catalog
        Any object with dicts ``elements``, ``launch_vehicles`` and ``sites``.
    dla_deg : float
        Declination of the Earth departure asymptote, deg (the Transfer's or
        Mission's ``dla_deg``).
    launch_sites_used : dict, optional
        {element id: site id} for elements whose site is fixed; the others
        take the best-ranked site of their vehicle (see :func:`launch_sites`).
    inclination_deg : float, optional
        A required inclination (an existing station's, say) to check instead
        of choosing one.

    Returns
    -------
    SiteReport
        With the preferred sites, the inclination is max(|DLA|, the highest
        lowest-inclination of the sites); if some site cannot reach it, other
        sites of the same vehicles are tried at the lowest inclination that
        serves them all. When none serves, ``feasible`` is False and
        ``problems`` names each partner and site that cannot reach it.

    Raises
    ------
    InputError
        A non-finite DLA; an element, vehicle or site id the catalog lacks; a
        fixed site its vehicle does not fly from.
    """
    if not (isinstance(dla_deg, numbers.Real) and math.isfinite(dla_deg)):
        raise InputError(f"dla_deg: must be a finite number of degrees, got {dla_deg!r}")
    floor_deg = abs(float(dla_deg))
    launches, notes = _launches(scenario, catalog, launch_sites_used or {})
    if not launches:
        return SiteReport(float(dla_deg), floor_deg, True, (), (), (), tuple(notes))
    preferred = [x.candidates[0] for x in launches]
    if inclination_deg is not None:
        incl = float(inclination_deg)
        picks = [next((s for s in x.candidates if _reaches(s, incl)), x.candidates[0])
                 for x in launches]
    else:
        incl = max(floor_deg, max(s.min_inclination_deg for s in preferred))
        picks = preferred
        if not all(_reaches(s, incl) for s in picks):
            levels = sorted({floor_deg} | {s.min_inclination_deg for x in launches
                                           for s in x.candidates
                                           if s.min_inclination_deg >= floor_deg})
            for level in levels:
                trial = [next((s for s in x.candidates if _reaches(s, level)), None)
                         for x in launches]
                if all(trial):
                    incl, picks = level, trial
                    break
            else:
                # None serves all: report from the sites that come closest, at the
                # lowest inclination every launch allows.
                incl = max(floor_deg, max(min(s.min_inclination_deg for s in x.candidates)
                                          for x in launches))
                picks = [next((s for s in x.candidates if _reaches(s, incl)),
                              max(x.candidates, key=lambda s: s.max_inclination_deg))
                         for x in launches]
    for x, first, pick in zip(launches, preferred, picks):
        if pick is not first and _reaches(pick, incl):
            notes.append(f"{x.element.id} launches from {pick.name} instead of "
                         f"{first.name}, which cannot reach {incl:.1f} deg")

    rows = [SiteLaunch(x.element.id, x.role, x.partner, x.vehicle.id, site.id, site.name,
                       float(site.min_inclination_deg), float(site.max_inclination_deg))
            for x, site in zip(launches, picks)]
    problems = _problems(rows, incl, floor_deg, inclination_deg is not None)
    # Payload lost is charged only on an orbit every site reaches.
    payload = ([] if problems else
               _payload_losses(rows, catalog, incl, scenario.orbits.leo_altitude_km))
    for p in payload:
        if p.note:
            notes.append(f"{p.vehicle} from {p.site}: {p.note}")
    return SiteReport(float(dla_deg), incl, not problems, tuple(problems), tuple(rows),
                      tuple(payload), tuple(dict.fromkeys(notes)))


# --- helpers ------------------------------------------------------------------------------

def _reaches(site, incl: float) -> bool:
    return (site.min_inclination_deg - _SAME_DEG <= incl
            <= site.max_inclination_deg + _SAME_DEG)


@dataclass(frozen=True, slots=True)
class _Launch:
    element: object
    role: str
    partner: str
    vehicle: object
    candidates: list


def _launches(scenario, catalog, fixed):
    """A _Launch per element use and for the refuelling tanker, and notes on those left out."""
    elements, vehicles, sites = catalog.elements, catalog.launch_vehicles, catalog.sites
    partners = scenario.partners()
    flown = [(use.id, use.role, use.provider) for use in scenario.elements]
    if scenario.refuelling is not None:
        flown.append((scenario.refuelling.tanker, "tanker", scenario.refuelling.provider))
    unknown = set(fixed) - {element_id for element_id, _, _ in flown}
    if unknown:
        raise InputError(f"launch_sites_used: {', '.join(sorted(unknown))} not among the "
                         f"scenario's elements")
    out, notes = [], []
    for element_id, role, provider in flown:
        if element_id not in elements:
            raise InputError(f"element {element_id!r} is not in the catalog; known: "
                             f"{', '.join(elements)}")
        element = elements[element_id]
        vehicle_id = next((v for v in (element.launched_on, element.integrated_launch)
                           if v is not None and v in vehicles), None)
        if vehicle_id is None:
            named = element.launched_on or element.integrated_launch
            notes.append(f"{element_id}: launch vehicle {named!r} is not in the catalog; its "
                         "site is not checked" if named else
                         f"{element_id}: no launch vehicle in the catalog; its site is not "
                         "checked")
            continue
        vehicle = vehicles[vehicle_id]
        missing = [s for s in vehicle.sites if s not in sites]
        if missing:
            raise InputError(f"launch vehicle {vehicle_id}: site {missing[0]!r} is not in the "
                             f"catalog; known: {', '.join(sites)}")
        if element_id in fixed:
            if fixed[element_id] not in vehicle.sites:
                raise InputError(f"launch_sites_used[{element_id!r}]: {vehicle_id} does not fly "
                                 f"from {fixed[element_id]!r}; it flies from "
                                 f"{', '.join(vehicle.sites)}")
            candidates = [sites[fixed[element_id]]]
        else:
            order = {s: n for n, s in enumerate(vehicle.sites)}
            candidates = sorted((sites[s] for s in vehicle.sites), key=lambda site: (
                _rank(site.operator, provider, vehicle.owner, partners), order[site.id]))
        out.append(_Launch(element, role, provider, vehicle, candidates))
    return out, notes


def _rank(operator: str, provider: str, owner: str, partners) -> int:
    """0 for a site its provider runs, 1 for the vehicle owner's, 2 for another
    partner's, 3 for the rest (``operator`` is free text such as "Roscosmos
    (leased from Kazakhstan)"; a partner runs it when its id is a word of it)."""
    words = set(re.findall(r"[a-z0-9_]+", operator.lower()))
    if provider.lower() in words:
        return 0
    if owner.lower() in words:
        return 1
    if any(p.lower() in words for p in partners):
        return 2
    return 3


def _problems(rows, incl, floor_deg, forced) -> list[str]:
    """One message per site that cannot reach ``incl`` (and for an orbit below |DLA|)."""
    problems = []
    if forced and incl < floor_deg - _SAME_DEG:
        problems.append(f"the assembly orbit at {incl:.1f} deg is inclined less than |DLA| "
                        f"{floor_deg:.1f} deg: the departure asymptote is out of its reach")
    # The site whose lowest inclination set the orbit's, when it was not |DLA|.
    setter = max(rows, key=lambda r: r.site_min_inclination_deg)
    for group in _by_site(rows).values():
        r = group[0]
        who = f"{r.site_name} ({', '.join(dict.fromkeys(g.partner for g in group))})"
        if incl < r.site_min_inclination_deg - _SAME_DEG:
            problems.append(f"{who} cannot reach {incl:.1f} deg: its launches fly at "
                            f"{r.site_min_inclination_deg:.1f} deg or more")
        elif incl > r.site_max_inclination_deg + _SAME_DEG:
            if forced:
                problems.append(f"{who} cannot reach {incl:.1f} deg: its launches fly at "
                                f"{r.site_max_inclination_deg:.1f} deg or less")
            elif abs(incl - floor_deg) <= _SAME_DEG:
                problems.append(f"|DLA| {floor_deg:.1f} deg exceeds what {who} reaches: at "
                                f"most {r.site_max_inclination_deg:.1f} deg")
            else:
                problems.append(f"{who} cannot reach {incl:.1f} deg, the lowest that "
                                f"{setter.site_name} ({setter.partner}) launches to: its "
                                f"launches fly at {r.site_max_inclination_deg:.1f} deg or less")
    return problems


def _by_site(rows) -> dict[str, list]:
    groups: dict[str, list] = {}
    for r in rows:
        groups.setdefault(r.site, []).append(r)
    return groups


def _payload_losses(rows, catalog, incl, altitude_km) -> list[PayloadLoss]:
    groups: dict[tuple, list] = {}
    for r in rows:
        groups.setdefault((r.vehicle, r.site), []).append(r)
    out = []
    for (vehicle_id, site_id), group in groups.items():
        vehicle, r = catalog.launch_vehicles[vehicle_id], group[0]
        lowest = r.site_min_inclination_deg
        # One payload model for the whole plan: sizing's (linear in inclination
        # between the table's points; none beyond the highest).
        base_t = payload_t(vehicle, lowest, altitude_km)
        at_t = base_t if abs(incl - lowest) <= _SAME_DEG else payload_t(vehicle, incl,
                                                                          altitude_km)
        note = ""
        if base_t is None or at_t is None:
            note = "beyond the payload_leo points: the catalog gives no payload there"
            base_t = math.nan if base_t is None else base_t
            at_t = math.nan if at_t is None else at_t
        loss_t = base_t - at_t
        fraction = loss_t / base_t if base_t > 0 else math.nan
        out.append(PayloadLoss(vehicle_id, site_id,
                               tuple(dict.fromkeys(g.partner for g in group)),
                               tuple(g.element for g in group), lowest, incl, base_t, at_t,
                               loss_t, fraction, note))
    return out
