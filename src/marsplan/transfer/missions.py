"""Round-trip crewed missions: conjunction, opposition and flyby class, optionally via Venus.

The search runs on a common date grid per opportunity. Every leg of a route
(Earth-Mars, Mars-Earth, Earth-Venus, Venus-Mars, Mars-Venus, Venus-Earth) is
solved for all its departure and arrival dates at once (numba), costed in
delta-v, and the legs are joined through stays (numba ``combine_stay``) or
flybys (``chain2``/``chain3``, patched conics: a flyby is unpowered when the
v-infinity magnitudes match and the turn is reachable above the minimum
altitude, otherwise its periapsis impulse is charged). The best mission of each
duration on the grid gives the delta-v / duration Pareto front; the cheapest
one within the constraints is refined by Nelder-Mead on continuous dates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from marsplan.constants import EQUATORIAL_RADIUS_KM, GM_KM3S2, GM_SUN_KM3S2
from marsplan.ephemeris import Ephemeris
from marsplan.errors import EphemerisRangeError, InputError, NoSolutionError
from marsplan.time import jd_tdb_to_iso
from marsplan.transfer.maneuvers import DEFAULT_ORBITS, Orbits, capture_dv_kms, departure_dv_kms
from marsplan.transfer.mission import MISSION_CLASSES, Flyby, Leg, Mission, Missions

#: Default stay ranges at Mars, days (docs/design.md: conjunction 300-600 typical).
DEFAULT_STAY_DAYS = {"conjunction": (300.0, 650.0), "opposition": (30.0, 90.0),
                     "flyby": (0.0, 0.0)}
# Leg flight-time ranges searched, days, by (origin, target).
_TOF_DAYS = {
    ("earth", "mars"): (90.0, 400.0), ("mars", "earth"): (90.0, 450.0),
    ("earth", "venus"): (60.0, 260.0), ("venus", "mars"): (80.0, 380.0),
    ("mars", "venus"): (90.0, 400.0), ("venus", "earth"): (60.0, 260.0),
}
ENTRY_ALTITUDE_KM = 125.0
#: Longest stay or mission duration accepted, days (10 years): a bound on every
#: date grid and loop a mission search builds.
MAX_MISSION_DAYS = 3653.0


@dataclass(frozen=True)
class MissionOptions:
    """Orbits, limits and constraints of a round-trip search (km, km/s, days).

    ``orbits``: the Earth departure orbit, the Mars orbit captured into and
    departed from, and the Earth orbit captured into with
    ``earth_return="capture"`` (:class:`~marsplan.transfer.maneuvers.Orbits`).
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

    def checked(self, mission_class: str) -> "MissionOptions":
        """These options with every field checked (finite, in range, of the right kind)."""
        from marsplan.validate import choice, flag, instance, pair, real

        mission_class = choice(mission_class, "mission_class", MISSION_CLASSES)
        earth_return = choice(self.earth_return, "earth_return", ("entry", "capture"))
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
        return replace(self, stay_days=(lo, hi), earth_return=earth_return)


def entry_speed_kms(vinf_kms):
    """Speed at the entry interface (125 km) of a hyperbola with ``vinf_kms`` at Earth."""
    r = EQUATORIAL_RADIUS_KM["earth"] + ENTRY_ALTITUDE_KM
    return np.sqrt(np.square(vinf_kms) + 2.0 * GM_KM3S2["earth"] / r)


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


