"""Edges that turn marsplan results into text and files: tables, JSON, CSV, exports.

:mod:`marsplan.io.emit` prints rows (flat dicts whose keys are the names in
docs/outputs.md, e.g. ``x_km``, ``c3_km2s2``) as a rich table, JSON or CSV;
:mod:`marsplan.io.rows` turns results into those rows and :mod:`marsplan.io.atomic`
writes files and folders atomically. This package holds no physics.
"""

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "load_scenario": "marsplan.io.scenario",
    "write_oem": "marsplan.io.oem",
    "write_atomic": "marsplan.io.atomic",
})
