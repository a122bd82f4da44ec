#include "chunkhouse/chunk/chunk.h"
#include "chunkhouse/chunk/chunk_fields.h"
#include "chunkhouse/chunk/ops.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <set>

#include "chunkhouse/base/sorbet.h"

namespace chunkhouse {

namespace {

bool TruthyFlag(const std::optional<std::string>& v) {
  // Rerun reads anything but "false"/"no" (any case) as true.
  if (!v) return false;
  std::string lower = *v;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  return lower != "false" && lower != "no";
}

enum class ColumnKind { kControl, kIndex, kData };

Result<ColumnKind> KindOf(const arrow::Field& field) {
  auto kind = meta::Get(field.metadata().get(), meta::kKind);
  if (!kind) return ColumnKind::kData;
  if (*kind == "control" || *kind == "row_id") return ColumnKind::kControl;
  if (*kind == "index" || *kind == "time") return ColumnKind::kIndex;
  if (*kind == "data" || *kind == "component") return ColumnKind::kData;
  return Status::Invalid(fmt::format("column '{}': unknown rerun:kind '{}'", field.name(), *kind));
}

std::string CanonicalEntityPath(std::string path) {
  if (path.empty() || path[0] != '/') path.insert(path.begin(), '/');
  return path;
}

}  // namespace

Result<std::shared_ptr<Chunk>> Chunk::FromRecordBatch(std::shared_ptr<arrow::RecordBatch> batch) {
  if (!batch) return Status::Invalid("chunk: no record batch");
  ARROW_ASSIGN_OR_RAISE(batch, MigrateToCurrentSorbet(std::move(batch)));
  auto chunk = std::shared_ptr<Chunk>(new Chunk());
  const auto& schema = *batch->schema();
  const arrow::KeyValueMetadata* smd = schema.metadata().get();

  auto id_text = meta::Get(smd, meta::kChunkId);
  if (!id_text) return Status::Invalid("chunk: schema metadata has no rerun:id (chunk id)");
  ARROW_ASSIGN_OR_RAISE(chunk->id_, Tuid::Parse(*id_text, "chunk"));
  auto path = meta::Get(smd, meta::kEntityPath);
  if (!path) return Status::Invalid("chunk: schema metadata has no rerun:entity_path");
  chunk->entity_path_ = CanonicalEntityPath(*path);

  int row_id_col = -1;
  bool seen_data = false;
  std::set<std::string> timelines, components;
  for (int i = 0; i < schema.num_fields(); ++i) {
    const auto& field = *schema.field(i);
    const arrow::Array& array = *batch->column(i);
    ARROW_ASSIGN_OR_RAISE(ColumnKind kind, KindOf(field));
    switch (kind) {
      case ColumnKind::kControl: {
        if (row_id_col >= 0) {
          return Status::Invalid(fmt::format("chunk {}: more than one RowId column", *id_text));
        }
        if (i != 0) {
          return Status::Invalid(fmt::format("chunk {}: RowId column '{}' is not the first column",
                                             *id_text, field.name()));
        }
        const auto& t = *field.type();
        if (t.id() != arrow::Type::FIXED_SIZE_BINARY ||
            static_cast<const arrow::FixedSizeBinaryType&>(t).byte_width() != 16) {
          return Status::Invalid(fmt::format(
              "chunk {}: RowId column has type {}, expected fixed_size_binary[16]", *id_text,
              t.ToString()));
        }
        if (array.null_count() != 0) {
          return Status::Invalid(fmt::format("chunk {}: RowId column contains nulls", *id_text));
        }
        row_id_col = i;
        break;
      }
      case ColumnKind::kIndex: {
        if (seen_data) {
          return Status::Invalid(fmt::format(
              "chunk {}: index column '{}' comes after a component column", *id_text, field.name()));
        }
        auto type = TimeTypeFromArrow(*field.type());
        if (!type) {
          return Status::Invalid(fmt::format(
              "chunk {}: index column '{}' has unsupported time type {} (expected int64, "
              "duration[ns] or timestamp[ns])",
              *id_text, field.name(), field.type()->ToString()));
        }
        if (array.null_count() != 0) {
          return Status::Invalid(
              fmt::format("chunk {}: index column '{}' contains nulls", *id_text, field.name()));
        }
        std::string name = meta::Get(field.metadata().get(), meta::kIndexName).value_or(field.name());
        if (name.empty()) name = field.name();
        if (!timelines.insert(name).second) {
          return Status::Invalid(fmt::format("chunk {}: timeline '{}' appears twice", *id_text, name));
        }
        bool sorted = TruthyFlag(meta::Get(field.metadata().get(), meta::kIsSorted));
        chunk->indexes_.push_back({Timeline{name, *type}, i, sorted});
        break;
      }
      case ColumnKind::kData: {
        seen_data = true;
        if (field.type()->id() != arrow::Type::LIST) {
          return Status::Invalid(fmt::format(
              "chunk {}: component column '{}' has type {}, expected a list", *id_text,
              field.name(), field.type()->ToString()));
        }
        const auto* md = field.metadata().get();
        ComponentDescriptor d;
        d.component = meta::Get(md, meta::kComponent).value_or("");
        if (d.component.empty()) d.component = field.name();
        d.archetype = meta::Get(md, meta::kArchetype);
        d.component_type = meta::Get(md, meta::kComponentType);
        if (!components.insert(d.component).second) {
          return Status::Invalid(
              fmt::format("chunk {}: component '{}' appears twice", *id_text, d.component));
        }
        chunk->components_.push_back({std::move(d), i});
        break;
      }
    }
  }
  if (row_id_col < 0) return Status::Invalid(fmt::format("chunk {}: no RowId column", *id_text));
  Parts parts{chunk->id_, chunk->entity_path_, batch->column(row_id_col), {}, {}, {}};
  for (const auto& ic : chunk->indexes_) {
    const auto* declared = batch->schema()->field(ic.column)->metadata().get();
    std::optional<bool> sorted;
    if (meta::Get(declared, meta::kIsSorted)) sorted = ic.is_sorted;  // declared: trusted, as Rerun does
    parts.timelines.push_back({ic.timeline, batch->column(ic.column), sorted});
  }
  for (const auto& cc : chunk->components_) parts.components.emplace_back(cc.descriptor, batch->column(cc.column));
  return Assemble(std::move(parts), /*check=*/false);
}

Result<std::shared_ptr<Chunk>> Chunk::Make(Parts parts) { return Assemble(std::move(parts), /*check=*/true); }

Chunk::Parts Chunk::parts() const {
  Parts p{id_, entity_path_, column_ptr(row_id_column_), {}, {}, {}};
  for (const auto& ic : indexes_) p.timelines.push_back({ic.timeline, column_ptr(ic.column), ic.is_sorted});
  for (const auto& cc : components_) p.components.emplace_back(cc.descriptor, column_ptr(cc.column));
  return p;
}

// The batch as Rerun itself renders a chunk: canonical names, nullability and metadata,
// computed sortedness where none was declared, unknown keys dropped. Arrays are shared.
Result<std::shared_ptr<Chunk>> Chunk::Assemble(Parts parts, bool check) {
  auto chunk = std::shared_ptr<Chunk>(new Chunk());
  chunk->id_ = parts.id;
  chunk->entity_path_ = CanonicalEntityPath(std::move(parts.entity_path));
  if (!parts.row_ids) return Status::Invalid(fmt::format("chunk for {}: no row ids", chunk->entity_path_));
  const int64_t n = parts.row_ids->length();
  if (check) {
    // What FromRecordBatch checks of a parsed batch, for parts put together by hand.
    auto malformed = [&](std::string what) {
      return Status::Invalid(fmt::format("Detected malformed chunk: {}", what));
    };
    const auto& rt = *parts.row_ids->type();
    if (rt.id() != arrow::Type::FIXED_SIZE_BINARY || static_cast<const arrow::FixedSizeBinaryType&>(rt).byte_width() != 16) {
      return malformed(fmt::format("row ids have type {}, expected fixed_size_binary[16]", rt.ToString()));
    }
    if (parts.row_ids->null_count() != 0) return malformed("row ids contain nulls");
    std::set<std::string> names;
    for (const auto& tc : parts.timelines) {
      if (tc.timeline.name.empty()) return Status::Invalid("Invalid `TimelineName`: must not be empty");
      if (!names.insert(tc.timeline.name).second) return malformed(fmt::format("timeline '{}' appears twice", tc.timeline.name));
      if (tc.values->length() != n) {
        return malformed(fmt::format("All timelines in a chunk must have the same number of timestamps, matching the "
                                     "number of row IDs. Found {} row IDs but {} timestamps for timeline '{}'",
                                     n, tc.values->length(), tc.timeline.name));
      }
      if (!TimeTypeFromArrow(*tc.values->type()) || tc.values->null_count() != 0) {
        return malformed(fmt::format("Invalid data_type for timeline: {}", tc.timeline.name));
      }
    }
    names.clear();
    for (const auto& [d, a] : parts.components) {
      if (d.component.empty()) return Status::Invalid("Invalid `ComponentIdentifier`: must not be empty");
      if (!names.insert(d.component).second) return malformed(fmt::format("component '{}' appears twice", d.component));
      if (a->type_id() != arrow::Type::LIST) {
        return malformed(fmt::format("component '{}' has type {}, expected a list", d.component, a->type()->ToString()));
      }
      if (a->length() != n) {
        return malformed(fmt::format("All component batches in a chunk must have the same number of rows, matching "
                                     "the number of row IDs. Found {} row IDs but {} rows for component batch {}",
                                     n, a->length(), d.component));
      }
    }
  }
  // Column order: RowId, timelines by (name, type), components by descriptor.
  std::sort(parts.timelines.begin(), parts.timelines.end(), [](const TimeColumn& a, const TimeColumn& b) {
    return std::pair(a.timeline.name, a.timeline.type) < std::pair(b.timeline.name, b.timeline.type);
  });
  std::sort(parts.components.begin(), parts.components.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  {
    const auto& ids = static_cast<const arrow::FixedSizeBinaryArray&>(*parts.row_ids);
    bool sorted = true;
    if (parts.row_ids_sorted) {
      sorted = *parts.row_ids_sorted;
    } else {
      // Big-endian (time, counter) pairs compared as two integers.
      auto key = [&](int64_t i) {
        uint64_t hi = 0, lo = 0;
        std::memcpy(&hi, ids.GetValue(i), 8);
        std::memcpy(&lo, ids.GetValue(i) + 8, 8);
        return std::pair(__builtin_bswap64(hi), __builtin_bswap64(lo));
      };
      for (int64_t i = 1; i < ids.length() && sorted; ++i) sorted = key(i - 1) <= key(i);
    }
    chunk->row_ids_sorted_ = sorted;
    fields.push_back(ChunkRowIdField(sorted));
    columns.push_back(parts.row_ids);
    chunk->row_id_column_ = 0;
  }
  for (auto& tc : parts.timelines) {
    auto type = TimeArrowType(tc.timeline.type);
    auto column = tc.values;
    if (!column->type()->Equals(*type)) {  // e.g. a timestamp with a time zone
      ARROW_ASSIGN_OR_RAISE(column, column->View(type));
    }
    bool sorted = tc.is_sorted.value_or(false);
    if (!tc.is_sorted) {
      const int64_t* v = column->data()->GetValues<int64_t>(1);
      sorted = std::is_sorted(v, v + n);
    }
    chunk->indexes_.push_back(
        {tc.timeline, static_cast<int>(fields.size()), sorted, column->data()->GetValues<int64_t>(1)});
    fields.push_back(ChunkIndexField(tc.timeline, sorted));
    columns.push_back(std::move(column));
  }
  for (auto& [d, a] : parts.components) {
    auto column = a;
    const auto& item = *static_cast<const arrow::ListType&>(*column->type()).value_field();
    auto type = column->type();
    if (item.name() != "item" || !item.nullable() || item.HasMetadata()) {  // Rerun's canonical item field
      type = arrow::list(arrow::field("item", item.type(), true));
      ARROW_ASSIGN_OR_RAISE(column, column->View(type));
    }
    chunk->components_.push_back({d, static_cast<int>(fields.size())});
    fields.push_back(ChunkComponentField(d, std::move(type)));
    columns.push_back(std::move(column));
  }
  auto smd = std::make_shared<arrow::KeyValueMetadata>();
  smd->Append(std::string(meta::kSorbetVersion), std::string(meta::kCurrentSorbetVersion));
  smd->Append(std::string(meta::kChunkId), ChunkIdString(chunk->id_));
  smd->Append(std::string(meta::kEntityPath), chunk->entity_path_);
  chunk->batch_ = arrow::RecordBatch::Make(arrow::schema(fields, smd), n, columns);
  chunk->columns_ = std::move(columns);
  chunk->num_rows_ = n;
  chunk->row_ids_ = static_cast<const arrow::FixedSizeBinaryArray&>(*chunk->columns_[0]).GetValue(0);
  return chunk;
}

int Chunk::num_columns() const { return static_cast<int>(columns_.size()); }

int64_t Chunk::byte_size() const {
  int64_t size = byte_size_.load(std::memory_order_relaxed);
  if (size < 0) {
    size = 0;
    for (const auto& column : columns_) size += ByteSize(*column);
    byte_size_.store(size, std::memory_order_relaxed);
  }
  return size;
}

Tuid Chunk::row_id(int64_t row) const { return Tuid::FromBytes(row_ids_ + 16 * row); }

const int64_t* Chunk::time_values(const IndexColumn& index) const { return index.values; }

const Chunk::IndexColumn* Chunk::FindIndex(std::string_view timeline) const {
  for (const auto& ic : indexes_)
    if (ic.timeline.name == timeline) return &ic;
  return nullptr;
}

const Chunk::ComponentColumn* Chunk::FindComponent(std::string_view component) const {
  for (const auto& cc : components_)
    if (cc.descriptor.component == component) return &cc;
  return nullptr;
}

std::optional<TimeRange> Chunk::TimeRangeOf(const IndexColumn& index) const {
  int64_t n = num_rows();
  if (n == 0) return std::nullopt;
  const int64_t* v = time_values(index);
  if (index.is_sorted) return TimeRange{v[0], v[n - 1]};
  auto [lo, hi] = std::minmax_element(v, v + n);
  return TimeRange{*lo, *hi};
}

Chunk::ComponentTimeStats Chunk::ComponentStatsOn(const IndexColumn& index,
                                                  const ComponentColumn& c) const {
  ComponentTimeStats out;
  const arrow::Array& col = column(c.column);
  const int64_t* v = time_values(index);
  int64_t n = num_rows();
  if (col.null_count() == 0) {
    out.num_rows = static_cast<uint64_t>(n);
    out.range = TimeRangeOf(index);
    return out;
  }
  for (int64_t r = 0; r < n; ++r) {
    if (col.IsNull(r)) continue;
    ++out.num_rows;
    if (!out.range) {
      out.range = TimeRange{v[r], v[r]};
    } else {
      out.range->min = std::min(out.range->min, v[r]);
      out.range->max = std::max(out.range->max, v[r]);
    }
  }
  return out;
}

bool Chunk::all_timelines_sorted() const {
  return std::all_of(indexes_.begin(), indexes_.end(), [](const IndexColumn& ic) { return ic.is_sorted; });
}

std::optional<std::pair<Tuid, Tuid>> Chunk::RowIdRange() const {
  const int64_t n = num_rows();
  if (n == 0) return std::nullopt;
  if (row_ids_sorted_) return std::pair(row_id(0), row_id(n - 1));
  Tuid lo = row_id(0), hi = lo;
  for (int64_t r = 1; r < n; ++r) {
    Tuid id = row_id(r);
    lo = std::min(lo, id);
    hi = std::max(hi, id);
  }
  return std::pair(lo, hi);
}

std::optional<std::pair<Tuid, Tuid>> Chunk::RowIdRangeOf(const ComponentColumn& c) const {
  const arrow::Array& col = column(c.column);
  if (col.null_count() == 0) return RowIdRange();
  std::optional<std::pair<Tuid, Tuid>> out;
  for (int64_t r = 0; r < num_rows(); ++r) {
    if (col.IsNull(r)) continue;
    Tuid id = row_id(r);
    if (!out) {
      out = std::pair(id, id);
    } else {
      out->first = std::min(out->first, id);
      out->second = std::max(out->second, id);
    }
  }
  return out;
}

std::string Chunk::Summary() const {
  std::vector<std::string> timelines, columns;
  for (const auto& ic : indexes_) timelines.push_back(ic.timeline.name);
  for (const auto& cc : components_) columns.push_back(cc.descriptor.component);
  return SummaryLine(entity_path_, num_rows(), is_static(), std::move(timelines), std::move(columns));
}

std::string SummaryLine(std::string_view entity_path, int64_t rows, bool is_static, std::vector<std::string> timelines,
                        std::vector<std::string> components) {
  auto quoted = [](std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += fmt::format("{}'{}'", i ? ", " : "", names[i]);
    return out;
  };
  components.insert(components.end(), timelines.begin(), timelines.end());
  return fmt::format("{} rows={} static={} timelines=[{}] cols=[{}]", entity_path, rows, is_static ? "True" : "False",
                     quoted(std::move(timelines)), quoted(std::move(components)));
}

// ---------------------------------------------------------------------------------------------

ChunkBuilder::ChunkBuilder(std::string entity_path) : entity_path_(std::move(entity_path)) {}

ChunkBuilder& ChunkBuilder::WithId(Tuid id) {
  id_ = id;
  return *this;
}

ChunkBuilder& ChunkBuilder::WithRowIds(std::vector<Tuid> row_ids) {
  row_ids_ = std::move(row_ids);
  return *this;
}

ChunkBuilder& ChunkBuilder::AddIndex(Timeline timeline, std::vector<int64_t> values) {
  indexes_.emplace_back(std::move(timeline), std::move(values));
  return *this;
}

ChunkBuilder& ChunkBuilder::AddComponent(ComponentDescriptor descriptor,
                                         std::shared_ptr<arrow::Array> values) {
  components_.emplace_back(std::move(descriptor), std::move(values));
  return *this;
}

Result<std::shared_ptr<Chunk>> ChunkBuilder::Build() {
  // Row count comes from whichever column is present.
  std::optional<int64_t> rows;
  auto check_len = [&](int64_t n, std::string_view what) -> Status {
    if (rows && *rows != n) {
      return Status::Invalid(fmt::format("chunk builder for {}: {} has {} rows, expected {}",
                                         entity_path_, what, n, *rows));
    }
    rows = n;
    return Status::OK();
  };
  if (!row_ids_.empty()) ARROW_RETURN_NOT_OK(check_len(static_cast<int64_t>(row_ids_.size()), "row ids"));
  for (const auto& [tl, v] : indexes_) ARROW_RETURN_NOT_OK(check_len(static_cast<int64_t>(v.size()), tl.name));
  for (const auto& [d, a] : components_) {
    if (a->type_id() != arrow::Type::LIST) {
      return Status::Invalid(fmt::format("chunk builder for {}: component {} must be a list array, got {}",
                                         entity_path_, d.component, a->type()->ToString()));
    }
    ARROW_RETURN_NOT_OK(check_len(a->length(), d.component));
  }
  const int64_t n = rows.value_or(0);
  if (row_ids_.empty()) {
    Tuid first = Tuid::New();
    for (int64_t i = 0; i < n; ++i) row_ids_.push_back(Tuid{first.time_ns, first.inc + static_cast<uint64_t>(i)});
  }
  Chunk::Parts parts{id_.value_or(Tuid::New()), entity_path_, nullptr, {}, {}, {}};
  {
    arrow::FixedSizeBinaryBuilder b(arrow::fixed_size_binary(16));
    ARROW_RETURN_NOT_OK(b.Reserve(n));
    uint8_t bytes[16];
    for (int64_t i = 0; i < n; ++i) {
      row_ids_[i].ToBytes(bytes);
      b.UnsafeAppend(bytes);
    }
    ARROW_ASSIGN_OR_RAISE(parts.row_ids, b.Finish());
  }
  for (auto& [tl, v] : indexes_) {
    if (std::find(v.begin(), v.end(), kStaticTime) != v.end()) {
      return Status::Invalid(fmt::format("chunk builder for {}: timeline {} contains i64::MIN",
                                         entity_path_, tl.name));
    }
    auto data = arrow::ArrayData::Make(TimeArrowType(tl.type), n, {nullptr, arrow::Buffer::FromVector(std::move(v))}, 0);
    parts.timelines.push_back({tl, arrow::MakeArray(data), std::nullopt});
  }
  for (auto& [d, a] : components_) parts.components.emplace_back(d, a);
  return Chunk::Make(std::move(parts));
}

}  // namespace chunkhouse
