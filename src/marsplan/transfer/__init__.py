"""Transfers on kernels + ephemeris: single legs, porkchop grids, launch windows."""

from marsplan.transfer.leg import Transfer, transfer
from marsplan.transfer.maneuvers import Orbit

__all__ = ["Orbit", "Transfer", "transfer"]
