"""Round-trip crewed missions: conjunction, opposition and flyby class, optionally via Venus.

The search runs on a common date grid per opportunity. Every leg of a route
(Earth-Mars, Mars-Earth, Earth-Venus, Venus-Mars, Mars-Venus, Venus-Earth) is
solved for all its departure and arrival dates at once (numba), costed in
delta-v, and the legs are joined through stays (numba ``combine_stay``) or
flybys (``chain2``/``chain3``, patched conics: a flyby is unpowered when the
v-infinity magnitudes match and the turn is reachable above the minimum
altitude, otherwise its periapsis impulse is charged). Each opportunity is
searched on its own: its Earth departures span :data:`WINDOW_DAYS` about its
minimum-C3 Earth-Mars launch, whatever else a request holds. The best mission
of each duration in that window gives the delta-v / duration Pareto front; the
cheapest few front members within the constraints are refined together by
Nelder-Mead on continuous dates (stays and duration limits held exactly), and
the best of them is the opportunity's mission. The refinements of all the
opportunities of a request run as one batch of independent problems.

With ``max_revs`` N >= 1 every leg grid carries, for each flight time, the
zero-revolution arc and both branches of 1..N revolutions side by side (the
kernels take each cell's date offset); a single leg between two stays keeps
its cheapest family per flight time, legs joined by a swing-by keep every
family. Each leg's flight-time range (``leg_tof_days``) bounds the grid.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from marsplan.choices import EARTH_RETURNS
from marsplan.constants import EQUATORIAL_RADIUS_KM, GM_KM3S2, GM_SUN_KM3S2
from marsplan.ephemeris import Ephemeris
from marsplan.errors import EphemerisRangeError, InputError, NoSolutionError
from marsplan.time import jd_tdb_to_iso
from marsplan.transfer.maneuvers import (DEFAULT_ORBITS, Orbits, capture_dv_kms,
                                         departure_dv_kms, periapsis_terms)
from marsplan.transfer.mission import MISSION_CLASSES, Flyby, Leg, Mission, Missions
from marsplan.validate import check_cells

#: Default stay ranges at Mars, days (docs/design.md: conjunction 300-600 typical).
DEFAULT_STAY_DAYS = {"conjunction": (300.0, 650.0), "opposition": (30.0, 90.0),
                     "flyby": (0.0, 0.0)}
# Leg flight-time ranges searched, days, by (origin, target), without
# revolutions (MissionOptions.leg_tof_days overrides them).
_TOF_DAYS = {
    ("earth", "mars"): (90.0, 400.0), ("mars", "earth"): (90.0, 450.0),
    ("earth", "venus"): (60.0, 260.0), ("venus", "mars"): (80.0, 380.0),
    ("mars", "venus"): (90.0, 400.0), ("venus", "earth"): (60.0, 260.0),
}
#: Leg names for ``leg_tof_days`` and ``--leg-tof``: "origin-target".
LEGS = tuple(f"{a}-{b}" for a, b in _TOF_DAYS)
#: Sidereal orbital periods, days (Standish 1992, J2000 mean elements): with
#: ``max_revs`` N, a leg's longest default flight time grows by N periods of
#: the outer of its two bodies, the time one more revolution takes at least
#: on the orbits that reach it.
_PERIOD_DAYS = {"venus": 224.70, "earth": 365.26, "mars": 686.98}
#: Most revolutions per leg a mission search takes (each one widens the grid).
MAX_MISSION_REVS = 3
#: A ballistic flyby's periapsis impulse counts as none at or below this, km/s:
#: the patched-conic match of the two v-infinity magnitudes to 1 m/s, well
#: within a trajectory-correction budget.
BALLISTIC_TOL_KMS = 1e-3
# With ``ballistic``, the grid search charges powered flybys this many times
# their delta-v, so that its starts lie near unpowered routes.
_BALLISTIC_FLYBY_WEIGHT = 10.0
ENTRY_ALTITUDE_KM = 125.0
#: Earth departures an opportunity owns, days from its anchor (the minimum-C3
#: Earth-Mars launch that labels it): one mean synodic period (780 d) starting
#: 450 d before the anchor, since Venus-outbound opposition missions leave
#: 13-14 months before it (issue 11). The anchor alone fixes it, so an
#: opportunity's missions do not depend on the other years of a request.
WINDOW_DAYS = (-450.0, 330.0)
# Stays and durations count as met within this margin, days (0.09 s): a date
# sum such as arrival + 30 d is exact only to the ulp of a Julian date.
_DATE_TOL_DAYS = 1e-6
#: Longest stay or mission duration accepted, days (10 years): a bound on every
#: date grid and loop a mission search builds.
MAX_MISSION_DAYS = 3653.0


@dataclass(frozen=True)
class MissionOptions:
    """Orbits, limits and constraints of a round-trip search (km, km/s, days).

    ``orbits``: the Earth departure orbit, the Mars orbit captured into and
    departed from, and the Earth orbit captured into with
    ``earth_return="capture"`` (:class:`~marsplan.transfer.maneuvers.Orbits`).
    ``max_revs``: complete heliocentric revolutions a leg may make (0 to
    :data:`MAX_MISSION_REVS`; both branches of each), where its flight-time
    range allows them. ``leg_tof_days``: flight-time ranges of named legs
    (:data:`LEGS`), a mapping ``{"mars-earth": (400, 900)}`` or pairs; a leg
    not named keeps its default (longer by one outer-body period per allowed
    revolution). ``ballistic``: unpowered flybys only (a true free return:
    periapsis impulse at most :data:`BALLISTIC_TOL_KMS`). ``launch_jd_tdb``: a
    fixed Earth departure (TDB Julian date or epoch); an opportunity whose
    window does not hold it has no mission. ``min_flyby_alt_km`` bounds every
    swing-by's periapsis; ``max_dla_deg`` the Earth departure's |DLA| (EME2000).
    """

    stay_days: tuple[float, float] | None = None
    max_duration_days: float | None = None
    max_c3_km2s2: float | None = None
    max_entry_speed_kms: float | None = None
    entry_speed_limit_kms: float = 12.5
    earth_return: str = "entry"
    orbits: Orbits = DEFAULT_ORBITS
    aerocapture: bool = False
    max_aerocapture_vinf_kms: float = 7.0
    min_flyby_alt_km: float = 300.0
    max_dla_deg: float | None = None
    step_days: float = 4.0
    max_revs: int = 0
    leg_tof_days: tuple = ()
    ballistic: bool = False
    launch_jd_tdb: float | None = None

    def checked(self, mission_class: str) -> "MissionOptions":
        """These options with every field checked (finite, in range, of the right kind)."""
        from marsplan.time import JD_TDB_MAX, JD_TDB_MIN, to_jd_tdb
        from marsplan.validate import choice, flag, instance, pair, real, whole

        mission_class = choice(mission_class, "mission_class", MISSION_CLASSES)
        earth_return = choice(self.earth_return, "earth_return", EARTH_RETURNS)
        instance(self.orbits, "orbits", Orbits)
        stay = self.stay_days if self.stay_days is not None else DEFAULT_STAY_DAYS[mission_class]
        lo, hi = (real(x, "stay_days", lo=0.0, hi=MAX_MISSION_DAYS, unit="days")
                  for x in pair(stay, "stay_days"))
        if mission_class == "flyby" and (lo, hi) != (0.0, 0.0):
            raise InputError("stay_days: a flyby has no stay at Mars (0, 0)")
        if not 0.0 <= lo <= hi:
            raise InputError(f"stay_days: need 0 <= min <= max, got {stay!r}")
        limits = {"max_duration_days": MAX_MISSION_DAYS, "max_c3_km2s2": 1e4,
                  "max_entry_speed_kms": 100.0, "max_dla_deg": 90.0}
        for name, top in limits.items():
            value = getattr(self, name)
            if value is not None:
                real(value, name, lo=0.0, lo_open=True, hi=top)
        for name, top in (("entry_speed_limit_kms", 100.0), ("max_aerocapture_vinf_kms", 100.0),
                          ("min_flyby_alt_km", 1e6)):
            real(getattr(self, name), name, lo=0.0, hi=top)
        real(self.step_days, "step_days", lo=0.0, lo_open=True, hi=10.0, unit="days")
        flag(self.aerocapture, "aerocapture")
        max_revs = whole(self.max_revs, "max_revs", lo=0, hi=MAX_MISSION_REVS)
        ballistic = flag(self.ballistic, "ballistic")
        launch = self.launch_jd_tdb
        if launch is not None:
            launch = (real(launch, "launch_jd_tdb", lo=JD_TDB_MIN, hi=JD_TDB_MAX)
                      if isinstance(launch, (int, float, np.floating)) and not isinstance(launch, bool)
                      else to_jd_tdb(launch, "launch_jd_tdb"))
        return replace(self, stay_days=(lo, hi), earth_return=earth_return, max_revs=max_revs,
                       leg_tof_days=_checked_leg_tof(self.leg_tof_days), ballistic=ballistic,
                       launch_jd_tdb=launch)

    def leg_tof(self, origin: str, target: str) -> tuple[float, float]:
        """Flight-time range searched for the leg origin -> target, days."""
        name = f"{origin}-{target}"
        for leg, lo, hi in self.leg_tof_days:
            if leg == name:
                return lo, hi
        lo, hi = _TOF_DAYS[(origin, target)]
        outer = max(_PERIOD_DAYS[origin], _PERIOD_DAYS[target])
        return lo, hi + self.max_revs * outer


def _checked_leg_tof(value) -> tuple:
    """``leg_tof_days`` as sorted (leg, min, max) triples, or an InputError naming it."""
    from marsplan.validate import pair, real

    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
                raise InputError(f"leg_tof_days: {item!r} is not (leg, (min, max)) or "
                                 f"(leg, min, max)")
            items.append((item[0], tuple(item[1:]) if len(item) == 3 else item[1]))
    else:
        raise InputError(f"leg_tof_days: a mapping of leg names to (min, max) days, got "
                         f"{type(value).__name__}")
    out = {}
    for leg, span in items:
        if not isinstance(leg, str) or leg.lower() not in LEGS:
            raise InputError(f"leg_tof_days: unknown leg {leg!r}; known: {', '.join(LEGS)}")
        lo, hi = (real(x, f"leg_tof_days[{leg}]", lo=1.0, hi=MAX_MISSION_DAYS, unit="days")
                  for x in pair(span, f"leg_tof_days[{leg}]"))
        if lo > hi:
            raise InputError(f"leg_tof_days[{leg}]: need min <= max, got {lo:g} > {hi:g}")
        out[leg.lower()] = (lo, hi)
    return tuple((leg, lo, hi) for leg, (lo, hi) in sorted(out.items()))


# 2 mu / r at Earth's entry interface, km^2/s^2.
_ENTRY_TWO_MU_R = 2.0 * GM_KM3S2["earth"] / (EQUATORIAL_RADIUS_KM["earth"] + ENTRY_ALTITUDE_KM)


def entry_speed_kms(vinf_kms):
    """Speed at the entry interface (125 km) of a hyperbola with ``vinf_kms`` at Earth."""
    return np.sqrt(np.square(vinf_kms) + _ENTRY_TWO_MU_R)


def _return_dv(vinf, opts: MissionOptions):
    """Earth return: direct entry (braking above the limit) or capture into orbit."""
    if opts.earth_return == "capture":
        return capture_dv_kms(vinf, "earth", opts.orbits.earth_capture)
    return np.maximum(0.0, entry_speed_kms(vinf) - opts.entry_speed_limit_kms)


def _mars_arrival_dv(vinf, opts: MissionOptions):
    if opts.aerocapture:
        return np.where(vinf <= opts.max_aerocapture_vinf_kms, 0.0, np.inf)
    return capture_dv_kms(vinf, "mars", opts.orbits.mars_capture)


# --------------------------------------------------------------------------- grid search


@dataclass(frozen=True)
class _LegGrid:
    """One leg's cells on the grid: cell [k, m] leaves date k and arrives on date
    k + off[m], with revs[m] revolutions on branch low_path[m]. The cells run
    by flight time, each flight time's solution families side by side
    (``layers`` of them: 0 revolutions, then 1 low, 1 high, 2 low, ...)."""

    off: np.ndarray
    revs: np.ndarray
    low_path: np.ndarray
    layers: int
    vdep: np.ndarray
    varr: np.ndarray

    def spec(self, m) -> tuple[int, bool]:
        """(revs, low_path) of cell column m."""
        return int(self.revs[m]), bool(self.low_path[m])


class _Grid:
    """A date axis with every body's states and the leg grids solved on it."""

    def __init__(self, eph: Ephemeris, jd0: float, n_dates: int, step: float, n_departures=None,
                 opts=None):
        from marsplan.twobody import _guess_table

        self.eph, self.step = eph, step
        self.opts = opts if opts is not None else MissionOptions()
        self.jd = jd0 + step * np.arange(n_dates)
        # Earth departures are the first n_departures dates (the opportunity's window).
        self.n_departures = n_dates if n_departures is None else n_departures
        self.table = _guess_table()
        self.states = {b: eph.state_jd(b, self.jd) for b in ("earth", "mars", "venus")}
        self._legs = {}

    def _tofs(self, origin, target):
        """(first flight time in steps, number of flight times) of legs origin -> target."""
        lo, hi = self.opts.leg_tof(origin, target)
        m0 = int(np.ceil(lo / self.step - 1e-9))
        return m0, max(int(np.floor(hi / self.step + 1e-9)) - m0 + 1, 1)

    def leg_cells(self, origin, target) -> int:
        """Columns of the leg grid origin -> target, before solving it."""
        return self._tofs(origin, target)[1] * (1 + 2 * self.opts.max_revs)

    def leg(self, origin, target) -> _LegGrid:
        """The grid of legs origin -> target (every family the options allow)."""
        if (origin, target) not in self._legs:
            from marsplan.kernels.missions import leg_grid

            m0, n_t = self._tofs(origin, target)
            layer_revs = [0] + [r for r in range(1, self.opts.max_revs + 1) for _ in (0, 1)]
            layer_low = [True] + [low for _ in range(self.opts.max_revs) for low in (True, False)]
            n_l = len(layer_revs)
            off = np.repeat(m0 + np.arange(n_t, dtype=np.int64), n_l)
            revs = np.tile(np.array(layer_revs, dtype=np.int64), n_t)
            low = np.tile(np.array(layer_low, dtype=np.bool_), n_t)
            check_cells(self.jd.size * off.size,
                        f"missions: the {origin}-{target} leg grid (narrow --leg-tof / "
                        f"leg_tof_days or lower --revs)")
            r_d, v_d = self.states[origin]
            r_a, v_a = self.states[target]
            shape = (self.jd.size, off.size, 3)
            vdep, varr = np.empty(shape), np.empty(shape)
            leg_grid(r_d, v_d, r_a, v_a, self.jd, off, revs, low, GM_SUN_KM3S2, self.table,
                     vdep, varr)
            self._legs[(origin, target)] = _LegGrid(off, revs, low, n_l, vdep, varr)
        return self._legs[(origin, target)]


