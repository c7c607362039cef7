"""Each list of allowed values is defined once, in the core; the CLI and the web API follow it.

The reference is :mod:`marsplan.choices`: the core's checks must use its very
tuples, and each edge's choices (click's ``Choice`` behind a typer option, the
``enum`` of an OpenAPI parameter) must equal them, in order. A value added to
the core must reach both edges with no other edit: the last test adds one in a
fresh interpreter and looks for it in ``--help``, in click's choices and in the
OpenAPI document.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer

from marsplan import choices
from marsplan.choices import ANGLES, CATALOG_LISTINGS, EARTH_RETURNS, FRAMES, MISSION_CLASSES
from marsplan.errors import InputError, MarsplanError

#: The CLI's options (and argument) that choose among a core list, by their flag.
CLI_CHOICES = {"--class": MISSION_CLASSES, "--return": EARTH_RETURNS, "--angles": ANGLES,
               "--frame": FRAMES, "LISTING": tuple(CATALOG_LISTINGS)}
#: The web API's parameters that choose among a core list, by their name.
WEB_CHOICES = {"class": MISSION_CLASSES, "return": EARTH_RETURNS, "angles": ANGLES,
               "listing": tuple(CATALOG_LISTINGS)}


def _cli_params():
    """(command, flag or metavar, parameter) for every parameter of every CLI command."""
    from marsplan.cli import app

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            flags = [o for o in param.opts if o.startswith("--")] or [param.metavar]
            yield name, flags[0], param


def _choices(param) -> tuple | None:
    """The values a typer parameter accepts, or None if it takes any value of its type."""
    descriptor = param.type_descriptor  # typer >= 0.22: what click's Choice was built from
    if not descriptor.is_choice:
        return None
    return tuple(getattr(c, "value", c) for c in descriptor.choices)


def test_core_checks_use_the_one_list():
    from marsplan.catalog import load as catalog_load
    from marsplan.ephemeris import frames as ephemeris_frames
    from marsplan.transfer import frames as transfer_frames
    from marsplan.transfer import mission, missions

    assert mission.MISSION_CLASSES is MISSION_CLASSES
    assert missions.MISSION_CLASSES is MISSION_CLASSES
    assert missions.EARTH_RETURNS is EARTH_RETURNS
    assert transfer_frames.ANGLES is ANGLES
    assert ephemeris_frames.FRAMES is FRAMES
    assert catalog_load.LISTINGS is CATALOG_LISTINGS


def test_core_accepts_each_value_and_refuses_others():
    from marsplan.catalog import catalog_rows, load_catalog
    from marsplan.transfer.frames import check_angles
    from marsplan.transfer.missions import MissionOptions

    for mission_class in MISSION_CLASSES:
        assert MissionOptions().checked(mission_class) is not None
    for earth_return in EARTH_RETURNS:
        assert MissionOptions(earth_return=earth_return).checked("conjunction").earth_return \
            == earth_return
    for angles in ANGLES:
        assert check_angles(angles) == angles
    catalog = load_catalog()
    for listing in CATALOG_LISTINGS:
        assert catalog_rows(catalog, listing)
    with pytest.raises(InputError, match="mission_class"):
        MissionOptions().checked("hohmann")
    with pytest.raises(InputError, match="earth_return"):
        MissionOptions(earth_return="orbit").checked("conjunction")
    with pytest.raises(InputError, match="angles"):
        check_angles("b1950")
    with pytest.raises(MarsplanError, match="listing"):
        catalog_rows(catalog, "rockets")


def test_cli_choices_are_the_core_lists():
    seen = set()
    for command, flag, param in _cli_params():
        if flag not in CLI_CHOICES:
            continue
        seen.add(flag)
        assert _choices(param) == CLI_CHOICES[flag], (command, flag)
    assert seen == set(CLI_CHOICES)


def test_cli_help_names_each_core_value():
    from marsplan import cli

    for command, flag, param in _cli_params():
        if flag in CLI_CHOICES and flag != "--angles":  # --angles words its values in prose
            for value in CLI_CHOICES[flag]:
                assert value in param.help, (command, flag, value)
    # A word for a value the core no longer has would be a stale duplicate.
    for words, values in ((cli.FRAME_WORDS, FRAMES), (cli.ANGLES_WORDS, ANGLES),
                          (cli.EARTH_RETURN_WORDS, EARTH_RETURNS),
                          (cli.CATALOG_WORDS, CATALOG_LISTINGS)):
        assert set(words) <= set(values), words


def test_one_of_words_a_list():
    from marsplan.cli import one_of

    assert one_of(("a",)) == "a"
    assert one_of(("a", "b")) == "a or b"
    assert one_of(("a", "b", "c"), {"b": "b (bee)"}) == "a, b (bee) or c"


def _openapi_choices(document: dict) -> list[tuple[str, str, tuple]]:
    """(path, parameter, enum values) of every parameter the document gives an enum."""
    schemas = document["components"]["schemas"]
    found = []
    for path, methods in document["paths"].items():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                options = schema.get("anyOf", [schema])
                for option in options:
                    if "$ref" in option:
                        option = schemas[option["$ref"].rsplit("/", 1)[1]]
                    if "enum" in option:
                        found.append((path, parameter["name"], tuple(option["enum"])))
    return found


def test_web_choices_are_the_core_lists():
    from marsplan.web.app import create_app
    from marsplan.web.jobs import PORKCHOP_LAYOUTS

    found = _openapi_choices(create_app().openapi())
    chosen = {(path, name): values for path, name, values in found}
    for (path, name), values in chosen.items():
        if name in WEB_CHOICES:
            assert values == WEB_CHOICES[name], (path, name)
    assert {name for _, name in chosen} >= set(WEB_CHOICES)
    # Every parameter named like a core choice has its enum (none left a free string).
    assert {("/api/missions", "class"), ("/api/sweep", "class"), ("/api/missions", "return"),
            ("/api/windows", "angles"), ("/api/porkchop", "angles"),
            ("/api/catalog/{listing}", "listing")} <= set(chosen)
    assert chosen[("/api/porkchop", "layout")] == PORKCHOP_LAYOUTS


def test_web_refusal_names_the_core_values():
    from fastapi.testclient import TestClient

    from marsplan.web.app import create_app

    with TestClient(create_app(workers=1)) as client:
        assert client.get("/api/catalog").json() == {"listings": list(CATALOG_LISTINGS)}
        response = client.get("/api/missions", params={"from": 2033, "to": 2033,
                                                       "class": "hohmann"})
        assert response.status_code == 422
        (entry,) = response.json()["detail"]
        assert entry["loc"] == ["query", "class"]
        assert all(f"'{value}'" in entry["msg"] for value in MISSION_CLASSES), entry


_ADDED = r"""
import json, sys
import marsplan.choices as c
c.MISSION_CLASSES = (*c.MISSION_CLASSES, "cycler")
c.EARTH_RETURNS = (*c.EARTH_RETURNS, "splashdown")
c.CATALOG_LISTINGS = {**c.CATALOG_LISTINGS, "habitats": ("elements",)}
import typer
from typer.testing import CliRunner
from marsplan.cli import app
from marsplan.web.app import create_app
group = typer.main.get_command(app)
params = {p.name: p for p in group.commands["missions"].params}
listing = {p.name: p for p in group.commands["catalog"].params}["listing"]
def values(param):
    return [getattr(c, "value", c) for c in param.type_descriptor.choices]
