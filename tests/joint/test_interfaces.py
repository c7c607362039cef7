"""marsplan.joint.interfaces on the Apollo-Soyuz Test Project (1975).

Records built from published ASTP figures:

* Apollo CSM: 100 % oxygen at 0.34 atm (34.5 kPa; 5 psia), the Apollo
  probe-and-drogue docking system; 28 V DC bus.
* Soyuz 7K-TM (Soyuz 19): nitrogen-oxygen air at 1.0 atm (101.3 kPa, O2
  0.21), the androgynous APAS-75 fitted for ASTP; 27 V DC bus.
* The docking module, built by the US: an airlock with the Apollo drogue on
  one end and APAS-75 on the other, 2,012 kg.

Sources: Astronautix, "Apollo ASTP Docking Module" (mass, atmospheres, the
Soyuz cabin lowered to 0.68 atm, pressures equalised by valves with both
hatches closed); Smithsonian NASM, "Docking Module, ASTP Backup" (5 psi pure
oxygen vs 14.7 psi nitrogen/oxygen); Cooke, Bollinger & Richardson, Aviat.
Space Environ. Med. 46(7):930-933, 1975 (Soyuz at 523 torr, 30 % O2, to
Apollo's 258 torr without bends); bus voltages: Apollo CSM 28 V DC (NASA
Apollo Operations Handbook, electrical power system), Soyuz 27 V DC.
"""

from __future__ import annotations

import math

import pytest

from marsplan.catalog.models import Adapter, DockingStandard, Element
from marsplan.errors import InputError
from marsplan.joint.interfaces import (
    NEEDS_DEVELOPMENT,
    TISSUE_RATIO_MAX,
    check_interfaces,
    prebreathe_min,
    pressure_without_prebreathe_kpa,
)
from tests.joint import make_catalog, scenario

ATM_KPA = 101.325
TORR_KPA = ATM_KPA / 760.0

APOLLO = Element(id="apollo_csm", name="Apollo CSM (ASTP)", kind="transit_vehicle",
                 owner="nasa", dry_mass_t=14.7, crew_capacity=3,
                 docking=["probe_drogue_apollo"], cabin_pressure_kpa=34.5, oxygen_fraction=1.0,
                 power_bus_v=28.0, source="Astronautix ASTP; Apollo Operations Handbook")
SOYUZ = Element(id="soyuz_7k_tm", name="Soyuz 7K-TM (Soyuz 19)", kind="crew_vehicle",
                owner="roscosmos", dry_mass_t=6.68, crew_capacity=2, docking=["apas_75"],
                cabin_pressure_kpa=101.3, oxygen_fraction=0.21, power_bus_v=27.0,
                source="Astronautix ASTP; NASM docking module")
STANDARDS = [
    DockingStandard(id="probe_drogue_apollo", name="Apollo probe and drogue", androgynous=False,
                    mates_with=["probe_drogue_apollo"], source="Apollo probe-drogue"),
    DockingStandard(id="apas_75", name="APAS-75", androgynous=True, mates_with=["apas_75"],
                    source="ASTP androgynous peripheral docking system"),
]
DOCKING_MODULE = Adapter(id="astp_docking_module", name="ASTP docking module",
                         bridges=["docking", "atmosphere"],
                         between=["probe_drogue_apollo", "apas_75"], mass_t=2.012,
                         owner="nasa", source="Astronautix, Apollo ASTP Docking Module: 2,012 kg")


def astp(elements=(APOLLO, SOYUZ), adapters=(DOCKING_MODULE,), docking=None):
    cat = make_catalog(elements=list(elements), docking_standards=STANDARDS,
                       adapters=list(adapters))
    uses = [{"id": e.id, "provider": e.owner,
             "role": "transit" if e.kind == "transit_vehicle" else "crew_access"}
            for e in elements]
    pairs = docking or [{"a": "apollo_csm", "b": "soyuz_7k_tm"}]
    return scenario({"nasa": 3, "roscosmos": 2}, uses, docking=pairs), cat


def by_check(report):
    return {c.check: c for c in report.checks}


