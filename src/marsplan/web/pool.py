"""A bounded pool of worker processes for the web app's heavy work, off the event loop.

Each worker is a process (spawned, not forked: the server holds threads) that
imports :mod:`marsplan.web.jobs` once and then runs jobs by name, with plain
data in and the response bytes out; nothing a client sends is unpickled or
executed. A job that runs past its time limit is stopped by killing its worker,
which is replaced, so a slow request cannot hold a core; a job that crashes its
worker is reported and the worker replaced too. Jobs beyond ``max_waiting``
waiting for a worker are refused at once (:class:`PoolBusy`).

This module imports only the standard library: a worker sets its numba thread
count before anything loads numba.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

#: Seconds a new worker may take to import marsplan and load its compiled code.
START_TIMEOUT_S = 300.0


class PoolBusy(Exception):
    """Too many jobs are waiting for a worker; try again shortly."""


class JobTimeout(Exception):
    """A job ran past its time limit; its worker was stopped."""


class JobCrashed(Exception):
    """A worker died or raised an unexpected error (logged on the server, never sent)."""


class JobError(Exception):
    """A :class:`marsplan.errors.MarsplanError` raised by a job: the user's mistake."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def _worker_main(conn, numba_threads: int) -> None:
    """A worker's loop: receive ``(job, params)``, send ``("ok", bytes)`` or an error."""
    os.environ["NUMBA_NUM_THREADS"] = str(numba_threads)
    from marsplan.errors import MarsplanError
    from marsplan.web import jobs

    jobs.warm_up()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        name, params = message
        try:
            conn.send(("ok", jobs.JOBS[name](**params)))
        except MarsplanError as error:
            conn.send(("error", type(error).__name__, str(error)))
        except Exception as error:  # a bug: its traceback goes to the server log only
            print(f"marsplan serve: job {name} failed:", file=sys.stderr)
            traceback.print_exc()
            sys.stderr.flush()
            conn.send(("crash", type(error).__name__))


class _Worker:
    def __init__(self, ctx, numba_threads: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, numba_threads),
                                   daemon=True, name="marsplan-web-worker")
        self.process.start()
        child.close()

    def wait_ready(self) -> None:
        if not self.conn.poll(START_TIMEOUT_S):
            self.stop()
            raise RuntimeError("a web worker did not start in time")
        self.conn.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5.0)
        self.conn.close()


class WorkerPool:
    """``size`` worker processes; :meth:`run` awaits one job's response bytes.

    Parameters
    ----------
    size : int
        Worker processes (jobs run at once).
    max_waiting : int
        Jobs that may wait for a free worker; one more raises :class:`PoolBusy`.
    """

    def __init__(self, size: int, max_waiting: int):
        self.size, self.max_waiting = int(size), int(max_waiting)
        self._ctx = multiprocessing.get_context("spawn")
        self._numba_threads = max(1, (os.cpu_count() or 1) // self.size)
        self._threads = ThreadPoolExecutor(self.size + 1, thread_name_prefix="marsplan-pool")
        self._idle: asyncio.Queue | None = None
        self._loop = None
        self._waiting = 0
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has loaded marsplan."""
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        workers = [self._spawn() for _ in range(self.size)]
        await asyncio.gather(*(self._loop.run_in_executor(self._threads, w.wait_ready)
                               for w in workers))
        for w in workers:
            self._idle.put_nowait(w)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self._numba_threads)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Stop ``worker`` and start its replacement (in this thread: not the event loop)."""
        with self._lock:
            self._workers.discard(worker)
        worker.stop()
        if self._closed:
            return
        try:
            new = self._spawn()
            new.wait_ready()
        except Exception:  # pragma: no cover - the machine cannot start a process
            traceback.print_exc()
            return
        self._loop.call_soon_threadsafe(self._idle.put_nowait, new)

    def _exchange(self, worker: _Worker, job: str, params: dict, time_limit_s: float):
        """Send one job and wait for its answer (in a pool thread)."""
        try:
            worker.conn.send((job, params))
            if not worker.conn.poll(time_limit_s):
                threading.Thread(target=self._retire, args=(worker,), daemon=True).start()
                return ("timeout",)
            answer = worker.conn.recv()
        except (EOFError, OSError):
            threading.Thread(target=self._retire, args=(worker,), daemon=True).start()
            return ("crash", "the worker process stopped")
        self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)
        return answer

    @property
    def waiting(self) -> int:
        return self._waiting

    async def run(self, job: str, params: dict, time_limit_s: float) -> bytes:
        """The response bytes of ``job(**params)``, run in a worker.

        Raises
        ------
        PoolBusy, JobTimeout, JobCrashed, JobError
        """
        if self._closed or self._idle is None:
            raise PoolBusy("the server is shutting down")
        if self._waiting >= self.max_waiting:
            raise PoolBusy(f"{self._waiting} requests are waiting for a worker")
        self._waiting += 1
        try:
            worker = await self._idle.get()
        finally:
            self._waiting -= 1
        future = self._loop.run_in_executor(self._threads, self._exchange, worker, job, params,
                                            time_limit_s)
        # Shielded: a client that goes away must not orphan the worker mid-job.
        answer = await asyncio.shield(future)
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "error":
            raise JobError(answer[1], answer[2])
        if answer[0] == "timeout":
            raise JobTimeout(f"the computation took longer than its limit of "
                             f"{time_limit_s:g} s")
        raise JobCrashed(answer[1])

    async def close(self) -> None:
        """Stop every worker (a job in progress is abandoned)."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, _join, w) for w in workers))
        self._threads.shutdown(wait=False, cancel_futures=True)


def _join(worker: _Worker) -> None:
    worker.process.join(2.0)
    worker.stop()
