"""A porkchop grid as a file: JSON or CSV rows, or NumPy arrays (.npz).

JSON and CSV hold one row per cell and solution family with a leg (cells
without one are left out), keys in :data:`GRID_KEYS`: dates as ISO 8601 (TDB),
``type`` ("I" to "IV", ...), ``revs``, ``branch`` ("" for zero revolutions,
else "low" or "high"), then the values in the units their names carry. The
.npz file holds the whole grid as arrays (docs/outputs.md). Every file is
written atomically (:func:`marsplan.io.atomic.write_atomic`).
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from marsplan.io.atomic import write_atomic
from marsplan.time import jd_tdb_to_iso
from marsplan.transfer.leg import type_name

#: Keys of a JSON or CSV grid row, in order.
GRID_KEYS = ("launch", "arrival", "tof_days", "type", "revs", "branch", "c3_km2s2",
             "vinf_arrival_kms", "dla_deg", "rla_deg", "dec_arrival_deg", "dv_total_kms")
GRID_FORMATS = ("json", "csv", "npz")
_SURFACES = ("tof_days", "c3_km2s2", "vinf_arrival_kms", "dla_deg", "rla_deg",
             "dec_arrival_deg", "dv_total_kms")


def _layers(pc):
    return tuple(pc.layers) if hasattr(pc, "layers") else (pc,)


def grid_columns(pc) -> dict:
    """Columns of the rows, ``GRID_KEYS`` order, dates as ISO strings (TDB)."""
    cols = pc.columns()
    out = {"launch": np.atleast_1d(jd_tdb_to_iso(cols["launch_jd_tdb"])),
           "arrival": np.atleast_1d(jd_tdb_to_iso(cols["arrival_jd_tdb"]))}
    out.update({k: cols[k] for k in GRID_KEYS[2:]})
    return out


def _text_rows(columns):
    n = len(columns["launch"])
    text = {"launch", "arrival", "type", "branch"}
    lists = {k: (v.astype(str).tolist() if k in text else
                 v.astype(int).tolist() if k == "revs" else v.astype(float).tolist())
             for k, v in columns.items()}
    return n, lists


def write_grid(pc, path, fmt: str) -> int:
    """Write porkchop ``pc`` (a Porkchop or PorkchopSet) to ``path`` as ``fmt``.

    Returns the number of rows (json, csv) or cells x families (npz) written.
    """
    if fmt not in GRID_FORMATS:
        raise ValueError(f"fmt: {fmt!r} is not one of {', '.join(GRID_FORMATS)}")
    if fmt == "npz":
        layers = _layers(pc)
        arrays = {"launch_jd_tdb": np.asarray(pc.launch_jd_tdb),
                  "arrival_jd_tdb": np.broadcast_to(pc.arrival_jd_tdb, pc.shape),
                  "revs": np.array([p.revs for p in layers], dtype=np.int64),
                  "branch": np.array([p.branch for p in layers]),
                  "type": np.stack([np.asarray(p.type, dtype=np.int16) for p in layers]),
                  "type_names": np.array([type_name(k) for k in range(
                      2 * max(p.revs for p in layers) + 3)])}
        arrays.update({k: np.stack([np.broadcast_to(getattr(p, k), pc.shape) for p in layers])
                       for k in _SURFACES})
        arrays["tof_days"] = arrays["tof_days"][0]
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        write_atomic(path, buffer.getvalue())
        return int(arrays["c3_km2s2"].size)
    n, lists = _text_rows(grid_columns(pc))
    if fmt == "json":
        rows = [{k: lists[k][r] for k in GRID_KEYS} for r in range(n)]
        write_atomic(path, json.dumps(rows, indent=None, separators=(",", ":")) + "\n")
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(GRID_KEYS)
        writer.writerows(zip(*(lists[k] for k in GRID_KEYS)))
        write_atomic(path, buffer.getvalue())
    return n


def leg_row(leg, revs: int, branch: str, family: bool | None = None) -> dict:
    """A leg's row (docs/outputs.md); ``revs`` and ``branch`` follow ``type`` when
    ``family`` (by default when revs >= 1)."""
    row = leg.rows()[0]
    if not (revs if family is None else family):
        return row
    out = {}
    for key, value in row.items():
        out[key] = value
        if key == "type":
            out["revs"], out["branch"] = revs, branch
    return out


def best_rows(pc, revs: int) -> list[dict]:
    """The minimum-C3 leg of each type on the grid, as rows (with revs and branch
    when the grid holds several revolutions): ``porkchop --format json``."""
    if not revs:
        return [pc.optimum("min_c3", t).rows()[0] for t in ("I", "II")
                if (pc.type == (1 if t == "I" else 2)).any()]
    rows = []
    for name in pc.types():
        layer, i, j = pc.best("min_c3", name)
        rows.append(leg_row(layer.cell(i, j), layer.revs, layer.branch, family=True))
    return rows
