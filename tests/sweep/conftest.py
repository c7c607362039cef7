"""A small sweep shared by the sweep tests: one search, six rows, three batches.

The 2033 conjunction of the US-Russia example, with every partner, without
Roscosmos and without SpaceX (nothing replaces the transit vehicle: no search),
at 10 and 15 % delta-v margin. Planned once in-process per test module; the
other engines are compared with it.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SPEC = """
[sweep]
scenario = "{scenario}"
batch_size = 2

[axes]
"mission.opportunity" = [2033]
"mission.class" = ["conjunction"]
without = [[], ["roscosmos"], ["spacex"]]
"margins.dv_pct" = [10.0, 15.0]
"""


def write_spec(folder: Path, text: str = SPEC, name: str = "spec.toml") -> Path:
    path = folder / name
    path.write_text(text.format(scenario=(EXAMPLES / "us_russia_2033.toml").as_posix()))
    return path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="package")
def reference(tmp_path_factory):
    """(spec path, out folder, DataFrame) of the small sweep planned in-process."""
    from marsplan.sweep import load, run_sweep

    folder = tmp_path_factory.mktemp("sweep_ref")
    spec = write_spec(folder)
    out = folder / "out"
    run_sweep(spec, out, workers=0)
    return spec, out, load(out)
