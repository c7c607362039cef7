"""Crew charts: the cumulative radiation dose and the one-way light time.

Both are drawn over calendar dates (TDB). :func:`plot_dose` draws a
:class:`~marsplan.crew.radiation.DoseReport`: the dose accumulated day by day,
each stretch of the mission shaded by where the crew is (cruise, Mars orbit,
surface), NASA's career limit as a line, and the career dose of members who
carry a prior dose. :func:`plot_light_time` draws the light time from
:func:`marsplan.crew.comms.light_time` with the solar-conjunction blackouts
shaded. No physics here: the numbers come from :mod:`marsplan.crew`.

matplotlib is imported inside the functions and only through its
object-oriented API (``Figure`` plus an Agg canvas, no pyplot), as in
:mod:`marsplan.plots.porkchop`.
"""

from __future__ import annotations

import numpy as np

from marsplan.errors import InputError
from marsplan.plots._common import check_dpi, format_of, save_figure
from marsplan.time import jd_tdb_to_datetime64, jd_tdb_to_iso

# Phase tints: light enough for the dose line to read over them, apart in hue
# (blue for deep space, rust for orbit, sand for the ground).
_PHASE_COLORS = {"cruise": "#dbe8f5", "mars_orbit": "#f6dcc8", "surface": "#efe3b8"}
_PHASE_NAMES = {"cruise": "Interplanetary cruise", "mars_orbit": "Mars orbit",
                "surface": "Mars surface"}
_DOSE_COLOR = "#1f4e9c"
_LIMIT_COLOR = "#b2182b"
_CAREER_COLORS = ("#6a3d9a", "#009e73", "#cc79a7", "#e69f00")
_LIGHT_COLOR = "#1f4e9c"
_BLACKOUT_COLOR = "#f2b8b8"
_MAX_CAREER_LINES = 4


def plot_dose(report, path, *, title=None, dpi=150):
    """Draw a mission's cumulative GCR dose against NASA's career limit.

    Parameters
    ----------
    report : marsplan.crew.radiation.DoseReport
        From :func:`marsplan.crew.radiation.mission_dose`.
    path : str or os.PathLike
        Output file; ``.png``, ``.svg`` or ``.pdf`` by its extension. The parent
        directory is created; the file is replaced atomically.
    title : str, optional
        Defaults to the mission's class and dates, the total and its share of
        the limit.
    dpi : float
        Resolution of a PNG (and of any raster part of a PDF or SVG).

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Raises
    ------
    InputError
        An extension other than .png, .svg, .pdf; a non-positive ``dpi``.
    """
    fmt = format_of(path, "a dose chart")
    check_dpi(dpi)
    fig, _ = _draw_dose(report, title=title)
    save_figure(fig, path, fmt, dpi)
    return path


def plot_light_time(jd, minutes, blackouts, path, *, title=None, dpi=150,
                    earth_mars_min=None):
    """Draw the one-way light time over a mission, blackouts shaded.

    Parameters
    ----------
    jd, minutes : array_like, shape (N,)
        TDB Julian dates and one-way light times, minutes, as returned by
        :func:`marsplan.crew.comms.light_time`; N >= 2.
    blackouts : sequence of marsplan.crew.comms.Blackout
        Shaded where they overlap the dates (those outside are left out).
    earth_mars_min : array_like, shape (N,), optional
        Earth-Mars light time, NaN where it is not to be shown (outside the
        stay at Mars): drawn dashed over the crew's.
    path : str or os.PathLike
        Output file; ``.png``, ``.svg`` or ``.pdf`` by its extension.
    title : str, optional
        Defaults to the dates and the light time's range.
    dpi : float
        Resolution of a PNG.

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Raises
    ------
    InputError
        An extension other than .png, .svg, .pdf; a non-positive ``dpi``;
        ``jd`` and ``minutes`` of different shapes, fewer than 2 points, or
        not finite.
    """
    fmt = format_of(path, "a light-time chart")
    check_dpi(dpi)
    fig, _ = _draw_light_time(jd, minutes, blackouts, title=title, earth_mars_min=earth_mars_min)
    save_figure(fig, path, fmt, dpi)
    return path


def _new_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11.0, 5.6), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _date_axis(ax) -> None:
    from matplotlib import dates as mdates

    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)
    ax.set_xlabel("Date (TDB)", fontsize=9.5)


def _dates(jd_tdb):
    return jd_tdb_to_datetime64(np.asarray(jd_tdb, dtype=np.float64))


