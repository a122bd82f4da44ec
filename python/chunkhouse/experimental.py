"""Chunk-level access to recordings, mirroring `rerun.experimental`."""

from ._core import Chunk, ChunkStream, RrdReader, StoreEntry

__all__ = ["Chunk", "ChunkStream", "RrdReader", "StoreEntry"]
