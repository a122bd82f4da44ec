"""Soak run of chunkhouse server (not a test; minutes long): C client processes (default 16)
for D seconds (default 600) against a server whose descriptor limit is 256 and which serves N
registered recordings (default 1,000). Each client mixes queries over the big dataset,
registrations of good and of bad files into datasets of its own, deletes of those datasets, and
streams cancelled half-way (a child process killed in the middle of a large query).

Reports the unexpected errors (any error but the expected failure of a bad file), the count of
each operation, and the server's resident memory and open descriptors sampled every few seconds:
both must stay flat.

    .venv/bin/python bench/soak_server.py [--seconds 600] [--clients 16] [--recordings 1000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / "build" / "chunkhouse"
sys.path.insert(0, str(REPO / "build" / "python"))


def proc_status(pid: int) -> dict:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            out[key] = int(value.split()[0])
    out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return out


def big_query(address: str, segments: list[str], started) -> None:
    """Run in a child that is killed part-way: a FetchChunks stream cancelled."""
    import chunkhouse as ch

    view = ch.catalog.CatalogClient(address).get_dataset("recs").filter_segments(segments)
    started.set()
    view.reader(index="frame", fill_latest_at=True).to_arrow_table()


def worker(index: int, address: str, seconds: float, scratch: str, segments: list[str], queue) -> None:
    import chunkhouse as ch

    rng = random.Random(index)
    client = ch.catalog.CatalogClient(address)
    recs = client.get_dataset("recs")
    counts: dict[str, int] = {}
    unexpected: list[str] = []
    good = Path(scratch) / f"good_{index}"
    bad = Path(scratch) / f"bad_{index}.rrd"
    subprocess.run([str(BIN), "sample", str(good), "--frames", "20", "--recordings", "3",
                    "--recording-id", f"w{index}"], check=True, capture_output=True)
    header = (good / f"w{index}_0000.rrd").read_bytes()[:12]  # a valid stream header, then junk
    bad.write_bytes(header + b"this is not a recording" * 10)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        op = rng.choice(["query", "query", "query", "fill", "register", "register_bad", "delete", "cancel"])
        try:
            if op == "query":
                chosen = rng.sample(segments, 5)
                rows = recs.filter_segments(chosen).reader(index="frame").to_arrow_table().num_rows
                if rows != 5 * 10:
                    unexpected.append(f"query: {rows} rows, expected {5 * 10}")
            elif op == "fill":
                t = recs.filter_segments(rng.sample(segments, 20)).reader(index="frame", fill_latest_at=True)
                t.to_arrow_table()
            elif op == "register":
                ds = client.create_dataset(f"w{index}_{n}")
                ds.register(good.as_uri()).wait()
                if sorted(ds.segment_ids()) != [f"w{index}_{i:04d}" for i in range(3)]:
                    unexpected.append(f"register: segments {ds.segment_ids()}")
                ds.delete()
            elif op == "register_bad":
                ds = client.create_dataset(f"w{index}_{n}")
                try:
                    ds.register(bad.as_uri()).wait()
                    unexpected.append("register_bad: a bad file registered")
                except ValueError as e:
                    if "no recording" not in str(e):
                        unexpected.append(f"register_bad: {e}")
                ds.delete()
            elif op == "delete":  # deleted while it registers: the registration succeeds or is NOT_FOUND
                ds = client.create_dataset(f"w{index}_{n}")
                raced: list[BaseException] = []

                def register(ds=ds, raced=raced):
                    try:
                        ds.register(good.as_uri()).wait()
                    except ch.errors.NotFoundError:
                        pass
                    except BaseException as e:  # noqa: BLE001
                        raced.append(e)

                t = threading.Thread(target=register)
                t.start()
                time.sleep(rng.uniform(0, 0.005))
                ds.delete()
                t.join()
                if raced:
                    unexpected.append(f"delete: the racing registration raised {type(raced[0]).__name__}: {raced[0]}")
            elif op == "cancel":
                spawn = mp.get_context("spawn")
                started = spawn.Event()
                child = spawn.Process(target=big_query, args=(address, rng.sample(segments, 200), started))
                child.start()
                started.wait(30)
                time.sleep(rng.uniform(0, 0.03))  # within the query: its chunks are streaming
                child.kill()
                child.join()
            counts[op] = counts.get(op, 0) + 1
        except Exception as e:  # noqa: BLE001
            unexpected.append(f"{op}: {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
    queue.put((index, counts, unexpected))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--recordings", type=int, default=1000)
    ap.add_argument("--nofile", type=int, default=256)
    ap.add_argument("--sample-every", type=float, default=10)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "soak.json")
    args = ap.parse_args()

    data = REPO / "bench" / "data" / f"soak_{args.recordings}"
    if not data.exists():
        subprocess.run([str(BIN), "sample", str(data), "--frames", "10", "--recordings", str(args.recordings),
                        "--recording-id", "rec"], check=True)
    scratch = tempfile.mkdtemp(prefix="chunkhouse_soak_")

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (args.nofile, args.nofile))

    log = open(Path(scratch) / "server.log", "w")
    server = subprocess.Popen([str(BIN), "server", "--port", "0", "-d", f"recs={data}", "--allow-dir", scratch],
                              stdout=subprocess.PIPE, stderr=log, text=True, preexec_fn=limit)
    address = re.search(r"rerun\+http://\S+", server.stdout.readline()).group(0)
    import chunkhouse as ch

    segments = sorted(ch.catalog.CatalogClient(address).get_dataset("recs").segment_ids())
    assert len(segments) == args.recordings, len(segments)
    samples = [{"t": 0.0, **proc_status(server.pid)}]
    print(f"server {address}, {len(segments)} segments, descriptor limit {args.nofile}: {samples[0]}", flush=True)
    queue = mp.get_context("spawn").Queue()
    workers = [mp.get_context("spawn").Process(target=worker, args=(i, address, args.seconds, scratch, segments, queue))
               for i in range(args.clients)]
    start = time.monotonic()
    for w in workers:
        w.start()
    while any(w.is_alive() for w in workers):
        time.sleep(args.sample_every)
        if server.poll() is not None:
            raise SystemExit(f"the server died (exit {server.returncode}); its log is {log.name}")
        samples.append({"t": round(time.monotonic() - start, 1), **proc_status(server.pid)})
        print(samples[-1], flush=True)
    results = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    counts: dict[str, int] = {}
    unexpected = []
    for _, c, u in results:
        for k, v in c.items():
            counts[k] = counts.get(k, 0) + v
        unexpected += u
    server.terminate()
    exit_code = server.wait(timeout=30)
    rss = [s["VmRSS"] for s in samples[1:]] or [samples[0]["VmRSS"]]
    fds = [s["fds"] for s in samples[1:]] or [samples[0]["fds"]]
    report = {
        "seconds": args.seconds, "clients": args.clients, "recordings": args.recordings, "nofile": args.nofile,
        "operations": counts, "unexpected_errors": len(unexpected), "unexpected": unexpected[:20],
        "server_exit_code": exit_code, "samples": samples,
        "rss_mb": {"first": rss[0] / 1024, "max": max(rss) / 1024, "last": rss[-1] / 1024},
        "fds": {"first": fds[0], "max": max(fds), "last": fds[-1]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=2))


if __name__ == "__main__":
    main()
