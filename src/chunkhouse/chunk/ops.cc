#include "chunkhouse/chunk/ops.h"

#include <arrow/array.h>
#include <arrow/array/concatenate.h>
#include <arrow/buffer.h>
#include <arrow/record_batch.h>
#include <arrow/type_traits.h>
#include <arrow/compute/api_vector.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <set>

namespace chunkhouse {

namespace {

// Every array of the parts through `f` (row ids, time columns, component columns).
template <typename F>
Status MapArrays(Chunk::Parts& parts, F&& f) {
  ARROW_ASSIGN_OR_RAISE(parts.row_ids, f(parts.row_ids));
  for (auto& tc : parts.timelines) {
    ARROW_ASSIGN_OR_RAISE(tc.values, f(tc.values));
    tc.is_sorted.reset();  // recomputed
  }
  for (auto& component : parts.components) {
    ARROW_ASSIGN_OR_RAISE(component.second, f(component.second));
  }
  return Status::OK();
}


}  // namespace

Result<std::shared_ptr<Chunk>> SliceRows(const Chunk& chunk, int64_t offset, int64_t length) {
  if (offset < 0 || length < 0 || offset + length > chunk.num_rows()) {
    return Status::IndexError(fmt::format("rows {}..{} of a {}-row chunk", offset, offset + length, chunk.num_rows()));
  }
  auto parts = chunk.parts();
  parts.id = Tuid::New();
  ARROW_RETURN_NOT_OK(MapArrays(parts, [&](const std::shared_ptr<arrow::Array>& a) -> Result<std::shared_ptr<arrow::Array>> {
    return a->Slice(offset, length);
  }));
  return Chunk::Make(std::move(parts));
}

Result<std::shared_ptr<Chunk>> TakeRows(const Chunk& chunk, const std::vector<int64_t>& indices) {
  auto parts = chunk.parts();
  parts.id = Tuid::New();
  auto index_array = std::make_shared<arrow::Int64Array>(static_cast<int64_t>(indices.size()),
                                                         arrow::Buffer::Wrap(indices.data(), indices.size()));
  ARROW_RETURN_NOT_OK(MapArrays(parts, [&](const std::shared_ptr<arrow::Array>& a) {
    return arrow::compute::Take(*a, *index_array);
  }));
  return Chunk::Make(std::move(parts));
}

Result<std::shared_ptr<Chunk>> KeepComponents(const Chunk& chunk, const std::vector<std::string>& keep) {
  auto parts = chunk.parts();
  const std::set<std::string> wanted(keep.begin(), keep.end());
  std::erase_if(parts.components, [&](const auto& c) { return !wanted.count(c.first.component); });
  if (parts.components.empty()) return nullptr;
  parts.id = Tuid::New();
  return Chunk::Make(std::move(parts));
}

Result<std::shared_ptr<Chunk>> DropComponents(const std::shared_ptr<Chunk>& chunk, const std::vector<std::string>& drop) {
  auto parts = chunk->parts();
  const std::set<std::string> unwanted(drop.begin(), drop.end());
  const size_t before = parts.components.size();
  std::erase_if(parts.components, [&](const auto& c) { return unwanted.count(c.first.component) > 0; });
  if (parts.components.size() == before) return chunk;
  if (parts.components.empty()) return nullptr;
  parts.id = Tuid::New();
  return Chunk::Make(std::move(parts));
}

Result<std::shared_ptr<Chunk>> WithEntityPath(const Chunk& chunk, const std::string& entity_path) {
  auto parts = chunk.parts();
  parts.id = Tuid::New();
  parts.entity_path = entity_path;
  return Chunk::Make(std::move(parts));
}

std::shared_ptr<arrow::Array> SequentialRowIds(const Tuid& chunk_id, int64_t n) {
  auto bytes = arrow::AllocateBuffer(16 * n).ValueOrDie();
  // 16 big-endian bytes per row: the chunk id's time, then its counter + 1 + row.
  const uint64_t time_be = __builtin_bswap64(chunk_id.time_ns);
  uint8_t* out = bytes->mutable_data();
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t inc_be = __builtin_bswap64(chunk_id.inc + 1 + static_cast<uint64_t>(i));
    std::memcpy(out + 16 * i, &time_be, 8);
    std::memcpy(out + 16 * i + 8, &inc_be, 8);
  }
  return std::make_shared<arrow::FixedSizeBinaryArray>(arrow::fixed_size_binary(16), n,
                                                       std::shared_ptr<arrow::Buffer>(std::move(bytes)));
}

