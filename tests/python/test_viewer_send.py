"""send_chunks and RecordingStream against Rerun's real binary (notes/viewer_protocol.md §8).

What Rerun received is read back with Rerun's own tools (`rerun --save`, `rerun <url> --save`)
and compared, chunk by chunk, with what was sent, as chunkhouse reads it and as rerun-sdk does.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import chunkhouse as rr
from chunkhouse import _core
from chunkhouse.experimental import Chunk, LazyChunkStream, RrdReader, send_chunks
from conftest import run_harness
from viewer_helpers import (
    free_port, reference_venv, rerun_binary, rerun_process, wait_for, without_timestamps,
)

SOURCES = ("columns.rrd", "multi_timeline.rrd", "static_only.rrd", "images_tensors.rrd", "transforms_clears.rrd")


@pytest.fixture(scope="module")
def rerun_bin() -> Path:
    return rerun_binary(reference_venv())


@pytest.fixture(autouse=True)
def no_active_recording():
    """Each test starts and ends without a global or thread-local recording."""
    rr.set_global_data_recording(None)
    rr.set_thread_local_data_recording(None)
    yield
    rr.set_global_data_recording(None)
    rr.set_thread_local_data_recording(None)


def read_chunks(path: Path) -> list[Chunk]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # files from `rerun --save` have no footer
        return RrdReader(path).stream().to_chunks()


def read_complete(path: Path, count: int):
    """The file's chunks once it holds `count` of them (the saver writes as messages arrive)."""
    try:
        chunks = read_chunks(path)
    except Exception:  # noqa: BLE001 - a file still being written
        return None
    return chunks if len(chunks) >= count else None


def assert_same_chunks(saved: list[Chunk], sent: list[Chunk]) -> None:
    assert [c.id for c in saved] == [c.id for c in sent]
    for got, want in zip(saved, sent):
        assert got.entity_path == want.entity_path
        assert without_timestamps(got.to_record_batch()).equals(want.to_record_batch(), check_metadata=True), got.id


def replay_order(chunks: list[Chunk]) -> list[Chunk]:
    """The order a proxy's history hands chunks to a late reader: static ones first."""
    return [c for c in chunks if c.is_static] + [c for c in chunks if not c.is_static]


def assert_rerun_reads_same(rerun_dump, out: Path, sources: list[Path], sent_ids: list[str]) -> None:
    """rerun-sdk reads the saved file as it reads the sources: same ids, equal record batches."""
    expected = {}
    for src in sources:
        for store in rerun_dump(src)["stores"]:
            for chunk in store["chunks"]:
                expected[chunk["id"]] = chunk["batch"]
    info = rerun_dump(out)
    assert "error" not in info, info.get("error")
    got = [chunk for store in info["stores"] for chunk in store["chunks"]]
    assert [c["id"] for c in got] == sent_ids
    for chunk in got:
        assert without_timestamps(chunk["batch"]).equals(expected[chunk["id"]], check_metadata=True), chunk["id"]


def test_send_chunks_to_rerun_save(tmp_path, corpus_dir, rerun_bin, rerun_dump):
    """Corpus chunks through connect_grpc to `rerun --save`: the saved chunks are the sent ones."""
    sources = [corpus_dir / name for name in SOURCES]
    chunks = [c for src in sources for c in RrdReader(src).stream().to_chunks()]
    port = free_port()
    out = tmp_path / "saved.rrd"
    with rerun_process(rerun_bin, ["--save", str(out), "--port", str(port)], port, tmp_path / "saver.log"):
        rec = rr.RecordingStream("viewer_send_test", recording_id="rec-save", send_properties=False)
        rec.connect_grpc(f"rerun+http://127.0.0.1:{port}/proxy")
        rec.send_chunks(chunks)
        rec.flush(timeout_sec=20)
        rec.disconnect()
        wait_for(lambda: read_complete(out, len(chunks)), 20, "the saver to write every chunk")
    assert_same_chunks(read_chunks(out), chunks)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert [repr(e) for e in RrdReader(out).recordings()] == [
            "StoreEntry(kind='recording', application_id='viewer_send_test', recording_id='rec-save')"]
    assert_rerun_reads_same(rerun_dump, out, sources, [c.id for c in chunks])


