"""Lens cases run on both sides: by test_lens_differential.py with chunkhouse and by
lens_reference.py (in the rerun-sdk venv) with rerun-sdk 0.36.2.

Inputs are built by the reference side only (`build_inputs`, with rerun's Chunk.from_record_batch)
and written to one .rrd file; both sides read that file back, so both start from the same chunks
(ids included). A case is either a *spec* (plain data: an input, lenses, a mode, the API used) run
by `run_spec`, or a function `case_<name>(rx, ctx)` below. Results are JSON: output chunks as
record batches with minted ids redacted (chunk ids compared as "same as input <name>" / "new",
row ids as "those of input <name>" / "fresh sequential" / "other"), `format(redact=True)` and
`summary()` texts; errors as [builtin exception type, message].
"""

from __future__ import annotations

import math
import random

# -- inputs -----------------------------------------------------------------------------------------

# For the random generator: each input's component columns and their struct fields by kind
# (scalars, integers, strings, lists), and whether every row holds exactly one instance.
INPUTS = {
    "sensor": {"Imu:accel": (["x", "y", "z"], [], [], []), "other": ([], ["q"], [], [])},
    "sensor_nulls": {"Imu:accel": (["x", "y", "z"], [], [], []), "other": ([], ["q"], [], [])},
    "unsorted": {"comp": ([], ["x"], [], [])},
    "two_tl": {"c": (["f"], ["x", "t"], [], [])},
    "multi": {"c": (["x"], ["t"], [], []), "keep": None},
    "scatter": {"c": ([], ["value", "ts"], ["name"], []), "keep": None},
    "scatter_nulls": {"c": ([], ["value", "ts"], ["name"], [])},
    "lists": {"c": ([], ["t"], [], ["v"])},
    "static": {"c": (["x"], ["t"], ["s"], []), "other": ([], ["q"], [], [])},
    "strings": {"c": (["f"], ["i"], ["s"], [])},
    "empty": {"c": (["x"], ["t"], [], [])},
}
ONE_PER_ROW = {"sensor", "unsorted", "two_tl", "strings", "empty"}


