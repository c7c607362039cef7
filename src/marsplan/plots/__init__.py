"""Edges that draw marsplan results as charts; matplotlib loads inside each function.

:mod:`marsplan.plots.porkchop` draws a porkchop grid in the style of the NASA
mission design handbooks, and frames one opportunity for it
(:func:`~marsplan.plots.porkchop.opportunity_bounds`). This package holds no
physics: grids are solved in :mod:`marsplan.transfer` and only drawn here.
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "plot_porkchop": "marsplan.plots.porkchop",
    "opportunity_bounds": "marsplan.plots.porkchop",
    "plot_mission": "marsplan.plots.mission",
    "plot_contributions": "marsplan.plots.contributions",
    "plot_dose": "marsplan.plots.crew",
    "plot_light_time": "marsplan.plots.crew",
})
