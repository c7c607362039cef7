"""Every price the ledger uses carries its source and an estimate flag, and the loader
refuses a price that is negative, not finite, or without a source (one line, exit 2)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from marsplan.catalog import CatalogError, load_catalog
from marsplan.joint.agreement import PRICE_WORDS

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_every_packaged_price_says_where_it_comes_from():
    catalog = load_catalog()
    priced = [*catalog.launch_vehicles.values(),
              *(e for e in catalog.elements.values() if e.unit_cost_musd > 0)]
    assert len(priced) >= 20
    for record in priced:
        assert isinstance(record.estimate, bool)
        assert PRICE_WORDS.search(record.source), (record.id, record.source)
    # No published launch price is exact for a Mars campaign: all are estimates.
    assert all(v.estimate for v in catalog.launch_vehicles.values())


_VEHICLE = """
[[launch_vehicle]]
id = "test_lv"
name = "Test LV"
owner = "nasa"
sites = ["kennedy"]
payload_leo = [{ inclination_deg = 28.5, altitude_km = 200.0, payload_t = 5.0 }]
reusable = false
price_musd = PRICE
source = "test fixture: price from a quote"
"""


@pytest.mark.parametrize(("price", "needle"), [
    ("-10.0", "price_musd: input should be greater than 0"),
    ("nan", "price_musd: input should be a finite number"),
    ("inf", "price_musd: input should be a finite number"),
])
def test_negative_or_non_finite_prices_are_one_line(tmp_path, price, needle):
    path = tmp_path / "prices.toml"
    path.write_text(textwrap.dedent(_VEHICLE.replace("PRICE", price)), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert "\n" not in str(info.value) and needle in str(info.value)
    assert "launch vehicle 'test_lv'" in str(info.value)


def test_a_price_without_a_source_is_refused(tmp_path):
    path = tmp_path / "prices.toml"
    text = textwrap.dedent(_VEHICLE.replace("PRICE", "10.0"))
    path.write_text(text.replace('source = "test fixture: price from a quote"\n', ""),
                    encoding="utf-8")
    with pytest.raises(CatalogError, match="test_lv': source: missing \\(required\\)"):
        load_catalog(path)


def test_the_cli_refuses_a_negative_price_in_a_scenario_catalog(tmp_path):
    catalog = tmp_path / "prices.toml"
    catalog.write_text(textwrap.dedent("""
        [[element]]
        id = "crew_dragon"
        name = "Crew Dragon, quoted"
        kind = "crew_vehicle"
        owner = "spacex"
        dry_mass_t = 9.5
        crew_capacity = 4
        launched_on = "falcon9"
        unit_cost_musd = -150.0
        source = "a quote"
        """), encoding="utf-8")
    text = (EXAMPLES / "us_russia_2033.toml").read_text(encoding="utf-8")
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'catalog = ["{catalog.as_posix()}"]\n' + text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", "from marsplan.cli import main; main()",
                          "plan", str(scenario)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("marsplan: ") and "unit_cost_musd" in run.stderr