def build_inputs(rx, pa) -> dict:
    """name -> Chunk, built with rerun-sdk (reference side only)."""
    f64, i64, utf8 = pa.float64(), pa.int64(), pa.string()

    def struct(**fields):
        return pa.struct([pa.field(k, v) for k, v in fields.items()])

    def chunk(entity, index, columns):
        arrays, fields = [], []
        for name, (values, typ, archetype) in columns.items():
            if name in (index or {}):
                arr = pa.array(values, typ)
                fields.append(pa.field(name, typ))
            else:
                arr = pa.array(values, pa.list_(typ))
                meta = {"rerun:component": name}
                if archetype:
                    meta["rerun:archetype"] = archetype
                fields.append(pa.field(name, arr.type, metadata=meta))
            arrays.append(arr)
        rb = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
        return rx.Chunk.from_record_batch(rb, index=list(index) if index else None, entity_path=entity)[0]

    xyz = struct(x=f64, y=f64, z=f64)
    q = struct(q=i64)
    out = {}
    out["sensor"] = chunk("/s", {"frame"}, {
        "frame": ([0, 1], i64, None),
        "Imu:accel": ([[{"x": 1, "y": 3, "z": 5}], [{"x": 2, "y": 4, "z": 6}]], xyz, "Imu"),
        "other": ([[{"q": 10}], [{"q": 20}]], q, None)})
    out["sensor_nulls"] = chunk("/s", {"frame"}, {
        "frame": ([0, 1, 2], i64, None),
        "Imu:accel": ([[{"x": 1, "y": 3, "z": 5}], [{"x": 2, "y": None, "z": 6}], None], xyz, "Imu"),
        "other": ([[{"q": 10}], None, [{"q": 30}]], q, None)})
    out["unsorted"] = chunk("/s", {"t"}, {
        "t": ([3, 1, 2], i64, None), "comp": ([[{"x": 3}], [{"x": 1}], [{"x": 2}]], struct(x=i64), None)})
    out["two_tl"] = chunk("/s", {"frame", "a"}, {
        "frame": ([2, 0, 1], i64, None), "a": ([5, 5, 1], pa.timestamp("ns"), None),
        "c": ([[{"x": 1, "t": 30, "f": 0.5}], [{"x": 2, "t": 10, "f": 1.5}], [{"x": 3, "t": 20, "f": 2.5}]],
              struct(x=i64, t=i64, f=f64), None)})
    out["multi"] = chunk("/s", {"frame"}, {
        "frame": ([0, 1, 2, 3], i64, None),
        "c": ([[{"x": 1, "t": 10}], [{"x": 2, "t": None}, {"x": 3, "t": 30}], None, [{"x": 4, "t": 40}]],
              struct(x=f64, t=i64), None),
        "keep": ([[1], [2], [3], [4]], i64, None)})
    vn = struct(value=i64, name=utf8, ts=i64)
    out["scatter"] = chunk("/s", {"tick"}, {
        "tick": ([1, 2, 3], i64, None),
        "c": ([[{"value": 1, "name": "one", "ts": 1}, {"value": 2, "name": "two", "ts": 2},
                {"value": 3, "name": "three", "ts": 3}], [{"value": 4, "name": "four", "ts": 4}],
               [{"value": 5, "name": None, "ts": 5}]], vn, None),
        "keep": ([[7], [8], [9]], i64, None)})
    out["scatter_nulls"] = chunk("/s", {"tick"}, {
        "tick": ([1, 2, 3, 4], i64, None),
        "c": ([[{"value": 1, "name": "a", "ts": 1}, None], [], None,
               [{"value": 3, "name": "c", "ts": 3}, {"value": None, "name": "d", "ts": 4}]], vn, None)})
    out["lists"] = chunk("/s", {"tick"}, {
        "tick": ([5, 6, 7, 8], i64, None),
        "c": ([[{"v": [1, 2], "t": 1}], [{"v": [], "t": 2}], None, [{"v": [3], "t": 3}]],
              struct(v=pa.list_(i64), t=i64), None)})
    out["static"] = chunk("/s", None, {
        "c": ([[{"x": 1, "t": 1, "s": "1.5"}, {"x": 2, "t": 2, "s": "abc"}]], struct(x=f64, t=i64, s=utf8), None),
        "other": ([[{"q": 1}]], q, None)})
    out["strings"] = chunk("/s", {"frame"}, {
        "frame": ([0, 1], i64, None),
        "c": ([[{"s": "1.5", "i": 7, "f": 1.5}], [{"s": "abc", "i": 300, "f": -2.7}]], struct(s=utf8, i=i64, f=f64),
              None)})
    out["empty"] = chunk("/s", {"frame"}, {"frame": ([], i64, None), "c": ([], struct(x=f64, t=i64), None)})
    # Spec §11 and notes §5.9-5.10 inputs.
    out["imu"] = chunk("/sensor", {"frame"}, {
        "frame": ([0, 1], i64, None), "Imu:accel": ([[{"x": 1.0, "y": 3.0}], [{"x": 2.0, "y": 4.0}]],
                                                    struct(x=f64, y=f64), "Imu")})
    out["imu_one"] = chunk("/sensor", {"frame"}, {
        "frame": ([0], i64, None), "Imu:accel": ([[{"x": 1.0, "y": 2.0}]], struct(x=f64, y=f64), "Imu")})
    out["imu_temp"] = chunk("/sensor", {"frame"}, {
        "frame": ([0], i64, None), "Imu:accel": ([[{"x": 1.0, "y": 2.0}]], struct(x=f64, y=f64), "Imu"),
        "Imu:temperature": ([[42.0]], f64, "Imu")})
    out["int_accel"] = chunk("/sensor", {"frame"}, {"frame": ([0, 1], i64, None),
                                                   "Imu:accel": ([[1], [2]], i64, "Imu")})
    out["sensor_data"] = chunk("/sensor", {"frame"}, {
        "frame": ([0, 1], i64, None),
        "Sensor:data": ([[{"value": 1, "ts": 1_000_000_000}], [{"value": 2, "ts": 2_000_000_000}]],
                        struct(value=i64, ts=i64), "Sensor")})
    out["image"] = chunk("/img", {"frame"}, {"frame": ([0, 1], i64, None),
                                            "Image:format": ([[{"format": "png"}], [{"format": "jpeg"}]],
                                                             struct(format=utf8), "Image")})
    out["my_value"] = chunk("/v", {"tick"}, {"tick": ([0, 1], i64, None),
                                            "MyArchetype:value": ([[1.0], [2.0]], f64, "MyArchetype")})
    pose = {k: f64 for k in ("pos_x", "pos_y", "pos_z", "quat_x", "quat_y", "quat_z", "quat_w", "vx", "vy", "vz",
                             "angle")}
    rows = [{"pos_x": 1, "pos_y": 3, "pos_z": 5, "quat_x": 0, "quat_y": 0, "quat_z": 0, "quat_w": 1, "vx": 1,
             "vy": 3, "vz": 5, "angle": 1.5},
            {"pos_x": 2, "pos_y": None, "pos_z": 6, "quat_x": 0, "quat_y": 0, "quat_z": 0, "quat_w": 1, "vx": 2,
             "vy": 4, "vz": 6, "angle": None}]
    out["pose"] = chunk("/A", {"frame_index"}, {"frame_index": ([0, 1], i64, None),
                                                "data": ([[r] for r in rows], struct(**pose), None)})
    out["points"] = chunk("/s", {"tick"}, {
        "tick": ([7, 8], i64, None),
        "c": ([[{"value": 1, "ts": 1, "x": 1.0, "z": 5.0}, {"value": 2, "ts": 2, "x": 2.0, "z": 6.0}],
               [{"value": 3, "ts": 3, "x": 3.0, "z": 7.0}]],
              struct(value=i64, ts=i64, x=pa.float64(), z=pa.float64()), None)})
    floats = [1.0, -2.7, 1e20, 1e-7, float("nan"), float("inf"), 0.1 + 0.2, 123456789.0, 1e16, 1.5e300, -0.0,
              2.5e-5, 1e15, 1.2345678901234567e15, 1e-5, 1e-6, 1.5e-6, 1.23456e12, 5e-324, None]
    out["floats"] = chunk("/s", {"frame"}, {
        "frame": (list(range(len(floats))), i64, None),
        "c": ([[{"x": v, "f": v}] for v in floats], struct(x=f64, f=pa.float32()), None)})
    return out


# -- describing results -----------------------------------------------------------------------------

def _clean(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, list):
        return [_clean(x) for x in v]
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def _values(col, pa):
    if pa.types.is_timestamp(col.type) or pa.types.is_duration(col.type):
        col = col.cast(pa.int64())
    return _clean(col.to_pylist())


