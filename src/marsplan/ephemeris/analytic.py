"""Approximate planetary states from Standish's Keplerian elements, with no kernel file.

The planets and the Earth-Moon barycentre come from E. M. Standish, "Keplerian
Elements for Approximate Positions of the Major Planets" (JPL Solar System
Dynamics, https://ssd.jpl.nasa.gov/planets/approx_pos.html; tables
``p_elem_t1.txt`` and ``p_elem_t2.txt``). The Moon comes from the low-precision
lunar series of Montenbruck & Pfleger, *Astronomy on the Personal Computer*
(Springer, 4th ed. 2000), routine MINI_MOON, with the distance series of
Montenbruck & Gill, *Satellite Orbits* (Springer 2000), Sect. 3.3.2.

Use it where a kernel is unwanted or unavailable, and where errors of a few
thousand km (inner planets) to a few million km (Saturn) are acceptable: quick
surveys, first guesses, plots. :class:`~marsplan.ephemeris.SPKEphemeris` (DE440)
is the reference everywhere else.
"""

from __future__ import annotations

import math

import numpy as np

from marsplan.constants import AU_KM, DAY_S, EMRAT, J2000_JD
from marsplan.errors import InputError
from marsplan.ephemeris.base import Ephemeris

_DAYS_PER_CENTURY = 36_525.0  # Julian century, the time unit of every table below
_ARCSEC_RAD = math.pi / 648_000.0

# Spans, as TDB Julian dates read with marsplan.time (proleptic Gregorian calendar).
JD_1800 = 2_378_496.5  # 1800-01-01T00:00: Table 1 starts ("1800 AD - 2050 AD")
JD_2051 = 2_470_172.5  # 2051-01-01T00:00: Table 1 ends, the year 2050 included
JD_3000_BC = 625_697.5  # -2999-01-01T00:00 (astronomical year -2999 = 3000 BC): Table 2 starts
JD_3000_AD = 2_816_787.5  # 3000-01-01T00:00: Table 2 ends ("3000 BC - 3000 AD")

# ---------------------------------------------------------------------------------
# Standish's tables, typed from JPL SSD p_elem_t1.txt / p_elem_t2.txt (same values
# as the tables on https://ssd.jpl.nasa.gov/planets/approx_pos.html). Per body: the
# elements at J2000 and their rates per Julian century, in the order
#   a [au], e [1], I [deg], L [deg], long.peri. varpi [deg], long.node Omega [deg]
# referred to the mean ecliptic and equinox of J2000. "EM Bary" is our "emb".
# ---------------------------------------------------------------------------------
# Table 1: valid 1800 AD - 2050 AD.
_TABLE_1 = {
    "mercury": ((0.38709927, 0.20563593, 7.00497902, 252.25032350, 77.45779628, 48.33076593),
                (0.00000037, 0.00001906, -0.00594749, 149472.67411175, 0.16047689, -0.12534081)),
    "venus": ((0.72333566, 0.00677672, 3.39467605, 181.97909950, 131.60246718, 76.67984255),
              (0.00000390, -0.00004107, -0.00078890, 58517.81538729, 0.00268329, -0.27769418)),
    "emb": ((1.00000261, 0.01671123, -0.00001531, 100.46457166, 102.93768193, 0.0),
            (0.00000562, -0.00004392, -0.01294668, 35999.37244981, 0.32327364, 0.0)),
    "mars": ((1.52371034, 0.09339410, 1.84969142, -4.55343205, -23.94362959, 49.55953891),
             (0.00001847, 0.00007882, -0.00813131, 19140.30268499, 0.44441088, -0.29257343)),
    "jupiter": ((5.20288700, 0.04838624, 1.30439695, 34.39644051, 14.72847983, 100.47390909),
                (-0.00011607, -0.00013253, -0.00183714, 3034.74612775, 0.21252668, 0.20469106)),
    "saturn": ((9.53667594, 0.05386179, 2.48599187, 49.95424423, 92.59887831, 113.66242448),
               (-0.00125060, -0.00050991, 0.00193609, 1222.49362201, -0.41897216, -0.28867794)),
    "uranus": ((19.18916464, 0.04725744, 0.77263783, 313.23810451, 170.95427630, 74.01692503),
               (-0.00196176, -0.00004397, -0.00242939, 428.48202785, 0.40805281, 0.04240589)),
    "neptune": ((30.06992276, 0.00859048, 1.77004347, -55.12002969, 44.96476227, 131.78422574),
                (0.00026291, 0.00005105, 0.00035372, 218.45945325, -0.32241464, -0.00508664)),
}

