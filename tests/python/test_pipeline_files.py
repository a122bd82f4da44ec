"""What chunk pipelines write is a recording Rerun reads: write_rrd, compaction (collect with a
profile, `chunkhouse rrd compact | merge | filter`) — checked with Rerun's own verifier, read back
by rerun-sdk chunk by chunk, and queried: compacted data answers dataframe queries exactly as the
original does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

import chunkhouse as ch
import chunkhouse.experimental as chx
from conftest import HARNESS
from test_rrd_reader import assert_same_batch

NAMES = ["columns", "multi_timeline", "query_edge_cases", "sequence_points", "timestamps_textlog",
         "transforms_clears", "durations_scalars", "out_of_order"]


def rerun_verify(path: Path) -> None:
    proc = subprocess.run([sys.executable, str(HARNESS), "verify", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, f"rerun rrd verify {path.name}:\n{proc.stdout}\n{proc.stderr}"


def sorted_table(reader: pa.RecordBatchReader, index: str) -> pa.Table:
    table = reader.read_all()
    keys = [(index, "ascending")] if index in table.column_names else []
    return table.sort_by(keys) if keys else table


def query_all(path: Path) -> dict:
    """Every timeline's full latest-at view of a recording, as tables."""
    rec = ch.dataframe.load_recording(path)
    out = {}
    for col in rec.schema().index_columns():
        view = rec.view(index=col.name, contents="/**").fill_latest_at()
        out[col.name] = sorted_table(view.select(), col.name)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_write_rrd_is_read_back_by_rerun(corpus_dir, rerun_dump, tmp_path, name):
    src = corpus_dir / f"{name}.rrd"
    out = tmp_path / f"{name}.rrd"
    stream = chx.RrdReader(src).stream()
    stream.write_rrd(out, application_id="chunkhouse_test", recording_id=name)
    rerun_verify(out)
    ours = stream.to_chunks()
    (store,) = rerun_dump(out)["stores"]
    assert (store["application_id"], store["recording_id"]) == ("chunkhouse_test", name)
    assert len(store["chunks"]) == len(ours)
    for o, t in zip(ours, store["chunks"]):
        assert o.id == t["id"]
        assert_same_batch(o.to_record_batch(), t["batch"], f"{name} chunk {t['index']}")


@pytest.mark.parametrize("profile", ["LIVE", "OBJECT_STORE"])
@pytest.mark.parametrize("name", NAMES)
def test_compacted_store_answers_queries_like_the_original(corpus_dir, tmp_path, name, profile):
    src = corpus_dir / f"{name}.rrd"
    store = chx.RrdReader(src).stream().collect(optimize=getattr(chx.OptimizationProfile, profile))
    out = tmp_path / f"{name}_{profile}.rrd"
    store.write_rrd(out, application_id="chunkhouse_corpus", recording_id=name)
    rerun_verify(out)
    original = chx.RrdReader(src).store()
    compacted = chx.RrdReader(out).store()
    columns = lambda s: sorted(c.name for c in s.schema().component_columns())
    assert columns(compacted) == columns(original)
    rows = lambda s: sum(int(l.split(" rows=")[1].split()[0]) for l in s.summary().splitlines())
    assert rows(compacted) == rows(original)
    limits = getattr(chx.OptimizationProfile, profile)
    for chunk in chx.RrdReader(out).stream().to_chunks():
        if not chunk.is_static and chunk.num_rows > 1:
            assert chunk.num_rows <= limits.max_rows
    want, got = query_all(src), query_all(out)
    assert want.keys() == got.keys()
    for index in want:
        assert got[index].equals(want[index]), f"{name}: the {index} view differs after compaction"


