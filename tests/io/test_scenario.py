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


# --------------------------------------------------------------------------- hardening
# Files of every kind and numbers of every kind give one line naming the file and
# the field; no traceback, no hang, no quiet garbage.

import os  # noqa: E402
import threading  # noqa: E402

_APPEND = object()  # add the line in a [crew_health] table at the end

# (field as the message names it, line in the example to replace or _APPEND, new text)
_NUMBER_FIELDS = [
    ("mission.opportunity", "opportunity = 2033", "opportunity = {v}"),
    ("mission.max_duration_days", "venus = false", "venus = false\nmax_duration_days = {v}"),
    ("mission.max_dla_deg", "venus = false", "venus = false\nmax_dla_deg = {v}"),
    ("orbits.leo_altitude_km", "leo_altitude_km = 400.0", "leo_altitude_km = {v}"),
    ("orbits.mars_periapsis_alt_km", "mars_periapsis_alt_km = 250.0",
     "mars_periapsis_alt_km = {v}"),
    ("orbits.mars_apoapsis_alt_km", "mars_apoapsis_alt_km = 33793.0",
     "mars_apoapsis_alt_km = {v}"),
    ("margins.dv_pct", "dv_pct = 10.0", "dv_pct = {v}"),
    ("margins.dry_mass_pct", "dry_mass_pct = 0.0", "dry_mass_pct = {v}"),
    ("life_support.consumables_kg_per_crew_day", "consumables_kg_per_crew_day = 5.0",
     "consumables_kg_per_crew_day = {v}"),
    ("life_support.closure", "closure = 0.85", "closure = {v}"),
    ("isru.propellant_t", "propellant_t = 0.0", "propellant_t = {v}"),
    ("crew.nasa", "nasa = 2", "nasa = {v}"),
    ("element[0].count", 'role = "transit"', 'role = "transit"\ncount = {v}'),
    ("crew_health.shielding_factor", _APPEND, "shielding_factor = {v}"),
    ("crew_health.blackout_threshold_deg", _APPEND, "blackout_threshold_deg = {v}"),
    ("crew_health.prior_dose_msv.nasa", _APPEND, "prior_dose_msv = {{ nasa = {v} }}"),
]
_BAD_NUMBERS = ["nan", "inf", "-inf", "1e308", '"12"', "true", "[1]", "-1e308"]


def _with(field_line, new):
    if field_line is _APPEND:
        return US_RUSSIA + "\n[crew_health]\n" + new + "\n"
    assert field_line in US_RUSSIA
    return US_RUSSIA.replace(field_line, new, 1)


@pytest.mark.parametrize("value", _BAD_NUMBERS)
@pytest.mark.parametrize(("field", "line", "template"), _NUMBER_FIELDS,
                         ids=[f[0] for f in _NUMBER_FIELDS])
def test_bad_numbers_name_the_field(tmp_path, field, line, template, value):
    path = _write(tmp_path, _with(line, template.format(v=value)))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {field}: "), message
    assert "\n" not in message


@pytest.mark.parametrize(("field", "line", "template"), _NUMBER_FIELDS,
                         ids=[f[0] for f in _NUMBER_FIELDS])
def test_good_numbers_still_load(tmp_path, field, line, template):
    # The bounds refuse junk, not sensible values: each field at a plain value.
    good = {"mission.opportunity": "2035", "crew.nasa": "3", "element[0].count": "1",
            "crew_health.prior_dose_msv.nasa": "50.0", "life_support.closure": "0.5",
            "orbits.mars_apoapsis_alt_km": "40000.0", "orbits.leo_altitude_km": "500.0",
            "crew_health.blackout_threshold_deg": "3.0"}.get(field, "20.0")
    scenario, _ = load_scenario(_write(tmp_path, _with(line, template.format(v=good))))
    assert scenario.crew_size >= 1


