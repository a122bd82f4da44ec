#include "chunkhouse/store/chunk_set.h"

#include <arrow/array.h>
#include <arrow/type.h>

#include <algorithm>

#include "chunkhouse/chunk/ops.h"

namespace chunkhouse {

namespace {

// Named-transform archetypes: their static data is read in full, so it is never shadowed away.
bool PreservesStaticData(const std::optional<std::string>& archetype) {
  return archetype && (*archetype == "rerun.archetypes.Transform3D" || *archetype == "rerun.archetypes.Pinhole");
}

}  // namespace

Result<std::shared_ptr<Chunk>> ChunkSet::Stored::chunk() const {
  if (merged) return merged;
  if (pieces.size() == 1 && pieces[0]->id() == id) return merged = pieces[0];
  ARROW_ASSIGN_OR_RAISE(auto joined, Concatenate(pieces));
  auto parts = joined->parts();
  parts.id = id;
  ARROW_ASSIGN_OR_RAISE(merged, Chunk::Make(std::move(parts)));
  return merged;
}

Result<std::vector<std::shared_ptr<Chunk>>> ChunkSet::chunks() const {
  std::vector<std::shared_ptr<Chunk>> out;
  out.reserve(chunks_.size());
  for (const auto& [id, stored] : chunks_) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, stored.chunk());
    out.push_back(std::move(chunk));
  }
  return out;
}

std::string ChunkSet::Summary() const {
  std::vector<const Stored*> order;
  for (const auto& [id, stored] : chunks_) order.push_back(&stored);
  std::stable_sort(order.begin(), order.end(), [](const Stored* a, const Stored* b) {
    if (a->entity() != b->entity()) return a->entity() < b->entity();
    return a->time_ranges.empty() && !b->time_ranges.empty();
  });
  std::string out;
  for (const Stored* s : order) {
    std::vector<std::string> timelines, components;
    for (const auto& [name, range] : s->time_ranges) timelines.emplace_back(name);
    for (const auto& [name, type] : s->types) components.emplace_back(name);
    out += (out.empty() ? "" : "\n") +
           SummaryLine(s->entity(), static_cast<int64_t>(s->rows), timelines.empty(), timelines, components);
  }
  return out;
}

ChunkSet::Stored ChunkSet::Describe(const std::shared_ptr<Chunk>& chunk, bool from_split) {
  Stored s;
  s.id = chunk->id();
  s.pieces = {chunk};
  s.merged = chunk;
  s.from_split = from_split;
  s.rows = static_cast<uint64_t>(chunk->num_rows());
  s.bytes = static_cast<uint64_t>(ByteSize(*chunk));
  s.sorted = chunk->all_timelines_sorted();
  s.row_range = chunk->RowIdRange().value_or(std::pair<Tuid, Tuid>{});
  s.time_ranges.reserve(chunk->indexes().size());
  s.types.reserve(chunk->components().size());
  s.ranges.reserve(chunk->indexes().size() * chunk->components().size());
  for (const auto& ic : chunk->indexes()) {
    if (auto r = chunk->TimeRangeOf(ic)) s.time_ranges[ic.timeline.name] = *r;  // views of the chunk's names
  }
  for (const auto& cc : chunk->components()) {
    s.types[cc.descriptor.component] = chunk->column(cc.column).type().get();
    for (const auto& ic : chunk->indexes()) {
      auto stats = chunk->ComponentStatsOn(ic, cc);
      s.ranges[{std::string_view(ic.timeline.name), std::string_view(cc.descriptor.component)}] =
          stats.range ? *stats.range : TimeRange{INT64_MAX, INT64_MIN + 1};
    }
  }
  return s;
}

bool ChunkSet::Concatenable(const Stored& a, const Stored& b) {
  // chunkhouse::Concatenable's rule, on what is already described: the same entity and
  // timelines (both pieces' first chunks carry the timelines, names and types, of the whole),
  // and no component whose types differ (checked once here, over all the pieces' components).
  const Chunk& x = *a.pieces.front();
  const Chunk& y = *b.pieces.front();
  if (x.entity_path() != y.entity_path() || x.indexes().size() != y.indexes().size()) return false;
  for (size_t i = 0; i < x.indexes().size(); ++i) {
    if (!(x.indexes()[i].timeline == y.indexes()[i].timeline)) return false;
  }
  for (const auto& [component, type] : a.types) {
    auto it = b.types.find(component);
    if (it != b.types.end() && it->second != type && !it->second->Equals(*type)) return false;
  }
  return true;
}

