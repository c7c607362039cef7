"""Re-plan a joint mission without one or several of its partners.

Partners that withdraw take with them their crew seats, the elements they
provide or own, their refuelling and their ISRU role. :func:`withdraw` builds
the scenario the remaining partners can fly, and lists what moved where and
what nothing in the catalog can replace. :func:`plan_without` plans that
scenario from scratch: its trajectory and assembly orbit are searched again for
the remaining partners' launch sites, and when this opportunity cannot be
flown, the following ones are searched up to a horizon (ExoMars: Roscosmos's
withdrawal in 2022 moved the Rosalind Franklin rover's launch to 2028).

Rules of :func:`withdraw`, in order:

* **Crew seats** stay in the mission (the vehicles and consumables were sized
  for the crew) and go to the remaining partners: ``seats="pro_rata"`` (the
  default) in proportion to their crews, largest remainder first, ties to the
  larger crew then to the first listed; ``"largest"`` all to the partner with
  the most crew; ``"drop"`` leaves them empty and shrinks the crew. When no
  remaining partner has crew, the seats go to the transit vehicle's provider.
* **Elements** whose provider or catalog owner withdraws: if the element's
  owner remains in the mission, the owner flies it itself; otherwise the
  catalog element of the same ``kind`` owned by a remaining partner,
  preferring one already flown in the scenario, then the closest in crew
  capacity, then in dry mass. Crew-access vehicles follow the one seat rule of
  :mod:`marsplan.sizing.seats`, as sizing does: flights are added only when the
  crew-access vehicles still flown cannot seat the crew (otherwise the
  replacement is reported with 0 added flights). Other elements are replaced
  one for one. The replacement's provider is the partner that already flies
  it in the scenario, else its owner.
* **Refuelling**: the tanker likewise (``kind = "tanker"``); with none, the
  scenario keeps no refuelling and the unreplaced list says so.
* **ISRU**: the catalog holds no ISRU plants, so the role passes to the
  provider of the transit vehicle (an assumption, noted).
* Docking pairs follow their elements to the replacements; pairs with an
  element that is gone are dropped.
* The ``[agreement]`` keeps the remaining partners' part
  (:func:`agreement_among`): a company whose buying agency withdrew funds its
  own hardware, in kind.

When the transit vehicle cannot be replaced there is no mission to fly:
``Withdrawal.scenario`` is None, and :func:`plan_without` gives a
``cannot_fly`` verdict naming it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from marsplan.errors import InputError
from marsplan.joint.verdict import Limit, Verdict
from marsplan.sizing.seats import added_flights

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
    """The mission without ``partners`` (withdrawn together).

    ``scenario`` is the re-planned Scenario, None when the transit vehicle
    cannot be replaced. ``seats`` lists (partner, seats gained);
    ``seat_policy`` says how they were assigned.
    """

    partners: tuple[str, ...]
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


def _partner_list(partners) -> tuple[str, ...]:
    """``partners`` (one id, or several) as a tuple without repeats, in the order given."""
    if isinstance(partners, str):
        partners = [partners]
    out = tuple(dict.fromkeys(partners))
    if not out:
        raise InputError("without: name at least one partner")
    return out


def _words(items) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def withdraw(scenario, catalog, partners: str | Sequence[str], *,
             seats: str = "pro_rata") -> Withdrawal:
    """The scenario without ``partners``: their seats, elements, refuelling and ISRU
    reassigned to the partners that remain.

    Parameters
    ----------
    scenario : marsplan.joint.scenario.Scenario
    catalog
        Any object with a dict ``elements`` of catalog Element records.
    partners : str or sequence of str
        One partner, or several withdrawing together, of the scenario
        (:meth:`Scenario.partners`).
    seats : {"pro_rata", "largest", "drop"}
        How the withdrawn crew seats are reassigned (see the module docstring).

    Returns
    -------
    Withdrawal

    Raises
    ------
    InputError
        A partner is not in the scenario, or none would remain; an unknown
        ``seats`` policy; ``"drop"`` would leave no crew.
    """
    gone = _partner_list(partners)
    listed = scenario.partners()
    for partner in gone:
        if partner not in listed:
            raise InputError(f"without: {partner!r} is not a partner of this scenario; its "
                             f"partners: {', '.join(listed)}")
    remaining = [p for p in listed if p not in gone]
    if not remaining:
        raise InputError(f"without: {_words([repr(p) for p in gone])} "
                         f"{'is the only partner' if len(gone) == 1 else 'are all the partners'}"
                         "; no mission remains")
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
        return provider in gone or owner_of(element_id) in gone

    transit_provider = scenario.transit.provider
    new_transit_provider = None if affected(scenario.transit.id, transit_provider) else \
        transit_provider

    # Elements: keep the unaffected ones, then replace the others in order.
    slots = [use if not affected(use.id, use.provider) else None for use in scenario.elements]
    renamed: dict[str, str] = {}
    transit_lost = False
    crew_total = _crew_after(scenario, gone, seats)
    for n, use in enumerate(scenario.elements):
        if slots[n] is not None:
            continue
        outcome = _replace_use(use, slots, elements, gone, remaining, crew_total)
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
    crew, gained, policy = _reassign_seats(scenario, gone, seats,
                                           new_transit_provider or remaining[0])

    # Refuelling.
    refuelling = scenario.refuelling
    if refuelling is not None and affected(refuelling.tanker, refuelling.provider):
        outcome = _replace_tanker(refuelling, new_elements, elements, gone, remaining)
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
    if isru.provider in gone:
        heir = new_transit_provider or remaining[0]
        notes.append(f"ISRU ({isru.propellant_t:g} t of propellant made on Mars) passes from "
                     f"{isru.provider} to {heir}, the transit vehicle's provider: the catalog "
                     "has no ISRU plants to choose among (an assumption)")
        isru = isru.model_copy(update={"provider": heir})

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

    # The agreement: funders and rules of the partners that remain.
    agreement = agreement_among(scenario, catalog, remaining)
    for partner, funder in agreement.funders.items():
        if partner == funder and scenario.agreement.funders.get(partner) != funder:
            notes.append(f"{partner} funds its own hardware, in kind: no agency of its "
                         "country remains to buy it")

    new_scenario = None
    if transit_lost:
        notes.append(f"no mission: nothing in the catalog replaces the transit vehicle "
                     f"{scenario.transit.id}")
    else:
        new_scenario = scenario.model_copy(update={
            "crew": crew, "elements": new_elements, "refuelling": refuelling, "isru": isru,
            "docking": docking, "agreement": agreement})
    return Withdrawal(gone, scenario, new_scenario, tuple(gained.items()), policy,
                      tuple(replacements), tuple(unreplaced), tuple(dict.fromkeys(notes)))


def agreement_among(scenario, catalog, members):
    """The scenario's ``[agreement]`` among ``members`` only: what a withdrawal or a
    coalition keeps of it.

    A funder that is not a member funds nothing (its entries drop); a member
    company whose items no member would fund by the default rule (no single
    agency of its country among the members) funds them itself, in kind; the
    sanctions, provision rules, in-kind settlement and benefits of
    non-members drop.
    """
    a = scenario.agreement
    keep = set(members)
    funders = {k: v for k, v in a.funders.items() if v in keep}
    records = getattr(catalog, "partners", None) or {}

    def kind(p):
        return getattr(records.get(p), "kind", "agency")

    for p in members:
        if kind(p) != "company" or p in funders:
            continue
        country = getattr(records.get(p), "country", "")
        agencies = [q for q in members if kind(q) == "agency"
                    and getattr(records.get(q), "country", "") == country]
        if len(agencies) != 1:
            funders[p] = p
    return a.model_copy(update={
        "funders": funders,
        "in_kind": [p for p in a.in_kind if p in keep],
        "no_funds": [(x, y) for x, y in a.no_funds if x in keep and y in keep],
        "cannot_provide": {p: r for p, r in a.cannot_provide.items() if p in keep},
        "must_provide": {p: r for p, r in a.must_provide.items() if p in keep},
        "benefits": {m: {p: v for p, v in by.items() if p in keep}
                     for m, by in a.benefits.items()},
    })


# --- crew seats ---------------------------------------------------------------------------

def _crew_after(scenario, gone, seats) -> int:
    lost = sum(scenario.crew.get(p, 0) for p in gone)
    return scenario.crew_size - (lost if seats == "drop" else 0)


def _reassign_seats(scenario, gone, policy, fallback):
    """New crew dict, seats gained per partner, and the policy in words."""
    lost = sum(int(scenario.crew.get(p, 0)) for p in gone)
    whose = _words(gone)
    crew = {p: int(n) for p, n in scenario.crew.items() if p not in gone}
    if lost == 0:
        return crew, {}, f"{whose} flew no crew: no seats to reassign"
    if policy == "drop":
        if sum(crew.values()) < 1:
            raise InputError(f"seats: 'drop' leaves no crew without {whose}; use 'pro_rata' "
                             "or 'largest'")
        return crew, {}, (f"drop: the {lost} {whose} seats are left empty; the crew "
                          f"shrinks to {sum(crew.values())}")
    holders = {p: n for p, n in crew.items() if n > 0}
    if not holders:
        gained = {fallback: lost}
        how = (f"no remaining partner flies crew: the {lost} {whose} seats go to "
               f"{fallback}, the transit vehicle's provider")
    elif policy == "largest":
        most = max(holders, key=lambda p: (holders[p], -list(holders).index(p)))
        gained = {most: lost}
        how = (f"largest: the {lost} {whose} seats go to {most}, the partner with the "
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
        how = (f"pro rata: the {lost} {whose} seats go to the remaining crews in proportion "
               f"to their size (largest remainder): "
               + ", ".join(f"{p} +{g}" for p, g in gained.items()))
    for p, g in gained.items():
        crew[p] = crew.get(p, 0) + g
    return crew, gained, f"{how}; the crew stays at {sum(crew.values())}"


# --- elements -----------------------------------------------------------------------------

def _replace_use(use, slots, elements, gone, remaining, crew_total):
    """(Replacement, new ElementUse, index of a use to merge into or None), or Unreplaced."""
    old = elements.get(use.id)
    flown = [s for s in slots if s is not None]
    leaver = use.provider if use.provider in gone else old.owner
    # The owner stays: it flies its own element.
    if old is not None and old.owner not in gone and old.owner in remaining:
        new_use = use.model_copy(update={"provider": old.owner})
        merge = _mergeable(slots, new_use)
        return (Replacement(use.id, use.id, old.owner, use.role, use.count,
                            f"{leaver} withdrew; {old.owner}, its owner, flies it"),
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
        # The one seat rule (marsplan.sizing.seats): add flights only for crew
        # the crew-access vehicles still flown cannot seat.
        seated = sum(elements[s.id].crew_capacity * s.count for s in flown
                     if s.role == "crew_access" and s.id in elements)
        count = added_flights(crew_total, seated, new.crew_capacity)
        if count == 0:
            why = (f"not needed: the crew access vehicles still flown seat {seated} for a "
                   f"crew of {crew_total}")
            if new.id not in in_scenario:
                carrier = max((s for s in flown if s.role == "crew_access"),
                              key=lambda s: elements[s.id].crew_capacity * s.count)
                new, provider = elements[carrier.id], carrier.provider
        else:
            why += (f"; the crew access vehicles still flown seat {seated} for a crew of "
                    f"{crew_total}: {count} more flight{'s' if count > 1 else ''}")
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


def _replace_tanker(refuelling, flown, elements, gone, remaining):
    """Replacement for the refuelling tanker, or Unreplaced."""
    old = elements.get(refuelling.tanker)
    if old is not None and old.owner not in gone and old.owner in remaining:
        return Replacement(refuelling.tanker, refuelling.tanker, old.owner, "refuelling", 0,
                           f"{refuelling.provider} withdrew; {old.owner}, the tanker's owner, "
                           "flies the tanker flights")
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


# --- re-planning ---------------------------------------------------------------------------

#: How far past the baseline's departure :func:`plan_without` looks for an
#: opportunity that flies, years. ExoMars slipped six years (2022 to 2028) after
#: Roscosmos withdrew; ten years covers the next four or five Earth-Mars
#: opportunities (synodic period 2.14 years).
DEFAULT_HORIZON_YEARS = 10.0
# An opportunity follows the baseline's when its minimum-C3 launch comes more
# than half a synodic period (779.9 / 2 days) after the baseline's departure:
# the mission search keeps departures within 380 days of that launch.
_HALF_SYNODIC_DAYS = 390.0
_JULIAN_YEAR_DAYS = 365.25
#: The verdict statuses of a mission that can fly.
FLIES = ("flies", "flies_with_waiver")


@dataclass(frozen=True, slots=True)
class OpportunityTry:
    """One opportunity :func:`plan_without` planned: its label (None for the
    scenario's own explicit dates), the Earth departure (None when no
    trajectory was found), and the verdict's status and first limit."""

    opportunity: int | None
    earth_departure_jd_tdb: float | None
    status: str
    reason: str | None


