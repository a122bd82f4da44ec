#include "chunkhouse/transform/mcap_source.h"

#include <algorithm>
#include <deque>

#include "chunkhouse/transform/mcap_lenses.h"

namespace chunkhouse::transform {

namespace {

// The importer's chunks, each through the ROS 2 lenses when `ros2msg` is selected (as Rerun's
// importer runs them: forward unmatched).
class McapSource : public ChunkSource {
 public:
  McapSource(std::unique_ptr<mcap::McapImporter> importer, std::optional<LensSet> lenses)
      : importer_(std::move(importer)), lenses_(std::move(lenses)) {}
  Result<std::shared_ptr<Chunk>> Next() override {
    while (pending_.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto chunk, importer_->Next());
      if (!chunk || !lenses_) return chunk;
      // A failing output column is left out (Rerun logs it); the rest of the chunk goes on.
      ARROW_ASSIGN_OR_RAISE(auto out, ApplyLenses(chunk, *lenses_, OutputMode::kForwardUnmatched, &lens_errors_));
      pending_.insert(pending_.end(), out.begin(), out.end());
    }
    auto chunk = std::move(pending_.front());
    pending_.pop_front();
    return chunk;
  }

 private:
  std::unique_ptr<mcap::McapImporter> importer_;
  std::optional<LensSet> lenses_;
  std::deque<std::shared_ptr<Chunk>> pending_;
  std::vector<std::string> lens_errors_;
};

}  // namespace

Result<std::shared_ptr<McapSourceFactory>> McapSourceFactory::Make(std::string path, mcap::ImportOptions options) {
  ARROW_RETURN_NOT_OK(mcap::McapImporter::Open(path, options).status());
  return std::shared_ptr<McapSourceFactory>(new McapSourceFactory(std::move(path), std::move(options)));
}

Result<std::unique_ptr<ChunkSource>> McapSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  ARROW_ASSIGN_OR_RAISE(auto importer, mcap::McapImporter::Open(path_, options_));
  std::optional<LensSet> lenses;
  const auto& d = options_.decoders;
  if (!d || std::find(d->begin(), d->end(), "ros2msg") != d->end()) {
    ARROW_ASSIGN_OR_RAISE(lenses, Ros2MsgLenses());
  }
  std::unique_ptr<ChunkSource> source = std::make_unique<McapSource>(std::move(importer), std::move(lenses));
  if (filter) return Filtered(std::move(source), *filter);
  return source;
}

}  // namespace chunkhouse::transform
