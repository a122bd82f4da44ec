"""Catalog server benchmarks: chunkhouse server vs Rerun's `rerun server`, same files, one run.

1. Register N recordings (default 1,000) with `register([...]).wait()`, all in one call (or
   --batch files per call); the server's resident memory afterwards.
2. `dataset.reader(index="frame", fill_latest_at=True).to_arrow_table()` across 100 segments,
   --repeat times in the same client (default 5): the first query and the median are reported.
Three runs: chunkhouse's client + server ("chunkhouse_client"), rerun-sdk's client against
chunkhouse server ("chunkhouse"), and rerun-sdk's client + server ("rerun").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
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
    import statistics
    address, files, query_segments = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
    batch, repeat = int(sys.argv[4]), int(sys.argv[5])
    client = rr.catalog.CatalogClient(address)
    ds = client.create_dataset(name="bench")
    t0 = time.perf_counter()
    for i in range(0, len(files), batch):
        ds.register(["file://" + f for f in files[i:i + batch]]).wait(timeout_secs=3600)
    register = time.perf_counter() - t0
    print(json.dumps({"phase": "registered", "seconds": register}), flush=True)
    sys.stdin.readline()  # the caller reads the server's memory now
    view = ds.filter_segments(sorted(ds.segment_ids())[:query_segments])
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        table = view.reader(index="frame", fill_latest_at=True).to_arrow_table()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"phase": "queried", "first": times[0], "median": statistics.median(times),
                      "rows": table.num_rows}), flush=True)
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


def start(cmd: list[str], pattern: str, log: Path) -> tuple[subprocess.Popen, str]:
    """Starts a server whose output goes to `log` (a pipe nobody drains would fill up and stall
    it: Rerun's server logs a line per registered file) and waits for its address."""
    # Its own session: `rerun` is a launcher, and its server must stop with it.
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        m = re.search(pattern, log.read_text())
        if m:
            return proc, m.group(1)
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit(f"server did not start: {cmd}")


def warm_page_cache(files: list[str]) -> None:
    """Reads every file once, so that no side pays for disk reads the other side then skips
    (this VM's kernel evicts cold pages on its own)."""
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 20):
                pass


def run(side: str, files: list[str], segments: int, data_dir: Path, batch: int, repeat: int) -> dict:
    client_python = [str(REF / "bin" / "python")]
    env = None
    if side == "chunkhouse_client":
        side = "chunkhouse"
        client_python = [sys.executable]
        env = dict(os.environ, PYTHONPATH=str(REPO / "build" / "python"))
    if side == "chunkhouse":
        proc, address = start([str(REPO / "build" / "chunkhouse"), "server", "--port", "0", "--allow-dir", str(data_dir)],
                              r"(rerun\+http://[0-9.]+:\d+)", data_dir.parent / "server.log")
    else:
        with socket.socket() as s:  # a free port
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc, _ = start([str(REF / "bin" / "rerun"), "server", "--port", str(port)], r"(rerun\+http://\S+)",
                        data_dir.parent / "server.log")
        address = f"rerun+http://127.0.0.1:{port}"
    try:
        client = subprocess.Popen([*client_python, "-c", CLIENT, address, json.dumps(files), str(segments), str(batch),
                                   str(repeat)],
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
        return {"register_seconds": registered["seconds"], "register_batch": batch,
                "server_rss_mb_after_register": memory, "query_first_seconds": queried["first"],
                "query_median_seconds": queried["median"], "query_rows": queried["rows"]}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--frames", type=int, default=200, help="frames per recording")
    ap.add_argument("--query-segments", type=int, default=100)
    ap.add_argument("--batch", type=int, default=0, help="files per register() call (default: all in one)")
    ap.add_argument("--repeat", type=int, default=5, help="queries per client (first and median reported)")
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
    args.batch = args.batch or args.files
    results = {"files": args.files, "frames": args.frames, "query_segments": args.query_segments,
               "batch": args.batch, "repeat": args.repeat}
    for side in ("chunkhouse_client", "chunkhouse", "rerun"):
        warm_page_cache(files)
        results[side] = run(side, files, args.query_segments, data, args.batch, args.repeat)
        print(side, results[side], flush=True)
    ours, theirs_on_ours, r = results["chunkhouse_client"], results["chunkhouse"], results["rerun"]
    if "error" not in ours and "error" not in r:
        ratios = {
            "register": r["register_seconds"] / ours["register_seconds"],
            "query_first": r["query_first_seconds"] / ours["query_first_seconds"],
            "query_median": r["query_median_seconds"] / ours["query_median_seconds"],
        }
        results["speedup_our_client_and_server"] = ratios
        print(f"our client + server vs rerun-sdk's: register {args.files} ({args.batch} per call) "
              f"{ratios['register']:.1f}x; query over {args.query_segments} segments: first "
              f"{ratios['query_first']:.1f}x, median of {args.repeat} {ratios['query_median']:.1f}x; server RSS after "
              f"registration {ours['server_rss_mb_after_register']:.0f} MB vs {r['server_rss_mb_after_register']:.0f} MB")
    if "error" not in theirs_on_ours and "error" not in r:
        ratios = {
            "register": r["register_seconds"] / theirs_on_ours["register_seconds"],
            "query_median": r["query_median_seconds"] / theirs_on_ours["query_median_seconds"],
        }
        results["speedup_rerun_client_our_server"] = ratios
        print(f"rerun-sdk's client, our server vs theirs: register {ratios['register']:.1f}x, "
              f"query median {ratios['query_median']:.1f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
