#include "chunkhouse/transform/mcap_source.h"

namespace chunkhouse::transform {

namespace {

class McapSource : public ChunkSource {
 public:
  explicit McapSource(std::unique_ptr<mcap::McapImporter> importer) : importer_(std::move(importer)) {}
  Result<std::shared_ptr<Chunk>> Next() override { return importer_->Next(); }

 private:
  std::unique_ptr<mcap::McapImporter> importer_;
};

}  // namespace

Result<std::shared_ptr<McapSourceFactory>> McapSourceFactory::Make(std::string path, mcap::ImportOptions options) {
  ARROW_RETURN_NOT_OK(mcap::McapImporter::Open(path, options).status());
  return std::shared_ptr<McapSourceFactory>(new McapSourceFactory(std::move(path), std::move(options)));
}

Result<std::unique_ptr<ChunkSource>> McapSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  ARROW_ASSIGN_OR_RAISE(auto importer, mcap::McapImporter::Open(path_, options_));
  std::unique_ptr<ChunkSource> source = std::make_unique<McapSource>(std::move(importer));
  if (filter) return Filtered(std::move(source), *filter);
  return source;
}

}  // namespace chunkhouse::transform
