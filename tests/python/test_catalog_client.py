"""chunkhouse's own catalog client (seeds 000-002): against chunkhouse server, and both ways
against Rerun's server / client, with the same tables as rerun-sdk's client gets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from datafusion import col, lit

import chunkhouse as rr
from conftest import copy_corpus
from test_server import Server, ref_python, rerun_client

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(data_dir):
    return sorted(data_dir.glob("*.rrd"))


@pytest.fixture(autouse=True)
def _bin(chunkhouse_bin, monkeypatch):
    monkeypatch.setenv("CHUNKHOUSE_BIN", chunkhouse_bin)


def same(a: pa.Table, b: pa.Table, index, in_order=False):
    keys = [("rerun_segment_id", "ascending")] + ([(index, "ascending")] if index else [])
    a, b = a.sort_by(keys), b.sort_by(keys)
    # `in_order`: columns in Rerun's order too. Its index columns come out reversed for dataset
    # schemas of up to 20 fields, and in an order of Rust's sort above that (notes/dataset_reader.md).
    if in_order:
        assert a.schema.names == b.schema.names
    assert sorted(a.schema.names) == sorted(b.schema.names)
    assert a.num_rows == b.num_rows
    for n in b.schema.names:
        assert a.column(n).combine_chunks().equals(b.column(n).combine_chunks()), n


def test_seed_001(files):
    recording = str(files[1])  # multi_timeline.rrd
    with rr.server.Server(datasets={"my_dataset": [recording]}) as server:
        client = server.client()
        dataset = client.get_dataset("my_dataset")
        schema = dataset.schema()
        assert [c.name for c in schema.index_columns()] == ["frame", "log_time", "sim_time", "wall"]
        assert any(c.name == "/robot/speed:Scalars:scalars" for c in schema.component_columns())
        df = dataset.reader(index="frame")
        assert df.to_arrow_table().num_rows == 20
        df = df.filter(col("frame") >= lit(0)).filter(col("frame") <= lit(10))
        df = df.select("frame", "/robot/speed:Scalars:scalars")
        assert df.to_arrow_table().num_rows == 11
        assert isinstance(dataset.reader(index="frame").to_pandas(), pd.DataFrame)
        assert pl.from_arrow(dataset.reader(index="frame").to_arrow_table()).height == 20
        assert duckdb.arrow(dataset.reader(index="frame").to_arrow_table()).aggregate("count(*)").fetchall()[0][0] == 20
        view = dataset.filter_contents(["/robot/**"]).filter_segments(["multi_timeline"])
        table = view.reader(index="frame", fill_latest_at=True).to_arrow_table()
        assert table.column("rerun_segment_id").to_pylist() == ["multi_timeline"] * 20
        assert dataset.reader(index=None).to_arrow_table().num_rows <= 1
    assert not server.is_running()


def test_seed_001_directory_and_address(files):
    with rr.server.Server(datasets={"dataset2": str(files[0].parent)}) as server:
        client = rr.catalog.CatalogClient(server.address())
        assert sorted(client.get_dataset("dataset2").segment_ids()) == ["columns", "multi_timeline", "query_edge_cases"]


def test_seed_000_and_002_flows(files):
    with rr.server.Server() as server:
        client = rr.catalog.CatalogClient(server.address())
        dataset = client.create_dataset(name="oss_demo")
        # Only files under allowed directories may be registered: this server allows none.
        with pytest.raises(ValueError, match="allow-dir"):
            dataset.register(f"file://{os.path.abspath(files[0])}")
    with rr.server.Server(datasets={"seed": [str(files[0])]}) as server:
        client = rr.catalog.CatalogClient(server.address())
        dataset = client.create_dataset(name="oss_demo")
        dataset.register(Path(files[0]).resolve().as_uri()).wait()
        tasks = dataset.register_batch([Path(files[0]).resolve().as_uri()], on_duplicate="skip")
        tasks.wait(100)
        dataset = client.get_dataset_entry(name="oss_demo")
        view = (
            dataset.dataframe_query_view(index="step", contents="/**")
            .filter_partition_id("columns")
            .filter_range_nanos(start=10, end=20)
            .fill_latest_at()
        )
        df = view.df()
        assert df.to_arrow_table().num_rows == 11
        assert df.to_pandas().shape[0] == 11 and df.to_polars().height == 11
        with pytest.raises(rr.catalog.AlreadyExistsError):
            client.create_dataset(name="oss_demo")
        with pytest.raises(LookupError):
            client.get_dataset("missing")
        with pytest.raises(rr.catalog.NotFoundError):
            client.get_dataset(id="0" * 32)
        with pytest.raises(ValueError, match="file://"):
            dataset.register("relative/path.rrd")
        dataset.delete()
        assert client.dataset_names() == ["seed"]


# (index, fill_latest_at, using_index_values): the values are the same for every segment (a list)
# or per segment (a dict), which also lets the server prune chunks by time.
PER_SEGMENT = {"multi_timeline": [2, 5, 19], "columns": [1]}
QUERIES = [("step", False, None), ("step", True, None), ("frame", True, None), ("frame", False, None), (None, False, None),
           ("frame", True, [0, 3, 7, 50]), ("frame", False, [-5, 0, 3]), ("frame", False, PER_SEGMENT),
           ("frame", True, PER_SEGMENT)]


def _using(values):
    if values is None:
        return None
    if isinstance(values, dict):
        return {k: np.array(v, dtype=np.int64) for k, v in values.items()}
    return np.array(values, dtype=np.int64)
COMPARED = ("columns", "multi_timeline", "query_edge_cases")


def rerun_tables(address: str, out: Path) -> None:
    """rerun-sdk's client: the same queries, written as Arrow files."""
    code = f"""
        import numpy as np
        import pyarrow as pa
        ds = client.get_dataset("ds")
        for i, (index, fill, using) in enumerate({QUERIES!r}):
            if isinstance(using, dict):
                using = {{k: np.array(v, dtype=np.int64) for k, v in using.items()}}
            elif using is not None:
                using = np.array(using, dtype=np.int64)
            t = ds.reader(index=index, fill_latest_at=fill, using_index_values=using).to_arrow_table()
            with pa.ipc.new_file("{out}/q%d.arrow" % i, t.schema) as w:
                w.write_table(t)
    """
    rerun_client(address, code)


