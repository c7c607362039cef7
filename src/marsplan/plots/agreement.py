"""The agreement chart: each partner's contribution beside its entitlement.

Two horizontal bars per partner (first at the top): its contribution (in-kind
value plus cash paid less cash received) and its entitlement (its share of the
benefits), both per cent of the mission's total cost, with the balance
written beside them. The numbers come from the plan's ledger
(:func:`marsplan.joint.agreement.ledger`); nothing is computed here. matplotlib
is imported inside the functions, object-oriented API only.
"""

from __future__ import annotations


from marsplan.plots._common import check_dpi, format_of, partner_rows, save_figure

#: The two bars of a partner, top to bottom: (per cent key, M$ key, label).
BARS = (("contribution_pct", "contribution_musd", "Contribution (in kind + cash paid - "
         "received)"),
        ("entitlement_pct", "entitlement_musd", "Entitlement (share of the benefits)"))
# Okabe-Ito blue and vermillion: apart for colour-blind readers.
_COLORS = ("#0072b2", "#d55e00")


def plot_agreement(rows, path, *, title=None, dpi=150):
    """Draw each partner's contribution against its entitlement.

    Parameters
    ----------
    rows : list of PartnerLedger or dict
        The ledger's rows (``Plan.ledger.partners``, or the plan document's
        ``partners``): ``partner``, ``contribution_pct``,
        ``contribution_musd``, ``entitlement_pct``, ``entitlement_musd``,
        ``balance_musd``.
    path : str or os.PathLike
        ``.png``, ``.svg`` or ``.pdf``; written atomically.
    title : str, optional
    dpi : float

    Returns
    -------
    str or os.PathLike
        ``path``, as given.

    Raises
    ------
    InputError
        A bad extension or dpi; no rows; a missing or non-finite number.
    """
    fmt = format_of(path, "an agreement chart")
    check_dpi(dpi)
    fig, _ = _draw(rows, title=title)
    save_figure(fig, path, fmt, dpi)
    return path


def _draw(rows, *, title=None):
    """The Figure and its artists: ``ax``, ``bars`` (per cent key -> BarContainer),
    ``balances`` (the Text beside each partner), ``legend``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = _checked(rows)
    n = len(rows)
    fig = Figure(figsize=(9.0, 1.5 + 0.8 * n), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    height = 0.36
    artists = {"ax": ax, "bars": {}, "balances": []}
    for k, ((pct, musd, label), color) in enumerate(zip(BARS, _COLORS, strict=True)):
        y = [-g + (0.5 - k) * height for g in range(n)]
        bars = ax.barh(y, [r[pct] for r in rows], height=height * 0.92, color=color,
                       label=label)
        ax.bar_label(bars, labels=[f"{r[pct]:.1f} % ({_musd(r[musd])})" for r in rows],
                     padding=3, fontsize=8.5)
        artists["bars"][pct] = bars
    widest = max((r[p] for r in rows for p, *_ in BARS), default=0.0)
    right = max(10.0, widest) * 1.75
    for g, r in enumerate(rows):
        b = r["balance_musd"]
        text = ("balanced" if abs(b) < 0.5 else
                f"{'+' if b > 0 else '-'}{_musd(abs(b))} "
                f"{'beyond its share' if b > 0 else 'short of its share'}")
        artists["balances"].append(ax.text(right * 0.99, -g, text, ha="right", va="center",
                                           fontsize=9, color="#333333"))
    ax.set_yticks([-g for g in range(n)], [r["partner"] for r in rows], fontsize=10)
    ax.set_xlim(0.0, right)
    ax.set_ylim(-(n - 1) - 0.6, 0.6)
    ax.set_xlabel("Per cent of the mission's total cost", fontsize=9.5)
    ax.grid(True, axis="x", color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    artists["legend"] = fig.legend(loc="outside lower center", ncols=2, fontsize=8.5,
                                   frameon=False)
    ax.set_title(title if title is not None else "What each partner brings and gets",
                 fontsize=12)
    return fig, artists


def _checked(rows) -> list[dict]:
    return partner_rows(rows, ("contribution_pct", "contribution_musd", "entitlement_pct",
                               "entitlement_musd", "balance_musd"))


def _musd(value: float) -> str:
    return f"{value:,.0f} M$" if abs(value) >= 100 else f"{value:,.1f} M$"
