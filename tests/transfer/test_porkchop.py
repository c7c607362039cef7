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


# --- multi-revolution porkchops (max_revs) ------------------------------------------

# Launches of the 2033 opportunity against arrivals 1.4 to 3.2 years later: the
# 1-revolution region (Types III and IV) and long Type II legs share the grid.
MULTI_LAUNCH = ("2033-01-01", "2033-09-01")
MULTI_ARRIVAL = ("2034-06-01", "2036-03-01")
MULTI_STEP_DAYS = 8.0

# pykep 3.0.1, in a child (tests/peers.py): lambert_problem(..., max_revs=1)
# returns the 0-rev arc, then for one revolution index 1 the left branch and
# index 2 the right one (marsplan's low path).
_PYKEP_GRID = """
r1, r2, tof = data['r1'], data['r2'], data['tof']
n = len(tof)
v1 = np.full((3, n, 3), np.nan); v2 = np.full((3, n, 3), np.nan)
for k in range(n):
    lp = pk.lambert_problem(r1[k].tolist(), r2[k].tolist(), float(tof[k]), float(data['mu']),
                            False, 1)
    for f, idx in ((0, 0), (1, 2), (2, 1)):
        if idx < len(lp.v0):
            v1[f, k] = lp.v0[idx]; v2[f, k] = lp.v1[idx]
out['v1'] = v1; out['v2'] = v2
"""


@pytest.fixture(scope="module")
def multi():
    return porkchop("earth", "mars", launch=MULTI_LAUNCH, arrival=MULTI_ARRIVAL,
                    step_days=MULTI_STEP_DAYS, max_revs=1)


def test_multi_revolution_grid_has_every_family_and_type(multi):
    from marsplan.transfer.porkchop import PorkchopSet

    assert isinstance(multi, PorkchopSet) and len(multi.layers) == 3
    assert [(p.revs, p.branch) for p in multi.layers] == [(0, ""), (1, "low"), (1, "high")]
    assert multi.types() == ["I", "II", "III", "IV"]
    assert set(np.unique(multi.layers[0].type)) <= {0, 1, 2}
    for layer in multi.layers[1:]:
        assert set(np.unique(layer.type)) == {0, 3, 4}
        # Both branches exist on the same cells (T at or above its minimum).
        assert_array_equal(layer.type, multi.layers[1].type)
    best = multi.optimum("min_c3", "IV")
    assert str(best.type) == "IV" and float(best.tof_days) > 365


def test_multi_revolution_cells_match_pykep(multi):
    from tests.peers import run_pykep

    from marsplan.constants import GM_SUN_KM3S2

    eph = default_ephemeris()
    shape = multi.shape
    jd_l = np.repeat(multi.launch_jd_tdb, shape[1])
    jd_a = np.broadcast_to(multi.arrival_jd_tdb, shape).ravel()
    r1, v_earth = eph.state_jd("earth", jd_l)
    r2, v_mars = eph.state_jd("mars", jd_a)
    peer = run_pykep(_PYKEP_GRID, r1=r1, r2=r2, tof=(jd_a - jd_l) * 86_400.0,
                     mu=np.array(GM_SUN_KM3S2))
    for f, layer in enumerate(multi.layers):
        c3 = np.sum((peer["v1"][f] - v_earth) ** 2, axis=-1).reshape(shape)
        vinf = np.linalg.norm(peer["v2"][f] - v_mars, axis=-1).reshape(shape)
        ours = np.isfinite(layer.c3_km2s2)
        # Same cells solved, whatever the family.
        assert_array_equal(ours, np.isfinite(c3), err_msg=f"family {f}")
        assert ours.sum() > 500
        # Independent code, same states and mu: both iterate x to ~1e-15.
        # Measured worst 2e-13 relative in C3, 4e-14 in v-infinity (1,941
        # cells per 1-rev branch); 1e-10 leaves room for other CPUs, not slack.
        assert_allclose(layer.c3_km2s2[ours], c3[ours], rtol=1e-10, err_msg=f"family {f}")
        assert_allclose(layer.vinf_arrival_kms[ours], vinf[ours], rtol=1e-10,
                        err_msg=f"family {f}")


def test_multi_revolution_cells_fly_to_the_target(multi):
    # Invariant: rebuild the departure velocity from the cell's C3, DLA and RLA,
    # propagate it for the time of flight (the Kepler kernel, tested on its
    # own): it reaches Mars, after one full revolution plus the transfer angle.
    from marsplan import propagate
    from marsplan.constants import GM_SUN_KM3S2
    from marsplan.transfer.frames import equator_matrix

    eph = default_ephemeris()
    rng = np.random.default_rng(1)
    for layer in multi.layers[1:]:
        i_all, j_all = np.nonzero(np.isfinite(layer.c3_km2s2))
        pick = rng.choice(i_all.size, 40, replace=False)
        for i, j in zip(i_all[pick], j_all[pick]):
            jd0, jd1 = layer.launch_jd_tdb[i], layer.arrival_jd_tdb[i, j]
            r1, v_earth = eph.state_jd("earth", np.array([jd0]))
            r2, v_mars = eph.state_jd("mars", np.array([jd1]))
            dla, rla = np.radians(layer.dla_deg[i, j]), np.radians(layer.rla_deg[i, j])
            direction = [np.cos(dla) * np.cos(rla), np.cos(dla) * np.sin(rla), np.sin(dla)]
            m = equator_matrix("earth", np.array([jd0]), layer.angles)[0]
            v1 = v_earth[0] + np.sqrt(layer.c3_km2s2[i, j]) * (m.T @ direction)
            r_end, v_end = propagate(r1[0], v1, (jd1 - jd0) * 86_400.0, GM_SUN_KM3S2)
            # asin/atan2 and back keep ~1e-15 of v1; over ~2.5 years of flight
            # that grows to ~1e-12 of the orbit: 1e-9 of |r2| (~0.2 km) is ample.
            assert np.linalg.norm(r_end - r2[0]) < 1e-9 * np.linalg.norm(r2[0])
            assert np.linalg.norm(v_end - v_mars[0]) == pytest.approx(
                layer.vinf_arrival_kms[i, j], rel=1e-9)


