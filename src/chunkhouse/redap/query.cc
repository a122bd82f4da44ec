#include "chunkhouse/redap/query.h"

#include <algorithm>

#include "chunkhouse/redap/cloud.pb.h"

namespace chunkhouse::redap {

namespace pb = rerun::cloud::v1alpha1;

Result<query::ChunkFilter> ChunkFilterOf(const pb::QueryDatasetRequest& req) {
  query::ChunkFilter f;
  const auto& q = req.query();
  if (q.has_range()) {
    if (!q.range().has_index() || !q.range().has_index_range()) {
      return InvalidArgument("a range query needs an index and a range");
    }
    f.range = query::ChunkFilter::Range{q.range().index().timeline().name(), q.range().index_range().start(),
                                        q.range().index_range().end()};
  }
  if (!q.has_latest_at()) return f;
  const auto& la = q.latest_at();
  if (la.per_segment_values_size() > 0) {
    // using_index_values per segment: per segment, the chunks a latest-at at any of its values
    // can need, i.e. those starting at or before the largest; none for an empty list.
    if (la.per_segment_values_size() != req.segment_ids_size() || la.has_at() || q.has_range() || !la.has_index()) {
      return InvalidArgument("per_segment_values needs one value list per segment id, an index, and no 'at' or range");
    }
    f.per_segment_timeline = la.index().timeline().name();
    for (int i = 0; i < req.segment_ids_size(); ++i) {
      const auto& values = la.per_segment_values(i).values();
      std::optional<int64_t> largest;
      if (!values.empty()) largest = *std::max_element(values.begin(), values.end());
      if (!f.per_segment_largest.emplace(req.segment_ids(i).id(), largest).second) {
        return InvalidArgument("per_segment_values: a segment id appears twice");
      }
    }
  } else if (la.has_index() && la.has_at()) {
    f.latest_at = query::ChunkFilter::LatestAt{la.index().timeline().name(), la.at()};
  } else if (!f.range) {
    f.static_only = true;  // a latest-at at no time on no timeline: static data only
  }
  return f;
}

void SetChunkFilter(const query::ChunkFilter& f, pb::QueryDatasetRequest* req) {
  if (f.range) {
    auto* range = req->mutable_query()->mutable_range();
    range->mutable_index()->mutable_timeline()->set_name(f.range->timeline);
    range->mutable_index_range()->set_start(f.range->start);
    range->mutable_index_range()->set_end(f.range->end);
  }
  if (f.latest_at) {
    auto* la = req->mutable_query()->mutable_latest_at();
    la->mutable_index()->mutable_timeline()->set_name(f.latest_at->timeline);
    la->set_at(f.latest_at->at);
  }
}

}  // namespace chunkhouse::redap
