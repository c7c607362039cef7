"""Who pays whom: the ledger of a joint mission's partner agreement.

A partner is an agency or a company. Every item of a plan (an element, the
flights of a launch vehicle, tanker flights, propellant, an adapter) has a
*provider* that builds or flies it and a value at catalog price. This module
separates *providing* from *funding* and puts each partner's contribution
beside what it gets back, as the ISS partners do (IGA Article 15: each partner
bears the cost of its responsibilities and shares the common operating costs
"on an equitable basis", minimising "the exchange of funds", "through the use
of barter"). docs/agreements.md states the model; in short:

* **Funder** of an item with provider P: the scenario's ``[agreement.funders]``
  entry for the item's id, else for P; else P itself when P is an agency; else
  the one agency of P's country among the mission's partners (SpaceX -> NASA).
  None of these: :class:`InputError` naming ``agreement.funders``.
* ``provides_musd(X)``: the value of what X provides, in kind. When an item's
  funder F is not its provider P, F buys it: a cash flow F -> P of its value.
* ``contribution_musd(X) = provides + pays - receives``. Cash only moves value
  between partners, so the contributions add up to the total cost (the value
  of every item).
* ``entitlement_pct(X)``: X's share of the benefits: by default its share of
  the crew seats; ``[agreement.entitlement]`` weights can add other measures
  (:data:`PLAN_MEASURES`, or one given per partner in ``[agreement.benefits]``).
  With weights w_m and X's share s_m(X) of measure m (measures whose total is 0
  are left out), ``entitlement_pct(X) = 100 * sum_m w_m s_m(X) / sum_m w_m``.
* ``balance_musd(X) = contribution_musd(X) - entitlement_pct(X) / 100 * total``:
  what X puts in beyond its share (negative: what it owes). Balances add up
  to zero.
* ``settle``: ``"none"`` (the default) reports the balances as they stand;
  ``"cash"`` has the partners in debt pay those in credit (cash flows ``for``
  "balance"), never between a ``no_funds`` pair nor to or from a partner that
  settles ``in_kind`` only, as far as those rules allow; ``"barter"`` moves no
  settlement cash: the providers themselves must change
  (:mod:`marsplan.joint.allocate` chooses them), and the ledger says who is out
  of balance beyond the tolerance.

:func:`ledger` is pure: items, parties and an :class:`Agreement` in, a
:class:`Ledger` out, so an allocation optimiser can call it on any
re-assignment of providers.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from marsplan.errors import InputError

__all__ = ["DEFAULT_SETTLE", "DEFAULT_TOLERANCE_PCT", "ITEM_KINDS", "PLAN_MEASURES",
           "SETTLE_MODES", "Agreement", "CashFlow", "Item", "Ledger", "Party",
           "PartnerLedger", "SanctionCase", "funder_of", "items_from_rows", "ledger",
           "parties", "sanction_cases"]

#: Kinds of ledger item: what the sizing attributes to a provider.
ITEM_KINDS = ("element", "launch", "tanker", "propellant", "adapter", "crew")
#: How balances are settled; :data:`DEFAULT_SETTLE` when the scenario says nothing.
SETTLE_MODES = ("none", "cash", "barter")
#: No settlement unless the scenario agrees one: marsplan does not invent a payment.
DEFAULT_SETTLE = "none"
#: Benefit measures the plan itself knows: crew seats, and crew-days on the surface.
PLAN_MEASURES = ("seats", "surface_days")
#: A balance within this per cent of the total cost counts as balanced (a stated
#: default: catalog prices are estimates good to tens of per cent at best).
DEFAULT_TOLERANCE_PCT = 5.0
#: Cash amounts below this are rounding, not money (1 dollar in M$).
_EPS_MUSD = 1e-6


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a partner provides, at catalog price.

    ``kind``: one of :data:`ITEM_KINDS`; ``item``: the element, launch vehicle
    or propellant id (the key ``[agreement.funders]`` may name);
    ``provider``: the partner that builds or flies it; ``value_musd``: its
    catalog price (>= 0); ``element_kind``: the catalog kind of an element
    (``crew_vehicle``, ``transit_vehicle``, ...), None for other items.
    """

    kind: str
    item: str
    provider: str
    value_musd: float
    element_kind: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """A partner as the ledger sees it: agency or company, its country, its benefits.

    ``seats``: its crew members; ``surface_days``: crew-days its crew spends on
    the Mars surface (0 when the crew stays in orbit).
    """

    partner: str
    kind: str
    country: str
    seats: int = 0
    surface_days: float = 0.0