class Context:
    """What a case sees: inputs by name, pyarrow, descriptors of the library under test."""

    def __init__(self, rx, pa, inputs, make_descriptor, paths=None, callables=None):
        self.rx, self.pa, self.inputs = rx, pa, inputs
        self.D = make_descriptor
        self.paths = paths or {}
        self.callables = callables or {}
        self._by_id = {c.id: name for name, c in inputs.items()}
        self._rows = {name: c.to_record_batch().column(0).to_pylist() for name, c in inputs.items()}

    def scalars(self):
        return self.D("Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar")

    def chunk(self, c) -> dict:
        rb = c.to_record_batch()
        row_ids = rb.column(0).to_pylist()
        rows = "other"
        for name, ids in self._rows.items():
            if ids == row_ids and row_ids:
                rows = "input:" + name
                break
        else:
            if _sequential(c.id, row_ids):
                rows = "fresh"
        meta = sorted((k.decode(), v.decode()) for k, v in (rb.schema.metadata or {}).items() if k != b"rerun:id")
        fields = []
        for f, col in zip(rb.schema, rb.columns):
            fmeta = sorted((k.decode(), v.decode()) for k, v in (f.metadata or {}).items())
            entry = [f.name, str(f.type), f.nullable, fmeta]
            if f.name != "rerun.controls.RowId":
                entry.append(_values(col, self.pa))
            fields.append(entry)
        return {"entity": c.entity_path, "id": "input:" + self._by_id[c.id] if c.id in self._by_id else "new",
                "rows": rows, "num_rows": c.num_rows, "meta": meta, "fields": fields,
                "format": c.format(redact=True)}

    def chunks(self, chunks) -> list:
        return [self.chunk(c) for c in chunks]


def _sequential(chunk_id: str, row_ids: list) -> bool:
    """Row ids are the chunk id's time with counters chunk counter + 1, + 2, ..."""
    hexid = chunk_id.removeprefix("chunk_")
    time, counter = int(hexid[:16], 16), int(hexid[16:], 16)
    for i, rid in enumerate(row_ids):
        if rid != time.to_bytes(8, "big") + (counter + 1 + i).to_bytes(8, "big"):
            return False
    return True


def error_type(err: BaseException) -> str:
    """The builtin exception class an error is (chunkhouse's classes derive from them)."""
    for cls in type(err).__mro__:
        if cls.__module__ == "builtins":
            return cls.__name__
    return type(err).__name__


def attempt(f):
    try:
        return {"ok": f()}
    except Exception as err:  # noqa: BLE001 - the error is the observation
        return {"error": [error_type(err), str(err)]}


# -- specs: plain-data cases --------------------------------------------------------------------------

def M(inp, sel, keep=False):
    return {"kind": "mutate", "input": inp, "sel": sel, "keep": keep}


def C(name, sel, cast=None, arch=None, ctype=None):
    return [name, arch, ctype, sel, cast]


def T(name, typ, sel):
    return [name, typ, sel]


def Dv(inp, comps, tls=(), entity=None, scatter=False):
    return {"kind": "derive", "input": inp, "entity": entity, "scatter": scatter, "comps": list(comps),
            "tls": list(tls)}


def spec(inp, lenses, mode="forward_unmatched", api="apply", content=None):
    return {"input": inp, "lenses": lenses, "mode": mode, "api": api, "content": content}


CASTS = {"float32": lambda pa: pa.float32(), "float64": lambda pa: pa.float64(), "int8": lambda pa: pa.int8(),
         "int64": lambda pa: pa.int64(), "utf8": lambda pa: pa.string(), "bool": lambda pa: pa.bool_(),
         "fsl2_f32": lambda pa: pa.list_(pa.float32(), 2), "fsl2_i64": lambda pa: pa.list_(pa.int64(), 2),
         "struct_a_i8": lambda pa: pa.struct([pa.field("a", pa.int8())])}


def selector(rx, ctx, sel):
    """A selector text, or [text, callable name, ...] for Selector(text).pipe(callable)..."""
    if isinstance(sel, str):
        return sel
    out = rx.Selector(sel[0])
    for name in sel[1:]:
        out = out.pipe(ctx.callables[name])
    return out


def build_lens(rx, ctx, ls):
    if ls["kind"] == "mutate":
        return rx.MutateLens(ls["input"], selector(rx, ctx, ls["sel"]), keep_row_ids=ls["keep"])
    lens = rx.DeriveLens(ls["input"], output_entity=ls["entity"], scatter=ls["scatter"])
    for name, arch, ctype, sel, cast in ls["comps"]:
        descr = name if arch is None and ctype is None else ctx.D(name, arch, ctype)
        cast_to = cast if cast in (None, "auto") else CASTS[cast](ctx.pa)
        lens = lens.to_component(descr, selector(rx, ctx, sel), cast_to=cast_to)
    for name, typ, sel in ls["tls"]:
        lens = lens.to_timeline(name, typ, selector(rx, ctx, sel))
    return lens


def run_spec(rx, ctx, s):
    def go():
        lenses = [build_lens(rx, ctx, ls) for ls in s["lenses"]]
        chunk = ctx.inputs[s["input"]]
        if s["api"] == "apply":
            return ctx.chunks(chunk.apply_lenses(lenses))
        stream = rx.LazyChunkStream.from_iter([chunk]).lenses(lenses, output_mode=s["mode"], content=s["content"])
        return ctx.chunks(stream.to_chunks())

    if s["api"] == "apply" and s["mode"] != "forward_unmatched":
        raise ValueError("apply_lenses is always forward_unmatched")
    return attempt(go)


SCAL = ["Scalars:scalars", "rerun.archetypes.Scalars", "rerun.components.Scalar"]


def _scal(sel, cast=None):
    return C(SCAL[0], sel, cast, SCAL[1], SCAL[2])


FIXED: dict[str, dict] = {}


def _modes(name, inp, lenses):
    for mode in ("drop_unmatched", "forward_unmatched", "forward_all"):
        FIXED[f"{name}_{mode}"] = spec(inp, lenses, mode, "stream")


