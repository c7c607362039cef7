"""marsplan.joint.withdraw on the US-Russia mission.

Crew 2 NASA + 2 Roscosmos; Starship transit and Starship tankers by SpaceX;
crew access on Crew Dragon (SpaceX, 4 seats) and Soyuz MS (Roscosmos, 3 seats).
The catalog (tests/joint/__init__.py) also holds NASA's Orion (4 seats) and
Roscosmos's Progress MS, and no transit vehicle or tanker but SpaceX's.
"""

from __future__ import annotations

import pytest

from marsplan.catalog.models import Element
from marsplan.errors import InputError
from marsplan.joint.withdraw import withdraw
from tests.joint import ELEMENTS, joint_catalog, scenario, us_russia


@pytest.fixture(scope="module")
def catalog():
    return joint_catalog()


def test_without_roscosmos_dragon_carries_the_crew_and_nasa_takes_the_seats(catalog):
    original = us_russia(docking=[{"a": "soyuz_ms", "b": "starship_crew"},
                                  {"a": "crew_dragon", "b": "starship_crew"}])
    w = withdraw(original, catalog, "roscosmos")
    assert w.feasible and w.partner == "roscosmos" and w.original is original
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
