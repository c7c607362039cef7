"""Words and figures for people: catalog names for ids, rounded numbers with units, dates.

The core speaks in ids (``starship_crew``, ``soyuz_2_1a``) and full-precision
floats whose key names their unit (``imleo_t``, ``dv_kms``). A report reader
wants "Starship, crew configuration", "1,034 t" and "21 Apr 2033 01:54". Nothing
here computes: it only words and rounds what the core returned.

Rounding: a figure keeps the digits its uncertainty deserves, no more. Masses
to three significant figures (a sizing estimate is not better than 1 %),
delta-v to 10 m/s (the margins are 10 %), angles to 0.1 deg, durations to
whole days, doses to whole mSv (the RAD rates carry ~15 % uncertainty),
money to US$1 million. plan.json keeps full precision.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MINUS = "\N{MINUS SIGN}"
_NO_VALUE = "\N{EM DASH}"


# --------------------------------------------------------------------------- numbers


def grouped(value: float, decimals: int = 0) -> str:
    """``1,033.5`` style: thousands separated, a true minus sign, never "-0"."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-"):
        digits = text[1:]
        text = digits if float(digits.replace(",", "")) == 0 else _MINUS + digits
    return text


def three_figures(value: float) -> str:
    """Three significant figures with thousands separators, no exponent: 1,034 / 128.6 /
    9.53; below 1, two decimals (0.20: a tenth of a percent of a mission's mass is noise)."""
    size = abs(value)
    if size >= 100 or size == 0:
        return grouped(value, 0) if size >= 100 else "0"
    decimals = 1 if size >= 10 else 2
    return grouped(value, decimals)


def _scalar(value):
    """A numpy scalar as the Python value it holds; anything else as it is."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", None) == 0 \
        else value


def _is_number(value) -> bool:
    value = _scalar(value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# Per unit suffix of a key (checked in order): the unit as printed, and how the
# number is rounded. See the module docstring for the reasons.
_UNITS: tuple[tuple[str, str, object], ...] = (
    ("_msv_per_day", "mSv/day", lambda v: grouped(v, 2)),
    ("_km2s2", "km\N{SUPERSCRIPT TWO}/s\N{SUPERSCRIPT TWO}", lambda v: grouped(v, 2)),
    ("_kms", "km/s", lambda v: grouped(v, 2)),
    ("_km", "km", lambda v: grouped(v, 0)),
    ("_deg", "\N{DEGREE SIGN}", lambda v: grouped(v, 1)),
    ("_days", "days", lambda v: grouped(v, 0)),
    ("_min", "min", lambda v: grouped(v, 1)),
    ("_musd", "US$ M", lambda v: grouped(v, 0)),
    ("_pct", "%", lambda v: grouped(v, 1)),
    ("_msv", "mSv", lambda v: grouped(v, 0)),
    ("_t", "t", three_figures),
    ("_s", "s", lambda v: grouped(v, 0)),
)
#: Keys without a unit suffix that still hold a number of a known kind.
_PLAIN_KEYS = {"fraction_of_limit": ("% of limit", lambda v: grouped(100.0 * v, 0)),
               "max_career_fraction_of_limit": ("% of limit", lambda v: grouped(100.0 * v, 0)),
               "loss_fraction": ("%", lambda v: grouped(100.0 * v, 1)),
               "solar_factor": ("", lambda v: grouped(v, 2)),
               "shielding_factor": ("", lambda v: grouped(v, 2))}


def is_numeric_key(key: str) -> bool:
    """True for keys that hold a number to align right: a unit suffix, a factor, a count."""
    return bool(unit_of(key)) or key in _PLAIN_KEYS or key.endswith(
        ("days", "launches", "units", "count", "crew", "seats", "provided", "flights"))


def unit_of(key: str) -> str:
    """The unit a key's suffix promises ("t", "km/s", ...), "" for none."""
    if key in _PLAIN_KEYS:
        return _PLAIN_KEYS[key][0]
    for suffix, unit, _ in _UNITS:
        if key.endswith(suffix):
            return unit
    return ""


def figure(key: str, value) -> str:
    """``value`` rounded for its key, without the unit (the column header carries it).

    Dates (ISO strings under a date-like key) become "21 Apr 2033"; booleans
    "yes"/"no"; None and NaN a dash; lists are joined with commas.
    """
    value = _scalar(value)
    if value is None:
        return _NO_VALUE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(figure(key, v) for v in value) or _NO_VALUE
    if _is_number(value):
        value = float(value)
        if not math.isfinite(value):
            return _NO_VALUE
        if key in _PLAIN_KEYS:
            return _PLAIN_KEYS[key][1](value)
        for suffix, _, rounding in _UNITS:
            if key.endswith(suffix):
                return rounding(value)
        return grouped(value, 0) if float(value).is_integer() else three_figures(value)
    text = str(value)
    if is_iso_date(text):
        return date(text)
    return text