# Table 2a: valid 3000 BC - 3000 AD.
_TABLE_2A = {
    "mercury": ((0.38709843, 0.20563661, 7.00559432, 252.25166724, 77.45771895, 48.33961819),
                (0.00000000, 0.00002123, -0.00590158, 149472.67486623, 0.15940013, -0.12214182)),
    "venus": ((0.72332102, 0.00676399, 3.39777545, 181.97970850, 131.76755713, 76.67261496),
              (-0.00000026, -0.00005107, 0.00043494, 58517.81560260, 0.05679648, -0.27274174)),
    "emb": ((1.00000018, 0.01673163, -0.00054346, 100.46691572, 102.93005885, -5.11260389),
            (-0.00000003, -0.00003661, -0.01337178, 35999.37306329, 0.31795260, -0.24123856)),
    "mars": ((1.52371243, 0.09336511, 1.85181869, -4.56813164, -23.91744784, 49.71320984),
             (0.00000097, 0.00009149, -0.00724757, 19140.29934243, 0.45223625, -0.26852431)),
    "jupiter": ((5.20248019, 0.04853590, 1.29861416, 34.33479152, 14.27495244, 100.29282654),
                (-0.00002864, 0.00018026, -0.00322699, 3034.90371757, 0.18199196, 0.13024619)),
    "saturn": ((9.54149883, 0.05550825, 2.49424102, 50.07571329, 92.86136063, 113.63998702),
               (-0.00003065, -0.00032044, 0.00451969, 1222.11494724, 0.54179478, -0.25015002)),
    "uranus": ((19.18797948, 0.04685740, 0.77298127, 314.20276625, 172.43404441, 73.96250215),
               (-0.00020455, -0.00001550, -0.00180155, 428.49512595, 0.09266985, 0.05739699)),
    "neptune": ((30.06952752, 0.00895439, 1.77005520, 304.22289287, 46.68158724, 131.78635853),
                (0.00006447, 0.00000818, 0.00022400, 218.46515314, 0.01009938, -0.00606302)),
}

# Table 2b: terms added to the mean anomaly with Table 2a,
#   M += b T^2 + c cos(f T) + s sin(f T)     [deg; f in deg/century, T in centuries].
# Their periods, 360/f = 939 and 4,690 years, are those of the Jupiter-Saturn great
# inequality and the Uranus-Neptune near-resonance, which a mean longitude linear in
# time cannot follow over 6000 years.
_TABLE_2B = {  # b [deg/cy^2], c [deg], s [deg], f [deg/cy]
    "jupiter": (-0.00012452, 0.06064060, -0.35635438, 38.35125000),
    "saturn": (0.00025899, -0.13434469, 0.87320147, 38.35125000),
    "uranus": (0.00058331, -0.97731848, 0.17689245, 7.67025000),
    "neptune": (-0.00041348, 0.68346318, -0.10162547, 7.67025000),
}

# Standish's nominal errors (same page): heliocentric longitude [arcsec], latitude
# [arcsec], distance [1000 km], for Table 1 (1800-2050) and Table 2 (3000 BC-3000 AD).
# (The older version of the page labelled the two angles RA and Dec.)
STANDISH_ERRORS = {
    1: {"mercury": (15, 1, 1), "venus": (20, 1, 4), "emb": (20, 8, 6), "mars": (40, 2, 25),
        "jupiter": (400, 10, 600), "saturn": (600, 25, 1500), "uranus": (50, 2, 1000),
        "neptune": (10, 1, 200)},
    2: {"mercury": (20, 15, 1), "venus": (40, 30, 8), "emb": (40, 15, 15),
        "mars": (100, 40, 30), "jupiter": (600, 100, 1000), "saturn": (1000, 100, 4000),
        "uranus": (2000, 30, 8000), "neptune": (400, 15, 4000)},
}

_PLANETS = tuple(_TABLE_1)  # bodies the tables give directly


def _as_arrays(table):
    return {body: (np.array(el, dtype=np.float64), np.array(rate, dtype=np.float64))
            for body, (el, rate) in table.items()}


