"""McapReader (seed 003; rerun-sdk 0.36.2's form) against rerun-sdk 0.36.2 on MCAP files written
by the `mcap` library: the file-level decoders (attachments, metadata, recording_info, schema,
stats) and `raw`, decoder selection, topic filters, time ranges, timeline types and offsets, and
the errors. Every chunk (entity, static or not, rows, each column's name, type, metadata and
values; ids aside) must be equal. Rerun orders some chunks by a hash map (the schema decoder's,
and channels within one MCAP chunk), so chunks are compared as a multiset and, in order, by kind
(file-level before messages)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mcap.writer", reason="the mcap writer is in requirements-dev.txt")

import chunkhouse.experimental as chx  # noqa: E402
from conftest import HARNESS  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import mcap_cases as cases  # noqa: E402

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("mcap_ref")
    paths = cases.write_files(out)
    (out / "paths.json").write_text(json.dumps(paths))
    proc = subprocess.run([sys.executable, str(HARNESS), "python", str(HERE / "mcap_reference.py"),
                           str(out / "paths.json"), str(out / "ref.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"paths": paths, "results": json.loads((out / "ref.json").read_text())}


def kinds(chunks):
    return ["static" if c["static"] else "temporal" for c in chunks]


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_case_matches_rerun(reference, name):
    expected = reference["results"][name]
    assert "ok" in expected, f"the case itself failed under rerun-sdk: {expected}"
    want = expected["ok"]
    ours = json.loads(json.dumps(cases.CASES[name](chx, reference["paths"])))
    if name in cases.PREFIX_ONLY:
        assert ours["chunks"] == want["chunks"] == []
        assert ours["error"][0] == want["error"][0]
        assert ours["error"][1].split(":")[0] == want["error"][1].split(":")[0]
        return
    if name not in cases.UNORDERED:
        assert ours == want
        return
    assert ours["error"] == want["error"]
    assert kinds(ours["chunks"]) == kinds(want["chunks"])
    key = lambda c: json.dumps(c, sort_keys=True)  # noqa: E731
    assert sorted(map(key, ours["chunks"])) == sorted(map(key, want["chunks"]))


def test_robot_descriptions_become_the_robot_and_stay_strings(reference):
    path = reference["paths"]["urdf"]
    chunks = chx.McapReader(path).stream().to_chunks()
    paths = {c.entity_path for c in chunks}
    assert "/arm\\ bot" in paths and "/arm\\ bot/visual_geometries/upper/visual_0" in paths, sorted(paths)
    # The hand's link name has a slash: one path part, escaped.
    assert "/arm\\ bot/visual_geometries/hand\\/left/palm" in paths, sorted(paths)
    # Without that decoder, the channel is only read as a ROS 2 String, as Rerun does.
    chunks = chx.McapReader(path, decoders=["ros2_reflection", "ros2msg"]).stream().to_chunks()
    assert [c.entity_path for c in chunks] == ["/robot_description"]
    assert "TextDocument:text" in chunks[0].to_record_batch().schema.names


def test_images_claiming_more_bytes_than_they_hold_lose_only_their_buffer(tmp_path):
    import foxglove_fixture

    path = str(tmp_path / "hostile.mcap")
    foxglove_fixture.write_hostile(path)
    chunks = [c for c in chx.McapReader(path).stream().to_chunks() if c.entity_path == "/camera/raw"]
    names = chunks[-1].to_record_batch().schema.names
    # The image cannot be cut out of 16 bytes: the buffer column fails and is left out, the rest stays.
    assert "Image:format" in names and "CoordinateFrame:frame" in names and "Image:buffer" not in names


def test_import_command_writes_what_the_reader_streams(reference, tmp_path):
    import os

    cli = os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))
    out = tmp_path / "raw.rrd"
    proc = subprocess.run([cli, "import", reference["paths"]["raw_zstd"], "-o", str(out)], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    # rerun verifies the file, and what rerun-sdk reads from it is what our reader streams.
    theirs = cases.rerun_verified_description(str(out))
    ours = json.loads(json.dumps(cases.describe(chx.McapReader(reference["paths"]["raw_zstd"]).stream())))
    assert ours == theirs
    # A robot description: its meshes and shapes are in the file, which rerun reads back as ours.
    out = tmp_path / "urdf.rrd"
    proc = subprocess.run([cli, "import", reference["paths"]["urdf"], "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    theirs = cases.rerun_verified_description(str(out))
    ours = json.loads(json.dumps(cases.describe(chx.McapReader(reference["paths"]["urdf"]).stream())))
    key = lambda c: json.dumps(c, sort_keys=True)  # noqa: E731
    assert sorted(map(key, ours)) == sorted(map(key, theirs))
    # The mesh that is not there is named in a warning.
    assert "missing.stl" in proc.stderr, proc.stderr
    # A definition that does not parse ends the stream: an error, and no file is left behind.
    bad = tmp_path / "bad.rrd"
    proc = subprocess.run([cli, "import", reference["paths"]["bad_schema"], "-o", str(bad)], capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "Invalid schema" in proc.stderr and not bad.exists(), proc.stderr


def test_server_serves_mcap_files_as_segments(reference, tmp_path):
    import os
    import shutil

    from test_server import Server, rerun_client

    cli = os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(reference["paths"]["raw_zstd"], data / "raw_zstd.mcap")
    shutil.copy(reference["paths"]["ros2/imu"], data / "imu.mcap")
    shutil.copy(reference["paths"]["urdf"], data / "urdf.mcap")
    shutil.copy(reference["paths"]["bad_schema"], data / "bad_schema.mcap")  # cannot be read: refused, with the reason
    server = Server(cli, "-d", f"m={data}")
    try:
        out = rerun_client(server.address, """
            ds = client.get_dataset(name="m")
            print(sorted(ds.segment_ids()))
            t = ds.reader(index="message_log_time").to_arrow_table()
            print(t.num_rows, sorted(n for n in t.column_names if n.endswith("McapMessage:data")))
            # 4 distinct header stamps: 100, 101 and 102 s (the NaN message shares 100 s), and a negative one at the end of time
            t = ds.filter_segments("imu").reader(index="ros2_timestamp").to_arrow_table()
            print(t.num_rows, sorted(n for n in t.column_names if "Scalars" in n))
        """)
        lines = out.strip().splitlines()
        assert lines[-3] == "['imu', 'raw_zstd', 'urdf']", out
        assert lines[-2].endswith("['/json:McapMessage:data', '/raw/blob:McapMessage:data']"), out
        assert lines[-1] == "4 ['/imu:Scalars:scalars', '/imu_nan:Scalars:scalars', '/imu_negstamp:Scalars:scalars']", out
        assert "bad_schema.mcap" in server.stderr() and "Invalid schema" in server.stderr(), server.stderr()
        # The robot's meshes lie outside the directories the server may read: not loaded, and said so.
        assert "upper.stl" in server.stderr() and "is outside the directories this server may read" in server.stderr()
    finally:
        assert server.stop() == 0


def test_rrd_print_shows_the_chunks_the_reader_makes(reference):
    import os

    cli = os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))
    path = reference["paths"]["many_chunks"]
    proc = subprocess.run([cli, "rrd", "print", path], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = [line.split()[1] for line in proc.stdout.splitlines() if line.strip().startswith("chunk ")]
    assert lines == [c.entity_path for c in chx.McapReader(path).stream().to_chunks()]
    proc = subprocess.run([cli, "rrd", "print", reference["paths"]["bad_schema"]], capture_output=True, text=True)
    assert proc.returncode == 1 and "Invalid schema" in proc.stderr, proc.stderr
