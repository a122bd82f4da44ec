"""Chunk.from_record_batch(chunk.to_record_batch()) gives the chunk back (the seed's round trip),
for every chunk of every store of the reference corpus; from_dataframe keeps identified chunks
too; the seed form raises ValueError for batches that are not complete chunk batches."""

from __future__ import annotations

import pyarrow as pa
import pytest

import chunkhouse as rr
from chunkhouse.experimental import Chunk, RrdReader
from conftest import corpus_files


def all_chunks(corpus_dir):
    for path in corpus_files(corpus_dir):
        reader = RrdReader(path)
        for store in reader.recordings() + reader.blueprints():
            for chunk in reader.stream(store=store).to_chunks():
                yield path.name, chunk


@pytest.mark.filterwarnings("ignore:RRD file has no footer")
def test_round_trip_keeps_every_corpus_chunk(corpus_dir):
    seen = 0
    for name, chunk in all_chunks(corpus_dir):
        rb = chunk.to_record_batch()
        back = Chunk.from_record_batch(rb)
        where = f"{name} {chunk.id} {chunk.entity_path}"
        assert isinstance(back, Chunk), where
        assert (back.id, back.entity_path, back.num_rows, back.num_columns, back.is_static) == \
            (chunk.id, chunk.entity_path, chunk.num_rows, chunk.num_columns, chunk.is_static), where
        assert sorted(back.timeline_names) == sorted(chunk.timeline_names), where
        again = back.to_record_batch()
        assert again.equals(rb), where
        assert again.schema.equals(rb.schema, check_metadata=True), where
        assert back.format(redact=False) == chunk.format(redact=False), where
        kept = list(Chunk.from_dataframe(rb))  # 0.36: an identified chunk stays one chunk, ids kept
        assert [c.id for c in kept] == [chunk.id], where
        seen += 1
    assert seen > 20


@pytest.mark.parametrize("batch", [
    pa.record_batch({"x": [1, 2, 3]}),
    pa.RecordBatch.from_arrays([pa.array([1])], schema=pa.schema([pa.field("x", pa.int64())], metadata={"rerun:id": "nope"})),
])
def test_seed_form_rejects_incomplete_batches(batch):
    with pytest.raises(ValueError):
        Chunk.from_record_batch(batch)


def test_seed_form_rejects_batch_without_row_ids():
    c = Chunk.from_columns("/a", [rr.TimeColumn("t", sequence=[1])], rr.Scalars.columns(scalars=[1.0]))
    rb = c.to_record_batch()
    without = pa.RecordBatch.from_arrays(rb.columns[1:], schema=pa.schema(list(rb.schema)[1:], metadata=rb.schema.metadata))
    with pytest.raises(ValueError, match="RowId"):
        Chunk.from_record_batch(without)


def test_forms_differ_only_by_keywords():
    c = Chunk.from_columns("/a", [rr.TimeColumn("t", sequence=[2, 1])], rr.Scalars.columns(scalars=[1.0, 2.0]))
    rb = c.to_record_batch()
    one = Chunk.from_record_batch(rb)
    listed = Chunk.from_record_batch(rb, entity_path="/b")  # 0.36 form: a list, fresh ids, the batch's entity
    assert isinstance(one, Chunk) and one.id == c.id
    assert isinstance(listed, list) and len(listed) == 1
    assert listed[0].id != c.id and listed[0].entity_path == "/a"
    assert listed[0].to_record_batch().column(2).to_pylist() == rb.column(2).to_pylist()