@dataclass(frozen=True)
class Agreement:
    """The terms of a joint mission: who funds what, how balances settle, sanctions.

    ``funders``: item id or provider id -> the partner that pays for it;
    ``in_kind``: partners that settle only in kind (no settlement cash to or
    from them); ``no_funds``: pairs (sorted) between which no money flows in
    either direction; ``cannot_provide`` / ``must_provide``: partner -> element
    kinds (``crew_vehicle``, ``transit_vehicle``, ...), item kinds (``launch``,
    ``tanker``, ``propellant``) or catalog ids it may not / must provide;
    ``entitlement``: benefit measure -> weight (default seats only);
    ``benefits``: measures the plan does not know, measure -> partner ->
    amount; ``settle``: one of :data:`SETTLE_MODES`;
    ``balance_tolerance_pct``: a balance within this per cent of the total
    cost is balanced.
    """

    funders: Mapping[str, str] = field(default_factory=dict)
    in_kind: frozenset[str] = frozenset()
    no_funds: tuple[tuple[str, str], ...] = ()
    cannot_provide: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    must_provide: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    entitlement: Mapping[str, float] = field(default_factory=lambda: {"seats": 1.0})
    benefits: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    settle: str = DEFAULT_SETTLE
    balance_tolerance_pct: float = DEFAULT_TOLERANCE_PCT

    def blocked(self, a: str, b: str) -> bool:
        """True when no money may flow between ``a`` and ``b`` (either direction)."""
        return tuple(sorted((a, b))) in self.no_funds

    def may_provide(self, partner: str, item: Item) -> bool:
        """False when ``cannot_provide`` forbids ``partner`` to provide ``item``."""
        rules = self.cannot_provide.get(partner, ())
        return not any(r in (item.kind, item.item, item.element_kind) for r in rules)


@dataclass(frozen=True, slots=True)
class CashFlow:
    """Money from one partner to another: ``for_`` the item bought, or "balance"."""

    from_: str
    to: str
    musd: float
    for_: str


@dataclass(frozen=True, slots=True)
class PartnerLedger:
    """One partner's line of the ledger (M$; shares in per cent of the total cost).

    ``seats``: its crew members; ``provides_musd``: the in-kind value of what
    it builds or flies; ``pays_musd`` / ``receives_musd``: cash, purchases and
    settlement; ``contribution_musd`` = provides + pays - receives;
    ``entitlement_pct``: its share of the benefits; ``balance_musd`` =
    contribution - entitlement share of the total (> 0: it puts in more than
    its share); ``balanced``: ``|balance_musd|`` within the tolerance.
    """

    partner: str
    kind: str
    seats: int
    provides_musd: float
    pays_musd: float
    receives_musd: float
    contribution_musd: float
    contribution_pct: float
    entitlement_pct: float
    entitlement_musd: float
    balance_musd: float
    balanced: bool
    settles: str


@dataclass(frozen=True, slots=True)
class SanctionCase:
    """What ``no_funds`` between two agencies would do to this ledger.

    ``purchases_musd``: what one buys from the other (that item would need
    another funder); ``unsettled_musd``: the debt that could then not be settled
    in cash (with ``settle = "cash"``), to be balanced in kind instead.
    """

    a: str
    b: str
    purchases_musd: float
    unsettled_musd: float


