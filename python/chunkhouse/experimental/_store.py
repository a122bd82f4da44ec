"""ChunkStore (in memory), LazyStore (over a footer manifest) and OptimizationProfile."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import ClassVar, Optional, Union

from .. import _core
from ..dataframe import Schema, _schema_of
from ._stream import LazyChunkStream


@dataclasses.dataclass(frozen=True, kw_only=True)
class OptimizationProfile:
    """Named optimisation profile passed to LazyChunkStream.collect(optimize=...)."""

    max_bytes: Optional[int] = None
    max_rows: Optional[int] = None
    max_rows_if_unsorted: Optional[int] = None
    extra_passes: int = 50
    gop_batching: bool = True
    split_size_ratio: Optional[float] = None
    fix_keyframe: bool = False

    LIVE: ClassVar[OptimizationProfile]
    OBJECT_STORE: ClassVar[OptimizationProfile]


OptimizationProfile.LIVE = OptimizationProfile(max_bytes=12 * 8 * 4096, max_rows=4096, max_rows_if_unsorted=1024)
OptimizationProfile.OBJECT_STORE = OptimizationProfile(max_bytes=2 * 1024 * 1024, max_rows=65536,
                                                       max_rows_if_unsorted=8192, split_size_ratio=10.0)


class ChunkStore:
    """A fully materialised, in-memory chunk store."""

    def __init__(self, internal: _core.ChunkStore):
        self._internal = internal

    @classmethod
    def _wrap(cls, internal: _core.ChunkStore) -> ChunkStore:
        return cls(internal)

    @staticmethod
    def from_chunks(chunks) -> ChunkStore:
        """Build a ChunkStore from a sequence of chunks (Rerun's insertion rules apply)."""
        return ChunkStore(_core.ChunkStore.from_chunks(list(chunks)))

    def __len__(self) -> int:
        return len(self._internal)

    def schema(self) -> Schema:
        """The schema describing all columns in this store."""
        return _schema_of(self._internal.schema())

    def summary(self) -> str:
        """One line per chunk: entity, rows, static, timelines, columns."""
        return self._internal.summary()

    def stream(self) -> LazyChunkStream:
        """A lazy stream over all chunks in this store."""
        return LazyChunkStream(self._internal.stream())

    def write_rrd(self, path: Union[str, Path], *, application_id: str, recording_id: str) -> None:
        """Write all chunks to an RRD file."""
        self.stream().write_rrd(path, application_id=application_id, recording_id=recording_id)

    def __repr__(self) -> str:
        return f"ChunkStore({len(self)} chunks)"


class LazyStore:
    """Index-based, on-demand chunk store (RrdReader(path).store())."""

    def __init__(self, internal: _core.LazyStore):
        self._internal = internal

    def __len__(self) -> int:
        return len(self._internal)

    def schema(self) -> Schema:
        """The schema of the store, from the manifest."""
        return _schema_of(self._internal.schema())

    def summary(self) -> str:
        """One line per chunk, from the manifest (no chunk is read)."""
        return self._internal.summary()

    def stream(self) -> LazyChunkStream:
        """A lazy stream over the store's chunks; a leading filter is decided on the manifest."""
        return LazyChunkStream(self._internal.stream())

    def write_rrd(self, path: Union[str, Path], *, application_id: str, recording_id: str) -> None:
        """Write all chunks to an RRD file."""
        self.stream().write_rrd(path, application_id=application_id, recording_id=recording_id)

    @property
    def _chunks_loaded(self) -> int:
        return self._internal.chunks_loaded

    def __repr__(self) -> str:
        return f"LazyStore({len(self)} chunks)"
