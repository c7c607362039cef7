"""Bad input: one line naming the cause, exit 2, nothing half-written."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from marsplan.cli import app
from marsplan.sweep import SchedulerError, SweepSpecError, SweepStoreError, run_sweep

from .conftest import SPEC, free_port, write_spec


def _fails(args, match):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("marsplan: "), result.stderr
    assert match in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("axes, match", [
    ('"mission.klass" = ["conjunction"]', "unknown field 'klass' of mission"),
    ('"mission.class" = ["warp"]', "axes.\"mission.class\"[0]: \"warp\""),
    ('"mission.opportunity" = ["2033"]', "axes.\"mission.opportunity\"[0]"),
    ('"margins.dv_pct" = [10.0, 10.0]', "listed twice"),
    ('without = [["esa"]]', "'esa' is not a partner"),
    ('without = [["nasa", "roscosmos", "spacex"]]', "no mission remains"),
    ('"element.9.id" = ["orion"]', "element is a list of 3"),
    ('"element.1.id" = ["soyuz_tm"]', "unknown element 'soyuz_tm'"),
    ('"mission.class" = []', "non-empty list"),
])
def test_bad_axes_are_one_line(tmp_path, axes, match):
    spec = write_spec(tmp_path, '[sweep]\nscenario = "{scenario}"\n[axes]\n' + axes + "\n")
    _fails(["sweep", str(spec), "--out", str(tmp_path / "out")], match)
    assert not (tmp_path / "out").exists()


def test_bad_spec_tables(tmp_path):
    spec = write_spec(tmp_path, '[sweep]\nscenario = "{scenario}"\nbatch = 3\n[axes]\n'
                                'without = [[]]\n')
    _fails(["sweep", str(spec), "--out", str(tmp_path / "o")], "sweep.batch: unknown field")
    spec = write_spec(tmp_path, '[sweep]\nscenario = "nowhere.toml"\n[axes]\nwithout = [[]]\n')
    _fails(["sweep", str(spec), "--out", str(tmp_path / "o")], "no such scenario file")
    _fails(["sweep", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "o")],
           "no such sweep spec")
    assert not (tmp_path / "o").exists()


def test_unreachable_scheduler_is_one_line_within_the_timeout(tmp_path):
    spec = write_spec(tmp_path)
    port = free_port()  # nothing listens there
    start = time.monotonic()
    _fails(["sweep", str(spec), "--out", str(tmp_path / "out"), "--scheduler",
            f"tcp://127.0.0.1:{port}", "--timeout", "2"], "no Dask scheduler answered")
    assert time.monotonic() - start < 2 + 20  # the timeout, plus the spec's checks
    assert not (tmp_path / "out").exists()  # nothing half-written
    with pytest.raises(SchedulerError, match="within 1 s"):
        run_sweep(spec, tmp_path / "out2", scheduler=f"tcp://127.0.0.1:{port}", timeout_s=1)


def test_unwritable_dir(tmp_path):
    spec = write_spec(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    _fails(["sweep", str(spec), "--out", str(blocker / "out")], "cannot write")
    _fails(["sweep", str(spec), "--out", str(blocker)], "cannot write")
    assert blocker.read_text() == "x"


def test_changed_spec_into_the_same_dir_is_refused(reference, tmp_path):
    import shutil

    _, out, _ = reference
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    changed = write_spec(tmp_path, SPEC.replace("[10.0, 15.0]", "[10.0, 20.0]"))
    line = _fails(["sweep", str(changed), "--out", str(copy)], "another spec")
    assert "use a new folder" in line
    with pytest.raises(SweepStoreError):
        run_sweep(changed, copy, workers=0)
    assert len(list((copy / "results").iterdir())) == 3  # untouched


def test_a_folder_with_other_files_is_refused(tmp_path):
    spec = write_spec(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    _fails(["sweep", str(spec), "--out", str(tmp_path / "out")], "holds files but no")


def test_failed_combination_is_a_row(tmp_path):
    """A combination that fails only when planned (a flyby given a stay at Mars: each
    value is valid alone) is a row with its error; the sweep goes on."""
    from marsplan.sweep import load

    spec = write_spec(tmp_path, '[sweep]\nscenario = "{scenario}"\n[axes]\n'
                                '"mission.class" = ["conjunction", "flyby"]\n'
                                '"mission.stay_days" = [[400.0, 600.0]]\n')
    result = run_sweep(spec, tmp_path / "out", workers=0)
    frame = load(tmp_path / "out")
    assert result.rows == 2
    flyby = frame[frame["mission.class"] == "flyby"].iloc[0]
    assert flyby["status"] == "error" and "stay" in flyby["error"]
    assert frame[frame["mission.class"] == "conjunction"].iloc[0]["status"] != "error"


def test_spec_errors_are_specific(tmp_path):
    from marsplan.sweep import read_spec

    spec = write_spec(tmp_path, '[sweep]\nscenario = "{scenario}"\n[axes]\n')
    with pytest.raises(SweepSpecError, match="required table is missing or empty"):
        read_spec(spec)
