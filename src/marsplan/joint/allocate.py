"""Who provides what: the allocation optimiser of a partner agreement.

A plan needs crew seats to the assembly orbit, propellant delivered to it and
launches for its elements. Several partners can often provide each: NASA's
crew may ride a Crew Dragon or a Soyuz, the propellant may come on Starship
tankers or on Angara-A5 flights. Under a barter agreement (or a ``no_funds``
sanction, or ``cannot_provide``/``must_provide`` rules) the ledger balances
only if the right partner provides the right things. :func:`allocate` picks
them with one mixed-integer program (SciPy's ``milp``, HiGHS):

Variables
    ``n_o`` (integer, 0..U_o): units of option ``o`` (flights, or launch sets),
    ``U_o`` = ceil(need / capacity of o); ``y_o`` (binary): option ``o`` is
    used at all (it carries a once-only price: a reusable vehicle's unit);
    ``s_ab`` (continuous >= 0,
    M$): settlement cash from agency ``a`` to agency ``b``, only when the
    agreement settles in cash, never between a ``no_funds`` pair nor to or
    from an ``in_kind`` partner; ``w_p`` (binary): agency ``p`` pays settlement
    (else it may only receive it), so no cash is routed through a third party.
Objective
    Minimise the total cost ``T`` (the value of every item at catalog price)
    plus a tie-break of :data:`TIE_BREAK` per M$ of settlement cash: among
    allocations of equal cost, the one that moves the least money wins, and
    cash never buys a cheaper plan by more than a millionth of its amount.
Constraints
    Each need is met: sum_o capacity_o n_o >= need, with no surplus unit
    (for each used o, sum capacity n - capacity_o < need: every flight flown
    is needed). ``y_o <= n_o <= U_o y_o``.
    Every partner's balance (:mod:`marsplan.joint.agreement`: contribution =
    the value of what it funds, plus settlement paid, minus settlement
    received; balance = contribution - entitlement share of ``T``) lies within
    +-``balance_tolerance_pct`` of ``T_min``, the cost of the cheapest
    allocation the rules allow (solved first): a fixed bound, so a dearer plan
    cannot widen its own tolerance; never looser than the ledger's (per cent
    of ``T >= T_min``). Options forbidden by ``cannot_provide``, or whose
    purchase would move money between a ``no_funds`` pair, are left out;
    each ``must_provide`` rule needs at least one unit of a matching option
    (unless a fixed item already meets it).

When no allocation exists, the program is solved again with a slack on each
balance bound (first the least total slack, then the least cost at that
slack): the partner with the largest shortfall is named, with what could close
it, in an :class:`~marsplan.errors.AllocationError`.

The solver works on plain data (:class:`Problem`); :func:`problem_from_plan`
builds one from a scenario, its catalog and its sizing; docs/allocation.md states
the whole model.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from marsplan.errors import AllocationError
from marsplan.joint.agreement import Item

__all__ = ["TIE_BREAK", "Allocation", "Choice", "Need", "Option", "Part", "Problem",
           "allocate"]

#: Objective weight per M$ of settlement cash: a tie-break, far below any price
#: difference (catalog prices are given to 0.01 M$), so it never changes the cost.
TIE_BREAK = 1e-6
#: Amounts below this are rounding (1 dollar, in M$).
_EPS_MUSD = 1e-6
#: HiGHS stops at this relative gap: tight enough that the optimum is exact to
#: well below a cent on totals of thousands of M$ (its default 1e-4 is not).
_MIP_REL_GAP = 1e-9
#: A solve that takes longer is a modelling mistake, not a hard instance.
_TIME_LIMIT_S = 60.0
#: HiGHS options beyond SciPy's own (passed verbatim). The feasibility-jump
#: heuristic costs a fixed ~30 ms per solve however small the program (most of
#: a plan's time under an agreement), and a primal heuristic never changes
#: optimality: branch and bound still closes the gap to ``_MIP_REL_GAP``.
#: Emptied (once) when the installed SciPy cannot pass it to HiGHS.
_HIGHS_EXTRA = {"mip_heuristic_run_feasibility_jump": False}


@dataclass(frozen=True, slots=True)
class Part:
    """One ledger item that an option brings (per unit, and once when used).

    ``kind``, ``item``, ``element_kind``: as :class:`marsplan.joint.agreement.Item`;
    ``per_unit_musd``: its price per flight or launch set; ``once_musd``: paid
    once when the option is used at all (a reusable vehicle); ``funder``: who
    pays for it (its provider, or the agency that buys it).
    """

    kind: str
    item: str
    funder: str
    per_unit_musd: float
    once_musd: float = 0.0
    element_kind: str | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """One way a partner can meet part of a need.

    ``provider``: who builds or flies it; ``label``: words for messages ("Angara-A5
    propellant flight"); ``capacity``: what one unit brings (seats, tonnes, or 1
    for an element's launch set); ``parts``: the ledger items of one unit;
    ``launches``: launch-vehicle flights per unit; ``vehicle``/``element``: the
    catalog ids it flies; ``current``: the scenario's own choice.
    """

    provider: str
    label: str
    capacity: float
    parts: tuple[Part, ...]
    launches: int = 1
    vehicle: str | None = None
    element: str | None = None
    current: bool = False

    @property
    def per_unit_musd(self) -> float:
        return math.fsum(p.per_unit_musd for p in self.parts)

    @property
    def once_musd(self) -> float:
        return math.fsum(p.once_musd for p in self.parts)


@dataclass(frozen=True, slots=True)
class Need:
    """Something the plan must have, and the options that can provide it.

    ``name``: ``crew_access``, ``propellant`` or ``launch:<element>``; ``unit``:
    what ``amount`` counts (``seats``, ``t``, ``set``).
    """

    name: str
    unit: str
    amount: float
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Problem:
    """An allocation problem in plain data.

    ``fixed``: ledger items the optimiser does not choose (objects with
    ``kind``, ``item``, ``provider``, ``value_musd``, ``element_kind``), with
    ``fixed_funders`` (same order); ``partners``: every party; ``seats``: crew
    members per partner; ``entitlement_pct``: per partner, fixed by the
    agreement (it does not depend on who provides what); ``agreement``: the
    rules (:class:`marsplan.joint.agreement.Agreement`, read for ``no_funds``,
    ``in_kind``, ``cannot_provide``, ``must_provide``, ``settle`` and
    ``balance_tolerance_pct``); ``offers``: per partner, options of what else
    it could provide (beyond any need), named in the message when nothing
    balances; ``baseline_cost_musd``: the cost of the scenario's own choices;
    ``balance``: keep balances within the tolerance (False: only the rules);
    ``agencies``: the partners that may settle in cash (None: all).
    """

    fixed: tuple
    fixed_funders: tuple[str, ...]
    needs: tuple[Need, ...]
    partners: tuple[str, ...]
    seats: Mapping[str, int]
    entitlement_pct: Mapping[str, float]
    agreement: object
    offers: Mapping[str, tuple[Option, ...]] = field(default_factory=dict)
    baseline_cost_musd: float | None = None
    balance: bool = True
    agencies: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """``units`` of ``option`` chosen for the need ``need``."""

    need: str
    option: Option
    units: int

    @property
    def cost_musd(self) -> float:
        return self.units * self.option.per_unit_musd + (self.option.once_musd
                                                         if self.units else 0.0)


@dataclass(frozen=True)
class Allocation:
    """The optimiser's answer.

    ``choices``: every option with units > 0, need by need; ``items``: the
    ledger items of the whole plan (fixed and chosen), for
    :func:`marsplan.joint.agreement.ledger`; ``settlement``: (from, to, M$)
    settlement cash; ``cost_musd``: the total; ``balance_musd`` per partner (its
    contribution minus its entitlement share, settlement included);
    ``tolerance_musd``: the bound held on every balance, the agreement's per cent
    of the cheapest allocation the rules allow (None when balances are not
    held); ``baseline_cost_musd``: the scenario's own choices.
    """

    choices: tuple[Choice, ...]
    items: tuple
    settlement: tuple[tuple[str, str, float], ...]
    cost_musd: float
    balance_musd: Mapping[str, float]
    tolerance_musd: float | None
    baseline_cost_musd: float | None = None


# --------------------------------------------------------------------------- rules


def _matches(rule: str, part: Part) -> bool:
    return rule in (part.kind, part.item, part.element_kind)


def _forbidden(option: Option, agreement) -> str | None:
    """Why ``option`` may not be chosen (a cannot rule, a no_funds purchase), or None."""
    rules = getattr(agreement, "cannot_provide", {}).get(option.provider, ())
    for part in option.parts:
        for rule in rules:
            if _matches(rule, part):
                return f"agreement.cannot_provide.{option.provider} = {rule}"
        if part.funder != option.provider and agreement.blocked(part.funder, option.provider):
            return f"agreement.no_funds between {part.funder} and {option.provider}"
    return None


def _fixed_matches(rule: str, item) -> bool:
    return rule in (item.kind, item.item, getattr(item, "element_kind", None))


def _check_fixed(problem: Problem) -> None:
    """Fixed items against cannot rules: the optimiser cannot move them."""
    cannot = getattr(problem.agreement, "cannot_provide", {})
    for it in problem.fixed:
        for rule in cannot.get(it.provider, ()):
            if _fixed_matches(rule, it):
                what = getattr(it, "element_kind", None) or it.kind
                raise AllocationError(
                    f"{it.provider} provides {it.item} ({what}), which "
                    f"agreement.cannot_provide forbids, and no other partner's catalog "
                    f"hardware can take its role in this plan; drop the rule or change the "
                    f"scenario's element", partner=it.provider, rule=rule)


def _settlement_pairs(problem: Problem) -> list[tuple[str, str]]:
    """Ordered pairs of agencies that may settle in cash (none unless ``settle = "cash"``)."""
    a = problem.agreement
    if getattr(a, "settle", "none") != "cash":
        return []
    in_kind = set(getattr(a, "in_kind", ()))
    cash = [p for p in problem.partners if p not in in_kind
            and (problem.agencies is None or p in problem.agencies)]
    return [(x, y) for x in cash for y in cash if x != y and not a.blocked(x, y)]


# --------------------------------------------------------------------------- the program


@dataclass
class _Program:
    """The matrices of the MILP; built once, solved once or twice."""

    options: list[tuple[int, Option]]  # (need index, option)
    upper: list[int]
    once: list[int]  # option indices with a y_o (every option: it is used at all)
    pairs: list[tuple[str, str]]
    n_vars: int
    cost: np.ndarray  # T = fixed_total + cost @ x
    fixed_total: float
    contrib: dict  # partner -> (constant, row vector)
    rows: list  # (coefficient row, lower, upper)
    integrality: np.ndarray
    bounds_hi: np.ndarray


def _build(problem: Problem) -> _Program:
    agreement = problem.agreement
    options, upper = [], []
    for k, need in enumerate(problem.needs):
        allowed = [o for o in need.options if _forbidden(o, agreement) is None and o.capacity > 0]
        if need.amount > _EPS_MUSD and not allowed:
            why = "; ".join(sorted({_forbidden(o, agreement) or "capacity 0"
                                    for o in need.options})) or "no option in the catalog"
            raise AllocationError(f"no partner may provide the {need.name.replace('_', ' ')} "
                                  f"({need.amount:,.1f} {need.unit}): {why}", rule=why)
        for o in allowed:
            options.append((k, o))
            upper.append(max(0, math.ceil(need.amount / o.capacity - 1e-9)))
    once = list(range(len(options)))  # a y_o for every option: it is used at all
    pairs = _settlement_pairs(problem)
    payers = list(dict.fromkeys(p for pair in pairs for p in pair))
    n_opt, n_once = len(options), len(once)
    n_vars = n_opt + n_once + len(pairs) + len(payers)
    cost = np.zeros(n_vars)
    partners = list(problem.partners)
    for _, o in options:
        for part in o.parts:
            if part.funder not in partners:
                partners.append(part.funder)
    contrib = {p: [0.0, np.zeros(n_vars)] for p in partners}
    for it, funder in zip(problem.fixed, problem.fixed_funders, strict=True):
        contrib.setdefault(funder, [0.0, np.zeros(n_vars)])
        contrib[funder][0] += float(it.value_musd)
    fixed_total = math.fsum(float(it.value_musd) for it in problem.fixed)
    for i, (_, o) in enumerate(options):
        cost[i] = o.per_unit_musd
        for part in o.parts:
            contrib[part.funder][1][i] += part.per_unit_musd
    for j, i in enumerate(once):
        o = options[i][1]
        cost[n_opt + j] = o.once_musd
        for part in o.parts:
            contrib[part.funder][1][n_opt + j] += part.once_musd
    for j, (a, b) in enumerate(pairs):
        contrib[a][1][n_opt + n_once + j] += 1.0
        contrib[b][1][n_opt + n_once + j] -= 1.0
    rows = []
    for k, need in enumerate(problem.needs):
        row = np.zeros(n_vars)
        for i, (kk, o) in enumerate(options):
            if kk == k:
                row[i] = o.capacity
        if need.amount > 0:
            rows.append((row, float(need.amount), np.inf))
    for j, i in enumerate(once):
        # y_o <= n_o <= U_o y_o: the once-only price is paid exactly when o flies (without
        # the lower bound, paying it for nothing would be a way to add contribution).
        row = np.zeros(n_vars)
        row[i], row[n_opt + j] = 1.0, -float(upper[i])
        rows.append((row, -np.inf, 0.0))
        row = np.zeros(n_vars)
        row[i], row[n_opt + j] = 1.0, -1.0
        rows.append((row, 0.0, np.inf))
    for k, need in enumerate(problem.needs):
        # No surplus unit: with o used, one unit less of it leaves the need unmet,
        # sum capacity n - capacity_o < need (big M when o is unused). Flights beyond
        # the need would buy balance with hardware nobody uses.
        mine = [i for i, (kk, _) in enumerate(options) if kk == k]
        big = math.fsum(options[i][1].capacity * upper[i] for i in mine)
        margin = 1e-6 * max(1.0, need.amount)
        for i in mine:
            row = np.zeros(n_vars)
            for j in mine:
                row[j] = options[j][1].capacity
            row[n_opt + once.index(i)] = big
            rows.append((row, -np.inf, need.amount + options[i][1].capacity - margin + big))
    for partner, rules in getattr(agreement, "must_provide", {}).items():
        for rule in rules:
            if any(it.provider == partner and _fixed_matches(rule, it) for it in problem.fixed):
                continue
            row = np.zeros(n_vars)
            for i, (_, o) in enumerate(options):
                if o.provider == partner and any(_matches(rule, p) for p in o.parts):
                    row[i] = 1.0
            if not row.any():
                raise AllocationError(
                    f"agreement.must_provide.{partner}: {partner} must provide {rule}, but "
                    f"nothing it may provide in this plan is a {rule} (its catalog hardware "
                    f"cannot fill any role here)", partner=partner, rule=rule)
            rows.append((row, 1.0, np.inf))
    # A partner pays or receives settlement, not both (w_p = 1: it pays): cash is not
    # routed through a third partner, as the ledger's settlement (debtors pay
    # creditors) would not route it. M: the most the plan can cost.
    most = fixed_total + math.fsum(cost[i] * upper[i] + cost[n_opt + j]
                                   for j, i in enumerate(once))
    off = n_opt + n_once
    for k, p in enumerate(payers):
        out_row, in_row = np.zeros(n_vars), np.zeros(n_vars)
        for j, (a, b) in enumerate(pairs):
            if a == p:
                out_row[off + j] = 1.0
            if b == p:
                in_row[off + j] = 1.0
        out_row[off + len(pairs) + k] = -most
        in_row[off + len(pairs) + k] = most
        rows.append((out_row, -np.inf, 0.0))
        rows.append((in_row, -np.inf, most))
    integrality = np.concatenate([np.ones(n_opt + n_once), np.zeros(len(pairs)),
                                  np.ones(len(payers))])
    bounds_hi = np.concatenate([np.array(upper, float), np.ones(n_once),
                                np.full(len(pairs), np.inf), np.ones(len(payers))])
    return _Program(options, upper, once, pairs, n_vars, cost, fixed_total,
                    {p: (c, v) for p, (c, v) in contrib.items()}, rows, integrality, bounds_hi)


def _balance_rows(prog: _Program, problem: Problem, n_extra: int, slack: bool,
                  tol_musd: float):
    """Rows keeping each balance within +-tol_musd (with slack columns when asked).

    contribution_p - e_p T >= -tol and contribution_p - e_p T <= tol, T =
    fixed_total + cost @ x; slack: + u_p on the first, - v_p on the second.
    """
    out = []
    names = list(prog.contrib)
    for k, p in enumerate(names):
        const, vec = prog.contrib[p]
        e = problem.entitlement_pct.get(p, 0.0) / 100.0
        row = np.concatenate([vec - e * prog.cost, np.zeros(n_extra)])
        rhs = e * prog.fixed_total - const
        low, high = row.copy(), row.copy()
        if slack:
            low[prog.n_vars + 2 * k] = 1.0
            high[prog.n_vars + 2 * k + 1] = -1.0
        out.append((low, rhs - tol_musd, np.inf))
        out.append((high, -np.inf, rhs + tol_musd))
    return out, names


def _solve(prog: _Program, problem: Problem, slack: bool, tol_musd: float | None):
    """Solve; with ``slack``, lexicographically (least slack, then least cost).
    ``tol_musd`` None: no balance rows (the cheapest allocation the rules allow)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n_extra = 2 * len(prog.contrib) if slack else 0
    base = [(np.concatenate([r, np.zeros(n_extra)]), lo, hi) for r, lo, hi in prog.rows]
    bal, names = (_balance_rows(prog, problem, n_extra, slack, tol_musd)
                  if tol_musd is not None else ([], list(prog.contrib)))
    rows = base + bal
    integrality = np.concatenate([prog.integrality, np.zeros(n_extra)])
    bounds = Bounds(np.zeros(prog.n_vars + n_extra),
                    np.concatenate([prog.bounds_hi, np.full(n_extra, np.inf)]))
    n_opt_once = len(prog.options) + len(prog.once)
    objective = np.concatenate([prog.cost, np.zeros(n_extra)])
    objective[n_opt_once:n_opt_once + len(prog.pairs)] += TIE_BREAK  # settlement cash
    options = {"mip_rel_gap": _MIP_REL_GAP, "time_limit": _TIME_LIMIT_S}

    def run(c, extra_rows=()):
        all_rows = rows + list(extra_rows)
        if not all_rows:
            a, lo, hi = np.zeros((1, len(c))), [-np.inf], [np.inf]
        else:
            a = np.vstack([r for r, _, _ in all_rows])
            lo = [x for _, x, _ in all_rows]
            hi = [x for _, _, x in all_rows]
        constraints = LinearConstraint(a, lo, hi)
        if _HIGHS_EXTRA:
            try:
                with warnings.catch_warnings():
                    # SciPy warns that it passes _HIGHS_EXTRA verbatim (and an older
                    # HiGHS without the option that it ignores it): both expected.
                    warnings.filterwarnings("ignore", message="Unrecognized option")
                    return milp(c, constraints=constraints, integrality=integrality,
                                bounds=bounds, options={**options, **_HIGHS_EXTRA})
            except AttributeError:  # a SciPy whose HiGHS binding lacks the option
                _HIGHS_EXTRA.clear()
        return milp(c, constraints=constraints, integrality=integrality, bounds=bounds,
                    options=dict(options))

    if not slack:
        res = run(objective)
        return (res.x if res.status == 0 else None), names
    slack_cost = np.zeros(prog.n_vars + n_extra)
    slack_cost[prog.n_vars:] = 1.0
    first = run(slack_cost)
    if first.status != 0:
        return None, names
    cap = np.zeros(prog.n_vars + n_extra)
    cap[prog.n_vars:] = 1.0
    least = float(first.fun)
    second = run(objective, [(cap, -np.inf, least + 1e-7 * (1.0 + least))])
    return (second.x if second.status == 0 else first.x), names


# --------------------------------------------------------------------------- results


def _allocation(prog: _Program, problem: Problem, x, baseline, tol_musd) -> Allocation:
    n_opt = len(prog.options)
    units = [int(round(v)) for v in x[:n_opt]]
    choices, items = [], list(problem.fixed)
    for (k, o), n in zip(prog.options, units):
        if n <= 0:
            continue
        choices.append(Choice(problem.needs[k].name, o, n))
        for part in o.parts:
            value = n * part.per_unit_musd + part.once_musd
            items.append(Item(part.kind, part.item, o.provider, value, part.element_kind))
    off = n_opt + len(prog.once)
    settlement = tuple((a, b, float(v)) for (a, b), v in
                       zip(prog.pairs, x[off:off + len(prog.pairs)]) if v > _EPS_MUSD)
    total = math.fsum(float(it.value_musd) for it in items)
    funded = {p: c for p, (c, _) in prog.contrib.items()}
    for c in choices:
        for part in c.option.parts:
            funded[part.funder] = funded.get(part.funder, 0.0) + (
                c.units * part.per_unit_musd + part.once_musd)
    for a, b, v in settlement:
        funded[a] += v
        funded[b] -= v
    balance = {p: funded.get(p, 0.0) - problem.entitlement_pct.get(p, 0.0) / 100.0 * total
               for p in prog.contrib}
    return Allocation(tuple(choices), tuple(items), settlement, total, balance, tol_musd,
                      baseline)


def allocate(problem: Problem) -> Allocation:
    """The cheapest allocation that keeps every partner's balance within the tolerance.

    Parameters
    ----------
    problem : Problem
        Needs and options, fixed items, partners, entitlements and the rules.

    Returns
    -------
    Allocation

    Raises
    ------
    AllocationError
        No allocation meets the rules: the message names the partner furthest
        out of balance, by how much, and what could close it (``partner``,
        ``short_musd``, ``seats``, ``crew_total``, ``remedies``); or a rule no
        allocation can meet (``rule``).
    """
    _check_fixed(problem)
    prog = _build(problem)
    # The tolerance is held against the cheapest allocation the rules allow, a fixed
    # sum: against the allocation's own total, a dearer plan would widen its own
    # tolerance, and barter could "balance" by inflating the cost (a company's
    # fixed contribution diluted by a hundred small flights). Never above the
    # ledger's tolerance (pct x the total, which is at least the cheapest).
    cheapest, _ = _solve(prog, problem, slack=False, tol_musd=None)
    if cheapest is None:  # the needs and rules themselves cannot be met
        raise AllocationError("no allocation meets the plan's needs with the options allowed")
    if not problem.balance:
        return _allocation(prog, problem, cheapest, problem.baseline_cost_musd, None)
    tol_musd = (problem.agreement.balance_tolerance_pct / 100.0
                * (prog.fixed_total + float(prog.cost @ cheapest)))
    x, _ = _solve(prog, problem, slack=False, tol_musd=tol_musd)
    if x is not None:
        return _allocation(prog, problem, x, problem.baseline_cost_musd, tol_musd)
    x, names = _solve(prog, problem, slack=True, tol_musd=tol_musd)
    if x is None:  # pragma: no cover - the slack program is feasible when the needs are
        raise AllocationError("no allocation meets the plan's needs with the options allowed")
    raise _shortfall(prog, problem, x, names, tol_musd,
                     prog.fixed_total + float(prog.cost @ cheapest))


def _shortfall(prog: _Program, problem: Problem, x, names, tol: float,
               cheapest_musd: float) -> AllocationError:
    """The error for the least-slack allocation: who is short, by how much, what closes it."""
    best = _allocation(prog, problem, x, None, tol)
    pct = problem.agreement.balance_tolerance_pct
    short = {p: -(best.balance_musd[p] + tol) for p in names
             if best.balance_musd[p] < -tol - _EPS_MUSD}
    over = {p: best.balance_musd[p] - tol for p in names
            if best.balance_musd[p] > tol + _EPS_MUSD}
    if not short:  # only over-contributors: the partner with the largest excess
        who = max(over, key=over.get)
        return AllocationError(
            f"{who} puts in {over[who]:,.0f} M$ more than its entitlement allows (tolerance "
            f"{pct:g} % of the cheapest plan, {cheapest_musd:,.0f} M$) and no allocation "
            f"moves it to the others",
            partner=who, short_musd=-over[who])
    who = max(short, key=short.get)
    gap = short[who]
    crew = sum(problem.seats.values())
    seats = int(problem.seats.get(who, 0))
    e = problem.entitlement_pct.get(who, 0.0) / 100.0
    remedies = []
    offers = sorted((o for o in problem.offers.get(who, ())
                     if _forbidden(o, problem.agreement) is None and o.per_unit_musd > 0),
                    key=lambda o: -o.per_unit_musd)
    if offers:
        # Each extra unit adds its value to the partner's contribution and to the total:
        # net (1 - e) x value towards the bound if it displaces nothing (so "up to":
        # displacing another partner's flights closes the gap sooner).
        gain = offers[0].per_unit_musd * (1.0 - e)
        if gain > 0:
            remedies.append(f"up to {math.ceil(gap / gain - 1e-9)} {offers[0].label}s")
    creditor = max(over, key=over.get) if over else None
    barred = None
    if creditor is not None:
        a = problem.agreement
        remedies.append(f"a {gap:,.0f} M$ payment to {creditor}")
        if a.blocked(who, creditor):
            barred = "agreement.no_funds forbids it"
        elif who in getattr(a, "in_kind", ()) or creditor in getattr(a, "in_kind", ()):
            barred = "agreement.in_kind forbids it"
        elif getattr(a, "settle", "none") != "cash":
            barred = 'with [agreement] settle = "cash"'
    what = (f"for {seats} of {crew} seats" if seats else "for its entitlement")
    message = (f"{who} is {gap:,.0f} M$ short of in-kind value {what} (tolerance {pct:g} % "
               f"of the cheapest plan, {cheapest_musd:,.0f} M$)")
    if remedies:
        message += f"; {remedies[0]} would close it"
        if len(remedies) > 1:
            message += f", or {remedies[1]}"
        if barred and creditor is not None:
            message += (f", but {barred}" if barred.startswith("agreement") else f" {barred}")
    return AllocationError(message, partner=who, short_musd=gap, seats=seats, crew_total=crew,
                           remedies=tuple(remedies), creditor=creditor)


# --------------------------------------------------------------------------- from a plan


def wants_allocation(agreement) -> bool:
    """True when the agreement asks the optimiser to choose providers: barter
    balancing, a ``no_funds`` pair, or ``cannot_provide``/``must_provide`` rules."""
    return bool(agreement.settle == "barter" or agreement.no_funds or agreement.cannot_provide
                or agreement.must_provide)


def _reaches_orbit(vehicle, catalog, inclination_deg: float, altitude_km: float):
    """Payload (t) of ``vehicle`` to the assembly orbit, or None when no site of it
    reaches the inclination or its table stops below it (as the sizing reads it)."""
    from marsplan.sizing.launch import payload_t

    sites = getattr(catalog, "sites", {}) or {}
    tol = 1e-6  # degrees: catalogs print 0.1 deg
    if not any(s in sites and sites[s].min_inclination_deg - tol <= inclination_deg
               <= sites[s].max_inclination_deg + tol for s in vehicle.sites):
        return None
    pay = payload_t(vehicle, inclination_deg, altitude_km)
    return pay if pay is not None and pay > 0.0 else None


def problem_from_plan(scenario, catalog, sizing, rows, parties, agreement) -> Problem:
    """The allocation problem of a sized plan (docs/allocation.md).

    Chosen: the crew-access flights that stay at Earth (from every crew vehicle
    of the partners whose crew-rated launcher reaches the assembly orbit), the
    propellant flights (the scenario's tanker, the partners' other tankers, and
    any partner launch vehicle delivering its payload to the assembly orbit as
    propellant), and the launch of each element put in orbit as a payload (on
    any partner vehicle, in whole launches per unit, as the sizing assembles an
    element heavier than one payload). Fixed: everything else (the transit
    vehicle, stages, modules, landers: their masses set the propellant; an
    integrated launch such as Starship's; adapters). ``rows``: the plan's
    sizing rows with its adapters; ``parties``: :func:`marsplan.joint.agreement.parties`.
    """
    from marsplan.errors import InputError
    from marsplan.joint.agreement import funder_of, items_from_rows, ledger

    incl = sizing.inclination_deg
    altitude = scenario.orbits.leo_altitude_km
    elements, vehicles = catalog.elements, catalog.launch_vehicles
    partners = tuple(parties)
    integrated = {e.integrated_launch for e in elements.values() if e.integrated_launch}

    def funder(kind, item, provider, element_kind=None):
        try:
            return funder_of(Item(kind, item, provider, 1.0, element_kind), parties,
                             agreement)[0]
        except InputError:
            return None  # nobody would buy it: not an option

    def option(provider, label, capacity, parts, **kw):
        built = []
        for kind, item, per, once, ek in parts:
            f = funder(kind, item, provider, ek)
            if f is None:
                return None
            built.append(Part(kind, item, f, per, once, ek))
        return Option(provider, label, capacity, tuple(built), **kw)

    in_orbit = {}  # vehicle id -> payload to the assembly orbit, for usable vehicles
    if incl is not None:
        for vid, v in vehicles.items():
            if v.owner in partners:
                pay = _reaches_orbit(v, catalog, incl, altitude)
                if pay is not None:
                    in_orbit[vid] = pay

    chosen_rows, needs, offers = set(), [], {p: [] for p in partners}
    uses = {u.id: u for u in scenario.elements}

    # Crew access: seats, pooled over every crew vehicle that stays at Earth.
    crew_rows = [r for r in sizing.launch_rows if r.purpose == "crew_access"
                 and not uses.get(r.element, None) is None and not uses[r.element].goes_to_mars]
    # A need whose own vehicles cannot reach the assembly orbit stays as the scenario
    # has it: the sizing's limits report it, and no allocation can mend the orbit.
    if crew_rows and incl is not None and all(r.vehicle in in_orbit for r in crew_rows):
        seats_fixed = sum(r.crew for r in sizing.launch_rows if r.purpose == "crew_access"
                          and r not in crew_rows)
        current = {(r.element, r.provider) for r in crew_rows}
        candidates = dict.fromkeys([*current, *((eid, e.owner) for eid, e in elements.items()
                                                if e.kind == "crew_vehicle"
                                                and e.owner in partners)])
        opts = []
        for eid, provider in candidates:
            e = elements[eid]
            vid = e.launched_on
            v = vehicles.get(vid) if vid else None
            if (e.crew_capacity <= 0 or v is None or not v.crew_rated or vid not in in_orbit
                    or in_orbit[vid] + 1e-9 < e.dry_mass_t):
                continue
            if e.unit_cost_musd <= 0.0 and (eid, provider) not in current:
                continue  # no price in the catalog (DRA 5.0's capsule): not a free seat
            # One vehicle per flight, reusable or not: the crew flights of a campaign fly
            # days apart, so none can be flown twice (the sizing counts units the same way).
            o = option(provider, f"{e.name} flight", float(e.crew_capacity),
                       [("element", eid, e.unit_cost_musd, 0.0, e.kind),
                        ("launch", vid, v.price_musd, 0.0, None)],
                       vehicle=vid, element=eid, current=(eid, provider) in current)
            if o is not None:
                opts.append(o)
        needs.append(Need("crew_access", "seats", float(scenario.crew_size - seats_fixed),
                          tuple(opts)))
        chosen_rows.update(id(r) for r in crew_rows)
        chosen_rows.update(id(r) for r in sizing.items if r.kind == "element"
                           and r.role == "crew_access" and (r.item, r.provider) in current)

    # Propellant delivered to the assembly orbit.
    tanker_rows = [r for r in sizing.launch_rows if r.purpose == "tanker"]
    prop_rows = [r for r in sizing.items if r.kind == "propellant"]
    if tanker_rows and incl is not None and all(r.vehicle in in_orbit for r in tanker_rows):
        need_t = math.fsum(r.propellant_t for r in prop_rows)
        propellant = prop_rows[0].item if prop_rows else "propellant"
        opts = []
        for r in tanker_rows:
            t_el = elements[r.element]
            once = t_el.unit_cost_musd if t_el.reusable else 0.0
            per = r.price_musd + (0.0 if t_el.reusable else t_el.unit_cost_musd)
            o = option(r.provider, f"{t_el.name} flight", float(r.propellant_per_flight_t or 0),
                       [("tanker", r.vehicle, per, once, None),
                        ("propellant", propellant, 0.0, 0.0, None)],
                       vehicle=r.vehicle, element=r.element, current=True)
            if o is not None:
                opts.append(o)
        used = {r.vehicle for r in tanker_rows}
        for eid, e in elements.items():
            vid = e.integrated_launch or e.launched_on
            if (e.kind == "tanker" and e.owner in partners and vid in in_orbit
                    and vid not in used and e.propellant_capacity_t > 0):
                o = option(e.owner, f"{e.name} flight",
                           min(e.propellant_capacity_t, in_orbit[vid]),
                           [("tanker", vid, vehicles[vid].price_musd
                             + (0.0 if e.reusable else e.unit_cost_musd),
                             e.unit_cost_musd if e.reusable else 0.0, None),
                            ("propellant", propellant, 0.0, 0.0, None)],
                           vehicle=vid, element=eid)
                if o is not None:
                    opts.append(o)
                    used.add(vid)
        for vid, pay in in_orbit.items():
            if vid in used or vid in integrated:
                continue
            v = vehicles[vid]
            o = option(v.owner, f"{v.name} propellant flight", pay,
                       [("tanker", vid, v.price_musd, 0.0, None),
                        ("propellant", propellant, 0.0, 0.0, None)], vehicle=vid)
            if o is not None:
                opts.append(o)
        needs.append(Need("propellant", "t", need_t, tuple(opts)))
        for o in opts:
            offers.setdefault(o.provider, []).append(o)
        chosen_rows.update(id(r) for r in tanker_rows)
        chosen_rows.update(id(r) for r in prop_rows)

    # The launch of each element put in orbit as a payload. The sizing makes one row
    # per element use, in the scenario's order: the k-th row of an element is its k-th use.
    seen: dict[str, int] = {}
    for k, r in enumerate(sizing.launch_rows):
        el = elements.get(r.element)
        if r.purpose != "element" or el is None:
            continue
        nth = seen[r.element] = seen.get(r.element, -1) + 1
        same = [u for u in scenario.elements if u.id == r.element and u.role not in
                ("tanker", "crew_access") and (el.integrated_launch or el.launched_on)]
        if el is None or el.integrated_launch or incl is None or nth >= len(same):
            continue
        units = same[nth].count
        unit_t = r.mass_t / units
        opts = []
        for vid, pay in in_orbit.items():
            if vid in integrated and vid != r.vehicle:
                continue
            flights = units * max(1, math.ceil(unit_t / pay - 1e-9))
            v = vehicles[vid]
            provider = r.provider if vid == r.vehicle else v.owner
            o = option(provider, f"{v.name} launch of {el.name}", 1.0,
                       [("launch", vid, flights * v.price_musd, 0.0, None)], launches=flights,
                       vehicle=vid, element=r.element, current=vid == r.vehicle)
            if o is not None:
                opts.append(o)
        if not any(o.current for o in opts):
            continue  # its own vehicle cannot reach the orbit: the sizing reports it
        needs.append(Need(f"launch:{k}:{r.element}", "set", 1.0, tuple(opts)))
        chosen_rows.add(id(r))

    fixed_rows = [r for r in rows if id(r) not in chosen_rows]
    fixed = items_from_rows(fixed_rows, catalog)
    funders = tuple(funder_of(it, parties, agreement)[0] for it in fixed)
    entitled = ledger(items_from_rows(rows, catalog), parties, agreement)
    entitlement = {r.partner: r.entitlement_pct for r in entitled.partners}
    baseline = math.fsum(it.value_musd for it in items_from_rows(rows, catalog))
    # Balances are kept when the agreement settles them (barter or cash) or bars
    # money between partners (a sanction makes barter the only settlement).
    balance = agreement.settle != "none" or bool(agreement.no_funds)
    agencies = frozenset(p for p, x in parties.items() if x.kind == "agency")
    return Problem(fixed, funders, tuple(needs), tuple(entitlement),
                   {p: int(scenario.crew.get(p, 0)) for p in entitlement}, entitlement,
                   agreement, {p: tuple(v) for p, v in offers.items()}, baseline, balance,
                   agencies)


def resized(scenario, catalog, sizing, allocation: Allocation):
    """``sizing`` with its crew-access, propellant and element-launch rows as allocated.

    Masses, propellant and IMLEO are unchanged (nothing that goes to Mars
    changes); the launch rows, the items, the launches by vehicle, the tanker
    flights and the cost follow the chosen options.
    """
    from dataclasses import replace

    from marsplan.sizing.rows import ItemRow, LaunchRow

    elements, vehicles = catalog.elements, catalog.launch_vehicles

    def payload(vid):
        return _reaches_orbit(vehicles[vid], catalog, sizing.inclination_deg,
                              scenario.orbits.leo_altitude_km)

    by_need: dict[str, list[Choice]] = {}
    for c in allocation.choices:
        by_need.setdefault(c.need, []).append(c)
    uses = {u.id: u for u in scenario.elements}
    items = list(sizing.items)
    launch_rows = list(sizing.launch_rows)
    if "crew_access" in by_need:
        crew_left = scenario.crew_size - sum(
            r.crew for r in launch_rows if r.purpose == "crew_access"
            and (r.element not in uses or uses[r.element].goes_to_mars))
        moved = {r.element for r in launch_rows if r.purpose == "crew_access"
                 and r.element in uses and not uses[r.element].goes_to_mars}
        launch_rows = [r for r in launch_rows if not (r.purpose == "crew_access"
                                                       and r.element in moved)]
        items = [r for r in items if not (r.kind == "element" and r.role == "crew_access"
                                          and r.item in moved)]
        for c in by_need["crew_access"]:
            o, e = c.option, elements[c.option.element]
            aboard = min(crew_left, int(o.capacity) * c.units)
            crew_left -= aboard
            units = c.units
            items.append(ItemRow(kind="element", provider=o.provider, item=o.element,
                                 role="crew_access", units=units, dry_t=e.dry_mass_t,
                                 propellant_t=0.0, mass_t=0.0, unit_cost_musd=e.unit_cost_musd,
                                 cost_musd=e.unit_cost_musd * units, crew=aboard))
            v = vehicles[o.vehicle]
            launch_rows.append(LaunchRow(
                provider=o.provider, vehicle=o.vehicle, purpose="crew_access", element=o.element,
                launches=c.units, mass_t=e.dry_mass_t * c.units,
                payload_capacity_t=payload(o.vehicle),
                price_musd=v.price_musd, cost_musd=v.price_musd * c.units, crew=aboard))
    if "propellant" in by_need:
        props = [r for r in items if r.kind == "propellant"]
        need_t = math.fsum(r.propellant_t for r in props)
        launch_rows = [r for r in launch_rows if r.purpose != "tanker"]
        items = [r for r in items if r.kind != "propellant"]
        left = need_t
        shares = []
        for c in sorted(by_need["propellant"], key=lambda c: not c.option.current):
            o = c.option
            lifted = min(left, o.capacity * c.units)
            left -= lifted
            shares.append((o.provider, lifted))
            v = vehicles[o.vehicle]
            launch_rows.append(LaunchRow(
                provider=o.provider, vehicle=o.vehicle, purpose="tanker",
                element=o.element or "propellant", launches=c.units, mass_t=lifted,
                payload_capacity_t=payload(o.vehicle), price_musd=v.price_musd,
                cost_musd=c.cost_musd,
                propellant_per_flight_t=o.capacity))
        for r in props:
            for provider, lifted in shares:
                if lifted > 0 and need_t > 0:
                    t = r.propellant_t * lifted / need_t
                    items.append(replace(r, provider=provider, propellant_t=t, mass_t=t))
    for name, chosen in by_need.items():
        if not name.startswith("launch:"):
            continue
        (c,) = chosen  # no surplus unit: exactly one launch set per element use
        old = sizing.launch_rows[int(name.split(":")[1])]
        v = vehicles[c.option.vehicle]
        at = next(i for i, r in enumerate(launch_rows) if r is old)
        launch_rows[at] = replace(
            old, provider=c.option.provider, vehicle=c.option.vehicle,
            launches=c.option.launches, payload_capacity_t=payload(c.option.vehicle),
            price_musd=v.price_musd,
            cost_musd=c.option.per_unit_musd)
    launches: dict[str, int] = {}
    for r in launch_rows:
        launches[r.vehicle] = launches.get(r.vehicle, 0) + r.launches
    cost = math.fsum(r.cost_musd for r in items) + math.fsum(r.cost_musd for r in launch_rows)
    return replace(sizing, launch_rows=tuple(launch_rows), items=tuple(items), launches=launches,
                   tanker_flights=sum(r.launches for r in launch_rows if r.purpose == "tanker"),
                   cost_musd=cost, notes=[*sizing.notes, allocation_note(allocation)])


def allocation_note(allocation: Allocation) -> str:
    """One line: who flies what under the allocation, its cost and the scenario's own."""
    by_partner: dict[str, list[str]] = {}
    for c in allocation.choices:
        label = c.option.label if c.units == 1 else f"{c.option.label}s"
        by_partner.setdefault(c.option.provider, []).append(f"{c.units} {label}")
    flown = "; ".join(f"{p} {', '.join(v)}" for p, v in by_partner.items())
    own = ("" if allocation.baseline_cost_musd is None else
           f" (the scenario's own providers: {allocation.baseline_cost_musd:,.2f} M$)")
    return (f"providers chosen by the allocation optimiser under the agreement: {flown}; "
            f"{allocation.cost_musd:,.2f} M${own}")


def allocated(scenario, catalog, sizing, extra_rows=(), *, surface_days: float = 0.0,
              baseline_cost_musd: float | None = None):
    """(sizing, allocation) of a plan under its scenario's ``[agreement]``.

    When the agreement asks for the optimiser (:func:`wants_allocation`), the
    sizing with the optimiser's providers (:func:`resized`) and the
    :class:`Allocation`; otherwise ``sizing`` unchanged and None.
    ``extra_rows``: the plan's rows beyond the sizing's (its adapters);
    ``baseline_cost_musd``: the cost of the user's own choices, when ``sizing``
    is already a re-plan of them (default: the cost of ``sizing``).

    Raises
    ------
    AllocationError
        No allocation meets the agreement (see :func:`allocate`).
    """
    from dataclasses import replace

    from marsplan.joint.agreement import parties

    agreement = scenario.agreement.value()
    if not wants_allocation(agreement):
        return sizing, None
    rows = [*sizing.items, *extra_rows, *sizing.launch_rows]
    people = parties(scenario, catalog, surface_days=surface_days,
                     extra=agreement.funders.values())
    problem = problem_from_plan(scenario, catalog, sizing, rows, people, agreement)
    if baseline_cost_musd is not None:
        problem = replace(problem, baseline_cost_musd=baseline_cost_musd)
    result = allocate(problem)
    return resized(scenario, catalog, sizing, result), result


def flown_scenario(scenario, allocation: Allocation | None):
    """``scenario`` with its crew-access vehicles as the allocation flies them.

    The crew-access uses that stay at Earth are replaced by the chosen ones
    (id, provider, count = flights), in place of the first of them, so the
    interfaces (docking adapters ride along), launch sites, seats and
    contributions of the plan follow what flies. ``scenario`` itself when the
    allocation keeps its crew vehicles (or there is none).
    """
    from marsplan.joint.scenario import ElementUse

    if allocation is None:
        return scenario
    chosen = [c for c in allocation.choices if c.need == "crew_access"]
    stays = [u for u in scenario.elements if u.role == "crew_access" and not u.goes_to_mars]
    if not chosen or not stays:
        return scenario
    new = [ElementUse(id=c.option.element, provider=c.option.provider, role="crew_access",
                      count=c.units) for c in chosen]
    if sorted((u.id, u.provider, u.count) for u in stays) == sorted(
            (u.id, u.provider, u.count) for u in new):
        return scenario
    elements = []
    for u in scenario.elements:
        if u in stays:
            if u is stays[0]:
                elements += new
            continue
        elements.append(u)
    return scenario.model_copy(update={"elements": elements})
