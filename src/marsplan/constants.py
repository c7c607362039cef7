"""Physical constants, in km, s, km^3/s^2, with their sources.

GM values are those integrated in JPL DE440 (Park, Folkner, Williams & Boggs,
"The JPL Planetary and Lunar Ephemerides DE440 and DE441", AJ 161:105, 2021,
Table 8; also JPL SSD "Astrodynamic Parameters"). For Mars through Neptune the
GM is that of the planet *system* (planet plus moons), which is what a
heliocentric two-body model and a patched conic far from the moons see.
Radii are the IAU WGCCRE 2015 values (Archinal et al., Celest. Mech. Dyn.
Astr. 130:22, 2018) and the IAU 2015 B3 nominal solar radius.
"""

from __future__ import annotations

import math

AU_KM = 149_597_870.7  # IAU 2012 Resolution B2 (exact)
DAY_S = 86_400.0  # s per day (exact)
JULIAN_YEAR_DAYS = 365.25  # exact
J2000_JD = 2_451_545.0  # 2000-01-01T12:00:00 TDB

# Mean obliquity of the ecliptic at J2000: IAU 1976 (Lieske et al. 1977), the
# value that defines the "ecliptic J2000" frame used throughout marsplan and by
# JPL Horizons ("IAU76/J2000"). IAU 2006 (Hilton et al. 2006) revised it to 84381.406.
OBLIQUITY_J2000_ARCSEC = 84_381.448
OBLIQUITY_J2000_RAD = math.radians(OBLIQUITY_J2000_ARCSEC / 3600.0)

# GM, km^3/s^2 -- DE440 (Park et al. 2021, Table 8).
GM_SUN_KM3S2 = 132_712_440_041.279419
GM_MERCURY_KM3S2 = 22_031.868551
GM_VENUS_KM3S2 = 324_858.592000
GM_EARTH_KM3S2 = 398_600.435507
GM_MOON_KM3S2 = 4_902.800118
GM_EMB_KM3S2 = GM_EARTH_KM3S2 + GM_MOON_KM3S2  # Earth-Moon system
GM_MARS_KM3S2 = 42_828.375816  # Mars system
GM_JUPITER_KM3S2 = 126_712_764.100000  # Jupiter system
GM_SATURN_KM3S2 = 37_940_584.841800  # Saturn system
GM_URANUS_KM3S2 = 5_794_556.400000  # Uranus system
GM_NEPTUNE_KM3S2 = 6_836_527.100580  # Neptune system
GM_PLUTO_KM3S2 = 975.500000  # Pluto system

# Earth/Moon mass ratio implied by the two DE440 GMs above (DE440 EMRAT = 81.3005682214972).
EMRAT = GM_EARTH_KM3S2 / GM_MOON_KM3S2

# Equatorial radii, km -- IAU WGCCRE 2015 (Archinal et al. 2018, Table 5); Sun: IAU 2015 B3.
EQUATORIAL_RADIUS_KM = {
    "sun": 695_700.0,
    "mercury": 2_440.53,
    "venus": 6_051.8,
    "earth": 6_378.1366,
    "moon": 1_737.4,
    "mars": 3_396.19,
    "jupiter": 71_492.0,
    "saturn": 60_268.0,
    "uranus": 25_559.0,
    "neptune": 24_764.0,
}

# Mean radii, km -- IAU WGCCRE 2015 (Archinal et al. 2018, Table 5); Sun: IAU 2015 B3.
MEAN_RADIUS_KM = {
    "sun": 695_700.0,
    "mercury": 2_439.4,
    "venus": 6_051.8,
    "earth": 6_371.0084,
    "moon": 1_737.4,
    "mars": 3_389.50,
    "jupiter": 69_911.0,
    "saturn": 58_232.0,
    "uranus": 25_362.0,
    "neptune": 24_622.0,
}

# GM by body name, km^3/s^2; "emb" is the Earth-Moon system.
GM_KM3S2 = {
    "sun": GM_SUN_KM3S2,
    "mercury": GM_MERCURY_KM3S2,
    "venus": GM_VENUS_KM3S2,
    "earth": GM_EARTH_KM3S2,
    "moon": GM_MOON_KM3S2,
    "emb": GM_EMB_KM3S2,
    "mars": GM_MARS_KM3S2,
    "jupiter": GM_JUPITER_KM3S2,
    "saturn": GM_SATURN_KM3S2,
    "uranus": GM_URANUS_KM3S2,
    "neptune": GM_NEPTUNE_KM3S2,
}

# North poles of rotation in the ICRF: (RA0, RA rate, Dec0, Dec rate), deg and
# deg per Julian century from J2000 TDB. IAU WGCCRE 2009 (Archinal et al.,
# Celest. Mech. Dyn. Astr. 109:101, 2011), Table 1; Mars as docs/design.md states
# (317.681, 52.887 at J2000). Small periodic terms (Neptune's 0.7 deg, the Moon's
# libration series) are left out: they move a declination by less than 1 deg
# for Neptune and 0.1 deg for the Moon, and nothing here lands on them.
POLE_RA_DEC = {
    "sun": (286.13, 0.0, 63.87, 0.0),
    "mercury": (281.0097, -0.0328, 61.4143, -0.0049),
    "venus": (272.76, 0.0, 67.16, 0.0),
    "moon": (269.9949, 0.0031, 66.5392, 0.0130),
    "mars": (317.68143, -0.1061, 52.88650, -0.0609),
    "jupiter": (268.056595, -0.006499, 64.495303, 0.002413),
    "saturn": (40.589, -0.036, 83.537, -0.004),
    "uranus": (257.311, 0.0, -15.175, 0.0),
    "neptune": (299.36, 0.0, 43.46, 0.0),
}