class _Grid:
    """A date axis with every body's states and the leg grids solved on it."""

    def __init__(self, eph: Ephemeris, jd0: float, n_dates: int, step: float):
        from marsplan.twobody import _guess_table

        self.eph, self.step = eph, step
        self.jd = jd0 + step * np.arange(n_dates)
        self.table = _guess_table()
        self.states = {b: eph.state_jd(b, self.jd) for b in ("earth", "mars", "venus")}
        self._legs = {}

    def leg(self, origin, target):
        """(m0, vinf_dep (K, M, 3), vinf_arr (K, M, 3)) for legs origin -> target."""
        if (origin, target) not in self._legs:
            from marsplan.kernels.missions import leg_grid

            lo, hi = _TOF_DAYS[(origin, target)]
            m0 = int(np.ceil(lo / self.step))
            n_m = int(np.floor(hi / self.step)) - m0 + 1
            r_d, v_d = self.states[origin]
            r_a, v_a = self.states[target]
            shape = (self.jd.size, n_m, 3)
            vdep, varr = np.empty(shape), np.empty(shape)
            leg_grid(r_d, v_d, r_a, v_a, self.jd, m0, n_m, GM_SUN_KM3S2, self.table, vdep, varr)
            self._legs[(origin, target)] = (m0, vdep, varr)
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
        m0, vdep, varr = grid.leg(origin, target)
        cost = np.zeros(vdep.shape[:2])
        if i == 0 and leaves_earth:
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


def _search_stay(grid, opts, venus_side, n_dur):
    """Conjunction/opposition: outbound, stay, inbound; Venus on one side or none."""
    from marsplan.kernels.missions import chain2, combine_stay

    sides = {}
    for side, route in (("out", [("earth", "mars")] if venus_side != "out" else
                         [("earth", "venus"), ("venus", "mars")]),
                        ("in", [("mars", "earth")] if venus_side != "in" else
                         [("mars", "venus"), ("venus", "earth")])):
        costs = _route_costs(grid, route, opts, leaves_earth=side == "out",
                             returns=side == "in")
        if side == "out":
            m0, _, varr = grid.leg(*route[-1])
            costs[-1] = costs[-1] + np.where(np.isnan(varr[..., 0]), np.inf,
                                             _mars_arrival_dv(_norm(varr), opts))
        else:
            m0, vdep, _ = grid.leg(*route[0])
            costs[0] = costs[0] + np.where(np.isnan(vdep[..., 0]), np.inf,
                                           departure_dv_kms(_norm(vdep), "mars", opts.orbits.mars_capture))
        if len(route) == 1:
            sides[side] = (grid.leg(*route[0])[0], np.where(np.isnan(costs[0]), np.inf,
                                                            costs[0]), None)
            continue
        m0a, _, varr1 = grid.leg(*route[0])
        m0b, vdep2, _ = grid.leg(*route[1])
        shape = (grid.jd.size, costs[0].shape[1] + costs[1].shape[1] - 1)
        cost, mid, fb = np.empty(shape), np.empty(shape, dtype=np.int64), np.empty(shape)
        chain2(costs[0], varr1, m0a, costs[1], vdep2, m0b, GM_KM3S2["venus"],
               _rp_min("venus", opts), cost, mid, fb)
        sides[side] = (m0a + m0b, cost, mid)
    (out_m0, out_cost, out_mid), (in_m0, in_cost, in_mid) = sides["out"], sides["in"]
    lo, hi = opts.stay_days
    best = np.empty(n_dur)
    arg = np.empty((n_dur, 4), dtype=np.int64)
    stay_lo, stay_hi = int(np.ceil(lo / grid.step)), int(np.floor(hi / grid.step))
    if stay_lo > stay_hi:  # a range narrower than one step: its nearest grid stay,
        stay_lo = stay_hi = int(round(0.5 * (lo + hi) / grid.step))  # refined after
    combine_stay(out_cost, out_m0, in_cost, in_m0, stay_lo, stay_hi, best, arg)

    def dates(dur):
        k, m, st, n = arg[dur]
        a = k + out_m0 + m
        d = a + st
        e = d + in_m0 + n
        venus = None
        if venus_side == "out":
            venus = out_mid[k, m]
        elif venus_side == "in":
            venus = in_mid[d, n]
        return k, venus, a, d, e

    return best, dates