namespace {

// Rows in Rerun's from-columns order: lexicographic by each timeline's value, timelines in name
// order. Empty when they already are (the common case, checked without sorting).
std::vector<int64_t> TimeOrder(std::vector<std::pair<std::string_view, const int64_t*>> times, int64_t n) {
  std::sort(times.begin(), times.end());
  auto less = [&](int64_t a, int64_t b) {
    for (const auto& [name, t] : times) {
      if (t[a] != t[b]) return t[a] < t[b];
    }
    return false;
  };
  bool in_order = true;
  for (int64_t i = 1; i < n && in_order; ++i) in_order = !less(i, i - 1);
  std::vector<int64_t> order;
  if (!in_order) {
    order.resize(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), less);
  }
  return order;
}

}  // namespace

Result<std::shared_ptr<Chunk>> SortedWithNewRowIds(const Chunk& chunk, bool declared_sorted) {
  return MakeSortedWithNewRowIds(chunk.parts(), declared_sorted);
}

Result<std::shared_ptr<Chunk>> MakeSortedWithNewRowIds(Chunk::Parts parts, bool declared_sorted) {
  int64_t n = parts.timelines.empty() ? (parts.components.empty() ? 0 : parts.components.front().second->length())
                                      : parts.timelines.front().values->length();
  std::vector<std::pair<std::string_view, const int64_t*>> times;
  bool lengths_agree = true;
  for (const auto& t : parts.timelines) {
    lengths_agree = lengths_agree && t.values->length() == n;
    times.emplace_back(t.timeline.name, t.values->data()->GetValues<int64_t>(1));
  }
  std::vector<int64_t> order;
  if (lengths_agree) order = TimeOrder(std::move(times), n);  // else Make says what is wrong
  if (order.empty()) {
    if (declared_sorted) {
      for (auto& t : parts.timelines) t.is_sorted = true;
    }
  } else {
    parts.id = Tuid::New();
    parts.row_ids = SequentialRowIds(parts.id, n);
    ARROW_ASSIGN_OR_RAISE(auto unsorted, Chunk::Make(std::move(parts)));
    ARROW_ASSIGN_OR_RAISE(auto sorted, TakeRows(*unsorted, order));
    parts = sorted->parts();
  }
  parts.id = Tuid::New();
  parts.row_ids = SequentialRowIds(parts.id, n);
  return Chunk::Make(std::move(parts));
}

Result<std::shared_ptr<Chunk>> SortedByTime(const std::shared_ptr<Chunk>& chunk, const std::string& timeline) {
  const auto* ic = chunk->FindIndex(timeline);
  if (ic == nullptr || ic->is_sorted) return chunk;
  const int64_t n = chunk->num_rows();
  const int64_t* t = chunk->time_values(*ic);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return t[a] != t[b] ? t[a] < t[b] : chunk->row_id(a) < chunk->row_id(b);
  });
  ARROW_ASSIGN_OR_RAISE(auto sorted, TakeRows(*chunk, order));
  auto parts = sorted->parts();
  parts.id = chunk->id();
  return Chunk::Make(std::move(parts));
}

bool Concatenable(const Chunk& a, const Chunk& b) {
  if (a.entity_path() != b.entity_path()) return false;
  if (a.indexes().size() != b.indexes().size()) return false;
  for (size_t i = 0; i < a.indexes().size(); ++i) {  // both in canonical (name, type) order
    if (!(a.indexes()[i].timeline == b.indexes()[i].timeline)) return false;
  }
  for (const auto& ca : a.components()) {
    const auto* cb = b.FindComponent(ca.descriptor.component);
    if (cb == nullptr) continue;
    const auto& ta = a.column(ca.column).type();
    const auto& tb = b.column(cb->column).type();
    if (ta != tb && !ta->Equals(*tb)) return false;
  }
  return true;
}

