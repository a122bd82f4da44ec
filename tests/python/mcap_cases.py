"""Cases for test_mcap_reader.py, shared by both sides: the MCAP files (written by our side with
the `mcap` library, which the reference venv does not have) and each case as `fn(rx, paths)`.
A case's value: every chunk the reader yields (described as in parquet_cases, ids left out) and
the error that ended it, or the error the constructor or stream() raised."""

from __future__ import annotations

import json

from parquet_cases import describe, error_of, rerun_verified_description  # noqa: F401

T0 = 1_700_000_000_000_000_000


def write_files(out) -> dict:
    from mcap.writer import CompressionType, IndexType, Writer
    from mcap_ros2._dynamic import serialize_dynamic

    paths = {}

    def raw(name, chunked=True, comp=CompressionType.ZSTD, chunk_size=1 << 20, n=3, extras=True, **kw):
        path = str(out / f"{name}.mcap")
        with open(path, "wb") as f:
            w = Writer(f, chunk_size=chunk_size, compression=comp, use_chunking=chunked, **kw)
            w.start(profile="", library="chunkhouse-test")
            sid = w.register_schema("my.Json", "jsonschema", b'{"type":"object"}')
            cj = w.register_channel("/json", "json", sid, metadata={"k": "v"})
            cr = w.register_channel("/raw/blob", "application/octet-stream", 0)
            w.register_channel("/empty", "json", sid)
            for i in range(n):
                w.add_message(cj, log_time=T0 + 100 * i + (30 if i == 1 else 0), publish_time=T0 + 100 * i + 1,
                              data=json.dumps({"i": i}).encode())
                w.add_message(cr, log_time=T0 + 100 * (n - i) + 50, publish_time=5, data=bytes([i, 1, 2]))
            if extras:
                w.add_metadata("info", {"robot": "r2", "site": "lab"})
                w.add_metadata("info", {"extra": "x"})
                w.add_metadata("other name", {"a": "1"})
                w.add_attachment(create_time=11, log_time=22, name="calib.txt", media_type="text/plain", data=b"hello")
                w.add_attachment(create_time=0, log_time=33, name="blob.bin", media_type="application/octet-stream",
                                 data=b"\x00\x01")
            w.finish()
        paths[name] = path

    raw("raw_zstd")
    raw("raw_lz4", comp=CompressionType.LZ4)
    raw("raw_none", comp=CompressionType.NONE)
    raw("raw_unchunked", chunked=False)
    raw("many_chunks", chunk_size=1, n=6, extras=False)
    raw("no_stats", use_statistics=False)
    raw("no_summary", index_types=IndexType(0), repeat_channels=False, repeat_schemas=False, use_statistics=False,
        use_summary_offsets=False)
    data = open(paths["many_chunks"], "rb").read()
    (out / "truncated.mcap").write_bytes(data[:-200])
    paths["truncated"] = str(out / "truncated.mcap")
    (out / "trunc_mid.mcap").write_bytes(data[:len(data) // 2])
    paths["trunc_mid"] = str(out / "trunc_mid.mcap")
    unchunked = open(paths["raw_unchunked"], "rb").read()
    (out / "unchunked_truncated.mcap").write_bytes(unchunked[:len(unchunked) // 2])
    paths["unchunked_truncated"] = str(out / "unchunked_truncated.mcap")
    (out / "not_mcap.mcap").write_bytes(b"hello, this is not an MCAP file at all")
    paths["not_mcap"] = str(out / "not_mcap.mcap")
    paths["missing"] = str(out / "missing.mcap")

    defs = {"std_msgs/msg/String": "string data\n"}
    path = str(out / "ros.mcap")
    with open(path, "wb") as f:
        w = Writer(f)
        w.start(profile="ros2", library="chunkhouse-test")
        typ = "std_msgs/msg/String"
        ch = w.register_channel("/chatter", "cdr", w.register_schema(typ, "ros2msg", defs[typ].encode()))
        enc = serialize_dynamic(typ, defs[typ])[typ]
        raw_ch = w.register_channel("/plain", "json", 0)
        for i in range(3):
            w.add_message(ch, log_time=T0 + 1000 * i, publish_time=T0 + 1000 * i + 7, data=enc({"data": f"hello {i}"}))
            w.add_message(raw_ch, log_time=T0 + 1000 * i + 1, publish_time=0, data=b"{}")
        w.finish()
    paths["ros"] = path

    # ROS 2: every type Rerun's ros2msg decoder converts, the lenses, reflection edge cases
    # (ros2_fixtures.py; its panic_* file aborts rerun-sdk and is never read here).
    import ros2_fixtures

    ros2_fixtures.write_all(str(out / "ros2"))
    for name in ROS2_FILES:
        paths[f"ros2/{name}"] = str(out / "ros2" / f"{name}.mcap")

    # Reflection corner cases: enum-like and empty messages, fixed and bounded arrays, a
    # dependency section with no body (Rerun drops it, so the type does not resolve).
    sep = "=" * 80 + "\n"
    custom = ("std_msgs/Header header\nint32 count\nfloat64[] values\nstring label\nbool flag\nMode mode\n"
              "uint8[3] rgb\nbool[] bits\nstring[<=2] names\nInner[] inners\nint64 BIG=5\n"
              + sep + "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id\n"
              + sep + "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n"
              + sep + "MSG: my_pkg/Mode\nuint8 A=0\nuint8 B=1\n" + sep + "MSG: my_pkg/Empty\n\n"
              + sep + "MSG: my_pkg/Inner\nint16 a\nEmpty e\n")
    unresolved = "Gone g\nint8 x\n" + sep + "MSG: my_pkg/Gone\n"
    path = str(out / "reflection.mcap")
    with open(path, "wb") as f:
        w = Writer(f)
        w.start(profile="ros2", library="chunkhouse-test")
        name = "my_pkg/msg/Custom"
        ch = w.register_channel("/custom", "cdr", w.register_schema(name, "ros2msg", custom.encode()))
        enc = serialize_dynamic(name, custom)[name]
        gone = w.register_channel("/gone", "cdr", w.register_schema("my_pkg/msg/Unresolved", "ros2msg", unresolved.encode()))
        for i in range(3):
            w.add_message(ch, log_time=T0 + 30 - 10 * i, publish_time=T0 + i, data=enc({
                "header": {"stamp": {"sec": 5 + i, "nanosec": 7}, "frame_id": f"f{i}"}, "count": i, "values": [1.5] * i,
                "label": "L" * i, "flag": i % 2 == 0, "mode": 1, "rgb": [1, 2, 3], "bits": [True, False][:i],
                "names": ["a", "b"][:i], "inners": [{"a": 3, "e": {}}] * i}))
            w.add_message(gone, log_time=T0 + i, publish_time=T0 + i, data=b"\x00\x01\x00\x00\x05")
        w.finish()
    paths["reflection"] = path
    path = str(out / "bad_schema.mcap")
    with open(path, "wb") as f:
        w = Writer(f)
        w.start(profile="ros2", library="chunkhouse-test")
        ch = w.register_channel("/bad", "cdr", w.register_schema("pkg/msg/Bad", "ros2msg", b"int32\n"))
        w.add_message(ch, log_time=T0, publish_time=T0, data=b"\x00\x01\x00\x00\x05\x00\x00\x00")
        w.finish()
    paths["bad_schema"] = path

    # Protobuf: Foxglove's schemas (and their lenses), every kind of field, a schema that is not a
    # descriptor set.
    from foxglove_schemas_protobuf.Log_pb2 import Log
    from mcap_protobuf.writer import Writer as ProtobufWriter

    path = str(out / "protobuf.mcap")
    with open(path, "wb") as f:
        w = ProtobufWriter(f)
        for i in range(2):
            msg = Log(message=f"hello {i}", name="node", level=2)
            msg.timestamp.FromNanoseconds(T0 + i)
            w.write_message(topic="/log", message=msg, log_time=T0 + i, publish_time=T0 + i)
        w.finish()
    paths["protobuf"] = path
    import foxglove_fixture
    import protobuf_fixture

    foxglove_fixture.write(str(out / "foxglove.mcap"))
    paths["foxglove"] = str(out / "foxglove.mcap")
    foxglove_fixture.write_point_clouds(str(out / "foxglove_points.mcap"))
    paths["foxglove_points"] = str(out / "foxglove_points.mcap")
    foxglove_fixture.write_bad_encoding(str(out / "foxglove_bad_encoding.mcap"))
    paths["foxglove_bad_encoding"] = str(out / "foxglove_bad_encoding.mcap")
    # Robot descriptions (Rerun's `urdf` decoder), with meshes beside the files (file:// and, through
    # ROS_PACKAGE_PATH, package:// paths; a relative path, which cannot be loaded from a message).
    import urdf_fixture

    paths.update(urdf_fixture.write(out, T0))

    protobuf_fixture.write(str(out / "protobuf_kinds.mcap"))
    paths["protobuf_kinds"] = str(out / "protobuf_kinds.mcap")
    path = str(out / "protobuf_bad_schema.mcap")
    with open(path, "wb") as f:
        w = Writer(f)
        w.start(profile="", library="chunkhouse-test")
        ch = w.register_channel("/bad", "protobuf", w.register_schema("x.Bad", "protobuf", b"\xff\xff not a descriptor set"))
        w.add_message(ch, log_time=T0, publish_time=T0, data=b"")
        w.finish()
    paths["protobuf_bad_schema"] = path
    # A ROS 2 recording cut short: Imu messages one per chunk, the tail (and summary) lost.
    data = open(paths["ros2/imu_chunks"], "rb").read()
    (out / "ros2_cut.mcap").write_bytes(data[:len(data) * 2 // 3])
    paths["ros2_cut"] = str(out / "ros2_cut.mcap")
    return paths


ROS2_FILES = ["imu", "imu_bad", "imu_chunks", "joint_state", "scalars", "navsatfix", "joy", "float64", "image",
              "compressed", "pointcloud", "tf", "lenses", "edge"]


def _read(rx, path, stream_kw=None, **kw):
    try:
        stream = rx.McapReader(path, **kw).stream(**(stream_kw or {}))
    except Exception as err:  # noqa: BLE001
        return {"chunks": [], "error": ["at open: " + error_of(err)[0], error_of(err)[1]]}
    chunks, error = [], None
    try:
        for chunk in stream:
            chunks.append(chunk)
    except Exception as err:  # noqa: BLE001
        error = error_of(err)
    return {"chunks": describe(chunks), "error": error}


def _case(file, stream_kw=None, **kw):
    return lambda rx, paths: _read(rx, paths[file], stream_kw, **kw)


CASES = {
    "raw_zstd": _case("raw_zstd"),
    "raw_lz4": _case("raw_lz4"),
    "raw_none": _case("raw_none"),
    "raw_unchunked": _case("raw_unchunked"),
    "many_chunks": _case("many_chunks"),
    "no_stats": _case("no_stats"),
    "only_raw": _case("raw_zstd", decoders=["raw"]),
    "only_file_level": _case("raw_zstd", decoders=["stats", "schema", "metadata"]),
    "no_decoders": _case("raw_zstd", decoders=[]),
    "duration": _case("raw_zstd", timeline_type="duration", timestamp_offset_ns=1000),
    "offset": _case("raw_zstd", timestamp_offset_ns=-5_000),
    "include": _case("many_chunks", include_topic_regex=["blob$"]),
    "include_exclude": _case("raw_zstd", include_topic_regex=["o"], exclude_topic_regex=["^/js"]),
    "time_ctor": _case("many_chunks", start_time_ns=T0 + 100, end_time_ns=T0 + 300),
    "time_stream": _case("many_chunks", stream_kw={"end_time_ns": T0 + 151}, start_time_ns=T0 + 100,
                         end_time_ns=T0 + 300),
    "ros_as_raw": _case("ros", decoders=["raw", "schema", "stats"]),
    "no_summary": _case("no_summary"),
    "truncated": _case("truncated"),
    "missing": _case("missing"),
    "bad_timeline_type": _case("raw_zstd", timeline_type="sequence"),
    "bad_decoder": _case("raw_zstd", decoders=["raw", "nope"]),
    "bad_range": _case("raw_zstd", start_time_ns=5, end_time_ns=5),
    "negative_start": _case("raw_zstd", start_time_ns=-1),
}


for _f in ROS2_FILES:
    CASES[f"ros2_{_f}"] = _case(f"ros2/{_f}")
    CASES[f"ros2_{_f}_ros2msg"] = _case(f"ros2/{_f}", decoders=["ros2msg"])
    CASES[f"ros2_{_f}_reflection"] = _case(f"ros2/{_f}", decoders=["ros2_reflection", "raw"])
CASES["ros2_imu_duration"] = _case("ros2/imu", timeline_type="duration")
CASES["ros2_tf_offset"] = _case("ros2/tf", timestamp_offset_ns=-100_000_000_000)
CASES["ros2_lenses_offset"] = _case("ros2/lenses", timestamp_offset_ns=1000)
CASES["ros2_lenses_without_reflection"] = _case("ros2/lenses", decoders=["ros2msg", "raw"])
CASES["ros2_image_time_range"] = _case("ros2/image", start_time_ns=T0 + 1000, end_time_ns=T0 + 3000)
CASES["ros2_reflection_custom"] = _case("reflection")
CASES["protobuf_kinds"] = _case("protobuf_kinds")
CASES["protobuf_kinds_only"] = _case("protobuf_kinds", decoders=["protobuf"])
CASES["protobuf_foxglove_as_struct"] = _case("protobuf", decoders=["protobuf", "raw", "schema", "stats"])
CASES["foxglove"] = _case("foxglove")
CASES["foxglove_offset"] = _case("foxglove", timestamp_offset_ns=1000)
CASES["foxglove_duration"] = _case("foxglove", timeline_type="duration")
CASES["foxglove_lenses_only"] = _case("foxglove", decoders=["protobuf", "foxglove"])
CASES["foxglove_points"] = _case("foxglove_points")
CASES["foxglove_bad_encoding"] = _case("foxglove_bad_encoding")
CASES["foxglove_points_as_struct"] = _case("foxglove_points", decoders=["protobuf"])
CASES["urdf_left_out"] = _case("urdf", decoders=["ros2_reflection", "ros2msg", "schema"])
CASES["urdf"] = _case("urdf")
CASES["urdf_only"] = _case("urdf", decoders=["urdf"])
CASES["urdf_offset_duration"] = _case("urdf", timeline_type="duration", timestamp_offset_ns=7)
CASES["urdf_outside_time_range"] = _case("urdf", start_time_ns=T0 + 10**9, end_time_ns=T0 + 2 * 10**9)
CASES["urdf_topic_excluded"] = _case("urdf", exclude_topic_regex=["robot_desc"])
CASES["urdf_latest_of_two"] = _case("urdf_two", decoders=["urdf", "stats"])
CASES["urdf_broken"] = _case("urdf_broken")
CASES["urdf_recover_cut"] = _case("urdf_cut", recover=True)
CASES["protobuf_bad_schema"] = _case("protobuf_bad_schema")
CASES["protobuf_bad_schema_raw"] = _case("protobuf_bad_schema", decoders=["raw"])
# recover=True: a summary rebuilt from the data section when the file has none or it cannot be read.
for _name, _file in [("truncated", "truncated"), ("trunc_mid", "trunc_mid"), ("no_summary", "no_summary"),
                     ("healthy", "raw_zstd"), ("unchunked_truncated", "unchunked_truncated"),
                     ("not_mcap", "not_mcap"), ("ros2_cut", "ros2_cut")]:
    CASES[f"recover_{_name}"] = _case(_file, recover=True)
CASES["recover_ros2_cut_reflection"] = _case("ros2_cut", recover=True, decoders=["ros2_reflection", "stats"])
CASES["ros2_bad_schema"] = _case("bad_schema")
CASES["ros2_bad_schema_semantic_only"] = _case("bad_schema", decoders=["ros2msg", "raw"])


def _surface(rx, paths):
    r = rx.McapReader(paths["raw_zstd"])
    return [rx.McapReader.available_decoders(), repr(r).replace(paths["raw_zstd"], "<path>"), str(r.path),
            list(r.time_bounds()), list(rx.McapReader(paths["no_stats"]).time_bounds())]


CASES["surface"] = _surface


def _info(file):
    def run(rx, paths):
        try:
            return repr(rx.McapReader(paths[file]).info()).replace(paths[file], "<path>")
        except Exception as err:  # noqa: BLE001
            return error_of(err)
    return run


for _file in ("raw_zstd", "raw_lz4", "many_chunks", "no_stats", "raw_unchunked", "ros", "no_summary"):
    CASES[f"info_{_file}"] = _info(_file)


def _recovered(file):
    def run(rx, paths):
        r = rx.McapReader(paths[file], recover=True)
        out = []
        for what in (lambda: repr(r.info()).replace(paths[file], "<path>"), lambda: list(r.time_bounds())):
            try:
                out.append(what())
            except Exception as err:  # noqa: BLE001
                out.append(error_of(err))
        return out
    return run


for _file in ("truncated", "trunc_mid", "no_summary", "raw_zstd", "unchunked_truncated", "not_mcap", "ros2_cut"):
    CASES[f"info_recover_{_file}"] = _recovered(_file)
# Chunks whose order Rerun leaves to a hash map (the schema decoder's, and the channels within
# one MCAP chunk): compared as a multiset, the kinds of chunk in order.
UNORDERED = {n for n in CASES if not n.startswith("info_")} - {"surface", "missing", "bad_timeline_type", "bad_decoder", "bad_range", "negative_start",
                          "no_summary", "truncated"}
# Errors whose words come from the file's own reading (arrow-rs/mcap-rs there): the kind and prefix must match.
PREFIX_ONLY = {"truncated", "no_summary", "protobuf_bad_schema"}
