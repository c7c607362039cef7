"""Re-plan a joint mission without one of its partners.

A partner that withdraws takes with it its crew seats, the elements it
provides or owns, its refuelling and its ISRU role. :func:`withdraw` builds
the scenario the remaining partners can fly, and lists what moved where and
what nothing in the catalog can replace. Sizing the new scenario (IMLEO,
launches, cost shares) is the planner's job; this module only rearranges.

Rules, in order:

* **Crew seats** stay in the mission (the vehicles and consumables were sized
  for the crew) and go to the remaining partners: ``seats="pro_rata"`` (the
  default) in proportion to their crews, largest remainder first, ties to the
  larger crew then to the first listed; ``"largest"`` all to the partner with
  the most crew; ``"drop"`` leaves them empty and shrinks the crew. When no
  remaining partner has crew, the seats go to the transit vehicle's provider.
* **Elements** whose provider or catalog owner is the partner: if the
  element's owner remains in the mission, the owner flies it itself;
  otherwise the catalog element of the same ``kind`` owned by a remaining
  partner, preferring one already flown in the scenario, then the closest in
  crew capacity, then in dry mass. A crew-access vehicle is not replaced when
  the remaining crew-access vehicles already seat the whole crew (the
  replacement is then reported with 0 added flights); otherwise enough flights
  of the replacement are added to seat it. Other elements are replaced one for
  one. The replacement's provider is the partner that already flies it in the
  scenario, else its owner.
* **Refuelling**: the tanker likewise (``kind = "tanker"``); with none, the
  scenario keeps no refuelling and the unreplaced list says so.
* **ISRU**: the catalog holds no ISRU plants, so the role passes to the
  provider of the transit vehicle (an assumption, noted).
* Docking pairs follow their elements to the replacements; pairs with an
  element that is gone are dropped.

When the transit vehicle cannot be replaced there is no mission to fly:
``Withdrawal.scenario`` is None.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from marsplan.errors import InputError

#: The catalog element kind that can fill each scenario role.
ROLE_KINDS = {"transit": "transit_vehicle", "crew_access": "crew_vehicle", "stage": "stage",
              "tanker": "tanker", "lander": "lander", "cargo": "cargo", "module": "module"}
SEAT_POLICIES = ("pro_rata", "largest", "drop")
_CREW_ROLES = ("transit", "crew_access")


@dataclass(frozen=True, slots=True)
class Replacement:
    """Element ``old`` replaced by ``new`` (the same id when only its provider changed).

    ``count``: flights of ``new`` added to the scenario; 0 when the elements
    already flown absorb the old one's job (a crew-access vehicle whose seats
    are no longer needed), and for the refuelling tanker (``role``
    "refuelling"), whose flights sizing decides.
    """

    old: str
    new: str
    new_provider: str
    role: str
    count: int
    reason: str


@dataclass(frozen=True, slots=True)
class Unreplaced:
    """Element ``old`` (or role) that no remaining partner's catalog element can fill."""

    old: str
    role: str
    provider: str
    reason: str


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """The mission without ``partner``.

    ``scenario`` is the re-planned Scenario, None when the transit vehicle
    cannot be replaced. ``seats`` lists (partner, seats gained);
    ``seat_policy`` says how they were assigned.
    """

    partner: str
    original: object
    scenario: object | None
    seats: tuple[tuple[str, int], ...]
    seat_policy: str
    replacements: tuple[Replacement, ...]
    unreplaced: tuple[Unreplaced, ...]
    notes: tuple[str, ...] = ()

    @property
    def feasible(self) -> bool:
        """True when the remaining partners can still fly a mission (a transit vehicle)."""
        return self.scenario is not None

    def rows(self) -> list[dict]:
        """Replacements then unreplaced items as flat dicts with a ``status`` key."""
        out = [{"status": "replaced", **asdict(r)} for r in self.replacements]
        out += [{"status": "unreplaced", "new": None, "new_provider": None, "count": 0,
                 **asdict(u)} for u in self.unreplaced]
        return out


