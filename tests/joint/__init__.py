"""Tests of marsplan.joint, and a small catalog for them.

The catalog here is built from :mod:`marsplan.catalog.models` records with
rounded values (sources in each record) so the tests need not wait for, or
move with, the packaged data files. It is an object with the dicts the real
catalog has (``partners``, ``sites``, ``launch_vehicles``, ``elements``,
``propellants``, ``docking_standards``, ``adapters``), which is all the joint
code reads.
"""

from __future__ import annotations

from types import SimpleNamespace

from marsplan.catalog.models import (
    DockingStandard,
    Element,
    LaunchSite,
    LaunchVehicle,
    Partner,
    PayloadPoint,
)
from marsplan.joint.scenario import Scenario


def make_catalog(*, partners=(), sites=(), launch_vehicles=(), elements=(),
                 docking_standards=(), adapters=()):
    """A catalog object from lists of records, each dict keyed by id."""
    def by_id(records):
        return {r.id: r for r in records}
    return SimpleNamespace(partners=by_id(partners), sites=by_id(sites),
                           launch_vehicles=by_id(launch_vehicles), elements=by_id(elements),
                           propellants={}, docking_standards=by_id(docking_standards),
                           adapters=by_id(adapters))


def scenario(crew, elements, **extra) -> Scenario:
    """A 2033 conjunction-class scenario with ``crew`` and ``elements`` (dicts)."""
    data = {"mission": {"name": "test", "opportunity": 2033, "class": "conjunction"},
            "crew": crew, "element": elements, **extra}
    return Scenario.model_validate(data)


def _partner(pid, name, kind, country):
    return Partner(id=pid, name=name, kind=kind, country=country, source="test catalog")


PARTNERS = [
    _partner("nasa", "NASA", "agency", "United States"),
    _partner("spacex", "SpaceX", "company", "United States"),
    _partner("roscosmos", "Roscosmos", "agency", "Russia"),
    _partner("esa", "ESA", "agency", "Europe"),
]

# Bands as in the packaged sites.toml (Baikonur's crewed launches at 51.6 deg;
# the Eastern Range 28.5 to 57 deg; Starbase's corridor over the Gulf 26 to 30 deg).
SITES = [
    LaunchSite(id="baikonur", name="Baikonur", operator="Roscosmos (leased from Kazakhstan)",
               latitude_deg=45.96, min_inclination_deg=51.6, max_inclination_deg=98.0,
               source="ISS/Soyuz practice, 51.6 deg", estimate=True),
    LaunchSite(id="cape_canaveral", name="Cape Canaveral",
               operator="US Space Force (Eastern Range)", latitude_deg=28.5,
               min_inclination_deg=28.5, max_inclination_deg=57.0,
               source="Eastern Range azimuths 35-120 deg", estimate=True),
    LaunchSite(id="kennedy", name="Kennedy", operator="NASA", latitude_deg=28.6,
               min_inclination_deg=28.6, max_inclination_deg=57.0,
               source="Eastern Range azimuths 35-120 deg", estimate=True),
    LaunchSite(id="boca_chica", name="Boca Chica", operator="SpaceX", latitude_deg=25.99,
               min_inclination_deg=26.0, max_inclination_deg=30.0,
               source="Starship flight-test corridor over the Gulf", estimate=True),
]


def _points(*pairs):
    return [PayloadPoint(inclination_deg=i, altitude_km=200.0, payload_t=t) for i, t in pairs]


LAUNCH_VEHICLES = [
    # Test numbers, round on purpose: the payload-loss test computes with them by hand.
    LaunchVehicle(id="falcon9", name="Falcon 9", owner="spacex",
                  sites=["cape_canaveral", "kennedy"],
                  payload_leo=_points((28.5, 18.5), (57.0, 15.0)), reusable=True,
                  price_musd=69.75, crew_rated=True, source="test values", estimate=True),
    LaunchVehicle(id="super_heavy", name="Starship / Super Heavy", owner="spacex",
                  sites=["boca_chica", "kennedy"],
                  payload_leo=_points((26.0, 125.0), (28.5, 125.0), (51.6, 110.0)),
                  reusable=True, price_musd=100.0, source="test values", estimate=True),
    LaunchVehicle(id="soyuz_2_1a", name="Soyuz-2.1a", owner="roscosmos", sites=["baikonur"],
                  payload_leo=_points((51.6, 7.0)), reusable=False, price_musd=48.5,
                  crew_rated=True, source="test values", estimate=True),
    LaunchVehicle(id="sls_block1", name="SLS Block 1", owner="nasa", sites=["kennedy"],
                  payload_leo=_points((28.5, 95.0), (51.6, 88.0)), reusable=False,
                  price_musd=2200.0, crew_rated=True, source="test values", estimate=True),
]

