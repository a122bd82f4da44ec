"""Chunk pipelines, stores and readers, mirroring `rerun.experimental`.

    reader = chunkhouse.experimental.RrdReader("recording.rrd")
    store = reader.stream().filter(content="/robots/**").collect()
    print(store.summary())
"""

from .._core import ChunkInfo, StoreEntry
from ._chunk import Chunk
from ._lens import DeriveLens, Lens, MutateLens
from ._mcap_reader import McapReader
from ._parquet_reader import IndexColumn, ParquetReader
from ._rrd_reader import RrdReader
from .._selector import Selector
from ._store import ChunkStore, LazyStore, OptimizationProfile
from ._stream import LazyChunkStream, PipelineError
from ._send_chunks import send_chunks
from ._viewer import ViewerClient

__all__ = [
    "Chunk", "ChunkInfo", "ChunkStore", "DeriveLens", "IndexColumn", "LazyChunkStream", "LazyStore", "Lens", "McapReader", "MutateLens",
    "OptimizationProfile", "ParquetReader", "PipelineError", "RrdReader", "Selector", "StoreEntry", "ViewerClient", "send_chunks",
]
