"""Coalitions of a joint mission's partners, and each partner's fair share of its cost.

:func:`coalitions` plans every non-empty subset of the scenario's partners (at
most :data:`MAX_PARTNERS`, so 255 subsets) and states for each whether it can
fly, its verdict, cost, launches, IMLEO and crew; then each partner's Shapley
value of the cost game and its indispensability. docs/coalitions.md states the
game and its conventions; in short:

**What a coalition flies.** A coalition S flies the scenario's mission with
only its members' hardware and crew: the scenario without the other partners,
as :func:`marsplan.joint.withdraw.withdraw` builds it with ``seats="drop"``.

* Crew: each member's own crew, in its own seats; the others' seats are left
  empty (the crew shrinks). A coalition with no crew has nothing to fly.
* Funding: the scenario's ``[agreement]`` among the members
  (:func:`marsplan.joint.withdraw.agreement_among`).
* Hardware: an element whose provider or owner is not a member is flown by
  its owner when the owner is a member, else replaced by the catalog element
  of the same kind owned by a member (preferring one already flown); a crew
  member without crew access of his or her own rides the crew-access vehicle
  of another member, and a flight is added only when the vehicles flown
  cannot seat the crew (:mod:`marsplan.sizing.seats`). Refuelling and ISRU
  likewise. When no member owns a transit vehicle the coalition cannot fly.
* Trajectory: the scenario's own opportunity (or dates), searched for the
  launch sites the coalition uses; later opportunities are not searched (the
  coalitions compare the same mission). Each distinct search (opportunity,
  class, constraints, reachable declination) runs once and is passed to
  :func:`marsplan.joint.plan.plan` as ``mission``.
* It can fly when its verdict is ``flies`` or ``flies_with_waiver`` (the
  hardware closes; a dose waiver is the agencies' call, not the hardware's).

**The cost game.** Players: the scenario's partners. c(S), millions of US
dollars at catalog prices:

* the cost of S's plan when S can fly;
* 0 when S has no crew (no demand, nothing to fly: c of the empty set);
* otherwise the cost of the cheapest coalition that contains S and can fly
  (S must bring in partners to fly at all; the least it can spend to fly its
  crew is what that coalition spends), and, when no coalition containing S
  can fly, the grand coalition's cost as planned.

Each partner's share is its Shapley value, computed exactly over all 2^n
subsets (:func:`shapley_values`); the shares add up to c(N), the grand
coalition's cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from marsplan.errors import InputError
from marsplan.joint.verdict import Limit, Verdict

__all__ = ["Coalition", "Coalitions", "FairShare", "Indispensability", "MAX_PARTNERS",
           "PLAN_SHARES_MAX_PARTNERS", "PlanShares", "Share", "coalition_costs", "coalitions",
           "plan_shares", "shapley_values"]

#: At most this many partners (2^8 - 1 = 255 coalitions): each coalition is a plan.
MAX_PARTNERS = 8
#: :func:`plan_shares` (``marsplan plan`` and its report) computes the shares up to this
#: many partners (31 coalitions); beyond it, ``marsplan coalitions`` does.
PLAN_SHARES_MAX_PARTNERS = 5
#: The most players :func:`shapley_values` takes (2^20 costs, 8 MB).
MAX_GAME_PLAYERS = 20
#: The verdict statuses of a coalition that can fly (as :mod:`marsplan.joint.withdraw`).
FLIES = ("flies", "flies_with_waiver")
#: How c(S) was set (docs/coalitions.md): S's own plan; no crew; the cheapest flying
#: coalition containing S; the grand coalition's cost as planned (nothing containing S flies).
GAME_RULES = ("own_plan", "no_crew", "cheapest_flying_coalition", "grand_coalition_as_planned")


@dataclass(frozen=True)
class Coalition:
    """One coalition: its members, its plan, its verdict and its cost in the game.

    ``partners``: the members, in the scenario's partner order; ``mask``: bit
    i set for the scenario's i-th partner. ``crew``: (partner, crew members)
    of the members that fly crew. ``plan``: its :class:`~marsplan.joint.plan.Plan`,
    None when there is none (no crew, no transit vehicle, no trajectory within
    reach). ``withdrawal``: how the scenario was rearranged for it
    (:class:`~marsplan.joint.withdraw.Withdrawal`; None for the grand
    coalition and for one without crew). ``verdict``: the plan's, or
    ``cannot_fly`` with the reason. ``game_cost_musd``: c(S); ``game_rule``:
    one of :data:`GAME_RULES`; ``game_cost_from``: the coalition whose plan's
    cost c(S) is (S itself for ``own_plan``; empty for ``no_crew``).
    """

    partners: tuple[str, ...]
    mask: int
    crew: tuple[tuple[str, int], ...]
    verdict: Verdict
    plan: object | None
    withdrawal: object | None
    game_cost_musd: float
    game_rule: str
    game_cost_from: tuple[str, ...]

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def flies(self) -> bool:
        """True when the hardware closes (``flies`` or ``flies_with_waiver``)."""
        return self.verdict.status in FLIES

    @property
    def crew_size(self) -> int:
        return sum(n for _, n in self.crew)

    @property
    def cost_musd(self) -> float | None:
        """The catalog cost of its plan (flying or not); None without a plan."""
        return None if self.plan is None else float(self.plan.sizing.cost_musd)

    @property
    def launches(self) -> int | None:
        return None if self.plan is None else int(sum(self.plan.sizing.launches.values()))

    @property
    def tanker_flights(self) -> int | None:
        return None if self.plan is None else int(self.plan.sizing.tanker_flights)

    @property
    def imleo_t(self) -> float | None:
        return None if self.plan is None else float(self.plan.sizing.imleo_t)

    def __repr__(self) -> str:
        cost = "None" if self.cost_musd is None else f"{self.cost_musd:.5g}"
        return (f"Coalition(partners={self.partners!r}, status={self.status!r}, "
                f"cost_musd={cost}, game_cost_musd={self.game_cost_musd:.5g}, "
                f"game_rule={self.game_rule!r})")


@dataclass(frozen=True, slots=True)
class Share:
    """A partner's Shapley value of the cost game, M$, and its per cent of c(N)."""

    partner: str
    share_musd: float
    share_pct: float


