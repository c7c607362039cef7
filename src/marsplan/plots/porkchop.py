"""The porkchop chart: C3, arrival v-infinity and time of flight over launch x arrival dates.

The layout follows the NASA mission design handbooks (Burke, Falck & McGuire,
*Interplanetary Mission Design Handbook: Earth-to-Mars Mission Opportunities
2026 to 2045*, NASA/TM-2010-216764): launch date on x, arrival date on y,
labelled contours of departure C3 and of arrival v-infinity, and dashed
time-of-flight diagonals, and the departure asymptote's declination (DLA)
as green dash-dot contours, with an optional DLA limit (``dla_max``: the
cells beyond it hatched). Each transfer type gets its own contour sets: C3
jumps across the 180-degree ridge between Types I and II, and one contour
set over both would draw false contours along it. Labels keep clear of that
ridge, where every contour crowds. A multi-revolution grid
(:class:`~marsplan.transfer.porkchop.PorkchopSet`) shows in each cell its
lowest-C3 leg, so Types III and IV (one revolution) appear where they beat
the direct transfers.

matplotlib is imported inside the functions (``marsplan --help`` must not load
it) and only through its object-oriented API (``Figure`` plus an Agg canvas, no
pyplot), so charts render headless and from several threads at once.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from marsplan.errors import InputError, NoSolutionError
from marsplan.plots._common import FORMATS, check_dpi, format_of, save_figure  # noqa: F401
from marsplan.time import jd_tdb_to_datetime64, jd_tdb_to_iso

# Default contour levels are read off these "nice" mantissas, one decade at a
# time, starting just above the grid's minimum: from a C3 minimum of 7.7 they
# give the handbooks' 8, 9, 10, 12, 14, 16, 20, 25, 30, 40 km^2/s^2.
_C3_MANTISSAS = (1.0, 1.2, 1.4, 1.6, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)
_VINF_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 9.0)
_N_C3_LEVELS = 10
_N_VINF_LEVELS = 7

_TYPES = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}
# Colours: C3 blue, v-infinity red-brown (as distinct for colour-blind readers
# as two line colours get), time of flight grey; Type regions in faint tints.
_C3_COLOR = "#1f4e9c"
_VINF_COLOR = "#b2182b"
_TOF_COLOR = "#6e6e6e"
_DLA_COLOR = "#1b7837"
_RLA_COLOR = "#8c510a"
_REGION_COLORS = {1: "#fdf1dc", 2: "#e4f1e4", 3: "#ece6f6", 4: "#f9e3ea", 5: "#e3eef9",
                  6: "#f2f2dc"}
_REGION_NAMES = {1: "Type I region (transfer angle < 180\N{DEGREE SIGN})",
                 2: "Type II region (180\N{DEGREE SIGN} to 360\N{DEGREE SIGN})",
                 3: "Type III region (1 revolution, then < 180\N{DEGREE SIGN})",
                 4: "Type IV region (1 revolution, then 180\N{DEGREE SIGN} to "
                    "360\N{DEGREE SIGN})",
                 5: "Type V region (2 revolutions, then < 180\N{DEGREE SIGN})",
                 6: "Type VI region (2 revolutions, then 180\N{DEGREE SIGN} to "
                    "360\N{DEGREE SIGN})"}
_OPTIMUM_MARKERS = {1: "o", 2: "s", 3: "^", 4: "D", 5: "v", 6: "P"}
# DLA contours every 10 degrees by default (the handbooks use 5 to 10).
_DLA_STEP_DEG = 10.0
# A contour label is dropped when a point of the 180-degree ridge (or another
# type boundary) lies within this many pixels of its box.
_RIDGE_CLEARANCE_PX = 10.0
_BODY_NAMES = {"emb": "Earth-Moon barycentre"}


# A porkchop chart of one opportunity frames the launch period at 1.25 x the
# largest C3 of its six optima (so every optimum is on it, with the contours
# around it), padded by 15 days of launch, and the optima's arrivals padded by
# 60 days before and 120 after.
_CHART_C3_FACTOR = 1.25
_CHART_LAUNCH_PAD_DAYS = 15.0
_CHART_ARRIVAL_PAD_DAYS = 60.0


def opportunity_bounds(origin: str = "earth", target: str = "mars", year: int = 2033, *,
                       angles: str = "eme2000", ephemeris=None):
    """Launch and arrival date spans for a porkchop chart of the opportunity of ``year``.

    The opportunity is the one labelled ``year`` by :func:`marsplan.windows` (its
    minimum-C3 launch falls in that year). Returns ``((launch_start,
    launch_end), (arrival_start, arrival_end))`` as ISO dates (TDB): the launch
    period at 1.25 x the largest C3 of the opportunity's six optima, padded by 15
    days, and the arrivals of its optima, padded by 60 days before and 120 after.

    Raises
    ------
    NoSolutionError
        No opportunity has its minimum-C3 launch in ``year`` (the message names
        the nearest labels).
    """
    from marsplan.ephemeris import default_ephemeris
    from marsplan.transfer.windows import windows

    eph = ephemeris or default_ephemeris()
    found = windows(origin, target, year, year, angles=angles, ephemeris=eph)
    if not found:
        near = [w.opportunity for w in windows(origin, target, year - 2, year + 2,
                                               angles=angles, ephemeris=eph)]
        raise NoSolutionError(
            f"year: no {eph.check_body(origin)}-{eph.check_body(target)} opportunity has its "
            f"minimum-C3 launch in {year}; nearby opportunities: "
            f"{', '.join(map(str, near)) or 'none'}")
    w = found[0]
    optima = [leg for by_type in w.optima.values() for leg in by_type.values()]
    c3_frame = _CHART_C3_FACTOR * max(float(leg.c3_km2s2) for leg in optima)
    framed = windows(origin, target, year, year, angles=angles, c3_max=c3_frame,
                     ephemeris=eph)[0]
    period = framed.launch_period()
    legs = [*optima, period.first, period.last]
    launch = [min(float(leg.launch_jd_tdb) for leg in legs) - _CHART_LAUNCH_PAD_DAYS,
              max(float(leg.launch_jd_tdb) for leg in legs) + _CHART_LAUNCH_PAD_DAYS]
    # Arrivals frame the optima only: a period end's best arrival at the framing
    # C3 can lie a year beyond them and would squash the interesting region.
    arrival = [min(float(leg.arrival_jd_tdb) for leg in optima) - _CHART_ARRIVAL_PAD_DAYS,
               max(float(leg.arrival_jd_tdb) for leg in optima) + 2 * _CHART_ARRIVAL_PAD_DAYS]
    launch_iso = tuple(str(x) for x in jd_tdb_to_iso(np.array(launch), "days"))
    arrival_iso = tuple(str(x) for x in jd_tdb_to_iso(np.array(arrival), "days"))
    return launch_iso, arrival_iso


def plot_porkchop(pc, path, *, c3_levels=None, vinf_levels=None, tof_step_days=None,
                  c3_max=None, mark=None, title=None, dpi=150, dla_levels=None,
                  rla_levels=None, dla_max=None):
    """Draw porkchop ``pc`` in the style of the NASA mission design handbooks.

    Parameters
    ----------
    pc : marsplan.Porkchop or marsplan.PorkchopSet
        The grid to draw; any origin/target pair, arrival or time-of-flight
        grid. A PorkchopSet (``max_revs``) shows each cell's lowest-C3 leg.
    path : str or os.PathLike
        Output file; ``.png``, ``.svg`` or ``.pdf`` by its extension. The parent
        directory is created; the file is replaced atomically.
    c3_levels : sequence of float, optional
        Departure C3 contours, km^2/s^2. By default ten levels from just above
        the grid's minimum, e.g. 8, 9, 10, 12, 14, 16, 20, 25, 30, 40.
    vinf_levels : sequence of float, optional
        Arrival v-infinity contours, km/s. By default seven levels from just
        above the grid's minimum, e.g. 3.5, 4, 4.5, 5, 6, 7, 8.
    tof_step_days : float, optional
        Spacing of the time-of-flight diagonals, days: 50 by default, 100 when
        the grid spans more than 400 days of flight time.
    c3_max : float, optional
        A launch vehicle's C3 limit, km^2/s^2: that contour is drawn bold and
        the launch period of each type under it is annotated.
    mark : marsplan.Transfer, optional
        A chosen trajectory, drawn as a red star with its dates and C3.
    title : str, optional
        Defaults to the opportunity (``pc.title()``) and the ephemeris.
    dpi : float
        Resolution of a PNG (and of any raster part of a PDF or SVG).
    dla_levels : sequence of float, optional
        Departure asymptote declination contours, deg; every 10 deg by
        default; an empty sequence draws none.
    rla_levels : sequence of float, optional
        Departure asymptote right ascension contours, deg (0 to 360); none by
        default.
    dla_max : float, optional
        A launch site's DLA limit, deg (e.g. 51.6): the contours DLA = +-dla_max
        are drawn bold green and the cells beyond them hatched.

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Raises
    ------
    InputError
        An extension other than .png, .svg, .pdf; levels that are not positive
        and increasing (angles: increasing, within -90..90 or 0..360); a grid
        smaller than 2 x 2; a ``mark`` between other bodies; ``dla_max`` not in
        (0, 90].
    """
    fmt = format_of(path, "a porkchop chart")
    check_dpi(dpi)
    fig, _ = _draw(pc, c3_levels=c3_levels, vinf_levels=vinf_levels,
                   tof_step_days=tof_step_days, c3_max=c3_max, mark=mark, title=title,
                   dla_levels=dla_levels, rla_levels=rla_levels, dla_max=dla_max)
    save_figure(fig, path, fmt, dpi)
    return path


def _draw(pc, *, c3_levels=None, vinf_levels=None, tof_step_days=None, c3_max=None,
          mark=None, title=None, dla_levels=None, rla_levels=None, dla_max=None):
    """Build the chart's Figure (on an Agg canvas); return it with its artists.

    The artists are a dict: ``c3`` and ``vinf`` map a type code (1, 2) to its
    contour set, ``tof`` the diagonals, ``regions`` the shaded type regions
    (``region_types`` lists the codes drawn), ``optimum`` maps a type code to
    its marker (a Line2D whose data are matplotlib date numbers), ``mark`` and
    ``c3_max`` the optional extras (``c3_max_periods``: type code to a list of
    (first, last) launch TDB Julian dates with C3 at or under the limit),
    ``dla`` and ``rla`` map a type code to its angle contours, ``dla_max`` to
    the bold limit contours, ``dla_hatch`` to the hatched cells beyond it;
    ``ridge`` holds the (n, 2) data points of the type boundaries that labels avoid.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    view = _view(pc)
    n_launch, n_arrival = np.shape(view["c3"])
    if n_launch < 2 or n_arrival < 2:
        raise InputError(f"porkchop: a {n_launch} x {n_arrival} grid cannot be contoured; "
                         "a chart needs at least 2 launch and 2 arrival dates")
    c3, vinf, dla, rla, types = (view[k] for k in ("c3", "vinf", "dla", "rla", "types"))
    launch_jd = np.broadcast_to(np.asarray(pc.launch_jd_tdb, dtype=np.float64)[:, None],
                                c3.shape)
    arrival_jd = np.asarray(pc.arrival_jd_tdb, dtype=np.float64)
    x = _date_num(launch_jd)
    y = _date_num(arrival_jd)
    present = [int(code) for code in np.unique(types) if code > 0
               and np.any((types == code) & np.isfinite(c3))]
    if c3_levels is None:
        c3_levels = _default_levels(c3, _C3_MANTISSAS, _N_C3_LEVELS)
    if vinf_levels is None:
        vinf_levels = _default_levels(vinf, _VINF_MANTISSAS, _N_VINF_LEVELS)
    if dla_levels is None:
        dla_levels = np.arange(-80.0, 81.0, _DLA_STEP_DEG)
    dla_levels = _check_angle_levels(dla_levels, "dla_levels", -90.0, 90.0)
    rla_levels = _check_angle_levels([] if rla_levels is None else rla_levels, "rla_levels",
                                     0.0, 360.0)
    dla_limit = None
    if dla_max is not None:
        try:
            dla_limit = float(dla_max)
        except (TypeError, ValueError):
            dla_limit = math.nan
        if not (math.isfinite(dla_limit) and 0 < dla_limit <= 90):
            raise InputError(f"dla_max: must be a declination in (0, 90] deg, got {dla_max!r}")
    c3_levels = _check_levels(c3_levels, "c3_levels")
    vinf_levels = _check_levels(vinf_levels, "vinf_levels")
    limit = None
    if c3_max is not None:
        try:
            limit = float(c3_max)
        except (TypeError, ValueError):
            limit = math.nan
        if not (math.isfinite(limit) and limit > 0):
            raise InputError(f"c3_max: must be a positive C3 in km^2/s^2, got {c3_max!r}")
        # The limit gets its own bold contour; a thin one under it would only blur it.
        c3_levels = c3_levels[~np.isclose(c3_levels, limit)]
    if mark is not None and (mark.origin, mark.target) != (pc.origin, pc.target):
        raise InputError(f"mark: a {mark.origin} to {mark.target} transfer cannot be "
                         f"marked on a {pc.origin} to {pc.target} chart")

    origin, target = _body_name(pc.origin), _body_name(pc.target)
    fig = Figure(figsize=(11.0, 9.0), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    artists = {"c3": {}, "vinf": {}, "tof": None, "regions": None, "optimum": {},
               "mark": None, "c3_max": {}, "c3_max_periods": {}, "region_types": present,
               "dla": {}, "rla": {}, "dla_max": {}, "dla_hatch": {}, "ridge": None}
    region_handles, line_handles, point_handles, limit_handles = [], [], [], []
    bars = []  # launch-period brackets: contour labels keep clear of them
    to_label = []  # (contour set, label format, font size, bold), most important first

    # Type regions: faint fills, split where a smoothed type field crosses zero
    # (the raw field steps cell by cell and would draw a staircase).
    if present and set(present) <= {1, 2}:
        side = _smoothed_type_side(types)
        artists["regions"] = ax.contourf(x, y, side, levels=[-2.0, 0.0, 2.0],
                                         colors=[_REGION_COLORS[1], _REGION_COLORS[2]],
                                         zorder=0)
        if len(present) == 2:
            ax.contour(x, y, side, levels=[0.0], colors="#a0a0a0", linewidths=0.6, zorder=1)
    elif present:
        # More than two types (a multi-revolution grid): one band per type code.
        codes = np.where(types > 0, types, np.nan).astype(np.float64)
        top = max(present)
        artists["regions"] = ax.contourf(
            x, y, codes, levels=np.arange(0.5, top + 1.0), zorder=0,
            colors=[_REGION_COLORS.get(k, "#f0f0f0") for k in range(1, top + 1)])
    region_handles = [Patch(facecolor=_REGION_COLORS.get(code, "#f0f0f0"), edgecolor="#b0b0b0",
                            label=_REGION_NAMES.get(code, f"Type {_type_name(code)} region"))
                      for code in present]
    artists["ridge"] = _type_boundaries(x, y, types)

    # Time-of-flight diagonals from the dates themselves: defined on every cell,
    # solved or not, and straight lines on an arrival-date grid.
    tof_grid_days = arrival_jd - launch_jd
    tof_levels = _tof_levels(tof_grid_days, tof_step_days)
    if tof_levels.size:
        tof = ax.contour(x, y, tof_grid_days, levels=tof_levels, colors=_TOF_COLOR,
                         linewidths=0.7, linestyles=[(0, (5, 4))], zorder=2)
        artists["tof"] = tof
        line_handles.append(Line2D([], [], color=_TOF_COLOR, lw=0.8, ls=(0, (5, 4)),
                                   label="Time of flight, days (grey labels)"))

    # One contour set per type, the other type's cells masked (see the module docstring).
    for code in present:
        inside = types == code
        c3_type = np.where(inside, c3, np.nan)
        vinf_type = np.where(inside, vinf, np.nan)
        if limit is not None and _levels_in_range([limit], c3_type).size:
            artists["c3_max"][code] = ax.contour(x, y, c3_type, levels=[limit],
                                                 colors=_C3_COLOR, linewidths=2.6, zorder=4)
        levels = _levels_in_range(c3_levels, c3_type)
        if levels.size:
            artists["c3"][code] = ax.contour(x, y, c3_type, levels=levels, colors=_C3_COLOR,
                                             linewidths=0.9, zorder=3)
        levels = _levels_in_range(vinf_levels, vinf_type)
        if levels.size:
            artists["vinf"][code] = ax.contour(x, y, vinf_type, levels=levels,
                                               colors=_VINF_COLOR, linewidths=0.8, zorder=3)
        # Angles only where C3 is within the contoured range, as the handbooks
        # draw them: along the ridge the transfer plane turns polar and DLA
        # sweeps through every level in a cell or two, a bundle of lines.
        c3_top = max([*c3_levels, *([limit] if limit is not None else [])], default=np.inf)
        with np.errstate(invalid="ignore"):
            flyable = inside & (c3 <= c3_top)
        dla_type = np.where(flyable, dla, np.nan)
        levels = _levels_in_range(dla_levels, dla_type)
        if levels.size:
            artists["dla"][code] = ax.contour(x, y, dla_type, levels=levels, colors=_DLA_COLOR,
                                              linewidths=0.7, linestyles="dashdot", zorder=3)
        if rla_levels.size:
            rla_type = np.where(flyable, _unwrapped_rla(rla), np.nan)
            levels = _levels_in_range(rla_levels, rla_type)
            if levels.size:
                artists["rla"][code] = ax.contour(x, y, rla_type, levels=levels,
                                                  colors=_RLA_COLOR, linewidths=0.7,
                                                  linestyles="dotted", zorder=3)
        if dla_limit is not None:
            beyond = np.abs(dla_type)
            if np.nanmax(beyond, initial=-1.0) > dla_limit:
                artists["dla_hatch"][code] = ax.contourf(
                    x, y, beyond, levels=[dla_limit, 90.0], colors="none", hatches=["////"],
                    zorder=2)
                for collection in _collections(artists["dla_hatch"][code]):
                    collection.set_edgecolor(_DLA_COLOR)
                    collection.set_linewidth(0.0)
            levels = _levels_in_range([-dla_limit, dla_limit], dla_type)
            if levels.size:
                # solid: matplotlib dashes a one-colour set's negative levels
                artists["dla_max"][code] = ax.contour(x, y, dla_type, levels=levels,
                                                      colors=_DLA_COLOR, linewidths=2.2,
                                                      linestyles="solid", zorder=4)
    to_label += [(cs, _number_label, 8.5, True) for cs in artists["c3_max"].values()]
    to_label += [(cs, _number_label, 8, False) for cs in artists["c3"].values()]
    to_label += [(cs, _number_label, 7.5, False) for cs in artists["vinf"].values()]
    to_label += [(cs, _degree_label, 8, True) for cs in artists["dla_max"].values()]
    to_label += [(cs, _degree_label, 7, False) for cs in artists["dla"].values()]
    to_label += [(cs, _degree_label, 7, False) for cs in artists["rla"].values()]
    if artists["tof"] is not None:
        to_label.append((artists["tof"], _days_label, 7.5, False))
    line_handles[:0] = [
        Line2D([], [], color=_C3_COLOR, lw=1.0,
               label=f"C3 at {origin} departure, km\N{SUPERSCRIPT TWO}/s\N{SUPERSCRIPT TWO} "
                     "(blue labels)"),
        Line2D([], [], color=_VINF_COLOR, lw=1.0,
               label=f"v\N{INFINITY} at {target} arrival, km/s (red labels)")]
    if artists["dla"]:
        line_handles.append(Line2D([], [], color=_DLA_COLOR, lw=0.8, ls="dashdot",
                                   label=f"DLA at {origin} departure, deg (green labels)"))
    if artists["rla"]:
        line_handles.append(Line2D([], [], color=_RLA_COLOR, lw=0.8, ls="dotted",
                                   label=f"RLA at {origin} departure, deg (brown labels)"))
    if dla_limit is not None:
        limit_handles.append(Line2D(
            [], [], color=_DLA_COLOR, lw=2.2,
            label=f"DLA limit \N{PLUS-MINUS SIGN}{dla_limit:g}\N{DEGREE SIGN}: hatched "
                  "beyond it"))

    # Launch period under the C3 limit: the launch dates whose best arrival of
    # that type needs no more than c3_max.
    if limit is not None:
        parts = []
        for code in present:
            periods = _launch_periods(pc.launch_jd_tdb, np.where(types == code, c3, np.nan),
                                      limit)
            artists["c3_max_periods"][code] = periods
            text = ", ".join(f"{_iso(a)} to {_iso(b)} ({b - a:.0f} d)" for a, b in periods)
            parts.append(f"Type {_type_name(code)} {text or 'none'}")
            for first, last in periods:
                bars += _launch_bar(ax, first, last, code, limit)
        limit_handles.append(Line2D(
            [], [], color=_C3_COLOR, lw=2.6,
            label=f"C3 limit {limit:g} km\N{SUPERSCRIPT TWO}/s\N{SUPERSCRIPT TWO}, launch "
                  "period (bars above the date axis):\n" + "\n".join(parts)))

    # Minimum-C3 transfer of each type.
    for code in present:
        best = pc.optimum("min_c3", _type_name(code))
        bx, by = _date_num(_scalar(best.launch_jd_tdb)), _date_num(_scalar(best.arrival_jd_tdb))
        (marker,) = ax.plot([bx], [by], linestyle="none", marker=_OPTIMUM_MARKERS[code],
                            markersize=8, markerfacecolor="white", markeredgecolor="black",
                            markeredgewidth=1.6, zorder=6,
                            label=f"Type {_type_name(code)} min C3: {_describe(best)}")
        artists["optimum"][code] = marker
        point_handles.append(marker)

    if mark is not None:
        mx = _date_num(np.ravel(np.asarray(mark.launch_jd_tdb, dtype=np.float64)))
        my = _date_num(np.ravel(np.asarray(mark.arrival_jd_tdb, dtype=np.float64)))
        label = (f"Selected: {_describe(mark)}" if mx.size == 1
                 else f"Selected: {mx.size} transfers")
        (star,) = ax.plot(mx, my, linestyle="none", marker="*", markersize=15,
                          markerfacecolor="#e31a1c", markeredgecolor="black",
                          markeredgewidth=0.8, zorder=7, label=label)
        artists["mark"] = star
        point_handles.append(star)

    _date_axis(ax.xaxis, x)
    _date_axis(ax.yaxis, y)
    ax.set_xlim(float(np.min(x)), float(np.max(x)))
    ax.set_ylim(float(np.min(y)), float(np.max(y)))
    ax.grid(True, which="major", color="#c8c8c8", linewidth=0.6)
    ax.grid(True, which="minor", color="#e2e2e2", linewidth=0.4)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)
    ax.set_xlabel(f"Launch date ({origin} departure), TDB", fontsize=10)
    ax.set_ylabel(f"Arrival date ({target}), TDB", fontsize=10)
    if title is None:
        kind = view["kind"]
        title = (f"{pc.title()}\nballistic{kind}; ephemeris {pc.ephemeris_name}; "
                 f"asymptote angles {pc.angles}")
    ax.set_title(title, fontsize=12)
    _legend(fig, point_handles + limit_handles, line_handles + region_handles)
    # Lay the figure out before labelling: contour labels are placed and spaced in
    # screen coordinates, so the axes must already have their final size.
    fig.get_layout_engine().execute(fig)
    _label_contours(ax, to_label, obstacles=point_handles + bars, avoid=artists["ridge"])
    return fig, artists