@dataclass(frozen=True)
class WithdrawalPlan:
    """The plan with every partner, the withdrawal's rearrangement, and the plan
    of the remaining partners.

    ``verdict`` is that of ``plan`` (:class:`~marsplan.joint.verdict.Verdict`),
    or, with no plan, ``cannot_fly`` with the reason (nothing replaces the
    transit vehicle, or no trajectory is within the remaining sites' reach).
    ``plan`` is the earliest opportunity's plan that flies within the horizon;
    when none does, the plan at the scenario's own opportunity (which cannot
    fly), and None when nothing replaces the transit vehicle or no trajectory
    was found. ``slip_days``: how much later (negative: earlier) than the
    baseline the re-planned mission leaves Earth, days; None when nothing
    flies. ``searched`` lists every opportunity planned, in order;
    ``search_note`` says in words what the search of later opportunities found
    (empty when the scenario's own opportunity flies).
    """

    partners: tuple[str, ...]
    baseline: object
    withdrawal: Withdrawal
    plan: object | None
    verdict: Verdict
    slip_days: float | None
    searched: tuple[OpportunityTry, ...]
    horizon_years: float
    search_note: str = ""

    @property
    def label(self) -> str:
        """The withdrawn partners in words: "nasa and roscosmos"."""
        return _words(self.partners)

    @property
    def money(self) -> WithdrawalMoney | None:
        """Who makes up the loss and what the replacements cost
        (:func:`withdrawal_money`); None when there is no re-plan."""
        if self.plan is None or self.plan.ledger is None or self.baseline.ledger is None:
            return None
        return withdrawal_money(self.baseline.ledger, self.plan.ledger, self.partners)

    def comparison(self) -> list[dict]:
        """Side by side: each key figure with every partner and without these."""
        return comparison([self])


