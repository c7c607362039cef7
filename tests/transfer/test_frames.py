"""Asymptote frames: IAU 2006 precession against ERFA, pole frames, known directions."""

from __future__ import annotations

import math

import erfa
import numpy as np
import pytest
from numpy.testing import assert_allclose

from marsplan import InputError
from marsplan.time import to_jd_tdb
from marsplan.transfer.porkchop import porkchop
from marsplan.transfer.frames import (
    asymptote_angles,
    equator_matrix,
    pole_frame,
    precession_matrix,
)

J2000_JD = 2_451_545.0
# Ecliptic J2000 = ICRF rotated about x by the IAU 1976 obliquity 84381.448"
# (docs/design.md), written out here rather than taken from marsplan.
_EPS = math.radians(84_381.448 / 3600.0)
ICRF_TO_ECLIPTIC = np.array([[1.0, 0.0, 0.0],
                             [0.0, math.cos(_EPS), math.sin(_EPS)],
                             [0.0, -math.sin(_EPS), math.cos(_EPS)]])
# Mars's north pole at J2000 as docs/design.md states it (IAU WGCCRE), deg.
MARS_POLE_RA_DEG, MARS_POLE_DEC_DEG = 317.681, 52.887


def _unit(ra_deg, dec_deg):
    a, d = np.radians(ra_deg), np.radians(dec_deg)
    return np.stack([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)], -1)


def test_precession_matches_erfa_bp06_1900_to_2100():
    # ERFA (SOFA) eraBp06 returns (frame bias, precession, both); [1] is the IAU
    # 2006 precession matrix alone, J2000 mean equator to mean of date, which is
    # what marsplan's P is (it ignores the ~20 mas frame bias). Same
    # polynomials, different arithmetic: measured 2.4e-12 over 1900-2100, so
    # 1e-11 (2 microarcseconds) is float64 rounding and nothing more.
    jd = np.linspace(to_jd_tdb("1900-01-01"), to_jd_tdb("2100-12-31"), 401)
    ours = precession_matrix(jd)
    theirs = erfa.bp06(jd, np.zeros_like(jd))[1]
    assert ours.shape == (401, 3, 3)
    assert_allclose(ours, theirs, rtol=0, atol=1e-11)
    assert_allclose(precession_matrix(J2000_JD), np.eye(3), atol=1e-11)


@pytest.mark.parametrize("body", ["earth", "emb"])
def test_earth_eme2000_frame_is_the_ecliptic_to_icrf_rotation(body):
    jd = np.array([to_jd_tdb("2026-01-01"), to_jd_tdb("2046-12-31")])
    matrix = equator_matrix(body, jd, "eme2000")
    assert matrix.shape == (2, 3, 3)
    # The EME2000 frame does not depend on the date: both are the inverse
    # (transpose) of the hand-built rotation, to float64 rounding.
    assert_allclose(matrix, np.broadcast_to(ICRF_TO_ECLIPTIC.T, (2, 3, 3)), rtol=0, atol=1e-15)


def test_earth_mean_of_date_frame_is_erfa_precession_after_the_rotation():
    jd = np.array([to_jd_tdb("2033-04-16"), to_jd_tdb("2045-12-01")])
    expected = erfa.bp06(jd, np.zeros_like(jd))[1] @ ICRF_TO_ECLIPTIC.T
    assert_allclose(equator_matrix("earth", jd, "mean-of-date"), expected, rtol=0, atol=1e-11)


def test_icrf_axes_have_their_known_asymptote_angles():
    matrix = equator_matrix("earth", to_jd_tdb("2033-04-16"))
    # Along the ICRF z axis (the J2000 celestial pole): DLA 90. arcsin near 1
    # loses half the digits: a 1e-16 error in sin(DLA) is ~1e-6 deg.
    _, dec = asymptote_angles(ICRF_TO_ECLIPTIC @ [0.0, 0.0, 1.0], matrix)
    assert dec == pytest.approx(90.0, abs=1e-6)
    # Along x (the equinox): RLA 0, DLA 0; along y: RLA 90; along -x: 180.
    for axis, rla in (([1.0, 0.0, 0.0], 0.0), ([0.0, 1.0, 0.0], 90.0), ([-1.0, 0.0, 0.0], 180.0)):
        ra, dec = asymptote_angles(ICRF_TO_ECLIPTIC @ axis, matrix)
        assert ra == pytest.approx(rla, abs=1e-12) and dec == pytest.approx(0.0, abs=1e-12)
    # The ecliptic pole sits at RA 270 deg (18h), Dec 90 - obliquity.
    ra, dec = asymptote_angles(np.array([0.0, 0.0, 1.0]), matrix)
    assert ra == pytest.approx(270.0, abs=1e-12)
    assert dec == pytest.approx(90.0 - 84_381.448 / 3600.0, abs=1e-12)


