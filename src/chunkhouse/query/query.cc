#include "chunkhouse/query/query.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "chunkhouse/base/memory.h"
#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/query/view.h"

namespace chunkhouse::query {

namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min() + 1;
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();
const std::string kClearComponent(sorbet::kClearIsRecursive);

// ---------------------------------------------------------------------------------------------
// Execution.

// Where a cell comes from: a list array and row, plus the row whose time columns it carries.
struct Source {
  std::shared_ptr<Chunk> chunk;          // keeps the arrays alive
  std::shared_ptr<arrow::Array> list;    // the component column (or a one-row [] for clears)
  std::vector<const int64_t*> times;     // per view timeline: the chunk's values, or null
  // When the list's values are fixed-width with no nulls at any level: element 0 and its size.
  const uint8_t* fixed_base = nullptr;
  int64_t fixed_width = 0;
};

// Element 0 of a values array whose elements are fixed-width with no nulls at any level
// (Float64, UInt32, FixedSizeList<Float32, 3>, ...), and the element size; null otherwise.
const uint8_t* FixedWidthBase(const arrow::ArrayData& d, int64_t* width) {
  if (d.GetNullCount() != 0) return nullptr;
  if (d.type->id() == arrow::Type::FIXED_SIZE_LIST) {
    int64_t inner = 0;
    const uint8_t* base = FixedWidthBase(*d.child_data[0], &inner);
    if (base == nullptr) return nullptr;
    *width = inner * static_cast<const arrow::FixedSizeListType&>(*d.type).list_size();
    return base + d.offset * *width;
  }
  if (d.type->id() == arrow::Type::BOOL || !arrow::is_fixed_width(d.type->id())) return nullptr;
  const int w = d.type->byte_width();
  if (w <= 0 || d.buffers.size() < 2 || !d.buffers[1]) return nullptr;
  *width = w;
  return d.buffers[1]->data() + d.offset * w;
}

// Child data of `type` over `length` fixed-width elements stored contiguously in `values`.
std::shared_ptr<arrow::ArrayData> FixedWidthData(const std::shared_ptr<arrow::DataType>& type, int64_t length,
                                                 std::shared_ptr<arrow::Buffer> values) {
  if (type->id() == arrow::Type::FIXED_SIZE_LIST) {
    const auto& fsl = static_cast<const arrow::FixedSizeListType&>(*type);
    auto child = FixedWidthData(fsl.value_type(), length * fsl.list_size(), std::move(values));
    return arrow::ArrayData::Make(type, length, {nullptr}, {child}, 0);
  }
  return arrow::ArrayData::Make(type, length, {nullptr, std::move(values)}, 0);
}

struct Entry {
  int64_t time;
  Tuid row_id;
  uint32_t src;
  bool clear;
  int64_t row;   // cell row in src.list
  int64_t trow;  // row whose time values the cell carries
};

struct ColumnState {
  const StoreColumn* column = nullptr;
  std::optional<ChunkStore::Cell> static_cell;
  std::shared_ptr<arrow::Array> static_value;  // one-row slice
  std::vector<Source> sources;
  std::vector<Entry> data;         // data rows up to the last row time, one per time
  std::vector<Entry> with_clears;  // data within the range plus clears, when there are clears
  // Exact matches (within the range; data and clears) and fill candidates (data only).
  const Entry* exact = nullptr;
  size_t exact_n = 0;
  const Entry* fill = nullptr;
  size_t fill_n = 0;
  size_t exact_pos = 0, fill_pos = 0;
};

void SortAndDedupe(std::vector<Entry>& entries) {
  auto key = [](const Entry& e) { return std::tuple(e.time, e.row_id, !e.clear); };
  if (!std::is_sorted(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) { return key(a) < key(b); })) {
    std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) { return key(a) < key(b); });
  }
  // The last entry per time is the winner: highest RowId, data before its own clear copy.
  size_t out = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (out > 0 && entries[out - 1].time == entries[i].time) {
      entries[out - 1] = entries[i];
    } else {
      entries[out++] = entries[i];
    }
  }
  entries.resize(out);
}

