#pragma once
// Writes .rrd files as Rerun 0.36 does: LZ4-compressed chunks and a footer with one manifest
// per store. The file appears under its name only once it is complete.
#include <arrow/io/type_fwd.h>

#include <map>
#include <memory>
#include <string>

#include "chunkhouse/rrd/codec.h"
#include "chunkhouse/rrd/manifest.h"

namespace chunkhouse::rrd {

struct WriterOptions {
  bool compress = true;
  bool write_footer = true;
};

class RrdWriter {
 public:
  static Result<std::unique_ptr<RrdWriter>> Open(const std::string& path, WriterOptions options = {});
  ~RrdWriter();  // an unclosed writer removes its partial file

  // Announces a store; call before its chunks (the reader also copes without).
  Status WriteStoreInfo(const StoreId& store);
  Status WriteChunk(const StoreId& store, const Chunk& chunk);
  Status WriteBlueprintActivation(const BlueprintActivation& cmd);
  // Writes the footer and moves the file into place.
  Status Close();

  uint64_t bytes_written() const { return pos_; }

 private:
  RrdWriter(std::string path, WriterOptions options);
  Status WriteFrame(MessageKind kind, const std::string& payload);

  std::string path_, tmp_path_;
  WriterOptions options_;
  std::shared_ptr<arrow::io::FileOutputStream> out_;
  uint64_t pos_ = 0;
  bool closed_ = false;
  std::map<StoreId, ManifestBuilder> manifests_;
  std::vector<StoreId> manifest_order_;
};

}  // namespace chunkhouse::rrd
