"""LazyChunkStream: a lazy, composable pipeline over chunks, run in C++.

Builders (filter, drop, split, map, flat_map, lenses, merge) consume the stream they are called on
and return new ones; terminals (to_chunks, iteration, collect, write_rrd) run the pipeline afresh
each time and leave the stream usable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from .. import _core
from ..errors import Error as _Error
from ._filter import check_timeline, component_ids, content_rules

if TYPE_CHECKING:
    from ._chunk import Chunk
    from ._store import ChunkStore, OptimizationProfile

_CONSUMED = "This stream has already been consumed by a pipeline operation (e.g. filter, drop, split, or merge)."


class PipelineError(_Error, RuntimeError):
    """A pipeline failed while it ran (reading, decoding, inserting, a lens)."""


def _run(call, *args):
    """A terminal's call into C++: its errors become RuntimeErrors, as Rerun raises them (Python
    exceptions raised by map/flat_map callables pass through unchanged)."""
    try:
        return call(*args)
    except _Error as err:
        if isinstance(err, RuntimeError):
            raise
        raise PipelineError(str(err)) from err


class LazyChunkStream:
    """A lazy, composable pipeline over chunks."""

    def __init__(self, internal: Optional[_core.Stream] = None):
        self._internal = internal

    # -- move semantics -------------------------------------------------------------------------

    def _take(self) -> _core.Stream:
        internal, self._internal = self._internal, None
        if internal is None:
            raise ValueError(_CONSUMED)
        return internal

    def _borrow(self) -> _core.Stream:
        if self._internal is None:
            raise ValueError(_CONSUMED)
        return self._internal

    # -- builders ----------------------------------------------------------------------------------

    def filter(self, *, content=None, has_timeline: Optional[str] = None, is_static: Optional[bool] = None,
               components=None) -> LazyChunkStream:
        """Keep the matching portion of each chunk; drop the rest. Consumes this stream."""
        inner = self._take()
        return LazyChunkStream(inner.filter(content_rules(content), check_timeline(has_timeline), is_static,
                                            component_ids(components)))

    def drop(self, *, content=None, has_timeline: Optional[str] = None, is_static: Optional[bool] = None,
             components=None) -> LazyChunkStream:
        """Drop the matching portion of each chunk; keep the rest. Consumes this stream."""
        inner = self._take()
        return LazyChunkStream(inner.drop(content_rules(content), check_timeline(has_timeline), is_static,
                                          component_ids(components)))

    def split(self, *, content=None, has_timeline: Optional[str] = None, is_static: Optional[bool] = None,
              components=None) -> tuple[LazyChunkStream, LazyChunkStream]:
        """Split into (matching, non_matching); the upstream runs once. Consumes this stream."""
        inner = self._take()
        matched, unmatched = inner.split(content_rules(content), check_timeline(has_timeline), is_static,
                                         component_ids(components))
        return LazyChunkStream(matched), LazyChunkStream(unmatched)

    def map(self, fn: Callable[[Chunk], Chunk]) -> LazyChunkStream:
        """Apply a Python function to each chunk, producing exactly one chunk. Consumes this stream."""
        return LazyChunkStream(self._take().map(fn))

    def flat_map(self, fn: Callable[[Chunk], Iterable[Chunk]]) -> LazyChunkStream:
        """Apply a Python function to each chunk, producing zero or more chunks. Consumes this stream."""
        return LazyChunkStream(self._take().flat_map(fn))

    def lenses(self, lenses, *, output_mode: str = "drop_unmatched", content=None) -> LazyChunkStream:
        """Apply lenses (one, or a sequence) to each chunk whose entity matches `content` (all chunks
        when None; the others pass unchanged). `output_mode` says what else is kept:
        "drop_unmatched" (only what the lenses produce), "forward_unmatched" (plus the columns no
        lens read) or "forward_all" (plus every original column). Consumes this stream."""
        from ._lens import internals

        items = internals(lenses)
        rules = content_rules(content)
        inner = self._take()  # consumed before the arguments are checked, as Rerun does
        return LazyChunkStream(_core.stream_lenses(inner, output_mode, items, rules))

    @staticmethod
    def merge(*streams: LazyChunkStream) -> LazyChunkStream:
        """Merge chunks from several streams into one; consumes them all."""
        inner = [s._take() for s in streams]
        return LazyChunkStream(_core.Stream.merge(inner))

    @staticmethod
    def from_iter(chunks: Iterable[Chunk]) -> LazyChunkStream:
        """Wrap a Python iterable of Chunks (one-shot: the first run consumes it)."""
        return LazyChunkStream(_core.Stream.from_iter(chunks))

    # -- terminals ---------------------------------------------------------------------------------

    def to_chunks(self) -> list[Chunk]:
        """Run the pipeline and return all chunks as a list."""
        return _run(self._borrow().to_chunks)

    def __iter__(self) -> Iterator[Chunk]:
        run = _run(self._borrow().run)
        while True:
            try:
                chunk = _run(next, run)
            except StopIteration:
                return
            yield chunk

    def collect(self, *, optimize: Optional[OptimizationProfile] = None) -> ChunkStore:
        """Run the pipeline and materialise all chunks into a ChunkStore (compacted on insert;
        `optimize` runs a profile's extra work)."""
        from ._store import ChunkStore

        return ChunkStore._wrap(_run(self._borrow().collect, optimize))

    def write_rrd(self, path: Union[str, Path], *, application_id: str, recording_id: str) -> None:
        """Run the pipeline and write all chunks to an RRD file."""
        _run(self._borrow().write_rrd, str(path), application_id, recording_id)

    def __repr__(self) -> str:
        return "LazyChunkStream()"