def test_apollo_soyuz_flags_docking_and_atmosphere_and_finds_the_docking_module():
    report = check_interfaces(*astp())
    checks = by_check(report)
    assert [c.check for c in report.checks] == ["docking", "atmosphere", "power"]
    dock, air, power = checks["docking"], checks["atmosphere"], checks["power"]
    assert (dock.a_value, dock.b_value) == ("probe_drogue_apollo", "apas_75")
    assert dock.compatible is False and dock.adapter == "astp_docking_module"
    assert air.compatible is False and air.adapter == "astp_docking_module"
    assert (air.a_value, air.b_value) == ("34.5 kPa, O2 1.00", "101.3 kPa, O2 0.21")
    # 28 V and 27 V differ by 3.6 %, under the 10 % limit.
    assert power.compatible is True and power.adapter is None
    # One module bridges both mismatches: flown and charged once, on the docking row.
    assert report.adapter_mass_t == pytest.approx(2.012, abs=1e-12)
    assert dock.adapter_mass_t == 2.012 and air.adapter_mass_t == 0.0
    assert "already flown for docking" in air.remedy
    assert sum(c.adapter_mass_t for c in report.checks) == report.adapter_mass_t
    [use] = report.adapters
    assert use.bridges == ("docking", "atmosphere") and use.owner == "nasa"
    assert not report.compatible and report.unresolved == ()
    assert len(report.incompatible) == 2


def test_apollo_soyuz_procedure_prebreathe_and_the_soyuz_cabin_pressure():
    air = by_check(check_interfaces(*astp()))["atmosphere"]
    # Crew leaving Soyuz carry 0.79 * 101.3 = 80.03 kPa of nitrogen; at Apollo's
    # 34.5 kPa the tissue ratio is 2.32. Down to 1.40 with a 360-min half-time:
    # 360 * log2(80.027 / (1.40 * 34.5)) = 262.2 min.
    assert "equalise the airlock" in air.remedy and "hatches closed" in air.remedy
    assert "soyuz_7k_tm to apollo_csm pre-breathe oxygen 262 min" in air.remedy
    assert "tissue ratio 2.32" in air.remedy
    assert prebreathe_min(101.3, 0.21, 34.5) == pytest.approx(
        360.0 * math.log2(101.3 * 0.79 / (1.40 * 34.5)), rel=1e-12)
    # Or lower the Soyuz cabin: 1.40 * 34.5 + 0.21 * 101.3 = 69.57 kPa. Soyuz 19
    # flew the joint phase at 0.68 atm (68.9 kPa, Astronautix, printed to two
    # digits: +-0.5 kPa) and the ASTP chamber trials at 523 torr (69.7 kPa). The
    # 1.40 threshold comes from those trials, so this checks the arithmetic and
    # that the procedure lands where the flight did, within 1 kPa.
    p_kpa = pressure_without_prebreathe_kpa(101.3, 0.21, 34.5)
    assert p_kpa == pytest.approx(69.573, abs=1e-9)
    assert abs(p_kpa - 0.68 * ATM_KPA) < 1.0
    assert abs(p_kpa - 523 * TORR_KPA) < 0.5
    assert "lowers its cabin to 69.6 kPa" in air.remedy
    # From Apollo (no nitrogen) to Soyuz is a compression: no pre-breathe.
    assert prebreathe_min(34.5, 1.0, 101.3) == 0.0


def test_astp_chamber_trial_atmospheres_need_no_prebreathe():
    # Cooke et al. 1975: 30 % O2 at 523 torr to 100 % O2 at 258 torr, no bends.
    # Tissue ratio 0.70 * 523 / 258 = 1.419; the model's limit is 1.40, so it asks
    # for a short pre-breathe: 360 * log2(1.419 / 1.40) = 7 min.
    minutes = prebreathe_min(523 * TORR_KPA, 0.30, 258 * TORR_KPA)
    assert minutes == pytest.approx(360 * math.log2(0.70 * 523 / 258 / TISSUE_RATIO_MAX))
    assert 0 < minutes < 10