@dataclass(frozen=True)
class Ledger:
    """Who brings what, who gets what, and the cash between them.

    ``partners``: one :class:`PartnerLedger` per party (in the order given);
    ``cash_flows``: purchases then settlement; ``total_musd``: the value of
    every item (= the sum of the contributions); ``tolerance_musd``: the
    balance tolerance in M$; ``unsettled_musd``: with ``settle = "cash"``, the
    debt the rules left unpaid (0 otherwise); ``violations``: items provided
    against ``cannot_provide`` and ``must_provide`` rules not met, in words;
    ``notes``: what the ledger assumed (funders by default, measures left out);
    ``items``: the items it valued; ``sanctions``: for each pair of agencies
    not yet under ``no_funds`` whose money it would touch, what ``no_funds``
    between them would leave unsettled (:func:`sanction_cases`).
    """

    partners: tuple[PartnerLedger, ...]
    cash_flows: tuple[CashFlow, ...]
    total_musd: float
    settle: str
    tolerance_musd: float
    unsettled_musd: float
    violations: tuple[str, ...]
    notes: tuple[str, ...]
    items: tuple[Item, ...] = ()
    sanctions: tuple[SanctionCase, ...] = ()

    def row(self, partner: str) -> PartnerLedger:
        """The line of ``partner``; KeyError when it is not in the ledger."""
        for r in self.partners:
            if r.partner == partner:
                return r
        raise KeyError(partner)

    @property
    def balanced(self) -> bool:
        """True when every partner's balance is within the tolerance."""
        return all(r.balanced for r in self.partners)

    def flows_between(self, a: str, b: str) -> tuple[CashFlow, ...]:
        """Cash flows from ``a`` to ``b`` or from ``b`` to ``a``."""
        return tuple(f for f in self.cash_flows if {f.from_, f.to} == {a, b})


# --------------------------------------------------------------------------- inputs


def items_from_rows(rows: Iterable, catalog=None) -> tuple[Item, ...]:
    """Ledger items from the sizing's rows (:class:`~marsplan.sizing.rows.ItemRow`,
    :class:`~marsplan.sizing.rows.LaunchRow`); crew rows (no price) are left out.

    A launch row is ``launch`` (or ``tanker``) valued at its ``cost_musd``;
    an item row keeps its kind, its ``item`` id and ``cost_musd``. The element
    kind comes from ``catalog.elements`` when given.
    """
    elements = getattr(catalog, "elements", None) or {}
    out = []
    for row in rows:
        if hasattr(row, "vehicle"):
            kind = "tanker" if row.purpose == "tanker" else "launch"
            out.append(Item(kind, row.vehicle, row.provider, float(row.cost_musd)))
        elif row.kind != "crew":
            element = elements.get(row.item) if row.item else None
            out.append(Item(row.kind, row.item or row.kind, row.provider, float(row.cost_musd),
                            getattr(element, "kind", None)))
    return tuple(out)


def parties(scenario, catalog, *, surface_days: float = 0.0, extra=()) -> dict[str, Party]:
    """The scenario's partners (and ``extra`` ids, e.g. funders) as ledger parties.

    ``surface_days``: days each crew member spends on the surface (the stay
    when the crew lands, else 0). Kind and country come from the catalog.
    """
    ids = list(dict.fromkeys([*scenario.partners(), *scenario.crew, *extra]))
    known = catalog.partners
    out = {}
    for pid in ids:
        record = known.get(pid)
        seats = int(scenario.crew.get(pid, 0))
        out[pid] = Party(pid, getattr(record, "kind", "agency"),
                         getattr(record, "country", ""), seats, seats * float(surface_days))
    return out


