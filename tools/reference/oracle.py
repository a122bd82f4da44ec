"""What rerun-sdk reads and answers (runs inside the reference venv): chunk dumps, dataframe
queries, recordings written from operation lists, benchmark data."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from corpus import Corpus
from ref_env import APP_ID, import_oracle, log

# ---------------------------------------------------------------------------
# dump (runs inside the venv)
# ---------------------------------------------------------------------------


def cmd_dump(args: argparse.Namespace) -> int:
    """Dump FILE. Exit 0 on success; 3 if rerun failed to read it (stores.json then has an "error")."""
    import warnings  # noqa: PLC0415

    rr = import_oracle()
    import pyarrow as pa  # noqa: PLC0415
    from rerun.experimental import RrdReader  # noqa: PLC0415

    src = Path(args.file)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    _clean_dump_dir(out)

    def entry_json(e) -> dict:
        return {"kind": str(e.kind), "application_id": str(e.application_id), "recording_id": str(e.recording_id)}

    result: dict = {
        "file": str(src),
        "rerun_sdk_version": rr.__version__,
        "recordings": [],
        "blueprints": [],
        "stores": [],
    }
    error = None
    total_chunks = 0
    with warnings.catch_warnings(record=True) as wlist:
        warnings.simplefilter("always")
        try:
            reader = RrdReader(str(src))
            recordings = list(reader.recordings())
            blueprints = list(reader.blueprints())
            result["recordings"] = [entry_json(e) for e in recordings]
            result["blueprints"] = [entry_json(e) for e in blueprints]
            for store_index, entry in enumerate(recordings + blueprints):
                store_dir = out / str(store_index)
                store_dir.mkdir(parents=True, exist_ok=True)
                chunks: list[dict] = []
                result["stores"].append({**entry_json(entry), "dir": str(store_index), "chunks": chunks})
                for i, chunk in enumerate(reader.stream(store=entry)):
                    rb = chunk.to_record_batch()
                    fname = f"chunk_{i:05d}.arrow"
                    with pa.OSFile(str(store_dir / fname), "wb") as sink:
                        with pa.ipc.new_file(sink, rb.schema) as writer:
                            writer.write_batch(rb)
                    chunks.append(
                        {
                            "index": i,
                            "entity_path": str(chunk.entity_path),
                            "id": str(chunk.id),
                            "num_rows": int(chunk.num_rows),
                            "num_columns": int(chunk.num_columns),
                            "is_static": bool(chunk.is_static),
                            "timeline_names": sorted(str(t) for t in chunk.timeline_names),
                            "file": fname,
                        }
                    )
                    total_chunks += 1
        except Exception as e:  # noqa: BLE001 - report whatever the oracle raised
            error = f"{type(e).__name__}: {e}"
            result["error"] = error
    result["warnings"] = [f"{w.category.__name__}: {w.message}" for w in wlist]
    if error is None and not result["recordings"] and not result["blueprints"]:
        # Seen with rerun-sdk 0.36.2: a file whose RrdFooter holds no manifests lists no stores at all,
        # even though `rerun rrd print` (a full stream scan) finds its StoreInfo and chunks.
        result["notes"] = [
            "RrdReader found no stores; if the file has a footer without manifests, "
            "`harness.py rerun rrd print FILE` still shows what the message stream holds"
        ]

    (out / "stores.json").write_text(json.dumps(result, indent=2) + "\n")
    for msg in result["warnings"]:
        print(f"[harness] warning from rerun: {msg}", file=sys.stderr)
    summary = (
        f"{len(result['recordings'])} recording(s), {len(result['blueprints'])} blueprint(s), "
        f"{total_chunks} chunk(s) -> {out}/stores.json"
    )
    if error is not None:
        print(f"harness.py: error: rerun failed to read {src}: {error}", file=sys.stderr)
        log(f"partial dump of {src}: {summary}")
        return 3
    log(f"dumped {src}: {summary}")
    return 0


def _clean_dump_dir(out: Path) -> None:
    """Remove what a previous dump wrote (stores.json, <n>/chunk_*.arrow), nothing else."""
    sj = out / "stores.json"
    if sj.exists():
        sj.unlink()
    for d in out.iterdir():
        if d.is_dir() and d.name.isdigit():
            for f in d.glob("chunk_*.arrow"):
                f.unlink()
            try:
                d.rmdir()
            except OSError:
                pass



# ---------------------------------------------------------------------------
# query: dataframe answers computed by rerun-sdk's own engine
# ---------------------------------------------------------------------------


def _oracle_query(store, spec: dict):
    """Answer one legacy-API query (seed 004 semantics) with rerun-sdk 0.36.2's engine.

    rerun 0.36.2 has only the new reader (`ChunkStore.reader`): the index, entity contents,
    fill and sampling map onto it directly; the legacy row filters (range, index values,
    is-not-null, component lists in dict contents) are applied to its unfilled result, as
    the legacy engine applied them before filling.
    """
    import numpy as np  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    index = spec.get("index")
    contents = spec.get("contents", "/**")
    components = None
    if isinstance(contents, dict):
        components = {k: ([v] if isinstance(v, str) else list(v)) for k, v in contents.items()}
        entity_filter = " ".join(contents.keys())
    elif isinstance(contents, list):
        entity_filter = " ".join(contents)
    else:
        entity_filter = contents
    using = spec.get("using")
    kwargs = dict(
        contents=entity_filter,
        include_semantically_empty_columns=spec.get("include_semantically_empty", False),
        include_tombstone_columns=spec.get("include_tombstone", False),
    )
    if using is not None:
        kwargs["using_index_values"] = np.array(using, dtype=np.int64)

    def run(fill: bool):
        table = store.reader(index, fill_latest_at=fill, **kwargs).to_arrow_table()
        if index is not None and table.num_rows:
            table = table.sort_by(index)
        return table

    base = run(False)
    result = run(True) if spec.get("fill") else base
    compare_other_indexes = True
    keep_columns = None
    if components is not None:
        # Dict contents restrict the view to the listed components of the matching entities.
        keep_columns = []
        for f in base.schema:
            md = f.metadata or {}
            if md.get(b"rerun:kind") != b"data":
                keep_columns.append(f.name)
                continue
            comp = md.get(b"rerun:component", b"").decode()
            ctype = md.get(b"rerun:component_type", b"").decode()
            entity = md.get(b"rerun:entity_path", b"").decode()
            wanted = set()
            for expr, comps in components.items():
                from_filter = store.reader(index, contents=expr, **{k: v for k, v in kwargs.items() if k != "contents"}).schema()
                if f.name in from_filter.names:
                    wanted = set(comps)
            if comp in wanted or ctype in wanted or ctype.rsplit(".", 1)[-1] in wanted:
                keep_columns.append(f.name)
        compare_other_indexes = False  # other timelines depend on the whole view
    if index is not None and using is None and base.num_rows:
        mask = np.ones(base.num_rows, dtype=bool)
        idx = base.column(index).cast(pa.int64()).to_numpy()
        if spec.get("range") is not None:
            lo, hi = spec["range"]
            mask &= (idx >= lo) & (idx <= hi)
        if spec.get("values") is not None:
            mask &= np.isin(idx, np.array(spec["values"], dtype=np.int64))
        data_cols = [n for n in (keep_columns or base.schema.names)
                     if (base.schema.field(n).metadata or {}).get(b"rerun:kind") == b"data"]
        if components is not None:
            # Rows exist where at least one view column has data (static columns never make rows).
            any_data = np.zeros(base.num_rows, dtype=bool)
            for n in data_cols:
                if (base.schema.field(n).metadata or {}).get(b"rerun:is_static") == b"true":
                    continue
                any_data |= pc.is_valid(base.column(n)).to_numpy(zero_copy_only=False)
            mask &= any_data
        if spec.get("is_not_null") is not None:
            name = spec["is_not_null"]
            if name in base.schema.names:
                mask &= pc.is_valid(base.column(name)).to_numpy(zero_copy_only=False)
            else:
                mask &= False
        result = result.filter(pa.array(mask))
    if keep_columns is not None:
        result = result.select(keep_columns)
    if spec.get("select") is not None:
        result = result.select(spec["select"])
    return result, compare_other_indexes


def cmd_query(args: argparse.Namespace) -> int:
    """Run a batch of queries: SPECS is a JSON list of {file, spec, out}."""
    rr = import_oracle()
    import pyarrow as pa  # noqa: PLC0415
    import rerun.experimental as rx  # noqa: PLC0415

    jobs = json.loads(Path(args.specs).read_text())
    stores: dict[str, object] = {}
    for job in jobs:
        out = Path(job["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        meta = {"ok": True, "error": None, "compare_other_indexes": True}
        if Path(str(out) + ".json").exists():
            continue  # answered by an earlier run of the same batch
        # A marker, so that a caller can tell which query a crash of rerun-sdk happened in.
        Path(str(out) + ".started").write_text("")
        try:
            if job["file"] not in stores:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    stores[job["file"]] = rx.RrdReader(job["file"]).stream().collect()
            table, meta["compare_other_indexes"] = _oracle_query(stores[job["file"]], job["spec"])
            with pa.ipc.new_file(out, table.schema) as w:
                w.write_table(table)
        except Exception as e:  # noqa: BLE001 - reported to the caller
            meta = {"ok": False, "error": f"{type(e).__name__}: {e}", "compare_other_indexes": False}
        Path(str(out) + ".json").write_text(json.dumps(meta))
    del rr
    return 0


def cmd_write_ops(args: argparse.Namespace) -> int:
    """Write recordings described as lists of log operations (for property-based tests).

    OPS is a JSON list of {out, ops}; each op is {entity, kind: scalar|points|text|clear,
    value, static, times: {timeline: value}, recursive}. Sequence timelines only.
    """
    rr = import_oracle()
    jobs = json.loads(Path(args.ops).read_text())
    corpus = Corpus(rr, Path("."))
    for job in jobs:
        rec = rr.RecordingStream(APP_ID, recording_id=Path(job["out"]).stem, send_properties=False,
                                 batcher_config=corpus._batcher())
        rec.save(job["out"])
        rec.set_log_time_enabled(False)
        for op in job["ops"]:
            rec.reset_time()
            for name, value in op.get("times", {}).items():
                rec.set_time(name, sequence=value)
            kind, v = op["kind"], op.get("value")
            if kind == "scalar":
                archetype = rr.Scalars(v)
            elif kind == "points":
                archetype = rr.Points3D([[x, x, x] for x in v], colors=[[255, 0, 0]] * len(v) if v else None)
            elif kind == "text":
                archetype = rr.TextLog(str(v))
            else:
                archetype = rr.Clear(recursive=bool(op.get("recursive")))
            rec.log(op["entity"], archetype, static=bool(op.get("static")))
            if op.get("flush"):
                rec.flush()
        rec.flush()
        rec.disconnect()
    return 0


def cmd_bench_data(args: argparse.Namespace) -> int:
    """Write a benchmark recording of Scalars: ENTITIES entities x ROWS rows on sequence timeline
    `t`, entity e logging at t = i * ENTITIES + e (each entity at its own times), sent in chunks of
    CHUNK_ROWS rows with send_columns."""
    rr = import_oracle()
    np = __import__("numpy")
    out = Path(args.out)
    rec = rr.RecordingStream(APP_ID, recording_id=out.stem, send_properties=False)
    rec.save(str(out))
    n, rows, step = args.entities, args.rows, args.chunk_rows
    for e in range(n):
        for start in range(0, rows, step):
            i = np.arange(start, min(rows, start + step), dtype=np.int64)
            rec.send_columns(f"/signals/e{e:03d}", indexes=[rr.TimeColumn("t", sequence=i * n + e)],
                             columns=rr.Scalars.columns(scalars=np.sin(i * 0.001 + e)))
    rec.flush()
    rec.disconnect()
    log(f"wrote {out} ({out.stat().st_size} bytes): {n} entities x {rows} rows in chunks of {step}")
    return 0


