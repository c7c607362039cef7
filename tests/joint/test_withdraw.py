"""marsplan.joint.withdraw on the US-Russia mission.

Crew 2 NASA + 2 Roscosmos; Starship transit and Starship tankers by SpaceX;
crew access on Crew Dragon (SpaceX, 4 seats) and Soyuz MS (Roscosmos, 3 seats).
The catalog (tests/joint/__init__.py) also holds NASA's Orion (4 seats) and
Roscosmos's Progress MS, and no transit vehicle or tanker but SpaceX's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from marsplan.catalog.models import Element
from marsplan.errors import InputError
from marsplan.joint.withdraw import plan_without, withdraw
from tests.joint import ELEMENTS, joint_catalog, scenario, us_russia


@pytest.fixture(scope="module")
def catalog():
    return joint_catalog()


def test_without_roscosmos_dragon_carries_the_crew_and_nasa_takes_the_seats(catalog):
    original = us_russia(docking=[{"a": "soyuz_ms", "b": "starship_crew"},
                                  {"a": "crew_dragon", "b": "starship_crew"}])
    w = withdraw(original, catalog, "roscosmos")
    assert w.feasible and w.partners == ("roscosmos",) and w.original is original
    [r] = w.replacements
    assert (r.old, r.new, r.new_provider, r.role) == ("soyuz_ms", "crew_dragon", "spacex",
                                                      "crew_access")
    # Dragon's 4 seats already carry the crew of 4: no second Dragon flight.
    assert r.count == 0 and "seat 4 for a crew of 4" in r.reason
    assert w.unreplaced == ()
    new = w.scenario
    assert new.crew == {"nasa": 4} and new.crew_size == 4
    assert w.seats == (("nasa", 2),) and w.seat_policy.startswith("pro rata")
    assert [(u.id, u.provider, u.count) for u in new.elements] == [
        ("starship_crew", "spacex", 1), ("crew_dragon", "spacex", 1)]
    assert "roscosmos" not in new.partners()
    # The Soyuz docking pair became the Dragon's, which was already listed: one pair left.
    assert [(p.a, p.b) for p in new.docking] == [("crew_dragon", "starship_crew")]
    assert new.refuelling == original.refuelling
    # The original is untouched (frozen models, copied).
    assert [u.id for u in original.elements] == ["starship_crew", "crew_dragon", "soyuz_ms"]


def test_without_spacex_the_transit_starship_cannot_be_replaced(catalog):
    w = withdraw(us_russia(), catalog, "spacex")
    assert not w.feasible and w.scenario is None
    lost = {u.old: u for u in w.unreplaced}
    assert set(lost) == {"starship_crew", "starship_tanker"}
    assert lost["starship_crew"].role == "transit"
    assert ("no transit_vehicle in the catalog is owned by a remaining partner (nasa, "
            "roscosmos); transit_vehicles in the catalog: starship_crew (spacex)"
            == lost["starship_crew"].reason)
    assert lost["starship_tanker"].role == "refuelling"
    # Dragon's seat goes to the Soyuz already flown: Soyuz seats 3 of 4, so one more flight.
    [r] = w.replacements
    assert (r.old, r.new, r.new_provider, r.count) == ("crew_dragon", "soyuz_ms", "roscosmos", 1)
    assert any("no mission" in n for n in w.notes)
    assert {row["status"] for row in w.rows()} == {"replaced", "unreplaced"}


def test_without_spacex_a_catalog_transit_vehicle_of_nasa_takes_over(catalog):
    habitat = Element(id="deep_space_transport", name="Deep Space Transport",
                      kind="transit_vehicle", owner="nasa", dry_mass_t=41.0, crew_capacity=4,
                      source="test value (NASA DST concept)", estimate=True)
    tanker = Element(id="nasa_tanker", name="tanker", kind="tanker", owner="nasa",
                     dry_mass_t=20.0, propellant_capacity_t=80.0, source="test", estimate=True)
    cat = joint_catalog(elements=[*ELEMENTS, habitat, tanker])
    w = withdraw(us_russia(), cat, "spacex")
    assert w.feasible
    new = {r.old: r for r in w.replacements}
    assert (new["starship_crew"].new, new["starship_crew"].new_provider) == (
        "deep_space_transport", "nasa")
    assert (new["starship_tanker"].new, new["starship_tanker"].new_provider) == (
        "nasa_tanker", "nasa")
    assert w.scenario.transit.id == "deep_space_transport"
    assert w.scenario.refuelling.tanker == "nasa_tanker"
    # Dragon -> a second Soyuz flight (the Soyuz in the scenario seats 3 of 4).
    assert [(u.id, u.count) for u in w.scenario.elements if u.role == "crew_access"] == [
        ("soyuz_ms", 2)]
    assert w.scenario.crew == {"nasa": 2, "roscosmos": 2}


def test_when_no_crew_vehicle_is_flown_the_closest_in_seats_and_mass_is_chosen(catalog):
    # Soyuz alone, withdrawn: Dragon (4 seats, 9.5 t) and Orion (4 seats, 26.5 t)
    # both seat more; Dragon is the closer in mass to Soyuz's 7.08 t.
    sc = scenario({"nasa": 1, "roscosmos": 2, "spacex": 0},
                  [{"id": "starship_crew", "provider": "spacex", "role": "transit"},
                   {"id": "soyuz_ms", "provider": "roscosmos", "role": "crew_access"}])
    w = withdraw(sc, catalog, "roscosmos")
    [r] = w.replacements
    assert (r.new, r.new_provider, r.count) == ("crew_dragon", "spacex", 1)
    assert "closest crew_vehicle" in r.reason
    assert w.scenario.crew == {"nasa": 3, "spacex": 0}


def test_seat_policies():
    crew = {"nasa": 3, "esa": 1, "roscosmos": 3}
    sc = scenario(crew, [{"id": "starship_crew", "provider": "spacex", "role": "transit"}])
    cat = joint_catalog()
    # Pro rata: 3 seats * (3, 1) / 4 = 2.25 and 0.75: floors 2 and 0, the largest
    # remainder (esa's 0.75) takes the last seat.
    w = withdraw(sc, cat, "roscosmos")
    assert w.scenario.crew == {"nasa": 5, "esa": 2} and dict(w.seats) == {"nasa": 2, "esa": 1}
    w = withdraw(sc, cat, "roscosmos", seats="largest")
    assert w.scenario.crew == {"nasa": 6, "esa": 1} and "partner with the most crew" in \
        w.seat_policy
    w = withdraw(sc, cat, "roscosmos", seats="drop")
    assert w.scenario.crew == {"nasa": 3, "esa": 1} and w.seats == ()
    # No remaining crew: the seats go to the transit vehicle's provider.
    alone = scenario({"roscosmos": 2},
                     [{"id": "starship_crew", "provider": "spacex", "role": "transit"}])
    w = withdraw(alone, cat, "roscosmos")
    assert w.scenario.crew == {"spacex": 2} and "transit vehicle's provider" in w.seat_policy
    with pytest.raises(InputError, match="'drop' leaves no crew"):
        withdraw(alone, cat, "roscosmos", seats="drop")


def test_an_owner_that_stays_flies_its_own_element(catalog):
    # NASA buys the Dragon flight from SpaceX; NASA withdraws, SpaceX flies it itself.
    sc = scenario({"nasa": 2, "roscosmos": 2},
                  [{"id": "starship_crew", "provider": "spacex", "role": "transit"},
                   {"id": "crew_dragon", "provider": "nasa", "role": "crew_access"}])
    w = withdraw(sc, catalog, "nasa")
    [r] = w.replacements
    assert (r.old, r.new, r.new_provider, r.count) == ("crew_dragon", "crew_dragon", "spacex", 1)
    assert w.scenario.crew == {"roscosmos": 4}


def test_isru_passes_to_the_transit_provider(catalog):
    sc = us_russia(isru={"propellant_t": 250.0, "provider": "roscosmos"})
    w = withdraw(sc, catalog, "roscosmos")
    assert w.scenario.isru.provider == "spacex" and w.scenario.isru.propellant_t == 250.0
    assert any("ISRU" in n and "assumption" in n for n in w.notes)


def test_unknown_or_only_partner_raises(catalog):
    with pytest.raises(InputError, match="'jaxa' is not a partner of this scenario; its "
                                         "partners: nasa, roscosmos, spacex"):
        withdraw(us_russia(), catalog, "jaxa")
    alone = scenario({"spacex": 2},
                     [{"id": "starship_crew", "provider": "spacex", "role": "transit"}])
    with pytest.raises(InputError, match="only partner"):
        withdraw(alone, catalog, "spacex")
    with pytest.raises(InputError, match="seats: 'half'"):
        withdraw(us_russia(), catalog, "roscosmos", seats="half")


# --- several partners together ------------------------------------------------------------

def test_several_partners_withdraw_together(catalog):
    # NASA and Roscosmos leave together: SpaceX alone remains, and flies the crew.
    # Soyuz goes; Dragon's 4 seats still seat the crew of 4 (no added flight).
    w = withdraw(us_russia(), catalog, ["nasa", "roscosmos"])
    assert w.partners == ("nasa", "roscosmos")
    assert w.scenario.partners() == ["spacex"]
    assert w.scenario.crew == {"spacex": 4} and dict(w.seats) == {"spacex": 4}
    assert "the 4 nasa and roscosmos seats go to spacex" in w.seat_policy
    [r] = w.replacements
    assert (r.old, r.new, r.count) == ("soyuz_ms", "crew_dragon", 0)
    assert [(u.id, u.count) for u in w.scenario.elements if u.role == "crew_access"] == [
        ("crew_dragon", 1)]
    # The same partner twice is one withdrawal; all the partners leave no mission.
    assert withdraw(us_russia(), catalog, ["roscosmos", "roscosmos"]).partners == ("roscosmos",)
    with pytest.raises(InputError, match="are all the partners"):
        withdraw(us_russia(), catalog, ["nasa", "roscosmos", "spacex"])
    with pytest.raises(InputError, match="'esa' is not a partner"):
        withdraw(us_russia(), catalog, ["nasa", "esa"])


def test_several_partners_pool_their_seats_pro_rata(catalog):
    crew = {"nasa": 3, "esa": 1, "roscosmos": 3, "spacex": 1}
    sc = scenario(crew, [{"id": "starship_crew", "provider": "spacex", "role": "transit"}])
    w = withdraw(sc, catalog, ("esa", "roscosmos"))
    # 4 seats * (3, 1) / 4 = 3 and 1: NASA +3, SpaceX +1.
    assert w.scenario.crew == {"nasa": 6, "spacex": 2} and dict(w.seats) == {"nasa": 3,
                                                                              "spacex": 1}


# --- one seat rule, every direction -------------------------------------------------------

@pytest.fixture(scope="module")
def mission_2033():
    # The US-Russia example's 2033 conjunction dates (a fixed trajectory: the seat
    # rule does not depend on it).
    from marsplan.transfer.missions import assemble_mission

    return assemble_mission("2033-04-21T01:54:51", "2033-11-03T18:17:13",
                            "2035-05-08T01:41:51", "2035-11-22T04:16:29")


def _crew_flights(sizing) -> dict[str, int]:
    """Crew-access launches by element."""
    return {r.element: r.launches for r in sizing.launch_rows if r.purpose == "crew_access"}


def _assert_fewest_crew_flights(sc, sizing, catalog):
    """The seat rule: the listed flights fly, and flights are added only when they
    cannot seat the crew, then as few as the largest vehicle needs."""
    uses = [u for u in sc.elements if u.role == "crew_access"]
    flights = _crew_flights(sizing)
    assert set(flights) == {u.id for u in uses}
    seats = {u.id: catalog.elements[u.id].crew_capacity for u in uses}
    listed_seats = sum(seats[u.id] * u.count for u in uses)
    added = sum(flights.values()) - sum(u.count for u in uses)
    shortfall = max(0, sc.crew_size - listed_seats)
    assert added == -(-shortfall // max(seats.values()))
    assert sum(seats[e] * n for e, n in flights.items()) >= sc.crew_size
    # Everyone is aboard exactly once.
    assert sum(r.crew for r in sizing.launch_rows if r.purpose == "crew_access") == \
        sc.crew_size


@pytest.mark.parametrize("crew", [(n, r) for n in range(5) for r in range(5) if n + r])
def test_one_seat_rule_whoever_withdraws(catalog, mission_2033, crew):
    # Every crew split of the US-Russia mission (Dragon 4 seats, Soyuz 3), with
    # every partner and both crews withdrawn: the baseline and each withdrawal
    # fly the fewest crew-access flights that seat the crew. Today's asymmetry
    # (without NASA a second Soyuz, without Roscosmos none) cannot come back.
    from marsplan.sizing import size_mission

    nasa, roscosmos = crew
    sc = us_russia().model_copy(update={"crew": {"nasa": nasa, "roscosmos": roscosmos}})
    _assert_fewest_crew_flights(sc, size_mission(sc, catalog, mission_2033), catalog)
    groups = [[p] for p in sc.partners() if p != "spacex"] + [["nasa", "roscosmos"]]
    for group in groups:
        if not set(group) <= set(sc.partners()):
            continue
        w = withdraw(sc, catalog, group)
        _assert_fewest_crew_flights(w.scenario, size_mission(w.scenario, catalog, mission_2033),
                                    catalog)
        # A replacement adds flights only for crew the vehicles still flown cannot seat.
        for r in w.replacements:
            if r.role == "crew_access" and r.count:
                kept = [u for u in sc.elements if u.role == "crew_access"
                        and u.provider not in group]
                assert sum(catalog.elements[u.id].crew_capacity * u.count
                           for u in kept) < w.scenario.crew_size


def test_without_nasa_no_second_soyuz(catalog, mission_2033):
    # The case: Roscosmos's crew of 4 now fills Soyuz (3) and Dragon (1)
    # rather than flying Soyuz twice beside an empty Dragon.
    from marsplan.sizing import size_mission

    w = withdraw(us_russia(), catalog, "nasa")
    assert w.replacements == () and w.scenario.crew == {"roscosmos": 4}
    sizing = size_mission(w.scenario, catalog, mission_2033)
    rows = {r.element: (r.launches, r.crew) for r in sizing.launch_rows
            if r.purpose == "crew_access"}
    assert rows == {"crew_dragon": (1, 1), "soyuz_ms": (1, 3)}


# --- re-planning: verdict, trajectory, slip -----------------------------------------------
# Each plan searches its trajectory (about 2 s an opportunity): the fixtures plan
# once per module and the tests share them.

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def us_russia_example():
    """The US-Russia example planned, and re-planned without each partner and
    without NASA and Roscosmos together."""
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.plan import plan

    sc, cat = load_scenario(EXAMPLES / "us_russia_2033.toml")
    baseline = plan(sc, cat)
    groups = [("nasa",), ("roscosmos",), ("spacex",), ("nasa", "roscosmos")]
    return sc, cat, baseline, {g: plan_without(sc, cat, g, baseline=baseline) for g in groups}


def test_without_spacex_cannot_fly_nothing_replaces_starship(us_russia_example):
    _, _, _, results = us_russia_example
    w = results[("spacex",)]
    assert w.plan is None and w.withdrawal.scenario is None
    assert w.verdict.status == "cannot_fly" and w.slip_days is None
    [limit] = w.verdict.limits
    assert limit.kind == "hardware_shortfall" and limit.subject == "starship_crew"
    assert limit.message.startswith("nothing in the catalog replaces the transit vehicle "
                                    "Starship")
    assert w.verdict.dose is None
    # No later opportunity is searched: no slip brings a transit vehicle back.
    assert w.searched == ()
    row = {r["figure"]: r for r in w.comparison()}
    assert row["verdict"]["without_spacex"] == "cannot_fly"
    assert row["binding_limit"]["without_spacex"] == limit.message
    assert row["imleo_t"]["without_spacex"] is None


def test_us_russia_withdrawals_fly_in_2033(us_russia_example):
    _, _, baseline, results = us_russia_example
    launches = sum(baseline.sizing.launches.values())
    expected = {("nasa",): launches, ("roscosmos",): launches - 1,
                ("nasa", "roscosmos"): launches - 1}
    for group, n in expected.items():
        w = results[group]
        assert w.verdict.status in ("flies", "flies_with_waiver"), (group, w.verdict)
        assert [t.opportunity for t in w.searched] == [2033]
        assert sum(w.plan.sizing.launches.values()) == n, group
        assert not set(group) & set(w.plan.scenario.partners())
        # The same launch period: no slip.
        assert abs(w.slip_days) < 1e-6
    # Without Roscosmos: no Soyuz and no Soyuz adapter, so lighter and cheaper.
    w = results[("roscosmos",)]
    rows = {r["figure"]: r for r in w.comparison()}
    assert rows["adapter_mass_t"]["without_roscosmos"] < rows["adapter_mass_t"]["with_all"]
    assert rows["imleo_t"]["without_roscosmos"] < rows["imleo_t"]["with_all"]
    assert rows["cost_musd"]["without_roscosmos"] < rows["cost_musd"]["with_all"]


def test_replan_searches_the_trajectory_again_equal_when_sites_are(us_russia_example):
    # Without NASA the launch sites do not change (NASA provides crew only), so
    # the fresh search has the same inputs and finds the same trajectory and
    # orbit. Without Roscosmos, Baikonur goes: the trajectory's reach is still
    # 51.6 deg (the ceiling of Super Heavy's payload table at Kennedy), so the
    # trajectory is the same, but the assembly orbit no longer has Baikonur's
    # 51.6 deg floor and drops to |DLA|.
    _, _, baseline, results = us_russia_example
    base = baseline.mission
    for group in [("nasa",), ("roscosmos",)]:
        p = results[group].plan
        assert p.mission is not base  # planned afresh, not handed the baseline's
        assert p.mission.earth_departure_jd_tdb == pytest.approx(base.earth_departure_jd_tdb,
                                                                 abs=1e-9)
        assert p.mission.dv_total_kms == pytest.approx(base.dv_total_kms, rel=1e-12)
    assert results[("nasa",)].plan.sites.inclination_deg == baseline.sites.inclination_deg == \
        pytest.approx(51.6)
    orbit = results[("roscosmos",)].plan.sites.inclination_deg
    assert orbit == pytest.approx(abs(baseline.dla_deg), abs=1e-9) and orbit < 51.6


def test_replan_reoptimises_the_trajectory_when_sites_change():
    # A US-China mission: Shenzhou flies from Jiuquan on a Long March 2F, whose
    # payload table (packaged catalog) stops at 41.5 deg, so the departure
    # asymptote is held within |DLA| <= 41.5 deg. Without CNSA only Kennedy
    # remains (reach 51.6 deg): the search finds the trajectory it could not fly
    # before, at least as cheap (a looser constraint), leaving on another day.
    from marsplan.catalog import default_catalog
    from marsplan.joint.plan import plan

    cat = default_catalog()
    sc = scenario({"nasa": 2, "cnsa": 2},
                  [{"id": "starship_crew", "provider": "spacex", "role": "transit",
                    "burns": ["tmi", "moi", "tei"]},
                   {"id": "crew_dragon", "provider": "spacex", "role": "crew_access"},
                   {"id": "shenzhou", "provider": "cnsa", "role": "crew_access"}],
                  refuelling={"tanker": "starship_tanker", "provider": "spacex"})
    baseline = plan(sc, cat)
    assert abs(baseline.dla_deg) <= 41.5 + 1e-6
    w = plan_without(sc, cat, "cnsa", baseline=baseline)
    after = w.plan
    assert abs(after.dla_deg) > 41.5 + 1.0
    assert abs(after.dla_deg) <= 51.6 + 1e-6
    assert after.mission.dv_total_kms < baseline.mission.dv_total_kms
    assert w.slip_days == pytest.approx(after.mission.earth_departure_jd_tdb
                                        - baseline.mission.earth_departure_jd_tdb)
    assert abs(w.slip_days) > 1.0
    # The assembly orbit follows the new asymptote (Kennedy reaches 28.6-57 deg).
    assert after.sites.inclination_deg == pytest.approx(abs(after.dla_deg), abs=1e-6)


def _nasa_transit_catalog(capacity_t):
    """The test catalog with a NASA transit vehicle holding ``capacity_t`` of
    propellant (hydrolox-like Isp 450 s), and a NASA tanker, both on SLS."""
    dst = Element(id="deep_space_transport", name="Deep Space Transport",
                  kind="transit_vehicle", owner="nasa", dry_mass_t=41.0, crew_capacity=4,
                  propellant_capacity_t=capacity_t, isp_s=450.0, launched_on="sls_block1",
                  source="test value (NASA DST concept)", estimate=True)
    tanker = Element(id="nasa_tanker", name="NASA tanker", kind="tanker", owner="nasa",
                     dry_mass_t=20.0, propellant_capacity_t=80.0, launched_on="sls_block1",
                     source="test value", estimate=True)
    return joint_catalog(elements=[*ELEMENTS, dst, tanker])


def _loaded_t(p) -> float:
    return sum(r.mass_t for r in p.sizing.items
               if r.kind == "propellant" and r.element == "deep_space_transport")


def test_slip_to_the_next_opportunity_that_flies():
    # ExoMars in miniature. NASA's crew of 4 flies SpaceX's Starship in 2037
    # (conjunction total delta-v ~6.0 km/s); SpaceX withdraws and NASA's own
    # transit vehicle takes over. Its tanks are made to hold what 2039 needs
    # (~5.5 km/s) but not what 2037 needs: the midpoint of the two loads,
    # computed here from plans with ample tanks. The re-plan must find 2037
    # cannot fly and slip to 2039, about two years.
    from marsplan.joint.plan import plan

    sc = scenario({"nasa": 4},
                  [{"id": "starship_crew", "provider": "spacex", "role": "transit",
                    "burns": ["tmi", "moi", "tei"]}],
                  refuelling={"tanker": "starship_tanker", "provider": "spacex"})
    sc = sc.model_copy(update={"mission": sc.mission.model_copy(update={"opportunity": 2037})})
    ample = _nasa_transit_catalog(10_000.0)
    baseline = plan(sc, ample)
    first = plan_without(sc, ample, "spacex", baseline=baseline, horizon_years=0)
    assert first.verdict.status in ("flies", "flies_with_waiver"), first.verdict
    later = first.withdrawal.scenario
    later = later.model_copy(update={"mission": later.mission.model_copy(
        update={"opportunity": 2039})})
    need_2037, need_2039 = _loaded_t(first.plan), _loaded_t(plan(later, ample))
    assert need_2039 < need_2037
    tight = _nasa_transit_catalog(0.5 * (need_2037 + need_2039))

    w = plan_without(sc, tight, "spacex", baseline=baseline)
    assert [(t.opportunity, t.status in ("flies", "flies_with_waiver")) for t in w.searched] \
        == [(2037, False), (2039, True)]
    assert w.searched[0].reason.startswith("deep_space_transport cannot")
    assert "short by" in w.searched[0].reason
    assert w.verdict.status in ("flies", "flies_with_waiver")
    assert w.plan.scenario.mission.opportunity == 2039
    assert w.search_note == "2037 cannot fly; 2039 is the earliest that does"
    assert w.slip_days == pytest.approx(w.plan.mission.earth_departure_jd_tdb
                                        - baseline.mission.earth_departure_jd_tdb)
    # Two synodic periods less a little (2037 leaves in August, 2039 in September).
    assert 700.0 < w.slip_days < 900.0

    # With no horizon nothing later is searched: it cannot fly, and says why.
    w = plan_without(sc, tight, "spacex", baseline=baseline, horizon_years=0)
    assert w.verdict.status == "cannot_fly" and w.slip_days is None
    assert w.plan is not None and w.plan.scenario.mission.opportunity == 2037
    assert w.verdict.binding.kind == "hardware_shortfall"
    assert w.verdict.binding.message.startswith("deep_space_transport cannot")
    assert w.search_note == "later opportunities not searched (horizon_years = 0)"
    with pytest.raises(InputError, match="horizon_years"):
        plan_without(sc, tight, "spacex", baseline=baseline, horizon_years=-1)


def test_an_unbridged_interface_is_not_searched_for_later():
    # NASA-ESA-JAXA: HTV-X berths and no adapter joins it to Starship, with or
    # without NASA. No later date changes that, so no later opportunity is planned.
    from marsplan.io.scenario import load_scenario

    sc, cat = load_scenario(EXAMPLES / "esa_jaxa_2035.toml")
    w = plan_without(sc, cat, "nasa")
    assert w.baseline.verdict.status == w.verdict.status == "cannot_fly"
    assert w.verdict.binding.kind == "unbridged_interface"
    assert [t.opportunity for t in w.searched] == [2035] and w.slip_days is None
    assert w.search_note == ("later opportunities not searched: an interface no adapter "
                             "bridges binds, which no later date changes")