def test_cli_compact_merge_filter(corpus_dir, tmp_path, chunkhouse_bin):
    src = corpus_dir / "sequence_points.rrd"
    run = lambda *args: subprocess.run([chunkhouse_bin, "rrd", *map(str, args)], check=True, capture_output=True, text=True)
    compacted = tmp_path / "compacted.rrd"
    run("compact", src, "-o", compacted, "--profile", "object_store")
    rerun_verify(compacted)
    assert query_all(compacted).keys() == query_all(src).keys()
    for index, table in query_all(src).items():
        assert query_all(compacted)[index].equals(table)

    filtered = tmp_path / "filtered.rrd"
    run("filter", src, "-o", filtered, "--contents", "/points/a")
    rerun_verify(filtered)
    assert {c.entity_path for c in chx.RrdReader(filtered).stream().to_chunks()} == {"/points/a"}
    dropped = tmp_path / "dropped.rrd"
    run("filter", src, "-o", dropped, "--contents", "/points/a", "--drop")
    assert "/points/a" not in {c.entity_path for c in chx.RrdReader(dropped).stream().to_chunks()}

    merged = tmp_path / "merged.rrd"
    other = corpus_dir / "columns.rrd"
    run("merge", src, other, "-o", merged)
    rerun_verify(merged)
    reader = chx.RrdReader(merged)
    assert sorted(e.recording_id for e in reader.recordings()) == ["columns", "sequence_points"]

    bad = subprocess.run([chunkhouse_bin, "rrd", "compact", str(src), "-o", str(tmp_path / "x.rrd"), "--profile", "fast"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "unknown profile 'fast'" in bad.stderr
    unwritable = subprocess.run([chunkhouse_bin, "rrd", "compact", str(src), "-o", "/nonexistent-dir/x.rrd"],
                                capture_output=True, text=True)
    assert unwritable.returncode != 0 and "/nonexistent-dir/x.rrd" in unwritable.stderr


def test_write_rrd_errors(corpus_dir, tmp_path):
    stream = chx.RrdReader(corpus_dir / "columns.rrd").stream()
    with pytest.raises(RuntimeError, match="Application ID must not be empty"):
        stream.write_rrd(tmp_path / "x.rrd", application_id="", recording_id="r")
    with pytest.raises(RuntimeError, match="nonexistent-dir"):
        stream.write_rrd("/nonexistent-dir/x.rrd", application_id="a", recording_id="r")
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


def test_compaction_of_many_small_chunks_keeps_query_results(tmp_path):
    """300 one-row chunks on two entities (times out of order, a text column on every 7th row,
    a static chunk) merge into few chunks; every view of the data is the same afterwards."""
    chunks = []
    for i in range(300):
        t = (i * 37) % 300  # out of order
        entity = "/sensor/a" if i % 2 else "/sensor/b"
        columns = list(ch.Scalars.columns(scalars=[float(i)]))
        if i % 7 == 0:
            columns += list(ch.TextLog.columns(text=[f"note {i}"]))
        chunks.append(chx.Chunk.from_columns(entity, indexes=[ch.TimeColumn("t", sequence=[t]),
                                                                ch.TimeColumn("u", sequence=[i])],
                                             columns=columns))
    chunks.append(chx.Chunk.from_columns("/sensor/a", indexes=[], columns=ch.TextLog.columns(text=["static"])))
    src = tmp_path / "small.rrd"
    chx.ChunkStore.from_chunks(chunks).write_rrd(src, application_id="app", recording_id="small")
    for profile in (None, chx.OptimizationProfile.LIVE, chx.OptimizationProfile.OBJECT_STORE):
        store = chx.RrdReader(src).stream().collect(optimize=profile)
        assert len(store) < 100, store.summary()
        out = tmp_path / f"compacted_{profile is None}_{getattr(profile, 'max_rows', 0)}.rrd"
        store.write_rrd(out, application_id="app", recording_id="small")
        rerun_verify(out)
        want, got = query_all(src), query_all(out)
        assert want.keys() == got.keys() == {"t", "u"}
        for index in want:
            assert got[index].equals(want[index]), f"the {index} view differs after compaction ({profile})"
