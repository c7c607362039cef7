"""The notebook user's API: top-level names, reprs, DataFrames, look-up by year.

The DataFrames are checked against the rows the CLI prints (io/rows.py, a
separate formatting path from the same results): every value must agree, dates
to the second the rows print.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

import marsplan
from marsplan.io.rows import DAILY_KEYS, PERIOD_KEYS, ROW_KEYS, daily_rows, windows_rows

# A repr shows no NumPy scalar wrappers and no bare Julian dates (2.4 million).
_RAW = re.compile(r"np\.float64|np\.int|array\(|\b24\d{5}(\.\d+)?\b")


@pytest.fixture(scope="module")
def found():
    return marsplan.windows("earth", "mars", 2033, 2035, c3_max=12, daily=True)


def _same_date(frame_value, iso):
    if iso is None:
        return pd.isna(frame_value)
    return abs(pd.Timestamp(frame_value) - pd.Timestamp(iso)) <= pd.Timedelta(seconds=0.5)


def test_top_level_names_are_the_documented_functions():
    from marsplan.io.scenario import load_scenario
    from marsplan.joint.plan import plan
    from marsplan.report.html import write_report

    assert marsplan.plan is plan
    assert marsplan.load_scenario is load_scenario
    assert marsplan.write_report is write_report


def test_windows_look_up_by_opportunity_year(found):
    assert found.years == [2033, 2035]
    assert found.by_year(2035) is found[1]
    assert found[0].opportunity == 2033  # still a list: indexes are positions
    with pytest.raises(marsplan.NoSolutionError, match=r"2034 .*\(2033, 2035\)"):
        found.by_year(2034)


def test_windows_frame_equals_the_cli_rows(found):
    frame = found.to_pandas()
    rows = windows_rows(found)
    assert list(frame.columns) == list(ROW_KEYS + PERIOD_KEYS)
    assert len(frame) == len(rows) == 12
    for (_, got), want in zip(frame.iterrows(), rows):
        for key, value in want.items():
            if key in ("launch", "arrival") or key.startswith("period_") and "launch" in key:
                assert _same_date(got[key], value), key
            elif value is None:  # the limit is below this type's minimum
                assert pd.isna(got[key]), key
            elif isinstance(value, float):
                assert got[key] == pytest.approx(value, rel=1e-12), key
            else:
                assert got[key] == value, key


def test_daily_frame_equals_the_cli_rows(found):
    frame = found.to_pandas(daily=True)
    rows = daily_rows(found)
    assert list(frame.columns) == list(DAILY_KEYS)
    assert len(frame) == len(rows)
    frame = frame.sort_values(["opportunity", "launch", "type"]).reset_index(drop=True)
    for (_, got), want in zip(frame.iterrows(), rows):
        assert _same_date(got["launch"], want["launch"])
        assert _same_date(got["arrival"], want["arrival"])
        assert bool(got["within_limit"]) == want["within_limit"]
        for key in DAILY_KEYS[4:-1]:
            assert got[key] == pytest.approx(want[key], rel=1e-12, nan_ok=True)


def test_windows_frame_without_a_limit_has_the_design_columns():
    frame = marsplan.windows("earth", "mars", 2033, 2033).to_pandas()
    assert list(frame.columns) == list(ROW_KEYS)
    assert frame["launch"].dtype.kind == "M" and frame["c3_km2s2"].dtype == np.float64
    assert marsplan.windows("earth", "mars", 2034, 2034).to_pandas().empty


def test_transfer_frame_and_repr():
    legs = marsplan.transfer_leg(["2033-04-28", "2033-05-10"], ["2034-01-27", "2034-02-01"])
    frame = legs.to_pandas()
    rows = legs.rows()
    assert len(frame) == 2
    for (_, got), want in zip(frame.iterrows(), rows):
        assert _same_date(got["launch"], want["launch"])
        assert got["c3_km2s2"] == want["c3_km2s2"] and got["type"] == want["type"]
    one = marsplan.transfer_leg("2033-04-28", "2034-01-27")
    text = repr(one)
    assert not _RAW.search(text), text
    assert "launch=2033-04-28" in text and "arrival=2034-01-27" in text
    # Five significant digits of C3, from the value itself.
    assert f"c3_km2s2={float(one.c3_km2s2):.5g}" in text
    assert "shape=(2,)" in repr(legs) and "launch=2033-04-28..2033-05-10" in repr(legs)


def test_porkchop_frame_is_one_row_per_cell():
    pc = marsplan.porkchop("earth", "mars", launch=("2033-03-01", "2033-05-30"),
                           arrival=("2033-10-01", "2034-03-01"), step_days=10)
    frame = pc.to_pandas()
    assert len(frame) == pc.c3_km2s2.size
    i, j = 3, 7
    row = frame.iloc[i * pc.shape[1] + j]
    cell = pc.cell(i, j)
    assert row["c3_km2s2"] == float(cell.c3_km2s2)
    assert _same_date(row["arrival"], marsplan.jd_tdb_to_iso(float(cell.arrival_jd_tdb)))
    assert row["type"] == str(cell.type)
    text = repr(pc)
    assert not _RAW.search(text) and f"shape={pc.shape}" in text


def test_window_and_period_reprs_show_dates_and_rounded_figures(found):
    for value in (found, found[0], found[0].launch_period("I"), found[0].optimum()):
        text = repr(value)
        assert not _RAW.search(text), text
        assert "2033-" in text


def test_missions_frame_repr_and_look_up():
    found = marsplan.missions(2033, 2033)
    assert found.years == [2033] and found.by_year(2033) is found[0]
    frame = found.to_pandas()
    row = found[0].row()
    got = frame.iloc[0]
    assert got["class"] == row["class"] and got["opportunity"] == 2033
    for key in ("earth_departure", "mars_arrival", "mars_departure", "earth_arrival"):
        assert _same_date(got[key], row[key]), key
    assert pd.isna(got["venus_flyby"])
    for key in ("stay_days", "duration_days", "c3_km2s2", "dv_total_kms"):
        assert got[key] == pytest.approx(row[key], rel=1e-12)
    timeline = found[0].to_pandas()
    assert list(timeline["event"]) == [e.name for e in found[0].events()]
    for value in (found, found[0], found[0].legs[0]):
        assert not _RAW.search(repr(value)), repr(value)
    assert math.isclose(found[0].duration_days, got["duration_days"])


def test_plan_repr_and_contributions_frame():
    from pathlib import Path

    scenario, catalog = marsplan.load_scenario(
        Path(__file__).parents[1] / "examples" / "us_russia_2033.toml")
    p = marsplan.plan(scenario, catalog)
    text = repr(p)
    assert not _RAW.search(text) and len(text) < 300, text
    assert f"status={p.verdict.status!r}" in text
    assert f"earth_departure={marsplan.jd_tdb_to_iso(p.mission.earth_departure_jd_tdb)[:10]}" in text
    frame = p.to_pandas()
    assert list(frame["partner"]) == [r.partner for r in p.contributions]
    for (_, got), row in zip(frame.iterrows(), p.contributions):
        money = p.ledger.row(row.partner)
        assert got["contribution_musd"] == money.contribution_musd
        assert got["balance_musd"] == money.balance_musd
        assert got["mass_to_leo_t"] == row.mass_to_leo_t
        assert tuple(got["elements"]) == tuple(row.elements)


def test_mission_opportunities_frame_and_front():
    found = marsplan.mission_opportunities(2033, 2033, refine=False)
    assert found.years == [2033] and found.by_year(2033) is found[0]
    with pytest.raises(marsplan.NoSolutionError, match="2035"):
        found.by_year(2035)
    for wrong in ("2033", 2033.5, True):  # as Windows.by_year: whole years only
        with pytest.raises(marsplan.InputError, match="year: "):
            found.by_year(wrong)
        with pytest.raises(marsplan.InputError, match="year: "):
            found.missions().by_year(wrong)
    frame = found.to_pandas()
    assert frame.iloc[0]["dv_total_kms"] == found[0].best.dv_total_kms
    front = found[0].front_to_pandas()
    assert len(front) == len(found[0].front)
    assert list(front["duration_days"]) == [m.duration_days for m in found[0].front]
    # A Pareto front: each longer mission is cheaper than every shorter one.
    assert front["duration_days"].is_monotonic_increasing
    assert front["dv_total_kms"].is_monotonic_decreasing
