"""The fixture corpus written with rerun-sdk (runs inside the reference venv)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from ref_env import APP_ID, FIXED_START_NS, WALL_BASE_S, import_oracle, log
from rrd_frames import strip_footer

# ---------------------------------------------------------------------------
# corpus (runs inside the venv)
# ---------------------------------------------------------------------------


class Corpus:
    """Writers for the small fixture files. Each `w_<stem>` writes `<stem>.rrd`."""

    def __init__(self, rr, outdir: Path):
        import numpy as np  # noqa: PLC0415

        self.rr = rr
        self.np = np
        self.out = outdir
        self.entries: list[dict] = []

    # -- helpers ------------------------------------------------------------

    def _batcher(self):
        # Flush only at the end (or at 64 MiB): chunking does not depend on timing.
        return self.rr.ChunkBatcherConfig(
            flush_tick=3600.0, flush_num_bytes=64 << 20, flush_num_rows=1 << 20, chunk_max_rows_if_unsorted=1 << 20
        )

    def open(self, stem: str, path: Path | None = None, *, log_time: bool = False, write_footer: bool = True):
        rr = self.rr
        rec = rr.RecordingStream(APP_ID, recording_id=stem, send_properties=False, batcher_config=self._batcher())
        rec.save(str(path or self.out / f"{stem}.rrd"), write_footer=write_footer)
        rec.send_recording_start_time_nanos(FIXED_START_NS)
        rec.set_log_time_enabled(log_time)
        return rec

    @staticmethod
    def close(rec) -> None:
        rec.flush()
        rec.disconnect()

    def add(self, stem: str, description: str, **extra) -> None:
        p = self.out / f"{stem}.rrd"
        entry = {"file": p.name, "description": description, "bytes": p.stat().st_size, "footer": True, "blueprint": False}
        entry.update(extra)
        self.entries.append(entry)

    # -- files --------------------------------------------------------------

    def w_sequence_points(self):
        rr, np = self.rr, self.np
        rec = self.open("sequence_points")
        rng = np.random.default_rng(1)
        for frame in range(10):
            rec.set_time("frame", sequence=frame)
            n = 3 + frame  # varying number of instances per row
            rec.log(
                "points/a",
                rr.Points3D(
                    rng.normal(size=(n, 3)).astype(np.float32),
                    colors=rng.integers(0, 255, size=(n, 3), dtype=np.uint8),
                    radii=rng.uniform(0.01, 0.1, size=n).astype(np.float32),
                ),
            )
            if frame % 2 == 0:
                rec.log(
                    "points/b",
                    rr.Points3D([[frame, 0, 0], [0, frame, 0]], colors=[255, 0, 0], radii=0.5, labels=["x", "y"]),
                )
        self.close(rec)
        self.add(
            "sequence_points",
            "Points3D (positions, per-point colors/radii, splatted color/radius, labels) on a sequence timeline "
            "`frame` 0..9; two entities, varying instance counts per row",
            timelines=["frame"],
        )

    def w_durations_scalars(self):
        rr, np = self.rr, self.np
        from datetime import timedelta  # noqa: PLC0415

        rec = self.open("durations_scalars")
        for i in range(50):
            t = i * 0.05
            if i % 3 == 0:
                rec.set_time("sim_time", duration=t)  # float seconds
            elif i % 3 == 1:
                rec.set_time("sim_time", duration=timedelta(seconds=t))
            else:
                rec.set_time("sim_time", duration=np.timedelta64(int(round(t * 1e9)), "ns"))
            rec.log("plots/sin", rr.Scalars(float(np.sin(t))))
            rec.log("plots/pair", rr.Scalars([float(np.cos(t)), float(t)]))
        self.close(rec)
        self.add(
            "durations_scalars",
            "Scalars (single and two-valued) on a duration timeline `sim_time` set from float seconds, "
            "timedelta and np.timedelta64; 50 rows per entity",
            timelines=["sim_time"],
        )

    def w_timestamps_textlog(self):
        rr, np = self.rr, self.np
        from datetime import datetime, timezone  # noqa: PLC0415

        rec = self.open("timestamps_textlog")
        levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"]
        for i in range(12):
            ts = WALL_BASE_S + i * 1.5
            if i % 3 == 0:
                rec.set_time("wall", timestamp=ts)  # float seconds since epoch
            elif i % 3 == 1:
                rec.set_time("wall", timestamp=np.datetime64(int(ts * 1e9), "ns"))
            else:
                rec.set_time("wall", timestamp=datetime.fromtimestamp(ts, tz=timezone.utc))
            rec.log("logs", rr.TextLog(f"message {i}: héllo wörld ✓", level=levels[i % len(levels)]))
        rec.log("logs/colored", rr.TextLog("colored", level="INFO", color=[0, 128, 255]))
        self.close(rec)
        self.add(
            "timestamps_textlog",
            "TextLog (utf-8 text, levels, one with a color) on a timestamp timeline `wall` set from float seconds, "
            "np.datetime64 and datetime",
            timelines=["wall"],
        )

    def w_multi_timeline(self):
        rr, np = self.rr, self.np
        rec = self.open("multi_timeline", log_time=True)
        for i in range(20):
            rec.set_time("frame", sequence=i)
            rec.set_time("sim_time", duration=i / 30.0)
            rec.set_time("wall", timestamp=WALL_BASE_S + i / 30.0)
            rec.log("robot/position", rr.Points3D([[np.cos(i / 5), np.sin(i / 5), i / 20]], radii=0.05))
            rec.log("robot/speed", rr.Scalars(float(i) * 0.5))
        self.close(rec)
        self.add(
            "multi_timeline",
            "chunks with several timelines at once: sequence `frame`, duration `sim_time`, timestamp `wall`, "
            "plus the SDK's automatic `log_time` (non-deterministic values)",
            timelines=["frame", "log_time", "sim_time", "wall"],
        )

    def w_out_of_order(self):
        rr = self.rr
        rec = self.open("out_of_order")
        frames = [5, 3, 9, 1, 7, 7, 0, 8, 2, 6, 4]
        for k, f in enumerate(frames):
            rec.set_time("frame", sequence=f)  # goes backwards: unsorted
            rec.set_time("step", sequence=k)  # monotonic: sorted
            rec.log("ooo/scalar", rr.Scalars(float(f)))
            rec.log("ooo/points", rr.Points3D([[f, k, 0]]))
        self.close(rec)
        self.add(
            "out_of_order",
            "time values going backwards (and a duplicate) on `frame` so chunks are unsorted on it, while `step` "
            "is sorted; Scalars and Points3D",
            timelines=["frame", "step"],
        )

    def w_images_tensors(self):
        rr, np = self.rr, self.np
        rec = self.open("images_tensors")
        rng = np.random.default_rng(2)
        h, w = 48, 64
        yy, xx = np.mgrid[0:h, 0:w]
        for frame in range(8):
            rec.set_time("frame", sequence=frame)
            rgb = np.stack([(xx * 4 + frame * 8) % 256, (yy * 5) % 256, rng.integers(0, 256, size=(h, w))], axis=-1)
            rec.log("camera/rgb", rr.Image(rgb.astype(np.uint8)))
            if frame % 4 == 0:
                gray = ((xx + yy + frame) * 300 % 65536).astype(np.uint16)
                rec.log("camera/gray16", rr.Image(gray, color_model="L"))
            rec.log("tensor/u8", rr.Tensor(rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)))
            rec.log(
                "tensor/f32",
                rr.Tensor(rng.normal(size=(3, 4)).astype(np.float32), dim_names=["rows", "cols"]),
            )
        rec.log("tensor/i16_static", rr.Tensor(np.arange(-6, 6, dtype=np.int16).reshape(2, 6)), static=True)
        rec.log("tensor/f64_static", rr.Tensor(np.linspace(0, 1, 8).reshape(2, 2, 2)), static=True)
        self.close(rec)
        self.add(
            "images_tensors",
            "Image 64x48 RGB uint8 (8 frames) and 64x48 L uint16 (blob buffers + formats); Tensor with union-typed "
            "buffers: uint8 4x5x3, float32 3x4 with dim names, static int16 and float64 tensors",
            timelines=["frame"],
        )

    def w_transforms_clears(self):
        rr = self.rr
        rec = self.open("transforms_clears")
        for frame in range(6):
            rec.set_time("frame", sequence=frame)
            rec.log(
                "world",
                rr.Transform3D(translation=[frame, 0, 0], rotation=rr.Quaternion(xyzw=[0, 0, 0, 1]), scale=2.0),
            )
            rec.log(
                "world/a",
                rr.Transform3D(rotation_axis_angle=rr.RotationAxisAngle(axis=[0, 0, 1], degrees=frame * 15)),
            )
            rec.log("world/a/points", rr.Points3D([[0, 0, frame], [1, 1, frame]]))
            rec.log("world/b", rr.Points3D([[frame, frame, frame]]))
        rec.set_time("frame", sequence=6)
        rec.log("world/a/points", rr.Clear(recursive=False))
        rec.set_time("frame", sequence=7)
        rec.log("world", rr.Clear(recursive=True))
        rec.log("world/static_clear", rr.Clear(recursive=False), static=True)
        self.close(rec)
        self.add(
            "transforms_clears",
            "Transform3D (translation+quaternion+scale, axis-angle) over a hierarchy; Clear(recursive=False) on a "
            "leaf at frame 6, Clear(recursive=True) on /world at frame 7, and a static Clear",
            timelines=["frame"],
        )

    def w_static_only(self):
        rr = self.rr
        rec = self.open("static_only")
        rec.send_recording_name("static only")
        rec.send_property("info", rr.AnyValues(owner="chunkhouse", version=3))
        rec.log("config/text", rr.TextLog("static text", level="INFO"), static=True)
        rec.log("config/points", rr.Points3D([[1, 2, 3], [4, 5, 6]], colors=[0, 255, 0]), static=True)
        rec.log("config/points", rr.Points3D([[7, 8, 9]]), static=True)  # overwrites: last static wins
        rec.log("config/scalar", rr.Scalars(42.0), static=True)
        self.close(rec)
        self.add(
            "static_only",
            "only static data and recording properties (name, custom property with AnyValues); a static entity "
            "logged twice (last write wins); no temporal data at all",
            timelines=[],
        )

    def w_properties_only(self):
        rec = self.open("properties_only")
        self.close(rec)
        self.add(
            "properties_only",
            "empty recording: only the store info and the recording start-time property, nothing logged",
            timelines=[],
        )

    def w_columns(self):
        rr, np = self.rr, self.np
        rec = self.open("columns")
        n = 1000
        steps = np.arange(n)
        rec.send_columns(
            "columns/scalars",
            indexes=[rr.TimeColumn("step", sequence=steps), rr.TimeColumn("time", duration=steps * 0.01)],
            columns=rr.Scalars.columns(scalars=np.sin(steps / 50.0)),
        )
        m = 100
        lengths = (np.arange(m) % 7) + 1
        positions = np.random.default_rng(3).normal(size=(int(lengths.sum()), 3)).astype(np.float32)
        rec.send_columns(
            "columns/points",
            indexes=[rr.TimeColumn("step", sequence=np.arange(m) * 10)],
            columns=[
                *rr.Points3D.columns(positions=positions).partition(lengths),
                *rr.Points3D.columns(radii=np.full(m, 0.05, dtype=np.float32)),
            ],
        )
        rec.send_columns(
            "columns/wall",
            indexes=[rr.TimeColumn("wall", timestamp=WALL_BASE_S + np.arange(200) * 0.5)],
            columns=rr.Scalars.columns(scalars=np.arange(200, dtype=np.float64)),
        )
        self.close(rec)
        self.add(
            "columns",
            "rr.send_columns: 1000-row Scalars chunk on `step` (sequence) + `time` (duration); 100-row Points3D "
            "chunk with partitioned positions (1..7 per row) + radii; 200-row Scalars on timestamp `wall`",
            timelines=["step", "time", "wall"],
        )

    def w_recording_and_blueprint(self):
        rr = self.rr
        import rerun.blueprint as rrb  # noqa: PLC0415

        rec = self.open("recording_and_blueprint")
        rec.send_blueprint(rrb.Blueprint(rrb.Spatial3DView(origin="/")))
        for frame in range(3):
            rec.set_time("frame", sequence=frame)
            rec.log("scene/points", rr.Points3D([[frame, 0, 0], [0, frame, 0]]))
        self.close(rec)
        self.add(
            "recording_and_blueprint",
            "a recording store plus a blueprint store (rec.send_blueprint(Blueprint(Spatial3DView(origin='/')))) in "
            "one file; the blueprint's recording id is random, its chunks carry `blueprint` and `log_time` timelines",
            timelines=["frame"],
            blueprint=True,
        )

    def w_no_footer(self):
        rr = self.rr
        tmp = self.out / "no_footer.with_footer.tmp.rrd"
        rec = self.open("no_footer", path=tmp)
        for frame in range(5):
            rec.set_time("frame", sequence=frame)
            rec.log("nf/points", rr.Points3D([[frame, 1, 2]]))
            rec.log("nf/scalar", rr.Scalars(frame * 1.0))
        rec.log("nf/static", rr.TextLog("static"), static=True)
        self.close(rec)
        strip_footer(tmp, self.out / "no_footer.rrd")
        tmp.unlink()
        self.add(
            "no_footer",
            "a normal file truncated right before the End frame: no End message, no RrdFooter/manifest, no trailer "
            "(footer-less / legacy layout); Points3D, Scalars and a static TextLog",
            timelines=["frame"],
            footer=False,
        )

    def w_no_footer_sdk(self):
        rr = self.rr
        rec = self.open("no_footer_sdk", write_footer=False)
        for frame in range(5):
            rec.set_time("frame", sequence=frame)
            rec.log("nf/scalar", rr.Scalars(frame * 2.0))
        self.close(rec)
        self.add(
            "no_footer_sdk",
            "written by the SDK itself with save(write_footer=False): same layout as no_footer.rrd (no End message)",
            timelines=["frame"],
            footer=False,
        )

    def w_query_edge_cases(self):
        rr = self.rr
        rec = self.open("query_edge_cases", log_time=False)
        # Ties: three logs of one component at the same index (the last one wins).
        rec.set_time("t", sequence=5)
        for v in (1.0, 2.0, 3.0):
            rec.log("tie", rr.Scalars(v))
        # Static over temporal on the same entity/component.
        rec.log("static_over", rr.Scalars(42.0), static=True)
        rec.log("static_text", rr.TextLog("static words"), static=True)
        for t in range(10):
            rec.set_time("t", sequence=t)
            rec.set_time("sim_time", duration=t * 0.5)
            rec.log("static_over", rr.Scalars(float(t)))
            rec.log("a", rr.Scalars(float(t) * 10))
            if t % 2 == 0:
                # colors only on some rows; an explicit empty list of radii at t=4
                colors = [[255, 0, 0]] if t % 4 == 0 else None
                radii = [] if t == 4 else None
                rec.log("points", rr.Points3D([[t, 0, 0], [0, t, 0]], colors=colors, radii=radii))
        # A hierarchy with clears: recursive on /world at 6, flat on /world/child at 8 with data
        # logged after it at the same index (the data wins), flat clear on /world at 3.
        for t in range(0, 10):
            rec.set_time("t", sequence=t)
            rec.set_time("sim_time", duration=t * 0.5)
            rec.log("world", rr.Transform3D(translation=[t, 0, 0]))
            if t == 8:
                rec.log("world/child", rr.Clear(recursive=False))
            rec.log("world/child", rr.Points3D([[t, t, t]]))
        rec.set_time("t", sequence=6)
        rec.log("world", rr.Clear(recursive=True))
        rec.set_time("t", sequence=3)
        rec.log("world", rr.Clear(recursive=False))
        # Late data only (fill across a range start), negative times, a second chunk of /a.
        for t in (20, 22, 25):
            rec.set_time("t", sequence=t)
            rec.log("late", rr.TextLog(f"late {t}"))
        rec.set_time("t", sequence=-5)
        rec.log("neg", rr.Scalars(-5.0))
        rec.flush()
        for t in range(10, 15):
            rec.set_time("t", sequence=t)
            rec.log("a", rr.Scalars(float(t) * 10))
        # Data on another timeline only (invisible on "t").
        rec.disable_timeline("t")
        rec.set_time("other", sequence=1)
        rec.log("other_only", rr.Scalars(7.0))
        self.close(rec)
        self.add(
            "query_edge_cases",
            "dataframe edge cases: ties at one index, static over temporal, empty lists, clears (flat, recursive, "
            "clear vs data at one index), late data, negative index, one entity over two chunks, another timeline",
            timelines=["t", "sim_time", "other"],
        )

    def write_all(self) -> None:
        for name in sorted(n for n in dir(self) if n.startswith("w_")):
            t0 = time.perf_counter()
            getattr(self, name)()
            e = self.entries[-1]
            log(f"wrote {e['file']:<30} {e['bytes']:>9} bytes  ({time.perf_counter() - t0:.2f}s)")


def write_large(rr, outdir: Path, target_mb: float) -> dict:
    """Write large.rrd with at least `target_mb` MiB of uncompressed Arrow payload."""
    import numpy as np  # noqa: PLC0415

    path = outdir / "large.rrd"
    target = int(target_mb * (1 << 20))
    rec = rr.RecordingStream(APP_ID, recording_id="large", send_properties=False)
    rec.save(str(path))
    rec.send_recording_start_time_nanos(FIXED_START_NS)
    rec.set_log_time_enabled(False)

    rng = np.random.default_rng(0)
    h, w = 480, 640
    yy, xx = np.mgrid[0:h, 0:w]
    gradient = ((xx // 4 + yy // 4) % 256).astype(np.uint8)  # very compressible
    tensor_base = np.sin(np.linspace(0, 20, 128 * 256, dtype=np.float32)).reshape(128, 256)
    n_points = 5000

    payload = 0
    frame = 0
    t0 = time.perf_counter()
    next_report = 0.0
    while payload < target:
        rec.set_time("frame", sequence=frame)
        rec.set_time("sim_time", duration=frame / 30.0)
        rec.set_time("wall", timestamp=WALL_BASE_S + frame / 30.0)

        rgb = np.frombuffer(rng.bytes(h * w * 3), dtype=np.uint8).reshape(h, w, 3)  # incompressible
        rec.log("camera/rgb", rr.Image(rgb))
        payload += rgb.nbytes

        mask = np.roll(gradient, frame, axis=1)  # compressible
        rec.log("camera/mask", rr.Image(mask, color_model="L"))
        payload += mask.nbytes

        tens = tensor_base * np.float32(1 + frame % 10)  # partly compressible floats
        rec.log("features", rr.Tensor(tens, dim_names=["channel", "x"]))
        payload += tens.nbytes

        pos = rng.normal(size=(n_points, 3)).astype(np.float32)
        cols = np.full((n_points, 4), [frame % 256, 128, 255 - frame % 256, 255], dtype=np.uint8)
        rec.log("cloud", rr.Points3D(pos, colors=cols, radii=0.01))
        payload += pos.nbytes + cols.nbytes + 4

        for k in range(4):
            rec.log(f"metrics/m{k}", rr.Scalars(float(np.sin(frame / (k + 3)))))
        payload += 4 * 8
        if frame % 50 == 0:
            rec.log("log", rr.TextLog(f"frame {frame}", level="INFO"))

        frame += 1
        frac = payload / target
        if frac >= next_report:
            log(f"large.rrd: {payload / (1 << 20):8.1f} / {target_mb:.0f} MiB payload, frame {frame}, "
                f"{time.perf_counter() - t0:6.1f}s")
            next_report += 0.1
    log("large.rrd: flushing ...")
    rec.flush()
    rec.disconnect()
    dt = time.perf_counter() - t0
    size = path.stat().st_size
    log(f"large.rrd: {frame} frames, {payload / (1 << 20):.1f} MiB payload, {size / (1 << 20):.1f} MiB on disk, {dt:.1f}s")
    return {
        "file": path.name,
        "description": f"large mixed recording: {frame} frames of 640x480 RGB random-noise Image, 640x480 L gradient "
        f"Image, 128x256 float32 Tensor, {n_points}-point Points3D with colors, 4 Scalars, occasional TextLog; "
        "timelines frame/sim_time/wall; default batcher (many chunks)",
        "bytes": size,
        "footer": True,
        "blueprint": False,
        "payload_bytes": payload,
        "frames": frame,
        "timelines": ["frame", "sim_time", "wall"],
        "seconds": round(dt, 1),
    }


def cmd_corpus(args: argparse.Namespace) -> int:
    rr = import_oracle()
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    corpus = Corpus(rr, out)
    corpus.write_all()
    entries = corpus.entries
    log(f"small corpus: {len(entries)} files in {time.perf_counter() - t0:.2f}s")
    if args.large:
        entries.append(write_large(rr, out, args.large_mb))
    manifest = {
        "generator": "tools/reference/harness.py corpus",
        "rerun_sdk_version": rr.__version__,
        "application_id": APP_ID,
        "recording_id": "file stem (blueprint stores get a random id)",
        "recording_start_time_ns": FIXED_START_NS,
        "files": entries,
    }
    (out / "corpus.json").write_text(json.dumps(manifest, indent=2) + "\n")
    log(f"wrote {out / 'corpus.json'}")
    return 0


