"""Cases for test_parquet_reader.py, shared by both sides: the Parquet files (written once, by the
reference side, with pyarrow) and each case as `fn(rx, paths) -> value`, where rx is
rerun.experimental or chunkhouse.experimental. A case's value describes every chunk the reader
yields (ids left out: they are fresh on every read) and, when reading fails, the error."""

from __future__ import annotations

import builtins
import datetime
import json

# Base classes an error is compared by (ours are subclasses of the builtins rerun-sdk raises).
ERROR_BASES = ("FileNotFoundError", "NotImplementedError", "TypeError", "AttributeError", "ValueError", "RuntimeError")


def error_of(err: BaseException) -> list:
    for base in ERROR_BASES:
        if isinstance(err, getattr(builtins, base)):
            return [base, str(err)]
    return [type(err).__name__, str(err)]


def write_files(out) -> dict:
    """The fixture files (notes/parquet.md's generator); returns name -> path."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths = {}

    def put(name, table, **kw):
        path = str(out / f"{name}.parquet")
        pq.write_table(table, path, **kw)
        paths[name] = path

    names = ["frame_index", "A_pos_x", "A_pos_y", "speed", "cam_rgb", "_lead", "__", "_", "trail_", "a__b",
             "a_b_c", "B_x", "b_x", "x/y_z", "sp ace_q", "\u00fcmlaut_\u00e9", "dup_x", "dup", "a.b_c", "a.b_d"]
    put("grouping", pa.table({n: pa.array(np.arange(3, dtype="f8") + i) for i, n in enumerate(names)}))
    put("explicit", pa.table({n: pa.array([float(i)]) for i, n in
                              enumerate(["catalog_x", "catalog_y", "cat_a", "catb", "cat", "ca_z", "cb", "Cat_q",
                                         "cat__u"])}))
    n = 2100
    put("rowgroups", pa.table({"x": pa.array(np.arange(n, dtype="f8")), "g_a": pa.array(np.arange(n)),
                               "g_b": pa.array(np.arange(n)), "const": pa.array([1.5] * n),
                               "step": pa.array([1] * 1024 + [2] * (n - 1024))}), row_group_size=700)
    put("index", pa.table({"i64": pa.array([3, 1, 2], pa.int64()), "i32": pa.array([1, 2, 3], pa.int32()),
                           "i16": pa.array([1, 2, 3], pa.int16()), "i8": pa.array([1, 2, 3], pa.int8()),
                           "u32": pa.array([1, 2, 3], pa.uint32()), "u64": pa.array([1, 2, 2**63 + 5], pa.uint64()),
                           "f64": pa.array([1.7, -2.7, 3.0]), "f32": pa.array([1.5, 2.5, 3.5], pa.float32()),
                           "tsms": pa.array([1, 2, 3], pa.timestamp("ms")),
                           "tsus_tz": pa.array([1, 2, 3], pa.timestamp("us", tz="UTC")),
                           "dur_s": pa.array([1, 2, 3], pa.duration("s")), "str": pa.array(["a", "b", "c"]),
                           "v": pa.array([10.0, 20.0, 30.0])}))
    put("sort", pa.table({"b": pa.array([5, 9, 7, 1]), "a": pa.array([2, 1, 1, 0]),
                          "v": pa.array([10.0, 20.0, 30.0, 40.0])}))
    put("static", pa.table({"t": pa.array([0, 1, 2]), "v_a": pa.array([1.0, 2.0, 3.0]), "suite": pa.array(["s"] * 3),
                            "cfg_k": pa.array([7] * 3, pa.int32()), "lst": pa.array([[1, 2]] * 3),
                            "nul": pa.array([None] * 3, pa.float64()), "vary": pa.array(["a", "b", "a"]),
                            "nan": pa.array([float("nan")] * 3)}))
    sch = pa.schema([pa.field("g_nn", pa.int32(), nullable=False), pa.field("g_n", pa.int32())])
    t = pa.table({"g_nn": pa.array([1, 2], pa.int32()), "g_n": pa.array([None, 2], pa.int32())}, schema=sch)
    for name, arr in [("b", pa.array([True, None])), ("ls", pa.array(["x", "y"], pa.large_string())),
                      ("dict", pa.array(["a", "b"]).dictionary_encode()),
                      ("ts", pa.array([1, 2], pa.timestamp("ms", tz="UTC"))),
                      ("d32", pa.array([datetime.date(2020, 1, 1), None])),
                      ("st", pa.array([{"p": 1, "q": "a"}, None])), ("lst", pa.array([[1, 2], None])),
                      ("fsl", pa.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], pa.list_(pa.float32(), 3)))]:
        t = t.append_column(name, arr)
    put("types", t)
    put("dups", pa.Table.from_arrays([pa.array([1.0, 2.0]), pa.array([3.0, 4.0]), pa.array([5.0, 6.0])],
                                     names=["x", "x", "y"]))
    put("empty", pa.table({"t": pa.array([], pa.int64()), "a_x": pa.array([], pa.float64())}))
    put("kv", pa.table({"x": [1.0]}).replace_schema_metadata({"zeta": "1", "alpha": "two"}))
    put("nokv", pa.table({"x": [1.0]}), store_schema=False)
    put("empty_name", pa.table({"": [1.0, 2.0], "ok": [3.0, 4.0]}))
    junk = out / "junk.parquet"
    junk.write_bytes(b"this is not a parquet file at all")
    paths["junk"] = str(junk)
    paths["dir"] = str(out)
    paths["missing"] = str(out / "missing.parquet")
    return paths


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


def _values(column):
    import pyarrow as pa

    if pa.types.is_timestamp(column.type) or pa.types.is_duration(column.type):
        return column.cast(pa.int64()).to_pylist()
    try:
        return column.to_pylist()
    except (ValueError, pa.ArrowException):  # duplicate struct field names, ns times inside lists
        return column.to_string()


def describe(chunks) -> list:
    out = []
    for chunk in chunks:
        batch = chunk.to_record_batch()
        fields = []
        for field, column in zip(batch.schema, batch.columns):
            md = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
            if md.get("rerun:kind") == "control":
                continue  # the row ids: fresh on every read
            fields.append([field.name, str(field.type), field.nullable, md, _values(column)])
        out.append({"entity": chunk.entity_path, "static": chunk.is_static, "rows": chunk.num_rows,
                    "fields": _jsonable(fields)})
    return out


def rerun_verified_description(path: str) -> list:
    """An .rrd file checked by `rerun rrd verify`, and its chunks as rerun-sdk reads them (described)."""
    import subprocess
    import sys
    from pathlib import Path

    from conftest import HARNESS

    verify = subprocess.run([sys.executable, str(HARNESS), "rerun", "rrd", "verify", str(path)], capture_output=True,
                            text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    here = str(Path(__file__).parent)
    dump = subprocess.run([sys.executable, str(HARNESS), "python", "-c",
                           "import json, sys; sys.path.insert(0, sys.argv[2]); import parquet_cases as c; "
                           "import rerun.experimental as rx; "
                           "print(json.dumps(c.describe(rx.RrdReader(sys.argv[1]).stream().to_chunks())))",
                           str(path), here], capture_output=True, text=True)
    assert dump.returncode == 0, dump.stderr
    return json.loads(dump.stdout.strip().splitlines()[-1])


def read(stream) -> dict:
    """Every chunk a stream yields, and the error that ended it, if one did."""
    chunks, error = [], None
    try:
        for chunk in stream:
            chunks.append(chunk)
    except Exception as err:  # noqa: BLE001
        error = error_of(err)
    return {"chunks": describe(chunks), "error": error}


def _stream(rx, path, **kw):
    try:
        stream = rx.ParquetReader(path).stream(**kw)
    except Exception as err:  # noqa: BLE001
        return {"chunks": [], "error": ["at stream(): " + error_of(err)[0], error_of(err)[1]]}
    return read(stream)


def _case(file, **kw):
    def run(rx, paths):
        kw2 = dict(kw)
        if "index_columns" in kw2:
            kw2["index_columns"] = [getattr(rx.IndexColumn, kind)(col, **extra) for kind, col, extra in kw2["index_columns"]]
        return _stream(rx, paths[file], **kw2)
    return run


CASES = {
    "grouping_default": _case("grouping"),
    "grouping_flat": _case("grouping", use_structs=False),
    "grouping_individual": _case("grouping", column_grouping="individual"),
    "grouping_dot": _case("grouping", delimiter="."),
    "grouping_prefix_world": _case("grouping", entity_path_prefix="world"),
    "grouping_frame_index": _case("grouping", index_columns=[("sequence", "frame_index", {})]),
    "explicit_struct": _case("explicit", column_grouping="explicit_prefixes", prefixes=["cat", "ca", "catalog"]),
    "explicit_flat": _case("explicit", column_grouping="explicit_prefixes", prefixes=["cat", "ca", "catalog"],
                           use_structs=False),
    "explicit_two": _case("explicit", column_grouping="explicit_prefixes", prefixes=["ca", "cb"]),
    "rowgroups_static_ok": _case("rowgroups", static_columns=["const"]),
    "rowgroups_static_changes": _case("rowgroups", static_columns=["step"]),
    "rowgroups_index_x_seconds": _case("rowgroups", index_columns=[("duration", "x", {"input_unit": "s"})]),
    "index_i64_sequence": _case("index", index_columns=[("sequence", "i64", {})]),
    "index_i32_timestamp_ms": _case("index", index_columns=[("timestamp", "i32", {"input_unit": "ms"})]),
    "index_i16_duration_us": _case("index", index_columns=[("duration", "i16", {"input_unit": "us"})]),
    "index_u32_u64": _case("index", index_columns=[("sequence", "u32", {}), ("sequence", "u64", {})]),
    "index_floats": _case("index", index_columns=[("timestamp", "f64", {"input_unit": "us"}),
                                                  ("duration", "f32", {"input_unit": "ms"})]),
    "index_temporal_types": _case("index", index_columns=[("timestamp", "tsms", {}), ("timestamp", "tsus_tz", {}),
                                                          ("duration", "dur_s", {"input_unit": "s"})]),
    "index_unusable_types": _case("index", index_columns=[("sequence", "i8", {}), ("sequence", "str", {})]),
    "sort_two_timelines": _case("sort", index_columns=[("sequence", "b", {}), ("sequence", "a", {})]),
    "sort_sorted_first": _case("sort", index_columns=[("sequence", "a", {})]),
    "static_ok": _case("static", static_columns=["suite", "cfg_k", "lst"]),
    "static_twice_and_prefix": _case("static", static_columns=["suite", "suite"], entity_path_prefix="/world/"),
    "static_nan": _case("static", static_columns=["nan"]),
    "static_null": _case("static", static_columns=["nul"]),
    "static_varies": _case("static", static_columns=["vary"]),
    "static_and_index": _case("static", static_columns=["t"], index_columns=[("sequence", "t", {})]),
    "types": _case("types"),
    "types_flat": _case("types", use_structs=False),
    "dups_default": _case("dups"),
    "dups_individual": _case("dups", column_grouping="individual"),
    "dups_flat": _case("dups", use_structs=False),
    "empty": _case("empty", static_columns=["t"]),
    "kv": _case("kv"),
    "nokv": _case("nokv"),
    "empty_name": _case("empty_name"),
    "error_grouping": _case("kv", column_grouping="bogus"),
    "error_prefixes_with_prefix": _case("kv", prefixes=[]),
    "error_explicit_without": _case("kv", column_grouping="explicit_prefixes"),
    "error_explicit_empty": _case("kv", column_grouping="explicit_prefixes", prefixes=[]),
    "error_unit": _case("index", index_columns=[("timestamp", "i64", {"input_unit": "h"})]),
    "error_missing_index": _case("kv", index_columns=[("sequence", "missing", {})]),
    "error_missing_static": _case("kv", static_columns=["missing"]),
    "error_delimiter": _case("kv", delimiter="__"),
}


def _missing(rx, paths):
    try:
        rx.ParquetReader(paths["missing"])
    except Exception as err:  # noqa: BLE001
        return error_of(err)
    return None


def _path_and_repr(rx, paths):
    reader = rx.ParquetReader(paths["kv"])
    return [str(reader.path), type(reader.path).__name__, repr(reader).replace(paths["kv"], "<path>"),
            repr(rx.IndexColumn.timestamp("t", input_unit="ms")), repr(rx.IndexColumn.sequence("f"))]


def _rerun_twice(rx, paths):
    stream = rx.ParquetReader(paths["rowgroups"]).stream()
    first, second = describe(stream.to_chunks()), describe(stream.to_chunks())
    return [len(first), first == second]


CASES.update({"missing_file": _missing, "path_and_repr": _path_and_repr, "stream_twice": _rerun_twice})

# Cases whose error text comes from the Parquet library (arrow-rs there, Arrow C++ here): the
# kind and the "File path:" line must match, not the library's own words.
LIBRARY_ERRORS = {"error_junk": "junk", "error_directory": "dir"}


def _library_error(file):
    def run(rx, paths):
        return _stream(rx, paths[file])
    return run


for _name, _file in LIBRARY_ERRORS.items():
    CASES[_name] = _library_error(_file)
