"""numba kernels: plain floats and arrays in km, s, km/s, km^3/s^2; no I/O, no units, no classes.

Nothing is exported here: the kernels are reached through their modules by the
layers above (:mod:`marsplan.twobody`, :mod:`marsplan.transfer`), and importing
this package loads no numba.
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {})