class QueryReader : public arrow::RecordBatchReader {
 public:
  QueryReader(std::shared_ptr<const ChunkStore> store, QueryExpression q, View view, std::vector<Selected> selected,
              std::shared_ptr<arrow::Schema> schema)
      : store_(std::move(store)), q_(std::move(q)), view_(std::move(view)), selected_(std::move(selected)),
        schema_(std::move(schema)) {}

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  Status Prepare() {
    columns_.resize(view_.columns.size());
    for (size_t i = 0; i < view_.columns.size(); ++i) {
      auto& cs = columns_[i];
      cs.column = view_.columns[i];
      cs.static_cell = store_->StaticCell(cs.column->entity, cs.column->descriptor.component);
      if (cs.static_cell) {
        const auto& cc = *cs.static_cell->chunk->FindComponent(cs.column->descriptor.component);
        cs.static_value = cs.static_cell->chunk->batch()->column(cc.column)->Slice(cs.static_cell->row, 1);
      }
    }
    if (!view_.index) {
      // Static-only: one row, unless the result has no columns at all.
      rows_ = {kStaticTime};
      if (schema_->num_fields() == 0) rows_.clear();
      return Status::OK();
    }
    const std::string& timeline = view_.timelines[*view_.index].name;
    int64_t lo = kMinTime, hi = kMaxTime;
    std::vector<int64_t> using_values;
    if (q_.using_index_values) {
      using_values = *q_.using_index_values;
      std::sort(using_values.begin(), using_values.end());
      if (std::adjacent_find(using_values.begin(), using_values.end()) != using_values.end()) {
        return Status::Invalid("using_index_values: index values must be unique");
      }
      using_values.erase(std::remove(using_values.begin(), using_values.end(), kStaticTime), using_values.end());
      if (using_values.empty()) {
        lo = 1;
        hi = 0;
      } else {
        lo = using_values.front();
        hi = using_values.back();
      }
    } else if (q_.range) {
      lo = std::max(q_.range->first, kMinTime);
      hi = q_.range->second;
    }
    // The fill may reach back before the range.
    const int64_t fetch_lo = q_.fill_latest_at ? kMinTime : lo;
    for (auto& cs : columns_) {
      if (cs.static_cell) {
        // Static data hides the temporal rows, but clears still make rows (showing the static value).
        ARROW_RETURN_NOT_OK(CollectClears(cs, timeline, lo, hi, cs.with_clears));
        SortAndDedupe(cs.with_clears);
        cs.exact = cs.with_clears.data();
        cs.exact_n = cs.with_clears.size();
        continue;
      }
      ARROW_RETURN_NOT_OK(Fetch(cs, timeline, fetch_lo, hi, lo));
    }
    // Row index values.
    if (q_.using_index_values) {
      rows_ = std::move(using_values);
      return Status::OK();
    }
    std::vector<const ColumnState*> row_sources;
    if (q_.filtered_is_not_null) {
      auto pov = FindViewColumn(view_, *q_.filtered_is_not_null, /*last=*/true);
      if (pov && !columns_[*pov].static_cell) row_sources.push_back(&columns_[*pov]);
    } else {
      for (const auto& cs : columns_) row_sources.push_back(&cs);
    }
    // Union of the sorted, distinct time lists: merged pairwise, like a merge sort.
    std::vector<std::vector<int64_t>> runs;
    for (const auto* cs : row_sources) {
      std::vector<int64_t> times;
      times.reserve(cs->exact_n);
      for (size_t i = 0; i < cs->exact_n; ++i) times.push_back(cs->exact[i].time);
      if (!times.empty()) runs.push_back(std::move(times));
    }
    while (runs.size() > 1) {
      std::vector<std::vector<int64_t>> next;
      for (size_t i = 0; i + 1 < runs.size(); i += 2) {
        std::vector<int64_t> merged;
        merged.reserve(runs[i].size() + runs[i + 1].size());
        std::set_union(runs[i].begin(), runs[i].end(), runs[i + 1].begin(), runs[i + 1].end(),
                       std::back_inserter(merged));
        next.push_back(std::move(merged));
      }
      if (runs.size() % 2 == 1) next.push_back(std::move(runs.back()));
      runs = std::move(next);
    }
    if (!runs.empty()) rows_ = std::move(runs[0]);
    if (q_.filtered_index_values) {
      std::vector<int64_t> keep = *q_.filtered_index_values;
      std::sort(keep.begin(), keep.end());
      std::vector<int64_t> out;
      std::set_intersection(rows_.begin(), rows_.end(), keep.begin(), keep.end(), std::back_inserter(out));
      rows_ = std::move(out);
    }
    return Status::OK();
  }

