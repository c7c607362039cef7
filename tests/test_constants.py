"""Tests for marsplan.constants against their published sources."""

from __future__ import annotations

import math

import numpy as np
import pytest

from marsplan import constants as c

# DE440 header constant EMRAT (Earth/Moon mass ratio), as printed in the DE440
# ASCII header (ssd.jpl.nasa.gov/ftp/eph/planets/ascii/de440/header.440) and in
# Park et al. 2021 (AJ 161:105), Table 8.
DE440_EMRAT = 81.3005682214972


def test_emrat_matches_de440():
    # marsplan derives EMRAT from the two rounded GMs (6 decimals of km^3/s^2,
    # i.e. ~1e-12 relative on GM_EARTH, ~1e-10 on GM_MOON), so the ratio can
    # only match DE440's EMRAT to ~1e-10 relative: 1e-9 is the honest bound.
    assert c.EMRAT == pytest.approx(DE440_EMRAT, rel=1e-9)


def test_gm_emb_is_earth_plus_moon():
    assert c.GM_EMB_KM3S2 == c.GM_EARTH_KM3S2 + c.GM_MOON_KM3S2
    assert c.GM_KM3S2["emb"] == c.GM_EARTH_KM3S2 + c.GM_MOON_KM3S2
    # And the split follows EMRAT: GM_moon = GM_emb / (1 + EMRAT).
    assert c.GM_MOON_KM3S2 == pytest.approx(c.GM_EMB_KM3S2 / (1 + DE440_EMRAT), rel=1e-9)


def test_gm_table_matches_named_constants():
    named = {
        "sun": c.GM_SUN_KM3S2, "mercury": c.GM_MERCURY_KM3S2, "venus": c.GM_VENUS_KM3S2,
        "earth": c.GM_EARTH_KM3S2, "moon": c.GM_MOON_KM3S2, "emb": c.GM_EMB_KM3S2,
        "mars": c.GM_MARS_KM3S2, "jupiter": c.GM_JUPITER_KM3S2,
        "saturn": c.GM_SATURN_KM3S2, "uranus": c.GM_URANUS_KM3S2,
        "neptune": c.GM_NEPTUNE_KM3S2,
    }
    assert c.GM_KM3S2 == named


def test_gm_sun_is_de440():
    # DE440 GM_sun = 132712440041.279419 km^3/s^2 (Park et al. 2021, Table 8).
    assert c.GM_SUN_KM3S2 == 132_712_440_041.279419


def test_gm_sun_from_keplers_third_law_on_the_de440_emb_orbit():
    """n^2 a^3 = GM_sun + GM_emb for the EMB's heliocentric orbit in DE440.

    The sidereal period T is the time the EMB takes to return to its ecliptic
    longitude of J2000 (interpolated between 6-hour samples: the angular rate
    changes by <0.1 % over 6 h, so the crossing time is good to seconds); a is
    the mean of the least and greatest distance over that revolution. The
    planets perturb the heliocentric EMB orbit at the 1e-5 level (Venus at
    0.28 AU pulls with ~3e-5 of the Sun's force), so the law holds to ~1e-5:
    measured 1.4e-5 relative (T = 365.2569 d, a = 1.0000056 AU). The bound,
    1e-4, is a few times that; it would catch a GM_sun wrong in its 5th digit.
    GM_emb itself is 3e-6 of GM_sun, below this test's resolution.
    """
    from marsplan.ephemeris import default_ephemeris

    jd = c.J2000_JD + np.arange(0.0, 400.0, 0.25)
    r_km, _ = default_ephemeris().state_jd("emb", jd)
    longitude = np.unwrap(np.arctan2(r_km[:, 1], r_km[:, 0]))
    period_days = np.interp(longitude[0] + 2 * np.pi, longitude, jd) - jd[0]
    one_revolution = jd < jd[0] + period_days
    distance_km = np.linalg.norm(r_km[one_revolution], axis=1)
    a_km = 0.5 * (distance_km.min() + distance_km.max())
    n_rad_s = 2 * np.pi / (period_days * c.DAY_S)
    mu_km3s2 = n_rad_s**2 * a_km**3
    assert period_days == pytest.approx(365.256363, abs=0.01)  # sidereal year
    assert mu_km3s2 == pytest.approx(c.GM_SUN_KM3S2 + c.GM_EMB_KM3S2, rel=1e-4)


def test_obliquity_j2000():
    # The ecliptic J2000 frame of JPL Horizons ("IAU76/J2000") and of marsplan
    # (docs/design.md, "Frames, time, units") uses the IAU 1976 obliquity 84381.448"
    # = 23.439291111 deg (Lieske et al. 1977); IAU 2006 revised it to 84381.406".
    assert c.OBLIQUITY_J2000_ARCSEC == 84_381.448
    assert math.degrees(c.OBLIQUITY_J2000_RAD) == pytest.approx(23.4392911111, abs=1e-10)
    assert c.OBLIQUITY_J2000_RAD == pytest.approx(84_381.448 * math.pi / 648_000, rel=1e-15)


def test_exact_units():
    assert c.AU_KM == 149_597_870.7  # IAU 2012 B2
    assert c.DAY_S == 86_400.0
    assert c.JULIAN_YEAR_DAYS == 365.25
    assert c.J2000_JD == 2_451_545.0


@pytest.mark.parametrize("body", sorted(c.EQUATORIAL_RADIUS_KM))
def test_radii_sanity(body):
    # An oblate body's mean radius lies between its polar and equatorial radii.
    assert set(c.MEAN_RADIUS_KM) == set(c.EQUATORIAL_RADIUS_KM)
    mean_km, equatorial_km = c.MEAN_RADIUS_KM[body], c.EQUATORIAL_RADIUS_KM[body]
    assert 0 < mean_km <= equatorial_km
    # No solar-system body here is flatter than Saturn (f = 0.098): the mean
    # radius is within 5 % of the equatorial one (Saturn: 3.4 %).
    assert mean_km >= 0.95 * equatorial_km


def test_radii_known_values():
    # IAU WGCCRE 2015 (Archinal et al. 2018, Table 5).
    assert c.EQUATORIAL_RADIUS_KM["earth"] == 6_378.1366
    assert c.MEAN_RADIUS_KM["earth"] == 6_371.0084
    assert c.EQUATORIAL_RADIUS_KM["mars"] == 3_396.19
    assert c.MEAN_RADIUS_KM["mars"] == 3_389.50
    # IAU 2015 Resolution B3 nominal solar radius.
    assert c.EQUATORIAL_RADIUS_KM["sun"] == 695_700.0

