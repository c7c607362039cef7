"""Coalitions of a scenario's partners and the Shapley shares of the cost game.

The Shapley code is checked against independent references: the four axioms
that define the value (Shapley 1953: efficiency, symmetry, null player,
additivity) on random games, and the airport game's closed form (Littlechild &
Owen 1973) with the Birmingham Airport figures of Littlechild & Thompson 1977
(tests/reference/airport_birmingham_1968.csv). Tolerances: 1e-9 relative for
sums of at most 2^n float64 terms of one sign pattern (rounding is ~1e-13);
0.005 GBP against figures printed to 0.01 GBP.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from marsplan.errors import InputError
from marsplan.joint.coalitions import (
    MAX_PARTNERS,
    coalition_costs,
    coalitions,
    shapley_values,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RTOL = 1e-9


# --------------------------------------------------------------------------- references


def airport_closed_form(landings, costs):
    """Littlechild & Owen (1973): each runway segment's cost (c_j - c_{j-1}), shared
    equally by the landings of the types j..k that need it; types sorted by cost."""
    remaining = float(sum(landings))
    value, previous, out = 0.0, 0.0, []
    for n, c in zip(landings, costs):
        value += (c - previous) / remaining
        previous = c
        remaining -= n
        out.append(value)
    return np.array(out)


def airport_game(costs):
    """c(S) = the dearest runway of the players in S (one player per type)."""
    n = len(costs)
    game = np.zeros(1 << n)
    for s in range(1, 1 << n):
        game[s] = max(costs[i] for i in range(n) if s >> i & 1)
    return game


def _birmingham():
    with open(REFERENCE / "airport_birmingham_1968.csv", newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: int(r["rank"]))
    return ([int(r["landings"]) for r in rows], [float(r["runway_cost_gbp"]) for r in rows],
            [float(r["shapley_gbp_per_landing"]) for r in rows])


def test_airport_closed_form_reproduces_birmingham_1968():
    # The printed values are rounded to 0.01 GBP: 0.005 is the tightest honest check.
    landings, costs, printed = _birmingham()
    assert sum(landings) == 13572
    np.testing.assert_allclose(airport_closed_form(landings, costs), printed, atol=0.005)


def test_shapley_matches_airport_closed_form_on_birmingham_costs():
    # One player per aircraft type: 11 players, 2,048 coalitions enumerated.
    _, costs, _ = _birmingham()
    np.testing.assert_allclose(shapley_values(airport_game(costs)),
                               airport_closed_form([1] * len(costs), costs), rtol=RTOL)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.floats(0.0, 1e6), min_size=1, max_size=9))
def test_shapley_matches_airport_closed_form(raw):
    costs = sorted(raw)
    np.testing.assert_allclose(shapley_values(airport_game(costs)),
                               airport_closed_form([1] * len(costs), costs),
                               rtol=RTOL, atol=1e-9 * max(costs[-1], 1.0))


# --------------------------------------------------------------------------- the axioms


def games(min_players=1, max_players=7):
    """A random cost game: c(empty) = 0, other coalitions any finite cost."""
    return st.integers(min_players, max_players).flatmap(
        lambda n: st.lists(st.floats(-1e4, 1e4), min_size=(1 << n) - 1,
                           max_size=(1 << n) - 1).map(lambda v: np.array([0.0, *v])))


@settings(deadline=None, max_examples=80)
@given(games())
@example(np.array([0.0, 1e4, -1e4, 0.0]))
def test_efficiency(game):
    phi = shapley_values(game)
    assert math.fsum(phi) == pytest.approx(game[-1], rel=RTOL, abs=1e-9 * 1e4)


@settings(deadline=None, max_examples=60)
@given(games(2), st.data())
def test_symmetry(game, data):
    # Make players i and j interchangeable: c(S + i) = c(S + j) for S without both.
    n = game.size.bit_length() - 1
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    sym = game.copy()
    for s in range(sym.size):
        if s >> i & 1 and not s >> j & 1:
            sym[s ^ (1 << i) ^ (1 << j)] = sym[s]
    phi = shapley_values(sym)
    assert phi[i] == pytest.approx(phi[j], rel=RTOL, abs=1e-9 * 1e4)


@settings(deadline=None, max_examples=60)
@given(games(1, 6), st.data())
def test_null_player(game, data):
    # Add a player k whose joining never changes a cost: its value is 0 and the
    # others' values are those of the game without it.
    n = game.size.bit_length() - 1
    k = data.draw(st.integers(0, n))
    bigger = np.zeros(game.size * 2)
    for s in range(bigger.size):
        low, high = s & ((1 << k) - 1), s >> (k + 1)
        bigger[s] = game[low | (high << k)]
    phi = shapley_values(bigger)
    assert abs(phi[k]) <= 1e-9 * 1e4
    np.testing.assert_allclose(np.delete(phi, k), shapley_values(game), rtol=RTOL,
                               atol=1e-9 * 1e4)


@settings(deadline=None, max_examples=60)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(games(n, n), games(n, n))))
def test_additivity(pair):
    c, d = pair
    np.testing.assert_allclose(shapley_values(c + d), shapley_values(c) + shapley_values(d),
                               rtol=RTOL, atol=1e-9 * 2e4)


@pytest.mark.parametrize("costs, match", [
    ([0.0], "2\\*\\*n"), ([0.0, 1.0, 2.0], "2\\*\\*n"), ([1.0, 2.0], "costs\\[0\\]"),
    ([0.0, np.nan], "finite"), ([0.0, np.inf, 1.0, 2.0], "finite")])
def test_shapley_bad_input(costs, match):
    with pytest.raises(InputError, match=match):
        shapley_values(costs)


# --------------------------------------------------------------------------- the game's rules


def test_coalition_costs_rules():
    # Players 0 (crew), 1 (crew), 2 (a supplier with no crew). Only coalitions with
    # player 2 fly: {0,2} 10, {1,2} 30, all 35.
    fly = np.full(8, np.nan)
    fly[0b101], fly[0b110], fly[0b111] = 10.0, 30.0, 35.0
    crewed = np.array([bool(s & 0b011) for s in range(8)])
    costs, rules, source = coalition_costs(fly, crewed, 35.0)
    assert rules[0b100] == "no_crew" and costs[0b100] == 0.0 and source[0b100] == -1
    assert rules[0b001] == "cheapest_flying_coalition" and costs[0b001] == 10.0
    assert source[0b001] == 0b101
    assert costs[0b010] == 30.0 and costs[0b011] == 35.0
    assert rules[0b111] == "own_plan"
    phi = shapley_values(costs)
    # The supplier joins every flying coalition and changes no cost: a null player.
    assert phi[2] == 0.0
    assert phi == pytest.approx([(10.0 + 35.0 - 30.0) / 2, (30.0 + 35.0 - 10.0) / 2, 0.0])


def test_coalition_costs_when_nothing_containing_flies():
    fly = np.full(4, np.nan)
    fly[0b01] = 5.0
    costs, rules, _ = coalition_costs(fly, np.array([False, True, True, True]), 50.0)
    assert rules[0b10] == "grand_coalition_as_planned" and costs[0b10] == 50.0
    assert rules[0b11] == "grand_coalition_as_planned" and costs[0b11] == 50.0


# --------------------------------------------------------------------------- a real scenario


@pytest.fixture(scope="module")
def us_russia():
    from marsplan.io.scenario import load_scenario

    scenario, catalog = load_scenario(EXAMPLES / "us_russia_2033.toml")
    return scenario, catalog, coalitions(scenario, catalog)


def test_us_russia_every_coalition(us_russia):
    scenario, catalog, result = us_russia
    assert result.partners == ("nasa", "roscosmos", "spacex")
    assert [c.partners for c in result.coalitions] == [
        ("nasa",), ("roscosmos",), ("spacex",), ("nasa", "roscosmos"), ("nasa", "spacex"),
        ("roscosmos", "spacex"), ("nasa", "roscosmos", "spacex")]
    flying = {c.partners for c in result.coalitions if c.flies}
    assert flying == {("nasa", "spacex"), ("roscosmos", "spacex"),
                      ("nasa", "roscosmos", "spacex")}
    assert result.of(["roscosmos", "nasa"]).verdict.binding.kind == "hardware_shortfall"
    assert result.of("spacex").verdict.binding.kind == "no_crew"
    assert result.of("spacex").game_cost_musd == 0.0


def test_us_russia_grand_coalition_is_the_plan(us_russia):
    # The grand coalition is the scenario itself, planned as marsplan.plan plans it.
    from marsplan.joint.plan import plan

    scenario, catalog, result = us_russia
    p = plan(scenario, catalog)
    assert result.grand.cost_musd == p.sizing.cost_musd
    assert result.grand.status == p.verdict.status
    assert result.grand.imleo_t == p.sizing.imleo_t


def test_us_russia_coalition_is_the_withdrawal_replan(us_russia):
    # {nasa, spacex} is the scenario without roscosmos, its seats left empty: the
    # same plan as plan_without(..., seats="drop") in the scenario's opportunity.
    from marsplan.joint.withdraw import plan_without

    scenario, catalog, result = us_russia
    w = plan_without(scenario, catalog, "roscosmos", seats="drop", horizon_years=0.0,
                     baseline=result.grand.plan)
    c = result.of(["nasa", "spacex"])
    assert c.crew == (("nasa", 2),)
    assert c.cost_musd == w.plan.sizing.cost_musd
    assert c.launches == sum(w.plan.sizing.launches.values())
    assert c.status == w.verdict.status


def test_us_russia_shares_add_up_to_the_grand_coalition(us_russia):
    _, _, result = us_russia
    total = math.fsum(s.share_musd for s in result.shapley)
    assert total == pytest.approx(result.grand.game_cost_musd, rel=RTOL)
    assert result.grand.game_cost_musd == result.grand.cost_musd
    assert math.fsum(s.share_pct for s in result.shapley) == pytest.approx(100.0, rel=RTOL)


def test_us_russia_shares_from_the_coalition_costs(us_russia):
    # Three players, the supplier null: the two agencies split c(N) by the
    # two-player formula on the costs of their coalitions with SpaceX.
    _, _, result = us_russia
    a = result.of(["nasa", "spacex"]).cost_musd
    b = result.of(["roscosmos", "spacex"]).cost_musd
    n = result.grand.cost_musd
    shares = {s.partner: s.share_musd for s in result.shapley}
    assert shares["spacex"] == pytest.approx(0.0, abs=RTOL * n)
    assert shares["nasa"] == pytest.approx((a + n - b) / 2, rel=RTOL)
    assert shares["roscosmos"] == pytest.approx((b + n - a) / 2, rel=RTOL)


def test_us_russia_indispensability(us_russia):
    _, _, result = us_russia
    by = {x.partner: x for x in result.indispensability}
    assert by["spacex"].veto and not by["nasa"].veto and not by["roscosmos"].veto
    assert set(by["spacex"].coalitions) == {c.partners for c in result.coalitions if c.flies}
    assert by["nasa"].coalitions == (("nasa", "spacex"),)
    # Definition: the coalition flies, and without the partner it does not.
    for x in result.indispensability:
        for members in x.coalitions:
            assert result.of(members).flies
            rest = [p for p in members if p != x.partner]
            assert not rest or not result.of(rest).flies


def test_us_russia_costs_agree_with_the_ledgers(us_russia):
    # Each coalition's cost is its plan's, and its ledger (joint/agreement.py)
    # values the same items: the totals agree and the balances cancel.
    _, _, result = us_russia
    for c in result.coalitions:
        if c.plan is None:
            continue
        assert c.plan.ledger.total_musd == pytest.approx(c.cost_musd, rel=RTOL)
        assert math.fsum(p.balance_musd for p in c.plan.ledger.partners) == pytest.approx(
            0.0, abs=RTOL * c.cost_musd)


def test_us_russia_roscosmos_buys_nothing_from_spacex_without_nasa(us_russia):
    # SpaceX is bought by NASA (the agency of its country); in {roscosmos, spacex}
    # no member agency is American, so SpaceX funds its own hardware, in kind.
    _, _, result = us_russia
    ledger = result.of(["roscosmos", "spacex"]).plan.ledger
    assert not [f for f in ledger.cash_flows if f.to == "spacex"]
    grand = result.grand.plan.ledger
    assert {f.from_ for f in grand.cash_flows if f.to == "spacex"} == {"nasa"}


def test_fair_shares_beside_the_ledger(us_russia):
    _, _, result = us_russia
    rows = {r.partner: r for r in result.grand.plan.ledger.partners}
    for f, s in zip(result.fair_shares, result.shapley):
        assert f.partner == s.partner and f.share_musd == s.share_musd
        assert f.contribution_musd == rows[f.partner].contribution_musd
        assert f.above_share_musd == pytest.approx(f.contribution_musd - f.share_musd)
    # Both divide the same total.
    assert math.fsum(f.contribution_musd for f in result.fair_shares) == pytest.approx(
        math.fsum(f.share_musd for f in result.fair_shares), rel=RTOL)


def test_agreement_among_drops_non_members(us_russia):
    from marsplan.joint.withdraw import agreement_among

    scenario, catalog, _ = us_russia
    spec = scenario.agreement.model_copy(update={
        "funders": {"starship_crew": "nasa", "soyuz_ms": "roscosmos"},
        "no_funds": [("nasa", "roscosmos")], "in_kind": ["nasa", "roscosmos"],
        "cannot_provide": {"nasa": ["launch"]}})
    s = scenario.model_copy(update={"agreement": spec})
    a = agreement_among(s, catalog, ("roscosmos", "spacex"))
    assert a.funders == {"soyuz_ms": "roscosmos", "spacex": "spacex"}
    assert a.no_funds == [] and a.in_kind == ["roscosmos"] and a.cannot_provide == {}
    # With NASA a member, SpaceX is bought by NASA by the default rule: no entry added.
    assert agreement_among(s, catalog, ("nasa", "spacex")).funders == {
        "starship_crew": "nasa"}


def test_coalitions_of_unknown_partner(us_russia):
    _, _, result = us_russia
    with pytest.raises(InputError, match="esa"):
        result.of(["nasa", "esa"])


def test_too_many_partners(us_russia):
    scenario, catalog, _ = us_russia
    crew = {f"agency{i}": 1 for i in range(MAX_PARTNERS + 1)}
    with pytest.raises(InputError, match=f"at most {MAX_PARTNERS}"):
        coalitions(scenario.model_copy(update={"crew": crew}), catalog)


# --------------------------------------------------------------------------- the edges


def test_document_and_cli_json(us_russia, capsys):
    from marsplan.cli import main
    from marsplan.io.document import coalitions_document

    _, _, result = us_russia
    doc = coalitions_document(result)
    assert list(doc)[:5] == ["coalitions", "shapley", "indispensability", "fair_shares",
                             "game"]
    with pytest.raises(SystemExit) as done:
        main(["coalitions", str(EXAMPLES / "us_russia_2033.toml"), "--format", "json"])
    assert done.value.code in (0, None)
    printed = json.loads(capsys.readouterr().out)
    assert printed["coalitions"] == json.loads(json.dumps(doc["coalitions"]))
    first = printed["coalitions"][0]
    assert {"partners", "status", "cost_musd", "game_cost_musd", "launches", "imleo_t",
            "crew", "binding_limit"} <= set(first)
    assert set(printed["shapley"][0]) == {"partner", "share_musd", "share_pct"}
    assert math.fsum(s["share_musd"] for s in printed["shapley"]) == pytest.approx(
        printed["game"]["grand_coalition_cost_musd"], rel=RTOL)


def test_cli_csv_needs_one_table(capsys):
    from marsplan.cli import main

    with pytest.raises(SystemExit) as done:
        main(["coalitions", str(EXAMPLES / "us_russia_2033.toml"), "--format", "csv"])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("marsplan: --format csv")


def test_cli_csv_section(capsys):
    from marsplan.cli import main

    with pytest.raises(SystemExit) as done:
        main(["coalitions", str(EXAMPLES / "us_russia_2033.toml"), "--format", "csv",
              "--section", "shapley"])
    assert done.value.code in (0, None)
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["partner"] for r in rows] == ["nasa", "roscosmos", "spacex"]


def test_cli_bad_scenario(tmp_path, capsys):
    from marsplan.cli import main

    with pytest.raises(SystemExit) as done:
        main(["coalitions", str(tmp_path / "missing.toml")])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("marsplan: ")



def test_plan_shares_reuse_the_plan_and_equal_coalitions(us_russia):
    # plan_shares (what marsplan plan and its report show) plans only the subsets, on
    # the given plan's trajectory: the grand coalition is that plan object, and every
    # coalition's cost and every share equal coalitions()'s, which plans all of them.
    from marsplan.joint.coalitions import plan_shares
    from marsplan.joint.plan import plan

    scenario, catalog, result = us_russia
    p = plan(scenario, catalog)
    shares = plan_shares(scenario, catalog, p)
    assert shares.note is None and shares.coalitions.grand.plan is p
    assert [c.game_cost_musd for c in shares.coalitions.coalitions] == [
        c.game_cost_musd for c in result.coalitions]
    assert shares.shapley == result.shapley


def test_plan_shares_skipped_beyond_the_partner_bound(us_russia):
    # Beyond max_partners nothing is planned; the note says why and what to run.
    from marsplan.joint.coalitions import plan_shares

    scenario, catalog, result = us_russia
    skipped = plan_shares(scenario, catalog, result.grand.plan, max_partners=2)
    assert skipped.coalitions is None and skipped.shapley == ()
    assert "3 partners make 7 coalitions" in skipped.note
    assert "marsplan coalitions" in skipped.note
