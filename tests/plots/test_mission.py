"""marsplan.plots.mission: a round trip drawn in the ecliptic plane.

Three real missions on DE440, built by ``assemble_mission`` (each leg a
Lambert arc between the planets' states on the given dates):

* conjunction class: Earth 2033-04-28 -> Mars 2034-01-27, stay to 2035-05-15,
  Mars -> Earth 2035-12-20 (a 2033 opportunity with a long stay);
* flyby: the Inspiration Mars 2018 free return, Earth 2018-01-05 -> Mars
  2018-08-20 -> Earth 2019-05-21 (Tito et al., IEEE Aerospace 2013);
* flyby via Venus, three legs: Boeing's 2035 backup, Earth 2035-01-23 -> Mars
  2035-08-13 -> Venus 2036-04-08 -> Earth 2036-08-18 (Donahue & Duggan, IAC 2022).

Dates to the day, from tests/reference/round_trips.csv.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

from marsplan.constants import AU_KM
from marsplan.ephemeris import default_ephemeris
from marsplan.errors import InputError
from marsplan.plots.mission import _draw, plot_mission
from marsplan.transfer.missions import assemble_mission

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}
CONJUNCTION_DATES = ("2033-04-28", "2034-01-27", "2035-05-15", "2035-12-20")
INSPIRATION_MARS_DATES = ("2018-01-05", "2018-08-20", "2018-08-20", "2019-05-21")
BOEING_2035_DATES = ("2035-01-23", "2035-08-13", "2035-08-13", "2036-08-18")
BOEING_2035_VENUS = "2036-04-08"
MISSIONS = ("conjunction", "flyby", "venus")


@pytest.fixture(scope="module")
def conjunction():
    return assemble_mission(*CONJUNCTION_DATES, mission_class="conjunction")


@pytest.fixture(scope="module")
def flyby():
    return assemble_mission(*INSPIRATION_MARS_DATES, mission_class="flyby")


@pytest.fixture(scope="module")
def venus():
    return assemble_mission(*BOEING_2035_DATES, mission_class="flyby",
                            venus_flyby=BOEING_2035_VENUS)


@pytest.fixture(scope="module")
def drawn(conjunction, flyby, venus):
    return {"conjunction": _draw(conjunction), "flyby": _draw(flyby), "venus": _draw(venus)}


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_writes_each_format_with_its_magic_bytes(conjunction, tmp_path, ext):
    path = tmp_path / "charts" / "new" / f"mission{ext}"  # parent created
    assert plot_mission(conjunction, path, dpi=60) == path
    data = path.read_bytes()
    assert len(data) > 10_000
    if ext == ".svg":
        assert data.startswith(b"<?xml") and b"<svg" in data[:1000]
    else:
        assert data.startswith(MAGIC[ext])
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


@pytest.mark.parametrize("name", ["mission.jpg", "mission", "mission.png.txt"])
def test_unknown_extension_raises_naming_the_allowed_ones(conjunction, tmp_path, name):
    with pytest.raises(InputError, match=r"mission chart .*\.png, \.svg, \.pdf"):
        plot_mission(conjunction, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dpi", [0, -5, float("nan"), True])
def test_bad_dpi_raises(conjunction, tmp_path, dpi):
    with pytest.raises(InputError, match="dpi"):
        plot_mission(conjunction, tmp_path / "m.png", dpi=dpi)


@pytest.mark.parametrize("which", MISSIONS)
def test_each_leg_arc_runs_from_r1_to_r2(request, drawn, which):
    mission = request.getfixturevalue(which)
    _, artists = drawn[which]
    assert len(artists["legs"]) == len(mission.legs) == (3 if which == "venus" else 2)
    for leg, line in zip(mission.legs, artists["legs"]):
        xy = line.get_xydata()
        # Start: the departure state itself. End: Kepler propagation of (r1, v1)
        # over the time of flight lands on the Lambert r2 (measured: ~1e-14 AU).
        # 1e-6 AU (150 km, a thousandth of a pixel) still catches any wrong
        # time unit, frame or solver branch, which miss by 0.01 AU or more.
        np.testing.assert_allclose(xy[0], leg.r1_km[:2] / AU_KM, rtol=0, atol=1e-6)
        np.testing.assert_allclose(xy[-1], leg.r2_km[:2] / AU_KM, rtol=0, atol=1e-6)
        assert len(xy) >= 200
    colors = [line.get_color() for line in artists["legs"]]
    assert len(set(colors)) == len(colors)  # one colour per leg


@pytest.mark.parametrize("which", MISSIONS)
def test_event_markers_sit_on_the_planets_on_the_event_dates(request, drawn, which):
    mission = request.getfixturevalue(which)
    _, artists = drawn[which]
    eph = default_ephemeris()
    events = mission.events()
    assert [e.name for e in artists["events"]] == [e.name for e in events]
    assert len(artists["event_markers"]) == len(events)
    for event, marker, label in zip(events, artists["event_markers"],
                                    artists["event_labels"]):
        r_km, _ = eph.state_jd(event.body, event.jd_tdb)
        assert marker.get_xdata()[0] == pytest.approx(r_km[0] / AU_KM, abs=1e-12)
        assert marker.get_ydata()[0] == pytest.approx(r_km[1] / AU_KM, abs=1e-12)
        assert label.get_text().startswith(event.name)
        assert label.xy == (marker.get_xdata()[0], marker.get_ydata()[0])


def test_event_labels_carry_short_names_and_dates(drawn):
    _, artists = drawn["conjunction"]
    texts = [label.get_text().replace("\n", " ") for label in artists["event_labels"]]
    assert texts == ["Earth departure 2033-04-28", "Mars arrival 2034-01-27",
                     "Mars departure 2035-05-15", "Earth arrival 2035-12-20"]
    _, artists = drawn["flyby"]
    texts = [label.get_text().replace("\n", " ") for label in artists["event_labels"]]
    assert texts == ["Earth departure 2018-01-05", "Mars flyby 2018-08-20",
                     "Earth arrival 2019-05-21"]
    _, artists = drawn["venus"]
    texts = [label.get_text().replace("\n", " ") for label in artists["event_labels"]]
    assert texts == ["Earth departure 2035-01-23", "Mars flyby 2035-08-13",
                     "Venus swing-by 2036-04-08", "Earth arrival 2036-08-18"]


@pytest.mark.parametrize("which", MISSIONS)
def test_event_labels_do_not_overlap_and_stay_in_the_axes(drawn, which):
    from matplotlib.text import Text

    fig, artists = drawn[which]
    renderer = fig.canvas.get_renderer()
    frame = artists["ax"].get_window_extent(renderer)
    boxes = []
    for label in artists["event_labels"]:
        label.update_positions(renderer)
        boxes.append(Text.get_window_extent(label, renderer))
    for i, box in enumerate(boxes):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1
        assert not any(box.overlaps(other) for other in boxes[i + 1:])


def test_stay_follows_mars_between_arrival_and_departure(conjunction, drawn):
    _, artists = drawn["conjunction"]
    eph = default_ephemeris()
    xy = artists["stay"].get_xydata()
    for jd, point in ((conjunction.mars_arrival_jd_tdb, xy[0]),
                      (conjunction.mars_departure_jd_tdb, xy[-1])):
        r_km, _ = eph.state_jd("mars", jd)
        np.testing.assert_allclose(point, r_km[:2] / AU_KM, rtol=0, atol=1e-12)
    assert artists["stay"].get_linestyle() != "-"
    assert f"{conjunction.stay_days:.0f} d" in artists["stay"].get_label()
    assert drawn["flyby"][1]["stay"] is None  # a flyby has no stay


def test_orbits_span_one_sidereal_period_at_the_planets_distances(drawn):
    _, artists = drawn["conjunction"]
    assert sorted(artists["orbits"]) == ["earth", "mars", "venus"]
    # Semi-major axes, AU: Venus 0.723, Earth 1.000, Mars 1.524 (E. M. Standish,
    # "Keplerian Elements for Approximate Positions of the Major Planets", JPL);
    # eccentricities up to Mars's 0.093 keep every radius within 10 % of them.
    for body, a_au in (("venus", 0.723), ("earth", 1.0), ("mars", 1.524)):
        xy = artists["orbits"][body].get_xydata()
        radius = np.hypot(xy[:, 0], xy[:, 1])
        assert np.all(np.abs(radius - a_au) < 0.1 * a_au)
        # One sidereal period: the curve closes; planetary perturbations and the
        # period's rounding leave a gap of ~1e-4 AU (measured up to 3e-4, Mars).
        assert np.hypot(*(xy[-1] - xy[0])) < 1e-3


def test_title_and_timeline_state_class_dates_duration_and_dv(conjunction, flyby, drawn):
    _, artists = drawn["conjunction"]
    title = artists["ax"].get_title()
    assert "Conjunction" in title
    for date in CONJUNCTION_DATES:
        assert date in title
    assert f"{conjunction.duration_days:.0f} days" in title
    assert f"{conjunction.dv_total_kms:.2f} km/s" in title
    timeline = artists["timeline"].get_text()
    assert timeline.index("2033-04-28  Earth departure") < timeline.index(
        "2035-12-20  Earth arrival")
    title = drawn["flyby"][1]["ax"].get_title()
    assert "flyby" in title and "2018-08-20" in title and "2019-05-21" in title
    labels = [text.get_text() for text in artists["legend"].get_texts()]
    assert any(label.startswith("Outbound: Earth") for label in labels)
    assert any(label.startswith("Inbound: Mars") for label in labels)
    title = drawn["venus"][1]["ax"].get_title()
    assert "with a Venus swing-by" in title and "Venus 2036-04-08" in title
    labels = [text.get_text() for text in drawn["venus"][1]["legend"].get_texts()]
    assert [label.split(",")[0] for label in labels if "bound" in label] == [
        "Outbound: Earth \N{RIGHTWARDS ARROW} Mars", "Inbound: Mars \N{RIGHTWARDS ARROW} Venus",
        "Inbound: Venus \N{RIGHTWARDS ARROW} Earth"]
    assert _draw(flyby, title="Custom")[1]["ax"].get_title() == "Custom"


def test_a_mission_without_legs_raises(conjunction):
    with pytest.raises(InputError, match="no legs"):
        _draw(dataclasses.replace(conjunction, legs=()))


def test_importing_the_module_does_not_load_matplotlib():
    code = ("import sys, marsplan.plots.mission; "
            "sys.exit('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