def _iso(jd_tdb) -> str:
    """``2033-04-21 01:54`` (TDB): the day the CLI prints, never rounded to the next."""
    return str(jd_tdb_to_iso(jd_tdb, "seconds"))[:16].replace("T", " ")


def _draw_dose(report, *, title=None):
    """Build the dose chart's Figure; return it with a dict of its artists:
    ``ax``, ``dose`` (the cumulative line, y in mSv), ``spans`` (one shaded
    patch per stretch, aligned with ``report.phases``), ``limit`` (the career
    limit line), ``careers`` (prior + mission lines, one per distinct prior
    dose > 0), ``total`` (the end label), ``legend``."""
    from matplotlib.patches import Patch

    jd = np.asarray(report.series_jd_tdb, dtype=np.float64)
    dose = np.asarray(report.series_dose_msv, dtype=np.float64)
    fig, ax = _new_figure()
    artists = {"ax": ax, "spans": [], "careers": []}
    handles, seen = [], set()
    for phase in report.phases:
        span = ax.axvspan(_dates(phase.start_jd_tdb), _dates(phase.end_jd_tdb),
                          color=_PHASE_COLORS.get(phase.phase, "#eeeeee"), lw=0, zorder=0)
        artists["spans"].append(span)
        if phase.phase not in seen:
            seen.add(phase.phase)
            handles.append(Patch(color=_PHASE_COLORS.get(phase.phase, "#eeeeee"),
                                 label=f"{_PHASE_NAMES.get(phase.phase, phase.phase)}: "
                                       f"{report.days_in(phase.phase):.0f} d, "
                                       f"{report.dose_in(phase.phase):.0f} mSv"))

    x = _dates(jd)
    (line,) = ax.plot(x, dose, color=_DOSE_COLOR, lw=2.2, zorder=3,
                      label="Mission dose (each crew member)")
    artists["dose"] = line
    handles.insert(0, line)

    priors = sorted({m.prior_dose_msv for m in report.members if m.prior_dose_msv > 0},
                    reverse=True)
    for n, prior in enumerate(priors[:_MAX_CAREER_LINES]):
        who = [m.member for m in report.members if m.prior_dose_msv == prior]
        names = ", ".join(who[:3]) + (f" +{len(who) - 3}" if len(who) > 3 else "")
        (career,) = ax.plot(x, prior + dose, color=_CAREER_COLORS[n % len(_CAREER_COLORS)],
                            lw=1.4, linestyle=(0, (5, 2)), zorder=3,
                            label=f"Career dose, {names} (prior {prior:.0f} mSv)")
        artists["careers"].append(career)
        handles.append(career)

    # One line per distinct career limit, naming the partners held to it.
    by_limit: dict[float, list[str]] = {}
    for m in report.members:
        who = m.partner or m.member
        if who not in by_limit.setdefault(m.career_limit_msv, []):
            by_limit[m.career_limit_msv].append(who)
    if not by_limit:
        by_limit = {report.career_limit_msv: []}
    artists["limits"] = []
    for n, (value, who) in enumerate(sorted(by_limit.items())):
        source = ("NASA-STD-3001 Rev. B" if value == 600.0 and who == ["nasa"]
                  else "career limit")
        who = [w.upper() if len(w) <= 4 else w.capitalize() for w in who]
        label = (f"{', '.join(who)}: {source}, {value:.0f} mSv" if who
                 else f"NASA career limit, {value:.0f} mSv (NASA-STD-3001 Rev. B)")
        line_ = ax.axhline(value, color=_LIMIT_COLOR, lw=1.6, zorder=2, label=label,
                           linestyle=("--", ":", "-.", (0, (1, 3)))[n % 4])
        artists["limits"].append(line_)
        handles.append(line_)
    artists["limit"] = artists["limits"][0]
    limit = max(by_limit)
    top = max(limit, float(dose[-1]) + (priors[0] if priors else 0.0))
    ax.set_ylim(0.0, 1.12 * top)
    ax.set_xlim(x[0], x[-1])
    # The total, top right: every line stays below 1 / 1.12 of the axes' height.
    artists["total"] = ax.text(
        0.99, 0.985, f"Mission dose {report.total_msv:.0f} mSv, "
                     f"{100 * report.fraction_of_limit:.0f} % of the lowest limit",
        transform=ax.transAxes, ha="right", va="top", fontsize=9, color=_DOSE_COLOR, zorder=4,
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none",
              "alpha": 0.85})
    _date_axis(ax)
    ax.set_ylabel("Cumulative dose equivalent, mSv (GCR)", fontsize=9.5)
    artists["legend"] = ax.legend(handles=handles, loc="upper left", fontsize=8.5,
                                  framealpha=0.92)
    ax.set_title(title if title is not None else _dose_title(report), fontsize=11.5)
    return fig, artists


