#include "chunkhouse/query/dataset_query.h"

#include <arrow/array.h>
#include <arrow/array/concatenate.h>
#include <arrow/builder.h>
#include <arrow/table.h>
#include <arrow/type.h>
#include <arrow/util/thread_pool.h>

#include <algorithm>
#include <set>

#include "chunkhouse/base/memory.h"
#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/query/view.h"
#include "chunkhouse/store/store.h"

namespace chunkhouse::query {

Result<std::shared_ptr<arrow::Schema>> DatasetColumns(const arrow::Schema& dataset_schema, const QueryExpression& q) {
  ARROW_ASSIGN_OR_RAISE(auto schema, sorbet::Schema::FromArrow(dataset_schema, "dataset schema"));
  arrow::FieldVector index_fields, component_fields;
  for (const auto& f : dataset_schema.fields()) {
    auto kind = meta::Get(*f, meta::kKind).value_or(std::string(meta::kKindData));
    if (kind == meta::kKindIndex) index_fields.push_back(f);
    if (kind == meta::kKindData) component_fields.push_back(f);  // parallel to schema.columns
  }
  // Rerun's dataset reader (0.36.2) puts the index columns first with a comparator that calls
  // any index "less" than any other column, another index included; Rust's stable sort then
  // leaves them reversed for the schemas it insertion-sorts (up to 20 fields) and for large ones
  // (notes/dataset_reader.md has where its order differs in between).
  std::reverse(index_fields.begin(), index_fields.end());
  if (q.index && !schema.FindTimeline(*q.index)) {
    std::vector<std::string> names;
    for (const auto& f : index_fields) names.push_back(f->name());
    std::sort(names.begin(), names.end());
    return InvalidArgument("unknown index '{}': the dataset's timelines are {}", *q.index,
                           names.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(names, ", ")));
  }
  ARROW_ASSIGN_OR_RAISE(auto view, MakeView(schema, q));
  arrow::FieldVector fields{arrow::field(std::string(kSegmentIdColumn), arrow::utf8(), false)};
  fields.insert(fields.end(), index_fields.begin(), index_fields.end());
  for (const sorbet::Column* c : view.columns) {
    fields.push_back(component_fields[static_cast<size_t>(c - schema.columns.data())]);
  }
  return arrow::schema(std::move(fields));
}

bool ChunkFilter::Keeps(const ChunkMeta& chunk, const std::string& segment) const {
  if (chunk.is_static) return true;
  if (!per_segment_largest.empty()) {
    auto it = per_segment_largest.find(segment);
    if (it == per_segment_largest.end() || !it->second) return false;
    const TimeRange* r = chunk.RangeOn(per_segment_timeline);
    return r != nullptr && r->min <= *it->second;
  }
  if (static_only) return false;
  if (!range && !latest_at) return true;
  if (range) {
    const TimeRange* r = chunk.RangeOn(range->timeline);
    if (r && r->max >= range->start && r->min <= range->end) return true;
  }
  if (latest_at) {
    const TimeRange* r = chunk.RangeOn(latest_at->timeline);
    if (r && r->min <= latest_at->at) return true;
  }
  return false;
}

ChunkFilter ChunkFilter::For(const DatasetQuery& dq) {
  ChunkFilter f;
  const auto& q = dq.query;
  if (!q.index || dq.per_segment_values || q.using_index_values || !q.range) return f;
  f.range = Range{*q.index, q.range->first, q.range->second};
  if (q.fill_latest_at) f.latest_at = LatestAt{*q.index, q.range->first};
  return f;
}

namespace {

// Rerun's dataset reader keeps only the index values within the segment's time range.
void ClipToSegment(const std::vector<std::shared_ptr<Chunk>>& chunks, const std::string& index,
                   std::vector<int64_t>& values) {
  std::optional<TimeRange> span;
  for (const auto& chunk : chunks) {
    const auto* ic = chunk->FindIndex(index);
    if (ic == nullptr) continue;
    if (auto r = chunk->TimeRangeOf(*ic)) {
      span = span ? TimeRange{std::min(span->min, r->min), std::max(span->max, r->max)} : *r;
    }
  }
  std::erase_if(values, [&](int64_t v) { return !span || v < span->min || v > span->max; });
}

}  // namespace

