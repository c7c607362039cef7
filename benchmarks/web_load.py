"""The web API under load: a real `marsplan serve` on 127.0.0.1, 32 clients, 1,000 requests.

Run from the repository root (``make bench``)::

    .venv/bin/python benchmarks/web_load.py [--clients 32] [--requests 1000] [--json PATH]

Traffic goes only to 127.0.0.1, to a server this script starts on a free port
and stops at the end; every loop is bounded in count and in time (``--deadline``
seconds for the whole run, ``REQUEST_TIMEOUT_S`` per request).

1. Server time (the ``Server-Timing`` header: from the request's arrival to its
   answer, in the server) of the speed targets, each computed afresh ("cold":
   a query the server has not answered before) and then kept ("cached"):
   porkchop data of a 300 x 300 grid (five different grids, median), windows
   2026-2045, and the joint plan of each example scenario.
2. Warm-up: each query the load repeats (each opportunity's chart, the example
   plans, a few windows and missions queries: what users ask most) once, in
   turn; their server times computed afresh are printed.
3. Load: ``--clients`` threads, each with its own keep-alive connection, send
   ``--requests`` requests drawn (seeded) from a mix of windows, porkchop,
   missions and plan queries, a quarter each; ``--fresh-porkchops`` of the
   porkchop grids are new to the server (computed under load), the rest repeat
   the warm-up's queries (answered from what the server kept).
   It records the latency each client saw (p50/p95/p99), the server time, the
   errors (any status but 200, any failed connection) and the throughput.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from _common import REPO_ROOT, OtherLoad, print_machine, print_targets, targets_json

HOST = "127.0.0.1"  # loopback only: no other address is ever a target
REQUEST_TIMEOUT_S = 300.0
START_TIMEOUT_S = 300.0
EXAMPLES = ("us_russia_2033.toml", "dra5_chemical_2037.toml", "esa_jaxa_2035.toml",
            "us_russia_2033_landing.toml")

# Targets of issue 14 (server time; p95 and errors under load).
TARGET_PORKCHOP_MS = 200.0
TARGET_WINDOWS_MS = 300.0
TARGET_PLAN_MS = 1000.0
TARGET_P95_MS = 1000.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int | None):
    """`marsplan serve` from this checkout, in a child process; wait until it answers."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (os.path.join(REPO_ROOT, "src"), env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-c", "from marsplan.cli import main; main()", "serve",
               "--host", HOST, "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"marsplan serve stopped: {proc.stderr.read()}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/api/catalog")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError("marsplan serve did not start in time")


def stop_server(proc) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def scenario(name: str) -> bytes:
    with open(os.path.join(REPO_ROOT, "examples", name), "rb") as f:
        return f.read()


def parse_timing(header: str) -> dict:
    """``app;dur=12.3, compute;dur=10.1`` as {"app": 12.3, "compute": 10.1} (ms)."""
    out = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if rest.startswith("dur="):
            try:
                out[name] = float(rest[4:])
            except ValueError:
                pass
    return out


class Client:
    """One keep-alive connection; :meth:`send` returns (status, seconds, server ms, bytes);
    ``compute_ms`` is then the worker's part of the server time (NaN for a kept answer)."""

    def __init__(self, port: int):
        self.port, self.conn, self.compute_ms = port, None, float("nan")

    def send(self, method: str, path: str, body: bytes | None = None):
        headers = {"Content-Type": "application/toml"} if body is not None else {}
        for attempt in (0, 1):  # one retry on a keep-alive connection the server closed
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port,
                                                       timeout=REQUEST_TIMEOUT_S)
            start = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            seconds = time.perf_counter() - start
            timing = parse_timing(response.getheader("Server-Timing") or "")
            self.compute_ms = timing.get("compute", float("nan"))
            return response.status, seconds, timing.get("app", float("nan")), len(data)
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()


def porkchop_path(launch_start: str, days: int = 299) -> str:
    """A 300 x 300 grid (1-day step): launches from ``launch_start``, arrivals 212 days later."""
    import datetime as dt

    l0 = dt.date.fromisoformat(launch_start)
    a0 = l0 + dt.timedelta(days=212)
    span = dt.timedelta(days=days)
    query = {"launch": f"{l0}:{l0 + span}", "arrival": f"{a0}:{a0 + span}"}
    return "/api/porkchop?" + urllib.parse.urlencode(query)


def server_times(client: Client) -> dict:
    """Phase 1: each target's server time, computed afresh and then kept."""
    out = {}
    cold, cached, compute = [], [], []
    for start in ("2033-01-01", "2033-01-06", "2033-01-11", "2033-01-16", "2033-01-21"):
        status, _, ms, size = client.send("GET", porkchop_path(start))
        assert status == 200, status
        cold.append(ms)
        compute.append(client.compute_ms)
        cached.append(client.send("GET", porkchop_path(start))[2])
    out["porkchop_300x300"] = {"cold_ms": cold, "compute_ms": compute, "cached_ms": cached,
                               "bytes": size}
    path = "/api/windows?from=2026&to=2045"
    status, _, ms, _ = client.send("GET", path)
    assert status == 200, status
    out["windows_2026_2045"] = {"cold_ms": [ms], "compute_ms": [client.compute_ms],
                                "cached_ms": [client.send("GET", path)[2]]}
    plans = {}
    for name in EXAMPLES:
        status, _, ms, _ = client.send("POST", "/api/plan", scenario(name))
        assert status == 200, (name, status)
        plans[name] = {"cold_ms": [ms], "compute_ms": [client.compute_ms],
                       "cached_ms": [client.send("POST", "/api/plan", scenario(name))[2]]}
    out["plan"] = plans
    return out