def funder_of(item: Item, parties: Mapping[str, Party], agreement: Agreement) -> tuple[str, str]:
    """(funder, why) of ``item``: the rule of the module docstring, in order.

    Raises
    ------
    InputError
        No rule gives a funder (a company with no agency of its country among
        the partners), or the country has several agencies.
    """
    p = item.provider
    if item.item in agreement.funders:
        return agreement.funders[item.item], f"agreement.funders.{item.item}"
    if p in agreement.funders:
        return agreement.funders[p], f"agreement.funders.{p}"
    party = parties.get(p)
    if party is None or party.kind == "agency":
        return p, "its provider, an agency"
    agencies = [x.partner for x in parties.values()
                if x.kind == "agency" and x.country == party.country]
    if len(agencies) == 1:
        return agencies[0], f"the agency of {party.country}"
    what = (f"no agency of {party.country} is a partner" if not agencies else
            f"{party.country} has several agencies here ({', '.join(agencies)})")
    raise InputError(f"agreement.funders: nobody funds {p}'s {item.item} ({item.kind}): "
                     f"{p} is a company and {what}; name its funder, e.g. "
                     f"[agreement.funders] {p} = \"<agency>\"")


# --------------------------------------------------------------------------- ledger


def ledger(items: Iterable[Item], partners: Mapping[str, Party],
           agreement: Agreement | None = None) -> Ledger:
    """The ledger of ``items`` provided by ``partners`` under ``agreement``.

    Parameters
    ----------
    items : iterable of Item
        Every priced thing of the plan, each with its provider.
    partners : mapping of partner id to Party
        The parties: every provider, funder and crew partner (a provider or
        funder missing here is added as an agency without seats).
    agreement : Agreement, optional
        Default: funders by the default rule, seats only, no settlement.

    Returns
    -------
    Ledger

    Raises
    ------
    InputError
        A negative or non-finite value; an item nobody funds; a purchase
        between a ``no_funds`` pair; an entitlement whose every measure is 0.
    """
    agreement = agreement or Agreement()
    items = tuple(items)
    parties_ = dict(partners)
    notes: list[str] = []
    for n, it in enumerate(items):
        v = it.value_musd
        if (isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v)
                or v < 0):
            raise InputError(f"items[{n}].value_musd: {it.item} of {it.provider} must be a "
                             f"finite price >= 0 M$, got {v!r}")
        parties_.setdefault(it.provider, Party(it.provider, "agency", ""))
    provides = {p: 0.0 for p in parties_}
    for it in items:
        provides[it.provider] += it.value_musd
    # Purchases: one flow per (funder, provider, item), values added up.
    bought: dict[tuple[str, str, str], float] = {}
    defaulted = {}
    for it in items:
        if it.value_musd <= 0.0:
            continue
        funder, why = funder_of(it, parties_, agreement)
        if funder != it.provider:
            if agreement.blocked(funder, it.provider):
                raise InputError(f"agreement.no_funds: {funder} funds {it.provider}'s "
                                 f"{it.item} ({why}), but no money may flow between "
                                 f"{funder} and {it.provider}; fund it otherwise or let "
                                 f"another partner provide it")
            key = (funder, it.provider, it.item)
            bought[key] = bought.get(key, 0.0) + it.value_musd
            if why.startswith("the agency"):
                defaulted[it.provider] = funder
        parties_.setdefault(funder, Party(funder, "agency", ""))
        provides.setdefault(funder, 0.0)
    for company, agency in defaulted.items():
        notes.append(f"{agency} buys what {company} provides ({company} is a company of "
                     f"{parties_[company].country}; [agreement.funders] changes it)")
    flows = [CashFlow(f, t, v, what) for (f, t, what), v in bought.items()]
    total = math.fsum(provides.values())
    entitled = _entitlements(parties_, agreement, notes)
    pays = {p: 0.0 for p in parties_}
    receives = {p: 0.0 for p in parties_}
    for f in flows:
        pays[f.from_] += f.musd
        receives[f.to] += f.musd

    def balances():
        return {p: provides[p] + pays[p] - receives[p] - entitled[p] / 100.0 * total
                for p in parties_}

    unsettled = 0.0
    if agreement.settle == "cash":
        settlement, unsettled = _settle(balances(), agreement)
        for f in settlement:
            pays[f.from_] += f.musd
            receives[f.to] += f.musd
        flows += settlement
    tolerance = agreement.balance_tolerance_pct / 100.0 * total
    balance = balances()
    rows = []
    for p, party in parties_.items():
        contribution = provides[p] + pays[p] - receives[p]
        rows.append(PartnerLedger(
            partner=p, kind=party.kind, seats=party.seats, provides_musd=provides[p],
            pays_musd=pays[p], receives_musd=receives[p], contribution_musd=contribution,
            contribution_pct=100.0 * contribution / total if total > 0 else 0.0,
            entitlement_pct=entitled[p], entitlement_musd=entitled[p] / 100.0 * total,
            balance_musd=balance[p], balanced=abs(balance[p]) <= tolerance + _EPS_MUSD,
            settles="in_kind" if p in agreement.in_kind else "cash"))
    book = Ledger(tuple(rows), tuple(flows), total, agreement.settle, tolerance, unsettled,
                  tuple(_violations(items, parties_, agreement)), tuple(notes), items)
    return replace(book, sanctions=sanction_cases(book, agreement))