Result<std::shared_ptr<Chunk>> Concatenate(const std::vector<std::shared_ptr<Chunk>>& chunks) {
  if (chunks.empty()) return Status::Invalid("nothing to concatenate");
  if (chunks.size() == 1) return chunks[0];
  for (size_t i = 1; i < chunks.size(); ++i) {
    if (!Concatenable(*chunks[0], *chunks[i])) {
      return Status::Invalid(fmt::format("chunks {} and {} of {} cannot be concatenated (different timelines or "
                                         "datatypes)",
                                         ChunkIdString(chunks[0]->id()), ChunkIdString(chunks[i]->id()),
                                         chunks[0]->entity_path()));
    }
  }
  // The common case, chunks of one layout (e.g. a stream's compaction): column by column.
  const auto& layout = *chunks[0]->batch()->schema();
  const bool same_layout = std::all_of(chunks.begin() + 1, chunks.end(), [&](const auto& c) {
    return c->batch()->schema().get() == &layout || c->batch()->schema()->Equals(layout, /*check_metadata=*/false);
  });
  if (same_layout) {
    const Chunk& first = *chunks[0];
    auto column = [&](int j) -> Result<std::shared_ptr<arrow::Array>> {
      arrow::ArrayVector pieces;
      pieces.reserve(chunks.size());
      for (const auto& c : chunks) pieces.push_back(c->column_ptr(j));
      return arrow::Concatenate(pieces);
    };
    Chunk::Parts out{Tuid::New(), first.entity_path(), nullptr, {}, {}, {}};
    ARROW_ASSIGN_OR_RAISE(out.row_ids, column(0));
    for (const auto& ic : first.indexes()) {
      ARROW_ASSIGN_OR_RAISE(auto values, column(ic.column));
      out.timelines.push_back({ic.timeline, std::move(values), std::nullopt});
    }
    for (const auto& cc : first.components()) {
      ARROW_ASSIGN_OR_RAISE(auto values, column(cc.column));
      out.components.emplace_back(cc.descriptor, std::move(values));
    }
    return Chunk::Make(std::move(out));
  }
  std::vector<Chunk::Parts> all;
  for (const auto& c : chunks) all.push_back(c->parts());
  Chunk::Parts out = all[0];
  out.id = Tuid::New();
  auto concat = [&](auto get) -> Result<std::shared_ptr<arrow::Array>> {
    arrow::ArrayVector pieces;
    for (auto& p : all) pieces.push_back(get(p));
    return arrow::Concatenate(pieces);
  };
  ARROW_ASSIGN_OR_RAISE(out.row_ids, concat([](Chunk::Parts& p) { return p.row_ids; }));
  for (size_t i = 0; i < out.timelines.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(out.timelines[i].values, concat([&](Chunk::Parts& p) { return p.timelines[i].values; }));
    out.timelines[i].is_sorted.reset();
  }
  // The union of the components, in order of first appearance; a chunk without one gives nulls.
  out.components.clear();
  for (const auto& p : all) {
    for (const auto& entry : p.components) {
      const auto& name = entry.first.component;
      bool known = std::any_of(out.components.begin(), out.components.end(),
                               [&](const auto& c) { return c.first.component == name; });
      if (!known) out.components.push_back(entry);
    }
  }
  for (auto& entry : out.components) {
    auto& column = entry.second;
    const auto& name = entry.first.component;
    const auto type = column->type();
    arrow::ArrayVector pieces;
    for (size_t k = 0; k < all.size(); ++k) {
      auto it = std::find_if(all[k].components.begin(), all[k].components.end(),
                             [&](const auto& c) { return c.first.component == name; });
      if (it != all[k].components.end()) {
        pieces.push_back(it->second);
      } else {
        ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(type, chunks[k]->num_rows()));
        pieces.push_back(std::move(nulls));
      }
    }
    ARROW_ASSIGN_OR_RAISE(column, arrow::Concatenate(pieces));
  }
  return Chunk::Make(std::move(out));
}

Result<std::shared_ptr<Chunk>> SortedByRowId(const std::shared_ptr<Chunk>& chunk) {
  if (chunk->row_ids_sorted()) return chunk;
  std::vector<int64_t> order(static_cast<size_t>(chunk->num_rows()));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return chunk->row_id(a) < chunk->row_id(b); });
  ARROW_ASSIGN_OR_RAISE(auto sorted, TakeRows(*chunk, order));
  auto parts = sorted->parts();
  parts.id = chunk->id();
  return Chunk::Make(std::move(parts));
}

Result<std::shared_ptr<Chunk>> ConcatAndSort(const std::shared_ptr<Chunk>& a, const std::shared_ptr<Chunk>& b) {
  auto ra = a->RowIdRange();
  auto rb = b->RowIdRange();
  bool b_first = rb && (!ra || rb->first < ra->first);
  ARROW_ASSIGN_OR_RAISE(auto joined, Concatenate(b_first ? std::vector{b, a} : std::vector{a, b}));
  ARROW_ASSIGN_OR_RAISE(auto sorted, SortedByRowId(joined));
  if (sorted == a || sorted == b) {  // one of them was empty: still a new chunk
    auto parts = sorted->parts();
    parts.id = Tuid::New();
    return Chunk::Make(std::move(parts));
  }
  return sorted;
}