def _dla_deg(vinf_ecliptic):
    """Declination of Earth departure v-infinity vectors in EME2000 (docs/design.md), deg."""
    from marsplan.ephemeris.frames import ECLIPTIC_TO_ICRF

    z = vinf_ecliptic @ ECLIPTIC_TO_ICRF[2]
    return np.degrees(np.arcsin(np.clip(z / _norm(vinf_ecliptic), -1.0, 1.0)))


def _norm(v):
    return np.sqrt(np.einsum("...i,...i->...", v, v))


def _route_costs(grid: _Grid, route, opts: MissionOptions, *, leaves_earth=True,
                 returns=True):
    """Per-leg costs for a route: the Earth departure dv on its first leg when the
    route ``leaves_earth``, the Earth return dv on its last when it ``returns``."""
    costs = []
    for i, (origin, target) in enumerate(route):
        lg = grid.leg(origin, target)
        vdep, varr = lg.vdep, lg.varr
        cost = np.zeros(vdep.shape[:2])
        if i == 0 and leaves_earth:
            cost[grid.n_departures:] = np.inf  # departures outside the window
            c3 = np.einsum("...i,...i->...", vdep, vdep)
            cost += departure_dv_kms(np.sqrt(c3), "earth", opts.orbits.departure)
            if opts.max_c3_km2s2 is not None:
                cost[c3 > opts.max_c3_km2s2] = np.inf
            if opts.max_dla_deg is not None:
                cost[np.abs(_dla_deg(vdep)) > opts.max_dla_deg] = np.inf
        if i == len(route) - 1 and returns:
            vinf = _norm(varr)
            cost += _return_dv(vinf, opts)
            if opts.max_entry_speed_kms is not None:
                cost[entry_speed_kms(vinf) > opts.max_entry_speed_kms] = np.inf
        costs.append(np.where(np.isnan(cost), np.inf, cost))
    return costs


