"""The joint checks on the packaged catalog (marsplan/catalog/data/*.toml).

Structural checks only: the catalog's numbers are its own (each with a
source), so masses are read back from it rather than restated here.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marsplan.joint.interfaces import check_interfaces
from marsplan.joint.sites import assembly_orbit
from marsplan.joint.withdraw import withdraw
from tests.joint import scenario, us_russia
from tests.joint.test_interfaces import APOLLO, SOYUZ, astp

catalog_module = pytest.importorskip("marsplan.catalog")


@pytest.fixture(scope="module")
def catalog():
    return catalog_module.default_catalog()


def test_packaged_astp_docking_module_bridges_apollo_and_soyuz(catalog):
    # The packaged catalog has the docking standards and the docking module, not
    # the 1975 vehicles: add those from test_interfaces (renaming Apollo's
    # docking system to the packaged id).
    apollo = APOLLO.model_copy(update={"docking": ["apollo_probe_drogue"]})
    sc, _ = astp(elements=(apollo, SOYUZ))
    cat = SimpleNamespace(elements={"apollo_csm": apollo, "soyuz_7k_tm": SOYUZ},
                          docking_standards=catalog.docking_standards,
                          adapters=catalog.adapters)
    report = check_interfaces(sc, cat)
    checks = {c.check: c for c in report.checks}
    assert checks["docking"].adapter == "astp_docking_module"
    assert checks["atmosphere"].adapter == "astp_docking_module"
    assert report.adapter_mass_t == catalog.adapters["astp_docking_module"].mass_t


def test_us_russia_docking_adapters(catalog):
    report = check_interfaces(us_russia(), catalog)
    docking = {c.a: c for c in report.checks if c.check == "docking"}
    # Dragon's IDSS to Starship's own port: one adapter. Soyuz's SSVP: none
    # bridges SSVP to Starship directly, so SSVP-to-IDSS then IDSS-to-Starship.
    assert docking["crew_dragon"].adapter == "starship_idss_adapter"
    assert docking["soyuz_ms"].adapter == "ssvp_idss_adapter+starship_idss_adapter"
    mass = {a: catalog.adapters[a].mass_t for a in ("starship_idss_adapter", "ssvp_idss_adapter")}
    assert report.adapter_mass_t == pytest.approx(2 * mass["starship_idss_adapter"]
                                                  + mass["ssvp_idss_adapter"])
    assert sum(c.adapter_mass_t for c in report.checks) == pytest.approx(report.adapter_mass_t)
    assert report.unresolved == ()


def test_us_russia_assembles_at_51_6_deg(catalog):
    report = assembly_orbit(us_russia(), catalog, 20.0)
    assert report.feasible and report.inclination_deg == pytest.approx(51.6)
    sites = {r.element: r.site for r in report.launches}
    assert sites["soyuz_ms"] == "baikonur" and sites["starship_crew"] == "kennedy"


def test_us_russia_withdrawals(catalog):
    w = withdraw(us_russia(), catalog, "roscosmos")
    assert [(r.old, r.new) for r in w.replacements] == [("soyuz_ms", "crew_dragon")]
    assert w.scenario.crew == {"nasa": 4}
    w = withdraw(us_russia(), catalog, "spacex")
    others = [e.id for e in catalog.elements.values()
              if e.kind == "transit_vehicle" and e.owner in ("nasa", "roscosmos")]
    if not others:  # the packaged catalog's only transit vehicle is SpaceX's
        assert not w.feasible
        assert "starship_crew" in {u.old for u in w.unreplaced}


def test_esa_module_scenario_interfaces(catalog):
    # ESA's I-Hab docking to Orion: both IDSS, one air, both 120 V: compatible.
    sc = scenario({"nasa": 2, "esa": 2},
                  [{"id": "orion", "provider": "nasa", "role": "transit"},
                   {"id": "esa_ihab", "provider": "esa", "role": "module"}],
                  docking=[{"a": "orion", "b": "esa_ihab"}])
    report = check_interfaces(sc, catalog)
    assert report.compatible and report.adapter_mass_t == 0.0