  Status ReadNext(std::shared_ptr<arrow::RecordBatch>* batch) override {
    if (next_row_ >= rows_.size()) {
      *batch = nullptr;
      return Status::OK();
    }
    const size_t begin = next_row_;
    const size_t end = std::min(rows_.size(), begin + static_cast<size_t>(std::max<int64_t>(1, q_.batch_rows)));
    next_row_ = end;
    const size_t n = end - begin;

    // Per view column: the winning entry of every row (exact match, else the fill), or none.
    auto& chosen = chosen_;
    chosen.resize(columns_.size());
    for (auto& c : chosen) c.assign(n, nullptr);
    if (view_.index) {
      for (size_t c = 0; c < columns_.size(); ++c) {
        auto& cs = columns_[c];
        for (size_t i = 0; i < n; ++i) {
          const int64_t t = rows_[begin + i];
          while (cs.exact_pos < cs.exact_n && cs.exact[cs.exact_pos].time < t) ++cs.exact_pos;
          if (cs.exact_pos < cs.exact_n && cs.exact[cs.exact_pos].time == t) {
            chosen[c][i] = &cs.exact[cs.exact_pos];
            continue;
          }
          if (q_.fill_latest_at && !cs.static_cell) {
            while (cs.fill_pos < cs.fill_n && cs.fill[cs.fill_pos].time <= t) ++cs.fill_pos;
            if (cs.fill_pos > 0) chosen[c][i] = &cs.fill[cs.fill_pos - 1];
          }
        }
      }
    }
    arrow::ArrayVector arrays;
    for (const auto& sel : selected_) {
      if (sel.timeline) {
        ARROW_ASSIGN_OR_RAISE(auto a, IndexColumn(*sel.timeline, begin, n, chosen));
        arrays.push_back(std::move(a));
      } else {
        ARROW_ASSIGN_OR_RAISE(auto a, ComponentColumn(columns_[sel.column], n, chosen[sel.column]));
        arrays.push_back(std::move(a));
      }
    }
    *batch = arrow::RecordBatch::Make(schema_, static_cast<int64_t>(n), std::move(arrays));
    return Status::OK();
  }

 private:
  // Collects the column's non-null rows on `timeline` within [fetch_lo, hi], plus injected
  // clears, then builds its exact (within [lo, hi]) and fill lists.
  Status Fetch(ColumnState& cs, const std::string& timeline, int64_t fetch_lo, int64_t hi, int64_t lo) {
    if (fetch_lo > hi) return Status::OK();
    const auto& entity = cs.column->entity;
    const auto& component = cs.column->descriptor.component;
    std::vector<Entry> entries;
    ARROW_ASSIGN_OR_RAISE(auto chunks, q_.fill_latest_at
                                           ? store_->TemporalChunksForFill(entity, component, timeline, lo, hi)
                                           : store_->TemporalChunks(entity, component, timeline, fetch_lo, hi));
    int64_t total_rows = 0;
    for (const auto& chunk : chunks) total_rows += chunk->num_rows();
    entries.reserve(static_cast<size_t>(total_rows));
    for (auto& chunk : chunks) {
      const auto* cc = chunk->FindComponent(component);
      const auto* ic = chunk->FindIndex(timeline);
      if (cc == nullptr || ic == nullptr) continue;
      const uint32_t src = AddSource(cs, chunk, chunk->batch()->column(cc->column));
      const arrow::Array& col = chunk->column(cc->column);
      const int64_t* t = chunk->time_values(*ic);
      for (int64_t r = 0; r < chunk->num_rows(); ++r) {
        if (t[r] < fetch_lo || t[r] > hi || col.IsNull(r)) continue;
        entries.push_back(Entry{t[r], chunk->row_id(r), src, false, r, r});
      }
    }
    SortAndDedupe(entries);
    cs.data = std::move(entries);
    const Entry* begin = std::lower_bound(cs.data.data(), cs.data.data() + cs.data.size(), lo,
                                          [](const Entry& e, int64_t t) { return e.time < t; });
    const Entry* end = cs.data.data() + cs.data.size();
    std::vector<Entry> clears;
    ARROW_RETURN_NOT_OK(CollectClears(cs, timeline, lo, hi, clears));
    if (clears.empty()) {
      cs.exact = begin;
      cs.exact_n = static_cast<size_t>(end - begin);
    } else {
      cs.with_clears.assign(begin, end);
      cs.with_clears.insert(cs.with_clears.end(), clears.begin(), clears.end());
      SortAndDedupe(cs.with_clears);
      cs.exact = cs.with_clears.data();
      cs.exact_n = cs.with_clears.size();
    }
    if (q_.fill_latest_at) {
      cs.fill = cs.data.data();
      cs.fill_n = cs.data.size();
    }
    return Status::OK();
  }

