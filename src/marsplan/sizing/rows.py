"""The typed rows of a sized mission: maneuvers, burns, launches and items in orbit.

Frozen dataclasses, one per kind of row; dates are TDB Julian dates (the
``date`` property gives ISO 8601, TDB) and every number names its unit.
:mod:`marsplan.io.document` turns them into dicts at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsplan.time import jd_tdb_to_iso

#: Purposes of a launch: an element to the assembly orbit, crew, or propellant.
LAUNCH_PURPOSES = ("element", "crew_access", "tanker")
#: Kinds of item put in the assembly orbit (the parts of IMLEO).
ITEM_KINDS = ("element", "crew", "propellant", "adapter")


@dataclass(frozen=True, slots=True)
class ManeuverRow:
    """One maneuver of the delta-v budget.

    ``maneuver``: tmi, moi, descent, ascent, tei, eoi or flyby (a powered
    swing-by); ``dv_kms`` from the trajectory (or the lander's sourced figure),
    ``dv_with_margin_kms`` with the scenario's margin; ``elements``: the
    elements that fly it, in firing order (empty when nothing does);
    ``propellant_t`` burned; ``mass_before_t``: the mass that fires it.
    """

    maneuver: str
    body: str
    jd_tdb: float
    dv_kms: float
    dv_with_margin_kms: float
    elements: tuple[str, ...]
    propellant_t: float
    mass_before_t: float

    @property
    def date(self) -> str:
        return jd_tdb_to_iso(self.jd_tdb)


@dataclass(frozen=True, slots=True)
class BurnRow:
    """One element's share of one maneuver.

    ``propellant_t`` burned, of which ``isru_propellant_t`` made on Mars;
    ``boiloff_t`` lost before the burn; ``hold_days`` from loading to the burn;
    ``loaded_leo_t`` loaded in the assembly orbit for it.
    """

    maneuver: str
    jd_tdb: float
    element: str
    provider: str
    dv_kms: float
    isp_s: float
    mass_before_t: float
    mass_after_t: float
    propellant_t: float
    isru_propellant_t: float
    boiloff_t: float
    hold_days: float
    loaded_leo_t: float

    @property
    def date(self) -> str:
        return jd_tdb_to_iso(self.jd_tdb)


@dataclass(frozen=True, slots=True)
class LaunchRow:
    """Flights of one launch vehicle for one purpose.

    ``mass_t`` (> 0): the mass these flights put in the assembly orbit: the
    payload, or for an integrated launch (Starship) the ship itself with what
    it carries, or for tanker flights the propellant delivered.
    ``payload_capacity_t``: the vehicle's payload to the assembly orbit per
    flight (None when its table does not reach that inclination).
    ``cost_musd``: flights x ``price_musd`` plus the tanker element's cost.
    ``crew``: crew members flown up on these flights.
    """

    provider: str
    vehicle: str
    purpose: str
    element: str
    launches: int
    mass_t: float
    payload_capacity_t: float | None
    price_musd: float
    cost_musd: float
    crew: int = 0
    propellant_per_flight_t: float | None = None

    @property
    def mass_per_launch_t(self) -> float:
        return self.mass_t / self.launches if self.launches else 0.0


@dataclass(frozen=True, slots=True)
class ItemRow:
    """Something a partner provides to the mission, and its part of IMLEO.

    ``kind``: ``element`` (a vehicle, stage or module), ``crew`` (a partner's
    crew with personal equipment; ``item`` None), ``propellant`` (loaded in the
    assembly orbit by tanker flights; ``element`` is the element it fills),
    ``adapter`` (an interface adapter). ``mass_t``: its mass in the stack at
    trans-Mars injection's assembly (0 for a crew-access vehicle that stays at
    Earth); these add up to IMLEO. ``cost_musd``: its catalog price.
    """

    kind: str
    provider: str
    item: str | None
    role: str
    units: int
    dry_t: float
    propellant_t: float
    mass_t: float
    unit_cost_musd: float
    cost_musd: float
    crew: int = 0
    element: str | None = None
