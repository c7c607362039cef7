"""A joint mission scenario: who flies what, where, with which margins.

These pydantic models are what a scenario TOML file becomes
(:func:`marsplan.io.scenario.load_scenario` reads and checks the file); the
planning code works on them. Units are in the field names; dates are ISO
strings read as TDB. Cross-references to the catalog (element, partner ids)
are checked by :func:`check_against_catalog`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from marsplan.choices import EARTH_RETURNS, MISSION_CLASSES
from marsplan.transfer.maneuvers import DEFAULT_ORBITS, Orbit, Orbits

MANEUVERS = ("tmi", "moi", "tei", "eoi")
#: Upper bounds that keep every loop and list a plan builds finite: crew members
#: in all, days of a stay or a mission (10 years), elements flown, and partners.
MAX_CREW = 100
MAX_MISSION_DAYS = 3653.0
MAX_ELEMENTS = 100
MAX_PARTNERS = 50


def _printable(text: str) -> str:
    # Names reach terminals and reports: an ESC or CR in one could redraw a screen.
    if not text.isprintable():
        raise ValueError("control characters (ESC, CR, newline, ...) are not allowed")
    return text


_Text = Annotated[str, AfterValidator(_printable)]
_Name = Annotated[_Text, Field(min_length=1, max_length=100)]
ROLES = ("transit", "crew_access", "stage", "tanker", "lander", "cargo", "module")


class _Strict(BaseModel):
    # NaN and infinities are refused in every float field: NaN passes no bound
    # check the wrong way round, and an infinity could reach a "flyable" verdict.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              allow_inf_nan=False)


def _iso_date(value):
    """An ISO date (read as TDB) that marsplan can use; the message without a prefix."""
    from marsplan.errors import InputError
    from marsplan.time import to_jd_tdb

    if value is None:
        return value
    try:
        to_jd_tdb(value, "date")
    except InputError as exc:
        raise ValueError(str(exc).removeprefix("date: ")) from None
    return value


class Dates(_Strict):
    """Explicit mission dates (ISO, TDB); a Venus swing-by date is optional."""

    earth_departure: str
    mars_arrival: str
    mars_departure: str
    earth_arrival: str
    venus_flyby: str | None = None

    _dates_are_dates = field_validator("earth_departure", "mars_arrival", "mars_departure",
                                       "earth_arrival", "venus_flyby")(_iso_date)

    @model_validator(mode="after")
    def _in_order(self):
        from marsplan.time import to_jd_tdb

        names = ("earth_departure", "mars_arrival", "mars_departure", "earth_arrival")
        jd = [to_jd_tdb(getattr(self, n)) for n in names]
        for (a, ta), (b, tb) in zip(zip(names, jd), zip(names[1:], jd[1:])):
            if tb < ta:
                raise ValueError(f"{b} is before {a}")
        if jd[3] - jd[0] > MAX_MISSION_DAYS:
            raise ValueError(f"earth_arrival is {jd[3] - jd[0]:.0f} days after earth_departure;"
                             f" at most {MAX_MISSION_DAYS:.0f} days (10 years) are allowed")
        return self


class MissionSpec(_Strict):
    """The trajectory: an opportunity and class searched by marsplan, or explicit dates."""

    name: _Text = Field(min_length=1, max_length=200)
    opportunity: int | None = Field(default=None, ge=1900, le=2600)
    mission_class: Literal[MISSION_CLASSES] = Field(
        default="conjunction", alias="class")
    venus: bool = False
    dates: Dates | None = None
    stay_days: tuple[float, float] | None = None
    max_duration_days: float | None = Field(default=None, gt=0, le=MAX_MISSION_DAYS)
    max_dla_deg: float | None = Field(default=None, gt=0, le=90)
    mars_capture: Literal["propulsive", "aerocapture"] = "propulsive"
    earth_return: Literal[EARTH_RETURNS] = "entry"

    @field_validator("stay_days", mode="before")
    @classmethod
    def _stay_pair(cls, value):
        # TOML has arrays, not tuples: read [min, max] as the (min, max) pair.
        return tuple(value) if isinstance(value, list) else value

    @field_validator("stay_days")
    @classmethod
    def _stay_range(cls, value):
        if value is not None and not 0.0 <= value[0] <= value[1] <= MAX_MISSION_DAYS:
            raise ValueError(f"need 0 <= min <= max <= {MAX_MISSION_DAYS:.0f} days")
        return value

    @model_validator(mode="after")
    def _one_trajectory(self):
        if (self.opportunity is None) == (self.dates is None):
            raise ValueError("give either opportunity (with class) or dates, not both or neither")
        return self


class OrbitsSpec(_Strict):
    """The ``[orbits]`` table: parking and assembly orbit at Earth, and the orbit at Mars.

    Altitudes, km; the defaults are those of
    :class:`~marsplan.transfer.maneuvers.Orbits`, and :meth:`value` is that typed value.
    """

    leo_altitude_km: float = Field(default=DEFAULT_ORBITS.departure.periapsis_alt_km,
                                   gt=100, lt=2000)
    # Mars's sphere of influence reaches ~577,000 km: an orbit must lie within it.
    mars_periapsis_alt_km: float = Field(default=DEFAULT_ORBITS.mars_capture.periapsis_alt_km,
                                         gt=0, le=500_000)
    mars_apoapsis_alt_km: float = Field(default=DEFAULT_ORBITS.mars_capture.apoapsis_alt_km,
                                        gt=0, le=500_000)

    @model_validator(mode="after")
    def _periapsis_below_apoapsis(self):
        if self.mars_apoapsis_alt_km < self.mars_periapsis_alt_km:
            raise ValueError(f"mars_apoapsis_alt_km {self.mars_apoapsis_alt_km:g} is below "
                             f"mars_periapsis_alt_km {self.mars_periapsis_alt_km:g}")
        return self

    def value(self) -> Orbits:
        """The orbits as the mission search takes them."""
        return Orbits(departure=Orbit.circular(self.leo_altitude_km),
                      mars_capture=Orbit(self.mars_periapsis_alt_km, self.mars_apoapsis_alt_km))


class Margins(_Strict):
    """Design margins, per cent: on every delta-v, and on dry masses."""

    dv_pct: float = Field(default=10.0, ge=0, le=100)
    dry_mass_pct: float = Field(default=0.0, ge=0, le=100)


class LifeSupport(_Strict):
    """Crew consumables.

    ``consumables_kg_per_crew_day``: food, oxygen and water an open loop uses
    per crew member per day; ``closure``: the fraction of the oxygen and water
    part that life support recovers; ``recyclable_fraction``: the oxygen and
    water part of the consumables; ``crew_member_t``: a crew member with
    personal equipment.
    """

    consumables_kg_per_crew_day: float = Field(default=5.0, gt=0, le=100)
    recyclable_fraction: float = Field(default=0.64, ge=0, le=1)
    closure: float = Field(default=0.85, ge=0, lt=1)
    crew_member_t: float = Field(default=0.1, ge=0, le=10)


class ElementUse(_Strict):
    """An element of the catalog flown in this mission, who provides it, and its job.

    ``role``: ``transit`` (carries the crew to Mars and back), ``crew_access``
    (ferries crew between Earth and the assembly orbit), ``stage`` (propulsion
    dropped after its ``burns``), ``tanker``, ``lander``, ``cargo``, ``module``.
    ``burns``: the maneuvers its engines perform (``tmi``, ``moi``, ``tei``, ``eoi``).
    ``to_mars``: whether it goes to Mars with the transit vehicle (stages and
    modules do; crew access vehicles stay at Earth).
    """

    id: _Name
    provider: _Name
    role: Literal["transit", "crew_access", "stage", "tanker", "lander", "cargo", "module"]
    count: int = Field(default=1, ge=1, le=100)
    burns: list[Literal["tmi", "moi", "tei", "eoi"]] = Field(default_factory=list,
                                                             max_length=8)
    to_mars: bool | None = None

    @property
    def goes_to_mars(self) -> bool:
        if self.to_mars is not None:
            return self.to_mars
        return self.role in ("transit", "stage", "module", "lander", "cargo")


class Refuelling(_Strict):
    """Propellant transfer in the assembly orbit by tanker flights."""

    tanker: _Name
    provider: _Name


class Isru(_Strict):
    """Propellant made on Mars and loaded before the Mars departure burn, tonnes."""

    propellant_t: float = Field(default=0.0, ge=0, le=100_000)
    provider: _Name | None = None


class CrewHealth(_Strict):
    """Radiation and communications assumptions.

    ``shielding_factor`` scales every dose rate (1 = Curiosity's RAD shielding);
    ``surface``: the crew lands for the stay, which needs an element that can
    land (a ``lander``, or a transit vehicle that lands, as Starship); by
    default it stays in the Mars capture orbit, at the orbital dose rate;
    ``prior_dose_msv`` per partner's crew members; ``dose_limit_msv`` per
    partner: its crew's own career limit where the agency's depends on age and
    sex (JAXA), instead of the catalog's stated default;
    ``blackout_threshold_deg``: Sun-Earth-Mars angle below which
    communications are lost.
    """

    shielding_factor: float = Field(default=1.0, gt=0, le=100)
    surface: bool = False
    prior_dose_msv: dict[_Name, Annotated[float, Field(ge=0, le=100_000)]] = Field(
        default_factory=dict, max_length=MAX_PARTNERS)
    dose_limit_msv: dict[_Name, float] = Field(default_factory=dict, max_length=MAX_PARTNERS)
    blackout_threshold_deg: float = Field(default=2.0, gt=0, lt=30)

    @model_validator(mode="after")
    def _doses(self):
        for name in ("prior_dose_msv", "dose_limit_msv"):
            for partner, value in getattr(self, name).items():
                if not (0.0 <= value <= 1e5) or (name == "dose_limit_msv" and value <= 0):
                    raise ValueError(f"{name}.{partner}: must be a dose in mSv, "
                                     f"{'> 0' if name == 'dose_limit_msv' else '>= 0'} and "
                                     f"<= 100000, got {value!r}")
        return self


class DockingPair(_Strict):
    """Two elements (by id) that dock or exchange crew."""

    a: _Name
    b: _Name


class AgreementSpec(_Strict):
    """The ``[agreement]`` table: who funds what, how balances settle, sanctions.

    ``funders``: element, launch vehicle or tanker id, or a provider's partner
    id -> the partner that pays for it (default: an agency funds itself, a
    company is bought by the agency of its country); ``settle``: ``none``
    (report balances), ``cash`` (debtors pay creditors) or ``barter`` (no
    settlement cash); ``in_kind``: partners that settle only in kind;
    ``no_funds``: pairs of partners between which no money flows;
    ``cannot_provide`` / ``must_provide``: partner -> element kinds
    (``crew_vehicle``, ``transit_vehicle``, ...), item kinds (``launch``,
    ``tanker``, ``propellant``, ``adapter``) or catalog ids; ``entitlement``:
    benefit measure -> weight (``seats``, ``surface_days`` or a measure of
    ``benefits``); ``benefits``: measure -> partner -> amount, for benefits the
    plan does not know; ``balance_tolerance_pct``: per cent of the total cost
    within which a balance counts as balanced. docs/agreements.md has the model.
    """

    funders: dict[_Name, _Name] = Field(default_factory=dict, max_length=MAX_ELEMENTS)
    settle: Literal["none", "cash", "barter"] = "none"
    in_kind: list[_Name] = Field(default_factory=list, max_length=MAX_PARTNERS)
    no_funds: list[tuple[_Name, _Name]] = Field(default_factory=list, max_length=1000)
    cannot_provide: dict[_Name, list[_Name]] = Field(default_factory=dict,
                                                    max_length=MAX_PARTNERS)
    must_provide: dict[_Name, list[_Name]] = Field(default_factory=dict, max_length=MAX_PARTNERS)
    entitlement: dict[_Name, Annotated[float, Field(ge=0, le=1e6)]] = Field(
        default_factory=lambda: {"seats": 1.0}, min_length=1, max_length=20)
    benefits: dict[_Name, dict[_Name, Annotated[float, Field(ge=0, le=1e12)]]] = Field(
        default_factory=dict, max_length=20)
    balance_tolerance_pct: float = Field(default=5.0, ge=0, le=100)

    @field_validator("no_funds", mode="before")
    @classmethod
    def _pairs(cls, value):
        # TOML has arrays, not tuples: read each [a, b] as a pair.
        if isinstance(value, list):
            return [tuple(v) if isinstance(v, list) else v for v in value]
        return value

    @model_validator(mode="after")
    def _consistent(self):
        for n, (a, b) in enumerate(self.no_funds):
            if a == b:
                raise ValueError(f"no_funds[{n}]: a pair of two different partners, got "
                                 f"[{a!r}, {b!r}]")
        for partner, rules in self.must_provide.items():
            both = sorted(set(rules) & set(self.cannot_provide.get(partner, ())))
            if both:
                raise ValueError(f"must_provide.{partner} and cannot_provide.{partner} both "
                                 f"name {', '.join(both)}: a partner cannot be required and "
                                 "forbidden to provide the same thing")
        if not any(w > 0 for w in self.entitlement.values()):
            raise ValueError("entitlement: at least one measure needs a weight > 0")
        return self

    def value(self):
        """The typed :class:`~marsplan.joint.agreement.Agreement`."""
        from marsplan.joint.agreement import Agreement

        return Agreement(
            funders=dict(self.funders), in_kind=frozenset(self.in_kind),
            no_funds=tuple(sorted({tuple(sorted(p)) for p in self.no_funds})),
            cannot_provide={p: tuple(r) for p, r in self.cannot_provide.items()},
            must_provide={p: tuple(r) for p, r in self.must_provide.items()},
            entitlement=dict(self.entitlement),
            benefits={m: dict(v) for m, v in self.benefits.items()},
            settle=self.settle, balance_tolerance_pct=self.balance_tolerance_pct)


class Scenario(_Strict):
    """A joint crewed Mars mission as a scenario file describes it."""

    mission: MissionSpec
    crew: dict[_Name, Annotated[int, Field(ge=0, le=MAX_CREW)]] = Field(
        min_length=1, max_length=MAX_PARTNERS)
    elements: list[ElementUse] = Field(alias="element", min_length=1, max_length=MAX_ELEMENTS)
    refuelling: Refuelling | None = None
    isru: Isru = Isru()
    orbits: OrbitsSpec = OrbitsSpec()
    margins: Margins = Margins()
    life_support: LifeSupport = LifeSupport()
    crew_health: CrewHealth = CrewHealth()
    docking: list[DockingPair] = Field(default_factory=list, max_length=1000)
    agreement: AgreementSpec = AgreementSpec()
    catalog: list[Annotated[str, Field(min_length=1, max_length=4096)]] = Field(
        default_factory=list, max_length=32)

    @model_validator(mode="after")
    def _consistent(self):
        if any(n < 0 for n in self.crew.values()) or sum(self.crew.values()) < 1:
            raise ValueError("crew: counts per partner must be >= 0 with at least one crew member")
        if sum(self.crew.values()) > MAX_CREW:
            raise ValueError(f"crew: {sum(self.crew.values())} crew members in all; at most "
                             f"{MAX_CREW} are allowed")
        transit = [e for e in self.elements if e.role == "transit"]
        if len(transit) != 1 or transit[0].count != 1:
            raise ValueError("element: exactly one element with role = \"transit\" is required")
        return self

    @property
    def crew_size(self) -> int:
        return sum(self.crew.values())

    @property
    def transit(self) -> ElementUse:
        return next(e for e in self.elements if e.role == "transit")

    def partners(self) -> list[str]:
        """Every partner that provides crew, an element, tankers or ISRU, in first-seen order."""
        seen = [p for p, n in self.crew.items() if n > 0]
        seen += [e.provider for e in self.elements]
        if self.refuelling:
            seen.append(self.refuelling.provider)
        if self.isru.provider:
            seen.append(self.isru.provider)
        return list(dict.fromkeys(seen))

    def docking_pairs(self) -> list[tuple[str, str]]:
        """Pairs that dock or exchange crew: the listed ones, else every crew-access
        vehicle, module, cargo carrier and lander with the transit vehicle (stages
        and tankers join by structural or propellant interfaces, not hatches)."""
        if self.docking:
            return [(p.a, p.b) for p in self.docking]
        return [(e.id, self.transit.id) for e in self.elements
                if e.role in ("crew_access", "module", "cargo", "lander")]


def check_against_catalog(scenario: Scenario, catalog) -> list[str]:
    """Problems with the scenario's references to the catalog, as one-line messages.

    Empty when every element, partner, tanker and docking id exists.
    """
    problems = []
    partners, elements = catalog.partners, catalog.elements
    for partner in scenario.crew:
        if partner not in partners:
            shown = partner if partner.isprintable() else repr(partner)  # no raw ESC or CR
            problems.append(f"crew.{shown}: unknown partner; known: {', '.join(partners)}")
    for n, use in enumerate(scenario.elements):
        if use.id not in elements:
            problems.append(f"element[{n}].id: unknown element {use.id!r}; known: "
                            f"{', '.join(elements)}")
        if use.provider not in partners:
            problems.append(f"element[{n}].provider: unknown partner {use.provider!r}; known: "
                            f"{', '.join(partners)}")
    if scenario.refuelling is not None:
        if scenario.refuelling.tanker not in elements:
            problems.append(f"refuelling.tanker: unknown element {scenario.refuelling.tanker!r}")
        if scenario.refuelling.provider not in partners:
            problems.append(f"refuelling.provider: unknown partner "
                            f"{scenario.refuelling.provider!r}")
    if scenario.isru.provider is not None and scenario.isru.provider not in partners:
        problems.append(f"isru.provider: unknown partner {scenario.isru.provider!r}")
    for name in ("prior_dose_msv", "dose_limit_msv"):
        for partner in getattr(scenario.crew_health, name):
            if partner not in scenario.crew:
                problems.append(f"crew_health.{name}.{partner}: not a partner with crew "
                                f"({', '.join(scenario.crew)})")
    if scenario.crew_health.surface and not any(
            getattr(elements.get(use.id), "can_land", False) for use in scenario.elements
            if use.role in ("lander", "transit")):
        problems.append("crew_health.surface: the crew lands for the stay, but no element of "
                        "the scenario can land (a lander, or a transit vehicle with descent and "
                        "ascent delta-v in the catalog): add one with role = \"lander\" or set "
                        "surface = false")
    problems += _agreement_problems(scenario, catalog)
    used = {e.id for e in scenario.elements}
    for n, pair in enumerate(scenario.docking):
        for side in ("a", "b"):
            if getattr(pair, side) not in used:
                problems.append(f"docking[{n}].{side}: {getattr(pair, side)!r} is not an element "
                                "of this scenario")
    return problems


def _agreement_problems(scenario: Scenario, catalog) -> list[str]:
    """The ``[agreement]`` table's references: partners, ids, kinds and measures."""
    from marsplan.joint.agreement import ITEM_KINDS, PLAN_MEASURES

    a, problems = scenario.agreement, []
    partners, elements = catalog.partners, catalog.elements
    vehicles = getattr(catalog, "launch_vehicles", {}) or {}
    propellants = getattr(catalog, "propellants", {}) or {}
    known = ", ".join(partners)

    def show(text: str) -> str:
        return text if text.isprintable() else repr(text)

    for key, funder in a.funders.items():
        if key not in partners and key not in elements and key not in vehicles \
                and key not in propellants:
            problems.append(f"agreement.funders.{show(key)}: not a partner, element, launch "
                            "vehicle or propellant of the catalog")
        if funder not in partners:
            problems.append(f"agreement.funders.{show(key)}: unknown partner {funder!r}; "
                            f"known: {known}")
    mission = set(scenario.partners()) | set(scenario.crew) | set(a.funders.values())
    for n, partner in enumerate(a.in_kind):
        if partner not in mission:
            problems.append(f"agreement.in_kind[{n}]: {partner!r} is not a partner of this "
                            f"mission ({', '.join(sorted(mission))})")
    for n, pair in enumerate(a.no_funds):
        for side, partner in enumerate(pair):
            if partner not in mission:
                problems.append(f"agreement.no_funds[{n}][{side}]: {partner!r} is not a "
                                f"partner of this mission ({', '.join(sorted(mission))})")
    kinds = {str(k) for k in ITEM_KINDS} | {e.kind for e in elements.values()}
    for name in ("cannot_provide", "must_provide"):
        for partner, rules in getattr(a, name).items():
            if partner not in partners:
                problems.append(f"agreement.{name}.{show(partner)}: unknown partner; known: "
                                f"{known}")
            for rule in rules:
                if rule not in kinds and rule not in elements and rule not in vehicles:
                    problems.append(f"agreement.{name}.{show(partner)}: {rule!r} is not an "
                                    f"element kind ({', '.join(sorted(kinds))}) nor an element "
                                    "or launch vehicle id")
    for measure in a.entitlement:
        if measure not in PLAN_MEASURES and measure not in a.benefits:
            problems.append(f"agreement.entitlement.{show(measure)}: not a measure; use "
                            f"{', '.join(PLAN_MEASURES)} or one given in [agreement.benefits]")
    for measure, amounts in a.benefits.items():
        for partner in amounts:
            if partner not in partners:
                problems.append(f"agreement.benefits.{show(measure)}.{show(partner)}: unknown "
                                f"partner; known: {known}")
    return problems
