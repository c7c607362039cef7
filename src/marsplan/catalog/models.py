"""The catalog's records: partners, launch sites and vehicles, elements, propellants,
docking standards and adapters. Validated with pydantic; units in the field names.

Every record carries ``source`` (a short citation) and ``estimate`` (True when
a number is marsplan's estimate rather than a published figure; ``source`` then
says what it rests on).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Record(BaseModel):
    """Base of every catalog record: an id, a name, a source; unknown keys refused.

    NaN and infinities are refused in every number, and every number and list
    has an upper bound far above any real figure, so an override cannot make a
    budget infinite or a launch count unbounded.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=100)
    name: str = Field(max_length=200)
    source: str = Field(min_length=3, max_length=2000)
    estimate: bool = False


class Partner(Record):
    """A space agency or company that contributes to a joint mission.

    ``career_dose_limit_msv``: the career radiation limit its astronauts fly
    under (effective dose, mSv), with ``dose_limit_source``. Where the
    agency's limit depends on age at first flight and sex,
    ``career_dose_limit_msv`` is the lowest of its table (the stated default
    when the scenario gives no crew data) and ``career_dose_limit_max_msv``
    the highest. None for a partner with no published limit of its own (a
    company): its crew flies under the default limit of the planner.
    """

    kind: Literal["agency", "company"]
    country: str = Field(max_length=100)
    career_dose_limit_msv: float | None = Field(default=None, gt=0, le=10_000)
    career_dose_limit_max_msv: float | None = Field(default=None, gt=0, le=10_000)
    dose_limit_source: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _dose_limit(self):
        if self.career_dose_limit_msv is not None and not self.dose_limit_source:
            raise ValueError("career_dose_limit_msv needs dose_limit_source")
        if (self.career_dose_limit_max_msv is not None
                and (self.career_dose_limit_msv is None
                     or self.career_dose_limit_max_msv < self.career_dose_limit_msv)):
            raise ValueError("career_dose_limit_max_msv needs career_dose_limit_msv below it")
        return self


class LaunchSite(Record):
    """A launch site and the orbit inclinations it can reach (crewed or not)."""

    operator: str = Field(max_length=200)
    latitude_deg: float = Field(ge=-90, le=90)
    min_inclination_deg: float = Field(ge=0, le=180)
    max_inclination_deg: float = Field(ge=0, le=180)

    @model_validator(mode="after")
    def _range(self):
        if self.max_inclination_deg < self.min_inclination_deg:
            raise ValueError("max_inclination_deg is below min_inclination_deg")
        return self


class PayloadPoint(BaseModel):
    """Payload to a circular orbit of the given inclination and altitude."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    inclination_deg: float = Field(ge=0, le=180)
    altitude_km: float = Field(gt=0, le=100_000)
    payload_t: float = Field(ge=0, le=10_000)


class LaunchVehicle(Record):
    """A launch vehicle: payload by orbit, price, reusability, sites."""

    owner: str
    sites: list[str] = Field(min_length=1, max_length=100)
    payload_leo: list[PayloadPoint] = Field(min_length=1, max_length=1000)
    reusable: bool
    price_musd: float = Field(gt=0, le=1e6)
    crew_rated: bool = False


class Element(Record):
    """A spacecraft, stage, module, tanker or lander.

    ``descent_dv_kms``/``ascent_dv_kms``: for an element that can land on Mars,
    the propulsive delta-v from the Mars orbit to the surface (after entry)
    and back, from the sources in ``source``.

    Masses in tonnes; ``isp_s`` of its main engines; ``launched_on`` the launch
    vehicle that puts it in orbit (``None`` when it is itself a launch system's
    upper stage reaching orbit, as Starship on Super Heavy: then
    ``integrated_launch`` names the booster); ``docking`` the docking systems
    it carries; cabin atmosphere in kPa and oxygen mole fraction; ``power_bus_v``.
    """

    kind: Literal["crew_vehicle", "transit_vehicle", "tanker", "module", "lander", "cargo",
                  "stage", "adapter"]
    owner: str
    dry_mass_t: float = Field(ge=0, le=100_000)
    propellant_capacity_t: float = Field(ge=0, default=0.0, le=100_000)
    propellant: str | None = None
    # 1 s to 100,000 s spans cold gas to ion engines; below, the rocket equation
    # overflows for any interplanetary delta-v.
    isp_s: float | None = Field(default=None, ge=1, le=100_000)
    crew_capacity: int = Field(ge=0, default=0, le=1000)
    docking: list[str] = Field(default_factory=list, max_length=50)
    cabin_pressure_kpa: float | None = Field(default=None, ge=0, le=1000)
    oxygen_fraction: float | None = Field(default=None, ge=0, le=1)
    power_bus_v: float | None = Field(default=None, ge=0, le=100_000)
    launched_on: str | None = None
    integrated_launch: str | None = None
    unit_cost_musd: float = Field(ge=0, default=0.0, le=1e6)
    reusable: bool = False
    descent_dv_kms: float | None = Field(default=None, gt=0, le=20)
    ascent_dv_kms: float | None = Field(default=None, gt=0, le=20)

    @model_validator(mode="after")
    def _landing(self):
        if (self.descent_dv_kms is None) != (self.ascent_dv_kms is None):
            raise ValueError("descent_dv_kms and ascent_dv_kms go together: an element that "
                             "lands gives both")
        return self

    @property
    def can_land(self) -> bool:
        """It lands from the Mars orbit and returns to it (descent and ascent delta-v)."""
        return self.descent_dv_kms is not None


class Propellant(Record):
    """A propellant combination and its boil-off in storage (per cent per day)."""

    boiloff_pct_per_day: float = Field(ge=0, le=100)
    cryogenic: bool


class DockingStandard(Record):
    """A docking system and the systems it mates with."""

    androgynous: bool
    mates_with: list[str] = Field(max_length=100)


class Adapter(Record):
    """Hardware or procedure that bridges an interface mismatch.

    ``bridges``: which mismatches it resolves: ``docking`` (between the two
    ``between`` systems), ``atmosphere`` (different pressure or oxygen
    fraction), ``power`` (different bus voltages).
    """

    bridges: list[Literal["docking", "atmosphere", "power"]] = Field(max_length=3)
    between: list[str] = Field(default_factory=list, max_length=10)
    mass_t: float = Field(ge=0, le=10_000)
    owner: str | None = None
