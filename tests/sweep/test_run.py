"""Sweeps planned for real: in-process, on a LocalCluster, and on `dask scheduler` with
two `dask worker` processes on 127.0.0.1; resumed after an interrupt; rows equal
`marsplan plan` and `plan_without`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

from marsplan.cli import app
from marsplan.sweep import load, run_sweep

from .conftest import EXAMPLES, free_port, write_spec

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    # The same inputs give the same floating-point operations in any process:
    # the rows must be identical, not close.
    assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True)


def test_small_sweep_rows(reference):
    _, out, frame = reference
    assert len(frame) == 6 and list(frame["combination"]) == list(range(6))
    # pyarrow reads the dataset whole, as the issue asks
    assert pq.read_table(out / "results").num_rows == 6
    assert set(frame.columns) >= {"mission.opportunity", "mission.class", "without",
                                  "margins.dv_pct", "status", "binding_limit", "earth_departure",
                                  "duration_days", "dv_total_kms", "imleo_t", "launches",
                                  "cost_musd", "nasa_contribution_pct", "roscosmos_launches"}
    by = {(tuple(r["without"]), r["margins.dv_pct"]): r for _, r in frame.iterrows()}
    assert by[(), 10.0]["coalition"] == "nasa+roscosmos+spacex"
    assert by[("roscosmos",), 10.0]["coalition"] == "nasa+spacex"
    assert pd.isna(by[("roscosmos",), 10.0]["roscosmos_launches"])
    # A higher margin never lowers IMLEO (more propellant for the same hardware).
    assert by[(), 15.0]["imleo_t"] >= by[(), 10.0]["imleo_t"]
    # The trajectory is shared: same departure with and without Roscosmos.
    assert by[(), 10.0]["earth_departure"] == by[("roscosmos",), 10.0]["earth_departure"]
    # Contribution shares of a plan sum to 100 % (an invariant of the ledger).
    row = by[(), 10.0]
    shares = [row[c] for c in frame.columns if c.endswith("_contribution_pct") and
              not pd.isna(row[c])]
    assert abs(sum(shares) - 100.0) < 1e-9
    # The ledger's balances cancel (joint/agreement.py's invariant), to rounding of
    # sums of ~1e3 M$ figures.
    balances = [row[c] for c in frame.columns if c.endswith("_balance_musd")
                and not pd.isna(row[c])]
    assert len(balances) >= 2 and abs(sum(balances)) < 1e-6
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["done"] == [0, 1, 2] and manifest["combinations"] == 6


def test_row_equals_marsplan_plan(reference):
    """The sweep row with every partner at 10 % is `marsplan plan` of the example."""
    _, _, frame = reference
    result = CliRunner().invoke(app, ["plan", str(EXAMPLES / "us_russia_2033.toml"),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    row = frame[(frame["without"].map(len) == 0) & (frame["margins.dv_pct"] == 10.0)].iloc[0]
    summary = doc["summary"]
    for key in ("status", "binding_limit", "earth_departure", "launches"):
        assert row[key] == summary[key], key
    for key in ("duration_days", "dv_total_kms", "imleo_t", "cost_musd"):
        assert row[key] == pytest.approx(summary[key], rel=1e-12, abs=1e-9), key
    for p in doc["partners"]:
        assert row[f"{p['partner']}_provides_musd"] == pytest.approx(p["provides_musd"],
                                                                     abs=1e-9)
        assert row[f"{p['partner']}_launches"] == pytest.approx(p["launches"], abs=1e-9)


def test_withdrawal_rows_equal_plan_without(reference):
    """`without` rows are plan_without's re-plan in the same opportunity (horizon 0)."""
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.plan import plan
    from marsplan.joint.withdraw import plan_without

    _, _, frame = reference
    scenario, catalog = load_scenario(EXAMPLES / "us_russia_2033.toml")
    baseline = plan(scenario, catalog)
    for gone in (["roscosmos"], ["spacex"]):
        result = plan_without(scenario, catalog, gone, horizon_years=0.0, baseline=baseline)
        row = frame[frame["without"].map(lambda w: list(w) == gone)
                    & (frame["margins.dv_pct"] == 10.0)].iloc[0]
        assert row["status"] == result.verdict.status
        expected = result.verdict.binding.message if result.verdict.binding else None
        assert row["binding_limit"] == expected
        if result.plan is not None:
            s = result.plan.summary()
            assert row["imleo_t"] == pytest.approx(s["imleo_t"], rel=1e-12)
            assert row["cost_musd"] == pytest.approx(s["cost_musd"], rel=1e-12)
            assert row["earth_departure"] == s["earth_departure"]