def _legend(fig, long_entries, short_entries) -> None:
    """One legend under the axes: the points and the C3 limit (long labels) in the
    left column, the key to lines and regions in the right one."""
    from matplotlib.lines import Line2D

    rows = max(len(long_entries), len(short_entries))
    blank = Line2D([], [], linestyle="none", label=" ")
    handles = [*long_entries, *[blank] * (rows - len(long_entries)),
               *short_entries, *[blank] * (rows - len(short_entries))]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8.5,
               frameon=False, columnspacing=3.0)


def _label_contours(ax, to_label, obstacles=(), avoid=None) -> None:
    """Label contour sets without overlaps: place candidates, keep those clear of
    the labels already kept (sets earlier in ``to_label`` win), re-place inline.

    matplotlib labels each set on its own, so where contours crowd (along the
    180-degree ridge) labels of different sets pile up; a dropped label leaves
    no gap in its line because candidates are first placed without cutting.
    ``avoid``: (n, 2) data points (the type boundaries, where C3 and the
    angles jump and every contour set crowds) that no label may cover.
    """
    from matplotlib import patheffects

    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [artist.get_window_extent(renderer).padded(3) for artist in obstacles]
    ridge = (ax.transData.transform(avoid) if avoid is not None and len(avoid)
             else np.empty((0, 2)))
    for cs, fmt, size, bold in to_label:
        texts = cs.clabel(fmt=fmt, fontsize=size, inline=False)
        keep = []
        for text in texts:
            box = text.get_window_extent(renderer).padded(3)
            inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0
                      and box.y1 <= frame.y1)
            clear = not np.any(
                (ridge[:, 0] > box.x0 - _RIDGE_CLEARANCE_PX)
                & (ridge[:, 0] < box.x1 + _RIDGE_CLEARANCE_PX)
                & (ridge[:, 1] > box.y0 - _RIDGE_CLEARANCE_PX)
                & (ridge[:, 1] < box.y1 + _RIDGE_CLEARANCE_PX))
            if inside and clear and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                keep.append(text.get_position())
        while cs.labelTexts:
            cs.pop_label()
        cs.labelXYs = []
        for xy in keep:
            cs.add_label_near(*xy, inline=True, inline_spacing=2)
        for text in cs.labelTexts:
            # A white halo keeps a label legible where other contours cross it.
            text.set(fontweight="bold" if bold else "normal",
                     path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])


