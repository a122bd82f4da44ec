#pragma once
// The time filter of a QueryDatasetRequest (its `query` field) as a query::ChunkFilter, and back.
#include "chunkhouse/query/dataset_query.h"

namespace rerun::cloud::v1alpha1 {
class QueryDatasetRequest;
}

namespace chunkhouse::redap {

// Checked as Rerun's server checks it: a range needs an index and a range; per_segment_values
// needs one value list per segment id, an index, and no 'at' or range; a segment id given twice
// is an error.
Result<query::ChunkFilter> ChunkFilterOf(const rerun::cloud::v1alpha1::QueryDatasetRequest& request);
// Writes a filter's range and latest-at into a request.
void SetChunkFilter(const query::ChunkFilter& filter, rerun::cloud::v1alpha1::QueryDatasetRequest* request);

}  // namespace chunkhouse::redap
