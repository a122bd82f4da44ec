#pragma once
// Component descriptors: (archetype?, component, component_type?), e.g.
// (rerun.archetypes.Points3D, Points3D:positions, rerun.components.Position3D).
#include <optional>
#include <string>
#include <string_view>

#include <arrow/type_fwd.h>

namespace chunkhouse {

struct ComponentDescriptor {
  std::optional<std::string> archetype;
  std::string component;
  std::optional<std::string> component_type;

  // Order used by Rerun for columns: archetype (absent first), component, component type.
  auto operator<=>(const ComponentDescriptor&) const = default;

  // "Points3D" for "rerun.archetypes.Points3D"; other names are returned unchanged.
  std::string ArchetypeShortName() const;
  // "positions" for "Points3D:positions" when the archetype is Points3D; else the component.
  std::string FieldName() const;
  std::string ToString() const;

  // Field metadata of a chunk's data column (rerun:kind=data plus the descriptor keys).
  std::shared_ptr<const arrow::KeyValueMetadata> ToFieldMetadata() const;
};

std::string ArchetypeShortName(std::string_view archetype);

}  // namespace chunkhouse
