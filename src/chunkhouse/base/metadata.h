#pragma once
// The Arrow metadata vocabulary of Rerun's chunk and dataframe schemas (Sorbet).
#include <arrow/type_fwd.h>

#include <optional>
#include <string>
#include <string_view>

namespace chunkhouse::meta {

// The value of `key` in Arrow metadata (schema or field level), if present.
std::optional<std::string> Get(const arrow::KeyValueMetadata* metadata, std::string_view key);
std::optional<std::string> Get(const arrow::Field& field, std::string_view key);

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

// Manifest columns.
inline constexpr std::string_view kIndex = "rerun:index";
inline constexpr std::string_view kIndexStatic = "rerun:static";

}  // namespace chunkhouse::meta
