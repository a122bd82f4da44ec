"""Lens throughput: a DeriveLens extracting a struct field, chunkhouse against rerun-sdk.

1,000 chunks of 1,000 rows (1M rows) at /imu with a frame timeline and `Imu:accel` =
list<struct<x: f64, y: f64, z: f64>> (some null rows). rerun-sdk writes them to an .rrd once;
each implementation reads them back in its own process (rerun-sdk in .venv-rerun) and times
    * `chunk.apply_lenses(lens)` on every chunk (a same-entity derive merged into the prefix),
    * `LazyChunkStream.from_iter(chunks).lenses(lens).to_chunks()` (a derive to another entity),
    * `RrdReader(path).stream().lenses(lens).to_chunks()`: the same, reading the file too,
best of --repeat, with the growth of the process's peak RSS over the runs. Writes
bench/results/lens.json.

    .venv/bin/python bench/bench_lens.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def write_input(path: Path, chunks: int, rows: int) -> None:
    """The input chunks, written by rerun-sdk (runs in the reference venv)."""
    import pyarrow as pa
    import rerun.experimental as rx

    t = pa.struct([("x", pa.float64()), ("y", pa.float64()), ("z", pa.float64())])
    out = []
    for c in range(chunks):
        base = c * rows
        vals = [None if r % 97 == 0 else [{"x": float(base + r), "y": 1.0, "z": 2.0}] for r in range(rows)]
        accel = pa.array(vals, pa.list_(t))
        field = pa.field("Imu:accel", accel.type, metadata={"rerun:component": "Imu:accel", "rerun:archetype": "Imu"})
        rb = pa.RecordBatch.from_arrays([pa.array(range(base, base + rows), pa.int64()), accel],
                                        schema=pa.schema([pa.field("frame", pa.int64()), field]))
        out.extend(rx.Chunk.from_record_batch(rb, index="frame", entity_path="/imu"))
    rx.LazyChunkStream.from_iter(out).write_rrd(path, application_id="bench", recording_id="lens")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(impl: str, path: str, repeat: int) -> dict:
    if impl == "rerun":
        import rerun.experimental as rx
        from rerun import ComponentDescriptor as D
    else:
        import chunkhouse.experimental as rx
        from chunkhouse.experimental._lens import _descriptor as D
    scalars = D("Scalars:scalars", archetype="rerun.archetypes.Scalars", component_type="rerun.components.Scalar")
    chunks = rx.RrdReader(path).stream().to_chunks()
    rows = sum(c.num_rows for c in chunks)
    merged = rx.DeriveLens("Imu:accel").to_component(scalars, ".x")
    separate = rx.DeriveLens("Imu:accel", output_entity="/imu/x").to_component(scalars, ".x")
    before = peak_rss_mb()
    result = {"rows": rows, "chunks": len(chunks)}
    for name, run in (("apply_lenses", lambda: [c.apply_lenses(merged) for c in chunks]),
                      ("stream", lambda: rx.LazyChunkStream.from_iter(chunks).lenses(separate).to_chunks()),
                      ("read_and_lens", lambda: rx.RrdReader(path).stream().lenses(separate).to_chunks())):
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = run()
            best = min(best, time.perf_counter() - t0)
        assert len(out) == len(chunks), (name, len(out))
        result[name] = best
    result["peak_rss_growth_mb"] = peak_rss_mb() - before
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--inner", choices=["rerun", "chunkhouse", "write"])
    ap.add_argument("--path")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "lens.json")
    args = ap.parse_args()
    if args.inner == "write":
        write_input(Path(args.path), args.chunks, args.rows)
        return
    if args.inner:
        print(json.dumps(measure(args.inner, args.path, args.repeat)))
        return
    rerun_py = str(REPO / ".venv-rerun" / "bin" / "python")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "lens_input.rrd")
        subprocess.run([rerun_py, __file__, "--inner", "write", "--path", path, "--chunks", str(args.chunks),
                        "--rows", str(args.rows)], check=True)
        runs = {}
        for impl, py in (("chunkhouse", sys.executable), ("rerun", rerun_py)):
            env = {**os.environ, "PYTHONPATH": str(REPO / "build" / "python")} if impl == "chunkhouse" else None
            out = subprocess.run([py, __file__, "--inner", impl, "--path", path, "--repeat", str(args.repeat)],
                                 capture_output=True, text=True, check=True, env=env)
            runs[impl] = json.loads(out.stdout)
    report = {"_workload": f"{args.chunks} chunks x {args.rows} rows, DeriveLens .x, best of {args.repeat}"}
    for name in ("apply_lenses", "stream", "read_and_lens"):
        ours, theirs = runs["chunkhouse"][name], runs["rerun"][name]
        report[name] = {"chunkhouse_s": ours, "rerun_s": theirs, "speedup": theirs / ours}
        print(f"{name:14s} chunkhouse {ours * 1e3:7.1f} ms  rerun {theirs * 1e3:7.1f} ms  x{theirs / ours:.1f}")
    for impl in ("chunkhouse", "rerun"):
        report[f"{impl}_peak_rss_mb"] = runs[impl]["peak_rss_mb"]
        report[f"{impl}_peak_rss_growth_mb"] = runs[impl]["peak_rss_growth_mb"]
        print(f"{impl:10s} peak RSS {runs[impl]['peak_rss_mb']:.0f} MB (grew {runs[impl]['peak_rss_growth_mb']:.0f} MB "
              "while timing)")
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
