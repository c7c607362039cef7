"""Interface compatibility of elements that dock or exchange crew.

For every pair of :meth:`Scenario.docking_pairs` three interfaces are checked:

``docking``
    Some docking system of one element mates with some system of the other
    (:class:`~marsplan.catalog.models.DockingStandard` ``mates_with``, read
    both ways; an androgynous system mates with itself). Otherwise the
    catalog's lightest adapter that bridges ``docking`` between a system of
    each, else two in series joined by a system that mates with itself (SSVP
    to IDSS, then IDSS to Starship's port).
``atmosphere``
    Cabin pressures within 5 kPa and oxygen fractions within 0.03 share air
    through an open hatch. Otherwise the crews pass through an airlock (an
    adapter that bridges ``atmosphere``), as the 1975 Apollo-Soyuz docking
    module bridged Apollo's 34 kPa pure oxygen and Soyuz's 101 kPa air, and
    the procedure says how long a crew member leaving the higher-nitrogen
    cabin must pre-breathe oxygen, or to what pressure that cabin can be
    lowered so no pre-breathe is needed (as Soyuz 19 lowered its cabin to
    0.68 atm for ASTP).
``power``
    Bus voltages within 10 % of the higher one share power; otherwise a
    converter (an adapter that bridges ``power``).

Each pair that needs an adapter is charged its mass once per adapter: the
ASTP docking module, which bridged both docking and atmosphere, counts once.
The catalog is read by duck typing: ``catalog.elements``,
``catalog.docking_standards`` and ``catalog.adapters`` are dicts keyed by id.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from marsplan.errors import InputError

#: Cabins whose pressures differ by at most this share air with the hatch open, kPa.
PRESSURE_TOLERANCE_KPA = 5.0
#: ... and whose oxygen mole fractions differ by at most this.
OXYGEN_FRACTION_TOLERANCE = 0.03
#: Bus voltages within this fraction of the higher one are taken as one bus.
POWER_TOLERANCE = 0.10

# Decompression model for the atmosphere procedure (an estimate, one tissue):
# nitrogen leaves the tissue with a 360-min half-time while breathing oxygen,
# the compartment NASA's tissue ratio TR = P_N2(tissue) / P(final) uses for
# space decompressions (Conkin et al., "Evidence Report: Risk of Decompression
# Sickness", NASA Human Research Program, 2016, NTRS 20140003729).
TISSUE_HALF_TIME_MIN = 360.0
# Largest tissue ratio taken as safe without pre-breathe: ASTP's chamber trials
# moved crews from 30 % O2 / 70 % N2 at 523 torr to 100 % O2 at 258 torr
# eleven times without a case of bends (TR = 0.70 * 523 / 258 = 1.42; Cooke,
# Bollinger & Richardson, Aviat. Space Environ. Med. 46(7):930-933, 1975).
# Rounded down to 1.40.
TISSUE_RATIO_MAX = 1.40

CHECKS = ("docking", "atmosphere", "power")
NEEDS_DEVELOPMENT = "no known adapter: needs development"


@dataclass(frozen=True, slots=True)
class InterfaceCheck:
    """One interface of one docking pair.

    ``a_value``/``b_value`` are the two sides as text ("probe_drogue_apollo",
    "34.5 kPa, O2 1.00", "28 V"). ``compatible`` is None when the catalog
    lacks a value (an unpressurised element has no cabin to share).
    ``adapter`` is the adapter the remedy uses, if any (two docking adapters
    flown in series are joined by "+": "ssvp_idss_adapter+starship_idss_adapter");
    ``adapter_mass_t`` the mass this row adds to the plan: 0 when the adapter was already charged on
    an earlier row of the same pair (the column sums to the report's total).
    """

    a: str
    b: str
    check: str
    a_value: str
    b_value: str
    compatible: bool | None
    remedy: str
    adapter: str | None = None
    adapter_mass_t: float = 0.0


@dataclass(frozen=True, slots=True)
class AdapterUse:
    """An adapter flown between elements ``a`` and ``b``, and which mismatches it bridges."""

    a: str
    b: str
    adapter: str
    bridges: tuple[str, ...]
    mass_t: float
    owner: str | None


@dataclass(frozen=True, slots=True)
class InterfaceReport:
    """Every interface check of a scenario and the adapters its mismatches need."""

    checks: tuple[InterfaceCheck, ...]
    adapters: tuple[AdapterUse, ...]
    adapter_mass_t: float

    @property
    def incompatible(self) -> tuple[InterfaceCheck, ...]:
        """The checks that failed (with or without a remedy)."""
        return tuple(c for c in self.checks if c.compatible is False)

    @property
    def unresolved(self) -> tuple[InterfaceCheck, ...]:
        """Failed checks that no catalog adapter bridges: hardware to develop."""
        return tuple(c for c in self.incompatible if c.adapter is None)

    @property
    def compatible(self) -> bool:
        """True when no check failed (adapters then are not needed)."""
        return not self.incompatible

    def rows(self) -> list[dict]:
        """The checks as flat dicts (keys: the fields of :class:`InterfaceCheck`)."""
        return [asdict(c) for c in self.checks]


def check_interfaces(scenario, catalog) -> InterfaceReport:
    """Check docking system, cabin atmosphere and power bus of every docking pair.

    Parameters
    ----------
    scenario : marsplan.joint.scenario.Scenario
        Its :meth:`docking_pairs` (listed pairs, else each crew-access vehicle
        with the transit vehicle) are checked; a pair listed twice counts once.
    catalog
        Any object with dicts ``elements``, ``docking_standards`` and
        ``adapters`` keyed by id (:mod:`marsplan.catalog.models` records).

    Returns
    -------
    InterfaceReport
        Three checks per pair, in pair order; the adapters needed, one per
        pair and adapter (an adapter bridging several mismatches of a pair is
        flown and charged once); their total mass in tonnes.

    Raises
    ------
    InputError
        A pair names an element the catalog does not have.
    """
    elements = catalog.elements
    standards = dict(getattr(catalog, "docking_standards", None) or {})
    adapters = sorted((getattr(catalog, "adapters", None) or {}).values(),
                      key=lambda ad: (ad.mass_t, ad.id))
    by_id = {ad.id: ad for ad in adapters}
    checks, uses, seen = [], [], set()
    for a_id, b_id in scenario.docking_pairs():
        if frozenset((a_id, b_id)) in seen:
            continue
        seen.add(frozenset((a_id, b_id)))
        a, b = (_element(elements, x) for x in (a_id, b_id))
        chosen: dict[str, list[str]] = {}  # adapter id -> checks it bridges on this pair
        checks += [_docking(a, b, standards, adapters, chosen),
                   _atmosphere(a, b, adapters, chosen),
                   _power(a, b, adapters, chosen)]
        for adapter_id, bridged in chosen.items():
            ad = by_id[adapter_id]
            uses.append(AdapterUse(a_id, b_id, adapter_id, tuple(bridged), float(ad.mass_t),
                                   getattr(ad, "owner", None)))
    # Charge each adapter on the first row of its pair that uses it.
    charged, final = set(), []
    for c in checks:
        if c.adapter is not None:
            fresh = [(frozenset((c.a, c.b)), i) for i in c.adapter.split("+")]
            fresh = [key for key in fresh if key not in charged]
            charged.update(fresh)
            c = _replace(c, adapter_mass_t=math.fsum(float(by_id[i].mass_t) for _, i in fresh))
        final.append(c)
    total_t = math.fsum(u.mass_t for u in uses)
    return InterfaceReport(tuple(final), tuple(uses), total_t)


def prebreathe_min(p_from_kpa: float, oxygen_from: float, p_to_kpa: float) -> float:
    """Oxygen pre-breathe before moving from one cabin to a lower-pressure one, minutes.

    The tissue starts saturated with the first cabin's nitrogen (all gas but
    oxygen is taken as nitrogen); breathing pure oxygen washes it out with the
    :data:`TISSUE_HALF_TIME_MIN` half-time until the tissue ratio
    P_N2 / ``p_to_kpa`` falls to :data:`TISSUE_RATIO_MAX`. 0 when it is
    already there. An estimate from a one-tissue model, not a flight rule.
    """
    n2_kpa = p_from_kpa * (1.0 - oxygen_from)
    ratio = n2_kpa / p_to_kpa if p_to_kpa > 0 else math.inf
    if ratio <= TISSUE_RATIO_MAX:
        return 0.0
    return TISSUE_HALF_TIME_MIN * math.log2(ratio / TISSUE_RATIO_MAX)


def pressure_without_prebreathe_kpa(p_from_kpa: float, oxygen_from: float,
                                    p_to_kpa: float) -> float:
    """Highest pressure of the first cabin from which crews move to ``p_to_kpa`` with no
    pre-breathe, keeping its oxygen partial pressure: the nitrogen allowed by
    :data:`TISSUE_RATIO_MAX` plus the oxygen it had, kPa.

    For Soyuz's 101.3 kPa air and Apollo's 34.5 kPa this is 69.6 kPa; Soyuz 19
    flew ASTP at 0.68 atm (68.9 kPa).
    """
    return TISSUE_RATIO_MAX * p_to_kpa + p_from_kpa * oxygen_from


# --- the three checks -------------------------------------------------------------------

def _docking(a, b, standards, adapters, chosen) -> InterfaceCheck:
    sys_a, sys_b = list(a.docking), list(b.docking)
    values = (", ".join(sys_a) or "none", ", ".join(sys_b) or "none")
    for sa in sys_a:
        for sb in sys_b:
            if _mates(sa, sb, standards):
                androgynous = sa == sb and sa in standards and standards[sa].androgynous
                how = (f"androgynous {sa} on both" if androgynous
                       else f"{sa} on both" if sa == sb else f"{sa} mates with {sb}")
                return InterfaceCheck(a.id, b.id, "docking", *values, True, f"none needed ({how})")
    if not sys_a or not sys_b:
        bare = a.id if not sys_a else b.id
        return InterfaceCheck(a.id, b.id, "docking", *values, False,
                              f"{bare} carries no docking system: {NEEDS_DEVELOPMENT}")
    unknown = [s for s in dict.fromkeys(sys_a + sys_b) if s not in standards]
    why = (f"; {', '.join(unknown)} not among the catalog's docking standards"
           if unknown else "")
    docking = [ad for ad in adapters if "docking" in ad.bridges]
    fits = [ad for ad in docking
            if any(sa in ad.between for sa in sys_a) and any(sb in ad.between for sb in sys_b)]
    if fits:
        ad, named = _pick(fits, chosen, "docking")
        return InterfaceCheck(a.id, b.id, "docking", *values, False,
                              f"no system of {a.id} mates with one of {b.id}{why}: fly {named} "
                              f"between {' and '.join(ad.between)}",
                              ad.id, float(ad.mass_t))
    chain = _chain(sys_a, sys_b, docking, standards)
    if chain is None:
        return InterfaceCheck(a.id, b.id, "docking", *values, False,
                              f"no system of {a.id} mates with one of {b.id}{why}: "
                              f"{NEEDS_DEVELOPMENT}")
    (first, named_first), (second, named_second) = (_pick([ad], chosen, "docking")
                                                    for ad in chain[:2])
    return InterfaceCheck(a.id, b.id, "docking", *values, False,
                          f"no system of {a.id} mates with one of {b.id}{why}, nor does one "
                          f"adapter: fly {named_first} and {named_second} in series, joined "
                          f"by {chain[2]}", f"{first.id}+{second.id}",
                          float(first.mass_t) + float(second.mass_t))


def _chain(sys_a, sys_b, docking, standards):
    """The lightest two docking adapters in series from a system of A to one of B:
    (first, second, the system joining them), or None. The first connects a
    system of A with a system m, the second m with a system of B, and m mates
    with itself (so the adapters' facing ports dock)."""
    best = None
    for first in docking:
        for sa in (s for s in sys_a if s in first.between):
            for second in docking:
                if second is first:
                    continue
                for sb in (s for s in sys_b if s in second.between):
                    for m in first.between:
                        if (m != sa and m != sb and m in second.between
                                and _mates(m, m, standards)):
                            key = (first.mass_t + second.mass_t, first.id, second.id)
                            if best is None or key < best[0]:
                                best = (key, (first, second, m))
    return None if best is None else best[1]


def _atmosphere(a, b, adapters, chosen) -> InterfaceCheck:
    pa, pb = a.cabin_pressure_kpa, b.cabin_pressure_kpa
    fa, fb = a.oxygen_fraction, b.oxygen_fraction
    values = (_air(pa, fa), _air(pb, fb))
    missing = [e.id for e, p, f in ((a, pa, fa), (b, pb, fb)) if p is None or f is None]
    if missing:
        return InterfaceCheck(a.id, b.id, "atmosphere", *values, None,
                              f"not assessed: the catalog gives no cabin pressure and oxygen "
                              f"fraction for {' and '.join(missing)} (none is needed if "
                              "unpressurised)")
    dp_kpa, df = abs(pa - pb), abs(fa - fb)
    if dp_kpa <= PRESSURE_TOLERANCE_KPA and df <= OXYGEN_FRACTION_TOLERANCE:
        return InterfaceCheck(a.id, b.id, "atmosphere", *values, True,
                              "none needed: one air through the open hatch")
    procedure = _procedure(a, b)
    fits = [ad for ad in adapters if "atmosphere" in ad.bridges and _fits(ad, a, b)]
    if not fits:
        return InterfaceCheck(a.id, b.id, "atmosphere", *values, False,
                              f"airlock: {NEEDS_DEVELOPMENT}; {procedure}")
    ad, named = _pick(fits, chosen, "atmosphere")
    return InterfaceCheck(a.id, b.id, "atmosphere", *values, False,
                          f"airlock {named}; {procedure}", ad.id, float(ad.mass_t))


def _power(a, b, adapters, chosen) -> InterfaceCheck:
    va, vb = a.power_bus_v, b.power_bus_v
    values = tuple("unknown" if v is None else f"{v:g} V" for v in (va, vb))
    missing = [e.id for e, v in ((a, va), (b, vb)) if v is None]
    if missing:
        return InterfaceCheck(a.id, b.id, "power", *values, None,
                              f"not assessed: the catalog gives no power bus voltage for "
                              f"{' and '.join(missing)}")
    high = max(va, vb)
    if high == 0 or abs(va - vb) <= POWER_TOLERANCE * high:
        return InterfaceCheck(a.id, b.id, "power", *values, True,
                              f"none needed: within {POWER_TOLERANCE:.0%} of each other")
    what = (f"the {va:g} V and {vb:g} V buses differ by {abs(va - vb) / high:.0%} of the "
            f"higher: a DC-DC converter")
    fits = [ad for ad in adapters if "power" in ad.bridges and _fits(ad, a, b)]
    if not fits:
        return InterfaceCheck(a.id, b.id, "power", *values, False, f"{what}: {NEEDS_DEVELOPMENT}")
    ad, named = _pick(fits, chosen, "power")
    return InterfaceCheck(a.id, b.id, "power", *values, False, f"{what}, {named}",
                          ad.id, float(ad.mass_t))


# --- helpers ------------------------------------------------------------------------------

def _element(elements, element_id):
    try:
        return elements[element_id]
    except KeyError:
        raise InputError(f"docking pair: element {element_id!r} is not in the catalog; known: "
                         f"{', '.join(elements)}") from None


def _mates(x: str, y: str, standards) -> bool:
    """Whether docking systems ``x`` and ``y`` mate, reading ``mates_with`` both ways."""
    sx, sy = standards.get(x), standards.get(y)
    if x == y and sx is not None and sx.androgynous:
        return True
    return (sx is not None and y in sx.mates_with) or (sy is not None and x in sy.mates_with)


def _fits(adapter, a, b) -> bool:
    """An atmosphere or power adapter fits between ``a`` and ``b`` when it names nothing
    (a generic one) or names a docking system or the id of each."""
    if not adapter.between:
        return True
    between = set(adapter.between)
    return bool(between & {a.id, *a.docking}) and bool(between & {b.id, *b.docking})


def _pick(fits, chosen, check):
    """The adapter for ``check`` and how it is named in the remedy: one already flown
    on this pair if it fits (no new mass), else the lightest (``fits`` is sorted by
    mass, then id)."""
    ad = next((x for x in fits if x.id in chosen), fits[0])
    earlier = list(chosen.get(ad.id, ()))
    chosen.setdefault(ad.id, []).append(check)
    shared = f", already flown for {' and '.join(earlier)}" if earlier else ""
    return ad, f"{ad.name} ({ad.id}{shared})"


def _procedure(a, b) -> str:
    """The crew-transfer procedure between two different cabin atmospheres."""
    parts = []
    if abs(a.cabin_pressure_kpa - b.cabin_pressure_kpa) > PRESSURE_TOLERANCE_KPA:
        low, high = sorted((a.cabin_pressure_kpa, b.cabin_pressure_kpa))
        parts.append(f"equalise the airlock to each cabin in turn through its valves, hatches "
                     f"closed ({low:g} to {high:g} kPa)")
    # Decompression risk in either direction: from each cabin's nitrogen to the other's pressure.
    worst = max(((src, dst) for src, dst in ((a, b), (b, a))),
                key=lambda sd: _n2(sd[0]) / sd[1].cabin_pressure_kpa)
    src, dst = worst
    ratio = _n2(src) / dst.cabin_pressure_kpa
    minutes = prebreathe_min(src.cabin_pressure_kpa, src.oxygen_fraction,
                             dst.cabin_pressure_kpa)
    if minutes == 0.0:
        parts.append(f"no pre-breathe (tissue ratio {ratio:.2f} <= {TISSUE_RATIO_MAX:.2f})")
    else:
        p_max = pressure_without_prebreathe_kpa(src.cabin_pressure_kpa, src.oxygen_fraction,
                                                dst.cabin_pressure_kpa)
        parts.append(f"crew moving from {src.id} to {dst.id} pre-breathe oxygen "
                     f"{minutes:.0f} min (tissue ratio {ratio:.2f} > {TISSUE_RATIO_MAX:.2f}), "
                     f"or {src.id} lowers its cabin to {p_max:.1f} kPa at the same oxygen "
                     f"partial pressure before the transfers (as Soyuz 19 did for ASTP)")
    if abs(a.oxygen_fraction - b.oxygen_fraction) > OXYGEN_FRACTION_TOLERANCE:
        parts.append(f"oxygen fractions {a.oxygen_fraction:.2f} and {b.oxygen_fraction:.2f}: "
                     f"where the airs meet, materials rated for "
                     f"{max(a.oxygen_fraction, b.oxygen_fraction):.2f}")
    return "; ".join(parts)


def _n2(e) -> float:
    """Nitrogen partial pressure of a cabin, kPa (all gas but oxygen taken as nitrogen)."""
    return e.cabin_pressure_kpa * (1.0 - e.oxygen_fraction)


def _air(p_kpa, oxygen) -> str:
    if p_kpa is None or oxygen is None:
        return "unknown"
    return f"{p_kpa:g} kPa, O2 {oxygen:.2f}"


def _replace(check: InterfaceCheck, **changes) -> InterfaceCheck:
    return InterfaceCheck(**{**asdict(check), **changes})
