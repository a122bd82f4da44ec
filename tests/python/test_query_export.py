"""`chunkhouse query ... -o FILE`: the shell's dataframe query, written as Parquet, Arrow IPC or
CSV, compared with rerun-sdk 0.36.2's answer to the same query (through the reference harness)."""

from __future__ import annotations

import json
import subprocess

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from conftest import run_oracle_queries

E = "query_edge_cases"
# (name, spec, command-line arguments)
QUERIES = [
    ("all_t", {"index": "t"}, ["--index", "t"]),
    ("fill_all", {"index": "t", "fill": True}, ["--index", "t", "--fill"]),
    ("range_fill", {"index": "t", "range": [21, 30], "fill": True}, ["--index", "t", "--range", "21..30", "--fill"]),
    ("contents", {"index": "t", "contents": "/static_over /a"}, ["--index", "t", "--contents", "/static_over", "/a"]),
    ("values", {"index": "t", "values": [0, 3, 6, 99]}, ["--index", "t", "--at", "0", "--at", "3", "--at", "6",
                                                            "--at", "99"]),
    ("points", {"index": "t", "contents": "/points"}, ["--index", "t", "--contents", "/points"]),
    ("static_only", {"index": None}, ["--static"]),
]


@pytest.fixture(scope="module")
def oracle(corpus_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("export_oracle")
    jobs = [{"file": str(corpus_dir / f"{E}.rrd"), "spec": spec, "out": str(out / f"{name}.arrow")}
            for name, spec, _ in QUERIES]
    run_oracle_queries(jobs, out)
    answers = {}
    for name, _, _ in QUERIES:
        meta = json.loads((out / f"{name}.arrow.json").read_text())
        assert meta["ok"], meta
        answers[name] = pa.ipc.open_file(out / f"{name}.arrow").read_all()
    return answers


def assert_same_table(mine: pa.Table, theirs: pa.Table):
    assert mine.schema.names == theirs.schema.names
    assert mine.num_rows == theirs.num_rows
    for n in theirs.schema.names:
        a, b = mine.column(n).combine_chunks(), theirs.column(n).combine_chunks()
        assert a.type == b.type, n
        assert a.equals(b), f"{n}: {a.to_pylist()[:10]} vs {b.to_pylist()[:10]}"


@pytest.mark.parametrize("name,spec,args", QUERIES, ids=[q[0] for q in QUERIES])
@pytest.mark.parametrize("fmt", ["parquet", "arrow"])
def test_written_file_equals_rerun(chunkhouse_bin, corpus_dir, oracle, tmp_path, name, spec, args, fmt):
    out = tmp_path / f"{name}.{fmt}"
    proc = subprocess.run([chunkhouse_bin, "query", str(corpus_dir / f"{E}.rrd"), *args, "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    mine = pq.read_table(out) if fmt == "parquet" else pa.ipc.open_file(out).read_all()
    assert_same_table(mine, oracle[name])
    assert f"{oracle[name].num_rows} rows" in proc.stderr


def test_csv_on_stdout_has_one_value_cells_as_values(chunkhouse_bin, corpus_dir, oracle):
    proc = subprocess.run([chunkhouse_bin, "query", str(corpus_dir / f"{E}.rrd"), "--index", "t", "--fill", "-o", "-"],
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr
    table = pacsv.read_csv(pa.BufferReader(proc.stdout),
                           convert_options=pacsv.ConvertOptions(column_types={"t": pa.int64()}))
    theirs = oracle["fill_all"]
    assert table.schema.names == theirs.schema.names
    assert table.column("t").to_pylist() == theirs.column("t").to_pylist()
    col = "/a:Scalars:scalars"
    want = [None if v is None else (v[0] if len(v) == 1 else v) for v in theirs.column(col).to_pylist()]
    got = [None if v is None else float(v) for v in table.column(col).cast(pa.string()).to_pylist()]
    assert got == want


def test_bad_queries_fail_clearly_and_leave_no_file(chunkhouse_bin, corpus_dir, tmp_path):
    f = str(corpus_dir / f"{E}.rrd")
    out = tmp_path / "x.parquet"
    for args, needle in ((["--index", "nope"], "unknown index 'nope'"),
                         (["--index", "t", "--range", "3-6"], "expected START..END"),
                         (["--index", "t", "--at", "x"], "'x' is not an integer"),
                         ([], "either --index TIMELINE or --static")):
        proc = subprocess.run([chunkhouse_bin, "query", f, *args, "-o", str(out)], capture_output=True, text=True)
        assert proc.returncode == 1 and needle in proc.stderr, (args, proc.stderr)
        assert not out.exists() and not list(tmp_path.iterdir())
    proc = subprocess.run([chunkhouse_bin, "query", f, "--index", "t", "-o", str(tmp_path / "x.txt")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "cannot tell the output format" in proc.stderr


def test_query_a_parquet_file(chunkhouse_bin, tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"frame": pa.array([2, 0, 1], pa.int64()), "arm_x": [1.0, 2.0, 3.0]}), path)
    out = tmp_path / "out.arrow"
    proc = subprocess.run([chunkhouse_bin, "query", str(path), "--index", "row_index", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    t = pa.ipc.open_file(out).read_all()
    assert t.column("row_index").to_pylist() == [0, 1, 2]
    assert t.column("/arm:x").to_pylist() == [[1.0], [2.0], [3.0]]


def test_query_a_served_dataset_equals_the_file_query(chunkhouse_bin, corpus_dir, tmp_path):
    from test_server import Server

    data = tmp_path / "data"
    data.mkdir()
    (data / f"{E}.rrd").write_bytes((corpus_dir / f"{E}.rrd").read_bytes())
    server = Server(chunkhouse_bin, "-d", f"ds={data}")
    try:
        out = tmp_path / "served.arrow"
        proc = subprocess.run([chunkhouse_bin, "query", f"{server.address}/dataset/ds", "--index", "t", "--fill",
                               "-o", str(out)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr + server.stderr()
        served = pa.ipc.open_file(out).read_all()
        local = tmp_path / "local.arrow"
        proc = subprocess.run([chunkhouse_bin, "query", str(data / f"{E}.rrd"), "--index", "t", "--fill", "-o",
                               str(local)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        local_t = pa.ipc.open_file(local).read_all()
        # A dataset query adds the segment id in front and orders columns as the dataset's schema
        # does (as Rerun's server does); the columns are the recording's own query's.
        assert served.schema.names[0] == "rerun_segment_id"
        served = served.drop_columns(["rerun_segment_id"])
        assert sorted(served.schema.names) == sorted(local_t.schema.names)
        assert_same_table(served.select(local_t.schema.names), local_t)
        proc = subprocess.run([chunkhouse_bin, "query", f"{server.address}/dataset/nope", "--index", "t", "-o",
                               str(tmp_path / "n.arrow")], capture_output=True, text=True)
        assert proc.returncode == 1 and "no dataset named 'nope'" in proc.stderr
    finally:
        server.stop()
