"""The mission chart: a round trip to Mars drawn in the ecliptic plane.

Heliocentric x and y (ecliptic J2000, AU, equal scales) as seen from the
ecliptic north pole, planets moving anticlockwise: the Sun; one sidereal
period of the orbits of Venus, Earth and Mars taken from the ephemeris; each
ballistic leg as the spacecraft's Kepler arc from its departure state; the
stay at Mars as Mars's own motion between arrival and departure (the crew
rides with the planet); and each event of the timeline marked where its
planet is on that date, labelled with the date. A side panel holds the
legend and the timeline with the delta-v of each maneuver.

Only the projection onto the ecliptic is drawn; the legs' few degrees of
inclination are not shown. matplotlib is imported inside the functions and
only through its object-oriented API (``Figure`` plus an Agg canvas, no
pyplot), as in :mod:`marsplan.plots.porkchop`.
"""

from __future__ import annotations

import math

import numpy as np

from marsplan.constants import AU_KM, DAY_S, GM_SUN_KM3S2
from marsplan.errors import InputError
from marsplan.plots._common import check_dpi, format_of, save_figure
from marsplan.time import jd_tdb_to_iso

# Sidereal orbital periods, days: NASA GSFC Planetary Fact Sheets (D. R.
# Williams, nssdc.gsfc.nasa.gov/planetary/factsheet). They only set how much of
# each orbit is drawn: one revolution, so the ephemeris curve closes on itself.
SIDEREAL_PERIOD_DAYS = {"venus": 224.701, "earth": 365.256, "mars": 686.980}
_ORBIT_SAMPLES = 400

_BODY_COLORS = {"venus": "#b8860b", "earth": "#2166ac", "emb": "#2166ac", "mars": "#c1440e"}
_OTHER_BODY_COLOR = "#555555"
# One colour per leg, in time order: purple, teal, magenta (Okabe-Ito-like hues,
# far from the planets' gold, blue and red, and apart for colour-blind readers).
_LEG_COLORS = ("#6a3d9a", "#009e73", "#cc79a7", "#e69f00")
_SUN_COLOR = "#f6c700"
_BODY_NAMES = {"emb": "Earth-Moon barycentre"}

# Candidate label offsets from an event's marker, points: 16 directions at
# growing distances. The first candidate free of other labels and of lines wins
# (see _place_labels).
_LABEL_ANGLES_DEG = np.arange(0.0, 360.0, 22.5)
_LABEL_RADII_PT = (10.0, 20.0, 32.0, 46.0, 62.0)


def plot_mission(mission, path, *, title=None, dpi=150, ephemeris=None):
    """Draw ``mission`` in the ecliptic plane: orbits, legs, stay and dated events.

    Parameters
    ----------
    mission : marsplan.transfer.mission.Mission
        The round trip to draw (any class, with or without a Venus swing-by).
    path : str or os.PathLike
        Output file; ``.png``, ``.svg`` or ``.pdf`` by its extension. The parent
        directory is created; the file is replaced atomically.
    title : str, optional
        Defaults to the class, the encounter dates, the duration and the total
        delta-v.
    dpi : float
        Resolution of a PNG (and of any raster part of a PDF or SVG).
    ephemeris : marsplan.Ephemeris, optional
        Source of the planets' orbits and event positions; DE440 by default.
        Use the one the mission was computed with.

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Raises
    ------
    InputError
        An extension other than .png, .svg, .pdf; a non-positive ``dpi``; a
        mission without legs.
    EphemerisRangeError
        An orbit or event date outside the ephemeris.
    """
    fmt = format_of(path, "a mission chart")
    check_dpi(dpi)
    fig, _ = _draw(mission, title=title, ephemeris=ephemeris)
    save_figure(fig, path, fmt, dpi)
    return path


