#!/usr/bin/env python3
"""Reference harness for chunkhouse: the official Rerun Python SDK as an oracle.

This script runs with any python3 (only the standard library is imported at top
level).  Subcommands that need the SDK (``corpus`` and ``dump``) re-execute the
script inside an isolated virtual environment that has the pinned ``rerun-sdk``
installed (see ``requirements.txt`` next to this file, the single place where the
oracle version is pinned).

Subcommands:

  setup                      create/refresh the reference venv (idempotent)
  corpus OUTDIR [--large]    write the fixture corpus of .rrd files
  dump FILE OUTDIR           write OUTDIR/stores.json + one Arrow IPC file per chunk
  verify FILE...             run `rerun rrd verify` from the reference venv
  rerun ARGS...              pass-through to the venv's `rerun` CLI
  python ARGS...             pass-through to the venv's python

The venv lives at <repo>/.venv-rerun unless CHUNKHOUSE_REF_VENV says otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REQUIREMENTS = HERE / "requirements.txt"
VENV_ENV_VAR = "CHUNKHOUSE_REF_VENV"
INNER_ENV_VAR = "CHUNKHOUSE_REF_INNER"  # set when we re-exec ourselves inside the venv

APP_ID = "chunkhouse_corpus"
# Fixed recording start time (2023-11-14T22:13:20Z) so /__properties is deterministic.
FIXED_START_NS = 1_700_000_000_000_000_000
# Base for the wall-clock ("timestamp") timelines, in seconds since the Unix epoch.
WALL_BASE_S = 1_700_000_000.0


class HarnessError(Exception):
    """An error with a message meant for the user (printed without a traceback)."""


def log(msg: str) -> None:
    print(f"[harness] {msg}", flush=True)


# ---------------------------------------------------------------------------
# venv handling (stdlib only)
# ---------------------------------------------------------------------------


def venv_dir() -> Path:
    env = os.environ.get(VENV_ENV_VAR)
    return Path(env).expanduser() if env else REPO / ".venv-rerun"


def _venv_bin(venv: Path, name: str) -> Path:
    if os.name == "nt":
        exe = venv / "Scripts" / (name + ".exe")
        return exe
    return venv / "bin" / name


def venv_python(venv: Path | None = None) -> Path:
    return _venv_bin(venv or venv_dir(), "python")


def venv_rerun(venv: Path | None = None) -> Path:
    return _venv_bin(venv or venv_dir(), "rerun")


def pinned_requirements() -> dict[str, str]:
    """Return {normalized package name: version} for every `name==version` line."""
    if not REQUIREMENTS.is_file():
        raise HarnessError(f"requirements file not found: {REQUIREMENTS}")
    pins: dict[str, str] = {}
    for raw in REQUIREMENTS.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==\s*([A-Za-z0-9_.+\-]+)", line)
        if not m:
            raise HarnessError(f"{REQUIREMENTS}: only exact pins `name==version` are supported, got {line!r}")
        pins[_norm(m.group(1))] = m.group(2)
    if "rerun-sdk" not in pins:
        raise HarnessError(f"{REQUIREMENTS} does not pin rerun-sdk")
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions(venv: Path, names: list[str]) -> dict[str, str | None]:
    """Ask the venv's python which versions of `names` are installed (None = missing)."""
    py = venv_python(venv)
    if not py.exists():
        return {n: None for n in names}
    code = (
        "import json, sys, importlib.metadata as m\n"
        "out = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: out[n] = None\n"
        "print(json.dumps(out))\n"
    )
    try:
        res = subprocess.run([str(py), "-c", code, *names], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return {n: None for n in names}
    if res.returncode != 0:
        return {n: None for n in names}
    try:
        return json.loads(res.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {n: None for n in names}


def venv_is_ready(venv: Path) -> bool:
    pins = pinned_requirements()
    have = installed_versions(venv, list(pins))
    return all(have.get(n) == v for n, v in pins.items())


def cmd_setup(args: argparse.Namespace | None = None) -> int:
    venv = venv_dir()
    pins = pinned_requirements()
    log(f"reference venv: {venv}")
    log("pinned: " + ", ".join(f"{n}=={v}" for n, v in pins.items()))
    have = installed_versions(venv, list(pins))
    if all(have.get(n) == v for n, v in pins.items()):
        log("already set up (installed versions match the pins); nothing to do")
        return 0
    if venv_python(venv).exists():
        log("venv exists but installed versions differ: " + ", ".join(f"{n}={have.get(n)}" for n in pins))
    else:
        log(f"creating venv with {sys.executable} -m venv {venv}")
        venv.parent.mkdir(parents=True, exist_ok=True)
        res = subprocess.run([sys.executable, "-m", "venv", str(venv)])
        if res.returncode != 0 or not venv_python(venv).exists():
            raise HarnessError(
                f"`{sys.executable} -m venv {venv}` failed (exit {res.returncode}); "
                "on Debian/Ubuntu you may need `apt-get install python3-venv`"
            )
    log(f"installing -r {REQUIREMENTS} (this can take a minute)")
    cmd = [str(venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(REQUIREMENTS)]
    res = subprocess.run(cmd)
    if res.returncode != 0:
        raise HarnessError(f"pip install failed (exit {res.returncode}): {' '.join(cmd)}")
    have = installed_versions(venv, list(pins))
    bad = {n: have.get(n) for n, v in pins.items() if have.get(n) != v}
    if bad:
        raise HarnessError(f"after install the venv still has wrong versions: {bad} (wanted {pins})")
    log("setup done: " + ", ".join(f"{n}=={have[n]}" for n in pins))
    return 0


def ensure_venv() -> Path:
    venv = venv_dir()
    if not venv_is_ready(venv):
        log("reference venv missing or out of date; running setup first")
        cmd_setup()
    return venv


def _inside_venv(venv: Path) -> bool:
    try:
        return Path(sys.prefix).resolve() == venv.resolve()
    except OSError:
        return False


def reexec_in_venv(argv: list[str]) -> None:
    """Re-run this script with the venv's python unless we already are that python.

    Returns only when the current interpreter is the reference one.
    """
    if os.environ.get(INNER_ENV_VAR) == "1":
        return
    venv = ensure_venv()
    if _inside_venv(venv):
        return
    py = str(venv_python(venv))
    env = dict(os.environ)
    env[INNER_ENV_VAR] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    cmd = [py, str(Path(__file__).resolve()), *argv]
    if os.name == "nt":
        sys.exit(subprocess.run(cmd, env=env).returncode)
    os.execve(py, cmd, env)


def import_oracle():
    """Import rerun inside the venv and check its version against the pin."""
    try:
        import rerun as rr  # noqa: PLC0415
    except ImportError as e:
        raise HarnessError(f"cannot import rerun in {sys.executable}: {e}; run `harness.py setup`") from e
    want = pinned_requirements()["rerun-sdk"]
    if rr.__version__ != want:
        raise HarnessError(f"rerun-sdk {rr.__version__} found in {sys.executable}, but {want} is pinned; run setup")
    return rr


def _check_files(files: list[str]) -> None:
    for f in files:
        p = Path(f)
        if not p.exists():
            raise HarnessError(f"file not found: {f}")
        if not p.is_file():
            raise HarnessError(f"not a regular file: {f}")


# ---------------------------------------------------------------------------
# pass-through subcommands
# ---------------------------------------------------------------------------


def _passthrough(exe: Path, argv: list[str]) -> int:
    env = dict(os.environ)
    try:
        return subprocess.run([str(exe), *argv], env=env).returncode
    except KeyboardInterrupt:
        return 130


def cmd_verify(args: argparse.Namespace) -> int:
    _check_files(args.files)
    venv = ensure_venv()
    extra = [] if args.check_footers is None else ["--check-footers", args.check_footers]
    return _passthrough(venv_rerun(venv), ["rrd", "verify", *extra, *args.files])


def cmd_rerun(argv: list[str]) -> int:
    venv = ensure_venv()
    return _passthrough(venv_rerun(venv), argv)


def cmd_python(argv: list[str]) -> int:
    venv = ensure_venv()
    return _passthrough(venv_python(venv), argv)


# ---------------------------------------------------------------------------
# rrd framing helpers (stdlib only)
# ---------------------------------------------------------------------------

STREAM_HEADER_LEN = 12
FRAME_HEADER_LEN = 16
MSG_KIND_END = 0


def rrd_frames(data: bytes) -> list[tuple[int, int, int]]:
    """Walk the top-level frames: returns [(offset_of_frame_header, kind, payload_len), ...]."""
    if len(data) < STREAM_HEADER_LEN or data[:4] not in (b"RRF2", b"RRF0", b"RRIS"):
        raise HarnessError(f"not an rrd stream (magic {data[:4]!r})")
    frames = []
    off = STREAM_HEADER_LEN
    while off + FRAME_HEADER_LEN <= len(data):
        kind, length = struct.unpack_from("<QQ", data, off)
        frames.append((off, kind, length))
        if off + FRAME_HEADER_LEN + length > len(data):
            raise HarnessError(f"frame at {off} (kind {kind}, len {length}) runs past the end of the file")
        off += FRAME_HEADER_LEN + length
        if kind == MSG_KIND_END:
            break
    return frames


def strip_footer(src: Path, dst: Path) -> int:
    """Copy `src` to `dst`, cutting right before the End frame's 16-byte header.

    Returns the number of bytes written.
    """
    data = src.read_bytes()
    ends = [off for off, kind, _ in rrd_frames(data) if kind == MSG_KIND_END]
    if not ends:
        raise HarnessError(f"{src} has no End message to cut at")
    cut = ends[0]
    dst.write_bytes(data[:cut])
    return cut


# ---------------------------------------------------------------------------
# dump (runs inside the venv)
# ---------------------------------------------------------------------------


def cmd_dump(args: argparse.Namespace) -> int:
    """Dump FILE. Exit 0 on success; 3 if rerun failed to read it (stores.json then has an "error")."""
    import warnings  # noqa: PLC0415

    rr = import_oracle()
    import pyarrow as pa  # noqa: PLC0415
    from rerun.experimental import RrdReader  # noqa: PLC0415

    src = Path(args.file)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    _clean_dump_dir(out)

    def entry_json(e) -> dict:
        return {"kind": str(e.kind), "application_id": str(e.application_id), "recording_id": str(e.recording_id)}

    result: dict = {
        "file": str(src),
        "rerun_sdk_version": rr.__version__,
        "recordings": [],
        "blueprints": [],
        "stores": [],
    }
    error = None
    total_chunks = 0
    with warnings.catch_warnings(record=True) as wlist:
        warnings.simplefilter("always")
        try:
            reader = RrdReader(str(src))
            recordings = list(reader.recordings())
            blueprints = list(reader.blueprints())
            result["recordings"] = [entry_json(e) for e in recordings]
            result["blueprints"] = [entry_json(e) for e in blueprints]
            for store_index, entry in enumerate(recordings + blueprints):
                store_dir = out / str(store_index)
                store_dir.mkdir(parents=True, exist_ok=True)
                chunks: list[dict] = []
                result["stores"].append({**entry_json(entry), "dir": str(store_index), "chunks": chunks})
                for i, chunk in enumerate(reader.stream(store=entry)):
                    rb = chunk.to_record_batch()
                    fname = f"chunk_{i:05d}.arrow"
                    with pa.OSFile(str(store_dir / fname), "wb") as sink:
                        with pa.ipc.new_file(sink, rb.schema) as writer:
                            writer.write_batch(rb)
                    chunks.append(
                        {
                            "index": i,
                            "entity_path": str(chunk.entity_path),
                            "id": str(chunk.id),
                            "num_rows": int(chunk.num_rows),
                            "num_columns": int(chunk.num_columns),
                            "is_static": bool(chunk.is_static),
                            "timeline_names": sorted(str(t) for t in chunk.timeline_names),
                            "file": fname,
                        }
                    )
                    total_chunks += 1
        except Exception as e:  # noqa: BLE001 - report whatever the oracle raised
            error = f"{type(e).__name__}: {e}"
            result["error"] = error
    result["warnings"] = [f"{w.category.__name__}: {w.message}" for w in wlist]
    if error is None and not result["recordings"] and not result["blueprints"]:
        # Seen with rerun-sdk 0.36.2: a file whose RrdFooter holds no manifests lists no stores at all,
        # even though `rerun rrd print` (a full stream scan) finds its StoreInfo and chunks.
        result["notes"] = [
            "RrdReader found no stores; if the file has a footer without manifests, "
            "`harness.py rerun rrd print FILE` still shows what the message stream holds"
        ]

    (out / "stores.json").write_text(json.dumps(result, indent=2) + "\n")
    for msg in result["warnings"]:
        print(f"[harness] warning from rerun: {msg}", file=sys.stderr)
    summary = (
        f"{len(result['recordings'])} recording(s), {len(result['blueprints'])} blueprint(s), "
        f"{total_chunks} chunk(s) -> {out}/stores.json"
    )
    if error is not None:
        print(f"harness.py: error: rerun failed to read {src}: {error}", file=sys.stderr)
        log(f"partial dump of {src}: {summary}")
        return 3
    log(f"dumped {src}: {summary}")
    return 0


def _clean_dump_dir(out: Path) -> None:
    """Remove what a previous dump wrote (stores.json, <n>/chunk_*.arrow), nothing else."""
    sj = out / "stores.json"
    if sj.exists():
        sj.unlink()
    for d in out.iterdir():
        if d.is_dir() and d.name.isdigit():
            for f in d.glob("chunk_*.arrow"):
                f.unlink()
            try:
                d.rmdir()
            except OSError:
                pass


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


# ---------------------------------------------------------------------------
# query: dataframe answers computed by rerun-sdk's own engine
# ---------------------------------------------------------------------------


def _oracle_query(store, spec: dict):
    """Answer one legacy-API query (seed 004 semantics) with rerun-sdk 0.36.2's engine.

    rerun 0.36.2 has only the new reader (`ChunkStore.reader`): the index, entity contents,
    fill and sampling map onto it directly; the legacy row filters (range, index values,
    is-not-null, component lists in dict contents) are applied to its unfilled result, as
    the legacy engine applied them before filling.
    """
    import numpy as np  # noqa: PLC0415
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    index = spec.get("index")
    contents = spec.get("contents", "/**")
    components = None
    if isinstance(contents, dict):
        components = {k: ([v] if isinstance(v, str) else list(v)) for k, v in contents.items()}
        entity_filter = " ".join(contents.keys())
    elif isinstance(contents, list):
        entity_filter = " ".join(contents)
    else:
        entity_filter = contents
    using = spec.get("using")
    kwargs = dict(
        contents=entity_filter,
        include_semantically_empty_columns=spec.get("include_semantically_empty", False),
        include_tombstone_columns=spec.get("include_tombstone", False),
    )
    if using is not None:
        kwargs["using_index_values"] = np.array(using, dtype=np.int64)

    def run(fill: bool):
        table = store.reader(index, fill_latest_at=fill, **kwargs).to_arrow_table()
        if index is not None and table.num_rows:
            table = table.sort_by(index)
        return table

    base = run(False)
    result = run(True) if spec.get("fill") else base
    compare_other_indexes = True
    keep_columns = None
    if components is not None:
        # Dict contents restrict the view to the listed components of the matching entities.
        keep_columns = []
        for f in base.schema:
            md = f.metadata or {}
            if md.get(b"rerun:kind") != b"data":
                keep_columns.append(f.name)
                continue
            comp = md.get(b"rerun:component", b"").decode()
            ctype = md.get(b"rerun:component_type", b"").decode()
            entity = md.get(b"rerun:entity_path", b"").decode()
            wanted = set()
            for expr, comps in components.items():
                from_filter = store.reader(index, contents=expr, **{k: v for k, v in kwargs.items() if k != "contents"}).schema()
                if f.name in from_filter.names:
                    wanted = set(comps)
            if comp in wanted or ctype in wanted or ctype.rsplit(".", 1)[-1] in wanted:
                keep_columns.append(f.name)
        compare_other_indexes = False  # other timelines depend on the whole view
    if index is not None and using is None and base.num_rows:
        mask = np.ones(base.num_rows, dtype=bool)
        idx = base.column(index).cast(pa.int64()).to_numpy()
        if spec.get("range") is not None:
            lo, hi = spec["range"]
            mask &= (idx >= lo) & (idx <= hi)
        if spec.get("values") is not None:
            mask &= np.isin(idx, np.array(spec["values"], dtype=np.int64))
        data_cols = [n for n in (keep_columns or base.schema.names)
                     if (base.schema.field(n).metadata or {}).get(b"rerun:kind") == b"data"]
        if components is not None:
            # Rows exist where at least one view column has data (static columns never make rows).
            any_data = np.zeros(base.num_rows, dtype=bool)
            for n in data_cols:
                if (base.schema.field(n).metadata or {}).get(b"rerun:is_static") == b"true":
                    continue
                any_data |= pc.is_valid(base.column(n)).to_numpy(zero_copy_only=False)
            mask &= any_data
        if spec.get("is_not_null") is not None:
            name = spec["is_not_null"]
            if name in base.schema.names:
                mask &= pc.is_valid(base.column(name)).to_numpy(zero_copy_only=False)
            else:
                mask &= False
        result = result.filter(pa.array(mask))
    if keep_columns is not None:
        result = result.select(keep_columns)
    if spec.get("select") is not None:
        result = result.select(spec["select"])
    return result, compare_other_indexes


def cmd_query(args: argparse.Namespace) -> int:
    """Run a batch of queries: SPECS is a JSON list of {file, spec, out}."""
    rr = import_oracle()
    import pyarrow as pa  # noqa: PLC0415
    import rerun.experimental as rx  # noqa: PLC0415

    jobs = json.loads(Path(args.specs).read_text())
    stores: dict[str, object] = {}
    for job in jobs:
        out = Path(job["out"])
        out.parent.mkdir(parents=True, exist_ok=True)
        meta = {"ok": True, "error": None, "compare_other_indexes": True}
        if Path(str(out) + ".json").exists():
            continue  # answered by an earlier run of the same batch
        # A marker, so that a caller can tell which query a crash of rerun-sdk happened in.
        Path(str(out) + ".started").write_text("")
        try:
            if job["file"] not in stores:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    stores[job["file"]] = rx.RrdReader(job["file"]).stream().collect()
            table, meta["compare_other_indexes"] = _oracle_query(stores[job["file"]], job["spec"])
            with pa.ipc.new_file(out, table.schema) as w:
                w.write_table(table)
        except Exception as e:  # noqa: BLE001 - reported to the caller
            meta = {"ok": False, "error": f"{type(e).__name__}: {e}", "compare_other_indexes": False}
        Path(str(out) + ".json").write_text(json.dumps(meta))
    del rr
    return 0


def cmd_write_ops(args: argparse.Namespace) -> int:
    """Write recordings described as lists of log operations (for property-based tests).

    OPS is a JSON list of {out, ops}; each op is {entity, kind: scalar|points|text|clear,
    value, static, times: {timeline: value}, recursive}. Sequence timelines only.
    """
    rr = import_oracle()
    jobs = json.loads(Path(args.ops).read_text())
    corpus = Corpus(rr, Path("."))
    for job in jobs:
        rec = rr.RecordingStream(APP_ID, recording_id=Path(job["out"]).stem, send_properties=False,
                                 batcher_config=corpus._batcher())
        rec.save(job["out"])
        rec.set_log_time_enabled(False)
        for op in job["ops"]:
            rec.reset_time()
            for name, value in op.get("times", {}).items():
                rec.set_time(name, sequence=value)
            kind, v = op["kind"], op.get("value")
            if kind == "scalar":
                archetype = rr.Scalars(v)
            elif kind == "points":
                archetype = rr.Points3D([[x, x, x] for x in v], colors=[[255, 0, 0]] * len(v) if v else None)
            elif kind == "text":
                archetype = rr.TextLog(str(v))
            else:
                archetype = rr.Clear(recursive=bool(op.get("recursive")))
            rec.log(op["entity"], archetype, static=bool(op.get("static")))
            if op.get("flush"):
                rec.flush()
        rec.flush()
        rec.disconnect()
    return 0


def cmd_bench_data(args: argparse.Namespace) -> int:
    """Write a benchmark recording of Scalars: ENTITIES entities x ROWS rows on sequence timeline
    `t`, entity e logging at t = i * ENTITIES + e (each entity at its own times), sent in chunks of
    CHUNK_ROWS rows with send_columns."""
    rr = import_oracle()
    np = __import__("numpy")
    out = Path(args.out)
    rec = rr.RecordingStream(APP_ID, recording_id=out.stem, send_properties=False)
    rec.save(str(out))
    n, rows, step = args.entities, args.rows, args.chunk_rows
    for e in range(n):
        for start in range(0, rows, step):
            i = np.arange(start, min(rows, start + step), dtype=np.int64)
            rec.send_columns(f"/signals/e{e:03d}", indexes=[rr.TimeColumn("t", sequence=i * n + e)],
                             columns=rr.Scalars.columns(scalars=np.sin(i * 0.001 + e)))
    rec.flush()
    rec.disconnect()
    log(f"wrote {out} ({out.stat().st_size} bytes): {n} entities x {rows} rows in chunks of {step}")
    return 0


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="harness.py",
        description="Reference harness: uses the pinned rerun-sdk (tools/reference/requirements.txt) in an "
        f"isolated venv (default <repo>/.venv-rerun, override with ${VENV_ENV_VAR}) to write fixture .rrd "
        "files and to report what an .rrd file contains.",
    )
    sub = p.add_subparsers(dest="cmd", metavar="COMMAND")
    sub.required = True

    sp = sub.add_parser("setup", help="create the reference venv and install the pinned rerun-sdk (idempotent)")
    sp.set_defaults(func=cmd_setup)

    sp = sub.add_parser(
        "corpus",
        help="write the fixture corpus of .rrd files (+ corpus.json) into OUTDIR",
        description="Write the small fixture corpus into OUTDIR (a few seconds), and with --large also large.rrd.",
    )
    sp.add_argument("outdir", metavar="OUTDIR")
    sp.add_argument("--large", action="store_true", help="also write large.rrd (about 400 MiB on disk at the default size; a few seconds)")
    sp.add_argument(
        "--large-mb",
        type=float,
        default=512.0,
        metavar="N",
        help="uncompressed Arrow payload of large.rrd in MiB (default: 512)",
    )
    sp.set_defaults(func=cmd_corpus, inner=True)

    sp = sub.add_parser(
        "dump",
        help="write OUTDIR/stores.json and each chunk as an Arrow IPC file",
        description="Read FILE with rerun.experimental.RrdReader and write OUTDIR/stores.json (stores and chunk "
        "list in stream order) plus OUTDIR/<store_index>/chunk_NNNNN.arrow (Arrow IPC file format, one record "
        "batch each, schema and field metadata as returned by Chunk.to_record_batch()). Store indices count "
        "recordings first, then blueprints.",
    )
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("outdir", metavar="OUTDIR")
    sp.set_defaults(func=cmd_dump, inner=True)

    sp = sub.add_parser(
        "verify",
        help="run `rerun rrd verify FILE...` from the venv; exits with its status",
        description="Run the reference `rerun rrd verify` on FILE... and exit with its status. By default rerun "
        "also requires a well-formed RRD footer (footer-less files fail with 'Missing RRD footer / no RRD "
        "manifests'); pass --check-footers false to verify only the message stream.",
    )
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument(
        "--check-footers",
        choices=["true", "false"],
        default=None,
        help="forwarded to `rerun rrd verify --check-footers` (rerun's default: true)",
    )
    sp.set_defaults(func=cmd_verify)

    sp = sub.add_parser(
        "query",
        help="answer a batch of dataframe queries with rerun-sdk's engine",
        description="SPECS is a JSON list of {file, spec, out}; each answer is written to `out` (Arrow IPC file) "
        "and `out.json` ({ok, error, compare_other_indexes}). A spec has index, contents (str, list or dict), "
        "range, values, using, is_not_null, fill, include_semantically_empty, include_tombstone, select.",
    )
    sp.add_argument("specs", metavar="SPECS")
    sp.set_defaults(func=cmd_query, inner=True)

    sp = sub.add_parser("write-ops", help="write recordings described as JSON lists of log operations")
    sp.add_argument("ops", metavar="OPS")
    sp.set_defaults(func=cmd_write_ops, inner=True)

    sp = sub.add_parser("bench-data", help="write a Scalars benchmark recording (see --help)")
    sp.add_argument("out", metavar="OUT")
    sp.add_argument("--entities", type=int, default=100)
    sp.add_argument("--rows", type=int, default=100_000, help="rows per entity")
    sp.add_argument("--chunk-rows", type=int, default=100_000, help="rows per chunk (send_columns call)")
    sp.set_defaults(func=cmd_bench_data, inner=True)

    sub.add_parser("rerun", help="pass ARGS to the venv's `rerun` CLI, e.g. `rerun rrd print -v FILE`")
    sub.add_parser("python", help="pass ARGS to the venv's python")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        # Pass-through commands take their arguments verbatim (including --help).
        if argv and argv[0] == "rerun":
            return cmd_rerun(argv[1:])
        if argv and argv[0] == "python":
            return cmd_python(argv[1:])
        args = build_parser().parse_args(argv)
        if getattr(args, "inner", False):
            if args.cmd == "dump":
                _check_files([args.file])
            reexec_in_venv(argv)
        return args.func(args)
    except HarnessError as e:
        print(f"harness.py: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
