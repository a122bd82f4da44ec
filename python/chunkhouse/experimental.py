"""Chunk-level access to recordings, mirroring `rerun.experimental`."""

from ._core import Chunk, ChunkInfo, ChunkStream, RrdReader, StoreEntry

__all__ = ["Chunk", "ChunkInfo", "ChunkStream", "RrdReader", "StoreEntry"]
