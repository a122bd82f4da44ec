"""Read a large recording and decode every chunk: chunkhouse vs rerun-sdk, time and peak memory.

Also times listing the chunks of the footer-bearing file (no chunk decoded).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "tools" / "reference" / "harness.py"
LZ4_CEILING_GBPS = 4.7  # spec/landscape.md §3.2, one core, lz4 1.9.4

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    mod, path, workload, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if mod == "chunkhouse":
        import chunkhouse as rr
    else:
        import rerun as rr
    RrdReader = rr.experimental.RrdReader
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    def run():
        if workload == "to_chunks":
            chunks = RrdReader(path).stream().to_chunks()
            return sum(c.num_rows for c in chunks)
        if workload == "iterate":
            n = 0
            for c in RrdReader(path).stream():
                n += c.num_rows
            return n
        if workload == "collect":
            return len(RrdReader(path).stream().collect())
        if workload == "list_footer":
            if mod == "chunkhouse":
                return len(rr.experimental.RrdReader(path).chunk_index())
            return len(RrdReader(path).store())
        raise SystemExit("unknown workload " + workload)
    result = run()  # warm-up: page cache, lazy imports
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": min(times), "all_seconds": times, "result": result,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "import_rss_mb": base_rss / 1024}))
    """
)


def ref_python() -> str:
    venv = Path(os.environ.get("CHUNKHOUSE_REF_VENV", REPO / ".venv-rerun"))
    return str(venv / "bin" / "python")


def run_child(python: str, mod: str, path: Path, workload: str, repeat: int, env: dict) -> dict:
    proc = subprocess.run([python, "-c", CHILD, mod, str(path), workload, str(repeat)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{mod} {workload} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--file", type=Path, default=REPO / "bench" / "data" / "large.rrd")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "rrd_read.json")
    args = ap.parse_args()

    if not args.file.exists():
        print(f"generating {args.file} with the reference harness ...", flush=True)
        subprocess.run([sys.executable, str(HARNESS), "corpus", str(args.file.parent), "--large"], check=True)
    size = args.file.stat().st_size

    ours_env = dict(os.environ, PYTHONPATH=str(REPO / "build" / "python"))
    theirs_env = dict(os.environ)
    theirs_env.pop("PYTHONPATH", None)
    rows = []
    for workload, theirs_workload in [("to_chunks", "to_chunks"), ("iterate", "iterate"),
                                      ("to_chunks", "collect"), ("list_footer", "list_footer")]:
        ours = run_child(sys.executable, "chunkhouse", args.file, workload, args.repeat, ours_env)
        theirs = run_child(ref_python(), "rerun", args.file, theirs_workload, args.repeat, theirs_env)
        row = {
            "workload": workload if workload == theirs_workload else f"{workload} vs rerun {theirs_workload}",
            "chunkhouse": ours, "rerun_sdk": theirs,
            "speedup": theirs["seconds"] / ours["seconds"],
            "chunkhouse_MBps": size / ours["seconds"] / 1e6,
            "rerun_sdk_MBps": size / theirs["seconds"] / 1e6,
        }
        rows.append(row)
        print(f"{row['workload']:<28} chunkhouse {ours['seconds']*1e3:9.1f} ms  {ours['peak_rss_mb']:7.0f} MB peak"
              f" | rerun-sdk {theirs['seconds']*1e3:9.1f} ms  {theirs['peak_rss_mb']:7.0f} MB peak"
              f" | {row['speedup']:5.2f}x  ({row['chunkhouse_MBps']:.0f} MB/s of file)", flush=True)
    result = {"file": str(args.file), "file_bytes": size, "lz4_ceiling_GBps_per_core": LZ4_CEILING_GBPS,
              "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
