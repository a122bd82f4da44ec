"""Catalog server benchmarks: chunkhouse server vs Rerun's `rerun server`, same files, same
client (rerun-sdk's CatalogClient), one run.

1. Register N recordings (default 1,000) in one `register([...]).wait()`; the server's resident
   memory afterwards.
2. `dataset.reader(index="frame", fill_latest_at=True).to_arrow_table()` across 100 segments.
Three runs: chunkhouse's client + server ("chunkhouse_client"), rerun-sdk's client against
chunkhouse server ("chunkhouse"), and rerun-sdk's client + server ("rerun").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REF = Path(os.environ.get("CHUNKHOUSE_REF_VENV", REPO / ".venv-rerun"))

CLIENT = textwrap.dedent(
    """
    import json, sys, time
    import datafusion  # loaded before timing, for both clients
    try:
        import rerun as rr
    except ImportError:
        import chunkhouse as rr
    address, files, query_segments = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
    client = rr.catalog.CatalogClient(address)
    ds = client.create_dataset(name="bench")
    t0 = time.perf_counter()
    ds.register(["file://" + f for f in files]).wait(timeout_secs=3600)
    register = time.perf_counter() - t0
    print(json.dumps({"phase": "registered", "seconds": register}), flush=True)
    sys.stdin.readline()  # the caller reads the server's memory now
    view = ds.filter_segments(sorted(ds.segment_ids())[:query_segments])
    t0 = time.perf_counter()
    table = view.reader(index="frame", fill_latest_at=True).to_arrow_table()
    query = time.perf_counter() - t0
    print(json.dumps({"phase": "queried", "seconds": query, "rows": table.num_rows}), flush=True)
    """
)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (`rerun` is a launcher for the real server)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += rss_mb(int(child))
    return total


def start(cmd: list[str], pattern: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(pattern, line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise SystemExit(f"server did not start: {cmd}")


def run(side: str, files: list[str], segments: int, data_dir: Path) -> dict:
    client_python = [str(REF / "bin" / "python")]
    env = None
    if side == "chunkhouse_client":
        side = "chunkhouse"
        client_python = [sys.executable]
        env = dict(os.environ, PYTHONPATH=str(REPO / "build" / "python"))
    if side == "chunkhouse":
        proc, address = start([str(REPO / "build" / "chunkhouse"), "server", "--port", "0", "--allow-dir", str(data_dir)],
                              r"(rerun\+http://[0-9.]+:\d+)")
    else:
        port = 51300 + os.getpid() % 500
        proc, _ = start([str(REF / "bin" / "rerun"), "server", "--port", str(port)], r"(rerun\+http://\S+)")
        address = f"rerun+http://127.0.0.1:{port}"
    try:
        client = subprocess.Popen([*client_python, "-c", CLIENT, address, json.dumps(files), str(segments)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env)
        line = client.stdout.readline()
        if not line:
            client.wait()
            error = (client.stderr.read().strip().splitlines() or ["?"])[-1]
            return {"error": error}
        registered = json.loads(line)
        memory = rss_mb(proc.pid)
        client.stdin.write("\n")
        client.stdin.flush()
        queried = json.loads(client.stdout.readline())
        client.wait(timeout=600)
        return {"register_seconds": registered["seconds"], "server_rss_mb_after_register": memory,
                "query_seconds": queried["seconds"], "query_rows": queried["rows"]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--frames", type=int, default=200, help="frames per recording")
    ap.add_argument("--query-segments", type=int, default=100)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "server.json")
    args = ap.parse_args()
    data = REPO / "bench" / "data" / f"many_{args.files}x{args.frames}"
    data.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(args.files):
        f = data / f"rec_{i:05d}.rrd"
        if not f.exists():
            subprocess.run([str(REPO / "build" / "chunkhouse"), "sample", str(f), "--frames", str(args.frames),
                            "--recording-id", f"rec_{i:05d}"], check=True, capture_output=True)
        files.append(str(f))
    results = {"files": args.files, "frames": args.frames, "query_segments": args.query_segments}
    for side in ("chunkhouse_client", "chunkhouse", "rerun"):
        results[side] = run(side, files, args.query_segments, data)
        print(side, results[side], flush=True)
    c, r = results["chunkhouse"], results["rerun"]
    ours = results["chunkhouse_client"]
    if "error" not in ours and "error" not in r:
        results["query_speedup_our_client"] = r["query_seconds"] / ours["query_seconds"]
        print(f"our client + server vs rerun-sdk client + server, query over {args.query_segments} segments: "
              f"{results['query_speedup_our_client']:.1f}x")
    if "error" not in c and "error" not in r:
        results["register_speedup"] = r["register_seconds"] / c["register_seconds"]
        results["query_speedup"] = r["query_seconds"] / c["query_seconds"]
        print(f"register {args.files}: {results['register_speedup']:.1f}x, query over {args.query_segments} segments: "
              f"{results['query_speedup']:.1f}x; server RSS after registration {c['server_rss_mb_after_register']:.0f} MB "
              f"vs {r['server_rss_mb_after_register']:.0f} MB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
