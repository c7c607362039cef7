"""marsplan.joint.sites: the assembly orbit every launch site must reach.

Site bands as in the packaged sites.toml (Baikonur 51.6 deg and up for crewed
Soyuz; Cape Canaveral and Kennedy 28.5/28.6 to 57 deg on the Eastern Range;
Boca Chica 26 to 30 deg). Payload points are the round test values of
tests/joint/__init__.py, so losses can be computed by hand.
"""

from __future__ import annotations


import pytest

from marsplan.errors import InputError, NoSolutionError
from marsplan.joint.sites import assembly_orbit, launch_sites
from tests.joint import joint_catalog, scenario, us_russia


@pytest.fixture(scope="module")
def catalog():
    return joint_catalog()


def test_baikonur_and_cape_canaveral_share_51_6_deg(catalog):
    # |DLA| 20 deg (below both sites' lowest): the orbit is set by Baikonur's 51.6.
    report = assembly_orbit(us_russia(), catalog, 20.0, {"crew_dragon": "cape_canaveral"})
    assert report.feasible and report.reason is None
    assert report.inclination_deg == 51.6
    sites = {r.element: r.site for r in report.launches}
    assert sites == {"starship_crew": "kennedy", "crew_dragon": "cape_canaveral",
                     "soyuz_ms": "baikonur", "starship_tanker": "kennedy"}
    loss = {(p.vehicle, p.site): p for p in report.payload}
    # Falcon 9 from the Cape: 18.5 t at 28.5 deg, 15.0 t at 57 deg (test values).
    # At 51.6 deg: 18.5 - 3.5 * (51.6 - 28.5) / (57 - 28.5) = 18.5 - 2.83684 = 15.66316 t,
    # a loss of 2.83684 t, 15.334 % of the 18.5 t the Cape gives at 28.5 deg.
    f9 = loss[("falcon9", "cape_canaveral")]
    assert f9.payload_site_min_t == 18.5
    assert f9.payload_t == pytest.approx(15.663158, abs=1e-6)
    assert f9.loss_t == pytest.approx(2.836842, abs=1e-6)
    assert f9.loss_fraction == pytest.approx(0.153343, abs=1e-6)
    # Soyuz launches at Baikonur's own lowest inclination: nothing lost.
    soyuz = loss[("soyuz_2_1a", "baikonur")]
    assert soyuz.loss_t == 0.0 and soyuz.loss_fraction == 0.0 and soyuz.partners == ("roscosmos",)
    # Super Heavy from Kennedy (lowest 28.6): 125 - 15 * 0.1 / 23.1 = 124.93506 t there,
    # 110 t at 51.6: 14.93506 t lost (11.954 %), for the ship and the tanker alike.
    sh = loss[("super_heavy", "kennedy")]
    assert sh.elements == ("starship_crew", "starship_tanker")
    assert sh.loss_t == pytest.approx(125 - 15 * 0.1 / 23.1 - 110, abs=1e-9)
    assert sh.loss_fraction == pytest.approx(0.119543, abs=1e-6)


def test_starship_leaves_boca_chica_for_kennedy_when_soyuz_sets_51_6(catalog):
    # Boca Chica (run by SpaceX) is Starship's preferred site, but its corridor
    # ends at 30 deg; Kennedy, also on Super Heavy's list, reaches 51.6.
    assert launch_sites(us_russia(), catalog)[0] == {
        "element": "starship_crew", "partner": "spacex", "vehicle": "super_heavy",
        "sites": ["boca_chica", "kennedy"]}
    report = assembly_orbit(us_russia(), catalog, 20.0)
    assert report.feasible and report.inclination_deg == 51.6
    assert {r.element: r.site for r in report.launches}["starship_crew"] == "kennedy"
    assert any("starship_crew launches from Kennedy instead of Boca Chica" in n
               for n in report.notes)


def test_a_spacex_only_mission_stays_low_at_boca_chica(catalog):
    sc = scenario({"nasa": 4}, [{"id": "starship_crew", "provider": "spacex",
                                 "role": "transit"}])
    report = assembly_orbit(sc, catalog, -5.0)
    assert report.inclination_deg == 26.0 and report.launches[0].site == "boca_chica"
    assert report.payload[0].loss_t == 0.0
    # |DLA| 29 deg still fits the corridor; the payload at 29 deg is interpolated.
    report = assembly_orbit(sc, catalog, 29.0)
    assert report.inclination_deg == 29.0 and report.launches[0].site == "boca_chica"
    assert report.payload[0].payload_t == pytest.approx(125 - 15 * 0.5 / 23.1)


def test_dla_beyond_the_eastern_range_names_the_site_and_partner(catalog):
    # |DLA| 58 deg: the Eastern Range flies to 57 deg at most, and Falcon 9 has no
    # other site; Baikonur could, but Dragon and Starship cannot get there.
    report = assembly_orbit(us_russia(), catalog, -58.0)
    assert not report.feasible and report.inclination_deg == 58.0
    assert report.problems == (("|DLA| 58.0 deg exceeds what Kennedy (spacex) reaches: at "
                                "most 57.0 deg"),)
    assert report.payload == ()
    with pytest.raises(NoSolutionError, match="assembly orbit: .DLA. 58.0 deg exceeds what "
                                              "Kennedy"):
        report.raise_if_infeasible()


def test_a_required_28_5_deg_orbit_excludes_baikonur(catalog):
    report = assembly_orbit(us_russia(), catalog, 10.0, inclination_deg=28.5)
    assert not report.feasible
    assert report.problems == (("Baikonur (roscosmos) cannot reach 28.5 deg: its launches "
                                "fly at 51.6 deg or more"),)
    # And an orbit below |DLA| cannot reach the asymptote.
    report = assembly_orbit(us_russia(), catalog, 55.0, inclination_deg=51.6)
    assert "inclined less than |DLA| 55.0 deg" in report.reason


def test_a_fixed_site_that_cannot_reach_names_the_site_that_set_the_orbit(catalog):
    report = assembly_orbit(us_russia(), catalog, 10.0, {"starship_crew": "boca_chica"})
    assert not report.feasible
    assert report.problems == (("Boca Chica (spacex) cannot reach 51.6 deg, the lowest that "
                                "Baikonur (roscosmos) launches to: its launches fly at 30.0 "
                                "deg or less"),)


def test_bad_inputs(catalog):
    with pytest.raises(InputError, match="dla_deg: must be a finite number"):
        assembly_orbit(us_russia(), catalog, float("nan"))
    with pytest.raises(InputError, match="falcon9 does not fly from 'baikonur'"):
        assembly_orbit(us_russia(), catalog, 20.0, {"crew_dragon": "baikonur"})
    with pytest.raises(InputError, match="orion not among the scenario's elements"):
        assembly_orbit(us_russia(), catalog, 20.0, {"orion": "kennedy"})


def test_an_element_without_a_catalog_vehicle_is_noted_not_placed(catalog):
    elements = dict(catalog.elements)
    elements["soyuz_ms"] = elements["soyuz_ms"].model_copy(update={"launched_on": "angara"})
    cat = joint_catalog(elements=list(elements.values()))
    report = assembly_orbit(us_russia(), cat, 20.0)
    assert "soyuz_ms: launch vehicle 'angara' is not in the catalog" in report.notes[0]
    # Without Baikonur the Eastern Range's 28.6 deg at Kennedy serves |DLA| 20.
    assert report.inclination_deg == 28.6 and report.feasible
