"""marsplan.plots.porkchop: the handbook-style porkchop chart.

The grid is the 2033 Earth-to-Mars opportunity at a 4-day step: small enough
to solve and draw in about a second, large enough to hold both transfer types,
the 180-degree ridge between them and both minimum-C3 optima.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import marsplan
from marsplan.errors import InputError
from marsplan.plots.porkchop import _draw, plot_porkchop
from marsplan.time import jd_tdb_to_iso
from marsplan.transfer.leg import transfer_leg

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}


@pytest.fixture(scope="module")
def pc_2033():
    return marsplan.porkchop("earth", "mars", launch=("2033-01-01", "2033-09-01"),
                             arrival=("2033-08-01", "2034-08-01"), step_days=4)


@pytest.fixture(scope="module")
def drawn_2033(pc_2033):
    return _draw(pc_2033, c3_max=12)


def _date_num(jd_tdb) -> float:
    """matplotlib's date number of a TDB Julian date, by way of the ISO text, so the
    check does not reuse the chart's own conversion."""
    from matplotlib import dates as mdates

    return float(mdates.date2num(dt.datetime.fromisoformat(str(jd_tdb_to_iso(jd_tdb)))))


def _scalar(value) -> float:
    return float(np.ravel(value)[0])


def _linewidth(cs) -> float:
    if hasattr(cs, "get_linewidths"):  # matplotlib >= 3.8: a ContourSet is a Collection
        return float(cs.get_linewidths()[0])
    return float(cs.collections[0].get_linewidth()[0])


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_writes_each_format_with_its_magic_bytes(pc_2033, tmp_path, ext):
    path = tmp_path / "charts" / "new" / f"porkchop_2033{ext}"  # parent created
    assert plot_porkchop(pc_2033, path) == path
    data = path.read_bytes()
    assert len(data) > 10_000
    if ext == ".svg":
        assert data.startswith(b"<?xml") and b"<svg" in data[:1000]
    else:
        assert data.startswith(MAGIC[ext])
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_porkchop_plot_method_draws_through_plot_porkchop(pc_2033, tmp_path):
    path = str(tmp_path / "chart.PNG")  # the extension is read case-blind
    assert pc_2033.plot(path, dpi=50) == path
    with open(path, "rb") as handle:
        assert handle.read(8) == MAGIC[".png"]


