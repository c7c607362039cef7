"""A bounded pool of worker processes for the web app's heavy work, off the event loop.

Each worker is a process (spawned, not forked: the server holds threads) that
imports :mod:`marsplan.web.jobs` once and then runs jobs by name, with plain
data in and the response bytes out; nothing a client sends is unpickled or
executed. A job that runs past its time limit is stopped by killing its worker,
which is replaced, so a slow request cannot hold a core; a job that crashes its
worker is reported and the worker replaced too. Jobs beyond ``max_waiting``
waiting for a worker are refused at once (:class:`PoolBusy`).

Closing stops every worker whatever it is doing (starting, idle, busy, being
replaced) within :data:`CLOSE_TIMEOUT_S`: a worker that does not leave when asked
is killed, and a pipe that breaks because the pool is closing is its expected end,
so it is not reported; the same break while the pool is open still is.

This module imports only the standard library: a worker sets its numba thread
count before anything loads numba.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import resource_tracker

#: Seconds a new worker may take to import marsplan and load its compiled code.
START_TIMEOUT_S = 300.0
#: Seconds :meth:`WorkerPool.close` takes at most: the workers' grace, their kill, and
#: the pool's threads noticing (a thread still out after it is a daemon; it prints nothing).
CLOSE_TIMEOUT_S = 10.0
#: Seconds a worker asked to leave may take to finish its job and exit before it is killed.
CLOSE_GRACE_S = 2.0


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
    # The server stops its workers itself: a Ctrl-C sent to the terminal's whole process
    # group must not interrupt one and print its traceback. SIGINT came blocked (see
    # _Worker): ignore it, then let go of any that arrived while the worker started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
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
        # The child inherits this thread's signal mask through fork and exec: with SIGINT
        # blocked, a Ctrl-C cannot interrupt it before it ignores SIGINT in _worker_main.
        # Start multiprocessing's resource tracker first: starting it unblocks SIGINT.
        resource_tracker.ensure_running()
        unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
        child.close()

        self._stop_lock = threading.Lock()
        # close() may ask a worker to leave while a pool thread sends it a job: a message
        # over 16 KiB is written in parts, which must not interleave.
        self._send_lock = threading.Lock()

    def send(self, message) -> None:
        with self._send_lock:
            self.conn.send(message)

    def wait_ready(self) -> None:
        if not self.conn.poll(START_TIMEOUT_S):
            self.stop()
            raise RuntimeError("a web worker did not start in time")
        self.conn.recv()

    def ask_to_leave(self) -> None:
        """Ask the worker to exit after its job (or its start); it may be gone already."""
        try:
            self.send(None)
        except (OSError, ValueError):
            pass

    def wait_exit(self, timeout_s: float) -> None:
        """Wait up to ``timeout_s`` for the process to exit by itself, and reap it."""
        with self._stop_lock:  # one thread reaps: two waitpid() calls would race
            self.process.join(timeout_s)

    def kill(self, timeout_s: float = 5.0) -> None:
        """Kill the process (if still running) and reap it; the pipe stays open."""
        with self._stop_lock:
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join(timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Kill, reap and close the pipe (by the thread that owns the pipe)."""
        self.kill(timeout_s)
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
        self._helpers: set[threading.Thread] = set()
        self._started = False
        self._closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has loaded marsplan (once)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        loop = asyncio.get_running_loop()
        workers = [w for w in (self._spawn() for _ in range(self.size)) if w is not None]
        started = await asyncio.gather(*(loop.run_in_executor(self._threads, w.wait_ready)
                                         for w in workers), return_exceptions=True)
        if self._closed:  # closed while the workers started: close() stops them
            return
        for outcome in started:
            if isinstance(outcome, BaseException):
                raise outcome
        for w in workers:
            self._idle.put(w)

    def _spawn(self) -> _Worker | None:
        """A new worker, known to :meth:`close`; None (and no process) once closing."""
        worker = _Worker(self._ctx, self._numba_threads)
        with self._lock:
            if not self._closed:
                self._workers.add(worker)
                return worker
        worker.stop()  # close() has taken its list of workers: this one is not in it
        return None

    def _retire(self, worker: _Worker) -> None:
        """Stop ``worker`` and start its replacement (in a thread: not the event loop)."""
        with self._lock:
            self._workers.discard(worker)
        try:
            worker.stop()
            new = None if self._closed else self._spawn()
            if new is None:
                return
            try:
                new.wait_ready()
            except Exception:
                if self._closed:  # killed by close() while starting: its expected end
                    new.stop()
                    return
                traceback.print_exc()  # pragma: no cover - the machine cannot start one
                return
            self._idle.put(new)
        finally:
            with self._lock:
                self._helpers.discard(threading.current_thread())

    def _replace(self, worker: _Worker) -> None:
        """Retire ``worker`` in a thread of its own, which :meth:`close` waits for."""
        helper = threading.Thread(target=self._retire, args=(worker,), daemon=True,
                                  name="marsplan-pool-retire")
        with self._lock:  # started under the lock: close() joins only started threads
            self._helpers.add(helper)
            helper.start()

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
            worker.send((job, params))
            if not worker.conn.poll(time_limit_s):
                self._replace(worker)
                return ("timeout",)
            answer = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            if self._closed:  # close() stopped it mid-job: not a crash
                return ("closed",)
            return ("crash", "the worker process stopped")
        self._idle.put(worker)
        return answer

    def worker_pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._workers)

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
        """Stop every worker, whatever it is doing, within :data:`CLOSE_TIMEOUT_S`.

        Each worker is asked to leave and given :data:`CLOSE_GRACE_S` to finish its job;
        then it is killed. A job still running is refused as :class:`PoolBusy` ("the
        server is shutting down"); no process is left behind.
        """
        with self._lock:
            self._closed = True  # from here no worker is spawned (see _spawn)
        # Off the event loop: the joins block.
        await asyncio.get_running_loop().run_in_executor(None, self._shut_down)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _shut_down(self) -> None:
        deadline = time.monotonic() + CLOSE_TIMEOUT_S
        with self._lock:
            workers = list(self._workers)
        for w in workers:
            w.ask_to_leave()
        grace = time.monotonic() + CLOSE_GRACE_S
        for w in workers:
            w.wait_exit(max(0.0, grace - time.monotonic()))
        for w in workers:
            w.kill(max(0.1, deadline - time.monotonic() - 1.0))
        # The pool's threads wake as their workers' pipes break, and end: a replacement
        # that was starting is dropped, a job in progress answers "closed".
        with self._lock:
            helpers = list(self._helpers)
        for helper in helpers:
            helper.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for w in workers:
            w.stop(0.1)  # each was killed above: only a pipe to close
