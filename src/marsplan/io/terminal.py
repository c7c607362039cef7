"""Text that is safe to print on a terminal: control characters shown as escapes.

Scenario and catalog files, paths and arguments can hold ESC, CR or the C1
block; printed raw, they move the cursor, recolour or retitle the terminal,
or hide text. Every table, CSV field, error line and ``wrote PATH`` line goes
through :func:`escape_control`. Standard library only, so the CLI's error path
stays light.
"""

from __future__ import annotations

import re

__all__ = ["escape_control"]

# C0 and C1 control characters, DEL, and the bidi overrides and isolates that can
# reorder a terminal line ("Trojan Source", CVE-2021-42574).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_control(text: str) -> str:
    r"""``text`` with every control character shown as an escape: ESC -> ``\x1b``, CR -> ``\r``.

    Printable text, including non-ASCII letters, is unchanged.
    """
    return _CONTROL.sub(lambda m: _NAMED_ESCAPES.get(m.group()) or (
        f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"),
        text)
