"""Porkchop grids: each cell is the single leg, both grid forms agree, types, errors."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from marsplan import EphemerisRangeError, InputError, UnknownBodyError
from marsplan.ephemeris import default_ephemeris
from marsplan.time import jd_tdb_to_datetime64, to_jd_tdb
from marsplan.transfer.leg import transfer_leg
from marsplan.transfer.porkchop import porkchop

SURFACES = ("tof_days", "c3_km2s2", "dla_deg", "rla_deg", "vinf_arrival_kms", "dec_arrival_deg",
            "dv_total_kms")
# The 2033 opportunity as in the CLI example, on a 10-day grid. The
# arrival start, 2033-07-30, is 210 days after the first launch, so the
# arrival-date grid and the flight-time grid share cells.
LAUNCH = ("2033-01-01", "2033-09-08")
ARRIVAL = ("2033-07-30", "2034-08-01")
STEP_DAYS = 10.0


@pytest.fixture(scope="module")
def grid():
    return porkchop("earth", "mars", launch=LAUNCH, arrival=ARRIVAL, step_days=STEP_DAYS)


def test_shape_dates_and_cells_without_a_leg(grid):
    assert grid.shape == (26, 37)  # 250 and 366 days, both ends included
    assert grid.launch_jd_tdb[0] == to_jd_tdb("2033-01-01")
    assert np.all(np.diff(grid.launch_jd_tdb) == STEP_DAYS)
    assert_array_equal(grid.tof_days, grid.arrival_jd_tdb - grid.launch_jd_tdb[:, None])
    # Arrival on or before launch (late launches, early arrivals): no leg, NaN
    # in every surface and type 0, rather than an exception for the whole grid.
    none = grid.tof_days <= 0
    assert none.any() and (~none).any()
    assert_array_equal(grid.type == 0, none)
    for name in SURFACES[1:]:
        assert_array_equal(np.isnan(getattr(grid, name)), none)


def test_every_cell_equals_transfer_of_its_dates(grid):
    # transfer_leg() and porkchop() solve the same problem through the same kernel;
    # 1e-12 allows for nothing but rounding.
    ok = grid.tof_days > 0
    i, j = np.nonzero(ok)
    legs = transfer_leg(jd_tdb_to_datetime64(grid.launch_jd_tdb[i]),
                    jd_tdb_to_datetime64(grid.arrival_jd_tdb[i, j]))
    for name in SURFACES:
        assert_allclose(getattr(legs, name), getattr(grid, name)[ok], rtol=1e-12, err_msg=name)
    assert_array_equal(legs.type, np.where(grid.type[ok] == 1, "I", "II"))
    # Porkchop.cell gives the same leg back as a Transfer.
    cell = grid.cell(3, 20)
    assert float(cell.c3_km2s2) == grid.c3_km2s2[3, 20]
    assert float(cell.arrival_jd_tdb) == grid.arrival_jd_tdb[3, 20]


def test_flight_time_grid_equals_arrival_date_grid_where_they_meet(grid):
    by_tof = porkchop("earth", "mars", launch=LAUNCH, tof_days=(100, 400), step_days=STEP_DAYS)
    assert by_tof.shape == (26, 31)
    assert_array_equal(by_tof.tof_days, np.broadcast_to(np.arange(100.0, 401.0, 10.0), (26, 31)))
    assert_array_equal(by_tof.launch_jd_tdb, grid.launch_jd_tdb)
    shared = 0
    for i in range(grid.shape[0]):
        # Both grids' dates are whole multiples of 10 days from 0h TDB (x.5 JD),
        # exact in float64, so equal dates compare equal.
        j = np.searchsorted(grid.arrival_jd_tdb[i], by_tof.arrival_jd_tdb[i])
        meet = (j < grid.shape[1])
        meet[meet] &= grid.arrival_jd_tdb[i, j[meet]] == by_tof.arrival_jd_tdb[i, meet]
        for name in SURFACES + ("type",):
            assert_allclose(getattr(by_tof, name)[i, meet], getattr(grid, name)[i, j[meet]],
                            rtol=1e-12, err_msg=name)
        shared += meet.sum()
    assert shared > 400


def test_type_is_set_by_the_transfer_angle_from_the_states(grid):
    # The heliocentric angle swept from Earth at launch to Mars at arrival,
    # measured prograde about the ecliptic +z, from the ephemeris itself:
    # Type I below 180 deg, Type II above (docs/design.md).
    eph = default_ephemeris()
    r1, _ = eph.state_jd("earth", grid.launch_jd_tdb)
    r2, _ = eph.state_jd("mars", grid.arrival_jd_tdb)
    r1 = np.broadcast_to(r1[:, None, :], r2.shape)
    cross = np.cross(r1, r2)
    angle = np.degrees(np.arctan2(np.linalg.norm(cross, axis=-1), np.sum(r1 * r2, axis=-1)))
    angle = np.where(cross[..., 2] >= 0.0, angle, 360.0 - angle)
    ok = grid.tof_days > 0
    assert_array_equal(grid.type[ok], np.where(angle[ok] < 180.0, 1, 2))
    # Both types on this grid. Along a launch row the angle grows with the
    # arrival date (Mars moves on), so every step from Type I to Type II
    # brackets the 180 deg line; II back to I is the wrap through 360 deg.
    assert (grid.type == 1).sum() > 50 and (grid.type == 2).sum() > 50
    before, after = grid.type[:, :-1], grid.type[:, 1:]
    up = (before == 1) & (after == 2)
    assert up.sum() >= 10
    assert np.all(angle[:, :-1][up] < 180.0) and np.all(angle[:, 1:][up] > 180.0)
    # ...within one 10-day step: Mars moves ~5 deg in 10 days.
    assert np.all(angle[:, 1:][up] - angle[:, :-1][up] < 10.0)
    down = (before == 2) & (after == 1)
    assert np.all(angle[:, :-1][down] > 300.0) and np.all(angle[:, 1:][down] < 60.0)


@pytest.mark.parametrize("kind", [None, "I", "II"])
@pytest.mark.parametrize("objective, surface", [("min_c3", "c3_km2s2"),
                                                ("min_vinf_arrival", "vinf_arrival_kms"),
                                                ("min_total_dv", "dv_total_kms")])
def test_optimum_is_the_grid_minimum(grid, kind, objective, surface):
    values = np.array(getattr(grid, surface))
    if kind is not None:
        values[grid.type != {"I": 1, "II": 2}[kind]] = np.nan
    best = grid.optimum(objective, kind)
    assert float(getattr(best, surface)) == np.nanmin(values)
    i, j = np.unravel_index(np.nanargmin(values), values.shape)
    assert float(best.launch_jd_tdb) == grid.launch_jd_tdb[i]
    assert float(best.arrival_jd_tdb) == grid.arrival_jd_tdb[i, j]
    if kind is not None:
        assert best.type == kind


def test_optimum_rejects_unknown_objective_and_type(grid):
    with pytest.raises(InputError, match="objective: 'min_dv' is not one of"):
        grid.optimum("min_dv")
    with pytest.raises(InputError, match="type: 'III' is not one of I, II"):
        grid.optimum("min_c3", "III")


# Errors: each a MarsplanError whose message names the field.

def test_arrival_range_before_launch():
    # The last arrival on the 10-day grid from 2032-06-01 is 2032-11-28.
    with pytest.raises(InputError, match="arrival: the range ends 2032-11-28, before the first "
                                         "launch 2033-01-01"):
        porkchop(launch=LAUNCH, arrival=("2032-06-01", "2032-12-01"), step_days=STEP_DAYS)


@pytest.mark.parametrize("field, kw", [
    ("launch", dict(launch=("2033-09-01", "2033-01-01"), arrival=ARRIVAL)),
    ("launch", dict(launch=("2033-01-01", "2033-01-01"), arrival=ARRIVAL)),
    ("arrival", dict(launch=LAUNCH, arrival=("2034-08-01", "2033-08-01"))),
])
def test_empty_range(field, kw):
    with pytest.raises(InputError, match=f"{field}: end .* is not after start"):
        porkchop(step_days=STEP_DAYS, **kw)


@pytest.mark.parametrize("tof", [(400, 100), (0, 100), (101, 105)])
def test_empty_flight_time_range(tof):
    with pytest.raises(InputError, match="tof_days: "):
        porkchop(launch=LAUNCH, tof_days=tof, step_days=STEP_DAYS)


def test_both_or_neither_arrival_and_tof():
    with pytest.raises(InputError, match="arrival/tof_days: give exactly one of them"):
        porkchop(launch=LAUNCH, arrival=ARRIVAL, tof_days=(100, 400))
    with pytest.raises(InputError, match="arrival/tof_days: give exactly one of them"):
        porkchop(launch=LAUNCH)


@pytest.mark.parametrize("step", [0.0, -1.0, float("nan")])
def test_step_must_be_positive(step):
    with pytest.raises(InputError, match=r"^step_days: \S+ (days must be > 0|is not a finite)"):
        porkchop(launch=LAUNCH, arrival=ARRIVAL, step_days=step)
    # 0 is a step like any other, not "use the launch step".
    with pytest.raises(InputError, match=r"^arrival_step_days: \S+ (days must be > 0|is not a)"):
        porkchop(launch=LAUNCH, arrival=ARRIVAL, step_days=STEP_DAYS, arrival_step_days=step)


def test_unknown_body_lists_the_known_ones():
    with pytest.raises(UnknownBodyError, match="unknown body 'marz'.*known bodies: .*mars") as err:
        porkchop("earth", "marz", launch=LAUNCH, arrival=ARRIVAL, step_days=STEP_DAYS)
    assert "mars" in err.value.known and "emb" in err.value.known


def test_dates_outside_de440():
    # DE440 covers 1549-12-31 to 2650-01-25.
    with pytest.raises(EphemerisRangeError, match="outside de440.bsp, which covers 1549-12-31 "
                                                  "to 2650-01-25"):
        porkchop(launch=("2700-01-01", "2700-03-01"), tof_days=(100, 300), step_days=10.0)


def test_origin_equal_to_target():
    with pytest.raises(InputError, match="target: 'mars' must differ from origin 'mars'"):
        porkchop("mars", "mars", launch=LAUNCH, arrival=ARRIVAL, step_days=STEP_DAYS)


def test_grid_too_big_fails_fast_without_allocating():
    # 10 years at 1e-4 day: 3.65e7 dates per axis, 1.3e15 cells (~70 PB). The
    # check must come before anything is built: not even the 290 MB date
    # vectors. tracemalloc sees NumPy's buffers; 1 MB is far below one of them.
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"grid: \S+ cells exceed the limit of [\d,]+ "
                                             r"\(MARSPLAN_MAX_GRID_CELLS\)") as err:
            porkchop(launch=("2030-01-01", "2040-01-01"), arrival=("2030-06-01", "2040-06-01"),
                     step_days=1e-4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "coarser step_days" in str(err.value)
    assert peak < 1 << 20
    with pytest.raises(InputError, match="cells exceed the limit"):
        porkchop(launch=("2030-01-01", "2040-01-01"), tof_days=(100, 3000), step_days=1e-4)


def test_grid_limit_is_absolute_and_configurable(monkeypatch):
    # The limit is a number of cells, not a share of the memory free right now:
    # the same request passes or fails the same way on any machine.
    monkeypatch.setenv("MARSPLAN_MAX_GRID_CELLS", "120")
    with pytest.raises(InputError, match=r"^grid: 121 cells exceed the limit of 120 "):
        porkchop(launch=("2033-04-01", "2033-04-11"), arrival=("2033-10-01", "2033-10-11"))
    monkeypatch.setenv("MARSPLAN_MAX_GRID_CELLS", "121")
    assert porkchop(launch=("2033-04-01", "2033-04-11"),
                    arrival=("2033-10-01", "2033-10-11")).shape == (11, 11)
    monkeypatch.setenv("MARSPLAN_MAX_GRID_CELLS", "lots")
    with pytest.raises(InputError, match=r"^MARSPLAN_MAX_GRID_CELLS: 'lots' is not a whole"):
        porkchop(launch=("2033-04-01", "2033-04-11"), arrival=("2033-10-01", "2033-10-11"))
