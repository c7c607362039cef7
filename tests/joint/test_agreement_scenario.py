"""The scenario's ``[agreement]`` table: parsed into a typed Agreement; every mistake
is one line naming the file and the field (exit 2 on the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsplan.errors import ScenarioError
from marsplan.io.scenario import load_scenario
from marsplan.joint.agreement import Agreement

EXAMPLES = Path(__file__).parents[2] / "examples"
US_RUSSIA = (EXAMPLES / "us_russia_2033.toml").read_text(encoding="utf-8")


def _load(tmp_path, table: str):
    path = tmp_path / "agreement.toml"
    path.write_text(US_RUSSIA + "\n" + table + "\n", encoding="utf-8")
    return load_scenario(path)


def test_no_agreement_is_the_default_agreement():
    scenario, _ = load_scenario(EXAMPLES / "us_russia_2033.toml")
    assert scenario.agreement.value() == Agreement()


def test_the_table_becomes_a_typed_agreement(tmp_path):
    scenario, _ = _load(tmp_path, """
[agreement]
settle = "cash"
in_kind = ["roscosmos"]
no_funds = [["roscosmos", "nasa"]]
balance_tolerance_pct = 2.5
funders = { crew_dragon = "nasa", spacex = "nasa" }
cannot_provide = { roscosmos = ["transit_vehicle"] }
must_provide = { roscosmos = ["crew_vehicle", "launch"] }
entitlement = { seats = 1.0, science = 0.5 }
[agreement.benefits.science]
nasa = 2.0
roscosmos = 1.0
""")
    a = scenario.agreement.value()
    assert a.settle == "cash" and a.in_kind == frozenset({"roscosmos"})
    assert a.no_funds == (("nasa", "roscosmos"),) and a.blocked("nasa", "roscosmos")
    assert a.funders == {"crew_dragon": "nasa", "spacex": "nasa"}
    assert a.cannot_provide == {"roscosmos": ("transit_vehicle",)}
    assert a.must_provide == {"roscosmos": ("crew_vehicle", "launch")}
    assert a.entitlement == {"seats": 1.0, "science": 0.5}
    assert a.benefits == {"science": {"nasa": 2.0, "roscosmos": 1.0}}
    assert a.balance_tolerance_pct == 2.5


@pytest.mark.parametrize(("table", "needle"), [
    ('[agreement]\nfunders = { spacex = "nasaa" }', "agreement.funders.spacex: unknown partner"),
    ('[agreement]\nfunders = { starshp = "nasa" }', "agreement.funders.starshp: not a partner"),
    ('[agreement]\nno_funds = [["nasa", "esa"]]',
     "agreement.no_funds[0][1]: 'esa' is not a partner of this mission"),
    ('[agreement]\nno_funds = [["nasa", "nasa"]]',
     "agreement: no_funds[0]: a pair of two different partners"),
    ('[agreement]\nno_funds = [["nasa"]]', "agreement.no_funds[0][1]: required field"),
    ('[agreement]\nin_kind = ["cnsa"]', "agreement.in_kind[0]: 'cnsa' is not a partner"),
    ('[agreement]\ncannot_provide = { rosc = ["launch"] }',
     "agreement.cannot_provide.rosc: unknown partner"),
    ('[agreement]\nmust_provide = { roscosmos = ["warp_drive"] }',
     "agreement.must_provide.roscosmos: 'warp_drive' is not an element kind"),
    ('[agreement]\nmust_provide = { roscosmos = ["launch"] }\n'
     'cannot_provide = { roscosmos = ["launch"] }',
     "must_provide.roscosmos and cannot_provide.roscosmos both name launch"),
    ('[agreement]\nentitlement = { legroom = 1.0 }',
     "agreement.entitlement.legroom: not a measure"),
    ('[agreement]\nentitlement = { seats = 0.0 }', "at least one measure needs a weight > 0"),
    ('[agreement]\nentitlement = { seats = -1.0 }', "agreement.entitlement.seats"),
    ('[agreement]\nentitlement = { seats = nan }', "agreement.entitlement.seats"),
    ('[agreement]\nsettle = "iou"', "agreement.settle"),
    ('[agreement]\nbalance_tolerance_pct = inf', "agreement.balance_tolerance_pct"),
    ('[agreement.benefits.science]\nmars = 1.0', "agreement.benefits.science.mars: unknown"),
    ('[agreement]\nfavours = 1', "agreement"),
])
def test_bad_agreements_are_one_line_naming_the_field(tmp_path, table, needle):
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, table)
    message = str(info.value)
    assert "\n" not in message and "agreement.toml" in message
    assert needle in message


def test_the_cli_prints_one_line_and_exits_2(tmp_path):
    from marsplan.cli import main

    path = tmp_path / "agreement.toml"
    path.write_text(US_RUSSIA + '\n[agreement]\nno_funds = [["nasa", "esa"]]\n',
                    encoding="utf-8")
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", "from marsplan.cli import main; main()",
                          "plan", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("marsplan: ")
    assert "agreement.no_funds[0][1]" in run.stderr and "Traceback" not in run.stderr
    assert main  # the console script's entry point is the one run above
