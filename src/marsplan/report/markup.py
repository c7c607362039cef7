"""HTML building blocks for the report: escaped text, tags, tables, embedded PNGs.

Everything that is not :class:`Html` is escaped on the way in, so text from a
scenario file or the catalog cannot inject markup.
"""

from __future__ import annotations

import base64
import html
import os
import struct

from marsplan.report.text import figure, is_numeric_key, unit_of

NO_VALUE = "\N{EM DASH}"


class Html(str):
    """Text that is HTML already: not escaped again."""


def escape(value) -> str:
    """``value`` as HTML text (unless it is :class:`Html` already)."""
    return value if isinstance(value, Html) else html.escape(str(value), quote=True)


def tag(name: str, body="", **attrs) -> Html:
    """``<name attrs>body</name>``; ``class_=`` gives ``class``, ``aria_label=`` ``aria-label``."""
    text = "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"'
                   for k, v in attrs.items() if v is not None)
    return Html(f"<{name}{text}>{escape(body) if not isinstance(body, Html) else body}</{name}>")


def join(parts) -> Html:
    """Pieces of HTML and text (escaped) as one piece of HTML."""
    return Html("".join(p if isinstance(p, Html) else escape(p) for p in parts))


def para(text, **attrs) -> Html:
    return tag("p", text, **attrs)


def bullets(items, class_=None) -> Html:
    """A ``<ul>`` of the non-empty items; nothing when there is none."""
    items = [i for i in items if i]
    if not items:
        return Html("")
    return tag("ul", join(tag("li", i) for i in items), class_=class_)


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
        return cls(label, lambda r: figure(key, r.get(key)), unit=unit, numeric=numeric,
                   cell_class=cell_class)


class Total(dict):
    """A total row: the keys it lacks read as None (a blank cell)."""

    def __missing__(self, key):
        return None


def table(columns, rows, *, total=None, row_class=None, caption=None, class_=None) -> Html:
    """A table of ``rows`` (dicts) by :class:`Col`; ``total`` is a last, bold row."""
    total = Total(total) if total else None
    head = join(tag("th", c.label + (f" ({c.unit})" if c.unit else ""),
                    class_="num" if c.numeric else None, scope="col") for c in columns)
    body = []
    for r in [*rows, *([total] if total else [])]:
        cells = []
        for c in columns:
            classes = [x for x in ("num" if c.numeric else None,
                                   c.cell_class(r) if c.cell_class else None) if x]
            text = c.get(r)
            if r is total and text in (None, "None", NO_VALUE):
                text = ""  # a total row leaves blank what does not add up
            cells.append(tag("td", text, class_=" ".join(classes) or None))
        klass = "total" if r is total else (row_class(r) if row_class else None)
        body.append(tag("tr", join(cells), class_=klass))
    has_head = any(c.label for c in columns)
    return tag("table", join([tag("caption", caption) if caption else "",
                              tag("thead", tag("tr", head)) if has_head else "",
                              tag("tbody", join(body))]), class_=class_)


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def embed_png(path: str, alt: str, caption) -> Html:
    """A ``<figure>`` with the PNG at ``path`` inline as a base64 data: URI."""
    with open(path, "rb") as f:
        data = f.read()
    size = png_size(data) or (None, None)
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    img = Html(f'<img src="{uri}" alt="{escape(alt)}" width="{size[0]}" height="{size[1]}" '
               f'data-file="{escape(os.path.basename(path))}">')
    return tag("figure", join([img, tag("figcaption", caption)]))
