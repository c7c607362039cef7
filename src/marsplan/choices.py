"""The values a user chooses among, defined once for the core and every edge.

Each tuple is the one list the core checks a choice against (through
:func:`marsplan.validate.choice` or its own check) and the list the CLI's
options and the web API's enums are built from, so a value added here is
accepted, offered and documented everywhere with no other edit
(tests/test_choices.py checks that the edges follow). The modules that
validate a choice re-export its tuple under their own name
(``marsplan.transfer.mission.MISSION_CLASSES``, ...).

This module imports only the standard library: the CLI imports it at start-up,
before numpy or pydantic load.
"""

from __future__ import annotations

import enum
import sys

#: Round-trip mission families (docs/design.md, "Transfer vocabulary").
MISSION_CLASSES = ("conjunction", "opposition", "flyby")
#: How a crew ends a round trip at Earth: direct entry, or capture into orbit.
EARTH_RETURNS = ("entry", "capture")
#: Frames of departure and arrival asymptote angles (docs/design.md, "Frames").
ANGLES = ("eme2000", "mean-of-date")
#: Heliocentric J2000 frames of a body's state.
FRAMES = ("ecliptic", "equatorial")
#: A plan's verdict (:class:`marsplan.joint.verdict.Verdict`): it flies, flies only
#: with a radiation waiver, or cannot fly.
VERDICTS = ("flies", "flies_with_waiver", "cannot_fly")
#: A sweep row's status: the plan's verdict, or ``error`` when the combination
#: could not be planned (marsplan.sweep.engine).
SWEEP_STATUSES = (*VERDICTS, "error")
#: ``marsplan catalog`` listings and the catalog kinds each one shows.
CATALOG_LISTINGS = {
    "vehicles": ("launch_vehicles",),
    "partners": ("partners",),
    "elements": ("elements",),
    "sites": ("sites",),
    "propellants": ("propellants",),
    "docking": ("docking_standards", "adapters"),
}


def as_enum(name: str, values, doc: str | None = None) -> type[enum.Enum]:
    """A ``str`` enum of ``values`` for an edge (typer, FastAPI), one member per value.

    Members are named after their values with ``-`` spelled ``_``
    (``Angles.mean_of_date.value == "mean-of-date"``), in the values' order. The
    enum belongs to the caller's module (it pickles as ``caller.name``).
    """
    module = sys._getframe(1).f_globals.get("__name__")
    made = enum.Enum(name, [(str(v).replace("-", "_"), str(v)) for v in values], type=str,
                     module=module)
    if doc is not None:
        made.__doc__ = doc
    return made
