"""`chunkhouse import robot.urdf` against `rerun --save out.rrd robot.urdf` (rerun-sdk 0.36.2): the
same static chunks (the robot's frames, shapes, meshes found beside the file or through
ROS_PACKAGE_PATH, the joints' transforms in /tf_static), and a description that is not a
tree refused with no file left behind."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import parquet_cases as cases  # noqa: E402
import urdf_fixture  # noqa: E402
from conftest import HARNESS  # noqa: E402

HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cli():
    return os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))


def test_import_urdf_writes_what_rerun_logs(tmp_path, cli):
    urdf_fixture.write(tmp_path, 0)  # the meshes, and ROS_PACKAGE_PATH for package:// paths
    robot = tmp_path / "robot.urdf"
    text = urdf_fixture.ROBOT.replace("{dir}", str(tmp_path))
    # A relative mesh path, found beside the file (not loadable from an MCAP message).
    (tmp_path / "meshes" / "relative.stl").write_bytes(b"solid rel\nendsolid rel\n")
    robot.write_text(text)
    theirs_path = tmp_path / "theirs.rrd"
    ref = subprocess.run([sys.executable, str(HARNESS), "rerun", "--port", str(free_port()), "--save", str(theirs_path),
                          str(robot)], capture_output=True, text=True, env={**os.environ})
    assert ref.returncode == 0, ref.stdout + ref.stderr
    ours_path = tmp_path / "ours.rrd"
    proc = subprocess.run([cli, "import", str(robot), "-o", str(ours_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "missing.stl" in proc.stderr  # the mesh that is not there, named in a warning
    ours = cases.rerun_verified_description(str(ours_path))
    theirs = cases.rerun_verified_description(str(theirs_path))
    key = lambda c: json.dumps(c, sort_keys=True)  # noqa: E731
    assert [c["entity"] for c in ours] == [c["entity"] for c in theirs]
    assert sorted(map(key, ours)) == sorted(map(key, theirs))
    assert any(c["entity"] == "/tf_static" and c["rows"] == 3 for c in ours), [c["entity"] for c in ours]


def test_import_urdf_refuses_what_is_not_a_tree(tmp_path, cli):
    robot = tmp_path / "two_roots.urdf"
    robot.write_text("<robot name='r'><link name='a'/><link name='b'/></robot>")
    out = tmp_path / "out.rrd"
    proc = subprocess.run([cli, "import", str(robot), "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1 and "Multiple roots in URDF" in proc.stderr and str(robot) in proc.stderr, proc.stderr
    assert not out.exists()