# notes §5.6: output modes x lens kinds
_modes("modes_merged", "sensor", [Dv("other", [C("o", ".q")])])
_modes("modes_separate", "sensor", [Dv("other", [C("o", ".q")], entity="/n")])
_modes("modes_mutate", "sensor", [M("other", ".q")])
_modes("modes_mutate_merged", "sensor", [M("other", ".q"), Dv("other", [C("o", ".q")])])
_modes("modes_nomatch", "sensor", [Dv("nope", [C("o", ".")])])
_modes("modes_empty", "sensor", [])
_modes("modes_scatter", "scatter", [Dv("c", [C("val", ".value")], scatter=True)])
FIXED["content_bypass"] = spec("sensor", [M("other", ".q")], "drop_unmatched", "stream", ["/elsewhere/**"])
FIXED["content_match"] = spec("sensor", [M("other", ".q")], "drop_unmatched", "stream", ["/s"])
FIXED["content_empty"] = spec("sensor", [M("other", ".q")], "drop_unmatched", "stream", [])
FIXED["stream_runtime_error"] = spec("sensor", [M("other", "[0]")], "drop_unmatched", "stream")
FIXED["stream_collision"] = spec("sensor", [M("Imu:accel", ".x"), M("Imu:accel", ".y")], "forward_all", "stream")
# notes §5.1 build checks at apply time
FIXED["build_missing_outputs"] = spec("sensor", [Dv("other", [], [T("t", "sequence", ".q")])])
FIXED["build_input_is_output"] = spec("sensor", [Dv("other", [C("other", ".q")])])
FIXED["build_empty_timeline"] = spec("sensor", [Dv("other", [C("o", ".q")], [T("", "sequence", ".q")])])
FIXED["build_errors_in_stream"] = spec("sensor", [Dv("other", [C("other", ".q")])], "forward_all", "stream")
FIXED["own_entity_bypass"] = spec("sensor", [Dv("other", [C("other", ".q")], entity="/s")])
FIXED["entity_forgiving_collision"] = spec("sensor", [Dv("other", [C("shared", ".q")], entity="n"),
                                                      Dv("Imu:accel", [C("shared", ".x")], entity="/n")])
# notes §5.7 collisions and interactions
FIXED["collide_mutates"] = spec("sensor", [M("Imu:accel", ".x"), M("Imu:accel", ".y")])
FIXED["collide_derives"] = spec("sensor", [Dv("other", [C("shared", ".q")]), Dv("Imu:accel", [C("shared", ".x")])])
FIXED["collide_abc"] = spec("sensor", [Dv("other", [C("a", ".q"), C("b", ".q")]), Dv("other", [C("b", ".q"), C("c", ".q")]),
                                       Dv("other", [C("c", ".q")])])
FIXED["no_collision_sep_same"] = spec("sensor", [Dv("other", [C("o", ".q")], entity="/s"), Dv("other", [C("o", ".q")])])
FIXED["merge_overwrites_mutate"] = spec("sensor", [M("Imu:accel", ".x"), Dv("other", [C("Imu:accel", ".")])])
FIXED["merge_overwrites_forwarded"] = spec("sensor", [Dv("Imu:accel", [C("other", ".x")])])
FIXED["mutate_suppressed"] = spec("sensor", [M("other", ".zz")])
FIXED["mutates_all_suppressed"] = spec("sensor", [M("other", ".zz"), M("Imu:accel", ".zz")])
FIXED["merged_suppressed"] = spec("sensor", [Dv("other", [C("o", ".zz")])])
FIXED["mutate_and_merge_errors"] = spec("sensor", [M("Imu:accel", "[0]"), Dv("other", [C("o", "[0]")])])
FIXED["collision_then_failing_derive"] = spec("sensor", [M("other", ".q"), M("other", ".q"),
                                                         Dv("other", [C("o", "[0]")], entity="/a")])
FIXED["two_failing_separate"] = spec("sensor", [Dv("other", [C("o", "[0]")], entity="/a"),
                                                Dv("other", [C("o", "[0]")], entity="/b")])
FIXED["callable_raises"] = spec("sensor", [Dv("other", [C("o", [".", "raise_value"])])])
FIXED["callable_returns_none"] = spec("sensor", [Dv("other", [C("o", [".q", "none"])])])
FIXED["callable_not_array"] = spec("sensor", [Dv("other", [C("o", [".q", "int"])])])
FIXED["output_order"] = spec("sensor", [
    Dv("other", [C("a", ".q")], entity="/A"), Dv("other", [C("b", ".q")], [T("tb", "sequence", ".q")]),
    Dv("other", [C("c", ".q")], scatter=True), Dv("other", [C("d", ".q")], entity="/D"), Dv("other", [C("e", ".q")])])
# notes §5.3 row ids and re-sorting
FIXED["unsorted_mutate"] = spec("unsorted", [M("comp", ".x")])
FIXED["unsorted_mutate_keep"] = spec("unsorted", [M("comp", ".x", keep=True)])
FIXED["unsorted_mutate_mixed_keep"] = spec("unsorted", [M("comp", ".x", keep=True), Dv("comp", [C("o", ".x")])])
FIXED["unsorted_separate"] = spec("unsorted", [Dv("comp", [C("v", ".x")], entity="/o")])
FIXED["unsorted_merged"] = spec("unsorted", [Dv("comp", [C("v", ".x")])])
FIXED["new_timeline_sorts_first"] = spec("unsorted", [Dv("comp", [C("o", ".x")], [T("a", "sequence", ".x")])])
FIXED["two_timelines_sort"] = spec("two_tl", [Dv("c", [C("o", ".x")], [T("b", "sequence", ".t")])])
# notes §5.4 1:1 derives
FIXED["multi_instance_timeline"] = spec("multi", [Dv("c", [C("out", ".x")], [T("a", "sequence", ".t")])])
FIXED["timeline_replaces"] = spec("sensor", [Dv("other", [C("o", ".q")], [T("frame", "timestamp_ns", ".q")])])
FIXED["timeline_duration"] = spec("sensor", [Dv("other", [C("o", ".q")], [T("d", "duration_ns", ".q")])])
FIXED["timeline_suppressed"] = spec("sensor", [Dv("other", [C("o", ".q")], [T("a", "sequence", ".zz")])])
FIXED["two_timeline_errors"] = spec("two_tl", [Dv("c", [C("o", ".x")], [T("a", "sequence", "[0]"),
                                                                         T("b", "sequence", ".f")])])
