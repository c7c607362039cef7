"""The sweep's own store: a Parquet dataset of one row per combination, and a manifest.

Layout of ``DIR``::

    DIR/manifest.json           what the sweep is (its spec and fingerprint) and what is done
    DIR/results/part-000000.parquet   one file per finished batch

``pyarrow.parquet.read_table("DIR/results")`` reads the dataset whole
(:func:`load` as a DataFrame, in combination order). Each part file is
written whole and atomically (:func:`marsplan.io.atomic.write_atomic`: a
temporary file, fsync, rename; pyarrow skips the hidden temporary names), and
then the manifest, atomically too, records its batch. A part file is the
batch's rows for that spec and nothing else, so a part written again after an
interrupt between the two writes replaces itself: nothing is duplicated.

Columns (docs/outputs.md, "sweep"): ``combination``; one per axis, named by its
key; ``opportunity``, ``mission_class``, ``coalition``; ``status`` (the plan's
verdict, or ``error``), ``binding_limit``, ``error``; ``earth_departure``
(ISO, TDB), ``duration_days``, ``dv_total_kms``, ``imleo_t``, ``launches``,
``cost_musd``; and ``<partner>_<field>`` for every partner of the catalog and
every field of :func:`marsplan.sweep.engine.partner_fields` (contributions and
ledger; null where the partner is not in the plan).
"""

from __future__ import annotations

import io
import json
import os

from marsplan.errors import MarsplanError, OutputPathError

__all__ = ["MANIFEST", "RESULTS", "SweepStoreError", "encode_part", "load", "read_manifest",
           "schema", "status_counts", "write_manifest", "write_part"]

MANIFEST = "manifest.json"
RESULTS = "results"
FORMAT = "marsplan-sweep/1"


class SweepStoreError(MarsplanError, ValueError):
    """A sweep folder that does not hold this sweep (another spec, or no sweep at all)."""


_FIXED = (("opportunity", "int64"), ("mission_class", "string"), ("coalition", "string"),
          ("status", "string"), ("binding_limit", "string"), ("error", "string"),
          ("earth_departure", "string"), ("duration_days", "float64"),
          ("dv_total_kms", "float64"), ("imleo_t", "float64"), ("launches", "int64"),
          ("cost_musd", "float64"))


def _axis_type(values):
    """The Arrow type of an axis from its values (ints and floats mixed: float64)."""
    import pyarrow as pa

    def kind(v):
        if isinstance(v, bool):
            return pa.bool_()
        if isinstance(v, int):
            return pa.int64()
        if isinstance(v, float):
            return pa.float64()
        if isinstance(v, str):
            return pa.string()
        if isinstance(v, list):
            inner = {str(kind(x)) for x in v}
            if inner <= {"string"}:
                return pa.list_(pa.string())
            if inner <= {"int64", "double"}:
                return pa.list_(pa.float64() if "double" in inner else pa.int64())
        return None  # tables, mixed lists: stored as JSON text

    kinds = {kind(v) for v in values}
    if len(kinds) == 1 and None not in kinds:
        return kinds.pop()
    if kinds <= {pa.int64(), pa.float64()}:
        return pa.float64()
    return pa.string()


def schema(axes, partners, partner_fields):
    """The dataset's Arrow schema, fixed by the spec and the catalog."""
    import pyarrow as pa

    columns = [("combination", pa.int64())]
    columns += [(a.key, _axis_type(a.values)) for a in axes]
    columns += [(name, getattr(pa, kind)()) for name, kind in _FIXED]
    columns += [(f"{p}_{f}", pa.float64()) for p in partners for f in partner_fields]
    return pa.schema(columns)


def _axis_value(value, arrow_type):
    import pyarrow as pa

    if arrow_type == pa.string() and not isinstance(value, str):
        return json.dumps(value)
    if arrow_type == pa.float64():
        return float(value)
    return value


def table(rows, axes, partners, partner_fields):
    """The rows (:class:`~marsplan.sweep.engine.SweepRow`) as an Arrow table of :func:`schema`."""
    import pyarrow as pa

    sch = schema(axes, partners, partner_fields)
    data = {"combination": [r.combination for r in rows]}
    for n, a in enumerate(axes):
        kind = sch.field(a.key).type
        data[a.key] = [_axis_value(r.values[n], kind) for r in rows]
    for name, _ in _FIXED:
        data[name] = [getattr(r, name) for r in rows]
    for p in partners:
        for f in partner_fields:
            data[f"{p}_{f}"] = [_share(r, p, f) for r in rows]
    return pa.table(data, schema=sch)


def _share(row, partner, field):
    for name, values in row.partner_shares:
        if name == partner:
            v = values.get(field)
            return None if v is None else float(v)
    return None


def part_name(number: int) -> str:
    return f"part-{number:06d}.parquet"


def encode_part(arrow_table) -> bytes:
    """One batch's rows as the bytes of a Parquet file (zstd): the work of storing a
    batch, done where the batch was planned (a worker), so the client only writes."""
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(arrow_table, buffer, compression="zstd")
    return buffer.getvalue()


