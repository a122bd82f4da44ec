"""Cases for the column helpers and chunk constructors, run on both sides: by
test_columns_differential.py with `chunkhouse` and by columns_reference.py (in the rerun-sdk venv)
with `rerun`. Each case is `case_<name>(rr, rx, pa, np)` returning something JSON can hold.

Chunks are described with their minted ids redacted (`describe`): the chunk id and row-id values
are left out, but the row ids are checked to be sequential (same time half, counter +1 per row),
so row order is compared through the data.
"""

from __future__ import annotations

import datetime as _dt
import warnings

CASES: dict = {}


def case(fn):
    CASES[fn.__name__.removeprefix("case_")] = fn
    return fn


# --- helpers --------------------------------------------------------------------------------------

def _md(md) -> dict:
    return {k.decode(): v.decode() for k, v in (md or {}).items()}


def _row_ids_sequential(array) -> bool:
    ids = [bytes(v) for v in array.to_pylist()]
    for a, b in zip(ids, ids[1:]):
        if a[:8] != b[:8] or int.from_bytes(b[8:], "big") != int.from_bytes(a[8:], "big") + 1:
            return False
    return True


def describe(chunk) -> dict:
    rb = chunk.to_record_batch()
    schema_md = _md(rb.schema.metadata)
    assert schema_md.pop("rerun:id").startswith("chunk_")
    fields, data = [], {}
    for field, column in zip(rb.schema, rb.columns):
        fields.append([field.name, str(field.type), field.nullable, _md(field.metadata)])
        if field.name == "rerun.controls.RowId":
            data[field.name] = {"sequential": _row_ids_sequential(column), "n": len(column)}
        elif _md(field.metadata).get("rerun:kind") == "index":
            data[field.name] = column.view(__import__("pyarrow").int64()).to_pylist()
        else:
            data[field.name] = column.to_pylist()
    return {
        "entity_path": chunk.entity_path, "num_rows": chunk.num_rows, "num_columns": chunk.num_columns,
        "len": len(chunk), "is_static": chunk.is_static, "is_empty": chunk.is_empty,
        "timeline_names": sorted(chunk.timeline_names), "schema_md": schema_md, "fields": fields, "data": data,
        "format": chunk.format(redact=True), "format_untrimmed": chunk.format(redact=True, trim_metadata_keys=False),
    }