FIXED["temporal_all_suppressed"] = spec("sensor", [Dv("other", [C("o", ".zz")], entity="/o")])
FIXED["static_all_suppressed"] = spec("static", [Dv("other", [C("o", ".zz")], entity="/o")], "drop_unmatched", "stream")
FIXED["time_values_longer"] = spec("scatter", [Dv("c", [C("o", ".value")], [T("a", "sequence", ".ts")])])
FIXED["component_and_timeline_errors"] = spec("two_tl", [Dv("c", [C("o", "[0]"), C("p", ".x")],
                                                              [T("a", "sequence", "[1]")])])
# notes §5.5 scatter
_SC = [C("val", ".value"), C("nm", ".name")]
FIXED["scatter_example"] = spec("scatter", [Dv("c", _SC, [T("my_ts", "sequence", ".ts")], scatter=True)])
FIXED["scatter_nulls"] = spec("scatter_nulls", [Dv("c", _SC, scatter=True)])
FIXED["scatter_pack_mismatch"] = spec("scatter_nulls", [Dv("c", [C("val", ".value"), C("pk", "pack(.value!, .ts!) | .[]")],
                                                           scatter=True)])
FIXED["scatter_pack_mismatch_swapped"] = spec("scatter_nulls", [Dv("c", [C("pk", "pack(.value!, .ts!) | .[]"),
                                                                         C("val", ".value")], scatter=True)])
FIXED["scatter_first_suppressed"] = spec("scatter", [Dv("c", [C("a", ".zz"), C("val", ".value")], scatter=True)])
FIXED["scatter_all_suppressed"] = spec("scatter", [Dv("c", [C("a", ".zz")], scatter=True)])
FIXED["scatter_first_fails"] = spec("scatter", [Dv("c", [C("a", "[0]"), C("b", ".value"), C("d", "[1]")], scatter=True)])
FIXED["scatter_later_fails"] = spec("scatter", [Dv("c", [C("b", ".value"), C("d", "[1]")], [T("t", "sequence", "[2]")],
                                                   scatter=True)])
FIXED["scatter_list_element"] = spec("lists", [Dv("c", [C("e", ".v")], scatter=True)])
FIXED["scatter_list_values"] = spec("lists", [Dv("c", [C("e", ".v[]")], scatter=True)])
FIXED["scatter_static_timeline"] = spec("static", [Dv("c", [C("e", ".x")], [T("t", "sequence", ".t")], entity="/o",
                                                      scatter=True)], "drop_unmatched", "stream")
FIXED["scatter_empty_input"] = spec("empty", [Dv("c", [C("e", ".x")], [T("t", "sequence", ".t")], scatter=True)])
FIXED["scatter_cast_before_explode"] = spec("points", [Dv("c", [_scal("pack(.x, .z) | .[]", "auto")], entity="/o",
                                                          scatter=True)])
FIXED["scatter_formatted"] = spec("points", [Dv("c", [_scal(".value", "auto")], [T("my_ts", "timestamp_ns", ".ts")],
                                                entity="/o", scatter=True)])
FIXED["scatter_time_replaces"] = spec("scatter", [Dv("c", [C("val", ".value")], [T("tick", "sequence", ".ts")], scatter=True)])
# notes §5.9 casts
FIXED["cast_none"] = spec("int_accel", [Dv("Imu:accel", [_scal(".")], entity="/o")])
FIXED["cast_auto_scalars"] = spec("strings", [Dv("c", [_scal(".i", "auto")], entity="/o")])
FIXED["cast_auto_no_archetype"] = spec("strings", [Dv("c", [C("q", ".i", "auto", None, "rerun.components.Scalar")],
                                                      entity="/o")])
FIXED["cast_auto_short_name"] = spec("strings", [Dv("c", [C("q", ".i", "auto", None, "Scalar")], entity="/o")])
FIXED["cast_auto_no_type"] = spec("strings", [Dv("c", [C("q", ".i", "auto")], entity="/o")])
FIXED["cast_auto_no_type_static"] = spec("static", [Dv("c", [C("q", ".x", "auto")], entity="/o")])
FIXED["cast_fsl_to_f32"] = spec("points", [Dv("c", [C("pk", "pack(.x, .z)", "float32")], entity="/o")])
FIXED["cast_fsl_to_fsl"] = spec("points", [Dv("c", [C("pk", "pack(.x, .z)", "fsl2_f32")], entity="/o")])
FIXED["cast_to_struct"] = spec("points", [Dv("c", [C("pk", ".x", "struct_a_i8")], entity="/o")])
FIXED["cast_unparsable"] = spec("strings", [Dv("c", [C("v", ".s", "float64")], entity="/o")])
FIXED["cast_int_overflow"] = spec("strings", [Dv("c", [C("v", ".i", "int8")], entity="/o")])
FIXED["cast_float_to_int"] = spec("strings", [Dv("c", [C("v", ".f", "int64")], entity="/o")])
FIXED["cast_same_type"] = spec("strings", [Dv("c", [C("v", ".i", "int64")], entity="/o")])
FIXED["cast_int_to_string"] = spec("strings", [Dv("c", [C("v", ".i", "utf8")], entity="/o")])
FIXED["cast_floats_to_text"] = spec("floats", [Dv("c", [C("x", ".x", "utf8"), C("f", ".f", "utf8")], entity="/o")])
FIXED["cast_floats_to_ints"] = spec("floats", [Dv("c", [C("x", ".x", "int8"), C("f", ".f", "int64")], entity="/o")])
FIXED["cast_f64_to_f32"] = spec("floats", [Dv("c", [C("x", ".x", "float32")], entity="/o")])
FIXED["cast_list_to_scalar"] = spec("lists", [Dv("c", [C("v", ".v", "float64")], entity="/o")])
FIXED["cast_list_to_fsl"] = spec("lists", [Dv("c", [C("v", ".v", "fsl2_i64")], entity="/o")])
FIXED["cast_text_to_bool"] = spec("strings", [Dv("c", [C("v", ".s", "bool")], entity="/o")])
FIXED["cast_translation"] = spec("sensor_nulls", [Dv("Imu:accel", [C("Transform3D:translation", "pack(.x!, .y!, .z!)",
                                                                        "auto", "rerun.archetypes.Transform3D",
                                                                        "rerun.components.Translation3D")],
                                                     entity="/o")])
