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
    return paths


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
# Chunks whose order Rerun leaves to a hash map (the schema decoder's, and the channels within
# one MCAP chunk): compared as a multiset, the kinds of chunk in order.
UNORDERED = {n for n in CASES if not n.startswith("info_")} - {"surface", "missing", "bad_timeline_type", "bad_decoder", "bad_range", "negative_start",
                          "no_summary", "truncated"}
# Errors whose words come from the file's own reading (arrow-rs/mcap-rs there): the kind and prefix must match.
PREFIX_ONLY = {"truncated", "no_summary"}
