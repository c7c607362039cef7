"""marsplan.plots.agreement: contribution beside entitlement, with the balance."""

from __future__ import annotations

import pytest

from marsplan.errors import InputError
from marsplan.plots.agreement import BARS, _draw, plot_agreement

# Shaped as the ledger's rows: NASA buys SpaceX's hardware (1,420 M$), Roscosmos
# provides 200 M$ in kind, two seats each of 1,620 M$.
ROWS = [
    {"partner": "nasa", "contribution_pct": 87.65, "contribution_musd": 1420.0,
     "entitlement_pct": 50.0, "entitlement_musd": 810.0, "balance_musd": 610.0},
    {"partner": "roscosmos", "contribution_pct": 12.35, "contribution_musd": 200.0,
     "entitlement_pct": 50.0, "entitlement_musd": 810.0, "balance_musd": -610.0},
    {"partner": "spacex", "contribution_pct": 0.0, "contribution_musd": 0.0,
     "entitlement_pct": 0.0, "entitlement_musd": 0.0, "balance_musd": 0.0},
]


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_writes_each_format(tmp_path, ext):
    path = tmp_path / f"agreement{ext}"
    assert plot_agreement(ROWS, path, dpi=60) == path
    assert path.stat().st_size > 1000


def test_bars_and_balances_are_the_ledgers():
    _, artists = _draw(ROWS)
    for pct, _, _ in BARS:
        assert [b.get_width() for b in artists["bars"][pct]] == [r[pct] for r in ROWS]
    texts = [t.get_text() for t in artists["balances"]]
    assert texts == ["+610 M$ beyond its share", "-610 M$ short of its share", "balanced"]
    assert [t.get_text() for t in artists["ax"].get_yticklabels()] == ["nasa", "roscosmos",
                                                                         "spacex"]


@pytest.mark.parametrize("rows, message", [
    ([], "no partners"),
    ([{**ROWS[0], "balance_musd": float("inf")}], r"rows\[0\].balance_musd"),
    ([{"contribution_pct": 1.0}], r"rows\[0\]: must be a dict with a partner"),
])
def test_bad_rows(tmp_path, rows, message):
    with pytest.raises(InputError, match=message):
        plot_agreement(rows, tmp_path / "a.png")
    assert list(tmp_path.iterdir()) == []
