#pragma once
// Timelines and their three time types.
#include <arrow/type_fwd.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace chunkhouse {

enum class TimeType { kSequence, kDuration, kTimestamp };

// Arrow type of an index column: Int64, Duration(ns), Timestamp(ns, no zone).
std::shared_ptr<arrow::DataType> TimeArrowType(TimeType type);
// Which time type an Arrow type encodes; nullopt for anything Rerun rejects.
// A timezone on a Timestamp is accepted and ignored, as Rerun does.
std::optional<TimeType> TimeTypeFromArrow(const arrow::DataType& type);
std::string_view TimeTypeName(TimeType type);  // "sequence" | "duration" | "timestamp"

// i64::MIN means "static" and never appears in a time column.
inline constexpr int64_t kStaticTime = std::numeric_limits<int64_t>::min();

// Human-readable value: 42, 1.500000000s, 2024-01-02T03:04:05.000000006Z.
std::string FormatTime(TimeType type, int64_t value);

struct Timeline {
  std::string name;
  TimeType type = TimeType::kSequence;
  bool operator==(const Timeline&) const = default;
};

struct TimeRange {
  int64_t min = 0;
  int64_t max = 0;
};

}  // namespace chunkhouse