@dataclass(frozen=True, slots=True)
class FairShare:
    """A partner's Shapley share beside what the grand coalition's ledger
    (:mod:`marsplan.joint.agreement`) has it contribute (in kind and cash, M$)
    and its entitlement there; ``above_share_musd`` = contribution - share
    (negative: it puts in less than its Shapley share)."""

    partner: str
    share_musd: float
    contribution_musd: float
    entitlement_musd: float
    above_share_musd: float


@dataclass(frozen=True, slots=True)
class Indispensability:
    """The coalitions that fly with ``partner`` but cannot fly without it.

    ``coalitions``: each such coalition's members (``partner`` among them);
    ``veto``: every coalition that flies has ``partner`` (and one does).
    """

    partner: str
    veto: bool
    coalitions: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Coalitions:
    """Every coalition of a scenario's partners, the Shapley shares and indispensability.

    ``coalitions`` in order of size, then of the scenario's partner order (the
    grand coalition last); ``shapley`` and ``indispensability`` one per
    partner, in the scenario's order. ``grand``: the coalition of every
    partner. ``notes``: what a reader must know to read the shares.
    """

    scenario: object
    partners: tuple[str, ...]
    coalitions: tuple[Coalition, ...]
    shapley: tuple[Share, ...]
    indispensability: tuple[Indispensability, ...]
    notes: tuple[str, ...] = ()
    fair_shares: tuple[FairShare, ...] = ()

    @property
    def grand(self) -> Coalition:
        return self.coalitions[-1]

    def of(self, partners: Sequence[str]) -> Coalition:
        """The coalition of exactly ``partners`` (any order).

        Raises
        ------
        InputError
            A name that is not a partner of the scenario.
        """
        wanted = set([partners] if isinstance(partners, str) else partners)
        unknown = sorted(wanted - set(self.partners))
        if unknown or not wanted:
            raise InputError(f"partners: {', '.join(map(repr, unknown)) or 'none given'}: "
                             f"name partners of this scenario ({', '.join(self.partners)})")
        mask = sum(1 << self.partners.index(p) for p in wanted)
        return next(c for c in self.coalitions if c.mask == mask)

    def __repr__(self) -> str:
        flying = sum(c.flies for c in self.coalitions)
        return (f"Coalitions(partners={self.partners!r}, coalitions={len(self.coalitions)}, "
                f"flying={flying}, grand_cost_musd={self.grand.game_cost_musd:.5g})")

    def to_pandas(self):
        """One row per coalition: members, status, costs and the game's rule.

        Returns
        -------
        pandas.DataFrame
        """
        from marsplan._results import to_frame

        cs = self.coalitions
        return to_frame({
            "partners": ["+".join(c.partners) for c in cs],
            "crew": [c.crew_size for c in cs],
            "status": [c.status for c in cs],
            "cost_musd": [np.nan if c.cost_musd is None else c.cost_musd for c in cs],
            "game_cost_musd": [c.game_cost_musd for c in cs],
            "game_rule": [c.game_rule for c in cs],
        })


