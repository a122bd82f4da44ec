#pragma once
// The parts of chunkhouse._core, one function per domain.
#include <nanobind/nanobind.h>

namespace chunkhouse::python {

void RegisterRrd(nanobind::module_& m);        // RrdReader, StoreEntry, Chunk, ChunkInfo
void RegisterStream(nanobind::module_& m);     // Stream (pipelines), StreamRun, ChunkStore, LazyStore
void RegisterDataframe(nanobind::module_& m);  // Store (queries over a recording), schema helpers
void RegisterCatalog(nanobind::module_& m);    // CatalogConnection
void RegisterSelector(nanobind::module_& m);   // Selector (rerun.experimental.Selector's core)
void RegisterChunkBuild(nanobind::module_& m); // chunk_from_parts, chunk_from_record_batch
void RegisterLens(nanobind::module_& m);       // DeriveLens, MutateLens, LensSet, apply_selector, stream_lenses
void RegisterViewer(nanobind::module_& m);
void RegisterImporters(nanobind::module_& m); // parquet_stream
void RegisterMcap(nanobind::module_& m);      // mcap_stream, mcap_time_bounds, mcap_available_decoders     // RecordingStream, ViewerClientInternal, ArrowMsg helpers

}  // namespace chunkhouse::python