FIXED["cast_auto_in_merge"] = spec("strings", [Dv("c", [_scal(".i", "auto")])])
# spec §11 cases 15-26 as specs where they are lens cases
FIXED["spec17_derive_scalars"] = spec("imu", [Dv("Imu:accel", [_scal(".x")])])
FIXED["spec18_absent_input"] = spec("imu", [Dv("Nope:x", [C("o", ".")])])
FIXED["spec18_no_lenses"] = spec("imu", [])
FIXED["spec19_two_entities"] = spec("imu_one", [Dv("Imu:accel", [_scal(".x")], entity="/out/x"),
                                                Dv("Imu:accel", [_scal(".y")], entity="/out/y")])
FIXED["spec20_with_temperature"] = spec("imu_temp", [Dv("Imu:accel", [_scal(".x")], entity="/out/x"),
                                                     Dv("Imu:accel", [_scal(".y")], entity="/out/y")])
FIXED["spec21_mutate_and_derives"] = spec("imu", [M("Imu:accel", ".x"), Dv("Imu:accel", [_scal(".y")]),
                                                  Dv("Imu:accel", [_scal(".x")], entity="/derived")])
FIXED["spec22_shared_new_entity"] = spec("imu", [Dv("Imu:accel", [C("shared", ".x")], entity="/new"),
                                                 Dv("Imu:accel", [C("shared", ".y")], entity="/new")])
for _cast in (None, "auto", "float32"):
    FIXED[f"spec23_cast_{_cast}"] = spec("int_accel", [Dv("Imu:accel", [_scal(".", _cast)], entity="/derived")])
FIXED["spec24_time_extraction"] = spec("sensor_data", [Dv("Sensor:data", [_scal(".value")],
                                                          [T("sensor_time", "timestamp_ns", ".ts")])])
FIXED["spec25_string_prefix"] = spec("image", [Dv("Image:format", [C("Image:mime", '.format | string_prefix("image/")')])])
FIXED["spec26_callable"] = spec("imu", [Dv("Imu:accel", [C("o", [".x", "times2"])])])


# -- the random generator -----------------------------------------------------------------------------

def _component_selectors(fields) -> list[str]:
    scal, ints, strs, lists = fields
    all_fields = scal + ints + strs
    out = [".", ".zz", "[0]", "[]", ".zz?", "[0]?"]
    for f in all_fields:
        out += [f".{f}", f".{f}!", f".{f}?", f".{f}.zz", f".{f} | string_prefix(\"p\")"]
    nums = scal + ints
    if len(nums) >= 2:
        a, b = nums[0], nums[1]
        out += [f"pack(.{a}!, .{b}!)", f"pack(.{a}!, .{b}!) | .[]", f"pack(.{a}, .{b})"]
    for f in lists:
        out += [f".{f}[]", f".{f}[0]", f".{f}[]!", f".{f} | map(.)"]
    return out


def _time_selectors(fields) -> list[str]:
    scal, ints, strs, _lists = fields
    return [f".{f}" for f in ints] + [f".{f}" for f in scal[:1] + strs[:1]] + [".zz", "[0]"]


def random_spec(rng: random.Random) -> dict:
    inp = rng.choice(sorted(INPUTS))
    columns = {k: v for k, v in INPUTS[inp].items() if v is not None}
    names = sorted(columns) + ["missing"]
    outputs = ["o", "p", "Scalars:scalars", "o", "p", "Scalars:scalars"] + sorted(columns)
    lenses = []
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        col = rng.choice(names)
        fields = columns.get(col, ([], ["q"], [], []))
        sels = _component_selectors(fields)
        if rng.random() < 0.3:
            lenses.append(M(col, rng.choice(sels), keep=rng.random() < 0.4))
            continue
        entity = rng.choice([None, None, None, "/o", "o", "/s", "/p"])
        scatter = rng.random() < 0.3
        comps = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            cast = rng.choice([None] * 6 + ["auto", "float32", "int8", "utf8", "float64", "fsl2_f32"])
            name = rng.choice(outputs)
            if name == "Scalars:scalars":
                comps.append(_scal(rng.choice(sels), cast))
            else:
                comps.append(C(name, rng.choice(sels), cast))
        tls = []
        # Time values fewer than the rows crash the wheel (notes §0.9): only where every row holds one value.
        if inp in ONE_PER_ROW and not scatter and rng.random() < 0.4:
            tls.append(T(rng.choice(["a", "frame", "tick", "zz_t"]),
                         rng.choice(["sequence", "duration_ns", "timestamp_ns"]),
                         rng.choice(_time_selectors(fields))))
        lenses.append(Dv(col, comps, tls, entity, scatter))
    api = rng.choice(["apply", "stream"])
    mode = "forward_unmatched" if api == "apply" else rng.choice(["drop_unmatched", "forward_unmatched", "forward_all"])
    content = None
    if api == "stream" and rng.random() < 0.2:
        content = rng.choice([["/s"], ["/elsewhere/**"], ["/**"], []])
    return spec(inp, lenses, mode, api, content)


