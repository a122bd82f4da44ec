"""send_chunks: pre-built chunks into a recording (a file, a viewer), unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ._chunk import Chunk
from ._store import ChunkStore, LazyStore
from ._stream import LazyChunkStream, _run

if TYPE_CHECKING:
    from .._recording_stream import RecordingStream


def send_chunks(chunks: Any, *, recording: Optional[RecordingStream] = None) -> None:
    """
    Send chunks to a recording stream; returns once every chunk has been queued.

    `chunks` is a `Chunk`, a `LazyChunkStream` (run without consuming it; each chunk is sent as
    it comes out of the pipeline), a `LazyStore` or `ChunkStore` (all of its chunks), or any
    iterable of `Chunk`s (checked one by one as they are sent). Chunks keep their ids, row ids,
    entity paths and timelines, and take the recording's identity. A chunk without components is
    dropped with a warning. With no recording (`recording=None` and no active one) nothing is done.
    """
    from .._recording_stream import get_data_recording

    rec = get_data_recording(recording)
    if rec is not None and not rec.is_enabled():
        rec = None
    if isinstance(chunks, (LazyStore, ChunkStore)):
        if rec is not None:
            _run(rec.inner.send_stream, chunks.stream()._borrow())
    elif isinstance(chunks, LazyChunkStream):
        if rec is not None:
            _run(rec.inner.send_stream, chunks._borrow())
    elif isinstance(chunks, Chunk):
        if rec is not None:
            rec.inner.send_chunk(chunks)
    else:
        items = iter(chunks)  # a non-iterable is a TypeError even without a recording
        if rec is None:
            return
        for item in items:
            if not isinstance(item, Chunk):
                raise TypeError(f"send_chunks expects Chunk objects in the iterable, got {type(item).__name__!r}")
            rec.inner.send_chunk(item)