// Rerun's concat-and-sort of two chunks, lazily: pieces stay apart while their row ids do not
// interleave; otherwise the rows are merged now.
Result<ChunkSet::Stored> ChunkSet::Merge(Stored a, Stored b) {
  const bool b_after = a.row_range.second < b.row_range.first;
  const bool b_before = b.row_range.second < a.row_range.first;
  Stored out;
  out.id = Tuid::New();
  out.from_compaction = true;
  out.rows = a.rows + b.rows;
  out.bytes = a.bytes + b.bytes;
  if (b_after || b_before) {
    Stored& first = b_after ? a : b;
    Stored& second = b_after ? b : a;
    out.pieces = std::move(first.pieces);
    out.pieces.insert(out.pieces.end(), second.pieces.begin(), second.pieces.end());
    out.sorted = first.sorted && second.sorted;
    for (const auto& [name, r] : first.time_ranges) {
      auto it = second.time_ranges.find(name);
      if (it != second.time_ranges.end() && r.max > it->second.min) out.sorted = false;
    }
    out.row_range = {first.row_range.first, second.row_range.second};
  } else {
    ARROW_ASSIGN_OR_RAISE(auto ca, a.chunk());
    ARROW_ASSIGN_OR_RAISE(auto cb, b.chunk());
    ARROW_ASSIGN_OR_RAISE(auto joined, ConcatAndSort(ca, cb));
    auto parts = joined->parts();
    parts.id = out.id;
    ARROW_ASSIGN_OR_RAISE(out.merged, Chunk::Make(std::move(parts)));
    out.pieces = {out.merged};
    out.sorted = out.merged->all_timelines_sorted();
    out.row_range = out.merged->RowIdRange().value_or(std::pair<Tuid, Tuid>{});
  }
  out.time_ranges = std::move(a.time_ranges);
  for (const auto& [name, r] : b.time_ranges) {
    auto [it, fresh] = out.time_ranges.try_emplace(name, r);
    if (!fresh) it->second = {std::min(it->second.min, r.min), std::max(it->second.max, r.max)};
  }
  out.types = std::move(a.types);
  for (const auto& [component, type] : b.types) out.types.try_emplace(component, type);
  out.ranges = std::move(a.ranges);
  for (const auto& [key, range] : b.ranges) {
    auto [it, fresh] = out.ranges.try_emplace(key, range);
    if (!fresh) it->second = {std::min(it->second.min, range.min), std::max(it->second.max, range.max)};
  }
  return out;
}

bool ChunkSet::Covered(Tuid id) const { return absorbed_.count(id) > 0; }


Status ChunkSet::Insert(const std::shared_ptr<Chunk>& chunk) {
  if (chunk->num_rows() == 0 || chunk->components().empty()) return Status::OK();
  if (chunks_.count(chunk->id()) || Covered(chunk->id())) return Status::OK();
  if (!chunk->row_ids_sorted()) {
    return InvalidArgument("Chunks must be sorted before insertion in the chunk store");
  }
  schema_.Add(*chunk);
  return InsertImpl(chunk, /*from_split=*/false);
}

Status ChunkSet::InsertImpl(const std::shared_ptr<Chunk>& chunk, bool from_split) {
  if (!chunk->is_static() && !from_split && thresholds_.enabled()) {
    // Split until no piece needs it (pieces of pieces are cut again only if still oversized).
    std::vector<std::shared_ptr<Chunk>> pieces{chunk};
    for (;;) {
      std::vector<std::shared_ptr<Chunk>> next;
      for (const auto& piece : pieces) {
        ARROW_ASSIGN_OR_RAISE(auto cut, SplitIfNeeded(piece, thresholds_));
        next.insert(next.end(), cut.begin(), cut.end());
      }
      const bool stable = next.size() == pieces.size();
      pieces = std::move(next);
      if (stable) break;
    }
    if (pieces.size() > 1) {
      absorbed_.insert(chunk->id());
      for (const auto& piece : pieces) ARROW_RETURN_NOT_OK(InsertImpl(piece, /*from_split=*/true));
      return Status::OK();
    }
  }
  if (chunk->is_static()) {
    InsertStatic(chunk);
    return Status::OK();
  }
  return InsertTemporal(Describe(chunk, from_split));
}