def random_specs(seed: int, n: int) -> dict[str, dict]:
    rng = random.Random(seed)
    return {f"random_{i:03d}": random_spec(rng) for i in range(n)}


# -- cases that are not specs -------------------------------------------------------------------------

def case_builder_errors(rx, ctx):
    pa = ctx.pa
    calls = [
        lambda: rx.DeriveLens(""),
        lambda: rx.MutateLens("", "."),
        lambda: rx.MutateLens("", "not a selector"),
        lambda: rx.DeriveLens("a").to_component("", "."),
        lambda: rx.DeriveLens("a").to_component("o", ".", cast_to="float"),
        lambda: rx.DeriveLens("a").to_component("o", ".", cast_to=5),
        lambda: rx.DeriveLens("a").to_component("o", 5),
        lambda: rx.DeriveLens("a").to_component("o", "bad query"),
        lambda: rx.DeriveLens("a").to_timeline("t", "seq", "."),
        lambda: rx.DeriveLens("a").to_timeline("t", "sequence", "[0"),
        lambda: rx.DeriveLens("a").to_packed_component("o"),
        lambda: rx.DeriveLens("a").to_scalars(),
        lambda: rx.MutateLens("a", 5),
        lambda: ctx.inputs["sensor"].apply_lenses(["not a lens"]),
        lambda: ctx.inputs["sensor"].apply_lenses("abc"),
        lambda: rx.DeriveLens("a").to_component("o", ".", cast_to=pa.float32()) and "ok",
        lambda: rx.DeriveLens("a").to_timeline("", "sequence", ".") and "ok",
    ]
    return [attempt(f) for f in calls]


def case_builders_are_immutable(rx, ctx):
    base = rx.DeriveLens("other", output_entity="/o")
    a = base.to_component("a", ".q")
    b = a.to_component("b", ".q")
    chunk = ctx.inputs["sensor"]
    return [attempt(lambda: ctx.chunks(chunk.apply_lenses(lens))) for lens in (base, a, b)]


def case_lens_type_alias(rx, ctx):
    d, m = rx.DeriveLens("x"), rx.MutateLens("x", ".")
    return [isinstance(d, rx.Lens), isinstance(m, rx.Lens), isinstance("x", rx.Lens)]


def case_single_lens_not_in_list(rx, ctx):
    chunk = ctx.inputs["sensor"]
    return [attempt(lambda: ctx.chunks(chunk.apply_lenses(rx.MutateLens("other", ".q")))),
            attempt(lambda: ctx.chunks(rx.LazyChunkStream.from_iter([chunk]).lenses(rx.MutateLens("other", ".q"))
                                       .to_chunks()))]


def case_apply_selector(rx, ctx):
    chunk = ctx.inputs["sensor"]
    calls = [
        lambda: chunk.apply_selector("nope", "."),
        lambda: chunk.apply_selector("", "."),
        lambda: chunk.apply_selector("Imu:accel", ".zz"),
        lambda: chunk.apply_selector("Imu:accel", "[0]"),
        lambda: chunk.apply_selector("Imu:accel", "bad query"),
        lambda: ctx.chunk(chunk.apply_selector("Imu:accel", ".x")),
        lambda: ctx.chunk(chunk.apply_selector(ctx.D("Imu:accel", "Imu"), ctx.rx.Selector(".y"))),
        lambda: ctx.chunk(ctx.inputs["unsorted"].apply_selector("comp", ".x")),
        lambda: ctx.chunk(ctx.inputs["sensor_nulls"].apply_selector("Imu:accel", ".y!")),
        lambda: ctx.chunk(ctx.inputs["my_value"].apply_selector(
            "MyArchetype:value", ctx.rx.Selector(".").pipe(ctx.callables["times2"]))),  # spec case 15
        lambda: chunk.apply_selector("nonexistent:component", ctx.rx.Selector(".")),  # spec case 16
    ]
    return [attempt(f) for f in calls]


def case_stream_output_mode_errors(rx, ctx):
    out = []
    s = rx.LazyChunkStream.from_iter([ctx.inputs["sensor"]])
    out.append(attempt(lambda: s.lenses(rx.MutateLens("other", "."), output_mode="invalid")))
    out.append(attempt(lambda: s.to_chunks()))  # consumed by the failed call
    s2 = rx.LazyChunkStream.from_iter([ctx.inputs["sensor"]])
    out.append(attempt(lambda: s2.lenses(["not a lens"])))
    out.append(attempt(lambda: len(s2.to_chunks())))  # not consumed: the wrapper failed first
    s3 = rx.LazyChunkStream.from_iter([ctx.inputs["sensor"]])
    out.append(attempt(lambda: s3.lenses(rx.DeriveLens("other").to_component("other", "."))))
    out.append(attempt(lambda: s3.to_chunks()))
    s4 = rx.LazyChunkStream.from_iter([ctx.inputs["sensor"], ctx.inputs["unsorted"]])
    out.append(attempt(lambda: [c.entity_path for c in s4.lenses([], output_mode="forward_all").to_chunks()]))
    return out