def write_part(out_dir: str, number: int, data: bytes) -> str:
    """Write one batch's Parquet bytes (:func:`encode_part`) as
    ``DIR/results/part-NNNNNN.parquet``, atomically."""
    from marsplan.io.atomic import write_atomic

    path = os.path.join(out_dir, RESULTS, part_name(number))
    write_atomic(path, data)
    return path


def status_counts(out_dir: str) -> tuple[int, dict]:
    """(rows stored, {status: rows}) of a sweep folder, from its ``status`` column only."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    results = os.path.join(out_dir, RESULTS)
    if not any(n.endswith(".parquet") and not n.startswith(".") for n in os.listdir(results)):
        return 0, {}
    status = pq.read_table(results, columns=["status"]).column("status")
    counts = pc.value_counts(status)
    return len(status), {str(c["values"]): int(c["counts"]) for c in counts.to_pylist()}


def read_manifest(out_dir: str) -> dict | None:
    """The manifest of ``DIR``, or None when there is none yet."""
    path = os.path.join(out_dir, MANIFEST)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as error:
        raise SweepStoreError(f"{path}: not a sweep manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SweepStoreError(f"{path}: not a marsplan sweep manifest (format {FORMAT})")
    return manifest


def write_manifest(out_dir: str, manifest: dict) -> None:
    from marsplan.io.atomic import write_atomic

    write_atomic(os.path.join(out_dir, MANIFEST),
                 json.dumps(manifest, indent=1, sort_keys=True, default=str))


def existing_manifest(out_dir: str, spec, columns: list[str] | None = None) -> dict | None:
    """The manifest of ``DIR`` when it holds this spec's sweep, None when ``DIR`` is new
    or empty; nothing is written.

    Raises
    ------
    SweepStoreError
        ``DIR`` holds a sweep of another spec (or base scenario, or columns), or
        files that are not a sweep's.
    OutputPathError
        ``DIR`` cannot be created or written.
    """
    from marsplan.io.atomic import check_folder

    check_folder(out_dir)
    manifest = read_manifest(out_dir) if os.path.isdir(out_dir) else None
    if manifest is None:
        if os.path.isdir(out_dir) and any(not n.startswith(".") for n in os.listdir(out_dir)):
            raise SweepStoreError(f"{out_dir}: holds files but no {MANIFEST}; give an empty or "
                                  "new folder for a sweep")
        return None
    if manifest.get("fingerprint") != spec.fingerprint:
        raise SweepStoreError(f"{out_dir}: holds the results of another spec or base scenario "
                              f"(manifest fingerprint {str(manifest.get('fingerprint'))[:12]}, "
                              f"this spec {spec.fingerprint[:12]}); use a new folder")
    if columns is not None and manifest.get("columns") not in (None, columns):
        # Parts of two schemas would not read as one dataset.
        raise SweepStoreError(f"{out_dir}: its rows have other columns than this version of "
                              "marsplan writes (another catalog or marsplan); use a new folder")
    return manifest


def create_store(out_dir: str, spec, n_batches: int, n_combinations: int,
                 columns: list[str] | None = None) -> dict:
    """Create ``DIR/results`` and the manifest of a new sweep; the manifest."""
    try:
        os.makedirs(os.path.join(out_dir, RESULTS), exist_ok=True)
    except OSError as error:
        raise OutputPathError(f"{out_dir}: cannot write: {error.strerror or error}") from None
    manifest = {"format": FORMAT, "fingerprint": spec.fingerprint, "spec": spec.to_dict(),
                "combinations": n_combinations, "batches": n_batches, "done": [],
                "columns": columns}
    write_manifest(out_dir, manifest)
    return manifest


def load(out_dir):
    """The sweep's results as a pandas DataFrame, one row per combination, in order.

    Parameters
    ----------
    out_dir : str or os.PathLike
        The folder given to ``marsplan sweep --out``.

    Returns
    -------
    pandas.DataFrame
        The columns of this module's docstring; rows sorted by ``combination``.
        A sweep still running or interrupted gives the rows finished so far.

    Raises
    ------
    SweepStoreError
        ``out_dir`` is not a sweep folder.
    """
    import pyarrow.parquet as pq

    out_dir = os.fspath(out_dir)
    manifest = read_manifest(out_dir)
    results = os.path.join(out_dir, RESULTS)
    if manifest is None or not os.path.isdir(results):
        raise SweepStoreError(f"{out_dir}: not a sweep folder (no {MANIFEST}); run "
                              "marsplan sweep SPEC --out DIR first")
    parts = [n for n in os.listdir(results) if n.endswith(".parquet") and not n.startswith(".")]
    if not parts:
        import pandas as pd

        return pd.DataFrame()
    frame = pq.read_table(results).to_pandas()
    return frame.sort_values("combination", kind="stable").reset_index(drop=True)