  // Clear:is_recursive rows of the entity itself (any value) and of its ancestors (true only)
  // become [] cells of this column at the clear's time. A static clear hides temporal ones.
  Status CollectClears(ColumnState& cs, const std::string& timeline, int64_t lo, int64_t hi, std::vector<Entry>& out) {
    if (lo > hi) return Status::OK();
    EntityPath e = cs.column->entity;
    bool self = true;
    while (true) {
      if (!store_->StaticCell(e, kClearComponent) && store_->HasComponent(e, kClearComponent)) {
        ARROW_ASSIGN_OR_RAISE(auto chunks, store_->TemporalChunks(e, kClearComponent, timeline, lo, hi));
        for (auto& chunk : chunks) {
          const auto* cc = chunk->FindComponent(kClearComponent);
          const auto* ic = chunk->FindIndex(timeline);
          if (cc == nullptr || ic == nullptr) continue;
          const auto& col = static_cast<const arrow::ListArray&>(chunk->column(cc->column));
          const int64_t* t = chunk->time_values(*ic);
          std::optional<uint32_t> src;
          for (int64_t r = 0; r < chunk->num_rows(); ++r) {
            if (t[r] < lo || t[r] > hi || col.IsNull(r)) continue;
            if (!self) {
              // Ancestors clear descendants only when the clear is recursive.
              auto values = col.value_slice(r);
              bool recursive = values->length() > 0 && values->type_id() == arrow::Type::BOOL &&
                               values->IsValid(0) && static_cast<const arrow::BooleanArray&>(*values).Value(0);
              if (!recursive) continue;
            }
            if (!src) {
              ARROW_ASSIGN_OR_RAISE(auto empty, EmptyList(cs.column->type));
              src = AddSource(cs, chunk, empty);
            }
            out.push_back(Entry{t[r], chunk->row_id(r), *src, true, 0, r});
          }
        }
      }
      if (e.is_root()) break;
      e = e.Parent();
      self = false;
    }
    return Status::OK();
  }

  static Result<std::shared_ptr<arrow::Array>> EmptyList(const std::shared_ptr<arrow::DataType>& type) {
    ARROW_ASSIGN_OR_RAISE(auto builder, arrow::MakeBuilder(type, MemoryPool()));
    ARROW_RETURN_NOT_OK(static_cast<arrow::ListBuilder&>(*builder).Append());
    return builder->Finish();
  }

  uint32_t AddSource(ColumnState& cs, const std::shared_ptr<Chunk>& chunk, std::shared_ptr<arrow::Array> list) {
    Source s{chunk, std::move(list), {}};
    const auto& data = *s.list->data();
    if (data.child_data.size() == 1) s.fixed_base = FixedWidthBase(*data.child_data[0], &s.fixed_width);
    for (const auto& tl : view_.timelines) {
      const auto* ic = chunk->FindIndex(tl.name);
      s.times.push_back(ic != nullptr && ic->timeline.type == tl.type ? chunk->time_values(*ic) : nullptr);
    }
    cs.sources.push_back(std::move(s));
    return static_cast<uint32_t>(cs.sources.size() - 1);
  }

