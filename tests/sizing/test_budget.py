"""size_mission on small hand-built catalogs, each figure worked by hand.

Conventions of the hand computations: g0 = 9.80665 m/s^2, so the exhaust speed
is 3.726527 km/s at Isp 380 s and 4.412993 km/s at Isp 450 s. Every mission
leaves on day 0, reaches Mars on day 200, leaves it on day 700 and lands on day
900. Life support is the scenario default: 5 kg/crew-day, 64 % recyclable,
85 % closure, 0.1 t per crew member, so a crew of two carries
2 x 900 x 5 x (1 - 0.64 x 0.85) / 1000 = 4.104 t of consumables, used evenly
(3.192 t left at Mars arrival, 0.912 t at Mars departure). The references are
computed to 1e-9 of their value and printed to ~7 digits: rtol 1e-6.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from types import SimpleNamespace

import pytest
from numpy.testing import assert_allclose

from marsplan.catalog.models import Element, LaunchVehicle, PayloadPoint, Propellant
from marsplan.errors import InputError
from marsplan.joint.scenario import ElementUse, Scenario
from marsplan.sizing import size_mission
from marsplan.transfer.maneuvers import Orbit, departure_dv_kms
from marsplan.transfer.mission import Flyby, Mission

RTOL = 1e-6
REFERENCE = Path(__file__).resolve().parents[1] / "reference"
J0 = 2_464_000.0  # 2034-02-07, TDB; only the day counts from it matter


def _element(id, kind, **fields):
    return Element(id=id, name=id, kind=kind, owner=fields.pop("owner", "nasa"),
                   source="test element", **fields)


def _vehicle(id, points, price_musd):
    return LaunchVehicle(id=id, name=id, owner="test", sites=["pad"], source="test vehicle",
                         payload_leo=[PayloadPoint(inclination_deg=i, altitude_km=200.0,
                                                   payload_t=p) for i, p in points],
                         reusable=True, price_musd=price_musd)


def _catalog(methalox_pct=0.0, hydrolox_pct=0.0):
    elements = [
        _element("ship", "transit_vehicle", owner="spacex", dry_mass_t=100.0,
                 propellant_capacity_t=450.0, propellant="methalox", isp_s=380.0,
                 crew_capacity=6, integrated_launch="heavy", unit_cost_musd=200.0,
                 reusable=True),
        _element("kick", "stage", dry_mass_t=20.0, propellant_capacity_t=200.0,
                 propellant="hydrolox", isp_s=450.0, launched_on="heavy",
                 unit_cost_musd=50.0),
        _element("tanker", "tanker", owner="spacex", dry_mass_t=100.0,
                 propellant_capacity_t=150.0, propellant="methalox", isp_s=380.0,
                 integrated_launch="heavy", unit_cost_musd=90.0, reusable=True),
        _element("lander", "lander", dry_mass_t=30.0, launched_on="heavy",
                 unit_cost_musd=300.0),
        _element("capsule", "crew_vehicle", owner="spacex", dry_mass_t=10.0, crew_capacity=4,
                 launched_on="medium", unit_cost_musd=100.0, reusable=True),
        _element("soyuz", "crew_vehicle", owner="roscosmos", dry_mass_t=7.1, crew_capacity=3,
                 launched_on="r7", unit_cost_musd=50.0),
        _element("barge", "module", dry_mass_t=40.0, crew_capacity=4,
                 launched_on="equatorial"),
    ]
    vehicles = [
        _vehicle("heavy", [(28.5, 125.0), (51.6, 110.0)], 100.0),
        _vehicle("medium", [(28.5, 18.5), (51.6, 17.0)], 70.0),
        _vehicle("r7", [(51.6, 8.2)], 50.0),
        _vehicle("equatorial", [(5.0, 60.0), (28.5, 50.0)], 80.0),
    ]
    propellants = [
        Propellant(id="methalox", name="LOX/LCH4", cryogenic=True,
                   boiloff_pct_per_day=methalox_pct, source="test propellant"),
        Propellant(id="hydrolox", name="LOX/LH2", cryogenic=True,
                   boiloff_pct_per_day=hydrolox_pct, source="test propellant"),
    ]
    return SimpleNamespace(elements={e.id: e for e in elements},
                           launch_vehicles={v.id: v for v in vehicles},
                           propellants={p.id: p for p in propellants})


def _mission(tmi=0.0, moi=0.0, tei=0.0, eoi=0.0, days=(200.0, 700.0, 900.0),
             mission_class="conjunction", flybys=()):
    arrive, leave, land = (J0 + d for d in days)
    return Mission(
        mission_class=mission_class, flyby=None, legs=(), flybys=tuple(flybys),
        earth_departure_jd_tdb=J0, mars_arrival_jd_tdb=arrive, mars_departure_jd_tdb=leave,
        earth_arrival_jd_tdb=land, c3_km2s2=10.0, vinf_mars_arrival_kms=3.0,
        vinf_mars_departure_kms=3.0, vinf_earth_arrival_kms=3.0, earth_entry_speed_kms=11.6,
        dv_departure_kms=tmi, dv_mars_arrival_kms=moi, dv_mars_departure_kms=tei,
        dv_earth_return_kms=eoi, dv_flyby_kms=sum(f.dv_kms for f in flybys),
        dv_total_kms=tmi + moi + tei + eoi)


def _scenario(elements, crew=None, dv_pct=0.0, isru_t=0.0, refuelling="tanker", **extra):
    data = {"mission": {"name": "test", "opportunity": 2033},
            "crew": crew or {"nasa": 2}, "element": elements,
            "margins": {"dv_pct": dv_pct}, "isru": {"propellant_t": isru_t}, **extra}
    if refuelling:
        data["refuelling"] = {"tanker": refuelling, "provider": "spacex"}
    return Scenario.model_validate(data)


def _ship(burns, **fields):
    return {"id": "ship", "provider": "spacex", "role": "transit", "burns": burns, **fields}


def _rows(rows) -> list[dict]:
    """Typed rows as dicts (a maneuver's elements also "+"-joined as ``element``)."""
    from dataclasses import fields

    out = []
    for r in rows:
        d = {f.name: getattr(r, f.name) for f in fields(r)}
        if "elements" in d:
            d["element"] = "+".join(d["elements"]) or None
        if hasattr(r, "mass_per_launch_t"):
            d["mass_per_launch_t"] = r.mass_per_launch_t
        out.append(d)
    return out


def _burns(sizing, maneuver):
    return [r for r in _rows(sizing.burns) if r["maneuver"] == maneuver]


# --- the rocket equation, backward ----------------------------------------------------------

def test_one_burn_with_margin():
    # Burnout mass: ship 100 + crew 0.2 + consumables 4.104 = 104.304 t.
    # dv with a 10 % margin: 3.0 x 1.1 = 3.3 km/s; exp(3.3 / 3.726527) = 2.424299;
    # propellant = 104.304 x 1.424299 = 148.5602 t; IMLEO = 104.304 + 148.5602.
    sizing = size_mission(_scenario([_ship(["tmi"])], dv_pct=10.0), _catalog(),
                          _mission(tmi=3.0))
    (tmi,) = _rows(sizing.maneuvers)[:1]
    assert tmi["maneuver"] == "tmi" and tmi["element"] == "ship"
    assert_allclose([tmi["dv_kms"], tmi["dv_with_margin_kms"]], [3.0, 3.3], rtol=1e-12)
    (burn,) = _burns(sizing, "tmi")
    assert_allclose(burn["mass_after_t"], 104.304, rtol=RTOL)
    assert_allclose(burn["propellant_t"], 148.560239, rtol=RTOL)
    assert_allclose(sizing.imleo_t, 104.304 + 148.560239, rtol=RTOL)
    assert_allclose(sizing.consumables_t, 4.104, rtol=1e-12)
    assert sizing.feasible, sizing.limits


def test_two_burns_computed_backward_and_a_stage_dropped():
    # The kick stage (Isp 450 s) flies TMI and drops; the ship (Isp 380 s) flies TEI.
    # TEI burnout: ship 100 + crew 0.2 + consumables left 0.912 = 101.112 t;
    #   propellant = 101.112 x (exp(1.5 / 3.726527) - 1) = 101.112 x 0.495590 = 50.10991 t.
    # TMI burnout: ship 100 + kick 20 + crew 0.2 + consumables 4.104 + TEI propellant
    #   50.10991 = 174.41391 t; propellant = 174.41391 x (exp(3.0 / 4.412993) - 1)
    #   = 174.41391 x 0.973504 = 169.79270 t; IMLEO = 174.41391 + 169.79270 = 344.20661 t.
    scenario = _scenario([{"id": "kick", "provider": "nasa", "role": "stage", "burns": ["tmi"]},
                          _ship(["tei"])])
    sizing = size_mission(scenario, _catalog(), _mission(tmi=3.0, tei=1.5))
    (tei,) = _burns(sizing, "tei")
    assert tei["element"] == "ship"
    assert_allclose(tei["mass_after_t"], 101.112, rtol=RTOL)  # the kick stage is gone
    assert_allclose(tei["propellant_t"], 50.109912, rtol=RTOL)
    (tmi,) = _burns(sizing, "tmi")
    assert tmi["element"] == "kick" and tmi["isp_s"] == 450.0
    assert_allclose(tmi["mass_after_t"], 174.413912, rtol=RTOL)
    assert_allclose(tmi["propellant_t"], 169.792698, rtol=RTOL)
    assert_allclose(sizing.imleo_t, 344.206609, rtol=RTOL)
    moi = next(r for r in _rows(sizing.maneuvers) if r["maneuver"] == "moi")
    assert moi["dv_kms"] == 0.0 and moi["element"] is None and moi["propellant_t"] == 0.0


def test_boiloff_over_the_days_before_each_burn():
    # Methalox at 0.1 %/day, loaded 30 days before departure (the default campaign).
    # MOI on day 200: burnout ship 100 + crew 0.2 + consumables 3.192 = 103.392 t;
    #   propellant = 103.392 x (exp(1.0 / 3.726527) - 1) = 31.82406 t, held 230 days:
    #   loaded 31.82406 / 0.999^230 = 40.05837 t, of which 8.23431 t boils off.
    # TMI: burnout 100.2 + 4.104 + the MOI propellant still aboard on day 0,
    #   31.82406 / 0.999^200 = 38.87389 t, = 143.17789 t; propellant 143.17789 x
    #   (exp(3.0 / 3.726527) - 1) = 177.08012 t, loaded 177.08012 / 0.999^30 = 182.47575 t.
    sizing = size_mission(_scenario([_ship(["tmi", "moi"])]), _catalog(methalox_pct=0.1),
                          _mission(tmi=3.0, moi=1.0))
    (moi,) = _burns(sizing, "moi")
    assert_allclose(moi["propellant_t"], 31.824062, rtol=RTOL)
    assert_allclose(moi["hold_days"], 230.0)
    assert_allclose(moi["loaded_leo_t"], 40.058375, rtol=RTOL)
    assert_allclose(moi["boiloff_t"], 40.058375 - 31.824062, rtol=RTOL)
    (tmi,) = _burns(sizing, "tmi")
    assert_allclose(tmi["mass_after_t"], 143.177887, rtol=RTOL)
    assert_allclose(tmi["propellant_t"], 177.080119, rtol=RTOL)
    assert_allclose(tmi["loaded_leo_t"], 182.475750, rtol=RTOL)
    # IMLEO counts the propellant as loaded; at TMI the campaign's boil-off is gone.
    assert_allclose(sizing.imleo_t, 100.2 + 4.104 + 40.058375 + 182.475750, rtol=RTOL)
    assert_allclose(sizing.mass_at_departure_t, 143.177887 + 177.080119, rtol=RTOL)


def test_capacity_shortfall_names_the_element_the_burns_and_the_amount():
    # TMI 3.6, MOI 1.0, TEI 2.0 km/s, all by the ship (450 t of tanks), no margin:
    # TEI: burnout 100.2 + 0.912 = 101.112 t -> 71.82400 t;
    # MOI: burnout 100.2 + 3.192 + 71.82400 = 175.21600 t -> 53.93149 t;
    # TMI: burnout 100.2 + 4.104 + 71.82400 + 53.93149 = 230.05949 t -> 374.43035 t.
    # Needs 500.18583 t, holds 450 t: short by 50.18583 t, less than the TEI share,
    # so what is missing is the way home.
    sizing = size_mission(_scenario([_ship(["tmi", "moi", "tei"])]), _catalog(),
                          _mission(tmi=3.6, moi=1.0, tei=2.0))
    assert_allclose([r["propellant_t"] for r in _rows(sizing.burns)],
                    [374.430347, 53.931492, 71.823995], rtol=RTOL)
    assert not sizing.feasible
    assert sizing.limits == [
        ("ship cannot return from Mars without propellant made on Mars: short by 50.2 t "
         "(needs 500.2 t for TMI+MOI+TEI, holds 450.0 t)")]


def test_isru_covers_tei():
    # As above with 100 t made on Mars: TEI's 71.82400 t all comes from Mars.
    # MOI burnout 100.2 + 3.192 = 103.392 t -> 31.82406 t; TMI burnout
    # 100.2 + 4.104 + 31.82406 = 136.12806 t -> 221.55347 t. Tanks hold 253.38 t < 450 t.
    sizing = size_mission(_scenario([_ship(["tmi", "moi", "tei"])], isru_t=100.0), _catalog(),
                          _mission(tmi=3.6, moi=1.0, tei=2.0))
    tmi, moi, tei = _rows(sizing.burns)
    assert_allclose([tei["propellant_t"], tei["isru_propellant_t"], tei["loaded_leo_t"]],
                    [71.823995, 71.823995, 0.0], rtol=RTOL, atol=1e-12)
    assert_allclose(moi["propellant_t"], 31.824062, rtol=RTOL)
    assert_allclose(tmi["propellant_t"], 221.553470, rtol=RTOL)
    assert sizing.feasible, sizing.limits
    assert any("28.2 t of the 100.0 t of propellant made on Mars" in n for n in sizing.notes)


def test_isru_shortfall_comes_from_earth():
    # 30 t made on Mars: TEI still burns 71.82400 t, 41.82400 t of it from Earth.
    # MOI burnout 103.392 + 41.82400 = 145.21600 t -> 44.69749 t;
    # TMI burnout 104.304 + 41.82400 + 44.69749 = 190.82549 t -> 310.57555 t.
    sizing = size_mission(_scenario([_ship(["tmi", "moi", "tei"])], isru_t=30.0), _catalog(),
                          _mission(tmi=3.6, moi=1.0, tei=2.0))
    tmi, moi, tei = _rows(sizing.burns)
    assert_allclose([tei["isru_propellant_t"], tei["loaded_leo_t"]], [30.0, 41.823995],
                    rtol=RTOL)
    assert_allclose([moi["propellant_t"], tmi["propellant_t"]], [44.697490, 310.575555],
                    rtol=RTOL)
    assert sizing.feasible, sizing.limits


def test_series_stages_fill_from_the_last():
    # Two kick stages on TMI (200 t tanks each): the second to fire is filled, the
    # first takes the rest. Payload after TMI: ship 100 + 0.2 + 4.104 = 104.304 t.
    # Second stage: burnout 124.304 t, full 200 t: dv = 4.412993 x ln(324.304 / 124.304)
    #   = 4.231844 km/s; the first covers 6.0 - 4.231844 = 1.768156 km/s:
    #   burnout 324.304 + 20 = 344.304 t -> 344.304 x (exp(1.768156 / 4.412993) - 1)
    #   = 169.6817 t, and drops before the second fires.
    kick = {"id": "kick", "provider": "nasa", "role": "stage", "burns": ["tmi"]}
    sizing = size_mission(_scenario([kick, dict(kick), _ship([])]), _catalog(),
                          _mission(tmi=6.0))
    first, second = _burns(sizing, "tmi")
    assert_allclose([second["propellant_t"], second["mass_after_t"]], [200.0, 124.304],
                    rtol=RTOL)
    assert_allclose(second["dv_kms"], 4.231844, rtol=RTOL)
    assert_allclose(first["mass_after_t"], 344.304, rtol=RTOL)
    assert_allclose(first["propellant_t"], 169.681696, rtol=RTOL)
    assert_allclose(first["dv_kms"] + second["dv_kms"], 6.0, rtol=1e-12)


def test_landers_are_left_at_mars_and_flyby_mission_has_no_moi():
    # The lander rides through TMI, then stays at Mars: TEI does not carry it.
    lander = {"id": "lander", "provider": "nasa", "role": "lander"}
    sizing = size_mission(_scenario([_ship(["tmi", "moi", "tei"]), lander]), _catalog(),
                          _mission(tmi=3.6, moi=1.0, tei=2.0))
    _tmi, moi, tei = _rows(sizing.burns)
    assert_allclose(tei["mass_after_t"], 101.112, rtol=RTOL)  # no lander
    assert_allclose(moi["mass_after_t"] - 30.0, 100.2 + 3.192 + tei["propellant_t"], rtol=RTOL)
    assert any("left at Mars" in n for n in sizing.notes)
    # Flyby: no capture, whatever the trajectory says.
    flyby = size_mission(_scenario([_ship(["tmi", "moi", "tei"])]), _catalog(),
                         _mission(tmi=3.6, moi=1.0, days=(200.0, 200.0, 500.0),
                                  mission_class="flyby"))
    assert [r["maneuver"] for r in _rows(flyby.burns)] == ["tmi"]


def test_powered_swingby_is_flown_by_the_next_maneuvers_elements():
    # A 0.2 km/s powered Venus swing-by on day 100 goes to the MOI element, the ship.
    venus = Flyby("venus", J0 + 100.0, None, None, 300.0, 20.0, 0.2)
    sizing = size_mission(_scenario([_ship(["tmi", "moi"])]), _catalog(),
                          _mission(tmi=3.6, moi=1.0, flybys=[venus]))
    assert [r["maneuver"] for r in _rows(sizing.maneuvers)] == ["tmi", "flyby", "moi",
                                                                   "tei", "eoi"]
    (swing,) = _burns(sizing, "flyby")
    assert swing["element"] == "ship" and swing["dv_kms"] == pytest.approx(0.2)


def test_maneuver_nobody_flies_is_a_limit():
    kick = {"id": "kick", "provider": "nasa", "role": "stage", "burns": ["tmi"]}
    habitat = {"id": "barge", "provider": "nasa", "role": "transit"}
    sizing = size_mission(_scenario([kick, habitat]), _catalog(),
                          _mission(tmi=3.0, moi=1.2), inclination_deg=28.5)
    assert sizing.limits == [("no element with an engine flies MOI (1.200 km/s with margin): "
                              "list it in an element's burns")]


# --- launches, tankers, crew access, cost -------------------------------------------------

def test_tanker_flights_and_crew_access_by_partner():
    # 5 crew: consumables 5 x 900 x 5 x 0.456 / 1000 = 10.26 t, crew 5 x 0.08 = 0.4 t;
    # burnout 110.66 t, 3.3 km/s -> 110.66 x 1.424299 = 157.6129 t loaded in orbit (no
    # boil-off), brought by the tanker at min(150 t tanks, 110 t lifted to 51.6 deg)
    # = 110 t a flight: ceil(157.61 / 110) = 2 flights. The assembly orbit is 51.6 deg, the lowest the
    # Soyuz rocket's table gives. NASA's 2 and ESA's 1 fly the NASA capsule (4 seats,
    # ESA has none of its own), Roscosmos's 2 their Soyuz (3 seats): one flight each.
    crew = {"nasa": 2, "roscosmos": 2, "esa": 1}
    elements = [_ship(["tmi"]),
                {"id": "capsule", "provider": "nasa", "role": "crew_access"},
                {"id": "soyuz", "provider": "roscosmos", "role": "crew_access"}]
    scenario = _scenario(elements, crew=crew, refuelling="tanker", dv_pct=10.0,
                         life_support={"crew_member_t": 0.08})
    sizing = size_mission(scenario, _catalog(), _mission(tmi=3.0))
    assert sizing.inclination_deg == 51.6
    assert_allclose(sizing.consumables_t, 10.26, rtol=1e-12)
    burnout = 100.0 + 0.4 + 10.26
    loaded = burnout * math.expm1(3.3 / 3.726527)
    assert_allclose(sizing.imleo_t, burnout + loaded, rtol=RTOL)
    assert sizing.tanker_flights == math.ceil(loaded / 110.0) == 2
    assert sizing.launches == {"heavy": 3, "medium": 1, "r7": 1}
    crew_rows = {r["element"]: r["crew"] for r in _rows(sizing.launch_rows)
                 if r["purpose"] == "crew_access"}
    assert crew_rows == {"capsule": 3, "soyuz": 2}
    # Cost: heavy 3 x 100 + medium 70 + r7 50 + ship 200 + capsule 100 (reusable, one)
    # + Soyuz 50 + tanker 90 (reusable: one ship flies both flights) = 860 M$.
    assert_allclose(sizing.cost_musd, 860.0, rtol=1e-12)
    assert sizing.feasible, sizing.limits


def test_items_and_launches_add_up_to_imleo_and_cost():
    from marsplan.joint.contributions import contributions  # a peer layer, used as a reader

    crew = {"nasa": 2, "roscosmos": 2}
    elements = [_ship(["tmi", "moi"]), {"id": "lander", "provider": "nasa", "role": "lander"},
                {"id": "capsule", "provider": "nasa", "role": "crew_access"},
                {"id": "soyuz", "provider": "roscosmos", "role": "crew_access"}]
    sizing = size_mission(_scenario(elements, crew=crew, refuelling="tanker"),
                          _catalog(methalox_pct=0.1), _mission(tmi=3.6, moi=1.0),
                          extra_payload_t=1.5)
    assert_allclose(math.fsum(r.mass_t for r in sizing.items), sizing.imleo_t - 1.5,
                    rtol=1e-12)
    assert_allclose(math.fsum(r.cost_musd for r in (*sizing.items, *sizing.launch_rows)),
                    sizing.cost_musd, rtol=1e-12)
    assert sum(r.launches for r in sizing.launch_rows) == sum(sizing.launches.values())
    # Every launch lifts something: the mass it puts in the assembly orbit.
    assert all(r.mass_t > 0 for r in sizing.launch_rows)
    tanker = next(r for r in sizing.launch_rows if r.purpose == "tanker")
    assert_allclose(tanker.mass_t, math.fsum(r.mass_t for r in sizing.items
                                             if r.kind == "propellant"), rtol=1e-12)
    shares = {p.partner: p for p in contributions(
        SimpleNamespace(partners=lambda: ["nasa", "roscosmos", "spacex"], elements=[
            ElementUse.model_validate(e) for e in elements], refuelling=None,
            crew=crew), None, [*sizing.items, *sizing.launch_rows])}
    assert shares["spacex"].launches == 1 + sizing.tanker_flights
    assert_allclose(sum(p.mass_to_leo_t for p in shares.values()), sizing.imleo_t - 1.5,
                    rtol=1e-12)


def test_a_vehicle_that_cannot_reach_the_assembly_orbit_is_a_limit():
    # The barge's vehicle is tabulated up to 28.5 deg only; the Soyuz rocket needs 51.6.
    elements = [_ship(["tmi"]), {"id": "barge", "provider": "esa", "role": "module"},
                {"id": "soyuz", "provider": "roscosmos", "role": "crew_access"}]
    sizing = size_mission(_scenario(elements, crew={"roscosmos": 2}, refuelling=None), _catalog(),
                          _mission(tmi=1.0))
    assert sizing.inclination_deg == 51.6
    assert "equatorial cannot reach the 51.6 deg assembly orbit: its payload_leo points stop " \
           "at 28.5 deg (barge flies on it)" in sizing.limits
    # The ship reaches orbit with empty tanks and nothing refuels it.
    assert any(m.startswith("ship reach orbit with empty tanks but the scenario has no "
                            "refuelling") for m in sizing.limits)


def test_heavy_element_needs_several_launches_and_crew_seats_are_checked():
    # 2 kick stages are one element of count 2 (firing together), launched wet (no
    # tanker). A crew of 7: consumables 7 x 900 x 5 x 0.456 / 1000 = 14.364 t; burnout
    # 100 + 0.7 + 14.364 + 40 = 155.064 t; 3.5 km/s -> 155.064 x (exp(3.5 / 4.412993)
    # - 1) = 187.6686 t; per unit 20 + 93.8343 = 113.8343 t > 110 t at 51.6 deg:
    # two launches per unit, four in all. The ship seats 6.
    kick = {"id": "kick", "provider": "nasa", "role": "stage", "burns": ["tmi"], "count": 2}
    sizing = size_mission(_scenario([kick, _ship([])], crew={"nasa": 7}, refuelling=None),
                          _catalog(), _mission(tmi=3.5), inclination_deg=51.6)
    (tmi,) = _burns(sizing, "tmi")
    assert_allclose(tmi["propellant_t"], 187.668598, rtol=RTOL)
    launch = next(r for r in _rows(sizing.launch_rows) if r["element"] == "kick")
    assert launch["launches"] == 4
    assert_allclose(launch["mass_per_launch_t"], 113.834299 / 2, rtol=RTOL)
    assert "ship seats 6 but the crew is 7: 1 seats short" in sizing.limits


def test_unknown_element_is_an_input_error():
    bad = _scenario([{"id": "nope", "provider": "nasa", "role": "transit"}])
    with pytest.raises(InputError, match="element\\[0\\].id: 'nope' is not in the catalog"):
        size_mission(bad, _catalog(), _mission(tmi=3.0))


# --- DRA 5.0 chemical/aerocapture ------------------------------------------------------------

def _reference(architecture, element, quantity=None):
    """The architectures.csv row of this architecture and element (and quantity)."""
    with open(REFERENCE / "architectures.csv", newline="") as f:
        for row in csv.DictReader(f):
            if (row["architecture"] == architecture and row["element"] == element
                    and quantity in (None, row["quantity"])):
                return row
    raise LookupError((architecture, element, quantity))


def _round_trip(trip_id):
    with open(REFERENCE / "round_trips.csv", newline="") as f:
        return next(r for r in csv.DictReader(f) if r["mission_id"] == trip_id)


def _masses(text):
    """'burnout 15.1 / propellant 86.2 or 91.1 / RCS 2.3' -> {'burnout': 15.1, ...} (max)."""
    out = {}
    for part in text.split("(", 1)[1].rstrip(")").split("/"):
        name, *numbers = part.split()
        out[name] = max(float(x) for x in numbers if x.replace(".", "").isdigit())
    return out


def test_dra5_chemical_imleo():
    """DRA 5.0's chemical/aerocapture architecture rebuilt from its element masses.

    Sources: tests/reference/architectures.csv (Drake 2009, NASA-SP-2009-566,
    Tables 4-2, 4-4) and round_trips.csv (Fig. 4-2 delta-v, read off a bar chart).

    What is DRA's, what is ours:
    - Element masses from Table 4-2: TMI module burnout 15.1 t, propellant up to
      91.1 t, RCS 2.3 t; MOI stage 10.3 / 50.2 / 5.3 t; TEI stage 11.4 / 24.1 / 7.3 t.
      RCS propellant is not modelled: it is carried as inert mass to the end of the
      stage's life (an upper bound on its effect). Crew vehicle: three TMI modules
      (486.0 - 41.3 - 10.6 - 65.8 - 42.7 = 325.6 = 3 x 108.5), staged in series.
    - Transit habitat 41.34 t at TMI (Table 4-4) includes the crew and 13.24 t of
      food: its dry mass is taken as 41.34 - 13.24 - 0.6 = 27.5 t and the
      consumables come from marsplan's life-support defaults (12.50 t for 6 crew
      over 914 days). The CEV (Orion) is 10.0 t (Table 4-4), launched separately
      with the crew and flown to Mars and back; the crew is 6 x 0.1 t.
    - Isp 465.5 s for every RL10-B2 burn: the engine's published vacuum Isp (Pratt &
      Whitney Rocketdyne RL10B-2 data sheet); DRA's own figure is not in reference/.
    - Crew delta-v: Fig. 4-2's 2037 bars (TMI 4.085, MOI 1.731, TEI 1.563 km/s), the
      chart's most demanding opportunity (largest total, 7.379 km/s), so a vehicle
      sized for it serves every opportunity shown (which one DRA sized for is not in
      reference/); no margin on top (the bars are DRA's design values) and no Earth
      capture burn (direct entry in the CEV). Days 174 / 539 / 201 (DRA's example
      long-stay profile, section 6.2).
    - Cargo vehicles (two): two TMI modules each plus the 103.0 t lander in its
      aeroshell, aerocaptured at Mars. Their TMI is not given by DRA: we take the
      handbook's minimum C3 of the 2035 opportunity (one before the crew's; 10.19
      km^2/s^2, earth_mars_optima.csv) from DRA's 407 km circular orbit:
      3.635 km/s by docs/design.md's departure formula.
    - No boil-off: Table 4-2 carries no boil-off allowance, so none is modelled.

    Figures reached: crew vehicle 479.7 t (Table 4-2: 486.0, -1.3 %), cargo vehicle
    288.9 t (310.2, -6.9 %), total 1057.5 t against the published 1251.8 t: -15.5 %,
    inside the README's 20-30 % for a generic model. The element rows themselves add
    up to only 1106.4 t (README: the 145 t gap to 1251.8 is unexplained), so no
    model built from them can come within the README's 5 %: against that sum we are
    at -4.4 %. The one limit reported: with RCS carried as dead mass the TEI stage
    needs 24.3 t where DRA loads 24.1 t.
    """
    chem = "DRA5.0 chemical/aerocapture"
    tmi = _masses(_reference(chem, "TMI module (cargo / crew)")["quantity"])
    moi = _masses(_reference(chem, "MOI stage (two RL10-B2)")["quantity"])
    tei = _masses(_reference(chem, "TEI stage (two RL10-B2)")["quantity"])
    # As the docstring says (the crew loading of the TMI module, 91.1 t):
    assert (tmi, moi, tei) == ({"burnout": 15.1, "propellant": 91.1, "RCS": 2.3},
                               {"burnout": 10.3, "propellant": 50.2, "RCS": 5.3},
                               {"burnout": 11.4, "propellant": 24.1, "RCS": 7.3})
    lander_t = float(_reference("DRA5.0 NTR (nuclear thermal) reference",
                                "cargo vehicle payload (lander in aeroshell)", "mass")["value"])
    habitat_t = float(_reference("DRA5.0 (both options)", "transit habitat (TransHab) at TMI",
                                 "mass")["value"])
    rl10_isp_s = 465.5
    elements = {e.id: e for e in [
        _element("transhab", "module", dry_mass_t=habitat_t - 13.24 - 0.6, crew_capacity=6,
                 launched_on="ares_v"),
        _element("orion", "crew_vehicle", dry_mass_t=10.0, crew_capacity=6,
                 launched_on="ares_i"),
        _element("tmi_module", "stage", dry_mass_t=tmi["burnout"] + tmi["RCS"],
                 propellant_capacity_t=tmi["propellant"], propellant="hydrolox",
                 isp_s=rl10_isp_s, launched_on="ares_v"),
        _element("moi_stage", "stage", dry_mass_t=moi["burnout"] + moi["RCS"],
                 propellant_capacity_t=moi["propellant"], propellant="hydrolox",
                 isp_s=rl10_isp_s, launched_on="ares_v"),
        _element("tei_stage", "stage", dry_mass_t=tei["burnout"] + tei["RCS"],
                 propellant_capacity_t=tei["propellant"], propellant="hydrolox",
                 isp_s=rl10_isp_s, launched_on="ares_v"),
        _element("lander", "lander", dry_mass_t=lander_t, launched_on="ares_v"),
    ]}
    # Ares V's payload is not in reference/ (README, "Not found"): 125 t is a test
    # value above the heaviest element (a 108.5 t TMI module), so each element
    # flies alone, as DRA's twelve launches imply. Ares I lifts the CEV and crew.
    catalog = SimpleNamespace(
        elements=elements, propellants=_catalog().propellants,
        launch_vehicles={"ares_v": _vehicle("ares_v", [(28.5, 125.0)], 1000.0),
                         "ares_i": _vehicle("ares_i", [(28.5, 25.0)], 500.0)})
    stage = {"provider": "nasa", "role": "stage"}
    crew_elements = [
        {"id": "transhab", "provider": "nasa", "role": "transit"},
        {"id": "orion", "provider": "nasa", "role": "crew_access", "to_mars": True},
        *[{"id": "tmi_module", "burns": ["tmi"], **stage} for _ in range(3)],
        {"id": "moi_stage", "burns": ["moi"], **stage},
        {"id": "tei_stage", "burns": ["tei"], **stage}]
    crew_scenario = _scenario(crew_elements, crew={"nasa": 6}, refuelling=None,
                              orbits={"leo_altitude_km": 407.0})
    trip = _round_trip("dra5_crew_2037")
    crew_mission = _mission(tmi=float(trip["dv_tmi_kms"]), moi=float(trip["dv_moi_kms"]),
                            tei=float(trip["dv_tei_kms"]),
                            days=(174.0, 174.0 + 539.0, 914.0))
    crew = size_mission(crew_scenario, catalog, crew_mission, campaign_days=390.0)

    # A cargo flight has no crew and no transit vehicle, which Scenario's validation
    # refuses; model_construct builds it unchecked (size_mission reads it as data).
    cargo_scenario = Scenario.model_construct(
        mission=crew_scenario.mission.model_copy(update={"mars_capture": "aerocapture"}),
        crew={}, elements=[ElementUse.model_validate(e) for e in (
            {"id": "tmi_module", "burns": ["tmi"], **stage},
            {"id": "tmi_module", "burns": ["tmi"], **stage},
            {"id": "lander", "provider": "nasa", "role": "cargo"})],
        refuelling=None, isru=crew_scenario.isru, orbits=crew_scenario.orbits,
        margins=crew_scenario.margins, life_support=crew_scenario.life_support)
    cargo_tmi_kms = float(departure_dv_kms(math.sqrt(10.19), "earth", Orbit.circular(407.0)))
    assert_allclose(cargo_tmi_kms, 3.635, atol=5e-4)
    cargo = size_mission(cargo_scenario, catalog,
                         _mission(tmi=cargo_tmi_kms, moi=2.0, days=(196.0, 196.0, 196.0)))

    published_t = float(_reference(chem, "total", "IMLEO")["value"])
    total_t = crew.imleo_t + 2 * cargo.imleo_t
    assert published_t == 1251.8
    # README section 4: a generic sizing model lands within ~20-30 % of IMLEO.
    assert abs(total_t / published_t - 1.0) < 0.20
    # Finer checks against the (low-confidence) vehicle rows: the crew vehicle is
    # all DRA's numbers but the life-support model, so within 5 %.
    assert abs(crew.imleo_t / 486.0 - 1.0) < 0.05
    assert abs(cargo.imleo_t / 310.2 - 1.0) < 0.10
    # Launches: each element on its own Ares V (6 crew + 2 x 3 cargo = 12, Table 4-2),
    # the crew on Ares I.
    assert crew.launches["ares_v"] + 2 * cargo.launches["ares_v"] == 12
    assert crew.launches["ares_i"] == 1
    # MOI is zero for the aerocaptured cargo; the crew vehicle's one limit is its TEI
    # stage (RCS carried as dead mass, see above).
    assert cargo.feasible, cargo.limits
    assert len(crew.limits) == 1 and crew.limits[0].startswith(
        "tei_stage cannot return from Mars without propellant made on Mars: short by 0.2 t")
    # Figures for the record (the docstring's).
    assert_allclose([crew.imleo_t, cargo.imleo_t, total_t], [479.67, 288.93, 1057.52],
                    atol=0.01)


def _landing_catalog():
    catalog = _catalog()
    catalog.elements["mav"] = _element(
        "mav", "lander", dry_mass_t=20.0, propellant_capacity_t=100.0, propellant="methalox",
        isp_s=380.0, crew_capacity=4, launched_on="heavy", descent_dv_kms=0.5,
        ascent_dv_kms=4.0)
    return catalog


def test_a_crew_lander_flies_descent_and_ascent_alone_and_the_ship_carries_it():
    # Rocket equation by hand, v_e = 3.726527 km/s. The lander flies alone: ascent
    # burnout = lander 20 + crew 0.2 = 20.2 t; descent burnout = 20.2 t + the ascent
    # propellant. TEI is the ship without the lander (101.112 t at burnout, as
    # above); MOI carries everything: ship, lander, crew, 3.192 t of consumables
    # and the propellant of every later burn.
    ve = 3.726527
    scenario = _scenario([_ship(["tmi", "moi", "tei"]),
                          {"id": "mav", "provider": "nasa", "role": "lander"}],
                         crew_health={"surface": True})
    sizing = size_mission(scenario, _landing_catalog(), _mission(tmi=3.6, moi=1.0, tei=2.0))
    assert sizing.lands
    rows = {r["maneuver"]: r for r in _rows(sizing.burns)}
    assert [r.maneuver for r in sizing.maneuvers] == ["tmi", "moi", "descent", "ascent", "tei",
                                                      "eoi"]
    ascent_t = 20.2 * math.expm1(4.0 / ve)
    descent_t = (20.2 + ascent_t) * math.expm1(0.5 / ve)
    tei_t = 101.112 * math.expm1(2.0 / ve)
    assert rows["ascent"]["element"] == rows["descent"]["element"] == "mav"
    assert_allclose(rows["ascent"]["mass_after_t"], 20.2, rtol=RTOL)
    assert_allclose(rows["ascent"]["propellant_t"], ascent_t, rtol=RTOL)
    assert_allclose(rows["descent"]["propellant_t"], descent_t, rtol=RTOL)
    assert_allclose(rows["tei"]["propellant_t"], tei_t, rtol=RTOL)
    assert_allclose(rows["moi"]["mass_after_t"],
                    100.0 + 20.0 + 0.2 + 3.192 + ascent_t + descent_t + tei_t, rtol=RTOL)


def test_the_transit_vehicle_lands_when_it_can_and_isru_serves_the_ascent():
    # The ship itself lands (descent 0.5, ascent 4.0 km/s): the whole stack goes down.
    catalog = _catalog()
    ship = catalog.elements["ship"]
    catalog.elements["ship"] = ship.model_copy(update={"descent_dv_kms": 0.5,
                                                       "ascent_dv_kms": 4.0})
    scenario = _scenario([_ship(["tmi", "moi", "tei"])], crew_health={"surface": True},
                         isru_t=1000.0)
    sizing = size_mission(scenario, catalog, _mission(tmi=3.6, moi=1.0, tei=2.0))
    rows = {r["maneuver"]: r for r in _rows(sizing.burns)}
    ve = 3.726527
    # ISRU covers the ascent and TEI (the burns from the surface on), not the descent.
    assert rows["ascent"]["isru_propellant_t"] == pytest.approx(rows["ascent"]["propellant_t"])
    assert rows["tei"]["isru_propellant_t"] == pytest.approx(rows["tei"]["propellant_t"])
    assert rows["descent"]["isru_propellant_t"] == 0.0
    # At the ascent the ship carries its TEI propellant (made on Mars) and 0.912 t of
    # consumables: burnout 100 + 0.2 + 0.912 + TEI propellant.
    tei_t = 101.112 * math.expm1(2.0 / ve)
    assert_allclose(rows["ascent"]["mass_after_t"], 101.112 + tei_t, rtol=RTOL)


def test_a_surface_stay_needs_an_element_that_lands():
    from marsplan.errors import ScenarioError

    scenario = _scenario([_ship(["tmi", "moi", "tei"]),
                          {"id": "lander", "provider": "nasa", "role": "lander"}],
                         crew_health={"surface": True})
    with pytest.raises(ScenarioError, match="crew_health.surface: .*no element of the scenario "
                                            "can land .*landers in the scenario: lander"):
        size_mission(scenario, _catalog(), _mission(tmi=3.6, moi=1.0, tei=2.0))
    flyby = _scenario([_ship(["tmi"])], crew_health={"surface": True})
    with pytest.raises(ScenarioError, match="crew_health.surface: the crew cannot land on a "
                                            "flyby"):
        size_mission(flyby, _landing_catalog(), _mission(tmi=3.6, days=(200.0, 200.0, 500.0),
                                                          mission_class="flyby"))
