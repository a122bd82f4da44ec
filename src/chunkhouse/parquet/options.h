#pragma once
// What a user says about a Parquet file: how its columns group into entities and components,
// which columns are timelines and which are constant (notes/parquet.md §1, rerun-sdk 0.36.2's
// `ParquetReader.stream(...)`).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/base/time.h"

namespace chunkhouse::pq {

enum class Grouping { kPrefix, kIndividual, kExplicitPrefixes };

// One column to read as a timeline, as given: kind "timestamp" | "duration" | "sequence",
// unit "ns" | "us" | "ms" | "s" (what the stored integers count; none means "ns").
struct IndexColumnSpec {
  std::string path;
  std::string kind;
  std::optional<std::string> unit;
};

struct ReadOptions {
  std::optional<std::string> entity_path_prefix;
  std::string column_grouping = "prefix";
  std::string delimiter = "_";  // one character (UTF-8)
  std::optional<std::vector<std::string>> prefixes;
  bool use_structs = true;
  std::vector<std::string> static_columns;
  std::vector<IndexColumnSpec> index_columns;
};

// A checked index column: the timeline it makes and how raw values scale to it.
struct IndexColumn {
  std::string path;
  TimeType type = TimeType::kSequence;
  int64_t multiplier = 1;
};

// The options checked in Rerun's order (grouping, then each index column's unit before its
// kind); errors are InvalidArgument with Rerun's texts.
struct CheckedOptions {
  Grouping grouping = Grouping::kPrefix;
  ReadOptions raw;
  std::vector<IndexColumn> index_columns;
};
Result<CheckedOptions> Check(ReadOptions options);

}  // namespace chunkhouse::pq