def _draw(mission, *, title=None, ephemeris=None):
    """Build the chart's Figure (on an Agg canvas); return it with its artists.

    The artists are a dict, every line's data in AU (ecliptic J2000 x, y):
    ``ax`` the orbit axes; ``sun`` its marker; ``orbits`` maps "venus",
    "earth", "mars" to its orbit line; ``legs`` the legs' arcs, in the order
    of ``mission.legs``; ``stay`` Mars's motion during the stay (None for a
    flyby); ``events`` the list of ``mission.events()`` and, aligned with
    it, ``event_markers`` (one-point Line2D) and ``event_labels``
    (Annotations); ``timeline`` the timeline's Text; ``legend``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from marsplan.ephemeris import default_ephemeris
    from marsplan.twobody import propagate

    if not mission.legs:
        raise InputError("mission: it has no legs to draw")
    eph = ephemeris or default_ephemeris()
    events = mission.events()

    fig = Figure(figsize=(13.0, 8.4), layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(1, 2, width_ratios=(8.0, 4.6))
    ax = fig.add_subplot(grid[0, 0])
    side = fig.add_subplot(grid[0, 1])
    side.set_axis_off()
    artists = {"ax": ax, "orbits": {}, "legs": [], "stay": None, "events": events,
               "event_markers": [], "event_labels": []}
    handles = []

    (sun,) = ax.plot([0.0], [0.0], linestyle="none", marker="o", markersize=13,
                     markerfacecolor=_SUN_COLOR, markeredgecolor="#d08000", zorder=5,
                     label="Sun")
    artists["sun"] = sun
    handles.append(sun)

    # Orbits: one sidereal period from the Earth departure, from the ephemeris.
    start = mission.earth_departure_jd_tdb
    for body in ("venus", "earth", "mars"):
        jd = start + np.linspace(0.0, SIDEREAL_PERIOD_DAYS[body], _ORBIT_SAMPLES)
        r_km, _ = eph.state_jd(body, jd)
        (line,) = ax.plot(r_km[:, 0] / AU_KM, r_km[:, 1] / AU_KM, color=_BODY_COLORS[body],
                          lw=0.9, alpha=0.55, zorder=1, label=f"Orbit of {body.capitalize()}")
        artists["orbits"][body] = line
        handles.append(line)

    # Legs: the spacecraft's conic from its departure state, by Kepler propagation.
    for n, leg in enumerate(mission.legs):
        tof_days = leg.arrival_jd_tdb - leg.departure_jd_tdb
        if not (math.isfinite(tof_days) and tof_days > 0):
            raise InputError(f"mission: leg {n + 1} ({leg.origin} to {leg.target}) has a "
                             f"time of flight of {tof_days} days; it must be positive")
        samples = max(200, int(2 * tof_days))
        dt_s = np.linspace(0.0, tof_days * DAY_S, samples)
        r_km, _ = propagate(np.asarray(leg.r1_km, dtype=np.float64),
                            np.asarray(leg.v1_kms, dtype=np.float64), dt_s, GM_SUN_KM3S2)
        x, y = r_km[:, 0] / AU_KM, r_km[:, 1] / AU_KM
        color = _LEG_COLORS[n % len(_LEG_COLORS)]
        direction = ("Outbound" if leg.arrival_jd_tdb <= mission.mars_arrival_jd_tdb
                     else "Inbound")
        label = (f"{direction}: {_body_name(leg.origin)} \N{RIGHTWARDS ARROW} "
                 f"{_body_name(leg.target)}, {_iso(leg.departure_jd_tdb)} to "
                 f"{_iso(leg.arrival_jd_tdb)} ({tof_days:.0f} d)")
        (line,) = ax.plot(x, y, color=color, lw=2.2, zorder=3, label=label)
        artists["legs"].append(line)
        handles.append(line)

    # The stay: the crew moves with Mars between arrival and departure.
    if mission.stay_days > 0:
        jd = np.linspace(mission.mars_arrival_jd_tdb, mission.mars_departure_jd_tdb,
                         max(100, int(mission.stay_days)))
        r_km, _ = eph.state_jd("mars", jd)
        (line,) = ax.plot(r_km[:, 0] / AU_KM, r_km[:, 1] / AU_KM, color=_BODY_COLORS["mars"],
                          lw=2.4, linestyle=(0, (1, 1.6)), dash_capstyle="round", zorder=2,
                          label=f"Stay at Mars, {mission.stay_days:.0f} d (Mars's motion)")
        artists["stay"] = line
        handles.append(line)

    # Events: the planet where it is on the day.
    for event in events:
        r_km, _ = eph.state_jd(event.body, event.jd_tdb)
        color = _BODY_COLORS.get(event.body, _OTHER_BODY_COLOR)
        (marker,) = ax.plot([r_km[0] / AU_KM], [r_km[1] / AU_KM], linestyle="none", marker="o",
                            markersize=7.5, markerfacecolor=color, markeredgecolor="black",
                            markeredgewidth=0.9, zorder=6)
        artists["event_markers"].append(marker)
    handles.append(_marker_key())
    spots = [(m.get_xdata()[0], m.get_ydata()[0]) for m in artists["event_markers"]]
    for line in artists["legs"]:
        _direction_arrow(ax, line.get_xdata(), line.get_ydata(), line.get_color(), spots)

    # Square limits about the Sun, a margin beyond everything drawn for the labels.
    drawn_au = np.concatenate([line.get_xydata() for line in ax.get_lines()])
    limit = 1.12 * max(float(np.max(np.abs(drawn_au))), 1e-3)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(True, color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)
    ax.set_xlabel("x, AU (heliocentric ecliptic J2000; +x to the March equinox)", fontsize=9.5)
    ax.set_ylabel("y, AU", fontsize=9.5)
    ax.set_title(title if title is not None else _title(mission, events), fontsize=12)

    artists["legend"] = side.legend(handles=handles, loc="upper left", fontsize=9,
                                    frameon=False, borderaxespad=0.0, handlelength=2.6)
    # Lay the figure out first: labels are placed in screen coordinates.
    fig.get_layout_engine().execute(fig)
    # The timeline goes right under the legend, inside the side panel (so the
    # layout, which has already run, need not make room for it).
    renderer = fig.canvas.get_renderer()
    legend_box = artists["legend"].get_window_extent(renderer)
    below = side.transAxes.inverted().transform((legend_box.x0, legend_box.y0))[1]
    artists["timeline"] = side.text(
        0.012, below - 0.045, _timeline(mission, events), transform=side.transAxes, ha="left",
        va="top", fontsize=8.5, family="monospace", linespacing=1.35,
        bbox={"boxstyle": "round,pad=0.6", "facecolor": "#f7f7f7", "edgecolor": "#bbbbbb"})
    artists["event_labels"] = _place_labels(ax, events, artists["event_markers"], sun)
    return fig, artists


def _direction_arrow(ax, x, y, color, avoid) -> None:
    """An arrowhead on an arc, pointing the way the spacecraft flies: at its middle
    (in time), or the nearest point a little away from the ``avoid`` points (AU),
    where an event marker would hide it."""
    gap_au = 0.12
    for fraction in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        k = min(max(int(fraction * (len(x) - 1)), 1), len(x) - 2)
        if all(math.hypot(x[k] - a, y[k] - b) > gap_au for a, b in avoid):
            break
    else:
        k = len(x) // 2
    ax.annotate("", xy=(x[k + 1], y[k + 1]), xytext=(x[k - 1], y[k - 1]), zorder=3,
                arrowprops={"arrowstyle": "-|>,head_length=0.8,head_width=0.4",
                            "color": color, "lw": 0.0, "shrinkA": 0.0, "shrinkB": 0.0})


def _marker_key():
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", marker="o", markersize=7.5, markerfacecolor="white",
                  markeredgecolor="black", markeredgewidth=0.9,
                  label="Planet on the day of an event (labelled with the date)")


def _place_labels(ax, events, markers, sun) -> list:
    """Label each event marker with its name and date where the label covers the
    fewest lines and no other label.

    matplotlib places text where it is told, so labels of events close together
    (a Mars arrival and departure a few weeks apart, or an Earth return near the
    departure point) would pile up. Each label tries offsets in 16 directions at
    growing distances and takes the cheapest one: overlapping another label or
    leaving the axes is ruled out, crossing a line costs by its length under
    the label, and distance costs a little, so a label sits next to its marker
    unless it must move away (then a thin leader line joins them).
    """
    from matplotlib import patheffects
    from matplotlib.text import Text

    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    points = _line_points_display(ax)
    taken = [m.get_window_extent(renderer).padded(2) for m in markers]
    taken.append(sun.get_window_extent(renderer).padded(2))
    pt_px = renderer.points_to_pixels(1.0)
    labels = []
    for event, marker in zip(events, markers):
        x, y = marker.get_xdata()[0], marker.get_ydata()[0]
        own = marker.get_window_extent(renderer).padded(2)
        label = ax.annotate(
            f"{event.name}\n{_iso(event.jd_tdb)}", xy=(x, y), xytext=(0.0, 0.0),
            textcoords="offset points", fontsize=8.5, zorder=7, linespacing=1.15,
            path_effects=[patheffects.withStroke(linewidth=2.6, foreground="white")],
            arrowprops={"arrowstyle": "-", "color": "#444444", "lw": 0.6, "shrinkA": 1.5,
                        "shrinkB": 4.5})
        # Prefer the side facing away from the Sun: the inside of the orbits is busier.
        outward = math.atan2(y, x)
        best = None
        for radius in _LABEL_RADII_PT:
            for angle in np.radians(_LABEL_ANGLES_DEG):
                dx, dy = radius * math.cos(angle), radius * math.sin(angle)
                _aim(label, dx, dy)
                label.update_positions(renderer)
                box = Text.get_window_extent(label, renderer).padded(2)
                if not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                        and box.y1 <= frame.y1):
                    continue
                if any(box.overlaps(other) for other in taken if other is not own):
                    continue
                inside = ((points[:, 0] > box.x0) & (points[:, 0] < box.x1)
                          & (points[:, 1] > box.y0) & (points[:, 1] < box.y1))
                crossed_px = float(np.sum(points[inside, 2]))
                turn = abs(math.remainder(angle - outward, 2 * math.pi))
                cost = crossed_px + 0.6 * radius * pt_px + 4.0 * turn
                if best is None or cost < best[0]:
                    best = (cost, dx, dy, box)
            if best is not None and best[0] < 0.6 * _LABEL_RADII_PT[-1] * pt_px:
                break  # a clean spot at this distance beats any farther one
        if best is None:  # nowhere free: keep the nearest spot, overlapping
            best = (0.0, _LABEL_RADII_PT[0], 0.0, None)
        _, dx, dy, box = best
        _aim(label, dx, dy)
        if box is not None:
            taken.append(box)
        if math.hypot(dx, dy) <= _LABEL_RADII_PT[0]:
            label.arrow_patch.set_visible(False)  # next to the marker: no leader needed
        labels.append(label)
    return labels


def _aim(label, dx, dy) -> None:
    """Put ``label`` at offset (dx, dy) points, aligned to face its marker."""
    label.xyann = (dx, dy)
    label.set_horizontalalignment("left" if dx > 3 else "right" if dx < -3 else "center")
    label.set_verticalalignment("bottom" if dy > 3 else "top" if dy < -3 else "center")


def _line_points_display(ax):
    """Points along every drawn line (display pixels), about 2 px apart, with the
    length of line each stands for, so a sum over a box is the length it covers."""
    chunks = []
    for line in ax.get_lines():
        xy = ax.transData.transform(line.get_xydata())
        if len(xy) < 2:
            continue
        step = np.hypot(*np.diff(xy, axis=0).T)
        pieces = np.maximum(np.ceil(step / 2.0), 1).astype(int)
        for (a, b), n, length in zip(zip(xy[:-1], xy[1:]), pieces, step):
            t = (np.arange(n) + 0.5)[:, None] / n
            chunks.append(np.column_stack([a + t * (b - a), np.full(n, length / n)]))
    return np.concatenate(chunks) if chunks else np.empty((0, 3))


def _title(mission, events) -> str:
    kind = {"conjunction": "Conjunction-class mission", "opposition": "Opposition-class mission",
            "flyby": "Mars flyby (free return)"}.get(mission.mission_class,
                                                     f"{mission.mission_class} mission")
    if mission.flyby:
        kind += f" with a {mission.flyby.capitalize()} swing-by"
    stops = []  # consecutive events at one body merge: "Mars 2034-01-27 to 2035-05-15"
    for event in events:
        name, date = _body_name(event.body), _iso(event.jd_tdb)
        if stops and stops[-1][0] == name:
            stops[-1][2] = date
        else:
            stops.append([name, date, None])
    route = " \N{RIGHTWARDS ARROW} ".join(
        f"{name} {first}" + (f" to {last}" if last else "") for name, first, last in stops)
    stay = f" ({mission.stay_days:.0f} at Mars)" if mission.stay_days > 0 else ""
    return (f"{kind}\n{route}\n{mission.duration_days:.0f} days{stay}; total "
            f"\N{GREEK CAPITAL LETTER DELTA}v {mission.dv_total_kms:.2f} km/s")


def _timeline(mission, events) -> str:
    lines = ["Timeline (TDB)"]
    for event in events:
        lines.append(f"{_iso(event.jd_tdb)}  {event.name}")
        if event.detail:
            lines.append(f"    {_pretty(event.detail)}")
    stay = f", {mission.stay_days:.0f} at Mars" if mission.stay_days > 0 else ""
    lines += ["", f"{mission.duration_days:.0f} days{stay}",
              f"\N{GREEK CAPITAL LETTER DELTA}v {mission.dv_total_kms:.2f} km/s in all:"]
    parts = (("Earth departure", mission.dv_departure_kms),
             ("Mars capture", mission.dv_mars_arrival_kms),
             ("Mars departure", mission.dv_mars_departure_kms),
             ("powered flybys", mission.dv_flyby_kms),
             ("Earth return", mission.dv_earth_return_kms))
    lines += [f"  {value:5.2f}  {name}" for name, value in parts if value > 0]
    return "\n".join(lines)


def _pretty(detail: str) -> str:
    """Event details as typeset text: km^2/s^2 -> km²/s², v-inf -> v∞, dv -> Δv."""
    return (detail.replace("^2", "\N{SUPERSCRIPT TWO}").replace("v-inf", "v\N{INFINITY}")
            .replace("dv ", "\N{GREEK CAPITAL LETTER DELTA}v "))


def _iso(jd_tdb) -> str:
    # The CLI's day (truncated, never rounded to the next one, as the report's dates).
    return str(jd_tdb_to_iso(jd_tdb, "seconds"))[:10]


def _body_name(body: str) -> str:
    return _BODY_NAMES.get(body, body.capitalize())
