#include "chunkhouse/transform/filter.h"

#include <algorithm>

#include "chunkhouse/chunk/ops.h"

namespace chunkhouse::transform {

bool StructuredFilter::Predicates(const Chunk& chunk) const {
  if (matches_nothing) return false;
  if (content && !content->Matches(EntityPath::Parse(chunk.entity_path()))) return false;
  if (is_static && *is_static != chunk.is_static()) return false;
  if (has_timeline && chunk.FindIndex(*has_timeline) == nullptr) return false;
  return true;
}

bool StructuredFilter::Predicates(const ChunkMeta& meta) const {
  if (matches_nothing) return false;
  if (content && !content->Matches(EntityPath::Parse(meta.entity_path))) return false;
  if (is_static && *is_static != meta.is_static) return false;
  if (has_timeline) {
    bool found = std::any_of(meta.time_ranges.begin(), meta.time_ranges.end(),
                             [&](const auto& t) { return t.first.name == *has_timeline; });
    if (!found) return false;
  }
  return true;
}

Result<std::shared_ptr<Chunk>> StructuredFilter::Keep(const std::shared_ptr<Chunk>& chunk) const {
  if (!Predicates(*chunk)) return nullptr;
  if (!components) return chunk;
  return KeepComponents(*chunk, *components);
}

Result<std::shared_ptr<Chunk>> StructuredFilter::Remove(const std::shared_ptr<Chunk>& chunk) const {
  if (!Predicates(*chunk)) return chunk;
  if (!components) return nullptr;
  return DropComponents(chunk, *components);
}

std::optional<StructuredFilter> StructuredFilter::Fuse(const StructuredFilter& a, const StructuredFilter& b) {
  StructuredFilter out = a;
  if (b.content) {
    if (a.content && a.content_text != b.content_text) return std::nullopt;
    out.content = b.content;
    out.content_text = b.content_text;
  }
  if (b.has_timeline) {
    if (a.has_timeline && *a.has_timeline != *b.has_timeline) return std::nullopt;
    out.has_timeline = b.has_timeline;
  }
  if (b.is_static) {
    if (a.is_static && *a.is_static != *b.is_static) out.matches_nothing = true;
    out.is_static = b.is_static;
  }
  if (b.components) {
    if (a.components) {
      std::vector<std::string> both;
      for (const auto& c : *a.components) {
        if (std::find(b.components->begin(), b.components->end(), c) != b.components->end()) both.push_back(c);
      }
      if (both.empty()) return std::nullopt;
      out.components = std::move(both);
    } else {
      out.components = b.components;
    }
  }
  out.matches_nothing |= b.matches_nothing;
  return out;
}

}  // namespace chunkhouse::transform
