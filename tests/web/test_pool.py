"""The web app's worker pool stops cleanly whatever its workers are doing.

Real spawned worker processes (no mocks). A closing pool must print nothing on the
server's stderr, leave no process behind (checked in /proc, not in the pool's own
records) and return within a bound; an error while the pool is open still surfaces.
"""
from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from marsplan.web.pool import CLOSE_TIMEOUT_S, JobCrashed, JobTimeout, PoolBusy, WorkerPool

# A job of seconds in a new worker: every window of 2026-2045 with its launch days.
SLOW = ("windows", {"first_year": 2026, "last_year": 2045, "origin": "earth",
                    "target": "mars", "angles": "eme2000", "c3_max": 20.0, "daily": True})
# Seconds a worker may take to start on a busy 2-core machine (imports, compiled kernels).
START_S = 300.0


def spawned_children() -> set[int]:
    """Live (or unreaped) child processes of this test process, read from /proc, but for
    multiprocessing's resource tracker (one per process, started by the first spawn)."""
    me, found = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) != me:
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            command = b""
        if b"resource_tracker" not in command:
            found.add(int(entry.name))
    return found


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds:g} s"
        time.sleep(0.02)


def closed_quietly(pool: WorkerPool, before: set[int], capfd) -> float:
    """Close ``pool``; assert the bound, no process left and a silent stderr. The seconds."""
    start = time.monotonic()
    asyncio.run(pool.close())
    took = time.monotonic() - start
    assert took < CLOSE_TIMEOUT_S + 1.0, took
    # Anything a stray thread of the pool would print comes within moments of the close.
    time.sleep(1.0)
    assert spawned_children() - before == set()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err
    return took


@pytest.fixture
def before():
    return spawned_children()


async def _start(pool: WorkerPool) -> None:
    await asyncio.wait_for(pool.start(), START_S)


def test_closing_while_a_replacement_worker_starts_is_silent(before, capfd):
    pool = WorkerPool(1, 2)
    asyncio.run(_start(pool))
    [first] = pool.worker_pids()
    with pytest.raises(JobTimeout):
        asyncio.run(pool.run(*SLOW, time_limit_s=0.001))
    # The timed-out worker is killed and a new one spawned; close while it still imports.
    wait_for(lambda: pool.worker_pids() not in ([], [first]), 30, "the replacement's spawn")
    [second] = pool.worker_pids()
    # Stalled as on a loaded machine: it cannot finish starting within the close's grace.
    os.kill(second, signal.SIGSTOP)
    closed_quietly(pool, before, capfd)


def test_closing_while_a_job_runs_refuses_it_as_shutting_down(before, capfd):
    pool = WorkerPool(1, 2)

    async def scenario():
        await _start(pool)
        [pid] = pool.worker_pids()
        job = asyncio.ensure_future(pool.run(*SLOW, time_limit_s=START_S))
        await asyncio.sleep(0.2)  # the job is in the worker
        os.kill(pid, signal.SIGSTOP)  # stalled: the job outlasts the close's grace
        await pool.close()
        with pytest.raises(PoolBusy, match="shutting down"):
            await job

    start = time.monotonic()
    asyncio.run(scenario())
    assert time.monotonic() - start < START_S
    time.sleep(1.0)
    assert spawned_children() - before == set()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err


def test_closing_while_the_first_workers_start_is_silent(before, capfd):
    pool = WorkerPool(2, 2)

    async def scenario():
        starting = asyncio.ensure_future(pool.start())
        wait = time.monotonic() + 30
        while len(pool.worker_pids()) < 2:  # both spawned, still importing marsplan
            assert time.monotonic() < wait
            await asyncio.sleep(0.02)
        await pool.close()
        await starting  # returns: nothing to start once closed
        with pytest.raises(PoolBusy):
            await pool.run(*SLOW, time_limit_s=1.0)

    asyncio.run(scenario())
    time.sleep(1.0)
    assert spawned_children() - before == set()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err


def test_a_worker_killed_while_the_pool_is_open_is_still_a_crash(before, capfd):
    # Quiet is only for a closing pool: a worker that dies under a job is reported.
    pool = WorkerPool(1, 2)

    async def scenario():
        await _start(pool)
        [pid] = pool.worker_pids()
        job = asyncio.ensure_future(pool.run(*SLOW, time_limit_s=START_S))
        await asyncio.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(JobCrashed, match="stopped"):
            await job
        # It is replaced: the next job is answered by a new process.
        body, _ = await pool.run("catalog", {"listing": "sites"}, time_limit_s=START_S)
        assert body and pool.worker_pids() != [pid]

    asyncio.run(scenario())
    closed_quietly(pool, before, capfd)
