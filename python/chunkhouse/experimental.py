"""Chunk-level access to recordings, mirroring `rerun.experimental`."""

from ._core import Chunk, ChunkInfo, ChunkStream, RrdReader, StoreEntry
from ._selector import Selector

__all__ = ["Chunk", "ChunkInfo", "ChunkStream", "RrdReader", "StoreEntry", "Selector"]
