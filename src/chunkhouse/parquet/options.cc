#include "chunkhouse/parquet/options.h"

namespace chunkhouse::pq {

namespace {

Result<int64_t> UnitMultiplier(const std::optional<std::string>& unit) {
  const std::string u = unit.value_or("ns");
  if (u == "ns") return 1;
  if (u == "us") return 1'000;
  if (u == "ms") return 1'000'000;
  if (u == "s") return 1'000'000'000;
  return InvalidArgument("Unknown time unit: '{}'. Expected 'ns', 'us', 'ms', or 's'.", u);
}

Result<TimeType> Kind(const std::string& kind) {
  if (kind == "timestamp") return TimeType::kTimestamp;
  if (kind == "duration") return TimeType::kDuration;
  if (kind == "sequence") return TimeType::kSequence;
  return InvalidArgument("Unknown index type: '{}'. Expected 'timestamp', 'duration', or 'sequence'.", kind);
}

}  // namespace

Result<CheckedOptions> Check(ReadOptions options) {
  CheckedOptions out;
  const auto& grouping = options.column_grouping;
  if (grouping == "prefix") {
    out.grouping = Grouping::kPrefix;
  } else if (grouping == "individual") {
    out.grouping = Grouping::kIndividual;
  } else if (grouping == "explicit_prefixes") {
    out.grouping = Grouping::kExplicitPrefixes;
  } else {
    return InvalidArgument("Unknown column_grouping: '{}'. Expected 'prefix', 'individual', or 'explicit_prefixes'.",
                           grouping);
  }
  if (out.grouping == Grouping::kExplicitPrefixes) {
    if (!options.prefixes) return InvalidArgument("'explicit_prefixes' requires the 'prefixes' parameter");
    if (options.prefixes->empty()) return InvalidArgument("'prefixes' must not be empty for 'explicit_prefixes' grouping");
  } else if (options.prefixes) {
    return InvalidArgument("'prefixes' is only valid with column_grouping='explicit_prefixes'");
  }
  if (options.delimiter.empty()) return InvalidArgument("expected a string of length 1");
  for (const auto& spec : options.index_columns) {
    ARROW_ASSIGN_OR_RAISE(int64_t multiplier, UnitMultiplier(spec.unit));  // the unit first, as Rerun does
    ARROW_ASSIGN_OR_RAISE(TimeType type, Kind(spec.kind));
    out.index_columns.push_back({spec.path, type, type == TimeType::kSequence ? 1 : multiplier});
  }
  out.raw = std::move(options);
  return out;
}

}  // namespace chunkhouse::pq
