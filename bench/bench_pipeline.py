"""Chunk pipelines (seed 003): chunkhouse vs rerun-sdk on the same workloads, in one run.

Workloads (each side runs the same code with `rr` = its own module):
- collect_20k / collect_20k_object_store: `LazyChunkStream.from_iter(chunks).collect(...)` over
  20,000 one-row scalar chunks already in memory (read from a file rerun-sdk wrote);
- pipeline_large: over the 400 MiB benchmark recording (bench/data/large.rrd): drop the camera
  images, a DeriveLens on the scalars, compact with OBJECT_STORE, write an .rrd;
- passthrough_large: the whole recording through a filter into a new .rrd (streaming: peak memory
  is bounded by the chunks in flight, not by the file).
Reports seconds (best of --repeat), the ratio, and peak RSS of each side's process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "tools" / "reference" / "harness.py"

CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, time
    mod, workload, path, out, repeat = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    if mod == "chunkhouse":
        import chunkhouse as rr
    else:
        import rerun as rr
    rx = rr.experimental
    prepared = {}
    if workload.startswith("collect_20k"):
        prepared["chunks"] = rx.RrdReader(path).stream().to_chunks()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    def run():
        if workload == "collect_20k":
            return len(rx.LazyChunkStream.from_iter(prepared["chunks"]).collect())
        if workload == "collect_20k_object_store":
            return len(rx.LazyChunkStream.from_iter(prepared["chunks"]).collect(optimize=rx.OptimizationProfile.OBJECT_STORE))
        if workload == "pipeline_large":
            lens = rx.DeriveLens("Scalars:scalars").to_component("Metrics:copy", ".")
            store = (rx.RrdReader(path).stream().drop(content="/camera/**")
                     .lenses(lens, output_mode="forward_all").collect(optimize=rx.OptimizationProfile.OBJECT_STORE))
            store.write_rrd(out, application_id="bench", recording_id="pipeline")
            return len(store)
        if workload == "passthrough_large":
            rx.RrdReader(path).stream().filter(is_static=False).write_rrd(out, application_id="bench", recording_id="copy")
            return os.path.getsize(out)
        raise SystemExit("unknown workload " + workload)
    result = run()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": min(times), "all_seconds": times, "result": result,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "rss_before_mb": base_rss / 1024}))
    """
)

WRITE_20K = textwrap.dedent(
    """
    import sys
    import rerun as rr
    with rr.RecordingStream("bench", recording_id="scalars_20k", send_properties=False) as rec:
        rec.save(sys.argv[1])
        for i in range(20000):
            rec.send_columns("/sensor", indexes=[rr.TimeColumn("t", sequence=[i])],
                             columns=rr.Scalars.columns(scalars=[float(i)]))
    """
)


def ref_python() -> str:
    venv = Path(os.environ.get("CHUNKHOUSE_REF_VENV", REPO / ".venv-rerun"))
    return str(venv / "bin" / "python")


def run_child(python: str, mod: str, workload: str, path: Path, out: Path, repeat: int, env: dict) -> dict:
    proc = subprocess.run([python, "-c", CHILD, mod, workload, str(path), str(out), str(repeat)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{mod} {workload} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--large", type=Path, default=REPO / "bench" / "data" / "large.rrd")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="run only these workloads")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "pipeline.json")
    args = ap.parse_args()

    data = REPO / "bench" / "data"
    scalars = data / "scalars_20k.rrd"
    if not scalars.exists():
        print(f"writing {scalars} with rerun-sdk ...", flush=True)
        subprocess.run([ref_python(), "-c", WRITE_20K, str(scalars)], check=True)
    if not args.large.exists():
        print(f"generating {args.large} with the reference harness ...", flush=True)
        subprocess.run([sys.executable, str(HARNESS), "corpus", str(args.large.parent), "--large"], check=True)

    ours_env = dict(os.environ, PYTHONPATH=str(REPO / "build" / "python"))
    theirs_env = dict(os.environ)
    theirs_env.pop("PYTHONPATH", None)
    workloads = [("collect_20k", scalars), ("collect_20k_object_store", scalars), ("pipeline_large", args.large),
                 ("passthrough_large", args.large)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for workload, path in workloads:
            if args.only and workload not in args.only:
                continue
            out = Path(tmp) / f"{workload}.rrd"
            ours = run_child(sys.executable, "chunkhouse", workload, path, out, args.repeat, ours_env)
            theirs = run_child(ref_python(), "rerun", workload, path, out, args.repeat, theirs_env)
            row = {"workload": workload, "input": str(path), "chunkhouse": ours, "rerun_sdk": theirs,
                   "speedup": theirs["seconds"] / ours["seconds"]}
            rows.append(row)
            print(f"{workload:<26} chunkhouse {ours['seconds']*1e3:9.1f} ms {ours['peak_rss_mb']:7.0f} MB peak"
                  f" (result {ours['result']}) | rerun-sdk {theirs['seconds']*1e3:9.1f} ms {theirs['peak_rss_mb']:7.0f} MB"
                  f" peak (result {theirs['result']}) | {row['speedup']:5.2f}x", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": rows}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
