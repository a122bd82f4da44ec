#include "chunkhouse/transform/mcap_source.h"

#include <algorithm>
#include <deque>

#include <arrow/array.h>
#include <arrow/builder.h>

#include "chunkhouse/transform/mcap_lenses.h"

namespace chunkhouse::transform {

namespace {

// The Foxglove lenses' `timestamp` timeline gets the import's timestamp offset, as the importer's
// own timelines do (Rerun adds it to every timestamp column after the lenses).
Result<std::shared_ptr<Chunk>> Offset(const std::shared_ptr<Chunk>& chunk, int64_t offset) {
  auto parts = chunk->parts();
  bool changed = false;
  for (auto& tc : parts.timelines) {
    if (tc.timeline.name != "timestamp" || tc.timeline.type != TimeType::kTimestamp) continue;
    ARROW_ASSIGN_OR_RAISE(auto raw, tc.values->View(arrow::int64()));
    const auto& v = static_cast<const arrow::Int64Array&>(*raw);
    arrow::Int64Builder b;
    ARROW_RETURN_NOT_OK(b.Reserve(v.length()));
    for (int64_t i = 0; i < v.length(); ++i) b.UnsafeAppend(v.Value(i) + offset);
    ARROW_ASSIGN_OR_RAISE(auto shifted, b.Finish());
    ARROW_ASSIGN_OR_RAISE(tc.values, shifted->View(tc.values->type()));
    changed = true;
  }
  if (!changed) return chunk;
  return Chunk::Make(std::move(parts));
}

// The importer's chunks, each through the lenses Rerun's importer runs (ROS 2 with `ros2msg`,
// Foxglove with `foxglove`; forward unmatched).
class McapSource : public ChunkSource {
 public:
  McapSource(std::unique_ptr<mcap::McapImporter> importer, std::optional<LensSet> lenses, int64_t offset)
      : importer_(std::move(importer)), lenses_(std::move(lenses)), offset_(offset) {}
  Result<std::shared_ptr<Chunk>> Next() override {
    while (pending_.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto chunk, importer_->Next());
      if (!chunk || !lenses_) return chunk;
      // A failing output column is left out and the rest of the chunk goes on (Rerun logs it; nothing
      // here reports it yet).
      std::vector<std::string> left_out;
      ARROW_ASSIGN_OR_RAISE(auto out, ApplyLenses(chunk, *lenses_, OutputMode::kForwardUnmatched, &left_out));
      for (auto& c : out) {
        if (offset_ != 0 && c != chunk) {
          ARROW_ASSIGN_OR_RAISE(c, Offset(c, offset_));
        }
        pending_.push_back(std::move(c));
      }
    }
    auto chunk = std::move(pending_.front());
    pending_.pop_front();
    return chunk;
  }

 private:
  std::unique_ptr<mcap::McapImporter> importer_;
  std::optional<LensSet> lenses_;
  int64_t offset_;
  std::deque<std::shared_ptr<Chunk>> pending_;
};

}  // namespace

Result<std::shared_ptr<McapSourceFactory>> McapSourceFactory::Make(std::string path, mcap::ImportOptions options) {
  ARROW_RETURN_NOT_OK(mcap::McapImporter::Open(path, options).status());
  return std::shared_ptr<McapSourceFactory>(new McapSourceFactory(std::move(path), std::move(options)));
}

Result<std::unique_ptr<ChunkSource>> McapSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  ARROW_ASSIGN_OR_RAISE(auto importer, mcap::McapImporter::Open(path_, options_));
  ARROW_ASSIGN_OR_RAISE(auto lenses, ImporterLenses(options_));
  const int64_t offset = options_.timeline_type == "timestamp" ? options_.timestamp_offset_ns.value_or(0) : 0;
  std::unique_ptr<ChunkSource> source = std::make_unique<McapSource>(std::move(importer), std::move(lenses), offset);
  if (filter) return Filtered(std::move(source), *filter);
  return source;
}

}  // namespace chunkhouse::transform