def test_apas_on_both_sides_docks_directly_but_the_air_still_needs_the_module():
    apollo_apas = APOLLO.model_copy(update={"docking": ["apas_75"]})
    report = check_interfaces(*astp(elements=(apollo_apas, SOYUZ)))
    dock, air = by_check(report)["docking"], by_check(report)["atmosphere"]
    assert dock.compatible is True and "androgynous" in dock.remedy
    # The module's between names APAS-75, carried by both: it fits as an airlock.
    assert air.compatible is False and air.adapter == "astp_docking_module"
    assert air.adapter_mass_t == 2.012 and report.adapter_mass_t == 2.012


def test_without_an_adapter_the_mismatches_need_development():
    report = check_interfaces(*astp(adapters=()))
    dock, air = by_check(report)["docking"], by_check(report)["atmosphere"]
    assert dock.compatible is False and dock.adapter is None
    assert dock.remedy.endswith(NEEDS_DEVELOPMENT)
    assert air.adapter is None and NEEDS_DEVELOPMENT in air.remedy
    assert "pre-breathe" in air.remedy  # the procedure is described all the same
    assert report.adapter_mass_t == 0.0 and len(report.unresolved) == 2


def test_docking_standards_read_both_ways():
    # Only the probe lists the drogue: the pair still mates.
    standards = [DockingStandard(id="probe", name="probe", androgynous=False,
                                 mates_with=["drogue"], source="test"),
                 DockingStandard(id="drogue", name="drogue", androgynous=False, mates_with=[],
                                 source="test")]
    a = APOLLO.model_copy(update={"docking": ["drogue"]})
    b = SOYUZ.model_copy(update={"docking": ["probe"], "cabin_pressure_kpa": 34.5,
                                 "oxygen_fraction": 1.0})
    cat = make_catalog(elements=[a, b], docking_standards=standards)
    sc = scenario({"nasa": 3}, [{"id": a.id, "provider": "nasa", "role": "transit"},
                                {"id": b.id, "provider": "nasa", "role": "crew_access"}])
    report = check_interfaces(sc, cat)
    assert all(c.compatible for c in report.checks) and report.compatible
    # A non-androgynous system does not mate with itself.
    b2 = b.model_copy(update={"docking": ["drogue"]})
    cat = make_catalog(elements=[a, b2], docking_standards=standards)
    assert by_check(check_interfaces(sc, cat))["docking"].compatible is False


def test_power_mismatch_takes_a_converter_and_sharing_counts_per_pair():
    # A 120 V station bus (ISS primary power) and a 28 V vehicle: a converter.
    station = SOYUZ.model_copy(update={"id": "station", "power_bus_v": 120.0,
                                       "docking": ["apas_75"]})
    apollo_apas = APOLLO.model_copy(update={"docking": ["apas_75"], "cabin_pressure_kpa": 101.3,
                                            "oxygen_fraction": 0.21})
    converter = Adapter(id="dcdc_120_28", name="120/28 V DC-DC converter", bridges=["power"],
                        mass_t=0.05, source="test")
    heavy = Adapter(id="dcdc_heavy", name="heavier converter", bridges=["power"], mass_t=0.2,
                    source="test")
    report = check_interfaces(*astp(elements=(apollo_apas, station),
                                    adapters=(heavy, converter),
                                    docking=[{"a": "apollo_csm", "b": "station"}]))
    power = by_check(report)["power"]
    assert power.compatible is False and power.adapter == "dcdc_120_28"  # the lighter
    assert "77%" in power.remedy  # (120 - 28) / 120
    assert report.adapter_mass_t == pytest.approx(0.05)


def test_each_pair_flies_its_own_adapter():
    soyuz_b = SOYUZ.model_copy(update={"id": "soyuz_b"})
    sc, cat = astp(elements=(APOLLO, SOYUZ, soyuz_b),
                   docking=[{"a": "apollo_csm", "b": "soyuz_7k_tm"},
                            {"a": "soyuz_b", "b": "apollo_csm"},
                            {"a": "soyuz_7k_tm", "b": "apollo_csm"}])  # repeated: once
    report = check_interfaces(sc, cat)
    assert len(report.checks) == 6 and len(report.adapters) == 2
    assert report.adapter_mass_t == pytest.approx(2 * 2.012)