namespace {

// Bytes the rows [offset, offset + length) of `data` reference: validity bits, values, offsets
// and, for nested types, the child ranges they point at. Cheap (no buffer set, no allocation),
// as a size estimate for compaction must be: it is taken for every chunk a store inserts.
int64_t ReferencedBytes(const arrow::ArrayData& data, int64_t offset, int64_t length) {
  if (length <= 0) return 0;
  const int64_t start = data.offset + offset;
  int64_t bytes = data.buffers.empty() || !data.buffers[0] ? 0 : (length + 7) / 8;
  const arrow::DataType& type = *data.type;
  auto child_range = [&](const auto* offsets) {
    return std::pair<int64_t, int64_t>(offsets[start], offsets[start + length] - offsets[start]);
  };
  switch (type.id()) {
    case arrow::Type::NA: return 0;
    case arrow::Type::BOOL: return bytes + (length + 7) / 8;
    case arrow::Type::LIST:
    case arrow::Type::MAP: {
      auto [first, n] = child_range(data.GetValues<int32_t>(1, 0));
      return bytes + (length + 1) * 4 + ReferencedBytes(*data.child_data[0], first, n);  // offsets are the child's logical indices
    }
    case arrow::Type::LARGE_LIST: {
      auto [first, n] = child_range(data.GetValues<int64_t>(1, 0));
      return bytes + (length + 1) * 8 + ReferencedBytes(*data.child_data[0], first, n);
    }
    case arrow::Type::FIXED_SIZE_LIST: {
      const int64_t size = static_cast<const arrow::FixedSizeListType&>(type).list_size();
      return bytes + ReferencedBytes(*data.child_data[0], (offset + data.offset) * size - data.child_data[0]->offset,
                                     length * size);
    }
    case arrow::Type::STRUCT:
      for (const auto& child : data.child_data) bytes += ReferencedBytes(*child, offset + data.offset - child->offset, length);
      return bytes;
    case arrow::Type::STRING:
    case arrow::Type::BINARY: {
      auto [first, n] = child_range(data.GetValues<int32_t>(1, 0));
      return bytes + (length + 1) * 4 + n;
    }
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY: {
      auto [first, n] = child_range(data.GetValues<int64_t>(1, 0));
      return bytes + (length + 1) * 8 + n;
    }
    case arrow::Type::SPARSE_UNION:  // type ids, and each child over the same rows
      bytes = length;
      for (const auto& child : data.child_data) bytes += ReferencedBytes(*child, start - child->offset, length);
      return bytes;
    case arrow::Type::DENSE_UNION: {  // type ids, offsets, and each child over the range the rows use
      const int8_t* type_ids = data.GetValues<int8_t>(1, 0);
      const int32_t* offsets = data.GetValues<int32_t>(2, 0);
      const auto& union_type = static_cast<const arrow::UnionType&>(type);
      std::vector<std::pair<int32_t, int32_t>> used(data.child_data.size(), {INT32_MAX, -1});
      for (int64_t r = start; r < start + length; ++r) {
        const int child = union_type.child_ids()[static_cast<uint8_t>(type_ids[r])];
        if (child < 0 || static_cast<size_t>(child) >= used.size()) continue;
        used[child] = {std::min(used[child].first, offsets[r]), std::max(used[child].second, offsets[r])};
      }
      bytes = length * 5;
      for (size_t c = 0; c < used.size(); ++c) {
        if (used[c].second < 0) continue;
        const auto& child = *data.child_data[c];
        bytes += ReferencedBytes(child, used[c].first, used[c].second - used[c].first + 1);
      }
      return bytes;
    }
    default:
      if (arrow::is_fixed_width(type.id()) && type.id() != arrow::Type::DICTIONARY && data.child_data.empty()) {
        return bytes + length * static_cast<const arrow::FixedWidthType&>(type).bit_width() / 8;
      }
      // Views, unions, dictionaries, run-end encoding: their buffers whole.
      for (const auto& buffer : data.buffers) bytes += buffer ? buffer->size() : 0;
      for (const auto& child : data.child_data) bytes += ReferencedBytes(*child, 0, child->length);
      return bytes;
  }
}

}  // namespace

int64_t ByteSize(const arrow::Array& array) { return ReferencedBytes(*array.data(), 0, array.length()); }

int64_t ByteSize(const Chunk& chunk) { return chunk.byte_size(); }

}  // namespace chunkhouse