@dataclass(frozen=True, slots=True)
class PartnerChange:
    """One partner's money before and after a withdrawal (M$): its contribution
    (in kind plus cash paid less cash received) and its balance."""

    partner: str
    contribution_before_musd: float
    contribution_after_musd: float
    change_musd: float
    balance_before_musd: float | None
    balance_after_musd: float | None


@dataclass(frozen=True, slots=True)
class ItemChange:
    """The value of one item of one provider before and after (M$; 0 when absent)."""

    item: str
    provider: str
    before_musd: float
    after_musd: float


@dataclass(frozen=True)
class WithdrawalMoney:
    """A withdrawal in money.

    ``withdrawn_musd``: what the withdrawn partners contributed (in kind and
    cash); ``replacements_musd``: what the remaining partners' new or larger
    items are worth (the replacements and any added flights);
    ``total_before_musd`` / ``total_after_musd``: the mission's cost;
    ``partners``: each partner's contribution and balance before and after,
    the withdrawn ones with nothing after; ``items``: every item whose value
    changed; ``makes_up``: the partners whose contribution grew, most first.
    """

    withdrawn: tuple[str, ...]
    withdrawn_musd: float
    replacements_musd: float
    total_before_musd: float
    total_after_musd: float
    partners: tuple[PartnerChange, ...]
    items: tuple[ItemChange, ...]

    @property
    def makes_up(self) -> tuple[PartnerChange, ...]:
        return tuple(sorted((c for c in self.partners if c.change_musd > 1e-9),
                            key=lambda c: -c.change_musd))


