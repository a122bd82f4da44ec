"""Selector throughput: the per-chunk work of a DeriveLens, chunkhouse against rerun-sdk.

1,000 chunks of 1,000 rows (1M rows) of list<struct<x: f64, y: f64, poses: list<struct<x: f64>>>>
(nulls, empty rows); each selector runs `execute_per_row` on every chunk's column, as a lens does.
Each implementation runs in its own process (rerun-sdk in .venv-rerun); the best of --repeat runs
is reported with the ratio. Writes bench/results/selector.json.

    .venv/bin/python bench/bench_selector.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SELECTORS = [".x", ".y!", ".poses[].x", "pack(.x!, .y!)", ".poses | map(.x)"]


def columns(chunks: int, rows: int):
    import pyarrow as pa

    poses = pa.list_(pa.struct([("x", pa.float64())]))
    t = pa.list_(pa.struct([("x", pa.float64()), ("y", pa.float64()), ("poses", poses)]))
    out = []
    for c in range(chunks):
        vals = []
        for r in range(rows):
            if r % 97 == 0:
                vals.append(None)
            elif r % 89 == 0:
                vals.append([])
            else:
                y = None if r % 13 == 0 else float(r)
                vals.append([{"x": float(c + r), "y": y, "poses": [{"x": 1.0}, {"x": float(r)}]}])
        out.append(pa.array(vals, t))
    return out


def measure(impl: str, chunks: int, rows: int, repeat: int) -> dict:
    if impl == "rerun":
        from rerun.experimental import Selector
    else:
        from chunkhouse.experimental import Selector
    data = columns(chunks, rows)
    result = {}
    for q in SELECTORS:
        sel = Selector(q)
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            for col in data:
                sel.execute_per_row(col)
            best = min(best, time.perf_counter() - t0)
        result[q] = best
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--inner", choices=["rerun", "chunkhouse"])
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "selector.json")
    args = ap.parse_args()
    if args.inner:
        print(json.dumps(measure(args.inner, args.chunks, args.rows, args.repeat)))
        return
    common = ["--chunks", str(args.chunks), "--rows", str(args.rows), "--repeat", str(args.repeat)]
    runs = {}
    for impl, py in (("chunkhouse", sys.executable), ("rerun", str(REPO / ".venv-rerun" / "bin" / "python"))):
        env = {"PYTHONPATH": str(REPO / "build" / "python")} if impl == "chunkhouse" else {}
        out = subprocess.run([py, __file__, "--inner", impl, *common], capture_output=True, text=True, check=True,
                             env={**__import__("os").environ, **env})
        runs[impl] = json.loads(out.stdout)
    report = {q: {"chunkhouse_s": runs["chunkhouse"][q], "rerun_s": runs["rerun"][q],
                  "speedup": runs["rerun"][q] / runs["chunkhouse"][q]} for q in SELECTORS}
    report["_workload"] = f"{args.chunks} chunks x {args.rows} rows, execute_per_row, best of {args.repeat}"
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for q in SELECTORS:
        r = report[q]
        print(f"{q:24s} chunkhouse {r['chunkhouse_s'] * 1e3:7.1f} ms  rerun {r['rerun_s'] * 1e3:7.1f} ms  x{r['speedup']:.1f}")


if __name__ == "__main__":
    main()