_T1, _T2A = _as_arrays(_TABLE_1), _as_arrays(_TABLE_2A)


def solve_kepler(mean_anomaly_rad, eccentricity, tol_rad: float = 1e-12, max_iter: int = 50):
    """Eccentric anomaly E from Kepler's equation ``E - e sin E = M``, vectorised.

    Newton's method, with M first reduced to [-pi, pi); it stops when every
    correction is below ``tol_rad``. For the planets (e < 0.25) that takes 3 to 5
    steps.

    Parameters
    ----------
    mean_anomaly_rad : array_like
        Mean anomaly, rad.
    eccentricity : array_like
        Eccentricity, 0 <= e < 1, broadcast against M.

    Returns
    -------
    numpy.ndarray
        E, rad, in [-pi, pi) up to the last correction.
    """
    m_rad = np.remainder(np.asarray(mean_anomaly_rad, dtype=np.float64) + np.pi,
                         2.0 * np.pi) - np.pi
    e = np.asarray(eccentricity, dtype=np.float64)
    bad = (e < 0.0) | (e >= 1.0) | ~np.isfinite(e)
    if np.any(bad):
        raise InputError(f"eccentricity: {e[bad].flat[0]} is not an ellipse's; "
                         "0 <= e < 1 is allowed")
    # Danby's start, E0 = M + 0.85 e sign(sin M): Newton converges from it for any e < 1.
    e_rad = m_rad + 0.85 * e * np.where(np.sin(m_rad) < 0.0, -1.0, 1.0)
    for _ in range(max_iter):
        step = (e_rad - e * np.sin(e_rad) - m_rad) / (1.0 - e * np.cos(e_rad))
        e_rad = e_rad - step
        if np.all(np.abs(step) < tol_rad):
            return e_rad
    raise ArithmeticError(f"Kepler's equation: no convergence to {tol_rad} rad "
                          f"in {max_iter} Newton steps")


def _elements(body: str, centuries: np.ndarray, long_table: bool):
    """Standish's elements at T (Julian centuries from J2000) and their rates.

    Returns two dicts of (N,) arrays, the elements and their time derivatives:
    ``a_km, e, i_rad, node_rad, argp_rad, m_rad`` and the same names with
    ``_per_s`` (km/s, 1/s, rad/s).
    """
    elements, rates = (_T2A if long_table else _T1)[body]
    t = centuries[:, None]
    a_au, e, i_deg, l_deg, varpi_deg, node_deg = (elements + rates * t).T
    m_deg = l_deg - varpi_deg
    m_rate_deg_cy = np.full_like(centuries, rates[3] - rates[4])
    if long_table and body in _TABLE_2B:
        b, c, s, f = _TABLE_2B[body]
        ft_rad = np.radians(f * centuries)
        m_deg = m_deg + b * centuries**2 + c * np.cos(ft_rad) + s * np.sin(ft_rad)
        m_rate_deg_cy = m_rate_deg_cy + 2.0 * b * centuries + np.radians(f) * (
            -c * np.sin(ft_rad) + s * np.cos(ft_rad))
    century_s = _DAYS_PER_CENTURY * DAY_S
    ones = np.ones_like(centuries)
    value = {"a_km": a_au * AU_KM, "e": e, "i_rad": np.radians(i_deg),
             "node_rad": np.radians(node_deg), "argp_rad": np.radians(varpi_deg - node_deg),
             "m_rad": np.radians(m_deg)}
    rate = {"a_km_per_s": ones * rates[0] * AU_KM / century_s,
            "e_per_s": ones * rates[1] / century_s,
            "i_rad_per_s": ones * np.radians(rates[2]) / century_s,
            "node_rad_per_s": ones * np.radians(rates[5]) / century_s,
            "argp_rad_per_s": ones * np.radians(rates[4] - rates[5]) / century_s,
            "m_rad_per_s": np.radians(m_rate_deg_cy) / century_s}
    return value, rate