def test_send_stream_through_proxy(tmp_path, corpus_dir, rerun_bin, rerun_dump):
    """A LazyChunkStream (run in C++, chunks pushed as produced) to `rerun --serve-grpc`, read
    back with `rerun <url> --save`; the stream is borrowed, not consumed."""
    source = corpus_dir / "query_edge_cases.rrd"
    produced: list[Chunk] = []

    def record(chunk: Chunk) -> Chunk:
        produced.append(chunk)
        return chunk

    stream = RrdReader(source).stream().filter(content="/**").map(record)
    proxy_port, saver_port = free_port(), free_port()
    url = f"rerun+http://127.0.0.1:{proxy_port}/proxy"
    out = tmp_path / "proxied.rrd"
    with rerun_process(rerun_bin, ["--serve-grpc", "--port", str(proxy_port)], proxy_port, tmp_path / "proxy.log"):
        with rr.RecordingStream("viewer_send_test", recording_id="rec-proxy", send_properties=False) as rec:
            rec.connect_grpc(url)
            send_chunks(stream)  # the active (thread-local) recording
            rec.flush(timeout_sec=20)
        assert produced, "the pipeline produced nothing"
        with rerun_process(rerun_bin, [url, "--save", str(out), "--port", str(saver_port)], saver_port,
                           tmp_path / "reader.log"):
            wait_for(lambda: read_complete(out, len(produced)), 20, "the reader to save every chunk")
        rec.disconnect()
    assert_same_chunks(read_chunks(out), replay_order(produced))
    assert_rerun_reads_same(rerun_dump, out, [source], [c.id for c in replay_order(produced)])
    sent = len(produced)
    assert len(stream.to_chunks()) == sent  # still usable


def test_proxy_returns_our_messages_byte_for_byte(tmp_path, corpus_dir, rerun_bin):
    """What our client writes, `rerun --serve-grpc` hands to a ReadMessages reader unchanged:
    two SetStoreInfo (the fresh one, then the recording's), then the ArrowMsgs, static ones
    first (the proxy replays its history by bucket), each the codec's bytes for that chunk."""
    chunks = [c for name in ("multi_timeline.rrd", "static_only.rrd") for c in
              RrdReader(corpus_dir / name).stream().to_chunks()]
    assert any(c.is_static for c in chunks) and any(not c.is_static for c in chunks)
    port = free_port()
    url = f"rerun+http://127.0.0.1:{port}/proxy"
    with rerun_process(rerun_bin, ["--serve-grpc", "--port", str(port)], port, tmp_path / "proxy.log"):
        rec = rr.RecordingStream("bytes_app", recording_id="bytes-rec", send_properties=False)
        rec.connect_grpc(url)
        send_chunks(chunks, recording=rec)
        rec.flush(timeout_sec=20)
        rec.disconnect()
        reader = _core.ViewerClientInternal.connect(url, 10.0)
        messages = reader.read_messages(len(chunks) + 2, 20.0)
        extra = reader.read_messages(len(chunks) + 3, 1.0)  # the stream never ends: a deadline stops it
    assert len(extra) == len(chunks) + 2, "more messages than were sent"
    assert [kind for kind, _ in messages[:2]] == [1, 1]
    for _, data in messages[:2]:
        assert _core.decode_set_store_info(data) == ("bytes_app", "bytes-rec", "recording", 2, 140288)
    ordered = replay_order(chunks)
    assert [kind for kind, _ in messages[2:]] == [2] * len(ordered)
    for (_, data), chunk in zip(messages[2:], ordered):
        assert data == _core.encode_arrow_msg("bytes_app", "bytes-rec", chunk)
        app, rid, kind, chunk_id, is_static, compression, _size, decoded = _core.decode_arrow_msg(data)
        assert (app, rid, kind, chunk_id, is_static, compression) == (
            "bytes_app", "bytes-rec", "recording", chunk.id, chunk.is_static, 2)
        assert decoded.to_record_batch().equals(chunk.to_record_batch(), check_metadata=True)


def test_save_writes_a_verified_file(tmp_path, corpus_dir, rerun_dump):
    """rr.init + rr.save + send_chunks (the global recording) + rr.disconnect: a complete .rrd
    (footer included) that `rerun rrd verify` accepts, holding the properties chunk rerun-sdk
    writes and then the sent chunks."""
    source = corpus_dir / "columns.rrd"
    chunks = RrdReader(source).stream().to_chunks()
    out = tmp_path / "saved.rrd"
    rr.init("viewer_save_test", recording_id="rec-file")
    rr.save(out)
    send_chunks(chunks)
    rr.disconnect()
    proc = run_harness("verify", str(out))
    assert proc.returncode == 0, proc.stderr
    reader = RrdReader(out)
    saved = reader.stream().to_chunks()
    assert len(reader.store()) == len(saved)  # the footer's manifest covers every chunk
    props, rest = saved[0], saved[1:]
    assert props.entity_path == "/__properties" and props.is_static
    assert_same_chunks(rest, chunks)
    # The properties chunk has the layout of the one rerun-sdk wrote into the corpus file.
    theirs = next(c for c in RrdReader(source).stream().to_chunks() if c.entity_path == "/__properties")
    assert props.to_record_batch().schema.remove_metadata().equals(theirs.to_record_batch().schema.remove_metadata(),
                                                                   check_metadata=True)
    info = rerun_dump(out)
    assert info["recordings"] == [{"kind": "recording", "application_id": "viewer_save_test", "recording_id": "rec-file"}]
    assert [c["id"] for c in info["stores"][0]["chunks"]] == [props.id] + [c.id for c in chunks]


