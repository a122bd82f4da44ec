#include "chunkhouse/base/sorbet.h"

#include <algorithm>

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

namespace chunkhouse::meta {

std::optional<std::string> Get(const arrow::KeyValueMetadata* metadata, std::string_view key) {
  if (metadata == nullptr) return std::nullopt;
  int i = metadata->FindKey(std::string(key));
  if (i < 0) return std::nullopt;
  return metadata->value(i);
}

std::optional<std::string> Get(const arrow::Field& field, std::string_view key) {
  return Get(field.metadata().get(), key);
}

bool IsTrue(const arrow::Field& field, std::string_view key) { return Get(field, key) == "true"; }

std::shared_ptr<arrow::KeyValueMetadata> Make(std::vector<std::string> keys, std::vector<std::string> values) {
  return arrow::key_value_metadata(std::move(keys), std::move(values));
}

}  // namespace chunkhouse::meta

namespace chunkhouse::sorbet {

namespace {
const EntityPath& PropertiesPath() {
  static const EntityPath path = EntityPath::Parse(kPropertiesEntity);
  return path;
}
}  // namespace

bool IsPropertiesEntity(const EntityPath& entity) { return entity.StartsWith(PropertiesPath()); }

std::string ColumnName(const EntityPath& entity, std::string_view component) {
  if (!IsPropertiesEntity(entity)) return fmt::format("{}:{}", entity.ToString(), component);
  const auto& parts = entity.parts();
  if (parts.size() == 1) return fmt::format("property:{}", component);
  EntityPath sub(std::vector<std::string>(parts.begin() + 1, parts.end()));
  return fmt::format("property:{}:{}", sub.ToString().substr(1), component);
}

bool IsTombstone(const ComponentDescriptor& d) {
  return d.component == kClearIsRecursive || (d.archetype && *d.archetype == kClearArchetype);
}

std::shared_ptr<arrow::Field> Column::ToField() const {
  std::vector<std::string> k{std::string(meta::kKind), std::string(meta::kEntityPath), std::string(meta::kComponent)};
  std::vector<std::string> v{std::string(meta::kKindData), entity.ToString(), descriptor.component};
  if (descriptor.archetype) {
    k.emplace_back(meta::kArchetype);
    v.push_back(*descriptor.archetype);
  }
  if (descriptor.component_type) {
    k.emplace_back(meta::kComponentType);
    v.push_back(*descriptor.component_type);
  }
  for (auto [flag, key] : {std::pair{is_static, meta::kIsStatic}, {is_tombstone, meta::kIsTombstone},
                           {is_semantically_empty, meta::kIsSemanticallyEmpty}}) {
    if (flag) {
      k.emplace_back(key);
      v.emplace_back("true");
    }
  }
  return arrow::field(ColumnName(), type, true, meta::Make(std::move(k), std::move(v)));
}

Result<Column> Column::FromField(const arrow::Field& f, std::string_view where) {
  auto kind = meta::Get(f, meta::kKind).value_or(std::string(meta::kKindData));
  if (kind != meta::kKindData) {
    return InvalidArgument("{}: column '{}' is a {} column, not a component column", where, f.name(), kind);
  }
  Column c;
  c.entity = EntityPath::Parse(meta::Get(f, meta::kEntityPath).value_or("/"));
  c.descriptor.component = meta::Get(f, meta::kComponent).value_or(f.name());
  c.descriptor.archetype = meta::Get(f, meta::kArchetype);
  c.descriptor.component_type = meta::Get(f, meta::kComponentType);
  c.type = f.type();
  c.is_static = meta::IsTrue(f, meta::kIsStatic);
  c.is_semantically_empty = meta::IsTrue(f, meta::kIsSemanticallyEmpty);
  c.is_tombstone = meta::IsTrue(f, meta::kIsTombstone) || IsTombstone(c.descriptor);
  return c;
}

std::shared_ptr<arrow::Field> IndexField(const Timeline& t) {
  return arrow::field(t.name, TimeArrowType(t.type), true,
                      meta::Make({std::string(meta::kKind), std::string(meta::kIndexName)},
                                 {std::string(meta::kKindIndex), t.name}));
}

std::shared_ptr<arrow::Field> RowIdField() {
  return arrow::field(std::string(meta::kRowIdColumnName), arrow::fixed_size_binary(16), false,
                      meta::Make({std::string(meta::kKind), std::string(meta::kExtensionName),
                                  std::string(meta::kExtensionMetadata)},
                                 {std::string(meta::kKindControl), std::string(meta::kTuidExtension),
                                  std::string(meta::kRowIdNamespace)}));
}

std::shared_ptr<arrow::Field> IndexRangeField(const Timeline& t, std::string_view marker) {
  return arrow::field(fmt::format("{}:{}", t.name, marker), TimeArrowType(t.type), true,
                      meta::Make({std::string(meta::kKind), std::string(meta::kIndex), std::string(meta::kIndexKind),
                                  std::string(meta::kIndexMarker)},
                                 {std::string(meta::kKindIndex), t.name, std::string(TimeTypeName(t.type)),
                                  std::string(marker)}));
}

std::shared_ptr<arrow::KeyValueMetadata> SchemaMetadata() {
  return meta::Make({std::string(meta::kSorbetVersion)}, {std::string(meta::kCurrentSorbetVersion)});
}

void Schema::Sort() {
  std::sort(timelines.begin(), timelines.end(),
            [](const Timeline& a, const Timeline& b) { return std::pair(a.name, a.type) < std::pair(b.name, b.type); });
  std::sort(columns.begin(), columns.end(), [](const Column& a, const Column& b) {
    if (!(a.entity == b.entity)) return a.entity < b.entity;
    return a.descriptor < b.descriptor;
  });
}

const Timeline* Schema::FindTimeline(std::string_view name) const {
  for (const auto& t : timelines) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<Schema> Schema::FromArrow(const arrow::Schema& schema, std::string_view where) {
  Schema out;
  for (const auto& f : schema.fields()) {
    auto kind = meta::Get(*f, meta::kKind).value_or(std::string(meta::kKindData));
    if (kind == meta::kKindIndex) {
      auto type = TimeTypeFromArrow(*f->type());
      if (!type) {
        return DataLoss("{}: index column '{}' has type {}, not a time type", where, f->name(), f->type()->ToString());
      }
      out.timelines.push_back(Timeline{meta::Get(*f, meta::kIndexName).value_or(f->name()), *type});
    } else if (kind == meta::kKindData) {
      ARROW_ASSIGN_OR_RAISE(auto column, Column::FromField(*f, where));
      out.columns.push_back(std::move(column));
    }
  }
  return out;
}

std::shared_ptr<arrow::Schema> Schema::ToArrow() const {
  arrow::FieldVector fields;
  if (!columns.empty() || !timelines.empty()) fields.push_back(RowIdField());
  for (const auto& t : timelines) fields.push_back(IndexField(t));
  for (const auto& c : columns) fields.push_back(c.ToField());
  return arrow::schema(std::move(fields), SchemaMetadata());
}

}  // namespace chunkhouse::sorbet