Status ChunkSet::Reinsert(Stored stored) {
  if (stored.time_ranges.empty()) {  // static: stored whole
    InsertStatic(stored.pieces.front());
    return Status::OK();
  }
  const uint64_t row_limit = stored.sorted ? thresholds_.max_rows : thresholds_.max_rows_if_unsorted;
  const bool oversized = thresholds_.enabled() && stored.rows > 1 &&
                         ((thresholds_.max_bytes > 0 && stored.bytes > thresholds_.max_bytes) ||
                          (row_limit > 0 && stored.rows > row_limit));
  if (oversized) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, stored.chunk());
    return InsertImpl(chunk, /*from_split=*/false);
  }
  stored.from_split = false;  // a root again in this set
  stored.from_compaction = false;
  return InsertTemporal(std::move(stored));
}

void ChunkSet::InsertStatic(const std::shared_ptr<Chunk>& chunk) {
  auto& owners = static_owners_[chunk->entity_path()];
  std::set<Tuid> overwritten;
  for (const auto& cc : chunk->components()) {
    auto range = chunk->RowIdRangeOf(cc);
    if (!range) continue;  // no data: claims nothing
    auto [it, fresh] = owners.try_emplace(cc.descriptor.component, chunk->id());
    if (fresh) continue;
    auto current = chunks_.find(it->second);
    std::optional<Tuid> current_max;
    if (current != chunks_.end()) {  // a static chunk is stored whole
      const Chunk& stored = *current->second.pieces.front();
      if (const auto* col = stored.FindComponent(cc.descriptor.component)) {
        if (auto r = stored.RowIdRangeOf(*col)) current_max = r->second;
      }
    }
    if (current_max && range->second <= *current_max) continue;  // the stored data is newer
    if (current != chunks_.end() && !PreservesStaticData(cc.descriptor.archetype)) overwritten.insert(it->second);
    it->second = chunk->id();
  }
  chunks_.emplace(chunk->id(), Describe(chunk, false));
  for (const Tuid& id : overwritten) {
    bool still_owns = std::any_of(owners.begin(), owners.end(), [&](const auto& o) { return o.second == id; });
    if (!still_owns) chunks_.erase(id);
  }
}

Status ChunkSet::InsertTemporal(Stored stored) {
  if (const Stored* elected = stored.from_split ? nullptr : Elect(stored)) {
    Stored previous = Remove(elected->id);
    const Tuid previous_id = previous.id, incoming_id = stored.id;
    const bool previous_minted = previous.from_compaction;
    ARROW_ASSIGN_OR_RAISE(Stored merged, Merge(std::move(previous), std::move(stored)));
    absorbed_.insert(incoming_id);
    if (!previous_minted) absorbed_.insert(previous_id);  // ids we minted are never inserted again
    stored = std::move(merged);
  }
  Index(stored);
  const Tuid id = stored.id;
  chunks_.emplace(id, std::move(stored));
  return Status::OK();
}