def outcome(fn):
    """fn()'s value, or its error as [type, message]; warnings listed beside."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = {"ok": fn()}
        except Exception as err:  # noqa: BLE001
            result = {"error": [type(err).__name__, str(err)]}
    result["warnings"] = [[w.category.__name__, str(w.message)] for w in caught]
    return result


def columns_of(columns) -> list:
    """What each column holds: descriptor, Arrow type and values."""
    out = []
    for c in columns:
        d = c.component_descriptor()
        a = c.as_arrow_array()
        out.append({"descriptor": [d.component, d.archetype, d.component_type, str(d)],
                    "type": str(a.type), "values": a.to_pylist()})
    return out


def build(rx, entity, indexes, columns):
    return outcome(lambda: describe(rx.Chunk.from_columns(entity, indexes=indexes, columns=columns)))


def single(rx, rb):
    """Chunk.from_record_batch(rb) with the batch alone: one Chunk in seed/0.33 form (chunkhouse),
    a one-element list in 0.36 (rerun-sdk); both read as the one chunk."""
    got = rx.Chunk.from_record_batch(rb)
    if isinstance(got, list):
        assert len(got) == 1
        return got[0]
    return got


def positions3(rr):
    return rr.Points3D.columns(positions=[[1, 2, 3], [10, 20, 30], [4, 5, 6]])


# --- seed 003 and spec §11 cases 1–13 --------------------------------------------------------------

@case
def case_seed_from_columns(rr, rx, pa, np):
    return build(rx, "/robots/arm", [rr.TimeColumn("frame", sequence=[0, 1, 2])],
                 rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6], [7, 8, 9]]))


@case
def case_spec01_partition(rr, rx, pa, np):
    return build(rx, "/test/entity", [rr.TimeColumn("frame", sequence=[0, 1])], positions3(rr).partition(lengths=[2, 1]))


@case
def case_spec02_static(rr, rx, pa, np):
    return build(rx, "/test/entity", [], positions3(rr).partition(lengths=[2, 1]))


@case
def case_spec03_two_timelines(rr, rx, pa, np):
    return build(rx, "/test/entity",
                 [rr.TimeColumn("frame", sequence=[0, 1]), rr.TimeColumn("timestamp", timestamp=[1000.0, 2000.0])],
                 positions3(rr).partition(lengths=[2, 1]))


@case
def case_spec04_length_mismatch(rr, rx, pa, np):
    return build(rx, "/test/entity", [rr.TimeColumn("frame", sequence=[0, 1, 2])], positions3(rr).partition([2, 1]))


@case
def case_spec06_with_entity_path(rr, rx, pa, np):
    c = rx.Chunk.from_columns("/test/entity", [rr.TimeColumn("frame", sequence=[0, 1])], positions3(rr).partition([2, 1]))
    moved = c.with_entity_path("/left/sensor")
    return {"moved": describe(moved), "same_id": moved.id == c.id}


@case
def case_spec07_round_trip(rr, rx, pa, np):
    c = rx.Chunk.from_columns("/robots/arm", [rr.TimeColumn("frame", sequence=[2, 0, 1]),
                                              rr.TimeColumn("t", duration=[1.5, 0.5, 1.0])],
                              rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6], [7, 8, 9]], radii=[1, 2, 3]))
    rb = c.to_record_batch()
    back = single(rx, rb)
    return {"same_id": back.id == c.id, "entity": back.entity_path, "rows": back.num_rows,
            "batch_equal": back.to_record_batch().equals(rb),
            "schema_equal": back.to_record_batch().schema.equals(rb.schema, check_metadata=True),
            "describe": describe(back)}


@case
def case_spec08_plain_batch(rr, rx, pa, np):
    # The message differs between the seed form (chunkhouse) and 0.36 (rerun-sdk); the type is ValueError in both.
    got = outcome(lambda: single(rx, pa.record_batch({"x": [1, 2, 3]})))
    return {"error_type": got["error"][0] if "error" in got else None}


def _dataframe(rx, rb, **kwargs):
    return outcome(lambda: [describe(c) for c in rx.Chunk.from_record_batch(rb, **kwargs)])


@case
def case_spec09_index_types(rr, rx, pa, np):
    out = {}
    for t in [pa.int64(), pa.timestamp("ns"), pa.duration("ns"), pa.timestamp("ns", tz="UTC")]:
        rb = pa.RecordBatch.from_arrays(
            [pa.array([1, 2], t), pa.array([[1.0], [2.0]], pa.list_(pa.float32()))],
            schema=pa.schema([pa.field("t", t), pa.field("/e:c", pa.list_(pa.float32()), metadata={"rerun:entity_path": "/e"})]))
        out[str(t)] = _dataframe(rx, rb, index="t")
    return out


def _convention_batch(pa):
    index = pa.field("t", pa.int64(), metadata={"rerun:kind": "index"})
    names = ["/e:c", "/e:Arch:c", "foo:bar", "property:foo", "bare"]
    return pa.RecordBatch.from_arrays([pa.array([3, 1])] + [pa.array([1.0, 2.0], pa.float32()) for _ in names],
                                      schema=pa.schema([index] + [pa.field(n, pa.float32()) for n in names]))


@case
def case_spec10_name_convention(rr, rx, pa, np):
    return {"default": _dataframe(rx, _convention_batch(pa), index="t"),
            "entity_path": _dataframe(rx, _convention_batch(pa), entity_path="/world")}


@case
def case_spec11_first_seen_order(rr, rx, pa, np):
    rb = pa.RecordBatch.from_arrays([pa.array([1, 2]), pa.array([1.0, 2.0], pa.float32()), pa.array([3.0, 4.0], pa.float32())],
                                    names=["t", "/b:c", "/a:c"])
    return _dataframe(rx, rb, index="t")


@case
def case_spec12_dataframe_errors(rr, rx, pa, np):
    plain = pa.record_batch({"x": [1, 2, 3]})
    tagged = pa.RecordBatch.from_arrays([pa.array([1, None]), pa.array([1.0, 2.0])],
                                        schema=pa.schema([pa.field("t", pa.int64(), metadata={"rerun:kind": "index"}),
                                                          pa.field("v", pa.float64())]))
    out = {"no_index_auto": _dataframe(rx, plain, entity_path="/e"), "static_with_index": _dataframe(rx, tagged, index=None),
           "null_index": _dataframe(rx, tagged, entity_path="/e"), "nope": _dataframe(rx, plain, index="nope"),
           "only_index": _dataframe(rx, plain, index="x"), "empty_name": _dataframe(rx, plain, index=""),
           "static": _dataframe(rx, plain, index=None), "list_index": _dataframe(rx, tagged, index=["v"])}
    for t in [pa.timestamp("us"), pa.duration("ms"), pa.time64("ns")]:
        rb = pa.RecordBatch.from_arrays([pa.array([1, 2], t), pa.array([1.0, 2.0])], names=["t", "v"])
        out[str(t)] = _dataframe(rx, rb, index="t")
    return out


@case
def case_spec13_from_dataframe(rr, rx, pa, np):
    b = pa.RecordBatch.from_arrays([pa.array([1, 2]), pa.array([1.0, 2.0], pa.float32())], names=["t", "/e:c"])
    table = pa.Table.from_batches([b, b])
    got = outcome(lambda: [describe(c) for c in rx.Chunk.from_dataframe(table, index="t")])
    eager = outcome(lambda: rx.Chunk.from_dataframe("not a dataframe") and None)
    ident = rx.Chunk.from_columns("/x", [rr.TimeColumn("f", sequence=[1])], rr.Scalars.columns(scalars=[1.0]))
    kept = list(rx.Chunk.from_dataframe(ident.to_record_batch()))
    return {"got": got, "eager": eager, "identified_kept": [c.id == ident.id for c in kept]}


# --- awkward inputs to from_columns ----------------------------------------------------------------

@case
def case_unsorted_two_timelines(rr, rx, pa, np):
    return build(rx, "robots//arm/", [rr.TimeColumn("b", sequence=[2, 1, 0, 5, 1]), rr.TimeColumn("a", sequence=[1, 1, 0, 1, 1])],
                 rr.Scalars.columns(scalars=[10.0, 11.0, 12.0, 13.0, 14.0]))


@case
def case_duplicate_times(rr, rx, pa, np):
    return build(rx, "/d", [rr.TimeColumn("t", sequence=[5, 5, 1, 5])], rr.TextLog.columns(text=["a", "b", "c", "d"]))


@case
def case_numpy_inputs(rr, rx, pa, np):
    return build(rx, "/np", [rr.TimeColumn("seq", sequence=np.array([3, 1, 2])),
                             rr.TimeColumn("dur", duration=np.array([1.5, 0.25, 2.0])),
                             rr.TimeColumn("ts", timestamp=np.array(["2024-01-01T00:00:01", "2024-01-01", "2023-12-31"],
                                                                   dtype="datetime64[ns]"))],
                 rr.Points3D.columns(positions=np.arange(9, dtype=np.float64).reshape(3, 3),
                                     colors=np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], dtype=np.uint8),
                                     radii=np.array([0.5, 1.0, 2.0], dtype=np.float32)))


@case
def case_time_values(rr, rx, pa, np):
    def times(**kw):
        return outcome(lambda: rr.TimeColumn("t", **kw).as_arrow_array().cast(pa.int64()).to_pylist())
    return {
        "dur_ints": times(duration=[1, 2]), "dur_floats": times(duration=[0.5, 1e-9]),
        "dur_timedelta": times(duration=[_dt.timedelta(seconds=1, microseconds=5)]),
        "dur_np": times(duration=np.array([1, 2], dtype="timedelta64[ms]")),
        "dur_np_list": times(duration=[np.timedelta64(3, "us")]),
        "ts_ints": times(timestamp=[1, 2]), "ts_floats": times(timestamp=[1.25]),
        "ts_datetime": times(timestamp=[_dt.datetime(2020, 1, 1), _dt.datetime(2020, 1, 1, tzinfo=_dt.timezone.utc)]),
        "ts_np_numbers": times(timestamp=np.array([1.5, 2.5])),
        "ts_millis": times(timestamp=[1e12]), "ts_bad": times(timestamp=["x"]), "dur_bad": times(duration=["x"]),
        "seq_floats": times(sequence=[1.5]), "none": times(), "two": times(sequence=[1], duration=[1]),
        "np_bad": times(duration=np.array(["a"])),
        "type": str(rr.TimeColumn("t", timestamp=[1]).as_arrow_array().type),
        "name": rr.TimeColumn("t", sequence=[1]).timeline_name(),
    }


@case
def case_static_many_rows(rr, rx, pa, np):
    return build(rx, "/config", [], rr.TextLog.columns(text=["v1", "v2"], level=["INFO", "WARN"]))


@case
def case_timeline_length_mismatch(rr, rx, pa, np):
    return build(rx, "/e", [rr.TimeColumn("a", sequence=[1, 2]), rr.TimeColumn("b", sequence=[1])],
                 rr.Scalars.columns(scalars=[1.0, 2.0]))


class _Times:
    """A duck-typed index: only timeline_name() and as_arrow_array()."""

    def __init__(self, name, array):
        self.name, self.array = name, array

    def timeline_name(self):
        return self.name

    def as_arrow_array(self):
        return self.array


class _Column:
    """A duck-typed column: only component_descriptor() and as_arrow_array()."""

    def __init__(self, descriptor, array):
        self.descriptor, self.array = descriptor, array

    def component_descriptor(self):
        return self.descriptor

    def as_arrow_array(self):
        return self.array


class _CArray:
    """An array offered only through the Arrow C data interface."""

    def __init__(self, array):
        self.array = array

    def __len__(self):
        return len(self.array)

    def __arrow_c_array__(self, requested_schema=None):
        return self.array.__arrow_c_array__(requested_schema)


@case
def case_bad_timeline_types(rr, rx, pa, np):
    col = rr.Scalars.columns(scalars=[1.0, 2.0])
    out = {}
    for label, arr in [("float", pa.array([1.0, 2.0])), ("int32", pa.array([1, 2], pa.int32())),
                       ("ts_us", pa.array([1, 2], pa.timestamp("us"))), ("nulls", pa.array([1, None], pa.int64())),
                       ("time64", pa.array([1, 2], pa.time64("ns"))), ("ts_tz", pa.array([1, 2], pa.timestamp("ns", "UTC")))]:
        out[label] = build(rx, "/e", [_Times("t", arr)], col)
    out["empty_name"] = build(rx, "/e", [rr.TimeColumn("", sequence=[1, 2])], col)
    return out


@case
def case_duck_typed_and_c_arrays(rr, rx, pa, np):
    d = rr.ComponentDescriptor("Imu:accel", archetype="Imu", component_type="my.Accel")
    lists = pa.array([[1.0, 2.0], [3.0]], pa.list_(pa.float64()))
    return {
        "duck": build(rx, "/duck", [_Times("t", pa.array([2, 1]))], [_Column(d, lists), _Column(rr.ComponentDescriptor("flat"), pa.array([7, 8]))]),
        "c_arrays": build(rx, "/c", [_Times("t", _CArray(pa.array([2, 1])))], [_Column(d, _CArray(lists))]),
        "duplicates": build(rx, "/dup", [_Times("t", pa.array([1, 2])), _Times("t", pa.array([4, 3]))],
                            [_Column(d, pa.array([1, 2])), _Column(d, pa.array([5, 6])),
                             _Column(rr.ComponentDescriptor("Imu:accel", archetype="Other"), pa.array([8, 9]))]),
        "wrong_array": build(rx, "/w", [], [_Column(d, [1, 2])]),
    }


@case
def case_empty(rr, rx, pa, np):
    return {"nothing": build(rx, "/empty", [], []), "indexes_only": build(rx, "/e", [rr.TimeColumn("t", sequence=[1, 2])], []),
            "zero_rows": build(rx, "/z", [rr.TimeColumn("t", sequence=[])], rr.Scalars.columns(scalars=[])),
            "empty_component": build(rx, "/e", [], [_Column(rr.ComponentDescriptor("x"), pa.array([1]))]),
            "empty_component_name": outcome(lambda: rr.ComponentDescriptor("") and None)}


# --- archetype columns and descriptors ------------------------------------------------------------

ARCHETYPE_FIELDS = {
    "Points3D": ["positions", "radii", "colors", "labels", "show_labels", "point_shading", "class_ids", "keypoint_ids"],
    "Scalars": ["scalars"], "TextLog": ["text", "level", "color"],
    "Transform3D": ["translation", "rotation_axis_angle", "quaternion", "scale", "mat3x3", "relation", "child_frame",
                    "parent_frame"],
}


@case
def case_descriptors(rr, rx, pa, np):
    out = {}
    for arch, fields in ARCHETYPE_FIELDS.items():
        for f in fields:
            d = getattr(getattr(rr, arch), f"descriptor_{f}")()
            out[f"{arch}.{f}"] = [d.component, d.archetype, d.component_type, str(d)]
    return out


@case
def case_component_descriptor_api(rr, rx, pa, np):
    D = rr.ComponentDescriptor
    d = D("x", archetype="Imu", component_type="t")
    return {
        "fields": [d.component, d.archetype, d.component_type, str(d)],
        "eq": [D("x") == D("x"), D("x") == D("x", archetype="A"), D("x") == "x", hash(D("a", "b", "c")) == hash(D("a", "b", "c"))],
        "empty_parts": [D("x", archetype="", component_type="").archetype, D("x", "", "").component_type],
        "builtin": [str(D("x").with_builtin_archetype("Imu")), D("x").with_builtin_archetype("Imu").archetype,
                    str(D("Imu:x", archetype="Imu").with_builtin_archetype("rerun.archetypes.Points3D")),
                    str(D("Imu:x").with_builtin_archetype("Imu")), D("x", component_type="T").with_builtin_archetype("A").component_type],
        "overrides": [[x.component, x.archetype, x.component_type] for x in
                      [d.with_overrides(archetype="B"), d.with_overrides(component_type="u"), d.or_with_overrides("B", "u"),
                       D("y").or_with_overrides("B", "u"), d.with_overrides()]],
        "kwargs": [D(component="k", component_type="T").component_type],
    }


def _columns_case(fn):
    return outcome(lambda: columns_of(fn()))


@case
def case_points3d_columns(rr, rx, pa, np):
    P = rr.Points3D.columns
    return {
        "all": _columns_case(lambda: P(positions=[[1, 2, 3], [4, 5, 6]], radii=[0.5, 1], colors=[[255, 0, 0, 255], [0, 255, 0, 128]],
                                       labels=["a", "b"], show_labels=[True, False], point_shading=["Flat", "gradient"],
                                       class_ids=[1, 2], keypoint_ids=[3, 4])),
        "scalar_broadcast": _columns_case(lambda: P(positions=[[1, 2, 3]], radii=0.5, labels="one", show_labels=True,
                                                    point_shading=1, class_ids=7, colors=0xFF0000FF)),
        "batches_3d": _columns_case(lambda: P(positions=np.zeros((2, 4, 3)))),
        "flat_positions": _columns_case(lambda: P(positions=[1, 2, 3, 4, 5, 6])),
        "tuples": _columns_case(lambda: P(positions=((1, 2, 3), (4, 5, 6)), radii=(1.0, 2.0))),
        "bad_positions": _columns_case(lambda: P(positions=[[1, 2], [3, 4]])),
        "bad_shading": _columns_case(lambda: P(positions=[[1, 2, 3]], point_shading=["shiny"])),
        "none": _columns_case(lambda: P()),
        "unknown_kw": _columns_case(lambda: P(positionz=[[1, 2, 3]])),
        "arrow_given": _columns_case(lambda: P(radii=pa.array([1.0, 2.0], pa.float32()))),
        "partition": _columns_case(lambda: P(positions=[[1, 2, 3]] * 4, radii=[1, 2, 3, 4]).partition([1, 3])),
    }


@case
def case_colors(rr, rx, pa, np):
    C = lambda colors: _columns_case(lambda: rr.TextLog.columns(color=colors))  # noqa: E731
    return {
        "rgb_ints": C([[255, 0, 0], [0, 255, 0]]), "rgba_ints": C([[255, 0, 0, 10]]), "floats": C([[1.0, 0.5, 0.0]]),
        "float_rgba": C([[0.0, 0.0, 1.0, 0.5], [1.0, 1.0, 1.0, 1.0]]), "packed": C([0xFF0000FF, 0x00FF00FF]),
        "single_rgb": C([255, 0, 0]), "single_rgba": C([255, 0, 0, 255]), "packed_int": C(0x11223344),
        "np_u8": C(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.uint8)), "np_u32": C(np.array([1, 2, 3], dtype=np.uint32)),
        "np_f32": C(np.array([0.2, 0.4, 0.6], dtype=np.float32)), "flat_u8": C(np.array([1, 2, 3, 4, 5, 6, 7, 8], dtype=np.uint8)),
        "ambiguous": C([300, 0, 0]), "mixed": C([[255, 0, 0], 0x00FF00FF]), "empty": C([]),
        "tuples": C(((1, 2, 3), (4, 5, 6))),
    }


@case
def case_text_and_scalars(rr, rx, pa, np):
    return {
        "textlog": _columns_case(lambda: rr.TextLog.columns(text=["a", "b"], level=["INFO", "ERROR"])),
        "text_str": _columns_case(lambda: rr.TextLog.columns(text="hello")),
        "text_numbers": _columns_case(lambda: rr.TextLog.columns(text=[1, 2.5])),
        "text_np": _columns_case(lambda: rr.TextLog.columns(text=np.array(["x", "y"]))),
        "scalars": _columns_case(lambda: rr.Scalars.columns(scalars=[1, 2.5, 3])),
        "scalars_2d": _columns_case(lambda: rr.Scalars.columns(scalars=[[1, 2], [3, 4], [5, 6]])),
        "scalars_np": _columns_case(lambda: rr.Scalars.columns(scalars=np.linspace(0, 1, 4))),
        "scalar_one": _columns_case(lambda: rr.Scalars.columns(scalars=5)),
        "scalars_bad": _columns_case(lambda: rr.Scalars.columns(scalars=["a"])),
    }


@case
def case_transform3d_columns(rr, rx, pa, np):
    T = rr.Transform3D.columns
    return {
        "basic": _columns_case(lambda: T(translation=[[1, 2, 3], [4, 5, 6]], scale=[[1, 1, 1], [2, 2, 2]],
                                         quaternion=[[0, 0, 0, 1], [0, 0, 1, 0]], relation=["ParentFromChild", "childfromparent"],
                                         child_frame=["a", "b"], parent_frame=["p", "p"])),
        "mat3x3": _columns_case(lambda: T(mat3x3=[[1, 2, 3], [4, 5, 6], [7, 8, 9]])),
        "mat3x3_many": _columns_case(lambda: T(mat3x3=[np.eye(3), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])),
        "mat3x3_flat": _columns_case(lambda: T(mat3x3=[1, 2, 3, 4, 5, 6, 7, 8, 9])),
        "axis_angle": _columns_case(lambda: T(rotation_axis_angle=[rr.RotationAxisAngle(axis=[0, 0, 1], degrees=90),
                                                                   rr.RotationAxisAngle([1, 0, 0], 0.5),
                                                                   rr.RotationAxisAngle([0, 1, 0], radians=1.0)])),
        "axis_angle_one": _columns_case(lambda: T(rotation_axis_angle=rr.RotationAxisAngle(axis=[0, 0, 1], angle=rr.Angle(deg=45)))),
        "relation_int": _columns_case(lambda: T(relation=1)),
        "relation_bad": _columns_case(lambda: T(relation=["nope"])),
        "bad_quat": _columns_case(lambda: T(quaternion=[[0, 0, 1]])),
        "to_chunk": build(rx, "/tf", [rr.TimeColumn("t", sequence=[1, 0])],
                          T(translation=[[1, 2, 3], [4, 5, 6]], relation=[1, 2])),
    }


@case
def case_dynamic_archetype(rr, rx, pa, np):
    D = rr.DynamicArchetype.columns
    imu = pa.StructArray.from_arrays([pa.array([0.1, 0.4]), pa.array([1, 2])], names=["x", "t"])
    return {
        "struct": _columns_case(lambda: D(archetype="Imu", components={"accel": imu})),
        "ints": _columns_case(lambda: D(archetype="Dyn1", components={"v": [1, 2, 3]})),
        "ragged": _columns_case(lambda: D(archetype="Dyn2", components={"v": [[1, 2], [3]]})),
        "matrix": _columns_case(lambda: D(archetype="Dyn3", components={"v": np.ones((2, 3))})),
        "strings": _columns_case(lambda: D(archetype="Dyn4", components={"s": ["a", "bc"], "one": "str"})),
        "none": _columns_case(lambda: D(archetype="Dyn5", components={"n": None, "e": []})),
        "none_kept": _columns_case(lambda: D(archetype="Dyn6", drop_untyped_nones=False, components={"n": None})),
        "full_name": _columns_case(lambda: D(archetype="rerun.archetypes.Thing", components={"v": [1.5]})),
        "batch_like": _columns_case(lambda: D(archetype="Dyn7", components={"c": rr.Scalars.columns(scalars=[1.0, 2.0])._columns[0].component_batch})
                                    if hasattr(rr.Scalars.columns(scalars=[1.0]), "_columns") else []),
        "to_chunk": build(rx, "/sensors/imu", [rr.TimeColumn("my_index", sequence=[2, 1])],
                          D(archetype="Imu", components={"accel": imu, "temp": [20.5, 21.0]})),
        "partition": _columns_case(lambda: D(archetype="Dyn8", components={"v": [1, 2, 3, 4]}).partition([3, 1])),
    }


@case
def case_component_column(rr, rx, pa, np):
    batch = rr.Scalars.columns(scalars=[1.0, 2.0, 3.0])
    col = next(iter(batch))
    return {
        "repartition": columns_of([col.partition([1, 2])]),
        "list_len": len(batch.partition([2, 1])),
        "named": outcome(lambda: columns_of([rr.ComponentColumn("my:thing", col.component_batch, lengths=[3])])),
        "both": outcome(lambda: rr.ComponentColumn("x", col.component_batch, lengths=[3], offsets=np.array([0, 3], np.int32)) and None),
        "offsets": outcome(lambda: columns_of([rr.ComponentColumn("x", col.component_batch, offsets=np.array([0, 1, 3], np.int32))])),
        "bad_lengths": outcome(lambda: columns_of([col.partition([[1, 2]])])),
        "too_long": outcome(lambda: columns_of([col.partition([2, 2])])),
    }


# --- seed 003's code blocks that need only these pieces, verbatim -----------------------------------

SEED_FROM_COLUMNS = '''
chunk = Chunk.from_columns(
    "/robots/arm",
    indexes=[rr.TimeColumn("frame", sequence=[0, 1, 2])],
    columns=rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
)
'''
SEED_DESCRIPTOR = "rr.Scalars.descriptor_scalars()"  # the argument of `.to_component(...)` in DeriveLens' examples


@case
def case_seed003_blocks(rr, rx, pa, np):
    scope = {"rr": rr, "Chunk": rx.Chunk}
    exec(SEED_FROM_COLUMNS, scope)  # noqa: S102  (the seed's example, as written)
    chunk = scope["chunk"]
    d = eval(SEED_DESCRIPTOR, scope)  # noqa: S307
    return {"chunk": describe(chunk), "columns": [f.name for f in chunk.to_record_batch().schema],
            "descriptor": [d.component, d.archetype, d.component_type]}


@case
def case_spec14_from_property(rr, rx, pa, np):
    return {
        "escaped": outcome(lambda: rx.Chunk.from_property("a/b", rr.AnyValues(value=1)).entity_path),
        "episode": outcome(lambda: describe(rx.Chunk.from_property("episode", rr.AnyValues(name="ep1", success=True, num_attempts=3)))),
        "list_values": outcome(lambda: describe(rx.Chunk.from_property("cfg", rr.AnyValues(gains=[1.5, 2.5], tags=["x", "y"])))),
        "not_components": outcome(lambda: rx.Chunk.from_property("x", values=42) and None),
        "empty": outcome(lambda: describe(rx.Chunk.from_property("nothing", rr.AnyValues()))),
        "any_columns": outcome(lambda: columns_of(rr.AnyValues.columns(speed=[1.0, 2.0], label=["a", "b"]))),
    }