Result<std::shared_ptr<arrow::Table>> QuerySegment(const std::string& segment,
                                                   std::vector<std::shared_ptr<Chunk>> chunks, const DatasetQuery& dq,
                                                   const std::shared_ptr<arrow::Schema>& columns) {
  QueryExpression q = dq.query;
  if (dq.per_segment_values) {
    auto it = dq.per_segment_values->find(segment);
    if (it == dq.per_segment_values->end()) return nullptr;  // no values, no rows
    q.using_index_values = it->second;
  }
  if (q.using_index_values && q.index) ClipToSegment(chunks, *q.index, *q.using_index_values);
  if (q.index && !q.fill_latest_at) {
    // Without a fill, Rerun's reader fetches only the chunks of the entities its columns come
    // from: a clear logged on another entity (an ancestor's recursive one) makes no row and
    // empties no cell (notes/dataset_reader.md).
    std::set<std::string, std::less<>> entities;
    for (const auto& f : columns->fields()) {
      if (auto e = meta::Get(*f, meta::kEntityPath)) entities.insert(*e);
    }
    chunks.erase(std::remove_if(chunks.begin(), chunks.end(),
                                [&](const auto& c) { return !entities.count(c->entity_path()); }),
                 chunks.end());
  }
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<const ChunkStore> store, ChunkStore::FromChunks(std::move(chunks)));
  // A segment without the timeline has no rows on it.
  if (q.index && !store->schema().FindTimeline(*q.index)) return nullptr;
  const bool static_only = !q.index;
  ARROW_ASSIGN_OR_RAISE(auto reader, Execute(store, std::move(q)));
  ARROW_ASSIGN_OR_RAISE(auto table, reader->ToTable());
  if (table->num_rows() == 0 || table->num_columns() == 0) return nullptr;
  if (static_only) {
    // Static only: a segment with no static data in the view has no row (as Rerun's reader).
    const auto& fields = table->schema()->fields();
    if (std::none_of(fields.begin(), fields.end(), [](const auto& f) {
          return meta::Get(*f, meta::kKind).value_or("") == meta::kKindData;
        })) {
      return nullptr;
    }
  }
  const int64_t n = table->num_rows();
  arrow::StringBuilder ids(MemoryPool());
  ARROW_RETURN_NOT_OK(ids.Reserve(n));
  ARROW_RETURN_NOT_OK(ids.ReserveData(n * static_cast<int64_t>(segment.size())));
  for (int64_t r = 0; r < n; ++r) ids.UnsafeAppend(segment);
  ARROW_ASSIGN_OR_RAISE(auto id_array, ids.Finish());
  std::vector<std::shared_ptr<arrow::ChunkedArray>> out{std::make_shared<arrow::ChunkedArray>(id_array)};
  for (int i = 1; i < columns->num_fields(); ++i) {
    const auto& f = columns->field(i);
    if (auto col = table->GetColumnByName(f->name())) {
      if (!col->type()->Equals(*f->type())) {
        return DataLoss("segment {}: column {} is {}, the dataset says {}", segment, f->name(), col->type()->ToString(),
                        f->type()->ToString());
      }
      out.push_back(col);
    } else {
      ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(f->type(), n, MemoryPool()));
      out.push_back(std::make_shared<arrow::ChunkedArray>(nulls));
    }
  }
  return arrow::Table::Make(columns, std::move(out), n);
}

Result<std::shared_ptr<arrow::Table>> StackSegments(const std::vector<std::shared_ptr<arrow::Table>>& parts,
                                                    const std::shared_ptr<arrow::Schema>& columns) {
  if (parts.empty()) return arrow::Table::MakeEmpty(columns);
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::ConcatenateTables(parts, arrow::ConcatenateTablesOptions::Defaults(),
                                                             MemoryPool()));
  // One batch (consumers such as DataFusion pay per batch), each column concatenated on a worker.
  auto* workers = arrow::internal::GetCpuThreadPool();
  std::vector<arrow::Future<std::shared_ptr<arrow::Array>>> futures;
  for (const auto& column : table->columns()) {
    ARROW_ASSIGN_OR_RAISE(auto future,
                          workers->Submit([column] { return arrow::Concatenate(column->chunks(), MemoryPool()); }));
    futures.push_back(std::move(future));
  }
  arrow::ArrayVector arrays;
  for (auto& f : futures) {
    ARROW_ASSIGN_OR_RAISE(auto array, f.result());
    arrays.push_back(std::move(array));
  }
  return arrow::Table::Make(table->schema(), arrays, table->num_rows());
}

}  // namespace chunkhouse::query
