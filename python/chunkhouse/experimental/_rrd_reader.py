"""RrdReader: the stores of an .rrd file, streamed or as a lazy store."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Optional, Union

from .. import _core
from .._core import StoreEntry
from ._store import LazyStore
from ._stream import LazyChunkStream


class RrdReader:
    """Read chunks from an RRD file."""

    def __init__(self, path: Union[str, Path]):
        self._path = Path(path)
        if not os.path.exists(self._path):
            raise ValueError(f"RRD file not found: {self._path}")
        self._internal = _core.RrdReader(self._path)
        if not self._internal.has_footer():
            warnings.warn(
                f"RRD file has no footer/manifest: {self._path}. This is a legacy format; store enumeration will "
                "fall back to a whole-file scan, and `store()` is not supported (use `stream()` instead).",
                stacklevel=2)

    @property
    def path(self) -> Path:
        """The file path of the RRD file."""
        return self._path

    def recordings(self) -> list[StoreEntry]:
        """List the recording entries in this RRD file."""
        return self._internal.recordings()

    def blueprints(self) -> list[StoreEntry]:
        """List the blueprint entries in this RRD file."""
        return self._internal.blueprints()

    def chunk_index(self):
        """Every chunk as the file's index describes it (no chunk decoded)."""
        return self._internal.chunk_index()

    def _resolve(self, store: Optional[StoreEntry]) -> StoreEntry:
        if store is not None:
            return store
        recordings = self.recordings()
        if not recordings:
            raise ValueError("No recording store found in RRD file")
        if len(recordings) > 1:
            warnings.warn(f"RRD contains {len(recordings)} recording stores; implicitly using {recordings[0]._debug}. "
                          "Pass `store=…` to select explicitly (see `recordings()`).", stacklevel=3)
        return recordings[0]

    def stream(self, *, store: Optional[StoreEntry] = None) -> LazyChunkStream:
        """A lazy stream over the chunks of a store (default: the first recording)."""
        return LazyChunkStream(self._internal._stream(self._resolve(store)))

    def store(self, *, store: Optional[StoreEntry] = None) -> LazyStore:
        """A LazyStore over a store's manifest (default: the first recording); needs a footer."""
        return LazyStore(self._internal._store(self._resolve(store)))

    def __repr__(self) -> str:
        return f"RrdReader({str(self._path)!r})"
