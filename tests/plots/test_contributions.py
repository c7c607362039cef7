"""marsplan.plots.contributions: partner shares as horizontal bars."""

from __future__ import annotations

import subprocess
import sys

import pytest

from marsplan.errors import InputError
from marsplan.plots.contributions import MEASURES, _draw, plot_contributions

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}

# Shaped as the plan document's partners entries (marsplan.io.document.partner_entries).
ROWS = [
    {"partner": "nasa", "mass_to_leo_t": 26.5, "mass_share_pct": 2.0, "launches": 1,
     "launch_share_pct": 8.0, "elements": ["orion"], "crew_seats": 2, "seats_provided": 4,
     "contribution_musd": 2500.0, "contribution_pct": 60.0},
    {"partner": "spacex", "mass_to_leo_t": 1200.0, "mass_share_pct": 97.0, "launches": 11,
     "launch_share_pct": 88.0, "elements": ["starship_crew"], "crew_seats": 0,
     "seats_provided": 0, "contribution_musd": 1600.0, "contribution_pct": 38.0},
    {"partner": "roscosmos", "mass_to_leo_t": 12.4, "mass_share_pct": 1.0, "launches": 0.5,
     "launch_share_pct": 4.0, "elements": [], "crew_seats": 2, "seats_provided": 3,
     "contribution_musd": 83.0, "contribution_pct": 2.0},
]


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_writes_each_format(tmp_path, ext):
    path = tmp_path / "charts" / f"contributions{ext}"
    assert plot_contributions(ROWS, path, dpi=60) == path
    data = path.read_bytes()
    if ext == ".svg":
        assert data.startswith(b"<?xml") and b"<svg" in data[:1000]
    else:
        assert data.startswith(MAGIC[ext])
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_bars_are_the_shares_in_row_order():
    _, artists = _draw(ROWS)
    ax = artists["ax"]
    for share, value, _, _ in MEASURES:
        bars = artists["bars"][share]
        assert [b.get_width() for b in bars] == [r[share] for r in ROWS]
        # First partner on top: bar centres fall down the list.
        centres = [b.get_y() + b.get_height() / 2 for b in bars]
        assert centres == sorted(centres, reverse=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["nasa", "spacex", "roscosmos"]
    labels = [t.get_text() for t in artists["labels"]["contribution_pct"]]
    assert labels[0] == "60.0 % (2,500 M$)"
    assert [t.get_text() for t in artists["labels"]["launch_share_pct"]][2] == "4.0 % (0.5)"
    legend = [t.get_text() for t in artists["legend"].get_texts()]
    assert legend[0] == "Mass to LEO (1,239 t in all)"


@pytest.mark.parametrize("rows, message", [
    ([], "no partners"),
    ([{"mass_share_pct": 1.0}], r"rows\[0\]: must be a dict with a partner"),
    ([{**ROWS[0], "contribution_pct": float("nan")}], r"rows\[0\].contribution_pct"),
    ([{**ROWS[0], "launches": -1}], r"rows\[0\].launches"),
])
def test_bad_rows(tmp_path, rows, message):
    with pytest.raises(InputError, match=message):
        plot_contributions(rows, tmp_path / "c.png")
    assert list(tmp_path.iterdir()) == []


def test_unknown_extension(tmp_path):
    with pytest.raises(InputError, match=r"contributions chart .*\.png, \.svg, \.pdf"):
        plot_contributions(ROWS, tmp_path / "c.jpg")


def test_importing_the_module_does_not_load_matplotlib():
    code = ("import sys, marsplan.plots.contributions; "
            "sys.exit('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_drawing_does_not_load_pyplot():
    code = ("import sys; from marsplan.plots.contributions import _draw; "
            f"_draw({ROWS!r}); sys.exit('matplotlib.pyplot' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
