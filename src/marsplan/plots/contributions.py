"""The contributions chart: each partner's share of mass to LEO, launches and cost.

The cost bar is the partner's contribution in the plan's ledger (in-kind value
plus cash paid less cash received, :mod:`marsplan.joint.agreement`), so an
agency that buys a company's hardware carries its price, not the company.

Horizontal bars, one group per partner (in the order of the rows, first at the
top), three bars a group, each labelled with its per cent and absolute value.
The numbers come from the plan document's ``partners`` entries
(:func:`marsplan.io.document.partner_entries`); nothing is computed here.
matplotlib is imported inside the functions and only through its
object-oriented API (``Figure`` plus an Agg canvas, no
pyplot), as in :mod:`marsplan.plots.porkchop`.
"""

from __future__ import annotations

import math

from marsplan.plots._common import check_dpi, format_of, partner_rows, save_figure

#: The three measures, top to bottom in a group: (share key, value key, label, unit).
MEASURES = (
    ("mass_share_pct", "mass_to_leo_t", "Mass to LEO", "t"),
    ("launch_share_pct", "launches", "Launches", ""),
    ("contribution_pct", "contribution_musd", "Contribution (in kind + cash)", "M$"),
)
# Okabe-Ito blue, orange, bluish green: apart for colour-blind readers.
_COLORS = ("#0072b2", "#e69f00", "#009e73")


def plot_contributions(rows, path, *, title=None, dpi=150):
    """Draw each partner's share of mass to LEO, launches and cost as horizontal bars.

    Parameters
    ----------
    rows : list of dict
        The plan document's ``partners`` entries
        (:func:`marsplan.io.document.partner_entries`): each with ``partner``,
        ``mass_share_pct``, ``launch_share_pct``, ``contribution_pct`` and the
        values ``mass_to_leo_t``, ``launches``, ``contribution_musd``.
    path : str or os.PathLike
        Output file; ``.png``, ``.svg`` or ``.pdf`` by its extension. The parent
        directory is created; the file is replaced atomically.
    title : str, optional
        Defaults to "Partner contributions" with the totals.
    dpi : float
        Resolution of a PNG.

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Raises
    ------
    InputError
        An extension other than .png, .svg, .pdf; a non-positive ``dpi``; no
        rows; a row without a partner or with a missing, negative or
        non-finite share or value.
    """
    fmt = format_of(path, "a contributions chart")
    check_dpi(dpi)
    fig, _ = _draw(rows, title=title)
    save_figure(fig, path, fmt, dpi)
    return path


def _draw(rows, *, title=None):
    """Build the chart's Figure (on an Agg canvas); return it with its artists.

    The artists are a dict: ``ax``; ``bars`` maps each share key of
    :data:`MEASURES` to its BarContainer (one bar per partner, in row order);
    ``labels`` maps each share key to its bar labels' Text list; ``legend``.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = _checked(rows)
    n = len(rows)
    fig = Figure(figsize=(9.0, 1.6 + 0.95 * n), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    height = 0.26
    artists = {"ax": ax, "bars": {}, "labels": {}}
    totals = {value: math.fsum(r[value] for r in rows) for _, value, _, _ in MEASURES}
    for k, ((share, value, label, unit), color) in enumerate(zip(MEASURES, _COLORS)):
        # Group centres at 0, -1, -2 ...: the first partner on top; measures top to bottom.
        y = [-g + (1 - k) * height for g in range(n)]
        bars = ax.barh(y, [r[share] for r in rows], height=height * 0.92, color=color,
                       label=f"{label} ({_amount(totals[value], unit)} in all)")
        texts = ax.bar_label(bars, labels=[f"{r[share]:.1f} % ({_amount(r[value], unit)})"
                                           for r in rows], padding=3, fontsize=8.5)
        artists["bars"][share], artists["labels"][share] = bars, list(texts)
    ax.set_yticks([-g for g in range(n)], [r["partner"] for r in rows], fontsize=10)
    widest = max((r[s] for r in rows for s, *_ in MEASURES), default=0.0)
    ax.set_xlim(0.0, max(10.0, widest) * 1.32)  # room for the labels right of the bars
    ax.set_ylim(-(n - 1) - 0.6, 0.6)
    ax.set_xlabel("Share of the mission total, %", fontsize=9.5)
    ax.grid(True, axis="x", color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Below the axes, so it never covers a bar or its label.
    artists["legend"] = fig.legend(loc="outside lower center", ncols=len(MEASURES),
                                   fontsize=8.5, frameon=False)
    ax.set_title(title if title is not None else "Partner contributions", fontsize=12)
    return fig, artists


def _checked(rows) -> list[dict]:
    return partner_rows(rows, [key for share, value, _, _ in MEASURES for key in (share, value)],
                        low=0)


def _amount(value, unit: str) -> str:
    if unit == "":
        return f"{value:g}"
    text = f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"
    return f"{text} {unit}"
