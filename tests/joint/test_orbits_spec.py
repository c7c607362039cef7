"""The scenario's [orbits] table becomes the one Orbits value, with its defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from marsplan.joint.scenario import OrbitsSpec
from marsplan.transfer.maneuvers import DEFAULT_ORBITS, Orbit, Orbits


def test_an_empty_table_gives_the_default_orbits():
    assert OrbitsSpec().value() == DEFAULT_ORBITS


def test_the_table_sets_departure_and_mars_capture():
    spec = OrbitsSpec(leo_altitude_km=407.0, mars_periapsis_alt_km=300.0,
                      mars_apoapsis_alt_km=5000.0)
    assert spec.value() == Orbits(departure=Orbit.circular(407.0),
                                  mars_capture=Orbit(300.0, 5000.0),
                                  earth_capture=DEFAULT_ORBITS.earth_capture)


def test_apoapsis_below_periapsis_is_refused_naming_both_fields():
    with pytest.raises(ValidationError, match="mars_apoapsis_alt_km 200 is below "
                                              "mars_periapsis_alt_km 250"):
        OrbitsSpec(mars_periapsis_alt_km=250.0, mars_apoapsis_alt_km=200.0)
