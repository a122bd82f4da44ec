#include "chunkhouse/chunk/chunk_fields.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include <mutex>
#include <string>
#include <unordered_map>

#include "chunkhouse/base/sorbet.h"

namespace chunkhouse {

namespace {

// A bounded map from a key to shared metadata: emptied when it grows past kMax (keys come from
// data, and a file could name a million distinct components).
class MetadataCache {
 public:
  template <typename Make>
  std::shared_ptr<const arrow::KeyValueMetadata> Get(const std::string& key, Make make) {
    std::lock_guard lock(mutex_);
    auto it = map_.find(key);
    if (it != map_.end()) return it->second;
    if (map_.size() >= kMax) map_.clear();
    return map_.emplace(key, make()).first->second;
  }

 private:
  static constexpr size_t kMax = 4096;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const arrow::KeyValueMetadata>> map_;
};

std::string Key(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (auto p : parts) {
    key.append(p);
    key.push_back('\x1f');
  }
  return key;
}

}  // namespace

std::shared_ptr<arrow::Field> ChunkRowIdField(bool sorted) {
  static const auto make = [](bool s) {
    auto md = std::make_shared<arrow::KeyValueMetadata>();
    md->Append(std::string(meta::kKind), std::string(meta::kKindControl));
    md->Append(std::string(meta::kExtensionName), std::string(meta::kTuidExtension));
    md->Append(std::string(meta::kExtensionMetadata), std::string(meta::kRowIdNamespace));
    if (s) md->Append(std::string(meta::kIsSorted), "true");
    return arrow::field(std::string(meta::kRowIdColumnName), arrow::fixed_size_binary(16), false, md);
  };
  static const auto sorted_field = make(true), unsorted_field = make(false);
  return sorted ? sorted_field : unsorted_field;
}

std::shared_ptr<arrow::Field> ChunkIndexField(const Timeline& timeline, bool sorted) {
  static MetadataCache cache;
  auto md = cache.Get(Key({timeline.name, sorted ? "1" : "0"}), [&] {
    auto m = std::make_shared<arrow::KeyValueMetadata>();
    m->Append(std::string(meta::kKind), std::string(meta::kKindIndex));
    m->Append(std::string(meta::kIndexName), timeline.name);
    if (sorted) m->Append(std::string(meta::kIsSorted), "true");
    return m;
  });
  return arrow::field(timeline.name, TimeArrowType(timeline.type), true, md);
}

std::shared_ptr<arrow::Field> ChunkComponentField(const ComponentDescriptor& d, std::shared_ptr<arrow::DataType> list_type) {
  static MetadataCache cache;
  auto md = cache.Get(Key({d.archetype ? std::string_view(*d.archetype) : "\x1e", d.component,
                           d.component_type ? std::string_view(*d.component_type) : "\x1e"}),
                      [&] { return d.ToFieldMetadata(); });
  return arrow::field(d.component, std::move(list_type), true, md);
}

}  // namespace chunkhouse