def test_send_stores_to_a_file(tmp_path, corpus_dir):
    """A LazyStore and a ChunkStore are sent whole, their chunks unchanged; RecordingStream.save
    with disconnect() gives a file `rerun rrd verify` accepts."""
    lazy = RrdReader(corpus_dir / "columns.rrd").store()
    collected = RrdReader(corpus_dir / "multi_timeline.rrd").stream().collect()
    out = tmp_path / "stores.rrd"
    rec = rr.RecordingStream("stores", recording_id="r", send_properties=False)
    rec.save(out)
    send_chunks(lazy, recording=rec)
    rec.send_chunks(collected)
    rec.disconnect()
    run_harness("verify", str(out))
    assert_same_chunks(RrdReader(out).stream().to_chunks(),
                       lazy.stream().to_chunks() + collected.stream().to_chunks())


def test_send_chunks_in_a_saving_recording(tmp_path, capfd):
    """Spec case 76: a chunk, a list and a generator go into the file; a non-Chunk item is a
    TypeError (after the items before it); a consumed stream is a ValueError; a chunk without
    components is dropped; the `with` block's end completes the file."""
    single = Chunk.from_columns("/single", [rr.TimeColumn("frame", sequence=[1])], rr.Points3D.columns(positions=[[1, 2, 3]]))
    listed = [Chunk.from_columns(f"/list/{i}", [rr.TimeColumn("frame", sequence=[i])],
                                 rr.Scalars.columns(scalars=[float(i)])) for i in range(3)]
    generated = [Chunk.from_columns(f"/gen/{i}", [], rr.TextLog.columns(text=[f"t{i}"])) for i in range(2)]
    bad_tail = Chunk.from_columns("/before_bad", [], rr.TextLog.columns(text=["x"]))
    empty = Chunk.from_columns("/empty", [], [])
    out = tmp_path / "case76.rrd"
    rec = rr.RecordingStream("case76", recording_id="r76", send_properties=False)
    rec.save(out)
    with rec:
        send_chunks(single)
        send_chunks(listed)
        send_chunks(c for c in generated)
        send_chunks([empty, empty])
        with pytest.raises(TypeError, match="send_chunks expects Chunk objects in the iterable, got 'str'"):
            send_chunks([bad_tail, "not a chunk"])
        consumed = LazyChunkStream.from_iter([single])
        consumed.filter(is_static=True)
        with pytest.raises(ValueError, match="already been consumed"):
            send_chunks(consumed)
    run_harness("verify", str(out))
    saved = RrdReader(out).stream().to_chunks()  # complete: footer written when the block ended
    assert_same_chunks(saved, [single, *listed, *generated, bad_tail])
    assert capfd.readouterr().err.count("Dropping chunk without components. Entity path: /empty") == 1


def test_no_active_recording_is_a_no_op(tmp_path):
    """Without a recording nothing runs: not a pipeline, not even a consumed stream's check;
    a non-iterable is still a TypeError, as in rerun-sdk."""
    ran = []
    stream = LazyChunkStream.from_iter([]).map(lambda c: ran.append(c) or c)
    send_chunks(stream)
    send_chunks(["not a chunk"])
    consumed = LazyChunkStream.from_iter([])
    consumed.filter(is_static=True)
    send_chunks(consumed)
    with pytest.raises(TypeError, match="not iterable"):
        send_chunks(5)
    assert rr.get_data_recording() is None and not ran


def test_active_recording_resolution():
    rec_a = rr.RecordingStream("a", recording_id="ra")
    rec_b = rr.RecordingStream("b", recording_id="rb")
    assert rr.get_data_recording() is None
    rr.set_global_data_recording(rec_a)
    assert rr.get_data_recording() is rec_a and rr.get_recording_id() == "ra"
    with rec_b:
        assert rr.get_data_recording() is rec_b and rr.get_application_id() == "b"
        assert rr.get_data_recording(rec_a) is rec_a
    assert rr.get_data_recording() is rec_a
    rr.init("c")
    first = rr.get_recording_id()
    rr.init("c")
    assert rr.get_recording_id() == first  # the process default id, as in Rerun
    assert rr.RecordingStream("c").get_recording_id() != first  # explicit streams get fresh ids
