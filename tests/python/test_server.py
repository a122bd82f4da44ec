"""`chunkhouse server` speaks Rerun's catalog protocol: rerun-sdk's own CatalogClient uses it.

So far the catalog RPCs (issue 4 is open): connect, list, create, get, delete datasets, with
the errors Rerun's client maps to exceptions. Datasets from `-d` directories and `--storage`
durability are checked too.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def ref_python() -> str:
    return str(Path(os.environ.get("CHUNKHOUSE_REF_VENV", REPO / ".venv-rerun")) / "bin" / "python")


class Server:
    def __init__(self, chunkhouse_bin: str, *args: str):
        self.proc = subprocess.Popen([chunkhouse_bin, "server", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"rerun\+http://[0-9.]+:\d+", line)
        if not m:
            self.proc.kill()
            raise AssertionError(f"server did not start: {line!r} {self.proc.stderr.read()}")
        self.address = m.group(0)

    def stop(self, sig=signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=10)


def rerun_client(address: str, code: str) -> str:
    """Runs `code` with rerun-sdk's CatalogClient bound to `client`; returns its stdout."""
    script = "import rerun as rr\nclient = rr.catalog.CatalogClient(ADDRESS)\n" + textwrap.dedent(code)
    proc = subprocess.run([ref_python(), "-c", script.replace("ADDRESS", repr(address))],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def data_dir(tmp_path, corpus_dir):
    d = tmp_path / "robot_runs"
    d.mkdir()
    for name in ("columns.rrd", "multi_timeline.rrd"):
        (d / name).write_bytes((corpus_dir / name).read_bytes())
    return d


def test_rerun_client_manages_datasets(chunkhouse_bin, data_dir):
    server = Server(chunkhouse_bin, "-d", str(data_dir), "-d", f"named={data_dir}")
    try:
        out = rerun_client(server.address, """
            print(sorted(client.dataset_names()))
            ds = client.create_dataset(name="oss_demo")
            print(sorted(client.dataset_names()))
            print(client.get_dataset("oss_demo").id == ds.id)
            try:
                client.create_dataset(name="oss_demo")
            except rr.catalog.AlreadyExistsError:
                print("already exists")
            try:
                client.get_dataset("nope")
            except LookupError:
                print("lookup error")
            try:
                client.create_dataset(name="bad/name")
            except ValueError:
                print("bad name")
            client.get_dataset("oss_demo").delete()
            print(sorted(client.dataset_names()))
            print(client.version_info().version)
        """)
    finally:
        assert server.stop() == 0  # SIGTERM stops it cleanly
    assert out.splitlines() == [
        "['named', 'robot_runs']",
        "['named', 'oss_demo', 'robot_runs']",
        "True",
        "already exists",
        "lookup error",
        "bad name",
        "['named', 'robot_runs']",
        "0.36.2",
    ]


def test_storage_survives_a_restart(chunkhouse_bin, tmp_path):
    storage = tmp_path / "catalog"
    server = Server(chunkhouse_bin, "--storage", str(storage))
    try:
        rerun_client(server.address, 'client.create_dataset(name="kept")')
    finally:
        assert server.stop(signal.SIGINT) == 0
    server = Server(chunkhouse_bin, "--storage", str(storage))
    try:
        assert rerun_client(server.address, "print(client.dataset_names())").strip() == "['kept']"
    finally:
        server.stop()


def test_bad_arguments(chunkhouse_bin, tmp_path):
    proc = subprocess.run([chunkhouse_bin, "server", "-d", str(tmp_path / "missing")], capture_output=True, text=True)
    assert proc.returncode != 0 and "not a directory" in proc.stderr