def _rp_min(body, opts):
    return EQUATORIAL_RADIUS_KM[body] + opts.min_flyby_alt_km


def _fb_weight(opts):
    return _BALLISTIC_FLYBY_WEIGHT if opts.ballistic else 1.0


def _min_over_layers(cost, lg: _LegGrid):
    """A single leg's cost (K, M) reduced to its cheapest family per flight time:
    (cost (K, T), cell column (K, T)); flight time t arrives on date k + off[0] + t."""
    n_k = cost.shape[0]
    by_layer = cost.reshape(n_k, -1, lg.layers)
    layer = np.argmin(by_layer, axis=2)
    best = np.take_along_axis(by_layer, layer[..., None], axis=2)[..., 0]
    column = np.arange(by_layer.shape[1])[None, :] * lg.layers + layer
    return best, column


def _chain_side(grid, costs, route, body, opts):
    """Two legs through a swing-by of ``body``: (cost (K, J), first cells, second cells);
    cell [k, j] runs from date k to k + off1[0] + off2[0] + j."""
    from marsplan.kernels.missions import chain2

    lg1, lg2 = grid.leg(*route[0]), grid.leg(*route[1])
    width = int(lg1.off[-1] - lg1.off[0] + lg2.off[-1] - lg2.off[0]) + 1
    shape = (grid.jd.size, width)
    cost = np.empty(shape)
    m1, m2 = np.empty(shape, dtype=np.int64), np.empty(shape, dtype=np.int64)
    chain2(costs[0], lg1.varr, lg1.off, costs[1], lg2.vdep, lg2.off, GM_KM3S2[body],
           _rp_min(body, opts), _fb_weight(opts), cost, m1, m2)
    return cost, m1, m2


def _search_stay(grid, opts, venus_side, n_dur):
    """Conjunction/opposition: outbound, stay, inbound; Venus on one side or none."""
    from marsplan.kernels.missions import combine_stay

    sides = {}
    for side, route in (("out", [("earth", "mars")] if venus_side != "out" else
                         [("earth", "venus"), ("venus", "mars")]),
                        ("in", [("mars", "earth")] if venus_side != "in" else
                         [("mars", "venus"), ("venus", "earth")])):
        costs = _route_costs(grid, route, opts, leaves_earth=side == "out",
                             returns=side == "in")
        if side == "out":
            varr = grid.leg(*route[-1]).varr
            costs[-1] = costs[-1] + np.where(np.isnan(varr[..., 0]), np.inf,
                                             _mars_arrival_dv(_norm(varr), opts))
        else:
            vdep = grid.leg(*route[0]).vdep
            costs[0] = costs[0] + np.where(np.isnan(vdep[..., 0]), np.inf,
                                           departure_dv_kms(_norm(vdep), "mars", opts.orbits.mars_capture))
        legs = [grid.leg(*leg) for leg in route]
        if len(route) == 1:
            cost, column = _min_over_layers(np.where(np.isnan(costs[0]), np.inf, costs[0]),
                                            legs[0])
            sides[side] = (int(legs[0].off[0]), cost, legs, (column,))
            continue
        cost, m1, m2 = _chain_side(grid, costs, route, "venus", opts)
        sides[side] = (int(legs[0].off[0] + legs[1].off[0]), cost, legs, (m1, m2))
    (out_m0, out_cost, out_legs, out_cells), (in_m0, in_cost, in_legs, in_cells) = \
        sides["out"], sides["in"]
    lo, hi = opts.stay_days
    best = np.empty(n_dur)
    arg = np.empty((n_dur, 4), dtype=np.int64)
    # The grid stays that bracket the range (a stay of 30 d on a 4-day grid is
    # searched as 28 and 32 d); the front and the refinement then set each
    # mission's stay into the range exactly.
    stay_lo = int(np.floor(lo / grid.step + 1e-9))
    stay_hi = int(np.ceil(hi / grid.step - 1e-9))
    combine_stay(out_cost, out_m0, in_cost, in_m0, stay_lo, stay_hi, best, arg)

    def dates(dur):
        k, m, st, n = arg[dur]
        a = k + out_m0 + m
        d = a + st
        e = d + in_m0 + n
        venus = None
        specs = [lg.spec(cells[start, j]) for lg, cells, start, j in
                 [(lg, c, k, m) for lg, c in zip(out_legs, out_cells)]
                 + [(lg, c, d, n) for lg, c in zip(in_legs, in_cells)]]
        if venus_side == "out":
            venus = k + out_legs[0].off[out_cells[0][k, m]]
        elif venus_side == "in":
            venus = d + in_legs[0].off[in_cells[0][d, n]]
        return k, venus, a, d, e, tuple(specs)

    return best, dates


def _search_flyby(grid, opts, venus_side, n_dur):
    """Flyby class: a free return past Mars, with a Venus swing-by on one side or none."""
    from numba import get_num_threads

    from marsplan.kernels.missions import chain3

    best = np.empty(n_dur)
    arg = np.empty((n_dur, 4), dtype=np.int64)
    if venus_side is None:
        route = [("earth", "mars"), ("mars", "earth")]
        costs = _route_costs(grid, route, opts)
        cost, m1, m2 = _chain_side(grid, costs, route, "mars", opts)
        lg1, lg2 = grid.leg(*route[0]), grid.leg(*route[1])
        m0 = int(lg1.off[0] + lg2.off[0])
        best[:] = np.inf
        for j in range(cost.shape[1]):
            dur = m0 + j
            if dur < n_dur:
                k = int(np.argmin(cost[:, j]))
                if cost[k, j] < best[dur]:
                    best[dur] = cost[k, j]
                    arg[dur] = (k, j, 0, 0)

        def dates(dur):
            k, j = arg[dur][:2]
            c1, c2 = m1[k, j], m2[k, j]
            m = k + lg1.off[c1]
            return k, None, m, m, m + lg2.off[c2], (lg1.spec(c1), lg2.spec(c2))

        return best, dates
    route = ([("earth", "venus"), ("venus", "mars"), ("mars", "earth")] if venus_side == "out"
             else [("earth", "mars"), ("mars", "venus"), ("venus", "earth")])
    # chain3 keeps a swing-by table of (dates x middle legs x last legs).
    check_cells(grid.jd.size * grid.leg_cells(*route[1]) * grid.leg_cells(*route[2]),
                f"missions: the {route[1][0]}-{route[1][1]} x {route[2][0]}-{route[2][1]} "
                f"swing-by table (narrow --leg-tof / leg_tof_days or lower --revs)")
    costs = _route_costs(grid, route, opts)
    legs = [grid.leg(*leg) for leg in route]
    bodies = ("venus", "mars") if venus_side == "out" else ("mars", "venus")
    chain3(costs[0], legs[0].varr, legs[0].off, legs[1].vdep, legs[1].varr, legs[1].off,
           costs[2], legs[2].vdep, legs[2].off, GM_KM3S2[bodies[0]], _rp_min(bodies[0], opts),
           GM_KM3S2[bodies[1]], _rp_min(bodies[1], opts), _fb_weight(opts),
           get_num_threads(), best, arg)

    def dates(dur):
        k, m1, m2, m3 = arg[dur]
        p = k + legs[0].off[m1]
        q = p + legs[1].off[m2]
        e = q + legs[2].off[m3]
        specs = (legs[0].spec(m1), legs[1].spec(m2), legs[2].spec(m3))
        return (k, p, q, q, e, specs) if venus_side == "out" else (k, q, p, p, e, specs)

    return best, dates


