"""ParquetReader (seed 003; rerun-sdk 0.36.2's form and the seed's 0.33 form) against rerun-sdk
0.36.2: every case of parquet_cases.py reads the same Parquet files on both sides, and every chunk
(entity, static or not, rows, each column's name, type, metadata and values; ids aside) and every
error must be equal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import chunkhouse.experimental as chx
from conftest import HARNESS

sys.path.insert(0, str(Path(__file__).parent))
import parquet_cases as cases  # noqa: E402

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("parquet_ref")
    proc = subprocess.run([sys.executable, str(HARNESS), "python", str(HERE / "parquet_reference.py"), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((out / "reference.json").read_text())


@pytest.mark.parametrize("name", sorted(set(cases.CASES) - set(cases.LIBRARY_ERRORS)))
def test_case_matches_rerun(reference, name):
    expected = reference["results"][name]
    assert "ok" in expected, f"the case itself failed under rerun-sdk: {expected}"
    ours = json.loads(json.dumps(cases.CASES[name](chx, reference["paths"])))
    assert ours == expected["ok"]


@pytest.mark.parametrize("name", sorted(cases.LIBRARY_ERRORS))
def test_unreadable_file_is_the_same_kind_of_error_naming_the_file(reference, name):
    want = reference["results"][name]["ok"]
    ours = cases.CASES[name](chx, reference["paths"])
    assert want["chunks"] == ours["chunks"] == []
    assert ours["error"][0] == want["error"][0]
    path = reference["paths"][cases.LIBRARY_ERRORS[name]]
    assert want["error"][1].endswith(f"\nFile path: {path}")
    assert ours["error"][1].endswith(f"\nFile path: {path}"), ours["error"][1]


def test_the_seeds_constructor_form_reads_what_stream_options_read(reference):
    path = reference["paths"]["index"]
    seed = chx.ParquetReader(path, index_columns=[("i64", "sequence"), ("tsms", "timestamp", "ms")],
                             entity_path_prefix="/world").stream()
    new = chx.ParquetReader(path).stream(index_columns=[chx.IndexColumn.sequence("i64"),
                                                        chx.IndexColumn.timestamp("tsms", input_unit="ms")],
                                         entity_path_prefix="/world")
    assert cases.describe(seed.to_chunks()) == cases.describe(new.to_chunks())


def test_column_rules_are_refused_with_the_lens_that_replaces_them(reference):
    with pytest.raises(NotImplementedError, match="DeriveLens"):
        chx.ParquetReader(reference["paths"]["kv"], column_rules=[object()])


def test_import_command_writes_a_recording_rerun_reads_back_equal(reference, tmp_path):
    import os

    path = reference["paths"]["rowgroups"]
    out = tmp_path / "rowgroups.rrd"
    cli = os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))
    proc = subprocess.run([cli, "import", path, "-o", str(out), "--static", "const", "--index", "x:duration:s"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stdout and "8 chunks from 2100 rows" in proc.stdout, proc.stdout
    # rerun verifies the file, and what rerun-sdk reads from it is what our reader streams.
    theirs = cases.rerun_verified_description(str(out))
    ours = cases.describe(chx.ParquetReader(path).stream(static_columns=["const"],
                                                          index_columns=[chx.IndexColumn.duration("x", input_unit="s")]))
    assert json.loads(json.dumps(ours)) == theirs


def test_import_command_refuses_bad_options_and_leaves_no_file(reference, tmp_path):
    import os

    cli = os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))
    out = tmp_path / "x.rrd"
    for args, needle in ((["--static", "missing"], "Static column 'missing' not found in parquet schema"),
                         (["--index", "x"], "expected COLUMN:KIND[:UNIT]"),
                         (["--index", "x:bogus"], "Unknown index type: 'bogus'"),
                         (["--column-grouping", "bogus"], "Unknown column_grouping")):
        proc = subprocess.run([cli, "import", reference["paths"]["rowgroups"], "-o", str(out), *args],
                              capture_output=True, text=True)
        assert proc.returncode == 1 and needle in proc.stderr, (args, proc.stderr)
        assert not out.exists()
    proc = subprocess.run([cli, "import", reference["paths"]["junk"], "-o", str(out)], capture_output=True, text=True)
    assert proc.returncode == 1 and "File path: " + reference["paths"]["junk"] in proc.stderr, proc.stderr
    assert not out.exists()


def test_rrd_print_and_stats_read_parquet_files_as_the_reader_does(reference):
    import os

    cli = os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))
    path = reference["paths"]["rowgroups"]
    chunks = chx.ParquetReader(path).stream().to_chunks()
    proc = subprocess.run([cli, "rrd", "print", path], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = [line.strip() for line in proc.stdout.splitlines() if line.strip().startswith("chunk ")]
    assert len(lines) == len(chunks)
    assert [line.split()[1] for line in lines] == [c.entity_path for c in chunks]
    assert [int(line.split("rows=")[1].split()[0]) for line in lines] == [c.num_rows for c in chunks]
    proc = subprocess.run([cli, "rrd", "stats", path], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "parquet rows: 2100" in proc.stdout
    assert f"chunks: {len(chunks)} (1 static)" in proc.stdout
    assert "timeline row_index (sequence): 0 .. 2099" in proc.stdout
    proc = subprocess.run([cli, "rrd", "stats", reference["paths"]["junk"]], capture_output=True, text=True)
    assert proc.returncode == 1 and "File path: " + reference["paths"]["junk"] in proc.stderr


def test_server_serves_parquet_files_as_segments(reference, tmp_path):
    """`chunkhouse server -d DIR` serves the Parquet files in DIR through .rrd copies made once;
    Rerun's own client sees them as segments and reads the same data a local query gives."""
    import os
    import shutil

    import pyarrow as pa

    from test_server import Server, rerun_client

    cli = os.environ.get("CHUNKHOUSE_BIN", str(HERE.parents[1] / "build" / "chunkhouse"))
    data = tmp_path / "data"
    data.mkdir()
    for name in ("rowgroups", "sort"):
        shutil.copy(reference["paths"][name], data / f"{name}.parquet")
    storage = tmp_path / "storage"
    server = Server(cli, "-d", f"pq={data}", "--storage", str(storage))
    try:
        out = rerun_client(server.address, """
            ds = client.get_dataset(name="pq")
            print(sorted(ds.segment_ids()))
            t = ds.reader(index="row_index").to_arrow_table()
            print(t.num_rows)
        """)
        lines = out.strip().splitlines()
        assert lines[-2] == "['rowgroups', 'sort']", out
        assert int(lines[-1]) == 2100 + 4, out
        served = tmp_path / "served.arrow"
        proc = subprocess.run([cli, "query", f"{server.address}/dataset/pq", "--segment", "rowgroups", "--index",
                               "row_index", "-o", str(served)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr + server.stderr()
        local = tmp_path / "local.arrow"
        proc = subprocess.run([cli, "query", str(data / "rowgroups.parquet"), "--index", "row_index", "-o",
                               str(local)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        a = pa.ipc.open_file(served).read_all().drop_columns(["rerun_segment_id"])
        b = pa.ipc.open_file(local).read_all()
        # The dataset's columns are the union of its segments'; the other segment's are null here.
        assert set(b.schema.names) <= set(a.schema.names)
        assert a.select(b.schema.names).equals(b)
        assert all(a.column(n).null_count == a.num_rows for n in set(a.schema.names) - set(b.schema.names))
        assert len(list((storage / "converted").glob("*.rrd"))) == 2
    finally:
        assert server.stop() == 0