ELEMENTS = [
    Element(id="starship_crew", name="Starship (crew)", kind="transit_vehicle", owner="spacex",
            dry_mass_t=120.0, propellant_capacity_t=1200.0, isp_s=375.0, crew_capacity=100,
            integrated_launch="super_heavy", source="test values", estimate=True),
    Element(id="starship_tanker", name="Starship tanker", kind="tanker", owner="spacex",
            dry_mass_t=100.0, propellant_capacity_t=1200.0, isp_s=375.0,
            integrated_launch="super_heavy", source="test values", estimate=True),
    Element(id="crew_dragon", name="Crew Dragon", kind="crew_vehicle", owner="spacex",
            dry_mass_t=9.5, crew_capacity=4, docking=["idss"], cabin_pressure_kpa=101.3,
            oxygen_fraction=0.21, launched_on="falcon9", source="test values", estimate=True),
    Element(id="soyuz_ms", name="Soyuz MS", kind="crew_vehicle", owner="roscosmos",
            dry_mass_t=7.08, crew_capacity=3, docking=["ssvp_probe"], cabin_pressure_kpa=101.3,
            oxygen_fraction=0.21, launched_on="soyuz_2_1a", source="test values",
            estimate=True),
    Element(id="orion", name="Orion", kind="crew_vehicle", owner="nasa", dry_mass_t=26.5,
            crew_capacity=4, docking=["idss"], cabin_pressure_kpa=101.3, oxygen_fraction=0.21,
            launched_on="sls_block1", source="test values", estimate=True),
    Element(id="progress_ms", name="Progress MS", kind="cargo", owner="roscosmos",
            dry_mass_t=7.28, launched_on="soyuz_2_1a", source="test values", estimate=True),
]

DOCKING_STANDARDS = [
    DockingStandard(id="idss", name="IDSS (NASA Docking System)", androgynous=True,
                    mates_with=["idss"], source="IDSS Interface Definition Document"),
    DockingStandard(id="ssvp_probe", name="SSVP probe", androgynous=False,
                    mates_with=["ssvp_drogue"], source="SSVP probe-and-drogue"),
    DockingStandard(id="ssvp_drogue", name="SSVP drogue", androgynous=False,
                    mates_with=["ssvp_probe"], source="SSVP probe-and-drogue"),
]


def joint_catalog(**overrides):
    """The test catalog: NASA, SpaceX, Roscosmos, ESA and their vehicles."""
    parts = {"partners": PARTNERS, "sites": SITES, "launch_vehicles": LAUNCH_VEHICLES,
             "elements": ELEMENTS, "docking_standards": DOCKING_STANDARDS, "adapters": ()}
    parts.update(overrides)
    return make_catalog(**parts)


def us_russia(**extra) -> Scenario:
    """Crew of 2 NASA + 2 Roscosmos on a SpaceX Starship refuelled in LEO by SpaceX
    tankers, reaching it on Crew Dragon (SpaceX) and Soyuz MS (Roscosmos)."""
    elements = [
        {"id": "starship_crew", "provider": "spacex", "role": "transit",
         "burns": ["tmi", "moi", "tei"]},
        {"id": "crew_dragon", "provider": "spacex", "role": "crew_access"},
        {"id": "soyuz_ms", "provider": "roscosmos", "role": "crew_access"},
    ]
    extra.setdefault("refuelling", {"tanker": "starship_tanker", "provider": "spacex"})
    return scenario({"nasa": 2, "roscosmos": 2}, elements, **extra)
