#pragma once
// Operations on chunks: each returns a new chunk (chunks are immutable) sharing the arrays it
// does not change. Identity rules follow Rerun's: an operation that changes which rows or columns
// a chunk holds gives it a fresh chunk id; row ids are kept unless said otherwise.
#include <memory>
#include <string>
#include <vector>

#include "chunkhouse/chunk/chunk.h"

namespace chunkhouse {

// Rows [offset, offset + length), with a fresh chunk id.
Result<std::shared_ptr<Chunk>> SliceRows(const Chunk& chunk, int64_t offset, int64_t length);

// Rows in the order given by `indices` (each in [0, num_rows)), with a fresh chunk id.
Result<std::shared_ptr<Chunk>> TakeRows(const Chunk& chunk, const std::vector<int64_t>& indices);

// Only the component columns `keep` selects (by identifier); timelines and row ids kept, fresh
// chunk id. Null when no listed component is present.
Result<std::shared_ptr<Chunk>> KeepComponents(const Chunk& chunk, const std::vector<std::string>& keep);
// Without the component columns `drop` names: the same chunk (same id) when none of them is
// present, a chunk with a fresh id otherwise, null when no component would remain.
Result<std::shared_ptr<Chunk>> DropComponents(const std::shared_ptr<Chunk>& chunk, const std::vector<std::string>& drop);

// The same data at another entity path, with a fresh chunk id.
Result<std::shared_ptr<Chunk>> WithEntityPath(const Chunk& chunk, const std::string& entity_path);

// Rows stably sorted by their time values (timelines in name order), then a fresh chunk id and
// fresh sequential row ids: what Rerun does to a chunk it builds from columns. With
// `declared_sorted`, the time columns were made declaring themselves sorted (Rerun's importers
// do): when no row moves, every timeline keeps that claim, even one whose values are not in
// order because an earlier timeline decided the order; when rows move, each is checked anew.
Result<std::shared_ptr<Chunk>> SortedWithNewRowIds(const Chunk& chunk, bool declared_sorted = false);
// The same, from parts whose id and row ids are not set yet (made once when no row moves).
Result<std::shared_ptr<Chunk>> MakeSortedWithNewRowIds(Chunk::Parts parts, bool declared_sorted = false);
// Fresh, strictly increasing row ids for `n` rows: the chunk id's time, counters after it.
std::shared_ptr<arrow::Array> SequentialRowIds(const Tuid& chunk_id, int64_t n);

// Rows sorted by (time on `timeline`, row id) when they are not already: for a chunk that will
// be merged or queried by that timeline. Keeps the chunk id.
Result<std::shared_ptr<Chunk>> SortedByTime(const std::shared_ptr<Chunk>& chunk, const std::string& timeline);

// Whether two chunks can be concatenated (Rerun's rule): same entity, same timelines (names and
// types), and every component they share has the same datatype.
bool Concatenable(const Chunk& a, const Chunk& b);
// The rows of `chunks` (all concatenable) as one chunk with a fresh id, row ids kept; a component
// some of them lack is null in their rows.
Result<std::shared_ptr<Chunk>> Concatenate(const std::vector<std::shared_ptr<Chunk>>& chunks);
// Rows in ascending row-id order (stable); the same chunk when they already are.
Result<std::shared_ptr<Chunk>> SortedByRowId(const std::shared_ptr<Chunk>& chunk);
// Two chunks as one, the one with the smaller row ids first, rows sorted by row id, fresh id:
// what Rerun's store does when it compacts a chunk into its neighbour.
Result<std::shared_ptr<Chunk>> ConcatAndSort(const std::shared_ptr<Chunk>& a, const std::shared_ptr<Chunk>& b);

// Bytes the chunk's rows reference (values, offsets, validity, the child ranges of nested
// columns; slices by their size): a cheap estimate, as compaction takes it for every chunk.
int64_t ByteSize(const Chunk& chunk);
int64_t ByteSize(const arrow::Array& array);

}  // namespace chunkhouse
