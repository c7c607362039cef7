"""The partner ledger: funders, cash flows, entitlements, balances, settlement, sanctions.

Invariants (hypothesis, random items, partners and agreements): the
contributions add up to the total value of the items, the balances to zero,
cash never flows between a ``no_funds`` pair nor settles to or from an
``in_kind`` partner, and with cash settlement and no blocked pair every balance
is 0. Tolerances: 1e-6 of the total (float sums of at most a few hundred
terms of up to 1e5 M$ lose ~1e-11 relative; 1e-6 leaves room, and a
modelling error would be of the order of a whole item).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from marsplan.errors import InputError
from marsplan.joint.agreement import (
    Agreement,
    CashFlow,
    Item,
    Party,
    funder_of,
    ledger,
)

NASA = Party("nasa", "agency", "United States", seats=2)
ROSCOSMOS = Party("roscosmos", "agency", "Russia", seats=2)
SPACEX = Party("spacex", "company", "United States")
US_RUSSIA = {p.partner: p for p in (NASA, ROSCOSMOS, SPACEX)}
ITEMS = (Item("element", "starship_crew", "spacex", 200.0, "transit_vehicle"),
         Item("element", "crew_dragon", "spacex", 150.0, "crew_vehicle"),
         Item("element", "soyuz_ms", "roscosmos", 100.0, "crew_vehicle"),
         Item("launch", "super_heavy", "spacex", 1000.0),
         Item("launch", "soyuz_2", "roscosmos", 100.0))


def test_an_agency_buys_its_countrys_company_and_balances_cancel():
    book = ledger(ITEMS, US_RUSSIA)
    assert book.total_musd == pytest.approx(1550.0, abs=1e-9)
    nasa, ros, spacex = (book.row(p) for p in ("nasa", "roscosmos", "spacex"))
    # NASA buys SpaceX's ship, Dragon and launches: 1,350 M$ in cash, nothing in kind.
    assert {(f.from_, f.to, f.for_): f.musd for f in book.cash_flows} == {
        ("nasa", "spacex", "starship_crew"): 200.0, ("nasa", "spacex", "crew_dragon"): 150.0,
        ("nasa", "spacex", "super_heavy"): 1000.0}
    assert (nasa.provides_musd, nasa.pays_musd, nasa.contribution_musd) == (0.0, 1350.0, 1350.0)
    assert spacex.contribution_musd == 0.0 and spacex.receives_musd == 1350.0
    assert ros.contribution_musd == 200.0
    # Two seats of four each: 50 % of 1,550 = 775 M$ each.
    assert nasa.entitlement_pct == ros.entitlement_pct == 50.0
    assert nasa.balance_musd == pytest.approx(575.0) and ros.balance_musd == pytest.approx(-575.0)
    assert spacex.balance_musd == 0.0
    assert not book.balanced and book.unsettled_musd == 0.0
    assert any("nasa buys what spacex provides" in n for n in book.notes)


def test_cash_settlement_pays_the_balance_and_respects_no_funds():
    cash = ledger(ITEMS, US_RUSSIA, Agreement(settle="cash"))
    assert CashFlow("roscosmos", "nasa", pytest.approx(575.0), "balance") in cash.cash_flows
    assert all(abs(r.balance_musd) < 1e-9 for r in cash.partners) and cash.balanced
    sanctioned = ledger(ITEMS, US_RUSSIA,
                        Agreement(settle="cash", no_funds=(("nasa", "roscosmos"),)))
    assert sanctioned.flows_between("nasa", "roscosmos") == ()
    assert sanctioned.unsettled_musd == pytest.approx(575.0)
    assert sanctioned.row("roscosmos").balance_musd == pytest.approx(-575.0)


def test_the_sanctions_case_says_what_no_funds_would_leave_unsettled():
    book = ledger(ITEMS, US_RUSSIA)
    (case,) = book.sanctions
    assert (case.a, case.b) == ("nasa", "roscosmos")
    assert case.purchases_musd == 0.0 and case.unsettled_musd == pytest.approx(575.0)
    # Under no_funds already: no case left to show; a purchase across the pair shows.
    assert ledger(ITEMS, US_RUSSIA, Agreement(no_funds=(("nasa", "roscosmos"),))).sanctions == ()
    bought = ledger(ITEMS, US_RUSSIA, Agreement(funders={"soyuz_ms": "nasa"}))
    assert bought.sanctions[0].purchases_musd == pytest.approx(100.0)


def test_settlement_routes_around_a_blocked_pair():
    # roscosmos owes, esa and nasa are owed; roscosmos may pay esa but not nasa:
    # the most it can pay is esa's due (max flow), not a greedy choice.
    parties = {"nasa": Party("nasa", "agency", "US", 1), "esa": Party("esa", "agency", "EU", 1),
               "roscosmos": Party("roscosmos", "agency", "RU", 1),
               "jaxa": Party("jaxa", "agency", "JP", 1)}
    items = (Item("element", "a", "nasa", 400.0), Item("element", "b", "esa", 300.0),
             Item("element", "c", "jaxa", 100.0), Item("element", "d", "roscosmos", 0.0))
    book = ledger(items, parties, Agreement(settle="cash", no_funds=(("nasa", "roscosmos"),)))
    # Each is entitled to 200: nasa +200, esa +100, jaxa -100, roscosmos -200.
    assert book.flows_between("nasa", "roscosmos") == ()
    paid = {(f.from_, f.to): f.musd for f in book.cash_flows}
    assert paid[("roscosmos", "esa")] == pytest.approx(100.0)
    assert paid[("jaxa", "nasa")] == pytest.approx(100.0)
    assert book.row("nasa").balance_musd == pytest.approx(100.0)
    assert book.row("roscosmos").balance_musd == pytest.approx(-100.0)
    assert book.unsettled_musd == pytest.approx(100.0)


def test_funders_by_item_then_provider_then_default():
    a = Agreement(funders={"crew_dragon": "roscosmos", "spacex": "nasa"})
    assert funder_of(ITEMS[1], US_RUSSIA, a)[0] == "roscosmos"
    assert funder_of(ITEMS[0], US_RUSSIA, a)[0] == "nasa"
    assert funder_of(ITEMS[2], US_RUSSIA, Agreement())[0] == "roscosmos"
    book = ledger(ITEMS, US_RUSSIA, a)
    assert ("roscosmos", "spacex", "crew_dragon") in {(f.from_, f.to, f.for_)
                                                      for f in book.cash_flows}


def test_a_company_without_an_agency_of_its_country_is_named():
    parties = {"esa": Party("esa", "agency", "Europe", 4), "spacex": SPACEX}
    with pytest.raises(InputError, match=r"agreement\.funders: nobody funds spacex's "
                                         r"super_heavy .*no agency of United States"):
        ledger([Item("launch", "super_heavy", "spacex", 100.0)], parties)


def test_a_purchase_across_a_no_funds_pair_is_refused():
    with pytest.raises(InputError, match="agreement.no_funds: nasa funds roscosmos's soyuz_ms"):
        ledger(ITEMS, US_RUSSIA, Agreement(funders={"soyuz_ms": "nasa"},
                                           no_funds=(("nasa", "roscosmos"),)))


@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf, "12", True])
def test_bad_prices_name_the_item(value):
    with pytest.raises(InputError, match=r"items\[0\]\.value_musd: x of nasa"):
        ledger([Item("element", "x", "nasa", value)], {"nasa": NASA})


def test_entitlement_weights_and_benefits():
    parties = {"nasa": Party("nasa", "agency", "US", 3, surface_days=0.0),
               "esa": Party("esa", "agency", "EU", 1, surface_days=0.0)}
    items = [Item("element", "x", "nasa", 1000.0)]
    a = Agreement(entitlement={"seats": 1.0, "science": 1.0},
                  benefits={"science": {"esa": 3.0, "nasa": 1.0}})
    book = ledger(items, parties, a)
    # seats 75/25, science 25/75: equal weights give 50/50.
    assert book.row("esa").entitlement_pct == pytest.approx(50.0)
    # surface_days is 0 for everyone (no landing): left out, with a note.
    book = ledger(items, parties, Agreement(entitlement={"seats": 1.0, "surface_days": 2.0}))
    assert book.row("nasa").entitlement_pct == pytest.approx(75.0)
    assert any("surface_days is 0" in n for n in book.notes)
    with pytest.raises(InputError, match="agreement.entitlement: every weighted measure"):
        ledger(items, parties, Agreement(entitlement={"surface_days": 1.0}))


def test_cannot_and_must_provide_are_reported():
    a = Agreement(cannot_provide={"roscosmos": ("crew_vehicle",)},
                  must_provide={"roscosmos": ("transit_vehicle",)})
    book = ledger(ITEMS, US_RUSSIA, a)
    assert any("roscosmos provides soyuz_ms (crew_vehicle)" in v for v in book.violations)
    assert any("roscosmos provides no transit_vehicle" in v for v in book.violations)
    assert not a.may_provide("roscosmos", ITEMS[2]) and a.may_provide("nasa", ITEMS[2])


def test_in_kind_partners_take_no_settlement_cash():
    book = ledger(ITEMS, US_RUSSIA, Agreement(settle="cash", in_kind=frozenset({"roscosmos"})))
    assert not [f for f in book.cash_flows if f.for_ == "balance"]
    assert book.row("roscosmos").settles == "in_kind"


# --------------------------------------------------------------------------- invariants

NAMES = ("a", "b", "c", "d", "e")


@st.composite
def books(draw):
    n = draw(st.integers(2, 5))
    kinds = draw(st.lists(st.sampled_from(["agency", "company"]), min_size=n, max_size=n))
    kinds[0] = "agency"
    countries = draw(st.lists(st.sampled_from(["X", "Y"]), min_size=n, max_size=n))
    countries[0] = "X"
    # every company of country Y needs an agency of Y, else a funder of its own
    parties = {NAMES[i]: Party(NAMES[i], kinds[i], countries[i],
                               seats=draw(st.integers(0, 4)),
                               surface_days=draw(st.floats(0, 1e3)))
               for i in range(n)}
    agencies = [p for p in parties.values() if p.kind == "agency"]
    funders = {}
    for p in parties.values():
        same = [x for x in agencies if x.country == p.country]
        if p.kind == "company" and len(same) != 1:
            funders[p.partner] = draw(st.sampled_from([x.partner for x in agencies]))
    values = st.floats(0, 1e5, allow_nan=False, allow_infinity=False)
    items = draw(st.lists(st.builds(Item, st.sampled_from(["element", "launch", "tanker"]),
                                    st.sampled_from(["i1", "i2", "i3"]),
                                    st.sampled_from(list(parties)), values), max_size=30))
    pairs = draw(st.lists(st.tuples(st.sampled_from(list(parties)),
                                    st.sampled_from(list(parties))), max_size=3))
    pairs = tuple(sorted({tuple(sorted(p)) for p in pairs if p[0] != p[1]}))
    # a purchase must not cross a blocked pair: such draws test the error instead
    agreement = Agreement(funders=funders, no_funds=pairs,
                          settle=draw(st.sampled_from(["none", "cash", "barter"])),
                          in_kind=frozenset(draw(st.lists(st.sampled_from(list(parties)),
                                                          max_size=2))),
                          entitlement={"seats": draw(st.floats(0.1, 5)),
                                       "surface_days": draw(st.floats(0, 5))})
    return items, parties, agreement


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
@example((list(ITEMS), US_RUSSIA, Agreement(settle="cash", no_funds=(("nasa", "roscosmos"),))))
def test_contributions_add_up_and_balances_cancel(case):
    items, parties, agreement = case
    if sum(p.seats for p in parties.values()) == 0:
        parties = {**parties, "a": Party("a", "agency", "X", seats=1)}
    try:
        book = ledger(items, parties, agreement)
    except InputError as error:
        assert "agreement.no_funds" in str(error)  # a purchase across a blocked pair
        return
    scale = max(1.0, book.total_musd)
    assert math.fsum(i.value_musd for i in items) == pytest.approx(book.total_musd, abs=1e-9)
    assert math.fsum(r.contribution_musd for r in book.partners) == pytest.approx(
        book.total_musd, abs=1e-6 * scale)
    assert abs(math.fsum(r.balance_musd for r in book.partners)) <= 1e-6 * scale
    assert math.fsum(r.entitlement_pct for r in book.partners) == pytest.approx(100.0, abs=1e-9)
    assert math.fsum(r.pays_musd for r in book.partners) == pytest.approx(
        math.fsum(r.receives_musd for r in book.partners), abs=1e-6 * scale)
    for f in book.cash_flows:
        assert f.musd > 0 and not agreement.blocked(f.from_, f.to)
        if f.for_ == "balance":
            assert agreement.settle == "cash"
            assert f.from_ not in agreement.in_kind and f.to not in agreement.in_kind
    if agreement.settle == "cash":
        cash = [r for r in book.partners if r.settles == "cash"]
        left = math.fsum(-r.balance_musd for r in cash if r.balance_musd < 0)
        assert left == pytest.approx(book.unsettled_musd, abs=1e-6 * scale)
        if not agreement.no_funds and not agreement.in_kind:
            assert book.unsettled_musd <= 1e-6 * scale
