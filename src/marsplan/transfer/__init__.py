"""Transfers on kernels + ephemeris: single legs, porkchop grids, launch windows."""

from marsplan.transfer.leg import Transfer, transfer
from marsplan.transfer.maneuvers import Orbit
from marsplan.transfer.porkchop import Porkchop, porkchop
from marsplan.transfer.windows import LaunchPeriod, Window, windows

__all__ = ["LaunchPeriod", "Orbit", "Porkchop", "Transfer", "Window", "porkchop", "transfer",
           "windows"]