def sanction_cases(book: Ledger, agreement: Agreement) -> tuple[SanctionCase, ...]:
    """For each pair of agencies in ``book`` not yet under ``no_funds``: the
    purchases between them and the debt ``no_funds`` between them would leave
    unsettled in cash. Pairs where both are 0 are left out.
    """
    pre = {r.partner: r.balance_musd for r in book.partners}
    for f in book.cash_flows:
        if f.for_ == "balance":  # undo settlement: the balances as they stood
            pre[f.from_] -= f.musd
            pre[f.to] += f.musd
    agencies = [r.partner for r in book.partners if r.kind == "agency"]
    out = []
    for i, a in enumerate(agencies):
        for b in agencies[i + 1:]:
            if agreement.blocked(a, b):
                continue
            bought = math.fsum(f.musd for f in book.flows_between(a, b) if f.for_ != "balance")
            if pre[a] * pre[b] >= 0 and bought <= _EPS_MUSD:
                continue  # both owe or both are owed: no payment between them to block
            blocked = replace(agreement, settle="cash",
                              no_funds=tuple(sorted({*agreement.no_funds, tuple(sorted((a, b)))})))
            _, unsettled = _settle(pre, blocked)
            if bought > _EPS_MUSD or unsettled > _EPS_MUSD:
                out.append(SanctionCase(a, b, bought, unsettled))
    return tuple(out)


def _entitlements(parties_: Mapping[str, Party], agreement: Agreement,
                  notes: list[str]) -> dict[str, float]:
    """Each party's entitlement, per cent: the weighted mean of its measure shares."""
    shares, weights = {}, {}
    for measure, weight in agreement.entitlement.items():
        if weight <= 0:
            continue
        if measure == "seats":
            amounts = {p: float(x.seats) for p, x in parties_.items()}
        elif measure == "surface_days":
            amounts = {p: float(x.surface_days) for p, x in parties_.items()}
        else:
            given = agreement.benefits.get(measure, {})
            amounts = {p: float(given.get(p, 0.0)) for p in parties_}
        total = math.fsum(amounts.values())
        if total <= 0:
            notes.append(f"entitlement measure {measure} is 0 for every partner in this plan: "
                         "left out")
            continue
        shares[measure] = {p: a / total for p, a in amounts.items()}
        weights[measure] = weight
    if not weights:
        raise InputError(f"agreement.entitlement: every weighted measure "
                         f"({', '.join(agreement.entitlement) or 'none'}) is 0 for every "
                         "partner of this plan; weight seats, or give benefits")
    w_total = math.fsum(weights.values())
    return {p: 100.0 * math.fsum(weights[m] * shares[m][p] for m in weights) / w_total
            for p in parties_}