def withdraw(scenario, catalog, partner: str, *, seats: str = "pro_rata") -> Withdrawal:
    """The scenario without ``partner``: its seats, elements, refuelling and ISRU reassigned.

    Parameters
    ----------
    scenario : marsplan.joint.scenario.Scenario
    catalog
        Any object with a dict ``elements`` of catalog Element records.
    partner : str
        A partner of the scenario (:meth:`Scenario.partners`).
    seats : {"pro_rata", "largest", "drop"}
        How the partner's crew seats are reassigned (see the module docstring).

    Returns
    -------
    Withdrawal

    Raises
    ------
    InputError
        ``partner`` is not in the scenario, or is its only partner; an unknown
        ``seats`` policy; ``"drop"`` would leave no crew.
    """
    partners = scenario.partners()
    if partner not in partners:
        raise InputError(f"without: {partner!r} is not a partner of this scenario; its "
                         f"partners: {', '.join(partners)}")
    remaining = [p for p in partners if p != partner]
    if not remaining:
        raise InputError(f"without: {partner!r} is the only partner; no mission remains")
    if seats not in SEAT_POLICIES:
        raise InputError(f"seats: {seats!r} is not one of {', '.join(SEAT_POLICIES)}")
    elements = catalog.elements
    notes: list[str] = []
    replacements: list[Replacement] = []
    unreplaced: list[Unreplaced] = []

    def owner_of(element_id):
        element = elements.get(element_id)
        return None if element is None else element.owner

    def affected(element_id, provider) -> bool:
        return provider == partner or owner_of(element_id) == partner

    transit_provider = scenario.transit.provider
    new_transit_provider = None if affected(scenario.transit.id, transit_provider) else \
        transit_provider

    # Elements: keep the unaffected ones, then replace the others in order.
    slots = [use if not affected(use.id, use.provider) else None for use in scenario.elements]
    renamed: dict[str, str] = {}
    transit_lost = False
    for n, use in enumerate(scenario.elements):
        if slots[n] is not None:
            continue
        crew_total = _crew_after(scenario, partner, seats)
        outcome = _replace_use(use, slots, elements, partner, remaining, crew_total)
        if isinstance(outcome, Unreplaced):
            unreplaced.append(outcome)
            transit_lost |= use.role == "transit"
            continue
        replacement, new_use, merge_into = outcome
        replacements.append(replacement)
        renamed[use.id] = replacement.new
        if use.role == "transit":
            new_transit_provider = replacement.new_provider
        if merge_into is not None:
            if replacement.count:
                slots[merge_into] = slots[merge_into].model_copy(
                    update={"count": slots[merge_into].count + replacement.count})
        else:
            slots[n] = new_use
    new_elements = [use for use in slots if use is not None]

    # Crew seats.
    crew, gained, policy = _reassign_seats(scenario, partner, seats,
                                           new_transit_provider or remaining[0])

    # Refuelling.
    refuelling = scenario.refuelling
    if refuelling is not None and affected(refuelling.tanker, refuelling.provider):
        outcome = _replace_tanker(refuelling, new_elements, elements, partner, remaining)
        if isinstance(outcome, Unreplaced):
            unreplaced.append(outcome)
            refuelling = None
            notes.append("no refuelling in the assembly orbit: the transit vehicle must leave "
                         "with the propellant it was launched with")
        else:
            replacements.append(outcome)
            refuelling = refuelling.model_copy(update={"tanker": outcome.new,
                                                       "provider": outcome.new_provider})

    # ISRU.
    isru = scenario.isru
    if isru.provider == partner:
        heir = new_transit_provider or remaining[0]
        isru = isru.model_copy(update={"provider": heir})
        notes.append(f"ISRU ({isru.propellant_t:g} t of propellant made on Mars) passes from "
                     f"{partner} to {heir}, the transit vehicle's provider: the catalog has no "
                     "ISRU plants to choose among (an assumption)")

    # Docking pairs follow their elements.
    kept_ids = {use.id for use in new_elements}
    docking, seen = [], set()
    for pair in scenario.docking:
        a, b = renamed.get(pair.a, pair.a), renamed.get(pair.b, pair.b)
        if a not in kept_ids or b not in kept_ids or a == b or frozenset((a, b)) in seen:
            if (a not in kept_ids or b not in kept_ids):
                notes.append(f"docking pair {pair.a}-{pair.b} dropped: "
                             f"{a if a not in kept_ids else b} is no longer flown")
            continue
        seen.add(frozenset((a, b)))
        docking.append(pair.model_copy(update={"a": a, "b": b}))

    new_scenario = None
    if transit_lost:
        notes.append(f"no mission: nothing in the catalog replaces the transit vehicle "
                     f"{scenario.transit.id}")
    else:
        new_scenario = scenario.model_copy(update={
            "crew": crew, "elements": new_elements, "refuelling": refuelling, "isru": isru,
            "docking": docking})
    return Withdrawal(partner, scenario, new_scenario, tuple(gained.items()), policy,
                      tuple(replacements), tuple(unreplaced), tuple(dict.fromkeys(notes)))


