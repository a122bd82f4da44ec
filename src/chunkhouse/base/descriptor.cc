#include "chunkhouse/base/descriptor.h"

#include <arrow/util/key_value_metadata.h>

#include "chunkhouse/base/sorbet.h"

namespace chunkhouse {

std::string ArchetypeShortName(std::string_view archetype) {
  for (std::string_view prefix : {"rerun.archetypes.", "rerun.blueprint.archetypes.", "rerun."}) {
    if (archetype.substr(0, prefix.size()) == prefix) {
      return std::string(archetype.substr(prefix.size()));
    }
  }
  return std::string(archetype);
}

std::string ComponentDescriptor::ArchetypeShortName() const {
  return archetype ? chunkhouse::ArchetypeShortName(*archetype) : std::string();
}

std::string ComponentDescriptor::FieldName() const {
  if (archetype) {
    std::string prefix = ArchetypeShortName() + ":";
    if (component.rfind(prefix, 0) == 0) return component.substr(prefix.size());
  }
  return component;
}

std::string ComponentDescriptor::ToString() const {
  std::string out = component;
  if (archetype) out += " [" + *archetype + "]";
  if (component_type) out += " (" + *component_type + ")";
  return out;
}

std::shared_ptr<const arrow::KeyValueMetadata> ComponentDescriptor::ToFieldMetadata() const {
  auto md = std::make_shared<arrow::KeyValueMetadata>();
  md->Append(std::string(meta::kKind), std::string(meta::kKindData));
  if (archetype) md->Append(std::string(meta::kArchetype), *archetype);
  md->Append(std::string(meta::kComponent), component);
  if (component_type) md->Append(std::string(meta::kComponentType), *component_type);
  return md;
}

}  // namespace chunkhouse