def _search_flyby(grid, opts, venus_side, n_dur):
    """Flyby class: a free return past Mars, with a Venus swing-by on one side or none."""
    from marsplan.kernels.missions import chain2, chain3

    rp_mars = _rp_min("mars", opts)
    best = np.empty(n_dur)
    arg = np.empty((n_dur, 4), dtype=np.int64)
    if venus_side is None:
        c_out, c_in = _route_costs(grid, [("earth", "mars"), ("mars", "earth")], opts)
        m0a, _, varr1 = grid.leg("earth", "mars")
        m0b, vdep2, _ = grid.leg("mars", "earth")
        shape = (grid.jd.size, c_out.shape[1] + c_in.shape[1] - 1)
        cost, mid, fb = np.empty(shape), np.empty(shape, dtype=np.int64), np.empty(shape)
        chain2(c_out, varr1, m0a, c_in, vdep2, m0b, GM_KM3S2["mars"], rp_mars, cost, mid, fb)
        best[:] = np.inf
        for j in range(shape[1]):
            dur = m0a + m0b + j
            if dur < n_dur:
                k = int(np.argmin(cost[:, j]))
                if cost[k, j] < best[dur]:
                    best[dur] = cost[k, j]
                    arg[dur] = (k, j, 0, 0)

        def dates(dur):
            k, j = arg[dur][:2]
            m = mid[k, j]
            return k, None, m, m, k + m0a + m0b + j

        return best, dates
    route = ([("earth", "venus"), ("venus", "mars"), ("mars", "earth")] if venus_side == "out"
             else [("earth", "mars"), ("mars", "venus"), ("venus", "earth")])
    costs = _route_costs(grid, route, opts)
    legs = [grid.leg(*leg) for leg in route]
    bodies = ("venus", "mars") if venus_side == "out" else ("mars", "venus")
    chain3(costs[0], legs[0][2], legs[0][0], legs[1][1], legs[1][2], legs[1][0], costs[2],
           legs[2][1], legs[2][0], GM_KM3S2[bodies[0]], _rp_min(bodies[0], opts),
           GM_KM3S2[bodies[1]], _rp_min(bodies[1], opts), best, arg)

    def dates(dur):
        k, m1, m2, m3 = arg[dur]
        p = k + legs[0][0] + m1
        q = p + legs[1][0] + m2
        e = q + legs[2][0] + m3
        return (k, p, q, q, e) if venus_side == "out" else (k, q, p, p, e)

    return best, dates


# --------------------------------------------------------------------------- one mission