def _settle(balance: Mapping[str, float], agreement: Agreement) -> tuple[list[CashFlow], float]:
    """Settlement cash: debtors pay creditors as far as the rules allow.

    Returns the flows and the debt left unpaid. Without a blocked pair any
    order settles everything (largest first, for few flows); with blocked
    pairs the most that can move is a maximum flow, found as a linear program.
    """
    cash = [p for p in balance if p not in agreement.in_kind]
    debtors = sorted((p for p in cash if balance[p] < -_EPS_MUSD), key=lambda p: balance[p])
    creditors = sorted((p for p in cash if balance[p] > _EPS_MUSD), key=lambda p: -balance[p])
    owe = {p: -balance[p] for p in debtors}
    due = {p: balance[p] for p in creditors}
    edges = [(d, c) for d in debtors for c in creditors if not agreement.blocked(d, c)]
    flows: dict[tuple[str, str], float] = {}
    if len(edges) == len(debtors) * len(creditors):
        for d in debtors:
            for c in creditors:
                amount = min(owe[d], due[c])
                if amount > _EPS_MUSD:
                    flows[(d, c)] = amount
                    owe[d] -= amount
                    due[c] -= amount
    elif edges:
        import numpy as np
        from scipy.optimize import linprog

        a_ub = np.zeros((len(debtors) + len(creditors), len(edges)))
        for k, (d, c) in enumerate(edges):
            a_ub[debtors.index(d), k] = 1.0
            a_ub[len(debtors) + creditors.index(c), k] = 1.0
        b_ub = [owe[d] for d in debtors] + [due[c] for c in creditors]
        res = linprog(-np.ones(len(edges)), A_ub=a_ub, b_ub=b_ub, bounds=(0, None),
                      method="highs")
        for (d, c), amount in zip(edges, res.x if res.status == 0 else (), strict=False):
            if amount > _EPS_MUSD:
                flows[(d, c)] = float(amount)
    out = [CashFlow(d, c, amount, "balance") for (d, c), amount in flows.items()]
    paid = math.fsum(f.musd for f in out)
    return out, max(0.0, math.fsum(-balance[p] for p in debtors) - paid)


def _violations(items, parties_, agreement: Agreement) -> list[str]:
    """Items provided against ``cannot_provide``; ``must_provide`` rules no item meets."""
    out = []
    for it in items:
        if not agreement.may_provide(it.provider, it):
            out.append(f"{it.provider} provides {it.item} ({it.element_kind or it.kind}), "
                       f"which agreement.cannot_provide forbids it")
    for partner, rules in agreement.must_provide.items():
        for rule in rules:
            if not any(it.provider == partner and rule in (it.kind, it.item, it.element_kind)
                       for it in items):
                out.append(f"{partner} provides no {rule}, which agreement.must_provide "
                           "requires")
    return out


#: Words by which a catalog source says where a price comes from.
PRICE_WORDS = re.compile(r"price|cost|\$|EUR|USD", re.IGNORECASE)


def plan_ledger(scenario, catalog, rows, *, surface_days: float = 0.0) -> Ledger:
    """The ledger of a sized plan: its rows (items, adapters, launches) under the
    scenario's ``[agreement]``; ``surface_days`` per crew member (0 in orbit).

    Elements the catalog prices at 0 without saying why in their source (the
    DRA 5.0 elements: NASA published masses, not prices) are named in a note:
    the ledger values them at 0.
    """
    agreement = scenario.agreement.value()
    items = items_from_rows(rows, catalog)
    book = ledger(items, parties(scenario, catalog, surface_days=surface_days,
                                 extra=agreement.funders.values()), agreement)
    elements = getattr(catalog, "elements", None) or {}
    unpriced = [i.item for i in items if i.kind == "element" and i.value_musd == 0.0
                and i.item in elements and not PRICE_WORDS.search(elements[i.item].source)]
    if unpriced:
        book = replace(book, notes=(*book.notes, (
            f"no catalog price for {', '.join(dict.fromkeys(unpriced))}: valued at 0 M$, so "
            "the contributions and balances leave them out")))
    return book