def withdrawal_money(before, after, withdrawn: Sequence[str]) -> WithdrawalMoney:
    """Compare two ledgers (:class:`~marsplan.joint.agreement.Ledger`): the plan
    with every partner and the re-plan without ``withdrawn``.

    ExoMars is the precedent (tests/reference/README.md): when Roscosmos left
    in 2022, ESA bought a new landing platform from European industry
    (Thales Alenia Space, 522 M EUR) and NASA provided the braking engines and
    the launch in kind: here, ESA's contribution grows by what it pays, NASA's
    by what it provides, and ``replacements_musd`` adds them up.
    """
    gone = set(withdrawn)
    rows_before = {r.partner: r for r in before.partners}
    rows_after = {r.partner: r for r in after.partners}
    changes = []
    for p in dict.fromkeys([*rows_before, *rows_after]):
        b, a = rows_before.get(p), rows_after.get(p)
        cb = b.contribution_musd if b else 0.0
        ca = a.contribution_musd if a and p not in gone else 0.0
        changes.append(PartnerChange(p, cb, ca, ca - cb, b.balance_musd if b else None,
                                     a.balance_musd if a and p not in gone else None))
    values: dict[tuple[str, str], list[float]] = {}
    for side, book in enumerate((before, after)):
        for it in book.items:
            values.setdefault((it.item, it.provider), [0.0, 0.0])[side] += it.value_musd
    items = tuple(ItemChange(i, p, v[0], v[1]) for (i, p), v in values.items()
                  if abs(v[1] - v[0]) > 1e-9)
    replacements = math.fsum(max(0.0, c.after_musd - c.before_musd) for c in items
                             if c.provider not in gone)
    lost = math.fsum(c.contribution_before_musd for c in changes if c.partner in gone)
    return WithdrawalMoney(tuple(withdrawn), lost, replacements, before.total_musd,
                           after.total_musd, tuple(changes), items)


