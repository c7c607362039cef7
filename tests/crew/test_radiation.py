"""marsplan.crew.radiation: GCR dose from MSL/RAD rates, the solar cycle and shielding.

Published figures come from tests/reference/radiation.csv (Zeitlin et al.
2013, Hassler et al. 2014, Guo et al. 2015 and 2021, NASA-STD-3001 Rev. B).
Tolerances: the RAD measurements carry a 1-sigma of ~18 %; the solar-cycle
ratios are coarse, so the reference asks for +-30 % bounds on them (and uses
Guo 2015's 0.25 only as a lower bound). Bookkeeping (days, sums, shielding,
limits) is exact arithmetic and is checked to 1e-12.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from marsplan.crew.radiation import (
    CAREER_LIMIT_MSV,
    MARS_SOL_DAYS,
    RAD_CRUISE_MSV_PER_DAY,
    RAD_SURFACE_MSV_PER_DAY,
    mission_dose,
    sky_fraction_hidden_by_mars,
    solar_activity,
    solar_factor,
)
from marsplan.errors import InputError
from marsplan.time import to_jd_tdb
from marsplan.transfer.missions import assemble_mission

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
# A 2033 conjunction-class mission (200 d out, 551 d stay, 198 d back).
CONJUNCTION_DATES = ("2033-04-17", "2033-11-03", "2035-05-08", "2035-11-22")


def _reference():
    with open(REFERENCE / "radiation.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return {(r["quantity"], r["environment"].split(",")[0]): r for r in rows}


def _value(quantity, environment):
    return float(_reference()[(quantity, environment)]["value"])


def _round_trip(centre, one_way_days=180.0):
    """A flyby-shaped round trip, ``one_way_days`` out and back around ``centre``."""
    jd = to_jd_tdb(centre)
    return assemble_mission(jd - one_way_days, jd, jd, jd + one_way_days, mission_class="flyby")


@pytest.fixture(scope="module")
def conjunction():
    return assemble_mission(*CONJUNCTION_DATES, mission_class="conjunction")


# --------------------------------------------------------------------------- rates and limit


def test_rates_and_limit_are_the_reference_values():
    cruise = "deep-space cruise inside MSL spacecraft"
    assert RAD_CRUISE_MSV_PER_DAY == _value("gcr_dose_equivalent_rate", cruise)
    assert RAD_SURFACE_MSV_PER_DAY == _value("gcr_dose_equivalent_rate", "Mars surface")
    assert CAREER_LIMIT_MSV == _value("career_effective_dose_limit", "NASA astronauts")


# --------------------------------------------------------------------------- solar cycle


def test_activity_is_zero_at_minima_and_one_at_maxima():
    # SILSO: cycle 24 minimum Dec 2008, maximum Apr 2014; cycle 25 minimum Dec 2019;
    # NASA/NOAA: cycle 25 maximum period announced Oct 2024.
    for date, level in (("2008-12-15", 0.0), ("2014-04-15", 1.0), ("2019-12-15", 0.0),
                        ("2024-10-15", 1.0)):
        assert solar_activity(to_jd_tdb(date)) == pytest.approx(level, abs=1e-12)
    jd = np.linspace(to_jd_tdb("1990-01-01"), to_jd_tdb("2100-01-01"), 20_000)
    a = solar_activity(jd)
    assert a.min() >= 0.0 and a.max() <= 1.0
    # Cycle 26 (Wu & Qin 2021): minimum 11.06 yr after Dec 2019, maximum 4.80 yr later.
    assert solar_activity(to_jd_tdb("2019-12-15") + 11.06 * 365.25) == pytest.approx(0.0, abs=1e-9)
    assert solar_activity(to_jd_tdb("2019-12-15") + 15.86 * 365.25) == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("phase, window", [
    # When RAD measured each rate (radiation.csv "period"): the MSL cruise, and the
    # first 300 sols on the surface from 2012-08-07.
    ("cruise", ("2011-11-26", "2012-08-06")),
    ("surface", ("2012-08-07", None)),
])
def test_solar_factor_averages_one_over_the_rad_measurement(phase, window):
    start = to_jd_tdb(window[0])
    end = to_jd_tdb(window[1]) if window[1] else start + 300 * MARS_SOL_DAYS
    jd = np.linspace(start, end, 4001)
    mean = np.trapezoid(solar_factor(jd, phase), jd) / (end - start)
    assert mean == pytest.approx(1.0, abs=1e-6)
    # ... and "~1" on each day of it: the measurement epoch is near the maximum.
    assert np.all(np.abs(solar_factor(jd, phase) - 1.0) < 0.1)


def test_surface_factor_at_the_2019_minimum_is_guo_2021():
    # Guo et al. 2021: surface GCR dose "increased by about 50%" from 2012 to the
    # 2019-2020 minimum; the reference's bounds on the ratio are +-30 %.
    ratio = _value("surface_gcr_dose_increase_solar_max_to_min", "Mars surface")
    assert solar_factor(to_jd_tdb("2019-12-15"), "surface") == pytest.approx(ratio, rel=1e-9)
    for minimum in ("2008-12-15", "2019-12-15", "2031-01-07"):
        for phase in ("cruise", "surface"):
            assert 0.7 * ratio <= solar_factor(to_jd_tdb(minimum), phase) <= 1.3 * ratio


def test_solar_factor_at_maximum_is_below_one_and_above_guo_2015_bound():
    # Guo et al. 2015: at solar maximum the cruise dose "could be as low as one-fourth"
    # of RAD's: a lower bound only.
    lower = _value("solar_max_to_measured_cruise_dose_equivalent_ratio", "deep-space cruise")
    for maximum in ("2014-04-15", "2024-10-15"):
        for phase in ("cruise", "mars_orbit", "surface"):
            assert lower <= solar_factor(to_jd_tdb(maximum), phase) < 1.0


def test_solar_factor_is_highest_at_minimum_through_a_cycle():
    jd = np.arange(to_jd_tdb("2024-10-15"), to_jd_tdb("2035-10-01"), 5.0)
    f = solar_factor(jd, "cruise")
    peak = jd[np.argmax(f)]
    assert abs(peak - (to_jd_tdb("2019-12-15") + 11.06 * 365.25)) < 5.0


# --------------------------------------------------------------------------- RAD round trip


def test_round_trip_at_the_measurement_epoch_matches_zeitlin_2013():
    # Zeitlin et al. 2013: 180 d each way with MSL-like shielding, 0.66 +- 0.12 Sv,
    # i.e. 1.84 mSv/d x 360 d at the 2011-2012 solar conditions (factor ~1).
    sv, sigma = (_value("round_trip_dose_equivalent", "deep-space cruise"),
                 float(_reference()[("round_trip_dose_equivalent",
                                     "deep-space cruise")]["uncertainty_1sigma"]))
    report = mission_dose(_round_trip("2012-05-24"))
    assert report.days_in("cruise") == pytest.approx(360.0, abs=1e-9)
    assert abs(report.total_msv / 1000.0 - sv) <= sigma
    hand = 360.0 * 1.84 * float(np.mean([p.solar_factor for p in report.phases]))
    assert report.total_msv == pytest.approx(hand, rel=1e-12)


@pytest.mark.parametrize("maximum", ["2014-04-15", "2024-10-15"])
def test_round_trip_at_solar_maximum_is_within_one_sigma_of_zeitlin(maximum):
    # Zeitlin's "near solar maximum" conditions: the model at the cycle-24 and -25
    # maxima stays inside 0.66 +- 0.12 Sv (it gives ~0.55 Sv, the low side, since
    # the true maxima were quieter in GCR than the 2011-2012 cruise).
    report = mission_dose(_round_trip(maximum))
    assert 0.54 <= report.total_msv / 1000.0 <= 0.78


def test_round_trip_at_solar_minimum_is_higher_within_reference_bounds():
    at_max = mission_dose(_round_trip("2024-10-15")).total_msv
    at_min = mission_dose(_round_trip("2019-12-15")).total_msv
    measured = 360.0 * RAD_CRUISE_MSV_PER_DAY
    assert 1.05 * measured <= at_min <= 1.95 * measured  # 1.5 +- 30 %
    assert at_min / at_max > 1.5


# --------------------------------------------------------------------------- bookkeeping


def test_conjunction_phases_rows_and_hand_computed_total(conjunction):
    report = mission_dose(conjunction)
    assert [p.phase for p in report.phases] == ["cruise", "surface", "cruise"]
    assert [p.days for p in report.phases] == pytest.approx([200.0, 551.0, 198.0], abs=1e-9)
    for p in report.phases:
        assert p.dose_msv == pytest.approx(
            p.days * p.rate_msv_per_day * p.solar_factor * p.shielding_factor, rel=1e-12)
    # Hand computation: days x rate x the phase's mean solar factor, the mean taken
    # here independently by Simpson's rule on a 1/8-day grid.
    total = 0.0
    for phase, start, end, rate in (("cruise", 0, 1, 1.84), ("surface", 1, 2, 0.64),
                                    ("cruise", 2, 3, 1.84)):
        a, b = to_jd_tdb(CONJUNCTION_DATES[start]), to_jd_tdb(CONJUNCTION_DATES[end])
        n = int(8 * (b - a))
        jd = np.linspace(a, b, n + 1 if n % 2 == 0 else n + 2)
        f = solar_factor(jd, phase)
        h = jd[1] - jd[0]
        integral = h / 3 * (f[0] + f[-1] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum())
        total += rate * integral
    assert report.total_msv == pytest.approx(total, rel=1e-7)
    assert report.total_msv == pytest.approx(sum(p.dose_msv for p in report.phases), rel=1e-12)
    assert 900.0 < report.total_msv < 1200.0  # ~1 Sv for a conjunction-class round trip
    rows = report.rows()
    assert set(rows[0]) >= {"phase", "days", "rate_msv_per_day", "solar_factor", "dose_msv"}
    assert rows[0]["start"] == "2033-04-17T00:00:00"
    summary = report.row()
    assert summary["total_msv"] == report.total_msv
    assert summary["surface_days"] == pytest.approx(551.0)
    assert summary["mars_orbit_days"] == 0.0


def test_shielding_scales_the_dose(conjunction):
    base = mission_dose(conjunction)
    half = mission_dose(conjunction, shielding_factor=0.5)
    assert half.total_msv == pytest.approx(0.5 * base.total_msv, rel=1e-12)
    assert half.fraction_of_limit == pytest.approx(0.5 * base.fraction_of_limit, rel=1e-12)
    # One factor per phase: only the surface stretch changes.
    habitat = mission_dose(conjunction, shielding_factor={"surface": 0.25})
    assert habitat.dose_in("cruise") == pytest.approx(base.dose_in("cruise"), rel=1e-12)
    assert habitat.dose_in("surface") == pytest.approx(0.25 * base.dose_in("surface"), rel=1e-12)


def test_orbit_only_and_split_stay(conjunction):
    base = mission_dose(conjunction)
    orbit = mission_dose(conjunction, surface_days=0)
    assert orbit.days_in("surface") == 0.0
    assert orbit.days_in("mars_orbit") == pytest.approx(551.0)
    # In orbit the cruise rate and the cruise's solar factor apply: 0.64 -> 1.84 mSv/d,
    # and each factor is normalised to its own RAD measurement dates, so the two
    # differ by one constant ratio (the cruise was measured at lower activity).
    jd = to_jd_tdb("2034-06-01")
    ratio = solar_factor(jd, "mars_orbit") / solar_factor(jd, "surface")
    assert 0.85 < ratio < 0.95
    assert orbit.dose_in("mars_orbit") == pytest.approx(
        base.dose_in("surface") * 1.84 / 0.64 * ratio, rel=1e-9)
    split = mission_dose(conjunction, surface_days=500)
    assert [p.segment for p in split.phases] == [
        "outbound cruise", "Mars orbit after arrival", "surface stay",
        "Mars orbit before departure", "return cruise"]
    assert [split.phases[1].days, split.phases[3].days] == pytest.approx([25.5, 25.5])
    assert split.days_in("surface") == pytest.approx(500.0)


def test_low_orbit_shadowing_is_the_hidden_sky_fraction(conjunction):
    # Mars (mean radius 3389.5 km) seen from 400 km up fills a cap of half-angle
    # asin(3389.5 / 3789.5): (1 - cos) / 2 of the sky.
    hidden = (1.0 - math.cos(math.asin(3389.5 / 3789.5))) / 2.0
    assert sky_fraction_hidden_by_mars(400.0) == pytest.approx(hidden, rel=1e-12)
    assert hidden == pytest.approx(0.2764, abs=1e-4)
    assert sky_fraction_hidden_by_mars(1e-9) == pytest.approx(0.5, abs=1e-6)  # the ground
    high = mission_dose(conjunction, surface_days=0)
    low = mission_dose(conjunction, surface_days=0, orbit_altitude_km=400.0)
    assert low.phases[1].rate_msv_per_day == pytest.approx(1.84 * (1.0 - hidden), rel=1e-12)
    assert low.dose_in("mars_orbit") == pytest.approx((1.0 - hidden) * high.dose_in("mars_orbit"),
                                                      rel=1e-12)


def test_flyby_has_only_cruise():
    report = mission_dose(_round_trip("2030-01-01", 250.0))
    assert {p.phase for p in report.phases} == {"cruise"}
    assert report.days_in("cruise") == pytest.approx(500.0)


def test_crew_members_prior_dose_and_career_limit(conjunction):
    report = mission_dose(conjunction, crew={"NASA": 2, "ESA": 1},
                          prior_dose_msv={"ESA": 120.0}, career_limit_msv=1500.0)
    assert [m.member for m in report.members] == ["NASA 1", "NASA 2", "ESA 1"]
    total = report.total_msv
    assert report.fraction_of_limit == pytest.approx(total / 1500.0, rel=1e-12)
    nasa, esa = report.members[0], report.members[2]
    assert nasa.mission_dose_msv == esa.mission_dose_msv == total
    assert nasa.career_dose_msv == total and nasa.fraction_of_limit == pytest.approx(total / 1500.0)
    assert esa.career_dose_msv == pytest.approx(total + 120.0)
    assert esa.fraction_of_limit == pytest.approx((total + 120.0) / 1500.0, rel=1e-12)
    assert esa.remaining_msv == pytest.approx(1500.0 - total - 120.0)
    rows = report.member_rows()
    assert rows[2]["partner"] == "ESA" and rows[2]["prior_dose_msv"] == 120.0
    # Against NASA's 600 mSv a conjunction-class mission is over the limit.
    nasa_limit = mission_dose(conjunction, crew={"NASA": 4})
    assert nasa_limit.career_limit_msv == 600.0
    assert nasa_limit.fraction_of_limit == pytest.approx(nasa_limit.total_msv / 600.0)
    assert nasa_limit.fraction_of_limit > 1.0
    assert not any(m.within_limit for m in nasa_limit.members)
    assert nasa_limit.row()["all_within_limit"] is False
    # Without crew, one row stands for each member; a scalar prior dose applies to all.
    anyone = mission_dose(conjunction, prior_dose_msv=50.0)
    assert len(anyone.members) == 1 and anyone.members[0].partner is None
    assert anyone.members[0].career_dose_msv == pytest.approx(anyone.total_msv + 50.0)


def test_daily_series_is_cumulative(conjunction):
    report = mission_dose(conjunction, surface_days=500)
    jd, dose = report.series_jd_tdb, report.series_dose_msv
    assert jd[0] == conjunction.earth_departure_jd_tdb
    assert jd[-1] == conjunction.earth_arrival_jd_tdb
    assert np.all(np.diff(jd) == 1.0)
    assert dose[0] == 0.0 and dose[-1] == pytest.approx(report.total_msv, rel=1e-12)
    assert np.all(np.diff(dose) > 0)
    # At the end of the outbound cruise the series holds that stretch's dose.
    k = int(np.searchsorted(jd, conjunction.mars_arrival_jd_tdb))
    assert dose[k] == pytest.approx(report.phases[0].dose_msv, rel=1e-9)
    # Slopes: ~1.84 mSv/d in cruise, ~0.64 on the surface (times the solar factor).
    assert 1.84 * 0.8 < dose[10] - dose[9] < 1.84 * 1.4
    assert 0.64 * 0.8 < dose[400] - dose[399] < 0.64 * 1.6


@pytest.mark.parametrize("kwargs, match", [
    ({"shielding_factor": 0.0}, "shielding_factor"),
    ({"shielding_factor": {"habitat": 0.5}}, "unknown phase 'habitat'"),
    ({"surface_days": 600.0}, "longer than the stay"),
    ({"surface_days": -1.0}, "surface_days"),
    ({"career_limit_msv": 0}, "career_limit_msv"),
    ({"crew": {"NASA": 1.5}}, r"crew\['NASA'\]"),
    ({"crew": {}}, "crew"),
    ({"crew": {"NASA": 2}, "prior_dose_msv": {"ESA": 10.0}}, "'ESA' is not in crew"),
    ({"prior_dose_msv": {"ESA": 10.0}}, "needs crew"),
    ({"prior_dose_msv": -5.0}, "prior_dose_msv"),
    ({"orbit_altitude_km": -100.0}, "orbit_altitude_km"),
])
def test_bad_inputs_raise_one_line(conjunction, kwargs, match):
    with pytest.raises(InputError, match=match):
        mission_dose(conjunction, **kwargs)


def test_unknown_phase_and_dates_outside_the_model_raise():
    with pytest.raises(InputError, match="phase"):
        solar_factor(to_jd_tdb("2030-01-01"), "lunar")
    with pytest.raises(InputError, match="outside the solar cycle model"):
        solar_activity(to_jd_tdb("2300-01-01"))