def _f_stream(rx, ctx):
    return rx.RrdReader(ctx.paths["F"]).stream()


def _lines(store):
    return store.summary()


def case_spec48_49_50(rx, ctx):
    D = ctx.scalars
    out = []
    out.append(attempt(lambda: _lines(_f_stream(rx, ctx).filter(content="/sensors/**")
                                      .lenses(rx.MutateLens("Imu:accel", rx.Selector("."))).collect())))
    out.append(attempt(lambda: _lines(_f_stream(rx, ctx).filter(content="/sensors/**")
                                      .lenses(rx.DeriveLens("Imu:accel").to_component(D(), rx.Selector(".x"))).collect())))
    out.append(attempt(lambda: ctx.chunks(_f_stream(rx, ctx).filter(content="/sensors/**").lenses(
        rx.DeriveLens("Imu:accel").to_component(D(), rx.Selector(".x").pipe(ctx.callables["times2"]))).to_chunks())))
    out.append(attempt(lambda: _lines(_f_stream(rx, ctx).filter(content="/sensors/**").lenses([
        rx.DeriveLens("Imu:accel", output_entity="/out/x").to_component(D(), ".x"),
        rx.DeriveLens("Imu:accel", output_entity="/out/z").to_component(D(), ".z")]).collect())))
    return out


def case_spec51_52_53(rx, ctx):
    D = ctx.scalars
    lens = rx.DeriveLens("Imu:accel", output_entity="/transformed").to_component(D(), ".x")
    out = [attempt(lambda: _lines(_f_stream(rx, ctx).lenses(
        rx.DeriveLens("nonexistent:Component:foo").to_component("out:Component:bar", "."),
        output_mode="drop_unmatched").collect()))]
    for mode in ("forward_unmatched", "forward_all"):
        out.append(attempt(lambda: _lines(_f_stream(rx, ctx).lenses(lens, output_mode=mode)
                                          .drop(content="/__properties/**").collect())))
    for content in ("/sensors/**", "/robots/**"):
        out.append(attempt(lambda: _lines(_f_stream(rx, ctx).lenses(lens, output_mode="drop_unmatched", content=content)
                                          .drop(content="/__properties/**").collect())))
    out.append(attempt(lambda: _f_stream(rx, ctx).lenses(lens, output_mode="invalid")))
    return out


def case_spec55_time_extraction(rx, ctx):
    lens = (rx.DeriveLens("Imu:accel").to_component(ctx.scalars(), ".x")
            .to_timeline("sensor_time", "timestamp_ns", ".timestamp"))
    stream = _f_stream(rx, ctx).filter(content="/sensors/**").lenses(lens)
    return [attempt(lambda: _lines(stream.collect())), attempt(lambda: ctx.chunks(stream.to_chunks()))]


def case_spec71_72_builders(rx, ctx):
    chunk = ctx.inputs["pose"]
    lenses = [
        rx.DeriveLens("data", output_entity="/pose").to_translation("pos_x", "pos_y", "pos_z")
        .to_quaternion("quat_x", "quat_y", "quat_z", "quat_w"),
        rx.DeriveLens("data", output_entity="/pose").to_scale("vx", "vy", "vz"),
        rx.DeriveLens("data", output_entity="/v").to_scalars("vx", "vy", "vz"),
        rx.DeriveLens("data", output_entity="/v").to_scalars("vx"),
        rx.DeriveLens("data", output_entity="/v").to_scalars("pos_y"),
        rx.DeriveLens("data", output_entity="/r").to_rotation_axis_angle("pos_x", "pos_y", "pos_z", "angle"),
        rx.DeriveLens("data", output_entity="/p").to_packed_component("Points3D:positions", "pos_x", "pos_z"),
        rx.DeriveLens("data", output_entity="/p").to_packed_component(
            ctx.D("Points3D:positions", "rerun.archetypes.Points3D", "rerun.components.Position3D"), "pos_x", "pos_y",
            "pos_z"),
        rx.DeriveLens("data", output_entity="/p").to_packed_component("q", "pos_x", "vx", cast_to=None),
    ]
    return [attempt(lambda: ctx.chunks(chunk.apply_lenses(lens))) for lens in lenses]


CASES = {name.removeprefix("case_"): fn for name, fn in dict(globals()).items() if name.startswith("case_")}


def make_callables(pa, pc):
    def raise_value(_a):
        raise ValueError

    return {"times2": lambda a: pc.multiply(a, 2.0), "raise_value": raise_value, "none": lambda a: None,
            "int": lambda a: 5, "short": lambda a: a.slice(0, 1)}


# Which timeline a length mismatch names (Rerun's hash-map order; notes §5.4 call it unspecified).
FIXED["mismatch_named_added"] = spec("two_tl", [Dv("c", [C("o", ".zz")], [T("n1", "sequence", ".x"),
                                                                          T("n2", "sequence", ".x")], entity="/o")])
FIXED["mismatch_named_replaced"] = spec("two_tl", [Dv("c", [C("o", ".zz")], [T("frame", "sequence", ".x")], entity="/o")])
FIXED["mismatch_named_original"] = spec("two_tl", [Dv("c", [C("o", ".zz")], entity="/o")])


# Shapes that abort the wheel (notes §0.6, §0.9): the reference process dies; ours must raise.
FIXED["abort_scatter_timeline_short"] = spec("scatter_nulls", [Dv("c", _SC, [T("t", "sequence", ".ts")], scatter=True)])
FIXED["abort_timeline_short"] = spec("lists", [Dv("c", [C("o", ".t")], [T("a", "sequence", ".t")])])
FIXED["abort_callable_short"] = spec("multi", [Dv("c", [C("o", [".x", "short"])])])
