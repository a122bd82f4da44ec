"""Load test of chunkhouse server on loopback: C concurrent clients (default 16), each running Q
mixed queries (default 200) against a dataset of N recordings (default 100). Reports errors,
p50/p99 latency and the server's resident memory after warm-up and at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "build" / "python"))

import chunkhouse as ch  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--recordings", type=int, default=100)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "load.json")
    args = ap.parse_args()

    data = REPO / "bench" / "data" / f"load_{args.recordings}"
    data.mkdir(parents=True, exist_ok=True)
    for i in range(args.recordings):
        f = data / f"rec_{i:04d}.rrd"
        if not f.exists():
            subprocess.run([str(REPO / "build" / "chunkhouse"), "sample", str(f), "--frames", "100",
                            "--recording-id", f"rec_{i:04d}"], check=True, capture_output=True)
    proc = subprocess.Popen([str(REPO / "build" / "chunkhouse"), "server", "--port", "0", "-d", f"load={data}"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    address = re.search(r"rerun\+http://\S+", proc.stdout.readline()).group(0)
    try:
        client = ch.catalog.CatalogClient(address)
        segments = sorted(client.get_dataset("load").segment_ids())

        def one_query(ds, rng):
            kind = rng.choice(["reader", "fill", "subset", "static", "schema", "segments"])
            if kind == "reader":
                return ds.filter_segments(rng.sample(segments, 3)).reader(index="frame").to_arrow_table().num_rows
            if kind == "fill":
                return ds.filter_segments(rng.sample(segments, 5)).reader(index="frame", fill_latest_at=True).count()
            if kind == "subset":
                view = ds.filter_segments(rng.sample(segments, 10)).filter_contents(["/plot/**"])
                return view.reader(index="sim_time").to_arrow_table().num_rows
            if kind == "static":
                return ds.filter_segments(rng.sample(segments, 10)).reader(index=None).to_arrow_table().num_rows
            if kind == "schema":
                return len(ds.schema().component_columns())
            return len(ds.segment_ids())

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def worker(seed: int, n: int):
            rng = random.Random(seed)
            ds = ch.catalog.CatalogClient(address).get_dataset("load")
            for _ in range(n):
                t0 = time.perf_counter()
                try:
                    one_query(ds, rng)
                except Exception as e:  # noqa: BLE001 - counted and reported
                    with lock:
                        errors.append(f"{type(e).__name__}: {e}")
                with lock:
                    latencies.append(time.perf_counter() - t0)

        # Warm-up, then the measured run.
        threads = [threading.Thread(target=worker, args=(1000 + i, 10)) for i in range(args.clients)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        warm_rss = rss_mb(proc.pid)
        latencies.clear()
        # The server's memory over the measured run: a leak grows to the end, a high-water mark
        # of concurrent requests levels off.
        samples: list[float] = []
        done = threading.Event()

        def sample_memory():
            while not done.wait(0.1):
                samples.append(rss_mb(proc.pid))

        sampler = threading.Thread(target=sample_memory)
        sampler.start()
        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i, args.queries)) for i in range(args.clients)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        end_rss = rss_mb(proc.pid)
        half = samples[len(samples) // 2:] or [end_rss]
        lat = sorted(latencies)
        result = {
            "clients": args.clients, "queries_per_client": args.queries, "recordings": args.recordings,
            "queries": len(lat), "errors": len(errors), "first_errors": errors[:5], "wall_seconds": wall,
            "p50_ms": 1000 * lat[len(lat) // 2], "p99_ms": 1000 * lat[int(len(lat) * 0.99) - 1],
            "mean_ms": 1000 * statistics.mean(lat),
            "server_rss_mb_after_warmup": warm_rss, "server_rss_mb_at_end": end_rss,
            "server_rss_mb_by_tenth_of_the_run": [round(samples[int(i * len(samples) / 10)], 1)
                                                  for i in range(10)] if samples else [],
            "server_rss_mb_growth_over_second_half": round(end_rss - half[0], 2),
        }
        print(json.dumps(result, indent=2))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