def test_our_client_gets_rerun_clients_tables_from_our_server(files, tmp_path, chunkhouse_bin):
    files = [f for f in files if f.stem in COMPARED]
    server = Server(chunkhouse_bin, "--allow-dir", str(files[0].parent))
    try:
        ds = rr.catalog.CatalogClient(server.address).create_dataset(name="ds")
        assert sorted(ds.register([p.as_uri() for p in files]).wait().segment_ids) == list(COMPARED)
        rerun_tables(server.address, tmp_path)
        for i, (index, fill, using) in enumerate(QUERIES):
            theirs = pa.ipc.open_file(tmp_path / f"q{i}.arrow").read_all()
            same(ds.reader(index=index, fill_latest_at=fill, using_index_values=_using(using)).to_arrow_table(), theirs,
                 index)
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_our_client_against_rerun_server(files, tmp_path):
    port = free_port()
    rerun_bin = Path(ref_python()).parent / "rerun"
    # `rerun` is a launcher: its own session, so that the server it starts is stopped with it.
    proc = subprocess.Popen([str(rerun_bin), "server", "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        for _ in range(200):
            line = proc.stdout.readline()
            if "rerun+http" in line or "Listening" in line or not line:
                break
        address = f"rerun+http://127.0.0.1:{port}"
        client = rr.catalog.CatalogClient(address)
        ds = client.create_dataset(name="ds")
        files = [f for f in files if f.stem in COMPARED]
        assert sorted(ds.register([p.as_uri() for p in files]).wait(timeout_secs=60).segment_ids) == list(COMPARED)
        assert sorted(ds.segment_ids()) == list(COMPARED)
        rerun_tables(address, tmp_path)
        for i, (index, fill, using) in enumerate(QUERIES):
            theirs = pa.ipc.open_file(tmp_path / f"q{i}.arrow").read_all()
            same(ds.reader(index=index, fill_latest_at=fill, using_index_values=_using(using)).to_arrow_table(), theirs,
                 index)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_reregistering_a_rewritten_file_serves_the_new_contents(tmp_path, chunkhouse_bin):
    # The server keeps each file's footer reader: registering again must replace it.
    path = tmp_path / "rec.rrd"
    subprocess.run([chunkhouse_bin, "sample", str(path), "--frames", "5", "--recording-id", "rec"], check=True)
    with rr.server.Server(datasets={"ds": [path]}) as server:
        dataset = server.client().get_dataset("ds")
        before = dataset.reader(index="frame").to_arrow_table()
        assert sorted(before.column("frame").to_pylist()) == list(range(5))
        subprocess.run([chunkhouse_bin, "sample", str(path), "--frames", "12", "--recording-id", "rec"], check=True)
        dataset.register(path.resolve().as_uri(), on_duplicate="replace").wait()
        after = dataset.reader(index="frame").to_arrow_table()
        assert sorted(after.column("frame").to_pylist()) == list(range(12))


def test_segment_table_rename_and_unregister(tmp_path, corpus_dir):
    d = copy_corpus(corpus_dir, tmp_path / "recs", ("properties_only.rrd", "multi_timeline.rrd", "timestamps_textlog.rrd"))
    with rr.server.Server(datasets={"ds": d}) as server:
        client = server.client()
        ds = client.get_dataset("ds")
        table = ds.segment_table().to_arrow_table().sort_by("rerun_segment_id")
        assert table.column("rerun_segment_id").to_pylist() == ["multi_timeline", "properties_only", "timestamps_textlog"]
        assert table.column("rerun_num_chunks").to_pylist() == [3, 1, 3]
        assert table.column("property:RecordingInfo:start_time").to_pylist() == [[1700000000000000000]] * 3
        assert table.column("frame:start").to_pylist() == [0, None, None]
        assert table.column("frame:end").to_pylist() == [19, None, None]
        assert pa.types.is_duration(table.schema.field("sim_time:start").type)
        ds.set_name("renamed")
        assert ds.name == "renamed" and client.dataset_names() == ["renamed"]
        client.create_dataset("taken")
        with pytest.raises(rr.catalog.AlreadyExistsError):
            ds.set_name("taken")
        ds.unregister(segments_to_drop="multi_timeline").wait()
        assert sorted(ds.segment_ids()) == ["properties_only", "timestamps_textlog"]
        with pytest.raises(ValueError):
            ds.unregister()


CLEARS = """
import rerun as rr
rec = rr.RecordingStream("clears", recording_id="clears")
rec.save(PATH)
rec.set_time("t", sequence=0); rec.log("/a/b/c", rr.Points3D([[1, 2, 3]])); rec.log("/q", rr.TextLog("hi"))
rec.log("/p", rr.Scalars([1.0])); rec.log("/p/c", rr.Scalars([2.0]))
rec.set_time("t", sequence=1); rec.log("/a", rr.Clear(recursive=True)); rec.log("/p", rr.Clear(recursive=True))
rec.set_time("t", sequence=2); rec.log("/", rr.Clear(recursive=True))
rec.set_time("t", sequence=3); rec.log("/q", rr.TextLog("again"))
rec.set_time("t", sequence=4); rec.log("/a/b", rr.Clear(recursive=False)); rec.log("/a/b/c", rr.Points3D([[9, 9, 9]]))
rec.flush()
"""


def test_clears_on_other_entities_count_only_when_filling(tmp_path, chunkhouse_bin):
    # Rerun's reader fetches only the chunks of its columns' entities when not filling: the
    # recursive clears on /a and / make no rows and empty no cells then (notes/dataset_reader.md);
    # the one on /p (which has a column) does. Our client must give the same tables.
    data = tmp_path / "data"
    data.mkdir()
    subprocess.run([ref_python(), "-c", CLEARS.replace("PATH", repr(str(data / "clears.rrd")))], check=True)
    server = Server(chunkhouse_bin, "-d", f"ds={data}")
    try:
        ds = rr.catalog.CatalogClient(server.address).get_dataset("ds")
        out = rerun_client(server.address, f"""
            import pyarrow as pa
            ds = client.get_dataset("ds")
            for fill in (False, True):
                t = ds.reader(index="t", fill_latest_at=fill).to_arrow_table()
                with pa.ipc.new_file("{tmp_path}/clears_%d.arrow" % fill, t.schema) as w:
                    w.write_table(t)
                print(fill, sorted(t.column("t").to_pylist()))
        """)
        assert out.splitlines() == ["False [0, 1, 3, 4]", "True [0, 1, 2, 3, 4]"], out
        for fill in (False, True):
            theirs = pa.ipc.open_file(tmp_path / f"clears_{int(fill)}.arrow").read_all()
            same(ds.reader(index="t", fill_latest_at=fill).to_arrow_table(), theirs, "t", in_order=True)
    finally:
        server.stop()