@dataclass(frozen=True)
class PlanShares:
    """The Shapley shares beside a plan: ``coalitions`` (None when skipped) and
    ``note``, why they were skipped (None when computed)."""

    coalitions: Coalitions | None
    note: str | None = None

    @property
    def shapley(self) -> tuple[Share, ...]:
        return () if self.coalitions is None else self.coalitions.shapley


# --------------------------------------------------------------------------- the game


def shapley_values(costs) -> np.ndarray:
    """Exact Shapley values of the cooperative game ``costs``.

    phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! *
    (c(S + i) - c(S)) (Shapley 1953), summed over every subset with
    :func:`math.fsum`.

    Parameters
    ----------
    costs : array_like, shape (2**n,)
        c(S) for every coalition S, indexed by bit mask (bit i set: player i
        is in S); ``costs[0]``, the empty coalition, must be 0. 1 <= n <=
        :data:`MAX_GAME_PLAYERS`.

    Returns
    -------
    numpy.ndarray, shape (n,)
        One value per player; they add up to ``costs[-1]`` (efficiency) up to
        rounding.

    Raises
    ------
    InputError
        A length that is not a power of two from 2 to 2**20, a non-finite
        cost, or a non-zero empty coalition.
    """
    c = np.asarray(costs, dtype=np.float64)
    if c.ndim != 1 or c.size < 2 or c.size & (c.size - 1) or c.size > 1 << MAX_GAME_PLAYERS:
        raise InputError(f"costs: need 2**n values for 1 <= n <= {MAX_GAME_PLAYERS} players, "
                         f"got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        raise InputError("costs: every coalition's cost must be finite")
    if c[0] != 0.0:
        raise InputError(f"costs[0]: the empty coalition costs 0, got {c[0]!r}")
    n = c.size.bit_length() - 1
    masks = np.arange(c.size)
    size = np.zeros(c.size, dtype=np.int64)
    for i in range(n):
        size += (masks >> i) & 1
    weights = np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
                        for k in range(n)])
    out = np.empty(n)
    for i in range(n):
        bit = 1 << i
        without = masks[(masks & bit) == 0]
        out[i] = math.fsum(weights[size[without]] * (c[without | bit] - c[without]))
    return out


def coalition_costs(flying_costs, crewed, grand_cost_musd: float):
    """c(S) for every coalition, and the rule and the coalition behind each.

    Parameters
    ----------
    flying_costs : array_like, shape (2**n,)
        The plan's cost of each coalition that can fly, NaN for one that cannot.
    crewed : array_like of bool, shape (2**n,)
        Whether the coalition has crew.
    grand_cost_musd : float
        The grand coalition's cost as planned (whether it flies or not).

    Returns
    -------
    costs : numpy.ndarray, shape (2**n,)
    rules : list of str
        One of :data:`GAME_RULES` per coalition.
    source : numpy.ndarray of int, shape (2**n,)
        The mask of the coalition whose cost c(S) is (-1 for ``no_crew``).
    """
    fly = np.asarray(flying_costs, dtype=np.float64)
    crewed = np.asarray(crewed, dtype=bool)
    m = fly.size
    n = m.bit_length() - 1
    full = m - 1
    # cheapest[S]: the cheapest flying coalition containing S, by dynamic programming
    # from the grand coalition down (a superset of S is S or a superset of S + i).
    best = np.full(m, np.inf)
    best_from = np.full(m, -1, dtype=np.int64)
    for s in range(full, -1, -1):
        if np.isfinite(fly[s]):
            best[s], best_from[s] = fly[s], s
        for i in range(n):
            t = s | (1 << i)
            if t != s and best[t] < best[s]:
                best[s], best_from[s] = best[t], best_from[t]
    costs = np.empty(m)
    source = np.empty(m, dtype=np.int64)
    rules = []
    for s in range(m):
        if s == 0 or not crewed[s]:
            costs[s], source[s] = 0.0, -1
            rules.append("no_crew")
        elif np.isfinite(fly[s]):
            costs[s], source[s] = fly[s], s
            rules.append("own_plan")
        elif np.isfinite(best[s]):
            costs[s], source[s] = best[s], best_from[s]
            rules.append("cheapest_flying_coalition")
        else:
            costs[s], source[s] = grand_cost_musd, full
            rules.append("grand_coalition_as_planned")
    return costs, rules, source