# --------------------------------------------------------------------------- one mission


def assemble_mission(earth_departure, mars_arrival, mars_departure, earth_arrival, *,
                     mission_class="conjunction", venus_flyby=None, options=None,
                     ephemeris=None, leg_revs=None, _trusted=False) -> Mission:
    """The mission flying these dates, with its delta-v budget.

    Parameters
    ----------
    earth_departure, mars_arrival, mars_departure, earth_arrival : float or epoch
        TDB Julian dates (floats) or epochs (ISO strings, datetime,
        numpy.datetime64; read as TDB). For the flyby class
        ``mars_arrival == mars_departure``.
    mission_class : {"conjunction", "opposition", "flyby"}
    venus_flyby : float or epoch, optional
        A Venus swing-by on whichever leg its date falls in.
    options : MissionOptions, optional
        Orbits and limits (the budget depends on the orbits and ``earth_return``).
    ephemeris : Ephemeris, optional
        Defaults to DE440.
    leg_revs : sequence of (int, bool), optional
        Per leg in time order, its complete revolutions and, for one or more,
        its branch (``low_path``, as :func:`marsplan.lambert`); default all 0.

    Returns
    -------
    Mission
        Legs, flybys, v-infinities and the delta-v budget (km/s).

    Raises
    ------
    InputError
        The events do not follow one another in time; bad ``options``.
    NoSolutionError
        A leg has no Lambert solution (its transfer angle is 0 or 180 deg, or
        its flight time is too short for its revolutions).
    EphemerisRangeError
        A date lies outside the ephemeris.
    """
    from marsplan.ephemeris.base import ephemeris_or_default
    from marsplan.kernels.flyby import flyby as flyby_kernel
    from marsplan.time import JD_TDB_MAX, JD_TDB_MIN, to_jd_tdb
    from marsplan.twobody import lambert
    from marsplan.validate import choice, instance, real

    if _trusted:
        # The search's own call: checked options, Julian dates on its grid or in
        # its span (whose states state_jd checked), so the same kernels without
        # the checks give the same numbers, at a fraction of the cost.
        opts, eph = options, ephemeris
    else:
        mission_class = choice(mission_class, "mission_class", MISSION_CLASSES)
        opts = instance(options or MissionOptions(), "options",
                        MissionOptions).checked(mission_class)
        eph = ephemeris_or_default(ephemeris)

    def state(body, when):
        if not _trusted:
            return eph.state_jd(body, when)
        r, v = eph._state_ecliptic(body, np.array([when]))
        return r[0], v[0]

    def arc(ra, rb, tof_s, revs, low_path):
        if _trusted:
            from marsplan.kernels.lambert import lambert_one
            from marsplan.twobody import _guess_table

            v1, v2 = np.empty(3), np.empty(3)
            if lambert_one(ra, rb, tof_s, GM_SUN_KM3S2, revs, True, low_path, v1, v2,
                           _guess_table()) == 0:
                return v1, v2
        return lambert(ra, rb, tof_s, GM_SUN_KM3S2, revs=revs, low_path=low_path)

    def jd(x, name):
        if _trusted:
            return float(x)
        if isinstance(x, (float, np.floating)):
            # A TDB Julian date: finite and a calendar date, or an InputError naming it.
            return real(x, name, lo=JD_TDB_MIN, hi=JD_TDB_MAX)
        return to_jd_tdb(x, name)

    t = [jd(earth_departure, "earth_departure"), jd(mars_arrival, "mars_arrival"),
         jd(mars_departure, "mars_departure"), jd(earth_arrival, "earth_arrival")]
    tv = None if venus_flyby is None else jd(venus_flyby, "venus_flyby")
    stops = [("earth", t[0])]
    if tv is not None and tv < t[1]:
        stops.append(("venus", tv))
    stops.append(("mars", t[1]))
    if mission_class != "flyby" or t[2] != t[1]:
        stops.append(("mars", t[2]))
    if tv is not None and tv > t[2]:
        stops.append(("venus", tv))
    stops.append(("earth", t[3]))
    if any(b[1] <= a[1] for a, b in zip(stops, stops[1:]) if not (a[0] == b[0] == "mars")):
        raise InputError("dates: the mission's events must follow one another in time")
    pairs = [(a, b) for a, b in zip(stops, stops[1:]) if not a[0] == b[0] == "mars"]
    specs = leg_revs if _trusted else _checked_leg_revs(leg_revs, len(pairs))
    legs = []
    for ((a, ta), (b, tb)), (revs, low_path) in zip(pairs, specs):
        ra, va = state(a, ta)
        rb, vb = state(b, tb)
        v1, v2 = arc(ra, rb, (tb - ta) * 86_400.0, revs, low_path)
        legs.append(Leg(a, b, ta, tb, ra, v1, rb, v2, v1 - va, v2 - vb, revs=revs,
                        low_path=low_path))
    flybys = []
    dv_flyby = 0.0
    for prev, nxt in zip(legs, legs[1:]):
        if prev.target == nxt.origin and prev.arrival_jd_tdb == nxt.departure_jd_tdb:
            body = prev.target
            dv, rp, turn = flyby_kernel(*prev.vinf_arrival_kms, *nxt.vinf_departure_kms,
                                        GM_KM3S2[body], _rp_min(body, opts))
            flybys.append(Flyby(body, prev.arrival_jd_tdb, prev.vinf_arrival_kms,
                                nxt.vinf_departure_kms, rp - EQUATORIAL_RADIUS_KM[body],
                                float(np.degrees(turn)), float(dv)))
            dv_flyby += float(dv)
    first, last = legs[0], legs[-1]
    to_mars = next(leg for leg in legs if leg.target == "mars")
    from_mars = next(leg for leg in legs if leg.origin == "mars")
    c3 = float(first.vinf_departure_kms @ first.vinf_departure_kms)
    v_in, v_out = float(_norm(to_mars.vinf_arrival_kms)), float(_norm(from_mars.vinf_departure_kms))
    v_earth = float(_norm(last.vinf_arrival_kms))
    is_flyby = mission_class == "flyby"
    dv_dep = float(departure_dv_kms(np.sqrt(c3), "earth", opts.orbits.departure))
    dv_cap = 0.0 if is_flyby else float(_mars_arrival_dv(v_in, opts))
    dv_mdep = 0.0 if is_flyby else float(departure_dv_kms(v_out, "mars", opts.orbits.mars_capture))
    dv_ret = float(_return_dv(v_earth, opts))
    return Mission(
        mission_class=mission_class, flyby="venus" if tv is not None else None,
        legs=tuple(legs), flybys=tuple(flybys), earth_departure_jd_tdb=t[0],
        mars_arrival_jd_tdb=t[1], mars_departure_jd_tdb=t[2], earth_arrival_jd_tdb=t[3],
        c3_km2s2=c3, vinf_mars_arrival_kms=v_in, vinf_mars_departure_kms=v_out,
        vinf_earth_arrival_kms=v_earth, earth_entry_speed_kms=float(entry_speed_kms(v_earth)),
        dv_departure_kms=dv_dep, dv_mars_arrival_kms=dv_cap, dv_mars_departure_kms=dv_mdep,
        dv_earth_return_kms=dv_ret, dv_flyby_kms=dv_flyby,
        dv_total_kms=dv_dep + dv_cap + dv_mdep + dv_ret + dv_flyby)


def _checked_leg_revs(leg_revs, n_legs):
    """``leg_revs`` as n_legs (revs, low_path) pairs, or an InputError naming it."""
    from marsplan.validate import MAX_REVS, flag, whole

    if leg_revs is None:
        return ((0, True),) * n_legs
    if not isinstance(leg_revs, (list, tuple)) or len(leg_revs) != n_legs:
        raise InputError(f"leg_revs: one (revs, low_path) pair per leg, {n_legs} legs")
    out = []
    for i, spec in enumerate(leg_revs):
        if not isinstance(spec, (list, tuple)) or len(spec) != 2:
            raise InputError(f"leg_revs[{i}]: a (revs, low_path) pair, got {spec!r}")
        revs = whole(spec[0], f"leg_revs[{i}]", lo=0, hi=MAX_REVS)
        out.append((revs, True if revs == 0 else flag(spec[1], f"leg_revs[{i}]")))
    return tuple(out)


