"""marsplan.io.emit: tables, JSON, CSV and atomic writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import numpy as np
import pytest

from marsplan.errors import InputError
from marsplan.io.emit import emit, state_rows

ROWS = [
    {"body": "mars", "epoch": "2033-04-01T00:00:00", "x_km": -153667579.51432,
     "vx_kms": 0.1 + 0.2, "revs": 0},
    {"body": "mars", "epoch": "2033-04-02T00:00:00", "x_km": 1.0 / 3.0,
     "vx_kms": -13.937255, "revs": 1},
]


def _emit(rows, fmt, **kwargs) -> str:
    out = io.StringIO()
    emit(rows, fmt, file=out, **kwargs)
    return out.getvalue()


def test_json_is_a_list_of_flat_objects_with_exactly_the_keys_and_full_precision():
    data = json.loads(_emit(ROWS, "json"))
    assert [list(row) for row in data] == [list(row) for row in ROWS]
    # Python's float repr is the shortest string that round-trips, so equality is exact.
    assert data == ROWS


def test_json_converts_numpy_dates_and_nan():
    rows = [{"epoch": np.datetime64("2033-04-16"), "launch": dt.datetime(2033, 4, 16, 6, 30),
             "day": dt.date(2033, 4, 16), "c3_km2s2": np.float64(np.nan),
             "revs": np.int64(2), "ok": np.bool_(True), "flyby": None}]
    (row,) = json.loads(_emit(rows, "json"))
    assert row == {"epoch": "2033-04-16T00:00:00", "launch": "2033-04-16T06:30:00",
                   "day": "2033-04-16", "c3_km2s2": None, "revs": 2, "ok": True,
                   "flyby": None}


def test_csv_has_the_keys_as_header_and_round_trips_floats():
    text = _emit(ROWS, "csv")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == list(ROWS[0])
    parsed = list(reader)
    assert len(parsed) == 2
    for got, want in zip(parsed, ROWS):
        assert got["body"] == want["body"] and got["epoch"] == want["epoch"]
        assert float(got["x_km"]) == want["x_km"]
        assert float(got["vx_kms"]) == want["vx_kms"]
        assert int(got["revs"]) == want["revs"]


def test_csv_writes_missing_values_as_empty_fields():
    text = _emit([{"flyby": None, "c3_km2s2": float("nan"), "ok": False}], "csv")
    assert text.splitlines() == ["flyby,c3_km2s2,ok", ",,false"]


def test_table_rounds_by_unit_and_right_aligns_numbers():
    text = _emit(ROWS, "table", title="mars test")
    assert "mars test" in text
    assert "-153667579.514" in text  # _km: 3 decimals (1 m)
    assert "0.300000" in text  # _kms: 6 decimals (1 mm/s)
    lines = text.splitlines()
    # Right-aligned: the shorter x_km value ends in the same column as the longer one.
    first = next(line for line in lines if "-153667579.514" in line)
    second = next(line for line in lines if "0.333" in line)
    assert first.index("-153667579.514") + len("-153667579.514") == \
        second.index("0.333") + len("0.333")


def test_table_is_never_truncated_and_prints_values_literally():
    rows = [{f"column_{i}_km": 123456789.123456 for i in range(12)} | {"note": "[red]x[/red]"}]
    text = _emit(rows, "table")
    assert "…" not in text and "..." not in text
    assert text.count("123456789.123") == 12
    assert "[red]x[/red]" in text


def test_table_hides_keys_named_in_the_title():
    text = _emit(ROWS, "table", title="t", hide=("body",))
    assert "body" not in text and "mars" not in text
    assert "x_km" in text


def test_format_overrides_per_key():
    text = _emit(ROWS, "table", formats={"x_km": ".1f"})
    assert re.search(r"-153667579\.5(?!\d)", text)


def test_unknown_format_names_the_allowed_ones():
    with pytest.raises(InputError, match="table, json, csv"):
        _emit(ROWS, "yaml")


def test_rows_with_differing_keys_are_a_bug():
    with pytest.raises(ValueError, match="row 1"):
        _emit([{"a": 1}, {"b": 2}], "json")


def test_empty_rows():
    assert json.loads(_emit([], "json")) == []
    assert _emit([], "csv") == ""


def test_state_rows_use_the_design_keys():
    rows = state_rows("earth", "ecliptic", [2451545.0], [[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]])
    assert rows == [{"body": "earth", "epoch": "2000-01-01T12:00:00", "frame": "ecliptic",
                     "x_km": 1.0, "y_km": 2.0, "z_km": 3.0,
                     "vx_kms": 4.0, "vy_kms": 5.0, "vz_kms": 6.0}]