# --------------------------------------------------------------------------- planning


def coalitions(scenario, catalog, *, ephemeris=None, plan=None) -> Coalitions:
    """Plan every coalition of ``scenario``'s partners; Shapley shares; indispensability.

    See the module docstring and docs/coalitions.md for what a coalition
    flies and the cost game.

    Parameters
    ----------
    scenario, catalog
        From :func:`marsplan.load_scenario`.
    ephemeris : Ephemeris, optional
        Defaults to DE440.
    plan : Plan, optional
        The scenario's own plan (the grand coalition's), already made: it is
        not planned again and its trajectory is reused for the coalitions that
        search the same one, so only the subsets are planned.

    Returns
    -------
    Coalitions

    Raises
    ------
    InputError
        More than :data:`MAX_PARTNERS` partners.
    NoSolutionError
        No trajectory for the grand coalition (as :func:`marsplan.plan`).
    """
    from marsplan.ephemeris import default_ephemeris
    from marsplan.joint.withdraw import withdraw

    partners = tuple(scenario.partners())
    n = len(partners)
    if n > MAX_PARTNERS:
        raise InputError(f"coalitions: the scenario has {n} partners ({', '.join(partners)}); "
                         f"at most {MAX_PARTNERS} are allowed ({2 ** MAX_PARTNERS - 1} "
                         "coalitions, each one plan)")
    eph = ephemeris or default_ephemeris()
    full = (1 << n) - 1
    searched: dict = {}
    planned: dict[int, tuple] = {}
    if plan is not None:
        searched[_search_key(scenario, catalog)] = plan.mission
        members = partners
        crew = tuple((p, int(scenario.crew[p])) for p in members if scenario.crew.get(p, 0) > 0)
        planned[full] = (members, crew, plan.verdict, plan, None)
    for mask in range(full, 0, -1):  # the grand coalition first: its errors are the scenario's
        if mask in planned:
            continue
        members = tuple(p for i, p in enumerate(partners) if mask >> i & 1)
        crew = tuple((p, int(scenario.crew[p])) for p in members if scenario.crew.get(p, 0) > 0)
        if not crew:
            limit = Limit("no_crew", f"no crew: {_words(members)} "
                                     f"{'flies' if len(members) == 1 else 'fly'} no crew "
                                     "of their own, so there is no crewed mission to fly")
            planned[mask] = (members, crew, Verdict("cannot_fly", (limit,), None), None, None)
            continue
        change = None
        scen = scenario
        if mask != full:
            change = withdraw(scenario, catalog, [p for p in partners if p not in members],
                              seats="drop")
            scen = change.scenario
        if scen is None:
            from marsplan.joint.withdraw import no_transit_verdict

            planned[mask] = (members, crew, no_transit_verdict(change, catalog), None, change)
            continue
        p, v = _plan(scen, catalog, eph, searched, grand=mask == full)
        planned[mask] = (members, crew, v, p, change)

    grand_plan = planned[full][3]
    flying = np.full(full + 1, np.nan)
    crewed = np.zeros(full + 1, dtype=bool)
    for mask, (_, crew, v, p, _) in planned.items():
        crewed[mask] = bool(crew)
        if p is not None and v.status in FLIES:
            flying[mask] = float(p.sizing.cost_musd)
    costs, rules, source = coalition_costs(flying, crewed, float(grand_plan.sizing.cost_musd))
    values = shapley_values(costs)

    def names(mask):
        return tuple(p for i, p in enumerate(partners) if mask >> i & 1)

    order = sorted(planned, key=lambda m: (bin(m).count("1"), [not (m >> i & 1)
                                                                for i in range(n)]))
    result = tuple(Coalition(planned[m][0], m, planned[m][1], planned[m][2], planned[m][3],
                             planned[m][4], float(costs[m]), rules[m],
                             () if source[m] < 0 else names(int(source[m]))) for m in order)
    total = float(costs[full])
    shares = tuple(Share(p, float(values[i]), 100.0 * float(values[i]) / total if total else 0.0)
                   for i, p in enumerate(partners))
    flies = {c.mask: c.flies for c in result}
    veto_free = [m for m, f in flies.items() if f]
    indispensable = []
    for i, p in enumerate(partners):
        bit = 1 << i
        needed = tuple(names(m) for m in order if m & bit and flies[m]
                       and not flies.get(m & ~bit, False))
        veto = bool(veto_free) and all(m & bit for m in veto_free)
        indispensable.append(Indispensability(p, veto, needed))
    fair = ()
    ledger = getattr(grand_plan, "ledger", None)
    if ledger is not None:
        rows = {r.partner: r for r in ledger.partners}
        fair = tuple(FairShare(s.partner, s.share_musd, rows[s.partner].contribution_musd,
                               rows[s.partner].entitlement_musd,
                               rows[s.partner].contribution_musd - s.share_musd)
                     for s in shares if s.partner in rows)
    notes = []
    if not result[-1].flies:
        notes.append("the grand coalition cannot fly: the shares divide its cost as planned")
    if not veto_free:
        notes.append("no coalition can fly")
    return Coalitions(scenario, partners, result, shares, tuple(indispensable), tuple(notes),
                      fair)