def _kepler_state(value, rate):
    """Position (km) and velocity (km/s) in the elements' frame, (N, 3) each.

    The velocity is the exact time derivative of the position, every element's
    drift included. The mean anomaly's rate carries nearly all of it; the others
    (the turning of the apsides and the node, the drift of a, e and I) add up to
    ~0.6 m/s for Saturn and Uranus, whose perihelia turn by ~0.4 deg a century.
    """
    a_km, e, m_rad = value["a_km"], value["e"], value["m_rad"]
    a_dot, e_dot, m_dot = rate["a_km_per_s"], rate["e_per_s"], rate["m_rad_per_s"]
    ecc_anomaly = solve_kepler(m_rad, e)
    cos_e, sin_e = np.cos(ecc_anomaly), np.sin(ecc_anomaly)
    root = np.sqrt(1.0 - e * e)
    # Perifocal frame: x to perihelion, y 90 deg ahead in the direction of motion.
    x_km, y_km = a_km * (cos_e - e), a_km * root * sin_e
    # d/dt of E - e sin E = M gives dE/dt; then differentiate x and y in a, e, E.
    ecc_rate = (m_dot + e_dot * sin_e) / (1.0 - e * cos_e)
    vx_kms = a_dot * (cos_e - e) - a_km * (sin_e * ecc_rate + e_dot)
    vy_kms = (a_dot * root * sin_e + a_km * (-e * e_dot / root) * sin_e
              + a_km * root * cos_e * ecc_rate)

    cw, sw = np.cos(value["argp_rad"]), np.sin(value["argp_rad"])
    cn, sn = np.cos(value["node_rad"]), np.sin(value["node_rad"])
    ci, si = np.cos(value["i_rad"]), np.sin(value["i_rad"])
    # Columns P and Q of R3(-node) R1(-i) R3(-argp): perihelion and its normal in-plane.
    p_hat = np.stack([cw * cn - sw * sn * ci, cw * sn + sw * cn * ci, sw * si], axis=-1)
    q_hat = np.stack([-sw * cn - cw * sn * ci, -sw * sn + cw * cn * ci, cw * si], axis=-1)
    r_km = x_km[:, None] * p_hat + y_km[:, None] * q_hat
    # The turning frame: node rate about the ecliptic pole, inclination rate about the
    # line of nodes, argument-of-perihelion rate about the orbit's pole.
    zero = np.zeros_like(cn)
    spin_rads = (rate["node_rad_per_s"][:, None] * np.stack([zero, zero, zero + 1.0], -1)
                 + rate["i_rad_per_s"][:, None] * np.stack([cn, sn, zero], -1)
                 + rate["argp_rad_per_s"][:, None] * np.stack([si * sn, -si * cn, ci], -1))
    v_kms = (vx_kms[:, None] * p_hat + vy_kms[:, None] * q_hat
             + np.cross(spin_rads, r_km))
    return r_km, v_kms


# ---------------------------------------------------------------------------------
# The Moon: Montenbruck & Pfleger (MINI_MOON) longitude and latitude, Montenbruck &
# Gill (Sect. 3.3.2) distance. Fundamental arguments in revolutions at J2000 and
# revolutions per Julian century:
#   L0 mean longitude of the Moon (mean equinox of date), l its mean anomaly,
#   l' the Sun's mean anomaly, D the mean elongation Moon - Sun, F the mean
#   argument of latitude (Moon - node).
# Each periodic term is (coefficient, multiples of l, l', F, D).
# ---------------------------------------------------------------------------------
_MOON_ARGS_REV = {  # (value at J2000, rate per century), rev
    "L0": (0.606433, 1336.855225),
    "l": (0.374897, 1325.552410),
    "lp": (0.993133, 99.997361),
    "D": (0.827361, 1236.853086),
    "F": (0.259086, 1342.227825),
}
_MOON_LONGITUDE_ARCSEC = (  # sin terms of the longitude perturbation dL, arcsec
    (22640.0, 1, 0, 0, 0), (-4586.0, 1, 0, 0, -2), (2370.0, 0, 0, 0, 2),
    (769.0, 2, 0, 0, 0), (-668.0, 0, 1, 0, 0), (-412.0, 0, 0, 2, 0),
    (-212.0, 2, 0, 0, -2), (-206.0, 1, 1, 0, -2), (192.0, 1, 0, 0, 2),
    (-165.0, 0, 1, 0, -2), (-125.0, 0, 0, 0, 1), (-110.0, 1, 1, 0, 0),
    (148.0, 1, -1, 0, 0), (-55.0, 0, 0, 2, -2),
)
_MOON_LATITUDE_ARCSEC = (  # sin terms of N, arcsec (h = F - 2D expanded)
    (-526.0, 0, 0, 1, -2), (44.0, 1, 0, 1, -2), (-31.0, -1, 0, 1, -2),
    (-23.0, 0, 1, 1, -2), (11.0, 0, -1, 1, -2), (-25.0, -2, 0, 1, 0), (21.0, -1, 0, 1, 0),
)
_MOON_DISTANCE_KM = (  # cos terms of the distance, km, about a mean of 385000 km
    (-20905.0, 1, 0, 0, 0), (-3699.0, -1, 0, 0, 2), (-2956.0, 0, 0, 0, 2),
    (-570.0, 2, 0, 0, 0), (246.0, 2, 0, 0, -2), (-205.0, 0, 1, 0, -2),
    (-171.0, 1, 0, 0, 2), (-152.0, 1, 1, 0, -2),
)
_MOON_MEAN_DISTANCE_KM = 385_000.0
# Central differences over +-1/256 day (337.5 s, exact in float64 JDs): the truncation,
# h^2/6 |d3r/dt3| ~ h^2 r n^3 / 6, is ~0.15 mm/s; the series' rounding (~4e-7 km in
# position) adds ~1e-6 m/s.
_MOON_DERIVATIVE_STEP_DAYS = 1.0 / 256.0