def _dose_title(report) -> str:
    kind = {"conjunction": "Conjunction-class", "opposition": "Opposition-class",
            "flyby": "Flyby"}.get(report.mission_class, str(report.mission_class).capitalize())
    return (f"{kind} mission {_iso(report.earth_departure_jd_tdb)} to "
            f"{_iso(report.earth_arrival_jd_tdb)}: galactic cosmic ray dose "
            f"{report.total_msv:.0f} mSv\n{100 * report.fraction_of_limit:.0f} % of the lowest "
            f"career limit; MSL/RAD rates scaled by the solar cycle and shielding")


def _draw_light_time(jd, minutes, blackouts, *, title=None, earth_mars_min=None):
    """Build the light-time chart's Figure; return it with a dict of its artists:
    ``ax``, ``line`` (y in minutes), ``spans`` (one shaded patch per blackout
    shown), ``shown`` (those blackouts), ``labels``, ``legend``."""
    from matplotlib.patches import Patch

    jd = np.asarray(jd, dtype=np.float64)
    minutes = np.asarray(minutes, dtype=np.float64)
    if jd.ndim != 1 or jd.shape != minutes.shape or jd.size < 2:
        raise InputError(f"jd, minutes: need two 1-D arrays of one length >= 2, got shapes "
                         f"{jd.shape} and {minutes.shape}")
    if not (np.all(np.isfinite(jd)) and np.all(np.isfinite(minutes))):
        raise InputError("jd, minutes: every value must be finite")
    fig, ax = _new_figure()
    x = _dates(jd)
    (line,) = ax.plot(x, minutes, color=_LIGHT_COLOR, lw=2.0, zorder=3,
                      label="One-way light time, Earth to the crew")
    artists = {"ax": ax, "line": line, "spans": [], "shown": [], "labels": []}
    handles = [line]
    if earth_mars_min is not None:
        at_mars = np.asarray(earth_mars_min, dtype=np.float64)
        if at_mars.shape != jd.shape:
            raise InputError(f"earth_mars_min: shape {at_mars.shape} differs from jd's "
                             f"{jd.shape}")
        if np.isfinite(at_mars).any():
            (mars_line,) = ax.plot(x, at_mars, color="#b35806", lw=1.4, linestyle="--",
                                   zorder=4, label="Earth to Mars, while the crew is there")
            artists["earth_mars"] = mars_line
            handles.append(mars_line)
    lo, hi = float(jd.min()), float(jd.max())
    top = float(minutes.max())
    ax.set_ylim(0.0, 1.15 * top if top > 0 else 1.0)
    for b in blackouts:
        start, end = max(b.start_jd_tdb, lo), min(b.end_jd_tdb, hi)
        if not end >= start:
            continue
        span = ax.axvspan(_dates(start), _dates(end), color=_BLACKOUT_COLOR, lw=0, zorder=1)
        artists["spans"].append(span)
        artists["shown"].append(b)
        label = ax.annotate(
            f"{_iso(b.start_jd_tdb)} to {_iso(b.end_jd_tdb)}\n"
            f"{b.duration_days:.1f} d, min {b.min_elongation_deg:.2f}\N{DEGREE SIGN}",
            xy=(_dates(0.5 * (start + end)), 1.02 * top), ha="center", va="bottom",
            fontsize=8, color="#7a1f1f", zorder=4)
        artists["labels"].append(label)
    if artists["shown"]:
        threshold = artists["shown"][0].threshold_deg
        handles.append(Patch(color=_BLACKOUT_COLOR,
                             label=f"Solar conjunction: Mars within {threshold:g}\N{DEGREE SIGN} "
                                   "of the Sun, no link"))
    ax.set_xlim(x[0], x[-1])
    _date_axis(ax)
    ax.set_ylabel("One-way light time, min", fontsize=9.5)
    artists["legend"] = ax.legend(handles=handles, loc="lower right", fontsize=8.5,
                                  framealpha=0.92)
    if title is None:
        title = (f"One-way light time from Earth to the crew, {_iso(lo)} to {_iso(hi)} TDB: "
                 f"{float(minutes.min()):.1f} to {top:.1f} min "
                 f"(a round trip {2 * float(minutes.min()):.0f} to {2 * top:.0f} min)")
    ax.set_title(title, fontsize=11.5)
    return fig, artists