  Result<std::shared_ptr<arrow::Array>> IndexColumn(size_t timeline, size_t begin, size_t n,
                                                    const std::vector<std::vector<const Entry*>>& chosen) {
    const auto type = TimeArrowType(view_.timelines[timeline].type);
    std::vector<int64_t> values(n, 0);
    std::vector<uint8_t> valid(n, 0);
    if (view_.index && timeline == *view_.index) {
      std::copy(rows_.begin() + static_cast<ptrdiff_t>(begin), rows_.begin() + static_cast<ptrdiff_t>(begin + n),
                values.begin());
      std::fill(valid.begin(), valid.end(), 1);
    } else if (view_.index) {
      // Other timelines: the largest value among the cells that make up the row.
      for (size_t c = 0; c < columns_.size(); ++c) {
        const auto& cs = columns_[c];
        if (cs.static_cell) continue;  // static values carry no times
        for (size_t i = 0; i < n; ++i) {
          const Entry* e = chosen[c][i];
          if (e == nullptr) continue;
          const int64_t* t = cs.sources[e->src].times[timeline];
          if (t == nullptr) continue;
          if (!valid[i] || t[e->trow] > values[i]) values[i] = t[e->trow];
          valid[i] = 1;
        }
      }
    }
    arrow::Int64Builder b(MemoryPool());
    ARROW_RETURN_NOT_OK(b.AppendValues(values.data(), static_cast<int64_t>(n), valid.data()));
    ARROW_ASSIGN_OR_RAISE(auto arr, b.Finish());
    return arr->View(type);
  }

  // Gathers the chosen cells of a list column whose values are fixed-width: offsets, validity
  // and one memcpy per cell, no per-cell builder calls.
  Result<std::shared_ptr<arrow::Array>> GatherFixedWidth(const ColumnState& cs, size_t n,
                                                         const std::vector<const Entry*>& chosen, int64_t width) {
    ARROW_ASSIGN_OR_RAISE(auto offsets, arrow::AllocateBuffer(static_cast<int64_t>((n + 1) * sizeof(int32_t)), MemoryPool()));
    ARROW_ASSIGN_OR_RAISE(auto validity, arrow::AllocateEmptyBitmap(static_cast<int64_t>(n), MemoryPool()));
    auto* off = reinterpret_cast<int32_t*>(offsets->mutable_data());
    uint8_t* valid = validity->mutable_data();
    int64_t total = 0, nulls = 0;
    off[0] = 0;
    for (size_t i = 0; i < n; ++i) {
      const Entry* e = chosen[i];
      if (e == nullptr || cs.sources[e->src].list->IsNull(e->row)) {
        ++nulls;
      } else {
        total += static_cast<const arrow::ListArray&>(*cs.sources[e->src].list).value_length(e->row);
        arrow::bit_util::SetBit(valid, static_cast<int64_t>(i));
      }
      if (total > std::numeric_limits<int32_t>::max()) return Status::CapacityError("list column over 2^31 values");
      off[i + 1] = static_cast<int32_t>(total);
    }
    ARROW_ASSIGN_OR_RAISE(auto values, arrow::AllocateBuffer(std::max<int64_t>(total * width, 1), MemoryPool()));
    uint8_t* dst = values->mutable_data();
    for (size_t i = 0; i < n; ++i) {
      const int64_t len = off[i + 1] - off[i];
      if (len == 0) continue;
      const Entry* e = chosen[i];
      const Source& src = cs.sources[e->src];
      const int64_t first = static_cast<const arrow::ListArray&>(*src.list).value_offset(e->row);
      std::memcpy(dst + off[i] * width, src.fixed_base + first * width, static_cast<size_t>(len * width));
    }
    const auto& list_type = static_cast<const arrow::ListType&>(*cs.column->type);
    auto child = FixedWidthData(list_type.value_type(), total, std::shared_ptr<arrow::Buffer>(std::move(values)));
    auto data = arrow::ArrayData::Make(cs.column->type, static_cast<int64_t>(n),
                                       {nulls ? std::shared_ptr<arrow::Buffer>(std::move(validity)) : nullptr,
                                        std::shared_ptr<arrow::Buffer>(std::move(offsets))},
                                       {child}, nulls);
    return arrow::MakeArray(data);
  }

