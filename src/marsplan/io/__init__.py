"""Edges that turn marsplan results into text and files: tables, JSON, CSV, exports.

:mod:`marsplan.io.emit` prints rows (flat dicts whose keys are the names in
docs/design.md, e.g. ``x_km``, ``c3_km2s2``) as a rich table, JSON or CSV, and writes
files atomically. This package holds no physics.
"""