def assemble_mission(earth_departure, mars_arrival, mars_departure, earth_arrival, *,
                     mission_class="conjunction", venus_flyby=None, options=None,
                     ephemeris=None) -> Mission:
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

    Returns
    -------
    Mission
        Legs, flybys, v-infinities and the delta-v budget (km/s).

    Raises
    ------
    InputError
        The events do not follow one another in time; bad ``options``.
    NoSolutionError
        A leg has no Lambert solution (its transfer angle is 0 or 180 deg).
    EphemerisRangeError
        A date lies outside the ephemeris.
    """
    from marsplan.ephemeris.base import ephemeris_or_default
    from marsplan.kernels.flyby import flyby as flyby_kernel
    from marsplan.time import JD_TDB_MAX, JD_TDB_MIN, to_jd_tdb
    from marsplan.twobody import lambert
    from marsplan.validate import choice, instance, real

    mission_class = choice(mission_class, "mission_class", MISSION_CLASSES)
    opts = instance(options or MissionOptions(), "options", MissionOptions).checked(mission_class)
    eph = ephemeris_or_default(ephemeris)

    def jd(x, name):
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
    legs = []
    for (a, ta), (b, tb) in zip(stops, stops[1:]):
        if a == b == "mars":
            continue
        ra, va = eph.state_jd(a, ta)
        rb, vb = eph.state_jd(b, tb)
        v1, v2 = lambert(ra, rb, (tb - ta) * 86_400.0, GM_SUN_KM3S2)
        legs.append(Leg(a, b, ta, tb, ra, v1, rb, v2, v1 - va, v2 - vb))
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


def _violations(m: Mission, opts: MissionOptions) -> float:
    """How far a mission lies outside the constraints (0 inside), in rough km/s units."""
    lo, hi = opts.stay_days
    bad = max(0.0, lo - m.stay_days) + max(0.0, m.stay_days - hi)
    if opts.max_duration_days is not None:
        bad += max(0.0, m.duration_days - opts.max_duration_days)
    if opts.max_c3_km2s2 is not None:
        bad += max(0.0, m.c3_km2s2 - opts.max_c3_km2s2)
    if opts.max_entry_speed_kms is not None:
        bad += 10 * max(0.0, m.earth_entry_speed_kms - opts.max_entry_speed_kms)
    if opts.aerocapture and m.mission_class != "flyby":
        bad += 10 * max(0.0, m.vinf_mars_arrival_kms - opts.max_aerocapture_vinf_kms)
    if opts.max_dla_deg is not None:
        bad += max(0.0, abs(float(_dla_deg(m.legs[0].vinf_departure_kms))) - opts.max_dla_deg)
    return bad


# Refinement: Nelder-Mead on the continuous dates from a simplex of 2-day steps,
# stopping at 0.01 day and 1e-6 km/s, at most 3000 evaluations (~3 s).
_REFINE_STEP_DAYS = 2.0
_REFINE_XATOL_DAYS = 0.01
_REFINE_FATOL_KMS = 1e-6
_REFINE_MAX_EVALS = 3000


def _refine(m: Mission, opts: MissionOptions, eph) -> Mission:
    """Nelder-Mead on the continuous dates, constraints as penalties."""
    from marsplan.transfer.optimize import nelder_mead

    venus = m.venus_flyby_jd_tdb
    flyby_class = m.mission_class == "flyby"
    x0 = [m.earth_departure_jd_tdb, m.mars_arrival_jd_tdb]
    if not flyby_class:
        x0.append(m.mars_departure_jd_tdb)
    x0.append(m.earth_arrival_jd_tdb)
    if venus is not None:
        x0.append(venus)
    x0 = np.array(x0)

    def build(x):
        d = [float(v) for v in x]
        v = d.pop() if venus is not None else None
        if flyby_class:
            d.insert(2, d[1])
        return assemble_mission(*d, mission_class=m.mission_class, venus_flyby=v,
                                options=opts, ephemeris=eph)

    def cost(x) -> float:
        """Delta-v plus penalties; +inf where the dates fly no mission."""
        try:
            cand = build(x)
        except (InputError, NoSolutionError, EphemerisRangeError):
            # Events out of order, a leg without a Lambert solution (transfer
            # angle of 0 or 180 deg), or a date the ephemeris does not cover.
            return np.inf
        value = cand.dv_total_kms + 100.0 * _violations(cand, opts)
        # NaN (a flyby the kernel could not solve) never wins.
        return value if np.isfinite(value) else np.inf

    def batch(points, _problem):
        return np.array([cost(x) for x in points])

    x, f = nelder_mead(batch, x0[None, :], np.full((1, x0.size), _REFINE_STEP_DAYS),
                       xatol=_REFINE_XATOL_DAYS, fatol=_REFINE_FATOL_KMS,
                       max_iter=_REFINE_MAX_EVALS, max_evals=_REFINE_MAX_EVALS,
                       speculative=False)
    best = build(x[0]) if f[0] < cost(x0) else m
    return best if _violations(best, opts) <= _violations(m, opts) else m


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Opportunity:
    """The missions found for one opportunity: the best, and the Pareto front."""

    year: int
    best: Mission | None
    front: tuple[Mission, ...]
    reasons: tuple[str, ...] = ()

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
        from marsplan.validate import whole

        year = whole(year, "year")
        for opportunity in self:
            if opportunity.year == year:
                return opportunity
        raise NoSolutionError(f"year: no opportunity labelled {year!r} among those found "
                              f"({', '.join(map(str, self.years)) or 'none'})")

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

    A mission belongs to the opportunity it departs in, labelled as
    :func:`marsplan.transfer.windows.windows` labels it (the year of its
    minimum-C3 launch): a 2033 flyby may leave in December 2032.
    """
    from marsplan.transfer.windows import windows

    found = windows("earth", "mars", first_year, last_year, ephemeris=eph)
    return [(w.opportunity, float(w.optimum("min_c3").launch_jd_tdb)) for w in found]