# --- crew seats ---------------------------------------------------------------------------

def _crew_after(scenario, partner, seats) -> int:
    lost = scenario.crew.get(partner, 0)
    return scenario.crew_size - (lost if seats == "drop" else 0)


def _reassign_seats(scenario, partner, policy, fallback):
    """New crew dict, seats gained per partner, and the policy in words."""
    lost = int(scenario.crew.get(partner, 0))
    crew = {p: int(n) for p, n in scenario.crew.items() if p != partner}
    if lost == 0:
        return crew, {}, f"{partner} flew no crew: no seats to reassign"
    if policy == "drop":
        if sum(crew.values()) < 1:
            raise InputError(f"seats: 'drop' leaves no crew without {partner}; use 'pro_rata' "
                             "or 'largest'")
        return crew, {}, (f"drop: the {lost} {partner} seats are left empty; the crew "
                          f"shrinks to {sum(crew.values())}")
    holders = {p: n for p, n in crew.items() if n > 0}
    if not holders:
        gained = {fallback: lost}
        how = (f"no remaining partner flies crew: the {lost} {partner} seats go to "
               f"{fallback}, the transit vehicle's provider")
    elif policy == "largest":
        most = max(holders, key=lambda p: (holders[p], -list(holders).index(p)))
        gained = {most: lost}
        how = (f"largest: the {lost} {partner} seats go to {most}, the partner with the "
               "most crew")
    else:
        total = sum(holders.values())
        quotas = {p: lost * n / total for p, n in holders.items()}
        gained = {p: math.floor(q) for p, q in quotas.items()}
        order = list(holders)
        leftover = lost - sum(gained.values())
        by_remainder = sorted(holders, key=lambda p: (-(quotas[p] - gained[p]), -holders[p],
                                                      order.index(p)))
        for p in by_remainder[:leftover]:
            gained[p] += 1
        gained = {p: g for p, g in gained.items() if g > 0}
        how = (f"pro rata: the {lost} {partner} seats go to the remaining crews in proportion "
               f"to their size (largest remainder): "
               + ", ".join(f"{p} +{g}" for p, g in gained.items()))
    for p, g in gained.items():
        crew[p] = crew.get(p, 0) + g
    return crew, gained, f"{how}; the crew stays at {sum(crew.values())}"


# --- elements -----------------------------------------------------------------------------

