"""marsplan.joint.allocate: the allocation optimiser against hand sums, a brute-force
enumeration of every assignment, and the ledger's invariants.

The references are independent of the program's matrices: every candidate
allocation of the brute force is priced and balanced by
:func:`marsplan.joint.agreement.ledger` (which knows nothing of the MILP), and
the hand cases are summed in the comments.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from marsplan.errors import AllocationError, MarsplanError
from marsplan.joint.agreement import Agreement, Item, Party, ledger
from marsplan.joint.allocate import Need, Option, Part, Problem, allocate

PARTIES = {"nasa": Party("nasa", "agency", "United States", seats=2),
           "roscosmos": Party("roscosmos", "agency", "Russia", seats=2),
           "spacex": Party("spacex", "company", "United States")}
# Who pays for what each provider brings (the ledger's default rule: an agency
# funds itself, SpaceX is bought by NASA, the agency of its country).
FUNDER = {"nasa": "nasa", "roscosmos": "roscosmos", "spacex": "nasa", "esa": "esa"}
SANCTIONS = Agreement(no_funds=(("nasa", "roscosmos"),), settle="barter")


def opt(provider, label, capacity, per_unit, once=0.0, kind="tanker", item=None,
        element_kind=None, current=False):
    item = item or label.lower().replace(" ", "_")
    return Option(provider, label, capacity,
                  (Part(kind, item, FUNDER[provider], per_unit, once, element_kind),),
                  current=current)


def crew_opt(provider, element, seats, per_unit, once, vehicle, price, current=False):
    f = FUNDER[provider]
    return Option(provider, f"{element} flight", seats,
                  (Part("element", element, f, per_unit, once, "crew_vehicle"),
                   Part("launch", vehicle, f, price)), vehicle=vehicle, element=element,
                  current=current)


# The US-Russia example in catalog prices (M$): a Starship (200) on Super Heavy
# (100) is fixed; 4 seats by Crew Dragon (150 a flight + Falcon 9 69.75 a
# flight, 4 seats) or Soyuz MS (150 + Soyuz-2.1a 50 a flight, 3 seats); 902.5 t
# of propellant by Starship tankers (110 t, 100 M$) or Angara-A5 (25 t, 100 M$).
FIXED = (Item("element", "starship_crew", "spacex", 200.0, "transit_vehicle"),
         Item("launch", "super_heavy", "spacex", 100.0))
CREW = Need("crew_access", "seats", 4.0, (
    crew_opt("spacex", "crew_dragon", 4, 150.0, 0.0, "falcon9", 69.75, current=True),
    crew_opt("roscosmos", "soyuz_ms", 3, 150.0, 0.0, "soyuz_2_1a", 50.0, current=True)))
PROPELLANT = Need("propellant", "t", 902.5, (
    opt("spacex", "Starship tanker flight", 110.0, 100.0, item="super_heavy", current=True),
    opt("roscosmos", "Angara-A5 propellant flight", 25.0, 100.0, item="angara_a5")))
US_RUSSIA = Problem(FIXED, ("nasa", "nasa"), (CREW, PROPELLANT), ("nasa", "roscosmos", "spacex"),
                    {"nasa": 2, "roscosmos": 2}, {"nasa": 50.0, "roscosmos": 50.0, "spacex": 0.0},
                    replace(SANCTIONS, balance_tolerance_pct=0.0),
                    offers={"roscosmos": PROPELLANT.options[1:]})


def parties_of(problem):
    """The ledger's parties, with the problem's crew seats."""
    return {p: replace(x, seats=problem.seats.get(p, 0)) for p, x in PARTIES.items()}


def check_ledger(problem, allocation):
    """The allocation's ledger: balanced, summing to zero, its total the allocation's."""
    book = ledger(allocation.items, parties_of(problem), problem.agreement)
    assert book.total_musd == pytest.approx(allocation.cost_musd, abs=1e-9)
    # Balances cancel: contributions add up to the total, entitlements to 100 %.
    assert math.fsum(r.balance_musd for r in book.partners) == pytest.approx(0.0, abs=1e-6)
    if problem.balance:
        for r in book.partners:
            assert abs(r.balance_musd) <= book.tolerance_musd + 1e-6, r
            assert r.balance_musd == pytest.approx(allocation.balance_musd[r.partner], abs=1e-6)
    for a, b in problem.agreement.no_funds:
        assert book.flows_between(a, b) == ()
    assert book.violations == ()
    return book


def test_us_russia_barter_by_hand():
    # Tolerance 0: NASA funds SpaceX's Starship, launch and tankers; Roscosmos
    # must provide half of the total in kind. Two Soyuz flights (2 x 200 = 400)
    # seat all four; 6 Angara flights bring 150 t (600 M$), 7 tankers the other
    # 752.5 t (770 t, 700 M$). Total 300 + 400 + 600 + 700 = 2,000 M$; Roscosmos
    # 1,000 = NASA 300 + 700 = half each: balances 0.
    a = allocate(US_RUSSIA)
    assert a.cost_musd == pytest.approx(2000.0)
    units = {c.option.label: c.units for c in a.choices}
    assert units == {"soyuz_ms flight": 2, "Starship tanker flight": 7,
                     "Angara-A5 propellant flight": 6}
    book = check_ledger(US_RUSSIA, a)
    assert book.row("roscosmos").provides_musd == pytest.approx(1000.0)
    assert book.row("nasa").pays_musd == pytest.approx(1000.0)
    # The brute force over every assignment finds the same optimum.
    assert brute_force(US_RUSSIA) == pytest.approx(2000.0)


def test_without_balancing_the_cheapest_flies():
    # With the balance off (settle "none", no sanction) the one Dragon flight
    # (150 + 69.75) and 9 tankers (900) are cheapest: 300 + 219.75 + 900.
    a = allocate(replace(US_RUSSIA, balance=False))
    assert a.cost_musd == pytest.approx(1419.75)
    assert {c.option.label: c.units for c in a.choices} == {"crew_dragon flight": 1,
                                                            "Starship tanker flight": 9}


def test_shortfall_names_partner_amount_and_remedy():
    # Roscosmos may provide no tanker: only NASA-funded flights remain. The
    # cheapest least-slack plan seats everyone on Soyuz (2 x 200 = 400, all
    # Roscosmos) with 9 tankers (900): total 1,600, entitlement 800 each;
    # Roscosmos short by 400 (tolerance 0). Each extra Angara flight it could
    # fly would add 100 x (1 - 0.5) = 50 net, so up to 8 close it.
    problem = replace(US_RUSSIA, agreement=replace(
        US_RUSSIA.agreement, cannot_provide={"roscosmos": ("tanker",)}),
        offers={"roscosmos": (opt("roscosmos", "Angara-A5 propellant flight", 25.0, 100.0,
                                  kind="launch", item="angara_a5"),)})
    with pytest.raises(AllocationError) as err:
        allocate(problem)
    e = err.value
    assert isinstance(e, MarsplanError)
    assert (e.partner, e.seats, e.crew_total, e.creditor) == ("roscosmos", 2, 4, "nasa")
    assert e.short_musd == pytest.approx(400.0)
    assert str(e) == ("roscosmos is 400 M$ short of in-kind value for 2 of 4 seats (tolerance "
                      "0 % of the cheapest plan, 1,420 M$); up to 8 Angara-A5 propellant "
                      "flights would close it, or a 400 M$ payment to nasa, but "
                      "agreement.no_funds forbids it")
    assert "\n" not in str(e)


def test_offer_forbidden_by_a_rule_is_not_named():
    problem = replace(US_RUSSIA, agreement=replace(
        US_RUSSIA.agreement, cannot_provide={"roscosmos": ("tanker",)}))
    with pytest.raises(AllocationError) as err:
        allocate(problem)
    assert "Angara" not in str(err.value) and err.value.partner == "roscosmos"


def test_must_and_cannot_are_obeyed():
    must = replace(US_RUSSIA, agreement=replace(
        US_RUSSIA.agreement, balance_tolerance_pct=50.0, must_provide={"spacex": ("crew_vehicle",)},
        cannot_provide={"roscosmos": ("soyuz_ms",)}))
    a = allocate(must)
    labels = {c.option.label for c in a.choices}
    assert "crew_dragon flight" in labels and "soyuz_ms flight" not in labels
    check_ledger(must, a)


def test_must_with_no_option_is_a_rule_error():
    problem = replace(US_RUSSIA, agreement=replace(
        US_RUSSIA.agreement, must_provide={"nasa": ("lander",)}))
    with pytest.raises(AllocationError, match=r"must_provide\.nasa: nasa must provide lander"):
        allocate(problem)


def test_a_need_nobody_may_meet():
    problem = replace(US_RUSSIA, agreement=replace(
        US_RUSSIA.agreement, cannot_provide={"spacex": ("tanker",), "roscosmos": ("tanker",)}))
    with pytest.raises(AllocationError, match="no partner may provide the propellant"):
        allocate(problem)


def test_fixed_item_against_cannot_rule():
    problem = replace(US_RUSSIA, agreement=replace(
        US_RUSSIA.agreement, cannot_provide={"spacex": ("transit_vehicle",)}))
    with pytest.raises(AllocationError, match="spacex provides starship_crew"):
        allocate(problem)


def test_cash_settlement_avoids_the_sanctioned_pair():
    # ESA joins with a seat and settles in cash; NASA and Roscosmos may not trade
    # cash. NASA funds every SpaceX item, so it is in credit; ESA (20 %) pays
    # NASA; Roscosmos cannot, so it must bring hardware. The ledger, settling
    # by its own rule (debtors pay creditors), must find the plan balanced.
    parties = {**PARTIES, "esa": Party("esa", "agency", "Europe", seats=1)}
    agreement = Agreement(no_funds=(("nasa", "roscosmos"),), settle="cash",
                          balance_tolerance_pct=1.0)
    problem = replace(US_RUSSIA, partners=("nasa", "roscosmos", "spacex", "esa"),
                      seats={"nasa": 2, "roscosmos": 2, "esa": 1},
                      entitlement_pct={"nasa": 40.0, "roscosmos": 40.0, "esa": 20.0,
                                       "spacex": 0.0},
                      agreement=agreement, agencies=frozenset({"nasa", "roscosmos", "esa"}))
    a = allocate(problem)
    assert a.settlement and all({f, t} != {"nasa", "roscosmos"} for f, t, _ in a.settlement)
    payers = {f for f, _, _ in a.settlement}
    assert payers.isdisjoint(t for _, t, _ in a.settlement)  # no cash routed through
    assert "spacex" not in payers | {t for _, t, _ in a.settlement}  # agencies only
    for p, b in a.balance_musd.items():
        assert abs(b) <= a.tolerance_musd + 1e-6, p
    book = ledger(a.items, parties, agreement)
    assert book.balanced and book.flows_between("nasa", "roscosmos") == ()
    assert math.fsum(r.balance_musd for r in book.partners) == pytest.approx(0.0, abs=1e-6)
    assert book.row("roscosmos").provides_musd > 0.0
    # Without the sanction, cash alone balances the cheapest plan (1,419.75 M$).
    free = allocate(replace(problem, agreement=replace(agreement, no_funds=())))
    assert free.cost_musd == pytest.approx(1419.75)
    assert a.cost_musd >= free.cost_musd


# --------------------------------------------------------------------------- brute force


def brute_force(problem: Problem) -> float | None:
    """Least cost over every assignment of units (0..ceil(need / capacity)) that
    meets each need with no surplus unit and the rules, priced and balanced by
    the ledger, every balance within the agreement's per cent of the cheapest
    such assignment; None when none does."""
    a = problem.agreement
    options = [(need, o) for need in problem.needs for o in need.options
               if not any(r in (p.kind, p.item, p.element_kind)
                          for p in o.parts for r in a.cannot_provide.get(o.provider, ()))]
    ranges = [range(math.ceil(need.amount / o.capacity - 1e-9) + 1) for need, o in options]
    found = []  # (total, balances) of every assignment meeting the needs and rules
    for units in itertools.product(*ranges):
        delivered = {id(need): math.fsum(n * o.capacity for (nd, o), n in zip(options, units)
                                         if nd is need) for need in problem.needs}
        if any(delivered[id(need)] < need.amount - 1e-9 for need in problem.needs):
            continue
        # No surplus unit: one unit less of any option used leaves its need unmet.
        if any(n and delivered[id(nd)] - o.capacity >= nd.amount - 1e-9
               for (nd, o), n in zip(options, units)):
            continue
        items = list(problem.fixed)
        for (_, o), n in zip(options, units):
            if n:
                items += [Item(p.kind, p.item, o.provider, n * p.per_unit_musd + p.once_musd,
                               p.element_kind) for p in o.parts]
        book = ledger(items, parties_of(problem), a)
        if not book.violations:
            found.append((book.total_musd, [r.balance_musd for r in book.partners]))
    if not found:
        return None
    # Balances held within the agreement's per cent of the cheapest assignment's cost.
    tol = a.balance_tolerance_pct / 100.0 * min(total for total, _ in found)
    ok = [total for total, balances in found
          if not problem.balance or all(abs(b) <= tol + 1e-6 for b in balances)]
    return min(ok) if ok else None


@st.composite
def problems(draw):
    """Small instances: 1-2 needs of 1-3 options among NASA, Roscosmos and SpaceX."""
    needs = []
    for k in range(draw(st.integers(1, 2))):
        options = []
        for j in range(draw(st.integers(1, 3))):
            provider = draw(st.sampled_from(["nasa", "roscosmos", "spacex"]))
            options.append(opt(provider, f"option {k}{j}", draw(st.integers(1, 5)),
                               draw(st.integers(1, 30)) * 10.0,
                               draw(st.sampled_from([0.0, 0.0, 50.0])),
                               kind=draw(st.sampled_from(["tanker", "launch"])),
                               item=f"v{k}{j}"))
        needs.append(Need(f"need{k}", "t", float(draw(st.integers(1, 8))), tuple(options)))
    fixed_value = draw(st.sampled_from([0.0, 100.0, 300.0]))
    fixed = (Item("element", "ship", "spacex", fixed_value, "transit_vehicle"),)
    seats = {"nasa": draw(st.integers(0, 3)), "roscosmos": draw(st.integers(1, 3))}
    total = sum(seats.values())
    cannot = draw(st.sampled_from([{}, {"roscosmos": ("launch",)}, {"spacex": ("tanker",)}]))
    must = draw(st.sampled_from([{}, {"nasa": ("tanker",)}]))
    agreement = Agreement(no_funds=(("nasa", "roscosmos"),), settle="barter",
                          balance_tolerance_pct=draw(st.sampled_from([0.0, 5.0, 20.0])),
                          cannot_provide=cannot, must_provide=must)
    return Problem(fixed, ("nasa",), tuple(needs), ("nasa", "roscosmos", "spacex"), seats,
                   {"nasa": 100.0 * seats["nasa"] / total,
                    "roscosmos": 100.0 * seats["roscosmos"] / total, "spacex": 0.0},
                   agreement, balance=draw(st.booleans()))


# Found by hypothesis: paying an option's once-only price without flying it
# "balanced" NASA (fixed by y_o <= n_o); a once-only price that decides the optimum.
YES_NO = Problem(
    (Item("element", "ship", "spacex", 0.0, "transit_vehicle"),), ("nasa",),
    (Need("need0", "t", 1.0, (opt("nasa", "option 00", 1, 10.0),)),
     Need("need1", "t", 1.0, (opt("nasa", "option 10", 1, 10.0, 50.0),
                              opt("roscosmos", "option 11", 1, 10.0, 50.0)))),
    ("nasa", "roscosmos", "spacex"), {"nasa": 1, "roscosmos": 1},
    {"nasa": 50.0, "roscosmos": 50.0, "spacex": 0.0}, replace(SANCTIONS, balance_tolerance_pct=0.0))


@example(YES_NO)
@example(replace(US_RUSSIA, needs=(CREW,), agreement=replace(SANCTIONS,
                                                              balance_tolerance_pct=20.0)))
@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_optimum_matches_brute_force(problem):
    expected = brute_force(problem)
    try:
        a = allocate(problem)
    except AllocationError:
        assert expected is None
        return
    assert expected is not None
    assert a.cost_musd == pytest.approx(expected, abs=1e-6)
    check_ledger(problem, a)


# --------------------------------------------------------------------------- in a plan

# The US-Russia example at the dates its plan's search finds (departure
# asymptote held within the 51.6 deg its launch sites reach), so no search runs.
DATES = """
[mission.dates]
earth_departure = "2033-04-21T02:03:37"
mars_arrival = "2033-11-03T18:54:53"
mars_departure = "2035-05-08T01:36:38"
earth_arrival = "2035-11-22T04:12:57"
"""


def us_russia_file(tmp_path, agreement: str):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "examples" / "us_russia_2033.toml").read_text()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("opportunity"))
    path = tmp_path / "us_russia.toml"
    path.write_text(text + DATES + "\n[agreement]\n" + agreement + "\n")
    return path


def us_russia_plan(tmp_path, agreement: str):
    from marsplan import load_scenario
    from marsplan.joint.plan import plan

    scenario, catalog = load_scenario(us_russia_file(tmp_path, agreement))
    return plan(scenario, catalog), catalog


def test_plan_no_funds_balances_by_barter(tmp_path):
    p, catalog = us_russia_plan(tmp_path, 'no_funds = [["nasa", "roscosmos"]]\n'
                                          'settle = "barter"')
    a, book, s = p.allocation, p.ledger, p.sizing
    assert a is not None and book.balanced
    assert book.flows_between("nasa", "roscosmos") == ()
    assert any(f.from_ == "nasa" and f.to == "spacex" for f in book.cash_flows)
    # One total: the re-sized plan, the ledger and the optimiser agree.
    assert s.cost_musd == pytest.approx(book.total_musd) == pytest.approx(a.cost_musd)
    assert math.fsum(r.balance_musd for r in book.partners) == pytest.approx(0.0, abs=1e-6)
    # The needs are met: every crew member has a seat, the propellant is delivered.
    crew_rows = [r for r in s.launch_rows if r.purpose == "crew_access"]
    assert sum(r.crew for r in crew_rows) == p.scenario.crew_size
    for r in crew_rows:
        assert r.crew <= catalog.elements[r.element].crew_capacity * r.launches
    need_t = math.fsum(r.propellant_t for r in s.items if r.kind == "propellant")
    tankers = [r for r in s.launch_rows if r.purpose == "tanker"]
    assert math.fsum(r.mass_t for r in tankers) == pytest.approx(need_t)
    for r in tankers:
        assert r.mass_t <= r.propellant_per_flight_t * r.launches + 1e-9
        assert r.propellant_per_flight_t <= r.payload_capacity_t + 1e-9
    assert s.tanker_flights == sum(r.launches for r in tankers)
    assert sum(s.launches.values()) == sum(r.launches for r in s.launch_rows)
    # Barter costs more than the scenario's own (unbalanced) choices, never less; the
    # baseline is the plan of the scenario as written (1,619.75 M$ at these dates).
    own, _ = us_russia_plan(tmp_path, "")
    assert a.baseline_cost_musd == pytest.approx(own.sizing.cost_musd)
    assert a.cost_musd >= a.baseline_cost_musd - 1e-9
    assert book.row("roscosmos").provides_musd > 200.0  # more than its one Soyuz
    assert s.notes[-1].startswith("providers chosen by the allocation optimiser")
    # The plan describes what flies: its scenario's crew vehicles are the chosen ones,
    # their interfaces checked, their seats counted.
    chosen = sorted((c.option.element, c.option.provider, c.units) for c in a.choices
                    if c.need == "crew_access")
    assert sorted((u.id, u.provider, u.count) for u in p.scenario.elements
                  if u.role == "crew_access") == chosen
    assert {x.a for x in p.interfaces.checks} == {e for e, _, _ in chosen}
    seats = {r.partner: r.seats_provided for r in p.contributions}
    assert sum(seats.values()) >= p.scenario.crew_size
    assert f"{a.cost_musd:,.2f} M$" in s.notes[-1]


def test_plan_without_agreement_keeps_the_scenario(tmp_path):
    p, _ = us_russia_plan(tmp_path, "")
    assert p.allocation is None
    assert {r.vehicle for r in p.sizing.launch_rows} == {"super_heavy", "falcon9", "soyuz_2_1a"}


def test_plan_shortfall_is_one_line_on_the_cli(tmp_path):
    from typer.testing import CliRunner

    from marsplan.cli import app

    # Roscosmos may provide neither tankers nor crew vehicles: it can bring nothing.
    # The least-slack plan is the cheapest: one Dragon flight (219.75 M$) and the
    # 902.5 t of propellant on 8 Starship tankers (880 t, 800 M$) and one Falcon
    # Heavy (52 t, 97 M$), 3 M$ less than a 9th tanker: 300 + 219.75 + 897 =
    # 1,416.75 M$. Roscosmos is short by (50 % - 5 %) of it, 637.5 M$.
    path = us_russia_file(tmp_path, 'no_funds = [["nasa", "roscosmos"]]\nsettle = "barter"\n'
                                    'cannot_provide = {roscosmos = ["tanker", "crew_vehicle"]}')
    result = CliRunner().invoke(app, ["plan", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == ["marsplan: roscosmos is 638 M$ short of in-kind value for 2 of 4 seats "
                     "(tolerance 5 % of the cheapest plan, 1,417 M$); a 638 M$ payment to "
                     "nasa would close it, but agreement.no_funds forbids it"]
    with pytest.raises(AllocationError) as err:
        us_russia_plan(tmp_path, 'no_funds = [["nasa", "roscosmos"]]\nsettle = "barter"\n'
                                 'cannot_provide = {roscosmos = ["tanker", "crew_vehicle"]}')
    assert err.value.short_musd == pytest.approx(0.45 * 1416.75)


def test_coalition_that_cannot_barter_is_reported_not_raised(tmp_path):
    from marsplan import load_scenario
    from marsplan.joint.coalitions import coalitions

    # Under barter, Roscosmos and SpaceX alone cannot balance: SpaceX, with no US
    # agency left to buy its Starship, provides it at its own expense with no seat.
    # That coalition cannot fly under the agreement; the grand coalition balances.
    scenario, catalog = load_scenario(us_russia_file(
        tmp_path, 'no_funds = [["nasa", "roscosmos"]]\nsettle = "barter"'))
    result = coalitions(scenario, catalog)
    by = {c.partners: c for c in result.coalitions}
    pair = by[("roscosmos", "spacex")]
    assert pair.verdict.status == "cannot_fly"
    assert pair.verdict.limits[0].message.startswith("agreement: roscosmos is ")
    assert by[("nasa", "roscosmos", "spacex")].verdict.status != "cannot_fly"
