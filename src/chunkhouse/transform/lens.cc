// Lens definitions, their build checks (notes §5.1), Chunk.apply_selector (§5.8) and the stream step.
#include "chunkhouse/transform/lens.h"

#include <arrow/api.h>

#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/transform/lens_internal.h"

namespace chunkhouse::transform {

namespace {
constexpr const char* kEmptyComponent = "Invalid `ComponentIdentifier`: must not be empty";
constexpr const char* kEmptyTimeline = "Invalid `TimelineName`: must not be empty";
}  // namespace

Result<OutputMode> ParseOutputMode(std::string_view text) {
  if (text == "forward_all") return OutputMode::kForwardAll;
  if (text == "forward_unmatched") return OutputMode::kForwardUnmatched;
  if (text == "drop_unmatched") return OutputMode::kDropUnmatched;
  return InvalidArgument("Unknown output_mode '{}', expected 'forward_all', 'forward_unmatched', or 'drop_unmatched'",
                         text);
}

Lens Lens::Derive(std::string input, std::optional<std::string> output_entity, bool scatter) {
  Lens l;
  l.kind = Kind::kDerive;
  l.input = std::move(input);
  l.output_entity = std::move(output_entity);
  l.scatter = scatter;
  return l;
}

Lens Lens::Mutate(std::string input, Selector selector, bool keep_row_ids) {
  Lens l;
  l.kind = Kind::kMutate;
  l.input = std::move(input);
  l.selector = std::move(selector);
  l.keep_row_ids = keep_row_ids;
  return l;
}

Lens& Lens::ToComponent(ComponentDescriptor descriptor, Selector selector, CastTo cast) {
  components.push_back({std::move(descriptor), std::move(selector), std::move(cast)});
  return *this;
}

Lens& Lens::ToTimeline(std::string name, TimeType type, Selector selector) {
  timelines.push_back({std::move(name), type, std::move(selector)});
  return *this;
}

Result<LensSet> LensSet::Make(std::vector<Lens> lenses) {
  LensSet set;
  for (auto& lens : lenses) {
    if (lens.input.empty()) return InvalidArgument("{}", kEmptyComponent);
    if (lens.kind == Lens::Kind::kMutate) {
      if (!lens.selector) return InvalidArgument("mutate lens for `{}` has no selector", lens.input);
      set.mutates_.push_back(std::move(lens));
      continue;
    }
    for (const auto& t : lens.timelines) {
      if (t.name.empty()) return InvalidArgument("{}", kEmptyTimeline);
    }
    for (const auto& c : lens.components) {
      if (c.descriptor.component.empty()) return InvalidArgument("{}", kEmptyComponent);
    }
    if (lens.components.empty()) {
      return InvalidArgument("Lens for input component `{}` is missing output components", lens.input);
    }
    if (!lens.output_entity) {
      for (const auto& c : lens.components) {
        if (c.descriptor.component == lens.input) {
          return InvalidArgument(
              "Derive lens targets the same component as its input `{}` on the same entity - use a mutate lens "
              "instead",
              lens.input);
        }
      }
      set.same_entity_.push_back(std::move(lens));
    } else {
      lens.output_entity = EntityPath::Parse(*lens.output_entity).ToString();
      set.other_entity_.push_back(std::move(lens));
    }
  }
  return set;
}

bool LensSet::has_callable() const {
  for (const auto* group : {&mutates_, &same_entity_, &other_entity_}) {
    for (const auto& l : *group) {
      if (l.selector && l.selector->has_callable()) return true;
      for (const auto& c : l.components) {
        if (c.selector.has_callable()) return true;
      }
      for (const auto& t : l.timelines) {
        if (t.selector.has_callable()) return true;
      }
    }
  }
  return false;
}

Result<std::shared_ptr<Chunk>> ApplySelector(const Chunk& chunk, const std::string& component,
                                             const Selector& selector) {
  if (component.empty()) return InvalidArgument("{}", kEmptyComponent);
  const std::string& entity = chunk.entity_path();
  auto parts = chunk.parts();
  auto it = std::find_if(parts.components.begin(), parts.components.end(),
                         [&](const auto& c) { return c.first.component == component; });
  if (it == parts.components.end()) {
    return InvalidArgument("Component '{}' not found in chunk for entity `{}`", component, entity);
  }
  auto r = selector.ExecutePerRow(it->second);
  if (!r.ok()) return InvalidArgument("{}", lens_detail::ComponentFailure(component, entity, component, r.status()));
  if (!*r) return InvalidArgument("No component outputs were produced for target entity `{}`", entity);
  it->second = **r;  // the descriptor stays, whatever the new type
  parts.id = Tuid::New();
  parts.row_ids = SequentialRowIds(parts.id, chunk.num_rows());
  parts.row_ids_sorted = true;
  return Chunk::Make(std::move(parts));
}

Result<std::vector<std::shared_ptr<Chunk>>> LensTransform::Apply(const std::shared_ptr<Chunk>& chunk) const {
  if (content_ && !content_->Matches(EntityPath::Parse(chunk->entity_path()))) {
    return std::vector<std::shared_ptr<Chunk>>{chunk};
  }
  auto out = ApplyLenses(chunk, lenses_, mode_);
  if (!out.ok()) return InvalidArgument("Lenses error: {}", out.status().message());
  return out;
}

}  // namespace chunkhouse::transform