def _view(pc) -> dict:
    """The surfaces to draw. A PorkchopSet shows, cell by cell, the family with
    the lowest C3 (:meth:`~marsplan.transfer.porkchop.PorkchopSet.best_layer`)."""
    if not hasattr(pc, "layers"):
        return {"c3": np.asarray(pc.c3_km2s2, dtype=np.float64),
                "vinf": np.asarray(pc.vinf_arrival_kms, dtype=np.float64),
                "dla": np.asarray(pc.dla_deg, dtype=np.float64),
                "rla": np.asarray(pc.rla_deg, dtype=np.float64),
                "types": np.asarray(pc.type),
                "kind": "" if pc.revs == 0 else f", {pc.revs}-revolution {pc.branch} path"}
    best = pc.best_layer("min_c3")
    index = np.maximum(best, 0)[None]
    out = {}
    for key, field in (("c3", "c3_km2s2"), ("vinf", "vinf_arrival_kms"), ("dla", "dla_deg"),
                       ("rla", "rla_deg")):
        stack = np.stack([getattr(layer, field) for layer in pc.layers])
        out[key] = np.where(best >= 0, np.take_along_axis(stack, index, 0)[0], np.nan)
    stack = np.stack([layer.type for layer in pc.layers])
    out["types"] = np.where(best >= 0, np.take_along_axis(stack, index, 0)[0], 0)
    out["kind"] = (f", 0 to {pc.max_revs} revolutions (both branches), each cell's "
                   "lowest-C3 leg")
    return out


