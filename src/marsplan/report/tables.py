"""Tables and figures for the report's templates: what each cell says, not its tags.

A section builds a :class:`Table` from :class:`Col` columns and row dicts; the
``table`` macro of ``templates/macros.html`` draws it. Cell values are plain
text (escaped by Jinja2) or a :class:`Named` (a name with its full form below
it), so text from a scenario file or the catalog cannot inject markup.
"""

from __future__ import annotations

import base64
import os
import struct
from dataclasses import dataclass

from marsplan.report.text import figure as figure_text
from marsplan.report.text import is_numeric_key, unit_of

NO_VALUE = "\N{EM DASH}"


@dataclass(frozen=True)
class Named:
    """A name shown bold with its full form in small type below it."""

    name: str
    full: str


class Col:
    """A table column: a header (its unit added), a cell getter, alignment."""

    def __init__(self, label, get, *, unit="", numeric=False, cell_class=None):
        self.label, self.get, self.unit = label, get, unit
        self.numeric, self.cell_class = numeric, cell_class

    @classmethod
    def of(cls, key, label, *, unit=None, cell_class=None):
        """A column of ``row[key]``, rounded for the key, its unit in the header."""
        unit = unit_of(key) if unit is None else unit
        numeric = bool(unit) or is_numeric_key(key)
        return cls(label, lambda r: figure_text(key, r.get(key)), unit=unit, numeric=numeric,
                   cell_class=cell_class)


class Total(dict):
    """A total row: the keys it lacks read as None (a blank cell)."""

    def __missing__(self, key):
        return None


@dataclass(frozen=True)
class Cell:
    value: object
    class_: str | None = None


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    class_: str | None = None


@dataclass(frozen=True)
class Head:
    text: str
    numeric: bool


@dataclass(frozen=True)
class Table:
    """What the ``table`` macro draws: headers (none when every label is empty), rows."""

    head: tuple[Head, ...]
    rows: tuple[Row, ...]
    class_: str | None = None
    caption: str | None = None


def table(columns, rows, *, total=None, row_class=None, caption=None, class_=None) -> Table:
    """A table of ``rows`` (dicts) by :class:`Col`; ``total`` is a last, bold row."""
    total = Total(total) if total else None
    head = tuple(Head(c.label + (f" ({c.unit})" if c.unit else ""), c.numeric)
                 for c in columns) if any(c.label for c in columns) else ()
    body = []
    for r in [*rows, *([total] if total else [])]:
        cells = []
        for c in columns:
            classes = [x for x in ("num" if c.numeric else None,
                                   c.cell_class(r) if c.cell_class else None) if x]
            text = c.get(r)
            if r is total and text in (None, "None", NO_VALUE):
                text = ""  # a total row leaves blank what does not add up
            cells.append(Cell(text, " ".join(classes) or None))
        klass = "total" if r is total else (row_class(r) if row_class else None)
        body.append(Row(tuple(cells), klass))
    return Table(head, tuple(body), class_, caption)


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


@dataclass(frozen=True)
class Figure:
    """A PNG to show inline as a base64 ``data:`` URI, with its caption."""

    uri: str
    alt: str
    caption: str
    file: str
    width: int | None
    height: int | None


def embed_png(path: str, alt: str, caption: str) -> Figure:
    """The PNG at ``path`` as a :class:`Figure` (read now: nothing is read back later)."""
    with open(path, "rb") as f:
        data = f.read()
    width, height = png_size(data) or (None, None)
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return Figure(uri, alt, caption, os.path.basename(path), width, height)
