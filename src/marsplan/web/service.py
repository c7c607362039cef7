"""The API's engine room: a worker pool, a response cache, and one run per query.

:class:`Service` runs a job of :mod:`marsplan.web.jobs` in the pool, keeps its
response (bounded by entries and bytes, least recently used dropped first), and
lets identical requests that arrive together share one computation. The results
are deterministic (same ephemeris, same catalog, same code), so a kept response
is the response.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, replace

from marsplan.web import limits
from marsplan.web.pool import JobError, WorkerPool


@dataclass(frozen=True)
class Answer:
    """A job's outcome: the JSON body, or the user's mistake (kind and message)."""

    body: bytes | None = None
    error_kind: str | None = None
    error_message: str | None = None
    compute_s: float | None = None  # the worker's time, when computed for this request


class ResponseCache:
    """Least-recently-used answers, at most ``entries`` of them and ``max_bytes`` in all."""

    def __init__(self, entries: int, max_bytes: int):
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0

    @staticmethod
    def _size(answer: Answer) -> int:
        return len(answer.body or b"") + len(answer.error_message or "")

    def get(self, key: str) -> Answer | None:
        answer = self._items.get(key)
        if answer is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return answer

    def put(self, key: str, answer: Answer) -> None:
        size = self._size(answer)
        if size > self.max_bytes:
            return
        if key in self._items:
            self._bytes -= self._size(self._items.pop(key))
        self._items[key] = answer
        self._bytes += size
        while len(self._items) > self.entries or self._bytes > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self._bytes -= self._size(old)


def cache_key(job: str, params: dict) -> str:
    """A key for ``job(**params)``: the parameters as canonical JSON (bytes by digest)."""
    def plain(value):
        if isinstance(value, bytes):
            return "sha256:" + hashlib.sha256(value).hexdigest()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return job + ":" + json.dumps(plain(params), sort_keys=True, separators=(",", ":"))


class Service:
    """The pool, the cache and the in-flight table of one app."""

    def __init__(self, workers: int | None = None, max_waiting: int = limits.MAX_WAITING):
        self.workers = workers or limits.default_workers()
        self.pool = WorkerPool(self.workers, max_waiting)
        self.cache = ResponseCache(limits.CACHE_ENTRIES, limits.CACHE_BYTES)
        self._running: dict[str, asyncio.Future] = {}

    async def start(self) -> None:
        """Start the workers (once; the app's lifespan does it, else the first request)."""
        await self.pool.start()

    async def close(self) -> None:
        await self.pool.close()

    async def answer(self, job: str, params: dict) -> Answer:
        """The answer to ``job(**params)``: kept, being computed, or computed now.

        Raises
        ------
        PoolBusy, JobTimeout, JobCrashed
            Not kept: the next identical request tries again.
        """
        key = cache_key(job, params)
        kept = None if job in limits.UNCACHED else self.cache.get(key)
        if kept is not None:
            return kept
        loop = asyncio.get_running_loop()
        running = self._running.get(key)
        if running is not None and running.get_loop() is loop:
            return await asyncio.shield(running)
        future = loop.create_future()
        self._running[key] = future
        try:
            try:
                body, seconds = await self.pool.run(job, params, limits.TIME_LIMIT_S[job])
                answer = Answer(body=body, compute_s=seconds)
            except JobError as error:
                answer = Answer(error_kind=error.kind, error_message=error.message)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning when none waits
            raise
        finally:
            self._running.pop(key, None)
        if job not in limits.UNCACHED:
            self.cache.put(key, replace(answer, compute_s=None))
        future.set_result(answer)
        return answer
