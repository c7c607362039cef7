"""marsplan.io.emit: tables, JSON, CSV and atomic writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re

import numpy as np
import pytest

from marsplan.errors import InputError, OutputPathError
from marsplan.io.emit import Section, emit, emit_sections, escape_control, state_rows

ROWS = [
    {"body": "mars", "epoch": "2033-04-01T00:00:00", "x_km": -153667579.51432,
     "vx_kms": 0.1 + 0.2, "revs": 0},
    {"body": "mars", "epoch": "2033-04-02T00:00:00", "x_km": 1.0 / 3.0,
     "vx_kms": -13.937255, "revs": 1},
]


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)


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
    assert "-153667579.5 " in text  # _km: 1 decimal (100 m)
    assert "0.300 " in text and "-13.937 " in text  # _kms: 3 decimals (1 m/s)
    lines = text.splitlines()
    # Right-aligned: the shorter x_km value ends in the same column as the longer one.
    first = next(line for line in lines if "-153667579.5" in line)
    second = next(line for line in lines if " 0.3 " in line)
    assert first.index("-153667579.5") + len("-153667579.5") == \
        second.index(" 0.3 ") + len(" 0.3")


@pytest.mark.parametrize(("key", "value", "shown"), [
    ("c3_km2s2", 7.7834, "7.78"), ("dv_total_kms", 5.2411171, "5.241"),
    ("dla_deg", -11.2816, "-11.28"), ("tof_days", 273.7318, "273.7"),
    ("mass_t", 129.456, "129.5"), ("dose_msv", 1042.6, "1043"), ("ratio", 0.123456, "0.1235"),
    ("x_km", 1e308, "1e+308"), ("c3_km2s2", -1e20, "-1e+20"), ("tof_days", float("inf"), "inf"),
])
def test_table_floats_have_meaningful_digits_json_keeps_all(key, value, shown):
    rows = [{key: value}]
    cells = _emit(rows, "table").split()
    assert cells[-1] == shown
    assert json.loads(_emit(rows, "json"))[0][key] == (value if math.isfinite(value) else None)


def test_table_without_a_width_is_never_truncated_and_prints_values_literally():
    rows = [{f"column_{i}_km": 123456789.123456 for i in range(12)} | {"note": "[red]x[/red]"}]
    text = _emit(rows, "table")
    assert "…" not in text and "..." not in text
    assert text.count("123456789.1") == 12
    assert "[red]x[/red]" in text
    assert "not shown" not in text


WIDE = [{"opportunity": 2033, "launch": "2033-04-17T16:16:23", "c3_km2s2": 9.133,
         "dla_deg": -54.85, "rla_deg": 267.5, "vinf_arrival_kms": 3.3159,
         "detail": "entry 11.48 km/s, braking charged above 12.5 km/s at 125 km",
         "dv_total_kms": 5.890199}] * 2


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_table_fits_the_width_dropping_the_least_important_columns(width):
    drop = ("rla_deg", "dla_deg", "vinf_arrival_kms", "c3_km2s2", "launch")
    text = _emit(WIDE, "table", title="missions", drop=drop, width=width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), text
    assert "…" not in text
    # The columns that stay are whole; the ones dropped are named, in drop order.
    note = text[text.index("(columns not shown"):].split() if "not shown" in text else []
    note = [" ".join(note)] if note else []
    header = next(line for line in lines if "opportunity" in line).split()
    dropped = [k for k in drop if k not in header]
    assert dropped == list(drop[:len(dropped)])
    if dropped:
        assert len(note) == 1 and all(k in note[0] for k in dropped)
    else:
        assert note == []
    for key in ("opportunity", "dv_total_kms"):  # never dropped
        assert key in header
    assert "5.890" in text and "2033" in text
    # Long text wraps at words instead of being cut.
    assert "braking" in text and "125" in text


def test_an_empty_column_is_dropped_before_the_others():
    rows = [dict(row, flyby=None) for row in WIDE]
    drop = ("rla_deg", "dla_deg", "flyby")
    text = _emit(rows, "table", drop=drop, width=112)
    header = next(line for line in text.splitlines() if "opportunity" in line).split()
    assert "flyby" not in header and "rla_deg" in header and "dla_deg" in header
    assert "not shown at 112 characters: flyby;" in " ".join(text.split())
    # Given room, the empty column stays: its name says the value is absent.
    assert "flyby" in _emit(rows, "table", drop=drop, width=150)


def test_table_width_comes_from_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    lines = _emit(WIDE, "table").splitlines()
    assert max(len(line) for line in lines) <= 70
    assert any("not shown" in line for line in lines)


CONTROL = ["\x1b[2J\x1b[31mred", "cr\roverwrite", "nul\x00", "del\x7f", "csi\x9b31m",
           "bidi\u202eevil", "tab\tx", "line\nbreak", "bell\x07", "osc\x1b]0;title\x07"]


@pytest.mark.parametrize("text", CONTROL)
def test_control_characters_are_escaped_in_every_format(text):
    rows = [{"name": text, "value_km": 1.0}]
    out = {fmt: _emit(rows, fmt, title=f"title {text}") for fmt in ("table", "csv", "json")}
    for fmt, printed in out.items():
        raw = [c for c in printed if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
               or c in "\u202e"]
        assert raw == [], fmt
    # The escape keeps the text readable; JSON still gives back the exact string.
    assert "\\x" in out["table"] or "\\r" in out["table"] or "\\t" in out["table"] \
        or "\\n" in out["table"] or "\\u202e" in out["table"]
    assert list(csv.reader(io.StringIO(out["csv"])))[1][0] == escape_control(text)
    assert json.loads(out["json"])[0]["name"] == text


def test_escape_control_leaves_printable_text_alone():
    for text in ("Roscosmos", "Роскосмос", "宇宙航空研究開発機構", "café 250 x 33,793 km",
                 "a\\b"):
        assert escape_control(text) == text
    assert escape_control("\x1b[31m") == "\\x1b[31m"
    assert escape_control("a\rb\u202e") == "a\\rb\\u202e"


# --- several sections ---------------------------------------------------------------

SECTIONS = [Section("missions", ROWS, title="Missions"),
            Section("front", [{"duration_days": 600.0, "dv_total_kms": 7.5}], title="Front"),
            Section("timeline", [{"date": "2033-04-17T16:16:23", "event": "Earth departure"}])]


def _sections(fmt, **kwargs) -> str:
    out = io.StringIO()
    emit_sections(SECTIONS, fmt, file=out, **kwargs)
    return out.getvalue()


def test_several_sections_are_one_json_object_of_named_lists():
    document = json.loads(_sections("json"))
    assert list(document) == ["missions", "front", "timeline"]
    assert document["missions"] == ROWS
    assert document["front"] == [{"duration_days": 600.0, "dv_total_kms": 7.5}]


def test_one_section_prints_as_a_plain_list():
    out = io.StringIO()
    emit_sections(SECTIONS[:1], "json", file=out)
    assert json.loads(out.getvalue()) == ROWS
    assert json.loads(_sections("json", section="front")) == SECTIONS[1].rows


def test_several_csv_sections_never_share_a_stream():
    with pytest.raises(InputError, match="--section NAME.*--out DIR"):
        _sections("csv")
    rows = list(csv.reader(io.StringIO(_sections("csv", section="timeline"))))
    assert rows == [["date", "event"], ["2033-04-17T16:16:23", "Earth departure"]]
    with pytest.raises(InputError, match="'fronts' is not one of .*missions, front, timeline"):
        _sections("json", section="fronts")


def test_tables_print_each_section_under_its_title():
    text = _sections("table")
    assert text.index("Missions") < text.index("Front") < text.index("Earth departure")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_out_dir_writes_one_file_per_section_and_replaces_a_previous_run(tmp_path, fmt):
    out = tmp_path / "tables"
    paths = emit_sections(SECTIONS, fmt, out_dir=out, known=("missions", "front", "timeline"))
    assert sorted(os.listdir(out)) == sorted(f"{s.name}.{fmt}" for s in SECTIONS)
    assert paths == [str(out / f"{s.name}.{fmt}") for s in SECTIONS]
    for s in SECTIONS:
        text = (out / f"{s.name}.{fmt}").read_text()
        if fmt == "csv":
            parsed = list(csv.reader(io.StringIO(text)))
            assert parsed[0] == list(s.rows[0]) and len(parsed) == len(s.rows) + 1
        else:
            assert json.loads(text) == s.rows
    # A second run with fewer sections leaves no file of the first one.
    emit_sections(SECTIONS[:1], fmt, out_dir=out, known=("missions", "front", "timeline"))
    assert os.listdir(out) == [f"missions.{fmt}"]
    assert sorted(os.listdir(tmp_path)) == ["tables"]


def test_out_dir_never_replaces_a_folder_with_other_files(tmp_path):
    (tmp_path / "thesis.tex").write_text("keep me")
    with pytest.raises(OutputPathError, match="cannot write: the folder holds other files "
                                              "\\(thesis.tex\\)"):
        emit_sections(SECTIONS, "csv", out_dir=tmp_path, known=("missions",))
    assert os.listdir(tmp_path) == ["thesis.tex"]
    with pytest.raises(OutputPathError, match="folder does not exist"):
        emit_sections(SECTIONS, "csv", out_dir=tmp_path / "no" / "such")
    with pytest.raises(InputError, match="--format csv"):
        emit_sections(SECTIONS, "table", out_dir=tmp_path / "new")


def test_table_hides_keys_named_in_the_title():
    text = _emit(ROWS, "table", title="t", hide=("body",))
    assert "body" not in text and "mars" not in text
    assert "x_km" in text


def test_format_overrides_per_key():
    text = _emit(ROWS, "table", formats={"x_km": ".3f"})
    assert re.search(r"-153667579\.514(?!\d)", text)


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
