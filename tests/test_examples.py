"""The example notebook runs from top to bottom, so it never goes stale."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).parents[1] / "examples" / "marsplan_tour.ipynb"


def test_the_tour_notebook_runs_and_shows_its_charts(monkeypatch):
    # The kernel imports the marsplan under test, wherever it was imported from.
    import marsplan

    src = str(Path(marsplan.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [src, *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    start = time.perf_counter()
    # Run where the notebook lives, as a user opening it would (it reads
    # us_russia_2033.toml beside it); a cell raising fails the test.
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    elapsed = time.perf_counter() - start
    images = [base64.b64decode(out["data"]["image/png"])
              for cell in nb.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    # Four charts: windows, porkchop, mission, contributions; each a real PNG
    # of some size (an empty figure is ~2 kB).
    assert len(images) == 4
    assert all(png.startswith(b"\x89PNG") and len(png) > 20_000 for png in images)
    text = "".join(out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
                   for cell in nb.cells for out in cell.get("outputs", []))
    assert "[2026, 2028, 2031, 2033, 2035, 2037, 2039, 2041, 2043]" in text
    assert "Window(opportunity=2033" in text and "Mission(mission_class='conjunction'" in text
    # The plan's verdict: the hardware closes, the crew dose needs a waiver.
    assert ("Plan(name='US-Russia crewed Mars mission, 2033', status='flies_with_waiver'"
            in text)
    assert "flies_with_waiver - " in text  # the status line, with the binding limits
    assert elapsed < 240  # ~40 s on one core; the limit only catches a runaway
