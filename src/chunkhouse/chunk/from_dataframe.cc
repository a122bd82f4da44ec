#include "chunkhouse/chunk/from_dataframe.h"

#include <arrow/array.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include <algorithm>

#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/base/sorbet.h"
#include "chunkhouse/base/type_text.h"
#include "chunkhouse/chunk/from_columns.h"
#include "chunkhouse/chunk/ops.h"

namespace chunkhouse {

namespace {

std::optional<std::string> Md(const arrow::Field& f, std::string_view key) { return meta::Get(f, key); }

bool IsRowIdField(const arrow::Field& f) {
  auto kind = Md(f, meta::kKind);
  return (kind && (*kind == "row_id" || *kind == "control")) || Md(f, meta::kExtensionName) == meta::kTuidExtension;
}

bool MarkedAsIndex(const arrow::Field& f) {
  auto kind = Md(f, meta::kKind);
  return (kind && (*kind == "index" || *kind == "time")) || Md(f, meta::kIndexName).has_value();
}

// "/entity:component" → ("/entity", "component"); names not starting with '/' are not split.
std::optional<std::pair<std::string, std::string>> SplitNameConvention(const std::string& name) {
  if (name.empty() || name[0] != '/') return std::nullopt;
  auto colon = name.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair(name.substr(0, colon), name.substr(colon + 1));
}

std::string Canonical(std::string_view path) { return EntityPath::Parse(path).ToString(); }

Status NullIndexError(const std::string& name) {
  return Status::Invalid(fmt::format(
      "The index column {} contains null values. Time columns must be dense — express static data with "
      "`index=None` rather than null times. (Mixing static and temporal rows in a single batch is not supported.)",
      RustDebugString(name)));
}

std::shared_ptr<arrow::KeyValueMetadata> With(const std::shared_ptr<const arrow::KeyValueMetadata>& md,
                                              std::string_view key, const std::string& value, bool overwrite) {
  auto out = md ? md->Copy() : std::make_shared<arrow::KeyValueMetadata>();
  int at = out->FindKey(std::string(key));
  if (at < 0) {
    out->Append(std::string(key), value);
  } else if (overwrite) {
    ARROW_UNUSED(out->Set(std::string(key), value));
  }
  return out;
}

// An identified chunk kept as it is (one chunk, same ids).
Result<std::vector<std::shared_ptr<Chunk>>> PreserveIdentified(const std::shared_ptr<arrow::RecordBatch>& batch) {
  std::vector<std::string> entities;
  for (const auto& f : batch->schema()->fields()) {
    if (IsRowIdField(*f) || MarkedAsIndex(*f)) continue;
    std::string entity = "/";
    if (auto e = Md(*f, meta::kEntityPath)) {
      entity = Canonical(*e);
    } else if (auto split = SplitNameConvention(f->name())) {
      entity = Canonical(split->first);
    }
    if (std::find(entities.begin(), entities.end(), entity) == entities.end()) entities.push_back(entity);
  }
  if (entities.size() > 1) {
    return Status::Invalid(
        "The record batch is an identified chunk (it carries a row-id column and a chunk id), but resolves to more "
        "than one entity path. An identified chunk is preserved as-is and must be a single chunk for a single "
        "entity. To reinterpret it into one chunk per entity (with freshly-minted ids), drop the chunk-id metadata "
        "and/or the row-id column.");
  }
  arrow::FieldVector fields;
  for (const auto& f : batch->schema()->fields()) {
    bool extension_only = IsRowIdField(*f) && !(Md(*f, meta::kKind) == "row_id" || Md(*f, meta::kKind) == "control");
    fields.push_back(extension_only ? f->WithMetadata(With(f->metadata(), meta::kKind, "control", true)) : f);
  }
  auto smd = With(batch->schema()->metadata(), meta::kEntityPath, entities.empty() ? "/" : entities[0], false);
  smd = With(smd, meta::kSorbetVersion, std::string(meta::kCurrentSorbetVersion), false);
  for (int i = 0; i < batch->num_columns(); ++i) {
    const auto& f = *fields[static_cast<size_t>(i)];
    if (MarkedAsIndex(f) && batch->column(i)->null_count() != 0) {
      return NullIndexError(Md(f, meta::kIndexName).value_or(f.name()));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto chunk, Chunk::FromRecordBatch(arrow::RecordBatch::Make(
                                        arrow::schema(fields, smd), batch->num_rows(), batch->columns())));
  return std::vector<std::shared_ptr<Chunk>>{chunk};
}

struct Column {
  std::shared_ptr<arrow::Field> field;
  std::shared_ptr<arrow::Array> array;
};

}  // namespace

Result<std::vector<std::shared_ptr<Chunk>>> ChunksFromDataframeBatch(const std::shared_ptr<arrow::RecordBatch>& batch,
                                                                     const DataframeIndex& index,
                                                                     const std::optional<std::string>& entity_path) {
  using Mode = DataframeIndex::Mode;
  for (const auto& name : index.columns) {
    if (name.empty()) return Status::Invalid("Invalid `TimelineName`: must not be empty");
  }
  const auto& schema = *batch->schema();
  const bool has_row_id = std::any_of(schema.fields().begin(), schema.fields().end(),
                                      [](const auto& f) { return IsRowIdField(*f); });
  const auto batch_entity = meta::Get(schema.metadata().get(), meta::kEntityPath);
  if (has_row_id && meta::Get(schema.metadata().get(), meta::kChunkId) && index.mode == Mode::kAuto && !entity_path) {
    return PreserveIdentified(batch);
  }
  std::vector<Column> columns;
  for (int i = 0; i < batch->num_columns(); ++i) {
    if (!IsRowIdField(*schema.field(i))) columns.push_back({schema.field(i), batch->column(i)});
  }
  for (const auto& name : index.columns) {
    if (std::none_of(columns.begin(), columns.end(), [&](const Column& c) { return c.field->name() == name; })) {
      return Status::Invalid(
          fmt::format("The requested index column {} is not present in the record batch.", RustDebugString(name)));
    }
  }
  // Classification, column by column.
  std::vector<Chunk::TimeColumn> timelines;
  std::vector<std::pair<std::string, std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>>> components;
  for (const auto& [field, array] : columns) {
    const auto& name = field->name();
    if (index.mode == Mode::kStatic && MarkedAsIndex(*field)) {
      return Status::Invalid(
          "`index=None` (static) was requested, but the record batch also carries index metadata or names an index "
          "column. Drop the index metadata, or request a temporal interpretation instead.");
    }
    bool is_index = index.mode == Mode::kAuto      ? MarkedAsIndex(*field)
                    : index.mode == Mode::kColumns ? std::count(index.columns.begin(), index.columns.end(), name) > 0
                                                   : false;
    if (is_index) {
      auto type = TimeTypeFromArrow(*field->type());
      if (!type) return Status::Invalid(fmt::format("Unsupported time type: {}", TypeDisplay(*field->type())));
      std::string timeline = Md(*field, meta::kIndexName).value_or(name);
      timelines.push_back({Timeline{timeline, *type}, array, std::nullopt});
      continue;
    }
    ComponentDescriptor d;
    d.component = Md(*field, meta::kComponent).value_or("");
    std::string entity;
    if (auto own = Md(*field, meta::kEntityPath)) {
      entity = *own;
    } else if (batch_entity) {
      entity = *batch_entity;
    } else if (auto split = SplitNameConvention(name)) {
      entity = split->first;
      if (!Md(*field, meta::kComponent)) d.component = split->second;
    } else {
      entity = entity_path ? *entity_path : "/";
    }
    if (d.component.empty()) d.component = name;
    d.archetype = Md(*field, meta::kArchetype);
    d.component_type = Md(*field, meta::kComponentType);
    ARROW_ASSIGN_OR_RAISE(auto list, AsListArray(array));
    components.push_back({Canonical(entity), {std::move(d), std::move(list)}});
  }
  if (index.mode == Mode::kAuto && timelines.empty()) {
    return Status::Invalid(
        "The record batch carries no index column, so it cannot be unambiguously interpreted as temporal or static. "
        "Pass `index=<column>` for temporal data or `index=None` for static data.");
  }
  if (components.empty()) {
    return Status::Invalid("The record batch contains no component columns, so there is nothing to log.");
  }
  for (const auto& t : timelines) {
    if (t.values->null_count() != 0) return NullIndexError(t.timeline.name);
  }
  std::vector<std::string> entities;
  for (const auto& c : components) {
    if (std::find(entities.begin(), entities.end(), c.first) == entities.end()) entities.push_back(c.first);
  }
  std::vector<std::shared_ptr<Chunk>> out;
  for (const auto& entity : entities) {
    Chunk::Parts parts;
    parts.id = Tuid::New();
    parts.entity_path = entity;
    parts.row_ids = SequentialRowIds(parts.id, batch->num_rows());
    parts.timelines = timelines;
    for (const auto& c : components) {
      if (c.first == entity) parts.components.push_back(c.second);
    }
    ARROW_ASSIGN_OR_RAISE(auto chunk, Chunk::Make(std::move(parts)));
    out.push_back(std::move(chunk));
  }
  return out;
}

}  // namespace chunkhouse
