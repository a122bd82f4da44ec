#pragma once
// Dataframe queries across the segments (recordings) of a dataset, answered as Rerun's dataset
// reader answers them: the output columns come from the dataset's schema, each segment is
// queried on its own (latest-at never crosses segments), and the rows are stacked segment by
// segment with a leading rerun_segment_id column. Also the chunk filter a server prunes with.
#include <arrow/type_fwd.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/chunk/chunk_meta.h"
#include "chunkhouse/query/query.h"

namespace chunkhouse::query {

inline constexpr std::string_view kSegmentIdColumn = "rerun_segment_id";

struct DatasetQuery {
  std::optional<std::vector<std::string>> segments;  // nullopt: every segment of the dataset
  QueryExpression query;                             // applied to each segment
  // using_index_values per segment (overrides query.using_index_values): a segment without an
  // entry has no rows.
  std::optional<std::map<std::string, std::vector<int64_t>>> per_segment_values;
};

// The output columns: rerun_segment_id, the dataset's timelines (in the reverse of its schema's order, as
// Rerun's reader leaves them), then the view's
// component columns in the dataset schema's order, as the schema's own fields. An unknown index
// is an error naming the dataset's timelines.
Result<std::shared_ptr<arrow::Schema>> DatasetColumns(const arrow::Schema& dataset_schema, const QueryExpression& q);

// The chunks a dataset query can need, judged by their time ranges (a superset: the engine
// filters again). Static chunks are always kept.
struct ChunkFilter {
  struct Range {
    std::string timeline;
    int64_t start = 0, end = 0;  // inclusive
  };
  struct LatestAt {
    std::string timeline;
    int64_t at = 0;
  };
  std::optional<Range> range;        // chunks overlapping it
  std::optional<LatestAt> latest_at;  // or starting at or before it
  // No temporal chunk at all: a latest-at without an index, which is how Rerun's client asks
  // for a static-only view (index=None).
  bool static_only = false;
  // Resampling per segment: chunks starting at or before the segment's largest value on
  // `per_segment_timeline` (a segment without values gets no temporal chunks).
  std::string per_segment_timeline;
  std::map<std::string, std::optional<int64_t>> per_segment_largest;

  bool Keeps(const ChunkMeta& chunk, const std::string& segment) const;
  // What a dataset query lets a server prune with: its index range and, when filling, the
  // latest-at at its start. using_index_values: nothing (the values are clipped to each
  // segment's time range, which needs all of its chunks).
  static ChunkFilter For(const DatasetQuery& q);
};

// One segment's rows in `columns` (DatasetColumns); null when the segment has none.
Result<std::shared_ptr<arrow::Table>> QuerySegment(const std::string& segment,
                                                   std::vector<std::shared_ptr<Chunk>> chunks, const DatasetQuery& q,
                                                   const std::shared_ptr<arrow::Schema>& columns);

// The parts (one per segment, in order) as one table with one array per column, each column
// concatenated on Arrow's CPU pool.
Result<std::shared_ptr<arrow::Table>> StackSegments(const std::vector<std::shared_ptr<arrow::Table>>& parts,
                                                    const std::shared_ptr<arrow::Schema>& columns);

}  // namespace chunkhouse::query
