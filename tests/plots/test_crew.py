"""marsplan.plots.crew: the dose and light-time charts.

One real mission on DE440: the 2033 conjunction-class round trip (Earth
2033-04-17, Mars 2033-11-03 to 2035-05-08, Earth 2035-11-22), with 500 of its
551 days at Mars on the surface, so every phase is drawn, and the 2034 solar
conjunction (2034-08-14 to 08-24, reference/mars_solar_conjunctions.csv)
during the stay.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from marsplan.crew.comms import light_time, solar_conjunctions
from marsplan.crew.radiation import mission_dose
from marsplan.errors import InputError
from marsplan.plots.crew import _draw_dose, _draw_light_time, plot_dose, plot_light_time
from marsplan.time import jd_tdb_to_datetime64
from marsplan.transfer.missions import assemble_mission

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}
CONJUNCTION_DATES = ("2033-04-17", "2033-11-03", "2035-05-08", "2035-11-22")


@pytest.fixture(scope="module")
def mission():
    return assemble_mission(*CONJUNCTION_DATES, mission_class="conjunction")


@pytest.fixture(scope="module")
def report(mission):
    return mission_dose(mission, crew={"NASA": 2, "Roscosmos": 2},
                        prior_dose_msv={"Roscosmos": 150.0}, surface_days=500)


@pytest.fixture(scope="module")
def comms(mission):
    jd, minutes = light_time(mission)
    return jd, minutes, solar_conjunctions(jd[0], jd[-1])


def _num(jd_tdb) -> float:
    from matplotlib import dates as mdates

    return float(mdates.date2num(jd_tdb_to_datetime64(jd_tdb)))


def _span_x(span):
    """x (date numbers) of an axvspan: a Rectangle since matplotlib 3.9, a Polygon before."""
    if hasattr(span, "get_width"):
        return [span.get_x(), span.get_x() + span.get_width()]
    return list(np.asarray(span.get_xy())[:, 0])


def _check_file(path, ext):
    data = path.read_bytes()
    assert len(data) > 10_000
    if ext == ".svg":
        assert data.startswith(b"<?xml") and b"<svg" in data[:1000]
    else:
        assert data.startswith(MAGIC[ext])


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_dose_chart_writes_each_format(report, tmp_path, ext):
    path = tmp_path / "new" / f"dose{ext}"  # parent created
    assert plot_dose(report, path, dpi=60) == path
    _check_file(path, ext)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


@pytest.mark.parametrize("ext", [".png", ".svg", ".pdf"])
def test_light_time_chart_writes_each_format(comms, tmp_path, ext):
    path = tmp_path / "new" / f"light{ext}"
    assert plot_light_time(*comms, path, dpi=60) == path
    _check_file(path, ext)


def test_dose_chart_draws_the_series_phases_and_limit(report):
    _, art = _draw_dose(report)
    _, y = art["dose"].get_data()
    assert np.allclose(y, report.series_dose_msv)
    assert len(art["spans"]) == len(report.phases) == 5
    for span, phase in zip(art["spans"], report.phases):
        xs = _span_x(span)
        assert min(xs) == pytest.approx(_num(phase.start_jd_tdb), abs=1e-6)
        assert max(xs) == pytest.approx(_num(phase.end_jd_tdb), abs=1e-6)
    assert list(art["limit"].get_ydata()) == [600.0, 600.0]
    # Roscosmos members carry 150 mSv: their career dose is drawn above the mission's.
    (career,) = art["careers"]
    assert np.allclose(career.get_ydata(), 150.0 + report.series_dose_msv)
    assert "Roscosmos 1, Roscosmos 2" in career.get_label()
    labels = [t.get_text() for t in art["legend"].get_texts()]
    assert any(label.startswith("Mars surface: 500 d") for label in labels)
    assert any("600 mSv" in label for label in labels)
    assert f"{report.total_msv:.0f} mSv" in art["total"].get_text()
    assert art["ax"].get_ylim()[1] > 150.0 + report.total_msv


def test_light_time_chart_shades_the_blackouts(comms):
    jd, minutes, blackouts = comms
    assert len(blackouts) == 1
    _, art = _draw_light_time(jd, minutes, blackouts)
    assert np.allclose(art["line"].get_ydata(), minutes)
    (span,) = art["spans"]
    xs = _span_x(span)
    assert min(xs) == pytest.approx(_num(blackouts[0].start_jd_tdb), abs=1e-6)
    assert max(xs) == pytest.approx(_num(blackouts[0].end_jd_tdb), abs=1e-6)
    # The dates with their times, the day as the CLI prints it (never rounded).
    assert "2034-08-14 04:37 to 2034-08-24 06:33" in art["labels"][0].get_text()
    assert any("2\N{DEGREE SIGN}" in t.get_text() for t in art["legend"].get_texts())


def test_blackouts_outside_the_dates_are_left_out(comms):
    jd, minutes, blackouts = comms
    early = solar_conjunctions("2030-01-01", "2030-12-31")
    _, art = _draw_light_time(jd, minutes, list(blackouts) + early)
    assert art["shown"] == list(blackouts)


@pytest.mark.parametrize("name", ["dose.jpg", "dose", "dose.png.txt"])
def test_unknown_extension_raises_naming_the_allowed_ones(report, comms, tmp_path, name):
    with pytest.raises(InputError, match=r"dose chart .*\.png, \.svg, \.pdf"):
        plot_dose(report, tmp_path / name)
    with pytest.raises(InputError, match=r"light-time chart .*\.png, \.svg, \.pdf"):
        plot_light_time(*comms, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dpi", [0, -5, float("nan"), True])
def test_bad_dpi_raises(report, tmp_path, dpi):
    with pytest.raises(InputError, match="dpi"):
        plot_dose(report, tmp_path / "dose.png", dpi=dpi)


def test_mismatched_light_time_arrays_raise(tmp_path):
    with pytest.raises(InputError, match="one length"):
        plot_light_time([2_462_000.0, 2_462_001.0], [3.0], [], tmp_path / "lt.png")
    with pytest.raises(InputError, match="finite"):
        plot_light_time([2_462_000.0, 2_462_001.0], [3.0, float("nan")], [],
                        tmp_path / "lt.png")


def test_importing_the_module_does_not_load_matplotlib():
    code = ("import sys, marsplan.plots.crew, marsplan.crew.radiation, marsplan.crew.comms; "
            "sys.exit(any(m in sys.modules for m in ('matplotlib', 'scipy', 'numba', "
            "'jplephem')))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
