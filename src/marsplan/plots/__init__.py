"""Edges that draw marsplan results as charts; matplotlib loads inside each function.

:mod:`marsplan.plots.porkchop` draws a porkchop grid in the style of the NASA
mission design handbooks. This package holds no physics: grids are solved in
:mod:`marsplan.transfer` and only drawn here.
"""
