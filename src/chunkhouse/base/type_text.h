#pragma once
// How Rerun (arrow-rs 58) writes Arrow types and strings in its messages and tables. Error texts
// that must match Rerun's, and Chunk::Format, spell types through these, so the spelling lives
// here once.
#include <arrow/type_fwd.h>

#include <string>
#include <string_view>

namespace chunkhouse {

// arrow-rs `Display` of a DataType: `Int64`, `List(Float64)`, `List(non-null UInt8)`,
// `FixedSizeList(3 x Float32)`, `Struct("x": Int64, "y": non-null Utf8)`, `Timestamp(ns, "UTC")`.
std::string TypeDisplay(const arrow::DataType& type);
// arrow-rs `Debug` of a DataType: `LargeList(Field { data_type: Int64, nullable: true })`,
// `Timestamp(Nanosecond, None)` (Rerun's TypeErrors print this form).
std::string TypeDebug(const arrow::DataType& type);
// A string as Rust's `{:?}` prints it: double quotes, `\"`, `\\`, `\n`, `\t`, `\r`, `\0`, and
// `\u{..}` for control and invisible format characters; other characters kept as they are.
std::string RustDebugString(std::string_view text);

}  // namespace chunkhouse
