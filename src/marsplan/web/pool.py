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
import queue
import sys
import threading
import time
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
        start = time.perf_counter()
        try:
            body = jobs.JOBS[name](**params)
            conn.send(("ok", body, time.perf_counter() - start))
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

    Only threads and a thread-safe queue hold the workers, never an event loop's
    objects: the pool serves whichever loop awaits it (TestClient, with or without
    ``with``, starts one per request).
    """

    def __init__(self, size: int, max_waiting: int):
        self.size, self.max_waiting = int(size), int(max_waiting)
        self._ctx = multiprocessing.get_context("spawn")
        self._numba_threads = max(1, (os.cpu_count() or 1) // self.size)
        # One thread per running job and per waiting job: each blocks on the pipe or the queue.
        self._threads = ThreadPoolExecutor(self.size + self.max_waiting + 1,
                                           thread_name_prefix="marsplan-pool")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._waiting = 0
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has loaded marsplan (once)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        loop = asyncio.get_running_loop()
        workers = [self._spawn() for _ in range(self.size)]
        await asyncio.gather(*(loop.run_in_executor(self._threads, w.wait_ready)
                               for w in workers))
        for w in workers:
            self._idle.put(w)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self._numba_threads)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Stop ``worker`` and start its replacement (in a thread: not the event loop)."""
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
        self._idle.put(new)

    def _take(self) -> _Worker | None:
        """A free worker, waiting as long as it takes; None once the pool closes."""
        try:
            while not self._closed:
                try:
                    return self._idle.get(timeout=0.5)
                except queue.Empty:
                    continue
            return None
        finally:
            with self._lock:
                self._waiting -= 1

    def _job(self, job: str, params: dict, time_limit_s: float):
        """Wait for a worker, send it one job and wait for its answer (in a pool thread)."""
        worker = self._take()
        if worker is None:
            return ("closed",)
        try:
            worker.conn.send((job, params))
            if not worker.conn.poll(time_limit_s):
                threading.Thread(target=self._retire, args=(worker,), daemon=True).start()
                return ("timeout",)
            answer = worker.conn.recv()
        except (EOFError, OSError):
            threading.Thread(target=self._retire, args=(worker,), daemon=True).start()
            return ("crash", "the worker process stopped")
        self._idle.put(worker)
        return answer

    @property
    def waiting(self) -> int:
        return self._waiting

    async def run(self, job: str, params: dict, time_limit_s: float) -> tuple[bytes, float]:
        """The response bytes of ``job(**params)``, run in a worker, and the seconds the
        worker took.

        Raises
        ------
        PoolBusy, JobTimeout, JobCrashed, JobError
        """
        with self._lock:
            if self._closed or not self._started:
                raise PoolBusy("the server is not running")
            if self._waiting >= self.max_waiting:
                raise PoolBusy(f"{self._waiting} requests are waiting for a worker")
            self._waiting += 1
        future = asyncio.get_running_loop().run_in_executor(
            self._threads, self._job, job, params, time_limit_s)
        # Shielded: a client that goes away must not orphan the worker mid-job.
        answer = await asyncio.shield(future)
        if answer[0] == "ok":
            return answer[1], answer[2]
        if answer[0] == "error":
            raise JobError(answer[1], answer[2])
        if answer[0] == "timeout":
            raise JobTimeout(f"the computation took longer than its limit of "
                             f"{time_limit_s:g} s")
        if answer[0] == "closed":
            raise PoolBusy("the server is shutting down")
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
