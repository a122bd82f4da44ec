"""Parquet import: chunkhouse's ParquetReader against rerun-sdk's on the same file, in one run.

A 1,000,000-row x 7-column Parquet file (an int64 timestamp, two 3-column groups, one lone column;
written once with pyarrow, 64k-row row groups). Each side in its own process reads it with
`ParquetReader(path).stream(...).to_chunks()`:
    * default options (a row_index timeline, prefix grouping into structs),
    * `index_columns=[timestamp("t", input_unit="ns")]`,
best of --repeat, with each process's peak RSS. Writes bench/results/parquet.json.

    .venv/bin/python bench/bench_parquet.py [--rows 1000000] [--repeat 5]
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


def write_input(path: str, rows: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(7)
    table = pa.table({
        "t": pa.array(np.arange(rows, dtype=np.int64) * 1_000_000),
        "pose_x": rng.standard_normal(rows), "pose_y": rng.standard_normal(rows), "pose_z": rng.standard_normal(rows),
        "imu_ax": rng.standard_normal(rows).astype(np.float32), "imu_ay": rng.standard_normal(rows).astype(np.float32),
        "speed": rng.standard_normal(rows),
    })
    pq.write_table(table, path, row_group_size=65536)


def measure(impl: str, path: str, repeat: int) -> dict:
    rx = __import__("rerun.experimental" if impl == "rerun" else "chunkhouse.experimental", fromlist=["x"])
    runs = {"default": lambda: rx.ParquetReader(path).stream().to_chunks(),
            "timestamp_index": lambda: rx.ParquetReader(path).stream(
                index_columns=[rx.IndexColumn.timestamp("t", input_unit="ns")]).to_chunks()}
    result = {}
    for name, run in runs.items():
        best, n = float("inf"), 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            chunks = run()
            best = min(best, time.perf_counter() - t0)
            n = len(chunks)
            del chunks
        result[name] = {"seconds": best, "chunks": n}
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--inner", choices=["rerun", "chunkhouse"])
    ap.add_argument("--path")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "parquet.json")
    args = ap.parse_args()
    if args.inner:
        print(json.dumps(measure(args.inner, args.path, args.repeat)))
        return
    rerun_py = str(REPO / ".venv-rerun" / "bin" / "python")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.parquet")
        write_input(path, args.rows)
        runs = {}
        for impl, py in (("chunkhouse", sys.executable), ("rerun", rerun_py)):
            env = dict(os.environ, PYTHONPATH=str(REPO / "build" / "python")) if impl == "chunkhouse" else None
            out = subprocess.run([py, __file__, "--inner", impl, "--path", path, "--repeat", str(args.repeat)],
                                 capture_output=True, text=True, check=True, env=env)
            runs[impl] = json.loads(out.stdout)
    report = {"_workload": f"{args.rows} rows x 7 columns Parquet -> chunks, best of {args.repeat}"}
    for name in ("default", "timestamp_index"):
        ours, theirs = runs["chunkhouse"][name], runs["rerun"][name]
        assert ours["chunks"] == theirs["chunks"], (name, ours, theirs)
        report[name] = {"chunkhouse_s": ours["seconds"], "rerun_s": theirs["seconds"],
                        "speedup": theirs["seconds"] / ours["seconds"], "chunks": ours["chunks"]}
        print(f"{name:16s} chunkhouse {ours['seconds'] * 1e3:7.1f} ms  rerun {theirs['seconds'] * 1e3:7.1f} ms  "
              f"x{theirs['seconds'] / ours['seconds']:.1f}  ({ours['chunks']} chunks)")
    for impl in ("chunkhouse", "rerun"):
        report[f"{impl}_peak_rss_mb"] = runs[impl]["peak_rss_mb"]
        print(f"{impl:10s} peak RSS {runs[impl]['peak_rss_mb']:.0f} MB")
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
