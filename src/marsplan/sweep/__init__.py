"""Trade studies at scale: sweeps over opportunities, classes, coalitions and variants.

``marsplan sweep SPEC.toml --out DIR`` plans the Cartesian product of a spec's
axes over a base scenario, locally (a Dask LocalCluster, or in-process) or on
a Dask cluster, into a Parquet dataset that :func:`load` reads as a DataFrame.
See docs/sweep.md.

* :mod:`marsplan.sweep.spec`: the spec and its axes (core);
* :mod:`marsplan.sweep.engine`: trajectory keys and the plan tasks (core);
* :mod:`marsplan.sweep.store`: the Parquet dataset and the manifest;
* :mod:`marsplan.sweep.run`: :func:`run_sweep`, the driver on its engines.
"""

from __future__ import annotations

from marsplan._lazy import lazy_names

__getattr__, __dir__, __all__ = lazy_names(__name__, {
    "load": "marsplan.sweep.store",
    "SweepStoreError": "marsplan.sweep.store",
    "run_sweep": "marsplan.sweep.run",
    "read_spec": "marsplan.sweep.run",
    "SweepResult": "marsplan.sweep.run",
    "SchedulerError": "marsplan.sweep.run",
    "SweepRunError": "marsplan.sweep.run",
    "SweepSpec": "marsplan.sweep.spec",
    "SweepSpecError": "marsplan.sweep.spec",
})