@pytest.mark.parametrize("name", ["chart.jpg", "chart", "chart.png.txt"])
def test_unknown_extension_raises_naming_the_allowed_ones(pc_2033, tmp_path, name):
    with pytest.raises(InputError, match=r"\.png, \.svg, \.pdf"):
        plot_porkchop(pc_2033, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_optimum_markers_sit_on_each_types_min_c3_dates(pc_2033, drawn_2033):
    _, artists = drawn_2033
    assert sorted(artists["optimum"]) == [1, 2]
    for code, name in ((1, "I"), (2, "II")):
        best = pc_2033.optimum("min_c3", name)
        marker = artists["optimum"][code]
        # Exact: both sides are the same grid dates, whole days.
        assert list(marker.get_xdata()) == [_date_num(_scalar(best.launch_jd_tdb))]
        assert list(marker.get_ydata()) == [_date_num(_scalar(best.arrival_jd_tdb))]
        assert f"C3 {_scalar(best.c3_km2s2):.2f}" in marker.get_label()
        assert str(jd_tdb_to_iso(_scalar(best.launch_jd_tdb), "days")) in marker.get_label()


def test_default_c3_levels_follow_the_handbook_ladder(pc_2033):
    _, artists = _draw(pc_2033)
    # The grid's minimum C3 is 7.7 km^2/s^2 (Type II), so the ladder starts at 8.
    assert 7.0 < np.nanmin(pc_2033.c3_km2s2) < 8.0
    levels = sorted({float(v) for cs in artists["c3"].values() for v in cs.levels})
    assert levels == [8, 9, 10, 12, 14, 16, 20, 25, 30, 40]
    # Type I's minimum is 8.4, so its own set starts at 9: no empty 8 contour.
    assert list(artists["c3"][1].levels) == [9, 10, 12, 14, 16, 20, 25, 30, 40]
    assert len(artists["vinf"][1].levels) > 3 and artists["tof"] is not None
    assert all(text.get_text() for text in artists["c3"][1].labelTexts)
    assert len(artists["c3"][1].labelTexts) >= 5  # labelled, not just drawn


def test_custom_levels_are_used(pc_2033):
    _, artists = _draw(pc_2033, c3_levels=[10, 20], vinf_levels=[5], tof_step_days=100)
    assert [list(cs.levels) for cs in artists["c3"].values()] == [[10, 20], [10, 20]]
    assert list(artists["tof"].levels) == [100, 200, 300, 400, 500]


@pytest.mark.parametrize("bad", [[20, 10], [0, 5], ["a"]])
def test_bad_levels_raise(pc_2033, bad):
    with pytest.raises(InputError, match="c3_levels"):
        _draw(pc_2033, c3_levels=bad)


def test_both_type_regions_are_drawn_and_contours_stay_in_their_type(pc_2033, drawn_2033):
    _, artists = drawn_2033
    assert artists["region_types"] == [1, 2]
    # One filled band per type, each non-empty.
    assert [len(polygons) > 0 for polygons in artists["regions"].allsegs] == [True, True]
    for code, cs in artists["c3"].items():
        assert _cells_outside_type(pc_2033, cs, code) == 0


def _cells_outside_type(pc, cs, code, step_days=4.0) -> int:
    """How many vertices of contour set ``cs`` lie in no grid cell with at least
    three corners of type ``code``.

    matplotlib contours a cell when all four corners are valid, or three (corner
    masking); label gaps cut paths inside such cells. A contour drawn on the
    surface with the other type masked therefore never enters a cell with two
    or more corners of the other type, as one drawn across the ridge would.
    """
    vertices = np.concatenate([seg for level in cs.allsegs for seg in level if len(seg)])
    i = (vertices[:, 0] - _date_num(pc.launch_jd_tdb[0])) / step_days
    j = (vertices[:, 1] - _date_num(pc.arrival_jd_tdb[0, 0])) / step_days
    own = (pc.type == code).astype(int)
    corners = own[:-1, :-1] + own[1:, :-1] + own[:-1, 1:] + own[1:, 1:]  # per cell
    bad = 0
    for vi, vj in zip(i, j, strict=True):
        ci, cj = int(np.floor(vi + 1e-9)), int(np.floor(vj + 1e-9))
        # A vertex on a cell edge belongs to the cells on both sides of it.
        rows = {ci, ci - 1} if abs(vi - round(vi)) < 1e-6 else {ci}
        cols = {cj, cj - 1} if abs(vj - round(vj)) < 1e-6 else {cj}
        if not any(0 <= r < corners.shape[0] and 0 <= c < corners.shape[1]
                   and corners[r, c] >= 3 for r in rows for c in cols):
            bad += 1
    return bad


def test_c3_limit_is_bold_and_its_launch_periods_are_right(pc_2033, drawn_2033):
    fig, artists = drawn_2033
    limit = 12.0
    for code, name in ((1, "I"), (2, "II")):
        cs = artists["c3_max"][code]
        assert list(cs.levels) == [limit]
        assert _linewidth(cs) > 2 * _linewidth(artists["c3"][code])
        assert limit not in artists["c3"][code].levels  # no thin duplicate under it
        ((first, last),) = artists["c3_max_periods"][code]
        launch = pc_2033.launch_jd_tdb
        c3_type = np.where(pc_2033.type == code, pc_2033.c3_km2s2, np.inf)
        row_min = c3_type.min(axis=1)
        inside = (launch >= first) & (launch <= last)
        assert np.all(row_min[inside] <= limit) and np.all(row_min[~inside] > limit)
        best = pc_2033.optimum("min_c3", name)
        assert first <= _scalar(best.launch_jd_tdb) <= last
        text = f"{jd_tdb_to_iso(first, 'days')} to {jd_tdb_to_iso(last, 'days')}"
        assert any(text in t.get_text() for t in fig.axes[0].texts)


def test_mark_is_drawn_at_the_transfers_dates(pc_2033):
    chosen = transfer_leg("2033-04-20", "2033-11-10")
    _, artists = _draw(pc_2033, mark=chosen)
    star = artists["mark"]
    launch, arrival = _scalar(chosen.launch_jd_tdb), _scalar(chosen.arrival_jd_tdb)
    assert list(star.get_xdata()) == [_date_num(launch)]
    assert list(star.get_ydata()) == [_date_num(arrival)]
    assert star.get_marker() == "*" and jd_tdb_to_iso(launch, "days") in star.get_label()


def test_mark_between_other_bodies_raises(pc_2033):
    back = transfer_leg("2035-05-01", "2035-12-01", origin="mars", target="earth")
    with pytest.raises(InputError, match="mark: a mars to earth transfer"):
        _draw(pc_2033, mark=back)


def test_return_direction_with_a_single_type(tmp_path):
    # Short flights from Mars back to Earth in 2035: every cell is Type I.
    pc = marsplan.porkchop("mars", "earth", launch=("2035-04-01", "2035-07-01"),
                           tof_days=(120, 180), step_days=5)
    assert set(np.unique(pc.type)) == {1}
    fig, artists = _draw(pc, title="Return")
    assert artists["region_types"] == [1] and sorted(artists["optimum"]) == [1]
    assert artists["c3"].keys() == {1}
    ax = fig.axes[0]
    assert "Mars departure" in ax.get_xlabel() and "Earth" in ax.get_ylabel()
    assert ax.get_title() == "Return"
    plot_porkchop(pc, tmp_path / "return.svg", c3_max=20)
    assert (tmp_path / "return.svg").stat().st_size > 10_000


def test_grid_too_small_to_contour_raises():
    pc = marsplan.porkchop("earth", "mars", launch=("2033-04-01", "2033-04-02"),
                           arrival=("2033-10-01", "2033-12-01"), step_days=10)
    with pytest.raises(InputError, match="at least 2 launch"):
        _draw(pc)


def test_importing_the_module_does_not_load_matplotlib():
    code = ("import sys, marsplan.plots.porkchop; "
            "sys.exit('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# Charts a person looks at: written under tests/output/ (kept out of git) so a
# change to the drawing can be inspected (tests/output/porkchop_dla.png).
OUTPUT = Path(__file__).resolve().parents[1] / "output"


def test_dla_contours_and_limit_are_drawn_per_type(pc_2033):
    OUTPUT.mkdir(exist_ok=True)
    fig, artists = _draw(pc_2033, c3_max=12, dla_max=51.6)
    fig.savefig(OUTPUT / "porkchop_dla.png", dpi=110)
    assert sorted(artists["dla"]) == [1, 2]
    for code, cs in artists["dla"].items():
        # Every 10 deg by default, drawn only where C3 is within the contoured
        # range (not in the bundle along the ridge), never across a type.
        assert set(cs.levels) <= set(np.arange(-80.0, 81.0, 10.0))
        assert _cells_outside_type(pc_2033, cs, code) == 0
    # The limit's contour sits where |DLA| = 51.6: interpolate DLA at its vertices.
    cs = artists["dla_max"][1]
    assert {abs(v) for v in cs.levels} == {51.6}
    assert artists["dla_hatch"], "cells beyond the limit are hatched"
    labels = [t.get_text() for cs in artists["dla"].values() for t in cs.labelTexts]
    assert labels and all(t.endswith("\N{DEGREE SIGN}") for t in labels)


def test_no_label_covers_the_180_degree_ridge(pc_2033, drawn_2033):
    fig, artists = drawn_2033
    ax = fig.axes[0]
    ridge = ax.transData.transform(artists["ridge"])
    assert len(ridge) > 50  # the Type I/II boundary crosses the chart
    renderer = fig.canvas.get_renderer()
    texts = [t for key in ("c3", "vinf", "dla") for cs in artists[key].values()
             for t in cs.labelTexts]
    assert len(texts) > 20
    for text in texts:
        box = text.get_window_extent(renderer)
        inside = ((ridge[:, 0] > box.x0) & (ridge[:, 0] < box.x1) & (ridge[:, 1] > box.y0)
                  & (ridge[:, 1] < box.y1))
        assert not inside.any(), text.get_text()


def test_rla_contours_on_request_skip_the_wrap(pc_2033):
    _, artists = _draw(pc_2033, rla_levels=[200, 250, 300, 350], dla_levels=[])
    assert artists["rla"] and not artists["dla"]
    for cs in artists["rla"].values():
        assert set(cs.levels) <= {200, 250, 300, 350}


@pytest.mark.parametrize("bad", [[95], [10, 5], ["x"]])
def test_bad_angle_levels_raise(pc_2033, bad):
    with pytest.raises(InputError, match=r"^dla_levels: "):
        _draw(pc_2033, dla_levels=bad)


@pytest.mark.parametrize("bad", [0, 91, float("nan"), "high"])
def test_bad_dla_max_raises(pc_2033, bad):
    with pytest.raises(InputError, match=r"^dla_max: "):
        _draw(pc_2033, dla_max=bad)


def test_multi_revolution_chart_shows_types_three_and_four():
    OUTPUT.mkdir(exist_ok=True)
    ps = marsplan.porkchop("earth", "mars", launch=("2033-01-01", "2033-09-01"),
                           arrival=("2033-08-01", "2036-03-01"), step_days=6, max_revs=1)
    fig, artists = _draw(ps, dla_max=51.6)
    fig.savefig(OUTPUT / "porkchop_multirev.png", dpi=110)
    assert artists["region_types"] == [1, 2, 3, 4]
    assert sorted(artists["optimum"]) == [1, 2, 3, 4]
    for code in (3, 4):
        best = ps.optimum("min_c3", {3: "III", 4: "IV"}[code])
        marker = artists["optimum"][code]
        assert marker.get_xdata()[0] == pytest.approx(_date_num(_scalar(best.launch_jd_tdb)))
        assert f"Type {'III' if code == 3 else 'IV'} min C3" in marker.get_label()
    # Each cell shows its lowest-C3 leg: the drawn field is the minimum over families.
    lowest = np.nanmin(np.stack([p.c3_km2s2 for p in ps.layers]))
    for cs in artists["c3"].values():
        assert min(cs.levels) > lowest
    assert "0 to 1 revolutions" in fig.axes[0].get_title()
