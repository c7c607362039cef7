"""marsplan.joint.verdict: the status and the limits, from hand-made findings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from marsplan.joint.verdict import verdict


def _member(partner, dose, limit):
    return SimpleNamespace(member=f"{partner} 1", partner=partner, career_dose_msv=dose,
                           career_limit_msv=limit, fraction_of_limit=dose / limit,
                           within_limit=dose <= limit, limit_source=f"{partner} standard")


def _dose(*members):
    return SimpleNamespace(members=tuple(members))


def test_no_limit_flies():
    v = verdict((), (), (), _dose(_member("nasa", 599.0, 600.0), _member("esa", 999.0, 1000.0)))
    assert v.status == "flies" and v.flies and v.limits == () and v.binding is None


def test_a_dose_just_over_one_limit_needs_a_waiver():
    # 600.5 mSv against NASA's 600: over by half a millisievert is over.
    v = verdict((), (), (), _dose(_member("nasa", 600.5, 600.0), _member("esa", 600.5, 1000.0)))
    assert v.status == "flies_with_waiver" and not v.flies
    (limit,) = v.limits
    assert (limit.kind, limit.subject, limit.value, limit.allowed, limit.unit) == (
        "crew_dose", "nasa", 600.5, 600.0, "mSv")
    assert limit.source == "nasa standard"


def test_hardware_binds_before_the_dose_and_keeps_its_numbers():
    unresolved = SimpleNamespace(a="htv_x", b="starship_crew", check="docking", a_value="cbm",
                                 b_value="starship")
    v = verdict(["ship cannot hold the propellant for TMI: short by 1,234.5 t (needs ...)"],
                ["baikonur cannot reach 28.5 deg"], [unresolved],
                _dose(_member("nasa", 900.0, 600.0)))
    assert v.status == "cannot_fly"
    assert [x.kind for x in v.limits] == ["hardware_shortfall", "unreachable_site",
                                          "unbridged_interface", "crew_dose"]
    assert v.limits[0].value == pytest.approx(1234.5) and v.limits[0].unit == "t"
    assert v.limits[0].subject == "ship"
    assert v.limits[2].subject == "htv_x+starship_crew" and "cbm vs starship" in \
        v.limits[2].message
    assert v.binding is v.limits[0]