def test_multi_revolution_cells_equal_transfer_leg(multi):
    # DLA, RLA and every surface of a 1-rev cell equal transfer_leg's single
    # leg with the same revs and branch. transfer_leg starts from Izzo's guess,
    # the grid continues from its neighbours; both reach x to ~1e-15. Measured
    # worst 7e-15 relative in C3, 2e-13 deg in DLA/RLA; so 1e-10 and 1e-8 deg.
    for layer in multi.layers:
        ok = np.isfinite(layer.c3_km2s2)
        i, j = np.nonzero(ok)
        legs = transfer_leg(jd_tdb_to_datetime64(layer.launch_jd_tdb[i]),
                            jd_tdb_to_datetime64(layer.arrival_jd_tdb[i, j]), revs=layer.revs,
                            low_path=layer.low_path)
        for name in ("c3_km2s2", "vinf_arrival_kms", "dec_arrival_deg", "dv_total_kms"):
            assert_allclose(getattr(legs, name), getattr(layer, name)[ok], rtol=1e-10,
                            err_msg=name)
        # Angles in degrees: absolute, and RLA modulo 360.
        assert_allclose(legs.dla_deg, layer.dla_deg[ok], rtol=0, atol=1e-8)
        assert_allclose((legs.rla_deg - layer.rla_deg[ok] + 180.0) % 360.0 - 180.0, 0.0,
                        atol=1e-8)
        names = np.array(["", "I", "II", "III", "IV"])
        assert_array_equal(legs.type, names[layer.type[ok]])


def test_multi_revolution_columns_and_bad_max_revs(multi):
    cols = multi.columns()
    n = sum(int(np.count_nonzero(p.type)) for p in multi.layers)
    assert all(len(v) == n for v in cols.values())
    assert list(cols)[:6] == ["launch_jd_tdb", "arrival_jd_tdb", "tof_days", "type", "revs",
                              "branch"]
    assert set(cols["branch"][cols["revs"] == 1]) == {"low", "high"}
    assert set(cols["type"][cols["revs"] == 0]) == {"I", "II"}
    # best_layer points at the family with each cell's minimum C3.
    best = multi.best_layer()
    stack = np.stack([p.c3_km2s2 for p in multi.layers])
    i, j = np.nonzero(best >= 0)
    assert_array_equal(stack[best[i, j], i, j], np.nanmin(stack, axis=0)[i, j])
    for bad in (-1, 11, 1.5, True, "1", float("nan")):
        with pytest.raises(InputError, match=r"^max_revs: "):
            porkchop(launch=LAUNCH, arrival=ARRIVAL, step_days=STEP_DAYS, max_revs=bad)
    with pytest.raises(InputError, match=r"^max_revs: give it alone"):
        porkchop(launch=LAUNCH, arrival=ARRIVAL, step_days=STEP_DAYS, max_revs=1, revs=1)


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


def test_multi_revolution_slices_and_flight_time_grid_agree(multi, monkeypatch):
    # Solved in slices of launch rows (progress reports between them), the grid
    # is the same to the bit: each row's continuation starts afresh either way.
    import marsplan.transfer.porkchop as module

    monkeypatch.setattr(module, "_SLICE_CELLS", 1500)
    calls = []
    sliced = porkchop("earth", "mars", launch=MULTI_LAUNCH, arrival=MULTI_ARRIVAL,
                      step_days=MULTI_STEP_DAYS, max_revs=1,
                      progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 3 and calls[-1] == (multi.shape[0], multi.shape[0])
    for a, b in zip(sliced.layers, multi.layers):
        for name in SURFACES + ("type",):
            assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    # A flight-time grid on the launch step holds the same legs where dates meet
    # an arrival grid on the same lattice (2034-05-28 is 64 steps after 2033-01-01).
    by_tof = porkchop("earth", "mars", launch=MULTI_LAUNCH, tof_days=(600, 900),
                      step_days=MULTI_STEP_DAYS, max_revs=1)
    by_date = porkchop("earth", "mars", launch=MULTI_LAUNCH, arrival=("2034-05-28", "2036-03-01"),
                       step_days=MULTI_STEP_DAYS, max_revs=1)
    for a, b in zip(by_tof.layers, by_date.layers):
        for i in range(b.shape[0]):
            j = np.searchsorted(b.arrival_jd_tdb[i], a.arrival_jd_tdb[i])
            meet = j < b.shape[1]
            meet[meet] &= b.arrival_jd_tdb[i, j[meet]] == a.arrival_jd_tdb[i, meet]
            assert meet.sum() > 10
            assert_array_equal(a.type[i, meet], b.type[i, j[meet]])
            assert_allclose(a.c3_km2s2[i, meet], b.c3_km2s2[i, j[meet]], rtol=1e-10)
