"""The reference side of test_chunk_format.py; runs in the rerun-sdk venv (harness.py python ...).

Usage: chunk_format_reference.py OUTDIR FILE...

Writes OUTDIR/awkward.rrd (chunks with awkward values and seeded random text, written by rerun-sdk) and OUTDIR/reference.json:
for every FILE and awkward.rrd, each chunk's id, repr, len, str and `format(...)` under every option
set of OPTIONS, plus what rerun-sdk answers to odd arguments (BAD_CALLS).
"""

import datetime
import decimal
import json
import random
import sys
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import rerun as rr
from rerun.experimental import Chunk, RrdReader

OPTIONS = [(w, r, t) for w in (240, 80, 40, 1000, 10) for r in (False, True) for t in (True, False)]
# Calls whose result (text or error) must be the same on both sides: (positional args, keyword args).
# All of them survive JSON (Python's json keeps big ints), so the test side replays them as they are.
BAD_CALLS = [
    ([80], {}), ([], {"width": -1}), ([], {"width": 2**64}), ([], {"width": 1.5}), ([], {"width": None}),
    ([], {"width": "80"}), ([], {"redact": 1}), ([], {"redact": None}), ([], {"trim_metadata_keys": "yes"}),
    ([], {"width": True}), ([], {"width": 65536 + 80}), ([], {"width": 2**64 - 1}), ([], {"colour": 1}),
]


def static_chunk(cols, entity_path="/e"):
    n = max(len(a) for a in cols.values())
    cols = {k: a if len(a) == n else pa.concat_arrays([a, pa.nulls(n - len(a), a.type)]) for k, a in cols.items()}
    return Chunk.from_record_batch(pa.RecordBatch.from_pydict(cols), index=None, entity_path=entity_path)[0]


def lists(values, t):
    return pa.array(values, pa.list_(t))


