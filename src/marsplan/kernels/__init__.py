"""numba kernels: plain floats and arrays in km, s, km/s, km^3/s^2; no I/O, no units, no classes."""