def _series(terms, args, trig):
    total = 0.0
    for coefficient, n_l, n_lp, n_f, n_d in terms:
        total = total + coefficient * trig(n_l * args["l"] + n_lp * args["lp"]
                                           + n_f * args["F"] + n_d * args["D"])
    return total


def _ecliptic_of_date_to_j2000(centuries):
    """(N, 3, 3) rotations from the mean ecliptic and equinox of date to ecliptic J2000.

    IAU 2006 precession (Capitaine, Wallace & Chapront 2003, A&A 412, 567; the P03
    series as in SOFA ``iauP06e``), to T^2: p_A general precession in longitude,
    pi_A the tilt of the ecliptic of date on the J2000 ecliptic, Pi_A the J2000
    longitude of its ascending node. x_J2000 = R3(-Pi_A) R1(-pi_A) R3(Pi_A + p_A) x_date.
    """
    t = centuries
    p_rad = (5028.796195 * t + 1.1054348 * t**2) * _ARCSEC_RAD
    tilt_rad = (46.998973 * t - 0.0334926 * t**2) * _ARCSEC_RAD
    node_rad = (629546.7936 - 867.95758 * t + 0.157992 * t**2) * _ARCSEC_RAD

    def r3(angle):  # frame rotation about z by angle
        c, s = np.cos(angle), np.sin(angle)
        o, z = np.ones_like(angle), np.zeros_like(angle)
        return np.stack([np.stack([c, s, z], -1), np.stack([-s, c, z], -1),
                         np.stack([z, z, o], -1)], -2)

    def r1(angle):  # frame rotation about x by angle
        c, s = np.cos(angle), np.sin(angle)
        o, z = np.ones_like(angle), np.zeros_like(angle)
        return np.stack([np.stack([o, z, z], -1), np.stack([z, c, s], -1),
                         np.stack([z, -s, c], -1)], -2)

    return r3(-node_rad) @ r1(-tilt_rad) @ r3(node_rad + p_rad)


