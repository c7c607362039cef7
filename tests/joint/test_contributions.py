"""marsplan.joint.contributions: per-partner sums and shares of hand-made sizing rows."""

from __future__ import annotations

import pytest

from marsplan.errors import InputError
from marsplan.joint.contributions import contributions
from tests.joint import joint_catalog, us_russia

# A US-Russia plan, in round numbers so every share can be checked by hand:
# mass to LEO 120 + 9.5 + 7 + 1000 = 1136.5 t; launches 1 + 1 + 1 + 8 = 11;
# cost 100 + 60 + 40 + 70 + 50 + 800 = 1120 M$.
ROWS = [
    {"provider": "spacex", "kind": "element", "item": "starship_crew", "mass_t": 120.0,
     "cost_musd": 100.0},
    {"provider": "spacex", "kind": "launch", "item": "super_heavy", "launches": 1},
    {"provider": "spacex", "kind": "element", "item": "crew_dragon", "mass_t": 9.5,
     "cost_musd": 60.0},
    {"provider": "spacex", "kind": "launch", "item": "falcon9", "launches": 1, "cost_musd": 70.0},
    {"provider": "roscosmos", "kind": "element", "item": "soyuz_ms", "mass_t": 7.0,
     "cost_musd": 40.0},
    {"provider": "roscosmos", "kind": "launch", "item": "soyuz_2_1a", "launches": 1,
     "cost_musd": 50.0},
    {"provider": "spacex", "kind": "tanker", "item": "starship_tanker", "launches": 8,
     "cost_musd": 800.0},
    {"provider": "spacex", "kind": "propellant", "item": "methalox", "mass_t": 1000.0},
]


@pytest.fixture(scope="module")
def table():
    from dataclasses import asdict

    return {row.partner: asdict(row) for row in contributions(us_russia(), joint_catalog(), ROWS)}


def test_sums_per_partner(table):
    assert list(table) == ["nasa", "roscosmos", "spacex"]  # Scenario.partners() order
    spacex, roscosmos, nasa = table["spacex"], table["roscosmos"], table["nasa"]
    assert spacex["mass_to_leo_t"] == pytest.approx(1129.5)
    assert spacex["launches"] == 10 and isinstance(spacex["launches"], int)
    assert roscosmos["mass_to_leo_t"] == 7.0 and roscosmos["launches"] == 1
    assert nasa["mass_to_leo_t"] == 0.0 and nasa["launches"] == 0


def test_shares(table):
    assert table["spacex"]["mass_share_pct"] == pytest.approx(100 * 1129.5 / 1136.5)
    assert table["roscosmos"]["mass_share_pct"] == pytest.approx(100 * 7 / 1136.5)
    assert table["spacex"]["launch_share_pct"] == pytest.approx(100 * 10 / 11)
    for key in ("mass_share_pct", "launch_share_pct"):
        assert sum(row[key] for row in table.values()) == pytest.approx(100.0)


def test_elements_and_seats(table):
    assert table["spacex"]["elements"] == ("starship_crew", "crew_dragon", "starship_tanker")
    assert table["roscosmos"]["elements"] == ("soyuz_ms",)
    assert table["nasa"]["elements"] == ()
    assert [table[p]["crew_seats"] for p in ("nasa", "roscosmos", "spacex")] == [2, 2, 0]
    # Seats on the crew-access vehicles each provides: Dragon 4, Soyuz 3.
    assert [table[p]["seats_provided"] for p in ("nasa", "roscosmos", "spacex")] == [0, 3, 4]


def test_keys_and_an_extra_provider():
    rows = ROWS + [{"provider": "esa", "kind": "adapter", "item": "docking_adapter",
                    "mass_t": 0.5, "cost_musd": 10.0}]
    from dataclasses import asdict

    out = [asdict(r) for r in contributions(us_russia(), joint_catalog(), rows)]
    assert [r["partner"] for r in out] == ["nasa", "roscosmos", "spacex", "esa"]
    assert list(out[0]) == ["partner", "mass_to_leo_t", "mass_share_pct", "launches",
                            "launch_share_pct", "elements", "crew_seats", "seats_provided"]
    assert out[-1]["elements"] == () and out[-1]["mass_to_leo_t"] == 0.5


def test_no_rows_gives_zero_shares():
    out = contributions(us_russia(), joint_catalog(), [])
    assert all(r.mass_share_pct == 0.0 and r.launch_share_pct == 0.0 for r in out)


@pytest.mark.parametrize("row, message", [
    ({"kind": "launch"}, r"sizing_rows\[0\].provider: must be a partner id"),
    ({"provider": "nasa", "kind": "rocket"},
     (r"sizing_rows\[0\].kind: 'rocket' is not one of element, crew, launch, tanker, "
      r"propellant, adapter")),
    ({"provider": "nasa", "kind": "launch", "launches": -1},
     r"sizing_rows\[0\].launches: must be a finite number >= 0, got -1"),
    ({"provider": "nasa", "kind": "element", "mass_t": float("inf")},
     r"sizing_rows\[0\].mass_t: must be a finite number"),
    ({"provider": "nasa", "kind": "element", "cost_musd": "10"},
     r"sizing_rows\[0\].cost_musd: must be a finite number"),
])
def test_bad_rows(row, message):
    with pytest.raises(InputError, match=message):
        contributions(us_russia(), joint_catalog(), [row])