def test_rotated_vector_gives_back_its_angles_in_eme2000_and_of_date():
    # Known (RA, Dec) in the ICRF, rotated into ecliptic J2000 by hand: the
    # EME2000 angles are the same numbers; the mean-of-date angles are ERFA's
    # precession of the same direction (eraRxp then eraC2s). Rounding of two
    # 3x3 products and atan2/asin: 1e-10 deg is ~100 ulps of headroom.
    rng = np.random.default_rng(1)
    ra = rng.uniform(0.0, 360.0, 200)
    dec = rng.uniform(-80.0, 80.0, 200)
    vinf = 3.0 * _unit(ra, dec) @ ICRF_TO_ECLIPTIC.T  # km/s, any length will do
    jd = to_jd_tdb("2039-10-02")
    got_ra, got_dec = asymptote_angles(vinf, equator_matrix("earth", jd, "eme2000"))
    assert_allclose(got_dec, dec, atol=1e-10)
    assert_allclose((got_ra - ra + 180.0) % 360.0 - 180.0, 0.0, atol=1e-10)

    p = erfa.bp06(jd, 0.0)[1]
    erfa_ra, erfa_dec = erfa.c2s(erfa.rxp(p, _unit(ra, dec)))
    got_ra, got_dec = asymptote_angles(vinf, equator_matrix("earth", jd, "mean-of-date"))
    assert_allclose(got_dec, np.degrees(erfa_dec), atol=1e-9)
    assert_allclose((got_ra - np.degrees(erfa_ra) + 180.0) % 360.0 - 180.0, 0.0, atol=1e-9)


@pytest.mark.parametrize("angles", ["eme2000", "mean-of-date"])
def test_mars_pole_is_declination_90_in_the_mars_frame(angles):
    # At J2000 the mean-of-date pole is the J2000 pole. docs/design.md prints the
    # pole to 0.001 deg (marsplan uses the IAU 317.68143, 52.88650): the
    # rounding moves it by at most ~0.0007 deg on the sky, hence 0.001.
    matrix = equator_matrix("mars", J2000_JD, angles)
    pole = ICRF_TO_ECLIPTIC @ _unit(MARS_POLE_RA_DEG, MARS_POLE_DEC_DEG)
    _, dec = asymptote_angles(pole, matrix)
    assert dec == pytest.approx(90.0, abs=1e-3)
    # The x axis is the ascending node of Mars's equator on the ICRF equator,
    # at RA0 + 90 deg (IAU convention): there RA and Dec in the Mars frame are 0.
    node = ICRF_TO_ECLIPTIC @ _unit(MARS_POLE_RA_DEG + 90.0, 0.0)
    ra, dec = asymptote_angles(node, matrix)
    assert (ra + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-3)
    assert dec == pytest.approx(0.0, abs=1e-3)


def test_pole_frame_is_a_right_handed_rotation():
    frames = pole_frame(np.array([317.681, 40.0, 268.0]), np.array([52.887, -10.0, 64.5]))
    assert_allclose(frames @ np.swapaxes(frames, -1, -2), np.broadcast_to(np.eye(3), (3, 3, 3)),
                    atol=1e-15)
    assert_allclose(np.linalg.det(frames), 1.0, atol=1e-15)


def test_mean_of_date_differs_from_eme2000_as_precession_says_2026_2046():
    # Every Earth-Mars leg with C3 below 30 km^2/s^2 launched 2026-2046, both
    # angle conventions. First-order precession (Meeus, Astronomical
    # Algorithms, eq. 21.1): dDec = n cos(RA) T, dRA = (m + n sin(RA) tan(Dec)) T,
    # m = 46.1244"/yr, n = 20.0431"/yr at J2000, T in years, RA and Dec taken
    # midway. Left out: the rates' drift (~0.6") and terms of second order in
    # the ~0.6 deg shift (~1e-4 rad): measured 4e-5 deg in DLA, 9e-5 in RLA for
    # |DLA| < 60, so 5e-4 deg.
    kw = dict(launch=("2026-01-01", "2046-12-31"), tof_days=(120, 450), step_days=4)
    eme = porkchop("emb", "mars", angles="eme2000", **kw)
    mod = porkchop("emb", "mars", angles="mean-of-date", **kw)
    d_dla = mod.dla_deg - eme.dla_deg
    d_rla = (mod.rla_deg - eme.rla_deg + 180.0) % 360.0 - 180.0
    years = ((eme.launch_jd_tdb - J2000_JD) / 365.25)[:, None]
    ra = np.radians(eme.rla_deg + d_rla / 2)
    dec = np.radians(eme.dla_deg + d_dla / 2)
    m_deg, n_deg = 46.1244 / 3600.0, 20.0431 / 3600.0
    real = (eme.c3_km2s2 < 30.0) & (np.abs(eme.dla_deg) < 60.0)
    assert real.sum() > 10_000
    assert_allclose(d_dla[real], (n_deg * np.cos(ra) * years)[real], atol=5e-4)
    assert_allclose(d_rla[real], ((m_deg + n_deg * np.sin(ra) * np.tan(dec)) * years)[real],
                    atol=5e-4)
    # docs/design.md: "up to ~0.3 deg in DLA and ~0.8 deg in RLA". The DLA bound is
    # n T <= 0.262 deg by 2046-12-31; measured 0.259. An RLA grows as tan(DLA),
    # so DESIGN's 0.8 is for asymptotes within ~40 deg of the equator:
    # m T + n T tan(40 deg) = 0.82 deg; measured 0.80.
    assert 0.2 < np.nanmax(np.abs(d_dla[eme.c3_km2s2 < 30.0])) < 0.3
    low = (eme.c3_km2s2 < 30.0) & (np.abs(eme.dla_deg) < 40.0)
    assert 0.6 < np.max(np.abs(d_rla[low])) < 0.9


def test_unknown_angles_and_unknown_pole():
    with pytest.raises(InputError, match="angles: 'b1950' is not one of"):
        equator_matrix("earth", J2000_JD, "b1950")
    with pytest.raises(InputError, match="no pole orientation for 'pluto'; known: earth, emb"):
        equator_matrix("pluto", J2000_JD)
