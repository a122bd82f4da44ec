#pragma once
// The Sorbet vocabulary: how Rerun describes chunks and dataframes in Arrow metadata. Every
// metadata key, the column naming rules ("/entity:Component", "property:…"), the tombstone rule,
// and one column descriptor type that turns into an Arrow field and back. Everything that reads
// or writes these schemas (chunks, manifests, stores, queries, the server's tables) uses this.
#include <arrow/type_fwd.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chunkhouse/base/descriptor.h"
#include "chunkhouse/base/entity_path.h"
#include "chunkhouse/base/status.h"
#include "chunkhouse/base/time.h"

namespace chunkhouse::meta {

// The value of `key` in Arrow metadata (schema or field level), if present.
std::optional<std::string> Get(const arrow::KeyValueMetadata* metadata, std::string_view key);
std::optional<std::string> Get(const arrow::Field& field, std::string_view key);
// True when `key` is present with the value "true".
bool IsTrue(const arrow::Field& field, std::string_view key);
// Metadata from parallel key and value lists.
std::shared_ptr<arrow::KeyValueMetadata> Make(std::vector<std::string> keys, std::vector<std::string> values);

// Schema level.
inline constexpr std::string_view kSorbetVersion = "sorbet:version";
inline constexpr std::string_view kCurrentSorbetVersion = "0.1.3";
inline constexpr std::string_view kChunkId = "rerun:id";
inline constexpr std::string_view kEntityPath = "rerun:entity_path";

// Field level.
inline constexpr std::string_view kKind = "rerun:kind";
inline constexpr std::string_view kKindControl = "control";
inline constexpr std::string_view kKindIndex = "index";
inline constexpr std::string_view kKindData = "data";
inline constexpr std::string_view kIndexName = "rerun:index_name";
inline constexpr std::string_view kIsSorted = "rerun:is_sorted";
inline constexpr std::string_view kArchetype = "rerun:archetype";
inline constexpr std::string_view kComponent = "rerun:component";
inline constexpr std::string_view kComponentType = "rerun:component_type";
inline constexpr std::string_view kIsStatic = "rerun:is_static";
inline constexpr std::string_view kIsTombstone = "rerun:is_tombstone";
inline constexpr std::string_view kIsSemanticallyEmpty = "rerun:is_semantically_empty";
inline constexpr std::string_view kExtensionName = "ARROW:extension:name";
inline constexpr std::string_view kExtensionMetadata = "ARROW:extension:metadata";
inline constexpr std::string_view kTuidExtension = "rerun.datatypes.TUID";
inline constexpr std::string_view kRowIdNamespace = "{\"namespace\":\"row\"}";
inline constexpr std::string_view kRowIdColumnName = "rerun.controls.RowId";

// Manifest and table columns that describe a timeline's range: rerun:index names the timeline
// ("rerun:static" for static-data flags), rerun:index_marker says "start" or "end".
inline constexpr std::string_view kIndex = "rerun:index";
inline constexpr std::string_view kIndexStatic = "rerun:static";
inline constexpr std::string_view kIndexKind = "rerun:index_kind";
inline constexpr std::string_view kIndexMarker = "rerun:index_marker";

}  // namespace chunkhouse::meta

namespace chunkhouse::sorbet {

// Recording properties live under this entity; their columns are named "property:…".
inline constexpr std::string_view kPropertiesEntity = "/__properties";
bool IsPropertiesEntity(const EntityPath& entity);  // /__properties or below

// The dataframe column name of an entity's component: "/world/points:Points3D:positions", or
// "property:Component" / "property:sub/path:Component" under /__properties.
std::string ColumnName(const EntityPath& entity, std::string_view component);

// The component of a Clear: a recursive flag; its rows clear the entity (and, when true, its
// descendants) at their time.
inline constexpr std::string_view kClearIsRecursive = "Clear:is_recursive";
inline constexpr std::string_view kClearArchetype = "rerun.archetypes.Clear";

// Clear components are tombstones: hidden from views unless asked for, but still in effect.
bool IsTombstone(const ComponentDescriptor& descriptor);

// A component column of a recording or dataset schema.
struct Column {
  EntityPath entity;
  ComponentDescriptor descriptor;
  std::shared_ptr<arrow::DataType> type;  // List<item: T>
  bool is_static = false;                 // some static data was ever logged
  bool is_semantically_empty = true;      // every cell ever logged is null or []
  bool is_tombstone = false;              // a Clear component

  std::string ColumnName() const { return sorbet::ColumnName(entity, descriptor.component); }
  // The dataframe field: named by ColumnName(), flags written only when true.
  std::shared_ptr<arrow::Field> ToField() const;
  // A field whose rerun:kind is data (or absent); `where` names the schema in errors.
  static Result<Column> FromField(const arrow::Field& field, std::string_view where);
};

// An index (timeline) column of a dataframe.
std::shared_ptr<arrow::Field> IndexField(const Timeline& timeline);
// The RowId control column.
std::shared_ptr<arrow::Field> RowIdField();
// A "<timeline>:start" / ":end" column of the segment table (marker "start" or "end").
std::shared_ptr<arrow::Field> IndexRangeField(const Timeline& timeline, std::string_view marker);
// sorbet:version.
std::shared_ptr<arrow::KeyValueMetadata> SchemaMetadata();

// The columns of a recording or dataset: timelines and component columns.
struct Schema {
  std::vector<Timeline> timelines;
  std::vector<Column> columns;

  const Timeline* FindTimeline(std::string_view name) const;
  // Canonical order: timelines by (name, type), columns by (entity, descriptor).
  void Sort();
  // Reads a dataframe schema (a manifest's, a server's dataset schema), keeping its order.
  // Control columns are skipped; an index column of a non-time type is an error.
  static Result<Schema> FromArrow(const arrow::Schema& schema, std::string_view where);
  // RowId (when there are any columns), the timelines, then the columns, with sorbet:version.
  std::shared_ptr<arrow::Schema> ToArrow() const;
};

}  // namespace chunkhouse::sorbet
