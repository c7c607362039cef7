"""The partner catalog: packaged data, user files, one-line errors, the CLI listing.

The figures themselves are checked against their published sources where a
source prints them exactly (IDA mass, ASTP Docking Module mass, DRA 5.0 stage
masses via tests/reference/architectures.csv); estimates are only checked
for being flagged.
"""

from __future__ import annotations

import csv
import json
import math
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsplan.catalog import (
    KINDS,
    Catalog,
    CatalogError,
    Element,
    catalog_rows,
    default_catalog,
    load_catalog,
)
from marsplan.cli import app
from marsplan.errors import MarsplanError

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "architectures.csv"

# Ids other modules and scenario files rely on (issue 5 and the catalog brief).
REQUIRED_IDS = {
    "partners": {"nasa", "spacex", "roscosmos", "esa", "jaxa", "cnsa"},
    "sites": {"baikonur", "vostochny", "cape_canaveral", "kennedy", "boca_chica", "kourou",
              "jiuquan", "tanegashima"},
    "launch_vehicles": {"super_heavy", "falcon9", "falcon_heavy", "sls_block1", "sls_block1b",
                        "sls_block2", "angara_a5", "soyuz_2_1b", "ariane6", "h3",
                        "long_march_5"},
    "elements": {"starship_crew", "starship_tanker", "crew_dragon", "orion", "soyuz_ms",
                 "progress_ms", "dra_transit_habitat", "dra_tmi_stage", "dra_moi_stage",
                 "dra_tei_stage", "dra_descent_ascent_vehicle", "esa_ihab", "htv_x",
                 "shenzhou"},
    "propellants": {"methalox", "hydrolox", "hypergolic"},
    "docking_standards": {"idss", "apas_89", "apas_95", "ssvp", "starship"},
    "adapters": {"ida", "starship_idss_adapter", "ssvp_idss_adapter", "airlock_module",
                 "power_converter"},
}

_QUIET_ENV = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "COLUMNS": None}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(scope="module")
def runner():
    return CliRunner(env=_QUIET_ENV)


def _write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


_ELEMENT = """
    [[element]]
    id = "{id}"
    name = "Test module"
    kind = "module"
    owner = "{owner}"
    dry_mass_t = {dry}
    launched_on = "{vehicle}"
    source = "test fixture"
"""


def _element(id="test_module", owner="esa", dry="12.0", vehicle="ariane6") -> str:
    return _ELEMENT.format(id=id, owner=owner, dry=dry, vehicle=vehicle)


# --- The packaged catalog -------------------------------------------------------------


def test_packaged_catalog_loads_every_kind(catalog):
    for kind in KINDS:
        assert len(getattr(catalog, kind.attr)) > 0, kind.attr
    assert default_catalog() is catalog  # cached


@pytest.mark.parametrize("attr", sorted(REQUIRED_IDS))
def test_required_ids_are_present(catalog, attr):
    assert REQUIRED_IDS[attr] <= set(getattr(catalog, attr))


def test_every_record_has_a_source_and_estimates_say_what_they_rest_on(catalog):
    for kind in KINDS:
        for record in getattr(catalog, kind.attr).values():
            assert len(record.source.strip()) >= 10, (kind.attr, record.id)
            if record.estimate:
                text = record.source.lower()
                assert "estimate" in text or "assum" in text or "reading" in text, (
                    kind.attr, record.id)


def test_cross_references_resolve(catalog):
    for element in catalog.elements.values():
        assert element.owner in catalog.partners
        launch = element.launched_on or element.integrated_launch
        assert launch in catalog.launch_vehicles, element.id
        if element.propellant_capacity_t > 0:
            assert element.propellant in catalog.propellants
        assert all(d in catalog.docking_standards for d in element.docking)
    for vehicle in catalog.launch_vehicles.values():
        assert vehicle.owner in catalog.partners
        assert all(site in catalog.sites for site in vehicle.sites)