def request_mix(count: int, seed: int, fresh_porkchops: int) -> list[tuple]:
    """``count`` requests (kind, method, path, body): a quarter of each kind, shuffled."""
    rng = random.Random(seed)
    windows = ["/api/windows?from=2026&to=2045", "/api/windows?from=2026&to=2035",
               "/api/windows?from=2033&to=2033", "/api/windows?from=2035&to=2041",
               "/api/windows?from=2026&to=2045&c3_max=20"]
    years = (2026, 2028, 2031, 2033, 2035, 2037, 2039, 2041, 2043)
    charts = [f"/api/porkchop?year={y}" for y in years] + [porkchop_path("2033-01-01")]
    fresh = [porkchop_path(f"2032-{m:02d}-{d:02d}") for m in range(1, 13)
             for d in (3, 9, 15, 21, 27)][:fresh_porkchops]
    missions = ["/api/missions?from=2033&to=2033", "/api/missions?from=2035&to=2035",
                "/api/missions?from=2033&to=2033&class=opposition",
                "/api/missions?from=2037&to=2037&front=true"]
    plans = [("/api/plan", scenario(n)) for n in EXAMPLES]
    plans.append(("/api/plan?without=roscosmos", scenario(EXAMPLES[0])))
    repeated = ([("windows", "GET", p, None) for p in windows]
                + [("porkchop", "GET", p, None) for p in charts]
                + [("missions", "GET", p, None) for p in missions]
                + [("plan", "POST", p, b) for p, b in plans])
    quarter = count // 4
    mix = [("windows", "GET", rng.choice(windows), None) for _ in range(quarter)]
    mix += [("porkchop", "GET", path, None) for path in fresh]
    mix += [("porkchop", "GET", rng.choice(charts), None) for _ in range(quarter - len(fresh))]
    mix += [("missions", "GET", rng.choice(missions), None) for _ in range(quarter)]
    mix += [("plan", "POST", *rng.choice(plans)) for _ in range(count - len(mix))]
    rng.shuffle(mix)
    return mix, repeated


def warm_up(client: Client, repeated: list[tuple]) -> dict:
    """Each query the mix repeats, once, in turn: its server time computed afresh."""
    cold = {}
    for kind, method, path, body in repeated:
        status, _, ms, _ = client.send(method, path, body)
        assert status == 200, (path, status)
        cold.setdefault(kind, []).append(ms)
    return cold


def load(port: int, clients: int, mix: list[tuple], deadline_s: float) -> dict:
    """Phase 2: ``clients`` threads work through ``mix``; each request's outcome."""
    results, lock, queue = [], threading.Lock(), list(reversed(mix))
    stop_at = time.monotonic() + deadline_s

    def work():
        client = Client(port)
        while time.monotonic() < stop_at:
            with lock:
                if not queue:
                    break
                kind, method, path, body = queue.pop()
            try:
                status, seconds, server_ms, size = client.send(method, path, body)
            except Exception as error:  # counted as an error, never hides the run
                status, seconds, server_ms, size = f"{type(error).__name__}", float("nan"), \
                    float("nan"), 0
            with lock:
                results.append({"kind": kind, "status": status, "seconds": seconds,
                                "server_ms": server_ms, "bytes": size})
        client.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, stop_at - time.monotonic()) + REQUEST_TIMEOUT_S)
    wall = time.perf_counter() - start
    return {"results": results, "wall_seconds": wall, "unsent": len(queue)}


