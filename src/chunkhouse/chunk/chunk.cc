#include "chunkhouse/chunk/chunk.h"

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
  chunk->row_id_column_ = row_id_col;
  ARROW_ASSIGN_OR_RAISE(chunk->batch_, chunk->Canonical(*batch));
  return chunk;
}

// The batch as Rerun itself renders a chunk: canonical names, nullability and metadata,
// computed sortedness where none was declared, unknown keys dropped. Arrays are shared.
Result<std::shared_ptr<arrow::RecordBatch>> Chunk::Canonical(const arrow::RecordBatch& batch) {
  // Column order: RowId, timelines by (name, type), components by descriptor.
  std::sort(indexes_.begin(), indexes_.end(), [](const IndexColumn& a, const IndexColumn& b) {
    return std::pair(a.timeline.name, a.timeline.type) < std::pair(b.timeline.name, b.timeline.type);
  });
  std::sort(components_.begin(), components_.end(),
            [](const ComponentColumn& a, const ComponentColumn& b) { return a.descriptor < b.descriptor; });
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  {
    const auto& ids = static_cast<const arrow::FixedSizeBinaryArray&>(*batch.column(row_id_column_));
    bool sorted = true;
    for (int64_t i = 1; i < ids.length() && sorted; ++i) {
      sorted = std::memcmp(ids.GetValue(i - 1), ids.GetValue(i), 16) <= 0;
    }
    auto md = std::make_shared<arrow::KeyValueMetadata>();
    md->Append(std::string(meta::kKind), std::string(meta::kKindControl));
    md->Append(std::string(meta::kExtensionName), std::string(meta::kTuidExtension));
    md->Append(std::string(meta::kExtensionMetadata), std::string(meta::kRowIdNamespace));
    if (sorted) md->Append(std::string(meta::kIsSorted), "true");
    fields.push_back(arrow::field(std::string(meta::kRowIdColumnName), arrow::fixed_size_binary(16), false, md));
    columns.push_back(batch.column(row_id_column_));
    row_id_column_ = 0;
  }
  for (auto& ic : indexes_) {
    const auto* declared = batch.schema()->field(ic.column)->metadata().get();
    if (!meta::Get(declared, meta::kIsSorted)) {
      const int64_t* v = batch.column_data(ic.column)->GetValues<int64_t>(1);
      ic.is_sorted = std::is_sorted(v, v + batch.num_rows());
    }
    auto md = std::make_shared<arrow::KeyValueMetadata>();
    md->Append(std::string(meta::kKind), std::string(meta::kKindIndex));
    md->Append(std::string(meta::kIndexName), ic.timeline.name);
    if (ic.is_sorted) md->Append(std::string(meta::kIsSorted), "true");
    auto type = TimeArrowType(ic.timeline.type);
    auto column = batch.column(ic.column);
    if (!column->type()->Equals(*type)) {  // e.g. a timestamp with a time zone
      ARROW_ASSIGN_OR_RAISE(column, column->View(type));
    }
    ic.column = static_cast<int>(fields.size());
    fields.push_back(arrow::field(ic.timeline.name, type, true, md));
    columns.push_back(std::move(column));
  }
  for (auto& cc : components_) {
    auto column = batch.column(cc.column);
    const auto& lt = static_cast<const arrow::ListType&>(*column->type());
    auto type = arrow::list(arrow::field("item", lt.value_type(), true));
    if (!lt.Equals(*type)) {
      ARROW_ASSIGN_OR_RAISE(column, column->View(type));
    }
    cc.column = static_cast<int>(fields.size());
    fields.push_back(arrow::field(cc.descriptor.component, type, true, cc.descriptor.ToFieldMetadata()));
    columns.push_back(std::move(column));
  }
  auto smd = std::make_shared<arrow::KeyValueMetadata>();
  smd->Append(std::string(meta::kSorbetVersion), std::string(meta::kCurrentSorbetVersion));
  smd->Append(std::string(meta::kChunkId), ChunkIdString(id_));
  smd->Append(std::string(meta::kEntityPath), entity_path_);
  row_ids_ = static_cast<const arrow::FixedSizeBinaryArray&>(*columns[0]).GetValue(0);
  return arrow::RecordBatch::Make(arrow::schema(fields, smd), batch.num_rows(), columns);
}

