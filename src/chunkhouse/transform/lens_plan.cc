// The engine on one chunk (notes §5.2): plan which lenses run where (collisions included), then the
// prefix chunk at the input's entity, then each derived chunk; the first failing result stops.
#include <arrow/api.h>

#include <set>

#include "chunkhouse/chunk/ops.h"
#include "chunkhouse/transform/lens_internal.h"

namespace chunkhouse::transform {

using namespace lens_detail;

namespace {

struct Plan {
  std::map<std::string, const Lens*> mutates;  // by input identifier: applied in identifier order
  std::vector<const Lens*> merged;             // same-entity 1:1 derives without timelines
  struct Derive {
    const Lens* lens;
    std::string target;
  };
  std::vector<Derive> derived;
  std::set<std::string> forward;  // original columns kept in the prefix
  Errors errors;
};

// Claims a derive's outputs at `entity`; false (and one error per taken output) on a collision.
// Outputs are claimed even when the lens is then skipped (notes §0.11).
bool Claim(const Lens& lens, const std::string& entity, std::set<std::string>& claimed, Errors& errors) {
  bool ok = true;
  for (const auto& out : lens.components) {
    if (!claimed.insert(out.descriptor.component).second) {
      errors.push_back(fmt::format("Lens collision at entity `{}`: derive output `{}` already claimed by a prior lens",
                                   entity, out.descriptor.component));
      ok = false;
    }
  }
  return ok;
}

Plan MakePlan(const Chunk& chunk, const LensSet& lenses, OutputMode mode) {
  Plan plan;
  const std::string& entity = chunk.entity_path();
  auto has = [&](const Lens& l) { return chunk.FindComponent(l.input) != nullptr; };
  for (const auto& m : lenses.mutates()) {
    if (!has(m)) continue;
    if (!plan.mutates.emplace(m.input, &m).second) {
      plan.errors.push_back(fmt::format(
          "Lens collision at entity `{}`: mutate target `{}` already claimed by a prior lens", entity, m.input));
    }
  }
  std::set<std::string> consumed;
  auto consume = [&](const Lens& d) {
    if (mode == OutputMode::kForwardUnmatched && !plan.mutates.count(d.input)) consumed.insert(d.input);
  };
  std::set<std::string> claimed;
  for (const auto& d : lenses.same_entity()) {
    if (!has(d)) continue;
    consume(d);
    if (!Claim(d, entity, claimed, plan.errors)) continue;
    if (!d.scatter && d.timelines.empty()) {
      plan.merged.push_back(&d);
    } else {
      plan.derived.push_back({&d, entity});
    }
  }
  std::map<std::string, std::set<std::string>> claimed_at;
  for (const auto& d : lenses.other_entity()) {
    if (!has(d)) continue;
    consume(d);
    if (Claim(d, *d.output_entity, claimed_at[*d.output_entity], plan.errors)) plan.derived.push_back({&d, *d.output_entity});
  }
  for (const auto& c : chunk.components()) {
    const std::string& id = c.descriptor.component;
    const bool keep = mode == OutputMode::kForwardAll || (mode == OutputMode::kForwardUnmatched && !consumed.count(id)) ||
                      (mode == OutputMode::kDropUnmatched && plan.mutates.count(id));
    if (keep) plan.forward.insert(id);
  }
  return plan;
}

// The prefix when mutates or merged derives change it.
Outcome ChangedPrefix(const std::shared_ptr<Chunk>& chunk, Plan& plan, bool tolerant) {
  Outcome out;
  out.errors = std::move(plan.errors);
  const std::string& entity = chunk->entity_path();
  auto parts = chunk->parts();
  Columns columns;
  for (auto& [d, a] : parts.components) {
    if (plan.forward.count(d.component)) columns[d.component] = {d, a};
  }
  bool fresh_row_ids = false;
  for (const auto& [id, lens] : plan.mutates) {
    fresh_row_ids = fresh_row_ids || !lens->keep_row_ids;
    auto it = columns.find(id);
    if (it == columns.end()) continue;
    auto r = lens->selector->ExecutePerRow(it->second.second);
    if (!r.ok()) {
      out.errors.push_back(ComponentFailure(id, entity, id, r.status()));
    } else if (*r) {
      it->second.second = **r;  // the original descriptor stays
    } else {
      columns.erase(it);
    }
  }
  for (const Lens* d : plan.merged) {
    const ArrayPtr input = ComponentArray(*chunk, d->input);  // the original column, not a mutated one
    for (const auto& output : d->components) {
      if (auto list = EvalOutput(output, input, d->input, entity, out.errors)) {
        columns[output.descriptor.component] = {output.descriptor, *list};
      }
    }
  }
  if (columns.empty() && out.errors.empty()) return out;
  if (fresh_row_ids) {
    out.chunk = Finalize(entity, std::move(parts.timelines), std::move(columns), out.errors);
    return out;
  }
  // The original row ids, times and row order; a new chunk id.
  parts.id = Tuid::New();
  parts.row_ids_sorted = chunk->row_ids_sorted();
  parts.components.clear();
  for (auto& [id, column] : columns) parts.components.push_back(std::move(column));
  auto made = Chunk::Make(std::move(parts));
  if (!made.ok()) {
    out.errors.push_back("Chunk validation failed: " + made.status().message());
  } else if (out.errors.empty() || tolerant) {
    out.chunk = *made;
  }
  return out;
}

// The prefix when it only forwards columns: the chunk itself, a subset (new id), or nothing.
Outcome ForwardedPrefix(const std::shared_ptr<Chunk>& chunk, Plan& plan) {
  Outcome out;
  out.errors = std::move(plan.errors);
  std::shared_ptr<Chunk> prefix;
  if (plan.forward.size() == chunk->components().size()) {
    prefix = chunk;
  } else if (!plan.forward.empty()) {
    std::vector<std::string> keep(plan.forward.begin(), plan.forward.end());
    auto kept = KeepComponents(*chunk, keep);
    if (!kept.ok()) {
      out.errors.push_back("Chunk validation failed: " + kept.status().message());
      return out;
    }
    prefix = *kept;
  }
  if (out.errors.empty()) out.chunk = std::move(prefix);
  return out;
}

std::string Join(const Errors& errors) {
  std::string text;
  for (const auto& e : errors) text += (text.empty() ? "" : "; ") + e;
  return text;
}

}  // namespace

Result<std::vector<std::shared_ptr<Chunk>>> ApplyLenses(const std::shared_ptr<Chunk>& chunk, const LensSet& lenses,
                                                        OutputMode mode, std::vector<std::string>* tolerated) {
  Plan plan = MakePlan(*chunk, lenses, mode);
  std::vector<std::shared_ptr<Chunk>> out;
  auto take = [&](Outcome o) -> Status {
    if (!o.errors.empty()) {
      if (!tolerated || !o.chunk) return InvalidArgument("{}", Join(o.errors));
      tolerated->insert(tolerated->end(), o.errors.begin(), o.errors.end());
    }
    if (o.chunk) out.push_back(std::move(o.chunk));
    return Status::OK();
  };
  const bool changed = !plan.mutates.empty() || !plan.merged.empty();
  ARROW_RETURN_NOT_OK(take(changed ? ChangedPrefix(chunk, plan, tolerated != nullptr) : ForwardedPrefix(chunk, plan)));
  for (const auto& d : plan.derived) {
    ARROW_RETURN_NOT_OK(take(d.lens->scatter ? DeriveScatter(*chunk, *d.lens, d.target)
                                             : DeriveOneToOne(*chunk, *d.lens, d.target, tolerated != nullptr)));
  }
  return out;
}

}  // namespace chunkhouse::transform
