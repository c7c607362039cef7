"""Transfers on kernels + ephemeris: single legs, porkchop grids, launch windows.

``marsplan.transfer`` is both this package and, when called, the function
:func:`marsplan.transfer.leg.transfer`: importing a subpackage binds its name
on the parent package, so the module itself is made callable to keep
``marsplan.transfer(launch, arrival, ...)`` working whichever binding wins.
"""

import sys as _sys
import types as _types

from marsplan.transfer.leg import Transfer, transfer
from marsplan.transfer.maneuvers import Orbit
from marsplan.transfer.porkchop import Porkchop, porkchop
from marsplan.transfer.windows import LaunchPeriod, Window, windows

__all__ = ["LaunchPeriod", "Orbit", "Porkchop", "Transfer", "Window", "porkchop", "transfer",
           "windows"]


class _CallableModule(_types.ModuleType):
    def __call__(self, *args, **kwargs):
        return transfer(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
