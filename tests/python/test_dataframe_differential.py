"""Differential suite: every query's result equals rerun-sdk's, cell by cell.

rerun-sdk 0.36.2's engine answers through the reference harness (`harness.py query`), which
maps each legacy-API query (seed 004) onto its `ChunkStore.reader`; chunkhouse answers through
`chunkhouse.dataframe`. Both sides are sorted on the index before comparing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import chunkhouse as ch
from conftest import run_oracle_queries

E = "query_edge_cases"
# (name, file stem, spec). Spec keys: index, contents, range, values, using, is_not_null, fill,
# include_semantically_empty, include_tombstone, select.
QUERIES = [
    # the basics
    ("all_t", E, {"index": "t"}),
    ("all_sim_time", E, {"index": "sim_time"}),
    ("all_other", E, {"index": "other"}),
    ("fill_all", E, {"index": "t", "fill": True}),
    ("static_only", E, {"index": None}),
    # 7.1/7.34 ties at one index; 7.10 negative index values
    ("tie", E, {"index": "t", "contents": "/tie"}),
    ("negative", E, {"index": "t", "contents": "/neg /a"}),
    # 7.5-7.8 static over temporal, static repeated on every row
    ("static_over_alone", E, {"index": "t", "contents": "/static_over/**"}),
    ("static_with_others", E, {"index": "t", "contents": "/static_over /a"}),
    ("static_fill", E, {"index": "t", "contents": "/static_over /a /late", "fill": True}),
    ("static_text_using", E, {"index": "t", "contents": "/static_text /a", "using": [-100, 3, 7, 1000]}),
    # 7.3/7.4 empty lists
    ("points", E, {"index": "t", "contents": "/points"}),
    ("points_with_empty", E, {"index": "t", "contents": "/points", "include_semantically_empty": True}),
    ("points_fill", E, {"index": "t", "contents": "/points", "fill": True}),
    # 7.11 range inclusivity, reversed bounds; 7.16 fill across the range start
    ("range", E, {"index": "t", "range": [3, 6]}),
    ("range_reversed", E, {"index": "t", "range": [6, 3]}),
    ("range_fill", E, {"index": "t", "range": [21, 30], "fill": True}),
    ("range_fill_late", E, {"index": "t", "contents": "/late /a", "range": [11, 30], "fill": True}),
    ("range_fill_skips_chunks", E, {"index": "t", "contents": "/late /a", "range": [15, 30], "fill": True}),
    ("range_seconds", E, {"index": "sim_time", "range": [1_000_000_000, 3_000_000_000]}),
    # 7.12 index values with absent values
    ("values", E, {"index": "t", "values": [0, 3, 6, 99]}),
    ("values_range", E, {"index": "t", "values": [0, 3, 6, 99], "range": [2, 10]}),
    # 7.13-7.15 sampling
    ("using_absent", E, {"index": "t", "using": [-1, 15, 30]}),
    ("using_fill", E, {"index": "t", "using": [-1, 2, 7, 15, 30], "fill": True}),
    ("using_unsorted", E, {"index": "t", "using": [9, 0, 4], "fill": True}),
    ("using_empty", E, {"index": "t", "using": []}),
    ("using_dense_fill", E, {"index": "t", "contents": "/a /late", "using": list(range(-3, 30)), "fill": True}),
    # pov
    ("not_null_a", E, {"index": "t", "is_not_null": "/a:Scalars:scalars"}),
    ("not_null_late_fill", E, {"index": "t", "is_not_null": "/late:TextLog:text", "fill": True}),
    ("not_null_colors", E, {"index": "t", "contents": "/points", "is_not_null": "/points:Points3D:colors"}),
    ("not_null_missing", E, {"index": "t", "is_not_null": "/nothing:Scalars:scalars"}),
    # 7.22-7.27 clears
    ("clears", E, {"index": "t", "contents": "/world/**"}),
    ("clears_fill", E, {"index": "t", "contents": "/world/**", "fill": True}),
    ("clears_tombstones", E, {"index": "t", "contents": "/world/**", "include_tombstone": True}),
    ("clears_child_only", E, {"index": "t", "contents": "/world/child"}),
    ("clears_range_fill", E, {"index": "t", "contents": "/world/**", "range": [5, 9], "fill": True}),
    # 7.29/7.30 content expressions
    ("contents_exclude", E, {"index": "t", "contents": "/** - /world/**"}),
    ("contents_precedence", E, {"index": "t", "contents": ["/**", "-/world/**", "/world/child"]}),
    ("contents_lines", E, {"index": "t", "contents": "/a\n/late\n- /late"}),
    ("contents_nothing", E, {"index": "t", "contents": []}),
    ("contents_no_match", E, {"index": "t", "contents": "/does/not/exist"}),
    ("contents_dict", E, {"index": "t", "contents": {"/**": ["Scalars:scalars"]}}),
    ("contents_dict_entities", E, {"index": "t", "contents": {"/points": ["Points3D:colors"], "/a": "Scalars:scalars"}}),
    # 7.18 other timelines, columns from different chunks
    ("two_chunks_a", E, {"index": "t", "contents": "/a"}),
    ("select", E, {"index": "t", "select": ["t", "/a:Scalars:scalars", "sim_time"]}),
    # other files of the corpus
    ("multi_timeline_frame", "multi_timeline", {"index": "frame"}),
    ("multi_timeline_wall_fill", "multi_timeline", {"index": "wall", "fill": True}),
    ("multi_timeline_log_time", "multi_timeline", {"index": "log_time"}),
    ("out_of_order", "out_of_order", {"index": "frame"}),
    ("out_of_order_step_fill", "out_of_order", {"index": "step", "fill": True}),
    ("columns_time_range", "columns", {"index": "time", "range": [1_700_000_000_000_000_000, 1_700_000_050_000_000_000]}),
    ("columns_step", "columns", {"index": "step", "fill": True}),
    ("textlog", "timestamps_textlog", {"index": "wall"}),
    ("durations", "durations_scalars", {"index": "sim_time", "fill": True}),
    ("transforms", "transforms_clears", {"index": "frame", "include_tombstone": True}),
    ("transforms_fill", "transforms_clears", {"index": "frame", "fill": True}),
    ("points_seq", "sequence_points", {"index": "frame", "fill": True}),
    ("images", "images_tensors", {"index": "frame"}),
    ("static_only_file", "static_only", {"index": None}),
]


def ours(path: Path, spec: dict) -> pa.Table:
    rec = ch.dataframe.load_recording(path)
    view = rec.view(index=spec.get("index"), contents=spec.get("contents", "/**"),
                    include_semantically_empty_columns=spec.get("include_semantically_empty", False),
                    include_tombstone_columns=spec.get("include_tombstone", False))
    if spec.get("range") is not None:
        view = view.filter_range_nanos(*spec["range"])
    if spec.get("values") is not None:
        view = view.filter_index_values(spec["values"])
    if spec.get("using") is not None:
        view = view.using_index_values(spec["using"])
    if spec.get("is_not_null") is not None:
        view = view.filter_is_not_null(spec["is_not_null"])
    if spec.get("fill"):
        view = view.fill_latest_at()
    return view.select(*spec["select"]).read_all() if spec.get("select") else view.select().read_all()


@pytest.fixture(scope="module")
def oracle(corpus_dir, tmp_path_factory):
    """All answers from rerun-sdk, computed in one harness run."""
    out = tmp_path_factory.mktemp("oracle")
    jobs = [{"file": str(corpus_dir / f"{stem}.rrd"), "spec": spec, "out": str(out / f"{name}.arrow")}
            for name, stem, spec in QUERIES]
    run_oracle_queries(jobs, out)
    answers = {}
    for name, _, _ in QUERIES:
        meta = json.loads((out / f"{name}.arrow.json").read_text())
        table = pa.ipc.open_file(out / f"{name}.arrow").read_all() if meta["ok"] else None
        answers[name] = (table, meta)
    return answers


def test_at_least_forty_queries():
    assert len(QUERIES) >= 40
    assert len({q[0] for q in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize("name,stem,spec", QUERIES, ids=[q[0] for q in QUERIES])
def test_query_equals_rerun(corpus_dir, oracle, name, stem, spec):
    theirs, meta = oracle[name]
    assert meta["ok"], f"rerun-sdk failed on {name}: {meta['error']}"
    mine = ours(corpus_dir / f"{stem}.rrd", spec)
    index = spec.get("index")
    names = theirs.schema.names
    if not meta["compare_other_indexes"]:
        index_names = {f.name for f in theirs.schema if (f.metadata or {}).get(b"rerun:kind") == b"index"}
        names = [n for n in names if n == index or n not in index_names]
    assert [n for n in mine.schema.names if n in names] == names, f"columns differ: {mine.schema.names} vs {theirs.schema.names}"
    assert mine.num_rows == theirs.num_rows, f"{mine.num_rows} rows, rerun-sdk has {theirs.num_rows}"
    for n in names:
        a, b = mine.column(n).combine_chunks(), theirs.column(n).combine_chunks()
        assert a.type == b.type, f"column {n}: type {a.type} vs {b.type}"
        assert a.equals(b), f"column {n} differs:\nours   {a.to_pylist()[:20]}\nrerun  {b.to_pylist()[:20]}"