@pytest.mark.parametrize(("change", "needles"), [
    # counts are bounded so no loop or list grows without end
    (lambda t: t.replace("nasa = 2", "nasa = 1000000"), ["crew.nasa", "100"]),
    (lambda t: t.replace("nasa = 2", "nasa = 60").replace("roscosmos = 2", "roscosmos = 60"),
     ["crew: 120 crew members", "at most 100"]),
    (lambda t: t.replace('role = "transit"', 'role = "transit"\ncount = 101'),
     ["element[0].count"]),
    (lambda t: t + '\n[[element]]\nid = "soyuz_ms"\nprovider = "roscosmos"\nrole = "module"\n'
     * 100, ["element: ", "at most 100"]),
    (lambda t: t.replace("venus = false", "venus = false\nstay_days = [400, 1e308]"),
     ["mission.stay_days", "3653 days"]),
    (lambda t: t.replace("venus = false", "venus = false\nstay_days = [600, 400]"),
     ["mission.stay_days"]),
    (lambda t: t.replace("venus = false", "venus = false\nmax_duration_days = 1e6"),
     ["mission.max_duration_days"]),
    (lambda t: t.replace('burns = ["tmi", "moi", "tei"]', "burns = [" + '"tmi", ' * 20 + "]"),
     ["element[0].burns"]),
    # strict types: TOML is typed, so a string is not a number nor a boolean
    (lambda t: t.replace("venus = false", 'venus = "no"'), ["mission.venus", "boolean"]),
    (lambda t: t.replace("venus = false", "venus = 0"), ["mission.venus", "boolean"]),
    (lambda t: t.replace("nasa = 2", "nasa = 2.5"), ["crew.nasa", "integer"]),
    (lambda t: t.replace("nasa = 2", "nasa = true"), ["crew.nasa", "integer"]),
    # dates are dates, in order, within ten years
    (lambda t: t.replace("opportunity = 2033", _dates("2033-13-01")),
     ["mission.dates.earth_departure", "not an ISO 8601 date"]),
    (lambda t: t.replace("opportunity = 2033", _dates("99999-01-01")),
     ["mission.dates.earth_departure", "outside the years"]),
    (lambda t: t.replace("opportunity = 2033", _dates("2036-01-01")),
     ["mission.dates", "mars_arrival is before earth_departure"]),
    (lambda t: t.replace("opportunity = 2033", _dates("2033-04-20", arrival="2060-01-01")),
     ["mission.dates", "at most 3653 days"]),
    (lambda t: t.replace("opportunity = 2033", _dates("2033-04-20").replace(
        'earth_arrival = "2035-11-20"', "earth_arrival = 2035-11-20")),
     ["mission.dates.earth_arrival", "valid string"]),
    # control characters from the file are escaped, never printed raw
    (lambda t: t.replace("nasa = 2", '"na\\u001bsa" = 2'), ["crew.'na\\x1bsa'"]),
])
def test_counts_types_and_dates(tmp_path, change, needles):
    text = change(US_RUSSIA)
    assert text != US_RUSSIA
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message
    for needle in needles:
        assert needle in message, message


def _dates(departure, arrival="2035-11-20"):
    return (f'[mission.dates]\nearth_departure = "{departure}"\nmars_arrival = "2033-11-01"\n'
            f'mars_departure = "2035-05-01"\nearth_arrival = "{arrival}"\n[mission2]')


def test_explicit_dates_load_when_sound(tmp_path):
    import re

    text = re.sub(r"(?m)^opportunity = 2033.*$", "", US_RUSSIA).replace(
        "[crew]", _dates("2033-04-20").replace("[mission2]", "") + "\n[crew]")
    scenario, _ = load_scenario(_write(tmp_path, text))
    assert scenario.mission.dates.earth_departure == "2033-04-20"


def test_special_files_are_one_line_without_reading_or_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    # If the check regressed to open() the FIFO, a writer arriving after 5 s
    # unblocks it and the test fails instead of hanging.
    timer = threading.Timer(5.0, lambda: _poke(fifo))
    timer.start()
    try:
        for path, kind in [("/dev/zero", "is a device"), (fifo, "is a named pipe"),
                           (tmp_path, "is a folder"), ("/dev/null", "is a device")]:
            with pytest.raises(ScenarioError, match=rf"^{path}: {kind}; a scenario file must be "
                                                    "a regular file$"):
                load_scenario(path)
    finally:
        timer.cancel()


def _poke(fifo):
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


def test_large_file_is_refused_without_reading_it(tmp_path):
    import tracemalloc

    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL bytes
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError, match=r"big\.toml: 52,428,800 bytes, larger than a "
                                                r"scenario file may be \(1,048,576 bytes\)$"):
            load_scenario(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20  # nothing like the file was read


@pytest.mark.parametrize(("content", "needle"), [
    (US_RUSSIA.replace("US-Russia", "US-Ru\xdfland").encode("latin-1"),
     "not UTF-8 text (byte"),
    (b"\xff\xfe[\x00m\x00", "not UTF-8 text (byte 0)"),
    (b"a = " + b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
    (b"a = " + b"{b = " * 10_000 + b"1" + b"}" * 10_000, "nested too deeply"),
    (b"[" + b"a." * 5000 + b"b]\nx = 1", "mission: required field is missing"),
    (b"", "mission: required field is missing"),
    (b"\x00\x01\x02", "not valid TOML"),
])
def test_odd_contents_are_one_line(tmp_path, content, needle):
    path = tmp_path / "odd.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and needle in message, message
    assert "\n" not in message and "\x00" not in message and len(message) < 400


@pytest.mark.parametrize(("path", "catalog", "needle"), [
    (None, None, "scenario file: expected a path, got NoneType"),
    (42, None, "scenario file: expected a path, got int"),
    (EXAMPLES / "us_russia_2033.toml", "catalog.toml", "catalog: expected a Catalog"),
])
def test_arguments_of_the_wrong_kind(path, catalog, needle):
    with pytest.raises(ScenarioError, match=needle):
        load_scenario(path, catalog)


@pytest.mark.parametrize(("change", "field"), [
    (lambda t: t.replace('name = "US-Russia', 'name = "\\u001b[2JUS-Russia'), "mission.name"),
    (lambda t: t.replace('name = "US-Russia', 'name = "US\\rRussia'), "mission.name"),
    (lambda t: t.replace('provider = "roscosmos"', 'provider = "ros\\ncosmos"'),
     "element[2].provider"),
])
def test_control_characters_in_names_are_refused(tmp_path, change, field):
    # Names reach terminals and reports; they are refused at the door, and the
    # message itself carries no raw control character.
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, change(US_RUSSIA)))
    message = str(info.value)
    assert f"{field}: control characters" in message and message.isprintable(), message
