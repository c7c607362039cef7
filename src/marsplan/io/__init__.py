"""Edges that turn marsplan results into text and files: tables, JSON, CSV, exports.

:mod:`marsplan.io.emit` prints rows (flat dicts whose keys are the names in
docs/outputs.md, e.g. ``x_km``, ``c3_km2s2``) as a rich table, JSON or CSV;
:mod:`marsplan.io.atomic` writes files and folders atomically. This package
holds no physics.
"""
