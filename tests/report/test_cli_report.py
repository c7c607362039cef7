"""``marsplan plan --out DIR`` and ``make demo``'s scenario lookup."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "us_russia_2033.toml"


def test_plan_out_writes_the_report_and_prints_its_path_last(tmp_path):
    from typer.testing import CliRunner

    from marsplan.cli import app

    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last == str(out / "report.html")
    assert (out / "report.html").is_file()
    # The tables still print before it.
    assert "US-Russia crewed Mars mission, 2033: CAN FLY" in result.output
    doc = json.loads((out / "plan.json").read_text())
    assert doc["verdict"]["status"] == "flies_with_waiver"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["report.html", "plan.json", "porkchop.png", "mission.png", "contributions.png",
         "agreement.png", "dose.png", "light_time.png"])


def test_demo_finds_the_example_from_any_directory(tmp_path, monkeypatch):
    from marsplan.demo import EXAMPLE as NAME
    from marsplan.demo import example_path

    monkeypatch.chdir(ROOT)
    assert example_path() == NAME  # relative to the repository, as make demo runs
    monkeypatch.chdir(tmp_path)
    assert Path(example_path()) == EXAMPLE
