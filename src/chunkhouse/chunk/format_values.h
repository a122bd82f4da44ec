#pragma once
// Array values as text, the way arrow-rs 58 `ArrayFormatter` writes them with the options Rerun's
// table uses (nulls as "null", errors written into the text, ISO-8601 durations, RFC 3339
// timestamps). Arrow C++'s own pretty printer writes different text, so this is its own code.
#include <arrow/type_fwd.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "chunkhouse/base/status.h"

namespace chunkhouse::format {

// Writes value `i` of the array it was made for to `out`. On an error (a timestamp out of range)
// what was written so far stays and the error text is returned, as arrow-rs does.
using WriteValue = std::function<std::optional<std::string>(int64_t i, std::string& out)>;

class ValueText {
 public:
  // Fails, with arrow-rs's error text, for arrays it cannot format (an unknown time zone).
  // Nested values stop being written once `out` holds `byte_limit` bytes: a cell is cut to 100
  // characters anyway, so a 1 MB blob is not written out for nothing.
  static Result<ValueText> Make(const std::shared_ptr<arrow::Array>& array, size_t byte_limit = SIZE_MAX);
  // The text of value `i`; an error ends it with "ERROR: <error>".
  std::string operator()(int64_t i) const;

 private:
  explicit ValueText(WriteValue write) : write_(std::move(write)) {}
  WriteValue write_;
};

// Float text as ryu writes it (shortest round trip: 1.0, 0.1, 1e20, 3e-7, 1e16).
std::string RyuText(double value);
std::string RyuText(float value);
// An f32 as Rust's Display writes it (shortest round trip, never an exponent: 1, 0.5, 10000).
std::string RustFloatDisplay(float value);
std::string RustFloatDisplay(double value);
// Seconds and nanoseconds since the epoch as chrono's NaiveDateTime Debug ("1970-01-01T00:00:00.500").
std::string NaiveDateTimeText(int64_t seconds, int32_t nanos);
// chrono's TimeDelta Display ("PT1.5S", "-PT3S", "P0D").
std::string DurationText(int64_t seconds, int32_t nanos);

}  // namespace chunkhouse::format