#: The figures :func:`comparison` sets side by side, in order.
COMPARED = ("verdict", "binding_limit", "slip_days", "earth_departure", "duration_days",
            "dv_total_kms", "assembly_inclination_deg", "crew", "imleo_t", "launches",
            "tanker_flights", "adapter_mass_t", "cost_musd")


def comparison(results: Sequence[WithdrawalPlan]) -> list[dict]:
    """Key figures with every partner (``with_all``) and after each withdrawal in
    ``results`` (one column ``without_<partners>`` each, partners joined by "_"),
    one row per figure (:data:`COMPARED`, then each partner's share). ``results``
    share one baseline. A withdrawal's figures are those of its ``plan``: the
    earliest opportunity that flies, or the plan that cannot fly; None when
    there is no plan."""
    if not results:
        return []
    baseline = results[0].baseline
    columns = {f"without_{'_'.join(r.partners)}": r for r in results}

    def figures(p, verdict, slip):
        s = p.summary() if p is not None else {}
        return {"verdict": verdict.status,
                "binding_limit": verdict.binding.message if verdict.binding else None,
                "slip_days": slip, **{k: s.get(k) for k in COMPARED[3:]}}

    before = figures(baseline, baseline.verdict, 0.0)
    after = {c: figures(r.plan, r.verdict, r.slip_days) for c, r in columns.items()}
    rows = [{"figure": k, "with_all": v, **{c: after[c][k] for c in columns}}
            for k, v in before.items()]
    def by_partner(p):
        if p is None:
            return {}
        money = {x.partner: x for x in (p.ledger.partners if p.ledger else ())}
        return {x.partner: (x, money.get(x.partner)) for x in p.contributions}

    shares = {"with_all": by_partner(baseline)}
    for c, r in columns.items():
        shares[c] = by_partner(r.plan)
    partners = dict.fromkeys(p for table in shares.values() for p in table)
    for partner in partners:
        for k in ("mass_to_leo_t", "launches", "contribution_musd", "balance_musd"):
            row = {"figure": f"{partner} {k}"}
            for c in shares:
                pair = shares[c].get(partner)
                row[c] = (None if pair is None else
                          getattr(pair[0] if k in ("mass_to_leo_t", "launches") else pair[1],
                                  k, None))
            rows.append(row)
    return rows