def _leg_specs(m: Mission) -> tuple:
    return tuple((leg.revs, leg.low_path) for leg in m.legs)


def _violations(m: Mission, opts: MissionOptions) -> float:
    """How far a mission lies outside the constraints (0 inside), in rough km/s units.

    Stays and durations count as met within ``_DATE_TOL_DAYS``.
    """
    lo, hi = opts.stay_days
    bad = max(0.0, lo - m.stay_days - _DATE_TOL_DAYS) + max(0.0, m.stay_days - hi - _DATE_TOL_DAYS)
    if opts.max_duration_days is not None:
        bad += max(0.0, m.duration_days - opts.max_duration_days - _DATE_TOL_DAYS)
    if opts.max_c3_km2s2 is not None:
        bad += max(0.0, m.c3_km2s2 - opts.max_c3_km2s2)
    if opts.max_entry_speed_kms is not None:
        bad += 10 * max(0.0, m.earth_entry_speed_kms - opts.max_entry_speed_kms)
    if opts.aerocapture and m.mission_class != "flyby":
        bad += 10 * max(0.0, m.vinf_mars_arrival_kms - opts.max_aerocapture_vinf_kms)
    if opts.max_dla_deg is not None:
        bad += max(0.0, abs(float(_dla_deg(m.legs[0].vinf_departure_kms))) - opts.max_dla_deg)
    if opts.ballistic:
        bad += 10 * max(0.0, m.dv_flyby_kms - BALLISTIC_TOL_KMS)
    if opts.launch_jd_tdb is not None:
        bad += abs(m.earth_departure_jd_tdb - opts.launch_jd_tdb) > _DATE_TOL_DAYS
    return bad


# --------------------------------------------------------------------------- refinement
#
# Nelder-Mead on continuous dates from several starts at once (the batched
# minimiser of transfer/optimize.py: each step solves every start's trial
# missions in one Lambert kernel call). The variables are the event dates,
# with the Mars departure replaced by the stay; the stay is clipped into its
# range and the Earth return cut at the duration limit, so both hold exactly
# (issue 11: --stay 30:30 is a stay of 30 days). The Earth departure stays in
# the opportunity's window and every leg's flight time in the grid's range, so
# the refinement searches the same set the grid samples. C3, entry speed, DLA
# and aerocapture limits are penalties; each start keeps the best point that
# meets them all. Simplices of 2 days stop at 0.01 day and 1e-6 km/s.
_REFINE_STEP_DAYS = 2.0
_REFINE_XATOL_DAYS = 0.01
_REFINE_FATOL_KMS = 1e-6
_REFINE_MAX_EVALS = 3000
# Restarts: a fresh simplex at each start's best point, while one gains more
# than 1e-5 km/s. The flyby routes' valleys are narrow and kinked where a
# swing-by turns powered: a simplex collapses a few m/s short (2035 flyby via
# Venus: 4.2751 km/s from one run, 4.2629 after restarts).
_REFINE_RESTARTS = 3
_REFINE_RESTART_GAIN_KMS = 1e-5
# Starts: the cheapest front members within this margin of the best, km/s, no
# two within a few days of each other in departure and duration.
_START_MARGIN_KMS = 1.5
_MAX_STARTS = 6
_START_APART_DAYS = 12.0


def _stops(mission_class, venus_side):
    """Bodies of a route's events in order; "mars" twice for a stay."""
    out = ["earth"] + (["venus"] if venus_side == "out" else []) + ["mars"]
    if mission_class != "flyby":
        out.append("mars")
    return out + (["venus"] if venus_side == "in" else []) + ["earth"]


def _variables(m: Mission, stops) -> np.ndarray:
    """A mission's search variables: its event dates, the Mars departure as the stay."""
    t = [m.earth_departure_jd_tdb]
    seen_mars = False
    for body in stops[1:-1]:
        if body == "venus":
            t.append(m.venus_flyby_jd_tdb)
        elif not seen_mars:
            t.append(m.mars_arrival_jd_tdb)
            seen_mars = True
        else:
            t.append(m.stay_days)
    t.append(m.earth_arrival_jd_tdb)
    return np.array(t)


def _event_dates(x, stops, opts: MissionOptions):
    """Event dates (N, S) from variables (N, S): stay clipped, duration cut at its limit."""
    t = np.array(x, dtype=np.float64, copy=True)
    if stops.count("mars") == 2:
        i = stops.index("mars")
        lo, hi = opts.stay_days
        t[:, i + 1] = x[:, i] + np.clip(x[:, i + 1], lo, hi)
    if opts.launch_jd_tdb is not None:
        t[:, 0] = opts.launch_jd_tdb
    if opts.max_duration_days is not None:
        t[:, -1] = np.minimum(t[:, -1], t[:, 0] + opts.max_duration_days)
    return t


@functools.lru_cache(maxsize=64)
def _cost_plan(stops: tuple, mission_class: str, opts: MissionOptions, specs: tuple) -> tuple:
    """The arguments of :func:`marsplan.kernels.missions.mission_costs` that depend on
    the route, its leg families and the options only (not on the dates)."""
    from marsplan.ephemeris.frames import ECLIPTIC_TO_ICRF
    from marsplan.kernels.missions import (STOP_FLYBY, STOP_MARS_ARRIVAL,
                                           STOP_MARS_DEPARTURE)

    legs = [i for i in range(len(stops) - 1) if not stops[i] == stops[i + 1] == "mars"]
    # Flight-time ranges widened by a grid step: setting a grid stay into its
    # range moves a leg by up to a step.
    tof = np.array([opts.leg_tof(stops[i], stops[i + 1]) for i in legs]) + np.array(
        [-opts.step_days, opts.step_days])
    kind = np.full(len(stops), -1, dtype=np.int64)
    a, b = np.zeros(len(stops)), np.zeros(len(stops))
    for k in range(1, len(stops) - 1):
        body = stops[k]
        if body == "mars" and mission_class != "flyby":
            kind[k] = STOP_MARS_ARRIVAL if stops[k + 1] == "mars" else STOP_MARS_DEPARTURE
            a[k], b[k] = periapsis_terms("mars", opts.orbits.mars_capture)
        else:
            kind[k], a[k], b[k] = STOP_FLYBY, GM_KM3S2[body], _rp_min(body, opts)
    none = np.inf
    dep = periapsis_terms("earth", opts.orbits.departure)
    earth_departure = np.array([*dep, none if opts.max_c3_km2s2 is None else opts.max_c3_km2s2,
                                none if opts.max_dla_deg is None else opts.max_dla_deg])
    if opts.earth_return == "capture":
        ret = (1.0, *periapsis_terms("earth", opts.orbits.earth_capture))
    else:
        ret = (0.0, 0.0, opts.entry_speed_limit_kms)
    earth_return = np.array([*ret, _ENTRY_TWO_MU_R, none if opts.max_entry_speed_kms is None
                             else opts.max_entry_speed_kms])
    return (np.array(legs, dtype=np.int64),
            np.array([r for r, _ in specs], dtype=np.int64),
            np.array([low for _, low in specs], dtype=np.bool_), tof, kind, a, b,
            earth_departure, np.ascontiguousarray(ECLIPTIC_TO_ICRF[2]),
            np.array([1.0 if opts.aerocapture else 0.0, opts.max_aerocapture_vinf_kms]),
            earth_return, BALLISTIC_TOL_KMS if opts.ballistic else none)


