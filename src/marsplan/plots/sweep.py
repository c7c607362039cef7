"""Charts of a sweep, from its dataset (:func:`marsplan.sweep.load`): nothing is computed here.

* :func:`plot_feasibility`: opportunity x coalition, each cell coloured by the
  best verdict among the cell's rows (the other axes: classes, variants), with
  how many of them fly; one panel per mission class.
* :func:`plot_heatmaps`: IMLEO and cost, opportunity x coalition, the least
  among the cell's rows that fly (with or without a waiver), else blank.
* :func:`plot_dv_duration`: total delta-v against mission duration, one point
  per planned row, coloured by class, marked by verdict.

matplotlib's object-oriented API only (``Figure`` and an Agg canvas), as in
:mod:`marsplan.plots.porkchop`.
"""

from __future__ import annotations

import math

from marsplan.errors import InputError
from marsplan.plots._common import check_dpi, format_of, save_figure

__all__ = ["plot_dv_duration", "plot_feasibility", "plot_heatmaps", "plot_sweep"]

#: Verdicts best first, with Okabe-Ito colours (apart for colour-blind readers).
VERDICTS = (("flies", "#009e73", "flies"), ("flies_with_waiver", "#e69f00", "with a waiver"),
            ("cannot_fly", "#d55e00", "cannot fly"), ("error", "#999999", "not planned"))
_CLASS_COLORS = {"conjunction": "#0072b2", "opposition": "#cc79a7", "flyby": "#56b4e9"}
_MARKERS = {"flies": "o", "flies_with_waiver": "s", "cannot_fly": "x"}


def _check(frame, what):
    needed = ("opportunity", "mission_class", "coalition", "status")
    if frame is None or len(frame) == 0:
        raise InputError(f"{what}: the sweep has no rows yet")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"{what}: not a sweep dataset (no column {missing[0]!r})")


