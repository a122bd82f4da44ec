#include "chunkhouse/base/metadata.h"

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

}  // namespace chunkhouse::meta
