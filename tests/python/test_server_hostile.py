"""`chunkhouse server` against a user who can write into the directories it serves: named pipes,
symbolic links out of the allowed directories or in loops, junk files, files rewritten, replaced
or deleted after registration, and a dataset deleted while it is being registered. Each gets a
clear error (or a failed task with its reason) through Rerun's client and ours, and the server
goes on serving.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import chunkhouse as ch
from test_server import Server, rerun_client


def _ours(server: Server) -> ch.catalog.CatalogClient:
    return ch.catalog.CatalogClient(server.address)


def test_named_pipes_never_stall_registration(chunkhouse_bin, data_dir):
    os.mkfifo(data_dir / "pipe.rrd")
    fifo_dir = data_dir / "with_pipe"
    fifo_dir.mkdir()
    os.mkfifo(fifo_dir / "another.rrd")
    shutil.copyfile(data_dir / "columns.rrd", fifo_dir / "columns.rrd")
    server = Server(chunkhouse_bin, "--allow-dir", str(data_dir))
    try:
        out = rerun_client(server.address, f"""
            ds = client.create_dataset(name="ds")
            for attempt in range(3):  # once blocked two workers for good: every later registration hung
                try:
                    ds.register(["file://{data_dir}/pipe.rrd"]).wait(timeout_secs=10)
                except ValueError as e:
                    print("pipe refused:", "named pipe" in str(e) or "not a regular file" in str(e))
            try:
                ds.register(["file://{fifo_dir}"]).wait(timeout_secs=10)
            except ValueError as e:
                print("pipe in a directory passed over:", "another.rrd" in str(e))
            ds.register(["file://{data_dir}/multi_timeline.rrd"]).wait(timeout_secs=10)
            print(sorted(ds.segment_ids()))
        """)
        assert out.splitlines() == ["pipe refused: True"] * 3 + ["pipe in a directory passed over: True",
                                                                 "['columns', 'multi_timeline']"], out
    finally:
        start = time.monotonic()
        assert server.stop() == 0  # SIGTERM still stops it
        assert time.monotonic() - start < 5


def test_links_out_of_the_allowed_directories_are_not_followed(chunkhouse_bin, data_dir, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(data_dir / "columns.rrd", outside / "secret.rrd")
    served = data_dir / "served"
    served.mkdir()
    os.symlink(outside / "secret.rrd", served / "link.rrd")
    shutil.copyfile(data_dir / "multi_timeline.rrd", served / "multi_timeline.rrd")
    server = Server(chunkhouse_bin, "--allow-dir", str(data_dir))
    try:
        out = rerun_client(server.address, f"""
            ds = client.create_dataset(name="ds")
            try:
                ds.register(["file://{served}"]).wait(timeout_secs=10)
            except ValueError as e:
                print("link passed over:", "link.rrd" in str(e) and "outside" in str(e))
            try:
                ds.register(["file://{served}/link.rrd"]).wait(timeout_secs=10)
            except PermissionError as e:
                print("link refused:", "resolves to" in str(e))
            print(sorted(ds.segment_ids()))
        """)
        assert out.splitlines() == ["link passed over: True", "link refused: True", "['multi_timeline']"], out
    finally:
        assert server.stop() == 0


def test_a_file_replaced_after_registration_is_refused_also_after_a_restart(chunkhouse_bin, data_dir, tmp_path):
    storage = tmp_path / "catalog"
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(data_dir / "columns.rrd", outside / "columns.rrd")  # the same bytes, elsewhere
    target = data_dir / "columns.rrd"
    server = Server(chunkhouse_bin, "--storage", str(storage), "--allow-dir", str(data_dir))
    try:
        ds = _ours(server).create_dataset("ds")
        ds.register(target.as_uri()).wait()
        assert ds.reader(index="step").to_arrow_table().num_rows > 0
        target.unlink()
        os.symlink(outside / "columns.rrd", target)
        with pytest.raises(ch.errors.FailedPreconditionError, match="columns.rrd changed since it was registered"):
            ds.reader(index="step")
    finally:
        assert server.stop() == 0
    server = Server(chunkhouse_bin, "--storage", str(storage), "--allow-dir", str(data_dir))
    try:
        ds = _ours(server).get_dataset("ds")
        with pytest.raises(ch.errors.Error, match="columns.rrd"):
            ds.reader(index="step")
        out = rerun_client(server.address, """
            try:
                print(client.get_dataset("ds").reader(index="step").to_arrow_table().num_rows)
            except Exception as e:
                print("refused:", "changed since it was registered" in str(e) or "outside" in str(e))
        """)
        assert out.strip() in ("refused: True", "0"), out  # see test_server: rerun-sdk sometimes swallows it
    finally:
        assert server.stop() == 0


def test_rewritten_and_deleted_files_are_refused_and_can_be_registered_again(chunkhouse_bin, tmp_path):
    d = tmp_path / "recs"
    d.mkdir()
    path = d / "rec.rrd"
    subprocess.run([chunkhouse_bin, "sample", str(path), "--frames", "50", "--recording-id", "rec"], check=True)
    server = Server(chunkhouse_bin, "--allow-dir", str(d))
    try:
        ds = _ours(server).create_dataset("ds")
        ds.register(path.as_uri()).wait()
        assert ds.reader(index="frame").to_arrow_table().num_rows == 50
        # Rewritten in place (the same inode, other bytes).
        data = bytearray(path.read_bytes())
        with open(path, "r+b") as f:
            f.write(bytes(data[:100]) + b"\0" * 64)
        with pytest.raises(ch.errors.FailedPreconditionError, match=r"rec\.rrd changed since it was registered"):
            ds.reader(index="frame")
        out = rerun_client(server.address, """
            try:
                print(client.get_dataset("ds").reader(index="frame").to_arrow_table().num_rows)
            except Exception as e:
                print("refused:", "rec.rrd changed since it was registered" in str(e))
        """)
        assert out.strip() in ("refused: True", "0"), out  # see test_server: rerun-sdk sometimes swallows it
        # Registered again: served again.
        subprocess.run([chunkhouse_bin, "sample", str(path), "--frames", "60", "--recording-id", "rec"], check=True)
        ds.register(path.as_uri(), on_duplicate="replace").wait()
        assert ds.reader(index="frame").to_arrow_table().num_rows == 60
        path.unlink()
        with pytest.raises(ch.errors.NotFoundError, match="rec.rrd"):
            ds.reader(index="frame")
    finally:
        assert server.stop() == 0


def test_link_loops_get_clear_errors(chunkhouse_bin, data_dir, tmp_path):
    loops = data_dir / "loops"
    loops.mkdir()
    os.symlink(loops / "self.rrd", loops / "self.rrd")
    shutil.copyfile(data_dir / "columns.rrd", loops / "columns.rrd")
    # As a -d directory at startup: the loop is passed over with a warning, the rest is served.
    server = Server(chunkhouse_bin, "-d", f"loops={loops}")
    try:
        assert "self.rrd" in server.stderr() and "symbolic links" in server.stderr(), server.stderr()
        assert _ours(server).get_dataset("loops").segment_ids() == ["columns"]
        out = rerun_client(server.address, f"""
            ds = client.create_dataset(name="again")
            for url in ["file://{loops}", "file://{loops}/self.rrd"]:
                try:
                    ds.register([url]).wait(timeout_secs=10)
                except ValueError as e:
                    print("clear:", "symbolic links" in str(e), "Unexpected error" not in str(e))
        """)
        assert out.splitlines() == ["clear: True True"] * 2, out
    finally:
        assert server.stop() == 0
    # The -d directory itself a loop: a clear error, not an abort.
    os.symlink(tmp_path / "dirloop", tmp_path / "dirloop")
    proc = subprocess.run([chunkhouse_bin, "server", "--port", "0", "-d", str(tmp_path / "dirloop")],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "symbolic links" in proc.stderr, proc.stderr


@pytest.mark.parametrize("after_header", [
    b"",                                                    # a stream header only
    b"junk" * 100,                                          # then junk
    (2).to_bytes(8, "little") + b"\xff" * 8,                # an ArrowMsg claiming 2^64 bytes
], ids=["header_only", "header_and_junk", "claims_2_64_bytes"])
def test_a_file_without_a_recording_is_a_failed_task_with_a_reason(chunkhouse_bin, data_dir, after_header):
    junk = data_dir / "junk.rrd"
    junk.write_bytes((data_dir / "columns.rrd").read_bytes()[:12] + after_header)  # a valid stream header
    server = Server(chunkhouse_bin, "--allow-dir", str(data_dir))
    try:
        out = rerun_client(server.address, f"""
            ds = client.create_dataset(name="ds")
            try:
                ds.register(["file://{junk}"]).wait(timeout_secs=10)
                print("registered")
            except Exception as e:
                print(type(e).__name__, "junk.rrd" in str(e), "no recording" in str(e))
        """)
        assert out.strip() == "ValueError True True", out
        with pytest.raises(ValueError, match="no recording"):
            _ours(server).get_dataset("ds").register(junk.as_uri()).wait()
        assert _ours(server).get_dataset("ds").segment_ids() == []
    finally:
        assert server.stop() == 0


def test_a_dataset_deleted_during_its_registration_is_not_found(chunkhouse_bin, tmp_path):
    d = tmp_path / "many"
    subprocess.run([chunkhouse_bin, "sample", str(d), "--frames", "5", "--recordings", "3000"], check=True,
                   capture_output=True)
    server = Server(chunkhouse_bin, "--allow-dir", str(d))
    try:
        client = _ours(server)
        outcomes = []
        for attempt in range(5):
            ds = client.create_dataset(f"ds{attempt}")
            done = []

            def register(ds=ds):
                try:
                    ds.register(d.as_uri()).wait()
                    done.append("registered")
                except Exception as e:  # noqa: BLE001  (the kind is what is checked)
                    done.append(type(e).__name__)

            t = threading.Thread(target=register)
            t.start()
            time.sleep(0.02 * (attempt + 1))
            ds.delete()
            t.join(60)
            outcomes += done
        assert "AlreadyExistsError" not in outcomes, outcomes
        assert set(outcomes) <= {"registered", "NotFoundError"}, outcomes
        assert "NotFoundError" in outcomes, outcomes
    finally:
        assert server.stop() == 0


def test_registration_limits_are_clear_errors(chunkhouse_bin, data_dir):
    server = Server(chunkhouse_bin, "--allow-dir", str(data_dir), "--max-register-files", "2")
    try:
        ds = _ours(server).create_dataset("ds")
        with pytest.raises(ch.errors.ResourceExhaustedError, match="limit of 2"):
            ds.register(data_dir.as_uri())
        ds.register([(data_dir / "columns.rrd").as_uri(), (data_dir / "multi_timeline.rrd").as_uri()]).wait()
        assert sorted(ds.segment_ids()) == ["columns", "multi_timeline"]
    finally:
        assert server.stop() == 0