def search_opportunity(anchor_jd, mission_class, flyby, opts: MissionOptions, eph,
                       refine=True, label=None) -> Opportunity:
    """Search the round trips whose Earth departure lies near ``anchor_jd``.

    ``label`` names the opportunity (default: the anchor's calendar year).
    """
    if label is None:
        label = int(jd_tdb_to_iso(anchor_jd)[:4])
    venus_sides = [None] if flyby is None else ["out", "in"]
    lo_stay, hi_stay = opts.stay_days
    span = 1500.0 if mission_class == "conjunction" else 1200.0
    step = opts.step_days
    n_dates = int(span / step) + 1
    grid = _Grid(eph, anchor_jd - 420.0, n_dates, step)
    n_dur = n_dates
    candidates = []
    for side in venus_sides:
        if mission_class == "flyby":
            best, dates = _search_flyby(grid, opts, side, n_dur)
        else:
            best, dates = _search_stay(grid, opts, side, n_dur)
        candidates.append((best, dates, side))
    # Pareto front over durations: each duration's best, kept while it improves.
    merged = np.full(n_dur, np.inf)
    source = np.full(n_dur, -1)
    for c, (best, _, _) in enumerate(candidates):
        better = best < merged
        merged[better], source[better] = best[better], c

    def build(dur):
        best, dates, side = candidates[source[dur]]
        k, v, a, d, e = dates(dur)
        jd = grid.jd
        return assemble_mission(jd[k], jd[a], jd[d], jd[e], mission_class=mission_class,
                                venus_flyby=None if v is None else jd[v], options=opts,
                                ephemeris=eph)

    # Keep departures in a window around the anchor (the next opportunity's
    # missions belong to it).
    front, running = [], np.inf
    for dur in np.flatnonzero(np.isfinite(merged)):
        if merged[dur] < running - 1e-9:
            m = build(dur)
            if abs(m.earth_departure_jd_tdb - anchor_jd) > 380:
                continue
            running = merged[dur]
            front.append(m)
    feasible = [m for m in front if _violations(m, opts) == 0.0]
    if not feasible and front:
        feasible = [min(front, key=lambda m: (round(_violations(m, opts), 6), m.dv_total_kms))]
    best = min(feasible, key=lambda m: m.dv_total_kms) if feasible else None
    if best is not None and refine:
        refined = _refine(best, opts, eph)
        # An infeasible start is refined only to reach feasibility: otherwise
        # Nelder-Mead trades one violation for another (a 100-day "conjunction"
        # with 9-day legs) and the grid's closest mission names the binding
        # constraint better.
        if _violations(best, opts) == 0.0 or _violations(refined, opts) == 0.0:
            best = refined
    return Opportunity(label, best, tuple(front))


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
    for n, (label, anchor) in enumerate(anchors):
        opp = search_opportunity(anchor, mission_class, flyby, opts, eph, refine=refine,
                                 label=label)
        if opp.best is not None and _violations(opp.best, opts) == 0.0:
            found.append(opp)
        elif opp.best is not None:
            found.append(replace(opp, best=None, reasons=(_binding(opp.best, opts),)))
        else:
            # The grid excluded every route (C3, entry speed or aerocapture limits):
            # search without them to name the binding one and the best value.
            relaxed = replace(opts, max_c3_km2s2=None, max_entry_speed_kms=None,
                              aerocapture=False, max_dla_deg=None)
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
    return f"stay_days {lo:g}-{hi:g} binds: the closest mission found stays {m.stay_days:.0f} days"