def _batch_costs(t, stops, mission_class, opts: MissionOptions, eph, window, span,
                 specs=None):
    """Total delta-v (N,) and constraint violation (N,) of missions on dates t (N, S).

    The same budget as :func:`assemble_mission`, for many missions at once (one
    kernel call, :func:`marsplan.kernels.missions.mission_costs`); +inf where
    the departure leaves ``window``, a date the ``span`` of the grid, or a leg
    its flight-time range (widened by a grid step), or a leg has no Lambert
    solution. ``specs``: each leg's (revs, low_path), default all 0.
    ``window`` and ``span``: (2,) for every mission, or (N, 2) one per mission.
    """
    from marsplan.kernels.missions import mission_costs
    from marsplan.twobody import _guess_table

    n = t.shape[0]
    n_legs = sum(1 for a, b in zip(stops, stops[1:]) if not a == b == "mars")
    specs = tuple(specs) if specs is not None else ((0, True),) * n_legs
    window, span = np.asarray(window, dtype=np.float64), np.asarray(span, dtype=np.float64)
    if window.ndim == 2:  # per mission (N, 2)
        lo_w, hi_w, lo_s, hi_s = window[:, 0], window[:, 1], span[:, :1], span[:, 1:]
    else:
        lo_w, hi_w, lo_s, hi_s = window[0], window[1], span[0], span[1]
    ok = (t[:, 0] >= lo_w) & (t[:, 0] <= hi_w)
    ok &= np.all((t >= lo_s) & (t <= hi_s), axis=1)
    tc = np.ascontiguousarray(np.clip(t, lo_s, hi_s))
    # The dates lie in the grid's span, whose states state_jd fetched and
    # checked: the unchecked evaluator gives the same numbers without the checks.
    r, v = eph._states_ecliptic(tuple(stops), np.ascontiguousarray(tc.T))
    total, bad = np.empty(n), np.empty(n)
    mission_costs(r, v, tc, ok, GM_SUN_KM3S2,
                  *_cost_plan(tuple(stops), mission_class, opts, specs), _guess_table(),
                  total, bad)
    return total, bad


def _refine_many(jobs, mission_class, opts: MissionOptions, eph):
    """Refine the starts of several opportunities together; per job, the feasible results.

    ``jobs``: (starts, window, span) per opportunity. Missions of one route and
    one set of leg families form one batch of Nelder-Mead problems across all
    jobs; each job's problems restart while one of them gains, as if the job
    were refined alone (the problems are independent: a batch changes no
    float of any).
    """
    from marsplan.transfer.optimize import nelder_mead

    by_route = {}
    for j, (starts, _, _) in enumerate(jobs):
        for m in starts:
            side = (None if m.venus_flyby_jd_tdb is None else
                    ("out" if m.venus_flyby_jd_tdb < m.mars_arrival_jd_tdb else "in"))
            by_route.setdefault((side, _leg_specs(m)), []).append((j, m))
    out = [[] for _ in jobs]
    for (side, specs), members in by_route.items():
        stops = _stops(mission_class, side)
        job = np.array([j for j, _ in members])
        x0 = np.array([_variables(m, stops) for _, m in members])
        windows = np.array([jobs[j][1] for j in job], dtype=np.float64)
        spans = np.array([jobs[j][2] for j in job], dtype=np.float64)
        best_f = np.full(len(members), np.inf)
        best_x = x0.copy()

        def func(points, problem, rows=None):
            rows = problem if rows is None else rows[problem]
            t = _event_dates(points, stops, opts)
            total, bad = _batch_costs(t, stops, mission_class, opts, eph, windows[rows],
                                      spans[rows], specs)
            feasible = np.isfinite(total) & (bad == 0.0)
            for i in np.flatnonzero(feasible):
                p = rows[i]
                if total[i] < best_f[p]:
                    best_f[p], best_x[p] = total[i], points[i]
            return total + 100.0 * bad

        x = x0.copy()
        step = np.full(x0.shape, _REFINE_STEP_DAYS)
        if opts.launch_jd_tdb is not None:
            step[:, 0] = 0.0  # the launch is fixed (_event_dates)
        active = np.ones(len(members), dtype=bool)  # problems of jobs still restarting
        for attempt in range(1 + _REFINE_RESTARTS):
            rows = np.flatnonzero(active)
            before = best_f.copy()
            x[rows], _ = nelder_mead(lambda pts, prob: func(pts, prob, rows), x[rows], step[rows],
                                     xatol=_REFINE_XATOL_DAYS, fatol=_REFINE_FATOL_KMS,
                                     max_iter=_REFINE_MAX_EVALS, max_evals=_REFINE_MAX_EVALS)
            if attempt:
                gained = best_f < before - _REFINE_RESTART_GAIN_KMS
                for j in np.unique(job[rows]):
                    if not np.any(gained[job == j]):
                        active[job == j] = False
                rows = np.flatnonzero(active)
                if rows.size == 0:
                    break
            x[rows] = np.where(np.isfinite(best_f[rows])[:, None], best_x[rows], x[rows])
        for p in np.flatnonzero(np.isfinite(best_f)):
            t = _event_dates(best_x[p][None, :], stops, opts)[0]
            venus = t[stops.index("venus")] if side is not None else None
            dates = [t[0], t[stops.index("mars")]]
            dates.append(dates[1] if mission_class == "flyby" else t[stops.index("mars") + 1])
            dates.append(t[-1])
            try:
                m = assemble_mission(*map(float, dates), mission_class=mission_class,
                                     venus_flyby=None if venus is None else float(venus),
                                     options=opts, ephemeris=eph, leg_revs=specs,
                                     _trusted=True)
            except (InputError, NoSolutionError, EphemerisRangeError):
                continue
            if _violations(m, opts) == 0.0:
                out[job[p]].append(m)
    return out


def _pick_starts(front, opts):
    """The front members to refine: the cheapest feasible ones, spread apart."""
    if opts.ballistic:
        # Grid missions fly powered swing-bys: start from those cheapest when
        # a flyby's delta-v counts as the grid counted it.
        loose = replace(opts, ballistic=False)
        feasible = sorted((m for m in front if _violations(m, loose) == 0.0),
                          key=lambda m: m.dv_total_kms
                          + (_BALLISTIC_FLYBY_WEIGHT - 1.0) * m.dv_flyby_kms)
        if not feasible:
            return []
        key = [m.dv_total_kms + (_BALLISTIC_FLYBY_WEIGHT - 1.0) * m.dv_flyby_kms
               for m in feasible]
        chosen = []
        for m, cost in zip(feasible, key):
            if cost > key[0] + _START_MARGIN_KMS:
                break
            if all(abs(m.earth_departure_jd_tdb - c.earth_departure_jd_tdb) >= _START_APART_DAYS
                   or abs(m.duration_days - c.duration_days) >= _START_APART_DAYS
                   for c in chosen):
                chosen.append(m)
            if len(chosen) == _MAX_STARTS:
                break
        return chosen
    feasible = sorted((m for m in front if _violations(m, opts) == 0.0),
                      key=lambda m: m.dv_total_kms)
    chosen = []
    for m in feasible:
        if m.dv_total_kms > feasible[0].dv_total_kms + _START_MARGIN_KMS:
            break
        if all(abs(m.earth_departure_jd_tdb - c.earth_departure_jd_tdb) >= _START_APART_DAYS
               or abs(m.duration_days - c.duration_days) >= _START_APART_DAYS for c in chosen):
            chosen.append(m)
        if len(chosen) == _MAX_STARTS:
            break
    return chosen


def _pareto(missions_):
    """Missions each cheaper than every shorter one, by duration."""
    front, running = [], np.inf
    for m in sorted(missions_, key=lambda m: (m.duration_days, m.dv_total_kms)):
        if m.dv_total_kms < running - 1e-9:
            front.append(m)
            running = m.dv_total_kms
    return front


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Opportunity:
    """The missions found for one opportunity: the best, and the Pareto front.

    ``year`` labels the opportunity: the calendar year (TDB) of its minimum-C3
    Earth-Mars launch, ``anchor_jd_tdb``. Its missions leave Earth in
    ``window_jd_tdb`` (:data:`WINDOW_DAYS` about the anchor), so a
    Venus-outbound opposition mission leaving in March 2017 belongs to the
    2018 opportunity.
    """

    year: int
    best: Mission | None
    front: tuple[Mission, ...]
    reasons: tuple[str, ...] = ()
    anchor_jd_tdb: float = float("nan")
    window_jd_tdb: tuple[float, float] = (float("nan"), float("nan"))

    def __repr__(self) -> str:
        return (f"Opportunity(year={self.year}, best={self.best!r}, "
                f"front=<{len(self.front)} missions>, reasons={self.reasons!r})")

    def front_to_pandas(self):
        """The Pareto front (delta-v against duration) as a DataFrame, one row per mission.

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`Missions.to_pandas`.
        """
        return Missions(self.front, years=[self.year] * len(self.front)).to_pandas()