def awkward_chunks():
    S = pa.utf8()
    point = pa.struct([pa.field("x", pa.float64()), pa.field("y", pa.int32(), nullable=False), pa.field("name", S)])
    union = pa.UnionArray.from_sparse(pa.array([0, 1], pa.int8()), [pa.array([1, 2], pa.int32()), pa.array(["a", "b"])],
                                      ["i", "s"])
    yield static_chunk({
        "txt": lists([["héllo wörld", "日本語のテキスト 日本語のテキスト", "e\u0301 combining", "zero\u200bwidth", "tab\there",
                       "cr\rhere", "emoji 😀 🎉"], ["混合 mixed テキスト text " * 3],
                      # emoji sequences drawn as one wide glyph, and characters wide since Unicode 14
                      ["👍🏽 ☝🏻 ❤️ ❤ #️⃣ 👨‍👩‍👧 🇫🇷 ✌ 🫨🫨🫨🫨🫨 ☰☱☲ ䷀䷁ 𝌀 각 \u17d8 \u115f لا"]], S)}, "/unicode/ü")
    yield static_chunk({"s": lists([["x" * 150], ["word " * 40], ["a\n" * 60], ["é" * 120]], S)})
    yield static_chunk({"s": lists([["line1\nline2 wraps here too ok", "\nleading", "trailing\n"],
                                    ["two  spaces  here  and  more  words", "   lead", "trail   "]], S)})
    yield static_chunk({
        "st": lists([[{"x": 1.0, "y": 2, "name": "a b"}, None], [{"x": None, "y": 3, "name": None}]], point),
        "nested": lists([[[1, 2], [3]], [[], None]], pa.list_(pa.int16())),
        "fsl": lists([[[1.0, None, 3.0]], []], pa.list_(pa.float32(), 3)),
        "deep": lists([[[[{"a": [1, 2]}]]], None], pa.list_(pa.list_(pa.struct([pa.field("a", pa.list_(pa.int8()))])))),
    })
    yield static_chunk({
        "ts": lists([[0, 1, 1_500_000_000], [-1, 1_000_000, 1_000]], pa.timestamp("ns")),
        "ts_utc": lists([[0], [1_500_000_000]], pa.timestamp("ns", tz="UTC")),
        "ts_off": lists([[0], [1_000_000]], pa.timestamp("ms", tz="+01:00")),
        "ts_ny": lists([[0, 1_700_000_000_000_000], [1_690_000_000_000_000]], pa.timestamp("us", tz="America/New_York")),
        "ts_kol": lists([[1_700_000_000]], pa.timestamp("s", tz="Asia/Kolkata")),
        "ts_s": lists([[0, 2**62, -62135596800, 253402300800]], pa.timestamp("s")),
        "ts_ms_big": lists([[2**62, -(2**62)]], pa.timestamp("ms")),
    })
    # Time zone strings: fixed offsets in each spelling arrow-rs reads, IANA names, and ones it rejects.
    yield static_chunk({f"tz_{i}": lists([[0, 1_700_000_000_000_000_000]], pa.timestamp("ns", tz=tz))
                        for i, tz in enumerate(["+05", "+0530", "-09:30", "Etc/GMT+3", "Europe/Paris", "Foo/Bar", "+5"])})
    yield static_chunk({
        "dur": lists([[0, -1_500_000_000], [86_400_000_000_000, 1_000, -1]], pa.duration("ns")),
        "dur_s": lists([[0, 5], [-3, None, 2**62]], pa.duration("s")),
        "dur_ms": lists([[1, -1500, -(2**63)]], pa.duration("ms")),
        "dur_us": lists([[1, 1_000_000, -2]], pa.duration("us")),
    })
    yield static_chunk({
        "f64": lists([[1.0, 1e20, float("nan"), float("inf"), -float("inf"), -0.0, 0.1],
                      [1e15, 1e16, 1e-4, 1e-5, 3e-7, 123456789.123, 5e-324, 1.7976931348623157e308, -2.5e-8]], pa.float64()),
        "f32": lists([[1.0, 0.1, 1e12, 1e13, 1e14], [1e-5, 1e-6, 1e-7, 3.4028235e38, 16777216.0, 1.5, -0.0]], pa.float32()),
        "f16": lists([[np.float16(1.0), np.float16(0.5), np.float16(-0.0)],
                      [np.float16(1e4), np.float16(65504), np.float16(6e-8), np.float16(0.1), np.float16(np.nan),
                       np.float16(np.inf), None]], pa.float16()),
    })
    yield static_chunk({
        "i8": lists([[-128, 127, None]], pa.int8()), "u64": lists([[0, 2**64 - 1]], pa.uint64()),
        "i64": lists([[0, -1, 9223372036854775807], [-9223372036854775808]], pa.int64()),
        "bool": lists([[True, None, False], []], pa.bool_()), "nulls": lists([[None, None], None], pa.null()),
    })
    yield static_chunk({
        "date32": lists([[datetime.date(2020, 1, 2), None, datetime.date(1, 1, 1)]], pa.date32()),
        "date64": lists([[datetime.date(1971, 1, 1)]], pa.date64()),
        "time32": lists([[1500]], pa.time32("ms")), "time64": lists([[1_500_000, 86_399_999_999]], pa.time64("us")),
        "dec": lists([[decimal.Decimal("1.000"), decimal.Decimal("-0.001"), None]], pa.decimal128(10, 3)),
        "bin": lists([[b"\x00\xffab", b""], []], pa.binary()),
        "fsb": lists([[b"\x01\x02"], [None]], pa.binary(2)),
        "lstr": lists([["large", None]], pa.large_utf8()),
        "mdn": lists([[pa.scalar((1, 2, 3), pa.month_day_nano_interval()).as_py()]], pa.month_day_nano_interval()),
    })
    yield static_chunk({
        "map": lists([[[("a", 1), ("b", None)], []]], pa.map_(S, pa.int32())),
        "sunion": pa.ListArray.from_arrays(pa.array([0, 2], pa.int32()), union),
    })
    yield Chunk.from_columns("/empty", indexes=[rr.TimeColumn("frame", sequence=[])], columns=rr.Scalars.columns(scalars=[]))
    yield Chunk.from_columns("/test/static", indexes=[], columns=rr.Points3D.columns(positions=[[1, 2, 3]], radii=[0.5]))
    yield Chunk.from_columns(
        "/robot/arm",
        indexes=[rr.TimeColumn("frame", sequence=[7, 3]), rr.TimeColumn("time", timestamp=[1.5, 2.0]),
                 rr.TimeColumn("dur", duration=[0.5, 1e-9])],
        columns=rr.Points3D.columns(positions=[[1, 2, 3], [4, 5, 6]], radii=[0.5, 1.0], colors=[0xFF0000FF, 0x00FF00FF],
                                    labels=["a label with several words", "b"], class_ids=[3, 4]))
    yield Chunk.from_record_batch(pa.RecordBatch.from_pydict({
        "rerun.components.Foo": lists([[1]], pa.int64()), " rerun.rerun.x ": lists([[2]], pa.int64()),
        "sorbet:rerun:weird \"name\"\n2": lists([[3]], pa.int64())}), index=None, entity_path="/rerun.chunk.e")[0]
    yield static_chunk({"v": lists([["x"]], S)}, "/" + "/".join("segment_%d" % i for i in range(12)))
    yield static_chunk({f"c{i:02d}": lists([[i, i * 1000]], pa.int32()) for i in range(14)})