def plan_shares(scenario, catalog, plan, *, ephemeris=None,
                max_partners: int = PLAN_SHARES_MAX_PARTNERS) -> PlanShares:
    """Each partner's Shapley share of ``plan``'s cost, as :func:`coalitions` computes it,
    reusing ``plan`` (the grand coalition's) and its trajectory: only the subsets are
    planned. Skipped, with a note saying so, beyond ``max_partners`` partners."""
    n = len(scenario.partners())
    if n > max_partners:
        return PlanShares(None, f"Shapley shares not computed: {n} partners make "
                                f"{2 ** n - 1} coalitions, each a plan; the plan computes "
                                f"them for at most {max_partners} partners (run marsplan "
                                "coalitions)")
    return PlanShares(coalitions(scenario, catalog, ephemeris=ephemeris, plan=plan))


def _plan(scen, catalog, eph, searched: dict, *, grand: bool):
    """(Plan or None, Verdict) of one coalition's scenario; the trajectory from ``searched``,
    searched once per distinct (mission spec, orbits, reachable declination)."""
    from marsplan.errors import AllocationError, NoSolutionError, ScenarioError
    from marsplan.joint.plan import plan, reachable_inclination_deg, trajectory

    reach = reachable_inclination_deg(scen, catalog)
    key = _search_key(scen, catalog, reach)
    if key not in searched:
        try:
            searched[key] = trajectory(scen, eph, max_dla_deg=reach)
        except NoSolutionError as error:
            if grand:
                raise
            searched[key] = error
    mission = searched[key]
    if isinstance(mission, NoSolutionError):
        return None, Verdict("cannot_fly", (Limit("unreachable_site", str(mission)),), None)
    try:
        p = plan(scen, catalog, mission=mission, ephemeris=eph)
    except ScenarioError as error:
        if grand:
            raise
        # What the members' hardware lacks for the scenario (a crew that lands
        # with no element that can land): a hardware shortfall of this coalition.
        return None, Verdict("cannot_fly", (Limit("hardware_shortfall", str(error)),), None)
    except AllocationError as error:
        if grand:
            raise
        # The agreement's barter cannot balance among these members: what they can
        # provide in kind falls short of their shares (marsplan.joint.allocate).
        return None, Verdict("cannot_fly", (Limit("hardware_shortfall",
                                                  f"agreement: {error}"),), None)
    return p, p.verdict


def _search_key(scen, catalog, reach=None) -> tuple:
    """What makes two coalitions' trajectory searches the same: the mission
    specification, the orbits and the reachable declination."""
    from marsplan.joint.plan import reachable_inclination_deg

    spec = scen.mission
    if spec.max_dla_deg is None and reach is None:
        reach = reachable_inclination_deg(scen, catalog)
    return (spec.model_dump_json(), scen.orbits.model_dump_json(),
            spec.max_dla_deg if spec.max_dla_deg is not None else reach)


def _words(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
