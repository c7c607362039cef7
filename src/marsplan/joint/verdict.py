"""Can a joint mission fly: the verdict of a plan, computed once, with every binding limit.

:func:`verdict` turns what the core found (sizing shortfalls, launch sites that
cannot reach the assembly orbit, interfaces no adapter bridges, and each crew
member's career dose against the limit of the agency that flies them) into a
:class:`Verdict`. Every edge (the CLI's banner, the JSON document, the report,
the Python API) only words it.

Status, in order:

* ``"cannot_fly"``: a hardware shortfall, an unreachable launch site or an
  unbridged interface binds;
* ``"flies_with_waiver"``: the hardware closes, but some crew member's career
  dose is above his or her agency's limit: the mission flies only if the
  agency waives it (or with more shielding, a shorter mission);
* ``"flies"``: no limit binds.

A dose above the limit never gives ``"flies"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsplan.choices import VERDICTS as STATUSES  # the verdicts, re-exported here

LIMIT_KINDS = ("hardware_shortfall", "unreachable_site", "unbridged_interface", "crew_dose")

# "short by 123.4 t" in a sizing message: the amount it lacks.
_SHORT = re.compile(r"short by ([0-9][0-9,]*\.?[0-9]*) t\b")


@dataclass(frozen=True, slots=True)
class Limit:
    """One binding limit.

    ``kind``: one of :data:`LIMIT_KINDS`; ``message``: one line naming the
    element, site, pair or crew member and the numbers; ``subject``: what it
    is about (an element id, a pair ``a+b``, a partner); ``value`` what the
    plan needs or reaches, ``allowed`` what the hardware or the standard
    allows, in ``unit`` (None where the limit is not a number, e.g. a docking
    mismatch); ``source``: the standard behind a dose limit.
    """

    kind: str
    message: str
    subject: str | None = None
    value: float | None = None
    allowed: float | None = None
    unit: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The plan's answer: ``status`` (one of :data:`STATUSES`), every binding
    ``limits`` (hardware first, then crew dose), and the ``dose`` report
    (:class:`marsplan.crew.radiation.DoseReport`) it was judged on."""

    status: str
    limits: tuple[Limit, ...]
    dose: object

    @property
    def flies(self) -> bool:
        """True only when no limit binds (no waiver needed)."""
        return self.status == "flies"

    @property
    def binding(self) -> Limit | None:
        """The first binding limit, or None."""
        return self.limits[0] if self.limits else None


def verdict(sizing_limits, site_problems, unresolved_interfaces, dose) -> Verdict:
    """The verdict from the core's findings.

    Parameters
    ----------
    sizing_limits : iterable of str
        :attr:`marsplan.sizing.Sizing.limits`.
    site_problems : iterable of str
        The assembly orbit's problems (:attr:`SiteReport.problems`).
    unresolved_interfaces : iterable
        Interface checks no adapter bridges (``a``, ``b``, ``check``,
        ``a_value``, ``b_value``).
    dose : marsplan.crew.radiation.DoseReport
        With one member row per crew member and their limits.
    """
    limits = []
    for message in sizing_limits:
        short = _SHORT.search(message)
        limits.append(Limit("hardware_shortfall", message, subject=message.split(" ", 1)[0],
                            value=float(short.group(1).replace(",", "")) if short else None,
                            unit="t" if short else None))
    limits += [Limit("unreachable_site", message) for message in site_problems]
    for c in unresolved_interfaces:
        limits.append(Limit("unbridged_interface",
                            f"{c.a} and {c.b}: {c.check} incompatible ({c.a_value} vs "
                            f"{c.b_value}) and no adapter in the catalog bridges it",
                            subject=f"{c.a}+{c.b}"))
    hardware = bool(limits)
    worst: dict[str, object] = {}
    for m in dose.members:
        if not m.within_limit:
            key = m.partner or m.member
            if key not in worst or m.career_dose_msv > worst[key].career_dose_msv:
                worst[key] = m
    for key, m in worst.items():
        count = sum(1 for x in dose.members if (x.partner or x.member) == key
                    and not x.within_limit)
        who = f"{count} {key} crew member{'s' if count > 1 else ''}"
        limits.append(Limit(
            "crew_dose",
            f"crew dose: {who} at {m.career_dose_msv:,.0f} mSv, "
            f"{100.0 * m.fraction_of_limit:.0f}% of the {key} career limit, "
            f"{m.career_limit_msv:,.0f} mSv",
            subject=key, value=m.career_dose_msv, allowed=m.career_limit_msv, unit="mSv",
            source=m.limit_source or None))
    status = "cannot_fly" if hardware else ("flies_with_waiver" if limits else "flies")
    return Verdict(status, tuple(limits), dose)
