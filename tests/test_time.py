"""Tests for marsplan.time: epochs in, TDB Julian dates out, and back.

Reference Julian dates are worked by hand from the Julian day number (JDN) of
Fliegel & Van Flandern (Comm. ACM 11:657, 1968), for a Gregorian date Y-M-D:

    a = (14 - M) // 12;  y = Y + 4800 - a;  m = M + 12 a - 3
    JDN = D + (153 m + 2) // 5 + 365 y + y // 4 - y // 100 + y // 400 - 32045

JDN is the Julian date at *noon* of that day, so midnight is JDN - 0.5.

Precision: a float64 Julian date near 2.45e6 lies in [2**21, 2**22), where one
ulp is 2**-31 day = 40.2 us. A round trip through a JD can therefore move an
epoch by half an ulp (20.1 us) plus the final rounding to the microsecond.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from marsplan.constants import J2000_JD
from marsplan.errors import InputError, MarsplanError
from marsplan.time import (
    datetime64_to_jd_tdb,
    jd_tdb_to_datetime64,
    jd_tdb_to_iso,
    to_datetime64,
    to_jd_tdb,
)

# One float64 ulp of a Julian date in [2**21, 2**22) days (1029 AD to 6770 AD).
JD_ULP_DAYS = 2.0**-31  # = 40.2 us
JD_ULP_US = JD_ULP_DAYS * 86_400e6

# 2033-04-16 by the JDN formula above: a = 0, y = 6833, m = 1,
# JDN = 16 + 31 + 2_494_045 + 1_708 - 68 + 17 - 32_045 = 2_463_704 (noon),
# so midnight is 2_463_703.5. Cross-check: 2000-01-01 to 2033-01-01 is
# 33 * 365 + 9 leap days (2000..2032) = 12_054 days, plus 105 days to
# 16 April; 2_451_545 + 12_054 + 105 = 2_463_704 at noon.
JD_2033_04_16 = 2_463_703.5

# Sputnik 1 launch, 1957-10-04T19:26:24: JDN(1957-10-04) = 4 + 214 + 2_466_305
# + 1_689 - 67 + 16 - 32_045 = 2_436_116 at noon, and 19:26:24 is 7 h 26 min
# 24 s = 26_784 s = 0.31 day after noon: JD 2_436_116.31 (the textbook value,
# e.g. Meeus, Astronomical Algorithms, 2nd ed., Example 7.a).
JD_SPUTNIK = 2_436_116.31


def jdn(year: int, month: int, day: int) -> int:
    """Julian day number (noon) of a Gregorian date, Fliegel & Van Flandern 1968."""
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


# --- ISO strings -------------------------------------------------------------


def test_j2000_is_2451545():
    # J2000.0 is defined as 2000-01-01T12:00:00 TDB = JD 2451545.0 (IAU 1976).
    assert to_jd_tdb("2000-01-01T12:00:00") == J2000_JD == 2_451_545.0
    assert isinstance(to_jd_tdb("2000-01-01T12:00:00"), float)


def test_date_only_is_midnight():
    assert jdn(2033, 4, 16) == 2_463_704
    assert to_jd_tdb("2033-04-16") == JD_2033_04_16


def test_sputnik_launch():
    # 0.31 day is not a binary fraction: allow one ulp (40 us).
    assert jdn(1957, 10, 4) == 2_436_116
    assert abs(to_jd_tdb("1957-10-04T19:26:24") - JD_SPUTNIK) <= JD_ULP_DAYS


@pytest.mark.parametrize(
    ("text", "expected_jd"),
    [
        ("2000-01-01T12:00:00", 2_451_545.0),
        ("2000-01-01 12:00:00", 2_451_545.0),  # a space instead of "T"
        ("2000-01-01T12:00:00Z", 2_451_545.0),  # "Z" is accepted (read as TDB)
        ("2000-01-01T12:00:00 TDB", 2_451_545.0),
        ("2000-01-01T12:00:00 tdb", 2_451_545.0),
        ("  2000-01-01T12:00  ", 2_451_545.0),
        ("2000-01-01T18:00", 2_451_545.25),  # quarter days are exact binary fractions
        ("2000-01-01T06:00:00.000", 2_451_544.75),
        ("2033-04-16T00:00:00 TDB", JD_2033_04_16),
        ("2000-02-29", jdn(2000, 2, 29) - 0.5),  # 2000 is a leap year (div. by 400)
        ("1900-03-01", jdn(1900, 3, 1) - 0.5),  # 1900 is not (div. by 100)
        ("1969-12-31T12:00", 2_440_587.0),  # just before the Unix epoch
        ("1970-01-01", 2_440_587.5),  # the Unix epoch
    ],
)
def test_iso_strings(text, expected_jd):
    assert to_jd_tdb(text) == expected_jd


def test_fractional_seconds():
    # 12:00:00.5 is half a second after J2000: 0.5 / 86400 day, read to one ulp.
    assert abs(to_jd_tdb("2000-01-01T12:00:00.5") - (J2000_JD + 0.5 / 86_400)) <= JD_ULP_DAYS
    # Microseconds survive into datetime64 exactly, below the JD's resolution.
    assert to_datetime64("2033-04-16T06:30:00.123456") == np.datetime64(
        "2033-04-16T06:30:00.123456"
    )


def test_jdn_formula_matches_to_jd_tdb_over_centuries():
    # An independent check of the calendar arithmetic: the first of every month
    # from 1600 to 2400 (both Gregorian leap-year rules are exercised).
    dates = [(y, m) for y in range(1600, 2401, 7) for m in range(1, 13)]
    texts = [f"{y:04d}-{m:02d}-01" for y, m in dates]
    expected = np.array([jdn(y, m, 1) - 0.5 for y, m in dates])
    np.testing.assert_array_equal(to_jd_tdb(texts), expected)


# --- datetime, date, numpy.datetime64 ------------------------------------------


def test_naive_datetime_and_date():
    assert to_jd_tdb(dt.datetime(2000, 1, 1, 12)) == J2000_JD
    assert to_jd_tdb(dt.date(2033, 4, 16)) == JD_2033_04_16


def test_aware_datetime_is_converted_to_utc():
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert to_jd_tdb(dt.datetime(2033, 4, 16, 2, 0, tzinfo=plus_two)) == JD_2033_04_16
    assert to_jd_tdb(dt.datetime(2000, 1, 1, 12, tzinfo=dt.timezone.utc)) == J2000_JD
    minus_six = dt.timezone(dt.timedelta(hours=-6))
    assert to_jd_tdb(dt.datetime(2000, 1, 1, 6, tzinfo=minus_six)) == J2000_JD


@pytest.mark.parametrize(
    "value",
    [
        np.datetime64("2000-01-01T12", "h"),
        np.datetime64("2000-01-01T12:00", "m"),
        np.datetime64("2000-01-01T12:00:00", "s"),
        np.datetime64("2000-01-01T12:00:00.000", "ms"),
        np.datetime64("2000-01-01T12:00:00.000000", "us"),
        np.datetime64("2000-01-01T12:00:00.000000000", "ns"),
    ],
    ids=lambda v: str(v.dtype),
)
def test_datetime64_units(value):
    assert to_jd_tdb(value) == J2000_JD


@pytest.mark.parametrize(
    ("value", "expected_jd"),
    [
        (np.datetime64("2033-04-16", "D"), JD_2033_04_16),
        (np.datetime64("2033-04", "M"), jdn(2033, 4, 1) - 0.5),
        (np.datetime64("2033", "Y"), jdn(2033, 1, 1) - 0.5),
    ],
    ids=["D", "M", "Y"],
)
def test_datetime64_calendar_units(value, expected_jd):
    assert to_jd_tdb(value) == expected_jd


def test_datetime64_to_jd_tdb_any_unit_vectorized():
    values = np.array(["2000-01-01T12", "2000-01-01T18"], dtype="datetime64[h]")
    np.testing.assert_array_equal(datetime64_to_jd_tdb(values), [J2000_JD, J2000_JD + 0.25])


# --- sequences and arrays: shapes ----------------------------------------------


def test_list_gives_1d_array():
    jd = to_jd_tdb(["2000-01-01T12:00", dt.date(2033, 4, 16), np.datetime64("1970-01-01")])
    assert isinstance(jd, np.ndarray) and jd.dtype == np.float64 and jd.shape == (3,)
    np.testing.assert_array_equal(jd, [J2000_JD, JD_2033_04_16, 2_440_587.5])


def test_2d_inputs_keep_their_shape():
    texts = [["2000-01-01T12:00", "2000-01-01T18:00", "2000-01-02T00:00"],
             ["2033-04-16", "2033-04-16T06:00", "2033-04-16T12:00"]]
    expected = [[J2000_JD, J2000_JD + 0.25, J2000_JD + 0.5],
                [JD_2033_04_16, JD_2033_04_16 + 0.25, JD_2033_04_16 + 0.5]]
    for epochs in (texts, np.array(texts), np.array(texts, dtype="datetime64[us]")):
        jd = to_jd_tdb(epochs)
        assert jd.shape == (2, 3)
        np.testing.assert_array_equal(jd, expected)


def test_datetime64_array_and_0d_arrays():
    days = np.arange("2033-04-16", "2033-04-21", dtype="datetime64[D]")
    np.testing.assert_array_equal(to_jd_tdb(days), JD_2033_04_16 + np.arange(5))
    assert to_jd_tdb(np.array("2033-04-16", dtype="datetime64[D]")) == JD_2033_04_16
    assert to_jd_tdb(np.array("2033-04-16", dtype=object)) == JD_2033_04_16


def test_empty_list_gives_empty_array():
    assert to_jd_tdb([]).shape == (0,)


# --- back from Julian dates ------------------------------------------------------


def test_jd_tdb_to_datetime64_known_values():
    assert jd_tdb_to_datetime64(J2000_JD) == np.datetime64("2000-01-01T12:00:00", "us")
    assert jd_tdb_to_datetime64(JD_2033_04_16) == np.datetime64("2033-04-16", "us")
    out = jd_tdb_to_datetime64([[J2000_JD], [J2000_JD + 0.25]])
    assert out.shape == (2, 1) and out.dtype == np.dtype("datetime64[us]")
    assert out[1, 0] == np.datetime64("2000-01-01T18:00")
    # 2436116.31 is not exact in binary: the nearest float is ~5 us from 19:26:24.
    sputnik = jd_tdb_to_datetime64(JD_SPUTNIK)
    assert abs(sputnik - np.datetime64("1957-10-04T19:26:24")) <= np.timedelta64(21, "us")


@pytest.mark.parametrize(
    ("timespec", "expected"),
    [
        ("days", "2033-04-16"),
        ("minutes", "2033-04-16T06:30"),
        ("seconds", "2033-04-16T06:30:00"),
        ("milliseconds", "2033-04-16T06:30:00.000"),
    ],
)
def test_jd_tdb_to_iso_timespecs(timespec, expected):
    assert jd_tdb_to_iso(to_jd_tdb("2033-04-16T06:30:00"), timespec) == expected


def test_jd_tdb_to_iso_rounds_to_the_timespec():
    # The docstring promises rounding (not truncation) to the requested unit.
    jd = to_jd_tdb("2033-04-16T06:29:59.6")
    assert jd_tdb_to_iso(jd) == "2033-04-16T06:30:00"
    assert jd_tdb_to_iso(jd, "minutes") == "2033-04-16T06:30"
    assert jd_tdb_to_iso(jd, "milliseconds") == "2033-04-16T06:29:59.600"
    assert jd_tdb_to_iso(to_jd_tdb("2033-04-16T18:00"), "days") == "2033-04-17"
    assert jd_tdb_to_iso(to_jd_tdb("2033-04-16T11:00"), "days") == "2033-04-16"
    # Before 1970 the microsecond count is negative: floor rounding must still hold.
    assert jd_tdb_to_iso(to_jd_tdb("1957-10-04T19:26:23.6")) == "1957-10-04T19:26:24"


def test_jd_tdb_to_iso_default_and_arrays():
    assert jd_tdb_to_iso(J2000_JD) == "2000-01-01T12:00:00"
    assert isinstance(jd_tdb_to_iso(J2000_JD), str)
    texts = jd_tdb_to_iso(np.array([[J2000_JD, JD_2033_04_16]]), "days")
    assert texts.shape == (1, 2)
    assert texts.tolist() == [["2000-01-02", "2033-04-16"]]  # noon rounds up


# --- round trips (hypothesis) -----------------------------------------------------

moments = st.datetimes(min_value=dt.datetime(1550, 1, 1), max_value=dt.datetime(2650, 1, 1))


@settings(deadline=None)
@given(moments)
@example(dt.datetime(2000, 1, 1, 12))  # J2000
@example(dt.datetime(1969, 12, 31, 23, 59, 59, 999_999))  # negative us since the Unix epoch
@example(dt.datetime(1970, 1, 1, 0, 0, 0, 1))
@example(dt.datetime(2000, 2, 29, 23, 59, 59, 999_999))  # leap day, last microsecond
@example(dt.datetime(2033, 4, 16, 0, 0, 0, 20))  # ~half an ulp past midnight
def test_datetime_round_trip_through_jd(moment):
    # datetime -> JD -> datetime64: the JD holds the moment to half an ulp
    # (20.1 us); converting back rounds to the microsecond (0.5 us more).
    back = jd_tdb_to_datetime64(to_jd_tdb(moment))
    error_us = abs(int((back - np.datetime64(moment, "us")).astype(np.int64)))
    assert error_us <= JD_ULP_US / 2 + 0.5


@settings(deadline=None)
@given(st.floats(min_value=2_287_000.5, max_value=2_688_000.5))
@example(J2000_JD)
@example(2_440_587.5)  # the Unix epoch
@example(np.nextafter(2_440_587.5, 0.0))  # one ulp before it
def test_jd_round_trip_through_datetime64(jd):
    # JD -> datetime64 -> JD: rounding to the microsecond moves the epoch by at
    # most 0.5 us, far below half an ulp (20 us), so the same float comes back.
    assert to_jd_tdb(jd_tdb_to_datetime64(jd)) == jd


# --- bad inputs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [2_451_545.0, 5, True, None, np.float64(2_451_545.0), object()],
    ids=["float", "int", "bool", "None", "np.float64", "object"],
)
def test_numbers_and_other_objects_are_refused(value):
    # A bare number could be a JD, an MJD or seconds: marsplan does not guess.
    with pytest.raises(InputError, match=r"^launch: .* is not an epoch"):
        to_jd_tdb(value, field="launch")


@pytest.mark.parametrize(
    "text", ["", "   ", "NaT", "nat", "Z", " TDB", "tomorrow", "2033-13-01", "2033-02-30",
             "16/04/2033", "2033-04-16T25:00"],
)
def test_bad_strings_are_refused(text):
    # "", "NaT" and "Z" once parsed silently as NaT and gave a JD of -1.04e8.
    with pytest.raises(InputError, match=r"^arrival: .* is not an ISO 8601 date"):
        to_jd_tdb(text, field="arrival")


def test_bad_element_in_a_list_names_the_field():
    with pytest.raises(InputError, match=r"^launch: 'soon' is not an ISO 8601 date"):
        to_jd_tdb(["2033-04-16", "soon"], field="launch")
    with pytest.raises(InputError, match=r"^launch: 7 \(int\) is not an epoch"):
        to_jd_tdb(["2033-04-16", 7], field="launch")


@pytest.mark.parametrize(
    "value",
    [np.datetime64("NaT"), np.datetime64("NaT", "ns"),
     np.array(["2033-04-16", "NaT"], dtype="datetime64[D]"),
     ["2033-04-16", np.datetime64("NaT")]],
    ids=["scalar", "scalar-ns", "array", "list"],
)
def test_nat_is_refused(value):
    with pytest.raises(InputError, match=r"^epoch: NaT is not a date"):
        to_jd_tdb(value)


def test_input_error_is_a_marsplan_value_error():
    with pytest.raises(MarsplanError):
        to_jd_tdb(1.0)
    with pytest.raises(ValueError):
        to_jd_tdb(1.0)


def test_bad_timespec_is_refused():
    with pytest.raises(InputError, match=r"^timespec: 'hours' is not one of days, minutes"):
        jd_tdb_to_iso(J2000_JD, "hours")


@pytest.mark.parametrize("bad", [np.nan, np.inf, [J2000_JD, np.nan]])
def test_non_finite_jd_is_refused(bad):
    with pytest.raises(InputError, match=r"^jd_tdb: Julian dates must be finite"):
        jd_tdb_to_datetime64(bad)
    with pytest.raises(InputError, match=r"^jd_tdb:"):
        jd_tdb_to_iso(bad)


# --------------------------------------------------------------------------- hardening


@pytest.mark.parametrize("bad", [1e20, -1e20, 1e15, 5_373_484.5, -1_931_000.0,
                                 [2_451_545.0, 1e300]])
def test_julian_dates_beyond_the_years_are_refused_not_wrapped(bad):
    # jd_tdb_to_iso(1e20) returned 1970-01-01: the int64 microseconds overflowed.
    with pytest.raises(InputError, match=r"^jd_tdb: .* lies outside the Julian dates of the "
                                         r"years -9999 to 9999"):
        jd_tdb_to_iso(bad)
    with pytest.raises(InputError, match=r"^jd_tdb: "):
        jd_tdb_to_datetime64(bad)


def test_edges_of_the_calendar_round_trip():
    # The limits themselves convert both ways (Table 2 of the analytic ephemeris
    # starts 3000 BC, so negative years must keep working).
    for text in ("-9999-01-01", "-2999-01-01", "0001-01-01", "9999-12-31"):
        assert jd_tdb_to_iso(to_jd_tdb(text), "days") == text


@pytest.mark.parametrize("bad", ["2033-04-16", None, ["a"], object(), b"2451545"])
def test_jd_that_is_not_numbers_is_refused(bad):
    with pytest.raises(InputError, match=r"^jd_tdb: "):
        jd_tdb_to_iso(bad)


@pytest.mark.parametrize("bad", [np.datetime64(10**15, "D"),
                                 np.array([10**17], dtype="datetime64[s]"),
                                 np.datetime64(-(10**15), "h"), "99999-01-01", "-10000-01-01"])
def test_far_datetime64_is_refused_before_the_cast_can_wrap(bad):
    with pytest.raises(InputError, match=r"^launch: .* lies outside the years -9999 to 9999$"):
        to_jd_tdb(bad, "launch")


@pytest.mark.parametrize("bad", [True, 2451545.0, None, {"a": 1}, {1, 2}, object(), b"2033"])
def test_non_epochs_are_type_errors_naming_the_field(bad):
    from marsplan.errors import InputTypeError

    with pytest.raises(InputTypeError, match=r"^launch: .* is not an epoch"):
        to_jd_tdb(bad, "launch")


@pytest.mark.parametrize("bad", [[], None, 3, "Seconds"])
def test_timespec_of_the_wrong_kind(bad):
    with pytest.raises(InputError, match=r"^timespec: "):
        jd_tdb_to_iso(J2000_JD, bad)


def test_long_text_is_not_echoed():
    with pytest.raises(InputError) as info:
        to_jd_tdb("2033" * 1000, "launch")
    assert len(str(info.value)) < 120
