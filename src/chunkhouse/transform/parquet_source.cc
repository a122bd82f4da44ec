#include "chunkhouse/transform/parquet_source.h"

#include "chunkhouse/parquet/importer.h"

namespace chunkhouse::transform {

namespace {

class ParquetSource : public ChunkSource {
 public:
  explicit ParquetSource(std::unique_ptr<pq::ParquetImporter> importer) : importer_(std::move(importer)) {}
  Result<std::shared_ptr<Chunk>> Next() override { return importer_->Next(); }

 private:
  std::unique_ptr<pq::ParquetImporter> importer_;
};

}  // namespace

Result<std::shared_ptr<ParquetSourceFactory>> ParquetSourceFactory::Make(std::string path, pq::ReadOptions options,
                                                                         Warn warn) {
  ARROW_ASSIGN_OR_RAISE(auto checked, pq::Check(std::move(options)));
  ARROW_ASSIGN_OR_RAISE(auto probe, pq::ParquetImporter::Open(path, checked, warn));
  const int64_t rows = probe->num_rows();
  return std::shared_ptr<ParquetSourceFactory>(
      new ParquetSourceFactory(std::move(path), std::move(checked), std::move(warn), rows));
}

Result<std::unique_ptr<ChunkSource>> ParquetSourceFactory::Open(const std::optional<StructuredFilter>& filter) const {
  ARROW_ASSIGN_OR_RAISE(auto importer, pq::ParquetImporter::Open(path_, options_, warn_));
  std::unique_ptr<ChunkSource> source = std::make_unique<ParquetSource>(std::move(importer));
  if (filter) return Filtered(std::move(source), *filter);
  return source;
}

}  // namespace chunkhouse::transform