// Rerun's election: neighbours on each (timeline, component) of the new chunk score their row
// count (twice when they start at the same time); the best concatenable one within the
// thresholds wins. Ties go to the smallest chunk id, so the outcome is deterministic.
const ChunkSet::Stored* ChunkSet::Elect(const Stored& incoming) const {
  const uint64_t row_limit = incoming.sorted ? thresholds_.max_rows : thresholds_.max_rows_if_unsorted;
  if (incoming.bytes > thresholds_.max_bytes || incoming.rows > row_limit) return nullptr;
  FlatMap<Tuid, uint64_t> worth;  // per candidate, its row count if it qualifies, else 0 (a few: no nodes)
  auto score = [&](const Tuid& id) -> uint64_t {
    auto [it, fresh] = worth.try_emplace(id, 0);
    if (!fresh) return it->second;
    auto found = chunks_.find(id);
    if (found == chunks_.end() || id == incoming.id || found->second.from_split) return 0;
    const Stored& candidate = found->second;
    if (!Concatenable(incoming, candidate)) return 0;
    const uint64_t limit = candidate.sorted ? thresholds_.max_rows : thresholds_.max_rows_if_unsorted;
    if (incoming.bytes + candidate.bytes <= thresholds_.max_bytes && incoming.rows + candidate.rows <= limit) {
      it->second = candidate.rows;
    }
    return it->second;
  };
  FlatMap<Tuid, uint64_t> points;
  for (const auto& [key, range] : incoming.ranges) {
    auto idx = temporal_.find(TemporalView(incoming.entity(), key.first, key.second));
    if (idx == temporal_.end()) continue;
    const TimeIndex& starts = idx->second;
    auto before = starts.lower_bound(range.min);  // the nearest start before the range
    if (before != starts.begin()) {
      for (const Tuid& id : std::prev(before)->second) points[id] += score(id);
    }
    auto after = range.max == INT64_MAX ? starts.end() : starts.lower_bound(range.max + 1);  // the nearest after
    if (after != starts.end()) {
      for (const Tuid& id : after->second) points[id] += score(id);
    }
    if (auto same = starts.find(range.min); same != starts.end()) {  // the same start counts twice
      for (const Tuid& id : same->second) points[id] += 2 * score(id);
    }
  }
  const Stored* best = nullptr;
  uint64_t best_points = 0;
  for (const auto& [id, p] : points) {
    if (p > best_points) {
      best_points = p;
      best = &chunks_.at(id);
    }
  }
  return best;
}

void ChunkSet::Index(const Stored& stored) {
  for (const auto& [key, range] : stored.ranges) {
    auto view = TemporalView(stored.entity(), key.first, key.second);
    auto idx = temporal_.find(view);
    if (idx == temporal_.end()) {
      idx = temporal_.emplace(TemporalKey(view), TimeIndex{}).first;
    }
    idx->second[range.min].insert(stored.id);
  }
}

ChunkSet::Stored ChunkSet::Remove(const Tuid& id) {
  auto node = chunks_.extract(id);
  Stored& stored = node.mapped();
  for (const auto& [key, range] : stored.ranges) {
    auto idx = temporal_.find(TemporalView(stored.entity(), key.first, key.second));
    if (idx == temporal_.end()) continue;
    auto slot = idx->second.find(range.min);
    if (slot == idx->second.end()) continue;
    slot->second.erase(id);
    if (slot->second.empty()) idx->second.erase(slot);
  }
  return std::move(stored);
}

// Each pass re-inserts the stored chunks, in chunk id order, into a fresh set; compacted chunks
// go in as their pieces (nothing is concatenated until the chunks are read).
Result<ChunkSet> ChunkSet::Finalize(ChunkSet set, const OptimizationProfile& profile) {
  const CompactionThresholds limits = profile.thresholds();
  auto fresh = [&]() {
    ChunkSet next(limits);
    next.schema_ = set.schema_;
    return next;
  };
  if (profile.split_size_ratio) {
    ChunkSet next = fresh();
    for (auto& [id, stored] : set.chunks_) {
      std::optional<std::vector<std::shared_ptr<Chunk>>> pieces;
      if (stored.types.size() >= 2) {
        ARROW_ASSIGN_OR_RAISE(auto chunk, stored.chunk());
        ARROW_ASSIGN_OR_RAISE(pieces, SplitThickThin(*chunk, *profile.split_size_ratio));
      }
      if (!pieces) {
        ARROW_RETURN_NOT_OK(next.Reinsert(std::move(stored)));
        continue;
      }
      for (const auto& piece : *pieces) ARROW_RETURN_NOT_OK(next.InsertImpl(piece, /*from_split=*/false));
    }
    set = std::move(next);
  }
  for (int pass = 0; pass < profile.extra_passes; ++pass) {
    const size_t before = set.size();
    ChunkSet next = fresh();
    for (auto& [id, stored] : set.chunks_) ARROW_RETURN_NOT_OK(next.Reinsert(std::move(stored)));
    set = std::move(next);
    if (set.size() >= before) break;
  }
  set.thresholds_ = {};
  return set;
}

}  // namespace chunkhouse
