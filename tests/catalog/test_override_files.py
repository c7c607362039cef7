"""Catalog override files of every kind, and numbers of every kind in them: one line each.

A user's catalog file is read as a scenario file is: only a regular file of at
most 1 MiB, UTF-8 TOML without runaway nesting; every number finite and
within bounds far above any real figure, so no override can make a budget
infinite or a launch schedule grow without end.
"""

from __future__ import annotations

import os
import textwrap
import threading
from pathlib import Path

import pytest

from marsplan.catalog import CatalogError, load_catalog
from marsplan.catalog.load import MAX_CATALOG_FILES, MAX_RECORDS
from marsplan.sizing.launch import MAX_LAUNCHES, launches_needed

_ELEMENT = """
[[element]]
id = "test_module"
name = "Test module"
kind = "module"
owner = "esa"
dry_mass_t = 12.0
launched_on = "ariane6"
source = "test fixture"
"""

_VEHICLE = """
[[launch_vehicle]]
id = "test_lv"
name = "Test LV"
owner = "nasa"
sites = ["kennedy"]
payload_leo = [{ inclination_deg = 28.5, altitude_km = 200.0, payload_t = 5.0 }]
reusable = false
price_musd = 10.0
source = "test fixture"
"""


def _write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _one_line(tmp_path, *paths) -> str:
    with pytest.raises(CatalogError) as info:
        load_catalog(*paths)
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message and "\x00" not in message
    return message


def _poke(fifo):
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


def test_special_files_are_refused_without_reading_or_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    timer = threading.Timer(5.0, lambda: _poke(fifo))  # a regression fails, not hangs
    timer.start()
    try:
        for path, kind in [("/dev/zero", "is a device"), (fifo, "is a named pipe"),
                           (tmp_path, "is a folder")]:
            assert _one_line(tmp_path, path) == (f"{path}: {kind}; a catalog file must be a "
                                                 "regular file")
    finally:
        timer.cancel()


def test_large_file_is_refused_from_its_size(tmp_path):
    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert _one_line(tmp_path, path) == (f"{path}: 52,428,800 bytes, larger than a catalog "
                                         "file may be (1,048,576 bytes)")


@pytest.mark.parametrize(("content", "needle"), [
    ((_ELEMENT.replace("Test module", "M\xf6dul")).encode("latin-1"), "not UTF-8 text (byte"),
    (b"x = " + b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
    (b"x = " + b"{a = " * 10_000 + b"1" + b"}" * 10_000, "nested too deeply"),
    (b"\x00\x1b[2J", "not valid TOML"),
    (b'[["\\u001b[31mred"]]\nid = "x"\n', "unknown table [['\\x1b[31mred']]"),
])
def test_odd_contents_are_one_line(tmp_path, content, needle):
    path = tmp_path / "odd.toml"
    path.write_bytes(content)
    message = _one_line(tmp_path, path)
    assert message.startswith(f"{path}: ") and needle in message, message


# (field, replaced text, template) in the element or the vehicle record
_NUMBER_FIELDS = [
    ("dry_mass_t", _ELEMENT, "dry_mass_t = 12.0", "dry_mass_t = {v}"),
    ("propellant_capacity_t", _ELEMENT, "dry_mass_t = 12.0",
     'dry_mass_t = 12.0\npropellant = "methalox"\npropellant_capacity_t = {v}'),
    ("isp_s", _ELEMENT, "dry_mass_t = 12.0", "dry_mass_t = 12.0\nisp_s = {v}"),
    ("crew_capacity", _ELEMENT, "dry_mass_t = 12.0", "dry_mass_t = 12.0\ncrew_capacity = {v}"),
    ("unit_cost_musd", _ELEMENT, "dry_mass_t = 12.0", "dry_mass_t = 12.0\nunit_cost_musd = {v}"),
    ("cabin_pressure_kpa", _ELEMENT, "dry_mass_t = 12.0",
     "dry_mass_t = 12.0\ncabin_pressure_kpa = {v}"),
    ("price_musd", _VEHICLE, "price_musd = 10.0", "price_musd = {v}"),
    ("payload_leo[0].payload_t", _VEHICLE, "payload_t = 5.0", "payload_t = {v}"),
    ("payload_leo[0].altitude_km", _VEHICLE, "altitude_km = 200.0", "altitude_km = {v}"),
]
_BAD = ["nan", "inf", "-inf", "1e308", '"12"', "true"]


@pytest.mark.parametrize("value", _BAD)
@pytest.mark.parametrize(("field", "record", "line", "template"), _NUMBER_FIELDS,
                         ids=[f[0] for f in _NUMBER_FIELDS])
def test_bad_numbers_name_the_record_and_field(tmp_path, field, record, line, template, value):
    path = _write(tmp_path, record.replace(line, template.format(v=value)))
    message = _one_line(tmp_path, path)
    assert message.startswith(f"{path}: ") and f": {field}: " in message, message


def test_infinite_figures_cannot_reach_a_budget(tmp_path):
    # The case the issue names: an infinity in an override passed through and
    # gave a "flyable" plan. Each spelling TOML has for it is refused.
    for spelling in ("inf", "+inf", "-inf", "nan", "+nan", "-nan"):
        path = _write(tmp_path, _ELEMENT.replace("dry_mass_t = 12.0",
                                                 f"dry_mass_t = {spelling}"))
        assert "dry_mass_t: input should be a finite number" in _one_line(tmp_path, path)


def test_counts_of_files_and_records_are_bounded(tmp_path):
    good = _write(tmp_path, _ELEMENT)
    message = _one_line(tmp_path, *[good] * (MAX_CATALOG_FILES + 1))
    assert message == (f"paths: {MAX_CATALOG_FILES + 1} catalog files; at most 32 may be "
                       "read at once")
    many = "".join(_ELEMENT.replace("test_module", f"m{i}") for i in range(MAX_RECORDS + 1))
    path = _write(tmp_path, many, "many.toml")
    assert _one_line(tmp_path, path) == (f"{path}: element: 1,001 records; at most 1,000 of "
                                         "one kind per file")
    lists = _VEHICLE.replace('sites = ["kennedy"]', "sites = [" + '"kennedy", ' * 101 + "]")
    assert ": sites: " in _one_line(tmp_path, _write(tmp_path, lists, "lists.toml"))


def test_sensible_overrides_still_load(tmp_path):
    path = _write(tmp_path, _ELEMENT.replace("dry_mass_t = 12.0", "dry_mass_t = 12.0\n"
                                             "isp_s = 4500.0\ncrew_capacity = 6") + _VEHICLE)
    catalog = load_catalog(path)
    assert catalog.elements["test_module"].isp_s == 4500.0
    assert catalog.launch_vehicles["test_lv"].payload_leo[0].payload_t == 5.0


@pytest.mark.parametrize(("mass_t", "payload"), [
    (1e5, 1e-6), (float("inf"), 100.0), (float("nan"), 100.0), (1.0, 0.0),
    (MAX_LAUNCHES * 10.0 + 1.0, 10.0),
])
def test_launch_counts_are_bounded(mass_t, payload):
    # A tiny tanker capacity once made the tanker schedule loop (nearly) forever.
    from marsplan.errors import InputError

    with pytest.raises(InputError, match=r"^launches: .* more than 100,000 launches"):
        launches_needed(mass_t, payload)


def test_launch_counts_up_to_the_bound():
    assert launches_needed(MAX_LAUNCHES * 10.0, 10.0) == MAX_LAUNCHES
    assert launches_needed(150.0, 150.0) == 1 and launches_needed(0.0, 1.0) == 1