def _replace_use(use, slots, elements, partner, remaining, crew_total):
    """(Replacement, new ElementUse, index of a use to merge into or None), or Unreplaced."""
    old = elements.get(use.id)
    flown = [s for s in slots if s is not None]
    # The owner stays: it flies its own element.
    if old is not None and old.owner != partner and old.owner in remaining:
        new_use = use.model_copy(update={"provider": old.owner})
        merge = _mergeable(slots, new_use)
        return (Replacement(use.id, use.id, old.owner, use.role, use.count,
                            f"{partner} withdrew; {old.owner}, its owner, flies it"),
                new_use, merge)
    kind = old.kind if old is not None else ROLE_KINDS[use.role]
    candidates = [e for e in elements.values()
                  if e.kind == kind and e.id != use.id and e.owner in remaining
                  and (use.role not in _CREW_ROLES or e.crew_capacity >= 1)]
    if not candidates:
        of_kind = [f"{e.id} ({e.owner})" for e in elements.values() if e.kind == kind]
        return Unreplaced(use.id, use.role, use.provider,
                          f"no {kind} in the catalog is owned by a remaining partner "
                          f"({', '.join(remaining)}); {kind}s in the catalog: "
                          f"{', '.join(of_kind) or 'none'}")
    in_scenario = {s.id: s.provider for s in flown if s.provider in remaining}
    capacity = old.crew_capacity if old is not None else 0
    mass_t = old.dry_mass_t if old is not None else 0.0

    def rank(e):
        return (e.id not in in_scenario, abs(e.crew_capacity - capacity),
                abs(e.dry_mass_t - mass_t) / max(mass_t, 1e-9), e.id)

    new = min(candidates, key=rank)
    provider = in_scenario.get(new.id, new.owner)
    why = ("already flown in the scenario" if new.id in in_scenario
           else f"closest {kind} of a remaining partner in crew capacity and mass")
    count = use.count
    if use.role == "crew_access":
        seated = sum(elements[s.id].crew_capacity * s.count for s in flown
                     if s.role == "crew_access" and s.id in elements)
        count = max(0, math.ceil((crew_total - seated) / new.crew_capacity))
        if count == 0:
            why = (f"not needed: the crew access vehicles still flown seat {seated} for a "
                   f"crew of {crew_total}")
            if new.id not in in_scenario:
                carrier = max((s for s in flown if s.role == "crew_access"),
                              key=lambda s: elements[s.id].crew_capacity * s.count)
                new, provider = elements[carrier.id], carrier.provider
    elif use.role == "transit" and new.crew_capacity < crew_total:
        why += f" (it seats {new.crew_capacity}, fewer than the crew of {crew_total})"
    new_use = use.model_copy(update={"id": new.id, "provider": provider, "count": max(count, 1)})
    merge = _mergeable(slots, new_use)
    if count == 0 and merge is None:
        merge = next(n for n, s in enumerate(slots) if s is not None and s.id == new.id)
    return Replacement(use.id, new.id, provider, use.role, count, why), new_use, merge


def _mergeable(slots, new_use):
    """Index of a use already flown that ``new_use`` adds flights to, or None."""
    for n, s in enumerate(slots):
        if (s is not None and s.id == new_use.id and s.provider == new_use.provider
                and s.role == new_use.role and s.burns == new_use.burns
                and s.to_mars == new_use.to_mars):
            return n
    return None


def _replace_tanker(refuelling, flown, elements, partner, remaining):
    """Replacement for the refuelling tanker, or Unreplaced."""
    old = elements.get(refuelling.tanker)
    if old is not None and old.owner != partner and old.owner in remaining:
        return Replacement(refuelling.tanker, refuelling.tanker, old.owner, "refuelling", 0,
                           f"{partner} withdrew; {old.owner}, the tanker's owner, flies the "
                           "tanker flights")
    candidates = [e for e in elements.values()
                  if e.kind == "tanker" and e.id != refuelling.tanker and e.owner in remaining]
    if not candidates:
        return Unreplaced(refuelling.tanker, "refuelling", refuelling.provider,
                          f"no tanker in the catalog is owned by a remaining partner "
                          f"({', '.join(remaining)})")
    in_scenario = {s.id: s.provider for s in flown if s.provider in remaining}
    mass_t = old.propellant_capacity_t if old is not None else 0.0
    new = min(candidates, key=lambda e: (e.id not in in_scenario,
                                         abs(e.propellant_capacity_t - mass_t), e.id))
    provider = in_scenario.get(new.id, new.owner)
    return Replacement(refuelling.tanker, new.id, provider, "refuelling", 0,
                       "tanker of a remaining partner closest in propellant capacity; flights "
                       "as many as sizing needs")
