"""Payload to the assembly orbit and launch counts, against hand interpolation."""

from __future__ import annotations

from numpy.testing import assert_allclose

from marsplan.catalog.models import LaunchVehicle, PayloadPoint
from marsplan.sizing import launches_needed, payload_t


def _vehicle(points):
    return LaunchVehicle(
        id="medium", name="medium lift", source="test vehicle", owner="test", sites=["pad"],
        payload_leo=[PayloadPoint(inclination_deg=i, altitude_km=a, payload_t=p)
                     for i, a, p in points],
        reusable=True, price_musd=70.0)


# A Falcon 9-like table (the catalog's reusable-mode points): 18.5 t at 28.5 deg,
# 17.0 t at 51.6 deg, both at 200 km; a 600 km row that must not be used for 400 km.
MEDIUM = _vehicle([(28.5, 200.0, 18.5), (51.6, 200.0, 17.0),
                   (28.5, 600.0, 15.0), (51.6, 600.0, 13.0)])


def test_payload_at_the_tabulated_inclinations():
    assert payload_t(MEDIUM, 28.5, 400.0) == 18.5
    assert payload_t(MEDIUM, 51.6, 400.0) == 17.0


def test_payload_interpolates_linearly_in_inclination():
    # 40 deg: 18.5 + (40 - 28.5) x (17.0 - 18.5) / (51.6 - 28.5)
    #       = 18.5 - 11.5 x 1.5 / 23.1 = 18.5 - 0.746753 = 17.753247 t.
    assert_allclose(payload_t(MEDIUM, 40.0, 400.0), 17.753247, rtol=1e-7)


def test_payload_uses_the_nearest_tabulated_altitude():
    # 500 km is nearer 600 km than 200 km: 13.0 t at 51.6 deg.
    assert payload_t(MEDIUM, 51.6, 500.0) == 13.0
    # 400 km is as near to 200 as to 600 km: the lower (200 km) row is taken.
    assert payload_t(MEDIUM, 51.6, 400.0) == 17.0


def test_payload_below_and_above_the_table():
    # Below the lowest tabulated inclination: that point's payload.
    assert payload_t(MEDIUM, 10.0, 400.0) == 18.5
    # Above the highest: the table does not say the vehicle gets there.
    assert payload_t(MEDIUM, 60.0, 400.0) is None


def test_launch_counts_are_ceilings():
    # 1067.1 t of propellant at 110 t a flight: 9.70 -> 10 flights.
    assert launches_needed(1067.1, 110.0) == 10
    assert launches_needed(1100.0, 110.0) == 10  # exactly ten full flights
    assert launches_needed(1100.001, 110.0) == 11
    assert launches_needed(0.0, 110.0) == 1  # an element flies even if weightless
    # An 18 t module fits a 28.5 deg launch (18.5 t) but needs two at 51.6 deg (17.0 t).
    assert launches_needed(18.0, payload_t(MEDIUM, 28.5, 400.0)) == 1
    assert launches_needed(18.0, payload_t(MEDIUM, 51.6, 400.0)) == 2