def _figure(width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _grid(frame):
    """(classes, opportunities, coalitions) present, in order."""
    classes = [c for c in ("conjunction", "opposition", "flyby")
               if c in set(frame["mission_class"].dropna())] or [None]
    opportunities = sorted(int(x) for x in frame["opportunity"].dropna().unique())
    coalitions = sorted(frame["coalition"].dropna().unique(), key=lambda c: (-c.count("+"), c))
    return classes, opportunities, coalitions


def _cell(frame, cls, opportunity, coalition):
    rows = frame[(frame["opportunity"] == opportunity) & (frame["coalition"] == coalition)]
    if cls is not None:
        rows = rows[rows["mission_class"] == cls]
    return rows


def plot_feasibility(frame, path, *, title=None, dpi=150):
    """Opportunity x coalition coloured by the best verdict; one panel per class."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch
    import numpy as np

    fmt = format_of(path, "a sweep chart")
    check_dpi(dpi)
    _check(frame, "feasibility chart")
    classes, opportunities, coalitions = _grid(frame)
    rank = {v[0]: n for n, v in enumerate(VERDICTS)}
    cmap = ListedColormap([v[1] for v in VERDICTS])
    # One panel per class, side by side for a few opportunities, stacked for many.
    stacked = len(opportunities) * len(classes) > 12
    width = max(6.0, 2.5 + 0.75 * len(opportunities) * (1 if stacked else len(classes)))
    height = (1.0 + 0.4 * len(coalitions)) * (len(classes) if stacked else 1) + 0.8
    fig = _figure(width, height)
    axes = fig.subplots(len(classes) if stacked else 1, 1 if stacked else len(classes),
                        squeeze=False, sharey=not stacked).ravel()
    for ax, cls in zip(axes, classes):
        grid = np.full((len(coalitions), len(opportunities)), np.nan)
        for i, coalition in enumerate(coalitions):
            for j, opportunity in enumerate(opportunities):
                rows = _cell(frame, cls, opportunity, coalition)
                if len(rows):
                    grid[i, j] = min(rank.get(s, len(VERDICTS) - 1) for s in rows["status"])
                    flying = int(rows["status"].isin(["flies", "flies_with_waiver"]).sum())
                    ax.text(j, i, f"{flying}/{len(rows)}", ha="center", va="center",
                            fontsize=8, color="black")
        ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.5,
                  vmax=len(VERDICTS) - 0.5, aspect="auto")
        ax.set_xticks(range(len(opportunities)), [str(o) for o in opportunities],
                      rotation=45 if len(opportunities) > 6 else 0)
        ax.set_yticks(range(len(coalitions)), coalitions)
        ax.set_xlabel("opportunity")
        ax.set_title(cls or "")
    fig.legend(handles=[Patch(color=c, label=label) for _, c, label in VERDICTS],
               loc="outside lower center", ncols=len(VERDICTS), fontsize=8)
    fig.suptitle(title or "Which coalitions can fly, by opportunity (cell: rows that fly / "
                 "rows)", fontsize=10)
    save_figure(fig, path, fmt, dpi)
    return path


def plot_heatmaps(frame, path, *, title=None, dpi=150):
    """IMLEO (t) and cost (M$) heat maps, opportunity x coalition; one row per measure,
    one column per class; each cell the least among its rows that fly."""
    import numpy as np

    fmt = format_of(path, "a sweep chart")
    check_dpi(dpi)
    _check(frame, "heat maps")
    classes, opportunities, coalitions = _grid(frame)
    measures = (("imleo_t", "IMLEO, t", "viridis"), ("cost_musd", "cost, M$", "magma"))
    # A row per class, a column per measure.
    fig = _figure(max(7.0, 3.0 + 1.3 * len(opportunities)),
                  1.0 + (0.9 + 0.4 * len(coalitions)) * len(classes))
    axes = fig.subplots(len(classes), len(measures), squeeze=False).T
    flying = frame[frame["status"].isin(["flies", "flies_with_waiver"])]
    for r, (column, label, cmap) in enumerate(measures):
        grids = []
        for cls in classes:
            grid = np.full((len(coalitions), len(opportunities)), np.nan)
            for i, coalition in enumerate(coalitions):
                for j, opportunity in enumerate(opportunities):
                    values = _cell(flying, cls, opportunity, coalition)[column].dropna()
                    if len(values):
                        grid[i, j] = float(values.min())
            grids.append(grid)
        finite = np.concatenate([g[np.isfinite(g)] for g in grids])
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        hi = hi if hi > lo else lo + 1.0  # one scale per measure, across the classes
        for c, (cls, grid) in enumerate(zip(classes, grids)):
            ax = axes[r][c]
            image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, aspect="auto",
                              vmin=lo, vmax=hi)
            for i, j in zip(*np.nonzero(np.isfinite(grid))):
                # dark text on the bright end of viridis and magma
                ax.text(j, i, f"{grid[i, j]:,.0f}", ha="center", va="center", fontsize=7,
                        color="black" if (grid[i, j] - lo) / (hi - lo) > 0.6 else "white")
            if not np.isfinite(grid).any():
                ax.text(0.5, 0.5, "no plan flies", transform=ax.transAxes, ha="center",
                        va="center", fontsize=9, color="#555555")
            ax.set_xticks(range(len(opportunities)), [str(o) for o in opportunities],
                          rotation=45 if len(opportunities) > 6 else 0)
            ax.set_yticks(range(len(coalitions)), coalitions if r == 0 else [])
            ax.set_title(f"{label}{', ' + cls if cls else ''}", fontsize=9)
        fig.colorbar(image, ax=list(axes[r]), label=label, shrink=0.8,
                     location="bottom" if len(classes) > 1 else "right")
    fig.suptitle(title or "IMLEO and cost of the plans that fly (least per cell; blank: none "
                 "flies)", fontsize=10)
    save_figure(fig, path, fmt, dpi)
    return path


def plot_dv_duration(frame, path, *, title=None, dpi=150):
    """Total delta-v against duration, one point per planned row."""
    from matplotlib.lines import Line2D

    fmt = format_of(path, "a sweep chart")
    check_dpi(dpi)
    _check(frame, "delta-v chart")
    planned = frame.dropna(subset=["duration_days", "dv_total_kms"])
    if not len(planned):
        raise InputError("delta-v chart: no row of the sweep has a trajectory")
    fig = _figure(7.0, 4.5)
    ax = fig.subplots()
    for (cls, status), rows in planned.groupby(["mission_class", "status"]):
        ax.scatter(rows["duration_days"], rows["dv_total_kms"],
                   c=_CLASS_COLORS.get(cls, "#000000"), marker=_MARKERS.get(status, "."),
                   s=28, alpha=0.8, linewidths=1.2)
    handles = [Line2D([], [], color=c, marker="o", ls="", label=k)
               for k, c in _CLASS_COLORS.items() if k in set(planned["mission_class"])]
    handles += [Line2D([], [], color="#444444", marker=m, ls="", label=s.replace("_", " "))
                for s, m in _MARKERS.items() if s in set(planned["status"])]
    ax.legend(handles=handles, fontsize=8, loc="best")
    ax.set_xlabel("mission duration, days")
    ax.set_ylabel("total delta-v, km/s")
    ax.grid(alpha=0.3)
    ax.set_title(title or f"Delta-v against duration: {len(planned)} plans", fontsize=10)
    save_figure(fig, path, fmt, dpi)
    return path


#: The charts :func:`plot_sweep` writes, by file stem.
CHARTS = (("feasibility", plot_feasibility), ("heatmaps", plot_heatmaps),
          ("dv_duration", plot_dv_duration))


def plot_sweep(frame, folder, *, ext=".png", dpi=150) -> list[str]:
    """Write every chart of the sweep into ``folder`` (created): the paths written."""
    import os

    if not isinstance(ext, str) or not math.isfinite(dpi):
        raise InputError("ext: a chart extension such as .png")
    paths = []
    for stem, draw in CHARTS:
        paths.append(draw(frame, os.path.join(os.fspath(folder), f"sweep_{stem}{ext}"), dpi=dpi))
    return paths