def test_rerun_adds_nothing(reference, tmp_path):
    spec, out, frame = reference
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = {p.name: p.read_bytes() for p in (copy / "results").iterdir()}
    result = run_sweep(spec, copy, workers=0)
    assert (result.new_rows, result.searches, result.tasks, result.rows) == (0, 0, 0, 6)
    assert result.statuses == frame["status"].value_counts().to_dict()
    assert {p.name: p.read_bytes() for p in (copy / "results").iterdir()} == before


def test_resume_after_interrupt(reference, tmp_path):
    """Ctrl-C after the first batch is stored; the rerun plans only the rest."""
    spec, _, frame = reference
    out = tmp_path / "out"
    stored = []

    def interrupt(stage, done, total):
        if stage == "plan" and done > 0:
            stored.append(done)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, out, workers=0, progress=interrupt)
    assert stored == [2]
    assert len(load(out)) == 2
    first = (out / "results" / "part-000000.parquet").read_bytes()
    result = run_sweep(spec, out, workers=0)
    assert (result.new_rows, result.tasks) == (4, 2)
    assert (out / "results" / "part-000000.parquet").read_bytes() == first
    _same_rows(load(out), frame)


def test_resume_after_killed_client(reference, tmp_path):
    """The CLI killed (SIGKILL, its whole process group) mid-sweep; the rerun completes."""
    spec, _, frame = reference
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen([sys.executable, "-c", "from marsplan.cli import main; main()",
                             "sweep", str(spec), "--out", str(out), "--workers", "0"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        manifest = out / "manifest.json"
        while time.monotonic() < deadline and proc.poll() is None:
            if manifest.exists() and json.loads(manifest.read_text())["done"]:
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    done = json.loads((out / "manifest.json").read_text())["done"]
    assert len(done) >= 1
    result = run_sweep(spec, out, workers=0)
    assert result.new_rows == 6 - 2 * len(done)
    _same_rows(load(out), frame)


def test_local_cluster_gives_the_same_rows(reference, tmp_path):
    spec, _, frame = reference
    seen = {}
    result = run_sweep(spec, tmp_path / "out", workers=2,
                       on_start=lambda n, dashboard: seen.update(n=n, dashboard=dashboard))
    assert seen["n"] == 2 and seen["dashboard"].startswith("http://127.0.0.1:")
    assert (result.searches, result.tasks, result.new_rows) == (1, 3, 6)
    # The work (engine up to last part stored) lies inside the whole call.
    assert 0.0 < result.work_seconds < result.wall_seconds
    _same_rows(load(tmp_path / "out"), frame)


def _dask(*args) -> subprocess.Popen:
    dask = Path(sys.executable).with_name("dask")
    return subprocess.Popen([str(dask), *args], env={**os.environ, "PYTHONPATH": SRC},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_dask_scheduler_and_two_workers(reference, tmp_path):
    """`dask scheduler` and two `dask worker` on 127.0.0.1; `sweep --scheduler` gives
    the in-process rows; every process started here is stopped."""
    from distributed import Client

    spec, _, frame = reference
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    try:
        for _ in range(2):
            procs.append(_dask("worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                               "--no-dashboard", "--death-timeout", "60"))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        result = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(tmp_path / "out"),
                                          "--scheduler", address, "--format", "json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)[0]
        assert (summary["workers"], summary["new_rows"], summary["rows"]) == (2, 6, 6)
        _same_rows(load(tmp_path / "out"), frame)
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
    assert all(p.poll() is not None for p in procs)


def test_cli_prints_summary_and_charts(reference, tmp_path):
    spec, out, _ = reference
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    result = CliRunner().invoke(app, ["sweep", str(spec), "--out", str(copy), "--charts"])
    assert result.exit_code == 0, result.output
    assert "6 rows of 6 (0 new)" in result.stdout
    for name in ("feasibility", "heatmaps", "dv_duration"):
        assert (copy / "charts" / f"sweep_{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_spec_in_the_issue_writes_12_rows_spec_check_only():
    """The issue's spec (examples/sweep_us_russia.toml) has 12 combinations."""
    from marsplan.sweep import read_spec

    spec, _, _ = read_spec(EXAMPLES / "sweep_us_russia.toml")
    assert spec.size == 12
    assert spec.keys == ("mission.opportunity", "mission.class", "without")
    assert spec.combination(11) == (2035, "opposition", ["roscosmos"])


def test_load_refuses_a_folder_that_is_no_sweep(tmp_path):
    from marsplan.sweep import SweepStoreError

    with pytest.raises(SweepStoreError, match="not a sweep folder"):
        load(tmp_path)
    with open(tmp_path / "x.py", "w") as handle:
        handle.write("")
    assert write_spec  # the helper is shared with test_bad_input