def quantity(key: str, value) -> str:
    """``value`` rounded with its unit: "1,034 t", "3.60 km/s", "51.6°", "US$1,620 M"."""
    text = figure(key, value)
    unit = unit_of(key)
    if text == _NO_VALUE or not unit or not _is_number(value):
        return text
    if unit == "US$ M":
        return f"US${text} million"
    if unit in ("\N{DEGREE SIGN}", "%"):
        return f"{text}{unit}"
    return f"{text} {unit}"


def money_musd(value: float) -> str:
    """US$ from millions: "US$1.62 billion", "US$620 million"."""
    if value >= 1000.0:
        return f"US${value / 1000.0:,.2f} billion"
    return f"US${value:,.0f} million"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``"1 launch"``, ``"12 launches"``."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def years(days: float) -> str:
    """``"2.6 years"`` for a duration in days (Julian years of 365.25 days)."""
    return f"{days / 365.25:.1f} years"


# --------------------------------------------------------------------------- dates

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def is_iso_date(text: str) -> bool:
    return bool(_ISO.match(text))


def date(iso: str) -> str:
    """``"2033-04-21T01:54:51"`` to ``"21 Apr 2033 01:54"`` (TDB): the day the CLI
    prints, never rounded to another, with the time of day (truncated to the
    minute) so that no instant is ambiguous. A date alone stays a date."""
    text = str(iso)
    if len(text) > 10:
        moment = _dt.datetime.fromisoformat(text)
        return (f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} "
                f"{moment.hour:02d}:{moment.minute:02d}")
    day = _dt.date.fromisoformat(text)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def date_of(jd_tdb: float) -> str:
    """A TDB Julian date as ``"21 Apr 2033 01:54"`` (see :func:`date`)."""
    from marsplan.time import jd_tdb_to_iso

    return date(jd_tdb_to_iso(jd_tdb))


# --------------------------------------------------------------------------- names


def _short(name: str) -> str:
    """A catalog name without its trailing parenthesis: "Falcon 9 Block 5"."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", name).strip() or name


class Names:
    """People's names for the ids of a catalog.

    ``partner("spacex")`` is "SpaceX" (the acronym in the catalog name's
    parenthesis, else the id in capitals when it is an acronym of up to four
    letters, else capitalised); elements, launch vehicles, sites and docking
    systems drop a trailing parenthesis ("Falcon 9 Block 5"); adapters keep it
    ("(notional)" matters). Unknown ids come back as they are.
    """

    def __init__(self, catalog):
        def names(kind):
            return {i: r.name for i, r in (getattr(catalog, kind, None) or {}).items()}

        self._partners = names("partners")
        self._elements = {i: _short(n) for i, n in names("elements").items()}
        self._vehicles = {i: _short(n) for i, n in names("launch_vehicles").items()}
        self._sites = {i: _short(n) for i, n in names("sites").items()}
        self._adapters = names("adapters")
        self._docking = {i: _short(n) for i, n in names("docking_standards").items()}
        every = {**self._docking, **self._sites, **self._adapters, **self._vehicles,
                 **self._elements, **{p: self.partner(p) for p in self._partners}}
        self._every = every
        ids = sorted(every, key=len, reverse=True)
        self._pattern = (re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, ids))
                                    + r")(?![A-Za-z0-9_])") if ids else None)

    def partners(self, pids) -> str:
        """Several partners in words: "NASA and Roscosmos"."""
        names = [self.partner(p) for p in pids]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def partner(self, pid: str | None) -> str:
        if not pid:
            return ""
        name = self._partners.get(pid)
        if name:
            match = re.search(r"\(([^()]+)\)\s*$", name)
            if match:
                return match.group(1)
        return pid.upper() if len(pid) <= 4 else pid.capitalize()

    def partner_full(self, pid: str) -> str:
        return self._partners.get(pid, self.partner(pid))

    def element(self, eid: str | None) -> str:
        return self._elements.get(eid, eid or "")

    def vehicle(self, vid: str | None) -> str:
        return self._vehicles.get(vid, vid or "")

    def site(self, sid: str | None) -> str:
        return self._sites.get(sid, sid or "")

    def adapter(self, aid: str | None) -> str:
        """An adapter, or two in series written ``a+b``."""
        if not aid:
            return ""
        return " + ".join(self._adapters.get(a, a) for a in aid.split("+"))

    def any(self, some_id: str | None) -> str:
        return self._every.get(some_id, some_id or "")

    def prose(self, text: str | None) -> str:
        """``text`` from the core with every catalog id in it replaced by its name."""
        if not text or self._pattern is None:
            return text or ""
        return self._pattern.sub(lambda m: self._every[m.group(1)], text)
