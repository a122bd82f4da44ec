"""Differential tests: chunkhouse reads what rerun-sdk reads, and rerun-sdk reads what we write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import chunkhouse as ch
from conftest import FIXTURES, HARNESS, corpus_files

THIRD_PARTY = sorted(FIXTURES.glob("*.rrd"))
CORPUS_NAMES = [
    "columns", "durations_scalars", "images_tensors", "multi_timeline", "no_footer", "no_footer_sdk",
    "out_of_order", "properties_only", "query_edge_cases", "recording_and_blueprint", "sequence_points",
    "static_only", "timestamps_textlog", "transforms_clears",
]


def field_signature(field: pa.Field):
    md = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
    return field.name, field.type, field.nullable, md


def assert_same_batch(ours: pa.RecordBatch, theirs: pa.RecordBatch, where: str):
    assert ours.num_rows == theirs.num_rows, where
    ours_md = {k.decode(): v.decode() for k, v in (ours.schema.metadata or {}).items()}
    theirs_md = {k.decode(): v.decode() for k, v in (theirs.schema.metadata or {}).items()}
    assert ours_md == theirs_md, where
    assert [field_signature(f) for f in ours.schema] == [field_signature(f) for f in theirs.schema], where
    for i, name in enumerate(ours.schema.names):
        assert ours.column(i).equals(theirs.column(i)), f"{where}: column {name} differs"


def assert_reads_like_rerun(path: Path, dump: dict):
    reader = ch.experimental.RrdReader(path)
    as_tuples = lambda entries: [(e.kind, e.application_id, e.recording_id) for e in entries]
    assert as_tuples(reader.recordings()) == [(e["kind"], e["application_id"], e["recording_id"]) for e in dump["recordings"]]
    assert as_tuples(reader.blueprints()) == [(e["kind"], e["application_id"], e["recording_id"]) for e in dump["blueprints"]]
    entries = {(e.kind, e.application_id, e.recording_id): e for e in reader.recordings() + reader.blueprints()}
    for store in dump["stores"]:
        entry = entries[(store["kind"], store["application_id"], store["recording_id"])]
        ours = list(reader.stream(store=entry))
        theirs = store["chunks"]
        assert len(ours) == len(theirs), f"{path.name}: {len(ours)} chunks, rerun-sdk reads {len(theirs)}"
        for o, t in zip(ours, theirs):
            where = f"{path.name} chunk {t['index']} ({t['entity_path']})"
            assert o.entity_path == t["entity_path"], where
            assert o.id == t["id"], where
            assert o.num_rows == t["num_rows"], where
            assert o.num_columns == t["num_columns"], where
            assert o.is_static == t["is_static"], where
            assert sorted(o.timeline_names) == sorted(t["timeline_names"]), where
            assert_same_batch(o.to_record_batch(), t["batch"], where)


def test_corpus_is_complete(corpus_dir):
    assert [p.stem for p in corpus_files(corpus_dir)] == CORPUS_NAMES


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_reads_corpus_like_rerun(corpus_dir, rerun_dump, name):
    path = corpus_dir / f"{name}.rrd"
    assert_reads_like_rerun(path, rerun_dump(path))


@pytest.mark.parametrize("path", THIRD_PARTY, ids=[p.name for p in THIRD_PARTY])
def test_reads_third_party_like_rerun(rerun_dump, path):
    assert_reads_like_rerun(path, rerun_dump(path))


def test_blueprint_and_recording_listed(corpus_dir):
    reader = ch.experimental.RrdReader(corpus_dir / "recording_and_blueprint.rrd")
    (rec,) = reader.recordings()
    (bp,) = reader.blueprints()
    assert (rec.kind, rec.application_id, rec.recording_id) == ("recording", "chunkhouse_corpus", "recording_and_blueprint")
    assert bp.kind == "blueprint" and bp.application_id == "chunkhouse_corpus"
    assert all(not c.is_static or c.entity_path for c in reader.stream(store=bp))


def test_to_record_batch_is_zero_copy(corpus_dir):
    reader = ch.experimental.RrdReader(corpus_dir / "images_tensors.rrd")
    for chunk in reader.stream():
        a = chunk.to_record_batch()
        b = chunk.to_record_batch()
        # Both exports view the very same buffers of the C++ chunk.
        assert a.column(a.num_columns - 1).buffers()[-1].address == b.column(b.num_columns - 1).buffers()[-1].address


def test_unknown_store_and_missing_file(tmp_path, corpus_dir):
    # Rerun's messages: "RRD file not found: …", "Store … not found in RRD file".
    with pytest.raises(ValueError, match="RRD file not found"):
        ch.experimental.RrdReader(tmp_path / "missing.rrd")
    bad = tmp_path / "bad.rrd"
    bad.write_bytes(b"this is not an rrd file at all")
    with pytest.raises(ValueError, match="RRF2"):
        ch.experimental.RrdReader(bad)
    other = ch.experimental.RrdReader(corpus_dir / "columns.rrd").recordings()[0]
    with pytest.raises(ValueError, match="not found in RRD file"):
        ch.experimental.RrdReader(corpus_dir / "static_only.rrd").stream(store=other)


# --- writing ------------------------------------------------------------------------------------

def rewrite(chunkhouse_bin: str, src: Path, dst: Path, *flags: str):
    subprocess.run([chunkhouse_bin, "rrd", "rewrite", str(src), "-o", str(dst), *flags], check=True)


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_rerun_reads_what_we_write(corpus_dir, rerun_dump, tmp_path, chunkhouse_bin, name):
    src = corpus_dir / f"{name}.rrd"
    out = tmp_path / f"{name}.rrd"
    rewrite(chunkhouse_bin, src, out)
    # rerun-sdk finds the same chunks in our file as in the original ...
    original, ours = rerun_dump(src), rerun_dump(out)
    assert [s["recording_id"] for s in ours["stores"]] == [s["recording_id"] for s in original["stores"]]
    for so, st in zip(ours["stores"], original["stores"]):
        assert len(so["chunks"]) == len(st["chunks"])
        for co, ct in zip(so["chunks"], st["chunks"]):
            assert co["id"] == ct["id"]
            assert_same_batch(co["batch"], ct["batch"], f"{name} chunk {ct['index']}")
    # ... `rerun rrd verify` (which checks our footer) accepts it ...
    proc = subprocess.run([sys.executable, str(HARNESS), "verify", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # ... and read -> write -> read is lossless for us too.
    assert_reads_like_rerun(out, original)


def test_our_verify_agrees_with_rerun(corpus_dir, chunkhouse_bin):
    for path in corpus_files(corpus_dir):
        ours = subprocess.run([chunkhouse_bin, "rrd", "verify", str(path)], capture_output=True, text=True)
        assert ours.returncode == 0, ours.stdout


def test_footerless_rewrite(corpus_dir, tmp_path, chunkhouse_bin, rerun_dump):
    out = tmp_path / "nofooter.rrd"
    rewrite(chunkhouse_bin, corpus_dir / "columns.rrd", out, "--no-footer")
    assert_reads_like_rerun(out, rerun_dump(corpus_dir / "columns.rrd"))
