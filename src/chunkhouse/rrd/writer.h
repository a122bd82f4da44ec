#pragma once
// Writes .rrd files as Rerun 0.36 does: LZ4-compressed chunks and a footer with one manifest
// per store. The file appears under its name only once it is complete (unless not atomic).
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
  // Write to a temporary name and move the file into place on Close (a reader never sees a
  // partial file); false writes straight to the path, as a recording's file sink does, so that
  // what was flushed can be read before the footer is written.
  bool atomic = true;
};

class RrdWriter {
 public:
  static Result<std::unique_ptr<RrdWriter>> Open(const std::string& path, WriterOptions options = {});
  ~RrdWriter();  // an unclosed writer removes its partial file

  // Announces a store; call before its chunks (the reader also copes without).
  Status WriteStoreInfo(const StoreId& store);
  Status WriteStoreInfo(const StoreInfo& info);
  Status WriteChunk(const StoreId& store, const Chunk& chunk);
  Status WriteBlueprintActivation(const BlueprintActivation& cmd);
  // Hands what was written to the operating system.
  Status Flush();
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