def test_payload_points_lie_inside_the_reach_of_a_site_of_the_vehicle(catalog):
    # A payload figure at an inclination no site of the vehicle can reach would be a
    # typo (e.g. 51.6 deg listed for a vehicle that only flies from Boca Chica).
    for vehicle in catalog.launch_vehicles.values():
        sites = [catalog.sites[s] for s in vehicle.sites]
        for point in vehicle.payload_leo:
            assert any(s.min_inclination_deg - 0.15 <= point.inclination_deg
                       <= s.max_inclination_deg for s in sites), (vehicle.id, point)


def test_sites_latitudes_and_crewed_inclinations(catalog):
    # Issue 5: Baikonur's crewed launches fly at 51.6 deg, the Cape's at 28.5 deg and up.
    assert catalog.sites["baikonur"].latitude_deg == pytest.approx(45.96)
    assert catalog.sites["baikonur"].min_inclination_deg <= 51.6
    assert catalog.sites["cape_canaveral"].min_inclination_deg == pytest.approx(28.5)
    assert catalog.sites["cape_canaveral"].max_inclination_deg >= 51.6
    assert catalog.sites["boca_chica"].latitude_deg == pytest.approx(25.99)
    assert catalog.sites["vostochny"].latitude_deg == pytest.approx(51.88)
    assert catalog.sites["kourou"].latitude_deg == pytest.approx(5.2)
    # No site reaches below its own latitude by more than a small dog-leg
    # (Vostochny, 51.88 deg N, serves the 51.6 deg ISS plane).
    for site in catalog.sites.values():
        assert site.min_inclination_deg >= abs(site.latitude_deg) - 0.3, site.id


def test_starship_and_interfaces_as_issue_5_describes(catalog):
    ship = catalog.elements["starship_crew"]
    assert ship.integrated_launch == "super_heavy" and ship.launched_on is None
    assert ship.propellant == "methalox" and ship.propellant_capacity_t == pytest.approx(1200)
    assert 370 <= ship.isp_s <= 380 and ship.estimate
    tanker = catalog.elements["starship_tanker"]
    assert tanker.kind == "tanker" and tanker.integrated_launch == "super_heavy"
    assert 100 <= max(p.payload_t for p in catalog.launch_vehicles["super_heavy"].payload_leo) <= 150
    assert catalog.elements["crew_dragon"].docking == ["idss"]
    assert catalog.elements["soyuz_ms"].docking == ["ssvp"]
    assert catalog.elements["soyuz_ms"].power_bus_v == pytest.approx(27.0)
    # Docking pairs: probe-and-drogue mates only with itself; APAS-89/95 mate; IDSS
    # needs the IDA to reach APAS-95.
    assert catalog.mates("ssvp", "ssvp") and not catalog.mates("ssvp", "idss")
    assert catalog.mates("apas_89", "apas_95") and not catalog.mates("apas_95", "idss")
    assert [a.id for a in catalog.adapters_between("idss", "apas_95")] == ["ida"]
    assert [a.id for a in catalog.adapters_between("ssvp", "idss")] == ["ssvp_idss_adapter"]
    assert not catalog.mates("starship", "idss")


def test_published_adapter_masses(catalog):
    # NASA/Boeing: the IDA weighs 526 kg. Encyclopedia Astronautica: the ASTP Docking
    # Module weighed 2,012 kg. Both printed to the kilogram, so exact.
    assert catalog.adapters["ida"].mass_t == 0.526
    assert not catalog.adapters["ida"].estimate
    dm = catalog.adapters["astp_docking_module"]
    assert dm.mass_t == 2.012 and set(dm.bridges) == {"docking", "atmosphere"}


