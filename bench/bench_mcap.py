"""MCAP import: chunkhouse's McapReader against rerun-sdk's on the same ROS 2 recording, in one run.

The recording: 110,100 ROS 2 messages written with `mcap` + `mcap-ros2-support` (zstd chunks of
1 MiB): sensor_msgs/Imu at 1 kHz and sensor_msgs/JointState (7 joints) at 100 Hz for 100 s, and
std_msgs/String at 1 Hz. Each side in its own process:
    * default decoders -> `stream().to_chunks()` (ros2msg for Imu/JointState, reflection + the
      String lens),
    * `decoders=["ros2_reflection"]` -> `to_chunks()`,
    * MCAP -> RRD: `stream().write_rrd(...)`,
best of --repeat, with each process's peak RSS. Writes bench/results/mcap.json.

    .venv/bin/python bench/bench_mcap.py [--seconds 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEP = "=" * 80 + "\n"
HEADER = SEP + "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id\n" + SEP + \
    "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n"
DEFS = {
    "std_msgs/msg/String": "string data\n",
    "sensor_msgs/msg/Imu": "std_msgs/Header header\ngeometry_msgs/Quaternion orientation\n"
    "float64[9] orientation_covariance\ngeometry_msgs/Vector3 angular_velocity\nfloat64[9] angular_velocity_covariance\n"
    "geometry_msgs/Vector3 linear_acceleration\nfloat64[9] linear_acceleration_covariance\n" + HEADER + SEP +
    "MSG: geometry_msgs/Quaternion\nfloat64 x\nfloat64 y\nfloat64 z\nfloat64 w\n" + SEP +
    "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z\n",
    "sensor_msgs/msg/JointState": "std_msgs/Header header\nstring[] name\nfloat64[] position\nfloat64[] velocity\n"
    "float64[] effort\n" + HEADER,
}
T0 = 1_700_000_000_000_000_000


def write_input(path: str, seconds: int) -> int:
    from mcap.writer import CompressionType, Writer
    from mcap_ros2._dynamic import serialize_dynamic

    n = 0
    with open(path, "wb") as f:
        w = Writer(f, compression=CompressionType.ZSTD)
        w.start(profile="ros2", library="bench")
        ch, enc = {}, {}
        for topic, typ in (("/imu", "sensor_msgs/msg/Imu"), ("/joint_states", "sensor_msgs/msg/JointState"),
                           ("/chatter", "std_msgs/msg/String")):
            ch[topic] = w.register_channel(topic, "cdr", w.register_schema(typ, "ros2msg", DEFS[typ].encode()))
            enc[topic] = serialize_dynamic(typ, DEFS[typ])[typ]
        names = [f"joint_{j}" for j in range(7)]
        for ms in range(seconds * 1000):
            t = T0 + ms * 1_000_000
            stamp = {"sec": t // 1_000_000_000, "nanosec": t % 1_000_000_000}
            s = ms / 1000.0
            v3 = lambda a: {"x": math.sin(s + a), "y": math.cos(s + a), "z": 9.81 + a}  # noqa: E731
            w.add_message(ch["/imu"], log_time=t, publish_time=t, data=enc["/imu"]({
                "header": {"stamp": stamp, "frame_id": "imu_link"},
                "orientation": {"x": 0.0, "y": 0.0, "z": math.sin(s / 2), "w": math.cos(s / 2)},
                "orientation_covariance": [0.0] * 9, "angular_velocity": v3(0.1),
                "angular_velocity_covariance": [0.0] * 9, "linear_acceleration": v3(0.2),
                "linear_acceleration_covariance": [0.0] * 9}))
            n += 1
            if ms % 10 == 0:
                w.add_message(ch["/joint_states"], log_time=t, publish_time=t, data=enc["/joint_states"]({
                    "header": {"stamp": stamp, "frame_id": "base"}, "name": names,
                    "position": [math.sin(s + j) for j in range(7)], "velocity": [math.cos(s + j) for j in range(7)],
                    "effort": [0.1 * j for j in range(7)]}))
                n += 1
            if ms % 1000 == 0:
                w.add_message(ch["/chatter"], log_time=t, publish_time=t, data=enc["/chatter"]({"data": f"tick {ms}"}))
                n += 1
        w.finish()
    return n


def measure(impl: str, path: str, repeat: int, tmp: str) -> dict:
    rx = __import__("rerun.experimental" if impl == "rerun" else "chunkhouse.experimental", fromlist=["x"])
    out_rrd = str(Path(tmp) / f"{impl}.rrd")
    runs = {
        "default_to_chunks": lambda: rx.McapReader(path).stream().to_chunks(),
        "reflection_to_chunks": lambda: rx.McapReader(path, decoders=["ros2_reflection"]).stream().to_chunks(),
        "mcap_to_rrd": lambda: rx.McapReader(path).stream().write_rrd(out_rrd, application_id="bench",
                                                                      recording_id="bench"),
    }
    result = {}
    for name, run in runs.items():
        run()  # warm: the file in the page cache, libraries loaded
        best, n = float("inf"), 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            chunks = run()
            best = min(best, time.perf_counter() - t0)
            n = len(chunks) if chunks is not None else os.path.getsize(out_rrd)
            del chunks
        result[name] = {"seconds": best, "chunks_or_bytes": n}
    result["rows"] = sum(c.num_rows for c in rx.McapReader(path).stream().to_chunks())
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--inner", choices=["rerun", "chunkhouse"])
    ap.add_argument("--path")
    ap.add_argument("--tmp")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "mcap.json")
    args = ap.parse_args()
    if args.inner:
        print(json.dumps(measure(args.inner, args.path, args.repeat, args.tmp)))
        return
    rerun_py = str(REPO / ".venv-rerun" / "bin" / "python")
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.mcap")
        messages = write_input(path, args.seconds)
        size = os.path.getsize(path)
        print(f"{messages} messages, {size / 1e6:.1f} MB")
        runs = {}
        for impl, py in (("chunkhouse", sys.executable), ("rerun", rerun_py)):
            env = dict(os.environ, PYTHONPATH=str(REPO / "build" / "python")) if impl == "chunkhouse" else None
            out = subprocess.run([py, __file__, "--inner", impl, "--path", path, "--tmp", tmp, "--repeat",
                                  str(args.repeat)], capture_output=True, text=True, check=True, env=env)
            runs[impl] = json.loads(out.stdout.strip().splitlines()[-1])
    report = {"_workload": f"{messages} ROS 2 messages ({size / 1e6:.1f} MB zstd MCAP), best of {args.repeat}"}
    assert runs["chunkhouse"]["rows"] == runs["rerun"]["rows"], runs
    for name in ("default_to_chunks", "reflection_to_chunks", "mcap_to_rrd"):
        ours, theirs = runs["chunkhouse"][name], runs["rerun"][name]
        report[name] = {"chunkhouse_s": ours["seconds"], "rerun_s": theirs["seconds"],
                        "speedup": theirs["seconds"] / ours["seconds"], "chunkhouse_n": ours["chunks_or_bytes"],
                        "rerun_n": theirs["chunks_or_bytes"]}
        print(f"{name:22s} chunkhouse {ours['seconds'] * 1e3:7.1f} ms  rerun {theirs['seconds'] * 1e3:7.1f} ms  "
              f"x{theirs['seconds'] / ours['seconds']:.1f}")
    for impl in ("chunkhouse", "rerun"):
        report[f"{impl}_peak_rss_mb"] = runs[impl]["peak_rss_mb"]
        print(f"{impl:10s} peak RSS {runs[impl]['peak_rss_mb']:.0f} MB")
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