def plan_without(scenario, catalog, partners: str | Sequence[str], *, seats: str = "pro_rata",
                 horizon_years: float = DEFAULT_HORIZON_YEARS, baseline=None,
                 ephemeris=None) -> WithdrawalPlan:
    """Re-plan ``scenario`` without ``partners``, from scratch.

    The remaining partners' scenario (:func:`withdraw`) is planned by
    :func:`marsplan.joint.plan.plan` with no trajectory given: the mission is
    searched again within the reach of the launch sites still used, and the
    assembly orbit chosen for them. When it cannot fly, the opportunities that
    follow the baseline's are planned in turn, up to ``horizon_years`` after
    the baseline's departure, and the earliest that flies is kept (unless an
    interface no adapter bridges binds: no date changes that). A scenario with
    explicit dates keeps them in its own opportunity (the trajectory is its
    author's choice; the assembly orbit is chosen again), and later
    opportunities are searched by its mission class.

    Parameters
    ----------
    scenario : marsplan.joint.scenario.Scenario
    catalog
        From :func:`marsplan.io.scenario.load_scenario`.
    partners : str or sequence of str
        The partners withdrawing together.
    seats : {"pro_rata", "largest", "drop"}
        How their crew seats are reassigned (:func:`withdraw`).
    horizon_years : float
        How far after the baseline's departure later opportunities are
        searched; 0 searches none. Default :data:`DEFAULT_HORIZON_YEARS`.
    baseline : Plan, optional
        The plan of ``scenario`` with every partner, when already made.
    ephemeris : Ephemeris, optional
        Defaults to DE440.

    Returns
    -------
    WithdrawalPlan

    Raises
    ------
    InputError
        As :func:`withdraw`; a negative ``horizon_years``.
    """
    from marsplan.ephemeris import default_ephemeris
    from marsplan.joint.plan import plan

    if not horizon_years >= 0.0:
        raise InputError(f"horizon_years: {horizon_years!r} must be >= 0")
    eph = ephemeris or default_ephemeris()
    if baseline is None:
        baseline = plan(scenario, catalog, ephemeris=eph)
    change = withdraw(scenario, catalog, partners, seats=seats)
    if change.scenario is None:
        # No transit vehicle is a hardware shortfall no date can mend: no search.
        return WithdrawalPlan(change.partners, baseline, change, None,
                              no_transit_verdict(change, catalog), None, (), horizon_years,
                              "later opportunities not searched: no date brings a transit "
                              "vehicle back")
    start_jd = baseline.mission.earth_departure_jd_tdb
    spec = change.scenario.mission
    first_plan, first_try = _try(change.scenario, catalog, eph, spec.opportunity)
    tried = [first_try]
    found = first_plan if first_try.status in FLIES else None
    fixed = _date_independent(first_plan)
    if found is None and horizon_years > 0.0 and not fixed:
        for label in _following(start_jd, horizon_years, eph):
            later = change.scenario.model_copy(update={"mission": spec.model_copy(
                update={"opportunity": label, "dates": None})})
            p, attempt = _try(later, catalog, eph, label)
            tried.append(attempt)
            if attempt.status in FLIES:
                found = p
                break
    if found is not None:
        slip = found.mission.earth_departure_jd_tdb - start_jd
        note = ("" if len(tried) == 1 else
                f"{', '.join(str(t.opportunity) for t in tried[:-1])} cannot fly; "
                f"{tried[-1].opportunity} is the earliest that does")
        return WithdrawalPlan(change.partners, baseline, change, found, found.verdict,
                              slip, tuple(tried), horizon_years, note)
    if fixed:
        note = (f"later opportunities not searched: {fixed} binds, which no later date "
                "changes")
    elif len(tried) > 1:
        note = (f"no opportunity within the {horizon_years:g}-year horizon flies "
                f"(searched {', '.join(str(t.opportunity) for t in tried[1:])})")
    elif horizon_years > 0.0:
        note = f"no later opportunity lies within the {horizon_years:g}-year horizon"
    else:
        note = "later opportunities not searched (horizon_years = 0)"
    # No trajectory for the first try: the launch sites left are what changed
    # (the baseline found one), so the remaining sites cannot reach an asymptote.
    verdict = (first_plan.verdict if first_plan is not None else
               Verdict("cannot_fly", (Limit("unreachable_site", first_try.reason),), None))
    return WithdrawalPlan(change.partners, baseline, change, first_plan, verdict, None,
                          tuple(tried), horizon_years, note)


