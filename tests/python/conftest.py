"""Shared fixtures: the reference corpus written by rerun-sdk, its dumps, and our binaries."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "tools" / "reference" / "harness.py"
FIXTURES = REPO.parent / "shared" / "fixtures" / "rrd" / "third_party"


def run_harness(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(HARNESS), *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The small reference corpus, freshly written by rerun-sdk."""
    out = tmp_path_factory.mktemp("corpus")
    run_harness("corpus", str(out))
    return out


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("*.rrd"))


def copy_corpus(corpus: Path, dest: Path, names: tuple[str, ...]) -> Path:
    """A directory `dest` holding copies of some corpus files (a dataset's recordings)."""
    dest.mkdir()
    for name in names:
        shutil.copyfile(corpus / name, dest / name)
    return dest


@pytest.fixture
def data_dir(tmp_path, corpus_dir) -> Path:
    """Three recordings in a directory named robot_runs: segments columns, multi_timeline, query_edge_cases."""
    return copy_corpus(corpus_dir, tmp_path / "robot_runs", ("columns.rrd", "multi_timeline.rrd", "query_edge_cases.rrd"))


class Dumps:
    """What rerun-sdk reads from a file (stores.json + one Arrow IPC file per chunk), cached."""

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[Path, dict] = {}

    def __call__(self, path: Path) -> dict:
        path = Path(path)
        if path not in self.cache:
            out = self.root / f"{len(self.cache):03d}_{path.stem}"
            proc = subprocess.run([sys.executable, str(HARNESS), "dump", str(path), str(out)],
                                  capture_output=True, text=True)
            assert proc.returncode in (0, 3), proc.stderr
            info = json.loads((out / "stores.json").read_text())
            for store in info["stores"]:
                for chunk in store["chunks"]:
                    with pa.ipc.open_file(out / store["dir"] / chunk["file"]) as f:
                        chunk["batch"] = f.read_all().to_batches()[0] if f.num_record_batches else None
            self.cache[path] = info
        return self.cache[path]


@pytest.fixture(scope="session")
def rerun_dump(tmp_path_factory) -> Dumps:
    return Dumps(tmp_path_factory.mktemp("dumps"))


@pytest.fixture(scope="session")
def chunkhouse_bin() -> str:
    """The chunkhouse command: $CHUNKHOUSE_BIN, the build tree's, or the one on PATH."""
    candidates = [os.environ.get("CHUNKHOUSE_BIN"), str(REPO / "build" / "chunkhouse"), shutil.which("chunkhouse")]
    for c in candidates:
        if c and Path(c).exists():
            return c
    pytest.fail("the chunkhouse command was not found: build it (cmake) or set CHUNKHOUSE_BIN")


def run_oracle_queries(jobs: list[dict], workdir: Path) -> None:
    """Answers `jobs` ({file, spec, out}) with rerun-sdk through the harness.

    rerun-sdk 0.36.2 itself panics on some inputs (e.g. a recursive Clear in a chunk whose
    other rows are not recursive: an index out of bounds in `fetch_clear_chunks`). Such a
    crash aborts the whole process, so the batch is restarted after the query that crashed,
    which is recorded as {ok: false, crashed: true}.
    """
    specs = workdir / "oracle_jobs.json"
    specs.write_text(json.dumps(jobs))
    for _ in range(len(jobs) + 1):
        proc = subprocess.run([sys.executable, str(HARNESS), "query", str(specs)], capture_output=True, text=True)
        if proc.returncode == 0:
            return
        crashed = [j for j in jobs if Path(j["out"] + ".started").exists() and not Path(j["out"] + ".json").exists()]
        if not crashed:
            raise AssertionError(f"the reference harness failed:\n{proc.stderr[-3000:]}")
        for j in crashed:
            first_line = next((l for l in proc.stderr.splitlines() if "panicked" in l or "index out of" in l), "")
            Path(j["out"] + ".json").write_text(json.dumps(
                {"ok": False, "crashed": True, "error": f"rerun-sdk crashed: {first_line}", "compare_other_indexes": False}))
    raise AssertionError("the reference harness kept crashing")