def random_chunks(count=60, seed=7):
    """Seeded random text chunks: words of letters, runs of spaces, wide, combining, zero-width and
    control characters, newlines; 1-8 columns, 0-3 rows, prefixed and padded column names."""
    rng = random.Random(seed)
    alphabet = list("abcdefghij     ,:.-/") + ["é", "日", "本", "ü", "\u0301", "\u200b", "\t", "…", "😀", "µ", "ｗ",
                                                "\r", "\n"]

    def word():
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))

    for k in range(count):
        rows = rng.randint(0, 3)
        cols = {}
        for c in range(rng.randint(1, 8)):
            name = rng.choice(["", "rerun.", "rerun.components.", " "]) + word().replace("\n", "")[:20] + f"_{c}"
            cols[name] = pa.array([[word() for _ in range(rng.randint(0, 4))] if rng.random() > 0.1 else None
                                   for _ in range(rows)], pa.list_(pa.utf8()))
        yield Chunk.from_record_batch(pa.RecordBatch.from_pydict(cols), index=None, entity_path=f"/random/{k}")[0]


def describe(path):
    try:
        chunks = RrdReader(path).stream().to_chunks()
    except Exception as err:  # noqa: BLE001 (recorded, compared by the test)
        return {"error": f"{type(err).__name__}: {err}"}
    return [{"id": str(c.id), "repr": repr(c), "len": len(c), "str": str(c),
             "format": [c.format(width=w, redact=r, trim_metadata_keys=t) for w, r, t in OPTIONS]} for c in chunks]


def bad_calls(chunk):
    out = []
    for args, kwargs in BAD_CALLS:
        try:
            result = {"text": chunk.format(*args, **kwargs)}
        except Exception as err:  # noqa: BLE001
            result = {"error": type(err).__name__, "message": str(err)}
        out.append({"args": args, "kwargs": kwargs, "result": result})
    return out


def main():
    outdir = Path(sys.argv[1])
    files = sys.argv[2:]
    warnings.simplefilter("ignore")  # footer-less files warn
    awkward = outdir / "awkward.rrd"
    chunks = list(awkward_chunks()) + list(random_chunks())
    rec = rr.RecordingStream("chunkhouse_format", recording_id="awkward")
    rec.save(str(awkward))
    rec.send_chunks(chunks)
    rec.flush()
    result = {"options": OPTIONS, "files": {p: describe(p) for p in [*files, str(awkward)]},
              "bad_calls_chunk": str(chunks[1].id), "bad_calls": bad_calls(chunks[1])}
    (outdir / "reference.json").write_text(json.dumps(result))


if __name__ == "__main__":
    main()
