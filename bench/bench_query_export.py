"""Query results into a Parquet file: `chunkhouse query ... -o out.parquet` against rerun-sdk's
reader plus `pyarrow.parquet.write_table`, on the same recordings, in one run.

Recordings (written by rerun-sdk through the harness, shared with bench_dataframe.py): 10 and
100 entities x 100k rows of Scalars, each entity at its own times. The query: the full view on
`t` with latest-at fill (1M x 10 and 10M x 100 cells). rerun-sdk:
`RrdReader(path).stream().collect().reader(index=..., fill_latest_at=True)` collected to a table,
then `pq.write_table`. Each side in its own process, under a memory cap; reports seconds, peak
RSS and the output's size. Writes bench/results/query_export.json.

    .venv/bin/python bench/bench_query_export.py [--mem-gb 16] [--timeout 600]
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
sys.path.insert(0, str(REPO / "bench"))
from bench_dataframe import ensure_data  # noqa: E402

RERUN_CHILD = """
import sys, time, warnings
import pyarrow.parquet as pq
import rerun.experimental as rx
path, out = sys.argv[1], sys.argv[2]
warnings.simplefilter("ignore")
store = rx.RrdReader(path).stream().collect()
table = store.reader(index="t", fill_latest_at=True).to_arrow_table()
pq.write_table(table, out)
print(table.num_rows)
"""


def run(cmd: list[str], env: dict, mem_gb: float, timeout: float) -> dict:
    cap = int(mem_gb * (1 << 30))

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"status": f"did not finish within {timeout:.0f} s"}
    seconds = time.perf_counter() - t0
    last = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {"rc": proc.returncode}
    if proc.returncode != 0 or last.get("rc") != 0:
        return {"status": f"failed after {seconds:.0f} s: {(proc.stderr.strip().splitlines() or ['?'])[-1][:200]}"}
    return {"status": "ok", "seconds": seconds, "peak_rss_mb": last["peak_mb"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mem-gb", type=float, default=16)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "query_export.json")
    args = ap.parse_args()
    files = {"10x100k": ensure_data("scalars_10x100k.rrd", 10, 100_000, 100_000),
             "100x100k": ensure_data("scalars_100x100k.rrd", 100, 100_000, 100_000)}
    ours_bin = str(REPO / "build" / "chunkhouse")
    rerun_py = str(REPO / ".venv-rerun" / "bin" / "python")
    report = {"_workload": "full view on t with fill_latest_at, written to Parquet"}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in files.items():
            row = {}
            for side in ("chunkhouse", "rerun"):
                out = Path(tmp) / f"{name}_{side}.parquet"
                if side == "chunkhouse":
                    cmd = [ours_bin, "query", str(path), "--index", "t", "--fill", "-o", str(out)]
                    env = dict(os.environ)
                else:
                    cmd = [rerun_py, "-c", RERUN_CHILD, str(path), str(out)]
                    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
                # Peak RSS of each side alone: measured in a fresh wrapper process per run.
                wrapper = [sys.executable, "-c",
                           "import resource, subprocess, sys, json; r = subprocess.run(sys.argv[1:]); "
                           "print(json.dumps({'rc': r.returncode, 'peak_mb': "
                           "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))", *cmd]
                res = run(wrapper, env, args.mem_gb, args.timeout)
                if res["status"] == "ok":
                    res["output_mb"] = out.stat().st_size / 1e6 if out.exists() else None
                row[side] = res
            if row["chunkhouse"].get("seconds") and row["rerun"].get("seconds"):
                row["speedup"] = row["rerun"]["seconds"] / row["chunkhouse"]["seconds"]
            report[name] = row
            print(name, json.dumps(row))
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