class Opportunities(list):
    """The :class:`Opportunity` list of :func:`mission_opportunities`, in launch order.

    A plain list, plus ``years``, ``by_year(2033)`` and ``to_pandas()`` (each
    opportunity's best mission, as :meth:`Missions.to_pandas`).
    """

    @property
    def years(self) -> list[int]:
        return [o.year for o in self]

    def by_year(self, year: int) -> Opportunity:
        """The opportunity labelled ``year``.

        Raises
        ------
        NoSolutionError
            None found carries that label; the message lists those that do.
        InputError
            ``year`` is not a whole number.
        """
        from marsplan._results import by_year

        return by_year(self, self.years, year)

    def missions(self) -> Missions:
        """Each opportunity's best mission."""
        return Missions([o.best for o in self], years=self.years)

    def to_pandas(self):
        """One row per opportunity: its best mission (see :meth:`Missions.to_pandas`)."""
        return self.missions().to_pandas()

    def __repr__(self) -> str:
        return f"Opportunities({list.__repr__(self)})"


def _anchors(first_year, last_year, eph):
    """(label, minimum-C3 launch) of the Earth-to-Mars opportunities labelled in the years.

    A mission belongs to the opportunity whose window holds its Earth
    departure, labelled as :func:`marsplan.transfer.windows.windows` labels it
    (the year of its minimum-C3 launch): a 2033 flyby may leave in December
    2032, a 2018 Venus-outbound opposition mission in March 2017.
    """
    from marsplan.transfer.windows import windows

    key = (id(eph), first_year, last_year)
    cached = _ANCHORS.get(key)
    if cached is None or cached[0] is not eph:
        found = windows("earth", "mars", first_year, last_year, ephemeris=eph)
        cached = (eph, [(w.opportunity, float(w.optimum("min_c3").launch_jd_tdb))
                        for w in found])
        _ANCHORS[key] = cached
    return list(cached[1])


# Anchors by (ephemeris, years), kept for the process: a window search takes
# about a second, and its answer depends on nothing else. The ephemeris itself
# is kept with them, so a recycled id() never matches.
_ANCHORS: dict = {}


def _longest_days(mission_class, venus_sides, opts):
    """The longest mission the legs' flight-time ranges and the stays allow, days."""
    out = 0.0
    for side in venus_sides:
        stops = _stops(mission_class, side)
        legs = [(a, b) for a, b in zip(stops, stops[1:]) if not a == b == "mars"]
        out = max(out, sum(opts.leg_tof(*leg)[1] for leg in legs) + opts.stay_days[1])
    return out


def search_opportunity(anchor_jd, mission_class, flyby, opts: MissionOptions, eph,
                       refine=True, label=None) -> Opportunity:
    """Search the round trips whose Earth departure lies in the window of ``anchor_jd``.

    The window is :data:`WINDOW_DAYS` about the anchor, whatever else a request
    holds. ``label`` names the opportunity (default: the anchor's calendar year).
    """
    if label is None:
        label = int(jd_tdb_to_iso(anchor_jd)[:4])
    return _search_many([(label, anchor_jd)], mission_class, flyby, opts, eph, refine)[0]


def _search_many(anchors, mission_class, flyby, opts: MissionOptions, eph, refine,
                 progress=None):
    """:func:`search_opportunity` for several (label, anchor) at once.

    Each opportunity's grid is searched on its own; the refinements of all of
    them then run as one batch of Nelder-Mead problems (one kernel call per
    step for all opportunities rather than one each: the steps' fixed costs,
    most of the refinement's time, are paid once). The problems stay
    independent, each restarted by its own opportunity's rule, so every
    opportunity gets the same floats as when searched alone.
    """
    stages = []
    for n, (label, anchor) in enumerate(anchors):
        stages.append(_grid_stage(anchor, mission_class, flyby, opts, eph, label))
        if progress is not None:  # the refinement of all of them counts as one more
            progress(n + 1, len(anchors) + 1)
    jobs = [st for st in stages if isinstance(st, dict)]
    if refine and jobs:
        for st in jobs:
            front = st["front"]
            starts = _pick_starts(front, opts) if front else []
            if front and not starts:  # only infeasible missions: refine the closest
                starts = [min(front, key=lambda m: (round(_violations(m, opts), 6),
                                                    m.dv_total_kms))]
            st["starts"] = starts
        refined = _refine_many([(st["starts"], st["window"], st["span"]) for st in jobs],
                               mission_class, opts, eph)
        for st, found in zip(jobs, refined):
            st["refined"] = found
    return [st if isinstance(st, Opportunity) else _finish_stage(st, opts) for st in stages]


def _finish_stage(st, opts) -> Opportunity:
    """An opportunity from its grid stage and refined missions."""
    front, best = st["front"], st["best"]
    refined = st.get("refined", [])
    if refined:
        front = _pareto(front + refined)
        top = min(refined, key=lambda m: m.dv_total_kms)
        if best is None or top.dv_total_kms < best.dv_total_kms:
            best = top
    if best is None and front:
        best = min(front, key=lambda m: (round(_violations(m, opts), 6), m.dv_total_kms))
    return Opportunity(st["label"], best, tuple(front), anchor_jd_tdb=float(st["anchor"]),
                       window_jd_tdb=st["window"])


def _grid_stage(anchor_jd, mission_class, flyby, opts: MissionOptions, eph, label):
    """One opportunity's grid search: a dict (front, best, window, span), or an
    :class:`Opportunity` without missions when the launch lies outside its window."""
    venus_sides = [None] if flyby is None else ["out", "in"]
    step = opts.step_days
    window = (anchor_jd + WINDOW_DAYS[0], anchor_jd + WINDOW_DAYS[1])
    n_departures = int(np.floor((WINDOW_DAYS[1] - WINDOW_DAYS[0]) / step + 1e-9)) + 1
    jd0 = window[0]
    if opts.launch_jd_tdb is not None:
        if not window[0] <= opts.launch_jd_tdb <= window[1]:
            return Opportunity(label, None, (), reasons=(
                f"launch {jd_tdb_to_iso(opts.launch_jd_tdb, 'days')} is outside the "
                f"opportunity's window, {jd_tdb_to_iso(window[0], 'days')} to "
                f"{jd_tdb_to_iso(window[1], 'days')}",), anchor_jd_tdb=float(anchor_jd),
                window_jd_tdb=window)
        # One departure, the launch: the date axis starts there.
        jd0, n_departures = opts.launch_jd_tdb, 1
        window = (opts.launch_jd_tdb, opts.launch_jd_tdb)
    n_dates = n_departures + int(np.ceil(_longest_days(mission_class, venus_sides, opts)
                                         / step)) + 1
    grid = _Grid(eph, jd0, n_dates, step, n_departures, opts)
    n_dur = n_dates
    candidates = []
    for side in venus_sides:
        if mission_class == "flyby":
            best, dates = _search_flyby(grid, opts, side, n_dur)
        else:
            best, dates = _search_stay(grid, opts, side, n_dur)
        candidates.append((best, dates, side))
    # Per duration, the best of either route.
    merged = np.full(n_dur, np.inf)
    source = np.full(n_dur, -1)
    for c, (best, _, _) in enumerate(candidates):
        better = best < merged
        merged[better], source[better] = best[better], c
    lo_stay, hi_stay = opts.stay_days

    def build(dur):
        best, dates, side = candidates[source[dur]]
        k, v, a, d, e, specs = dates(dur)
        jd = grid.jd
        mars_dep = jd[d]
        if mission_class != "flyby":  # the grid's stay, set into the range
            mars_dep = jd[a] + min(max(jd[d] - jd[a], lo_stay), hi_stay)
        return assemble_mission(jd[k], jd[a], mars_dep, jd[e], mission_class=mission_class,
                                venus_flyby=None if v is None else jd[v], options=opts,
                                ephemeris=eph, leg_revs=specs, _trusted=True)

    grid_front, running = [], np.inf
    for dur in np.flatnonzero(np.isfinite(merged)):
        if merged[dur] < running - 1e-9:
            running = merged[dur]
            try:
                grid_front.append(build(dur))
            except (InputError, NoSolutionError):
                continue  # a stay set into range that no longer orders the events
    front = _pareto(grid_front)
    feasible = [m for m in front if _violations(m, opts) == 0.0]
    best = min(feasible, key=lambda m: m.dv_total_kms) if feasible else None
    return {"label": label, "anchor": anchor_jd, "window": window, "front": front,
            "best": best, "span": (float(grid.jd[0]), float(grid.jd[-1]))}


