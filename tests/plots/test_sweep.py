"""The sweep charts: drawn from a dataset's columns, each verdict in its colour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marsplan.errors import InputError
from marsplan.plots.sweep import VERDICTS, plot_feasibility, plot_sweep


def _frame(statuses):
    rows = []
    for n, (opportunity, coalition, status) in enumerate(statuses):
        flies = status in ("flies", "flies_with_waiver")
        rows.append({"combination": n, "opportunity": opportunity,
                     "mission_class": "conjunction", "coalition": coalition, "status": status,
                     "duration_days": 900.0 + n, "dv_total_kms": 5.5 + 0.1 * n,
                     "imleo_t": 1000.0 + 10 * n if flies else None,
                     "cost_musd": 1500.0 + n if flies else None})
    return pd.DataFrame(rows)


def _share_of(path, hex_color) -> float:
    from matplotlib.image import imread

    image = imread(path)[..., :3]
    rgb = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return float(np.mean(np.all(np.abs(image - rgb) < 0.02, axis=-1)))


def test_feasibility_colours_each_verdict(tmp_path):
    colour = {v: c for v, c, _ in VERDICTS}
    both = _frame([(2033, "a+b", "flies"), (2035, "a+b", "cannot_fly")])
    plot_feasibility(both, tmp_path / "both.png")
    assert _share_of(tmp_path / "both.png", colour["flies"]) > 0.05
    assert _share_of(tmp_path / "both.png", colour["cannot_fly"]) > 0.05
    none = _frame([(2033, "a+b", "cannot_fly"), (2035, "a+b", "cannot_fly")])
    plot_feasibility(none, tmp_path / "none.png")
    # Only the legend's small swatch keeps the green when nothing flies.
    assert _share_of(tmp_path / "none.png", colour["flies"]) < 0.01


def test_every_chart_is_written(tmp_path):
    frame = _frame([(2033, "a+b", "flies"), (2033, "a", "flies_with_waiver"),
                    (2035, "a+b", "cannot_fly"), (2035, "a", "error")])
    paths = plot_sweep(frame, tmp_path / "charts")
    assert [p.rsplit("/", 1)[1] for p in map(str, paths)] == [
        "sweep_feasibility.png", "sweep_heatmaps.png", "sweep_dv_duration.png"]
    for p in paths:
        with open(p, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_bad_input(tmp_path):
    with pytest.raises(InputError, match="no rows"):
        plot_feasibility(pd.DataFrame(), tmp_path / "x.png")
    with pytest.raises(InputError, match="not a sweep dataset"):
        plot_feasibility(pd.DataFrame({"a": [1]}), tmp_path / "x.png")
    with pytest.raises(InputError, match="extension"):
        plot_feasibility(_frame([(2033, "a", "flies")]), tmp_path / "x.txt")