def _type_boundaries(x, y, types) -> np.ndarray:
    """(n, 2) data points midway between neighbouring cells of different types."""
    points = []
    for axis in (0, 1):
        a = types[:-1, :] if axis == 0 else types[:, :-1]
        b = types[1:, :] if axis == 0 else types[:, 1:]
        xa = x[:-1, :] if axis == 0 else x[:, :-1]
        xb = x[1:, :] if axis == 0 else x[:, 1:]
        ya = y[:-1, :] if axis == 0 else y[:, :-1]
        yb = y[1:, :] if axis == 0 else y[:, 1:]
        edge = (a != b) & (a > 0) & (b > 0)
        points.append(np.column_stack([0.5 * (xa[edge] + xb[edge]),
                                       0.5 * (ya[edge] + yb[edge])]))
    return np.concatenate(points)


def _unwrapped_rla(rla):
    """RLA with the cells next to its 0/360 wrap masked (they would draw a bundle
    of false contours along it)."""
    out = np.array(rla, dtype=np.float64)
    wrap = np.zeros(out.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        jump0 = np.abs(np.diff(out, axis=0)) > 180.0
        jump1 = np.abs(np.diff(out, axis=1)) > 180.0
    wrap[:-1, :] |= jump0
    wrap[1:, :] |= jump0
    wrap[:, :-1] |= jump1
    wrap[:, 1:] |= jump1
    out[wrap] = np.nan
    return out


def _collections(contour_set):
    """The drawable parts of a ContourSet (matplotlib >= 3.8 is one Collection)."""
    return getattr(contour_set, "collections", None) or [contour_set]


def _type_name(code) -> str:
    return _TYPES.get(int(code), str(int(code)))


def check_levels(levels, kind: str, name: str | None = None) -> np.ndarray:
    """Check contour levels of ``kind`` ("c3_levels", "vinf_levels", "dla_levels",
    "rla_levels") as the chart will; errors name ``name`` (default ``kind``)."""
    name = name or kind
    if kind == "dla_levels":
        return _check_angle_levels(levels, name, -90.0, 90.0)
    if kind == "rla_levels":
        return _check_angle_levels(levels, name, 0.0, 360.0)
    return _check_levels(levels, name)


def _check_angle_levels(levels, name, low, high) -> np.ndarray:
    try:
        out = np.asarray(levels, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected a sequence of numbers, got {levels!r}") from None
    if not (np.all(np.isfinite(out)) and np.all((out >= low) & (out <= high))
            and np.all(np.diff(out) > 0)):
        raise InputError(f"{name}: levels must be increasing, within {low:g} to {high:g} "
                         f"deg, got {levels!r}")
    return out


def _smoothed_type_side(types):
    """-1 on Type I cells, +1 on Type II, averaged over each cell's 3 x 3
    neighbours; NaN where no transfer exists. Its zero is the 180-degree ridge."""
    side = np.where(types == 1, -1.0, np.where(types == 2, 1.0, np.nan))
    padded = np.pad(side, 1, constant_values=np.nan)
    total = np.zeros_like(side)
    count = np.zeros_like(side)
    rows, cols = side.shape
    for di in range(3):
        for dj in range(3):
            window = padded[di:di + rows, dj:dj + cols]
            valid = np.isfinite(window)
            total += np.where(valid, window, 0.0)
            count += valid
    smooth = total / np.maximum(count, 1)
    return np.where(np.isnan(side), np.nan, smooth)


def _date_num(jd_tdb):
    """matplotlib date numbers of TDB Julian dates (honours rcParams['date.epoch'])."""
    from matplotlib import dates as mdates

    return mdates.date2num(jd_tdb_to_datetime64(jd_tdb))


def _date_axis(axis, values) -> None:
    """Month ticks (every 1, 2 or 3 months by span) with concise labels; minor grid at
    the 1st, 11th and 21st of each month on short spans, so dates read to ~5 days."""
    from matplotlib import dates as mdates

    span_days = float(np.max(values) - np.min(values))
    if span_days <= 430:
        axis.set_major_locator(mdates.MonthLocator())
        axis.set_minor_locator(mdates.DayLocator(bymonthday=(11, 21)))
    elif span_days <= 900:
        axis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, 2)))
        axis.set_minor_locator(mdates.MonthLocator())
    else:
        locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
        axis.set_major_locator(locator)
    axis.set_major_formatter(_DateFormatter())


