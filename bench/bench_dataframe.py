"""Dataframe query benchmarks: chunkhouse vs rerun-sdk on the same files, in one run.

1. full_fill:   100 entities x 100k rows of Scalars, each entity at its own times (10M index
                values); the full view with fill_latest_at, all columns, streamed batch by batch.
2. using_fill:  the same recording sampled at 1M using_index_values, with fill.
3. range_1pct:  a 10M-row recording (1,000 chunks); a range filter keeping 1% of it.

rerun-sdk answers with its local reader (`RrdReader(path).stream().collect().reader(...)`,
streamed with `execute_stream()`); chunkhouse with `chunkhouse.dataframe`. Each side runs in
its own process with a memory cap (--mem-gb) and a time limit (--timeout); a side that hits
either is reported as such. `--rows N` stops both sides after N output rows (equal work), and
the reduced-scale rows (`*_small`) give ratios where rerun-sdk completes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "tools" / "reference" / "harness.py"
DATA = REPO / "bench" / "data"

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    import numpy as np
    side, path, workload, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    args = json.loads(sys.argv[5])
    t0 = time.perf_counter()
    rows = 0
    extra = {}
    if side == "chunkhouse":
        import chunkhouse as rr
        rec = rr.dataframe.load_recording(path)
        view = rec.view(index="t", contents="/**")
        if workload.startswith("using"):
            view = view.using_index_values(np.arange(0, args["span"], args["step"], dtype=np.int64))
        if workload.startswith("range"):
            view = view.filter_range_sequence(args["lo"], args["hi"])
        if args.get("fill"):
            view = view.fill_latest_at()
        for batch in view.select():
            rows += batch.num_rows
            if limit and rows >= limit:
                break
        extra["chunks_decoded"] = rec._store.num_loaded_chunks
        extra["chunks_total"] = rec._store.num_chunks
    else:
        import rerun.experimental as rx
        from datafusion import col, lit
        store = rx.RrdReader(path).stream().collect()
        kw = {}
        if workload.startswith("using"):
            kw["using_index_values"] = np.arange(0, args["span"], args["step"], dtype=np.int64)
        df = store.reader(index="t", fill_latest_at=bool(args.get("fill")), **kw)
        if workload.startswith("range"):
            df = df.filter(col("t") >= lit(args["lo"])).filter(col("t") <= lit(args["hi"]))
        for batch in df.execute_stream():
            rows += batch.to_pyarrow().num_rows
            if limit and rows >= limit:
                break
        extra["chunks_decoded"] = len(store)
    seconds = time.perf_counter() - t0
    print(json.dumps(dict(seconds=seconds, rows=rows, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra)))
    """
)


def ensure_data(name: str, entities: int, rows: int, chunk_rows: int) -> Path:
    path = DATA / name
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HARNESS), "bench-data", str(path), "--entities", str(entities),
                        "--rows", str(rows), "--chunk-rows", str(chunk_rows)], check=True)
    return path


def run_side(side: str, path: Path, workload: str, limit: int, args: dict, mem_gb: float, timeout: float) -> dict:
    if side == "chunkhouse":
        python = sys.executable
        env = dict(os.environ, PYTHONPATH=str(REPO / "build" / "python"))
    else:
        python = str(Path(os.environ.get("CHUNKHOUSE_REF_VENV", REPO / ".venv-rerun")) / "bin" / "python")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cap = int(mem_gb * (1 << 30))

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t0 = time.perf_counter()
    try:
        proc = subprocess.run([python, "-c", CHILD, side, str(path), workload, str(limit), json.dumps(args)],
                              capture_output=True, text=True, env=env, timeout=timeout, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        return {"status": f"did not finish within {timeout:.0f} s", "seconds": None}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1][:200]
        return {"status": f"failed after {time.perf_counter() - t0:.0f} s (memory cap {mem_gb} GB): {tail}",
                "seconds": None}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["status"] = "ok"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mem-gb", type=float, default=16.0, help="address-space cap per process (default 16)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per process (default 600)")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows both sides read in the capped runs")
    ap.add_argument("--only", nargs="*", help="run only these workloads")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "dataframe.json")
    args = ap.parse_args()

    big = ensure_data("scalars_100x100k.rrd", 100, 100_000, 100_000)
    small = ensure_data("scalars_10x100k.rrd", 10, 100_000, 100_000)
    tall = ensure_data("scalars_10m.rrd", 1, 10_000_000, 10_000)
    workloads = [
        # name, file, output-row limit for both sides, query arguments
        ("full_fill", big, 0, {"fill": True}),
        ("full_fill_first_rows", big, args.rows, {"fill": True}),
        ("full_fill_small", small, 0, {"fill": True}),
        ("using_fill", big, 0, {"fill": True, "span": 10_000_000, "step": 10}),
        ("using_fill_small", small, 0, {"fill": True, "span": 1_000_000, "step": 10}),
        ("range_1pct", tall, 0, {"lo": 5_000_000, "hi": 5_099_999}),
    ]
    results = []
    for name, path, limit, qargs in workloads:
        if args.only and name not in args.only:
            continue
        ours = run_side("chunkhouse", path, name, limit, qargs, args.mem_gb, args.timeout)
        theirs = run_side("rerun", path, name, limit, qargs, args.mem_gb, args.timeout)
        ratio = theirs["seconds"] / ours["seconds"] if ours.get("seconds") and theirs.get("seconds") else None
        row = {"workload": name, "file": path.name, "row_limit": limit, "query": qargs,
               "chunkhouse": ours, "rerun_sdk": theirs, "speedup": ratio}
        results.append(row)

        def fmt(r):
            if r["status"] != "ok":
                return r["status"]
            s = f"{r['seconds']:8.2f} s {r['peak_rss_mb']:7.0f} MB peak {r['rows']:>9} rows"
            if "chunks_total" in r:
                s += f" ({r['chunks_decoded']}/{r['chunks_total']} chunks decoded)"
            return s

        print(f"{name:<22} chunkhouse {fmt(ours)}\n{'':<22} rerun-sdk  {fmt(theirs)}"
              + (f"\n{'':<22} speedup {ratio:.1f}x" if ratio else ""), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