help_text = CliRunner().invoke(app, ["missions", "--help"], env={"COLUMNS": "300"}).output
schemas = create_app().openapi()["components"]["schemas"]
print(json.dumps({
    "cli_class": values(params["mission_class"]),
    "cli_return": values(params["earth_return"]),
    "cli_listing": values(listing),
    "help_names_cycler": "cycler" in help_text.split("--venus")[0],
    "web_class": schemas["MissionClass"]["enum"],
    "web_return": schemas["EarthReturn"]["enum"],
    "web_listing": schemas["Listing"]["enum"],
}))
"""


def test_a_value_added_to_the_core_reaches_both_edges():
    out = subprocess.run([sys.executable, "-c", _ADDED], capture_output=True, text=True,
                         check=True, timeout=120)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    classes = [*MISSION_CLASSES, "cycler"]
    returns = [*EARTH_RETURNS, "splashdown"]
    listings = [*CATALOG_LISTINGS, "habitats"]
    assert seen == {"cli_class": classes, "cli_return": returns, "cli_listing": listings,
                    "help_names_cycler": True, "web_class": classes, "web_return": returns,
                    "web_listing": listings}


def test_as_enum_members_follow_the_values():
    made = choices.as_enum("Made", ("a", "mean-of-date"))
    assert [m.value for m in made] == ["a", "mean-of-date"]
    assert made.mean_of_date == "mean-of-date" and made.__module__ == __name__


def test_scenario_files_accept_the_cores_choices():
    # A scenario file's [mission] class and earth_return are typed from the same lists.
    import typing

    from marsplan.choices import EARTH_RETURNS, MISSION_CLASSES
    from marsplan.joint.scenario import MissionSpec

    fields = MissionSpec.model_fields
    assert typing.get_args(fields["mission_class"].annotation) == MISSION_CLASSES
    assert typing.get_args(fields["earth_return"].annotation) == EARTH_RETURNS


def test_sweep_rows_and_the_sweep_filter_use_the_verdicts():
    from marsplan.choices import SWEEP_STATUSES, VERDICTS
    from marsplan.joint.verdict import STATUSES
    from marsplan.sweep.engine import ERROR
    from marsplan.web.api import SweepStatus

    assert STATUSES is VERDICTS
    assert SWEEP_STATUSES == (*VERDICTS, ERROR)
    assert tuple(m.value for m in SweepStatus) == SWEEP_STATUSES
