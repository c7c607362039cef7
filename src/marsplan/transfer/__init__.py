"""Transfers on kernels + ephemeris: single legs, porkchop grids, launch windows, round trips.

Each job has its module: :mod:`~marsplan.transfer.leg` (one ballistic leg,
:func:`~marsplan.transfer.leg.transfer_leg`), :mod:`~marsplan.transfer.porkchop`
(grids), :mod:`~marsplan.transfer.windows` (opportunities and their optima),
:mod:`~marsplan.transfer.periods` (launch periods under a C3 limit),
:mod:`~marsplan.transfer.optimize` (the batched optimizers the searches share),
:mod:`~marsplan.transfer.missions` (round trips). The functions ``porkchop``,
``windows`` and ``missions`` share their module's name, so they are reached as
``marsplan.porkchop`` (top level) or ``marsplan.transfer.porkchop.porkchop``,
never as ``marsplan.transfer.porkchop``, which is the module.
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "Transfer": "marsplan.transfer.leg",
    "transfer_leg": "marsplan.transfer.leg",
    "Orbit": "marsplan.transfer.maneuvers",
    "Orbits": "marsplan.transfer.maneuvers",
    "Porkchop": "marsplan.transfer.porkchop",
    "Window": "marsplan.transfer.windows",
    "Windows": "marsplan.transfer.windows",
    "LaunchPeriod": "marsplan.transfer.periods",
    "Mission": "marsplan.transfer.mission",
    "Missions": "marsplan.transfer.mission",
})