def moon_geocentric_km(jd_tdb) -> np.ndarray:
    """Geocentric Moon, (N, 3) km, ecliptic J2000, from the low-precision series.

    The series gives the longitude and latitude on the mean ecliptic and equinox
    of date; they are precessed to J2000 with :func:`_ecliptic_of_date_to_j2000`.
    Montenbruck & Pfleger give the series' accuracy as about 5' in right
    ascension and 1' in declination. Measured against DE440 over 1800-2050 the
    direction is within 5.4', the distance within 490 km, the position within
    570 km and the velocity (central differences) within 2.6 m/s. The arguments
    are linear in time, so the error grows with the square of the time from J2000:
    ~650 km in 1550, ~1,000 km in 2650 (measured), and an estimated ~25,000 km by
    3000 BC, where the mean longitude's T^2 term (-0.0016 deg per century^2,
    left out) reaches 4 deg. The ecliptic precession is IAU 2006 to T^2.
    """
    jd = np.asarray(jd_tdb, dtype=np.float64).reshape(-1)
    t = (jd - J2000_JD) / _DAYS_PER_CENTURY
    args = {name: 2.0 * np.pi * np.remainder(v0 + rate * t, 1.0)
            for name, (v0, rate) in _MOON_ARGS_REV.items()}
    dl_arcsec = _series(_MOON_LONGITUDE_ARCSEC, args, np.sin)
    longitude_rad = args["L0"] + dl_arcsec * _ARCSEC_RAD
    s_rad = args["F"] + (dl_arcsec + 412.0 * np.sin(2.0 * args["F"])
                         + 541.0 * np.sin(args["lp"])) * _ARCSEC_RAD
    latitude_rad = (18520.0 * np.sin(s_rad)
                    + _series(_MOON_LATITUDE_ARCSEC, args, np.sin)) * _ARCSEC_RAD
    distance_km = _MOON_MEAN_DISTANCE_KM + _series(_MOON_DISTANCE_KM, args, np.cos)
    cos_b = np.cos(latitude_rad)
    r_of_date_km = distance_km[:, None] * np.stack(
        [cos_b * np.cos(longitude_rad), cos_b * np.sin(longitude_rad), np.sin(latitude_rad)],
        axis=-1)
    return np.einsum("nij,nj->ni", _ecliptic_of_date_to_j2000(t), r_of_date_km)


def _moon_geocentric_state(jd_tdb: np.ndarray):
    """Geocentric Moon position (km) and velocity (km/s) by central differences."""
    r_km = moon_geocentric_km(jd_tdb)
    jd_plus = jd_tdb + _MOON_DERIVATIVE_STEP_DAYS
    jd_minus = jd_tdb - _MOON_DERIVATIVE_STEP_DAYS
    step_s = ((jd_plus - jd_minus) * DAY_S)[:, None]  # the step float64 really took
    v_kms = (moon_geocentric_km(jd_plus) - moon_geocentric_km(jd_minus)) / step_s
    return r_km, v_kms


