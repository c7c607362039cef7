"""What every chart shares: its file formats and how a figure reaches the disk.

matplotlib is not imported here: the helpers take a ready ``Figure``.
"""

from __future__ import annotations

import io
import math
import numbers
import os

from marsplan.errors import InputError
from marsplan.io.emit import write_atomic

#: File extensions a chart can be written as, and matplotlib's format names.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def format_of(path, what: str = "a chart") -> str:
    """matplotlib's format name for ``path`` by its extension (case-blind).

    Raises
    ------
    InputError
        Any extension but .png, .svg, .pdf; the message names ``what`` is written.
    """
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in FORMATS:
        found = f"extension {ext!r}" if ext else "no extension"
        raise InputError(f"path: {os.fspath(path)!r} has {found}; {what} is "
                         f"written as {', '.join(FORMATS)}")
    return FORMATS[ext]


def check_dpi(dpi) -> None:
    if not (isinstance(dpi, numbers.Real) and not isinstance(dpi, bool)
            and math.isfinite(dpi) and dpi > 0):
        raise InputError(f"dpi: must be a positive number, got {dpi!r}")


def save_figure(fig, path, fmt: str, dpi) -> None:
    """Render ``fig`` as ``fmt`` and replace ``path`` atomically, creating its directory."""
    buffer = io.BytesIO()
    # No creation date in SVG/PDF metadata: the same data then give the same file.
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    write_atomic(path, buffer.getvalue(), make_parents=True)


def partner_rows(rows, keys, *, low: float | None = None) -> list[dict]:
    """Rows of a partner chart as dicts, each with a partner and finite numbers at ``keys``.

    ``rows``: dicts or dataclass rows (e.g. the ledger's); ``low``: the least value
    allowed, if any. Raises InputError naming the row and key.
    """
    import dataclasses

    rows = [dataclasses.asdict(r) if dataclasses.is_dataclass(r) and not isinstance(r, type)
            else r for r in rows]
    if not rows:
        raise InputError("rows: no partners to draw")
    bound = "" if low is None else f" >= {low:g}"
    for n, row in enumerate(rows):
        if not isinstance(row, dict) or not row.get("partner"):
            raise InputError(f"rows[{n}]: must be a dict with a partner, got {row!r}")
        for key in keys:
            v = row.get(key)
            if (isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v)
                    or (low is not None and v < low)):
                raise InputError(f"rows[{n}].{key}: must be a finite number{bound}, got {v!r}")
    return rows