def percentile(values, q):
    values = sorted(v for v in values if v == v)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--fresh-porkchops", type=int, default=25,
                        help="porkchop grids in the mix that the server has not computed")
    parser.add_argument("--workers", type=int, default=None,
                        help="server worker processes (default: one per core)")
    parser.add_argument("--deadline", type=float, default=900.0,
                        help="seconds the load phase may take at most")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 256 and 1 <= args.requests <= 100_000):
        parser.error("--clients 1..256, --requests 1..100000")
    t_start = time.perf_counter()
    machine = print_machine()
    port = free_port()
    print(f"server: marsplan serve --host {HOST} --port {port} (a child process)")
    proc = start_server(port, args.workers)
    whole = OtherLoad().start()
    try:
        single = Client(port)
        phase = OtherLoad().start()
        times = server_times(single)
        other_single = phase.stop()
        mix, repeated = request_mix(args.requests, args.seed, args.fresh_porkchops)
        cold = warm_up(single, repeated)
        phase = OtherLoad().start()
        outcome = load(port, args.clients, mix, args.deadline)
        other_load = phase.stop()
        single.close()
    finally:
        stop_server(proc)
    other_run = whole.stop()

    pork = times["porkchop_300x300"]
    win = times["windows_2026_2045"]
    print()
    print("server time (Server-Timing), ms: computed afresh (of which in the worker) / "
          "answered again (kept)")
    median = statistics.median
    print(f"  porkchop 300 x 300 grid (5 grids)      median {median(pork['cold_ms']):8.1f} "
          f"({median(pork['compute_ms']):8.1f}) / {median(pork['cached_ms']):6.1f}   "
          f"({pork['bytes'] / 1e6:.1f} MB)")
    print(f"  windows 2026-2045                             {win['cold_ms'][0]:8.1f} "
          f"({win['compute_ms'][0]:8.1f}) / {win['cached_ms'][0]:6.1f}")
    for name, t in times["plan"].items():
        print(f"  plan {name:<34}       {t['cold_ms'][0]:8.1f} ({t['compute_ms'][0]:8.1f}) / "
              f"{t['cached_ms'][0]:6.1f}")

    print()
    print(f"warm-up: the {len(repeated)} queries the mix repeats, each computed once in turn, "
          f"server ms:")
    for kind, values in cold.items():
        print(f"  {kind:<10} {len(values):>3} queries: median {statistics.median(values):8.1f}, "
              f"max {max(values):8.1f}")

    results = outcome["results"]
    errors = [r for r in results if r["status"] != 200]
    print()
    print(f"load: {args.clients} clients, {len(results)} of {args.requests} requests sent "
          f"({outcome['unsent']} left at the deadline) in {outcome['wall_seconds']:.1f} s, "
          f"{len(results) / outcome['wall_seconds']:.1f} requests/s; "
          f"{args.fresh_porkchops} porkchop grids new to the server")
    print(f"  {'kind':<10} {'count':>6} {'errors':>7} {'p50 ms':>9} {'p95 ms':>9} "
          f"{'p99 ms':>9} {'server p50':>11} {'server p95':>11}")
    summary = {}
    for kind in ("windows", "porkchop", "missions", "plan", "all"):
        rows = [r for r in results if kind in ("all", r["kind"])]
        good = [r for r in rows if r["status"] == 200]
        figures = {"count": len(rows), "errors": len(rows) - len(good),
                   **{f"p{q}_ms": percentile([1e3 * r["seconds"] for r in good], q)
                      for q in (50, 95, 99)},
                   "server_p50_ms": percentile([r["server_ms"] for r in good], 50),
                   "server_p95_ms": percentile([r["server_ms"] for r in good], 95)}
        summary[kind] = figures
        print(f"  {kind:<10} {figures['count']:>6} {figures['errors']:>7} "
              f"{figures['p50_ms']:>9.1f} {figures['p95_ms']:>9.1f} {figures['p99_ms']:>9.1f} "
              f"{figures['server_p50_ms']:>11.1f} {figures['server_p95_ms']:>11.1f}")
    if errors:
        kinds = sorted({str(r["status"]) for r in errors})
        print(f"  errors by status: {', '.join(kinds)}")
    cores = machine["cores_usable"]
    print(f"other processes kept busy, of {cores} cores: {other_single:.2f} during the server "
          f"times, {other_load:.2f} during the load (the clients are this process); "
          f"{other_run:.2f} over the run")

    p95 = summary["all"]["p95_ms"]
    porkchop_ms = statistics.median(pork["cold_ms"])
    plan_ms = times["plan"][EXAMPLES[0]]["cold_ms"][0]
    targets = [
        ("porkchop 300x300 server time < 200 ms", f"{porkchop_ms:.0f} ms",
         porkchop_ms < TARGET_PORKCHOP_MS),
        ("windows 2026-2045 server time < 300 ms", f"{win['cold_ms'][0]:.0f} ms",
         win["cold_ms"][0] < TARGET_WINDOWS_MS),
        ("windows 2026-2045 again (kept) < 300 ms", f"{win['cached_ms'][0]:.0f} ms",
         win["cached_ms"][0] < TARGET_WINDOWS_MS),
        ("joint plan (US-Russia) server time < 1 s", f"{plan_ms:.0f} ms",
         plan_ms < TARGET_PLAN_MS),
        (f"p95 at {args.clients} clients < 1 s", f"{p95:.0f} ms", p95 < TARGET_P95_MS),
        ("errors under load = 0", f"{len(errors)}", not errors and not outcome["unsent"]),
    ]
    print_targets(targets)
    total = time.perf_counter() - t_start
    print(f"\ntotal benchmark time {total:.1f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "clients": args.clients, "requests": args.requests,
                       "fresh_porkchops": args.fresh_porkchops, "server_times": times,
                       "warm_up_cold_ms": cold,
                       "load": summary, "wall_seconds": outcome["wall_seconds"],
                       "unsent": outcome["unsent"],
                       "other_processes_cores_busy_during_load": other_load,
                       "targets": targets_json(targets), "total_seconds": total}, f, indent=2)


if __name__ == "__main__":
    main()
