"""Transfers on kernels + ephemeris: single legs, porkchop grids, launch windows."""

from marsplan.transfer.leg import Transfer, transfer
from marsplan.transfer.maneuvers import Orbit
from marsplan.transfer.porkchop import Porkchop, porkchop

__all__ = ["Orbit", "Porkchop", "Transfer", "porkchop", "transfer"]