def _reference_rows() -> list[dict]:
    with open(REFERENCE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_dra_chemical_stage_masses_match_the_reference_table(catalog):
    # DRA 5.0, Table 4-2, via tests/reference/architectures.csv. Each stage's wet
    # mass (dry = burnout + RCS, plus main propellant) must give DRA's printed total,
    # which is rounded to 0.1 t: tolerance 0.11 t.
    totals = {row["element"]: row["value"] for row in _reference_rows()
              if row["architecture"] == "DRA5.0 chemical/aerocapture"}
    wet = {e.id: e.dry_mass_t + e.propellant_capacity_t for e in catalog.elements.values()}
    cargo_tmi, crew_tmi = (float(x) for x in totals["TMI module (cargo / crew)"].split("/"))
    assert wet["dra_tmi_stage"] == pytest.approx(crew_tmi, abs=0.11)
    assert wet["dra_tmi_stage_cargo"] == pytest.approx(cargo_tmi, abs=0.11)
    assert wet["dra_moi_stage"] == pytest.approx(float(totals["MOI stage (two RL10-B2)"]), abs=0.11)
    assert wet["dra_tei_stage"] == pytest.approx(float(totals["TEI stage (two RL10-B2)"]), abs=0.11)
    # Crew vehicle: three TMI modules + MOI + TEI + transit habitat + capsule = 486.0 t.
    crew_vehicle = (3 * wet["dra_tmi_stage"] + wet["dra_moi_stage"] + wet["dra_tei_stage"]
                    + wet["dra_transit_habitat"] + wet["dra_crew_capsule"])
    assert crew_vehicle == pytest.approx(float(totals["crew vehicle"]), abs=0.3)


def test_dra_ntr_vehicles_add_up_to_the_reference_imleo(catalog):
    # DRA 5.0, Table 4-1: 2 cargo vehicles x 246.2 t + crew vehicle 356.4 t = 848.7 t,
    # element masses printed to 0.1 t (seven rounded terms: tolerance 0.5 t).
    total = next(float(row["value"]) for row in _reference_rows()
                 if row["architecture"].startswith("DRA5.0 NTR")
                 and row["element"].startswith("total (2 cargo"))
    wet = {e.id: e.dry_mass_t + e.propellant_capacity_t for e in catalog.elements.values()}
    cargo = (wet["dra_ntr_core_stage_cargo"] + wet["dra_ntr_inline_tank_cargo"]
             + wet["dra_habitat_lander"])
    crew = (wet["dra_ntr_core_stage"] + wet["dra_ntr_inline_tank"] + wet["dra_ntr_drop_tank"]
            + wet["dra_ntr_crew_payload"])
    assert 2 * cargo + crew == pytest.approx(total, abs=0.5)


def test_catalog_is_read_only(catalog):
    with pytest.raises(TypeError):
        catalog.elements["x"] = catalog.elements["orion"]


def test_get_names_known_ids_and_suggests(catalog):
    assert catalog.get("vehicle", "falcon9") is catalog.launch_vehicles["falcon9"]
    assert catalog.get("elements", "orion").launched_on == "sls_block1"
    with pytest.raises(CatalogError) as info:
        catalog.get("element", "dragon")
    message = str(info.value)
    assert "unknown element 'dragon'" in message and "crew_dragon" in message
    assert "\n" not in message and not message.startswith("'")  # not KeyError's quoting
    assert isinstance(info.value, MarsplanError) and isinstance(info.value, KeyError)
    with pytest.raises(CatalogError, match="unknown catalog kind 'rockets'"):
        catalog.get("rockets", "x")


# --- User files ------------------------------------------------------------------------


def test_user_file_overrides_and_extends(tmp_path, catalog):
    path = _write(tmp_path, """
        [[launch_vehicle]]
        id = "falcon9"
        name = "Falcon 9 at a negotiated price"
        owner = "spacex"
        sites = ["cape_canaveral"]
        payload_leo = [{ inclination_deg = 51.6, altitude_km = 300.0, payload_t = 16.0 }]
        reusable = true
        crew_rated = true
        price_musd = 55.0
        source = "our contract, 2031"
    """ + _element())
    mine = load_catalog(path)
    falcon9 = mine.launch_vehicles["falcon9"]
    assert falcon9.price_musd == 55.0 and falcon9.sites == ["cape_canaveral"]
    assert mine.origins[("launch_vehicles", "falcon9")] == str(path)
    # The override keeps its place; the new record comes last.
    assert list(mine.launch_vehicles) == list(catalog.launch_vehicles)
    assert list(mine.elements)[-1] == "test_module"
    assert mine.get("element", "test_module").owner == "esa"
    assert mine.files[-1] == str(path)
    # Everything else is the packaged data, and the cached default is untouched.
    assert mine.elements["orion"] == catalog.elements["orion"]
    assert default_catalog().launch_vehicles["falcon9"].price_musd != 55.0


def test_later_user_files_win(tmp_path):
    first = _write(tmp_path, _element(dry="12.0"), "first.toml")
    second = _write(tmp_path, _element(dry="14.5"), "second.toml")
    assert load_catalog(first, second).elements["test_module"].dry_mass_t == 14.5
    assert load_catalog(second, first).elements["test_module"].dry_mass_t == 12.0


def test_a_user_element_may_refer_to_a_user_vehicle_in_another_file(tmp_path):
    vehicle = _write(tmp_path, """
        [[launch_vehicle]]
        id = "new_glenn"
        name = "New Glenn"
        owner = "nasa"
        sites = ["cape_canaveral"]
        payload_leo = [{ inclination_deg = 28.5, altitude_km = 200.0, payload_t = 45.0 }]
        reusable = true
        price_musd = 110.0
        estimate = true
        source = "test fixture, estimate"
    """, "vehicle.toml")
    element = _write(tmp_path, _element(vehicle="new_glenn"), "element.toml")
    assert load_catalog(element, vehicle).elements["test_module"].launched_on == "new_glenn"


def test_user_only_catalog(tmp_path):
    path = _write(tmp_path, """
        [[partner]]
        id = "isro"
        name = "Indian Space Research Organisation"
        kind = "agency"
        country = "India"
        source = "ISRO, 2024"
    """)
    mine = load_catalog(path, packaged=False)
    assert list(mine.partners) == ["isro"] and not mine.elements


# --- Every kind of mistake: one line naming the file, the record and the field ---------

_MISTAKES = {
    "toml syntax": ("[[element]\nid = 'x'\n", ["not valid TOML", "line 1"]),
    "unknown key": (_element().replace("dry_mass_t", "dry_mas_t"),
                    ["element 'test_module'", "unknown key 'dry_mas_t'",
                     "did you mean 'dry_mass_t'"]),
    "wrong type": (_element(dry='"heavy"'),
                   ["element 'test_module'", "dry_mass_t", "valid number", "'heavy'"]),
    "negative mass": (_element(dry="-3.0"),
                      ["element 'test_module'", "dry_mass_t", "greater than or equal to 0",
                       "-3.0"]),
    "unknown owner": (_element(owner="esaa"),
                      ["element 'test_module'", "owner", "'esaa' is not a known partner",
                       "did you mean 'esa'", "roscosmos"]),
    "unknown vehicle": (_element(vehicle="ariane7"),
                        ["element 'test_module'", "launched_on", "'ariane7'",
                         "launch vehicle", "ariane6"]),
    "duplicate id": (_element() + _element(),
                     ["element 'test_module'", "id", "duplicate id 'test_module'",
                      "element #1"]),
    "unknown table": ("[[rocket]]\nid = 'x'\n", ["unknown table [[rocket]]", "[[element]]"]),
    "bad nested key": ("""
        [[launch_vehicle]]
        id = "lv"
        name = "LV"
        owner = "nasa"
        sites = ["kennedy"]
        payload_leo = [{ inclination_deg = 28.5, altitude_km = 200.0, payload = 5.0 }]
        reusable = false
        price_musd = 10.0
        source = "test fixture"
    """, ["launch vehicle 'lv'", "payload_leo[0]", "unknown key 'payload'",
          "did you mean 'payload_t'"]),
    "bad literal": (_element().replace('kind = "module"', 'kind = "modul"'),
                    ["element 'test_module'", "kind", "'module'", "'modul'"]),
    "unknown site": ("""
        [[launch_vehicle]]
        id = "lv"
        name = "LV"
        owner = "nasa"
        sites = ["kennedy", "wallops"]
        payload_leo = [{ inclination_deg = 28.5, altitude_km = 200.0, payload_t = 5.0 }]
        reusable = false
        price_musd = 10.0
        source = "test fixture"
    """, ["launch vehicle 'lv'", "sites[1]", "'wallops' is not a known site"]),
    "inverted inclinations": ("""
        [[site]]
        id = "wallops"
        name = "Wallops"
        operator = "NASA"
        latitude_deg = 37.8
        min_inclination_deg = 60.0
        max_inclination_deg = 38.0
        source = "test fixture"
    """, ["site 'wallops'", "max_inclination_deg is below min_inclination_deg"]),
    "not an array of tables": ("[element]\nid = 'x'\n",
                               ["element must be an array of tables", "[[element]]"]),
}


@pytest.mark.parametrize("mistake", sorted(_MISTAKES))
def test_each_mistake_is_one_line_naming_file_record_and_field(tmp_path, mistake):
    text, expected = _MISTAKES[mistake]
    path = _write(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:")
    for part in expected:
        assert part in message, (part, message)


def test_nothing_is_half_loaded(tmp_path):
    # A good record next to a bad one: no catalog at all, and every problem is listed.
    good = _write(tmp_path, _element(id="good_module"), "good.toml")
    bad = _write(tmp_path, _element(dry="-1.0") + _element(id="other", owner="nobody"),
                 "bad.toml")
    with pytest.raises(CatalogError) as info:
        load_catalog(good, bad)
    problems = info.value.problems
    # Cross-references are checked only once every record is valid, so the unknown
    # owner of 'other' is not reported yet: only the negative mass is.
    assert len(problems) == 1 and "dry_mass_t" in problems[0]
    assert "good_module" in load_catalog(good).elements


def test_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="no such catalog file"):
        load_catalog(tmp_path / "absent.toml")


def test_many_problems_are_summarised_on_one_line(tmp_path):
    text = "".join(_element(id=f"m{i}", dry="-1.0") for i in range(5))
    with pytest.raises(CatalogError) as info:
        load_catalog(_write(tmp_path, text))
    assert len(info.value.problems) == 5
    assert str(info.value).endswith("and 2 more problems") and "\n" not in str(info.value)


def test_element_with_propellant_must_name_it(tmp_path):
    text = _element().replace("dry_mass_t = 12.0", "dry_mass_t = 12.0\npropellant_capacity_t = 3.0")
    with pytest.raises(CatalogError, match="propellant: missing"):
        load_catalog(_write(tmp_path, text))


# --- Rows and the command line ----------------------------------------------------------


@pytest.mark.parametrize("listing", ["vehicles", "partners", "elements", "sites",
                                     "propellants", "docking"])
def test_rows_are_flat_with_common_keys_and_a_source(catalog, listing):
    rows = catalog_rows(catalog, listing)
    assert rows and all(list(row) == list(rows[0]) for row in rows)
    assert all(row["source"] for row in rows)
    for row in rows:
        for value in row.values():
            assert value is None or isinstance(value, (str, int, float, bool))


def test_cli_lists_vehicles_as_json(runner, catalog):
    result = runner.invoke(app, ["catalog", "vehicles", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == list(catalog.launch_vehicles)
    assert REQUIRED_IDS["launch_vehicles"] <= {row["id"] for row in rows}
    falcon9 = next(row for row in rows if row["id"] == "falcon9")
    assert falcon9["price_musd"] == catalog.launch_vehicles["falcon9"].price_musd
    assert falcon9["source"] == catalog.launch_vehicles["falcon9"].source
    assert all(isinstance(row["estimate"], bool) for row in rows)


def test_cli_table_and_csv(runner, tmp_path):
    result = runner.invoke(app, ["catalog", "elements"])
    assert result.exit_code == 0, result.output
    assert "starship_crew" in result.stdout and "dry_mass_t" in result.stdout
    result = runner.invoke(app, ["catalog", "docking", "-f", "csv"])
    assert result.exit_code == 0, result.output
    ids = [row["id"] for row in csv.DictReader(result.stdout.splitlines())]
    assert "idss" in ids and "ida" in ids


def test_cli_reads_user_catalog_files(runner, tmp_path):
    path = _write(tmp_path, _element())
    result = runner.invoke(app, ["catalog", "elements", "-f", "json", "--catalog", str(path)])
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.stdout) if r["id"] == "test_module")
    assert row["dry_mass_t"] == 12.0 and row["launch"] == "ariane6"


@pytest.mark.parametrize("args, expected", [
    (["catalog", "rockets"], "rockets"),
    (["catalog", "vehicles", "--catalog", "/nonexistent/mine.toml"], "no such catalog file"),
])
def test_cli_errors_exit_2(runner, args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert expected in result.output


def test_cli_bad_user_file_is_one_stderr_line(runner, tmp_path):
    path = _write(tmp_path, _element(dry="-3.0"))
    result = runner.invoke(app, ["catalog", "elements", "--catalog", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("marsplan: ")
    assert str(path) in lines[0] and "dry_mass_t" in lines[0]


def test_models_are_exported_with_the_records():
    # Other modules type-check against the models re-exported by marsplan.catalog.
    assert all(isinstance(e, Element) for e in default_catalog().elements.values())


def test_career_dose_limits_per_agency_with_sources(catalog):
    # The published career limits (effective dose): NASA-STD-3001 Vol. 1 Rev. B 600 mSv
    # for everyone; ESA, Roscosmos and CSA 1 Sv; JAXA 500 to 1,000 mSv by age at first
    # flight and sex, the lowest being the stated default.
    limits = {p.id: (p.career_dose_limit_msv, p.career_dose_limit_max_msv)
              for p in catalog.partners.values()}
    assert limits["nasa"] == (600.0, None)
    assert limits["esa"] == limits["roscosmos"] == limits["csa"] == (1000.0, None)
    assert limits["jaxa"] == (500.0, 1000.0)
    assert "NASA-STD-3001" in catalog.partners["nasa"].dose_limit_source
    for p in catalog.partners.values():
        if p.career_dose_limit_msv is not None:
            assert len(p.dose_limit_source) > 20, p.id
    # A company publishes none: its crew flies under the planner's stated default.
    assert limits["spacex"] == (None, None)


def test_starship_can_land_with_sourced_delta_v(catalog):
    ship = catalog.elements["starship_crew"]
    assert ship.can_land and ship.descent_dv_kms == 0.7 and ship.ascent_dv_kms == 4.75
    assert "Jaron, Mars Ascent Delta-V Trade Study" in ship.source
    # Ascent: 3.545 km/s to a 350 km orbit (Jaron 2005) plus the periapsis burn from
    # a 350 km circular orbit onto a 250 x 33,793 km ellipse by vis-viva; the catalog
    # rounds the sum to 4.75. mu and radius: IAU / marsplan's constants.
    from marsplan.constants import GM_MARS_KM3S2, MEAN_RADIUS_KM

    mu, r = GM_MARS_KM3S2, MEAN_RADIUS_KM["mars"]
    r350, rp, ra = r + 350.0, r + 250.0, r + 33_793.0
    # Hohmann-like: raise apoapsis at 350 km, then lower periapsis to 250 km at apoapsis.
    a1 = (r350 + ra) / 2
    burn1 = math.sqrt(mu * (2 / r350 - 1 / a1)) - math.sqrt(mu / r350)
    a2 = (rp + ra) / 2
    burn2 = math.sqrt(mu * (2 / ra - 1 / a1)) - math.sqrt(mu * (2 / ra - 1 / a2))
    assert 3.545 + burn1 + burn2 == pytest.approx(ship.ascent_dv_kms, abs=0.1)
    with pytest.raises(ValueError, match="descent_dv_kms and ascent_dv_kms go together"):
        ship.model_validate({**ship.model_dump(), "ascent_dv_kms": None})