int64_t Chunk::num_rows() const { return batch_->num_rows(); }
int Chunk::num_columns() const { return batch_->num_columns(); }
const arrow::Array& Chunk::column(int i) const { return *batch_->column(i); }

Tuid Chunk::row_id(int64_t row) const { return Tuid::FromBytes(row_ids_ + 16 * row); }

const int64_t* Chunk::time_values(const IndexColumn& index) const {
  return batch_->column_data(index.column)->GetValues<int64_t>(1);
}

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
  const arrow::Array& col = *batch_->column(c.column);
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

std::string Chunk::Summary() const {
  std::vector<std::string> tl, cols;
  for (const auto& ic : indexes_) tl.push_back(ic.timeline.name);
  std::sort(tl.begin(), tl.end());
  for (const auto& cc : components_) cols.push_back(cc.descriptor.component);
  return fmt::format("{}  rows={}  static={}  timelines=[{}]  cols=[{}]", entity_path_, num_rows(),
                     is_static() ? "True" : "False", fmt::join(tl, ", "), fmt::join(cols, ", "));
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
  Tuid id = id_.value_or(Tuid::New());

  // Only what identifies each column; ordering, sortedness flags and the rest of the
  // metadata come from the canonical form FromRecordBatch gives every chunk.
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  {
    arrow::FixedSizeBinaryBuilder b(arrow::fixed_size_binary(16));
    ARROW_RETURN_NOT_OK(b.Reserve(n));
    uint8_t bytes[16];
    for (int64_t i = 0; i < n; ++i) {
      row_ids_[i].ToBytes(bytes);
      b.UnsafeAppend(bytes);
    }
    ARROW_ASSIGN_OR_RAISE(auto arr, b.Finish());
    fields.push_back(arrow::field(std::string(meta::kRowIdColumnName), arrow::fixed_size_binary(16), false,
                                  arrow::key_value_metadata({std::string(meta::kKind)}, {std::string(meta::kKindControl)})));
    columns.push_back(arr);
  }
  for (const auto& [tl, v] : indexes_) {
    if (std::find(v.begin(), v.end(), kStaticTime) != v.end()) {
      return Status::Invalid(fmt::format("chunk builder for {}: timeline {} contains i64::MIN",
                                         entity_path_, tl.name));
    }
    auto data = arrow::ArrayData::Make(TimeArrowType(tl.type), n, {nullptr, arrow::Buffer::FromVector(v)}, 0);
    fields.push_back(arrow::field(tl.name, TimeArrowType(tl.type), true,
                                  arrow::key_value_metadata({std::string(meta::kKind), std::string(meta::kIndexName)},
                                                            {std::string(meta::kKindIndex), tl.name})));
    columns.push_back(arrow::MakeArray(data));
  }
  for (const auto& [d, a] : components_) {
    fields.push_back(arrow::field(d.component, a->type(), true, d.ToFieldMetadata()));
    columns.push_back(a);
  }
  auto smd = std::make_shared<arrow::KeyValueMetadata>();
  smd->Append(std::string(meta::kSorbetVersion), std::string(meta::kCurrentSorbetVersion));
  smd->Append(std::string(meta::kChunkId), ChunkIdString(id));
  smd->Append(std::string(meta::kEntityPath), entity_path_);
  auto batch = arrow::RecordBatch::Make(arrow::schema(fields, smd), n, columns);
  ARROW_RETURN_NOT_OK(batch->ValidateFull());
  return Chunk::FromRecordBatch(batch);
}

}  // namespace chunkhouse
