"""Helpers the benchmark scripts share: the machine line, other-load check, targets.

Imported by the scripts beside it (``import _common``: a script run as
``python benchmarks/NAME.py`` has this directory first on ``sys.path``).
Importing it also puts the repository root on ``sys.path``, so the scripts can
use ``tests.peers`` (pykep in a child process).
"""

from __future__ import annotations

import os
import platform
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

# Above this many cores busy elsewhere, a script warns that its figures are low.
OTHER_LOAD_WARN_CORES = 0.2


class OtherLoad:
    """Cores kept busy by other processes between start() and stop(), on average.

    Busy time of the whole machine (/proc/stat) minus this process's and its
    waited-for children's CPU time (os.times), over the wall time. On a shared
    machine another job halves an all-core figure without a trace in it; this
    makes the trace.
    """

    def start(self):
        self._t0, self._busy0, self._own0 = time.perf_counter(), self._busy(), self._own()
        return self

    def stop(self):
        wall = time.perf_counter() - self._t0
        busy, own = self._busy(), self._own()
        if busy is None or self._busy0 is None or wall <= 0:
            return float("nan")
        return max(0.0, ((busy - self._busy0) - (own - self._own0)) / wall)

    @staticmethod
    def _busy():
        try:
            with open("/proc/stat") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        # user nice system idle iowait irq softirq steal: all but idle and iowait.
        busy = sum(fields[:8]) - fields[3] - fields[4]
        return busy / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own():
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def usable_cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def print_machine():
    """Print the machine line and the load average; return the figures for --json."""
    import numba

    figures = {"cpu_model": cpu_model(), "cores_usable": usable_cores(),
               "cpus_online": os.cpu_count(), "numba_threads": numba.config.NUMBA_NUM_THREADS,
               "load_average_before": load_average(), "numba": numba.__version__,
               "python": platform.python_version()}
    print(f"machine: {figures['cpu_model']}, {figures['cores_usable']} cores usable "
          f"({figures['cpus_online']} online), numba {figures['numba']} with "
          f"{figures['numba_threads']} threads, Python {figures['python']}")
    print(f"load average before the run: {figures['load_average_before']}")
    return figures


def warn_if_shared(busy_cores_elsewhere):
    """Print a warning when other processes kept more than OTHER_LOAD_WARN_CORES busy."""
    if busy_cores_elsewhere > OTHER_LOAD_WARN_CORES:
        print(f"WARNING: the machine was shared (up to {busy_cores_elsewhere:.1f} cores busy "
              f"elsewhere): marsplan's figures, the multi-thread ones most, are low; "
              f"rerun on an idle machine")


def print_targets(targets, label_width=44):
    """Print (label, value text, ok) rows as PASS/MISS lines under 'targets:'."""
    print()
    print("targets:")
    for label, value, ok in targets:
        print(f"  {label:<{label_width}} {value:>12}  {'PASS' if ok else 'MISS'}")


def targets_json(targets):
    return {label: {"value": value, "pass": bool(ok)} for label, value, ok in targets}
