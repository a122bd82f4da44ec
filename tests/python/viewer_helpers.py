"""Running Rerun's own binary (viewer, proxy, saver) and rerun-sdk for the viewer-protocol tests.

Every process gets a free port and its own process group, and is always stopped (SIGTERM to the
group, then SIGKILL). The native binary is used, not the `bin/rerun` Python shim.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pyarrow as pa

from conftest import REPO, run_harness

STARTUP_DEADLINE_SEC = 15.0


def reference_venv() -> Path:
    run_harness("rerun", "--version")  # creates the reference venv if needed
    return Path(os.environ.get("CHUNKHOUSE_REF_VENV", REPO / ".venv-rerun")).expanduser()


def rerun_binary(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages/rerun_sdk/rerun_cli/rerun"))
    assert found, f"rerun-sdk's native rerun binary not found under {venv}"
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL if it does not go within 5 s."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@contextlib.contextmanager
def rerun_process(binary: Path, args: list[str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    """`rerun <args>` listening on `port`; yields once the port accepts connections."""
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(binary), *args], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_SEC
        while not accepts(port):
            assert proc.poll() is None, f"rerun {args} exited early:\n{log.read_text(errors='replace')[-2000:]}"
            assert time.monotonic() < deadline, f"rerun {args} did not bind port {port}"
            time.sleep(0.05)
        yield proc
    finally:
        stop(proc)


def wait_for(predicate, timeout: float, what: str):
    """Polls `predicate` until it returns something truthy (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def without_timestamps(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch without the `rerun:timestamp_*` latency stamps a receiver adds to the schema."""
    meta = {k: v for k, v in (batch.schema.metadata or {}).items() if not k.startswith(b"rerun:timestamp_")}
    return batch.replace_schema_metadata(meta)


def run_reference(venv: Path, script: str, *args: str, timeout: float = 60) -> dict:
    """Runs a Python script with rerun-sdk (the reference venv); it prints one JSON document."""
    python = venv / "bin" / "python"
    proc = subprocess.run([str(python), "-c", script, *args], capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def write_batch(batch: pa.RecordBatch, path: Path) -> Path:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return path


__all__ = ["accepts", "free_port", "reference_venv", "rerun_binary", "rerun_process", "run_reference", "stop",
           "wait_for", "without_timestamps", "write_batch"]