def missions(first_year: int, last_year: int, mission_class: str = "conjunction",
             flyby: str | None = None, *, options: MissionOptions | None = None,
             ephemeris: Ephemeris | None = None, progress=None, **option_values):
    """Best round-trip mission of each opportunity with Earth departure in the years.

    Parameters
    ----------
    first_year, last_year : int
        Opportunities searched, by label (the year of the Earth-Mars minimum-C3
        launch, as :func:`marsplan.transfer.windows.windows` labels them; a
        2033 mission may leave in late 2032).
    mission_class : {"conjunction", "opposition", "flyby"}
    flyby : None or "venus"
        A Venus swing-by on the outbound or the inbound leg, whichever is cheaper.
    options : MissionOptions, optional
        Orbits, limits and constraints; keyword arguments (``stay_days=(400,
        600)``, ``max_duration_days=700``, ``max_c3_km2s2=20``, ``aerocapture=True``,
        ``earth_return="capture"``, ``min_flyby_alt_km=200``, ...) override fields.

    Returns
    -------
    Missions
        A list of :class:`Mission` by Earth departure date, with ``years``
        (opportunity labels), ``by_year(2033)`` and ``to_pandas()``.
        :func:`mission_opportunities` gives the delta-v / duration Pareto fronts.

    Raises
    ------
    NoSolutionError
        No mission meets the constraints; the message names the binding one and
        the best value reachable.
    InputError
        Years that are not whole numbers, an unknown ``mission_class`` or
        ``flyby`` (both case-insensitive), an unknown option, an option that is
        NaN, infinite, out of range or of the wrong kind (InputTypeError).
    """
    return mission_opportunities(first_year, last_year, mission_class, flyby, options=options,
                                 ephemeris=ephemeris, progress=progress,
                                 **option_values).missions()


def mission_opportunities(first_year, last_year, mission_class="conjunction", flyby=None, *,
                          options=None, ephemeris=None, progress=None, refine=True,
                          **option_values) -> Opportunities:
    """Like :func:`missions`, with each opportunity's Pareto front (dv vs duration).

    Parameters are those of :func:`missions`; ``refine=False`` keeps the grid's
    best mission without the Nelder-Mead refinement on continuous dates.

    Returns
    -------
    Opportunities
        A list of :class:`Opportunity` (with ``years``, ``by_year`` and
        ``to_pandas()``), one per opportunity with a mission meeting the
        constraints: its label (``year``), ``best`` mission and the ``front``
        of missions each the cheapest of its duration (``front_to_pandas()``).

    Raises
    ------
    InputError
        Unknown ``mission_class`` or ``flyby`` (both case-insensitive), years
        that are not whole numbers, ``last_year`` before ``first_year``, an
        unknown option, or one that is NaN, infinite, out of range or of the
        wrong kind (InputTypeError).
    NoSolutionError
        No opportunity has a mission meeting the constraints; the message
        names the binding one and the best value reachable.
    """
    from marsplan.ephemeris.base import ephemeris_or_default
    from marsplan.validate import choice, flag, instance, optional_callable, whole

    mission_class = choice(mission_class, "mission_class", MISSION_CLASSES)
    if flyby is not None:
        flyby = choice(flyby, "flyby", ("venus",))
    first_year = whole(first_year, "first_year", lo=-9999, hi=9999)
    last_year = whole(last_year, "last_year", lo=-9999, hi=9999)
    if last_year < first_year:
        raise InputError(f"last_year: {last_year} is before first_year {first_year}")
    refine = flag(refine, "refine")
    optional_callable(progress, "progress")
    unknown = sorted(set(option_values) - set(MissionOptions.__dataclass_fields__))
    if unknown:
        raise InputError(f"{unknown[0]}: not an option of missions; known: "
                         f"{', '.join(MissionOptions.__dataclass_fields__)}")
    opts = replace(instance(options or MissionOptions(), "options", MissionOptions),
                   **option_values)
    opts = opts.checked(mission_class)
    eph = ephemeris_or_default(ephemeris)
    anchors = _anchors(first_year, last_year, eph)
    found = []
    if len(anchors) == 1:
        (label, anchor), = anchors
        searched = [search_opportunity(anchor, mission_class, flyby, opts, eph, refine=refine,
                                       label=label)]
    else:
        searched = _search_many(anchors, mission_class, flyby, opts, eph, refine, progress)
    for n, ((label, anchor), opp) in enumerate(zip(anchors, searched)):
        if opp.best is not None and _violations(opp.best, opts) == 0.0:
            found.append(opp)
        elif opp.reasons:
            found.append(opp)
        elif opp.best is not None:
            found.append(replace(opp, best=None, reasons=(_binding(opp.best, opts),)))
        else:
            # The grid excluded every route (C3, entry speed or aerocapture limits):
            # search without them to name the binding one and the best value.
            relaxed = replace(opts, max_c3_km2s2=None, max_entry_speed_kms=None,
                              aerocapture=False, max_dla_deg=None, ballistic=False)
            closest = search_opportunity(anchor, mission_class, flyby, relaxed, eph,
                                         refine=False).best
            reason = ("no route on the search grid" if closest is None
                      else _binding(closest, opts))
            found.append(replace(opp, reasons=(reason,)))
        if progress is not None:
            progress(n + 1, len(anchors))
    ok = [o for o in found if o.best is not None]
    if not ok:
        reasons = sorted({r for o in found for r in o.reasons})
        detail = "; ".join(reasons) if reasons else "no opportunity in range"
        raise NoSolutionError(f"missions: no {mission_class} mission {first_year}-{last_year} "
                              f"meets the constraints: {detail}")
    return Opportunities(ok)


def _binding(m: Mission, opts: MissionOptions) -> str:
    """Which constraint the closest mission breaks, and its value there."""
    lo, hi = opts.stay_days
    if opts.max_duration_days is not None and m.duration_days > opts.max_duration_days:
        return (f"max_duration_days {opts.max_duration_days:g} binds: the shortest mission "
                f"found takes {m.duration_days:.0f} days")
    if opts.max_c3_km2s2 is not None and m.c3_km2s2 > opts.max_c3_km2s2:
        return (f"max_c3_km2s2 {opts.max_c3_km2s2:g} binds: the best mission without it "
                f"needs C3 {m.c3_km2s2:.2f} km^2/s^2")
    if opts.max_entry_speed_kms is not None and m.earth_entry_speed_kms > opts.max_entry_speed_kms:
        return (f"max_entry_speed_kms {opts.max_entry_speed_kms:g} binds: the best mission "
                f"without it enters at {m.earth_entry_speed_kms:.2f} km/s")
    if opts.max_dla_deg is not None:
        dla = abs(float(_dla_deg(m.legs[0].vinf_departure_kms)))
        if dla > opts.max_dla_deg:
            return (f"max_dla_deg {opts.max_dla_deg:g} binds: the best mission without it "
                    f"departs at |DLA| {dla:.1f} deg")
    if opts.aerocapture and m.vinf_mars_arrival_kms > opts.max_aerocapture_vinf_kms:
        return (f"max_aerocapture_vinf_kms {opts.max_aerocapture_vinf_kms:g} binds: the best "
                f"mission without it arrives at Mars at {m.vinf_mars_arrival_kms:.2f} km/s")
    if opts.ballistic and m.dv_flyby_kms > BALLISTIC_TOL_KMS:
        return (f"ballistic binds: the best mission found needs {m.dv_flyby_kms:.3f} km/s of "
                f"powered swing-bys")
    return f"stay_days {lo:g}-{hi:g} binds: the closest mission found stays {m.stay_days:.0f} days"