def test_missing_values_are_not_assessed():
    tanker = Element(id="tanker", name="tanker", kind="tanker", owner="nasa", dry_mass_t=10.0,
                     docking=["apas_75"], source="test")
    apollo_apas = APOLLO.model_copy(update={"docking": ["apas_75"]})
    report = check_interfaces(*astp(elements=(apollo_apas, tanker),
                                    docking=[{"a": "apollo_csm", "b": "tanker"}]))
    checks = by_check(report)
    assert checks["docking"].compatible is True
    assert checks["atmosphere"].compatible is None and "tanker" in checks["atmosphere"].remedy
    assert checks["power"].compatible is None
    assert report.compatible  # nothing failed


def test_default_pairs_are_crew_access_with_transit_and_rows_are_flat():
    sc, cat = astp()
    sc = sc.model_copy(update={"docking": []})
    report = check_interfaces(sc, cat)
    assert {(c.a, c.b) for c in report.checks} == {("soyuz_7k_tm", "apollo_csm")}
    rows = report.rows()
    assert rows[0].keys() == {"a", "b", "check", "a_value", "b_value", "compatible", "remedy",
                              "adapter", "adapter_mass_t"}


def test_unknown_element_names_the_known_ones():
    sc, _ = astp()
    cat = make_catalog(elements=[APOLLO], docking_standards=STANDARDS)
    with pytest.raises(InputError, match="'soyuz_7k_tm' is not in the catalog; known: apollo_csm"):
        check_interfaces(sc, cat)


def test_two_docking_adapters_in_series_when_no_one_adapter_fits():
    # SSVP to IDSS, then IDSS to a ship's own port: IDSS mates with itself, so the
    # two adapters dock to each other. A join through a system that does not mate
    # with itself (a probe) is no chain.
    standards = [*STANDARDS,
                 DockingStandard(id="ssvp", name="SSVP", androgynous=False, mates_with=["ssvp"],
                                 source="test"),
                 DockingStandard(id="idss", name="IDSS", androgynous=True, mates_with=["idss"],
                                 source="test"),
                 DockingStandard(id="ship", name="ship port", androgynous=True,
                                 mates_with=["ship"], source="test"),
                 DockingStandard(id="probe", name="probe", androgynous=False, mates_with=[],
                                 source="test")]
    ship = APOLLO.model_copy(update={"docking": ["ship"], "cabin_pressure_kpa": 101.3,
                                     "oxygen_fraction": 0.21})
    soyuz = SOYUZ.model_copy(update={"docking": ["ssvp"]})
    adapters = [Adapter(id="ssvp_idss", name="SSVP-IDSS", bridges=["docking"],
                        between=["ssvp", "idss"], mass_t=1.0, source="test"),
                Adapter(id="ship_idss", name="ship-IDSS", bridges=["docking"],
                        between=["idss", "ship"], mass_t=0.5, source="test"),
                Adapter(id="ssvp_probe", name="SSVP-probe", bridges=["docking"],
                        between=["ssvp", "probe"], mass_t=0.1, source="test"),
                Adapter(id="probe_ship", name="probe-ship", bridges=["docking"],
                        between=["probe", "ship"], mass_t=0.1, source="test")]
    cat = make_catalog(elements=[ship, soyuz], docking_standards=standards, adapters=adapters)
    sc, _ = astp()
    dock = by_check(check_interfaces(sc, cat))["docking"]
    # The pair is (ship, soyuz): adapters listed from the ship's side.
    assert dock.adapter == "ship_idss+ssvp_idss" and dock.adapter_mass_t == 1.5
    assert "in series, joined by idss" in dock.remedy
    report = check_interfaces(sc, cat)
    assert [u.adapter for u in report.adapters] == ["ship_idss", "ssvp_idss"]
    assert report.adapter_mass_t == 1.5
