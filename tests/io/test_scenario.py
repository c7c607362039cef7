"""Scenario files: the examples load; every kind of mistake is one line naming file and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marsplan.errors import ScenarioError
from marsplan.io.scenario import load_scenario

EXAMPLES = Path(__file__).parents[2] / "examples"
US_RUSSIA = (EXAMPLES / "us_russia_2033.toml").read_text()


@pytest.mark.parametrize("name", ["us_russia_2033.toml", "us_russia_2033_landing.toml",
                                  "dra5_chemical_2037.toml", "esa_jaxa_2035.toml"])
def test_examples_load(name):
    scenario, catalog = load_scenario(EXAMPLES / name)
    assert scenario.transit.id in catalog.elements
    assert scenario.crew_size >= 1


def test_us_russia_example_reads_as_written():
    scenario, _ = load_scenario(EXAMPLES / "us_russia_2033.toml")
    assert scenario.crew == {"nasa": 2, "roscosmos": 2}
    assert scenario.partners() == ["nasa", "roscosmos", "spacex"]
    assert scenario.docking_pairs() == [("crew_dragon", "starship_crew"),
                                        ("soyuz_ms", "starship_crew")]
    assert scenario.mission.opportunity == 2033 and scenario.mission.mission_class == "conjunction"


def _write(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("change", "needles"), [
    # TOML syntax
    (lambda t: t.replace('name = "US-Russia', 'name = US-Russia'), ["not valid TOML"]),
    # unknown field
    (lambda t: t.replace("[crew]", "[crew]\ncolour = 1\n[mission2]\nx = 1\n[crew2]"),
     ["unknown field"]),
    # wrong type
    (lambda t: t.replace("opportunity = 2033", 'opportunity = "soon"'), ["mission.opportunity"]),
    # value out of range
    (lambda t: t.replace("dv_pct = 10.0", "dv_pct = -5.0"), ["margins.dv_pct"]),
    # not one of the allowed values
    (lambda t: t.replace('class = "conjunction"', 'class = "sprint"'),
     ["mission.class", "conjunction"]),
    # both an opportunity and dates
    (lambda t: t.replace("opportunity = 2033", "opportunity = 2033\n[mission.dates]\n"
                         'earth_departure = "2033-04-20"\nmars_arrival = "2033-11-01"\n'
                         'mars_departure = "2035-05-01"\nearth_arrival = "2035-11-20"\n'
                         "[mission2]"), ["opportunity"]),
    # unknown catalog element
    (lambda t: t.replace('id = "soyuz_ms"', 'id = "soyuz_tm"'), ["element[2].id", "soyuz_tm"]),
    # unknown partner
    (lambda t: t.replace("roscosmos = 2", "glavkosmos = 2"), ["crew.glavkosmos", "unknown partner"]),
    # no transit vehicle
    (lambda t: t.replace('role = "transit"', 'role = "module"'), ["transit"]),
    # a required field missing
    (lambda t: t.replace('provider = "roscosmos"\nrole', 'role'), ["element[2].provider",
                                                                   "required"]),
])
def test_every_kind_of_mistake_is_one_line_naming_the_field(tmp_path, change, needles):
    text = change(US_RUSSIA)
    assert text != US_RUSSIA
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(tmp_path / "bad.toml"))
    for needle in needles:
        assert needle in message, message


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "nope.toml")


def test_the_crew_stays_in_orbit_unless_the_scenario_lands_it(tmp_path):
    scenario, _ = load_scenario(EXAMPLES / "us_russia_2033.toml")
    assert scenario.crew_health.surface is False  # the default: no lander, no landing
    landing, _ = load_scenario(EXAMPLES / "us_russia_2033_landing.toml")
    assert landing.crew_health.surface is True
    # Starship lands, so landing it loads; with a transit vehicle that cannot land
    # (and no lander) it is one line naming the field.
    load_scenario(_write(tmp_path, US_RUSSIA + "\n[crew_health]\nsurface = true\n"))
    orion = US_RUSSIA.replace('id = "starship_crew"', 'id = "orion"', 1)
    bad = _write(tmp_path, orion + "\n[crew_health]\nsurface = true\n")
    with pytest.raises(ScenarioError, match=r"bad.toml: crew_health.surface: the crew lands for "
                                            r"the stay, but no element of the scenario can land"):
        load_scenario(bad)


@pytest.mark.parametrize(("health", "needle"), [
    ("prior_dose_msv = { esa = 10.0 }", "crew_health.prior_dose_msv.esa: not a partner with crew"),
    ("dose_limit_msv = { nasa = -1.0 }", "crew_health: dose_limit_msv.nasa: must be a dose"),
    ("shielding_factor = 1e308", "crew_health.shielding_factor"),
])
def test_bad_crew_health(tmp_path, health, needle):
    bad = _write(tmp_path, US_RUSSIA + f"\n[crew_health]\n{health}\n")
    with pytest.raises(ScenarioError, match=re.escape(needle)):
        load_scenario(bad)
