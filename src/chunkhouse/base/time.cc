#include "chunkhouse/base/time.h"

#include <arrow/type.h>
#include <fmt/format.h>

#include <ctime>

namespace chunkhouse {

std::shared_ptr<arrow::DataType> TimeArrowType(TimeType type) {
  switch (type) {
    case TimeType::kSequence: return arrow::int64();
    case TimeType::kDuration: return arrow::duration(arrow::TimeUnit::NANO);
    case TimeType::kTimestamp: return arrow::timestamp(arrow::TimeUnit::NANO);
  }
  return arrow::int64();
}

std::optional<TimeType> TimeTypeFromArrow(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT64: return TimeType::kSequence;
    case arrow::Type::DURATION:
      if (static_cast<const arrow::DurationType&>(type).unit() == arrow::TimeUnit::NANO)
        return TimeType::kDuration;
      return std::nullopt;
    case arrow::Type::TIMESTAMP:
      if (static_cast<const arrow::TimestampType&>(type).unit() == arrow::TimeUnit::NANO)
        return TimeType::kTimestamp;
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::string_view TimeTypeName(TimeType type) {
  switch (type) {
    case TimeType::kSequence: return "sequence";
    case TimeType::kDuration: return "duration";
    case TimeType::kTimestamp: return "timestamp";
  }
  return "?";
}

std::string FormatTime(TimeType type, int64_t value) {
  switch (type) {
    case TimeType::kSequence: return fmt::format("{}", value);
    case TimeType::kDuration: {
      const char* sign = value < 0 ? "-" : "";
      uint64_t mag = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
      return fmt::format("{}{}.{:09}s", sign, mag / 1000000000, mag % 1000000000);
    }
    case TimeType::kTimestamp: {
      int64_t secs = value / 1000000000;
      int64_t nanos = value % 1000000000;
      if (nanos < 0) {
        nanos += 1000000000;
        secs -= 1;
      }
      std::time_t t = static_cast<std::time_t>(secs);
      std::tm tm{};
      if (gmtime_r(&t, &tm) == nullptr) return fmt::format("{}ns", value);
      return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos);
    }
  }
  return fmt::format("{}", value);
}

}  // namespace chunkhouse
