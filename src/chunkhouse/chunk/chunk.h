#pragma once
// A chunk: one entity path, N rows; each row has a RowId, one time per timeline (none when
// static) and, per component, a list of instances or null (not logged in that row).
#include <arrow/type_fwd.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/descriptor.h"
#include "chunkhouse/base/ids.h"
#include "chunkhouse/base/status.h"
#include "chunkhouse/base/time.h"

namespace chunkhouse {

class Chunk {
 public:
  struct IndexColumn {
    Timeline timeline;
    int column = 0;          // position in the record batch
    bool is_sorted = false;  // as declared by rerun:is_sorted (Rerun trusts it too)
    const int64_t* values = nullptr;  // the column's time values (set when the chunk is assembled)
  };
  struct ComponentColumn {
    ComponentDescriptor descriptor;
    int column = 0;
  };

  // Parses a record batch in Sorbet layout, migrating older layouts (spec §6.3) and
  // validating the structure: one RowId column first, index columns before data columns,
  // legal time types without nulls, list-typed data columns, no duplicates.
  static Result<std::shared_ptr<Chunk>> FromRecordBatch(std::shared_ptr<arrow::RecordBatch> batch);

  // A chunk's pieces, in any order: what operations take apart and put together again.
  struct TimeColumn {
    Timeline timeline;
    std::shared_ptr<arrow::Array> values;  // 64-bit (int64, duration or timestamp), no nulls
    std::optional<bool> is_sorted;         // computed when not known
  };
  struct Parts {
    Tuid id;
    std::string entity_path;
    std::shared_ptr<arrow::Array> row_ids;  // FixedSizeBinary(16), no nulls
    std::vector<TimeColumn> timelines;
    std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> components;  // List arrays
    std::optional<bool> row_ids_sorted;  // when the maker knows it (else computed); parts() leaves it unset
  };
  // The canonical chunk of these parts (columns ordered, metadata written, sortedness
  // computed). Lengths, types and duplicate names are checked: a malformed chunk is an error.
  static Result<std::shared_ptr<Chunk>> Make(Parts parts);
  Parts parts() const;

  const Tuid& id() const { return id_; }
  const std::string& entity_path() const { return entity_path_; }
  int64_t num_rows() const { return num_rows_; }
  // Bytes its rows reference (see ops.h ByteSize), computed once, when first asked (many chunks
  // a lens or a pipeline makes are never measured).
  int64_t byte_size() const;
  int num_columns() const;
  bool is_static() const { return indexes_.empty(); }
  // Rows in ascending row-id order (what Rerun's store requires of an inserted chunk).
  bool row_ids_sorted() const { return row_ids_sorted_; }
  // Every timeline's times ascending with the rows (vacuously true for a static chunk).
  bool all_timelines_sorted() const;
  const std::vector<IndexColumn>& indexes() const { return indexes_; }
  const std::vector<ComponentColumn>& components() const { return components_; }
  const std::shared_ptr<arrow::RecordBatch>& batch() const { return batch_; }

  Tuid row_id(int64_t row) const;
  // Raw int64 values of an index column (all three time types are int64 underneath).
  const int64_t* time_values(const IndexColumn& index) const;
  const arrow::Array& column(int i) const { return *columns_[static_cast<size_t>(i)]; }
  const std::shared_ptr<arrow::Array>& column_ptr(int i) const { return columns_[static_cast<size_t>(i)]; }
  const IndexColumn* FindIndex(std::string_view timeline) const;
  const ComponentColumn* FindComponent(std::string_view component) const;

  // Inclusive min/max over all rows; nullopt when the chunk has no rows.
  std::optional<TimeRange> TimeRangeOf(const IndexColumn& index) const;
  // Min/max over rows where the component is non-null, and how many such rows there are.
  struct ComponentTimeStats {
    std::optional<TimeRange> range;
    uint64_t num_rows = 0;
  };
  ComponentTimeStats ComponentStatsOn(const IndexColumn& index, const ComponentColumn& c) const;
  // Smallest and largest row id among the rows where the component is non-null.
  std::optional<std::pair<Tuid, Tuid>> RowIdRangeOf(const ComponentColumn& c) const;
  // Smallest and largest row id of the chunk.
  std::optional<std::pair<Tuid, Tuid>> RowIdRange() const;

  // "{entity} rows={n} static={True|False} timelines=['a', 'b'] cols=['C', 'a', 'b']", as
  // Rerun's ChunkStore.summary() writes a chunk's line.
  std::string Summary() const;

 private:
  static Result<std::shared_ptr<Chunk>> Assemble(Parts parts, bool check);

  std::shared_ptr<arrow::RecordBatch> batch_;
  std::vector<std::shared_ptr<arrow::Array>> columns_;  // the batch's, held directly (cheap access)
  Tuid id_;
  std::string entity_path_;
  int row_id_column_ = 0;
  const uint8_t* row_ids_ = nullptr;  // 16 big-endian bytes per row
  bool row_ids_sorted_ = true;
  int64_t num_rows_ = 0;
  mutable std::atomic<int64_t> byte_size_{-1};  // -1: not computed yet (a race computes it twice, alike)
  std::vector<IndexColumn> indexes_;
  std::vector<ComponentColumn> components_;
};

// Builds a chunk column by column, in Rerun's canonical column order and metadata.
class ChunkBuilder {
 public:
  explicit ChunkBuilder(std::string entity_path);
  ChunkBuilder& WithId(Tuid id);
  ChunkBuilder& WithRowIds(std::vector<Tuid> row_ids);
  ChunkBuilder& AddIndex(Timeline timeline, std::vector<int64_t> values);
  // `values` must be a List array (one entry per row; null = not logged in that row).
  ChunkBuilder& AddComponent(ComponentDescriptor descriptor, std::shared_ptr<arrow::Array> values);
  Result<std::shared_ptr<Chunk>> Build();

 private:
  std::string entity_path_;
  std::optional<Tuid> id_;
  std::vector<Tuid> row_ids_;
  std::vector<std::pair<Timeline, std::vector<int64_t>>> indexes_;
  std::vector<std::pair<ComponentDescriptor, std::shared_ptr<arrow::Array>>> components_;
};

// One line of Rerun's ChunkStore.summary(): "{entity} rows={n} static={True|False}
// timelines=['a', 'b'] cols=['C', 'a', 'b']" (names sorted and quoted; cols = components and
// timelines together).
std::string SummaryLine(std::string_view entity_path, int64_t rows, bool is_static, std::vector<std::string> timelines,
                        std::vector<std::string> components);

// Rewrites a record batch of an older Sorbet version into the current layout (0.1.3).
// Returns the batch unchanged when it is already current.
Result<std::shared_ptr<arrow::RecordBatch>> MigrateToCurrentSorbet(
    std::shared_ptr<arrow::RecordBatch> batch);

}  // namespace chunkhouse