  Result<std::shared_ptr<arrow::Array>> ComponentColumn(const ColumnState& cs, size_t n,
                                                        const std::vector<const Entry*>& chosen) {
    if (!cs.static_value && !cs.sources.empty()) {
      int64_t width = cs.sources[0].fixed_width;
      bool fixed = std::all_of(cs.sources.begin(), cs.sources.end(), [&](const Source& s) {
        return s.fixed_base != nullptr && s.fixed_width == width;
      });
      if (fixed) return GatherFixedWidth(cs, n, chosen, width);
    }
    ARROW_ASSIGN_OR_RAISE(auto builder, arrow::MakeBuilder(cs.column->type, MemoryPool()));
    ARROW_RETURN_NOT_OK(builder->Reserve(static_cast<int64_t>(n)));
    if (cs.static_value) {
      const arrow::ArraySpan span(*cs.static_value->data());  // made once: it is costly to build
      for (size_t i = 0; i < n; ++i) ARROW_RETURN_NOT_OK(builder->AppendArraySlice(span, 0, 1));
      return builder->Finish();
    }
    // Append runs of consecutive rows from the same source in one call.
    std::vector<std::unique_ptr<arrow::ArraySpan>> spans(cs.sources.size());
    size_t i = 0;
    while (i < n) {
      const Entry* e = chosen[i];
      if (e == nullptr) {
        size_t j = i;
        while (j < n && chosen[j] == nullptr) ++j;
        ARROW_RETURN_NOT_OK(builder->AppendNulls(static_cast<int64_t>(j - i)));
        i = j;
        continue;
      }
      size_t j = i + 1;
      while (j < n && chosen[j] != nullptr && chosen[j]->src == e->src &&
             chosen[j]->row == e->row + static_cast<int64_t>(j - i)) {
        ++j;
      }
      auto& span = spans[e->src];
      if (!span) span = std::make_unique<arrow::ArraySpan>(*cs.sources[e->src].list->data());
      ARROW_RETURN_NOT_OK(builder->AppendArraySlice(*span, e->row, static_cast<int64_t>(j - i)));
      i = j;
    }
    return builder->Finish();
  }

  std::shared_ptr<const ChunkStore> store_;
  QueryExpression q_;
  View view_;
  std::vector<Selected> selected_;
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<ColumnState> columns_;
  std::vector<int64_t> rows_;
  size_t next_row_ = 0;
  std::vector<std::vector<const Entry*>> chosen_;  // per view column, per row of the batch
};

}  // namespace

Result<std::shared_ptr<arrow::Schema>> OutputSchema(const ChunkStore& store, const QueryExpression& q) {
  ARROW_ASSIGN_OR_RAISE(auto view, MakeView(store.schema(), q));
  ARROW_ASSIGN_OR_RAISE(auto selected, Select(view, q));
  arrow::FieldVector fields;
  for (const auto& s : selected) {
    fields.push_back(s.timeline ? sorbet::IndexField(view.timelines[*s.timeline]) : view.columns[s.column]->ToField());
  }
  return arrow::schema(fields);
}

Result<std::shared_ptr<arrow::RecordBatchReader>> Execute(std::shared_ptr<const ChunkStore> store, QueryExpression q) {
  if (q.range && !q.index) return Status::Invalid("a range filter needs an index timeline");
  ARROW_ASSIGN_OR_RAISE(auto view, MakeView(store->schema(), q));
  ARROW_ASSIGN_OR_RAISE(auto selected, Select(view, q));
  ARROW_ASSIGN_OR_RAISE(auto schema, OutputSchema(*store, q));
  auto reader = std::make_shared<QueryReader>(std::move(store), std::move(q), std::move(view), std::move(selected),
                                              std::move(schema));
  ARROW_RETURN_NOT_OK(reader->Prepare());
  return reader;
}

}  // namespace chunkhouse::query