class AnalyticEphemeris(Ephemeris):
    """Heliocentric states from Standish's approximate Keplerian elements, no kernel.

    Planets and the Earth-Moon barycentre (``emb``) follow E. M. Standish,
    "Keplerian Elements for Approximate Positions of the Major Planets" (JPL SSD,
    https://ssd.jpl.nasa.gov/planets/approx_pos.html): elements linear in time,
    Kepler's equation solved by Newton's method to 1e-12 rad, velocity the
    analytic derivative of the position. Table 1 holds for 1800-2050,
    Table 2 (with its extra b, c, s, f terms for Jupiter to Neptune) for 3000 BC
    to 3000 AD (nominal errors below). The Moon is the low-precision series of
    Montenbruck & Pfleger (MINI_MOON) with Montenbruck & Gill's distance series,
    precessed from the ecliptic of date to J2000 (IAU 2006); then
    ``earth = emb - moon_geocentric / (1 + EMRAT)`` and
    ``moon = earth + moon_geocentric``. Jupiter to Neptune are their system
    barycentres, as in DE440. All dates are TDB.

    Standish's nominal errors in heliocentric longitude, latitude (arcsec) and
    distance (1000 km):

    =========  =================  ======================
    body       Table 1 1800-2050  Table 2 3000 BC-3000 AD
    =========  =================  ======================
    mercury    15, 1, 1           20, 15, 1
    venus      20, 1, 4           40, 30, 8
    emb        20, 8, 6           40, 15, 15
    mars       40, 2, 25          100, 40, 30
    jupiter    400, 10, 600       600, 100, 1000
    saturn     600, 25, 1500      1000, 100, 4000
    uranus     50, 2, 1000        2000, 30, 8000
    neptune    10, 1, 200         400, 15, 4000
    =========  =================  ======================

    Against DE440 (tests/ephemeris/test_analytic.py) the largest heliocentric
    errors are, Table 1 over 1800-2050 | Table 2 over 1550-1799 and 2051-2650:

    =========  ===================  ===================
    body       position, velocity   position, velocity
    =========  ===================  ===================
    mercury    6,800 km, 6 m/s      7,800 km, 7 m/s
    venus      15,000 km, 4 m/s     34,000 km, 9 m/s
    emb        19,000 km, 3 m/s     36,000 km, 5 m/s
    earth      19,000 km, 3 m/s     36,000 km, 5 m/s
    moon       19,000 km, 4 m/s     36,000 km, 7 m/s
    mars       0.10 Mkm, 8 m/s      0.19 Mkm, 17 m/s
    jupiter    1.9 Mkm, 23 m/s      2.6 Mkm, 34 m/s
    saturn     5.0 Mkm, 39 m/s      9.7 Mkm, 52 m/s
    uranus     2.5 Mkm, 18 m/s      16 Mkm, 40 m/s
    neptune    1.6 Mkm, 16 m/s      7.6 Mkm, 21 m/s
    =========  ===================  ===================

    Peaks reach about twice Standish's nominal figures (the planets' mutual
    periodic perturbations, which no Keplerian orbit holds); RMS errors stay
    within them. For Uranus and Neptune add the Sun's ~1.3 million km wobble about
    the solar-system barycentre, which Standish's figures leave out. The Earth
    and the Moon inherit the EMB's error; the lunar series adds ~7 km to the
    Earth and up to ~600 km to the Moon (see :func:`moon_geocentric_km`).
    Planet and EMB velocities are the exact time derivatives of the model's
    positions; the Moon's are central differences of the series.

    Parameters
    ----------
    table : {"auto", 1, 2}
        ``"auto"`` (default) uses Table 1 for dates in 1800-2050 and Table 2 from
        3000 BC to 1799 and from 2051 to 3000 AD; the two tables disagree by up to
        their stated errors, so states jump by that much at 1800 and 2051. ``1``
        or ``2`` forces one table everywhere, and the coverage shrinks to that
        table's years for ``1``.

    Raises
    ------
    EphemerisRangeError
        (from :meth:`state`) for a date outside the coverage.

    Examples
    --------
    >>> eph = AnalyticEphemeris()
    >>> r_km, v_kms = eph.state("mars", "2033-04-01")
    """

    name = "Standish approximate elements"

    def __init__(self, table="auto"):
        if isinstance(table, bool) or not isinstance(table, (str, int)) or table not in (
                "auto", 1, 2):
            raise InputError(f"table: {table!r} is not one of 'auto', 1 (1800-2050) "
                             "or 2 (3000 BC-3000 AD)")
        self.table = table
        if table != "auto":
            self.name = f"Standish approximate elements (Table {table})"

    def coverage_jd(self, body: str) -> tuple[float, float]:
        """1800-01-01 to 2051-01-01 with Table 1, else 3000 BC to 3000-01-01 (TDB)."""
        self.check_body(body)
        if self.table == 1:
            return (JD_1800, JD_2051)
        return (JD_3000_BC, JD_3000_AD)

    def _uses_table_2(self, jd_tdb: np.ndarray) -> np.ndarray:
        if self.table == "auto":
            return (jd_tdb < JD_1800) | (jd_tdb >= JD_2051)
        return np.full(jd_tdb.shape, self.table == 2)

    def _planet_state(self, body: str, jd_tdb: np.ndarray):
        centuries = (jd_tdb - J2000_JD) / _DAYS_PER_CENTURY
        r_km = np.empty((jd_tdb.size, 3))
        v_kms = np.empty((jd_tdb.size, 3))
        long_table = self._uses_table_2(jd_tdb)
        for use_table_2 in (False, True):
            rows = long_table == use_table_2
            if rows.any():
                r_km[rows], v_kms[rows] = _kepler_state(
                    *_elements(body, centuries[rows], use_table_2))
        return r_km, v_kms

    def _state_ecliptic(self, body: str, jd_tdb: np.ndarray):
        jd_tdb = np.asarray(jd_tdb, dtype=np.float64).reshape(-1)
        if body in _PLANETS:
            return self._planet_state(body, jd_tdb)
        r_emb_km, v_emb_kms = self._planet_state("emb", jd_tdb)
        r_moon_km, v_moon_kms = _moon_geocentric_state(jd_tdb)
        # The EMB divides the Earth-Moon line in the ratio of the masses.
        r_earth_km = r_emb_km - r_moon_km / (1.0 + EMRAT)
        v_earth_kms = v_emb_kms - v_moon_kms / (1.0 + EMRAT)
        if body == "earth":
            return r_earth_km, v_earth_kms
        if body == "moon":
            return r_earth_km + r_moon_km, v_earth_kms + v_moon_kms
        raise AssertionError(f"no analytic model for {body!r}")  # check_body prevents this