def no_transit_verdict(change: Withdrawal, catalog) -> Verdict:
    """``cannot_fly`` for a withdrawal that leaves no transit vehicle
    (``change.scenario`` is None): one hardware shortfall per element lost."""
    lost = [u for u in change.unreplaced if u.role == "transit"]
    return Verdict("cannot_fly", tuple(
        Limit("hardware_shortfall", f"nothing in the catalog replaces the transit vehicle "
              f"{_element_name(catalog, u.old)}: {u.reason}", subject=u.old) for u in lost),
        None)


def _date_independent(p) -> str | None:
    """What binds ``p`` whatever the date, in words, or None: an interface no
    adapter bridges (the hardware, not the sky, decides it)."""
    if p is None:
        return None
    for limit in p.verdict.limits:
        if limit.kind == "unbridged_interface":
            return "an interface no adapter bridges"
    return None


def _element_name(catalog, element_id) -> str:
    element = catalog.elements.get(element_id)
    name = getattr(element, "name", None)
    return f"{name} ({element_id})" if name and name != element_id else element_id


def _try(scenario, catalog, eph, label):
    """(Plan or None, OpportunityTry) for ``scenario`` planned from scratch."""
    from marsplan.errors import NoSolutionError
    from marsplan.joint.plan import plan

    try:
        p = plan(scenario, catalog, ephemeris=eph)
    except NoSolutionError as error:
        return None, OpportunityTry(label, None, "cannot_fly", str(error))
    v = p.verdict
    return p, OpportunityTry(label, p.mission.earth_departure_jd_tdb, v.status,
                             v.binding.message if v.status not in FLIES and v.binding else None)


def _following(start_jd: float, horizon_years: float, eph) -> list[int]:
    """Labels of the Earth-Mars opportunities after the one leaving at ``start_jd``
    whose minimum-C3 launch is within ``horizon_years`` of it."""
    from marsplan.time import jd_tdb_to_iso
    from marsplan.transfer.windows import windows

    end_jd = start_jd + horizon_years * _JULIAN_YEAR_DAYS
    first = int(jd_tdb_to_iso(start_jd + _HALF_SYNODIC_DAYS)[:4])
    last = int(jd_tdb_to_iso(end_jd)[:4])
    if last < first:
        return []
    return [w.opportunity for w in windows("earth", "mars", first, last, ephemeris=eph)
            if start_jd + _HALF_SYNODIC_DAYS < w.optimum("min_c3").launch_jd_tdb <= end_jd]
