#pragma once
// Errors are Arrow's Status/Result; these helpers attach where (file, byte offset) and what was
// expected, which is what a user needs to act on a bad file.
#include <arrow/result.h>
#include <arrow/status.h>
#include <fmt/format.h>

#include <cstdint>
#include <string_view>

namespace chunkhouse {

using arrow::Result;
using arrow::Status;

// "<file>: at byte <offset>: <what>"
inline Status ParseError(std::string_view file, uint64_t offset, std::string_view what) {
  return Status::Invalid(fmt::format("{}: at byte {}: {}", file, offset, what));
}

template <typename... Args>
Status ParseErrorF(std::string_view file, uint64_t offset, fmt::format_string<Args...> f,
                   Args&&... args) {
  return ParseError(file, offset, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace chunkhouse
