"""`marsplan transfer --revs` and `marsplan porkchop`'s grid export, marks and levels."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from typer.testing import CliRunner

from marsplan.cli import app
from marsplan.transfer.leg import transfer_leg
from marsplan.transfer.porkchop import porkchop

_QUIET_ENV = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "COLUMNS": None}
GRID = ["--launch", "2033-01-01:2033-09-01", "--arrival", "2034-06-01:2036-03-01", "--step",
        "10"]


@pytest.fixture(scope="module")
def runner():
    return CliRunner(env=_QUIET_ENV)


def test_transfer_revs_prints_both_branches_as_transfer_leg(runner):
    result = runner.invoke(app, ["transfer", "2033-01-01", "2035-09-06", "--revs", "1", "-f",
                                 "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["revs"], r["branch"], r["type"]) for r in rows] == [(1, "low", "IV"),
                                                                   (1, "high", "IV")]
    assert list(rows[0])[5:8] == ["type", "revs", "branch"]
    for row, low_path in zip(rows, (True, False)):
        leg = transfer_leg("2033-01-01", "2035-09-06", revs=1, low_path=low_path)
        assert row["c3_km2s2"] == float(leg.c3_km2s2) and row["dla_deg"] == float(leg.dla_deg)
    one = runner.invoke(app, ["transfer", "2033-01-01", "2035-09-06", "--revs", "1",
                              "--branch", "high", "-f", "json"])
    assert [r["branch"] for r in json.loads(one.stdout)] == ["high"]


def test_transfer_revs_errors_are_one_line(runner):
    short = runner.invoke(app, ["transfer", "2033-01-01", "2033-09-06", "--revs", "1"])
    assert short.exit_code == 2 and short.stderr.startswith("marsplan: transfer: no ballistic")
    for bad in ("-1", "11", "x"):
        result = runner.invoke(app, ["transfer", "2033-01-01", "2035-09-06", "--revs", bad])
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, bad
        assert "--revs" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_porkchop_grid_export_is_every_leg_of_the_library_grid(runner, tmp_path, fmt):
    path = tmp_path / f"grid.{fmt}"
    result = runner.invoke(app, ["porkchop", *GRID, "--revs", "1", "-f", fmt, "--out",
                                 str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {path}: ") and "Type IV min C3" in result.stdout
    assert not (tmp_path / "porkchop.png").exists()  # no chart unless --chart
    text = path.read_text()
    rows = (list(csv.DictReader(io.StringIO(text))) if fmt == "csv" else json.loads(text))
    assert list(rows[0]) == ["launch", "arrival", "tof_days", "type", "revs", "branch",
                             "c3_km2s2", "vinf_arrival_kms", "dla_deg", "rla_deg",
                             "dec_arrival_deg", "dv_total_kms"]
    ps = porkchop(launch=("2033-01-01", "2033-09-01"), arrival=("2034-06-01", "2036-03-01"),
                  step_days=10, max_revs=1)
    cols = ps.columns()
    assert len(rows) == len(cols["c3_km2s2"]) > 1000
    # Full precision both ways: the values round-trip exactly.
    assert_array_equal([float(r["c3_km2s2"]) for r in rows], cols["c3_km2s2"])
    assert_array_equal([float(r["dla_deg"]) for r in rows], cols["dla_deg"])
    assert [r["type"] for r in rows] == list(cols["type"])
    assert {(int(r["revs"]), r["branch"]) for r in rows} == {(0, ""), (1, "low"), (1, "high")}


def test_porkchop_npz_holds_the_whole_grid(runner, tmp_path):
    path, chart = tmp_path / "grid.npz", tmp_path / "c.png"
    result = runner.invoke(app, ["porkchop", *GRID, "--revs", "1", "-f", "npz", "--out",
                                 str(path), "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    assert chart.stat().st_size > 0
    ps = porkchop(launch=("2033-01-01", "2033-09-01"), arrival=("2034-06-01", "2036-03-01"),
                  step_days=10, max_revs=1)
    with np.load(path) as data:
        assert_array_equal(data["revs"], [0, 1, 1])
        assert list(data["branch"]) == ["", "low", "high"]
        assert data["c3_km2s2"].shape == (3, *ps.shape)
        for f, layer in enumerate(ps.layers):
            assert_array_equal(data["c3_km2s2"][f], layer.c3_km2s2)
            assert_array_equal(data["rla_deg"][f], layer.rla_deg)
            assert_array_equal(data["type_names"][data["type"][f]],
                               np.array(["", "I", "II", "III", "IV"])[layer.type])
        assert_array_equal(data["launch_jd_tdb"], ps.launch_jd_tdb)
        assert_allclose(data["tof_days"], ps.tof_days)


def test_porkchop_mark_and_levels_reach_the_chart(runner, tmp_path):
    chart = tmp_path / "p.svg"
    result = runner.invoke(app, ["porkchop", "--launch", "2033-03-01:2033-06-01", "--arrival",
                                 "2033-09-01:2034-03-01", "--step", "5", "--mark",
                                 "2033-04-10:2033-10-20", "--c3-levels", "9,10,12",
                                 "--dla-max", "51.6", "--out", str(chart)])
    assert result.exit_code == 0, result.output
    svg = chart.read_text()
    assert "Selected: C3" in svg and "DLA limit" in svg  # legend entries
    assert "2033-04-10" in svg


@pytest.mark.parametrize("args, message", [
    (["-f", "npz"], "--format npz: give --out FILE.npz"),
    (["-f", "csv", "--out", "g.json"], "--out: 'g.json' does not end in .csv"),
    (["--chart", "c.png"], "--chart: only with a grid file"),
    (["--c3-levels", "10,5"], "--c3-levels: levels must be positive and increasing"),
    (["--dla-levels", "-95,0"], "--dla-levels: levels must be increasing, within -90"),
    (["--vinf-levels", "a"], "--vinf-levels: expected numbers"),
    (["--dla-max", "95"], "--dla-max"),
    (["--mark", "2033-04-10"], "--mark: expected START:END"),
    (["--revs", "11"], "--revs"),
])
def test_porkchop_option_errors_are_one_line(runner, tmp_path, args, message):
    result = runner.invoke(app, ["porkchop", "--launch", "2033-03-01:2033-03-05", "--tof",
                                 "200:204", *args], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_porkchop_revs_json_is_the_minimum_c3_leg_of_each_type(runner, tmp_path):
    chart = tmp_path / "p.png"
    result = runner.invoke(app, ["porkchop", *GRID, "--revs", "1", "--out", str(chart), "-f",
                                 "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["type"], r["revs"]) for r in rows] == [("I", 0), ("II", 0), ("III", 1),
                                                      ("IV", 1)]
    assert all(r["branch"] in ("low", "high") for r in rows[2:])
    ps = porkchop(launch=("2033-01-01", "2033-09-01"), arrival=("2034-06-01", "2036-03-01"),
                  step_days=10, max_revs=1)
    for row in rows:
        best = ps.optimum("min_c3", row["type"])
        assert row["c3_km2s2"] == float(best.c3_km2s2)
        layer, _, _ = ps.best("min_c3", row["type"])
        assert row["branch"] == layer.branch
    assert f"wrote {chart}" in result.stderr and chart.stat().st_size > 0
