"""Independent peer libraries for the tests (and benchmarks), run safely.

pykep 3.0.1 needs two work-arounds (docs/design.md, "Peers in tests"):

1. Its wheel lacks ``pykep/trajopt/gym/tops/_tops_{cr3bp,twobody,ss,mee}.json``
   and fails at import; :func:`ensure_pykep_importable` creates them as empty
   JSON objects. marsplan uses none of those trajectory-optimisation gyms.
2. Its ``lambert_problem`` corrupts the heap: answers are right, but the process
   may abort at exit ("corrupted double-linked list", exit 134). So pykep is only
   ever called in a child process that writes its results to an .npz file,
   flushes, and leaves with ``os._exit(0)``: :func:`run_pykep`.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np

_MISSING_PYKEP_FILES = ("cr3bp", "twobody", "ss", "mee")


def ensure_pykep_importable() -> None:
    """Create the JSON files pykep 3.0.1's wheel forgot (see module docstring)."""
    spec = importlib.util.find_spec("pykep")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pykep is not installed: install marsplan with the [test] extra")
    tops = os.path.join(spec.submodule_search_locations[0], "trajopt", "gym", "tops")
    os.makedirs(tops, exist_ok=True)
    for name in _MISSING_PYKEP_FILES:
        path = os.path.join(tops, f"_tops_{name}.json")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write("{}")


_CHILD = """\
import os, sys
import numpy as np
import pykep as pk
data = dict(np.load(sys.argv[1]))
out = {{}}
{body}
np.savez(sys.argv[2], **out)
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
"""


def run_pykep(body: str, timeout: float = 600.0, **inputs) -> dict[str, np.ndarray]:
    """Run ``body`` in a child Python with ``pykep as pk`` imported.

    The child sees the keyword arrays as ``data[name]`` and must fill the dict
    ``out`` with arrays; they come back here. The child exits with ``os._exit``
    so pykep's heap corruption cannot abort it.
    """
    ensure_pykep_importable()
    with tempfile.TemporaryDirectory() as tmp:
        in_path = os.path.join(tmp, "in.npz")
        out_path = os.path.join(tmp, "out.npz")
        np.savez(in_path, **inputs)
        code = _CHILD.format(body=textwrap.dedent(body))
        proc = subprocess.run([sys.executable, "-c", code, in_path, out_path],
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0 or not os.path.exists(out_path):
            raise RuntimeError(f"pykep child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        with np.load(out_path) as result:
            return {k: result[k] for k in result.files}
