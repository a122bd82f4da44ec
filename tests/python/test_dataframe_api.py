"""The seed 004 API as written, with `import chunkhouse as rr`, and its error messages."""

from __future__ import annotations

import subprocess

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import chunkhouse as rr


@pytest.fixture(scope="module")
def path(corpus_dir):
    return str(corpus_dir / "multi_timeline.rrd")


@pytest.fixture(scope="module")
def edge(corpus_dir):
    return str(corpus_dir / "query_edge_cases.rrd")


def test_recipes_from_the_seed(path):
    recording = rr.dataframe.load_recording(path)
    view = recording.view(index="frame", contents="/**")
    table = view.select().read_all()
    assert isinstance(table, pa.Table) and table.num_rows == 20
    df = view.select().read_pandas()
    assert isinstance(df, pd.DataFrame) and len(df) == 20
    pdf = pl.from_arrow(view.select().read_all())
    assert isinstance(pdf, pl.DataFrame) and pdf.height == 20
    rel = duckdb.arrow(view.select())
    assert rel.aggregate("count(*)").fetchall()[0][0] == 20
    assert table.column("frame").to_pylist() == list(range(20))


def test_schema_lists_timelines_and_columns(path):
    schema = rr.dataframe.load_recording(path).schema()
    assert [c.name for c in schema.index_columns()] == ["frame", "log_time", "sim_time", "wall"]
    names = [c.name for c in schema.component_columns()]
    assert "/robot/speed:Scalars:scalars" in names
    col = schema.column_for("/robot/speed", "Scalars:scalars")
    assert col.archetype == "rerun.archetypes.Scalars" and col.component_type == "rerun.components.Scalar"


def test_archive_lists_recordings_and_blueprints(corpus_dir, tmp_path, chunkhouse_bin):
    archive = rr.dataframe.load_archive(corpus_dir / "recording_and_blueprint.rrd")
    assert archive.num_recordings() == 2
    assert all(r.schema().index_columns() for r in archive.all_recordings())
    # One recording beside a blueprint is still "the" recording ...
    assert rr.dataframe.load_recording(corpus_dir / "recording_and_blueprint.rrd").recording_id() == "recording_and_blueprint"
    # ... but two recordings need load_archive.
    merged = tmp_path / "two.rrd"
    subprocess.run([chunkhouse_bin, "rrd", "rewrite", str(corpus_dir / "columns.rrd"), str(corpus_dir / "out_of_order.rrd"),
                    "-o", str(merged)], check=True)
    with pytest.raises(ValueError, match="expected exactly one recording, found 2"):
        rr.dataframe.load_recording(merged)
    assert sorted(r.recording_id() for r in rr.dataframe.load_archive(merged).all_recordings()) == ["columns", "out_of_order"]


def test_content_forms_from_the_seed(edge):
    recording = rr.dataframe.load_recording(edge)
    names = lambda view: view.select().schema.names
    assert "/world/child:Points3D:positions" not in names(recording.view(index="t", contents="/**\n- /world/**"))
    scalars = names(recording.view(index="t", contents={"/**": ["Scalar"]}))
    assert scalars[:3] == ["other", "sim_time", "t"] and all(n.endswith("Scalars:scalars") for n in scalars if ":" in n)
    assert len([n for n in scalars if ":" in n]) >= 3
    picked = names(recording.view(index="t", contents={"/world/**": ["Position3D", "Color"], "/static_text": ["Text"]}))
    assert [n for n in picked if ":" in n] == ["/static_text:TextLog:text", "/world/child:Points3D:positions"]


def test_filters_and_select(edge):
    view = rr.dataframe.load_recording(edge).view(index="t", contents="/a")
    assert view.filter_range_sequence(0, 10).select().read_all().column("t").to_pylist() == list(range(11))
    assert view.filter_index_values([0, 5, 99]).select().read_all().column("t").to_pylist() == [0, 5]
    sampled = view.using_index_values(np.array([3, 100], dtype=np.int64)).fill_latest_at().select().read_all()
    assert sampled.column("/a:Scalars:scalars").to_pylist() == [[30.0], [140.0]]
    picked = view.select("t", "/a:Scalars:scalars").read_all()
    assert picked.schema.names == ["t", "/a:Scalars:scalars"]
    picked = view.select(columns=["/a:Scalar"]).read_all()
    assert picked.schema.names == ["/a:Scalars:scalars"]
    seconds = rr.dataframe.load_recording(edge).view(index="sim_time", contents="/a").filter_range_seconds(1.0, 2.0)
    assert seconds.select("sim_time").read_all().column(0).cast(pa.int64()).to_pylist() == [
        1_000_000_000, 1_500_000_000, 2_000_000_000]
    assert view.filter_is_not_null("/a:Scalars:scalars").select().read_all().num_rows == 15


def test_select_static(edge):
    view = rr.dataframe.load_recording(edge).view(index="t", contents="/**")
    table = view.select_static().read_all()
    assert table.num_rows == 1
    assert table.schema.names == ["/static_over:Scalars:scalars", "/static_text:TextLog:text"]
    assert table.column(0).to_pylist() == [[42.0]]


def test_batches_stream(edge):
    reader = rr.dataframe.load_recording(edge).view(index="t", contents="/**").select()
    assert isinstance(reader, pa.RecordBatchReader)
    batches = list(reader)
    assert sum(b.num_rows for b in batches) == 19


def test_errors_say_what_exists(edge):
    recording = rr.dataframe.load_recording(edge)
    with pytest.raises(ValueError, match=r"unknown index 'frame_nr'.*sim_time.*t"):
        recording.view(index="frame_nr", contents="/**")
    with pytest.raises(ValueError, match=r"unknown column '/a:Nope'.*/a:Scalars:scalars"):
        recording.view(index="t", contents="/**").select("/a:Nope")
    with pytest.raises(ValueError, match=r"unknown index column 'frame'.*sim_time"):
        recording.view(index="t", contents="/**").select("frame")
    with pytest.raises(ValueError, match=r"malformed entity path expression '/wor\*ld'"):
        recording.view(index="t", contents="/wor*ld")
    with pytest.raises(ValueError, match="contents must be"):
        recording.view(index="t", contents=42)
    with pytest.raises(ValueError, match="unique"):
        recording.view(index="t", contents="/**").using_index_values([5, 5])
    with pytest.raises(TypeError, match="integers"):
        recording.view(index="t", contents="/**").filter_index_values([1.5])
    with pytest.raises(ValueError, match="needs a column"):
        recording.view(index="t", contents="/**").filter_is_not_null("nocolon")
    with pytest.raises(ValueError, match="cannot open"):
        rr.dataframe.load_recording("/nonexistent/file.rrd")