def _DateFormatter():
    """Tick labels "Mar 1", with the year under the first visible tick and each January."""
    from matplotlib import dates as mdates
    from matplotlib.ticker import Formatter

    class DateFormatter(Formatter):
        def __call__(self, value, pos=None):
            return self.format_ticks([value])[0]

        def format_ticks(self, values):
            days = [mdates.num2date(v) for v in values]
            low, high = sorted(self.axis.get_view_interval()) if self.axis else (-np.inf, np.inf)
            visible = [i for i, v in enumerate(values) if low - 1e-6 <= v <= high + 1e-6]
            first = visible[0] if visible else 0
            return [f"{d:%b} {d.day}" + (f"\n{d:%Y}" if i == first or d.month == 1 else "")
                    for i, d in enumerate(days)]

    return DateFormatter()


def _default_levels(values, mantissas, count) -> np.ndarray:
    """``count`` nice levels from the first one above the finite minimum of ``values``."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.array([])
    low = float(np.min(finite))
    if low <= 0:
        low = 1e-3
    ladder = [m * 10.0 ** k for k in range(math.floor(math.log10(low)), 12)
              for m in mantissas]
    above = [round(v, 10) for v in ladder if v > low * (1 + 1e-9)]
    return np.array(above[:count])


def _check_levels(levels, name) -> np.ndarray:
    try:
        out = np.asarray(levels, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected a sequence of numbers, got {levels!r}") from None
    if not (np.all(np.isfinite(out)) and np.all(out > 0) and np.all(np.diff(out) > 0)):
        raise InputError(f"{name}: levels must be positive and increasing, got {levels!r}")
    return out


def _levels_in_range(levels, values) -> np.ndarray:
    """The levels a surface crosses (matplotlib warns for the others)."""
    finite = values[np.isfinite(values)]
    levels = np.asarray(levels, dtype=np.float64)
    if finite.size == 0:
        return levels[:0]
    return levels[(levels > np.min(finite)) & (levels < np.max(finite))]


def _tof_levels(tof_days, step_days) -> np.ndarray:
    low, high = max(float(np.min(tof_days)), 0.0), float(np.max(tof_days))
    if step_days is None:
        step_days = 100.0 if high - low > 400 else 50.0
    if not (_is_real(step_days) and math.isfinite(step_days) and step_days > 0):
        raise InputError(f"tof_step_days: must be a positive number of days, got {step_days!r}")
    first = math.floor(low / step_days) + 1
    levels = step_days * np.arange(first, math.floor(high / step_days) + 1)
    return levels[(levels > low) & (levels < high)]


def _launch_periods(launch_jd, c3_of_type, limit) -> list[tuple[float, float]]:
    """Runs of consecutive launch dates with some arrival at C3 <= ``limit``."""
    with np.errstate(invalid="ignore"):
        ok = np.any(c3_of_type <= limit, axis=1)
    periods, start = [], None
    for i, flag in enumerate(ok):
        if flag and start is None:
            start = i
        if start is not None and (not flag or i == ok.size - 1):
            end = i if flag else i - 1
            periods.append((float(launch_jd[start]), float(launch_jd[end])))
            start = None
    return periods


def _launch_bar(ax, first_jd, last_jd, code, limit) -> list:
    """A bracket just above the launch-date axis over a launch period, its type
    written above its middle (x in data coordinates, y in axes fractions)."""
    first, last = _date_num(first_jd), _date_num(last_jd)
    y = 0.022 + 0.046 * (code - 1)
    transform = ax.get_xaxis_transform()
    style = {"transform": transform, "color": _C3_COLOR, "zorder": 5}
    drawn = ax.plot([first, last], [y, y], lw=3.0, solid_capstyle="butt", **style)
    for end in (first, last):
        drawn += ax.plot([end, end], [y - 0.012, y + 0.012], lw=1.2, **style)
    drawn.append(ax.text(0.5 * (first + last), y + 0.008,
            f"Type {_TYPES[code]}, C3 \N{LESS-THAN OR EQUAL TO} {limit:g}: {_iso(first_jd)} to "
            f"{_iso(last_jd)} ({last_jd - first_jd:.0f} d)", fontsize=7.5, ha="center",
            va="bottom", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none",
                               "pad": 0.8}, **style))
    return drawn


def _describe(transfer) -> str:
    launch = _scalar(transfer.launch_jd_tdb)
    arrival = _scalar(transfer.arrival_jd_tdb)
    return (f"C3 {_scalar(transfer.c3_km2s2):.2f} km\N{SUPERSCRIPT TWO}/s\N{SUPERSCRIPT TWO}, "
            f"v\N{INFINITY} {_scalar(transfer.vinf_arrival_kms):.2f} km/s; "
            f"launch {_iso(launch)}, arrive {_iso(arrival)} ({arrival - launch:.0f} d)")


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _scalar(value) -> float:
    return float(np.ravel(np.asarray(value, dtype=np.float64))[0])


def _iso(jd_tdb) -> str:
    return str(jd_tdb_to_iso(jd_tdb, "days"))


def _number_label(value) -> str:
    return f"{value:g}"


def _degree_label(value) -> str:
    return f"{value:g}\N{DEGREE SIGN}"


def _days_label(value) -> str:
    return f"{value:g} d"


def _body_name(body: str) -> str:
    return _BODY_NAMES.get(body, body.capitalize())
